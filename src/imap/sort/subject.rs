//! RFC 5256 §2.1 base subject extraction: what SORT SUBJECT compares and what THREAD groups
//! by. The input is the Subject already RFC 2047-decoded; the output is the base subject and
//! whether extraction removed a reply or forward marker (`Re:`, `Fwd:`, `(fwd)`,
//! `[fwd: ...]`), which the REFERENCES algorithm's subject merging (§2.2 step 6) needs.
//!
//! Not here: case mapping for comparison (see [`super::casemap`]).

/// `(base subject, is a reply or forward)`.
pub fn base_subject(decoded: &str) -> (String, bool) {
    // Step 1: tabs and line breaks to spaces, runs of spaces to one.
    let mut s = String::with_capacity(decoded.len());
    for ch in decoded.chars() {
        let ch = if matches!(ch, '\t' | '\r' | '\n') {
            ' '
        } else {
            ch
        };
        if ch == ' ' && s.ends_with(' ') {
            continue;
        }
        s.push(ch);
    }
    let mut reply = false;
    let mut cur: &str = &s;
    loop {
        // Step 2: trailing `(fwd)` and white space.
        loop {
            let t = cur.trim_end_matches(' ');
            if let Some(rest) = strip_suffix_ci(t, "(fwd)") {
                reply = true;
                cur = rest;
            } else {
                cur = t;
                break;
            }
        }
        // Steps 3-5: leaders and blobs.
        loop {
            if let Some((rest, refwd)) = leader(cur) {
                reply |= refwd;
                cur = rest;
                continue;
            }
            if let Some(rest) = blob(cur)
                && !rest.trim_start_matches(' ').is_empty()
            {
                cur = rest;
                continue;
            }
            break;
        }
        // Step 6: `[fwd: ... ]` wrapped around everything.
        if let Some(inner) = strip_prefix_ci(cur, "[fwd:").and_then(|r| r.strip_suffix(']')) {
            reply = true;
            cur = inner;
            continue;
        }
        return (cur.to_string(), reply);
    }
}

fn strip_prefix_ci<'a>(s: &'a str, p: &str) -> Option<&'a str> {
    let head = s.get(..p.len())?;
    head.eq_ignore_ascii_case(p).then(|| &s[p.len()..])
}

fn strip_suffix_ci<'a>(s: &'a str, p: &str) -> Option<&'a str> {
    let at = s.len().checked_sub(p.len())?;
    let tail = s.get(at..)?;
    tail.eq_ignore_ascii_case(p).then(|| &s[..at])
}

/// `subj-blob = "[" *BLOBCHAR "]" *WSP`: the rest after it.
fn blob(s: &str) -> Option<&str> {
    let rest = s.strip_prefix('[')?;
    let end = rest.find([']', '['])?;
    if rest.as_bytes()[end] != b']' {
        return None;
    }
    Some(rest[end + 1..].trim_start_matches(' '))
}

/// `subj-leader = (*subj-blob subj-refwd) / WSP`: the rest after it, and whether it held a
/// `subj-refwd` (`re`, `fw` or `fwd`, optional blob, `:`).
fn leader(s: &str) -> Option<(&str, bool)> {
    if let Some(rest) = s.strip_prefix(' ') {
        return Some((rest, false));
    }
    let mut cur = s;
    loop {
        if let Some(rest) = refwd(cur) {
            return Some((rest, true));
        }
        cur = blob(cur)?;
    }
}

/// `subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"`: the rest after it.
fn refwd(s: &str) -> Option<&str> {
    let rest = strip_prefix_ci(s, "re")
        .or_else(|| strip_prefix_ci(s, "fwd"))
        .or_else(|| strip_prefix_ci(s, "fw"))?;
    let rest = rest.trim_start_matches(' ');
    let rest = blob(rest).unwrap_or(rest);
    rest.strip_prefix(':')
}

#[cfg(test)]
mod tests {
    use super::base_subject;

    fn base(s: &str) -> (&'static str, bool) {
        let (b, r) = base_subject(s);
        (Box::leak(b.into_boxed_str()), r)
    }

    #[test]
    fn rfc_5256_examples_and_imaptest_subjects() {
        assert_eq!(base("Re: [fwd: Re: foo] (fwd)"), ("foo", true));
        assert_eq!(base("[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)"), ("b", true));
        assert_eq!(base("Re: [FWD: c]"), ("c", true));
        assert_eq!(
            base("re: [fwd: [fwd: re: [fwd: babylon]]]"),
            ("babylon", true)
        );
        assert_eq!(base("Fwd: Fwd: Fw: hello"), ("hello", true));
        assert_eq!(base("RE: C"), ("C", true));
        assert_eq!(base("Re:\tb"), ("b", true));
    }

    #[test]
    fn what_stays() {
        assert_eq!(base("[xyz]"), ("[xyz]", false));
        assert_eq!(base("b (a)"), ("b (a)", false));
        assert_eq!(
            base("Ad: Re: Ad: Re: Ad: x"),
            ("Ad: Re: Ad: Re: Ad: x", false)
        );
        assert_eq!(base("  spaced    out  "), ("spaced out", false));
        assert_eq!(base(""), ("", false));
        assert_eq!(base(" "), ("", false));
        assert_eq!(base("Reply"), ("Reply", false));
        assert_eq!(base("[list] topic"), ("topic", false));
        assert_eq!(base("[a] [b]"), ("[b]", false));
        assert_eq!(base("[unclosed topic"), ("[unclosed topic", false));
    }

    #[test]
    fn non_ascii_is_not_split() {
        assert_eq!(base("Re: Grüße (fwd)"), ("Grüße", true));
        assert_eq!(base("ü"), ("ü", false));
        assert_eq!(base("[ü] ö"), ("ö", false));
    }
}
