//! `sieve check ADDRESS FILE`: whether a script compiles under the server's limits, without
//! storing it. Exit 1 with `FILE:LINE:COLUMN: why` when it does not.

use std::path::PathBuf;

use crate::cli::{Ctx, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The user it is meant for (must exist).
    address: String,
    /// The script file, or - for stdin.
    file: PathBuf,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let user = ctx.address(&self.address)?;
        let db = ctx.db()?;
        if db.user(&user).map_err(core_fail)?.is_none() {
            return Err(core_fail(crate::core::CoreError::NotFound {
                kind: "user",
                name: user.to_string(),
            }));
        }
        let text = super::script_text(&self.file)?;
        let max = db
            .setting_size("sieve.max_script_size")
            .map_err(core_fail)?;
        let result = crate::sieve::compile(&text, &super::put::limits(max), None);
        if ctx.json {
            let (ok, error) = match &result {
                Ok(_) => (true, None),
                Err(e) => (
                    false,
                    Some(
                        serde_json::json!({"line": e.line, "column": e.column, "message": e.message}),
                    ),
                ),
            };
            output::json(&serde_json::json!({ "ok": ok, "error": error }))?;
            if !ok {
                return Err(crate::cli::Fail::new("the script does not compile").into());
            }
            return Ok(());
        }
        match result {
            Ok(_) => {
                if !ctx.quiet {
                    output::print(&format!("{}: ok", self.file.display()))?;
                }
                Ok(())
            }
            Err(e) => Err(super::compile_fail(&self.file, &e)),
        }
    }
}
