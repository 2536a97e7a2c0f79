//! `maildir import-mbox ADDR FILE [--folder F] [--format F]`: an mbox file (or stdin) into a
//! mailbox folder, files 0600 as delivery writes them. The variants are explained in the
//! command's help (`Cmd::ImportMbox`).

use std::path::{Path, PathBuf};

use crate::cli::{Ctx, Fail};
use crate::core::settings::human_size;
use crate::maildir::mbox;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mailbox (an address of this server).
    pub(super) address: String,
    /// The mbox file; - reads it from stdin. Its first line must start with "From ".
    file: PathBuf,
    /// Folder to import into (INBOX, Archive/2024); created if missing.
    #[arg(long, default_value = "INBOX")]
    folder: String,
    /// mbox variant: auto, mboxrd or mboxo (see above).
    #[arg(long, value_enum, default_value = "auto")]
    format: mbox::Format,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let Args {
            address,
            file,
            folder,
            format,
        } = self;
        let root = ctx.mailbox_root(&address)?;
        let dir = ctx.folder(&root, &folder)?;
        crate::maildir::deliver::ensure(&root)
            .map_err(|e| Fail::new(format!("{}: {e}", root.display())))?;
        // stdin is read twice (detect, then import): keep it in a private temporary file.
        let spooled = if file.as_os_str() == "-" {
            let mut t = tempfile::NamedTempFile::new()?;
            std::io::copy(&mut std::io::stdin().lock(), t.as_file_mut())?;
            Some(t)
        } else {
            None
        };
        let src: &Path = spooled.as_ref().map(|t| t.path()).unwrap_or(&file);
        let len = std::fs::metadata(src)
            .map_err(|e| Fail::new(format!("{}: {e}", file.display())))?
            .len();
        let pb = output::byte_progress(len, "importing", ctx.progress());
        let s = mbox::import(src, &dir, format, |bytes, msgs| {
            pb.set_position(bytes);
            pb.set_message(format!("importing ({msgs} messages)"));
        })
        .map_err(|e| import_fail(&file, e))?;
        pb.finish_and_clear();
        let json =
            serde_json::json!({ "folder": folder, "messages": s.messages, "bytes": s.bytes });
        ctx.report(&json, || {
            format!(
                "imported {} message(s), {}, into {address} {folder}",
                s.messages,
                human_size(s.bytes)
            )
        })
    }
}

/// The CLI's words for a failed import.
fn import_fail(file: &Path, e: mbox::ImportError) -> anyhow::Error {
    let what = format!("{}: {e}", file.display());
    match e {
        mbox::ImportError::NotMbox(_) => Fail::hint(
            what,
            "an mbox starts with a 'From sender date' line; for a single message use `sendmail`, for a Maildir copy the files",
        )
        .into(),
        mbox::ImportError::Ambiguous(_) => Fail::hint(
            what,
            "say which variant wrote it: --format mboxrd (e.g. written by mailctl export-mbox) or --format mboxo (Python's mailbox module, older mail programs); see `mailctl maildir import-mbox --help`",
        )
        .into(),
        mbox::ImportError::Io(_) => Fail::new(what).into(),
    }
}
