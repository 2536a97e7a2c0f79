//! `import imap imaps://USER@HOST[:PORT] --password-stdin [--to ADDRESS]`, or many accounts
//! with `--all-users-from CSV` (`source_user,password[,to_address]` per line): every folder,
//! flag, keyword and internal date of an account on any IMAP server, keeping the source's
//! UIDVALIDITY and UIDs where the folder is new here (`crate::maildir::import::imap`).
//! Resumable: a rerun copies only what is above the last UID copied. The destination users
//! must exist (`mailctl user add`); their passwords are not the source's business.

use std::path::PathBuf;

use serde::Serialize;

use super::super::{Ctx, Fail};
use crate::maildir::import::dovecot::AccountReport;
use crate::maildir::import::imap::{Source, import_account};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The source: imaps://USER@HOST[:PORT] (USER may be an address; port 993 by default).
    /// With --all-users-from, USER@ may be left out.
    url: String,
    /// Read the source password from the first line of stdin.
    #[arg(long, conflicts_with = "all_users_from")]
    password_stdin: bool,
    /// The mailbox here to copy into (default: USER, when it is an address of this server).
    #[arg(long, conflicts_with = "all_users_from")]
    to: Option<String>,
    /// Many accounts: a CSV file of source_user,password[,to_address] lines (a header line
    /// starting with "user" and lines starting with # are skipped).
    #[arg(long, value_name = "CSV")]
    all_users_from: Option<PathBuf>,
    /// Accept any TLS certificate from the source (a test server's self-signed one).
    #[arg(long)]
    insecure_tls: bool,
}

#[derive(Serialize)]
struct Imported {
    source: String,
    address: String,
    #[serde(flatten)]
    mail: AccountReport,
}

/// HOST, PORT and the user (percent-decoded) of an imaps:// URL.
fn parse_url(url: &str) -> Result<(String, u16, Option<String>), String> {
    let rest = url
        .strip_prefix("imaps://")
        .ok_or("the source must be an imaps:// URL (TLS from the first byte, port 993)")?;
    let rest = rest.trim_end_matches('/');
    let (user, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) => (Some(percent_decode(u)?), h),
        None => (None, rest),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
            (h, p.parse::<u16>().map_err(|_| format!("bad port '{p}'"))?)
        }
        _ => (hostport, 993),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err("no host in the URL".into());
    }
    Ok((host.to_string(), port, user.filter(|u| !u.is_empty())))
}

fn percent_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or("bad %-escape in the URL")?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| "bad %-escape in the URL")?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the user in the URL is not UTF-8".into())
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let (host, port, url_user) =
            parse_url(&self.url).map_err(|e| Fail::usage(format!("{}: {e}", self.url)))?;
        let jobs = self.jobs(url_user)?;
        let db = ctx.db()?;
        let mut out = Vec::new();
        for (user, password, to) in jobs {
            let address = ctx.address(&to)?;
            ctx.user(&db, &address)?;
            let dst = ctx.mailbox_root(&address.to_string())?;
            let src = Source {
                host: host.clone(),
                port,
                user: user.clone(),
                password,
                insecure_tls: self.insecure_tls,
            };
            let pb = output::progress_bar(0, "copying", ctx.progress());
            let indexes = ctx.indexes()?;
            let account = address.to_string();
            let mail = import_account(&src, (&indexes, &account), &dst, &mut |folder, done, total| {
                pb.set_length(total);
                pb.set_position(done);
                pb.set_message(format!("{user} {folder}"));
            })
            .map_err(|e| {
                Fail::hint(
                    format!("importing {user} from {host}:{port}: {e}"),
                    "check the URL, the port (imaps, 993 by default) and the password; after an interruption the same command continues where it stopped",
                )
            })?;
            pb.finish_and_clear();
            ctx.data_dir.hand_over_tree(&dst)?;
            out.push(Imported {
                source: format!("imaps://{user}@{host}:{port}"),
                address: address.to_string(),
                mail,
            });
        }
        ctx.report(&serde_json::json!({ "accounts": out }), || {
            let mut lines = Vec::new();
            for a in &out {
                lines.push(format!(
                    "{} -> {}: {} subscription(s)",
                    a.source, a.address, a.mail.subscriptions
                ));
                lines.extend(super::folder_lines(" ", &a.mail.folders));
            }
            lines.join("\n")
        })
    }

    /// (source user, password, address here) for each account to copy.
    fn jobs(&self, url_user: Option<String>) -> anyhow::Result<Vec<(String, String, String)>> {
        let Some(csv) = &self.all_users_from else {
            let user =
                url_user.ok_or_else(|| Fail::usage("the URL names no user: imaps://USER@HOST"))?;
            if !self.password_stdin {
                return Err(Fail::usage("give the source password with --password-stdin").into());
            }
            let password = crate::cli::password::read_stdin_line()?;
            let to = self.to.clone().unwrap_or_else(|| user.clone());
            return Ok(vec![(user, password, to)]);
        };
        let text = std::fs::read_to_string(csv)
            .map_err(|e| Fail::new(format!("{}: {e}", csv.display())))?;
        let mut jobs = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty()
                || line.starts_with('#')
                || (i == 0 && line.to_ascii_lowercase().starts_with("user"))
            {
                continue;
            }
            let f = crate::cli::user::import::split_csv(line)
                .map_err(|e| Fail::new(format!("{} line {}: {e}", csv.display(), i + 1)))?;
            let (Some(user), Some(pw)) = (f.first(), f.get(1)) else {
                return Err(Fail::new(format!(
                    "{} line {}: expected source_user,password[,to_address]",
                    csv.display(),
                    i + 1
                ))
                .into());
            };
            let to = f.get(2).filter(|t| !t.is_empty()).unwrap_or(user);
            jobs.push((user.clone(), pw.clone(), to.clone()));
        }
        Ok(jobs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("imaps://u%40ex.test@mail.ex.test").unwrap(),
            ("mail.ex.test".into(), 993, Some("u@ex.test".into()))
        );
        assert_eq!(
            parse_url("imaps://u@ex.test@127.0.0.1:10993/").unwrap(),
            ("127.0.0.1".into(), 10993, Some("u@ex.test".into()))
        );
        assert_eq!(
            parse_url("imaps://[::1]:993").unwrap(),
            ("::1".into(), 993, None)
        );
        assert!(parse_url("imap://u@h").is_err());
        assert!(parse_url("imaps://u@h:x").is_err());
        assert!(parse_url("imaps://u@").is_err());
    }

    #[test]
    fn all_users_from_a_csv() {
        let tmp = tempfile::tempdir().unwrap();
        let csv = tmp.path().join("users.csv");
        std::fs::write(
            &csv,
            "user,password,to\n# old server\nann@old.test,\"pw,1\",ann@new.test\nbob,pw2\n",
        )
        .unwrap();
        let args = Args {
            url: "imaps://old.test".into(),
            password_stdin: false,
            to: None,
            all_users_from: Some(csv.clone()),
            insecure_tls: false,
        };
        let jobs = args.jobs(None).unwrap();
        assert_eq!(
            jobs,
            [
                ("ann@old.test".into(), "pw,1".into(), "ann@new.test".into()),
                ("bob".to_string(), "pw2".to_string(), "bob".to_string()),
            ]
        );
        std::fs::write(&csv, "lonely\n").unwrap();
        assert!(args.jobs(None).is_err());
    }
}
