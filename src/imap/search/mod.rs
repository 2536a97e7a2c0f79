//! SEARCH evaluation (RFC 3501 §6.4.4, RFC 9051 §6.4.4, RFC 4731 ESEARCH, RFC 5182 SEARCHRES
//! `$`, RFC 7162 MODSEQ, RFC 5032 WITHIN) and the rendering of its result.
//!
//! The session builds one [`Query`] per SEARCH command from the parsed
//! [`SearchKey`](crate::imap::command::SearchKey), asks it what it [`Needs`] for each
//! message (nothing, the header, or the whole file), and calls [`Query::matches`] once per
//! message of the selected mailbox. [`result`] writes `* SEARCH` and `* ESEARCH` lines.
//!
//! What this module does not do: read files, hold mailbox state, store a `SAVE`d result,
//! decide between SEARCH and ESEARCH (IMAP4rev2 clients always get ESEARCH), or validate
//! CHARSET beyond [`charset_supported`] — those are the session's.
//!
//! - [`eval`]: the compiled query and the per-message decision.
//! - [`text`]: case-folded substring matching over decoded header and body text.
//! - [`result`]: `* SEARCH`, `* ESEARCH` and sequence-set compaction.

pub mod eval;
pub mod result;
pub mod text;

#[cfg(test)]
mod tests;

pub use eval::{Candidate, Context, Needs, Query};
pub use result::{compact_set, write_esearch, write_search};

/// Charsets accepted in `SEARCH CHARSET x`. Search strings arrive as Rust strings, so
/// anything else would need re-decoding the client's bytes; the session answers
/// `NO [BADCHARSET (US-ASCII UTF-8)]` for the rest (RFC 3501 §6.4.4).
pub const CHARSETS: [&str; 2] = ["US-ASCII", "UTF-8"];

/// Whether `SEARCH CHARSET name` is accepted (case-insensitive).
pub fn charset_supported(name: &str) -> bool {
    CHARSETS.iter().any(|c| c.eq_ignore_ascii_case(name))
}
