//! `dnsbl test IP [--nameserver ADDR]`.

use std::net::IpAddr;

use serde::Serialize;

use super::{Ctx, Fail};
use crate::core::Db;
use crate::dns::check::dnsbl::{self, Verdict};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The client address to look up (IPv4 or IPv6).
    ip: IpAddr,
    /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
    #[arg(long)]
    nameserver: Vec<String>,
}

/// One list's answer.
#[derive(Debug, Serialize)]
struct Answer {
    zone: String,
    /// `dnsbl` or `dnswl`.
    kind: &'static str,
    /// `listed`, `not listed` or `error`.
    result: &'static str,
    /// What each returned code means (listed), or why nothing is known (error).
    meaning: Vec<String>,
    /// The list's TXT record for the address, when listed and it has one.
    txt: String,
    /// What to do about an error.
    hint: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let (servers, lists) = settings(ctx, &self.nameserver)?;
        if lists.is_empty() {
            return Err(Fail::hint(
                "no DNS lists are configured (dnsbl.zones and dnswl.zones are empty)",
                "`mailctl config set dnsbl.zones zen.spamhaus.org` (and dnswl.zones for allowlists)",
            )
            .into());
        }
        let spinner = output::spinner(&format!("asking about {}", self.ip), ctx.progress());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let answers = rt.block_on(async {
            let r = crate::dns::resolver(&servers, crate::dns::Purpose::Diagnostic)
                .map_err(Fail::new)?;
            let asks = lists
                .iter()
                .map(|(zone, kind)| ask(&r, self.ip, zone, kind));
            Ok::<_, Fail>(futures_util::future::join_all(asks).await)
        })?;
        spinner.finish_and_clear();
        let listed = answers
            .iter()
            .any(|a| a.kind == "dnsbl" && a.result == "listed");
        let errors = answers.iter().any(|a| a.result == "error");
        if ctx.json {
            output::json(&serde_json::json!({
                "ip": self.ip.to_string(),
                "listed": listed,
                "errors": errors,
                "lists": answers,
            }))?;
        } else {
            output::print(&render(&answers))?;
        }
        if listed || errors {
            return Err(crate::cli::Exit(1).into());
        }
        Ok(())
    }
}

/// A list's zone and kind (`dnsbl` or `dnswl`).
type List = (String, &'static str);

/// The resolvers (the flag, else `dns.nameserver`) and the lists, allowlists first, as the
/// inbound checks ask them. Works without a data directory (the defaults apply).
fn settings(
    ctx: &Ctx,
    nameserver: &[String],
) -> anyhow::Result<(Vec<std::net::SocketAddr>, Vec<List>)> {
    let db = Db::open_existing(&ctx.data_dir).ok();
    let setting = |k: &str| match &db {
        Some(db) => db.setting(k).unwrap_or_default(),
        None => crate::core::settings::lookup(k)
            .map(|s| s.default.to_string())
            .unwrap_or_default(),
    };
    let servers = if nameserver.is_empty() {
        setting("dns.nameserver")
            .split(',')
            .filter(|s| !s.is_empty())
            .filter_map(|s| crate::core::settings::parse_nameserver(s).ok())
            .collect()
    } else {
        nameserver
            .iter()
            .map(|s| {
                crate::core::settings::parse_nameserver(s)
                    .map_err(|e| Fail::usage(format!("--nameserver: {e}")))
            })
            .collect::<Result<_, _>>()?
    };
    let zones = |key: &str, kind: &'static str| {
        setting(key)
            .split(',')
            .map(|z| z.trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|z| !z.is_empty())
            .map(|z| (z, kind))
            .collect::<Vec<_>>()
    };
    let mut lists = zones("dnswl.zones", "dnswl");
    lists.extend(zones("dnsbl.zones", "dnsbl"));
    Ok((servers, lists))
}

async fn ask(
    r: &hickory_resolver::TokioResolver,
    ip: IpAddr,
    zone: &str,
    kind: &'static str,
) -> Answer {
    let mut a = Answer {
        zone: zone.to_string(),
        kind,
        result: "not listed",
        meaning: Vec::new(),
        txt: String::new(),
        hint: String::new(),
    };
    match dnsbl::ask(r, ip, zone).await {
        Verdict::NotListed => {}
        Verdict::Listed(meaning) => {
            a.result = "listed";
            a.meaning = meaning;
            a.txt = dnsbl::txt_reason(r, ip, zone).await;
        }
        Verdict::Error { reason, hint } => {
            a.result = "error";
            a.meaning = vec![reason];
            a.hint = hint;
        }
    }
    a
}

/// The table: one row per list, what to do under an error.
fn render(answers: &[Answer]) -> String {
    let rows = answers.iter().map(|a| {
        let mut what = a.meaning.join("; ");
        if !a.txt.is_empty() {
            what = format!("{what} ({})", a.txt);
        }
        if !a.hint.is_empty() {
            what = format!("{what}\n-> {}", a.hint);
        }
        let result = match (a.result, a.kind) {
            ("listed", "dnsbl") => "LISTED",
            ("error", _) => "ERROR",
            (r, _) => r,
        };
        vec![a.zone.clone(), a.kind.to_string(), result.to_string(), what]
    });
    output::table(&["ZONE", "KIND", "RESULT", "MEANING"], rows)
}
