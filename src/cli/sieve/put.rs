//! `sieve put ADDRESS NAME FILE`: store (or replace) a script after checking it compiles.

use std::path::PathBuf;

use crate::cli::{Ctx, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The user.
    address: String,
    /// The script's name.
    name: String,
    /// The script file, or - for stdin.
    file: PathBuf,
    /// Make it the active script too.
    #[arg(long)]
    activate: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let user = ctx.address(&self.address)?;
        let text = super::script_text(&self.file)?;
        let db = ctx.db()?;
        let max = db
            .setting_size("sieve.max_script_size")
            .map_err(core_fail)?;
        // Compile here first for the error with the file's name and line:column.
        if let Err(e) = crate::sieve::compile(&text, &limits(max), None) {
            return Err(super::compile_fail(&self.file, &e));
        }
        db.put_sieve_script(&user, &self.name, &text)
            .map_err(core_fail)?;
        if self.activate {
            db.activate_sieve_script(&user, Some(&self.name))
                .map_err(core_fail)?;
        }
        if ctx.json {
            output::json(&serde_json::json!({
                "address": user.to_string(), "name": self.name, "bytes": text.len(), "active": self.activate,
            }))?;
        } else if !ctx.quiet {
            let state = if self.activate { ", active" } else { "" };
            output::print(&format!(
                "stored {} for {user} ({} bytes{state})",
                self.name,
                text.len()
            ))?;
        }
        Ok(())
    }
}

pub(super) fn limits(max_size: u64) -> crate::sieve::Limits {
    crate::sieve::Limits {
        max_script_size: usize::try_from(max_size).unwrap_or(usize::MAX),
        ..Default::default()
    }
}
