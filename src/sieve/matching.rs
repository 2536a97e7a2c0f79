//! Comparators (RFC 4790 as Sieve uses them: i;octet, i;ascii-casemap, i;ascii-numeric),
//! match types `:is`, `:contains`, `:matches` (RFC 5228 §2.7.1, with RFC 5229 match
//! variables), `:regex` (Pigeonhole's draft, through the `regex` crate's size limits) and the
//! RFC 5231 relations.
//!
//! Not here: where the values come from (run.rs, message.rs).

use std::cmp::Ordering;
use std::collections::HashMap;

use super::program::{Comparator, Match, MatchKind, Rel};

/// Constant `:regex` keys compiled once with the script: (pattern, case-insensitive).
pub(crate) type Regexes = HashMap<(String, bool), regex::Regex>;

/// Regex programs are bounded so a hostile pattern cannot take the memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

fn fold(cmp: Comparator, c: char) -> char {
    if cmp == Comparator::AsciiCasemap {
        c.to_ascii_lowercase()
    } else {
        c
    }
}

fn numeric(s: &str) -> Option<u128> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    // Leading zeros do not count; very long numbers saturate rather than fail.
    Some(digits.trim_start_matches('0').parse::<u128>().unwrap_or(
        if digits.trim_start_matches('0').is_empty() {
            0
        } else {
            u128::MAX
        },
    ))
}

pub(crate) fn order(cmp: Comparator, a: &str, b: &str) -> Ordering {
    match cmp {
        Comparator::Octet => a.as_bytes().cmp(b.as_bytes()),
        Comparator::AsciiCasemap => a
            .bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase())),
        // RFC 4790 §9.1: a string not starting with a digit is positive infinity.
        Comparator::AsciiNumeric => match (numeric(a), numeric(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
    }
}

pub(crate) fn relation(rel: Rel, o: Ordering) -> bool {
    match rel {
        Rel::Gt => o == Ordering::Greater,
        Rel::Ge => o != Ordering::Less,
        Rel::Lt => o == Ordering::Less,
        Rel::Le => o != Ordering::Greater,
        Rel::Eq => o == Ordering::Equal,
        Rel::Ne => o != Ordering::Equal,
    }
}

/// One value against one key. `caps` receives the match variables of `:matches`/`:regex`.
pub(crate) fn matches(
    m: &Match,
    value: &str,
    key: &str,
    caps: &mut Vec<String>,
    regexes: &Regexes,
) -> bool {
    match &m.kind {
        MatchKind::Is => order(m.cmp, value, key) == Ordering::Equal,
        MatchKind::Contains => {
            if m.cmp == Comparator::AsciiCasemap {
                value
                    .to_ascii_lowercase()
                    .contains(&key.to_ascii_lowercase())
            } else {
                value.contains(key)
            }
        }
        MatchKind::Matches => glob(m.cmp, value, key, caps),
        MatchKind::Regex => regex(m.cmp, value, key, caps, regexes),
        MatchKind::Value(rel) => relation(*rel, order(m.cmp, value, key)),
        // Counting happens over all values at once, in the caller.
        MatchKind::Count(_) => false,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum G {
    Lit(char),
    One,
    Star,
}

fn glob_tokens(key: &str) -> Vec<G> {
    let mut out = Vec::new();
    let mut it = key.chars();
    while let Some(c) = it.next() {
        out.push(match c {
            '*' => G::Star,
            '?' => G::One,
            '\\' => G::Lit(it.next().unwrap_or('\\')),
            c => G::Lit(c),
        });
    }
    out
}

/// Wildcard match in O(value × pattern): earlier `*` take as little as they can, the
/// search backtracks only to the last star, so no pattern can make it exponential.
fn glob(cmp: Comparator, value: &str, key: &str, caps: &mut Vec<String>) -> bool {
    let pat = glob_tokens(key);
    let s: Vec<char> = value.chars().collect();
    let mut spans = vec![(0usize, 0usize); pat.len()];
    let (mut p, mut i) = (0, 0);
    let mut star: Option<(usize, usize, usize)> = None; // (pattern index, star start, tried end)
    while i < s.len() {
        match pat.get(p) {
            Some(G::One) => {
                spans[p] = (i, i + 1);
                p += 1;
                i += 1;
            }
            Some(G::Lit(c)) if fold(cmp, *c) == fold(cmp, s[i]) => {
                p += 1;
                i += 1;
            }
            Some(G::Star) => {
                spans[p] = (i, i);
                star = Some((p, i, i));
                p += 1;
            }
            _ => match star {
                Some((sp, start, end)) => {
                    let end = end + 1;
                    star = Some((sp, start, end));
                    spans[sp] = (start, end);
                    p = sp + 1;
                    i = end;
                }
                None => return false,
            },
        }
    }
    while pat.get(p) == Some(&G::Star) {
        spans[p] = (i, i);
        p += 1;
    }
    if p != pat.len() {
        return false;
    }
    caps.clear();
    caps.push(value.to_string());
    for (t, (a, b)) in pat.iter().zip(spans) {
        if *t != G::Star && *t != G::One {
            continue;
        }
        caps.push(s[a..b].iter().collect());
    }
    true
}

fn regex(
    cmp: Comparator,
    value: &str,
    key: &str,
    caps: &mut Vec<String>,
    regexes: &Regexes,
) -> bool {
    let ci = cmp == Comparator::AsciiCasemap;
    let built;
    let re = match regexes.get(&(key.to_string(), ci)) {
        Some(re) => re,
        // A key built from variables is only known now.
        None => match build_regex(cmp, key) {
            Ok(re) => {
                built = re;
                &built
            }
            Err(_) => return false,
        },
    };
    let Some(c) = re.captures(value) else {
        return false;
    };
    caps.clear();
    for g in c.iter() {
        caps.push(g.map_or(String::new(), |m| m.as_str().to_string()));
    }
    true
}

pub(crate) fn build_regex(cmp: Comparator, key: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(key)
        .case_insensitive(cmp == Comparator::AsciiCasemap)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
}
