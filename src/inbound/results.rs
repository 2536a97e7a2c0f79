//! `Authentication-Results:` (RFC 8601): the verdicts rendered under our authserv-id (the
//! `hostname` setting). Removing forged fields that claim our id (§5) is the SMTP header
//! filter's job (`smtp::headers`), as the message streams into the spool.
//!
//! Methods written: iprev, spf (one entry per identity), dkim (one per signature, with
//! `header.b` per RFC 6008), dmarc, arc, and dnswl (RFC 8904) when a list matched. DNSBL
//! listings have no registered method and stay in the log and `check message` only.

use super::{Res, Verdict};

/// The result word RFC 8601 §2.7 uses; None for results without one.
fn word(r: Res) -> &'static str {
    match r {
        Res::Listed => "pass",
        Res::NotListed => "none",
        other => other.as_str(),
    }
}

/// A property value as RFC 8601 §2.2 `pvalue`: bare when it is a plain domain or address,
/// otherwise a quoted-string.
fn pvalue(v: &str) -> String {
    let plain = !v.is_empty()
        && v.matches('@').count() <= 1
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'@' | b'+'));
    if plain { v.to_string() } else { quoted(v) }
}

/// A quoted-string of at most 200 characters, with controls (CR, LF) made spaces so a
/// peer's text can never end the header, and non-ASCII made `?` so the field stays 7-bit
/// whatever the message is.
fn quoted(v: &str) -> String {
    let mut out = String::from("\"");
    for c in v.chars().take(200) {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c if !c.is_ascii() => out.push('?'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The header field, folded one result per line and ending in CRLF, ready to prepend.
pub fn render(authserv_id: &str, verdicts: &[Verdict]) -> String {
    let mut parts = Vec::new();
    for v in verdicts {
        match v.method {
            "iprev" | "spf" | "dkim" | "dmarc" | "arc" => {}
            "dnswl" if v.result == Res::Listed => {}
            _ => continue,
        }
        let mut s = format!("{}={}", v.method, word(v.result));
        if v.result != Res::Pass && !v.reason.is_empty() {
            s.push_str(" reason=");
            s.push_str(&quoted(&v.reason));
        }
        for p in &v.props {
            s.push(' ');
            s.push_str(&p.name);
            s.push('=');
            s.push_str(&pvalue(&p.value));
        }
        parts.push(s);
    }
    let id = pvalue(authserv_id);
    if parts.is_empty() {
        return format!("Authentication-Results: {id}; none\r\n");
    }
    format!(
        "Authentication-Results: {id};\r\n\t{}\r\n",
        parts.join(";\r\n\t")
    )
}

#[cfg(test)]
mod tests {
    use super::super::{Stage, Verdict};
    use super::*;

    fn one(v: Verdict) -> String {
        render("mx.example.org", &[v])
    }

    fn spf(r: Res, reason: &str) -> Verdict {
        Verdict::new(Stage::Mail, "spf", r, reason).prop("smtp.mailfrom", "a@sender.test")
    }

    #[test]
    fn spf_results_render_exactly() {
        assert_eq!(
            one(spf(Res::Pass, "192.0.2.1 is allowed by sender.test")),
            "Authentication-Results: mx.example.org;\r\n\tspf=pass smtp.mailfrom=a@sender.test\r\n"
        );
        assert_eq!(
            one(spf(Res::Fail, "192.0.2.9 is not allowed by sender.test")),
            "Authentication-Results: mx.example.org;\r\n\tspf=fail reason=\"192.0.2.9 is not allowed by sender.test\" smtp.mailfrom=a@sender.test\r\n"
        );
        assert_eq!(
            one(spf(Res::TempError, "DNS error")),
            "Authentication-Results: mx.example.org;\r\n\tspf=temperror reason=\"DNS error\" smtp.mailfrom=a@sender.test\r\n"
        );
        assert_eq!(
            one(spf(Res::PermError, "broken")),
            "Authentication-Results: mx.example.org;\r\n\tspf=permerror reason=\"broken\" smtp.mailfrom=a@sender.test\r\n"
        );
        assert_eq!(
            one(spf(Res::None, "")),
            "Authentication-Results: mx.example.org;\r\n\tspf=none smtp.mailfrom=a@sender.test\r\n"
        );
        assert_eq!(
            one(spf(Res::SoftFail, "")),
            "Authentication-Results: mx.example.org;\r\n\tspf=softfail smtp.mailfrom=a@sender.test\r\n"
        );
    }

    #[test]
    fn dkim_dmarc_arc_iprev_render_exactly() {
        let dkim = |r, why| {
            Verdict::new(Stage::Data, "dkim", r, why)
                .prop("header.d", "sender.test")
                .prop("header.s", "sel")
                .prop("header.b", "Ab+/12==")
        };
        assert_eq!(
            one(dkim(Res::Pass, "")),
            "Authentication-Results: mx.example.org;\r\n\tdkim=pass header.d=sender.test header.s=sel header.b=\"Ab+/12==\"\r\n"
        );
        assert_eq!(
            one(dkim(Res::Fail, "body hash did not verify")),
            "Authentication-Results: mx.example.org;\r\n\tdkim=fail reason=\"body hash did not verify\" header.d=sender.test header.s=sel header.b=\"Ab+/12==\"\r\n"
        );
        assert_eq!(
            one(dkim(Res::TempError, "dns")),
            "Authentication-Results: mx.example.org;\r\n\tdkim=temperror reason=\"dns\" header.d=sender.test header.s=sel header.b=\"Ab+/12==\"\r\n"
        );
        assert_eq!(
            one(dkim(Res::PermError, "no key")),
            "Authentication-Results: mx.example.org;\r\n\tdkim=permerror reason=\"no key\" header.d=sender.test header.s=sel header.b=\"Ab+/12==\"\r\n"
        );
        assert_eq!(
            one(Verdict::new(
                Stage::Data,
                "dkim",
                Res::None,
                "no DKIM-Signature"
            )),
            "Authentication-Results: mx.example.org;\r\n\tdkim=none reason=\"no DKIM-Signature\"\r\n"
        );
        let dmarc =
            |r, why| Verdict::new(Stage::Data, "dmarc", r, why).prop("header.from", "sender.test");
        for (r, want) in [
            (Res::Pass, "dmarc=pass header.from=sender.test"),
            (Res::Fail, "dmarc=fail reason=\"x\" header.from=sender.test"),
            (
                Res::TempError,
                "dmarc=temperror reason=\"x\" header.from=sender.test",
            ),
            (
                Res::PermError,
                "dmarc=permerror reason=\"x\" header.from=sender.test",
            ),
            (Res::None, "dmarc=none reason=\"x\" header.from=sender.test"),
        ] {
            assert_eq!(
                one(dmarc(r, "x")),
                format!("Authentication-Results: mx.example.org;\r\n\t{want}\r\n")
            );
        }
        for (r, want) in [
            (Res::Pass, "arc=pass"),
            (Res::Fail, "arc=fail reason=\"x\""),
            (Res::TempError, "arc=temperror reason=\"x\""),
            (Res::PermError, "arc=permerror reason=\"x\""),
            (Res::None, "arc=none reason=\"x\""),
        ] {
            assert_eq!(
                one(Verdict::new(Stage::Data, "arc", r, "x")),
                format!("Authentication-Results: mx.example.org;\r\n\t{want}\r\n")
            );
        }
        for (r, want) in [
            (Res::Pass, "iprev=pass policy.iprev=192.0.2.1"),
            (Res::Fail, "iprev=fail reason=\"x\" policy.iprev=192.0.2.1"),
            (
                Res::TempError,
                "iprev=temperror reason=\"x\" policy.iprev=192.0.2.1",
            ),
            (
                Res::PermError,
                "iprev=permerror reason=\"x\" policy.iprev=192.0.2.1",
            ),
            (Res::None, "iprev=none reason=\"x\" policy.iprev=192.0.2.1"),
        ] {
            assert_eq!(
                one(Verdict::new(Stage::Connect, "iprev", r, "x").prop("policy.iprev", "192.0.2.1")),
                format!("Authentication-Results: mx.example.org;\r\n\t{want}\r\n")
            );
        }
    }

    #[test]
    fn several_results_fold_and_lists_and_blocklists_are_left_out() {
        let v = [
            Verdict::new(Stage::Connect, "dnsbl", Res::Listed, "spam").prop("dns.zone", "bl.test"),
            Verdict::new(Stage::Connect, "dnswl", Res::NotListed, "").prop("dns.zone", "wl.test"),
            Verdict::new(Stage::Connect, "dnswl", Res::Listed, "trusted")
                .prop("dns.zone", "wl.test")
                .prop("policy.ip", "127.0.10.1"),
            spf(Res::Pass, ""),
            Verdict::new(Stage::Data, "policy", Res::Fail, "x"),
        ];
        assert_eq!(
            render("mx.example.org", &v),
            "Authentication-Results: mx.example.org;\r\n\tdnswl=pass reason=\"trusted\" dns.zone=wl.test policy.ip=127.0.10.1;\r\n\tspf=pass smtp.mailfrom=a@sender.test\r\n"
        );
        assert_eq!(
            render("mx.example.org", &[]),
            "Authentication-Results: mx.example.org; none\r\n"
        );
    }

    proptest::proptest! {
        /// Whatever a peer puts into a reason or a property (SPF `exp=` text, a signing
        /// domain, an address), the field stays one header: CRLF only before a tab, and
        /// every result keeps its place.
        #[test]
        fn any_text_stays_inside_the_field(reason in ".{0,300}", value in ".{0,100}") {
            let v = [
                Verdict::new(Stage::Mail, "spf", Res::Fail, reason.clone())
                    .prop("smtp.mailfrom", value.clone()),
                Verdict::new(Stage::Data, "dkim", Res::Pass, "").prop("header.d", value),
            ];
            let h = render("mx.example.org", &v);
            proptest::prop_assert!(h.ends_with("\r\n"));
            let body = &h[..h.len() - 2];
            let lines: Vec<&str> = body.split("\r\n").collect();
            proptest::prop_assert_eq!(lines.len(), 3, "{:?}", h);
            proptest::prop_assert!(lines[1].starts_with("\tspf=fail") && lines[2].starts_with("\tdkim=pass"));
            for l in &lines {
                proptest::prop_assert!(!l.contains('\r') && !l.contains('\n') && l.is_ascii());
            }
        }
    }

    #[test]
    fn peer_text_cannot_break_out_of_the_header() {
        let h = one(spf(Res::Fail, "evil\r\nX-Injected: yes \"q\" \\"));
        assert_eq!(h.matches("\r\n").count(), 2, "{h:?}");
        assert!(
            h.contains(r#"reason="evil  X-Injected: yes \"q\" \\""#),
            "{h}"
        );
        let v =
            Verdict::new(Stage::Mail, "spf", Res::Pass, "").prop("smtp.mailfrom", "a b;c@x\r\ny");
        let h = one(v);
        assert!(h.contains("smtp.mailfrom=\"a b;c@x  y\""), "{h}");
    }
}
