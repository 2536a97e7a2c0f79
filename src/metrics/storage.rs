//! Storage per domain (messages and bytes in its Maildirs) for the metrics endpoint: a
//! background thread measures every served domain's Maildirs every [`interval`] (60 s) and
//! keeps the totals; a scrape only reads the last totals, so scraping costs no file walk
//! however often Prometheus asks, and the figures are at most one interval old.
//!
//! Each refresh goes through [`crate::maildir::usage::UsageCache`], which reads a folder
//! again only when its `new/` or `cur/` changed: measured here on 100 accounts of 1,000
//! messages each (200 folders, 100,000 files; a debug build on a busy 2-core machine), the
//! first refresh reads every directory (0.5 s), each later one of an idle store stats 400
//! directories and lists 100 account roots (12-15 ms); a busy store adds one directory read
//! per folder that changed. The figure comes from the ignored test
//! `maildir::usage::tests::refresh_cost_of_100_accounts_of_1000_messages`. `mailctl_storage_refresh_seconds` shows the real figure of
//! a running server.
//!
//! Why not the mailbox index (which knows each message's size, STATUS=SIZE): it learns of a
//! delivery only when a client next looks at the folder, so mail nobody has read yet (what
//! fills a disk) would be missing; the Maildir is the truth.
//!
//! Not here: the measuring itself (`maildir::usage`), `mailctl stats` (which measures once
//! when there is no endpoint to ask).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::exposition::Writer;
use crate::core::pool::DbPool;
use crate::maildir::usage::{self, UsageCache};

/// How often the totals are measured again.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// One domain's mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainStorage {
    pub domain: String,
    pub messages: u64,
    pub bytes: u64,
}

/// The totals of one refresh.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub domains: Vec<DomainStorage>,
    /// How long the refresh took.
    pub seconds: f64,
}

static LATEST: Mutex<Option<Arc<Snapshot>>> = Mutex::new(None);
static STARTED: Once = Once::new();

/// [`INTERVAL`]; in debug builds `MAILCTL_TEST_STORAGE_INTERVAL_MS` (tests do not wait a
/// minute for a delivery to show).
pub fn interval() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("MAILCTL_TEST_STORAGE_INTERVAL_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        return Duration::from_millis(ms.max(10));
    }
    INTERVAL
}

/// Measures the Maildirs of `domains` under `mail_root`, through `cache`.
pub fn measure(
    cache: &mut UsageCache,
    mail_root: &std::path::Path,
    domains: &[String],
) -> Snapshot {
    let t = Instant::now();
    cache.start_round();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut out: Vec<DomainStorage> = domains
        .iter()
        .map(|d| {
            let u = usage::domain(cache, &mail_root.join(d), &mut seen);
            DomainStorage {
                domain: d.clone(),
                messages: u.messages,
                bytes: u.bytes,
            }
        })
        .collect();
    cache.sweep(&seen);
    out.sort_by(|a, b| a.domain.cmp(&b.domain));
    Snapshot {
        domains: out,
        seconds: t.elapsed().as_secs_f64(),
    }
}

/// Starts the refresher thread (once per process); it runs until the process exits.
pub fn start(pool: Arc<DbPool>) {
    STARTED.call_once(|| {
        let every = interval();
        let spawned = std::thread::Builder::new()
            .name("storage".into())
            .spawn(move || {
                let mut cache = UsageCache::new();
                let mail_root = pool.data_dir().mail_root();
                loop {
                    // A database that cannot be read keeps the last totals.
                    match pool.get().and_then(|db| db.domain_names()) {
                        Ok(domains) => {
                            let s = measure(&mut cache, &mail_root, &domains);
                            *LATEST.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(s));
                        }
                        Err(e) => tracing::warn!("storage per domain not refreshed: {e}"),
                    }
                    std::thread::sleep(every);
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("storage per domain: cannot start its thread: {e}");
        }
    });
}

/// The last refresh's totals, if one has finished.
pub fn latest() -> Option<Arc<Snapshot>> {
    LATEST.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// The storage families in the exposition format (nothing before the first refresh).
pub fn render(s: Option<&Snapshot>) -> String {
    let Some(s) = s else {
        return String::new();
    };
    let mut w = Writer::default();
    let name = "mailctl_storage_bytes";
    w.family(
        name,
        "gauge",
        "Bytes of mail in the Maildirs of each domain (every folder; refreshed every minute).",
    );
    for d in &s.domains {
        w.sample(name, &[("domain", &d.domain)], d.bytes as f64);
    }
    let name = "mailctl_storage_messages";
    w.family(name, "gauge", "Messages in the Maildirs of each domain.");
    for d in &s.domains {
        w.sample(name, &[("domain", &d.domain)], d.messages as f64);
    }
    let name = "mailctl_storage_refresh_seconds";
    w.family(
        name,
        "gauge",
        "How long the last measurement of the storage per domain took.",
    );
    w.sample(name, &[], s.seconds);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_render_per_domain_and_parse_back() {
        let s = Snapshot {
            domains: vec![
                DomainStorage {
                    domain: "a.test".into(),
                    messages: 2,
                    bytes: 300,
                },
                DomainStorage {
                    domain: "b.test".into(),
                    messages: 0,
                    bytes: 0,
                },
            ],
            seconds: 0.25,
        };
        let samples = super::super::scrape::parse(&render(Some(&s))).unwrap();
        let get = |n: &str, d: &str| {
            samples
                .iter()
                .find(|x| x.name == n && x.label("domain") == Some(d))
                .map(|x| x.value)
        };
        assert_eq!(get("mailctl_storage_bytes", "a.test"), Some(300.0));
        assert_eq!(get("mailctl_storage_messages", "a.test"), Some(2.0));
        assert_eq!(get("mailctl_storage_messages", "b.test"), Some(0.0));
        assert!(render(None).is_empty());
    }

    #[test]
    fn measures_each_served_domain_only() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for (d, name) in [("a.test", "1.M1P1.h,S=10"), ("other.test", "2.M1P1.h,S=99")] {
            let md = root.join(d).join("u");
            for s in ["new", "cur", "tmp"] {
                std::fs::create_dir_all(md.join(s)).unwrap();
            }
            std::fs::write(md.join("new").join(name), b"x").unwrap();
        }
        let mut cache = UsageCache::new();
        let s = measure(&mut cache, root, &["a.test".into(), "empty.test".into()]);
        assert_eq!(
            s.domains,
            vec![
                DomainStorage {
                    domain: "a.test".into(),
                    messages: 1,
                    bytes: 10
                },
                DomainStorage {
                    domain: "empty.test".into(),
                    messages: 0,
                    bytes: 0
                },
            ]
        );
    }
}
