//! Certificates by ACME (RFC 8555): with `tls.acme on`, `serve` orders the server's
//! certificate for `hostname` (plus `tls.acme_names`) from `tls.acme_directory` (Let's
//! Encrypt by default), answers the HTTP-01 challenges (RFC 8555 §8.3) on
//! `listen.acme_http`, writes the chain and key where `tls.cert`/`tls.key` point, and swaps
//! it into the running listeners ([`crate::net::tls::TlsStore`]). It checks at start and
//! twice a day, and orders when the certificate is missing, was not issued here, names other
//! hosts, or expires within [`RENEW_BEFORE_DAYS`] days. `mailctl tls renew` orders at once.
//!
//! State lives in `<data-dir>/acme/`: `account.json` (the account key, 0600, reused for
//! every order), `status.json` (the last result, for `mailctl tls status`), `challenges/`
//! (one file per pending HTTP-01 token; files, so the CLI's `tls renew` is answered by a
//! running daemon's responder).
//!
//! Not here: TLS-ALPN-01 (RFC 8737; it needs port 443 and a second certificate resolver in
//! the TLS listeners, while HTTP-01 needs only a plain responder on port 80), DNS-01
//! (wildcards), External Account Binding, OCSP.

mod order;
pub mod responder;
mod state;

use std::path::PathBuf;

pub use order::order;
pub use state::{CertSummary, LastResult, due, last_result, summary};

use crate::core::{DataDir, Db};

/// Renew when the certificate has fewer days left than this (Let's Encrypt's 90-day
/// certificates are renewed with a month to spare, as certbot does).
pub const RENEW_BEFORE_DAYS: i64 = 30;

/// What an order needs, read from the settings once.
#[derive(Debug, Clone)]
pub struct Config {
    pub directory: String,
    pub email: String,
    /// An extra trusted root for the directory's HTTPS (a test CA such as pebble's); none:
    /// the webpki roots.
    pub ca: Option<PathBuf>,
    /// The certificate's DNS names, `hostname` first.
    pub names: Vec<String>,
    pub cert: PathBuf,
    pub key: PathBuf,
    /// `<data-dir>/acme`.
    pub state_dir: PathBuf,
}

impl Config {
    /// The ACME settings, or `None` when `tls.acme` is off.
    pub fn from_settings(
        db: &Db,
        data_dir: &DataDir,
        hostname: &str,
    ) -> Result<Option<Config>, crate::core::CoreError> {
        if db.setting("tls.acme")? != "on" {
            return Ok(None);
        }
        let path = |key: &str, default: PathBuf| -> Result<PathBuf, crate::core::CoreError> {
            let v = db.setting(key)?;
            Ok(if v.is_empty() {
                default
            } else {
                PathBuf::from(v)
            })
        };
        let mut names = vec![hostname.trim_end_matches('.').to_ascii_lowercase()];
        for n in db.setting("tls.acme_names")?.split(',') {
            let n = n.trim().trim_end_matches('.').to_ascii_lowercase();
            if !n.is_empty() && !names.contains(&n) {
                names.push(n);
            }
        }
        let ca = db.setting("tls.acme_ca")?;
        Ok(Some(Config {
            directory: db.setting("tls.acme_directory")?,
            email: db.setting("tls.acme_email")?,
            ca: (!ca.is_empty()).then(|| PathBuf::from(ca)),
            names,
            cert: path("tls.cert", data_dir.tls().join("cert.pem"))?,
            key: path("tls.key", data_dir.tls().join("key.pem"))?,
            state_dir: data_dir.root().join("acme"),
        }))
    }

    pub fn challenges(&self) -> PathBuf {
        self.state_dir.join("challenges")
    }
}

/// First try after a failure; doubled after each further failure up to [`CHECK_EVERY`].
const FIRST_RETRY: std::time::Duration = std::time::Duration::from_secs(60);
/// How often the certificate is checked ("twice a day").
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(12 * 3600);

/// The daemon's task: check now, order when [`due`], reload `tls` after each new
/// certificate; failures are logged and retried with backoff, and the old certificate stays.
pub async fn renew_loop(
    cfg: Config,
    tls: std::sync::Arc<crate::net::tls::TlsStore>,
    mut shutdown: crate::net::shutdown::Shutdown,
) {
    let mut retry = FIRST_RETRY;
    loop {
        let c = cfg.clone();
        let reason = tokio::task::spawn_blocking(move || due(&c))
            .await
            .unwrap_or(None);
        let wait = match reason {
            None => CHECK_EVERY,
            Some(why) => {
                tracing::info!(names = ?cfg.names, "ACME: ordering a certificate ({why})");
                match order(&cfg).await {
                    Ok(issued) => {
                        retry = FIRST_RETRY;
                        let t = tls.clone();
                        let reload = tokio::task::spawn_blocking(move || t.reload()).await;
                        match reload {
                            Ok(Ok(())) => tracing::info!(
                                serial = %issued.serial,
                                "ACME: new certificate in use until {}",
                                issued.not_after
                            ),
                            Ok(Err(e)) => {
                                tracing::warn!("ACME: the new certificate does not load: {e}")
                            }
                            Err(e) => tracing::warn!("ACME: reload: {e}"),
                        }
                        CHECK_EVERY
                    }
                    Err(e) => {
                        tracing::warn!(
                            "ACME: the order failed, the current certificate stays; retrying in {}s: {e}",
                            retry.as_secs()
                        );
                        let w = retry;
                        retry = (retry * 2).min(CHECK_EVERY);
                        w
                    }
                }
            }
        };
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
