//! RFC 5229 variables: names, `${...}` expansion (named and match variables), the `set`
//! modifiers; and RFC 5228 §2.4.2.4 encoded-character, which uses the same `${...}` shape.
//!
//! Not here: where variables live during a run (run.rs).

use super::program::Modifier;

/// RFC 5229 §3: identifier, possibly with namespace components separated by '.'.
pub(crate) fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.split('.').all(|p| {
            let mut b = p.bytes();
            matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
                && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
}

/// Expands `${name}` and `${N}`; anything that is not a valid reference stays as written.
pub(crate) fn expand(s: &str, lookup: &dyn Fn(&str) -> Option<String>, max: usize) -> String {
    if !s.contains("${") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(j) if is_reference(&after[..j]) => {
                out.push_str(&lookup(&after[..j].to_ascii_lowercase()).unwrap_or_default());
                rest = &after[j + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
        if out.len() > max {
            break;
        }
    }
    out.push_str(rest);
    truncate(&mut out, max);
    out
}

fn is_reference(r: &str) -> bool {
    (!r.is_empty() && r.bytes().all(|c| c.is_ascii_digit())) || valid_name(r)
}

pub(crate) fn truncate(s: &mut String, max: usize) {
    if s.len() > max {
        let mut i = max;
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        s.truncate(i);
    }
}

pub(crate) fn apply(mods: &[Modifier], mut v: String) -> String {
    for m in mods {
        v = match m {
            Modifier::Lower => v.to_lowercase(),
            Modifier::Upper => v.to_uppercase(),
            Modifier::LowerFirst | Modifier::UpperFirst => {
                let mut c = v.chars();
                match c.next() {
                    Some(f) if *m == Modifier::LowerFirst => f.to_lowercase().chain(c).collect(),
                    Some(f) => f.to_uppercase().chain(c).collect(),
                    None => v,
                }
            }
            Modifier::QuoteWildcard => quote(&v, "*?\\"),
            Modifier::QuoteRegex => quote(&v, "\\^$.[]|()?*+{}"),
            Modifier::Length => v.chars().count().to_string(),
        };
    }
    v
}

fn quote(v: &str, special: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if special.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// RFC 5228 §2.4.2.4: `${hex: 41 42}` and `${unicode: 263a}`; malformed sequences stay.
pub(crate) fn decode_encoded(s: &str) -> String {
    if !s.contains("${") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let decoded = after.find('}').and_then(|j| {
            let body = &after[..j];
            let (kind, list) = body.split_once(':')?;
            let kind = kind.trim().to_ascii_lowercase();
            let words: Vec<&str> = list.split_ascii_whitespace().collect();
            let text = match kind.as_str() {
                "hex" => {
                    let bytes = words
                        .iter()
                        .map(|w| {
                            (w.len() <= 2)
                                .then(|| u8::from_str_radix(w, 16).ok())
                                .flatten()
                        })
                        .collect::<Option<Vec<u8>>>()?;
                    String::from_utf8(bytes).ok()?
                }
                "unicode" => words
                    .iter()
                    .map(|w| {
                        (w.len() <= 6)
                            .then(|| u32::from_str_radix(w, 16).ok())
                            .flatten()
                    })
                    .map(|c| c.and_then(char::from_u32))
                    .collect::<Option<String>>()?,
                _ => return None,
            };
            Some((text, j))
        });
        match decoded {
            Some((text, j)) => {
                out.push_str(&text);
                rest = &after[j + 1..];
            }
            None => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
