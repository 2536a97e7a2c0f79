//! A small SMTP client for outbound delivery (RFC 5321 client side): greeting, EHLO with
//! HELO fallback, STARTTLS, AUTH PLAIN, a pipelined envelope with one reply per recipient,
//! and DATA with dot-stuffing.
//!
//! Why not mail-send: its reply reader has no bound on reply size (a hostile server could
//! stream continuation lines into our memory until the command timeout), and the queue needs
//! every recipient's own reply. Here every read is bounded in line length, line count and
//! time (RFC 5321 §4.5.3.2 timeouts, capped by configuration).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::net::Io;

/// Longest reply line accepted (RFC 5321 says 512; servers exceed it with long texts).
pub const MAX_LINE: usize = 4096;
/// Most lines in one multi-line reply (EHLO lists a few dozen at most).
pub const MAX_LINES: usize = 128;
/// Most lines of a reply kept in [`Reply::text`].
pub const TEXT_LINES: usize = 5;
/// Most bytes of one reply line kept in [`Reply::text`] (RFC 5321 §4.5.3.1.5's limit).
pub const TEXT_LINE: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("no answer within {secs}s while waiting for {phase}")]
    Timeout { phase: &'static str, secs: u64 },
    #[error("{0}")]
    Protocol(String),
    #[error("TLS: {0}")]
    Tls(String),
}

/// One SMTP reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    pub fn positive(&self) -> bool {
        (200..400).contains(&self.code)
    }

    pub fn transient(&self) -> bool {
        (400..500).contains(&self.code)
    }

    pub fn permanent(&self) -> bool {
        self.code >= 500
    }

    /// `550 5.1.1 no such user` with continuation lines joined by spaces. The text is the
    /// peer's: control and escape characters are dropped, and it is bounded
    /// ([`TEXT_LINES`] lines of [`TEXT_LINE`] bytes), since it goes into the queue, logs and
    /// bounces.
    pub fn text(&self) -> String {
        let mut out = self.code.to_string();
        for (i, line) in self.lines.iter().enumerate() {
            if i == TEXT_LINES {
                out.push_str(" ...");
                break;
            }
            out.push(' ');
            let mut len = 0;
            for c in line.chars().filter(|c| !c.is_control()) {
                len += c.len_utf8();
                if len > TEXT_LINE {
                    out.push_str("...");
                    break;
                }
                out.push(c);
            }
        }
        out.trim_end().to_string()
    }
}

/// Reads one reply, bounded in line length and count.
pub async fn read_reply<R: AsyncBufReadExt + Unpin>(r: &mut R) -> Result<Reply, ClientError> {
    let mut lines = Vec::new();
    let mut first_code: Option<u16> = None;
    let mut buf = Vec::with_capacity(128);
    loop {
        buf.clear();
        let n = (&mut *r)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut buf)
            .await?;
        if n == 0 {
            return Err(ClientError::Protocol(
                "connection closed by the server".into(),
            ));
        }
        if !buf.ends_with(b"\n") {
            return Err(ClientError::Protocol(format!(
                "reply line longer than {MAX_LINE} bytes"
            )));
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\r', '\n']);
        let code = line
            .get(..3)
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|c| (200..600).contains(c))
            .ok_or_else(|| {
                ClientError::Protocol(format!("malformed reply line: {:.80}", line.escape_debug()))
            })?;
        let sep = line.as_bytes().get(3).copied();
        if !matches!(sep, None | Some(b' ') | Some(b'-')) {
            return Err(ClientError::Protocol(format!(
                "malformed reply line: {:.80}",
                line.escape_debug()
            )));
        }
        // RFC 5321 §4.2.1: every line of a multi-line reply carries the same code. A reply
        // whose lines disagree cannot be trusted to mean either code (a "250-" line followed
        // by "550" must not read as success), so it is a protocol error: the caller treats it
        // as a temporary failure of this hop.
        if let Some(first) = first_code
            && first != code
        {
            return Err(ClientError::Protocol(format!(
                "reply lines carry different codes ({first} then {code})"
            )));
        }
        first_code = Some(code);
        lines.push(line.get(4..).unwrap_or("").to_string());
        if sep != Some(b'-') {
            return Ok(Reply { code, lines });
        }
        if lines.len() >= MAX_LINES {
            return Err(ClientError::Protocol(format!(
                "reply longer than {MAX_LINES} lines"
            )));
        }
    }
}

/// RFC 5321 §4.5.3.2 minimum timeouts, each capped by `max` (tests and impatient setups).
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub greeting: Duration,
    pub command: Duration,
    pub data_init: Duration,
    pub data_block: Duration,
    pub data_end: Duration,
}

impl Timeouts {
    pub fn rfc5321(max: Duration) -> Timeouts {
        let m = |d: u64| Duration::from_secs(d).min(max);
        Timeouts {
            connect: m(30),
            greeting: m(300),
            command: m(300),
            data_init: m(120),
            data_block: m(180),
            data_end: m(600),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Capabilities {
    pub pipelining: bool,
    pub starttls: bool,
    pub size: Option<u64>,
    pub eightbitmime: bool,
    pub smtputf8: bool,
    pub chunking: bool,
    /// RFC 3461: the server takes NOTIFY/ORCPT/RET/ENVID and reports on its own.
    pub dsn: bool,
    pub auth: Vec<String>,
    /// False when the server only spoke HELO.
    pub esmtp: bool,
}

impl Capabilities {
    fn parse(reply: &Reply) -> Capabilities {
        let mut c = Capabilities {
            esmtp: true,
            ..Default::default()
        };
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split_whitespace();
            let Some(kw) = words.next() else { continue };
            match kw.to_ascii_uppercase().as_str() {
                "PIPELINING" => c.pipelining = true,
                "STARTTLS" => c.starttls = true,
                "8BITMIME" => c.eightbitmime = true,
                "SMTPUTF8" => c.smtputf8 = true,
                "CHUNKING" => c.chunking = true,
                "DSN" => c.dsn = true,
                "SIZE" => c.size = words.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0),
                "AUTH" => c.auth = words.map(|w| w.to_ascii_uppercase()).collect(),
                _ => {}
            }
        }
        c
    }
}

/// What TLS gave this connection, for the queue's records.
#[derive(Debug, Clone)]
pub struct TlsInfo {
    pub version: String,
    /// Whether the certificate chain verified for the host name.
    pub verified: bool,
}

pub struct Client {
    io: BufReader<Box<dyn Io>>,
    pub timeouts: Timeouts,
    pub caps: Capabilities,
    pub tls: Option<TlsInfo>,
}

async fn within<T>(
    d: Duration,
    phase: &'static str,
    f: impl Future<Output = Result<T, ClientError>>,
) -> Result<T, ClientError> {
    tokio::time::timeout(d, f)
        .await
        .map_err(|_| ClientError::Timeout {
            phase,
            secs: d.as_secs(),
        })?
}

/// Writes in blocks of at most 64 KiB, each bounded by `d`.
async fn timed_write(w: &mut Box<dyn Io>, bytes: &[u8], d: Duration) -> Result<(), ClientError> {
    for chunk in bytes.chunks(64 << 10) {
        within(d, "the message transfer", async {
            Ok(w.write_all(chunk).await?)
        })
        .await?;
    }
    Ok(())
}

impl Client {
    /// Connects and reads the greeting. A non-2xx greeting is returned as the reply, not an
    /// error, so the caller can tell 4xx from 5xx.
    pub async fn connect(
        addr: SocketAddr,
        timeouts: Timeouts,
    ) -> Result<(Client, Reply), ClientError> {
        let tcp = within(timeouts.connect, "the TCP connection", async {
            Ok(TcpStream::connect(addr).await?)
        })
        .await?;
        let _ = tcp.set_nodelay(true);
        Self::over(Box::new(tcp), timeouts).await
    }

    /// Wraps an established stream (e.g. implicit TLS) and reads the greeting.
    pub async fn over(io: Box<dyn Io>, timeouts: Timeouts) -> Result<(Client, Reply), ClientError> {
        let mut c = Client {
            io: BufReader::new(io),
            timeouts,
            caps: Capabilities::default(),
            tls: None,
        };
        let greeting = within(timeouts.greeting, "the greeting", read_reply(&mut c.io)).await?;
        Ok((c, greeting))
    }

    async fn send(&mut self, line: &str) -> Result<(), ClientError> {
        // One write per command line: two small writes meet Nagle's algorithm and the peer's
        // delayed ACK and cost 40 ms each.
        let mut buf = Vec::with_capacity(line.len() + 2);
        buf.extend_from_slice(line.as_bytes());
        buf.extend_from_slice(b"\r\n");
        let w = self.io.get_mut();
        w.write_all(&buf).await?;
        w.flush().await?;
        Ok(())
    }

    /// Sends a command and reads its reply.
    pub async fn command(&mut self, line: &str, phase: &'static str) -> Result<Reply, ClientError> {
        let t = self.timeouts.command;
        within(t, phase, async {
            self.send(line).await?;
            read_reply(&mut self.io).await
        })
        .await
    }

    /// EHLO, falling back to HELO when the server does not know EHLO.
    pub async fn ehlo(&mut self, name: &str) -> Result<Reply, ClientError> {
        let r = self
            .command(&format!("EHLO {name}"), "the EHLO reply")
            .await?;
        if r.positive() {
            self.caps = Capabilities::parse(&r);
            return Ok(r);
        }
        if r.permanent() {
            let h = self
                .command(&format!("HELO {name}"), "the HELO reply")
                .await?;
            self.caps = Capabilities::default();
            return Ok(h);
        }
        Ok(r)
    }

    /// STARTTLS and the handshake. After it the caller must EHLO again (RFC 3207 §4.2).
    pub async fn starttls(
        mut self,
        config: Arc<rustls::ClientConfig>,
        server_name: &str,
        verified: impl Fn() -> bool,
    ) -> Result<Client, ClientError> {
        let r = self.command("STARTTLS", "the STARTTLS reply").await?;
        if r.code != 220 {
            return Err(ClientError::Protocol(format!(
                "STARTTLS refused: {}",
                r.text()
            )));
        }
        if !self.io.buffer().is_empty() {
            // Bytes after the 220 but before the handshake would be read as if encrypted.
            return Err(ClientError::Protocol(
                "the server sent data before the TLS handshake".into(),
            ));
        }
        let name = ServerName::try_from(server_name.to_string()).map_err(|_| {
            ClientError::Tls(format!("'{server_name}' is not a valid TLS server name"))
        })?;
        let connector = tokio_rustls::TlsConnector::from(config);
        let timeouts = self.timeouts;
        let tls = within(timeouts.command, "the TLS handshake", async {
            connector
                .connect(name, self.io.into_inner())
                .await
                .map_err(|e| ClientError::Tls(e.to_string()))
        })
        .await?;
        let version = tls
            .get_ref()
            .1
            .protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default();
        Ok(Client {
            io: BufReader::new(Box::new(tls)),
            timeouts,
            caps: Capabilities::default(),
            tls: Some(TlsInfo {
                version,
                verified: verified(),
            }),
        })
    }

    /// AUTH PLAIN with an initial response (RFC 4954).
    pub async fn auth_plain(&mut self, user: &str, password: &str) -> Result<Reply, ClientError> {
        use base64::Engine;
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{password}"));
        self.command(&format!("AUTH PLAIN {token}"), "the AUTH reply")
            .await
    }

    /// MAIL FROM and one RCPT TO per recipient, pipelined when the server offers it.
    /// Returns the MAIL reply and one reply per recipient (empty if MAIL was refused).
    pub async fn envelope(
        &mut self,
        mail_from: &str,
        rcpts: &[String],
    ) -> Result<(Reply, Vec<Reply>), ClientError> {
        let t = self.timeouts.command;
        if self.caps.pipelining {
            within(t, "the envelope replies", async {
                let mut batch = mail_from.to_string();
                batch.push_str("\r\n");
                for r in rcpts {
                    batch.push_str(r);
                    batch.push_str("\r\n");
                }
                let w = self.io.get_mut();
                w.write_all(batch.as_bytes()).await?;
                w.flush().await?;
                let mail = read_reply(&mut self.io).await?;
                let mut replies = Vec::with_capacity(rcpts.len());
                for _ in rcpts {
                    replies.push(read_reply(&mut self.io).await?);
                }
                if !mail.positive() {
                    replies.clear();
                }
                Ok((mail, replies))
            })
            .await
        } else {
            let mail = self.command(mail_from, "the MAIL reply").await?;
            if !mail.positive() {
                return Ok((mail, Vec::new()));
            }
            let mut replies = Vec::with_capacity(rcpts.len());
            for r in rcpts {
                replies.push(self.command(r, "the RCPT reply").await?);
            }
            Ok((mail, replies))
        }
    }

    /// DATA, the dot-stuffed message, and the final reply. The message must use CRLF.
    pub async fn data(&mut self, message: &[u8]) -> Result<Reply, ClientError> {
        let go = self.command("DATA", "the DATA reply").await?;
        if go.code != 354 {
            return Ok(go);
        }
        let t = self.timeouts;
        // §4.5.3.2.5: each block of data gets its own timeout, not the whole message.
        let w = self.io.get_mut();
        let mut at_line_start = true;
        let mut start = 0;
        for (i, &b) in message.iter().enumerate() {
            if at_line_start && b == b'.' {
                timed_write(w, &message[start..i], t.data_block).await?;
                timed_write(w, b".", t.data_block).await?;
                start = i;
            }
            at_line_start = b == b'\n';
        }
        timed_write(w, &message[start..], t.data_block).await?;
        if !message.ends_with(b"\r\n") {
            timed_write(w, b"\r\n", t.data_block).await?;
        }
        timed_write(w, b".\r\n", t.data_block).await?;
        within(t.data_block, "the message transfer", async {
            Ok(w.flush().await?)
        })
        .await?;
        within(
            t.data_end,
            "the reply after the message",
            read_reply(&mut self.io),
        )
        .await
    }

    pub async fn quit(mut self) {
        let _ = tokio::time::timeout(
            Duration::from_secs(5),
            self.command("QUIT", "the QUIT reply"),
        )
        .await;
    }
}

/// A verifier that accepts every certificate, as opportunistic TLS between MTAs must (RFC
/// 7435), and records what a strict verifier (the Mozilla roots) would have said, for logs,
/// the queue's records and `mailctl test`.
#[derive(Debug)]
pub struct RecordingVerifier {
    strict: Arc<rustls::client::WebPkiServerVerifier>,
    provider: Arc<rustls::crypto::CryptoProvider>,
    seen: Mutex<Option<(Vec<u8>, Option<String>)>>,
}

impl RecordingVerifier {
    pub fn new() -> RecordingVerifier {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        for c in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
            let _ = roots.add(c.clone());
        }
        let strict = rustls::client::WebPkiServerVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()
        .expect("the Mozilla root set is not empty");
        RecordingVerifier {
            strict,
            provider,
            seen: Mutex::new(None),
        }
    }

    /// The end-entity certificate seen and the strict verifier's objection, if any.
    pub fn seen(&self) -> Option<(Vec<u8>, Option<String>)> {
        self.seen.lock().map(|g| g.clone()).unwrap_or(None)
    }

    /// A client config that uses this verifier.
    pub fn client_config(self: &Arc<Self>) -> Arc<rustls::ClientConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .dangerous()
            .with_custom_certificate_verifier(self.clone())
            .with_no_client_auth();
        Arc::new(config)
    }
}

impl Default for RecordingVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict =
            self.strict
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        if let Ok(mut g) = self.seen.lock() {
            *g = Some((end_entity.to_vec(), verdict.err().map(|e| e.to_string())));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse(s: &[u8]) -> Result<Reply, ClientError> {
        read_reply(&mut BufReader::new(s)).await
    }

    #[tokio::test]
    async fn replies() {
        let r =
            parse(b"250-mx.example.org hi\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 STARTTLS\r\n")
                .await
                .unwrap();
        assert_eq!(r.code, 250);
        let c = Capabilities::parse(&r);
        assert!(c.pipelining && c.starttls && c.esmtp);
        assert_eq!(c.size, Some(1000));
        assert_eq!(
            parse(b"550 5.1.1 no\r\n").await.unwrap().text(),
            "550 5.1.1 no"
        );
        assert_eq!(parse(b"421\r\n").await.unwrap().code, 421);
    }

    #[tokio::test]
    async fn hostile_replies_are_bounded() {
        let endless = "250-x\r\n".repeat(MAX_LINES + 10);
        assert!(parse(endless.as_bytes()).await.is_err());
        assert!(parse(&vec![b'2'; MAX_LINE + 1]).await.is_err());
        for bad in [&b"hello\r\n"[..], b"25\r\n", b"999 x\r\n", b"250x\r\n", b""] {
            assert!(parse(bad).await.is_err(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn multi_line_replies_with_mixed_codes_are_protocol_errors() {
        for bad in [
            &b"250-ok\r\n550 no such user\r\n"[..],
            b"550-no\r\n250 ok\r\n",
            b"250-a\r\n250-b\r\n251 c\r\n",
            b"220-hi\r\n554 go away\r\n",
        ] {
            match parse(bad).await {
                Err(ClientError::Protocol(m)) => assert!(m.contains("different codes"), "{m}"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
        // The same code on every line is fine, whatever the separators say.
        let r = parse(b"550-5.1.1 no\r\n550-5.1.1 such\r\n550 5.1.1 user\r\n")
            .await
            .unwrap();
        assert_eq!((r.code, r.lines.len()), (550, 3));
    }

    #[tokio::test]
    async fn reply_text_is_clean_and_bounded() {
        let mut hostile = String::new();
        for _ in 0..20 {
            hostile.push_str(&format!("550-\u{1b}[2J{}\u{7}\r\n", "x".repeat(2000)));
        }
        hostile.push_str("550 end\r\n");
        let r = parse(hostile.as_bytes()).await.unwrap();
        let t = r.text();
        assert!(!t.chars().any(|c| c.is_control()), "{t:?}");
        assert!(
            t.len() <= 3 + TEXT_LINES * (TEXT_LINE + 4) + 4,
            "{}",
            t.len()
        );
        assert!(t.starts_with("550 [2Jxxx") && t.ends_with("..."), "{t:.40}");
    }

    proptest::proptest! {
        /// Any multi-line reply parses iff all its lines carry the same code, and then
        /// has that code.
        #[test]
        fn a_reply_has_one_code(codes in proptest::collection::vec(proptest::sample::select(vec![220u16, 250, 354, 421, 450, 550, 554]), 1..6)) {
            let mut raw = String::new();
            for (i, c) in codes.iter().enumerate() {
                let sep = if i + 1 == codes.len() { ' ' } else { '-' };
                raw.push_str(&format!("{c}{sep}text {i}\r\n"));
            }
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let r = rt.block_on(parse(raw.as_bytes()));
            if codes.iter().all(|c| *c == codes[0]) {
                proptest::prop_assert_eq!(r.unwrap().code, codes[0]);
            } else {
                proptest::prop_assert!(matches!(r, Err(ClientError::Protocol(_))), "{raw:?}");
            }
        }
    }
}
