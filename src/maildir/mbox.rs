//! mbox import and export, streaming in constant memory (a message's header section is the
//! most held at once, capped). mboxrd quoting by default (`>From ` lines gain or lose one
//! `>`, so the round trip is exact); mboxo on request. `Status:`/`X-Status:` headers (mutt,
//! Thunderbird, Dovecot) carry flags to Maildir file names and back.
//!
//! Not here: writing an mbox (`mbox/export.rs`); finding the folder for an address (the
//! CLI), Maildir names and flags (`maildir::name`), the IMAP UID index (`maildir::index`).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use super::name::Name;

mod export;

pub use export::export;

/// Largest header section held in memory; longer ones are stored as they come.
const MAX_HEADER: usize = 1 << 20;
/// Longest line read at once; longer lines pass through in pieces.
const MAX_LINE: u64 = 1 << 20;

/// The two `From `-quoting variants (RFC 4155 §2 leaves it open). Both write a body line
/// `From x` as `>From x`. mboxrd also adds a `>` to `>From`, `>>From`, ... lines, so reading
/// removes one `>` from every `>+From ` line and the round trip is exact (our export writes
/// it). mboxo leaves `>From` lines alone, so a reader cannot tell a quoted
/// `From ` from a body's own `>From `: the lines are kept as they are (what Python's
/// `mailbox.mbox`, which writes mboxo, reads back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Decide from the file: with no `>From ` line both variants read the same; with one,
    /// refuse to guess.
    Auto,
    /// `>+From ` lines lose one `>` (what `mailctl maildir export-mbox` writes).
    Mboxrd,
    /// `>From ` lines are kept (Python's mailbox module, older mail programs).
    Mboxo,
}

/// Why an mbox cannot be imported as asked.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not an mbox file: the first line does not start with 'From ' (it starts with {0:?})")]
    NotMbox(String),
    #[error(
        "cannot tell mboxrd from mboxo: {0} body line(s) start with '>From ', which mboxrd would unquote and mboxo keeps"
    )]
    Ambiguous(u64),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Checks that `mbox` starts like one (an empty file is an empty mbox) and, for
/// [`Format::Auto`], decides the variant: the count of `>+From ` lines decides whether the
/// variants differ at all.
pub fn detect(mbox: &Path, format: Format) -> Result<Format, ImportError> {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(mbox)?);
    let mut line = Vec::with_capacity(256);
    let n = (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(if format == Format::Auto {
            Format::Mboxrd
        } else {
            format
        });
    }
    if !line.starts_with(b"From ") {
        let shown: String = String::from_utf8_lossy(&line[..line.len().min(40)])
            .trim_end()
            .to_string();
        return Err(ImportError::NotMbox(shown));
    }
    if format != Format::Auto {
        return Ok(format);
    }
    let mut quoted = 0u64;
    let mut at_line_start = true;
    loop {
        line.clear();
        let n = (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        if at_line_start && is_quoted_from(&line) {
            quoted += 1;
        }
        at_line_start = line.ends_with(b"\n");
    }
    if quoted == 0 {
        Ok(Format::Mboxrd)
    } else {
        Err(ImportError::Ambiguous(quoted))
    }
}

/// `>From `, `>>From `, ...
fn is_quoted_from(line: &[u8]) -> bool {
    line.starts_with(b">")
        && line
            .iter()
            .skip_while(|&&b| b == b'>')
            .take(5)
            .eq(b"From ".iter())
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub messages: u64,
    pub bytes: u64,
}

/// Maildir flags from `Status:` (R seen, O old) and `X-Status:` (A answered, F flagged,
/// D deleted, T draft) values.
pub fn flags_from_status(status: &str, x_status: &str) -> String {
    let mut f = String::new();
    if status.contains('R') {
        f.push('S');
    }
    for (x, m) in [('A', 'R'), ('F', 'F'), ('D', 'T'), ('T', 'D')] {
        if x_status.contains(x) {
            f.push(m);
        }
    }
    f
}

/// The `Status:`/`X-Status:` values for Maildir flags.
pub fn status_from_flags(name: &Name) -> (String, String) {
    let status = if name.has('S') { "RO" } else { "O" }.to_string();
    let mut x = String::new();
    for (m, c) in [('R', 'A'), ('F', 'F'), ('T', 'D'), ('D', 'T')] {
        if name.has(m) {
            x.push(c);
        }
    }
    (status, x)
}

fn is_status_header(line: &[u8]) -> bool {
    let l = line.to_ascii_lowercase();
    l.starts_with(b"status:") || l.starts_with(b"x-status:")
}

/// asctime-style date of a `From ` line (`From sender Thu Nov 24 10:00:00 2026`).
fn from_line_time(line: &str) -> Option<i64> {
    let rest: Vec<&str> = line.split_whitespace().skip(2).collect();
    let joined = rest.join(" ");
    for fmt in ["%a %b %e %H:%M:%S %Y", "%a %b %d %H:%M:%S %Y"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(joined.trim(), fmt) {
            return Some(t.and_utc().timestamp());
        }
    }
    None
}

struct Pending {
    /// The file's name in tmp/.
    tmp: String,
    out: BufWriter<File>,
    header: Vec<u8>,
    in_header: bool,
    status: String,
    x_status: String,
    time: Option<i64>,
    bytes: u64,
    /// Length of the Return-Path line made from the From line, at the header's start.
    made_return_path: usize,
}

/// Imports an mbox into the Maildir folder at `folder` (created if missing), with files
/// 0600 as delivery writes them, never through a link. Refuses a file that is not an mbox;
/// [`Format::Auto`] is decided by [`detect`]. Calls `progress(bytes_read, messages)` as it
/// goes.
pub fn import(
    mbox: &Path,
    folder: &Path,
    format: Format,
    mut progress: impl FnMut(u64, u64),
) -> Result<Summary, ImportError> {
    let format = detect(mbox, format)?;
    let md = super::safe::Maildir::open(folder)?;
    let mut reader = BufReader::with_capacity(1 << 16, File::open(mbox)?);
    let mut summary = Summary::default();
    let mut current: Option<Pending> = None;
    let mut line = Vec::with_capacity(256);
    let mut read = 0u64;
    let mut at_line_start = true;
    loop {
        line.clear();
        let n = (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        read += n as u64;
        let starts_line = at_line_start;
        at_line_start = line.ends_with(b"\n");
        if starts_line && line.starts_with(b"From ") {
            if let Some(p) = current.take() {
                finish(p, &md, &mut summary)?;
                progress(read, summary.messages);
            }
            current = Some(start_message(&line, &md)?);
            continue;
        }
        let Some(p) = current.as_mut() else { continue }; // text before the first From line
        // Undo the quoting: mboxrd lines `>+From ` lose one '>'; mboxo keeps them.
        let body: &[u8] = if starts_line && format == Format::Mboxrd && is_quoted_from(&line) {
            &line[1..]
        } else {
            &line
        };
        if p.in_header && header_line(p, body, starts_line)? {
            continue;
        }
        p.out.write_all(body)?;
        p.bytes += body.len() as u64;
    }
    if let Some(p) = current.take() {
        finish(p, &md, &mut summary)?;
    }
    progress(read, summary.messages);
    // Everything imported reaches the disk before we say it is done.
    let cur = File::open(md.cur.path())?;
    crate::sys::syncfs(&cur)?;
    Ok(summary)
}

/// Opens the tmp/ file for the message a `From ` line starts, its header begun.
fn start_message(line: &[u8], md: &super::safe::Maildir) -> std::io::Result<Pending> {
    let text = String::from_utf8_lossy(line);
    let tmp = super::deliver::unique_name();
    let out = BufWriter::with_capacity(1 << 16, md.tmp.create(&tmp, 0o600)?);
    // The envelope sender of the From line lives on as Return-Path, as a delivered
    // message's would, so export can write the same From line back.
    let sender = text
        .split_whitespace()
        .nth(1)
        .unwrap_or("MAILER-DAEMON")
        .to_string();
    let header = if sender == "MAILER-DAEMON" {
        Vec::new()
    } else {
        format!("Return-Path: <{sender}>\n").into_bytes()
    };
    let made_return_path = header.len();
    Ok(Pending {
        tmp,
        out,
        header,
        in_header: true,
        status: String::new(),
        x_status: String::new(),
        time: from_line_time(&text),
        bytes: 0,
        made_return_path,
    })
}

/// One line of a message's header section: held (bounded by [`MAX_HEADER`]) so `Status:`
/// and `X-Status:` can become flags and a made-up `Return-Path` can give way to the
/// message's own. `true` when the line is consumed; `false` when the header section ended
/// without it (it is body).
fn header_line(p: &mut Pending, body: &[u8], starts_line: bool) -> std::io::Result<bool> {
    if starts_line && (body == b"\n" || body == b"\r\n") {
        p.in_header = false;
        p.made_return_path = 0;
        p.out.write_all(&p.header)?;
        p.out.write_all(body)?;
        p.bytes += (p.header.len() + body.len()) as u64;
        p.header.clear();
        return Ok(true);
    }
    if starts_line && is_status_header(body) {
        let v = String::from_utf8_lossy(body).to_string();
        let (k, val) = v.split_once(':').unwrap_or(("", ""));
        if k.eq_ignore_ascii_case("status") {
            p.status = val.trim().to_string();
        } else {
            p.x_status = val.trim().to_string();
        }
        return Ok(true);
    }
    if starts_line
        && body.to_ascii_lowercase().starts_with(b"return-path:")
        && p.made_return_path > 0
    {
        // The message has its own: drop the one made from the From line.
        p.header.drain(..p.made_return_path);
        p.made_return_path = 0;
    }
    if p.header.len() + body.len() <= MAX_HEADER {
        p.header.extend_from_slice(body);
        return Ok(true);
    }
    // An absurd header section: stop holding it.
    p.made_return_path = 0;
    p.out.write_all(&p.header)?;
    p.bytes += p.header.len() as u64;
    p.header.clear();
    p.in_header = false;
    Ok(false)
}

/// Moves a finished message from tmp/ to cur/ under a name carrying its size and flags.
fn finish(mut p: Pending, md: &super::safe::Maildir, summary: &mut Summary) -> std::io::Result<()> {
    if !p.header.is_empty() {
        p.out.write_all(&p.header)?;
        p.bytes += p.header.len() as u64;
    }
    // mbox separates messages with an empty line that is not part of the message.
    let file = p.out.into_inner().map_err(|e| e.into_error())?;
    let len = file.metadata()?.len();
    let keep = trailing_separator(&file, len)?;
    if keep < len {
        file.set_len(keep)?;
    }
    if let Some(t) = p.time {
        let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t.max(0) as u64);
        let _ = file.set_modified(when);
    }
    // No fsync per message: the import is a batch whose source stays on disk, and one
    // syncfs at the end (see `import`) makes all of it durable at a fraction of the cost.
    drop(file);
    let unique = p.tmp.clone();
    let unique = match p.time {
        // Keep the original date as the name's time, so sorting by name sorts by date.
        Some(t) => unique.replacen(unique.split('.').next().unwrap_or(""), &t.to_string(), 1),
        None => unique,
    };
    let unique = format!("{unique},S={keep}");
    let flags = flags_from_status(&p.status, &p.x_status);
    let name = Name {
        unique,
        flags: Some(String::new()),
        size: Some(keep),
        time: p.time,
    }
    .with_flags(&flags);
    md.tmp.rename(&p.tmp, &md.cur, &name.to_string())?;
    summary.messages += 1;
    summary.bytes += keep;
    let _ = p.bytes;
    Ok(())
}

/// The length without the blank separator line mbox puts after each message.
fn trailing_separator(f: &File, len: u64) -> std::io::Result<u64> {
    use std::os::unix::fs::FileExt;
    if len < 2 {
        return Ok(len);
    }
    let back = len.min(4);
    let mut tail = vec![0u8; back as usize];
    f.read_exact_at(&mut tail, len - back)?;
    Ok(if tail.ends_with(b"\r\n\r\n") {
        len - 2
    } else if tail.ends_with(b"\n\n") {
        len - 1
    } else {
        len
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::maildir::folder::entries;

    #[test]
    fn flags_map_both_ways() {
        assert_eq!(flags_from_status("RO", "AF"), "SRF");
        let n = Name::parse("1.x:2,FRS").unwrap();
        assert_eq!(status_from_flags(&n), ("RO".to_string(), "AF".to_string()));
    }

    #[test]
    fn round_trip_keeps_messages_flags_and_quoting() {
        let dir = tempfile::tempdir().unwrap();
        let mbox = dir.path().join("in.mbox");
        let text = "From alice@example.org Thu Nov 20 10:00:00 2025\nFrom: alice@example.org\nSubject: one\nStatus: RO\nX-Status: F\n\nbody\n>From quoted once\nFrom here\n\nFrom bob@example.org Fri Nov 21 11:00:00 2025\nFrom: bob@example.org\nSubject: two\n\nsecond\n\n";
        // The second body line is mboxrd-quoted; "From here" inside a body cannot occur in a
        // valid mbox, so the writer below quotes it.
        let text = text.replace("From here\n", ">From here\n");
        std::fs::write(&mbox, &text).unwrap();
        let folder = dir.path().join("Maildir");
        let s = import(&mbox, &folder, Format::Mboxrd, |_, _| {}).unwrap();
        assert_eq!(s.messages, 2);
        let list = entries(&folder);
        assert_eq!(list.len(), 2);
        let first = list.iter().find(|e| e.name.has('F')).unwrap();
        assert!(first.name.has('S'));
        let stored = std::fs::read_to_string(&first.path).unwrap();
        assert!(
            stored.contains("From quoted once") && !stored.contains("Status:"),
            "{stored}"
        );
        let mut out = Vec::new();
        export(&folder, &mut out, Format::Mboxrd, |_, _| {}).unwrap();
        let back = String::from_utf8(out).unwrap();
        assert_eq!(back.matches("\nFrom ").count() + 1, 2, "{back}");
        assert!(
            back.contains("\n>From quoted once\n") && back.contains("X-Status: F"),
            "{back}"
        );
        assert!(
            back.starts_with("From alice@example.org Thu Nov 20 10:00:00 2025\n"),
            "{back}"
        );
    }

    /// Bodies of lines that start with any number of `>` before `From `, and other lines.
    fn bodies() -> impl proptest::strategy::Strategy<Value = Vec<String>> {
        use proptest::prelude::*;
        let line = prop_oneof![
            "(>){0,3}From [a-z ]{0,8}",
            "[a-z>][a-z >]{0,10}",
            Just(String::new()),
        ];
        proptest::collection::vec(
            proptest::collection::vec(line, 1..8).prop_map(|l| l.join("\n") + "\n"),
            1..6,
        )
    }

    fn stored_bodies(folder: &Path) -> Vec<String> {
        let mut list = entries(folder);
        list.sort_by(|a, b| a.name.arrival_cmp(&b.name));
        list.iter()
            .map(|e| {
                let raw = std::fs::read_to_string(&e.path).unwrap();
                raw.split_once("\n\n").unwrap().1.to_string()
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// mboxo as Python writes it (only `From ` quoted) imports as Python reads it back
        /// (`>From ` lines kept); an mboxrd export imports byte-identical to the original.
        #[test]
        fn both_variants_import_as_their_writers_mean(bodies in bodies()) {
            let dir = tempfile::tempdir().unwrap();
            let mut mboxo = String::new();
            let mut quoted = Vec::new();
            for (i, b) in bodies.iter().enumerate() {
                let q: String = b
                    .split_inclusive('\n')
                    .map(|l| if l.starts_with("From ") { format!(">{l}") } else { l.to_string() })
                    .collect();
                mboxo.push_str(&format!(
                    "From MAILER-DAEMON Thu Nov 20 10:00:{i:02} 2025\nSubject: m{i}\n\n{q}\n"
                ));
                quoted.push(q);
            }
            let src = dir.path().join("o.mbox");
            std::fs::write(&src, &mboxo).unwrap();
            let o = dir.path().join("O");
            import(&src, &o, Format::Mboxo, |_, _| {}).unwrap();
            proptest::prop_assert_eq!(stored_bodies(&o), quoted.clone());
            // Our own mboxrd export of the mboxo import round-trips exactly.
            let mut out = Vec::new();
            export(&o, &mut out, Format::Mboxrd, |_, _| {}).unwrap();
            let rd = dir.path().join("rd.mbox");
            std::fs::write(&rd, &out).unwrap();
            let r = dir.path().join("R");
            import(&rd, &r, Format::Mboxrd, |_, _| {}).unwrap();
            proptest::prop_assert_eq!(stored_bodies(&r), quoted);
        }
    }
}
