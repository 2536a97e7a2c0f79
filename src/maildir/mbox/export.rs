//! Writing a Maildir folder out as an mbox (RFC 4155), oldest first: a `From ` line from
//! each message's `Return-Path` and date, its flags as `Status:`/`X-Status:`, and
//! `From ` lines of the body quoted so the import gives the same message back.
//!
//! Not here: reading an mbox in (`mbox.rs`).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use super::{Format, MAX_HEADER, MAX_LINE, Summary, is_status_header, status_from_flags};
use crate::maildir::folder::entries;

/// Exports a Maildir folder to `out` as mbox, oldest first.
pub fn export(
    folder: &Path,
    out: &mut dyn Write,
    format: Format,
    mut progress: impl FnMut(u64, u64),
) -> std::io::Result<Summary> {
    let mut list = entries(folder);
    list.sort_by(|a, b| a.name.arrival_cmp(&b.name));
    let mut summary = Summary::default();
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let mut line = Vec::with_capacity(256);
    for e in list {
        let file = match crate::maildir::safe::open_message(&e.path) {
            Ok(f) => f,
            Err(_) => continue, // gone since the listing (another client expunged it)
        };
        let date = chrono::DateTime::from_timestamp(message_time(&e, &file).unwrap_or(0), 0)
            .unwrap_or_default()
            .format("%a %b %e %H:%M:%S %Y");
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let (sender, header_lines, header_done) = read_header(&mut reader, &mut line)?;
        writeln!(out, "From {sender} {date}")?;
        for h in &header_lines {
            if !is_status_header(h) {
                write_line(&mut out, h, format)?;
            }
        }
        let (status, x) = status_from_flags(&e.name);
        writeln!(out, "Status: {status}")?;
        if !x.is_empty() {
            writeln!(out, "X-Status: {x}")?;
        }
        if header_done {
            out.write_all(b"\n")?;
            write_body(&mut out, &mut reader, &mut line, format)?;
        }
        out.write_all(b"\n")?;
        summary.messages += 1;
        summary.bytes += e.name.size.unwrap_or(0);
        progress(summary.bytes, summary.messages);
    }
    out.flush()?;
    Ok(summary)
}

/// When a message arrived: the time in its name, else its file's mtime.
fn message_time(e: &crate::maildir::folder::Entry, file: &File) -> Option<i64> {
    e.name.time.or_else(|| {
        file.metadata()
            .ok()?
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs() as i64)
    })
}

/// Reads a message's header section (at most [`MAX_HEADER`] bytes of it), and the envelope
/// sender from its `Return-Path`. The flag says whether an empty line ended it, so a body
/// follows.
fn read_header(
    reader: &mut BufReader<File>,
    line: &mut Vec<u8>,
) -> std::io::Result<(String, Vec<Vec<u8>>, bool)> {
    // The envelope sender from Return-Path when the message has one.
    let mut sender = String::from("MAILER-DAEMON");
    let mut header_done = false;
    let mut header_lines: Vec<Vec<u8>> = Vec::new();
    let mut header_size = 0usize;
    loop {
        line.clear();
        let n = (&mut *reader).take(MAX_LINE).read_until(b'\n', line)?;
        if n == 0 || line == b"\n" || line == b"\r\n" {
            header_done = n > 0;
            break;
        }
        if line.to_ascii_lowercase().starts_with(b"return-path:") {
            let v = String::from_utf8_lossy(&line[12..])
                .trim()
                .trim_matches(['<', '>'])
                .to_string();
            if !v.is_empty() && !v.contains(char::is_whitespace) {
                sender = v;
            }
        }
        header_size += line.len();
        header_lines.push(line.clone());
        if header_size > MAX_HEADER {
            break;
        }
    }
    Ok((sender, header_lines, header_done))
}

/// Copies a message's body, quoting `From ` lines, and ends it with a newline.
fn write_body(
    out: &mut impl Write,
    reader: &mut BufReader<File>,
    line: &mut Vec<u8>,
    format: Format,
) -> std::io::Result<()> {
    let mut at_start = true;
    loop {
        line.clear();
        let n = (&mut *reader).take(MAX_LINE).read_until(b'\n', line)?;
        if n == 0 {
            break;
        }
        if at_start {
            write_line(out, line, format)?;
        } else {
            out.write_all(line)?;
        }
        at_start = line.ends_with(b"\n");
    }
    if !at_start {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes one line with LF ending, quoting `From ` (mboxrd: also `>+From `).
fn write_line(out: &mut impl Write, line: &[u8], format: Format) -> std::io::Result<()> {
    let body = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))
        .unwrap_or(line);
    let quote = match format {
        // Export has nothing to detect: auto writes mboxrd, the variant that round-trips.
        Format::Mboxrd | Format::Auto => body
            .iter()
            .skip_while(|&&b| b == b'>')
            .take(5)
            .eq(b"From ".iter()),
        Format::Mboxo => body.starts_with(b"From "),
    };
    if quote {
        out.write_all(b">")?;
    }
    out.write_all(body)?;
    if line.ends_with(b"\n") {
        out.write_all(b"\n")?;
    }
    Ok(())
}
