//! Certificates made the way an administrator gets them (openssl, PEM files), for tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A self-signed certificate and key for `host` in `dir/<stem>.crt` and `dir/<stem>.key`.
pub fn make(dir: &Path, stem: &str, host: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (
        dir.join(format!("{stem}.crt")),
        dir.join(format!("{stem}.key")),
    );
    make_at(&cert, &key, host);
    (cert, key)
}

/// A self-signed certificate for `host` at `cert` and its key at `key`, as `openssl req
/// -x509` makes it by default (basicConstraints critical, CA:TRUE).
pub fn make_at(cert: &Path, key: &Path, host: &str) {
    let o = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "30", "-subj", &format!("/CN={host}")])
        .args(["-addext", &format!("subjectAltName=DNS:{host}")])
        .arg("-keyout")
        .arg(key)
        .arg("-out")
        .arg(cert)
        .output()
        .expect("run openssl");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
