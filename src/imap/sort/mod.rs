//! SORT (RFC 5256 §3) and SORT=DISPLAY (RFC 5957): the per-message sort fields taken from
//! the header, the base subject (RFC 5256 §2.1, [`subject`]) and the ordering; a sorted
//! result kept up to date for CONTEXT=SORT (RFC 5267 §4) is [`update`].
//!
//! Rules worth knowing:
//! - FROM, TO, CC compare the first address's local part (`addr-mailbox`), and a group's
//!   name when the field starts with a group, as the envelope shows it; DISPLAYFROM and
//!   DISPLAYTO the decoded display name, else the address (RFC 5957 §3), else the group name.
//! - Strings compare after [`casemap`] (i;ascii-casemap for ASCII, uppercasing beyond it).
//! - DATE is the Date: header in UTC, or the internal date when it is missing or broken;
//!   ARRIVAL the internal date.
//! - Messages equal on every key keep mailbox order, also under REVERSE.
//!
//! Not here: reading files (the session hands each message's header block to
//! [`Fields::from_header`]), search, threading (`crate::imap::thread`), rendering.

pub mod result;
pub mod subject;
pub mod update;

use std::cmp::Ordering;

use mail_parser::{Address, MessageParser};

use crate::imap::command::{SortCriterion, SortKey};

/// One message as SORT and THREAD see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// Position in the mailbox (the final tie-breaker).
    pub seq: u32,
    /// What the reply shows: the sequence number or the UID.
    pub number: u32,
    /// Internal date, seconds since the epoch.
    pub arrival: i64,
    pub size: u64,
    /// Date: in UTC, or the internal date.
    pub sent: i64,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub display_from: String,
    pub display_to: String,
    /// Base subject, case-mapped.
    pub subject: String,
    /// Whether the subject carried a reply/forward marker.
    pub reply: bool,
    /// Message-ID without its angle brackets, if it has a valid one.
    pub message_id: Option<String>,
    /// References (or else the first In-Reply-To id), oldest first.
    pub references: Vec<String>,
}

/// Most References kept per message (the newest ones): a thread deeper than that still
/// links through the other messages' own References.
pub const MAX_REFERENCES: usize = 256;

impl Fields {
    /// A message whose header is unknown (unreadable file): it sorts by metadata, with
    /// empty strings and the internal date.
    pub fn new(seq: u32, number: u32, arrival: i64, size: u64) -> Fields {
        Fields {
            seq,
            number,
            arrival,
            size,
            sent: arrival,
            ..Fields::default()
        }
    }

    /// Fills the header-derived fields from the message's header block.
    pub fn from_header(mut self, raw: &[u8]) -> Fields {
        let Some(m) = MessageParser::default().parse_headers(raw) else {
            return self;
        };
        if let Some(d) = m.date().filter(|d| d.is_valid()) {
            self.sent = d.to_timestamp();
        }
        let (base, reply) = subject::base_subject(m.subject().unwrap_or(""));
        self.subject = casemap(&base);
        self.reply = reply;
        (self.from, self.display_from) = address_keys(m.from());
        (self.to, self.display_to) = address_keys(m.to());
        (self.cc, _) = address_keys(m.cc());
        self.message_id = m.message_id().and_then(valid_id).map(str::to_string);
        let refs: Vec<String> = m
            .references()
            .as_text_list()
            .unwrap_or(&[])
            .iter()
            .filter_map(|r| valid_id(r))
            .map(str::to_string)
            .collect();
        self.references = if refs.is_empty() {
            // RFC 5256 §2.2 step 1: without References, the first valid In-Reply-To id.
            m.in_reply_to()
                .as_text_list()
                .and_then(|l| l.iter().find_map(|r| valid_id(r)))
                .map(|r| vec![r.to_string()])
                .unwrap_or_default()
        } else {
            let skip = refs.len().saturating_sub(MAX_REFERENCES);
            refs.into_iter().skip(skip).collect()
        };
        self
    }
}

impl Fields {
    /// Only what `criteria` compare (and the numbers): what a kept sort context holds per
    /// message, so that ten of them over a large mailbox stay small.
    pub fn keys_only(self, criteria: &[SortCriterion]) -> Fields {
        let uses = |k: SortKey| criteria.iter().any(|c| c.key == k);
        let keep = |k: SortKey, v: String| if uses(k) { v } else { String::new() };
        Fields {
            from: keep(SortKey::From, self.from),
            to: keep(SortKey::To, self.to),
            cc: keep(SortKey::Cc, self.cc),
            display_from: keep(SortKey::DisplayFrom, self.display_from),
            display_to: keep(SortKey::DisplayTo, self.display_to),
            subject: keep(SortKey::Subject, self.subject),
            message_id: None,
            references: Vec::new(),
            ..self
        }
    }
}

/// A msg-id is `id-left@id-right`; mail-parser already removed the angle brackets.
fn valid_id(id: &str) -> Option<&str> {
    let id = id.trim();
    (id.contains('@') && !id.contains([' ', '<', '>'])).then_some(id)
}

/// (addr-mailbox key, display key) of an address field, case-mapped.
fn address_keys(a: Option<&Address<'_>>) -> (String, String) {
    let Some(a) = a else {
        return (String::new(), String::new());
    };
    if let Address::Group(groups) = a
        && let Some(name) = groups.first().and_then(|g| g.name.as_deref())
    {
        // The envelope starts such a field with the group: its name is the mailbox.
        let key = casemap(name.trim());
        return (key.clone(), key);
    }
    let Some(first) = a.first() else {
        return (String::new(), String::new());
    };
    let addr = first.address.as_deref().unwrap_or("").trim();
    let local = addr.rsplit_once('@').map_or(addr, |(l, _)| l);
    let display = match first.name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => n,
        _ => addr,
    };
    (casemap(local), casemap(display))
}

/// The comparison form of a string: i;ascii-casemap (a-z to A-Z) for ASCII, and Unicode
/// uppercase for the rest, so that `é` and `É` compare equal too.
pub fn casemap(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_uppercase()
    } else {
        s.chars().flat_map(char::to_uppercase).collect()
    }
}

fn compare(a: &Fields, b: &Fields, key: SortKey) -> Ordering {
    match key {
        SortKey::Arrival => a.arrival.cmp(&b.arrival),
        SortKey::Cc => a.cc.cmp(&b.cc),
        SortKey::Date => a.sent.cmp(&b.sent),
        SortKey::From => a.from.cmp(&b.from),
        SortKey::Size => a.size.cmp(&b.size),
        SortKey::Subject => a.subject.cmp(&b.subject),
        SortKey::To => a.to.cmp(&b.to),
        SortKey::DisplayFrom => a.display_from.cmp(&b.display_from),
        SortKey::DisplayTo => a.display_to.cmp(&b.display_to),
    }
}

/// Sorts `msgs` by `criteria` (RFC 5256 §3); ties keep mailbox order.
pub fn sort(msgs: &mut [Fields], criteria: &[SortCriterion]) {
    msgs.sort_by(|a, b| order(a, b, criteria));
}

/// The order of two messages under `criteria`, ties broken by `seq` (mailbox order): a
/// total order, so every message has exactly one place in a sorted result.
pub fn order(a: &Fields, b: &Fields, criteria: &[SortCriterion]) -> Ordering {
    for c in criteria {
        let o = compare(a, b, c.key);
        let o = if c.reverse { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.seq.cmp(&b.seq)
}

/// Whether any criterion needs the header (all but ARRIVAL and SIZE).
pub fn needs_header(criteria: &[SortCriterion]) -> bool {
    criteria
        .iter()
        .any(|c| !matches!(c.key, SortKey::Arrival | SortKey::Size))
}

#[cfg(test)]
mod tests;
