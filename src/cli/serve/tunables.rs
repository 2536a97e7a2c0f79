//! The settings a running daemon re-reads on SIGHUP (issue 16.3): message and recipient
//! limits, timeouts, connection limits, `mynetworks`, `auth.plaintext`, and the outbound
//! route (relay, retries, lifetimes). Listener addresses, `server.user`, the certificate
//! paths, the host name and the resolver are fixed at start: `core::settings::needs_restart`
//! lists them so `config set` can say so.

use std::net::IpAddr;

use crate::core::Db;
use crate::net::live::ConnPolicy;
use crate::smtp::server::Timeouts;
use crate::smtp::session::{Service, SessionConfig};

/// What the SMTP listeners read per connection.
#[derive(Clone)]
pub struct Tunables {
    pub session: SessionConfig,
    pub timeouts: Timeouts,
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
}

/// Reads the live settings; `hostname` is the one fixed at start.
pub fn read(db: &Db, hostname: &str) -> Result<(Tunables, ConnPolicy), crate::core::CoreError> {
    let session = SessionConfig {
        hostname: hostname.to_string(),
        service: Service::Mx,
        remote_ip: IpAddr::from([0, 0, 0, 0]),
        max_message_size: db.setting_size("smtp.max_message_size")?,
        max_recipients: db.setting_u64("smtp.max_recipients")? as usize,
        max_hops: db.setting_u64("smtp.max_hops")?,
        max_errors: 20,
        tls_available: false,
        trusted_network: false,
        plaintext_auth: false,
        allow_any_sender: db.setting_bool("submission.allow_any_sender")?,
        rate_limits: crate::net::rate::RateLimits {
            connections: rate(db, "smtp.client_connection_rate_limit")?,
            messages: rate(db, "smtp.client_message_rate_limit")?,
        },
        client_rates: None,
    };
    let policy = ConnPolicy {
        mynetworks: db
            .setting("mynetworks")?
            .split(',')
            .filter_map(|s| crate::core::settings::parse_network(s.trim()).ok())
            .collect(),
        plaintext_loopback: db.setting("auth.plaintext")? == "loopback",
    };
    let tunables = Tunables {
        session,
        timeouts: Timeouts {
            command: db.setting_duration("smtp.command_timeout")?,
            data: db.setting_duration("smtp.data_timeout")?,
            data_min_rate: db.setting_size("smtp.data_min_rate")?,
            greet_wait: db.setting_duration("smtp.greet_wait")?,
            greet_ttl: db.setting_duration("smtp.greet_ttl")?,
        },
        max_connections: db.setting_u64("limits.max_connections")? as usize,
        max_connections_per_ip: db.setting_u64("limits.max_connections_per_ip")? as usize,
    };
    Ok((tunables, policy))
}

/// A per-minute limit; beyond `u32::MAX` is no different from it.
fn rate(db: &Db, key: &str) -> Result<u32, crate::core::CoreError> {
    Ok(db.setting_u64(key)?.min(u32::MAX as u64) as u32)
}
