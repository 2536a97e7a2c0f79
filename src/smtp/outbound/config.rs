//! The outbound runner's settings, read once per (re)load: delivery mode (direct, relay,
//! direct-then-relay, backup-mx), the relay host and its TLS, the backup MX's domains and
//! primary, retry schedule and lifetime, timeouts
//! (RFC 5321 §4.5.3.2), concurrency limits and the plaintext-fallback list.
//!
//! Not here: validating the values (`core::settings`), acting on them (`mod.rs`, `transfer`).

use std::net::SocketAddr;
use std::time::Duration;

use crate::core::{CoreError, Db, now};
use crate::smtp::client::Timeouts;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayTls {
    StartTls,
    Implicit,
    None,
}

#[derive(Debug, Clone)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub credentials: Option<(String, String)>,
    pub tls: RelayTls,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Direct,
    Relay,
    DirectThenRelay,
    /// Direct, and backup MX for `backupmx.domains` (see `smtp::backupmx`).
    BackupMx,
}

/// Where mail for the domains this node is backup MX for goes (`backupmx.*`).
#[derive(Debug, Clone, Default)]
pub struct BackupMx {
    /// Lower-case, without the trailing dot.
    pub domains: Vec<String>,
    /// `backupmx.primary`; `None`: the domain's MX hosts other than this one.
    pub primary: Option<(String, u16)>,
    pub callout_timeout: Duration,
}

impl BackupMx {
    fn from_settings(db: &Db) -> Result<BackupMx, CoreError> {
        let primary = match db.setting("backupmx.primary")? {
            p if p.is_empty() => None,
            p => Some(parse_primary(&p).ok_or_else(|| {
                CoreError::Invalid(format!(
                    "backupmx.primary '{p}' is not HOST:PORT; set it with `mailctl config set backupmx.primary mx1.example.org:25`"
                ))
            })?),
        };
        Ok(BackupMx {
            domains: crate::smtp::backupmx::domain_list(&db.setting("backupmx.domains")?),
            primary,
            callout_timeout: db.setting_duration("backupmx.callout_timeout")?,
        })
    }

    /// Whether this node is backup MX for `domain`.
    pub fn serves(&self, domain: &str) -> bool {
        crate::smtp::backupmx::listed(&self.domains, domain)
    }
}

/// `HOST:PORT` (`[v6]:PORT` too); a Unix socket path or a missing port is no primary.
pub fn parse_primary(v: &str) -> Option<(String, u16)> {
    let (host, port) = v.trim().rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || host.contains('/') {
        return None;
    }
    Some((
        host.to_string(),
        port.parse::<u16>().ok().filter(|p| *p > 0)?,
    ))
}

#[derive(Debug, Clone)]
pub struct Config {
    pub hostname: String,
    pub port: u16,
    pub mode: Mode,
    pub relay: Option<Relay>,
    /// Set with `relay.mode = backup-mx` only.
    pub backup: Option<BackupMx>,
    pub retry_schedule: Vec<Duration>,
    pub max_lifetime: Duration,
    /// Tell the sender once a message has waited this long; zero turns it off.
    pub delay_warning: Duration,
    pub timeouts: Timeouts,
    /// Our own SMTP listeners: a hop that is one of these is a mail loop.
    pub own_endpoints: Vec<SocketAddr>,
    pub max_connections: usize,
    pub max_per_domain: usize,
    pub nameservers: Vec<SocketAddr>,
    /// `delivery.plaintext_fallback`: destination domains (and their subdomains) whose mail
    /// may go in plaintext after a failed STARTTLS.
    pub plaintext_fallback: Vec<String>,
}

impl Config {
    /// Reads every outbound setting. `own_endpoints` are the SMTP listeners of this server.
    pub fn from_settings(db: &Db, own_endpoints: Vec<SocketAddr>) -> Result<Config, CoreError> {
        let hostname = match db.setting("hostname")? {
            h if h.is_empty() => crate::core::settings::system_hostname(),
            h => h,
        };
        let mode = match db.setting("relay.mode")?.as_str() {
            "relay" => Mode::Relay,
            "direct-then-relay" => Mode::DirectThenRelay,
            "backup-mx" => Mode::BackupMx,
            _ => Mode::Direct,
        };
        let relay_host = db.setting("relay.host")?;
        let relay = if relay_host.is_empty() {
            None
        } else {
            let user = db.setting("relay.user")?;
            Some(Relay {
                host: relay_host,
                port: db.setting_u64("relay.port")? as u16,
                credentials: (!user.is_empty())
                    .then(|| (user, db.setting("relay.password").unwrap_or_default())),
                tls: match db.setting("relay.tls")?.as_str() {
                    "tls" => RelayTls::Implicit,
                    "none" => RelayTls::None,
                    _ => RelayTls::StartTls,
                },
            })
        };
        if !matches!(mode, Mode::Direct | Mode::BackupMx) && relay.is_none() {
            return Err(CoreError::Invalid(
                "relay.mode needs relay.host; set it with `mailctl config set relay.host HOST`"
                    .into(),
            ));
        }
        let schedule = db
            .setting("queue.retry_schedule")?
            .split(',')
            .filter_map(|d| crate::core::settings::parse_duration(d).ok())
            .collect::<Vec<_>>();
        let nameservers = db
            .setting("dns.nameserver")?
            .split(',')
            .filter(|s| !s.is_empty())
            .filter_map(|s| crate::core::settings::parse_nameserver(s).ok())
            .collect();
        let cap = db.setting_duration("delivery.timeout")?;
        Ok(Config {
            hostname,
            port: db.setting_u64("delivery.port")? as u16,
            mode,
            relay,
            backup: match mode {
                Mode::BackupMx => Some(BackupMx::from_settings(db)?),
                _ => None,
            },
            retry_schedule: if schedule.is_empty() {
                vec![Duration::from_secs(300)]
            } else {
                schedule
            },
            max_lifetime: db.setting_duration("queue.max_lifetime")?,
            delay_warning: db.setting_duration("queue.delay_warning")?,
            timeouts: Timeouts::rfc5321(cap),
            own_endpoints,
            max_connections: db.setting_u64("delivery.max_connections")?.max(1) as usize,
            max_per_domain: db.setting_u64("delivery.max_per_domain")?.max(1) as usize,
            nameservers,
            plaintext_fallback: db
                .setting("delivery.plaintext_fallback")?
                .split(',')
                .map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase())
                .filter(|d| !d.is_empty())
                .collect(),
        })
    }

    /// Whether `domain` is listed in `delivery.plaintext_fallback` (itself or a parent).
    pub fn plaintext_fallback_for(&self, domain: &str) -> bool {
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        self.plaintext_fallback
            .iter()
            .any(|z| domain == *z || domain.ends_with(&format!(".{z}")))
    }

    /// The backup MX settings when this node is backup MX for `domain`.
    pub fn backup_for(&self, domain: &str) -> Option<&BackupMx> {
        self.backup.as_ref().filter(|b| b.serves(domain))
    }

    /// When a deferred recipient is tried next, given how many attempts it has had.
    pub fn next_retry(&self, attempts: u32) -> i64 {
        let i = (attempts as usize).min(self.retry_schedule.len() - 1);
        now() + self.retry_schedule[i].as_secs() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_primary_is_host_and_port() {
        assert_eq!(
            parse_primary("mx1.example.org:2525"),
            Some(("mx1.example.org".into(), 2525))
        );
        assert_eq!(parse_primary("[::1]:25"), Some(("::1".into(), 25)));
        assert_eq!(parse_primary("mx1.example.org"), None);
        assert_eq!(parse_primary("/run/primary.sock"), None);
        assert_eq!(parse_primary("mx1.example.org:0"), None);
        let b = BackupMx {
            domains: vec!["a.test".into()],
            ..Default::default()
        };
        assert!(b.serves("A.Test.") && !b.serves("b.test") && !b.serves("x.a.test"));
    }
}
