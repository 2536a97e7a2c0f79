//! Learning from users (#18.4): a message a user moves or copies over IMAP into the Junk
//! folder (RFC 6154 `\Junk`) is handed to rspamd's controller as spam (`POST /learnspam`),
//! one taken out of Junk into any folder but Trash as ham (`POST /learnham`): what mailcow
//! does with Dovecot's IMAPSieve, built in. APPEND never learns (clients APPEND drafts and
//! sent mail, not verdicts).
//!
//! The IMAP session only decides ([`class_for`]) and hands a [`Job`] to the [`Learner`]: a
//! bounded queue and one background task. A full queue drops the job with a warning, so the
//! IMAP command never waits and memory stays bounded; a failing rspamd is logged, never an
//! IMAP error. The task reads the settings (`inbound.rspamd_controller`,
//! `inbound.rspamd_password`, `inbound.learn`, `inbound.scan_timeout`) for every job, so a
//! `config set` applies to the next move, and reads the message file off the tokio workers.
//! One log line per job: user, size, class, outcome.
//!
//! Not here: which folder is which (the MailStore), checking messages (`rspamd.rs`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::Request;
use tokio::sync::mpsc;

use super::Endpoint;
use crate::core::pool::DbPool;

/// Jobs waiting for rspamd: each is a few hundred bytes, the message is read only when its
/// turn comes. A user moving more than this at once has the rest dropped (and logged).
pub const QUEUE: usize = 1024;

/// Largest message handed to rspamd (its own `max_message` default is 50 MiB).
const MAX_MESSAGE: u64 = 50 << 20;

/// What a message is taught as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Spam,
    Ham,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Spam => "spam",
            Class::Ham => "ham",
        }
    }

    /// The controller's endpoint for it.
    fn path(self) -> &'static str {
        match self {
            Class::Spam => "/learnspam",
            Class::Ham => "/learnham",
        }
    }
}

/// What a COPY or MOVE from a folder with special-use `from` to one with `to` (RFC 6154
/// attributes, `"\\Junk"` etc.) teaches: into Junk is spam; out of Junk is ham, except into
/// Trash (deleting spam says nothing about it being wanted). Junk to Junk says nothing.
pub fn class_for(from: Option<&str>, to: Option<&str>) -> Option<Class> {
    let junk = |a: Option<&str>| a.is_some_and(|a| a.eq_ignore_ascii_case("\\Junk"));
    let trash = |a: Option<&str>| a.is_some_and(|a| a.eq_ignore_ascii_case("\\Trash"));
    match (junk(from), junk(to)) {
        (false, true) => Some(Class::Spam),
        (true, false) if !trash(to) => Some(Class::Ham),
        _ => None,
    }
}

/// One message to teach: its Maildir folder and unique name (the file is found when the
/// job runs: its flags, and so its name, may change meanwhile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub user: String,
    pub class: Class,
    pub folder: PathBuf,
    pub unique: String,
}

/// The settings the task reads for each job.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// None: learning is off (no controller, or `inbound.learn` false).
    pub controller: Option<Endpoint>,
    pub password: String,
    pub timeout: Duration,
}

impl Settings {
    pub fn from_lookup(get: impl Fn(&str) -> String) -> Result<Settings, String> {
        let controller = Endpoint::parse(&get("inbound.rspamd_controller"))?;
        let on = get("inbound.learn") != "false";
        let timeout = crate::core::settings::parse_duration(&get("inbound.scan_timeout"))
            .unwrap_or(Duration::from_secs(30));
        Ok(Settings {
            controller: controller.filter(|_| on),
            password: get("inbound.rspamd_password"),
            timeout,
        })
    }
}

/// What the controller said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Learned,
    /// rspamd had learned this message (as this class) before: 208, or its error text.
    AlreadyLearned,
    Failed(String),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Learned => f.write_str("learned"),
            Outcome::AlreadyLearned => f.write_str("already learned"),
            Outcome::Failed(e) => write!(f, "failed: {e}"),
        }
    }
}

/// The controller's answer read: 200 `{"success":true}`; 208 (or an error naming it) for
/// a message learned before; anything else is a failure with rspamd's words.
fn outcome(status: hyper::StatusCode, body: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(&body[..body.len().min(300)]);
    let error = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string));
    let said = error.as_deref().unwrap_or(text.trim());
    if status.as_u16() == 208 || said.contains("already learned") {
        return Outcome::AlreadyLearned;
    }
    if status.is_success() && error.is_none() {
        return Outcome::Learned;
    }
    Outcome::Failed(format!("HTTP {status}: {said}"))
}

/// Hands `message` to the controller at `ep` as `class`, within `timeout`.
pub async fn learn(
    ep: &Endpoint,
    password: &str,
    class: Class,
    message: Bytes,
    timeout: Duration,
) -> Outcome {
    let mut req = Request::post(class.path()).header(hyper::header::HOST, super::rspamd::host(ep));
    if !password.is_empty() {
        req = req.header("Password", password);
    }
    match super::rspamd::send(ep, req, message, timeout).await {
        Ok((status, body)) => outcome(status, &body),
        Err(e) => Outcome::Failed(e),
    }
}

/// The handle IMAP sessions hand jobs to; cheap to clone.
#[derive(Clone)]
pub struct Learner {
    tx: mpsc::Sender<Job>,
}

impl Learner {
    /// Starts the task (on the current tokio runtime) reading settings from `pool`.
    pub fn start(pool: Arc<DbPool>) -> Learner {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, rx));
        Learner { tx }
    }

    /// Queues `job` without waiting; dropped with a warning when the queue is full.
    pub fn submit(&self, job: Job) {
        match self.tx.try_send(job) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(j)) => tracing::warn!(
                "learn: user={} class={} result=dropped: {QUEUE} messages already wait for rspamd",
                j.user,
                j.class.as_str()
            ),
            Err(mpsc::error::TrySendError::Closed(j)) => tracing::warn!(
                "learn: user={} class={} result=dropped: the learning task has stopped",
                j.user,
                j.class.as_str()
            ),
        }
    }
}

/// One job at a time: rspamd learning is not urgent, and this bounds the load on it.
async fn run(pool: Arc<DbPool>, mut rx: mpsc::Receiver<Job>) {
    while let Some(job) = rx.recv().await {
        let p = pool.clone();
        let folder = job.folder.clone();
        let unique = job.unique.clone();
        let prepared = tokio::task::spawn_blocking(move || prepare(&p, &folder, &unique)).await;
        let (settings, message) = match prepared {
            Ok(Ok(Some(v))) => v,
            // Learning is off: nothing to say per message.
            Ok(Ok(None)) => continue,
            Ok(Err(e)) => {
                log(&job, 0, &Outcome::Failed(e));
                continue;
            }
            Err(e) => {
                log(&job, 0, &Outcome::Failed(format!("reading task: {e}")));
                continue;
            }
        };
        let Some(ep) = settings.controller.as_ref() else {
            continue;
        };
        let size = message.len();
        let outcome = learn(ep, &settings.password, job.class, message, settings.timeout).await;
        log(&job, size, &outcome);
    }
}

fn log(job: &Job, size: usize, outcome: &Outcome) {
    let (user, class) = (&job.user, job.class.as_str());
    match outcome {
        Outcome::Failed(_) => {
            tracing::warn!("learn: user={user} class={class} size={size} result={outcome}")
        }
        _ => tracing::info!("learn: user={user} class={class} size={size} result={outcome}"),
    }
}

/// Blocking: the settings, and (when learning is on) the message's bytes.
fn prepare(
    pool: &Arc<DbPool>,
    folder: &std::path::Path,
    unique: &str,
) -> Result<Option<(Settings, Bytes)>, String> {
    let db = pool
        .get()
        .map_err(|e| format!("database unavailable: {e}"))?;
    let settings = Settings::from_lookup(|k| db.setting(k).unwrap_or_default())?;
    drop(db);
    if settings.controller.is_none() {
        return Ok(None);
    }
    let path = crate::maildir::folder::entries(folder)
        .into_iter()
        .find(|e| e.name.unique == unique)
        .map(|e| e.path)
        .ok_or_else(|| format!("message {unique} is gone from {}", folder.display()))?;
    let read = || -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let f = crate::maildir::safe::open_message(&path)?;
        let mut buf = Vec::new();
        f.take(MAX_MESSAGE + 1).read_to_end(&mut buf)?;
        Ok(buf)
    };
    let bytes = read().map_err(|e| format!("reading {}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_MESSAGE {
        return Err(format!("message larger than {MAX_MESSAGE} bytes"));
    }
    Ok(Some((settings, Bytes::from(bytes))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_moves_teach_spam_or_ham() {
        let (inbox, junk, trash, sent) = (None, Some("\\Junk"), Some("\\Trash"), Some("\\Sent"));
        // (from, to, class): COPY and MOVE decide alike.
        let table = [
            (inbox, junk, Some(Class::Spam)),
            (sent, junk, Some(Class::Spam)),
            (trash, junk, Some(Class::Spam)),
            (junk, inbox, Some(Class::Ham)),
            (junk, sent, Some(Class::Ham)),
            (Some("\\Archive"), junk, Some(Class::Spam)),
            (junk, Some("\\Archive"), Some(Class::Ham)),
            (junk, trash, None),
            (junk, junk, None),
            (inbox, trash, None),
            (inbox, sent, None),
            (inbox, inbox, None),
            (Some("\\junk"), Some("\\TRASH"), None),
            (Some("\\JUNK"), inbox, Some(Class::Ham)),
        ];
        for (from, to, want) in table {
            assert_eq!(class_for(from, to), want, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn controller_answers_are_read() {
        use hyper::StatusCode as S;
        assert_eq!(outcome(S::OK, br#"{"success":true}"#), Outcome::Learned);
        assert_eq!(
            outcome(
                S::from_u16(208).unwrap(),
                br#"{"error":"<x@y> has been already learned as spam, ignore it"}"#
            ),
            Outcome::AlreadyLearned
        );
        assert_eq!(
            outcome(
                S::BAD_REQUEST,
                br#"{"error":"<x> is already learned as ham"}"#
            ),
            Outcome::AlreadyLearned
        );
        assert_eq!(
            outcome(S::FORBIDDEN, br#"{"error":"Unauthorized"}"#),
            Outcome::Failed("HTTP 403 Forbidden: Unauthorized".into())
        );
        assert!(matches!(
            outcome(S::OK, br#"{"error":"not enough tokens"}"#),
            Outcome::Failed(_)
        ));
        assert!(matches!(
            outcome(S::INTERNAL_SERVER_ERROR, b"<html>"),
            Outcome::Failed(_)
        ));
    }

    #[test]
    fn settings_turn_learning_on_only_with_a_controller() {
        let get = |controller: &'static str, learn: &'static str| {
            move |k: &str| match k {
                "inbound.rspamd_controller" => controller.to_string(),
                "inbound.learn" => learn.to_string(),
                "inbound.rspamd_password" => "pw".to_string(),
                "inbound.scan_timeout" => "5s".to_string(),
                _ => String::new(),
            }
        };
        let s = Settings::from_lookup(get("127.0.0.1:11334", "true")).unwrap();
        assert_eq!(s.controller, Some(Endpoint::Tcp("127.0.0.1:11334".into())));
        assert_eq!(
            (s.password.as_str(), s.timeout),
            ("pw", Duration::from_secs(5))
        );
        assert_eq!(
            Settings::from_lookup(get("", "true")).unwrap().controller,
            None
        );
        assert_eq!(
            Settings::from_lookup(get("127.0.0.1:11334", "false"))
                .unwrap()
                .controller,
            None
        );
    }

    /// A full queue drops instead of waiting: the IMAP command never blocks on rspamd.
    #[test]
    fn a_full_queue_drops_without_blocking() {
        let (tx, mut rx) = mpsc::channel(QUEUE);
        let l = Learner { tx };
        let job = Job {
            user: "u@example.test".into(),
            class: Class::Spam,
            folder: "/nonexistent".into(),
            unique: "1.2.host".into(),
        };
        for _ in 0..QUEUE + 10 {
            l.submit(job.clone());
        }
        let mut n = 0;
        while rx.try_recv().is_ok() {
            n += 1;
        }
        assert_eq!(n, QUEUE);
    }
}
