//! `cluster status`: one row per node, fitted to the terminal (80 columns when piped), each
//! node's last error under the table, or `--json` with every field.

use crate::cli::Ctx;
use crate::core::cluster::{Node, now_ms};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {}

/// "4 s ago", "3 min ago", "2 h ago", "5 d ago".
fn ago(ms: i64) -> String {
    let s = (ms / 1000).max(0);
    match s {
        0..=119 => format!("{s} s ago"),
        120..=7199 => format!("{} min ago", s / 60),
        7200..=172_799 => format!("{} h ago", s / 3600),
        _ => format!("{} d ago", s / 86_400),
    }
}

fn row(n: &Node, now: i64) -> Vec<String> {
    vec![
        n.node.clone(),
        n.state.to_string(),
        ago(now - n.last_seen_ms),
        n.version.clone(),
        n.claims.to_string(),
        n.listeners.join("\n"),
    ]
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let nodes = ctx.db()?.cluster_nodes()?;
        if ctx.json {
            output::json(&nodes)?;
        } else if nodes.is_empty() {
            if !ctx.quiet {
                output::print("no node has reported yet: nodes report while `mailctl serve` runs")?;
            }
        } else {
            let now = now_ms();
            let mut out = output::table(
                &["NODE", "STATE", "SEEN", "VERSION", "CLAIMS", "LISTENERS"],
                nodes.iter().map(|n| row(n, now)),
            );
            // Errors are long sentences: under the table, where they may take the width.
            for n in nodes.iter().filter(|n| !n.last_error.is_empty()) {
                out.push_str(&format!("\n{}: last error: {}", n.node, n.last_error));
            }
            output::print(&out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(ago(4_500), "4 s ago");
        assert_eq!(ago(-10), "0 s ago");
        assert_eq!(ago(180_000), "3 min ago");
        assert_eq!(ago(3 * 3_600_000), "3 h ago");
        assert_eq!(ago(5 * 86_400_000), "5 d ago");
    }
}
