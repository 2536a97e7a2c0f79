//! `import dovecot|imap`: migration in from another server, keeping UIDVALIDITY and UIDs so
//! the caches of IMAP clients stay valid (issue 22.3). One file per subcommand; the work is
//! in `crate::maildir::import` (Maildirs, the IMAP client) and `crate::core::import`
//! (password files). Not here: `user import` (CSV of users), `maildir import-mbox`.

use clap::Subcommand;

use super::Ctx;

mod dovecot;
mod imap;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Import Dovecot's Maildirs (and its passwd-file users), keeping UIDs, flags, keywords,
    /// dates and subscriptions.
    Dovecot(dovecot::Args),
    /// Copy every folder of an account from any IMAP server, keeping the source's
    /// UIDVALIDITY and UIDs where the folder is new here; resumable.
    Imap(imap::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Dovecot(a) => a.run(ctx),
            Cmd::Imap(a) => a.run(ctx),
        }
    }
}

/// The lines of a folder report a person reads: one per folder, then each skipped item.
pub(super) fn folder_lines(
    who: &str,
    folders: &[crate::maildir::import::FolderReport],
) -> Vec<String> {
    let mut out = Vec::new();
    for f in folders {
        out.push(format!(
            "{who} {}: {} copied, {} already here{}",
            f.folder,
            f.copied,
            f.present,
            if f.kept_uids {
                format!(", UIDs kept (UIDVALIDITY {})", f.uidvalidity)
            } else {
                format!(
                    ", NEW UIDs (the folder here already had mail; UIDVALIDITY {})",
                    f.uidvalidity
                )
            }
        ));
        for s in &f.skipped {
            out.push(format!("  skipped {s}"));
        }
    }
    out
}
