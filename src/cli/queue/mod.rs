//! `queue list|show|flush|retry|delete|hold|release`: the administrator's view of the mail
//! queue, as Postfix users know it from postqueue and postsuper. Works whether or not
//! `serve` is running: the runner notices changes within seconds, and leases keep `flush`
//! and a running server from attempting the same recipient. One file per command; this one
//! holds the command list (its doc comments are the help text and man pages) and the
//! dispatch; `queue::list` is also `mailq`.
//!
//! Not here: the queue rows (`core::outqueue`), delivery (`smtp::outbound`, `smtp::delivery`).

use clap::Subcommand;

use super::Ctx;

mod delete;
mod flush;
mod hold;
mod list;
mod release;
mod retry;
mod shared;
mod show;

pub use list::list;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Messages in the queue with each recipient's state and last error (`mailq`).
    List(list::Args),
    /// One message: envelope, every attempt with the remote's replies, and its headers.
    Show(show::Args),
    /// Attempt delivery of everything queued now (`postqueue -f`). Safe while the server
    /// runs: each recipient is leased to one of them at a time.
    Flush(flush::Args),
    /// Make these messages due now; a running server retries them within seconds.
    Retry(retry::Args),
    /// Remove messages without delivering or bouncing them (`postsuper -d`).
    Delete(delete::Args),
    /// Keep messages from being attempted until released (`postsuper -h`).
    Hold(hold::Args),
    /// Let held messages be attempted again (`postsuper -H`).
    Release(release::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::List(a) => a.run(ctx),
            Cmd::Show(a) => a.run(ctx),
            Cmd::Flush(a) => a.run(ctx),
            Cmd::Retry(a) => a.run(ctx),
            Cmd::Delete(a) => a.run(ctx),
            Cmd::Hold(a) => a.run(ctx),
            Cmd::Release(a) => a.run(ctx),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::Cli;

    /// hold, release and retry share one `ID...` argument: at least one id, all kept.
    #[test]
    fn hold_release_and_retry_take_the_shared_ids() {
        for cmd in ["hold", "release", "retry"] {
            let parsed = Cli::try_parse_from(["mailctl", "queue", cmd, "a1", "b2"]);
            let text = format!("{:?}", parsed.expect("parses").command);
            assert!(text.contains(r#"ids: ["a1", "b2"]"#), "{cmd}: {text}");
            let none = Cli::try_parse_from(["mailctl", "queue", cmd]).unwrap_err();
            assert_eq!(none.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        }
    }
}
