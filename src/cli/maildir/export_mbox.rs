//! `maildir export-mbox ADDR FOLDER FILE [--format F]`: a mailbox folder to an mbox file or
//! stdout (mboxrd by default, so `import-mbox` reads it back exactly).

use std::path::PathBuf;

use crate::cli::{Ctx, Fail};
use crate::maildir::{folder, mbox};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mailbox (an address of this server).
    address: String,
    /// Folder to export (INBOX, Sent, Archive/2024).
    folder: String,
    /// The mbox file to write; - writes to stdout.
    file: PathBuf,
    /// mbox variant: mboxrd (default; round-trips exactly) or mboxo (quotes only
    /// "From " lines; auto is mboxrd).
    #[arg(long, value_enum, default_value = "mboxrd")]
    format: mbox::Format,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let Args {
            address,
            folder,
            file,
            format,
        } = self;
        let root = ctx.mailbox_root(&address)?;
        let dir = ctx.folder(&root, &folder)?;
        if !dir.is_dir() {
            return Err(Fail::hint(
                format!("{address} has no folder {folder}"),
                format!("`mailctl maildir walk {address}` lists its folders"),
            )
            .into());
        }
        let to_stdout = file.as_os_str() == "-";
        let total = folder::stats(&dir).bytes;
        let pb = output::byte_progress(total, "exporting", ctx.progress() && !to_stdout);
        let progress = |bytes: u64, msgs: u64| {
            pb.set_position(bytes);
            pb.set_message(format!("exporting ({msgs} messages)"));
        };
        let s = if to_stdout {
            mbox::export(&dir, &mut std::io::stdout().lock(), format, progress)?
        } else {
            let mut f = std::fs::File::create(&file)
                .map_err(|e| Fail::new(format!("{}: {e}", file.display())))?;
            let s = mbox::export(&dir, &mut f, format, progress)?;
            f.sync_all()?;
            s
        };
        pb.finish_and_clear();
        if to_stdout {
            return Ok(());
        }
        let json =
            serde_json::json!({ "folder": folder, "messages": s.messages, "bytes": s.bytes });
        ctx.report(&json, || {
            format!(
                "exported {} message(s) from {address} {folder} to {}",
                s.messages,
                file.display()
            )
        })
    }
}
