//! What adding an alias would do that its author may not mean: a destination in a domain
//! served here that does not exist (mail to it would bounce), and a source that is a
//! mailbox (all its mail would go elsewhere and none reach its Maildir). `mailctl alias add`
//! and the web administration both ask here before `Db::add_alias`, and word the answer for
//! their reader.
//!
//! Not here: the refusals `add_alias` itself makes (loops, domains not served).

use super::{Address, AliasSource, Db, Result};

/// The findings of [`Db::alias_add_check`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AliasCheck {
    /// A destination in a domain served here with no mailbox or alias of that name.
    pub missing: Option<Address>,
    /// The source is this mailbox, and the alias would take all its mail away (it is not
    /// among the destinations, and no existing alias of it keeps a copy).
    pub diverts: Option<Address>,
}

impl Db {
    pub fn alias_add_check(&self, src: &AliasSource, dests: &[Address]) -> Result<AliasCheck> {
        let mut check = AliasCheck::default();
        for d in dests {
            if matches!(src, AliasSource::Address(s) if s == d) {
                continue; // "keep a copy"
            }
            let r = self.resolve_recipient(d)?;
            if r.local_domain && r.targets.is_empty() && !r.disabled {
                check.missing = Some(d.clone());
                return Ok(check);
            }
        }
        let AliasSource::Address(s) = src else {
            return Ok(check);
        };
        if self.user(s)?.is_none() || dests.contains(s) {
            return Ok(check);
        }
        // Already an alias with itself as a destination: it keeps its copy.
        let keeps_copy = self
            .aliases(Some(s.domain()))?
            .iter()
            .any(|a| a.source == s.to_string() && a.destinations.contains(&s.to_string()));
        if !keeps_copy {
            check.diverts = Some(s.clone());
        }
        Ok(check)
    }
}
