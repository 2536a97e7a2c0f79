//! Rendering: tables, JSON documents, progress bars and spinners. The only module that
//! decides how things look; everything else hands it data.
//!
//! Tables use box drawing on a terminal and plain ASCII when piped, so `grep`/`awk` keep
//! working. Either way they fit the width (width()): long cells wrap inside their column,
//! a word longer than the column (a DKIM key) is split; `--json` keeps every value whole. Progress bars and spinners appear only on a TTY and never under `--quiet` or
//! `--json`. `NO_COLOR` is honoured by `console`, which indicatif and dialoguer use.

use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

pub fn stdout_is_tty() -> bool {
    io::stdout().is_terminal()
}

pub fn stderr_is_tty() -> bool {
    io::stderr().is_terminal()
}

/// Writes one JSON document to stdout. Buffered: stdout is line-buffered, and a pretty
/// document of 100,000 rows would otherwise cost a write syscall per line.
pub fn json<T: Serialize + ?Sized>(value: &T) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Writes text to stdout, adding a final newline if missing.
pub fn print(text: &str) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The width output is fitted to: the terminal's; when stdout is not a terminal, `COLUMNS`
/// if set (as shells export it), else 80. Never below 40, where no table is readable.
pub fn width() -> u16 {
    let cols = if stdout_is_tty() {
        console::Term::stdout().size().1
    } else {
        width_from(std::env::var("COLUMNS").ok().as_deref())
    };
    cols.max(40)
}

fn width_from(columns: Option<&str>) -> u16 {
    columns
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| *c > 0)
        .unwrap_or(80)
}

/// A table ready to print: header plus rows, fitted to width().
pub fn table<S: AsRef<str>>(header: &[&str], rows: impl IntoIterator<Item = Vec<S>>) -> String {
    fitted(header, rows, width(), stdout_is_tty())
}

/// A column whose widest line is at most this many characters is never wrapped when piped:
/// dates, counts and names stay whole (and `awk` keeps working); only long values wrap.
const SHORT: usize = 30;
/// How narrow a wrapped column may get before the table overflows instead.
const NARROWEST: u16 = 16;

fn fitted<S: AsRef<str>>(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<S>>,
    width: u16,
    tty: bool,
) -> String {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| r.iter().map(|c| c.as_ref().to_string()).collect())
        .collect();
    let mut t = Table::new();
    if tty {
        t.load_style(presets::UTF8_FULL_CONDENSED);
    } else {
        // Plain aligned columns, so `awk '{print $1}'` works on piped output.
        t.load_style(presets::NOTHING);
    }
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(width);
    t.set_header(header.to_vec());
    for row in &rows {
        t.add_row(row.clone());
    }
    if !tty {
        let widest = |i: usize| {
            std::iter::once(header.get(i).copied().unwrap_or(""))
                .chain(rows.iter().filter_map(|r| r.get(i).map(String::as_str)))
                .flat_map(str::lines)
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0)
        };
        for i in 0..header.len() {
            let constraint = if widest(i) <= SHORT {
                ColumnConstraint::ContentWidth
            } else {
                ColumnConstraint::LowerBoundary(Width::Fixed(NARROWEST))
            };
            if let Some(c) = t.column_mut(i) {
                c.set_constraint(constraint);
            }
        }
    }
    if tty {
        t.to_string()
    } else {
        // The preset pads every line with one leading blank; keep any indentation beyond it.
        t.lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(&l).trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// `key: value` lines with the keys aligned, for `show` commands.
pub fn fields<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let width = pairs
        .iter()
        .map(|(k, _)| k.as_ref().chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    for (k, v) in pairs {
        s.push_str(&format!(
            "{:width$}  {}\n",
            format!("{}:", k.as_ref()),
            v.as_ref(),
            width = width + 1
        ));
    }
    s
}

/// Whether progress output may be drawn: a TTY on stderr and the user did not ask for quiet.
pub fn progress_allowed(quiet: bool, json: bool) -> bool {
    !quiet && !json && stderr_is_tty()
}

/// A progress bar of `len` steps on stderr, or a hidden one when progress is not allowed.
pub fn progress_bar(len: u64, message: &str, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(message.to_string());
    pb
}

/// A progress bar counting bytes, for streaming work such as mbox import.
pub fn byte_progress(len: u64, message: &str, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_message(message.to_string());
    pb
}

/// A spinner for work of unknown length (DNS checks, connecting).
pub fn spinner(message: &str, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_message(message.to_string());
    pb.enable_steady_tick(Duration::from_millis(100));
    pb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_defaults_to_80_when_not_a_terminal() {
        assert_eq!(width_from(None), 80);
        assert_eq!(width_from(Some("120")), 120);
        assert_eq!(width_from(Some("junk")), 80);
        assert_eq!(width_from(Some("0")), 80);
    }

    #[test]
    fn long_cells_wrap_within_the_width() {
        let key = "p=".to_string() + &"A".repeat(400);
        let tree = "v=spf1 include:_spf.example.org include:_spf.other.example ~all\n  \
                    v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip6:2001:db8::/32 -all";
        for tty in [false, true] {
            let t = fitted(
                &["CHECK", "STATUS", "FINDING"],
                vec![
                    vec!["DKIM", "FAIL", key.as_str()],
                    vec!["SPF", "pass", tree],
                ],
                80,
                tty,
            );
            for line in t.lines() {
                let n = line.chars().count();
                assert!(n <= 80, "{n} columns: {line}");
            }
            assert!(t.contains("AAAA"));
            assert!(t.lines().count() > 6, "{t}");
        }
    }

    #[test]
    fn short_columns_are_never_broken_when_piped() {
        // Wider than 80 in all, but no value is long: nothing wraps, indentation stays.
        let row = |name: &str| {
            vec![
                name.to_string(),
                "2023-11-14".into(),
                "2023-11-14".into(),
                "462 B".into(),
                "12345".into(),
                "12345".into(),
                "12345".into(),
                "12345".into(),
                "12345".into(),
            ]
        };
        let t = fitted(
            &[
                "FOLDER", "OLDEST", "NEWEST", "SIZE", "A", "B", "C", "D", "E",
            ],
            vec![
                row("INBOX"),
                row("      Übersicht"),
                row("Entwürfe (missing new, tmp)"),
            ],
            80,
            false,
        );
        assert_eq!(t.lines().count(), 4, "{t}");
        assert!(
            t.lines()
                .any(|l| l.starts_with("      Übersicht ") && l.contains("2023-11-14  2023-11-14")),
            "{t}"
        );
    }
}
