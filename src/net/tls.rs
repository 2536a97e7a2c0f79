//! TLS server configuration from PEM files, with the ring provider chosen explicitly (no
//! process-wide default provider is installed; see CRATES.md pitfall 3). [`TlsStore`] holds
//! the current config and swaps it on reload (SIGHUP); connections already running keep the
//! config they started with.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::NetError;

pub fn load(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, NetError> {
    let c = std::fs::read(cert)
        .map_err(|e| NetError::Tls(format!("cannot read certificate {}: {e}", cert.display())))?;
    let k = std::fs::read(key)
        .map_err(|e| NetError::Tls(format!("cannot read private key {}: {e}", key.display())))?;
    load_pem(&c, &k, cert, key)
}

/// The server config from PEM bytes already read (by root, before the drop, or by the
/// privileged reader on reload); the paths only name the files in errors.
pub fn load_pem(
    cert_pem: &[u8],
    key_pem: &[u8],
    cert: &Path,
    key: &Path,
) -> Result<Arc<ServerConfig>, NetError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| NetError::Tls(format!("certificate {}: {e}", cert.display())))?;
    if certs.is_empty() {
        return Err(NetError::Tls(format!(
            "{} holds no PEM certificate",
            cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|e| NetError::Tls(format!("cannot read private key {}: {e}", key.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| NetError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| NetError::Tls(format!("certificate and key do not go together: {e}")))?;
    Ok(Arc::new(cfg))
}

/// What `setup --tls` and `config set tls.*` learn from a certificate they accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// DNS names (subjectAltName; the CN only when there is none).
    pub names: Vec<String>,
    /// Unix seconds.
    pub not_after: i64,
}

/// Checks a certificate chain (PEM) on its own: it parses, is valid now, and names
/// `hostname` (wildcards match one label). `hostname` empty skips the name check.
pub fn inspect_cert(cert_pem: &[u8], hostname: &str) -> Result<CertInfo, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("not a PEM certificate chain: {e:?}"))?;
    let leaf = certs.first().ok_or("holds no certificate")?;
    let (_, x509) = x509_parser::parse_x509_certificate(leaf.as_ref())
        .map_err(|e| format!("the certificate does not parse: {e}"))?;
    let mut names: Vec<String> = x509
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .filter_map(|g| match g {
                    x509_parser::extensions::GeneralName::DNSName(d) => {
                        Some(d.to_ascii_lowercase())
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        names.extend(
            x509.subject()
                .iter_common_name()
                .filter_map(|cn| cn.as_str().ok())
                .map(str::to_ascii_lowercase),
        );
    }
    let now = chrono::Utc::now().timestamp();
    let validity = x509.validity();
    let not_after = validity.not_after.timestamp();
    let day = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    if not_after < now {
        return Err(format!("the certificate expired on {}", day(not_after)));
    }
    if validity.not_before.timestamp() > now {
        return Err(format!(
            "the certificate is not valid before {}",
            day(validity.not_before.timestamp())
        ));
    }
    let host = hostname.trim_end_matches('.').to_ascii_lowercase();
    if !host.is_empty() && !names.iter().any(|n| name_matches(n, &host)) {
        return Err(format!(
            "the certificate is for {}, not for this server's host name {host}",
            if names.is_empty() {
                "no host name".to_string()
            } else {
                names.join(", ")
            }
        ));
    }
    Ok(CertInfo { names, not_after })
}

/// RFC 6125 §6.4.3: `*.example.org` matches `mx.example.org`, not `a.b.example.org` or
/// `example.org`.
fn name_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(rest) => host
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
        None => pattern == host,
    }
}

/// Checks a certificate and key pair: the certificate as [`inspect_cert`] does, the key
/// parses, and it is the key of that certificate.
pub fn inspect_pair(cert_pem: &[u8], key_pem: &[u8], hostname: &str) -> Result<CertInfo, String> {
    let info = inspect_cert(cert_pem, hostname)?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("not a PEM certificate chain: {e:?}"))?;
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|e| format!("not a PEM private key: {e:?}"))?;
    let signing = rustls::crypto::ring::sign::any_supported_type(&key)
        .map_err(|e| format!("unsupported private key: {e}"))?;
    rustls::sign::CertifiedKey::new(certs, signing)
        .keys_match()
        .map_err(|_| "the private key does not belong to the certificate".to_string())?;
    Ok(info)
}

/// Writes a self-signed certificate and key for `names` (0600 key). For `serve --dev` and
/// `setup --tls self-signed`.
pub fn write_self_signed(names: &[String], cert: &Path, key: &Path) -> Result<(), NetError> {
    // rcgen's defaults are valid from 1975 to 4096 with a CN of "rcgen self signed cert";
    // a certificate a person inspects should name its host and expire like a real one.
    let tls = |e: rcgen::Error| NetError::Tls(e.to_string());
    let mut params = rcgen::CertificateParams::new(names.to_vec()).map_err(tls)?;
    let now = std::time::SystemTime::now();
    params.not_before = (now - std::time::Duration::from_secs(86400)).into();
    params.not_after = (now + std::time::Duration::from_secs(825 * 86400)).into();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(
        rcgen::DnType::CommonName,
        names.first().cloned().unwrap_or_else(|| "localhost".into()),
    );
    dn.push(rcgen::DnType::OrganizationName, "mailctl self-signed");
    params.distinguished_name = dn;
    let signing_key = rcgen::KeyPair::generate().map_err(tls)?;
    let ck = rcgen::CertifiedKey {
        cert: params.self_signed(&signing_key).map_err(tls)?,
        signing_key,
    };
    if let Some(dir) = cert.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| NetError::Tls(format!("{}: {e}", dir.display())))?;
    }
    let write = |p: &Path, data: String, mode: u32| -> Result<(), NetError> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(p)
            .map_err(|e| NetError::Tls(format!("{}: {e}", p.display())))?;
        f.write_all(data.as_bytes())
            .map_err(|e| NetError::Tls(format!("{}: {e}", p.display())))
    };
    write(key, ck.signing_key.serialize_pem(), 0o600)?;
    write(cert, ck.cert.pem(), 0o644)
}

/// The live TLS config, swappable at run time.
pub struct TlsStore {
    cert: PathBuf,
    key: PathBuf,
    current: RwLock<Option<Arc<ServerConfig>>>,
}

impl TlsStore {
    /// Loads the files if they exist; a missing pair means "no TLS" (STARTTLS not offered).
    pub fn open(cert: PathBuf, key: PathBuf) -> Result<Arc<TlsStore>, NetError> {
        let current = if cert.exists() || key.exists() {
            Some(load(&cert, &key)?)
        } else {
            None
        };
        Ok(Arc::new(TlsStore {
            cert,
            key,
            current: RwLock::new(current),
        }))
    }

    pub fn get(&self) -> Option<Arc<ServerConfig>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Re-reads the files; on error the old config stays and the error is returned.
    pub fn reload(&self) -> Result<(), NetError> {
        let cfg = load(&self.cert, &self.key)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(cfg);
        Ok(())
    }

    /// Re-reads the certificate through `read` (which returns the PEM bytes of the cert and
    /// the key), for a daemon that can no longer open root-only files itself.
    pub fn reload_with(
        &self,
        read: impl FnOnce() -> Result<(Vec<u8>, Vec<u8>), NetError>,
    ) -> Result<(), NetError> {
        let (c, k) = read()?;
        let cfg = load_pem(&c, &k, &self.cert, &self.key)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(cfg);
        Ok(())
    }

    pub fn paths(&self) -> (&Path, &Path) {
        (&self.cert, &self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_names_and_wildcards_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
        write_self_signed(
            &["mx.example.test".into(), "*.w.example.test".into()],
            &c,
            &k,
        )
        .unwrap();
        let (c2, k2) = (dir.path().join("c2.pem"), dir.path().join("k2.pem"));
        write_self_signed(&["mx.example.test".into()], &c2, &k2).unwrap();
        let rd = |p: &Path| std::fs::read(p).unwrap();
        let info = inspect_pair(&rd(&c), &rd(&k), "MX.example.test.").unwrap();
        assert!(info.names.contains(&"mx.example.test".to_string()));
        assert!(inspect_pair(&rd(&c), &rd(&k), "a.w.example.test").is_ok());
        assert!(inspect_pair(&rd(&c), &rd(&k), "a.b.w.example.test").is_err());
        let e = inspect_pair(&rd(&c), &rd(&k), "other.example.test").unwrap_err();
        assert!(
            e.contains("not for this server's host name other.example.test"),
            "{e}"
        );
        let e = inspect_pair(&rd(&c), &rd(&k2), "mx.example.test").unwrap_err();
        assert!(e.contains("does not belong"), "{e}");
        assert!(inspect_pair(b"junk", &rd(&k), "").is_err());
        // An expired certificate is refused with its date.
        let mut params = rcgen::CertificateParams::new(vec!["mx.example.test".into()]).unwrap();
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        let kp = rcgen::KeyPair::generate().unwrap();
        let old = params.self_signed(&kp).unwrap();
        let e = inspect_pair(
            old.pem().as_bytes(),
            kp.serialize_pem().as_bytes(),
            "mx.example.test",
        )
        .unwrap_err();
        assert!(e.contains("expired on 2021-01-01"), "{e}");
    }

    #[test]
    fn self_signed_loads_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = (
            dir.path().join("tls/cert.pem"),
            dir.path().join("tls/key.pem"),
        );
        let none = TlsStore::open(c.clone(), k.clone()).unwrap();
        assert!(none.get().is_none());
        write_self_signed(&["mx.example.test".into()], &c, &k).unwrap();
        let store = TlsStore::open(c.clone(), k.clone()).unwrap();
        assert!(store.get().is_some());
        std::fs::write(&c, "garbage").unwrap();
        assert!(store.reload().is_err());
        assert!(
            store.get().is_some(),
            "a failed reload keeps the old config"
        );
    }
}
