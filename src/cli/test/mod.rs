//! `test smtp|imap|pop3 HOST[:PORT]`: is the port open, does TLS work, does login work.
//! `test delivery ADDRESS`: send a real message and follow it (`delivery.rs`).
//!
//! Not here: the protocol client that makes the test (`crate::probe`, which knows nothing of
//! the command line).

mod delivery;
mod report;

use std::time::Duration;

use super::{Ctx, Exit, Fail};
use crate::output;
use crate::probe::{self, Options, Protocol, TlsMode};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// smtp, imap or pop3; or delivery (send a real message to ADDRESS and follow it).
    pub protocol: What,
    /// HOST or HOST:PORT ([v6]:PORT); the port defaults to the protocol's standard one. For
    /// delivery: the recipient's address.
    pub target: String,
    /// Upgrade with STARTTLS (STLS for POP3) after the greeting.
    #[arg(long, conflicts_with = "tls")]
    pub starttls: bool,
    /// Implicit TLS from the first byte (ports 465, 993, 995).
    #[arg(long)]
    pub tls: bool,
    /// Log in as this user (AUTH PLAIN). Needs --password-stdin: the password is never an
    /// argument (other users could read it in the process list).
    #[arg(long, requires = "password_stdin")]
    pub user: Option<String>,
    /// Read --user's password from the first line of standard input
    /// (e.g. `echo "$PW" | mailctl test smtp HOST --user U --password-stdin`).
    #[arg(long, requires = "user")]
    pub password_stdin: bool,
    /// Seconds to wait for each step (delivery: for the message to leave the queue).
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// delivery: the envelope sender (default postmaster@ the first domain).
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
}

/// What `test` checks: a protocol's port, or a delivery end to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    Smtp,
    Imap,
    Pop3,
    Delivery,
}

fn split_target(target: &str, default_port: u16) -> anyhow::Result<(String, u16)> {
    if let Some(rest) = target.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| Fail::usage(format!("'{target}': unclosed '['")))?;
        let port = match after.strip_prefix(':') {
            Some(p) => p
                .parse()
                .map_err(|_| Fail::usage(format!("'{target}': bad port")))?,
            None => default_port,
        };
        return Ok((host.to_string(), port));
    }
    match target.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Ok((
            h.to_string(),
            p.parse()
                .map_err(|_| Fail::usage(format!("'{target}': bad port '{p}'")))?,
        )),
        _ => Ok((target.to_string(), default_port)),
    }
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let args = self;
        let protocol = match args.protocol {
            What::Smtp => Protocol::Smtp,
            What::Imap => Protocol::Imap,
            What::Pop3 => Protocol::Pop3,
            What::Delivery => {
                return delivery::run(ctx, &args.target, args.from.as_deref(), args.timeout);
            }
        };
        let (host, port) = split_target(&args.target, protocol.default_port(args.tls))?;
        let credentials = match &args.user {
            Some(u) => Some((u.clone(), super::password::read_stdin_line()?)),
            None => None,
        };
        let tls = if args.tls {
            TlsMode::Implicit
        } else if args.starttls {
            TlsMode::StartTls
        } else {
            TlsMode::None
        };
        let helo = crate::core::Db::open_existing(&ctx.data_dir)
            .ok()
            .and_then(|db| db.setting("hostname").ok())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(crate::core::settings::system_hostname);
        let opts = Options {
            protocol,
            host,
            port,
            tls,
            credentials,
            timeout: Duration::from_secs(args.timeout.max(1)),
            helo,
        };
        let spinner = output::spinner(&format!("testing {}", args.target), ctx.progress());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let report = rt.block_on(probe::run(opts));
        spinner.finish_and_clear();
        if ctx.json {
            output::json(&report)?;
        } else {
            output::print(&report::render(&report))?;
        }
        if !report.ok {
            return Err(Exit(1).into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            split_target("mail.example.org", 25).unwrap(),
            ("mail.example.org".into(), 25)
        );
        assert_eq!(
            split_target("mail.example.org:587", 25).unwrap(),
            ("mail.example.org".into(), 587)
        );
        assert_eq!(
            split_target("[::1]:2525", 25).unwrap(),
            ("::1".into(), 2525)
        );
        assert_eq!(split_target("::1", 25).unwrap(), ("::1".into(), 25));
        assert!(split_target("host:x", 25).is_err());
    }
}
