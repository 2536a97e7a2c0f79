//! Test scaffolding for driven sessions (the driver's own tests and each protocol's): a
//! session run by [`drive`] over an in-memory pipe, and the client end that talks to it
//! line by line with an upper bound on every wait. Not here: any protocol's test peer logic.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::{Protocol, TlsInfo, Transport, drive};
use crate::net::conn::Io;
use crate::net::shutdown::{self, Trigger};

/// Upper bound for "it answered / it closed".
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// A pipe has no TLS: STARTTLS over it fails as a handshake would.
impl Transport for DuplexStream {
    fn io(&mut self) -> &mut dyn Io {
        self
    }

    fn tls_info(&self) -> Option<TlsInfo> {
        None
    }

    async fn start_tls(
        self,
        _cfg: Arc<rustls::ServerConfig>,
        _until: Option<Instant>,
    ) -> std::io::Result<Self> {
        Err(std::io::Error::other("no TLS over a pipe"))
    }
}

/// The client end of a driven session.
pub(crate) struct Client {
    pub rx: BufReader<tokio::io::ReadHalf<DuplexStream>>,
    pub tx: tokio::io::WriteHalf<DuplexStream>,
}

/// A driven session, as a test holds it.
pub(crate) struct Driven {
    pub client: Client,
    pub trigger: Trigger,
    pub server: JoinHandle<std::io::Result<()>>,
}

/// Runs `session` under the driver (no TLS) on a pipe of `buf` bytes each way.
pub(crate) fn start<P: Protocol>(session: P, buf: usize) -> Driven {
    let (client, server) = tokio::io::duplex(buf);
    let (trigger, sd) = shutdown::channel();
    let server = tokio::spawn(drive(server, session, None, sd));
    let (rx, tx) = tokio::io::split(client);
    Driven {
        client: Client {
            rx: BufReader::new(rx),
            tx,
        },
        trigger,
        server,
    }
}

impl Client {
    /// The next line, CRLF included (empty at end of stream).
    pub async fn line(&mut self) -> String {
        let mut l = String::new();
        tokio::time::timeout(WAIT, self.rx.read_line(&mut l))
            .await
            .expect("an answer in time")
            .expect("read");
        l
    }

    pub async fn send(&mut self, s: &str) {
        self.tx.write_all(s.as_bytes()).await.expect("write");
    }

    /// The server closed its end with nothing more to say.
    pub async fn closed(mut self) {
        let mut rest = Vec::new();
        tokio::time::timeout(WAIT, self.rx.read_to_end(&mut rest))
            .await
            .expect("closed in time")
            .expect("read");
        assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    }
}
