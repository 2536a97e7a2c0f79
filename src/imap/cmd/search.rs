//! SEARCH / UID SEARCH, with ESEARCH's RETURN (RFC 4731), SEARCHRES's SAVE and `$`
//! (RFC 5182), CONTEXT=SEARCH's UPDATE (RFC 5267, kept up to date by `context`) and
//! PARTIAL (RFC 9394), and CONDSTORE's MODSEQ (RFC 7162). Reads no file for keys on flags, UIDs,
//! sizes and dates; only the header block for header keys; whole files for BODY and TEXT.

use crate::imap::command::{SearchKey, SearchReturn};
use crate::imap::search::{Candidate, Context, Needs, Query, write_esearch, write_search};
use crate::imap::session::{Action, Session};

pub(crate) fn uses_modseq(k: &SearchKey) -> bool {
    match k {
        SearchKey::ModSeq(_) => true,
        SearchKey::And(v) => v.iter().any(uses_modseq),
        SearchKey::Or(a, b) => uses_modseq(a) || uses_modseq(b),
        SearchKey::Not(a) => uses_modseq(a),
        _ => false,
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn search(
    s: &mut Session,
    tag: &str,
    uid: bool,
    charset: Option<&str>,
    returns: Option<&[SearchReturn]>,
    key: &SearchKey,
    out: &mut Vec<u8>,
) -> Option<Action> {
    if let Some(cs) = charset
        && !cs.eq_ignore_ascii_case("UTF-8")
        && !cs.eq_ignore_ascii_case("US-ASCII")
    {
        Session::tagged(
            out,
            tag,
            "NO [BADCHARSET (UTF-8 US-ASCII)] use CHARSET UTF-8",
        );
        return None;
    }
    if returns.is_some_and(|r| r.contains(&SearchReturn::Update))
        && super::context::tag_in_use(s, tag)
    {
        s.finish(
            tag,
            uid,
            "BAD tag in use by an updating search or sort",
            out,
        );
        return None;
    }
    let modseq_key = uses_modseq(key);
    if modseq_key {
        s.enable_condstore(out);
    }
    let Matches {
        hits,
        uids,
        highest,
        first_modseq,
        last_modseq,
    } = matches(s, key, uid)?;
    let returns: Option<Vec<SearchReturn>> = match returns {
        Some(r) => Some(r.to_vec()),
        // IMAP4rev2 has no `* SEARCH`; a plain SEARCH answers ESEARCH ALL.
        None if s.enabled.rev2 => Some(vec![SearchReturn::All]),
        None => None,
    };
    let modseq = (modseq_key && !hits.is_empty())
        .then(|| reported_modseq(returns.as_deref(), highest, first_modseq, last_modseq));
    match returns {
        None => write_search(out, &hits, modseq),
        Some(r) => {
            let update = r.contains(&SearchReturn::Update);
            if update {
                super::context::start(s, tag, uid, key, &uids, None, out);
            }
            if r.contains(&SearchReturn::Save) {
                s.saved = uids;
            }
            let mut shown: Vec<SearchReturn> = r
                .iter()
                .copied()
                .filter(|x| !matches!(x, SearchReturn::Save | SearchReturn::Update))
                .collect();
            // UPDATE alone reports the starting result, as RETURN () would.
            if update && shown.is_empty() {
                shown.push(SearchReturn::All);
            }
            // SAVE alone returns nothing (RFC 5182 §2.1).
            if !shown.is_empty() {
                write_esearch(out, tag, uid, &shown, &hits, modseq);
            }
        }
    }
    s.finish(tag, uid, "OK SEARCH completed", out);
    None
}

/// RFC 7162 §3.1.5: with only MIN and/or MAX returned, the MODSEQ reported is the highest
/// of the message(s) returned; otherwise the highest of all matches.
fn reported_modseq(returns: Option<&[SearchReturn]>, highest: u64, first: u64, last: u64) -> u64 {
    let Some(r) = returns else {
        return highest;
    };
    let (min, max) = (
        r.contains(&SearchReturn::Min),
        r.contains(&SearchReturn::Max),
    );
    let more = r
        .iter()
        .any(|x| matches!(x, SearchReturn::All | SearchReturn::Count));
    match (min, max) {
        _ if more => highest,
        (true, true) => first.max(last),
        (true, false) => first,
        (false, true) => last,
        (false, false) => highest,
    }
}

/// What a search found: the numbers to answer (UIDs or sequence numbers), the UIDs for
/// SAVE, the highest MODSEQ among them, and the MODSEQs of the first and last (for MIN
/// and MAX).
pub(crate) struct Matches {
    pub hits: Vec<u32>,
    pub uids: Vec<u32>,
    pub highest: u64,
    pub first_modseq: u64,
    pub last_modseq: u64,
}

/// Evaluates `key` over the selected mailbox, opening a message's file only when its
/// metadata cannot decide. `None` when nothing is selected.
pub(crate) fn matches(s: &Session, key: &SearchKey, uid: bool) -> Option<Matches> {
    let sel = s.selected.as_ref()?;
    let msgs = &sel.messages;
    let eval = Evaluator::new(s, key)?;
    let mut found = Matches {
        hits: Vec::new(),
        uids: Vec::new(),
        highest: 0,
        first_modseq: 0,
        last_modseq: 0,
    };
    for (i, m) in msgs.iter().enumerate() {
        let seq = i as u32 + 1;
        if eval.hit(seq) {
            found.hits.push(if uid { m.uid } else { seq });
            found.uids.push(m.uid);
            found.highest = found.highest.max(m.modseq);
            if found.hits.len() == 1 {
                found.first_modseq = m.modseq;
            }
            found.last_modseq = m.modseq;
        }
    }
    Some(found)
}

/// A compiled search over the selected mailbox, asked message by message: by SEARCH for
/// all of them, and by CONTEXT=SEARCH (`context`) for those that changed.
pub struct Evaluator<'a> {
    sel: &'a crate::imap::mailstore::Mailbox,
    acc: &'a dyn crate::imap::mailstore::MailStore,
    query: Query,
    needs: Needs,
    ctx: Context<'a>,
}

impl<'a> Evaluator<'a> {
    /// `None` when nothing is selected.
    pub(crate) fn new(s: &'a Session, key: &'a SearchKey) -> Option<Evaluator<'a>> {
        Some(Evaluator::over(
            s.selected.as_ref()?,
            s.account.as_deref()?,
            key,
            &s.saved,
        ))
    }

    /// A search of mailbox `sel` of store `acc`, `$` being `saved`: what SEARCH runs, for
    /// any caller that has a mailbox open (the webmail's search too).
    pub fn over(
        sel: &'a crate::imap::mailstore::Mailbox,
        acc: &'a dyn crate::imap::mailstore::MailStore,
        key: &SearchKey,
        saved: &'a [u32],
    ) -> Evaluator<'a> {
        let msgs = &sel.messages;
        let query = Query::new(key);
        let needs = query.needs();
        let ctx = Context {
            largest_seq: msgs.len() as u32,
            largest_uid: msgs.last().map(|m| m.uid).unwrap_or(0),
            saved,
            now: chrono::Utc::now().timestamp(),
            tz_offset_secs: chrono::Local::now().offset().local_minus_utc(),
        };
        Evaluator {
            sel,
            acc,
            query,
            needs,
            ctx,
        }
    }

    /// Whether message `seq` matches; one that vanished meanwhile matches nothing that
    /// needs its content.
    pub fn hit(&self, seq: u32) -> bool {
        let Some(m) = self.sel.messages.get(seq as usize - 1) else {
            return false;
        };
        let c = Candidate {
            seq,
            uid: m.uid,
            flags: &m.flags,
            recent: m.recent,
            modseq: m.modseq,
            size: m.size,
            internal_date: m.internal_date,
            save_date: m.save_date,
            email_id: m.email_id,
        };
        // Flags, sizes and dates often decide before any file is opened.
        let decided = if self.needs == Needs::Metadata {
            None
        } else {
            self.query.prefilter(&c, &self.ctx)
        };
        let content = match (decided, self.needs) {
            (Some(d), _) => return d,
            (None, Needs::Metadata) => None,
            (None, Needs::Headers) => self.acc.read_header(self.sel, seq).ok(),
            (None, Needs::Full) => self.acc.read(self.sel, seq).ok(),
        };
        if self.needs != Needs::Metadata && content.is_none() {
            return false;
        }
        self.query.matches(&c, &self.ctx, content.as_deref())
    }
}
