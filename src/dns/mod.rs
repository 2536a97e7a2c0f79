//! DNS: the one resolver constructor (resolver.rs), typed lookups for the diagnostics, and
//! the mail-related record checks (MX, PTR, SPF, DKIM, DMARC, MTA-STS, DNSBL) with advice on
//! what to publish.
//!
//! Not here: DKIM keys and signing (crate::dkim), delivery's MX routing
//! (smtp::outbound::route).

pub mod check;
pub mod config;
pub mod lookup;
pub mod records;
pub mod resolver;

pub use resolver::{Purpose, resolver};
