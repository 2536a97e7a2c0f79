//! Live protocol checks of a mail server, ours or anyone's: connect, greeting,
//! EHLO/CAPABILITY/CAPA, STARTTLS or implicit TLS with the certificate examined, and AUTH
//! when credentials are given, timing each step. Backs `mailctl test smtp|imap|pop3`.
//!
//! This is a diagnostic client, not a mail client: it sends no message and selects no
//! mailbox. Every read is bounded (line length, reply lines, a timeout per step) so a
//! hostile or broken server cannot hang it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite, BufReader};
use tokio::net::TcpStream;

use crate::net::Io;

mod cert;
mod wire;

pub use cert::{Certificate, describe};
use cert::{judge, untrusted};
pub use wire::greeting_protocol;
use wire::{
    authenticate, capability_command, first_line, name, quit, read_greeting, starttls_command,
};

const MAX_LINE: usize = 4096;
const MAX_REPLY_LINES: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Smtp,
    Imap,
    Pop3,
}

impl Protocol {
    pub fn default_port(self, implicit_tls: bool) -> u16 {
        match (self, implicit_tls) {
            (Protocol::Smtp, false) => 25,
            (Protocol::Smtp, true) => 465,
            (Protocol::Imap, false) => 143,
            (Protocol::Imap, true) => 993,
            (Protocol::Pop3, false) => 110,
            (Protocol::Pop3, true) => 995,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    None,
    StartTls,
    Implicit,
}

pub struct Options {
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub credentials: Option<(String, String)>,
    pub timeout: Duration,
    /// Name sent in EHLO.
    pub helo: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
/// How one step of a protocol test went. Not `dns::check::Status`: a DNS finding can also
/// be `info` or `error` (not checked), a step only passes, warns or fails.
pub enum StepStatus {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
pub struct Step {
    pub step: String,
    pub status: StepStatus,
    pub detail: String,
    pub millis: u64,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub ok: bool,
    pub steps: Vec<Step>,
    pub certificate: Option<Certificate>,
    pub capabilities: Vec<String>,
}

/// Keeps the first bytes the server sent during a TLS handshake, so a failed handshake can
/// say what the server really speaks (a plaintext greeting is the common mistake).
struct Sniff {
    inner: Box<dyn Io>,
    seen: Arc<std::sync::Mutex<Vec<u8>>>,
}

const SNIFF: usize = 128;

impl AsyncRead for Sniff {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Ok(mut seen) = self.seen.lock() {
            let new = &buf.filled()[before..];
            let room = SNIFF.saturating_sub(seen.len());
            seen.extend_from_slice(&new[..new.len().min(room)]);
        }
        r
    }
}

impl AsyncWrite for Sniff {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Why a TLS handshake failed, in words, from the bytes the server sent meanwhile.
fn handshake_failure(err: &str, seen: &[u8], asked: Protocol) -> String {
    match greeting_protocol(seen) {
        Some(p) if p == asked => format!(
            "the server answered in plaintext (\"{}\"): this port speaks STARTTLS or no TLS, \
             not TLS from the first byte; try --starttls",
            first_line(seen)
        ),
        Some(p) => format!(
            "the server answered in plaintext, and as {} (\"{}\"), not {}: wrong port?",
            name(p),
            first_line(seen),
            name(asked)
        ),
        None if !seen.is_empty() && seen[0] != 0x15 && seen[0] != 0x16 => format!(
            "the server does not speak TLS here (it sent \"{}\"): {err}",
            first_line(seen)
        ),
        None => format!("TLS handshake failed: {err}"),
    }
}

struct Probe {
    opts: Options,
    steps: Vec<Step>,
    cert: Option<Certificate>,
    caps: Vec<String>,
}

/// Runs the checks and reports every step; `ok` is false if any step failed.
pub async fn run(opts: Options) -> Report {
    let mut p = Probe {
        opts,
        steps: Vec::new(),
        cert: None,
        caps: Vec::new(),
    };
    let _ = p.session().await;
    let ok = p.steps.iter().all(|s| s.status != StepStatus::Fail);
    Report {
        protocol: p.opts.protocol,
        host: p.opts.host.clone(),
        port: p.opts.port,
        tls: p.opts.tls,
        ok,
        steps: p.steps,
        certificate: p.cert,
        capabilities: p.caps,
    }
}

/// The outcome of a step that failed; the failure is already recorded.
struct Stop;

impl Probe {
    fn record(
        &mut self,
        step: &str,
        status: StepStatus,
        detail: impl Into<String>,
        started: Instant,
    ) {
        self.steps.push(Step {
            step: step.into(),
            status,
            detail: detail.into(),
            millis: started.elapsed().as_millis() as u64,
        });
    }

    async fn timed<T, E: std::fmt::Display>(
        &mut self,
        step: &str,
        fut: impl std::future::Future<Output = Result<T, E>>,
    ) -> Result<(T, Instant), Stop> {
        let started = Instant::now();
        match tokio::time::timeout(self.opts.timeout, fut).await {
            Ok(Ok(v)) => Ok((v, started)),
            Ok(Err(e)) => {
                self.record(step, StepStatus::Fail, e.to_string(), started);
                Err(Stop)
            }
            Err(_) => {
                self.record(
                    step,
                    StepStatus::Fail,
                    format!("no answer within {}s", self.opts.timeout.as_secs()),
                    started,
                );
                Err(Stop)
            }
        }
    }

    async fn session(&mut self) -> Result<(), Stop> {
        let addr = format!("{}:{}", self.opts.host, self.opts.port);
        let connect = async {
            TcpStream::connect(addr.clone())
                .await
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::ConnectionRefused => {
                        format!("nothing listens on {addr} (connection refused)")
                    }
                    _ => format!("cannot connect to {addr}: {e}"),
                })
        };
        let (tcp, t) = self.timed("connect", connect).await?;
        let _ = tcp.set_nodelay(true);
        let peer = tcp.peer_addr().map(|a| a.to_string()).unwrap_or(addr);
        self.record(
            "connect",
            StepStatus::Pass,
            format!("connected to {peer}"),
            t,
        );
        let mut io: Box<dyn Io> = Box::new(tcp);
        if self.opts.tls == TlsMode::Implicit {
            io = self.handshake(io).await?;
        }
        let mut conn = BufReader::new(io);
        let (greeting, t) = match self
            .timed("greeting", read_greeting(&mut conn, self.opts.protocol))
            .await
        {
            Ok(g) => g,
            Err(stop) => {
                self.hint_implicit_tls();
                return Err(stop);
            }
        };
        self.record("greeting", StepStatus::Pass, greeting, t);
        self.capabilities(&mut conn).await?;
        if self.opts.tls == TlsMode::StartTls {
            let (_, t) = self
                .timed("starttls", starttls_command(&mut conn, self.opts.protocol))
                .await?;
            if !conn.buffer().is_empty() {
                self.record(
                    "starttls",
                    StepStatus::Fail,
                    "the server sent data before the TLS handshake (plaintext injection risk)",
                    t,
                );
                return Err(Stop);
            }
            self.record(
                "starttls",
                StepStatus::Pass,
                "server agreed to start TLS",
                t,
            );
            let upgraded = self.handshake(conn.into_inner()).await?;
            conn = BufReader::new(upgraded);
            self.capabilities(&mut conn).await?;
        }
        if let Some((user, pass)) = self.opts.credentials.clone() {
            let (detail, t) = self
                .timed(
                    "auth",
                    authenticate(&mut conn, self.opts.protocol, &user, &pass),
                )
                .await?;
            self.record("auth", StepStatus::Pass, detail, t);
        }
        let _ =
            tokio::time::timeout(Duration::from_secs(2), quit(&mut conn, self.opts.protocol)).await;
        Ok(())
    }

    /// A server that waits silently for a ClientHello looks like a dead one to a plaintext
    /// client: when the greeting timed out without --tls, say so.
    fn hint_implicit_tls(&mut self) {
        if self.opts.tls == TlsMode::Implicit {
            return;
        }
        if let Some(last) = self.steps.last_mut()
            && last.step == "greeting"
            && last.detail.starts_with("no answer within")
        {
            last.detail.push_str(&format!(
                ": a server that speaks TLS from the first byte (port {} for {}) waits \
                 silently like this; try --tls",
                self.opts.protocol.default_port(true),
                name(self.opts.protocol)
            ));
        }
    }

    async fn capabilities(&mut self, conn: &mut BufReader<Box<dyn Io>>) -> Result<(), Stop> {
        let step = match self.opts.protocol {
            Protocol::Smtp => "ehlo",
            Protocol::Imap => "capability",
            Protocol::Pop3 => "capa",
        };
        let helo = self.opts.helo.clone();
        let (caps, t) = self
            .timed(step, capability_command(conn, self.opts.protocol, &helo))
            .await?;
        self.record(step, StepStatus::Pass, caps.join(" "), t);
        self.caps = caps;
        Ok(())
    }

    async fn handshake(&mut self, io: Box<dyn Io>) -> Result<Box<dyn Io>, Stop> {
        let recorder = Arc::new(crate::smtp::client::RecordingVerifier::new());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|_| Stop)?
            .dangerous()
            .with_custom_certificate_verifier(recorder.clone())
            .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let name = ServerName::try_from(self.opts.host.clone())
            .unwrap_or_else(|_| ServerName::try_from("invalid.invalid").expect("static name"));
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sniff = Sniff {
            inner: io,
            seen: seen.clone(),
        };
        let asked = self.opts.protocol;
        let connect = async {
            connector.connect(name, sniff).await.map_err(|e| {
                let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
                handshake_failure(&e.to_string(), &seen, asked)
            })
        };
        let (tls, t) = self.timed("tls", connect).await?;
        let (_, session) = tls.get_ref();
        let version = session
            .protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default();
        let suite = session
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_default();
        self.record("tls", StepStatus::Pass, format!("{version} {suite}"), t);
        let started = Instant::now();
        let cert = match recorder.seen() {
            Some((der, verify_error)) => {
                let mut c = describe(&der, &self.opts.host);
                c.trusted = verify_error.is_none();
                if let Some(why) = &verify_error
                    && c.problem.is_empty()
                {
                    c.problem = untrusted(&c, why);
                }
                c.verify_error = verify_error;
                c
            }
            None => Certificate::default(),
        };
        let (status, detail) = judge(&cert);
        self.record("certificate", status, detail, started);
        self.cert = Some(cert);
        Ok(Box::new(tls))
    }
}

#[cfg(test)]
mod tests {
    use super::wire::{read_line, smtp_reply};
    use super::*;
    #[test]
    fn greetings_name_their_protocol() {
        assert_eq!(greeting_protocol(b"220 mx ESMTP\r\n"), Some(Protocol::Smtp));
        assert_eq!(greeting_protocol(b"220-mx ESMTP\r\n"), Some(Protocol::Smtp));
        assert_eq!(
            greeting_protocol(b"* OK [CAPABILITY IMAP4rev1]"),
            Some(Protocol::Imap)
        );
        assert_eq!(greeting_protocol(b"+OK ready"), Some(Protocol::Pop3));
        assert_eq!(greeting_protocol(b"\x16\x03\x03"), None);
        let d = handshake_failure("corrupt message", b"220 mx ESMTP\r\n", Protocol::Smtp);
        assert!(d.contains("plaintext") && d.contains("--starttls"), "{d}");
        let d = handshake_failure("corrupt message", b"* OK hi\r\n", Protocol::Smtp);
        assert!(d.contains("as IMAP"), "{d}");
    }

    #[tokio::test]
    async fn replies_are_bounded() {
        let long = vec![b'a'; MAX_LINE + 10];
        let mut r = BufReader::new(&long[..]);
        assert!(read_line(&mut r).await.is_err());
        let many = "250-x\r\n".repeat(crate::smtp::client::MAX_LINES + 5);
        let mut r = BufReader::new(many.as_bytes());
        assert!(smtp_reply(&mut r).await.is_err());
        let mut r = BufReader::new(&b"25"[..]);
        assert!(smtp_reply(&mut r).await.is_err());
    }
}
