//! `GET /admin/dns/{domain}`: the DNS check of a domain served here — each finding with what
//! to fix — and the records to publish. The same input (`dns::config::prepare`), checks
//! (`dns::check::run`) and records (`dns::config::records_for`) as `mailctl dns check` and
//! `dns records`.
//!
//! The lookups are async (hickory, on the daemon's runtime, never blocking a worker) and the
//! whole check is bounded by [`CHECK_TIMEOUT`]; a check that did not finish shows as an
//! error, never as a pass. Reading the settings and keys runs on a blocking thread.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use super::{admin_get, page, with_db};
use crate::core::{CoreError, Domain};
use crate::dns::check::{Finding, Status};
use crate::web::Web;

/// The longest the page waits for its lookups (each lookup has its own short timeout and
/// they run in parallel, so this is only reached when a resolver misbehaves).
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(20);

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Warn => "warn",
        Status::Fail => "FAIL",
        Status::Info => "info",
        Status::Error => "ERROR",
    }
}

/// The findings of the check, or one error finding when it could not be run or finish.
async fn findings(
    servers: Vec<std::net::SocketAddr>,
    input: crate::dns::check::Input,
) -> Vec<Finding> {
    let error = |why: String| Finding {
        check: "DNS".into(),
        status: Status::Error,
        found: why,
        fix: "check the resolver (setting dns.nameserver) and try again".into(),
    };
    let resolver = match crate::dns::resolver(&servers, crate::dns::Purpose::Diagnostic) {
        Ok(r) => r,
        Err(e) => return vec![error(format!("no resolver: {e}"))],
    };
    match tokio::time::timeout(CHECK_TIMEOUT, crate::dns::check::run(&resolver, &input)).await {
        Ok(f) => f,
        Err(_) => vec![error(format!(
            "the lookups did not finish within {} s: nothing was checked",
            CHECK_TIMEOUT.as_secs()
        ))],
    }
}

pub async fn page_of(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Path(domain): Path<String>,
) -> Response {
    let s = match admin_get(&web, &h).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let got = with_db(&web, move |db| {
        let d = Domain::parse(domain.trim())?;
        if !db.domain_exists(&d)? {
            return Err(CoreError::NotFound {
                kind: "domain",
                name: d.to_string(),
            });
        }
        let data_dir = db.data_dir().clone();
        let (servers, input) = crate::dns::config::prepare(
            Some(db),
            &data_dir,
            &d,
            crate::dns::config::Given::default(),
        );
        let signing = crate::dns::config::daemon_signing(&data_dir, &d, &input.keys);
        let records =
            crate::dns::config::records_for(db, &data_dir, &d, &[]).map_err(CoreError::Invalid)?;
        Ok((d, servers, input, signing, records))
    })
    .await;
    let (d, servers, input, signing, records) = match got {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut found = findings(servers, input).await;
    found.extend(signing);
    let ok = !found.iter().any(|f| f.status.is_bad());
    page(
        &s,
        &format!("DNS of {}", d.unicode()),
        html! {
            p id="dns-verdict" { @if ok { "Every check passed." } @else { "Some checks failed or could not be made." } }
            table id="findings" {
                thead { tr { th { "Check" } th { "Status" } th { "Found" } th { "Fix" } } }
                tbody { @for f in &found {
                    tr class={ "status-" (status_text(f.status).to_ascii_lowercase()) } {
                        td { (f.check) } td { (status_text(f.status)) }
                        td { pre { (f.found) } } td { pre { (f.fix) } }
                    }
                } }
            }
            h2 { "Records to publish" }
            table id="records" {
                thead { tr { th { "Name" } th { "Type" } th { "Value" } th { "Why" } } }
                tbody { @for r in records.iter().filter(|r| !r.value.is_empty()) {
                    tr { td { (r.name) } td { (r.r#type) } td { pre { (r.value) } } td { (r.note) } }
                } }
            }
            h2 { "Zone file form" }
            pre id="zone" { @for r in &records { (r.zone) "\n" } }
        },
    )
}
