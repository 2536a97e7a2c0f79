//! The one place a `TokioResolver` is built: delivery (smtp::outbound::route, `serve`) and
//! the diagnostics (`dns`, `check`, `setup`) all get theirs here, pointed at
//! `--nameserver`/`dns.nameserver` or the system configuration, with timeouts chosen by
//! [`Purpose`].
//!
//! Not here: the lookups themselves (dns::lookup), MX routing (smtp::outbound::route).

use std::net::SocketAddr;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};

/// What a resolver is for, which decides how long it waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Outbound delivery: a slow answer is worth waiting for (a false temporary failure
    /// costs a queue cycle); with the system configuration, resolv.conf's timeouts apply.
    Delivery,
    /// `dns check` and friends: a person is waiting, and a dead resolver must cost seconds
    /// (lookup::TIMEOUT, lookup::ATTEMPTS), whatever resolv.conf says.
    Diagnostic,
}

/// A resolver asking `nameservers` (ADDR:PORT, UDP then TCP), or the system's configured
/// ones when the list is empty.
pub fn resolver(nameservers: &[SocketAddr], purpose: Purpose) -> Result<TokioResolver, String> {
    let mut builder = if nameservers.is_empty() {
        TokioResolver::builder_tokio()
            .map_err(|e| format!("cannot read the system resolver configuration: {e}"))?
    } else {
        let servers = nameservers
            .iter()
            .map(|sa| {
                // ConnectionConfig is non_exhaustive: start from the defaults and set the port.
                let mut udp = ConnectionConfig::udp();
                udp.port = sa.port();
                let mut tcp = ConnectionConfig::tcp();
                tcp.port = sa.port();
                NameServerConfig::new(sa.ip(), true, vec![udp, tcp])
            })
            .collect();
        let mut opts = ResolverOpts::default();
        opts.timeout = std::time::Duration::from_secs(5);
        opts.attempts = 2;
        hickory_resolver::Resolver::builder_with_config(
            ResolverConfig::from_parts(None, vec![], servers),
            hickory_resolver::net::runtime::TokioRuntimeProvider::default(),
        )
        .with_options(opts)
    };
    if purpose == Purpose::Diagnostic {
        let opts = builder.options_mut();
        opts.timeout = super::lookup::TIMEOUT;
        opts.attempts = super::lookup::ATTEMPTS;
    }
    builder
        .build()
        .map_err(|e| format!("cannot build the resolver: {e}"))
}
