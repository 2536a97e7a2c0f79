//! Sieve at local delivery (RFC 5228 §2.10): which copies one mailbox gets of one message.
//! Runs the administrator's `sieve.before` script, the user's active script, then the
//! administrator's `sieve.after` script (Pigeonhole's `sieve_before`/`sieve_after`), each
//! compiled once and cached until its text changes, and folds their outcomes into a
//! [`Plan`]: the folders to store into with their flags, redirects, a reject. A script that
//! fails at run time keeps the message (RFC 5228 §2.10.6) and is logged. `mailctl sieve
//! test` prints the same plan without delivering.
//!
//! The sequence follows Pigeonhole: a script runs only if the one before it ended with a
//! keep in effect (implicit, or an explicit `keep`), so `stop` ends only its own script while
//! `fileinto`/`discard` (without a keep) end the sequence; a run-time error ends it too and
//! the message is kept. Each script sees the header edits of the scripts before it.
//!
//! Flags: the system flags become Maildir info flags (RFC 5232 → `S`, `R`, `F`, `T`, `D`);
//! other flags are IMAP keywords, stored in the mailbox index with the copy. Vacation
//! (RFC 5230) actions are carried in the plan; delivery answers them through
//! `smtp::vacation` once the copies are written. Editheader's (RFC 5293) edits are carried
//! in the plan and applied to every stored copy ([`crate::sieve::header_block`]).
//!
//! Also here: which directory a `fileinto` names, made only with `:create` ([`folder`]).
//!
//! Not here: writing the copies and recording the recipient (`smtp::delivery`), storing
//! scripts (`core::sieve`), the interpreter (`crate::sieve`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::core::{Address, Db};
use crate::sieve::{self, Action, Envelope, Environment, Limits, Program};

/// One copy to store: the folder (`INBOX` for keep) and its Maildir info flags.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Store {
    pub folder: String,
    pub flags: String,
    /// IMAP keywords (RFC 5232 flags that are not system flags), as the script spelled them.
    pub keywords: Vec<String>,
    /// The script asked to create the folder if missing (RFC 5490 `:create`).
    pub create: bool,
    /// True for the keep (explicit or implicit): it follows the inbound folder decision
    /// (Junk) rather than naming its own.
    pub keep: bool,
}

/// What the scripts decided for one mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Plan {
    pub stores: Vec<Store>,
    pub redirects: Vec<String>,
    pub reject: Option<String>,
    /// Vacation replies asked for (handles), for `mailctl sieve test`.
    pub vacations: Vec<String>,
    /// The same vacation actions in full, for delivery to answer (`smtp::vacation`).
    #[serde(skip)]
    pub replies: Vec<sieve::Vacation>,
    /// Run-time errors and things not carried out, for the log.
    pub notes: Vec<String>,
    /// RFC 5293 edits of every script that ran, in order, for the stored copies.
    #[serde(skip)]
    pub header_edits: Vec<sieve::HeaderEdit>,
}

impl Plan {
    /// The plain delivery without scripts: one copy kept.
    pub fn keep() -> Plan {
        Plan {
            stores: vec![keep_store(&[])],
            ..Plan::default()
        }
    }

    fn store(&mut self, s: Store) {
        match self
            .stores
            .iter_mut()
            .find(|x| x.keep == s.keep && x.folder == s.folder)
        {
            Some(x) => {
                x.flags = merge_flags(&x.flags, &s.flags);
                for k in s.keywords {
                    if !x.keywords.iter().any(|y| y.eq_ignore_ascii_case(&k)) {
                        x.keywords.push(k);
                    }
                }
                x.create |= s.create;
            }
            None => self.stores.push(s),
        }
    }
}

fn keep_store(flags: &[String]) -> Store {
    Store {
        folder: "INBOX".into(),
        flags: info_flags(flags),
        keywords: keywords(flags),
        create: false,
        keep: true,
    }
}

/// The RFC 5232 flags that are IMAP keywords: not system flags (`\...`), and only those an
/// IMAP client can be shown (an RFC 3501 atom); each once, ignoring case.
pub fn keywords(flags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in flags {
        let atom = !f.is_empty()
            && f.bytes().all(|b| {
                b.is_ascii_graphic()
                    && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
            });
        if atom && !out.iter().any(|k| k.eq_ignore_ascii_case(f)) {
            out.push(f.clone());
        }
    }
    out
}

/// RFC 5232 flags to Maildir info letters, sorted; keywords are left out.
pub fn info_flags(flags: &[String]) -> String {
    let mut out: Vec<char> = flags
        .iter()
        .filter_map(|f| match f.to_ascii_lowercase().as_str() {
            "\\seen" => Some('S'),
            "\\answered" => Some('R'),
            "\\flagged" => Some('F'),
            "\\deleted" => Some('T'),
            "\\draft" => Some('D'),
            _ => None,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out.into_iter().collect()
}

fn merge_flags(a: &str, b: &str) -> String {
    let mut v: Vec<char> = a.chars().chain(b.chars()).collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter().collect()
}

/// Compiled scripts, shared by the delivery threads, keyed by where the script comes from
/// and re-compiled only when its text changes.
#[derive(Default)]
pub struct ScriptCache {
    compiled: Mutex<HashMap<String, (String, Arc<Program>)>>,
}

/// Most scripts kept compiled; past this the cache starts over (simple and bounded).
const CACHE_MAX: usize = 10_000;

impl ScriptCache {
    fn get(&self, key: &str, text: &str) -> Result<Arc<Program>, String> {
        let mut c = self.compiled.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((t, p)) = c.get(key)
            && t == text
        {
            return Ok(p.clone());
        }
        let p =
            Arc::new(sieve::compile(text, &Limits::default(), None).map_err(|e| e.to_string())?);
        if c.len() >= CACHE_MAX {
            c.clear();
        }
        c.insert(key.to_string(), (text.to_string(), p.clone()));
        Ok(p)
    }
}

/// The scripts that apply to `mailbox`, in order (label, cache key, text): one query, since
/// this is asked for every local recipient, and the before/after files read only when set.
fn scripts(db: &Db, mailbox: &Address) -> Result<Vec<(String, String, String)>, String> {
    let set = db.delivery_sieve(mailbox).map_err(|e| e.to_string())?;
    let file = |key: &str, path: &str| -> Result<Option<(String, String, String)>, String> {
        if path.is_empty() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("{key} {path}: {e}"))?;
        Ok(Some((
            format!("{key} ({path})"),
            format!("file:{path}"),
            text,
        )))
    };
    let mut out = Vec::new();
    out.extend(file("sieve.before", &set.before)?);
    if let Some((name, text)) = set.active {
        out.push((
            format!("{mailbox}'s script {name}"),
            format!("user:{mailbox}"),
            text,
        ));
    }
    out.extend(file("sieve.after", &set.after)?);
    Ok(out)
}

/// Runs the scripts for `mailbox` on `raw` (the message as queued) and folds the outcomes.
/// Any failure to read or run a script leaves a note and keeps the message.
pub fn plan(db: &Db, cache: &ScriptCache, mailbox: &Address, raw: &[u8], env: &Envelope) -> Plan {
    let list = match scripts(db, mailbox) {
        Ok(l) => l,
        Err(e) => {
            let mut p = Plan::keep();
            p.notes
                .push(format!("could not read the Sieve scripts: {e}"));
            return p;
        }
    };
    if list.is_empty() {
        return Plan::keep();
    }
    let mut msg = sieve::Message::new(raw);
    let compiled: Vec<(String, Result<Arc<Program>, String>)> = list
        .into_iter()
        .map(|(label, key, text)| (label, cache.get(&key, &text)))
        .collect();
    let folders = compiled
        .iter()
        .any(|(_, p)| p.as_ref().is_ok_and(|p| p.needs_mailboxes()));
    let environment = environment(db, mailbox, folders);
    let mut plan = Plan::default();
    // The keep in effect when the sequence ends is stored once, with its flags; a keep
    // earlier in the sequence only lets the next script run (Pigeonhole's multiscript).
    let mut keep: Option<Vec<String>> = None;
    for (label, program) in compiled {
        let run = program.and_then(|p| {
            p.run(&msg, env, &environment, None, &Limits::default())
                .map_err(|e| e.to_string())
        });
        let outcome = match run {
            Ok(o) => o,
            Err(e) => {
                // RFC 5228 §2.10.6: an error keeps; the sequence is broken there.
                plan.notes
                    .push(format!("{label}: {e}; the message is kept"));
                keep = Some(Vec::new());
                break;
            }
        };
        keep = outcome.implicit_keep;
        for a in outcome.actions {
            match a {
                Action::Keep { flags } => keep = Some(flags),
                a => apply(&mut plan, a),
            }
        }
        if !outcome.header_edits.is_empty() {
            msg.apply_edits(&outcome.header_edits);
            plan.header_edits.extend(outcome.header_edits);
        }
        if keep.is_none() {
            break;
        }
    }
    if let Some(flags) = keep
        && plan.reject.is_none()
    {
        plan.store(keep_store(&flags));
    }
    plan
}

fn apply(plan: &mut Plan, a: Action) {
    match a {
        Action::Keep { flags } => plan.store(keep_store(&flags)),
        Action::FileInto {
            mailbox,
            flags,
            create,
            ..
        } => plan.store(Store {
            keep: false,
            flags: info_flags(&flags),
            keywords: keywords(&flags),
            folder: mailbox,
            create,
        }),
        Action::Redirect { address, .. } => {
            if !plan.redirects.contains(&address) {
                plan.redirects.push(address)
            }
        }
        Action::Discard => {}
        Action::Reject { reason, .. } => plan.reject = Some(reason),
        Action::Vacation(v) => {
            if !plan.vacations.contains(&v.handle) {
                plan.vacations.push(v.handle.clone());
                plan.replies.push(v);
            }
        }
    }
}

/// RFC 5183's items and, when a script tests `mailboxexists` (`folders`), the mailbox's
/// folders: a directory walk no other script should pay for at every delivery.
fn environment(db: &Db, mailbox: &Address, folders: bool) -> Environment {
    let mut e = Environment::default();
    let host = db
        .setting("hostname")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(crate::core::settings::system_hostname);
    e.items
        .insert("domain".into(), mailbox.domain().to_string());
    e.items.insert("host".into(), host);
    e.items.insert("name".into(), "mailctl".into());
    e.items
        .insert("version".into(), env!("CARGO_PKG_VERSION").into());
    e.items.insert("location".into(), "MDA".into());
    e.items.insert("phase".into(), "during".into());
    if folders {
        let root = db.data_dir().maildir(mailbox);
        if let Ok(folders) = crate::maildir::folder::folders(Path::new(&root)) {
            e.mailboxes = folders.into_iter().map(|f| f.name).collect();
        }
    }
    e
}

/// The folder a Sieve `fileinto` names, made only when `create` (RFC 5490 §3.2 `:create`;
/// the keep's folder, Junk, is always made); `None` when it is missing and may not be made,
/// or its name cannot be stored (RFC 5228 §4.1: the message is kept instead).
pub(crate) fn folder(
    root: &std::path::Path,
    folder: &str,
    create: bool,
) -> Option<std::io::Result<std::path::PathBuf>> {
    let dir = crate::maildir::folder::folder_path(root, folder).ok()?;
    if !create && dir != root && !dir.join("cur").is_dir() {
        return None;
    }
    Some(folder_dir(root, folder))
}

/// Where a copy for the Maildir at `root` goes: the root for INBOX, else the Maildir++
/// folder, made (with its `maildirfolder` marker, as IMAP CREATE makes it) when missing.
fn folder_dir(root: &std::path::Path, folder: &str) -> std::io::Result<std::path::PathBuf> {
    let dir = crate::maildir::folder::folder_path(root, folder)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    if dir != root && !dir.join("maildirfolder").exists() {
        crate::maildir::deliver::ensure(&dir)?;
        std::fs::File::create(dir.join("maildirfolder"))?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, Db, Address) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&crate::core::DataDir::new(dir.path())).unwrap();
        db.add_domain(&crate::core::Domain::parse("example.test").unwrap())
            .unwrap();
        let a = Address::parse("ann@example.test").unwrap();
        db.add_user(&crate::core::users::NewUser {
            address: a.clone(),
            password_hash: "x".into(),
            quota: 0,
        })
        .unwrap();
        (dir, db, a)
    }

    const MSG: &[u8] = b"From: b@x.test\r\nSubject: hello list\r\n\r\nbody\r\n";

    #[test]
    fn no_script_is_a_plain_keep() {
        let (_d, db, a) = db();
        assert_eq!(
            plan(&db, &ScriptCache::default(), &a, MSG, &Envelope::default()),
            Plan::keep()
        );
    }

    #[test]
    fn fileinto_with_flags_and_before_after_scripts() {
        let (d, db, a) = db();
        db.put_sieve_script(
            &a,
            "s",
            "require [\"fileinto\", \"imap4flags\", \"mailbox\"];\n\
             if header :contains \"subject\" \"list\" { fileinto :create :flags [\"\\\\Seen\", \"\\\\Flagged\", \"$x\"] \"Lists\"; }",
        )
        .unwrap();
        db.activate_sieve_script(&a, Some("s")).unwrap();
        let after = d.path().join("after.sieve");
        std::fs::write(&after, "redirect \"copy@elsewhere.test\";").unwrap();
        db.set_setting("sieve.after", after.to_str().unwrap())
            .unwrap();
        let cache = ScriptCache::default();
        let p = plan(&db, &cache, &a, MSG, &Envelope::default());
        assert_eq!(
            p.stores,
            [Store {
                folder: "Lists".into(),
                flags: "FS".into(),
                keywords: vec!["$x".into()],
                create: true,
                keep: false
            }]
        );
        // The fileinto cancelled the keep: the after script does not run (Pigeonhole).
        assert!(p.redirects.is_empty());
        db.put_sieve_script(
            &a,
            "s",
            "require [\"fileinto\", \"copy\"]; fileinto :copy \"Lists\";",
        )
        .unwrap();
        let p = plan(&db, &cache, &a, MSG, &Envelope::default());
        assert_eq!(p.redirects, ["copy@elsewhere.test"]);
        // Changing the script is seen at once (cache keyed by the text).
        db.put_sieve_script(&a, "s", "stop;").unwrap();
        std::fs::write(&after, "keep;").unwrap();
        let p = plan(&db, &cache, &a, MSG, &Envelope::default());
        assert_eq!(p.stores, [keep_store(&[])]);
        assert!(p.redirects.is_empty());
    }

    #[test]
    fn reject_and_runtime_errors() {
        let (d, db, a) = db();
        db.put_sieve_script(&a, "r", "require \"reject\"; reject \"go away\";")
            .unwrap();
        db.activate_sieve_script(&a, Some("r")).unwrap();
        let p = plan(&db, &ScriptCache::default(), &a, MSG, &Envelope::default());
        assert_eq!(p.reject.as_deref(), Some("go away"));
        assert!(p.stores.is_empty());
        // A before script that cannot be read keeps the message, with a note.
        let missing = d.path().join("missing.sieve");
        db.set_setting("sieve.before", missing.to_str().unwrap())
            .unwrap();
        let p = plan(&db, &ScriptCache::default(), &a, MSG, &Envelope::default());
        assert_eq!(p.stores, [keep_store(&[])]);
        assert_eq!(p.notes.len(), 1);
    }

    /// The folders are listed only for a script that tests `mailboxexists`, and then seen.
    #[test]
    fn mailboxexists_sees_the_folders() {
        let (d, db, a) = db();
        let script = "require [\"mailbox\", \"fileinto\"];\n\
                      if mailboxexists \"Work\" { fileinto \"Work\"; }";
        assert!(
            sieve::compile(script, &Limits::default(), None)
                .unwrap()
                .needs_mailboxes()
        );
        assert!(
            !sieve::compile("keep;", &Limits::default(), None)
                .unwrap()
                .needs_mailboxes()
        );
        db.put_sieve_script(&a, "m", script).unwrap();
        db.activate_sieve_script(&a, Some("m")).unwrap();
        let cache = ScriptCache::default();
        let p = plan(&db, &cache, &a, MSG, &Envelope::default());
        assert_eq!(p.stores[0].folder, "INBOX");
        let root = crate::core::DataDir::new(d.path()).maildir(&a);
        folder(Path::new(&root), "Work", true).unwrap().unwrap();
        let p = plan(&db, &cache, &a, MSG, &Envelope::default());
        assert_eq!(p.stores[0].folder, "Work");
    }

    /// Pigeonhole's sequence: `stop` ends only its own script, so with the keep in effect the
    /// after script still runs; a script that cancels the keep (discard, fileinto) or fails
    /// ends the sequence. Header edits carry over to the next script.
    #[test]
    fn stop_ends_the_script_and_a_cancelled_keep_ends_the_sequence() {
        let (d, db, a) = db();
        let after = d.path().join("after.sieve");
        std::fs::write(
            &after,
            "require [\"fileinto\", \"imap4flags\", \"copy\"];\n\
             if header :is \"X-Tag\" \"1\" { addflag \"tagged\"; }\n\
             fileinto :copy \"After\";",
        )
        .unwrap();
        db.set_setting("sieve.after", after.to_str().unwrap())
            .unwrap();
        let cache = ScriptCache::default();
        let user = |text: &str| {
            db.put_sieve_script(&a, "u", text).unwrap();
            db.activate_sieve_script(&a, Some("u")).unwrap();
            plan(&db, &cache, &a, MSG, &Envelope::default())
        };
        let folders = |p: &Plan| {
            p.stores
                .iter()
                .map(|s| s.folder.clone())
                .collect::<Vec<_>>()
        };
        let p = user("require \"editheader\"; addheader \"X-Tag\" \"1\"; stop; discard;");
        assert_eq!(folders(&p), ["After", "INBOX"]);
        assert_eq!(
            p.stores[1].keywords,
            ["tagged"],
            "the after script saw X-Tag"
        );
        assert_eq!(p.header_edits.len(), 1);
        let p = user("keep; discard; stop;");
        assert_eq!(
            folders(&p),
            ["After", "INBOX"],
            "an explicit keep continues"
        );
        let p = user("discard; stop;");
        assert!(p.stores.is_empty(), "{p:?}");
        let p = user("require \"fileinto\"; fileinto \"Mine\";");
        assert_eq!(folders(&p), ["Mine"]);
        // A run-time error keeps and breaks the sequence.
        let p = user(
            "require [\"fileinto\", \"copy\", \"variables\"]; set \"a\" \"bad\"; fileinto :copy \"A\"; redirect \"${a}\";",
        );
        assert_eq!(folders(&p), ["INBOX"]);
        assert_eq!(p.notes.len(), 1);
    }
}
