//! `greylist list | allow ENTRY | remove ENTRY`: what greylisting remembers on port 25
//! (setting `inbound.greylist`) and the administrator's allow list.
//!
//! Not here: the greylisting decision (`inbound::greylist`) and its state (`core::greylist`).

mod allow;
mod list;
mod remove;

use clap::Subcommand;

use super::{Ctx, Fail};

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// The allow list, the client networks that retried correctly, and the triplets
    /// (client network, sender, recipient) seen most recently.
    List(list::Args),
    /// Never greylist a client address or network (IP, CIDR) or a sender domain (and its
    /// subdomains).
    Allow(allow::Args),
    /// Forget an allow entry and what greylisting learnt about that client network or sender
    /// domain (its next new message is greylisted again).
    Remove(remove::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::List(a) => a.run(ctx),
            Cmd::Allow(a) => a.run(ctx),
            Cmd::Remove(a) => a.run(ctx),
        }
    }
}

/// An allow or remove entry: a network (an IP is its /32 or /128) or a sender domain.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Network(ipnet::IpNet),
    Domain(String),
}

impl Entry {
    fn parse(s: &str) -> Result<Entry, Fail> {
        if let Ok(ip) = s.parse::<std::net::IpAddr>() {
            return Ok(Entry::Network(ipnet::IpNet::from(ip)));
        }
        if let Ok(net) = s.parse::<ipnet::IpNet>() {
            return Ok(Entry::Network(net.trunc()));
        }
        let domain = s.strip_prefix('@').unwrap_or(s);
        crate::core::address::Domain::parse(domain)
            .map(|d| Entry::Domain(d.to_string().to_ascii_lowercase()))
            .map_err(|e| Fail {
                code: 2,
                ..Fail::hint(
                    format!("'{s}' is neither an IP address, a network nor a domain: {e}"),
                    "give an address (192.0.2.7), a network (192.0.2.0/24) or a sender domain (example.org)",
                )
            })
    }
}
