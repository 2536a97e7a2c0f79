//! `maildir reindex ADDR`: rebuild the account's UID index from its Maildir, keeping the UIDs
//! of the messages it already knows.

use crate::cli::{Ctx, Fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mailbox (an address of this server).
    pub(super) address: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let (indexes, account, root) = ctx.index_of(&self.address)?;
        let mut ix = indexes
            .open(&account, &root)
            .map_err(|e| Fail::new(format!("cannot open the index in {}: {e}", root.display())))?;
        let reports = ix.sync_all()?;
        if ctx.json {
            output::json(&reports)?;
        } else {
            output::print(&output::table(
                &[
                    "FOLDER",
                    "MESSAGES",
                    "ADDED",
                    "REMOVED",
                    "FLAGS CHANGED",
                    "UIDVALIDITY",
                ],
                reports.iter().map(|r| {
                    vec![
                        r.folder.clone(),
                        r.messages.to_string(),
                        r.added.to_string(),
                        r.removed.to_string(),
                        r.changed.to_string(),
                        r.uidvalidity.to_string(),
                    ]
                }),
            ))?;
        }
        Ok(())
    }
}
