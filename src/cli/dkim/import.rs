//! `dkim import DOMAIN FILE`: an existing private key (e.g. from the previous server) stored
//! as a signing key.

use super::keys::{announce, daemon_can_read, key_error, print_keys};
use crate::cli::{Ctx, Fail, core_fail};
use crate::dkim;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The domain whose mail the key signs.
    domain: String,
    /// The PEM file holding the private key.
    file: std::path::PathBuf,
    /// Selector (default: the dkim.selector setting, "mail").
    #[arg(long)]
    selector: Option<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let d = crate::cli::domain::parse(&self.domain)?;
        let selector = match self.selector {
            Some(s) => s,
            None => db.setting("dkim.selector").map_err(core_fail)?,
        };
        if !dkim::valid_selector(&selector) {
            return Err(Fail::usage(format!("'{selector}' is not a valid selector")).into());
        }
        let file = self.file;
        let pem = std::fs::read_to_string(&file)
            .map_err(|e| Fail::new(format!("cannot read {}: {e}", file.display())))?;
        let key = dkim::store(&ctx.data_dir, &d, &selector, &pem).map_err(key_error)?;
        let daemon = daemon_can_read(ctx, &key.path);
        print_keys(ctx, &[key])?;
        daemon?;
        announce(ctx)
    }
}
