//! The house rules of DESIGN.md §1 that a reader can check by looking at the source, checked
//! by looking at the source: SQL only in `core/` and the mailbox index, `unsafe` only in
//! `sys`, no protocol reply text in `cli/`, files and functions of a size a reader can hold.
//!
//! Not here: whether the code behind the rules is right; the other test binaries do that.

use std::fs;
use std::path::{Path, PathBuf};

/// Longest file, in lines, before it is "usually two things".
const MAX_FILE_LINES: usize = 650;
/// Longest function body; a longer one needs a comment above it starting with this marker
/// and saying why (a table, a state machine read top to bottom).
const MAX_FN_LINES: usize = 90;
const LONG_MARKER: &str = "// Long on purpose:";

struct Source {
    /// Relative to `src/`, with `/` separators.
    path: String,
    text: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| Source {
            path: p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
            text: fs::read_to_string(&p).unwrap(),
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The lines that are code, not comments (a `//` comment line, doc or not, is skipped).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l))
}

fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "tests.rs"
        || name.starts_with("tests_")
        || name.ends_with("_tests.rs")
        || path.contains("/tests/")
}

fn report(what: &str, found: Vec<String>) {
    assert!(
        found.is_empty(),
        "{what}:\n  {}\n(see DESIGN.md §1)",
        found.join("\n  ")
    );
}

/// `word` in the code of files other than those `allowed` says may hold it.
fn code_with(word: &str, allowed: impl Fn(&str) -> bool) -> Vec<String> {
    sources()
        .iter()
        .filter(|s| !allowed(&s.path))
        .flat_map(|s| {
            code_lines(&s.text)
                .filter(|(_, l)| l.contains(word))
                .map(|(n, l)| format!("{}:{n}: {}", s.path, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn one_resolver_constructor() {
    let found = [
        "builder_tokio",
        "builder_with_config",
        "TokioResolver::builder",
    ]
    .iter()
    .flat_map(|w| code_with(w, |p| p == "dns/resolver.rs"))
    .collect();
    report(
        "a DNS resolver built outside dns/resolver.rs: delivery and the diagnostics must reach DNS the same way",
        found,
    );
}

#[test]
fn the_protocol_tester_does_not_import_the_cli() {
    let found = ["crate::cli", "super::cli", "mailctl::cli"]
        .iter()
        .flat_map(|w| code_with(w, |p| !p.starts_with("probe/")))
        .collect();
    report(
        "probe/ importing cli/: the tester is a layer below the command line",
        found,
    );
}

#[test]
fn only_core_and_the_mailbox_index_speak_sql() {
    let found = code_with("rusqlite", |p| {
        p.starts_with("core/") || p.starts_with("maildir/index")
    });
    report(
        "rusqlite outside core/ and maildir/index: put the SQL behind a typed function there",
        found,
    );
}

#[test]
fn unsafe_lives_in_sys() {
    let found = ["unsafe ", "unsafe{"]
        .iter()
        .flat_map(|w| code_with(w, |p| p == "sys.rs" || p.starts_with("sys/")))
        .collect();
    report(
        "unsafe outside src/sys: wrap the call in a safe function in sys with its SAFETY note",
        found,
    );
}

/// Reply lines a protocol session writes: SMTP `250 2.0.0`-style replies, IMAP's `* BYE`,
/// POP3's `+OK`/`-ERR`, as string literals.
fn looks_like_reply(line: &str) -> bool {
    let b = line.as_bytes();
    let smtp = b.windows(10).any(|w| {
        w[0] == b'"'
            && matches!(w[1], b'2' | b'3' | b'4' | b'5')
            && w[2].is_ascii_digit()
            && w[3].is_ascii_digit()
            && matches!(w[4], b' ' | b'-')
            && matches!(w[5], b'2' | b'4' | b'5')
            && w[6] == b'.'
            && w[7].is_ascii_digit()
    });
    smtp || line.contains("\"* BYE") || line.contains("\"+OK") || line.contains("\"-ERR")
}

#[test]
fn cli_formats_no_protocol_replies() {
    let found = sources()
        .iter()
        .filter(|s| s.path.starts_with("cli/"))
        .flat_map(|s| {
            code_lines(&s.text)
                .filter(|(_, l)| looks_like_reply(l))
                .map(|(n, l)| format!("{}:{n}: {}", s.path, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    report(
        "protocol reply text in cli/: the protocol module owns its replies",
        found,
    );
}

#[test]
fn files_stay_readable() {
    let found = sources()
        .iter()
        .filter(|s| !is_test_file(&s.path))
        .filter(|s| s.text.lines().count() > MAX_FILE_LINES)
        .map(|s| format!("{}: {} lines", s.path, s.text.lines().count()))
        .collect();
    report(
        &format!("files over {MAX_FILE_LINES} lines: usually two things, split them"),
        found,
    );
}

/// Functions over [`MAX_FN_LINES`] without a [`LONG_MARKER`] comment above them. A function
/// is found by its `fn` line and ends at the first `}` at its own indentation; code after a
/// top-level `#[cfg(test)]` is tests, and tests may be long.
fn long_functions(s: &Source) -> Vec<String> {
    let lines: Vec<&str> = s.text.lines().collect();
    let end = lines
        .iter()
        .position(|l| l.starts_with("#[cfg(test)]"))
        .unwrap_or(lines.len());
    let mut found = Vec::new();
    let mut i = 0;
    while i < end {
        let l = lines[i];
        let t = l.trim_start();
        let indent = &l[..l.len() - t.len()];
        let is_fn = t.starts_with("fn ")
            || [
                "pub ",
                "pub(crate) ",
                "pub(super) ",
                "async ",
                "const ",
                "unsafe ",
            ]
            .iter()
            .any(|p| t.starts_with(p) && t.contains("fn ") && !t.contains("=>"));
        if !is_fn || t.starts_with("//") {
            i += 1;
            continue;
        }
        let Some(open) = (i..end)
            .find(|&j| lines[j].trim_end().ends_with('{') || lines[j].trim_end().ends_with(';'))
        else {
            break;
        };
        if lines[open].trim_end().ends_with(';') {
            i = open + 1;
            continue;
        }
        let close = (open + 1..lines.len())
            .find(|&j| lines[j].starts_with(&format!("{indent}}}")))
            .unwrap_or(lines.len() - 1);
        let len = close - i + 1;
        if len > MAX_FN_LINES {
            let mut k = i;
            while k > 0 && {
                let p = lines[k - 1].trim_start();
                p.starts_with("//") || p.starts_with("#[")
            } {
                k -= 1;
            }
            if !lines[k..i]
                .iter()
                .any(|p| p.trim_start().starts_with(LONG_MARKER))
            {
                found.push(format!("{}:{}: {} lines: {}", s.path, i + 1, len, t));
            }
        }
        i = close + 1;
    }
    found
}

#[test]
fn functions_stay_readable() {
    let found = sources()
        .iter()
        .filter(|s| !is_test_file(&s.path))
        .flat_map(long_functions)
        .collect();
    report(
        &format!(
            "functions over {MAX_FN_LINES} lines: split them, or say why above them with \
             `{LONG_MARKER} …`"
        ),
        found,
    );
}
