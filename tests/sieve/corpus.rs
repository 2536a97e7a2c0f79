//! The differential corpus: `tests/sieve/corpus/*.cases`, each file a list of cases:
//!
//! ```text
//! === name
//! from: sender@example.org          (optional; envelope)
//! to: rcpt@example.com              (optional)
//! message: plain                    (optional; tests/sieve/messages/NAME.eml)
//! differs: why mailctl answers differently from Pigeonhole on purpose   (optional)
//! include NAME:                     (optional, repeatable; an included script, up to "script:")
//! script:
//! ...Sieve...
//! expect:
//! store INBOX flags=\seen
//! ```

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

pub struct Case {
    pub file: PathBuf,
    pub name: String,
    pub from: String,
    pub to: String,
    pub message: String,
    pub differs: Option<String>,
    pub includes: HashMap<String, String>,
    pub script: String,
    pub expect: Vec<String>,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sieve")
}

pub fn message(name: &str) -> Vec<u8> {
    let p = dir().join("messages").join(format!("{name}.eml"));
    let text = fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    // Stored with LF for readability; mail travels with CRLF.
    text.replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

fn files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir().join("corpus"))
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "cases"))
        .collect();
    v.sort();
    v
}

pub fn load() -> Vec<Case> {
    files().iter().flat_map(|f| parse(f)).collect()
}

enum In {
    Head,
    Include(String),
    Script,
    Expect,
}

fn parse(file: &Path) -> Vec<Case> {
    let text = fs::read_to_string(file).expect("read corpus");
    let mut out: Vec<Case> = Vec::new();
    let mut state = In::Head;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("=== ") {
            out.push(Case {
                file: file.to_path_buf(),
                name: name.trim().to_string(),
                from: "sender@example.org".into(),
                to: "rcpt@example.com".into(),
                message: "plain".into(),
                differs: None,
                includes: HashMap::new(),
                script: String::new(),
                expect: Vec::new(),
            });
            state = In::Head;
            continue;
        }
        let Some(c) = out.last_mut() else { continue };
        match &state {
            In::Head => {
                if line == "script:" {
                    state = In::Script;
                } else if let Some(n) = line
                    .strip_prefix("include ")
                    .and_then(|r| r.strip_suffix(':'))
                {
                    c.includes.insert(n.to_string(), String::new());
                    state = In::Include(n.to_string());
                } else if let Some((k, v)) = line.split_once(": ") {
                    let v = v.trim().to_string();
                    match k {
                        "from" => c.from = if v == "<>" { String::new() } else { v },
                        "to" => c.to = v,
                        "message" => c.message = v,
                        "differs" => c.differs = Some(v),
                        _ => panic!("{}: {}: unknown field {k}", file.display(), c.name),
                    }
                }
            }
            In::Include(n) => {
                if line == "script:" {
                    state = In::Script;
                } else if let Some(n2) = line
                    .strip_prefix("include ")
                    .and_then(|r| r.strip_suffix(':'))
                {
                    c.includes.insert(n2.to_string(), String::new());
                    state = In::Include(n2.to_string());
                } else if let Some(s) = c.includes.get_mut(n) {
                    s.push_str(line);
                    s.push('\n');
                }
            }
            In::Script => {
                if line == "expect:" {
                    state = In::Expect;
                } else {
                    c.script.push_str(line);
                    c.script.push('\n');
                }
            }
            In::Expect => {
                if !line.trim().is_empty() {
                    c.expect.push(line.trim().to_string());
                }
            }
        }
    }
    for c in &mut out {
        c.expect.sort();
    }
    out
}

/// Rewrites every file's `expect:` sections from `answers` (by case name).
pub fn bless(answers: &HashMap<String, Vec<String>>) {
    for f in files() {
        let text = fs::read_to_string(&f).expect("read corpus");
        let mut out = String::new();
        let mut name = String::new();
        let mut skipping = false;
        for line in text.lines() {
            if let Some(n) = line.strip_prefix("=== ") {
                name = n.trim().to_string();
                skipping = false;
            }
            if skipping {
                continue;
            }
            out.push_str(line);
            out.push('\n');
            if line == "expect:" {
                skipping = true;
                for a in answers.get(&name).into_iter().flatten() {
                    out.push_str(a);
                    out.push('\n');
                }
                out.push('\n');
            }
        }
        fs::write(&f, out).expect("write corpus");
    }
}
