//! `dns`: diagnostics of the records a domain's mail depends on (one file per command), and
//! the records to publish (`dns records`).
//!
//! Not here: the checks themselves (`crate::dns::check`), the record texts
//! (`crate::dns::records`), the resolver (`crate::dns::resolver`).

mod bl;
mod check;
mod dkim;
mod dmarc;
mod lookup;
mod mx;
mod ptr;
mod records;
mod spf;

use clap::Subcommand;

use super::Ctx;

pub use lookup::prepare;
pub use records::records_for;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Check every record the domain's mail depends on; say what is wrong and what to publish.
    /// Exit 1 if any check fails or could not be made.
    #[command(
        long_about = "Check every record the domain's mail depends on: MX, PTR (forward-confirmed, and \
this server's against its HELO name), SPF (one record, syntax, at most 10 lookups and 2 void lookups, \
the final all, the verdict for this server's addresses), DKIM, DMARC, MTA-STS, TLS-RPT and DNS \
blocklists. Each finding says what was found and, when it is not right, the record to publish. \
The PTR rule: the PTR of this server's address must name its HELO host (setting hostname; the MX \
host when there is no data dir) and that name must resolve back to the address.\n\n\
A lookup that fails (no answer within 2 s after one retry, SERVFAIL, REFUSED) or a blocklist's \
error answer (Spamhaus 127.255.255.252/254/255: mistyped zone, public resolver, over limit) makes \
that check \"error\": not checked, never pass. Lookups run in parallel, so a dead resolver costs \
seconds. Exit status 1 if any check fails or errs.\n\n\
With --json the output is one document: {\"domain\": string, \"ok\": bool, \"findings\": [{\"check\": \
\"MX\"|\"PTR\"|\"SPF\"|\"DKIM\"|\"DMARC\"|\"MTA-STS\"|\"TLS-RPT\"|\"blocklist\", \"status\": \
\"pass\"|\"warn\"|\"fail\"|\"info\"|\"error\", \"found\": string, \"fix\": string (empty when nothing needs \
doing)}]}. The single lookups (dns mx, ptr, spf, dmarc, dkim, bl) print the same document for their \
one check."
    )]
    Check(check::Args),
    /// MX records of DOMAIN and the addresses they lead to.
    Mx(mx::Args),
    /// PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back.
    Ptr(ptr::Args),
    /// The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address.
    Spf(spf::Args),
    /// The DMARC record of DOMAIN, checked.
    Dmarc(dmarc::Args),
    /// The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held.
    ///
    /// `dns dkim DOMAIN` checks every key mailctl holds for DOMAIN; `dns dkim SELECTOR DOMAIN`
    /// checks one selector (also one published by another signer).
    Dkim(dkim::Args),
    /// Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list's
    /// documented return codes are read; an error answer or a failed lookup is "error", exit 1.
    Bl(bl::Args),
    /// The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT,
    /// autoconfig, RFC 6186 SRV, and the PTR to ask your provider for.
    Records(records::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Check(a) => a.run(ctx),
            Cmd::Mx(a) => a.run(ctx),
            Cmd::Ptr(a) => a.run(ctx),
            Cmd::Spf(a) => a.run(ctx),
            Cmd::Dmarc(a) => a.run(ctx),
            Cmd::Dkim(a) => a.run(ctx),
            Cmd::Bl(a) => a.run(ctx),
            Cmd::Records(a) => a.run(ctx),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Cmd;
    use crate::cli::{Cli, Command};

    fn dns(args: &[&str]) -> Cmd {
        let argv = ["mailctl", "dns"].iter().chain(args);
        match Cli::try_parse_from(argv).expect("parses").command {
            Command::Dns(c) => c,
            _ => unreachable!("a dns command"),
        }
    }

    /// Every lookup takes the one shared `--nameserver` (repeatable), after or before its
    /// own arguments, and the shared flag does not swallow a command's own flags.
    #[test]
    fn every_lookup_takes_the_shared_nameserver_flag() {
        let ns = ["--nameserver", "127.0.0.1:5353", "--nameserver", "::1"];
        for cmd in [
            &["check", "example.org", "--ip", "192.0.2.1"][..],
            &["mx", "example.org"],
            &["ptr", "192.0.2.1"],
            &["spf", "example.org", "--sender", "a@example.org"],
            &["dmarc", "example.org"],
            &["dkim", "sel", "example.org"],
            &["bl", "192.0.2.1", "--zone", "zen.example"],
        ] {
            let args: Vec<&str> = cmd.iter().chain(&ns).copied().collect();
            let text = format!("{:?}", dns(&args));
            assert!(
                text.contains(r#"nameserver: ["127.0.0.1:5353", "::1"]"#),
                "{cmd:?}: {text}"
            );
        }
        assert!(format!("{:?}", dns(&["mx", "example.org"])).contains("nameserver: []"));
    }
}
