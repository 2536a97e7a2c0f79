//! Connecting to the PostgreSQL core: the URL in libpq's forms (`postgres://…` or
//! `key=value …`), the bounds on every wait (login, statements, keepalives: a hung server
//! gives a prompt "try again later", issue 21), and TLS with rustls when the URL asks for it.
//!
//! TLS: `sslmode=require` (and libpq's `verify-ca` / `verify-full`, which mean the same here)
//! connects over TLS and always verifies the server's certificate and name, against the
//! Mozilla roots plus the CA file `sslrootcert=` names (a private CA, as most PostgreSQL
//! deployments have). No `sslmode`, or `disable`/`prefer`: plain TCP or a Unix socket — for
//! loopback and trusted networks only. `prefer` does not try TLS here, because Debian's
//! PostgreSQL offers TLS with a self-signed "snakeoil" certificate by default, which a
//! verifying client must refuse, and a local setup must keep working.
//!
//! Not here: what is done over the connection (`core::sql`), migrations.

use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use super::pgclient::PgClient;
use super::{CoreError, Result};

/// How long PostgreSQL may run one statement of a daemon (`serve`) before it cancels it
/// itself (`statement_timeout`), unless the URL's `options` say otherwise
/// (`?options=-c%20statement_timeout%3D30s`). A mail server's statements take milliseconds;
/// one that takes seconds is stuck on a lock or a sick server, and the session's client is
/// better told "try again later" than kept waiting. Schema migrations are exempt
/// (`Sql::unhurried`).
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The same for an administrator's command (every process but `serve`): bulk work on a
/// large account (`user remove` forgetting its index, `maildir reindex`) may take minutes,
/// and nobody on the other end retries; a hung server is still given up on.
pub const COMMAND_STATEMENT_TIMEOUT: Duration = Duration::from_secs(300);

/// Set once by `serve` before it connects: its sessions get [`STATEMENT_TIMEOUT`].
static SERVING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// This process serves clients: its statements get the daemon's bound.
pub fn serving() {
    SERVING.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// The statement timeout this process asks for by default.
fn statement_timeout() -> Duration {
    if SERVING.load(std::sync::atomic::Ordering::SeqCst) {
        STATEMENT_TIMEOUT
    } else {
        COMMAND_STATEMENT_TIMEOUT
    }
}

/// How much longer than the statement timeout a node waits for any answer before it gives
/// the connection up: a server that is alive cancels the statement first (a clean error,
/// the connection stays usable); one that does not answer at all (hung, or behind a
/// partition that drops packets) is given up on here.
pub const GRACE: Duration = Duration::from_secs(2);

/// Connecting and logging in, together (libpq's `connect_timeout`, unless the URL sets it).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A transaction left open and idle this long is ended by the server, releasing its locks
/// (a mailbox's folder row, a queue claim) for the other nodes: its client is stuck.
const IDLE_IN_TRANSACTION: Duration = Duration::from_secs(60);

/// TCP keepalives and `tcp_user_timeout` (unless the URL sets them): a partition that drops
/// packets is noticed by the kernel in about 25 s on an idle connection, and data left
/// unacknowledged for 20 s ends a busy one, instead of the kernel's two hours.
const KEEPALIVES_IDLE: Duration = Duration::from_secs(10);
const KEEPALIVES_INTERVAL: Duration = Duration::from_secs(5);
const KEEPALIVES_RETRIES: u32 = 3;
const TCP_USER_TIMEOUT: Duration = Duration::from_secs(20);

/// Connects; `place` is the URL without its password, for messages. Every wait on the
/// connection is bounded (`core::pgclient`).
pub(crate) fn connect(url: &str, place: &str) -> Result<PgClient> {
    let (url, root_cert) = take_libpq_only(url);
    let mut config: tokio_postgres::Config = url.parse().map_err(|e| {
        CoreError::Invalid(format!("database.url {place} is not a PostgreSQL URL: {e}"))
    })?;
    let bound = with_bounds(&mut config);
    let login = config
        .get_connect_timeout()
        .copied()
        .unwrap_or(CONNECT_TIMEOUT);
    if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
        let tls = tls_config(root_cert.as_deref())?;
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls);
        PgClient::connect(&config, tls, login, bound, place)
    } else {
        config.ssl_mode(tokio_postgres::config::SslMode::Disable);
        PgClient::connect(&config, tokio_postgres::NoTls, login, bound, place)
    }
}

/// The same URL for an asynchronous connection (a LISTEN, `maildir::index::notify`): its
/// settings, and the TLS configuration when it asks for TLS (verified as [`connect`] does).
pub(crate) fn async_config(
    url: &str,
    place: &str,
) -> Result<(tokio_postgres::Config, Option<rustls::ClientConfig>)> {
    let (url, root_cert) = take_libpq_only(url);
    let mut config: tokio_postgres::Config = url.parse().map_err(|e| {
        CoreError::Invalid(format!("database.url {place} is not a PostgreSQL URL: {e}"))
    })?;
    with_bounds(&mut config);
    if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
        Ok((config, Some(tls_config(root_cert.as_deref())?)))
    } else {
        config.ssl_mode(tokio_postgres::config::SslMode::Disable);
        Ok((config, None))
    }
}

/// Sets the timeouts above where the URL has not set its own; returns how long a node
/// waits for one round trip ([`GRACE`] past the statement timeout in effect).
fn with_bounds(config: &mut tokio_postgres::Config) -> Duration {
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    // tokio-postgres's default is libpq's: on, first probe after two hours.
    if config.get_keepalives() && config.get_keepalives_idle() == Duration::from_secs(7200) {
        config.keepalives_idle(KEEPALIVES_IDLE);
    }
    if config.get_keepalives_interval().is_none() {
        config.keepalives_interval(KEEPALIVES_INTERVAL);
    }
    if config.get_keepalives_retries().is_none() {
        config.keepalives_retries(KEEPALIVES_RETRIES);
    }
    if config.get_tcp_user_timeout().is_none() {
        config.tcp_user_timeout(TCP_USER_TIMEOUT);
    }
    // Ours first: a `-c` of the URL's own for the same setting comes later and wins.
    let theirs = config.get_options().unwrap_or("").to_string();
    let options = format!(
        "-c statement_timeout={}ms -c idle_in_transaction_session_timeout={}ms {theirs}",
        statement_timeout().as_millis(),
        IDLE_IN_TRANSACTION.as_millis()
    );
    config.options(options.trim_end());
    round_trip_bound(options.trim_end(), statement_timeout())
}

/// How long to wait for one round trip under the server options `options` (libpq's
/// `options`: `-c name=value`, `-cname=value` or `--name=value`, the last one winning).
/// `statement_timeout=0` (no limit) still leaves a bound, of five minutes: a hung server
/// must not hold a session for ever.
fn round_trip_bound(options: &str, default: Duration) -> Duration {
    let mut statement = default;
    let mut words = options.split_whitespace();
    while let Some(w) = words.next() {
        let setting = match w {
            "-c" => words.next().unwrap_or(""),
            _ => w
                .strip_prefix("-c")
                .or_else(|| w.strip_prefix("--"))
                .unwrap_or(""),
        };
        if let Some(("statement_timeout", value)) = setting.split_once('=')
            && let Some(d) = pg_duration(value)
        {
            statement = d;
        }
    }
    if statement.is_zero() {
        return Duration::from_secs(300);
    }
    statement + GRACE
}

/// A PostgreSQL time setting: a number with an optional unit (`ms` when none).
fn pg_duration(v: &str) -> Option<Duration> {
    let v = v.trim_matches(|c| c == '\'' || c == '"');
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (n, unit) = v.split_at(split);
    let n: u64 = n.parse().ok()?;
    let ms = match unit.trim() {
        "" | "ms" => n,
        "s" => n.checked_mul(1000)?,
        "min" => n.checked_mul(60_000)?,
        "h" => n.checked_mul(3_600_000)?,
        "d" => n.checked_mul(86_400_000)?,
        _ => return None,
    };
    Some(Duration::from_millis(ms))
}

/// An error with its causes: postgres's own text for a failed TLS handshake or login is
/// only "error performing TLS handshake", the reason (an unknown issuer, a wrong name) is
/// in its source.
pub(crate) fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let s = c.to_string();
        if !text.contains(&s) {
            text = format!("{text}: {s}");
        }
        cause = c.source();
    }
    text
}

/// Takes out what libpq understands and `postgres::Config` does not: `sslrootcert=FILE`,
/// and `sslmode=verify-ca|verify-full` (becoming `require`, which verifies fully here).
fn take_libpq_only(url: &str) -> (String, Option<String>) {
    let mut root = None;
    let mut keep = |kv: &str| -> Option<String> {
        match kv.split_once('=') {
            Some(("sslrootcert", v)) => {
                root = Some(v.to_string());
                None
            }
            Some(("sslmode", "verify-ca" | "verify-full")) => Some("sslmode=require".into()),
            _ => Some(kv.to_string()),
        }
    };
    let out = if url.contains("://") {
        match url.split_once('?') {
            Some((base, query)) => {
                let q: Vec<String> = query.split('&').filter_map(&mut keep).collect();
                if q.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", q.join("&"))
                }
            }
            None => url.to_string(),
        }
    } else {
        url.split_whitespace()
            .filter_map(&mut keep)
            .collect::<Vec<_>>()
            .join(" ")
    };
    (out, root)
}

fn tls_config(root_cert: Option<&str>) -> Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for c in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let _ = roots.add(c.clone());
    }
    if let Some(path) = root_cert {
        let pem = std::fs::read(path).map_err(|e| CoreError::io(std::path::Path::new(path), e))?;
        let mut n = 0;
        for c in CertificateDer::pem_slice_iter(&pem) {
            let c = c.map_err(|e| CoreError::Invalid(format!("sslrootcert {path}: {e}")))?;
            roots
                .add(c)
                .map_err(|e| CoreError::Invalid(format!("sslrootcert {path}: {e}")))?;
            n += 1;
        }
        if n == 0 {
            return Err(CoreError::Invalid(format!(
                "sslrootcert {path}: no PEM certificate in it"
            )));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| CoreError::Invalid(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_only_parameters_are_taken_out_of_both_url_forms() {
        assert_eq!(
            take_libpq_only("postgres://u@h/d?sslmode=verify-full&sslrootcert=/ca.pem"),
            (
                "postgres://u@h/d?sslmode=require".into(),
                Some("/ca.pem".into())
            )
        );
        assert_eq!(
            take_libpq_only("postgres://u@h/d?sslrootcert=/ca.pem"),
            ("postgres://u@h/d".into(), Some("/ca.pem".into()))
        );
        assert_eq!(
            take_libpq_only("host=h sslmode=verify-ca sslrootcert=/c dbname=d"),
            ("host=h sslmode=require dbname=d".into(), Some("/c".into()))
        );
        assert_eq!(
            take_libpq_only("postgres://u@h/d"),
            ("postgres://u@h/d".into(), None)
        );
    }

    #[test]
    fn the_round_trip_bound_follows_the_statement_timeout_in_effect() {
        let ours = STATEMENT_TIMEOUT + GRACE;
        assert_eq!(round_trip_bound("", STATEMENT_TIMEOUT), ours);
        assert_eq!(
            round_trip_bound("-c statement_timeout=5000ms", STATEMENT_TIMEOUT),
            ours
        );
        assert_eq!(
            round_trip_bound(
                "-c statement_timeout=5000ms -c statement_timeout=3s",
                STATEMENT_TIMEOUT
            ),
            Duration::from_secs(3) + GRACE
        );
        assert_eq!(
            round_trip_bound("-cstatement_timeout=1min", STATEMENT_TIMEOUT),
            Duration::from_secs(60) + GRACE
        );
        assert_eq!(
            round_trip_bound(
                "--statement_timeout=1500 -c work_mem=4MB",
                STATEMENT_TIMEOUT
            ),
            Duration::from_millis(1500) + GRACE
        );
        assert_eq!(
            round_trip_bound("-c statement_timeout=0", STATEMENT_TIMEOUT),
            Duration::from_secs(300)
        );
        assert_eq!(
            round_trip_bound("-c statement_timeout=soon", STATEMENT_TIMEOUT),
            ours
        );
        // An administrator's command waits longer by default, and its URL still wins.
        assert_eq!(
            round_trip_bound("", COMMAND_STATEMENT_TIMEOUT),
            Duration::from_secs(300) + GRACE
        );
        assert_eq!(
            round_trip_bound("-c statement_timeout=2s", COMMAND_STATEMENT_TIMEOUT),
            Duration::from_secs(2) + GRACE
        );
    }

    #[test]
    fn the_urls_own_settings_win_over_the_defaults() {
        let mut c: tokio_postgres::Config =
            "postgres://u@h/d?connect_timeout=2&options=-c%20statement_timeout%3D4s"
                .parse()
                .unwrap();
        let bound = with_bounds(&mut c);
        assert_eq!(bound, Duration::from_secs(4) + GRACE);
        assert_eq!(c.get_connect_timeout(), Some(&Duration::from_secs(2)));
        assert_eq!(c.get_tcp_user_timeout(), Some(&TCP_USER_TIMEOUT));
        assert_eq!(c.get_keepalives_idle(), KEEPALIVES_IDLE);
        let o = c.get_options().unwrap();
        assert!(o.ends_with("-c statement_timeout=4s"), "{o}");
        assert!(o.contains("idle_in_transaction_session_timeout"), "{o}");
    }

    #[test]
    fn a_root_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ca.pem");
        std::fs::write(&f, "not a certificate").unwrap();
        let e = tls_config(f.to_str()).unwrap_err().to_string();
        assert!(e.contains("no PEM certificate"), "{e}");
    }
}
