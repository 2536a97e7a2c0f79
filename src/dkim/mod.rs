//! DKIM (RFC 6376, ed25519-sha256 RFC 8463): the keys mailctl holds and the records that
//! publish them (key.rs), and signing outbound mail from our own domains with them
//! (sign.rs), and ARC-sealing mail we forward (arc.rs).
//!
//! Keys live in `<data-dir>/dkim/<domain>.<selector>.key` (PKCS#8 PEM, 0600); `mailctl dkim`,
//! `setup`, `dns records`/`dns check` and the outbound queue all reach them through here.
//!
//! Not here: checking the published record in DNS (dns::check::dkim), whether the running
//! daemon signs with the held keys (dns::check::signing), verifying signatures on incoming
//! mail (inbound).

pub mod arc;
pub mod key;
pub mod sign;

pub use key::{
    Algorithm, DkimError, DkimKey, generate, keys, keys_each, split_txt, store, valid_selector,
    zone_line,
};
pub use sign::{from_domain, sign, signature_for};
