//! Content scanners of the end-of-data stage: rspamd (spam, over its HTTP `/checkv2`
//! protocol), SpamAssassin's spamd (spam, SPAMC/1.5) and ClamAV's clamd (viruses,
//! `INSTREAM`), each asked at an endpoint from the settings, within `inbound.scan_timeout`,
//! all at once.
//!
//! A scanner that cannot be asked yields a `temperror` verdict whose action is the setting
//! `inbound.rspamd_down` / `inbound.spamd_down` / `inbound.clamd_down`: by default a virus scanner that is down
//! defers mail (451, the sender retries; letting mail through unscanned is how a virus gets
//! in), a spam scanner that is down lets mail through with a logged warning (spam in the
//! inbox for a while is better than a stalled MX).
//!
//! Also teaching rspamd from users' Junk moves (`learn.rs`: the IMAP session decides, a
//! background task asks the controller). Not here: the decision (`inbound::decide`).

pub mod clamd;
pub mod learn;
pub mod rspamd;
pub mod spamd;

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};

/// Where a scanner listens: `HOST:PORT`, or the path of a Unix socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Tcp(String),
    Unix(PathBuf),
}

impl Endpoint {
    /// `None` for an empty setting (the scanner is off).
    pub fn parse(s: &str) -> Result<Option<Endpoint>, String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        crate::core::settings::check_endpoint(s)?;
        Ok(Some(if s.starts_with('/') {
            Endpoint::Unix(PathBuf::from(s))
        } else {
            Endpoint::Tcp(s.to_string())
        }))
    }

    /// Connects within `timeout`.
    pub async fn connect(&self, timeout: Duration) -> Result<Box<dyn Stream>, String> {
        let connect = async {
            Ok::<Box<dyn Stream>, std::io::Error>(match self {
                Endpoint::Tcp(a) => Box::new(tokio::net::TcpStream::connect(a).await?),
                Endpoint::Unix(p) => Box::new(tokio::net::UnixStream::connect(p).await?),
            })
        };
        tokio::time::timeout(timeout, connect)
            .await
            .map_err(|_| format!("no connection to {self} within {}s", timeout.as_secs()))?
            .map_err(|e| format!("cannot connect to {self}: {e}"))
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Tcp(a) => f.write_str(a),
            Endpoint::Unix(p) => write!(f, "{}", p.display()),
        }
    }
}

pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// The scanners as the settings configure them.
#[derive(Debug, Clone, PartialEq)]
pub struct Scanners {
    pub rspamd: Option<Endpoint>,
    pub spamd: Option<Endpoint>,
    pub clamd: Option<Endpoint>,
    pub timeout: Duration,
    /// Spam scores (rspamd's, spamd's) at or above which mail goes to Junk / is refused.
    pub junk_score: f64,
    pub reject_score: f64,
    pub rspamd_down: super::Action,
    pub spamd_down: super::Action,
    pub clamd_down: super::Action,
}

impl Default for Scanners {
    fn default() -> Self {
        Scanners {
            rspamd: None,
            spamd: None,
            clamd: None,
            timeout: Duration::from_secs(30),
            junk_score: 6.0,
            reject_score: 15.0,
            rspamd_down: super::Action::Accept,
            spamd_down: super::Action::Accept,
            clamd_down: super::Action::TempFail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_host_port_or_socket_paths() {
        assert_eq!(Endpoint::parse(" ").unwrap(), None);
        assert_eq!(
            Endpoint::parse("127.0.0.1:11333").unwrap(),
            Some(Endpoint::Tcp("127.0.0.1:11333".into()))
        );
        assert_eq!(
            Endpoint::parse("[::1]:3310").unwrap(),
            Some(Endpoint::Tcp("[::1]:3310".into()))
        );
        assert_eq!(
            Endpoint::parse("/run/clamav/clamd.ctl").unwrap(),
            Some(Endpoint::Unix("/run/clamav/clamd.ctl".into()))
        );
        assert!(Endpoint::parse("localhost").is_err());
        assert!(Endpoint::parse("host:99999").is_err());
        assert!(Endpoint::parse("relative/path").is_err());
    }
}
