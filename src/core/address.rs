//! Mail addresses and domain names as RFC 5321 defines them, normalised for storage.
//!
//! Domains are stored lowercase in their A-label (punycode) form; [`Domain::unicode`] gives the
//! U-label form for display. Local parts are dot-atoms or quoted strings (RFC 5321 §4.1.2),
//! UTF-8 allowed as RFC 6531 does. Local parts are case-folded for storage, as Postfix and
//! Dovecot do by default. Sub-addressing (`user+tag`) is not part of a stored address: see
//! [`Address::without_detail`].

use std::fmt;

/// RFC 5321 §4.5.3.1.1: 64 octets of local part.
pub const MAX_LOCAL_LEN: usize = 64;
/// RFC 5321 §4.5.3.1.2: 255 octets of domain; a DNS name is 253 in text form.
pub const MAX_DOMAIN_LEN: usize = 253;
/// RFC 5321 §4.5.3.1.3 path limit (256) less the angle brackets, as RFC 3696 errata says.
pub const MAX_ADDRESS_LEN: usize = 254;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AddressError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, AddressError> {
    Err(AddressError(msg.into()))
}

/// A domain name in A-label form, lowercase, without a trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Domain(String);

impl Domain {
    /// Validates and normalises a domain as typed by a person or found in an envelope.
    pub fn parse(input: &str) -> Result<Domain, AddressError> {
        if input.is_empty() {
            return err("domain is empty");
        }
        if let Some(c) = input.chars().find(|c| c.is_control() || c.is_whitespace()) {
            return err(format!(
                "domain '{}' contains the character {:?}, which no domain name may hold",
                input.escape_debug(),
                c
            ));
        }
        let trimmed = input.strip_suffix('.').unwrap_or(input);
        if trimmed.starts_with('[') {
            return err(format!(
                "'{input}' is an address literal; mailctl serves domain names, not IP literals"
            ));
        }
        // Plain ASCII names get the LDH checks below with precise messages; only names with
        // non-ASCII characters go through IDNA, which turns them into A-labels.
        let ascii = if trimmed.is_ascii() {
            trimmed.to_ascii_lowercase()
        } else {
            if trimmed.split('.').any(str::is_empty) {
                return err(format!(
                    "domain '{input}' has an empty label (two dots in a row or a leading dot)"
                ));
            }
            idna::domain_to_ascii_strict(trimmed).map_err(|_| {
                AddressError(format!(
                    "domain '{input}' is not a valid internationalized domain name (IDNA 2008 / UTS #46)"
                ))
            })?
        };
        if ascii.len() > MAX_DOMAIN_LEN {
            return err(format!(
                "domain is {} characters long; the limit is {MAX_DOMAIN_LEN} (RFC 1035)",
                ascii.len()
            ));
        }
        let labels: Vec<&str> = ascii.split('.').collect();
        if labels.len() < 2 {
            return err(format!(
                "domain '{input}' has a single label; use a fully qualified name such as example.com"
            ));
        }
        for label in &labels {
            if label.is_empty() {
                return err(format!(
                    "domain '{input}' has an empty label (two dots in a row or a leading dot)"
                ));
            }
            if label.len() > 63 {
                return err(format!(
                    "domain label '{label}' is longer than 63 characters (RFC 1035)"
                ));
            }
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return err(format!(
                    "domain label '{label}' may hold only letters, digits and hyphens (RFC 1035 LDH rule)"
                ));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return err(format!(
                    "domain label '{label}' may not start or end with a hyphen"
                ));
            }
        }
        if labels
            .last()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
        {
            return err(format!(
                "'{input}' looks like an IP address, not a domain name"
            ));
        }
        Ok(Domain(ascii.to_ascii_lowercase()))
    }

    /// Wraps a value that was validated when it was stored.
    pub fn from_stored(s: String) -> Domain {
        Domain(s)
    }

    /// The A-label (ASCII) form, as stored and as used in DNS.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The U-label form for display (`bücher.example` for `xn--bcher-kva.example`).
    pub fn unicode(&self) -> String {
        let (u, res) = idna::domain_to_unicode(&self.0);
        if res.is_ok() { u } else { self.0.clone() }
    }

    pub fn is_idn(&self) -> bool {
        self.0.split('.').any(|l| l.starts_with("xn--"))
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A mailbox address `local@domain`, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    local: String,
    domain: Domain,
}

impl Address {
    pub fn parse(input: &str) -> Result<Address, AddressError> {
        if input.is_empty() {
            return err("address is empty");
        }
        if input.len() > MAX_ADDRESS_LEN * 4 {
            // Refuse before doing any work on absurd input.
            return err(format!(
                "address is {} octets long; the limit is {MAX_ADDRESS_LEN} (RFC 5321)",
                input.len()
            ));
        }
        let Some(at) = input.rfind('@') else {
            return err(format!(
                "'{}' has no '@': an address is local-part@domain",
                input.escape_debug()
            ));
        };
        let (local, domain) = (&input[..at], &input[at + 1..]);
        if !local.starts_with('"') && local.contains('@') {
            return err(format!(
                "'{}' has more than one '@' (a local part holding '@' must be quoted)",
                input.escape_debug()
            ));
        }
        if domain.is_empty() {
            return err(format!(
                "'{}' has nothing after the '@'",
                input.escape_debug()
            ));
        }
        let domain = Domain::parse(domain)?;
        let local = parse_local_part(local)?;
        let addr = Address { local, domain };
        let len = addr.to_string().len();
        if len > MAX_ADDRESS_LEN {
            return err(format!(
                "address is {len} octets long; the limit is {MAX_ADDRESS_LEN} (RFC 5321 §4.5.3.1.3)"
            ));
        }
        Ok(addr)
    }

    /// Builds from parts that were validated when they were stored.
    pub fn from_stored(local: String, domain: String) -> Address {
        Address {
            local,
            domain: Domain(domain),
        }
    }

    pub fn local(&self) -> &str {
        &self.local
    }

    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// The address without its sub-address detail: `user+tag@d` → `user@d` when `sep` is `+`.
    /// An empty `sep` disables sub-addressing. A local part that starts with the separator is
    /// left alone (`+foo@d` is a name, not a detail).
    pub fn without_detail(&self, sep: &str) -> Address {
        if sep.is_empty() || self.local.starts_with('"') {
            return self.clone();
        }
        match self.local.find(sep) {
            Some(i) if i > 0 => Address {
                local: self.local[..i].to_string(),
                domain: self.domain.clone(),
            },
            _ => self.clone(),
        }
    }

    pub fn has_detail(&self, sep: &str) -> bool {
        !sep.is_empty() && self.without_detail(sep).local.len() != self.local.len()
    }

    /// The address with the domain in U-label form, for display.
    pub fn unicode(&self) -> String {
        format!("{}@{}", self.local, self.domain.unicode())
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local, self.domain)
    }
}

/// RFC 5322 atext, widened by RFC 6531 to any non-ASCII character.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "!#$%&'*+-/=?^_`{|}~".contains(c)
        || (!c.is_ascii() && !c.is_control())
}

fn parse_local_part(local: &str) -> Result<String, AddressError> {
    if local.is_empty() {
        return err("local part (before the '@') is empty");
    }
    if let Some(c) = local.chars().find(|c| c.is_control()) {
        return err(format!("local part contains the control character {c:?}"));
    }
    let normalised = if let Some(inner) = local.strip_prefix('"') {
        let Some(inner) = inner.strip_suffix('"') else {
            return err(format!(
                "local part '{local}' opens a quote it does not close"
            ));
        };
        let mut content = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(q) if (' '..='~').contains(&q) => content.push(q),
                    _ => {
                        return err(format!(
                            "local part '{local}' has a bad quoted-pair (RFC 5321 §4.1.2)"
                        ));
                    }
                },
                '"' => {
                    return err(format!(
                        "local part '{local}' has an unescaped quote inside quotes"
                    ));
                }
                c if c == ' ' || c.is_ascii_graphic() || !c.is_ascii() => content.push(c),
                c => return err(format!("local part '{local}' contains {c:?} inside quotes")),
            }
        }
        // RFC 5321 §4.1.2: a quoted local part that is a valid dot-atom means the same mailbox
        // as the unquoted form, so store the simplest one.
        if is_dot_atom(&content) {
            content
        } else {
            let mut q = String::from("\"");
            for c in content.chars() {
                if c == '"' || c == '\\' {
                    q.push('\\');
                }
                q.push(c);
            }
            q.push('"');
            q
        }
    } else {
        if !is_dot_atom(local) {
            if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
                return err(format!(
                    "local part '{local}' has a leading, trailing or doubled dot (RFC 5321 dot-atom)"
                ));
            }
            let bad = local
                .chars()
                .find(|&c| c != '.' && !is_atext(c))
                .unwrap_or('?');
            return err(format!(
                "local part '{local}' contains {bad:?}, which needs quoting (RFC 5321 dot-atom)"
            ));
        }
        local.to_string()
    };
    if normalised.len() > MAX_LOCAL_LEN {
        return err(format!(
            "local part is {} octets long; the limit is {MAX_LOCAL_LEN} (RFC 5321 §4.5.3.1.1)",
            normalised.len()
        ));
    }
    Ok(normalised.to_lowercase())
}

fn is_dot_atom(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
}

/// The source of an alias: a full address, or `@domain` for a catch-all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AliasSource {
    Address(Address),
    CatchAll(Domain),
}

impl AliasSource {
    pub fn parse(input: &str) -> Result<AliasSource, AddressError> {
        match input.strip_prefix('@') {
            Some(d) => Ok(AliasSource::CatchAll(Domain::parse(d)?)),
            None => Ok(AliasSource::Address(Address::parse(input)?)),
        }
    }

    pub fn domain(&self) -> &Domain {
        match self {
            AliasSource::Address(a) => a.domain(),
            AliasSource::CatchAll(d) => d,
        }
    }
}

impl fmt::Display for AliasSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AliasSource::Address(a) => a.fmt(f),
            AliasSource::CatchAll(d) => write!(f, "@{d}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_normalise_to_lowercase_a_labels() {
        assert_eq!(
            Domain::parse("Example.COM").unwrap().as_str(),
            "example.com"
        );
        assert_eq!(
            Domain::parse("example.com.").unwrap().as_str(),
            "example.com"
        );
        let d = Domain::parse("Bücher.example").unwrap();
        assert_eq!(d.as_str(), "xn--bcher-kva.example");
        assert_eq!(d.unicode(), "bücher.example");
        assert!(d.is_idn());
    }

    #[test]
    fn bad_domains_say_which_rule() {
        for (input, needle) in [
            ("", "empty"),
            ("a..b", "empty label"),
            ("-a.b", "hyphen"),
            ("a_b.c", "letters, digits"),
            ("localhost", "single label"),
            ("1.2.3.4", "IP address"),
            ("[1.2.3.4]", "literal"),
            ("a b.c", "character"),
        ] {
            let e = Domain::parse(input).unwrap_err().0;
            assert!(e.contains(needle), "{input}: {e}");
        }
        let long = format!("{}.com", "a".repeat(64));
        assert!(Domain::parse(&long).unwrap_err().0.contains("63"));
        let huge = vec!["abcdefghij"; 30].join(".");
        assert!(Domain::parse(&huge).unwrap_err().0.contains("253"));
    }

    #[test]
    fn addresses_parse_and_normalise() {
        let a = Address::parse("John.Doe@Example.com").unwrap();
        assert_eq!(a.to_string(), "john.doe@example.com");
        assert_eq!(
            Address::parse("\"john\"@example.com").unwrap().to_string(),
            "john@example.com"
        );
        assert_eq!(
            Address::parse("\"a b\"@example.com").unwrap().to_string(),
            "\"a b\"@example.com"
        );
        assert_eq!(
            Address::parse("用户@例子.测试").unwrap().domain().as_str(),
            "xn--fsqu00a.xn--0zwm56d"
        );
    }

    #[test]
    fn bad_addresses_are_refused() {
        for input in [
            "",
            "a",
            "a@@b.c",
            "a@b..c",
            "@b.c",
            "a@",
            ".a@b.c",
            "a.@b.c",
            "a..b@c.d",
            "a\u{7}@b.c",
            "a b@c.d",
            "a\"@b.c",
            "\"a@b.c",
        ] {
            assert!(Address::parse(input).is_err(), "{input:?} accepted");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(Address::parse(&long_local).unwrap_err().0.contains("64"));
        let long = format!(
            "{}@{}.com",
            "a".repeat(60),
            vec!["b".repeat(60); 4].join(".")
        );
        assert!(Address::parse(&long).unwrap_err().0.contains("254"));
        assert!(Address::parse(&"x".repeat(5000)).is_err());
    }

    #[test]
    fn sub_address_detail_is_stripped() {
        let a = Address::parse("user+tag+more@example.com").unwrap();
        assert_eq!(a.without_detail("+").to_string(), "user@example.com");
        assert!(a.has_detail("+"));
        assert_eq!(a.without_detail("").to_string(), a.to_string());
        assert_eq!(
            Address::parse("+x@example.com")
                .unwrap()
                .without_detail("+")
                .local(),
            "+x"
        );
        assert_eq!(
            Address::parse("u-x@example.com")
                .unwrap()
                .without_detail("-")
                .local(),
            "u"
        );
    }

    #[test]
    fn alias_sources() {
        assert_eq!(
            AliasSource::parse("@Example.com").unwrap().to_string(),
            "@example.com"
        );
        assert!(matches!(
            AliasSource::parse("a@example.com").unwrap(),
            AliasSource::Address(_)
        ));
        assert!(AliasSource::parse("@").is_err());
    }
}
