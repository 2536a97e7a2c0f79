//! `greylist list [--limit N]`.

use serde::Serialize;

use super::Ctx;
use crate::core::greylist::{AllowRow, ClientRow, TripletRow};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show at most this many triplets, most recently seen first.
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

#[derive(Serialize)]
struct Listing {
    allow: Vec<AllowRow>,
    clients: Vec<ClientRow>,
    triplets: Vec<TripletRow>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let l = Listing {
            allow: db.greylist_allowed()?,
            clients: db.greylist_clients()?,
            triplets: db.greylist_triplets(self.limit)?,
        };
        if ctx.json {
            return Ok(output::json(&l)?);
        }
        let fmt = crate::core::time::rfc3339;
        let mut parts = Vec::new();
        if !l.allow.is_empty() {
            parts.push(output::table(
                &["ALLOWED", "KIND", "SINCE"],
                l.allow
                    .iter()
                    .map(|a| vec![a.entry.clone(), a.kind.clone(), fmt(a.created)]),
            ));
        }
        if !l.clients.is_empty() {
            parts.push(output::table(
                &["CLIENT NETWORK", "CORRECT RETRIES", "LAST SEEN"],
                l.clients
                    .iter()
                    .map(|c| vec![c.client.clone(), c.passes.to_string(), fmt(c.last_seen)]),
            ));
        }
        if !l.triplets.is_empty() {
            parts.push(output::table(
                &[
                    "CLIENT NETWORK",
                    "SENDER",
                    "RECIPIENT",
                    "FIRST SEEN",
                    "PASSES",
                ],
                l.triplets.iter().map(|t| {
                    let sender = if t.sender.is_empty() { "<>" } else { &t.sender };
                    vec![
                        t.client.clone(),
                        sender.to_string(),
                        t.recipient.clone(),
                        fmt(t.first_seen),
                        t.passes.to_string(),
                    ]
                }),
            ));
        }
        if parts.is_empty() {
            if !ctx.quiet {
                output::print("greylisting remembers nothing yet and nothing is allowed")?;
            }
        } else {
            output::print(&parts.join("\n"))?;
        }
        Ok(())
    }
}
