//! What is on disk: the certificate in use (its issuer, names, serial, notAfter), whether it
//! is due for an order, and the last order's result (`status.json`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Config;

/// The leaf certificate in use, as `tls status` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CertSummary {
    pub issuer: String,
    pub names: Vec<String>,
    /// Lower-case hex.
    pub serial: String,
    /// Unix seconds.
    pub not_after: i64,
}

/// The last order, kept in `<data-dir>/acme/status.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LastResult {
    /// Unix seconds.
    pub at: i64,
    pub ok: bool,
    /// The serial issued, or why the order failed.
    pub message: String,
    /// The serial of the last certificate issued here (kept across failures), so a
    /// certificate put in place by hand is known as "not from ACME".
    #[serde(default)]
    pub issued_serial: String,
}

/// The leaf of a PEM chain file.
pub fn summary(cert: &Path) -> Result<CertSummary, String> {
    let pem = std::fs::read(cert).map_err(|e| format!("{}: {e}", cert.display()))?;
    summary_pem(&pem)
}

pub(super) fn summary_pem(pem: &[u8]) -> Result<CertSummary, String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let leaf = CertificateDer::pem_slice_iter(pem)
        .next()
        .ok_or("holds no certificate")?
        .map_err(|e| format!("not a PEM certificate: {e:?}"))?;
    let (_, x) = x509_parser::parse_x509_certificate(leaf.as_ref())
        .map_err(|e| format!("the certificate does not parse: {e}"))?;
    let names = x
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
    Ok(CertSummary {
        issuer: x.issuer().to_string(),
        names,
        serial: x.raw_serial_as_string().replace(':', ""),
        not_after: x.validity().not_after.timestamp(),
    })
}

/// Why an order is needed now, or `None` when the certificate in place is good.
pub fn due(cfg: &Config) -> Option<String> {
    let cert = match summary(&cfg.cert) {
        Ok(c) => c,
        Err(e) => return Some(format!("no usable certificate: {e}")),
    };
    let issued = last_result(&cfg.state_dir).map(|r| r.issued_serial);
    if issued.as_deref() != Some(cert.serial.as_str()) {
        return Some("the certificate in place was not issued by ACME here".into());
    }
    if let Some(n) = cfg.names.iter().find(|n| !cert.names.contains(n)) {
        return Some(format!("the certificate does not name {n}"));
    }
    let left = (cert.not_after - chrono::Utc::now().timestamp()) / 86400;
    (left < super::RENEW_BEFORE_DAYS).then(|| format!("it expires in {left} days"))
}

pub fn last_result(state_dir: &Path) -> Option<LastResult> {
    let raw = std::fs::read(state_dir.join("status.json")).ok()?;
    serde_json::from_slice(&raw).ok()
}

/// Records an order's outcome (best effort: a failure to record never fails the order).
pub(super) fn record(state_dir: &Path, ok: bool, message: &str, serial: Option<&str>) {
    let issued_serial = match serial {
        Some(s) => s.to_string(),
        None => last_result(state_dir)
            .map(|r| r.issued_serial)
            .unwrap_or_default(),
    };
    let r = LastResult {
        at: chrono::Utc::now().timestamp(),
        ok,
        message: message.to_string(),
        issued_serial,
    };
    if let Ok(json) = serde_json::to_vec_pretty(&r) {
        let _ = write_atomic(&state_dir.join("status.json"), &json, 0o644);
    }
}

/// Writes `path` through a temporary file in the same directory and a rename, so a reader
/// (a reload, a crash) sees the old file or the new one, never half of one.
pub(super) fn write_atomic(path: &Path, data: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{}.tmp", name.unwrap_or_default()));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&tmp)?;
    f.write_all(data)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(dir: &Path) -> Config {
        Config {
            directory: String::new(),
            email: String::new(),
            ca: None,
            names: vec!["mx.example.test".into()],
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
            state_dir: dir.join("acme"),
        }
    }

    #[test]
    fn due_when_missing_foreign_or_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        assert!(due(&c).unwrap().contains("no usable certificate"));
        crate::net::tls::write_self_signed(&["mx.example.test".into()], &c.cert, &c.key).unwrap();
        assert!(due(&c).unwrap().contains("not issued by ACME"));
        let s = summary(&c.cert).unwrap();
        record(&c.state_dir, true, "issued", Some(&s.serial));
        // 825 days left, issued here, names match: nothing to do.
        assert_eq!(due(&c), None);
        // A failure later keeps the serial issued before.
        record(&c.state_dir, false, "boom", None);
        assert_eq!(due(&c), None);
        let mut other = c.clone();
        other.names.push("imap.example.test".into());
        assert!(due(&other).unwrap().contains("imap.example.test"));
    }

    #[test]
    fn due_a_month_before_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        let days = |d: u64| std::time::Duration::from_secs(d * 86400);
        for (left, due_now) in [(10, true), (45, false)] {
            let mut p = rcgen::CertificateParams::new(vec!["mx.example.test".into()]).unwrap();
            let now = std::time::SystemTime::now();
            p.not_before = (now - days(60)).into();
            p.not_after = (now + days(left)).into();
            let kp = rcgen::KeyPair::generate().unwrap();
            std::fs::write(&c.cert, p.self_signed(&kp).unwrap().pem()).unwrap();
            let s = summary(&c.cert).unwrap();
            record(&c.state_dir, true, "issued", Some(&s.serial));
            let why = due(&c);
            assert_eq!(why.is_some(), due_now, "{left} days left: {why:?}");
            if due_now {
                assert!(why.unwrap().contains("expires in"));
            }
        }
    }
}
