//! `check message`: the inbound pipeline as a dry run. Runs every stage on a message file as
//! if it had arrived on port 25 from `--ip`, prints each verdict, the decision and the
//! `Authentication-Results` header, and delivers nothing.

use std::io::Read;
use std::net::IpAddr;
use std::path::PathBuf;

use crate::cli::{Ctx, Exit, Fail};
use crate::core::Db;
use crate::inbound::recipients::Applied;
use crate::inbound::{Action, Checker, Envelope, Policy, Report};
use crate::output;

/// Largest message file read (the pipeline sees what SMTP would accept, and more).
const MAX_MESSAGE: u64 = 64 << 20;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The message (RFC 5322, as it would follow DATA); `-` reads stdin.
    file: PathBuf,
    /// The connecting client's address.
    #[arg(long)]
    ip: IpAddr,
    /// The name the client gave in EHLO/HELO.
    #[arg(long)]
    helo: String,
    /// The MAIL FROM address; an empty string or `<>` is the null sender.
    #[arg(long)]
    from: String,
    /// Recipient(s) of the transaction.
    #[arg(long, required = true)]
    to: Vec<String>,
    /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
    #[arg(long)]
    nameserver: Vec<String>,
    /// The DMARC pct draw (0-99) instead of a random one, to reproduce a decision.
    #[arg(long, hide = true, value_parser = clap::value_parser!(u8).range(0..100))]
    pct_sample: Option<u8>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let Args {
            file,
            ip,
            helo,
            from,
            to,
            nameserver,
            pct_sample,
        } = self;
        let message = read_message(&file)?;
        // Works on a machine without a data directory too, with the default settings.
        let db = Db::open_existing(&ctx.data_dir).ok();
        let setting = |k: &str| -> String {
            match &db {
                Some(db) => db.setting(k).unwrap_or_default(),
                None => crate::core::settings::lookup(k)
                    .map(|s| s.default.to_string())
                    .unwrap_or_default(),
            }
        };
        let hostname = match setting("hostname") {
            h if h.is_empty() => crate::core::settings::system_hostname(),
            h => h,
        };
        let domains = match &db {
            Some(db) => db
                .domains()?
                .into_iter()
                .map(|d| d.name.to_string())
                .collect(),
            None => Vec::new(),
        };
        let mut policy = Policy::from_lookup(setting, domains, &hostname)
            .map_err(|e| Fail::hint(e, "`mailctl config list` shows the settings"))?;
        if let Some(db) = &db {
            policy.overrides = db.inbound_overrides()?;
        }
        let servers = nameservers(&nameserver, &setting("dns.nameserver"))?;
        let mail_from = from
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string();
        let env = Envelope {
            ip,
            helo,
            mail_from,
            rcpts: to,
        };
        let sample = pct_sample.unwrap_or_else(|| (getrandom::u32().unwrap_or(0) % 100) as u8);
        let spinner = output::spinner("checking the message", ctx.progress());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let report = rt.block_on(async {
            let resolver = crate::dns::resolver(&servers, crate::dns::Purpose::Diagnostic)
                .map_err(Fail::new)?;
            let checker = Checker::new(resolver);
            Ok::<_, anyhow::Error>(checker.check(&policy, &env, &message, sample).await)
        })?;
        spinner.finish_and_clear();
        if ctx.json {
            output::json(&serde_json::json!({
                "decision": report.decision.action,
                "reason": report.decision.reason,
                "verdicts": report.verdicts,
                "recipients": report.recipients,
                "authentication_results": report.authentication_results,
            }))?;
        } else {
            output::print(&render(&report))?;
        }
        if report.decision.action != Action::Accept {
            return Err(Exit(1).into());
        }
        Ok(())
    }
}

/// The file's bytes with bare LF line ends made CRLF, as they would arrive over SMTP (a
/// message saved by a mail client usually has LF only, and DKIM hashes CRLF).
fn read_message(file: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let mut raw = Vec::new();
    let name = file.display().to_string();
    let res = if name == "-" {
        std::io::stdin().take(MAX_MESSAGE).read_to_end(&mut raw)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(MAX_MESSAGE).read_to_end(&mut raw))
    };
    res.map_err(|e| {
        Fail::hint(
            format!("cannot read {name}: {e}"),
            "give the path of a message file, or - for stdin",
        )
    })?;
    if memchr::memmem::find(&raw, b"\r\n").is_some() {
        return Ok(raw);
    }
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 32);
    for &b in &raw {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    Ok(out)
}

fn nameservers(flags: &[String], setting: &str) -> anyhow::Result<Vec<std::net::SocketAddr>> {
    if flags.is_empty() {
        return Ok(setting
            .split(',')
            .filter(|s| !s.is_empty())
            .filter_map(|s| crate::core::settings::parse_nameserver(s).ok())
            .collect());
    }
    flags
        .iter()
        .map(|s| {
            crate::core::settings::parse_nameserver(s)
                .map_err(|e| Fail::usage(format!("--nameserver: {e}")).into())
        })
        .collect()
}

/// The table (the shared renderer wraps it to the terminal, or 80 columns when piped), the
/// decision and the header.
fn render(report: &Report) -> String {
    let rows: Vec<Vec<String>> = report
        .verdicts
        .iter()
        .map(|v| {
            let check = match v.get("dns.zone") {
                Some(z) => format!("{} {z}", v.method),
                None => v.method.to_string(),
            };
            vec![
                v.stage.as_str().to_string(),
                check,
                v.result.as_str().to_string(),
                v.action.as_str().to_string(),
                v.reason.clone(),
            ]
        })
        .collect();
    let mut out = output::table(&["STAGE", "CHECK", "RESULT", "ACTION", "REASON"], rows);
    out.push_str("\n\n");
    out.push_str(&recipients(report));
    out.push_str(&format!(
        "\n\ndecision: {} ({})\n\n{}",
        report.decision.action.as_str(),
        report.decision.reason,
        report
            .authentication_results
            .replace("\r\n", "\n")
            .trim_end()
    ));
    out
}

/// Which thresholds applied to each recipient (server, domain or user) and what its own
/// decision is.
fn recipients(report: &Report) -> String {
    let rows: Vec<Vec<String>> = report
        .recipients
        .iter()
        .map(|r| {
            let t = &r.thresholds;
            let score = |a: &Applied<f64>| format!("{} ({})", a.value, a.from.as_str());
            let word = |a: &Applied<String>| format!("{} ({})", a.value, a.from.as_str());
            let action = match (r.action, r.junk) {
                (Action::Accept, false) => "inbox".to_string(),
                (a, true) if a != Action::Junk => format!("junk (its policy: {})", a.as_str()),
                (a, _) => a.as_str().to_string(),
            };
            vec![
                r.rcpt.clone(),
                score(&t.spam_junk_score),
                score(&t.spam_reject_score),
                word(&t.spam_action),
                format!("{} / {}", word(&t.dmarc_reject), word(&t.dmarc_quarantine)),
                action,
            ]
        })
        .collect();
    output::table(
        &[
            "RECIPIENT",
            "JUNK AT",
            "REJECT AT",
            "SPAM ACTION",
            "DMARC REJECT / QUARANTINE",
            "DECISION",
        ],
        rows,
    )
}
