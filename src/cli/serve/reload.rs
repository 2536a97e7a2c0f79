//! What SIGHUP does in a running daemon (issue 16.1, 16.3): re-read the certificate, through
//! the root reader when privileges were dropped; forget the authentication cache; re-read
//! every setting that needs no new socket; rescan the DKIM keys; then publish the new generation in `run/daemon-PID.json`,
//! which `config set` waits for and `status` shows.
//!
//! Not here: the settings themselves (`tunables`), signalling (`cli::reload`).

use std::sync::Arc;

use super::tunables;
use crate::core::runtime::DaemonState;
use crate::core::{DataDir, Db};
use crate::net::limits::ConnLimiter;
use crate::net::live::{ConnPolicy, Live};
use crate::net::tls::TlsStore;
use crate::smtp::outbound::{Config as OutboundConfig, Outbound};

pub(super) fn publish(data_dir: &DataDir, state: &std::sync::Mutex<DaemonState>) {
    let s = state.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Err(e) = crate::core::runtime::write(data_dir, &s) {
        tracing::warn!("cannot write {}: {e}", data_dir.runtime().display());
    }
}

/// What SIGHUP does: re-read the certificate (through the root reader when privileges were
/// dropped), rescan the DKIM keys, then publish the new generation for `config set`.
#[derive(Clone)]
pub(super) struct Reload {
    pub(super) data_dir: DataDir,
    /// Fixed at start (IMAP and POP3 greet with it too): not reloaded.
    pub(super) hostname: String,
    pub(super) tls: Arc<TlsStore>,
    pub(super) cert_reader: Option<Arc<crate::net::privs::FileReader>>,
    pub(super) state: Arc<std::sync::Mutex<DaemonState>>,
    pub(super) live: Arc<Live<tunables::Tunables>>,
    pub(super) policy: Arc<Live<ConnPolicy>>,
    pub(super) limiters: Vec<Arc<ConnLimiter>>,
    pub(super) outbound: Option<Arc<Outbound>>,
}

impl Reload {
    pub(super) fn run(&self) {
        crate::net::notify::notify("RELOADING=1");
        // Whatever changed behind the daemon's back (a restored database, hand-edited
        // rows), the next login of everyone goes to the password hash again.
        crate::auth::cache::clear();
        let mut errors = Vec::new();
        let tls = match &self.cert_reader {
            Some(r) => self
                .tls
                .reload_with(|| {
                    let mut files = r
                        .read_all(2)
                        .map_err(crate::net::NetError::Tls)?
                        .into_iter();
                    match (files.next(), files.next()) {
                        (Some(c), Some(k)) => Ok((c, k)),
                        _ => Err(crate::net::NetError::Tls(
                            "certificate reader: short answer".into(),
                        )),
                    }
                })
                // The reader gone (killed by hand?): files the service account can read still
                // reload; the first error is the one worth reporting.
                .or_else(|e| self.tls.reload().map_err(|_| e)),
            None => self.tls.reload(),
        };
        match tls {
            Ok(()) => tracing::info!("TLS certificate reloaded"),
            Err(e) if self.tls.get().is_none() && !self.tls.paths().0.exists() => {
                tracing::debug!("no certificate to reload: {e}")
            }
            Err(e) => {
                tracing::error!("TLS reload failed, keeping the old certificate: {e}");
                errors.push(format!("TLS: {e}"));
            }
        }
        if let Err(e) = self.settings() {
            tracing::error!("settings reload failed, keeping the old values: {e}");
            errors.push(format!("settings: {e}"));
        } else {
            tracing::info!("settings reloaded");
        }
        let keys = self.signing_keys();
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.generation += 1;
        st.reloaded = Some(chrono::Utc::now().timestamp());
        st.reload_errors = errors;
        if let Some(k) = keys {
            st.dkim = k;
        }
        drop(st);
        publish(&self.data_dir, &self.state);
        crate::net::notify::notify("READY=1");
    }

    /// Re-reads every setting that can change without rebinding (see `tunables`); all or
    /// nothing, so a bad value keeps the old set in force.
    fn settings(&self) -> anyhow::Result<()> {
        let db = Db::open(&self.data_dir)?;
        let (tunables, policy) = tunables::read(&db, &self.hostname)?;
        let outbound = OutboundConfig::from_settings(&db, Vec::new())?;
        let auth_cache = crate::auth::cache::Config::from_settings(&db)?;
        crate::auth::cache::configure(auth_cache);
        for l in &self.limiters {
            l.set_limits(tunables.max_connections, tunables.max_connections_per_ip);
        }
        self.live.set(tunables);
        self.policy.set(policy);
        if let Some(o) = &self.outbound {
            o.reconfigure(outbound);
        }
        Ok(())
    }

    fn signing_keys(&self) -> Option<Vec<crate::core::runtime::SigningKey>> {
        let db = Db::open(&self.data_dir).ok()?;
        let domains = db.domains().ok()?;
        let dir = self.data_dir.dkim();
        Some(
            domains
                .iter()
                .flat_map(|d| crate::dkim::keys_each(&dir, &d.name))
                .filter_map(Result::ok)
                .map(|k| crate::core::runtime::SigningKey {
                    domain: k.domain,
                    selector: k.selector,
                    path: k.path.display().to_string(),
                })
                .collect(),
        )
    }
}
