//! `greylist remove ENTRY`.

use super::{Ctx, Entry, Fail};
use crate::core::greylist::Removed;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An allowed entry, a client address or network, or a sender domain.
    entry: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        // An address stands for its allow entry and for the network it is greylisted as.
        let names = match Entry::parse(&self.entry)? {
            Entry::Network(n) if n.prefix_len() == n.max_prefix_len() => vec![
                n.to_string(),
                crate::inbound::greylist::client_network(n.addr()),
            ],
            Entry::Network(n) => vec![n.to_string()],
            Entry::Domain(d) => vec![d],
        };
        let db = ctx.db()?;
        let mut removed = Removed::default();
        for name in &names {
            let r = db.greylist_remove(name)?;
            removed.allow += r.allow;
            removed.triplets += r.triplets;
            removed.clients += r.clients;
            removed.domains += r.domains;
        }
        if ctx.json {
            output::json(&serde_json::json!({ "entry": self.entry, "removed": removed }))?;
        } else if removed.total() == 0 {
            return Err(Fail::hint(
                format!("greylisting knows nothing about {}", self.entry),
                "see `mailctl greylist list`",
            )
            .into());
        } else if !ctx.quiet {
            output::print(&format!(
                "forgot {}: {} allow entries, {} triplets, {} client and {} domain records",
                self.entry, removed.allow, removed.triplets, removed.clients, removed.domains
            ))?;
        }
        Ok(())
    }
}
