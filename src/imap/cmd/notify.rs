//! NOTIFY (RFC 5465): which mailboxes' events a session hears about and how. Events in the
//! selected mailbox come as the usual EXISTS/EXPUNGE/FETCH, in others as `* STATUS` (and
//! `* LIST` when one goes away, for MailboxName) — pushed at wakeups, in IDLE and between
//! commands, so a client needs no polling.
//!
//! The set of mailboxes is resolved when NOTIFY SET arrives (`personal`, `inboxes`,
//! `subscribed`, `subtree`, `mailboxes`); their folders are watched by the process's one
//! watcher (`crate::imap::watch`): the driver subscribes them as one group and wakes the
//! session through [`wake`], which asks the open store for the STATUS of each watched
//! mailbox and reports what moved.
//!
//! Not here: MessageNew's fetch attributes (parsed and dropped; the client FETCHes),
//! AnnotationChange and the METADATA events (`NO [BADEVENT]`), mailboxes created after
//! NOTIFY SET (a client sends NOTIFY SET again after its own CREATE).

use std::path::PathBuf;

use super::mailbox::write_status;
use crate::imap::command::{NotifyEvent as E, NotifyFilter as F, NotifySet, StatusItem};
use crate::imap::mailstore::{MailStore, MailboxStatus, StoreError};
use crate::imap::session::{Action, Session};

/// Most mailboxes one session watches.
pub const MAX_WATCHED: usize = 1_000;
/// STATUS/LIST lines one wakeup may send; past it the session says
/// `[NOTIFICATIONOVERFLOW]` and stops notifying (RFC 5465 §5.8).
pub const MAX_BURST: usize = 500;
const SUPPORTED: &str = "(MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)";

/// What a session asked to hear about.
pub(crate) struct Notify {
    /// Events for the selected mailbox (empty: none beyond what commands report); `None`
    /// without a `selected` group. With one, the selected mailbox is left out of the
    /// others (RFC 5465 §6: `selected` takes precedence).
    pub selected: Option<Vec<E>>,
    pub watched: Vec<Watched>,
}

impl Notify {
    /// The watched mailbox the `selected` group stands in for now, if any.
    fn skipped<'a>(&self, s: &'a Session) -> Option<&'a str> {
        self.selected.as_ref()?;
        s.selected.as_ref().map(|m| m.name.as_str())
    }
}

/// A non-selected mailbox and what was last reported of it.
pub(crate) struct Watched {
    pub name: String,
    pub dir: Option<PathBuf>,
    pub events: Vec<E>,
    pub last: MailboxStatus,
}

pub(crate) fn notify(
    s: &mut Session,
    tag: &str,
    set: Option<NotifySet>,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let Some(set) = set else {
        s.notify = None;
        s.finish(tag, true, "OK NOTIFY NONE completed", out);
        return None;
    };
    if set
        .groups
        .iter()
        .any(|g| g.events.contains(&E::Unsupported))
    {
        let status = format!("NO [BADEVENT {SUPPORTED}] event not supported");
        s.finish(tag, true, &status, out);
        return None;
    }
    let n = match resolve(s, tag, &set, out)? {
        Ok(n) => n,
        Err(e) => {
            s.finish(tag, true, &super::store_error(&e), out);
            return None;
        }
    };
    if set.status {
        let skip = n.skipped(s);
        for w in n.watched.iter().filter(|w| Some(w.name.as_str()) != skip) {
            let items = items(&w.events, true, true, true);
            if !items.is_empty() {
                write_status(s, &w.name, &w.last, &items, out);
            }
        }
    }
    s.notify = Some(n);
    s.finish(tag, true, "OK NOTIFY completed", out);
    None
}

/// The mailboxes of each group, first group first (a mailbox in two groups gets the events
/// of the first), with their current STATUS. The outer `None`: a NO was written.
fn resolve(
    s: &mut Session,
    tag: &str,
    set: &NotifySet,
    out: &mut Vec<u8>,
) -> Option<Result<Notify, StoreError>> {
    let mut names_of = Vec::new();
    for g in &set.groups {
        let mut decoded = Vec::new();
        if let F::Subtree(v) | F::Mailboxes(v) = &g.filter {
            for w in v {
                decoded.push(super::mailbox::name_or_no(s, tag, w, out)?);
            }
        }
        names_of.push(decoded);
    }
    let acc = s.account.as_mut()?;
    Some(build(acc.as_mut(), set, &names_of))
}

fn build(
    acc: &mut dyn MailStore,
    set: &NotifySet,
    names_of: &[Vec<String>],
) -> Result<Notify, StoreError> {
    let all: Vec<String> = acc
        .list()?
        .into_iter()
        .filter(|m| m.selectable)
        .map(|m| m.name)
        .collect();
    let subscribed = acc.subscriptions()?;
    let mut n = Notify {
        selected: None,
        watched: Vec::new(),
    };
    let mut taken: Vec<String> = Vec::new();
    for (g, names) in set.groups.iter().zip(names_of) {
        let members: Vec<&String> = match &g.filter {
            F::Selected | F::SelectedDelayed => {
                n.selected.get_or_insert_with(|| g.events.clone());
                continue;
            }
            F::Inboxes => all.iter().filter(|m| *m == "INBOX").collect(),
            F::Personal => all.iter().collect(),
            F::Subscribed => all.iter().filter(|m| subscribed.contains(m)).collect(),
            F::Subtree(_) => all
                .iter()
                .filter(|m| {
                    names
                        .iter()
                        .any(|p| *m == p || crate::imap::mailstore::is_child(p, m))
                })
                .collect(),
            F::Mailboxes(_) => all.iter().filter(|m| names.contains(m)).collect(),
        };
        for name in members {
            if taken.contains(name) {
                continue;
            }
            if n.watched.len() >= MAX_WATCHED {
                return Err(StoreError::Limit(format!(
                    "NOTIFY watches at most {MAX_WATCHED} mailboxes"
                )));
            }
            taken.push(name.clone());
            if g.events.is_empty() {
                continue;
            }
            n.watched.push(Watched {
                last: acc.status(name)?,
                dir: acc.watch_path(name),
                name: name.clone(),
                events: g.events.clone(),
            });
        }
    }
    Ok(n)
}

/// The STATUS items that report `events` (RFC 5465 §5.1-5.3), for what changed.
fn items(events: &[E], new: bool, expunged: bool, flags: bool) -> Vec<StatusItem> {
    let has = |e| events.contains(&e);
    let mut v = Vec::new();
    if (has(E::MessageNew) && new) || (has(E::MessageExpunge) && expunged) {
        v.push(StatusItem::Messages);
    }
    if has(E::MessageNew) && new {
        v.extend([StatusItem::UidNext, StatusItem::UidValidity]);
    }
    if has(E::FlagChange) && flags {
        if !v.contains(&StatusItem::UidValidity) {
            v.push(StatusItem::UidValidity);
        }
        v.push(StatusItem::HighestModSeq);
    }
    v
}

/// The folders the driver watches for this session: the watched mailboxes', and the
/// selected one's when it has events. `None` without NOTIFY.
pub(crate) fn dirs(s: &Session) -> Option<Vec<PathBuf>> {
    let n = s.notify.as_ref()?;
    let mut v: Vec<PathBuf> = n.watched.iter().filter_map(|w| w.dir.clone()).collect();
    let has_events = n.selected.as_ref().is_some_and(|e| !e.is_empty());
    if let (true, Some(sel)) = (has_events, s.selected.as_ref()) {
        v.push(sel.dir().to_path_buf());
    }
    v.sort();
    v.dedup();
    Some(v)
}

/// A watched folder changed (or the recheck timer fired): reports the selected mailbox's
/// changes when asked for, and a STATUS for each watched mailbox whose numbers moved.
/// `changed`: the folders signalled; `None` looks at every watched mailbox.
pub(crate) fn wake(s: &mut Session, changed: Option<&[PathBuf]>, out: &mut Vec<u8>) {
    let Some(mut n) = s.notify.take() else {
        return;
    };
    crate::imap::cmd::idle::reopen(s);
    let idle = matches!(s.pending, crate::imap::session::Pending::Idle { .. });
    if !idle && n.selected.as_ref().is_some_and(|e| !e.is_empty()) {
        s.write_updates(true, out);
        crate::imap::cmd::context::refresh(s, out);
    }
    let mut lines = 0usize;
    let mut gone = Vec::new();
    let skip = n.skipped(s).map(str::to_string);
    for (i, w) in n.watched.iter_mut().enumerate() {
        if skip.as_deref() == Some(w.name.as_str()) {
            continue;
        }
        if let (Some(c), Some(d)) = (changed, &w.dir)
            && !c.contains(d)
        {
            continue;
        }
        let Some(acc) = s.account.as_mut() else {
            break;
        };
        let st = match acc.status(&w.name) {
            Ok(st) => st,
            Err(StoreError::NoSuchMailbox(_)) => {
                gone.push(i);
                if w.events.contains(&E::MailboxName) {
                    out.extend_from_slice(b"* LIST (\\NonExistent) \"/\" ");
                    super::names::write(out, &w.name);
                    out.extend_from_slice(b"\r\n");
                    lines += 1;
                }
                continue;
            }
            Err(e) => {
                tracing::warn!("NOTIFY status of {}: {e}", w.name);
                continue;
            }
        };
        let replaced = st.uidvalidity != w.last.uidvalidity;
        let new = replaced || st.uidnext != w.last.uidnext;
        let expunged = replaced || st.messages < w.last.messages;
        let flags = replaced || st.highestmodseq != w.last.highestmodseq;
        let items = items(&w.events, new, expunged, flags);
        if !items.is_empty() {
            write_status(s, &w.name, &st, &items, out);
            lines += 1;
        }
        w.last = st;
        if lines > MAX_BURST {
            // RFC 5465 §5.8: too much to say; the client resynchronises and asks again.
            out.extend_from_slice(
                b"* OK [NOTIFICATIONOVERFLOW] too many events; NOTIFY is now off\r\n",
            );
            return;
        }
    }
    for i in gone.into_iter().rev() {
        n.watched.remove(i);
    }
    s.notify = Some(n);
}
