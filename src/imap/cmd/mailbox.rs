//! SELECT/EXAMINE (with CONDSTORE and QRESYNC), CREATE (with CREATE-SPECIAL-USE), DELETE,
//! RENAME, SUBSCRIBE/UNSUBSCRIBE, STATUS, NAMESPACE, GETQUOTA/GETQUOTAROOT, CLOSE and
//! UNSELECT.

use super::names;
use crate::imap::command::{QResync, StatusItem};
use crate::imap::flags;
use crate::imap::mailstore::{Mailbox, MailboxStatus};
use crate::imap::session::{Action, Session, State};

/// Decodes a wire name, answering `NO` for the ones that cannot be or must not be
/// ([`names::decode_text`]); every command that takes a mailbox name goes through here.
pub(crate) fn name_or_no(s: &Session, tag: &str, wire: &str, out: &mut Vec<u8>) -> Option<String> {
    match names::decode_in(wire, s.enabled.rev2, s.enabled.utf8) {
        Ok(n) => Some(n),
        Err(why) => {
            Session::tagged(out, tag, &format!("NO [CANNOT] {why}"));
            None
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn select(
    s: &mut Session,
    tag: &str,
    wire: &str,
    read_only: bool,
    condstore: bool,
    qresync: Option<QResync>,
    out: &mut Vec<u8>,
) -> Option<Action> {
    if qresync.is_some() && !s.enabled.qresync {
        Session::tagged(out, tag, "BAD SELECT (QRESYNC): run ENABLE QRESYNC first");
        return None;
    }
    if s.selected.take().is_some() {
        s.state = State::Authenticated;
        if s.enabled.qresync {
            out.extend_from_slice(b"* OK [CLOSED] previous mailbox closed\r\n");
        }
    }
    let name = name_or_no(s, tag, wire, out)?;
    let acc = s.account.as_mut()?;
    let mut mailbox = match acc.select(&name, read_only) {
        Ok(m) => m,
        Err(e) => {
            let msg = super::store_error(&e).replace("[TRYCREATE]", "[NONEXISTENT]");
            Session::tagged(out, tag, &msg);
            return None;
        }
    };
    if condstore {
        s.enabled.condstore = true;
    }
    mailbox.list_new_keywords(&[]);
    write_flags(&mailbox, out);
    out.extend_from_slice(format!("* {} EXISTS\r\n", mailbox.messages.len()).as_bytes());
    if !s.enabled.rev2 {
        let recent = mailbox.messages.iter().filter(|m| m.recent).count();
        out.extend_from_slice(format!("* {recent} RECENT\r\n").as_bytes());
        if let Some(i) = mailbox
            .messages
            .iter()
            .position(|m| !m.flags.has(flags::SEEN))
        {
            out.extend_from_slice(
                format!("* OK [UNSEEN {}] first unseen message\r\n", i + 1).as_bytes(),
            );
        }
    }
    out.extend_from_slice(
        format!(
            "* OK [UIDVALIDITY {}] UIDs valid\r\n* OK [UIDNEXT {}] predicted next UID\r\n* OK [HIGHESTMODSEQ {}] highest\r\n",
            mailbox.uidvalidity, mailbox.uidnext, mailbox.highestmodseq
        )
        .as_bytes(),
    );
    if !mailbox.mailbox_id.is_empty() {
        out.extend_from_slice(
            format!("* OK [MAILBOXID ({})] mailbox id\r\n", mailbox.mailbox_id).as_bytes(),
        );
    }
    let read_only = mailbox.read_only;
    s.selected = Some(mailbox);
    s.state = State::Selected;
    if let Some(q) = qresync {
        qresync_changes(s, &q, out);
    }
    let code = if read_only { "READ-ONLY" } else { "READ-WRITE" };
    Session::tagged(out, tag, &format!("OK [{code}] completed"));
    None
}

/// RFC 7162 §3.2.5.2: after a QRESYNC SELECT with a matching UIDVALIDITY, what vanished
/// and what changed since the client's MODSEQ.
fn qresync_changes(s: &mut Session, q: &QResync, out: &mut Vec<u8>) {
    let (Some(sel), Some(acc)) = (s.selected.as_ref(), s.account.as_ref()) else {
        return;
    };
    if q.uidvalidity != sel.uidvalidity {
        return;
    }
    let largest = sel.uidnext.saturating_sub(1);
    match acc.vanished_since(sel, q.modseq) {
        Ok(mut v) => {
            if let Some(known) = &q.known_uids {
                v.retain(|&u| known.contains(u, largest));
            }
            if !v.is_empty() {
                out.extend_from_slice(b"* VANISHED (EARLIER) ");
                out.extend_from_slice(crate::imap::search::compact_set(&v).as_bytes());
                out.extend_from_slice(b"\r\n");
            }
        }
        Err(e) => tracing::warn!("QRESYNC vanished: {e}"),
    }
    for (i, m) in sel.messages.iter().enumerate() {
        if m.modseq > q.modseq {
            crate::imap::session::updates::flags_fetch(s, i as u32 + 1, m, out);
        }
    }
}

pub(crate) fn create(
    s: &mut Session,
    tag: &str,
    wire: &str,
    special_use: &[String],
    out: &mut Vec<u8>,
) -> Option<Action> {
    // A trailing delimiter only says the client means to create children (RFC 3501 §6.3.3).
    let wire = wire.strip_suffix(names::DELIMITER).unwrap_or(wire);
    let name = name_or_no(s, tag, wire, out)?;
    // The store knows which attributes exist ([USEATTR]); a mailbox has one use.
    if special_use.len() > 1 {
        Session::tagged(out, tag, "NO [USEATTR] one special use per mailbox");
        return None;
    }
    let use_attr = special_use.first().map(String::as_str);
    let acc = s.account.as_mut()?;
    match acc.create(&name, use_attr) {
        Ok(()) => {
            // RFC 8474 §4.1: the new mailbox's id in the tagged OK.
            let reply = match acc.mailbox_id(&name) {
                Ok(id) => format!("OK [MAILBOXID ({id})] CREATE completed"),
                Err(_) => "OK CREATE completed".to_string(),
            };
            s.finish(tag, true, &reply, out)
        }
        Err(e) => s.finish(tag, true, &super::store_error(&e), out),
    }
    None
}

pub(crate) fn delete(s: &mut Session, tag: &str, wire: &str, out: &mut Vec<u8>) -> Option<Action> {
    let name = name_or_no(s, tag, wire, out)?;
    if s.selected.as_ref().is_some_and(|sel| sel.name == name) {
        Session::tagged(out, tag, "NO [INUSE] mailbox is selected; CLOSE it first");
        return None;
    }
    let acc = s.account.as_mut()?;
    let r = acc
        .delete(&name)
        .map_err(|e| super::store_error(&e).replace("[TRYCREATE]", "[NONEXISTENT]"));
    match r {
        Ok(()) => s.finish(tag, true, "OK DELETE completed", out),
        Err(msg) => s.finish(tag, true, &msg, out),
    }
    None
}

pub(crate) fn rename(
    s: &mut Session,
    tag: &str,
    from: &str,
    to: &str,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let from = name_or_no(s, tag, from, out)?;
    let to = name_or_no(s, tag, to, out)?;
    let acc = s.account.as_mut()?;
    let r = acc
        .rename(&from, &to)
        .map_err(|e| super::store_error(&e).replace("[TRYCREATE]", "[NONEXISTENT]"));
    match r {
        Ok(()) => s.finish(tag, true, "OK RENAME completed", out),
        Err(msg) => s.finish(tag, true, &msg, out),
    }
    None
}

pub(crate) fn subscribe(
    s: &mut Session,
    tag: &str,
    wire: &str,
    on: bool,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let name = name_or_no(s, tag, wire, out)?;
    let acc = s.account.as_mut()?;
    let r = if on {
        acc.subscribe(&name)
    } else {
        acc.unsubscribe(&name)
    };
    let what = if on { "SUBSCRIBE" } else { "UNSUBSCRIBE" };
    match r {
        Ok(()) => s.finish(tag, true, &format!("OK {what} completed"), out),
        Err(e) => s.finish(tag, true, &super::store_error(&e), out),
    }
    None
}

/// `* STATUS name (ITEM n ...)`.
pub(crate) fn write_status(
    s: &Session,
    name: &str,
    st: &MailboxStatus,
    items: &[StatusItem],
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(b"* STATUS ");
    names::write_in(out, name, s.enabled.utf8);
    out.extend_from_slice(b" (");
    let mut first = true;
    for it in items {
        let (k, v): (&str, u64) = match it {
            StatusItem::Messages => ("MESSAGES", st.messages.into()),
            StatusItem::Recent => ("RECENT", st.recent.into()),
            StatusItem::UidNext => ("UIDNEXT", st.uidnext.into()),
            StatusItem::UidValidity => ("UIDVALIDITY", st.uidvalidity.into()),
            StatusItem::Unseen => ("UNSEEN", st.unseen.into()),
            StatusItem::Deleted => ("DELETED", st.deleted.into()),
            StatusItem::Size => ("SIZE", st.size),
            StatusItem::HighestModSeq => ("HIGHESTMODSEQ", st.highestmodseq),
            StatusItem::AppendLimit => ("APPENDLIMIT", s.cfg.append_limit),
            StatusItem::MailboxId => {
                if !first {
                    out.push(b' ');
                }
                first = false;
                out.extend_from_slice(format!("MAILBOXID ({})", st.mailbox_id).as_bytes());
                continue;
            }
        };
        if !first {
            out.push(b' ');
        }
        first = false;
        out.extend_from_slice(format!("{k} {v}").as_bytes());
    }
    out.extend_from_slice(b")\r\n");
}

pub(crate) fn status(
    s: &mut Session,
    tag: &str,
    wire: &str,
    items: &[StatusItem],
    out: &mut Vec<u8>,
) -> Option<Action> {
    let name = name_or_no(s, tag, wire, out)?;
    if items.contains(&StatusItem::HighestModSeq) {
        s.enable_condstore(out);
    }
    let acc = s.account.as_mut()?;
    match acc.status(&name) {
        Ok(st) => {
            write_status(s, &name, &st, items, out);
            s.finish(tag, true, "OK STATUS completed", out);
        }
        Err(e) => {
            let msg = super::store_error(&e).replace("[TRYCREATE]", "[NONEXISTENT]");
            s.finish(tag, true, &msg, out);
        }
    }
    None
}

pub(crate) fn namespace(s: &mut Session, tag: &str, out: &mut Vec<u8>) -> Option<Action> {
    out.extend_from_slice(b"* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n");
    s.finish(tag, true, "OK NAMESPACE completed", out);
    None
}

fn write_quota(s: &Session, out: &mut Vec<u8>) {
    let (Some(login), Some(acc)) = (s.login.as_ref(), s.account.as_ref()) else {
        return;
    };
    let used = acc.usage().div_ceil(1024);
    let limit = login.quota / 1024;
    out.extend_from_slice(format!("* QUOTA \"\" (STORAGE {used} {limit})\r\n").as_bytes());
}

pub(crate) fn get_quota_root(
    s: &mut Session,
    tag: &str,
    wire: &str,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let name = name_or_no(s, tag, wire, out)?;
    if let Err(e) = s.account.as_mut()?.status(&name) {
        let msg = super::store_error(&e).replace("[TRYCREATE]", "[NONEXISTENT]");
        s.finish(tag, true, &msg, out);
        return None;
    }
    let has_quota = s.login.as_ref().is_some_and(|l| l.quota > 0);
    out.extend_from_slice(b"* QUOTAROOT ");
    names::write_in(out, &name, s.enabled.utf8);
    if has_quota {
        out.extend_from_slice(b" \"\"\r\n");
        write_quota(s, out);
    } else {
        out.extend_from_slice(b"\r\n");
    }
    s.finish(tag, true, "OK GETQUOTAROOT completed", out);
    None
}

pub(crate) fn get_quota(
    s: &mut Session,
    tag: &str,
    root: &str,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let has_quota = s.login.as_ref().is_some_and(|l| l.quota > 0);
    if !root.is_empty() || !has_quota {
        s.finish(tag, true, "NO [NONEXISTENT] no such quota root", out);
        return None;
    }
    write_quota(s, out);
    s.finish(tag, true, "OK GETQUOTA completed", out);
    None
}

/// CLOSE (expunging \Deleted messages silently, RFC 3501 §6.4.2) and UNSELECT (RFC 3691).
pub(crate) fn close(
    s: &mut Session,
    tag: &str,
    expunge: bool,
    out: &mut Vec<u8>,
) -> Option<Action> {
    if let Some(mut sel) = s.selected.take()
        && expunge
        && !sel.read_only
        && let Some(acc) = s.account.as_mut()
    {
        match acc.expunge(&mut sel, None) {
            Ok(ch) if !ch.vanished.is_empty() => s.touched = Some(sel.dir().to_path_buf()),
            Ok(_) => {}
            Err(e) => tracing::warn!("CLOSE expunge: {e}"),
        }
    }
    s.state = State::Authenticated;
    let what = if expunge { "CLOSE" } else { "UNSELECT" };
    Session::tagged(out, tag, &format!("OK {what} completed"));
    None
}

/// `* FLAGS` and `* OK [PERMANENTFLAGS]` with the keywords listed to this session so far
/// (at SELECT, and again before a FETCH shows a keyword new to it, RFC 3501 §7.2.6).
pub(crate) fn write_flags(mailbox: &Mailbox, out: &mut Vec<u8>) {
    let mut kw = String::new();
    for k in mailbox.listed_keywords() {
        kw.push(' ');
        kw.push_str(k);
    }
    out.extend_from_slice(
        format!("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded{kw})\r\n")
            .as_bytes(),
    );
    if mailbox.read_only {
        out.extend_from_slice(b"* OK [PERMANENTFLAGS ()] read-only mailbox\r\n");
    } else {
        out.extend_from_slice(
            format!("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded{kw} \\*)] flags permitted\r\n")
                .as_bytes(),
        );
    }
}
