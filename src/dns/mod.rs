//! DNS: resolver construction and the mail-related record checks (MX, PTR, SPF, DKIM, DMARC,
//! DNSBL) with advice on what to publish.

pub mod check;
pub mod dkim;
pub mod lookup;
pub mod records;
