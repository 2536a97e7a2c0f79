//! `user add ADDR`: a new mailbox. Everything that can be checked is checked before the
//! password is asked for; an existing Maildir is only handed over with --reuse-maildir.

use super::maildir;
use super::shared::{cost, parse_quota, quota_text, to_json};
use crate::cli::password::PasswordArgs;
use crate::cli::{Ctx, Fail, core_fail};
use crate::core::settings::human_size;
use crate::core::users::NewUser;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mailbox address, e.g. alice@example.org (its domain must be served here).
    address: String,
    /// Give the new user the Maildir that already exists for this address, with all its
    /// mail.
    #[arg(long)]
    reuse_maildir: bool,
    #[command(flatten)]
    password: PasswordArgs,
    /// Mailbox size limit, e.g. 2G or 500M (default: none).
    #[arg(long, value_name = "SIZE")]
    quota: Option<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let addr = ctx.address(&self.address)?;
        let quota = parse_quota(self.quota.as_deref())?;
        let db = ctx.db()?;
        // Check what can be checked before asking for a password.
        if db.user(&addr)?.is_some() {
            return Err(Fail::new(format!("user {addr} already exists")).into());
        }
        let md = ctx.data_dir.maildir(&addr);
        let found = maildir::exists(&md).then(|| maildir::content(&md));
        if let Some((n, bytes)) = found
            && !self.reuse_maildir
        {
            return Err(Fail::hint(
                format!(
                    "a Maildir for {addr} already exists ({}: {n} message(s), {}); the new user would get that mail",
                    md.display(),
                    human_size(bytes)
                ),
                "pass --reuse-maildir to give it to the new user, or move it away first",
            )
            .into());
        }
        if !db.domain_exists(addr.domain())? {
            let d = addr.domain().unicode();
            return Err(Fail::hint(
                format!("domain {d} is not served here"),
                format!("add it first with `mailctl domain add {d}`"),
            )
            .into());
        }
        let pw = self.password.resolve(&addr.to_string(), cost(&db))?;
        let user = db
            .add_user(&NewUser {
                address: addr.clone(),
                password_hash: pw.hash,
                quota,
            })
            .map_err(core_fail)?;
        if ctx.json {
            let mut j = to_json(&user);
            j.generated_password = pw.generated;
            j.maildir = Some(md.display().to_string());
            output::json(&j)?;
            return Ok(());
        }
        if !ctx.quiet {
            output::print(&format!(
                "added user {} (quota {})",
                addr.unicode(),
                quota_text(quota)
            ))?;
            if let Some((n, bytes)) = found {
                output::print(&format!(
                    "reusing the existing Maildir {}: {n} message(s), {}",
                    md.display(),
                    human_size(bytes)
                ))?;
            }
        }
        if let Some(p) = pw.generated {
            output::print(&format!("password: {p}\n(shown once; store it now)"))?;
        }
        Ok(())
    }
}
