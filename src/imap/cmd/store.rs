//! STORE (with CONDSTORE's UNCHANGEDSINCE), COPY and MOVE (with UIDPLUS's COPYUID), and
//! EXPUNGE / UID EXPUNGE.

use super::mailbox::name_or_no;
use crate::imap::command::{Flag, SequenceSet, StoreMode};
use crate::imap::search::compact_set;
use crate::imap::session::{Action, Session};

#[allow(clippy::too_many_arguments)]
pub(crate) fn store(
    s: &mut Session,
    tag: &str,
    uid: bool,
    set: &SequenceSet,
    mode: StoreMode,
    silent: bool,
    flags: &[Flag],
    unchanged_since: Option<u64>,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let sel = s.selected.as_ref()?;
    if !super::fetch::set_in_range(sel, tag, uid, set, out) {
        return None;
    }
    if unchanged_since.is_some() {
        s.enable_condstore(out);
    }
    let flags: Vec<Flag> = flags
        .iter()
        .filter(|f| **f != Flag::Recent)
        .cloned()
        .collect();
    let seqs = super::resolve(s, set, uid);
    let (Some(sel), Some(acc)) = (s.selected.as_mut(), s.account.as_mut()) else {
        return None;
    };
    let outcome = match acc.store(sel, &seqs, mode, &flags, unchanged_since) {
        Ok(o) => o,
        Err(e) => {
            s.finish(tag, uid, &super::store_error(&e), out);
            return None;
        }
    };
    if !outcome.changed.is_empty() {
        s.touched = Some(sel.dir().to_path_buf());
    }
    if sel.list_new_keywords(&outcome.changed) {
        super::mailbox::write_flags(sel, out);
    }
    // With CONDSTORE the new MODSEQ is reported even for .SILENT (RFC 7162 §3.1.3).
    let condstore = s.enabled.condstore;
    if !silent || condstore {
        let sel = s.selected.as_ref()?;
        for &q in if silent { &outcome.changed } else { &seqs } {
            let Some(m) = sel.messages.get(q as usize - 1) else {
                continue;
            };
            let mut line = format!("* {q} FETCH (").into_bytes();
            let mut parts = Vec::new();
            if !silent {
                let mut f = b"FLAGS ".to_vec();
                m.flags.write_list(&mut f, m.recent && !s.enabled.rev2);
                parts.push(f);
            }
            if uid {
                parts.push(format!("UID {}", m.uid).into_bytes());
            }
            if condstore {
                parts.push(format!("MODSEQ ({})", m.modseq).into_bytes());
            }
            line.extend_from_slice(&parts.join(&b' '));
            line.extend_from_slice(b")\r\n");
            out.extend_from_slice(&line);
        }
    }
    let status = if outcome.failed.is_empty() {
        "OK STORE completed".to_string()
    } else {
        let sel = s.selected.as_ref()?;
        let nums: Vec<u32> = if uid {
            outcome
                .failed
                .iter()
                .filter_map(|&q| sel.messages.get(q as usize - 1).map(|m| m.uid))
                .collect()
        } else {
            outcome.failed.clone()
        };
        format!(
            "OK [MODIFIED {}] conditional STORE failed for some messages",
            compact_set(&nums)
        )
    };
    s.finish(tag, uid, &status, out);
    None
}

pub(crate) fn copy(
    s: &mut Session,
    tag: &str,
    uid: bool,
    set: &SequenceSet,
    wire: &str,
    is_move: bool,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let sel = s.selected.as_ref()?;
    if !super::fetch::set_in_range(sel, tag, uid, set, out) {
        return None;
    }
    let dest = name_or_no(s, tag, wire, out)?;
    let seqs = super::resolve(s, set, uid);
    if seqs.is_empty() {
        // RFC 9051 §6.4.7: nothing to copy is still a success.
        s.finish(
            tag,
            true,
            if is_move {
                "OK MOVE completed"
            } else {
                "OK COPY completed"
            },
            out,
        );
        return None;
    }
    let (Some(sel), Some(acc)) = (s.selected.as_mut(), s.account.as_mut()) else {
        return None;
    };
    let dest_dir = acc.watch_path(&dest);
    let from = sel.name.clone();
    if is_move {
        match acc.move_to(sel, &seqs, &dest) {
            Ok(((validity, src, dst), changes)) => {
                s.touched = Some(sel.dir().to_path_buf());
                learn(s, &from, &dest, &dst);
                out.extend_from_slice(
                    format!(
                        "* OK [COPYUID {validity} {} {}] moved\r\n",
                        compact_set(&src),
                        compact_set(&dst)
                    )
                    .as_bytes(),
                );
                s.write_changes(&changes, out);
                s.finish(tag, true, "OK MOVE completed", out);
            }
            Err(e) => s.finish(tag, true, &super::store_error(&e), out),
        }
    } else {
        match acc.copy_to(sel, &seqs, &dest) {
            Ok((validity, src, dst)) => {
                if let Some(d) = dest_dir {
                    s.touched = Some(d);
                }
                learn(s, &from, &dest, &dst);
                let status = format!(
                    "OK [COPYUID {validity} {} {}] COPY completed",
                    compact_set(&src),
                    compact_set(&dst)
                );
                s.finish(tag, true, &status, out);
            }
            Err(e) => s.finish(tag, true, &super::store_error(&e), out),
        }
    }
    None
}

/// After a COPY or MOVE of `uids` (in `to`) from `from`: when that teaches rspamd (into
/// Junk: spam; out of Junk but not into Trash: ham), one job per message for the driver.
/// Never fails the command: a store that cannot say where the messages are teaches nothing.
fn learn(s: &mut Session, from: &str, to: &str, uids: &[u32]) {
    use crate::inbound::scan::learn::QUEUE;
    let (true, Some(acc), Some(login)) = (s.learning, s.account.as_mut(), s.login.as_ref()) else {
        return;
    };
    let jobs = learn_jobs(acc.as_mut(), &login.user, (from, to), uids);
    // The driver empties this after every poll; the cap only guards a huge batch.
    let room = QUEUE.saturating_sub(s.learn.len());
    if let Some(j) = jobs.first().filter(|_| jobs.len() > room) {
        tracing::warn!(
            "learn: user={} class={} result=dropped: {} messages at once, at most {QUEUE}",
            j.user,
            j.class.as_str(),
            jobs.len()
        );
    }
    s.learn.extend(jobs.into_iter().take(room));
}

/// What a COPY or MOVE of `uids` (now in `to`) from `from` teaches rspamd, one job per
/// message (none when the move teaches nothing, or the store cannot say where the messages
/// are): the one rule for IMAP and the webmail's "spam"/"not spam".
pub fn learn_jobs(
    acc: &mut dyn crate::imap::mailstore::MailStore,
    user: &str,
    (from, to): (&str, &str),
    uids: &[u32],
) -> Vec<crate::inbound::scan::learn::Job> {
    use crate::inbound::scan::learn::{Job, class_for};
    let (Ok(from_use), Ok(to_use)) = (acc.special_use(from), acc.special_use(to)) else {
        return Vec::new();
    };
    let Some(class) = class_for(from_use, to_use) else {
        return Vec::new();
    };
    let (folder, uniques) = match acc.message_files(to, uids) {
        Ok(Some(f)) => f,
        Ok(None) => return Vec::new(),
        Err(e) => {
            tracing::warn!("learn: user={user} cannot find the messages: {e}");
            return Vec::new();
        }
    };
    uniques
        .into_iter()
        .map(|unique| Job {
            user: user.to_string(),
            class,
            folder: folder.clone(),
            unique,
        })
        .collect()
}

pub(crate) fn expunge(
    s: &mut Session,
    tag: &str,
    uids: Option<&SequenceSet>,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let sel = s.selected.as_ref()?;
    let only: Option<Vec<u32>> = uids.map(|set| {
        super::resolve(s, set, true)
            .into_iter()
            .filter_map(|q| sel.messages.get(q as usize - 1).map(|m| m.uid))
            .collect()
    });
    let (Some(sel), Some(acc)) = (s.selected.as_mut(), s.account.as_mut()) else {
        return None;
    };
    match acc.expunge(sel, only.as_deref()) {
        Ok(changes) => {
            if !changes.vanished.is_empty() {
                s.touched = Some(sel.dir().to_path_buf());
            }
            s.write_changes(&changes, out);
            s.finish(tag, true, "OK EXPUNGE completed", out);
        }
        Err(e) => s.finish(tag, true, &super::store_error(&e), out),
    }
    None
}
