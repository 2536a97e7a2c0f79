//! A real PostgreSQL 15 for the tests of the PostgreSQL core (issue 21): Debian's
//! `postgresql` package, `initdb` + `pg_ctl` in a temp dir as the `postgres` user
//! (PostgreSQL refuses to run as root), on a loopback port, fsync off, password login
//! (SCRAM) over TCP as a real deployment has; stopped when dropped. No mock.
//!
//! Not here: what the tests do with it (`tests/postgres.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::cli::run;
use super::net::free_port;

const BIN_DIR: &str = "/usr/lib/postgresql/15/bin";
const PASSWORD: &str = "mailctl-test-pw";
/// initdb and pg_ctl finish in seconds; a slow shared machine gets generous bounds.
const LIMIT: Duration = Duration::from_secs(120);

pub struct PgServer {
    dir: tempfile::TempDir,
    port: u16,
    /// Shared by the tests of one binary (see `super::engine`), which run in threads.
    next_db: std::sync::atomic::AtomicU32,
    /// The server's options, to start it again after [`PgServer::stop_server`].
    opts: String,
}

impl PgServer {
    /// A fresh PostgreSQL server, or `None` (with the reason printed) where the
    /// `postgresql` package is not installed: the only case a test may skip.
    pub fn start() -> Option<PgServer> {
        Self::start_with(false)
    }

    /// A server that accepts TCP logins over TLS only (`hostssl` in pg_hba.conf), with a
    /// certificate for `localhost` from a test CA; the CA's file is [`PgServer::ca`].
    pub fn start_tls() -> Option<PgServer> {
        Self::start_with(true)
    }

    fn start_with(tls: bool) -> Option<PgServer> {
        if !Path::new(BIN_DIR).join("initdb").exists() {
            eprintln!(
                "skipped: PostgreSQL 15 is not installed ({BIN_DIR}/initdb missing); run scripts/test (apt-get install postgresql)"
            );
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("mailctl-pg")
            .tempdir()
            .unwrap();
        std::fs::write(dir.path().join("pw"), PASSWORD).unwrap();
        chown_postgres(dir.path());
        chown_postgres(&dir.path().join("pw"));
        let data = dir.path().join("data");
        as_postgres(&[
            &format!("{BIN_DIR}/initdb"),
            "-D",
            path(&data),
            "-U",
            "postgres",
            &format!("--pwfile={}", path(&dir.path().join("pw"))),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ]);
        let mut ssl = String::new();
        if tls {
            let (_, cert, key) = super::certs::make_ca_and_leaf(dir.path(), "localhost");
            chown_postgres(&cert);
            chown_postgres(&key);
            ssl = format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                path(&cert),
                path(&key)
            );
            let hba = data.join("pg_hba.conf");
            let conf = std::fs::read_to_string(&hba).unwrap();
            let conf: String = conf
                .lines()
                .map(|l| match l.strip_prefix("host ") {
                    Some(rest) => format!("hostssl {rest}\n"),
                    None => format!("{l}\n"),
                })
                .collect();
            std::fs::write(&hba, conf).unwrap();
        }
        // A port taken between free_port and the server's bind is retried with another.
        // pg_stat_statements is loaded for tests that count statements per message (a
        // database has it once a test runs CREATE EXTENSION there).
        for _ in 0..5 {
            let port = free_port();
            let opts = format!(
                "-c listen_addresses=127.0.0.1 -p {port} -k {} -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_preload_libraries=pg_stat_statements{ssl}",
                path(dir.path())
            );
            let log = dir.path().join("pg.log");
            let ok = try_as_postgres(&[
                &format!("{BIN_DIR}/pg_ctl"),
                "-D",
                path(&data),
                "-l",
                path(&log),
                "-w",
                "-t",
                "60",
                "-o",
                &opts,
                "start",
            ]);
            if ok {
                return Some(PgServer {
                    dir,
                    port,
                    next_db: std::sync::atomic::AtomicU32::new(0),
                    opts,
                });
            }
        }
        let log = std::fs::read_to_string(dir.path().join("pg.log")).unwrap_or_default();
        panic!("PostgreSQL did not start:\n{log}");
    }

    /// Stops the server (fast shutdown: sessions are cut), as an outage would; its data
    /// stays for [`PgServer::start_server`].
    pub fn stop_server(&self) {
        let data = self.dir.path().join("data");
        as_postgres(&[
            &format!("{BIN_DIR}/pg_ctl"),
            "-D",
            path(&data),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "stop",
        ]);
    }

    /// Starts the stopped server again, on the same port with the same options.
    pub fn start_server(&self) {
        let data = self.dir.path().join("data");
        let log = self.dir.path().join("pg.log");
        as_postgres(&[
            &format!("{BIN_DIR}/pg_ctl"),
            "-D",
            path(&data),
            "-l",
            path(&log),
            "-w",
            "-t",
            "60",
            "-o",
            &self.opts,
            "start",
        ]);
    }

    /// Stops every process of the server with SIGSTOP (the postmaster and its backends), as a
    /// partition that drops packets looks to a client: connections stay open, the kernel
    /// still acknowledges what is sent, nothing answers. Resumed (SIGCONT) when the guard is
    /// dropped, so a failing test never leaves the server stopped.
    pub fn freeze(&self) -> Frozen {
        let pid = self.postmaster_pid();
        let mut pids = vec![pid];
        pids.extend(children_of(pid));
        signal("-STOP", &pids);
        Frozen { pids }
    }

    fn postmaster_pid(&self) -> u32 {
        let f = self.dir.path().join("data/postmaster.pid");
        let text = std::fs::read_to_string(&f).unwrap();
        text.lines().next().unwrap().trim().parse().unwrap()
    }

    /// Stops and removes this server once process `pid` has exited (however it ended), from
    /// a watcher in its own process group, so an interrupted `cargo test` cleans up too.
    /// For a server kept in a static, which is never dropped.
    // The watcher outlives this process by design (init reaps it), so it is never waited for.
    #[allow(clippy::zombie_processes)]
    pub fn remove_after(&self, pid: u32) {
        use std::os::unix::process::CommandExt;
        let data = self.dir.path().join("data");
        let runas = if is_root() {
            "runuser -u postgres -- "
        } else {
            ""
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
             {runas}{BIN_DIR}/pg_ctl -D '{}' -m immediate -w -t 30 stop; rm -rf '{}'",
            path(&data),
            path(self.dir.path())
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn()
            .expect("spawn the PostgreSQL watcher");
    }

    /// The test CA's certificate (servers from [`PgServer::start_tls`]).
    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    /// The URL of the server's `postgres` database (for administration).
    pub fn admin_url(&self) -> String {
        self.url_of("postgres")
    }

    /// A new empty database of its own for one test (or one node of a test).
    pub fn database(&self) -> String {
        let n = self
            .next_db
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("mailctl_{n}");
        let mut c = self.client("postgres");
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        self.url_of(&name)
    }

    /// A new empty database of its own, on a TLS server, as `postgres://` URL with
    /// `host` (`localhost` is what the certificate names) and no TLS parameters.
    pub fn database_on(&self, host: &str) -> String {
        let admin = format!(
            "host=localhost hostaddr=127.0.0.1 port={} user=postgres password={PASSWORD} dbname=postgres sslmode=require",
            self.port
        );
        let n = self
            .next_db
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("mailctl_{n}");
        let tls = postgres::Client::connect(&admin, trusting(&self.ca()));
        let mut c = tls.unwrap_or_else(|e| panic!("connect to the test PostgreSQL: {e}"));
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        format!(
            "postgres://postgres:{PASSWORD}@{host}:{}/{name}?hostaddr=127.0.0.1",
            self.port
        )
    }

    /// A client of `database`, for tests that look under the hood.
    pub fn client(&self, database: &str) -> postgres::Client {
        postgres::Client::connect(&self.url_of(database), postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to the test PostgreSQL: {e}"))
    }

    fn url_of(&self, database: &str) -> String {
        format!(
            "postgres://postgres:{PASSWORD}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = try_as_postgres(&[
            &format!("{BIN_DIR}/pg_ctl"),
            "-D",
            path(&data),
            "-m",
            "immediate",
            "-w",
            "-t",
            "30",
            "stop",
        ]);
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// As root the server runs as `postgres`, which must own its directory.
fn chown_postgres(p: &Path) {
    if !is_root() {
        return;
    }
    let o = Command::new("chown")
        .arg("postgres")
        .arg(p)
        .output()
        .unwrap();
    assert!(o.status.success(), "chown postgres {}: {o:?}", p.display());
}

/// Runs a PostgreSQL tool as the `postgres` user (as root: runuser; else as we are).
fn try_as_postgres(args: &[&str]) -> bool {
    let mut c = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]);
        c
    } else {
        Command::new(args[0])
    };
    let rest = if is_root() { args } else { &args[1..] };
    c.args(rest);
    let o = run(c, None, LIMIT);
    if !o.status.success() {
        eprintln!("{args:?}: {}", super::cli::text(&o));
    }
    o.status.success()
}

fn as_postgres(args: &[&str]) {
    assert!(try_as_postgres(args), "{args:?} failed");
}

/// Whether the tests run as root (then the server runs as `postgres`).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// The harness's own administrative connection to a TLS-only server, trusting its test CA.
fn trusting(ca: &Path) -> tokio_postgres_rustls::MakeRustlsConnect {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_postgres_rustls::MakeRustlsConnect::new(config)
}

/// A server stopped by [`PgServer::freeze`]; resumed when dropped.
pub struct Frozen {
    pids: Vec<u32>,
}

impl Drop for Frozen {
    fn drop(&mut self) {
        signal("-CONT", &self.pids);
    }
}

fn signal(sig: &str, pids: &[u32]) {
    let o = Command::new("kill")
        .arg(sig)
        .args(pids.iter().map(u32::to_string))
        .output()
        .unwrap();
    assert!(o.status.success(), "kill {sig} {pids:?}: {o:?}");
}

/// The processes whose parent is `pid` (from `/proc/*/stat`: the field after the name).
fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // `pid (name) state ppid ...`; the name may hold spaces and parentheses.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok());
        if ppid == Some(pid) {
            out.push(child);
        }
    }
    out
}
