//! `user import FILE [--skip-bad] [--allow-weak]`: many mailboxes from CSV in one transaction.
//!
//! Each line is `address,password_or_hash[,quota]`; a header line starting with `address` and
//! lines starting with `#` are skipped. Fields may be double-quoted (RFC 4180) so passwords can
//! hold commas. A second field that is a known hash format is stored as it is; anything else
//! is a plain password and is hashed with argon2id (in parallel, with a progress bar).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::super::{Ctx, Exit, Fail};
use crate::auth::HashCost;
use crate::core::settings::parse_size;
use crate::core::users::NewUser;
use crate::core::{Address, CoreError, Db};
use crate::output;

/// Lines longer than this are refused rather than read into memory.
const MAX_LINE: usize = 8192;

#[derive(Debug, Serialize)]
struct LineError {
    line: usize,
    error: String,
}

#[derive(Serialize)]
struct Summary {
    imported: usize,
    skipped: usize,
    hashed: usize,
    errors: Vec<LineError>,
}

enum Secret {
    Hash(String),
    Plain(String),
}

// Never print a plain password, not even in a test failure.
impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Hash(h) => write!(f, "Hash({h})"),
            Secret::Plain(_) => f.write_str("Plain(..)"),
        }
    }
}

struct Entry {
    line: usize,
    address: Address,
    secret: Secret,
    quota: u64,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file: address,password_or_hash[,quota] per line; a header line and lines
    /// starting with # are skipped.
    file: PathBuf,
    /// Import the good lines and report the bad ones instead of importing nothing.
    #[arg(long)]
    skip_bad: bool,
    /// Accept plain passwords that are the address, its local part or a common password.
    #[arg(long)]
    allow_weak: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let file = &self.file;
        let f = std::fs::File::open(file)
            .map_err(|e| Fail::new(format!("cannot open {}: {e}", file.display())))?;
        let mut db = ctx.db()?;
        let (entries, errors) = read_entries(&db, f, self.allow_weak)?;
        if !errors.is_empty() && !self.skip_bad {
            report_errors(ctx, &errors, 0)?;
            return Err(Fail::hint(
                format!(
                    "{}: {} bad line(s); nothing was imported",
                    file.display(),
                    errors.len()
                ),
                "fix the lines above, or pass --skip-bad to import the good ones",
            )
            .into());
        }

        let cost = HashCost::from_settings(&db).unwrap_or(HashCost::OWASP);
        let plain = entries
            .iter()
            .filter(|e| matches!(e.secret, Secret::Plain(_)))
            .count();
        let users = hash_all(ctx, entries, cost, plain)?;
        let imported = match db.import_users(&users) {
            Ok(n) => n,
            Err((i, e)) => {
                let line = users
                    .get(i)
                    .map(|u| u.address.to_string())
                    .unwrap_or_default();
                return Err(Fail::new(format!(
                    "import failed at {line}: {e}; nothing was imported"
                ))
                .into());
            }
        };
        let summary = Summary {
            imported,
            skipped: errors.len(),
            hashed: plain,
            errors,
        };
        report(ctx, file, &summary)?;
        if summary.skipped > 0 {
            return Err(Exit(1).into());
        }
        Ok(())
    }
}

/// Reads the CSV file: the entries to import, and the lines that cannot be.
fn read_entries(
    db: &Db,
    f: std::fs::File,
    allow_weak: bool,
) -> anyhow::Result<(Vec<Entry>, Vec<LineError>)> {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut reader = BufReader::new(f);
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let n = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.len() > MAX_LINE && !buf.ends_with(b"\n") {
            errors.push(LineError {
                line: line_no,
                error: format!("line longer than {MAX_LINE} bytes"),
            });
            // Skip the rest of the overlong line.
            let mut sink = Vec::new();
            reader.read_until(b'\n', &mut sink)?;
            continue;
        }
        let Ok(text) = std::str::from_utf8(&buf) else {
            errors.push(LineError {
                line: line_no,
                error: "not valid UTF-8".into(),
            });
            continue;
        };
        let text = text.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty()
            || text.starts_with('#')
            || (line_no == 1 && text.to_ascii_lowercase().starts_with("address"))
        {
            continue;
        }
        match entry(db, &mut seen, text, allow_weak)? {
            Ok((address, secret, quota)) => entries.push(Entry {
                line: line_no,
                address,
                secret,
                quota,
            }),
            Err(error) => errors.push(LineError {
                line: line_no,
                error,
            }),
        }
    }
    Ok((entries, errors))
}

/// One line's user, or why it cannot be imported: a bad line, an address seen before in
/// the file, an existing user, a domain not served here.
fn entry(
    db: &Db,
    seen: &mut HashSet<Address>,
    text: &str,
    allow_weak: bool,
) -> anyhow::Result<Result<(Address, Secret, u64), String>> {
    let e = match parse_line(text, allow_weak) {
        Ok(e) => e,
        Err(msg) => return Ok(Err(msg)),
    };
    if !seen.insert(e.0.clone()) {
        return Ok(Err(format!("{} appears twice in the file", e.0)));
    }
    if db.user(&e.0)?.is_some() {
        return Ok(Err(format!("user {} already exists", e.0)));
    }
    if !db.domain_exists(e.0.domain())? {
        return Ok(Err(format!(
            "domain {} is not served here (mailctl domain add {})",
            e.0.domain(),
            e.0.domain()
        )));
    }
    Ok(Ok(e))
}

/// The outcome: JSON, or the skipped lines on stderr and one line of figures.
fn report(ctx: &Ctx, file: &Path, summary: &Summary) -> anyhow::Result<()> {
    if ctx.json {
        output::json(summary)?;
        return Ok(());
    }
    if !summary.errors.is_empty() {
        report_errors(ctx, &summary.errors, summary.imported)?;
    }
    if !ctx.quiet {
        output::print(&format!(
            "imported {} user(s) from {}{}{}",
            summary.imported,
            file.display(),
            if summary.hashed > 0 {
                format!(", {} password(s) hashed", summary.hashed)
            } else {
                String::new()
            },
            if summary.skipped > 0 {
                format!(", {} bad line(s) skipped", summary.skipped)
            } else {
                String::new()
            }
        ))?;
    }
    Ok(())
}

fn report_errors(ctx: &Ctx, errors: &[LineError], imported: usize) -> anyhow::Result<()> {
    if ctx.json {
        output::json(&Summary {
            imported,
            skipped: errors.len(),
            hashed: 0,
            errors: errors
                .iter()
                .map(|e| LineError {
                    line: e.line,
                    error: e.error.clone(),
                })
                .collect(),
        })?;
        return Ok(());
    }
    for e in errors {
        eprintln!("line {}: {}", e.line, e.error);
    }
    Ok(())
}

fn parse_line(text: &str, allow_weak: bool) -> Result<(Address, Secret, u64), String> {
    let fields = split_csv(text)?;
    if fields.len() < 2 || fields.len() > 3 {
        return Err(format!(
            "expected address,password_or_hash[,quota]; found {} field(s)",
            fields.len()
        ));
    }
    let address = Address::parse(fields[0].trim()).map_err(|e| format!("bad address: {e}"))?;
    let secret = &fields[1];
    let secret = if crate::auth::classify(secret).is_ok() {
        crate::auth::validate_hash(secret).map_err(|e| e.to_string())?;
        Secret::Hash(secret.clone())
    } else {
        crate::cli::password::check(secret)?;
        if !allow_weak {
            crate::cli::password::check_guessable(secret, &address.to_string())
                .map_err(|e| format!("{e} (--allow-weak imports it anyway)"))?;
        }
        Secret::Plain(secret.clone())
    };
    let quota = match fields.get(2).map(|q| q.trim()).filter(|q| !q.is_empty()) {
        Some(q) => parse_size(q)?,
        None => 0,
    };
    Ok((address, secret, quota))
}

/// RFC 4180 fields: commas separate, double quotes enclose, `""` inside quotes is a quote.
pub(crate) fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                    if !matches!(chars.peek(), None | Some(',')) {
                        return Err("text after a closing quote".into());
                    }
                }
            }
            '"' if at_start => quoted = true,
            ',' if !quoted => {
                fields.push(std::mem::take(&mut cur));
                at_start = true;
                continue;
            }
            c => cur.push(c),
        }
        at_start = false;
    }
    if quoted {
        return Err("unclosed quote".into());
    }
    fields.push(cur);
    Ok(fields)
}

/// Hashes the plain passwords on every core, showing progress, and returns rows to insert.
fn hash_all(
    ctx: &Ctx,
    entries: Vec<Entry>,
    cost: HashCost,
    plain: usize,
) -> anyhow::Result<Vec<NewUser>> {
    let pb = output::progress_bar(
        plain as u64,
        "hashing passwords",
        ctx.progress() && plain > 0,
    );
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1);
    let chunk = entries.len().div_ceil(threads).max(1);
    let results: Vec<Result<Vec<NewUser>, (usize, CoreError)>> = std::thread::scope(|s| {
        let handles: Vec<_> = entries
            .chunks(chunk)
            .map(|part| {
                let pb = pb.clone();
                s.spawn(move || {
                    let mut out = Vec::with_capacity(part.len());
                    for e in part {
                        let hash = match &e.secret {
                            Secret::Hash(h) => h.clone(),
                            Secret::Plain(p) => {
                                let h = crate::auth::hash_password(p, cost)
                                    .map_err(|err| (e.line, CoreError::Invalid(err.to_string())))?;
                                pb.inc(1);
                                h
                            }
                        };
                        out.push(NewUser {
                            address: e.address.clone(),
                            password_hash: hash,
                            quota: e.quota,
                        });
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err((0, CoreError::Invalid("hashing thread panicked".into())))
                })
            })
            .collect()
    });
    pb.finish_and_clear();
    let mut users = Vec::with_capacity(entries.len());
    for r in results {
        users.extend(r.map_err(|(line, e)| Fail::new(format!("line {line}: {e}")))?);
    }
    Ok(users)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields() {
        assert_eq!(split_csv("a,b,c").unwrap(), ["a", "b", "c"]);
        assert_eq!(
            split_csv("a,\"p,w\"\"x\",2G").unwrap(),
            ["a", "p,w\"x", "2G"]
        );
        assert_eq!(split_csv("a,").unwrap(), ["a", ""]);
        assert!(split_csv("a,\"open").is_err());
        assert!(split_csv("a,\"x\"y").is_err());
    }

    #[test]
    fn lines() {
        assert!(matches!(parse_line("a@b.test,$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1", false).unwrap().1, Secret::Hash(_)));
        assert!(
            matches!(parse_line("a@b.test,longenough,1G", false).unwrap(), (_, Secret::Plain(_), q) if q == 1 << 30)
        );
        assert!(
            parse_line("a@b.test,short", false)
                .unwrap_err()
                .contains("shorter")
        );
        assert!(parse_line("a@@b.test,longenough", false).is_err());
        assert!(parse_line("a@b.test", false).is_err());
        assert!(parse_line("a@b.test,longenough,lots", false).is_err());
    }
}
