//! `sieve list|get|put|activate|deactivate|delete|check|test`: users' Sieve scripts (RFC 5228),
//! the same ones ManageSieve clients see. One file per command; this one holds the command
//! list (its doc comments are the help text and man pages) and the dispatch.
//!
//! Not here: storing scripts (`core::sieve`), running them (`crate::sieve`,
//! `smtp::sieve_delivery`).

use clap::Subcommand;

use super::Ctx;

mod activate;
mod check;
mod deactivate;
mod delete;
pub(crate) mod generated;
mod get;
mod list;
mod put;
mod test;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// A user's scripts, which one is active, sizes and when changed.
    List(list::Args),
    /// Print a stored script.
    Get(get::Args),
    /// Store a script from a file (or - for stdin) after checking it compiles.
    Put(put::Args),
    /// Make a script the one delivery runs.
    Activate(activate::Args),
    /// Run no script of this user at delivery.
    Deactivate(deactivate::Args),
    /// Delete a script (not the active one).
    Delete(delete::Args),
    /// Check that a script file compiles; errors say line:column.
    Check(check::Args),
    /// Dry run: what the scripts would do with a message, without delivering it.
    Test(test::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::List(a) => a.run(ctx),
            Cmd::Get(a) => a.run(ctx),
            Cmd::Put(a) => a.run(ctx),
            Cmd::Activate(a) => a.run(ctx),
            Cmd::Deactivate(a) => a.run(ctx),
            Cmd::Delete(a) => a.run(ctx),
            Cmd::Check(a) => a.run(ctx),
            Cmd::Test(a) => a.run(ctx),
        }
    }
}

/// Reads a script or message from FILE, or stdin for `-`.
fn read_input(file: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut buf)?;
    } else {
        buf = std::fs::read(file).map_err(|e| {
            crate::cli::Fail::hint(
                format!("{}: {e}", file.display()),
                "give a readable file, or - for stdin",
            )
        })?;
    }
    Ok(buf)
}

/// A script as text: Sieve scripts are UTF-8 (RFC 5228 §2.1).
fn script_text(file: &std::path::Path) -> anyhow::Result<String> {
    String::from_utf8(read_input(file)?).map_err(|_| {
        crate::cli::Fail::new(format!("{}: a Sieve script must be UTF-8", file.display())).into()
    })
}

/// A compile error as `FILE:LINE:COLUMN: why`, the form editors jump to.
fn compile_fail(file: &std::path::Path, e: &crate::sieve::CompileError) -> anyhow::Error {
    crate::cli::Fail::hint(
        format!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message),
        "fix the script and try again; `mailctl sieve check` checks without storing",
    )
    .into()
}

/// A text file (or stdin for `-`) that must be UTF-8, e.g. a vacation message.
pub(crate) fn read_text(file: &std::path::Path) -> anyhow::Result<String> {
    String::from_utf8(read_input(file)?).map_err(|_| {
        crate::cli::Fail::new(format!("{}: the text must be UTF-8", file.display())).into()
    })
}
