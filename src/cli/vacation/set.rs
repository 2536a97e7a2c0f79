//! `vacation set ADDRESS --subject S --body-file F [--from DATE --until DATE] [--days N]`.

use std::path::PathBuf;

use crate::cli::sieve::generated::{self, VACATION};
use crate::cli::{Ctx, Fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The user.
    address: String,
    /// The reply's subject (default: "Auto: " and the original subject).
    #[arg(long)]
    subject: Option<String>,
    /// The reply's text, UTF-8 (or - for stdin).
    #[arg(long)]
    body_file: PathBuf,
    /// First day to answer, YYYY-MM-DD (server time zone).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last day to answer, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Days between two replies to the same sender (RFC 5230 default 7, at least 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=365))]
    days: Option<u32>,
}

fn day(flag: &str, d: &Option<String>) -> anyhow::Result<Option<String>> {
    let Some(d) = d else { return Ok(None) };
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
        Fail::hint(
            format!("--{flag} {d}: not a date"),
            "give the day as YYYY-MM-DD, e.g. 2025-08-01",
        )
    })?;
    Ok(Some(d.clone()))
}

impl Args {
    /// The script's vacation rule (`core::autosieve`), the dates checked here first so an
    /// error names the flag.
    fn rules(&self, body: &str) -> anyhow::Result<String> {
        let (from, until) = (day("from", &self.from)?, day("until", &self.until)?);
        if let (Some(f), Some(u)) = (&from, &until)
            && f > u
        {
            return Err(Fail::hint(format!("--from {f} is after --until {u}"), "swap them").into());
        }
        let v = crate::core::autosieve::Vacation {
            subject: self.subject.clone(),
            body: body.to_string(),
            from,
            until,
            days: self.days,
        };
        v.rules().map_err(crate::cli::core_fail)
    }

    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let user = ctx.address(&self.address)?;
        let body = crate::cli::sieve::read_text(&self.body_file)?;
        let rules = self.rules(&body)?;
        let text = generated::install(ctx, &user, VACATION, &rules)?;
        if ctx.json {
            output::json(&serde_json::json!({
                "address": user.to_string(), "script": VACATION, "active": true, "content": text,
            }))?;
        } else if !ctx.quiet {
            output::print(&format!(
                "{user} now answers with an away message (Sieve script {VACATION}, active; `mailctl sieve get {user} {VACATION}` shows it)"
            ))?;
        }
        Ok(())
    }
}
