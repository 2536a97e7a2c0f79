//! `completions` and `man`: generated from the one clap definition, so they never drift.

use std::path::{Path, PathBuf};

use clap_complete::Shell;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Directory to write mailctl.1, mailctl-*.1 and mailctl-settings.5 into (created if
    /// missing).
    pub dir: PathBuf,
}

pub fn completions(args: CompletionsArgs) -> anyhow::Result<()> {
    let mut cmd = super::command();
    // clap_complete panics on a write error, so render first and write with error handling
    // (`mailctl completions bash | head` must not panic).
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "mailctl", &mut buf);
    let mut out = std::io::stdout().lock();
    std::io::Write::write_all(&mut out, &buf)?;
    std::io::Write::flush(&mut out)?;
    Ok(())
}

pub fn man(args: ManArgs) -> anyhow::Result<()> {
    write_man_pages(&args.dir)?;
    Ok(())
}

/// Writes one page per command and subcommand, named as `man` looks them up, and the page of
/// settings.
pub fn write_man_pages(dir: &Path) -> std::io::Result<()> {
    super::manual::write_man_pages(dir)
}

/// Writes every completion script into `dir`, named as each shell's loader expects.
pub fn write_completions(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        clap_complete::generate_to(shell, &mut super::command(), "mailctl", dir)?;
    }
    Ok(())
}
