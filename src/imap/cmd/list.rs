//! LIST with RFC 5258 LIST-EXTENDED selection/return options, RFC 6154 SPECIAL-USE and
//! RFC 5819 LIST-STATUS, and the old LSUB. Patterns: `*` matches anything, `%` anything but
//! the delimiter; matching is a linear-memory dynamic programme, so hostile patterns like
//! `*%*%*%…` cost at most name × pattern steps.

use std::collections::{BTreeMap, HashSet};

use super::names::{self, DELIMITER};
use crate::imap::command::{ListReturn, ListSelection};
use crate::imap::mailstore::{MailStore, MailboxInfo, StoreError};
use crate::imap::session::{Action, Session};

/// Longest pattern accepted; beyond it the command is refused rather than matched.
const MAX_PATTERN: usize = 1024;

/// Whether `name` matches `pattern` (chars; INBOX is compared case-insensitively).
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    let (pattern, name) = fold_inbox(pattern, name);
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // dp[j]: pattern[..i] matches name[..j].
    let mut dp = vec![false; n.len() + 1];
    dp[0] = true;
    for &pc in &p {
        let mut next = vec![false; n.len() + 1];
        match pc {
            '*' | '%' => {
                let mut reach = false;
                for j in 0..=n.len() {
                    reach = reach || dp[j];
                    next[j] = reach;
                    // `%` cannot cross the delimiter: reaching stops at it.
                    if pc == '%' && j < n.len() && n[j] == DELIMITER {
                        reach = false;
                    }
                }
            }
            c => {
                for j in 0..n.len() {
                    next[j + 1] = dp[j] && n[j] == c;
                }
            }
        }
        dp = next;
    }
    dp[n.len()]
}

/// `INBOX` is case-insensitive in names and patterns alike (RFC 3501 §5.1).
fn fold_inbox(pattern: &str, name: &str) -> (String, String) {
    let f = |s: &str| {
        if s.is_char_boundary(5) && s.len() >= 5 && s[..5].eq_ignore_ascii_case("INBOX") {
            format!("INBOX{}", &s[5..])
        } else {
            s.to_string()
        }
    };
    (f(pattern), f(name))
}

/// Stands for a pattern no mailbox name can match: names never hold NUL.
const MATCHES_NOTHING: &str = "\0";

/// A LIST/LSUB reference or pattern as UTF-8, under the same rules as names
/// ([`names::decode_text`]); `BAD` for the ones that break them. One that is not valid
/// modified UTF-7 is no error, as in Dovecot (imaptest's `atoms` lists `&'+,-...`): no name
/// encodes to it, so it matches nothing.
fn decode_pattern(s: &Session, tag: &str, wire: &str, out: &mut Vec<u8>) -> Option<String> {
    let printable = wire.bytes().all(|b| (b' '..=b'~').contains(&b));
    if !s.enabled.utf8 && printable && crate::maildir::utf7::decode(wire).is_err() {
        return Some(MATCHES_NOTHING.to_string());
    }
    let decoded = if s.enabled.utf8 {
        names::decode_text_utf8(wire)
    } else {
        names::decode_text(wire, s.enabled.rev2)
    };
    match decoded {
        Ok(p) => Some(p),
        Err(why) => {
            Session::tagged(out, tag, &format!("BAD {why}"));
            None
        }
    }
}

fn write_entry(
    s: &Session,
    out: &mut Vec<u8>,
    verb: &str,
    attrs: &[&str],
    name: &str,
    childinfo: bool,
) {
    out.extend_from_slice(format!("* {verb} (").as_bytes());
    out.extend_from_slice(attrs.join(" ").as_bytes());
    out.extend_from_slice(b") \"/\" ");
    names::write_in(out, name, s.enabled.utf8);
    if childinfo {
        out.extend_from_slice(b" (\"CHILDINFO\" (\"SUBSCRIBED\"))");
    }
    out.extend_from_slice(b"\r\n");
}

pub(crate) fn list(
    s: &mut Session,
    tag: &str,
    sel: &ListSelection,
    reference: &str,
    patterns: &[String],
    ret: &ListReturn,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let basic = *sel == ListSelection::default() && *ret == ListReturn::default();
    if patterns.len() == 1 && patterns[0].is_empty() {
        // RFC 3501 §6.3.8: the delimiter and the root of the reference.
        out.extend_from_slice(b"* LIST (\\Noselect) \"/\" \"\"\r\n");
        s.finish(tag, true, "OK LIST completed", out);
        return None;
    }
    if patterns
        .iter()
        .any(|p| p.len() + reference.len() > MAX_PATTERN)
    {
        Session::tagged(out, tag, "BAD LIST pattern too long");
        return None;
    }
    let patterns = full_patterns(s, tag, reference, patterns, out)?;
    let acc = s.account.as_mut()?;
    let (boxes, missing) = match listed_boxes(acc.as_mut(), sel.subscribed) {
        Ok(b) => b,
        Err(e) => {
            s.finish(tag, true, &super::store_error(&e), out);
            return None;
        }
    };
    let show_special = basic || ret.special_use || sel.special_use;
    let show_subscribed = ret.subscribed || sel.subscribed;
    for b in &boxes {
        if !patterns.iter().any(|p| matches(p, &b.name)) {
            continue;
        }
        let mut childinfo = false;
        if sel.subscribed && !b.subscribed {
            // RECURSIVEMATCH: an unsubscribed parent of subscribed children is listed
            // with CHILDINFO, so a client can draw the tree.
            // Only for children not listed themselves (RFC 5258 §4, as Dovecot).
            let prefix = format!("{}{DELIMITER}", b.name);
            let child_subscribed = boxes.iter().any(|c| {
                c.subscribed
                    && c.name.starts_with(&prefix)
                    && !patterns.iter().any(|p| matches(p, &c.name))
            });
            if sel.recursive_match && child_subscribed {
                childinfo = true;
            } else {
                continue;
            }
        }
        if sel.special_use && b.special_use.is_none() {
            continue;
        }
        let attrs = attributes(b, missing.contains(&b.name), show_subscribed, show_special);
        write_entry(s, out, "LIST", &attrs, &b.name, childinfo);
        if let Some(items) = &ret.status
            && b.selectable
            && !childinfo
            && let Some(acc) = s.account.as_mut()
        {
            match acc.status(&b.name) {
                Ok(st) => super::mailbox::write_status(s, &b.name, &st, items, out),
                Err(e) => tracing::warn!("LIST-STATUS {}: {e}", b.name),
            }
        }
        if let Some(entries) = &ret.metadata
            && b.selectable
            && !childinfo
        {
            super::metadata::list_line(s, &b.name, entries, out);
        }
    }
    s.finish(tag, true, "OK LIST completed", out);
    None
}

/// The patterns with the reference applied (RFC 3501 §6.3.8), decoded from modified UTF-7;
/// `None` when one is malformed (the tagged BAD is in `out`).
fn full_patterns(
    s: &mut Session,
    tag: &str,
    reference: &str,
    patterns: &[String],
    out: &mut Vec<u8>,
) -> Option<Vec<String>> {
    let reference = decode_pattern(s, tag, reference, out)?;
    let mut full = Vec::with_capacity(patterns.len());
    for p in patterns {
        let p = decode_pattern(s, tag, p, out)?;
        full.push(if p.starts_with(DELIMITER) || reference.is_empty() {
            p
        } else {
            format!("{reference}{p}")
        });
    }
    Some(full)
}

/// The folders LIST considers: all of them, and with the SUBSCRIBED selection option also
/// the subscribed names that do not exist (RFC 5258 §3.1: listed as `\\NonExistent`), in
/// LIST order; the second value names those.
fn listed_boxes(
    acc: &mut dyn MailStore,
    subscribed: bool,
) -> Result<(Vec<MailboxInfo>, HashSet<String>), StoreError> {
    let mut boxes = acc.list()?;
    let mut missing = HashSet::new();
    if !subscribed {
        return Ok((boxes, missing));
    }
    let known: HashSet<String> = boxes.iter().map(|b| b.name.clone()).collect();
    for name in acc.subscriptions()? {
        if !known.contains(&name) {
            missing.insert(name.clone());
            boxes.push(MailboxInfo {
                name,
                special_use: None,
                has_children: false,
                subscribed: true,
                selectable: false,
            });
        }
    }
    boxes.sort_by(|a, b| (a.name != "INBOX", &a.name).cmp(&(b.name != "INBOX", &b.name)));
    Ok((boxes, missing))
}

/// A LIST entry's attributes (RFC 9051 §7.3.1, RFC 5258 \\Subscribed and \\NonExistent,
/// RFC 6154 special use).
fn attributes(
    b: &MailboxInfo,
    nonexistent: bool,
    show_subscribed: bool,
    show_special: bool,
) -> Vec<&str> {
    let mut attrs: Vec<&str> = Vec::new();
    if nonexistent {
        attrs.push("\\NonExistent");
        if show_subscribed && b.subscribed {
            attrs.push("\\Subscribed");
        }
        return attrs;
    }
    attrs.push(if b.has_children {
        "\\HasChildren"
    } else {
        "\\HasNoChildren"
    });
    if !b.selectable {
        attrs.push("\\Noselect");
    }
    if show_subscribed && b.subscribed {
        attrs.push("\\Subscribed");
    }
    if show_special && let Some(u) = b.special_use {
        attrs.push(u);
    }
    attrs
}

pub(crate) fn lsub(
    s: &mut Session,
    tag: &str,
    reference: &str,
    pattern: &str,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let reference = decode_pattern(s, tag, reference, out)?;
    let pattern = format!("{reference}{}", decode_pattern(s, tag, pattern, out)?);
    if pattern.len() > MAX_PATTERN {
        Session::tagged(out, tag, "BAD LSUB pattern too long");
        return None;
    }
    let acc = s.account.as_mut()?;
    let hits = match lsub_hits(acc.as_mut(), &pattern) {
        Ok(h) => h,
        Err(e) => {
            s.finish(tag, true, &super::store_error(&e), out);
            return None;
        }
    };
    for (name, noselect) in &hits {
        let attrs: &[&str] = if *noselect { &["\\Noselect"] } else { &[] };
        write_entry(s, out, "LSUB", attrs, name, false);
    }
    s.finish(tag, true, "OK LSUB completed", out);
    None
}

/// What LSUB lists for `pattern` (RFC 3501 §6.3.9): the subscribed names it matches, and,
/// for a `%` that stops above a subscribed name, the unsubscribed parent it does match,
/// flagged `\\Noselect`. Name → whether `\\Noselect`.
fn lsub_hits(acc: &mut dyn MailStore, pattern: &str) -> Result<BTreeMap<String, bool>, StoreError> {
    let subs: HashSet<String> = acc.subscriptions()?.into_iter().collect();
    let boxes = acc.list()?;
    let mut hits = BTreeMap::new();
    for sub in &subs {
        if matches(pattern, sub) {
            let noselect = boxes.iter().any(|b| b.name == *sub && !b.selectable);
            hits.insert(sub.clone(), noselect);
        }
        if !pattern.contains('%') {
            continue;
        }
        for (i, _) in sub.match_indices(DELIMITER) {
            let parent = &sub[..i];
            if !subs.contains(parent) && matches(pattern, parent) {
                hits.insert(parent.to_string(), true);
            }
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards() {
        assert!(matches("*", "Archive/2024"));
        assert!(matches("%", "Archive"));
        assert!(!matches("%", "Archive/2024"));
        assert!(matches("Archive/%", "Archive/2024"));
        assert!(matches("A%/%", "Archive/2024"));
        assert!(matches("inbox", "INBOX"));
        assert!(matches("INBOX*", "INBOX"));
        assert!(!matches("Sent", "Sent Items"));
        assert!(matches("*e*", "Trash/Deep"));
        assert!(matches("*", "Entwürfe") && matches("Entw%", "Entwürfe"));
        assert!(!matches("inbox", "ü") && !matches("äöü", "inbox"));
        let hostile = "*%".repeat(200) + "x";
        assert!(!matches(&hostile, &"a/".repeat(200)));
    }
}
