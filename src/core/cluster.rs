//! The nodes serving this mail system (issue 21.5): each running `serve` writes a heartbeat
//! row every [`HEARTBEAT`] (10 s) into `cluster_nodes` — who it is, its version and
//! listeners, when it started, the queue leases it holds, its last error — and
//! `mailctl cluster status` reads them back. A node whose row is older than
//! [`MISSED_BEATS`] of its own intervals (30 s at the default) is down: killed, hung, or cut
//! off from the database. A node that stops cleanly says so in its row.
//!
//! A node's id is `MAILCTL_NODE_ID` when set (several nodes on one host sharing one data
//! directory need it), else `hostname:data-dir`; so a restarted node takes over its row
//! instead of leaving a dead twin behind.
//!
//! Written once through the engine seam, so it works on SQLite today and on the PostgreSQL
//! core where nodes really share it. Not here: the daemon's loop (`cli::serve`), rendering
//! (`cli::cluster`).

use serde::Serialize;

use super::sql::{Row, args};
use super::{DataDir, Db, Result, now};

/// How often a daemon writes its row.
pub const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(10);
/// Beats a node may miss before it counts as down.
pub const MISSED_BEATS: i64 = 3;

/// [`HEARTBEAT`]; in debug builds `MAILCTL_TEST_HEARTBEAT_MS` (a test does not wait 30 s
/// for a killed node to show down).
pub fn heartbeat_interval() -> std::time::Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("MAILCTL_TEST_HEARTBEAT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        return std::time::Duration::from_millis(ms.max(10));
    }
    HEARTBEAT
}

/// This node's id: `MAILCTL_NODE_ID`, else `hostname:data-dir`.
pub fn node_id(data_dir: &DataDir) -> String {
    if let Ok(id) = std::env::var("MAILCTL_NODE_ID")
        && !id.trim().is_empty()
    {
        return id.trim().to_string();
    }
    let host = crate::sys::hostname().unwrap_or_else(|| "localhost".into());
    format!("{host}:{}", data_dir.root().display())
}

/// What a daemon says about itself in each beat.
#[derive(Debug, Clone)]
pub struct Beat {
    pub node: String,
    pub hostname: String,
    pub pid: u32,
    pub version: String,
    /// `name=address` per listener.
    pub listeners: Vec<String>,
    /// Unix seconds.
    pub started: i64,
    pub interval_ms: i64,
    /// The last error worth an administrator's eye (empty: none).
    pub last_error: String,
}

/// Whether a node is serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeState {
    Up,
    /// Not seen for [`MISSED_BEATS`] intervals.
    Down,
    /// Stopped cleanly.
    Stopped,
}

impl std::fmt::Display for NodeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NodeState::Up => "up",
            NodeState::Down => "down",
            NodeState::Stopped => "stopped",
        })
    }
}

/// One node's row, with its state as of the read.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub node: String,
    pub state: NodeState,
    pub hostname: String,
    pub pid: u32,
    pub version: String,
    pub listeners: Vec<String>,
    /// Unix seconds.
    pub started: i64,
    /// Unix milliseconds of the last beat.
    pub last_seen_ms: i64,
    pub interval_ms: i64,
    /// Queue recipients leased by this node at its last beat.
    pub claims: u64,
    pub last_error: String,
}

/// Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A node's state at `now_ms` from its last beat.
pub fn state_of(stopped: bool, last_seen_ms: i64, interval_ms: i64, now_ms: i64) -> NodeState {
    if stopped {
        NodeState::Stopped
    } else if now_ms - last_seen_ms > MISSED_BEATS * interval_ms.max(1) {
        NodeState::Down
    } else {
        NodeState::Up
    }
}

fn node(r: &Row, at: i64) -> Result<Node> {
    let listeners: String = r.get(5)?;
    let last_seen_ms: i64 = r.get(7)?;
    let interval_ms: i64 = r.get(8)?;
    Ok(Node {
        node: r.get(0)?,
        hostname: r.get(1)?,
        pid: r.get::<i64>(2)?.clamp(0, u32::MAX as i64) as u32,
        version: r.get(3)?,
        started: r.get(4)?,
        listeners: listeners
            .split(' ')
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        state: state_of(r.get(6)?, last_seen_ms, interval_ms, at),
        last_seen_ms,
        interval_ms,
        claims: r.get(9)?,
        last_error: r.get(10)?,
    })
}

impl Db {
    /// Writes this node's row (a beat): creates it or replaces what an earlier run of the
    /// same node left, with the queue leases it holds now. Lease owners carry the holder's
    /// pid and node id (`core::queue::claim::new_lease_owner`), which is how its claims are
    /// counted: parsed, not matched with `LIKE` (a node id may hold `_`, `%`, `@`, `-`).
    pub fn heartbeat(&self, b: &Beat) -> Result<()> {
        use super::queue::{lease_owner_node, lease_owner_pid};
        let sql = self.sql();
        let mut claims: i64 = 0;
        for r in sql.query(
            "SELECT lease_owner, count(*) FROM queue_recipients
             WHERE lease_until > ?1 AND lease_owner != '' GROUP BY lease_owner",
            args![now()],
        )? {
            let owner: String = r.get(0)?;
            // The pid alone could be another node's, on this host or another.
            if lease_owner_pid(&owner) == Some(b.pid) && lease_owner_node(&owner) == Some(&b.node) {
                claims += r.get::<i64>(1)?;
            }
        }
        sql.execute(
            "INSERT INTO cluster_nodes (node, hostname, pid, version, started, listeners, stopped,
                 last_seen_ms, interval_ms, claims, last_error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, ?10)
             ON CONFLICT (node) DO UPDATE SET hostname = excluded.hostname, pid = excluded.pid,
                 version = excluded.version, started = excluded.started,
                 listeners = excluded.listeners, stopped = 0,
                 last_seen_ms = excluded.last_seen_ms, interval_ms = excluded.interval_ms,
                 claims = excluded.claims, last_error = excluded.last_error",
            args![
                b.node.as_str(),
                b.hostname.as_str(),
                b.pid as i64,
                b.version.as_str(),
                b.started,
                b.listeners.join(" "),
                now_ms(),
                b.interval_ms,
                claims,
                b.last_error.as_str()
            ],
        )?;
        Ok(())
    }

    /// Marks `node` as stopped cleanly (its last beat stays as it was).
    pub fn node_stopped(&self, node: &str) -> Result<()> {
        self.sql().execute(
            "UPDATE cluster_nodes SET stopped = 1, claims = 0 WHERE node = ?1",
            args![node],
        )?;
        Ok(())
    }

    /// Every node that ever beat, by id, with its state now.
    pub fn cluster_nodes(&self) -> Result<Vec<Node>> {
        let at = now_ms();
        let mut all = self
            .sql()
            .query(
                "SELECT node, hostname, pid, version, started, listeners, stopped, last_seen_ms,
                    interval_ms, claims, last_error FROM cluster_nodes",
                &[],
            )?
            .iter()
            .map(|r| node(r, at))
            .collect::<Result<Vec<_>>>()?;
        all.sort_by(|a, b| a.node.cmp(&b.node));
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_is_down_after_missing_its_beats() {
        assert_eq!(state_of(false, 1_000, 10_000, 31_000), NodeState::Up);
        assert_eq!(state_of(false, 1_000, 10_000, 31_001), NodeState::Down);
        assert_eq!(state_of(true, 1_000, 10_000, 2_000), NodeState::Stopped);
        assert_eq!(state_of(false, 1_000, 0, 1_004), NodeState::Down);
    }

    #[test]
    fn beats_replace_the_row_and_a_clean_stop_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        let mut b = Beat {
            node: "h:/d".into(),
            hostname: "h".into(),
            pid: 42,
            version: "1.0".into(),
            listeners: vec!["smtp=127.0.0.1:25".into(), "imap=127.0.0.1:143".into()],
            started: 5,
            interval_ms: 10_000,
            last_error: String::new(),
        };
        db.heartbeat(&b).unwrap();
        b.last_error = "reload: bad certificate".into();
        db.heartbeat(&b).unwrap();
        let nodes = db.cluster_nodes().unwrap();
        assert_eq!(nodes.len(), 1);
        let n = &nodes[0];
        assert_eq!(n.state, NodeState::Up);
        assert_eq!(n.listeners, b.listeners);
        assert_eq!(n.last_error, "reload: bad certificate");
        assert_eq!(n.claims, 0);
        db.node_stopped("h:/d").unwrap();
        assert_eq!(db.cluster_nodes().unwrap()[0].state, NodeState::Stopped);
        db.heartbeat(&b).unwrap();
        assert_eq!(db.cluster_nodes().unwrap()[0].state, NodeState::Up);
    }
}
