//! Certificates for setup: a self-signed one made now, or existing PEM files checked before
//! they are configured (so a typo is caught here, not at the daemon's first handshake).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::core::DataDir;
use crate::net::tls::CertInfo;

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

/// Checks a certificate and key before they are configured: both readable, the key belongs
/// to the certificate, the certificate is valid now and names `hostname` (issue 16.2).
pub fn check_pair(cert: &Path, key: &Path, hostname: &str) -> Result<CertInfo, String> {
    let c = read_cert(cert)?;
    let k = std::fs::read(key).map_err(|e| format!("cannot read key {}: {e}", key.display()))?;
    crate::net::tls::inspect_pair(&c, &k, hostname)
        .map_err(|e| format!("{} and {}: {e}", cert.display(), key.display()))
}

/// Checks a certificate file on its own (the wizard, as the path is typed).
pub fn check_cert(cert: &Path, hostname: &str) -> Result<CertInfo, String> {
    crate::net::tls::inspect_cert(&read_cert(cert)?, hostname)
        .map_err(|e| format!("{}: {e}", cert.display()))
}

fn read_cert(cert: &Path) -> Result<Vec<u8>, String> {
    if !cert.is_absolute() {
        return Err(format!("{}: give an absolute path", cert.display()));
    }
    std::fs::read(cert).map_err(|e| format!("cannot read certificate {}: {e}", cert.display()))
}
