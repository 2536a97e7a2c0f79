//! ARC sealing (RFC 8617) of mail this server forwards, with the forwarding domain's DKIM key,
//! so the next hop can trust the verdicts we reached on the original hop (SPF of the real
//! sender, its DKIM signatures, DMARC) after forwarding broke SPF (and perhaps DKIM).
//!
//! The ARC-Authentication-Results carries our own `Authentication-Results:` as the inbound
//! checks wrote it into the spooled message (`inbound::results`; the SMTP header filter lets
//! nobody else write one under our authserv-id), unfolded to one line. An ARC chain the
//! message already had is continued with `cv=pass` only when our inbound checks found
//! `arc=pass`; otherwise `cv=fail`, and a chain that failed before us is not sealed at all
//! (RFC 8617 §5.1.2).
//!
//! Not here: verifying ARC (the inbound checks), when mail is forwarded (`smtp::forward`).

use std::path::Path;

use mail_auth::arc::{ArcError, ArcSealer, Set};
use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256, SigningKey};
use mail_auth::common::headers::{Header, HeaderWriter};
use mail_auth::dkim::{Canonicalization, Done};
use mail_auth::{ArcOutput, AuthenticatedMessage, AuthenticationResults, DkimResult, Error};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;

/// The header fields the ARC-Message-Signature covers: what a reader sees and what DKIM and
/// DMARC judged, as common sealers (Gmail, Microsoft, Stalwart) do.
const SEALED_HEADERS: &[&str] = &[
    "From",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "DKIM-Signature",
];

/// The ARC set (ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results, each ending in
/// CRLF) to prepend to `message` when `domain` forwards it, or None (logged) when the domain
/// has no usable DKIM key, the message cannot be parsed, or its chain failed before us.
pub fn seal(
    dkim_dir: &Path,
    domain: &crate::core::Domain,
    authserv_id: &str,
    message: &[u8],
) -> Option<String> {
    let Some(msg) = AuthenticatedMessage::parse(message) else {
        tracing::warn!(%domain, "ARC: message header unparseable, forwarded without a seal");
        return None;
    };
    let results_text = own_results(&msg, authserv_id);
    let results = AuthenticationResults::new(&results_text);
    let chain = chain_so_far(&msg, &results_text);
    if !chain.can_be_sealed() {
        tracing::info!(%domain, "ARC: the chain failed before us, forwarded without a seal (RFC 8617 §5.1.2)");
        return None;
    }
    // RFC 8617 names rsa-sha256 only, and that is what receivers verify: RSA first.
    let mut keys: Vec<_> = super::key::keys_each(dkim_dir, domain)
        .into_iter()
        .flatten()
        .collect();
    keys.sort_by_key(|k| !matches!(k.algorithm, super::key::Algorithm::Rsa));
    for key in keys {
        let pem = match std::fs::read_to_string(&key.path) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(%domain, selector = %key.selector, "DKIM key unreadable: {e}");
                continue;
            }
        };
        match seal_with(&pem, domain.as_str(), &key.selector, &msg, &results, &chain) {
            Ok(h) => return Some(h),
            Err(e) => tracing::warn!(%domain, selector = %key.selector, "ARC sealing failed: {e}"),
        }
    }
    tracing::info!(%domain, "ARC: no DKIM key for {domain} (`mailctl dkim generate {domain}`), forwarded without a seal");
    None
}

/// Our `Authentication-Results:` value (authserv-id first), on one line with runs of white
/// space made one space, as relaxed canonicalization sees it (the seal signs it that way).
fn own_results(msg: &AuthenticatedMessage<'_>, authserv_id: &str) -> String {
    let ours = msg.headers.iter().find_map(|(name, value)| {
        if !name.eq_ignore_ascii_case(b"Authentication-Results") {
            return None;
        }
        let v = String::from_utf8_lossy(value);
        let id = v.split(';').next()?.trim();
        id.eq_ignore_ascii_case(authserv_id).then(|| v.into_owned())
    });
    let text = ours.unwrap_or_else(|| format!("{authserv_id}; none"));
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// The ARC chain the message carries, with the verdict our inbound checks reached on it.
fn chain_so_far<'x>(msg: &'x AuthenticatedMessage<'x>, results: &str) -> ArcOutput<'x> {
    if msg.as_headers.is_empty() {
        return ArcOutput::default();
    }
    let passed = results
        .split(';')
        .any(|r| r.trim().to_ascii_lowercase().starts_with("arc=pass"));
    let same_length = msg.as_headers.len() == msg.ams_headers.len()
        && msg.as_headers.len() == msg.aar_headers.len();
    let mut out =
        ArcOutput::default().with_result(if passed && same_length && !msg.has_arc_errors {
            DkimResult::Pass
        } else {
            DkimResult::Fail(Error::Arc(ArcError::BrokenChain))
        });
    for ((seal, sig), res) in msg
        .as_headers
        .iter()
        .zip(&msg.ams_headers)
        .zip(&msg.aar_headers)
    {
        out = out.with_set(Set {
            signature: Header::new(sig.name, sig.value, &sig.header),
            seal: Header::new(seal.name, seal.value, &seal.header),
            results: Header::new(res.name, res.value, &res.header),
        });
    }
    out
}

fn seal_with(
    pem: &str,
    domain: &str,
    selector: &str,
    msg: &AuthenticatedMessage<'_>,
    results: &AuthenticationResults<'_>,
    chain: &ArcOutput<'_>,
) -> Result<String, String> {
    let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| format!("unreadable key: {e:?}"))?;
    if let PrivateKeyDer::Pkcs8(p8) = &der
        && let Ok(key) = Ed25519Key::from_pkcs8_maybe_unchecked_der(p8.secret_pkcs8_der())
    {
        return sealer(key, domain, selector, msg, results, chain);
    }
    let key = RsaKey::<Sha256>::from_key_der(der.clone_key()).map_err(|e| e.to_string())?;
    sealer(key, domain, selector, msg, results, chain)
}

fn sealer<T: SigningKey<Hasher = Sha256>>(
    key: T,
    domain: &str,
    selector: &str,
    msg: &AuthenticatedMessage<'_>,
    results: &AuthenticationResults<'_>,
    chain: &ArcOutput<'_>,
) -> Result<String, String> {
    let s: ArcSealer<T, Done> = ArcSealer::from_key(key)
        .domain(domain)
        .selector(selector)
        .headers(SEALED_HEADERS.iter().copied())
        .header_canonicalization(Canonicalization::Relaxed)
        .body_canonicalization(Canonicalization::Relaxed);
    let set = s.seal(msg, results, chain).map_err(|e| e.to_string())?;
    Ok(set.to_header())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &[u8] = b"Authentication-Results: other.test; dkim=fail\r\nAuthentication-Results: mx.fwd.test;\r\n\tspf=pass smtp.mailfrom=a@s.test;\r\n\tdkim=pass header.d=s.test\r\nFrom: a@s.test\r\nTo: b@fwd.test\r\nSubject: hi\r\n\r\nbody\r\n";

    #[test]
    fn carries_our_results_unfolded() {
        let msg = AuthenticatedMessage::parse(MSG).unwrap();
        assert_eq!(
            own_results(&msg, "MX.fwd.test"),
            "mx.fwd.test; spf=pass smtp.mailfrom=a@s.test; dkim=pass header.d=s.test"
        );
        assert_eq!(own_results(&msg, "elsewhere.test"), "elsewhere.test; none");
    }

    #[test]
    fn seals_with_the_domains_key() {
        let dir = tempfile::tempdir().unwrap();
        let pkcs8 = Ed25519Key::generate_pkcs8().unwrap();
        let b64 = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(&pkcs8)
        };
        std::fs::write(
            dir.path().join("fwd.test.mail.key"),
            format!("-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----\n"),
        )
        .unwrap();
        let d = crate::core::Domain::parse("fwd.test").unwrap();
        let h = seal(dir.path(), &d, "mx.fwd.test", MSG).unwrap();
        assert!(h.starts_with("ARC-Seal: i=1;"), "{h}");
        assert!(
            h.contains("cv=none") && h.contains("d=fwd.test") && h.contains("s=mail"),
            "{h}"
        );
        assert!(
            h.contains("ARC-Authentication-Results: i=1; mx.fwd.test; spf=pass smtp.mailfrom=a@s.test; dkim=pass"),
            "{h}"
        );
        assert!(
            seal(
                dir.path(),
                &crate::core::Domain::parse("nokey.test").unwrap(),
                "mx",
                MSG
            )
            .is_none()
        );
    }
}
