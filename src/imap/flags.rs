//! A message's flags as IMAP sees them, and their Maildir form: system flags are letters in
//! the file name (`:2,DFRST`, RFC 3501 `\Draft \Flagged \Answered \Seen \Deleted`; `P`assed is
//! shown as the `$Forwarded` keyword, as mutt sets it), other keywords live in the index
//! because Maildir has no portable place for them.

use super::command::Flag;

pub const SEEN: u8 = 1;
pub const ANSWERED: u8 = 2;
pub const FLAGGED: u8 = 4;
pub const DELETED: u8 = 8;
pub const DRAFT: u8 = 16;
/// Maildir `P` (passed), shown as `$Forwarded`.
pub const FORWARDED: u8 = 32;

const LETTERS: [(u8, char); 6] = [
    (DRAFT, 'D'),
    (FLAGGED, 'F'),
    (FORWARDED, 'P'),
    (ANSWERED, 'R'),
    (SEEN, 'S'),
    (DELETED, 'T'),
];

/// Longest keyword accepted, and most keywords on one message: a peer must not be able to
/// grow a row without bound.
pub const MAX_KEYWORD_LEN: usize = 128;
pub const MAX_KEYWORDS: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    pub bits: u8,
    /// Sorted, deduplicated (case-insensitively, keeping the first spelling).
    pub keywords: Vec<String>,
}

impl Flags {
    /// From the info letters of a Maildir name and the keywords kept in the index
    /// (space-separated). Unknown letters (Dovecot's lowercase keyword letters) are ignored.
    pub fn from_maildir(letters: &str, keywords: &str) -> Flags {
        let mut bits = 0;
        for c in letters.chars() {
            if let Some((b, _)) = LETTERS.iter().find(|(_, l)| *l == c) {
                bits |= b;
            }
        }
        let mut f = Flags {
            bits,
            keywords: Vec::new(),
        };
        for k in keywords.split(' ').filter(|k| !k.is_empty()) {
            f.insert(&Flag::Keyword(k.to_string()));
        }
        f
    }

    /// The info letters for the file name, in ASCII order as Maildir requires.
    pub fn maildir_letters(&self) -> String {
        LETTERS
            .iter()
            .filter(|(b, _)| self.bits & b != 0)
            .map(|(_, c)| *c)
            .collect()
    }

    /// The keywords for the index (space-separated), without `$Forwarded` (it is `P`).
    pub fn keywords_text(&self) -> String {
        self.keywords.join(" ")
    }

    fn bit(flag: &Flag) -> Option<u8> {
        match flag {
            Flag::Seen => Some(SEEN),
            Flag::Answered => Some(ANSWERED),
            Flag::Flagged => Some(FLAGGED),
            Flag::Deleted => Some(DELETED),
            Flag::Draft => Some(DRAFT),
            Flag::Keyword(k) if k.eq_ignore_ascii_case("$Forwarded") => Some(FORWARDED),
            _ => None,
        }
    }

    pub fn contains(&self, flag: &Flag) -> bool {
        match (Self::bit(flag), flag) {
            (Some(b), _) => self.bits & b != 0,
            (None, Flag::Keyword(k)) => self.keywords.iter().any(|x| x.eq_ignore_ascii_case(k)),
            _ => false,
        }
    }

    pub fn has(&self, bit: u8) -> bool {
        self.bits & bit != 0
    }

    /// Adds a flag; `\Recent` is not storable and is ignored. Returns false when the keyword
    /// limit stops it.
    pub fn insert(&mut self, flag: &Flag) -> bool {
        match (Self::bit(flag), flag) {
            (Some(b), _) => self.bits |= b,
            (None, Flag::Keyword(k)) => {
                if self.contains(flag) {
                    return true;
                }
                if self.keywords.len() >= MAX_KEYWORDS || k.len() > MAX_KEYWORD_LEN {
                    return false;
                }
                let at = self
                    .keywords
                    .binary_search_by(|x| x.to_ascii_lowercase().cmp(&k.to_ascii_lowercase()))
                    .unwrap_or_else(|i| i);
                self.keywords.insert(at, k.clone());
            }
            _ => {}
        }
        true
    }

    pub fn remove(&mut self, flag: &Flag) {
        match (Self::bit(flag), flag) {
            (Some(b), _) => self.bits &= !b,
            (None, Flag::Keyword(k)) => self.keywords.retain(|x| !x.eq_ignore_ascii_case(k)),
            _ => {}
        }
    }

    /// Appends the parenthesised flag list, `\Recent` included when `recent`.
    pub fn write_list(&self, out: &mut Vec<u8>, recent: bool) {
        out.push(b'(');
        let mut first = true;
        let mut put = |out: &mut Vec<u8>, s: &str| {
            if !first {
                out.push(b' ');
            }
            first = false;
            out.extend_from_slice(s.as_bytes());
        };
        for (b, name) in [
            (SEEN, "\\Seen"),
            (ANSWERED, "\\Answered"),
            (FLAGGED, "\\Flagged"),
            (DELETED, "\\Deleted"),
            (DRAFT, "\\Draft"),
            (FORWARDED, "$Forwarded"),
        ] {
            if self.bits & b != 0 {
                put(out, name);
            }
        }
        if recent {
            put(out, "\\Recent");
        }
        for k in &self.keywords {
            put(out, k);
        }
        out.push(b')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maildir_letters_round_trip_and_keywords_stay_in_the_index() {
        let mut f = Flags::from_maildir("SRxa", "Work $Junk");
        assert!(f.contains(&Flag::Seen) && f.contains(&Flag::Answered));
        assert!(f.contains(&Flag::Keyword("work".into())));
        f.insert(&Flag::Keyword("$Forwarded".into()));
        f.insert(&Flag::Deleted);
        assert_eq!(f.maildir_letters(), "PRST");
        assert_eq!(f.keywords_text(), "$Junk Work");
        let mut out = Vec::new();
        f.write_list(&mut out, true);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "(\\Seen \\Answered \\Deleted $Forwarded \\Recent $Junk Work)"
        );
    }
}
