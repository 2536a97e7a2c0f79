//! One file per command family; each handler parses nothing (the parser did), applies the
//! command to the session and the store, and writes its responses ending with the tagged one.
//!
//! - [`auth`]: CAPABILITY, NOOP, LOGOUT, ID, STARTTLS, LOGIN, AUTHENTICATE, ENABLE
//! - [`mailbox`]: SELECT/EXAMINE, CREATE, DELETE, RENAME, (UN)SUBSCRIBE, STATUS, NAMESPACE,
//!   GETQUOTA(ROOT), CHECK, CLOSE, UNSELECT
//! - [`list`]: LIST (with LIST-EXTENDED, LIST-STATUS and LIST-METADATA), LSUB
//! - [`metadata`]: GETMETADATA, SETMETADATA
//! - [`append`]: APPEND, MULTIAPPEND and CATENATE ([`catenate`] builds the message)
//! - [`fetch`]: FETCH, resumable so a large one streams
//! - [`store`]: STORE, COPY, MOVE, EXPUNGE
//! - [`search`]: SEARCH and ESEARCH
//! - [`sort`]: SORT (with ESORT) and THREAD
//! - [`context`]: CONTEXT=SEARCH and CONTEXT=SORT: updating searches and sorts, CANCELUPDATE
//! - [`idle`]: IDLE … DONE
//! - [`notify`]: NOTIFY and the events it asks for

pub mod append;
pub mod auth;
pub mod catenate;
pub mod context;
pub mod fetch;
pub mod idle;
pub mod list;
pub mod mailbox;
pub mod metadata;
pub mod names;
pub mod notify;
pub mod search;
pub mod sort;
pub mod store;

use crate::imap::command::CommandBody;
use crate::imap::mailstore::StoreError;
use crate::imap::session::{Action, Session};

// Long on purpose: one arm per IMAP command, a table read top to bottom.
pub(crate) fn dispatch(
    s: &mut Session,
    tag: &str,
    body: CommandBody,
    out: &mut Vec<u8>,
) -> Option<Action> {
    use CommandBody as C;
    // Leaving the mailbox ends its updating searches (RFC 5267 §4.2), even when the same
    // one is selected again.
    if matches!(body, C::Select { .. } | C::Close | C::Unselect) {
        s.updating.clear();
    }
    match body {
        C::Capability => auth::capability(s, tag, out),
        C::Noop => {
            s.finish(tag, true, "OK NOOP completed", out);
            None
        }
        C::Logout => auth::logout(s, tag, out),
        C::Id(_) => auth::id(s, tag, out),
        C::StartTls => auth::starttls(s, tag, out),
        C::Login { user, password } => auth::login(s, tag, user, password, out),
        C::Authenticate { mechanism, initial } => {
            auth::authenticate(s, tag, &mechanism, initial, out)
        }
        C::Enable(caps) => auth::enable(s, tag, &caps, out),
        C::Select {
            mailbox,
            read_only,
            condstore,
            qresync,
        } => mailbox::select(s, tag, &mailbox, read_only, condstore, qresync, out),
        C::Create {
            mailbox,
            special_use,
        } => mailbox::create(s, tag, &mailbox, &special_use, out),
        C::Delete(m) => mailbox::delete(s, tag, &m, out),
        C::Rename { from, to } => mailbox::rename(s, tag, &from, &to, out),
        C::Subscribe(m) => mailbox::subscribe(s, tag, &m, true, out),
        C::Unsubscribe(m) => mailbox::subscribe(s, tag, &m, false, out),
        C::List {
            selection,
            reference,
            patterns,
            returns,
        } => list::list(s, tag, &selection, &reference, &patterns, &returns, out),
        C::Lsub { reference, pattern } => list::lsub(s, tag, &reference, &pattern, out),
        C::Namespace => mailbox::namespace(s, tag, out),
        C::Status { mailbox, items } => mailbox::status(s, tag, &mailbox, &items, out),
        C::GetMetadata {
            mailbox,
            entries,
            maxsize,
            depth,
        } => metadata::get(s, tag, &mailbox, &entries, maxsize, depth, out),
        C::SetMetadata { mailbox, entries } => metadata::set(s, tag, &mailbox, &entries, out),
        C::Append { mailbox, messages } => append::append(s, tag, &mailbox, messages, out),
        C::Idle => idle::start(s, tag, out),
        C::CancelUpdate(tags) => {
            context::cancel(s, tag, &tags, out);
            None
        }
        C::Notify(set) => notify::notify(s, tag, set, out),
        C::Compress(mech) => auth::compress(s, tag, &mech, out),
        C::GetQuota(root) => mailbox::get_quota(s, tag, &root, out),
        C::GetQuotaRoot(m) => mailbox::get_quota_root(s, tag, &m, out),
        C::Check => {
            s.finish(tag, true, "OK CHECK completed", out);
            None
        }
        C::Close => mailbox::close(s, tag, true, out),
        C::Unselect => mailbox::close(s, tag, false, out),
        C::Expunge { uids } => store::expunge(s, tag, uids.as_ref(), out),
        // RFC 6855 §3: after ENABLE UTF8=ACCEPT a CHARSET conflicts with the UTF-8 rule.
        C::Search {
            charset: Some(_), ..
        } if s.enabled.utf8 => {
            Session::tagged(out, tag, "BAD SEARCH: no CHARSET after ENABLE UTF8=ACCEPT");
            None
        }
        C::Search {
            uid,
            charset,
            returns,
            key,
        } => search::search(
            s,
            tag,
            uid,
            charset.as_deref(),
            returns.as_deref(),
            &key,
            out,
        ),
        C::Fetch {
            uid,
            set,
            items,
            changed_since,
            vanished,
        } => fetch::fetch(s, tag, uid, &set, items, changed_since, vanished, out),
        C::Store {
            uid,
            set,
            mode,
            silent,
            flags,
            unchanged_since,
        } => store::store(
            s,
            tag,
            uid,
            &set,
            mode,
            silent,
            &flags,
            unchanged_since,
            out,
        ),
        C::Copy { uid, set, mailbox } => store::copy(s, tag, uid, &set, &mailbox, false, out),
        C::Move { uid, set, mailbox } => store::copy(s, tag, uid, &set, &mailbox, true, out),
        C::Sort {
            uid,
            returns,
            criteria,
            charset,
            key,
        } => {
            let args = sort::SortArgs {
                uid,
                returns: returns.as_ref(),
                criteria: &criteria,
                charset: &charset,
                key: &key,
            };
            sort::sort(s, tag, args, out)
        }
        C::Thread {
            uid,
            algorithm,
            charset,
            key,
        } => sort::thread(s, tag, uid, algorithm, &charset, &key, out),
    }
}

/// The tagged NO for a store error, with the response code a client can act on.
pub(crate) fn store_error(e: &StoreError) -> String {
    match e {
        StoreError::NoSuchMailbox(m) => format!("NO [TRYCREATE] no mailbox '{m}'"),
        StoreError::AlreadyExists(m) => format!("NO [ALREADYEXISTS] mailbox '{m}' already exists"),
        StoreError::CannotDelete(why) => format!("NO [CANNOT] {why}"),
        StoreError::BadName(why) => format!("NO [CANNOT] {why}"),
        StoreError::UseAttr(a) => format!("NO [USEATTR] unknown special use {a}"),
        StoreError::OverQuota => "NO [OVERQUOTA] mailbox quota exceeded".into(),
        StoreError::Limit(why) => format!("NO [LIMIT] {why}"),
        StoreError::ReadOnly => "NO [READ-ONLY] mailbox was selected with EXAMINE".into(),
        StoreError::Expunged => "NO [EXPUNGEISSUED] message was expunged".into(),
        StoreError::MetadataMaxSize(n) => {
            format!("NO [METADATA MAXSIZE {n}] a value is longer than {n} octets")
        }
        StoreError::MetadataTooMany => {
            "NO [METADATA TOOMANY] too many metadata entries; remove some first".into()
        }
        StoreError::Backend(b) if unavailable(b.as_ref()) => {
            tracing::warn!("IMAP storage: {e}");
            "NO [UNAVAILABLE] mailbox database unavailable; try again later".into()
        }
        other => {
            tracing::error!("IMAP storage: {other}");
            "NO [SERVERBUG] storage error; try again".into()
        }
    }
}

/// Whether the mailbox index's database did not answer in time (a hung PostgreSQL,
/// `core::pgclient`): RFC 5530's UNAVAILABLE, a condition the client may retry, not a bug.
fn unavailable(e: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    matches!(
        e.downcast_ref::<crate::maildir::index::IndexError>(),
        Some(crate::maildir::index::IndexError::Core(
            crate::core::CoreError::Unavailable(_)
        ))
    )
}

/// The sequence numbers `set` names, ascending: by UID when `uid`, with `$` the saved
/// result. Cost is in the ranges and the messages, never in the numbers a range spans.
pub(crate) fn resolve(s: &Session, set: &crate::imap::command::SequenceSet, uid: bool) -> Vec<u32> {
    let Some(sel) = s.selected.as_ref() else {
        return Vec::new();
    };
    let msgs = &sel.messages;
    if set.saved {
        let mut v: Vec<u32> = s.saved.iter().filter_map(|&u| sel.seq_of_uid(u)).collect();
        v.sort_unstable();
        return v;
    }
    if msgs.is_empty() {
        return Vec::new();
    }
    if uid {
        let largest = msgs.last().map(|m| m.uid).unwrap_or(0);
        let mut v = Vec::new();
        for (lo, hi) in set.resolve(largest) {
            // Messages are in UID order: find the first at or above lo, walk to hi.
            let start = msgs.partition_point(|m| m.uid < lo);
            for (i, m) in msgs.iter().enumerate().skip(start) {
                if m.uid > hi {
                    break;
                }
                v.push(i as u32 + 1);
            }
        }
        v
    } else {
        let n = msgs.len() as u32;
        let mut v = Vec::new();
        for (lo, hi) in set.resolve(n) {
            let lo = lo.max(1);
            let hi = hi.min(n);
            if lo <= hi {
                v.extend(lo..=hi);
            }
        }
        v
    }
}
