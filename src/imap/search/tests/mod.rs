//! Tests for SEARCH: every key on metadata (keys), on decoded headers and bodies (bodies),
//! and the rendering of results (render).

use chrono::NaiveDate;

use super::{Candidate, Context, Query};
use crate::imap::command::SearchKey;
use crate::imap::flags::Flags;

mod bodies;
mod keys;
mod render;

/// "Now" for every test: 2024-03-15 12:00:00 UTC.
pub(super) const NOW: i64 = 1_710_504_000;

pub(super) fn ts(y: i32, m: u32, d: u32, h: u32, mi: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, mi, 0))
        .map(|t| t.and_utc().timestamp())
        .expect("test date")
}

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}

/// A message of the test mailbox; sequence number is its position + 1, UID ten times that.
pub(super) struct Msg {
    pub flags: Flags,
    pub recent: bool,
    pub modseq: u64,
    pub size: u64,
    pub date: i64,
    pub raw: Vec<u8>,
}

impl Msg {
    pub fn new(raw: &str) -> Msg {
        Msg {
            flags: Flags::default(),
            recent: false,
            modseq: 1,
            size: raw.len() as u64,
            date: ts(2024, 3, 10, 12, 0),
            raw: raw.as_bytes().to_vec(),
        }
    }

    pub fn flags(mut self, letters: &str, keywords: &str) -> Msg {
        self.flags = Flags::from_maildir(letters, keywords);
        self
    }
}

pub(super) fn ctx<'a>(n: usize, saved: &'a [u32], tz: i32) -> Context<'a> {
    Context {
        largest_seq: n as u32,
        largest_uid: n as u32 * 10,
        saved,
        now: NOW,
        tz_offset_secs: tz,
    }
}

pub(super) fn candidate(i: usize, m: &Msg) -> Candidate<'_> {
    Candidate {
        seq: i as u32 + 1,
        uid: (i as u32 + 1) * 10,
        flags: &m.flags,
        recent: m.recent,
        modseq: m.modseq,
        size: m.size,
        internal_date: m.date,
        // A day after the internal date, so SAVED* and the internal-date keys differ.
        save_date: m.date.saturating_add(86_400),
        email_id: 0xe000 + i as u64,
    }
}

/// Sequence numbers of the matches, handing each message's bytes over only when the query
/// needs them (as the session will).
pub(super) fn run_in(key: &SearchKey, msgs: &[Msg], saved: &[u32], tz: i32) -> Vec<u32> {
    let q = Query::new(key);
    let cx = ctx(msgs.len(), saved, tz);
    msgs.iter()
        .enumerate()
        .filter(|(i, m)| {
            let bytes = (q.needs() != super::Needs::Metadata).then_some(m.raw.as_slice());
            q.matches(&candidate(*i, m), &cx, bytes)
        })
        .map(|(i, _)| i as u32 + 1)
        .collect()
}

pub(super) fn run(key: &SearchKey, msgs: &[Msg]) -> Vec<u32> {
    run_in(key, msgs, &[], 0)
}

pub(super) fn b(k: SearchKey) -> Box<SearchKey> {
    Box::new(k)
}

pub(super) const PLAIN: &str = "From: Joe Bloggs <joe@example.org>\r\nTo: ann@example.com\r\nSubject: Lunch plans\r\nDate: Sun, 10 Mar 2024 23:30:00 -0500\r\n\r\nShall we meet at noon?\r\n";
