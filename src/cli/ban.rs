//! `ban list | remove IP`: client addresses refused after too many failed logins.

use clap::Subcommand;

use super::{Ctx, Fail};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Addresses banned now, with when the ban ends.
    List,
    /// Lift the ban on an address and forget its failed logins.
    Remove {
        /// The banned client address (IPv4 or IPv6).
        ip: String,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let db = ctx.db()?;
    match cmd {
        Cmd::List => {
            let bans = db.bans()?;
            if ctx.json {
                output::json(&bans)?;
            } else if bans.is_empty() {
                if !ctx.quiet {
                    output::print("no address is banned")?;
                }
            } else {
                let fmt = crate::core::time::rfc3339;
                let table = output::table(
                    &["IP", "UNTIL", "FAILURES"],
                    bans.iter()
                        .map(|b| vec![b.ip.clone(), fmt(b.until), b.failures.to_string()]),
                );
                output::print(&table)?;
            }
        }
        Cmd::Remove { ip } => {
            let parsed: std::net::IpAddr = ip
                .parse()
                .map_err(|_| Fail::usage(format!("'{ip}' is not an IP address")))?;
            let was = db.remove_ban(&parsed.to_string())?;
            if ctx.json {
                output::json(&serde_json::json!({ "ip": parsed.to_string(), "was_banned": was }))?;
            } else if !was {
                return Err(Fail::new(format!("{parsed} is not banned")).into());
            } else if !ctx.quiet {
                output::print(&format!("ban on {parsed} lifted"))?;
            }
        }
    }
    Ok(())
}
