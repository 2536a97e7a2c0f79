//! A small SMTP client for outbound delivery (RFC 5321 client side): greeting, EHLO with
//! HELO fallback, STARTTLS, AUTH PLAIN, a pipelined envelope with one reply per recipient,
//! and DATA with dot-stuffing.
//!
//! Why not mail-send: its reply reader has no bound on reply size (a hostile server could
//! stream continuation lines into our memory until the command timeout), and the queue needs
//! every recipient's own reply. Here every read is bounded in line length, line count and
//! time (RFC 5321 §4.5.3.2 timeouts, capped by configuration).
//!
//! Not here: reading and cleaning replies (`client/reply.rs`), the recording certificate
//! verifier (`client/verifier.rs`), which hop to try and what a reply means for a
//! recipient (`outbound::transfer`).

mod reply;
mod verifier;

pub use reply::{MAX_LINE, MAX_LINES, Reply, TEXT_LINE, TEXT_LINES, read_reply};
pub use verifier::RecordingVerifier;

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::net::Io;

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
