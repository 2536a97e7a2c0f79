//! The one connection driver: runs any sans-IO [`Protocol`] session (SMTP, IMAP, POP3) over
//! a stream. It owns the socket, the read deadline the session names, the TLS upgrade
//! (STARTTLS/STLS, RFC 3207 / RFC 2595) through [`handshake`], the [`Shutdown`] signal,
//! IDLE wakeups, stream compression ([`deflate`]), and the hand-off of every session step to a blocking thread (sessions hit
//! SQLite, fsync and argon2).
//!
//! Per read: one `Vec` for the bytes read (handed to the session by value) and one
//! `spawn_blocking` that receives them and polls until the session needs the network again;
//! the output buffer is reused.
//!
//! Not here: admission (limits, bans, implicit TLS: [`super::conn::Access`]), what any
//! protocol says or when it times out (the session tells), logins (the protocols' adapters
//! call them from `poll`, on the blocking thread).

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;
use tokio::time::Instant;

use super::conn::{Io, Stream, handshake};
use super::shutdown::Shutdown;

/// The output buffer a waiting connection keeps; a bigger one goes after the answer it
/// was grown for.
const OUT_KEPT: usize = 1024;

/// What the driver does after writing a step's output.
#[derive(Debug)]
pub enum Action {
    /// Read more input.
    NeedInput,
    /// Poll again at once, without input: a long answer is half written.
    Flush,
    /// Run the TLS handshake, call [`Protocol::tls_started`], then read.
    StartTls,
    /// From the next byte on, both directions are raw deflate ([`deflate`], e.g. IMAP
    /// COMPRESS=DEFLATE, RFC 4978); this step's output still goes out as it is.
    Compress,
    /// Wait this long (a failed login's pause), then poll again without input.
    Pause(Duration),
    /// Read input as it comes, and call [`Protocol::idle_wake`] whenever this fires.
    Idle(Wakeup),
    /// Close the connection.
    Close,
}

/// A change signal to idle on (IMAP IDLE, RFC 2177): the receiver of the folder's counter,
/// and how often to wake anyway (a safety net for writers inotify cannot see).
#[derive(Debug)]
pub struct Wakeup {
    pub rx: watch::Receiver<u64>,
    pub recheck: Duration,
}

/// The negotiated TLS parameters, for the session's trace headers and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsInfo {
    pub version: String,
    pub cipher: String,
}

/// A sans-IO session as the driver sees it. `receive` and `poll` (and `idle_wake`) run on a
/// blocking thread; the others are cheap and run on the async side.
pub trait Protocol: Send + 'static {
    /// Read buffer size: small for protocols whose connections mostly sit idle.
    const READ_BUF: usize;
    fn greeting(&self, out: &mut Vec<u8>);
    /// Pre-greeting talk detection (Postfix postscreen's PREGREET test): how long to wait
    /// before [`Protocol::greeting`], watching for a peer that talks out of turn; `out` gets
    /// what goes before the wait (a teaser line). `None`: greet at once.
    fn greet_wait(&self, _out: &mut Vec<u8>) -> Option<Duration> {
        None
    }
    /// The peer sent `early` `after` this long into the greeting wait: what to say before
    /// the connection closes.
    fn talked_first(&self, _early: &[u8], _after: Duration, _out: &mut Vec<u8>) {}
    /// Bytes read from the peer.
    fn receive(&mut self, input: Vec<u8>);
    /// Processes what was received, appending replies to `out`.
    fn poll(&mut self, out: &mut Vec<u8>) -> Action;
    /// The handshake finished (STARTTLS, or implicit TLS before the greeting).
    fn tls_started(&mut self, tls: &TlsInfo);
    /// What to say unasked once a STARTTLS handshake is done (ManageSieve re-issues its
    /// capabilities, RFC 5804 §2.2); after [`Protocol::tls_started`].
    fn tls_greeting(&mut self, _out: &mut Vec<u8>) {}
    /// When the next read must have arrived by.
    fn read_deadline(&self) -> Instant;
    /// When a TLS handshake must be done by ([`handshake`] caps it at one minute).
    fn tls_deadline(&self) -> Option<Instant>;
    /// The read deadline passed: what to say before closing.
    fn timeout(&self, out: &mut Vec<u8>);
    /// The server is shutting down: `true` to close now after writing `out`, `false` to go
    /// on until the session is at a point where it may (asked again before every read).
    fn shutdown(&self, out: &mut Vec<u8>) -> bool;
    /// The idled-on signal fired; `false` to close after writing `out`.
    fn idle_wake(&mut self, _out: &mut Vec<u8>) -> bool {
        true
    }
    /// Whether the idled-on signal that just fired can change what this session sees;
    /// `false` skips [`Protocol::idle_wake`] and its blocking thread. Runs on the async
    /// side, so it must not block: no I/O, only shared in-memory state.
    fn idle_wake_needed(&mut self) -> bool {
        true
    }
}

/// Idle wakeups stepped on blocking threads at once, across all connections. One delivery
/// wakes every session idling on the folder: a thousand at once grew the blocking pool to
/// its cap (hundreds of threads, each with its stack and allocator arena) for work that
/// takes a few at a time just as long. A wakeup waits here, on the async side, for a turn.
const WAKE_CONCURRENCY: usize = 4;

static WAKE_TURNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(WAKE_CONCURRENCY);

/// A stream the driver can run a session over: TCP/TLS, or an in-memory pipe in tests.
pub trait Transport: Send + Sized + 'static {
    fn io(&mut self) -> &mut dyn Io;
    /// The TLS parameters, if the stream is encrypted.
    fn tls_info(&self) -> Option<TlsInfo>;
    /// Upgrades a plain stream (STARTTLS).
    fn start_tls(
        self,
        cfg: Arc<rustls::ServerConfig>,
        until: Option<Instant>,
    ) -> impl Future<Output = std::io::Result<Self>> + Send;
}

impl Transport for Stream {
    fn io(&mut self) -> &mut dyn Io {
        Stream::io(self)
    }

    fn tls_info(&self) -> Option<TlsInfo> {
        let Stream::Tls(s) = self else { return None };
        let (_, conn) = s.get_ref();
        let version = conn
            .protocol_version()
            .and_then(|v| v.as_str())
            .unwrap_or("TLS")
            .replace('_', ".");
        let cipher = conn
            .negotiated_cipher_suite()
            .map(|c| format!("{:?}", c.suite()))
            .unwrap_or_else(|| "unknown".into());
        Some(TlsInfo { version, cipher })
    }

    async fn start_tls(
        self,
        cfg: Arc<rustls::ServerConfig>,
        until: Option<Instant>,
    ) -> std::io::Result<Self> {
        match self {
            Stream::Plain(tcp) => handshake(tcp, cfg, until).await,
            Stream::Tls(_) => Err(std::io::Error::other("TLS is already active")),
        }
    }
}

/// The session between steps. It moves into a blocking task for each step and comes back;
/// if a step panicked it does not, and the connection ends.
struct Slot<P>(Option<P>);

impl<P: Protocol> Slot<P> {
    fn get(&mut self) -> std::io::Result<&mut P> {
        self.0
            .as_mut()
            .ok_or_else(|| std::io::Error::other("session lost"))
    }

    /// Runs `f` on the session on a blocking thread, with `out` (cleared) as its output.
    async fn blocking<R: Send + 'static>(
        &mut self,
        out: &mut Vec<u8>,
        f: impl FnOnce(&mut P, &mut Vec<u8>) -> R + Send + 'static,
    ) -> std::io::Result<R> {
        let mut p = self
            .0
            .take()
            .ok_or_else(|| std::io::Error::other("session lost"))?;
        let mut buf = std::mem::take(out);
        buf.clear();
        let (p, buf, r) = tokio::task::spawn_blocking(move || {
            let r = f(&mut p, &mut buf);
            (p, buf, r)
        })
        .await
        .map_err(std::io::Error::other)?;
        self.0 = Some(p);
        *out = buf;
        Ok(r)
    }
}

/// What ended a wait for input.
enum Got {
    Input(Vec<u8>),
    Eof,
    Closed,
}

/// What the driver does once a step is written out.
enum Next {
    Read,
    StartTls,
    Close,
}

/// Runs one session to its end. `tls` is the certificate for a later STARTTLS (`None`: not
/// offered). I/O errors end the connection and are returned for the caller to log.
pub async fn drive<P: Protocol, T: Transport>(
    stream: T,
    session: P,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    let mut c = Conn {
        s: Slot(Some(session)),
        out: Vec::with_capacity(OUT_KEPT),
        buf: vec![0u8; P::READ_BUF],
        idle: None,
        z: None,
        shutdown,
    };
    let r = c.run(stream, tls).await;
    // Dropping the session must be cheap (IMAP's folder watches are released by the hub's
    // keeper thread): a thousand connections closing at once must not take a thread each.
    drop(c);
    super::trim::connection_closed();
    r
}

/// One connection's state in the driver, besides its stream (which STARTTLS replaces).
struct Conn<P> {
    s: Slot<P>,
    /// Reused for every step's output.
    out: Vec<u8>,
    buf: Vec<u8>,
    /// The signal an idling session waits on.
    idle: Option<Wakeup>,
    /// Set once the session asked for compression: what is read is inflated, what is
    /// written deflated.
    z: Option<Box<deflate::Deflate>>,
    shutdown: Shutdown,
}

impl<P: Protocol> Conn<P> {
    async fn run<T: Transport>(
        &mut self,
        mut stream: T,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> std::io::Result<()> {
        if let Some(info) = stream.tls_info() {
            self.s.get()?.tls_started(&info);
        }
        if !self.greet_wait(&mut stream).await? {
            let _ = stream.io().shutdown().await;
            return Ok(());
        }
        self.out.clear();
        self.s.get()?.greeting(&mut self.out);
        self.flush(&mut stream).await?;
        loop {
            let next = self.until_tls(&mut stream).await;
            let Ok(Next::StartTls) = next else {
                let _ = stream.io().shutdown().await;
                return next.map(drop);
            };
            let Some(cfg) = tls.clone() else {
                let _ = stream.io().shutdown().await;
                return Ok(());
            };
            let until = self.s.get()?.tls_deadline();
            stream = stream.start_tls(cfg, until).await?;
            if let Some(info) = stream.tls_info() {
                self.s.get()?.tls_started(&info);
            }
            self.out.clear();
            self.s.get()?.tls_greeting(&mut self.out);
            self.flush(&mut stream).await?;
        }
    }

    /// The session's pre-greeting wait, if it asks for one: `false` when the connection
    /// ends instead of being greeted (the peer talked first, hung up, or shutdown came).
    /// A timer and a read raced on the async side: no thread is held while a peer waits.
    async fn greet_wait<T: Transport>(&mut self, stream: &mut T) -> std::io::Result<bool> {
        self.out.clear();
        let Some(wait) = self.s.get()?.greet_wait(&mut self.out) else {
            return Ok(true);
        };
        self.flush(stream).await?;
        // Shutdown already under way: greet, and let the first read say goodbye.
        if self.shutdown.is_triggered() {
            return Ok(true);
        }
        let start = Instant::now();
        tokio::select! {
            _ = tokio::time::sleep_until(start + wait) => Ok(true),
            r = stream.io().read(&mut self.buf) => match r? {
                // Hung up while waiting: nobody to tell.
                0 => Ok(false),
                n => {
                    self.out.clear();
                    self.s.get()?.talked_first(&self.buf[..n], start.elapsed(), &mut self.out);
                    self.flush(stream).await?;
                    Ok(false)
                }
            },
            _ = self.shutdown.wait() => {
                self.shutdown_now(stream).await?;
                Ok(false)
            }
        }
    }

    /// Reads and steps until the session closes or asks for TLS.
    async fn until_tls<T: Transport>(&mut self, stream: &mut T) -> std::io::Result<Next> {
        loop {
            let input = match self.read(stream).await? {
                Got::Input(i) => i,
                Got::Eof | Got::Closed => return Ok(Next::Close),
            };
            let next = if self.z.is_some() {
                self.inflated(stream, &input).await?
            } else {
                self.step(stream, input).await?
            };
            match next {
                Next::Read => {}
                other => return Ok(other),
            }
        }
    }

    /// Steps through compressed input a bounded chunk at a time, so the session's limits
    /// see each piece before the next is inflated.
    async fn inflated<T: Transport>(
        &mut self,
        stream: &mut T,
        mut raw: &[u8],
    ) -> std::io::Result<Next> {
        loop {
            let Some(z) = self.z.as_mut() else {
                return Ok(Next::Close);
            };
            let (used, chunk) = z.inflate(raw)?;
            raw = &raw[used..];
            // A full chunk may leave more output in the inflater even with no input left.
            let more = chunk.len() == deflate::CHUNK;
            if !chunk.is_empty() {
                match self.step(stream, chunk).await? {
                    Next::Read => {}
                    other => return Ok(other),
                }
            }
            if raw.is_empty() && !more {
                return Ok(Next::Read);
            }
        }
    }

    /// Writes the output of the last step, if any.
    async fn flush<T: Transport>(&mut self, stream: &mut T) -> std::io::Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        match self.z.as_mut() {
            Some(z) => stream.io().write_all(z.compress(&self.out)?).await,
            None => stream.io().write_all(&self.out).await,
        }
    }

    /// Asks the session whether it may close for shutdown now; if so writes its last words.
    async fn shutdown_now<T: Transport>(&mut self, stream: &mut T) -> std::io::Result<bool> {
        self.out.clear();
        let now = self.s.get()?.shutdown(&mut self.out);
        if now {
            self.flush(stream).await?;
        }
        Ok(now)
    }

    /// Hands `input` to the session and polls it (on a blocking thread) until it needs the
    /// network again, writing its output as it comes.
    async fn step<T: Transport>(
        &mut self,
        stream: &mut T,
        input: Vec<u8>,
    ) -> std::io::Result<Next> {
        let mut input = Some(input);
        loop {
            let i = input.take();
            let action = self
                .s
                .blocking(&mut self.out, move |p, out| {
                    if let Some(i) = i {
                        p.receive(i);
                    }
                    p.poll(out)
                })
                .await?;
            self.flush(stream).await?;
            match action {
                Action::NeedInput => {
                    self.idle = None;
                    return Ok(Next::Read);
                }
                Action::Flush => {}
                Action::Close => return Ok(Next::Close),
                Action::StartTls => return Ok(Next::StartTls),
                Action::Compress => {
                    self.z.get_or_insert_with(Default::default);
                    return Ok(Next::Read);
                }
                Action::Idle(w) => {
                    // The same folder again keeps its receiver, so a change seen while
                    // out of IDLE still wakes.
                    if self.idle.as_ref().is_none_or(|i| !i.rx.same_channel(&w.rx)) {
                        self.idle = Some(w);
                    }
                    if let Some(z) = self.z.as_mut() {
                        z.rest();
                    }
                    return Ok(Next::Read);
                }
                Action::Pause(d) => {
                    let (until, stopping) = (Instant::now() + d, self.shutdown.is_triggered());
                    tokio::select! {
                        _ = tokio::time::sleep_until(until) => {}
                        _ = self.shutdown.wait(), if !stopping => {
                            if self.shutdown_now(stream).await? {
                                return Ok(Next::Close);
                            }
                            tokio::time::sleep_until(until).await;
                        }
                    }
                }
            }
        }
    }

    /// Waits for input until the session's deadline, answering shutdown and idle wakeups.
    async fn read<T: Transport>(&mut self, stream: &mut T) -> std::io::Result<Got> {
        // A long answer (IMAP flushes at 256 KiB) grew the output buffer; a connection that
        // waits, mostly idle, keeps only a small one.
        if self.out.capacity() > OUT_KEPT {
            self.out = Vec::with_capacity(OUT_KEPT);
        }
        // Shutdown already under way: the session says when it may stop.
        let mut stopping = self.shutdown.is_triggered();
        if stopping && self.shutdown_now(stream).await? {
            return Ok(Got::Closed);
        }
        // Idle wakeups do not move the deadline: autologout counts from the last input.
        let mut deadline = self.s.get()?.read_deadline();
        loop {
            tokio::select! {
                r = tokio::time::timeout_at(deadline, stream.io().read(&mut self.buf)) => {
                    return match r {
                        Ok(Ok(0)) => Ok(Got::Eof),
                        Ok(Ok(n)) => Ok(Got::Input(self.buf[..n].to_vec())),
                        Ok(Err(e)) => Err(e),
                        Err(_) => {
                            self.out.clear();
                            self.s.get()?.timeout(&mut self.out);
                            self.flush(stream).await?;
                            Ok(Got::Closed)
                        }
                    };
                }
                _ = wait_idle(&mut self.idle) => {
                    if !self.s.get()?.idle_wake_needed() {
                        continue;
                    }
                    // Never closed, so this cannot fail; if it could, waking unbounded is
                    // still right.
                    let turn = WAKE_TURNS.acquire().await.ok();
                    // Others may have made this one needless while it waited its turn.
                    if !self.s.get()?.idle_wake_needed() {
                        continue;
                    }
                    let go_on = self.s.blocking(&mut self.out, |p, out| p.idle_wake(out)).await?;
                    drop(turn);
                    self.flush(stream).await?;
                    if !go_on {
                        return Ok(Got::Closed);
                    }
                }
                _ = self.shutdown.wait(), if !stopping => {
                    if self.shutdown_now(stream).await? {
                        return Ok(Got::Closed);
                    }
                    // Not yet (a transaction in flight): read on, asked again before each read.
                    stopping = true;
                    deadline = self.s.get()?.read_deadline();
                }
            }
        }
    }
}

/// Resolves when the idled-on signal changes, or after its recheck interval; never when
/// not idling.
async fn wait_idle(idle: &mut Option<Wakeup>) {
    match idle {
        Some(w) => {
            let _ = tokio::time::timeout(w.recheck, w.rx.changed()).await;
        }
        None => std::future::pending().await,
    }
}

pub mod deflate;
#[cfg(test)]
pub(crate) mod pipe;
#[cfg(test)]
mod tests;
