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
    /// Issuer and subject are the same name: nobody vouches for it.
    pub self_signed: bool,
    /// basicConstraints CA:TRUE, which `openssl req -x509` sets by default.
    pub is_ca: bool,
    /// What is wrong with it, in words; empty when nothing is.
    pub problem: String,
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

/// Which protocol a server's first line belongs to, judged by its shape: an SMTP reply code
/// (RFC 5321 §4.2), an IMAP untagged OK/PREAUTH/BYE (RFC 9051 §7.1), a POP3 status
/// indicator (RFC 1939 §3).
pub fn greeting_protocol(first: &[u8]) -> Option<Protocol> {
    let b = first;
    if b.len() >= 4 && b[..3].iter().all(u8::is_ascii_digit) && (b[3] == b' ' || b[3] == b'-') {
        return Some(Protocol::Smtp);
    }
    if b.starts_with(b"* OK") || b.starts_with(b"* PREAUTH") || b.starts_with(b"* BYE") {
        return Some(Protocol::Imap);
    }
    if b.starts_with(b"+OK") || b.starts_with(b"-ERR") {
        return Some(Protocol::Pop3);
    }
    None
}

fn name(p: Protocol) -> &'static str {
    match p {
        Protocol::Smtp => "SMTP",
        Protocol::Imap => "IMAP",
        Protocol::Pop3 => "POP3",
    }
}

/// The first line of what a server sent, printable, for messages.
fn first_line(bytes: &[u8]) -> String {
    let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(line)
        .trim_end()
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(80)
        .collect()
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
        self.record("tls", Status::Pass, format!("{version} {suite}"), t);
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
        return (Status::Fail, format!("{}: {subject}", c.problem));
    }
    if !c.trusted {
        let why = c.verify_error.clone().unwrap_or_default();
        // A CA certificate is refused as a server certificate by rustls and webpki-based
        // clients outright, not merely warned about.
        let status = if why.contains("CaUsedAsEndEntity") {
            Status::Fail
        } else {
            Status::Warn
        };
        return (status, format!("{} ({why}): {subject}", untrusted(c, &why)));
    }
    if c.days_left < 14 {
        return (Status::Warn, format!("expires soon: {subject}"));
    }
    (Status::Pass, subject)
}

/// Why a certificate is not trusted, in words a user can act on.
fn untrusted(c: &Certificate, why: &str) -> String {
    if why.contains("CaUsedAsEndEntity") || (c.is_ca && c.self_signed) {
        return "the certificate is a self-signed CA certificate (basicConstraints CA:TRUE, \
                what `openssl req -x509` makes by default): clients refuse a CA certificate \
                as a server's; make a server certificate (openssl req -x509 ... -addext \
                basicConstraints=critical,CA:FALSE), or get one from Let's Encrypt"
            .into();
    }
    if c.self_signed {
        return "self-signed: mail clients ask the user to accept it, servers delivering \
                mail accept it for opportunistic TLS; get one from Let's Encrypt for clients"
            .into();
    }
    if why.contains("UnknownIssuer") {
        return "issued by a CA clients do not know, or the server does not send the \
                intermediate certificate: serve the full chain (fullchain.pem)"
            .into();
    }
    "not trusted".into()
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
    let mut ips: Vec<std::net::IpAddr> = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => names.push(d.to_string()),
                GeneralName::IPAddress(ip) => {
                    let ip = match ip.len() {
                        4 => <[u8; 4]>::try_from(*ip).ok().map(std::net::IpAddr::from),
                        16 => <[u8; 16]>::try_from(*ip).ok().map(std::net::IpAddr::from),
                        _ => None,
                    };
                    if let Some(ip) = ip {
                        names.push(ip.to_string());
                        ips.push(ip);
                    }
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
    let fmt = |t: i64| crate::cli::timestamp(t);
    // RFC 6125 §6.2.1 / RFC 5280: an address is matched only against iPAddress entries.
    let (matches_host, problem) = match host.parse::<std::net::IpAddr>() {
        Ok(ip) if ips.contains(&ip) => (true, String::new()),
        Ok(ip) => (
            false,
            format!(
                "does not cover the address {ip}: testing by IP needs the IP in the \
                 certificate's subjectAltName, which it lacks (covers {}); test by a name it \
                 covers",
                names.join(", ")
            ),
        ),
        Err(_) if names.iter().any(|n| name_matches(n, host)) => (true, String::new()),
        Err(_) => (
            false,
            format!(
                "does not cover the host name {host} (covers {})",
                names.join(", ")
            ),
        ),
    };
    let is_ca = cert
        .basic_constraints()
        .ok()
        .flatten()
        .is_some_and(|bc| bc.value.ca);
    Certificate {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        self_signed: cert.subject() == cert.issuer(),
        is_ca,
        problem,
        matches_host,
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
    // Look at the first bytes before parsing them as `p`: a server of another protocol
    // (the SMTP port given to `test imap`) deserves its name, not a parse error.
    let head = r.fill_buf().await?.to_vec();
    if head.is_empty() {
        return Err(fail(
            "the server closed the connection without a greeting".into(),
        ));
    }
    match greeting_protocol(&head) {
        Some(other) if other != p => {
            return Err(fail(format!(
                "this is {} server, not {} (it greeted: \"{}\"); the {} port is {} ({} with --tls)",
                match other {
                    Protocol::Pop3 => "a POP3",
                    Protocol::Smtp => "an SMTP",
                    Protocol::Imap => "an IMAP",
                },
                name(p),
                first_line(&head),
                name(p),
                p.default_port(false),
                p.default_port(true),
            )));
        }
        None if head[0] == 0x15 || head[0] == 0x16 => {
            return Err(fail(
                "the server speaks TLS from the first byte: try --tls".into(),
            ));
        }
        _ => {}
    }
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

    #[test]
    fn a_ca_certificate_as_server_certificate_is_named() {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let mut c = describe(cert.der(), "localhost");
        assert!(c.is_ca && c.self_signed);
        c.verify_error = Some("invalid peer certificate: CaUsedAsEndEntity".into());
        let (status, detail) = judge(&c);
        assert_eq!(status, Status::Fail);
        assert!(detail.contains("self-signed CA certificate"), "{detail}");
        // By IP: only an iPAddress entry covers an address.
        let c = describe(cert.der(), "127.0.0.1");
        assert!(!c.matches_host);
        assert!(c.problem.contains("subjectAltName"), "{}", c.problem);
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
