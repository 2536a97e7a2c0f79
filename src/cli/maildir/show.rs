//! `maildir show FILE|ADDRESS:FOLDER:UID`: one message's headers, MIME tree and text, a part
//! of it decoded, or the file as it is.

use std::io::Write;
use std::path::{Path, PathBuf};

use mail_parser::{Message, MimeHeaders};

use crate::cli::{Ctx, Fail};
use crate::core::settings::human_size;
use crate::maildir::folder;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A message file, or ADDRESS:FOLDER:UID (e.g. alice@example.org:INBOX:42).
    file: String,
    /// Print the file as it is.
    #[arg(long)]
    raw: bool,
    /// Write MIME part N (as numbered in the tree) to stdout, decoded.
    #[arg(long)]
    part: Option<usize>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let file = message_file(ctx, &self.file)?;
        let bytes =
            std::fs::read(&file).map_err(|e| Fail::new(format!("{}: {e}", file.display())))?;
        if self.raw {
            std::io::stdout().lock().write_all(&bytes)?;
            return Ok(());
        }
        let msg = mail_parser::MessageParser::default()
            .parse(&bytes)
            .ok_or_else(|| {
                Fail::hint(
                    format!("{} is not a parsable message", file.display()),
                    "--raw prints it as it is",
                )
            })?;
        if let Some(n) = self.part {
            let p = msg.parts.get(n).ok_or_else(|| {
                Fail::usage(format!(
                    "--part {n}: the message has parts 0 to {}",
                    msg.parts.len().saturating_sub(1)
                ))
            })?;
            std::io::stdout().lock().write_all(p.contents())?;
            return Ok(());
        }
        print(ctx, &msg)
    }
}

/// The headers that matter, the MIME tree and the text, as JSON or for people.
fn print(ctx: &Ctx, msg: &Message) -> anyhow::Result<()> {
    let parts: Vec<serde_json::Value> = msg
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let ct = p.content_type().map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or(""))).unwrap_or_else(|| "text/plain".into());
            serde_json::json!({ "part": i, "type": ct, "size": p.contents().len(), "filename": p.attachment_name() })
        })
        .collect();
    let body = msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    let addr = |a: Option<&mail_parser::Address>| {
        a.map(|l| {
            l.iter()
                .filter_map(|x| x.address())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
    };
    if ctx.json {
        output::json(&serde_json::json!({
            "from": addr(msg.from()), "to": addr(msg.to()), "cc": addr(msg.cc()),
            "subject": msg.subject(), "date": msg.date().map(|d| d.to_rfc3339()), "message_id": msg.message_id(),
            "parts": parts, "text": body,
        }))?;
        return Ok(());
    }
    let mut out = output::fields(&[
        ("From", addr(msg.from())),
        ("To", addr(msg.to())),
        ("Cc", addr(msg.cc())),
        ("Subject", msg.subject().unwrap_or("").to_string()),
        (
            "Date",
            msg.date().map(|d| d.to_rfc3339()).unwrap_or_default(),
        ),
        ("Message-ID", msg.message_id().unwrap_or("").to_string()),
    ]);
    out.push('\n');
    out.push_str(&output::table(
        &["PART", "TYPE", "SIZE", "FILENAME"],
        parts.iter().map(|p| {
            vec![
                p["part"].to_string(),
                p["type"].as_str().unwrap_or("").to_string(),
                human_size(p["size"].as_u64().unwrap_or(0)),
                p["filename"].as_str().unwrap_or("").to_string(),
            ]
        }),
    ));
    out.push_str("\n\n");
    out.push_str(&body);
    output::print(&out)?;
    Ok(())
}

/// A message file, or the file of ADDRESS:FOLDER:UID through the account's index.
fn message_file(ctx: &Ctx, target: &str) -> anyhow::Result<PathBuf> {
    if Path::new(target).exists() {
        return Ok(PathBuf::from(target));
    }
    let parts: Vec<&str> = target.rsplitn(3, ':').collect();
    let [uid, folder_name, address] = parts[..] else {
        return Err(Fail::usage(format!(
            "'{target}' is neither a file nor ADDRESS:FOLDER:UID"
        ))
        .into());
    };
    let uid: u32 = uid
        .parse()
        .map_err(|_| Fail::usage(format!("'{uid}' is not a UID")))?;
    let (indexes, account, root) = ctx.index_of(address)?;
    let dir = ctx.folder(&root, folder_name)?;
    let mut ix = indexes.open(&account, &root)?;
    ix.sync(folder_name, &dir)?;
    let unique = ix.unique_of(folder_name, uid)?.ok_or_else(|| {
        Fail::hint(
            format!("{address} {folder_name} has no UID {uid}"),
            format!("`mailctl maildir ls {address} --folder {folder_name}` lists the messages"),
        )
    })?;
    folder::entries(&dir)
        .into_iter()
        .find(|e| e.name.unique == unique)
        .map(|e| e.path)
        .ok_or_else(|| Fail::new(format!("UID {uid} was just expunged")).into())
}
