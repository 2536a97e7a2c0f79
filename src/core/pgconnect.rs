//! Connecting to the PostgreSQL core: the URL in libpq's forms (`postgres://…` or
//! `key=value …`), a connect timeout, and TLS with rustls when the URL asks for it.
//!
//! TLS: `sslmode=require` (and libpq's `verify-ca` / `verify-full`, which mean the same here)
//! connects over TLS and always verifies the server's certificate and name, against the
//! Mozilla roots plus the CA file `sslrootcert=` names (a private CA, as most PostgreSQL
//! deployments have). No `sslmode`, or `disable`/`prefer`: plain TCP or a Unix socket — for
//! loopback and trusted networks only. `prefer` does not try TLS here, because Debian's
//! PostgreSQL offers TLS with a self-signed "snakeoil" certificate by default, which a
//! verifying client must refuse, and a local setup must keep working.
//!
//! Not here: what is done over the connection (`core::sql`), migrations.

use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use super::{CoreError, Result};

/// Connects; `place` is the URL without its password, for messages.
pub(crate) fn connect(url: &str, place: &str) -> Result<postgres::Client> {
    let (url, root_cert) = take_libpq_only(url);
    let mut config: postgres::Config = url.parse().map_err(|e| {
        CoreError::Invalid(format!("database.url {place} is not a PostgreSQL URL: {e}"))
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    let refused = |e: postgres::Error| {
        CoreError::Refused(format!(
            "cannot connect to PostgreSQL at {place}: {}",
            with_causes(&e)
        ))
    };
    if config.get_ssl_mode() == postgres::config::SslMode::Require {
        let tls = tls_config(root_cert.as_deref())?;
        config
            .connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
            .map_err(refused)
    } else {
        config.ssl_mode(postgres::config::SslMode::Disable);
        config.connect(postgres::NoTls).map_err(refused)
    }
}

/// The same URL for an asynchronous connection (a LISTEN, `maildir::index::notify`): its
/// settings, and the TLS configuration when it asks for TLS (verified as [`connect`] does).
pub(crate) fn async_config(
    url: &str,
    place: &str,
) -> Result<(tokio_postgres::Config, Option<rustls::ClientConfig>)> {
    let (url, root_cert) = take_libpq_only(url);
    let mut config: tokio_postgres::Config = url.parse().map_err(|e| {
        CoreError::Invalid(format!("database.url {place} is not a PostgreSQL URL: {e}"))
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
        Ok((config, Some(tls_config(root_cert.as_deref())?)))
    } else {
        config.ssl_mode(tokio_postgres::config::SslMode::Disable);
        Ok((config, None))
    }
}

/// An error with its causes: postgres's own text for a failed TLS handshake or login is
/// only "error performing TLS handshake", the reason (an unknown issuer, a wrong name) is
/// in its source.
pub(crate) fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let s = c.to_string();
        if !text.contains(&s) {
            text = format!("{text}: {s}");
        }
        cause = c.source();
    }
    text
}

/// Takes out what libpq understands and `postgres::Config` does not: `sslrootcert=FILE`,
/// and `sslmode=verify-ca|verify-full` (becoming `require`, which verifies fully here).
fn take_libpq_only(url: &str) -> (String, Option<String>) {
    let mut root = None;
    let mut keep = |kv: &str| -> Option<String> {
        match kv.split_once('=') {
            Some(("sslrootcert", v)) => {
                root = Some(v.to_string());
                None
            }
            Some(("sslmode", "verify-ca" | "verify-full")) => Some("sslmode=require".into()),
            _ => Some(kv.to_string()),
        }
    };
    let out = if url.contains("://") {
        match url.split_once('?') {
            Some((base, query)) => {
                let q: Vec<String> = query.split('&').filter_map(&mut keep).collect();
                if q.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", q.join("&"))
                }
            }
            None => url.to_string(),
        }
    } else {
        url.split_whitespace()
            .filter_map(&mut keep)
            .collect::<Vec<_>>()
            .join(" ")
    };
    (out, root)
}

fn tls_config(root_cert: Option<&str>) -> Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for c in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let _ = roots.add(c.clone());
    }
    if let Some(path) = root_cert {
        let pem = std::fs::read(path).map_err(|e| CoreError::io(std::path::Path::new(path), e))?;
        let mut n = 0;
        for c in CertificateDer::pem_slice_iter(&pem) {
            let c = c.map_err(|e| CoreError::Invalid(format!("sslrootcert {path}: {e}")))?;
            roots
                .add(c)
                .map_err(|e| CoreError::Invalid(format!("sslrootcert {path}: {e}")))?;
            n += 1;
        }
        if n == 0 {
            return Err(CoreError::Invalid(format!(
                "sslrootcert {path}: no PEM certificate in it"
            )));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| CoreError::Invalid(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_only_parameters_are_taken_out_of_both_url_forms() {
        assert_eq!(
            take_libpq_only("postgres://u@h/d?sslmode=verify-full&sslrootcert=/ca.pem"),
            (
                "postgres://u@h/d?sslmode=require".into(),
                Some("/ca.pem".into())
            )
        );
        assert_eq!(
            take_libpq_only("postgres://u@h/d?sslrootcert=/ca.pem"),
            ("postgres://u@h/d".into(), Some("/ca.pem".into()))
        );
        assert_eq!(
            take_libpq_only("host=h sslmode=verify-ca sslrootcert=/c dbname=d"),
            ("host=h sslmode=require dbname=d".into(), Some("/c".into()))
        );
        assert_eq!(
            take_libpq_only("postgres://u@h/d"),
            ("postgres://u@h/d".into(), None)
        );
    }

    #[test]
    fn a_root_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ca.pem");
        std::fs::write(&f, "not a certificate").unwrap();
        let e = tls_config(f.to_str()).unwrap_err().to_string();
        assert!(e.contains("no PEM certificate"), "{e}");
    }
}
