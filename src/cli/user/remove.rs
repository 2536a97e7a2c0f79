//! `user remove ADDR [--keep-mail | --purge]`: the row goes; the Maildir is set aside under
//! `removed/` (default), kept where it is, or purged.

use super::maildir;
use super::shared::to_json;
use crate::cli::{Ctx, Fail, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mailbox address.
    address: String,
    /// Leave the Maildir where it is (a later `user add` must then say --reuse-maildir).
    #[arg(long, conflicts_with = "purge")]
    keep_mail: bool,
    /// Delete the Maildir with all its mail.
    #[arg(long)]
    purge: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let Args {
            address,
            keep_mail,
            purge,
        } = self;
        let addr = ctx.address(&address)?;
        let db = ctx.db()?;
        if !keep_mail && db.user(&addr).map_err(core_fail)?.is_some() {
            // Its mail goes away, so does its index where that is not in the Maildir: first,
            // so a failure leaves the user in place to try again.
            crate::core::userdir::forget_index(&ctx.data_dir, &addr).map_err(|e| {
                Fail::hint(
                    format!("{addr}: forgetting its mailbox index failed, nothing removed: {e}"),
                    "check that the database answers (`mailctl status`), then run this again",
                )
            })?;
        }
        let user = db.remove_user(&addr).map_err(core_fail)?;
        let md = ctx.data_dir.maildir(&addr);
        let exists = maildir::exists(&md);
        let (mut purged, mut moved_to) = (false, None);
        if exists && purge {
            std::fs::remove_dir_all(&md).map_err(|e| {
                Fail::new(format!(
                    "user removed, but deleting {} failed: {e}",
                    md.display()
                ))
            })?;
            purged = true;
        } else if exists && !keep_mail {
            moved_to = Some(maildir::set_aside(&ctx.data_dir, &addr).map_err(|e| {
                Fail::hint(
                    format!(
                        "user removed, but moving its mail away from {} failed: {e}",
                        md.display()
                    ),
                    "move it by hand: a later `user add` of this address refuses while it is there",
                )
            })?);
        }
        if ctx.json {
            let mut j = to_json(&user);
            j.maildir = Some(md.display().to_string());
            output::json(&serde_json::json!({
                "removed": j, "purged": purged, "kept": exists && keep_mail,
                "moved_to": moved_to.as_ref().map(|p| p.display().to_string()),
            }))?;
        } else if !ctx.quiet {
            let mut msg = format!("removed user {}", addr.unicode());
            if purged {
                msg += &format!("\ndeleted its mail in {}", md.display());
            } else if let Some(to) = &moved_to {
                msg += &format!(
                    "\nits mail was moved to {} (a new user with this address starts empty); delete it there when you no longer need it",
                    to.display()
                );
            } else if exists {
                msg += &format!(
                    "\nits mail stays in {}; a later `user add {addr}` must say --reuse-maildir to take it over",
                    md.display()
                );
            }
            output::print(&msg)?;
        }
        Ok(())
    }
}
