//! `stats`: the daemon's numbers as a table (or `--json`): scraped from the running daemon's
//! metrics endpoint (`listen.metrics`) when there is one, with the queue figures read from
//! the database either way, so something useful prints even with the endpoint off. The
//! storage per domain comes from the endpoint's last measurement, else is measured here once.
//!
//! Not here: the metrics themselves (`crate::metrics`), HTTP and the text format
//! (`crate::metrics::scrape`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;

use super::Ctx;
use crate::core::queue::QueueFigures;
use crate::metrics::scrape::{self, Sample};
use crate::metrics::storage::DomainStorage;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {}

/// How long the endpoint has to answer.
const TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Serialize)]
struct Stats {
    /// `endpoint` (scraped) or `database` (queue figures only).
    source: &'static str,
    endpoint: Option<String>,
    queue: QueueFigures,
    /// Messages and bytes per domain.
    storage: Vec<DomainStorage>,
    samples: Vec<JsonSample>,
    /// Why only the database figures are shown, and what to do.
    note: Option<String>,
}

#[derive(Serialize)]
struct JsonSample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let queue = db.queue_figures()?;
        let endpoint = endpoint(ctx, &db)?;
        let (samples, note) = match endpoint {
            None => (
                Vec::new(),
                Some(
                    "connections, deliveries, logins and verdicts need the metrics endpoint: \
                     `mailctl config set listen.metrics 127.0.0.1:9100` and restart `serve`"
                        .to_string(),
                ),
            ),
            Some(addr) => match scrape::fetch(addr, TIMEOUT).and_then(|t| scrape::parse(&t)) {
                Ok(s) => (s, None),
                Err(e) => (
                    Vec::new(),
                    Some(format!(
                        "{e}; is `mailctl serve` running? Showing the queue only"
                    )),
                ),
            },
        };
        let storage = match storage_of(&samples) {
            Some(s) => s,
            None => {
                let domains = db.domain_names()?;
                let mut cache = crate::maildir::usage::UsageCache::new();
                crate::metrics::storage::measure(&mut cache, &ctx.data_dir.mail_root(), &domains)
                    .domains
            }
        };
        let st = Stats {
            source: if samples.is_empty() {
                "database"
            } else {
                "endpoint"
            },
            endpoint: endpoint.map(|a| a.to_string()),
            queue,
            storage,
            samples: samples.iter().map(json_sample).collect(),
            note,
        };
        if ctx.json {
            output::json(&st)?;
        } else {
            output::print(&render(&st, &samples))?;
        }
        Ok(())
    }
}

/// The running daemon's metrics listener (the address it really bound), else the setting.
fn endpoint(ctx: &Ctx, db: &crate::core::Db) -> anyhow::Result<Option<SocketAddr>> {
    let running = crate::core::runtime::running(&ctx.data_dir)
        .into_iter()
        .flat_map(|d| d.listeners)
        .find(|l| l.name == "metrics")
        .and_then(|l| l.address.parse().ok());
    if running.is_some() {
        return Ok(running);
    }
    let configured = crate::net::listen::parse_list(&db.setting("listen.metrics")?)?;
    Ok(configured.into_iter().next())
}

/// The storage families of a scrape, per domain; `None` when the daemon has not measured yet.
fn storage_of(samples: &[Sample]) -> Option<Vec<DomainStorage>> {
    let mut by: BTreeMap<String, DomainStorage> = BTreeMap::new();
    for s in samples {
        let Some(d) = s.label("domain") else { continue };
        let e = by.entry(d.to_string()).or_insert_with(|| DomainStorage {
            domain: d.to_string(),
            messages: 0,
            bytes: 0,
        });
        match s.name.as_str() {
            "mailctl_storage_bytes" => e.bytes = s.value as u64,
            "mailctl_storage_messages" => e.messages = s.value as u64,
            _ => {}
        }
    }
    let measured = samples
        .iter()
        .any(|s| s.name == "mailctl_storage_refresh_seconds");
    measured.then(|| by.into_values().collect())
}

fn json_sample(s: &Sample) -> JsonSample {
    JsonSample {
        name: s.name.clone(),
        labels: s.labels.iter().cloned().collect(),
        value: s.value,
    }
}

/// The table shows the series that are not zero, histograms by count and sum only;
/// `--json` has every series.
fn render(st: &Stats, samples: &[Sample]) -> String {
    let mut rows = vec![
        vec![
            "queue messages".to_string(),
            String::new(),
            st.queue.messages.to_string(),
        ],
        vec![
            "queue oldest".to_string(),
            String::new(),
            format!("{} s", st.queue.oldest_age),
        ],
    ];
    for d in &st.storage {
        rows.push(vec![
            "storage".to_string(),
            format!("domain={}", d.domain),
            format!(
                "{} msgs, {}",
                d.messages,
                crate::core::settings::human_size(d.bytes)
            ),
        ]);
    }
    for s in samples {
        if s.value == 0.0
            || s.name.ends_with("_bucket")
            || s.name.starts_with("mailctl_queue_")
            || s.name.starts_with("mailctl_storage_")
        {
            continue;
        }
        let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        rows.push(vec![
            s.name.trim_start_matches("mailctl_").to_string(),
            labels.join(" "),
            format!("{}", s.value),
        ]);
    }
    let mut out = output::table(&["metric", "labels", "value"], rows);
    match (&st.note, &st.endpoint) {
        (Some(n), _) => out.push_str(&format!("\n{n}")),
        (None, Some(e)) => out.push_str(&format!(
            "\nfrom {e} (series at zero not shown; --json lists all)"
        )),
        (None, None) => {}
    }
    out
}
