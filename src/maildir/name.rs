//! Maildir file names: `<unique>[:2,<flags>]` (cr.yp.to/proto/maildir.html), with the
//! Maildir++ `,S=<size>` and Dovecot `,W=<size>` fields inside the unique part. Flags are
//! the letters D(raft) F(lagged) P(assed) R(eplied) S(een) T(rashed), in ASCII order;
//! lowercase letters are Dovecot keywords and are kept as they are.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// Everything before `:2,` (or the whole name for a message still in new/).
    pub unique: String,
    /// The info flags in ASCII order, if the name has an info part.
    pub flags: Option<String>,
    /// `,S=` from the unique part: the message's size in bytes.
    pub size: Option<u64>,
    /// The leading seconds-since-epoch of the unique part, when it has one.
    pub time: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NameError(pub String);

impl Name {
    /// Parses a file name. Names other programs invented are accepted as long as they are
    /// safe; only what cannot be a Maildir message name is refused.
    pub fn parse(file: &str) -> Result<Name, NameError> {
        if file.is_empty() || file.starts_with('.') || file.contains('/') || file.contains('\0') {
            return Err(NameError(format!(
                "'{}' is not a message file name",
                file.escape_debug()
            )));
        }
        let (unique, flags) = match file.rsplit_once(':') {
            Some((u, info)) => match info.strip_prefix("2,") {
                Some(f) => {
                    if let Some(bad) = f.chars().find(|c| !c.is_ascii_alphabetic()) {
                        return Err(NameError(format!("'{file}': flag {bad:?} is not a letter")));
                    }
                    let mut v: Vec<char> = f.chars().collect();
                    v.sort_unstable();
                    v.dedup();
                    (u, Some(v.into_iter().collect::<String>()))
                }
                None => {
                    return Err(NameError(format!(
                        "'{file}': info part '{info}' is not ':2,FLAGS'"
                    )));
                }
            },
            None => (file, None),
        };
        if unique.is_empty() {
            return Err(NameError(format!("'{file}' has an empty unique part")));
        }
        let size = unique
            .split(',')
            .skip(1)
            .find_map(|f| f.strip_prefix("S="))
            .and_then(|s| s.parse().ok());
        let time = unique
            .split('.')
            .next()
            .and_then(|t| t.parse::<i64>().ok())
            .filter(|t| *t > 0);
        Ok(Name {
            unique: unique.to_string(),
            flags,
            size,
            time,
        })
    }

    /// Arrival order: the time, then the rest of the unique part with runs of digits
    /// compared as numbers, so `1000.M95000P7` (95 ms) comes before `1000.M123456P7`
    /// (123 ms) although it sorts after it as text. Names without a time come first, as
    /// they always did.
    /// The queue's copies (`<secs>.Q<queue id>_…`, `smtp::delivery`) carry their arrival in
    /// the queue id's first 12 hexadecimal digits (microseconds): compared as text, since
    /// digit runs taken as numbers misorder hexadecimal (`C19F` would follow `C1A0`), and
    /// the queue's concurrent workers create copies of one second in any order.
    pub fn arrival_cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.time.cmp(&other.time).then_with(|| {
            match (queue_arrival(&self.unique), queue_arrival(&other.unique)) {
                (Some(a), Some(b)) => a.cmp(b),
                _ => std::cmp::Ordering::Equal,
            }
            .then_with(|| natural_cmp(&self.unique, &other.unique))
        })
    }

    pub fn has(&self, flag: char) -> bool {
        self.flags.as_deref().is_some_and(|f| f.contains(flag))
    }

    /// The name with these flags (sorted, deduplicated).
    pub fn with_flags(&self, flags: &str) -> Name {
        let mut v: Vec<char> = flags.chars().filter(|c| c.is_ascii_alphabetic()).collect();
        v.sort_unstable();
        v.dedup();
        Name {
            flags: Some(v.into_iter().collect()),
            ..self.clone()
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.flags {
            Some(fl) => write!(f, "{}:2,{fl}", self.unique),
            None => f.write_str(&self.unique),
        }
    }
}

/// The arrival microseconds of a queue copy's name (`<secs>.Q<12 hex digits>…`), as text.
fn queue_arrival(unique: &str) -> Option<&str> {
    let key = unique.split_once('.')?.1.strip_prefix('Q')?.get(..12)?;
    key.bytes().all(|b| b.is_ascii_hexdigit()).then_some(key)
}

/// Compares text with each run of ASCII digits taken as a number (leading zeros ignored,
/// then the longer run first on ties so the order is total).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let run =
                |s: &[u8], k: usize| k + s[k..].iter().take_while(|c| c.is_ascii_digit()).count();
            let (ie, je) = (run(a, i), run(b, j));
            fn trim(s: &[u8]) -> &[u8] {
                &s[s.iter().take_while(|c| **c == b'0').count()..]
            }
            let (x, y) = (trim(&a[i..ie]), trim(&b[j..je]));
            let ord = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
            let ord = ord.then_with(|| (je - j).cmp(&(ie - i)));
            if ord != Ordering::Equal {
                return ord;
            }
            (i, j) = (ie, je);
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

#[cfg(test)]
mod tests {
    #[test]
    fn queue_copies_of_one_second_arrive_in_queue_id_order() {
        let n = |u: &str| Name::parse(&format!("{u}.host")).unwrap();
        // 0x…C19F < 0x…C1A0 microseconds; as digit runs, 19 > 1 put them the other way.
        let early = n("1700000000.Q00060000C19F0A0B0C_1111");
        let late = n("1700000000.Q00060000C1A00A0B0C_0000");
        assert_eq!(early.arrival_cmp(&late), std::cmp::Ordering::Less);
        assert_eq!(late.arrival_cmp(&early), std::cmp::Ordering::Greater);
        // Other names keep their natural order, and the time still comes first.
        assert_eq!(
            n("1000.M95000P7").arrival_cmp(&n("1000.M123456P7")),
            std::cmp::Ordering::Less
        );
        assert_eq!(
            n("1701.Q00060000C1A00A0B0C_0").arrival_cmp(&n("1700.Q00060000C19F0A0B0C_0")),
            std::cmp::Ordering::Greater
        );
    }

    use super::*;
    use proptest::prelude::*;

    /// Two deliveries in one second: microseconds 95000 and 123456 must keep their order
    /// although "M9…" sorts after "M1…" as text (the flaky CI failure of stop 27).
    #[test]
    fn arrival_order_compares_microseconds_as_numbers() {
        let first = Name::parse("1000.M95000P7Q9R0.h").unwrap();
        let second = Name::parse("1000.M123456P7Q10R0.h").unwrap();
        assert_eq!(first.arrival_cmp(&second), std::cmp::Ordering::Less);
        assert_eq!(second.arrival_cmp(&first), std::cmp::Ordering::Greater);
        let earlier = Name::parse("999.M999999P7Q1R0.h").unwrap();
        assert_eq!(earlier.arrival_cmp(&first), std::cmp::Ordering::Less);
        let timeless = Name::parse("courier-name").unwrap();
        assert_eq!(timeless.arrival_cmp(&first), std::cmp::Ordering::Less);
        assert_eq!(natural_cmp("a007", "a7"), std::cmp::Ordering::Less);
        assert_eq!(natural_cmp("a7", "a7"), std::cmp::Ordering::Equal);
    }

    #[test]
    fn dovecot_and_courier_names() {
        let n = Name::parse("1700000000.M1P2Q3.host,S=1234,W=1260:2,SF").unwrap();
        assert_eq!(n.unique, "1700000000.M1P2Q3.host,S=1234,W=1260");
        assert_eq!(n.flags.as_deref(), Some("FS"));
        assert_eq!(n.size, Some(1234));
        assert_eq!(n.time, Some(1_700_000_000));
        assert!(n.has('S') && n.has('F') && !n.has('T'));
        assert_eq!(n.to_string(), "1700000000.M1P2Q3.host,S=1234,W=1260:2,FS");
        let c = Name::parse("1700000000.12345_0.mail.example.org:2,").unwrap();
        assert_eq!(c.flags.as_deref(), Some(""));
        assert_eq!(Name::parse("1700000000.12345_0.mail").unwrap().flags, None);
        assert_eq!(
            n.with_flags("TSS").to_string(),
            "1700000000.M1P2Q3.host,S=1234,W=1260:2,ST"
        );
    }

    #[test]
    fn bad_names() {
        for bad in ["", ".hidden", "a/b", "x:1,S", "x:2,S1", ":2,S"] {
            assert!(Name::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_round_trips(s in "\\\\PC{0,60}") {
            if let Ok(n) = Name::parse(&s) {
                let again = Name::parse(&n.to_string()).unwrap();
                prop_assert_eq!(again, n);
            }
        }
    }
}
