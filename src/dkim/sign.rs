//! DKIM signing of outbound mail from our own domains (RFC 6376, relaxed/relaxed), with the
//! keys `mailctl dkim generate` stores as `<data-dir>/dkim/<domain>.<selector>.key` (PEM,
//! PKCS#8 Ed25519 or RSA, or PKCS#1 RSA). The signing domain is the From header's, so the
//! signature aligns for DMARC.

use std::path::Path;

use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::{Canonicalization, DkimSigner, NeedDomain};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;

/// The header fields signed, as common MTAs do (RFC 6376 §5.4.1's recommendation).
const SIGNED_HEADERS: &[&str] = &[
    "From",
    "Reply-To",
    "Subject",
    "Date",
    "To",
    "Cc",
    "Message-ID",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "List-Unsubscribe",
];

/// The domain of the first From address, lowercased.
pub fn from_domain(message: &[u8]) -> Option<String> {
    let parsed = mail_parser::MessageParser::default().parse_headers(message)?;
    let from = parsed.from()?.first()?.address()?;
    from.rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase())
}

/// The `DKIM-Signature:` header lines (each with CRLF) for `message`: one per key held for
/// its From domain, so an Ed25519 and an RSA key sign together as RFC 8463 suggests.
/// Errors are logged and the message goes unsigned rather than undelivered.
pub fn signature_for(dkim_dir: &Path, message: &[u8]) -> Option<String> {
    let from = from_domain(message)?;
    let domain = crate::core::Domain::parse(&from).ok()?;
    let mut headers = String::new();
    // Each key on its own: one unreadable key must not leave the message unsigned.
    for key in super::key::keys_each(dkim_dir, &domain) {
        let key = match key {
            Ok(k) => k,
            Err(e) => {
                tracing::warn!(%domain, "DKIM key unreadable, not signing with it: {e}");
                continue;
            }
        };
        let pem = match std::fs::read_to_string(&key.path) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(%domain, selector = %key.selector, "DKIM key unreadable: {e}");
                continue;
            }
        };
        match sign(&pem, domain.as_str(), &key.selector, message) {
            Ok(h) => headers.push_str(&h),
            Err(e) => tracing::warn!(%domain, selector = %key.selector, "DKIM signing failed: {e}"),
        }
    }
    (!headers.is_empty()).then_some(headers)
}

pub fn sign(pem: &str, domain: &str, selector: &str, message: &[u8]) -> Result<String, String> {
    let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| format!("unreadable key: {e:?}"))?;
    let header = match &der {
        PrivateKeyDer::Pkcs8(p8) => {
            match Ed25519Key::from_pkcs8_maybe_unchecked_der(p8.secret_pkcs8_der()) {
                Ok(key) => signer_sign(DkimSigner::from_key(key), domain, selector, message)?,
                Err(_) => {
                    let key = RsaKey::<Sha256>::from_key_der(der.clone_key())
                        .map_err(|e| e.to_string())?;
                    signer_sign(DkimSigner::from_key(key), domain, selector, message)?
                }
            }
        }
        _ => {
            let key = RsaKey::<Sha256>::from_key_der(der.clone_key()).map_err(|e| e.to_string())?;
            signer_sign(DkimSigner::from_key(key), domain, selector, message)?
        }
    };
    Ok(header)
}

fn signer_sign<T: mail_auth::common::crypto::SigningKey>(
    signer: DkimSigner<T, NeedDomain>,
    domain: &str,
    selector: &str,
    message: &[u8],
) -> Result<String, String> {
    let sig = signer
        .domain(domain)
        .selector(selector)
        .headers(SIGNED_HEADERS.iter().copied())
        .header_canonicalization(Canonicalization::Relaxed)
        .body_canonicalization(Canonicalization::Relaxed)
        .sign(message)
        .map_err(|e| e.to_string())?;
    Ok(sig.to_header())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_with_an_ed25519_key_from_the_dkim_dir() {
        let dir = tempfile::tempdir().unwrap();
        let pkcs8 = Ed25519Key::generate_pkcs8().unwrap();
        let b64 = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(&pkcs8)
        };
        std::fs::write(
            dir.path().join("a.test.mail.key"),
            format!("-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----\n"),
        )
        .unwrap();
        let msg = b"From: Alice <alice@A.test>\r\nTo: b@b.test\r\nSubject: hi\r\n\r\nbody\r\n";
        let h = signature_for(dir.path(), msg).unwrap();
        assert!(h.starts_with("DKIM-Signature:"), "{h}");
        assert!(
            h.contains("d=a.test") && h.contains("s=mail") && h.contains("a=ed25519-sha256"),
            "{h}"
        );
        assert!(signature_for(dir.path(), b"From: x@other.test\r\n\r\nb\r\n").is_none());
    }
}
