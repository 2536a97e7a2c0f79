//! MTA-STS (RFC 8461) and SMTP TLS reporting (TLS-RPT, RFC 8460): the `_mta-sts` TXT record
//! with its `id=`, and the `_smtp._tls` TXT record with its `rua=`. Both are optional and
//! reported as `info` when absent.
//!
//! Not here: fetching or checking the HTTPS policy file (`mta-sts.DOMAIN/.well-known/
//! mta-sts.txt`), enforcing MTA-STS on outbound delivery, sending TLS reports.

use hickory_resolver::TokioResolver;

use super::{Finding, Input, Status, error, f};
use crate::dns::lookup;

/// The MTA-STS and TLS-RPT findings for `input.domain`.
pub async fn check_sts_rpt(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    let mut out = Vec::new();
    let (sts_name, rpt_name) = (format!("_mta-sts.{d}"), format!("_smtp._tls.{d}"));
    let (sts, rpt) = tokio::join!(lookup::txt(r, &sts_name), lookup::txt(r, &rpt_name));
    match sts.map(|v| v.into_iter().find(|t| t.starts_with("v=STSv1"))) {
        Err(e) => out.push(error("MTA-STS", &e)),
        Ok(Some(t)) if t.contains("id=") => out.push(f("MTA-STS", Status::Info, t, "")),
        Ok(Some(t)) => out.push(f(
            "MTA-STS",
            Status::Warn,
            format!("{t} (no id=)"),
            "add an id= that changes with the policy",
        )),
        Ok(None) => out.push(f(
            "MTA-STS",
            Status::Info,
            "not published (optional)",
            "needs a policy at https://mta-sts.DOMAIN/.well-known/mta-sts.txt as well",
        )),
    }
    let publish =
        format!("publish _smtp._tls.{d}. IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@{d}\"");
    match rpt.map(|v| v.into_iter().find(|t| t.starts_with("v=TLSRPTv1"))) {
        Err(e) => out.push(error("TLS-RPT", &e)),
        Ok(Some(t)) if t.contains("rua=") => out.push(f("TLS-RPT", Status::Info, t, "")),
        Ok(Some(t)) => out.push(f(
            "TLS-RPT",
            Status::Warn,
            format!("{t} (no rua=)"),
            publish,
        )),
        Ok(None) => out.push(f(
            "TLS-RPT",
            Status::Info,
            "not published (optional)",
            publish,
        )),
    }
    out
}
