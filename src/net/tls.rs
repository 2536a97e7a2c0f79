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
