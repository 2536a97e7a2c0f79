//! Which way one message goes to one domain: straight to its MX hosts (RFC 5321 §5.1), to
//! the relay host, or to the MX first and the relay for what the MX deferred
//! (`relay.mode`); never back to this server (a loop), and with the memory of hosts whose
//! STARTTLS failed read before and updated after an attempt.
//!
//! Not here: the DNS lookups (`route`), the SMTP conversation with a hop (`transfer`),
//! turning results into retry decisions (`mod.rs`).

use super::route::{self, Hop, RouteError};
use super::transfer::{self, RecipientResult};
use super::{Config, Loaded, Mode, Outbound};
use crate::core::outqueue::Claimed;

impl Outbound {
    /// Tries the route(s) for one domain.
    pub(super) async fn deliver(
        &self,
        domain: &str,
        first: &Claimed,
        rcpts: &[Claimed],
        loaded: &Loaded,
    ) -> Vec<RecipientResult> {
        let ids: Vec<(i64, String)> = rcpts
            .iter()
            .map(|c| (c.recipient_id, c.address.clone()))
            .collect();
        let env = transfer::Outgoing {
            mail_from: &first.mail_from,
            smtputf8: first.smtputf8,
            message: &loaded.message,
            seven_bit: loaded.seven_bit.as_ref(),
            dsn: &loaded.dsn,
            rcpt_dsn: &loaded.rcpt_dsn,
        };
        // One snapshot for the whole attempt: a reload mid-way must not mix two configs.
        let cfg = self.cfg();
        let plaintext_fallback = cfg.plaintext_fallback_for(domain);
        match cfg.mode {
            Mode::Relay => self.via_relay(&ids, &env).await,
            Mode::Direct | Mode::BackupMx => match self.route(domain).await {
                Ok(hops) => {
                    self.direct(&cfg, hops, &env, plaintext_fallback, &ids)
                        .await
                }
                Err(e) => route_failure(&ids, e),
            },
            Mode::DirectThenRelay => {
                let first_try = match self.route(domain).await {
                    Ok(hops) => {
                        self.direct(&cfg, hops, &env, plaintext_fallback, &ids)
                            .await
                    }
                    // A domain that does not exist will not exist through the relay either.
                    Err(RouteError::Permanent(p)) => {
                        return route_failure(&ids, RouteError::Permanent(p));
                    }
                    Err(RouteError::Temporary(t)) => route_failure(&ids, RouteError::Temporary(t)),
                };
                // Only what the MX deferred goes to the relay: a 5xx from the recipient's own
                // MX is its final word (the relay would get the same answer, or worse,
                // deliver what the destination refused).
                let (done, retry): (Vec<_>, Vec<_>) = first_try
                    .into_iter()
                    .partition(|r| r.outcome != transfer::Outcome::Deferred);
                if retry.is_empty() {
                    return done;
                }
                let again: Vec<(i64, String)> = ids
                    .iter()
                    .filter(|(id, _)| retry.iter().any(|r| r.recipient_id == *id))
                    .cloned()
                    .collect();
                tracing::info!(%domain, recipients = again.len(), "direct delivery failed; trying the relay host");
                let mut out = done;
                out.extend(self.via_relay(&again, &env).await);
                out
            }
        }
    }

    /// One direct attempt over the MX hops, with the memory of failed STARTTLS hosts read
    /// before and updated after.
    async fn direct(
        &self,
        cfg: &Config,
        hops: Vec<Hop>,
        env: &transfer::Outgoing<'_>,
        plaintext_fallback: bool,
        ids: &[(i64, String)],
    ) -> Vec<RecipientResult> {
        let hosts: Vec<String> = hops.iter().map(|h| h.host.clone()).collect();
        let tls_failed_before = match self.blocking(move |db| db.tls_failed_hosts(&hosts)).await {
            Ok(set) => set,
            // Without the memory, refusing to deliver is the safe side.
            Err(e) => {
                return route_failure(
                    ids,
                    RouteError::Temporary(format!("451 4.3.0 queue database: {e}")),
                );
            }
        };
        let report = transfer::Attempt {
            cfg,
            hops,
            relay: None,
            env,
            tls_failed_before: &tls_failed_before,
            plaintext_fallback,
        }
        .run(ids)
        .await;
        if !report.tls_failures.is_empty() {
            let failures = report.tls_failures;
            if let Err(e) = self
                .blocking(move |db| {
                    for (host, why) in &failures {
                        db.record_tls_failure(host, why)?;
                    }
                    Ok(())
                })
                .await
            {
                tracing::error!("could not remember a failed STARTTLS: {e}");
            }
        }
        report.results
    }

    /// The hops for `domain`: its MX hosts, or for a domain this node is backup MX for with
    /// `backupmx.primary` set, that primary (Postfix's transport_maps); never this server.
    pub(super) async fn route(&self, domain: &str) -> Result<Vec<Hop>, RouteError> {
        let cfg = self.cfg();
        let hops = match cfg.backup_for(domain).and_then(|b| b.primary.clone()) {
            Some((host, port)) => route::resolver_hops(&self.resolver, &host, port).await?,
            None => route::route(&self.resolver, domain, cfg.port, &cfg.hostname).await?,
        };
        // An MX that is this very server would hand the mail back to us forever.
        let (own, others): (Vec<Hop>, Vec<Hop>) = hops.into_iter().partition(|h| self.is_own(h));
        if others.is_empty() && !own.is_empty() {
            return Err(RouteError::Permanent(format!(
                "554 5.4.6 mail for {domain} loops back to myself (its MX {} is this server)",
                own[0].host
            )));
        }
        Ok(others)
    }

    fn is_own(&self, hop: &Hop) -> bool {
        if hop.host.eq_ignore_ascii_case(&self.cfg().hostname) {
            return true;
        }
        self.cfg().own_endpoints.iter().any(|e| {
            e.port() == hop.addr.port()
                && (e.ip() == hop.addr.ip()
                    || (e.ip().is_unspecified() && route::is_local_ip(hop.addr.ip())))
        })
    }

    async fn via_relay(
        &self,
        ids: &[(i64, String)],
        env: &transfer::Outgoing<'_>,
    ) -> Vec<RecipientResult> {
        let cfg = self.cfg();
        let Some(relay) = cfg.relay.clone() else {
            return route_failure(
                ids,
                RouteError::Temporary("451 4.3.5 relay.mode needs relay.host".into()),
            );
        };
        let hops = match route::resolver_hops(&self.resolver, &relay.host, relay.port).await {
            Ok(h) => h,
            Err(e) => return route_failure(ids, e),
        };
        transfer::Attempt {
            cfg: &cfg,
            hops,
            relay: Some(&relay),
            env,
            tls_failed_before: &Default::default(),
            plaintext_fallback: false,
        }
        .run(ids)
        .await
        .results
    }
}

fn route_failure(ids: &[(i64, String)], e: RouteError) -> Vec<RecipientResult> {
    ids.iter()
        .map(|(id, _)| match &e {
            RouteError::Permanent(p) => RecipientResult::permanent(*id, "dns", p.clone()),
            RouteError::Temporary(t) => RecipientResult::temporary(*id, "dns", t.clone()),
        })
        .collect()
}
