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

/// A test CA and a leaf certificate for `host` signed by it, in `dir`: `(ca.crt, leaf.crt,
/// leaf.key)`. For clients that verify (rustls refuses a self-signed CA certificate used as
/// the server's own, `CaUsedAsEndEntity`).
pub fn make_ca_and_leaf(dir: &Path, host: &str) -> (PathBuf, PathBuf, PathBuf) {
    let (ca, ca_key) = (dir.join("ca.crt"), dir.join("ca.key"));
    make_at(&ca, &ca_key, "mailctl test CA");
    let (csr, cert, key, ext) = (
        dir.join("leaf.csr"),
        dir.join("leaf.crt"),
        dir.join("leaf.key"),
        dir.join("leaf.ext"),
    );
    std::fs::write(
        &ext,
        format!("subjectAltName=DNS:{host}\nbasicConstraints=CA:FALSE\n"),
    )
    .unwrap();
    let openssl = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("run openssl");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    openssl(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        &format!("/CN={host}"),
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        "leaf.ext",
        "-out",
        "leaf.crt",
    ]);
    let _ = std::fs::remove_file(csr);
    (ca, cert, key)
}
