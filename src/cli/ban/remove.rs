//! `ban remove IP`: lift a ban and forget the address's failed logins; exit 1 if it was not
//! banned.

use crate::cli::{Ctx, Fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The banned client address (IPv4 or IPv6).
    ip: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let ip = self.ip;
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
        Ok(())
    }
}
