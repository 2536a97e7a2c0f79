//! `dkim show DOMAIN`: the TXT records of the keys held for a domain.

use super::keys::{key_error, print_keys};
use crate::cli::{Ctx, Fail};
use crate::dkim;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The domain.
    domain: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        // Only an existing server has keys: a mistyped --data-dir is an error, not "no key".
        let _db = ctx.db()?;
        let d = crate::cli::domain::parse(&self.domain)?;
        let keys = dkim::keys(&ctx.data_dir.dkim(), &d).map_err(key_error)?;
        if keys.is_empty() {
            return Err(Fail::hint(
                format!("no DKIM key for {d}"),
                format!("make one with `mailctl dkim generate {d}`"),
            )
            .into());
        }
        print_keys(ctx, &keys)
    }
}
