//! `check`: dry runs of the inbound checks, one file per command.
//!
//! Not here: the pipeline itself (`crate::inbound`).

mod message;

use clap::Subcommand;

use super::Ctx;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Run the inbound pipeline (DNSBL, SPF, DKIM, DMARC, ARC) on a message without
    /// delivering it; print each stage's verdict and the decision. Exit 1 unless accepted.
    #[command(
        long_about = "Run the inbound pipeline on a message as if it had arrived on port 25 \
from --ip, without delivering it: DNS allow/blocklists and reverse DNS (connect), SPF for MAIL FROM \
and HELO (mail), DKIM, ARC and DMARC (data), then the decision the server would take (accept, junk, \
reject, tempfail) from the inbound.* settings, and the Authentication-Results header it would add. \
Exit status 0 when the decision is accept, 1 otherwise.\n\n\
With --json the output is one document: {\"decision\": \"accept\"|\"junk\"|\"reject\"|\"tempfail\", \
\"reason\": string, \"verdicts\": [{\"stage\": \"connect\"|\"mail\"|\"data\", \"method\": string, \
\"result\": string, \"reason\": string, \"action\": string, \"props\": [{\"name\", \"value\"}]}], \
\"authentication_results\": string}."
    )]
    Message(message::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Message(a) => a.run(ctx),
        }
    }
}
