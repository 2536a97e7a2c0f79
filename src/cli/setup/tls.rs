//! Certificates for setup: a self-signed one made now, or existing PEM files checked before
//! they are configured (so a typo is caught here, not at the daemon's first handshake).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use rustls_pki_types::pem::PemObject;

use crate::core::DataDir;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Writes a self-signed certificate for `names` to `tls/cert.pem` and `tls/key.pem` (key
/// 0600, directory 0700, all the service account's so SIGHUP can re-read them), with the
/// same generator `serve --dev` uses.
pub fn write_self_signed(
    data_dir: &DataDir,
    names: &[String],
) -> anyhow::Result<(PathBuf, PathBuf)> {
    let dir = data_dir.tls();
    data_dir.create_dir(&dir, 0o700)?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    crate::net::tls::write_self_signed(names, &cert, &key)?;
    data_dir.hand_over(&[&dir, &cert, &key])?;
    Ok((cert, key))
}

/// Checks that `cert` holds at least one certificate and `key` a private key.
pub fn check_pair(cert: &Path, key: &Path) -> Result<(), String> {
    let c = std::fs::read(cert)
        .map_err(|e| format!("cannot read certificate {}: {e}", cert.display()))?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&c)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{} is not a PEM certificate chain: {e:?}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no certificate", cert.display()));
    }
    let k = std::fs::read(key).map_err(|e| format!("cannot read key {}: {e}", key.display()))?;
    PrivateKeyDer::from_pem_slice(&k)
        .map_err(|e| format!("{} is not a PEM private key: {e:?}", key.display()))?;
    Ok(())
}
