//! Real content scanners for tests: ClamAV's clamd with a one-signature database (EICAR;
//! the official database cannot be downloaded here), rspamd with its packaged rules and
//! its DNS pointed at the test's DNS server, and SpamAssassin's spamd with its packaged
//! rules and no network tests, each on free loopback ports in a temporary directory, killed
//! when dropped; and Redis for rspamd's Bayes statistics. Needs Debian's `clamav-daemon`,
//! `rspamd`, `spamd`, `spamassassin` and `redis-server`.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The EICAR test file (not a virus; every scanner detects it by agreement).
pub const EICAR: &str = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
/// The GTUBE spam test string.
pub const GTUBE: &str = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

pub struct Daemon {
    child: Child,
    pub addr: String,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// The daemon runs in its own process group (rspamd forks workers that outlive a killed
/// main process): the whole group goes.
impl Drop for Daemon {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the process group of our own child.
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

impl Daemon {
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Debian puts clamd in /usr/sbin, which a non-root PATH may leave out.
fn program(name: &str) -> std::path::PathBuf {
    ["/usr/sbin", "/usr/bin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| name.into())
}

/// Waits (bounded) until `addr` accepts connections and `ready` says the daemon answers.
fn wait_ready(d: &mut Daemon, what: &str, limit: Duration, ready: impl Fn(&str) -> bool) {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = d.child.try_wait() {
            panic!("{what} exited with {status}; its log:\n{}", d.log());
        }
        if ready(&d.addr) {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("{what} not ready after {limit:?}; its log:\n{}", d.log());
}

fn clamd_ping(addr: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut buf = [0u8; 16];
    s.write_all(b"zPING\0").is_ok()
        && s.read(&mut buf)
            .is_ok_and(|n| buf[..n].starts_with(b"PONG"))
}

/// clamd on a free TCP port with the EICAR signature only.
pub fn clamd() -> Daemon {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path();
    std::fs::create_dir(c.join("db")).unwrap();
    let hex: String = EICAR.bytes().map(|b| format!("{b:02x}")).collect();
    std::fs::write(c.join("db/test.ndb"), format!("Test.EICAR:0:*:{hex}\n")).unwrap();
    let port = super::net::free_port();
    let conf = format!(
        "Foreground yes\nDatabaseDirectory {c}/db\nTCPSocket {port}\nTCPAddr 127.0.0.1\nPidFile {c}/clamd.pid\nLogFile {c}/clamd.log\nUser root\n",
        c = c.display()
    );
    std::fs::write(c.join("clamd.conf"), conf).unwrap();
    let child = Command::new(program("clamd"))
        .process_group(0)
        .arg("-c")
        .arg(c.join("clamd.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("clamd (Debian package clamav-daemon)");
    let mut d = Daemon {
        child,
        addr: format!("127.0.0.1:{port}"),
        log: c.join("clamd.log"),
        _dir: dir,
    };
    wait_ready(&mut d, "clamd", Duration::from_secs(60), clamd_ping);
    d
}

fn rspamd_ping(addr: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut buf = Vec::new();
    s.write_all(b"GET /ping HTTP/1.0\r\n\r\n").is_ok()
        && s.read_to_end(&mut buf).is_ok()
        && String::from_utf8_lossy(&buf).contains("pong")
}

fn chown_rspamd(p: &Path) {
    let st = Command::new("chown")
        .args(["-R", "_rspamd:_rspamd"])
        .arg(p)
        .status()
        .unwrap();
    assert!(st.success(), "chown _rspamd {}", p.display());
}

/// rspamd's normal worker on a free port, asking `dns` (ADDR:PORT) for every lookup.
pub fn rspamd(dns: &str) -> Daemon {
    rspamd_with(dns, None).0
}

/// rspamd with its Bayes classifier in the Redis at `redis` (ADDR:PORT; rspamd 3.4 has no
/// other Bayes backend), classifying after one learn, and its controller (which takes
/// `/learnspam`, `/learnham` and `/stat` from 127.0.0.1 without a password): (daemon,
/// controller ADDR:PORT).
pub fn rspamd_learning(dns: &str, redis: &str) -> (Daemon, String) {
    rspamd_with(dns, Some(redis))
}

fn redis_ping(addr: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut buf = [0u8; 16];
    s.write_all(b"PING\r\n").is_ok()
        && s.read(&mut buf)
            .is_ok_and(|n| buf[..n].starts_with(b"+PONG"))
}

/// Debian's redis-server on a free loopback port in a temporary directory, nothing saved.
pub fn redis() -> Daemon {
    let dir = tempfile::tempdir().unwrap();
    let port = super::net::free_port();
    let log = dir.path().join("redis.log");
    let child = Command::new(program("redis-server"))
        .process_group(0)
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .arg("--dir")
        .arg(dir.path())
        .arg("--logfile")
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server (Debian package redis-server; scripts/test installs it)");
    let mut d = Daemon {
        child,
        addr: format!("127.0.0.1:{port}"),
        log,
        _dir: dir,
    };
    wait_ready(&mut d, "redis-server", Duration::from_secs(30), redis_ping);
    d
}

fn rspamd_with(dns: &str, redis: Option<&str>) -> (Daemon, String) {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    for sub in ["db", "run", "log", "local.d", "override.d"] {
        std::fs::create_dir(r.join(sub)).unwrap();
    }
    let (normal, controller) = (super::net::free_port(), super::net::free_port());
    let files = [
        (
            "local.d/worker-normal.inc",
            format!("bind_socket = \"127.0.0.1:{normal}\";\ncount = 1;\n"),
        ),
        (
            "local.d/worker-controller.inc",
            format!("bind_socket = \"127.0.0.1:{controller}\";\ncount = 1;\n"),
        ),
        ("override.d/worker-proxy.inc", "enabled = false;\n".into()),
        ("override.d/worker-fuzzy.inc", "enabled = false;\n".into()),
        (
            "local.d/logging.inc",
            "type = \"file\";\nlevel = \"notice\";\n".into(),
        ),
        (
            "local.d/options.inc",
            format!("dns {{\n nameserver = [\"{dns}\"];\n timeout = 1s;\n retransmits = 1;\n}}\n"),
        ),
        // No global Redis: greylisting would need it and would only log errors.
        ("local.d/greylist.conf", "enabled = false;\n".into()),
        (
            "local.d/classifier-bayes.conf",
            match redis {
                Some(r) => format!("servers = \"{r}\";\nmin_learns = 1;\n"),
                None => String::new(),
            },
        ),
        // The fuzzy hashes live on rspamd.com's servers, whose names rspamd resolves with the
        // system resolver: off, so the test asks nothing outside loopback.
        ("override.d/fuzzy_check.conf", "enabled = false;\n".into()),
    ];
    for (name, text) in files {
        std::fs::write(r.join(name), text).unwrap();
    }
    chown_rspamd(r);
    let var = |k: &str, sub: &str| format!("--var={k}={}", r.join(sub).display());
    let child = Command::new(program("rspamd"))
        .process_group(0)
        .args([
            "-f",
            "-u",
            "_rspamd",
            "-g",
            "_rspamd",
            "-c",
            "/etc/rspamd/rspamd.conf",
        ])
        .arg(var("LOCAL_CONFDIR", ""))
        .arg(var("DBDIR", "db"))
        .arg(var("RUNDIR", "run"))
        .arg(var("LOGDIR", "log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("rspamd (Debian package rspamd)");
    let mut d = Daemon {
        child,
        addr: format!("127.0.0.1:{normal}"),
        log: r.join("log/rspamd.log"),
        _dir: dir,
    };
    wait_ready(&mut d, "rspamd", Duration::from_secs(90), rspamd_ping);
    (d, format!("127.0.0.1:{controller}"))
}

fn spamd_ping(addr: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut buf = Vec::new();
    s.write_all(b"PING SPAMC/1.5\r\n\r\n").is_ok()
        && s.read_to_end(&mut buf).is_ok()
        && String::from_utf8_lossy(&buf).contains("PONG")
}

/// spamd on a free port with the rules Debian ships (`/usr/share/spamassassin`; no
/// `sa-update`, no network): local tests only (`-L`), one child, no Bayes (it would want a
/// home directory), the site configuration in a temporary directory with Debian's `.pre`
/// files (they load the plugins, the Check plugin first).
pub fn spamd() -> Daemon {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // spamd reads its configuration as `nobody`.
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    let site = d.join("site");
    std::fs::create_dir(&site).unwrap();
    for e in
        std::fs::read_dir("/etc/spamassassin").expect("/etc/spamassassin (package spamassassin)")
    {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "pre") {
            std::fs::copy(&path, site.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(site.join("local.cf"), "use_bayes 0\nbayes_auto_learn 0\n").unwrap();
    let port = super::net::free_port();
    let log = d.join("spamd.log");
    let child = Command::new(program("spamd"))
        .process_group(0)
        .args([
            "-L",
            "-x",
            "--max-children",
            "1",
            "-i",
            "127.0.0.1",
            "-A",
            "127.0.0.1",
        ])
        .args(["-u", "nobody", "-p", &port.to_string()])
        .arg("--siteconfigpath")
        .arg(&site)
        .arg("--pidfile")
        .arg(d.join("spamd.pid"))
        .arg("-s")
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spamd (Debian packages spamd and spamassassin)");
    let mut d = Daemon {
        child,
        addr: format!("127.0.0.1:{port}"),
        log,
        _dir: dir,
    };
    wait_ready(&mut d, "spamd", Duration::from_secs(90), spamd_ping);
    d
}
