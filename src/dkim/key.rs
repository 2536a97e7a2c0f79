//! DKIM keys (RFC 6376, RFC 8463): generating them, storing them where outbound signing
//! finds them (`<data-dir>/dkim/<domain>.<selector>.key`, PKCS#8 PEM, 0600), and the TXT
//! record that publishes each one.
//!
//! Ed25519 keys are generated with ring. ring cannot generate RSA keys, so RSA generation
//! runs `openssl genpkey` (present on virtually every server); an existing RSA or Ed25519
//! key can also be imported. Signing lives in `dkim::sign`.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use base64::Engine;
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;

use crate::core::{DataDir, Domain};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    Ed25519,
    Rsa,
}

#[derive(Debug, thiserror::Error)]
pub enum DkimError {
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Key(String),
    #[error("{0}")]
    Exists(String),
}

/// A stored key and what to publish for it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DkimKey {
    pub domain: String,
    pub selector: String,
    pub algorithm: Algorithm,
    pub path: PathBuf,
    /// Base64 of the public key as DKIM's `p=` wants it.
    pub public_key: String,
}

impl DkimKey {
    /// `<selector>._domainkey.<domain>`
    pub fn record_name(&self) -> String {
        format!("{}._domainkey.{}", self.selector, self.domain)
    }

    /// The TXT value: `v=DKIM1; k=ed25519; p=...`
    pub fn record_value(&self) -> String {
        let k = match self.algorithm {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::Rsa => "rsa",
        };
        format!("v=DKIM1; k={k}; p={}", self.public_key)
    }
}

/// Whether a selector is a safe DNS label and file name part.
pub fn valid_selector(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn key_path(dir: &Path, domain: &Domain, selector: &str) -> PathBuf {
    dir.join(format!("{domain}.{selector}.key"))
}

/// Generates a key for `domain` under `selector` and stores it in the data directory's
/// `dkim/`, owned by the service account.
pub fn generate(
    data_dir: &DataDir,
    domain: &Domain,
    selector: &str,
    alg: Algorithm,
    force: bool,
) -> Result<DkimKey, DkimError> {
    if !valid_selector(selector) {
        return Err(DkimError::Key(format!(
            "'{selector}' is not a valid selector (letters, digits, hyphens)"
        )));
    }
    let path = key_path(&data_dir.dkim(), domain, selector);
    if path.exists() && !force {
        return Err(DkimError::Exists(format!(
            "{} already exists; pass --force to replace it (and republish the record), or choose another --selector",
            path.display()
        )));
    }
    let pem = match alg {
        Algorithm::Ed25519 => {
            let der = mail_auth::common::crypto::Ed25519Key::generate_pkcs8()
                .map_err(|e| DkimError::Key(e.to_string()))?;
            pem_wrap("PRIVATE KEY", &der)
        }
        Algorithm::Rsa => {
            let out = std::process::Command::new("openssl")
                .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
                .output()
                .map_err(|e| DkimError::Key(format!("RSA keys are made with openssl, which could not run ({e}); install openssl or use --algorithm ed25519")))?;
            if !out.status.success() {
                return Err(DkimError::Key(format!(
                    "openssl genpkey failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
    };
    store(data_dir, domain, selector, &pem)
}

/// Stores an existing PEM private key (PKCS#8 Ed25519 or RSA, or PKCS#1 RSA) in `dkim/`:
/// directory 0700 and key 0600, both the service account's, since the daemon signs with it.
pub fn store(
    data_dir: &DataDir,
    domain: &Domain,
    selector: &str,
    pem: &str,
) -> Result<DkimKey, DkimError> {
    let dir = data_dir.dkim();
    let key = describe(domain, selector, pem, key_path(&dir, domain, selector))?;
    let io = |p: &Path, e: std::io::Error| DkimError::Io(format!("{}: {e}", p.display()));
    data_dir.create_dir(&dir, 0o700).map_err(|e| io(&dir, e))?;
    let tmp = key.path.with_extension("tmp");
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(pem.as_bytes())?;
        f.sync_all()?;
        data_dir.hand_over(&[&tmp])?;
        std::fs::rename(&tmp, &key.path)
    };
    write().map_err(|e| io(&key.path, e))?;
    Ok(key)
}

/// Every key held for `domain`, by selector.
pub fn keys(dir: &Path, domain: &Domain) -> Result<Vec<DkimKey>, DkimError> {
    keys_each(dir, domain).into_iter().collect()
}

/// Every key file held for `domain`, each read on its own: one unreadable key must not
/// keep the others from signing.
pub fn keys_each(dir: &Path, domain: &Domain) -> Vec<Result<DkimKey, DkimError>> {
    let prefix = format!("{domain}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(&prefix) && n.ends_with(".key"))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for n in names {
        let selector = &n[prefix.len()..n.len() - 4];
        if !valid_selector(selector) {
            continue;
        }
        let path = dir.join(&n);
        out.push(
            std::fs::read_to_string(&path)
                .map_err(|e| DkimError::Io(format!("{}: {e}", path.display())))
                .and_then(|pem| describe(domain, selector, &pem, path)),
        );
    }
    out
}

fn pem_wrap(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

/// Reads a private key and derives its public half in DKIM's form.
fn describe(
    domain: &Domain,
    selector: &str,
    pem: &str,
    path: PathBuf,
) -> Result<DkimKey, DkimError> {
    let bad = |why: String| DkimError::Key(format!("{}: {why}", path.display()));
    let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| bad(format!("not a PEM private key ({e:?})")))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let (algorithm, public_key) = match &der {
        PrivateKeyDer::Pkcs8(p8) => {
            if let Ok(k) =
                ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(p8.secret_pkcs8_der())
            {
                use ring::signature::KeyPair;
                (Algorithm::Ed25519, b64.encode(k.public_key().as_ref()))
            } else {
                let k = ring::rsa::KeyPair::from_pkcs8(p8.secret_pkcs8_der())
                    .map_err(|e| bad(format!("neither Ed25519 nor RSA: {e}")))?;
                (
                    Algorithm::Rsa,
                    b64.encode(spki_rsa(ring::signature::KeyPair::public_key(&k).as_ref())),
                )
            }
        }
        PrivateKeyDer::Pkcs1(p1) => {
            let k = ring::rsa::KeyPair::from_der(p1.secret_pkcs1_der())
                .map_err(|e| bad(format!("bad RSA key: {e}")))?;
            (
                Algorithm::Rsa,
                b64.encode(spki_rsa(ring::signature::KeyPair::public_key(&k).as_ref())),
            )
        }
        _ => {
            return Err(bad(
                "only PKCS#8 (Ed25519, RSA) and PKCS#1 (RSA) keys are supported".into(),
            ));
        }
    };
    Ok(DkimKey {
        domain: domain.to_string(),
        selector: selector.to_string(),
        algorithm,
        path,
        public_key,
    })
}

/// Wraps a PKCS#1 RSAPublicKey in a SubjectPublicKeyInfo, which DKIM's `p=` holds for RSA.
fn spki_rsa(rsa_public_key: &[u8]) -> Vec<u8> {
    fn der_len(n: usize) -> Vec<u8> {
        if n < 0x80 {
            vec![n as u8]
        } else {
            let bytes: Vec<u8> = n
                .to_be_bytes()
                .iter()
                .copied()
                .skip_while(|&b| b == 0)
                .collect();
            let mut v = vec![0x80 | bytes.len() as u8];
            v.extend(bytes);
            v
        }
    }
    // AlgorithmIdentifier: rsaEncryption (1.2.840.113549.1.1.1), NULL parameters.
    let alg: [u8; 15] = [
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let mut bit_string = vec![0x03];
    bit_string.extend(der_len(rsa_public_key.len() + 1));
    bit_string.push(0);
    bit_string.extend_from_slice(rsa_public_key);
    let mut out = vec![0x30];
    out.extend(der_len(alg.len() + bit_string.len()));
    out.extend_from_slice(&alg);
    out.extend(bit_string);
    out
}

/// Splits a TXT value into quoted strings of at most 255 octets (RFC 1035 §3.3.14).
pub fn split_txt(value: &str) -> Vec<String> {
    value
        .as_bytes()
        .chunks(255)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

/// The record in BIND zone-file form, long values split.
pub fn zone_line(name: &str, value: &str) -> String {
    let parts: Vec<String> = split_txt(value)
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect();
    // Several strings on one line (RFC 1035 §5.1): the form every zone parser and DNS
    // provider form accepts; resolvers hand them back concatenated.
    format!("{name}. IN TXT {}", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn ed25519_generate_show_and_refuse_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        let d = Domain::parse("example.org").unwrap();
        let k = generate(&dd, &d, "mail", Algorithm::Ed25519, false).unwrap();
        assert_eq!(k.record_name(), "mail._domainkey.example.org");
        assert!(k.record_value().starts_with("v=DKIM1; k=ed25519; p="));
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(&k.public_key)
                .unwrap()
                .len(),
            32
        );
        let mode = std::fs::metadata(&k.path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(matches!(
            generate(&dd, &d, "mail", Algorithm::Ed25519, false),
            Err(DkimError::Exists(_))
        ));
        let listed = keys(&dd.dkim(), &d).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].public_key, k.public_key);
        assert!(generate(&dd, &d, "../x", Algorithm::Ed25519, false).is_err());
    }

    #[test]
    fn rsa_keys_publish_a_subject_public_key_info() {
        if std::process::Command::new("openssl")
            .arg("version")
            .output()
            .is_err()
        {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let d = Domain::parse("example.org").unwrap();
        let k = generate(&DataDir::new(dir.path()), &d, "rsa1", Algorithm::Rsa, false).unwrap();
        assert_eq!(k.algorithm, Algorithm::Rsa);
        // Cross-check the SPKI with openssl's own encoding of the public key.
        let o = std::process::Command::new("openssl")
            .args(["pkey", "-pubout", "-outform", "DER", "-in"])
            .arg(&k.path)
            .output()
            .unwrap();
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(o.stdout),
            k.public_key
        );
        let lines = zone_line(&k.record_name(), &k.record_value());
        assert!(
            lines.contains("IN TXT \"v=DKIM1; k=rsa; p=") && lines.contains("\" \""),
            "{lines}"
        );
        assert!(split_txt(&k.record_value()).iter().all(|p| p.len() <= 255));
    }
}
