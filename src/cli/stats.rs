//! `stats`: the daemon's numbers as a table (or `--json`): scraped from the running daemon's
//! metrics endpoint (`listen.metrics`) when there is one, with the queue figures read from
//! the database either way, so something useful prints even with the endpoint off.
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
        let st = Stats {
            source: if samples.is_empty() {
                "database"
            } else {
                "endpoint"
            },
            endpoint: endpoint.map(|a| a.to_string()),
            queue,
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
    for s in samples {
        if s.value == 0.0 || s.name.ends_with("_bucket") || s.name.starts_with("mailctl_queue_") {
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
