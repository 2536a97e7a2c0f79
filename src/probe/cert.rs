//! The server certificate a probe saw, described and judged in words a user can act on:
//! expiry, whether it covers the host name or address tested (RFC 6125), and why it is not
//! trusted (self-signed, a CA certificate used as a server's, a missing intermediate).
//!
//! Not here: verifying the chain (rustls/webpki through smtp::client::RecordingVerifier).

use serde::Serialize;

use super::StepStatus;

#[derive(Debug, Serialize, Default)]
pub struct Certificate {
    pub subject: String,
    pub issuer: String,
    pub names: Vec<String>,
    pub not_before: String,
    pub not_after: String,
    pub days_left: i64,
    pub matches_host: bool,
    pub trusted: bool,
    pub verify_error: Option<String>,
    /// Issuer and subject are the same name: nobody vouches for it.
    pub self_signed: bool,
    /// basicConstraints CA:TRUE, which `openssl req -x509` sets by default.
    pub is_ca: bool,
    /// What is wrong with it, in words; empty when nothing is.
    pub problem: String,
}

/// How a certificate is judged: expired or wrong name fails; untrusted (e.g. self-signed)
/// warns, as opportunistic TLS between MTAs accepts it but mail clients will complain.
pub(super) fn judge(c: &Certificate) -> (StepStatus, String) {
    let subject = format!(
        "subject {}, issuer {}, expires {} ({} days)",
        c.subject, c.issuer, c.not_after, c.days_left
    );
    if c.days_left < 0 {
        return (StepStatus::Fail, format!("EXPIRED: {subject}"));
    }
    if !c.matches_host {
        return (StepStatus::Fail, format!("{}: {subject}", c.problem));
    }
    if !c.trusted {
        let why = c.verify_error.clone().unwrap_or_default();
        // A CA certificate is refused as a server certificate by rustls and webpki-based
        // clients outright, not merely warned about.
        let status = if why.contains("CaUsedAsEndEntity") {
            StepStatus::Fail
        } else {
            StepStatus::Warn
        };
        return (status, format!("{} ({why}): {subject}", untrusted(c, &why)));
    }
    if c.days_left < 14 {
        return (StepStatus::Warn, format!("expires soon: {subject}"));
    }
    (StepStatus::Pass, subject)
}

/// Why a certificate is not trusted, in words a user can act on.
pub(super) fn untrusted(c: &Certificate, why: &str) -> String {
    if why.contains("CaUsedAsEndEntity") || (c.is_ca && c.self_signed) {
        return "the certificate is a self-signed CA certificate (basicConstraints CA:TRUE, \
                what `openssl req -x509` makes by default): clients refuse a CA certificate \
                as a server's; make a server certificate (openssl req -x509 ... -addext \
                basicConstraints=critical,CA:FALSE), or get one from Let's Encrypt"
            .into();
    }
    if c.self_signed {
        return "self-signed: mail clients ask the user to accept it, servers delivering \
                mail accept it for opportunistic TLS; get one from Let's Encrypt for clients"
            .into();
    }
    if why.contains("UnknownIssuer") {
        return "issued by a CA clients do not know, or the server does not send the \
                intermediate certificate: serve the full chain (fullchain.pem)"
            .into();
    }
    "not trusted".into()
}

/// Subject, issuer, names and validity of a DER certificate, and whether it covers `host`.
pub fn describe(der: &[u8], host: &str) -> Certificate {
    use x509_parser::prelude::*;
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return Certificate {
            verify_error: Some("unparsable certificate".into()),
            ..Default::default()
        };
    };
    let mut names: Vec<String> = Vec::new();
    let mut ips: Vec<std::net::IpAddr> = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => names.push(d.to_string()),
                GeneralName::IPAddress(ip) => {
                    let ip = match ip.len() {
                        4 => <[u8; 4]>::try_from(*ip).ok().map(std::net::IpAddr::from),
                        16 => <[u8; 16]>::try_from(*ip).ok().map(std::net::IpAddr::from),
                        _ => None,
                    };
                    if let Some(ip) = ip {
                        names.push(ip.to_string());
                        ips.push(ip);
                    }
                }
                _ => {}
            }
        }
    }
    if names.is_empty() {
        names.extend(
            cert.subject()
                .iter_common_name()
                .filter_map(|cn| cn.as_str().ok().map(str::to_string)),
        );
    }
    let not_after = cert.validity().not_after.timestamp();
    let now = chrono::Utc::now().timestamp();
    let fmt = crate::core::time::rfc3339;
    // RFC 6125 §6.2.1 / RFC 5280: an address is matched only against iPAddress entries.
    let (matches_host, problem) = match host.parse::<std::net::IpAddr>() {
        Ok(ip) if ips.contains(&ip) => (true, String::new()),
        Ok(ip) => (
            false,
            format!(
                "does not cover the address {ip}: testing by IP needs the IP in the \
                 certificate's subjectAltName, which it lacks (covers {}); test by a name it \
                 covers",
                names.join(", ")
            ),
        ),
        Err(_) if names.iter().any(|n| name_matches(n, host)) => (true, String::new()),
        Err(_) => (
            false,
            format!(
                "does not cover the host name {host} (covers {})",
                names.join(", ")
            ),
        ),
    };
    let is_ca = cert
        .basic_constraints()
        .ok()
        .flatten()
        .is_some_and(|bc| bc.value.ca);
    Certificate {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        self_signed: cert.subject() == cert.issuer(),
        is_ca,
        problem,
        matches_host,
        names,
        not_before: fmt(cert.validity().not_before.timestamp()),
        not_after: fmt(not_after),
        days_left: (not_after - now).div_euclid(86400),
        trusted: false,
        verify_error: None,
    }
}

/// RFC 6125 matching: exact, or one leftmost `*` label.
fn name_matches(pattern: &str, host: &str) -> bool {
    let (p, h) = (pattern.to_ascii_lowercase(), host.to_ascii_lowercase());
    let h = h.trim_end_matches('.');
    if p == h {
        return true;
    }
    match p.strip_prefix("*.") {
        Some(rest) => h
            .split_once('.')
            .is_some_and(|(first, tail)| !first.is_empty() && tail == rest),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn host_names_match_like_rfc_6125() {
        assert!(name_matches("mail.example.org", "MAIL.example.org."));
        assert!(name_matches("*.example.org", "mail.example.org"));
        assert!(!name_matches("*.example.org", "a.b.example.org"));
        assert!(!name_matches("*.example.org", "example.org"));
        assert!(!name_matches("mail.example.org", "example.org"));
    }

    #[test]
    fn describes_a_generated_certificate() {
        let ck = rcgen::generate_simple_self_signed(vec!["mail.example.test".to_string()]).unwrap();
        let c = describe(ck.cert.der(), "mail.example.test");
        assert_eq!(c.names, ["mail.example.test"]);
        assert!(c.matches_host);
        assert!(c.days_left > 300);
        let (status, _) = judge(&c);
        assert_eq!(status, StepStatus::Warn, "self-signed is untrusted");
        let other = describe(ck.cert.der(), "other.example.test");
        assert_eq!(judge(&other).0, StepStatus::Fail);
    }

    #[test]
    fn a_ca_certificate_as_server_certificate_is_named() {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let mut c = describe(cert.der(), "localhost");
        assert!(c.is_ca && c.self_signed);
        c.verify_error = Some("invalid peer certificate: CaUsedAsEndEntity".into());
        let (status, detail) = judge(&c);
        assert_eq!(status, StepStatus::Fail);
        assert!(detail.contains("self-signed CA certificate"), "{detail}");
        // By IP: only an iPAddress entry covers an address.
        let c = describe(cert.der(), "127.0.0.1");
        assert!(!c.matches_host);
        assert!(c.problem.contains("subjectAltName"), "{}", c.problem);
    }
}
