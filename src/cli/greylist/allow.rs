//! `greylist allow ENTRY`.

use super::{Ctx, Entry};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A client address (192.0.2.7), network (192.0.2.0/24) or sender domain (example.org).
    entry: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let (entry, kind) = match Entry::parse(&self.entry)? {
            Entry::Network(n) => (n.to_string(), "network"),
            Entry::Domain(d) => (d, "domain"),
        };
        let db = ctx.db()?;
        let added = db.greylist_allow(&entry, kind, crate::core::now())?;
        if ctx.json {
            output::json(&serde_json::json!({ "entry": entry, "kind": kind, "added": added }))?;
        } else if !ctx.quiet {
            let what = if added {
                "is now allowed"
            } else {
                "was already allowed"
            };
            output::print(&format!("{entry} {what}: mail from it is never greylisted"))?;
        }
        Ok(())
    }
}
