//! `dkim generate DOMAIN`: a new signing key and the record to publish for it.

use super::keys::{announce, daemon_can_read, key_error, print_keys};
use crate::cli::{Ctx, Fail, core_fail};
use crate::dkim::{self, Algorithm};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The domain whose mail the key signs.
    domain: String,
    /// Selector (default: the dkim.selector setting, "mail").
    #[arg(long)]
    selector: Option<String>,
    /// ed25519 (small, modern) or rsa (2048 bits, verified everywhere; needs openssl).
    #[arg(long, value_enum, default_value = "ed25519")]
    algorithm: Algorithm,
    /// Replace an existing key with the same selector.
    #[arg(long)]
    force: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let d = crate::cli::domain::parse(&self.domain)?;
        if !db.domain_exists(&d)? {
            return Err(Fail::hint(
                format!("{d} is not served here"),
                format!("add it first with `mailctl domain add {d}`"),
            )
            .into());
        }
        let selector = match self.selector {
            Some(s) => s,
            None => db.setting("dkim.selector").map_err(core_fail)?,
        };
        let key = dkim::generate(&ctx.data_dir, &d, &selector, self.algorithm, self.force)
            .map_err(key_error)?;
        let daemon = daemon_can_read(ctx, &key.path);
        if !ctx.json && !ctx.quiet && daemon.is_ok() {
            output::print(&format!(
                "new DKIM key for {d}; the daemon signs mail from {d} with it; publish this record so receivers can verify it:\n"
            ))?;
        }
        print_keys(ctx, &[key])?;
        daemon?;
        announce(ctx)
    }
}
