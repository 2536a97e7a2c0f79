//! Live protocol checks of a mail server, ours or anyone's: connect, greeting,
//! EHLO/CAPABILITY/CAPA, STARTTLS or implicit TLS with the certificate examined, and AUTH
//! when credentials are given, timing each step. Backs `mailctl test smtp|imap|pop3`.
//!
//! This is a diagnostic client, not a mail client: it sends no message and selects no
//! mailbox. Every read is bounded (line length, reply lines, a timeout per step) so a
//! hostile or broken server cannot hang it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use rustls::pki_types::ServerName;
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

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
pub enum Status {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
pub struct Step {
    pub step: String,
    pub status: Status,
    pub detail: String,
    pub millis: u64,
}

#[derive(Debug, Serialize, Default)]
pub struct Certificate {
    pub subject: String,
    pub issuer: String,
    pub names: Vec<String>,
    pub not_before: String,
    pub not_after: String,
    pub days_left: i64,
    pub matches_host: bool,
    pub trusted: bool,
    pub verify_error: Option<String>,
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

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

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
    let ok = p.steps.iter().all(|s| s.status != Status::Fail);
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
    fn record(&mut self, step: &str, status: Status, detail: impl Into<String>, started: Instant) {
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
                self.record(step, Status::Fail, e.to_string(), started);
                Err(Stop)
            }
            Err(_) => {
                self.record(
                    step,
                    Status::Fail,
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
        self.record("connect", Status::Pass, format!("connected to {peer}"), t);
        let mut io: Box<dyn Io> = Box::new(tcp);
        if self.opts.tls == TlsMode::Implicit {
            io = self.handshake(io).await?;
        }
        let mut conn = BufReader::new(io);
        let (greeting, t) = self
            .timed("greeting", read_greeting(&mut conn, self.opts.protocol))
            .await?;
        self.record("greeting", Status::Pass, greeting, t);
        self.capabilities(&mut conn).await?;
        if self.opts.tls == TlsMode::StartTls {
            let (_, t) = self
                .timed("starttls", starttls_command(&mut conn, self.opts.protocol))
                .await?;
            if !conn.buffer().is_empty() {
                self.record(
                    "starttls",
                    Status::Fail,
                    "the server sent data before the TLS handshake (plaintext injection risk)",
                    t,
                );
                return Err(Stop);
            }
            self.record("starttls", Status::Pass, "server agreed to start TLS", t);
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
            self.record("auth", Status::Pass, detail, t);
        }
        let _ =
            tokio::time::timeout(Duration::from_secs(2), quit(&mut conn, self.opts.protocol)).await;
        Ok(())
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
        self.record(step, Status::Pass, caps.join(" "), t);
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
        let (tls, t) = self.timed("tls", connector.connect(name, io)).await?;
        let (_, session) = tls.get_ref();
        let version = session
            .protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default();
        let suite = session
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_default();
        self.record("tls", Status::Pass, format!("{version} {suite}"), t);
        let started = Instant::now();
        let cert = match recorder.seen() {
            Some((der, verify_error)) => {
                let mut c = describe(&der, &self.opts.host);
                c.trusted = verify_error.is_none();
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

/// How a certificate is judged: expired or wrong name fails; untrusted (e.g. self-signed)
/// warns, as opportunistic TLS between MTAs accepts it but mail clients will complain.
fn judge(c: &Certificate) -> (Status, String) {
    let subject = format!(
        "subject {}, issuer {}, expires {} ({} days)",
        c.subject, c.issuer, c.not_after, c.days_left
    );
    if c.days_left < 0 {
        return (Status::Fail, format!("EXPIRED: {subject}"));
    }
    if !c.matches_host {
        return (
            Status::Fail,
            format!(
                "does not cover the host name (covers {}): {subject}",
                c.names.join(", ")
            ),
        );
    }
    if !c.trusted {
        let why = c.verify_error.clone().unwrap_or_default();
        return (Status::Warn, format!("not trusted ({why}): {subject}"));
    }
    if c.days_left < 14 {
        return (Status::Warn, format!("expires soon: {subject}"));
    }
    (Status::Pass, subject)
}

/// Subject, issuer, names and validity of a DER certificate, and whether it covers `host`.
pub fn describe(der: &[u8], host: &str) -> Certificate {
    use x509_parser::prelude::*;
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return Certificate {
            verify_error: Some("unparsable certificate".into()),
            ..Default::default()
        };
    };
    let mut names: Vec<String> = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => names.push(d.to_string()),
                GeneralName::IPAddress(ip) if ip.len() == 4 => {
                    names.push(std::net::Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]).to_string())
                }
                _ => {}
            }
        }
    }
    if names.is_empty() {
        names.extend(
            cert.subject()
                .iter_common_name()
                .filter_map(|cn| cn.as_str().ok().map(str::to_string)),
        );
    }
    let not_after = cert.validity().not_after.timestamp();
    let now = chrono::Utc::now().timestamp();
    let fmt = crate::core::time::rfc3339;
    Certificate {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        matches_host: names.iter().any(|n| name_matches(n, host)),
        names,
        not_before: fmt(cert.validity().not_before.timestamp()),
        not_after: fmt(not_after),
        days_left: (not_after - now).div_euclid(86400),
        trusted: false,
        verify_error: None,
    }
}

/// RFC 6125 matching: exact, or one leftmost `*` label.
fn name_matches(pattern: &str, host: &str) -> bool {
    let (p, h) = (pattern.to_ascii_lowercase(), host.to_ascii_lowercase());
    let h = h.trim_end_matches('.');
    if p == h {
        return true;
    }
    match p.strip_prefix("*.") {
        Some(rest) => h
            .split_once('.')
            .is_some_and(|(first, tail)| !first.is_empty() && tail == rest),
        None => false,
    }
}

async fn read_line<R: AsyncBufReadExt + Unpin>(r: &mut R) -> std::io::Result<String> {
    let mut buf = Vec::new();
    let n = (&mut *r)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut buf)
        .await?;
    if n == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the server closed the connection",
        ));
    }
    if !buf.ends_with(b"\n") {
        return Err(std::io::Error::other(format!(
            "reply line longer than {MAX_LINE} bytes"
        )));
    }
    Ok(String::from_utf8_lossy(&buf).trim_end().to_string())
}

/// An SMTP reply: code and text lines, through the outbound client's bounded reader.
async fn smtp_reply<R: AsyncBufReadExt + Unpin>(r: &mut R) -> std::io::Result<(u16, Vec<String>)> {
    crate::smtp::client::read_reply(r)
        .await
        .map(|reply| (reply.code, reply.lines))
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// IMAP: untagged lines until the tagged completion; returns (untagged, tagged line).
async fn imap_tagged<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
    tag: &str,
) -> std::io::Result<(Vec<String>, String)> {
    let mut untagged = Vec::new();
    loop {
        let line = read_line(r).await?;
        if let Some(rest) = line.strip_prefix(&format!("{tag} ")) {
            return Ok((untagged, rest.to_string()));
        }
        untagged.push(line);
        if untagged.len() > MAX_REPLY_LINES {
            return Err(std::io::Error::other("too many untagged responses"));
        }
    }
}

fn fail(msg: String) -> std::io::Error {
    std::io::Error::other(msg)
}

async fn read_greeting<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
    p: Protocol,
) -> std::io::Result<String> {
    match p {
        Protocol::Smtp => {
            let (code, lines) = smtp_reply(r).await?;
            if code != 220 {
                return Err(fail(format!("greeting {code} {}", lines.join(" "))));
            }
            Ok(format!("{code} {}", lines.join(" ")))
        }
        Protocol::Imap => {
            let line = read_line(r).await?;
            if !line.starts_with("* OK") && !line.starts_with("* PREAUTH") {
                return Err(fail(format!("greeting: {line}")));
            }
            Ok(line)
        }
        Protocol::Pop3 => {
            let line = read_line(r).await?;
            if !line.starts_with("+OK") {
                return Err(fail(format!("greeting: {line}")));
            }
            Ok(line)
        }
    }
}

/// Sends one command line in one write: two small writes would meet Nagle's algorithm and
/// the peer's delayed ACK and cost 40 ms per command.
async fn send<W: AsyncWriteExt + Unpin>(w: &mut W, line: &str) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(line.len() + 2);
    buf.extend_from_slice(line.as_bytes());
    buf.extend_from_slice(b"\r\n");
    w.write_all(&buf).await?;
    w.flush().await
}

async fn capability_command(
    conn: &mut BufReader<Box<dyn Io>>,
    p: Protocol,
    helo: &str,
) -> std::io::Result<Vec<String>> {
    match p {
        Protocol::Smtp => {
            send(conn.get_mut(), &format!("EHLO {helo}")).await?;
            let (code, lines) = smtp_reply(conn).await?;
            if code != 250 {
                return Err(fail(format!("EHLO refused: {code} {}", lines.join(" "))));
            }
            Ok(lines.into_iter().skip(1).collect())
        }
        Protocol::Imap => {
            send(conn.get_mut(), "c1 CAPABILITY").await?;
            let (untagged, done) = imap_tagged(conn, "c1").await?;
            if !done.starts_with("OK") {
                return Err(fail(format!("CAPABILITY: {done}")));
            }
            Ok(untagged
                .iter()
                .filter_map(|l| l.strip_prefix("* CAPABILITY "))
                .flat_map(|l| l.split_whitespace().map(str::to_string))
                .collect())
        }
        Protocol::Pop3 => {
            send(conn.get_mut(), "CAPA").await?;
            let first = read_line(conn).await?;
            if !first.starts_with("+OK") {
                return Err(fail(format!("CAPA: {first}")));
            }
            let mut caps = Vec::new();
            loop {
                let l = read_line(conn).await?;
                if l == "." {
                    return Ok(caps);
                }
                caps.push(l);
                if caps.len() > MAX_REPLY_LINES {
                    return Err(fail("CAPA lists too many lines".into()));
                }
            }
        }
    }
}

async fn starttls_command(conn: &mut BufReader<Box<dyn Io>>, p: Protocol) -> std::io::Result<()> {
    match p {
        Protocol::Smtp => {
            send(conn.get_mut(), "STARTTLS").await?;
            let (code, lines) = smtp_reply(conn).await?;
            if code != 220 {
                return Err(fail(format!(
                    "STARTTLS refused: {code} {}",
                    lines.join(" ")
                )));
            }
        }
        Protocol::Imap => {
            send(conn.get_mut(), "c2 STARTTLS").await?;
            let (_, done) = imap_tagged(conn, "c2").await?;
            if !done.starts_with("OK") {
                return Err(fail(format!("STARTTLS refused: {done}")));
            }
        }
        Protocol::Pop3 => {
            send(conn.get_mut(), "STLS").await?;
            let l = read_line(conn).await?;
            if !l.starts_with("+OK") {
                return Err(fail(format!("STLS refused: {l}")));
            }
        }
    }
    Ok(())
}

async fn authenticate(
    conn: &mut BufReader<Box<dyn Io>>,
    p: Protocol,
    user: &str,
    pass: &str,
) -> std::io::Result<String> {
    let plain = base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{pass}"));
    match p {
        Protocol::Smtp => {
            send(conn.get_mut(), &format!("AUTH PLAIN {plain}")).await?;
            let (code, lines) = smtp_reply(conn).await?;
            if code != 235 {
                return Err(fail(format!(
                    "AUTH PLAIN as {user} refused: {code} {}",
                    lines.join(" ")
                )));
            }
            Ok(format!("{code} {}", lines.join(" ")))
        }
        Protocol::Imap => {
            send(conn.get_mut(), &format!("c3 AUTHENTICATE PLAIN {plain}")).await?;
            let (_, done) = imap_tagged(conn, "c3").await?;
            if !done.starts_with("OK") {
                return Err(fail(format!(
                    "AUTHENTICATE PLAIN as {user} refused: {done}"
                )));
            }
            Ok(done)
        }
        Protocol::Pop3 => {
            send(conn.get_mut(), &format!("AUTH PLAIN {plain}")).await?;
            let l = read_line(conn).await?;
            if !l.starts_with("+OK") {
                return Err(fail(format!("AUTH PLAIN as {user} refused: {l}")));
            }
            Ok(l)
        }
    }
}

async fn quit(conn: &mut BufReader<Box<dyn Io>>, p: Protocol) -> std::io::Result<()> {
    let cmd = match p {
        Protocol::Smtp | Protocol::Pop3 => "QUIT",
        Protocol::Imap => "c9 LOGOUT",
    };
    send(conn.get_mut(), cmd).await?;
    let _ = read_line(conn).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_match_like_rfc_6125() {
        assert!(name_matches("mail.example.org", "MAIL.example.org."));
        assert!(name_matches("*.example.org", "mail.example.org"));
        assert!(!name_matches("*.example.org", "a.b.example.org"));
        assert!(!name_matches("*.example.org", "example.org"));
        assert!(!name_matches("mail.example.org", "example.org"));
    }

    #[test]
    fn describes_a_generated_certificate() {
        let ck = rcgen::generate_simple_self_signed(vec!["mail.example.test".to_string()]).unwrap();
        let c = describe(ck.cert.der(), "mail.example.test");
        assert_eq!(c.names, ["mail.example.test"]);
        assert!(c.matches_host);
        assert!(c.days_left > 300);
        let (status, _) = judge(&c);
        assert_eq!(status, Status::Warn, "self-signed is untrusted");
        let other = describe(ck.cert.der(), "other.example.test");
        assert_eq!(judge(&other).0, Status::Fail);
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
