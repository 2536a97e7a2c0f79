//! `sieve test ADDRESS --message FILE [--from S --to R]`: the scripts delivery would run for
//! this user (before, active, after) on a message, and what they would do; nothing is
//! delivered or sent.

use std::path::PathBuf;

use crate::cli::Ctx;
use crate::output;
use crate::smtp::sieve_delivery::{ScriptCache, plan};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The user whose scripts run.
    address: String,
    /// The message (RFC 5322 file), or - for stdin.
    #[arg(long, value_name = "FILE")]
    message: PathBuf,
    /// Envelope sender (MAIL FROM); empty for the null sender.
    #[arg(long, value_name = "S", default_value = "")]
    from: String,
    /// Envelope recipient (RCPT TO). Default: ADDRESS.
    #[arg(long, value_name = "R")]
    to: Option<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let user = ctx.address(&self.address)?;
        let raw = super::read_input(&self.message)?;
        let db = ctx.db()?;
        let env = crate::sieve::Envelope {
            from: self.from.clone(),
            to: self.to.clone().unwrap_or_else(|| user.to_string()),
            auth: None,
        };
        let p = plan(&db, &ScriptCache::default(), &user, &raw, &env);
        if ctx.json {
            output::json(&p)?;
            return Ok(());
        }
        let mut lines = Vec::new();
        for s in &p.stores {
            let what = if s.keep {
                "keep".to_string()
            } else {
                format!("fileinto {}", s.folder)
            };
            let flags = if s.flags.is_empty() {
                String::new()
            } else {
                format!(" flags {}", s.flags)
            };
            let keywords = if s.keywords.is_empty() {
                String::new()
            } else {
                format!(" keywords {}", s.keywords.join(" "))
            };
            lines.push(format!("{what}{flags}{keywords}"));
        }
        lines.extend(p.redirects.iter().map(|r| format!("redirect {r}")));
        if let Some(r) = &p.reject {
            lines.push(format!("reject: {r}"));
        }
        lines.extend(
            p.vacations
                .iter()
                .map(|v| format!("vacation {v} (answered once per sender and period; not lists, bulk or auto-replies)")),
        );
        if p.stores.is_empty() && p.redirects.is_empty() && p.reject.is_none() {
            lines.push("discard".into());
        }
        if !p.header_edits.is_empty() {
            lines.push(format!(
                "{} header edit(s) on the stored copies",
                p.header_edits.len()
            ));
        }
        lines.extend(p.notes.iter().map(|n| format!("note: {n}")));
        output::print(&lines.join("\n"))?;
        Ok(())
    }
}
