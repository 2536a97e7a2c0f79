//! The driver over an in-memory pipe with a tiny line protocol: what it says on timeout and
//! shutdown, that a busy session defers shutdown, pauses, closes, idle wakeups, and the
//! pre-greeting wait, compression.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::pipe::{self, Client, Driven, WAIT};
use super::{Action, Protocol, TlsInfo, Wakeup};
use crate::net::shutdown::Trigger;

const PAUSE: Duration = Duration::from_millis(50);

/// `PING` → `PONG`; `BIG` → a 300 KiB line; `CAP` → the output buffer's capacity;
/// `QUIT` → `BYE` and close; `SLOW` → a pause, then `LATE`; `BUSY`/`DONE`
/// open and end a "transaction" that defers shutdown; `IDLE` idles on `wake`; `ZIP` turns
/// on compression.
struct Lines {
    input: Vec<u8>,
    busy: bool,
    paused: bool,
    read_timeout: Duration,
    wake: watch::Receiver<u64>,
    /// A pre-greeting wait: `WAIT` before it, `EARLY n` to a peer that talks during it.
    greet_wait: Option<Duration>,
    /// What `idle_wake_needed` answers.
    wakes_needed: Arc<AtomicBool>,
    /// Set: each wakeup takes a while, counted here while it runs.
    slow_wakes: Option<Arc<Running>>,
}

/// Wakeups running now, and the most at once.
#[derive(Default)]
struct Running {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Protocol for Lines {
    const READ_BUF: usize = 64;

    fn greeting(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"HELLO\r\n");
    }

    fn greet_wait(&self, out: &mut Vec<u8>) -> Option<Duration> {
        let wait = self.greet_wait?;
        out.extend_from_slice(b"WAIT\r\n");
        Some(wait)
    }

    fn talked_first(&self, early: &[u8], _after: Duration, out: &mut Vec<u8>) {
        out.extend_from_slice(format!("EARLY {}\r\n", early.len()).as_bytes());
    }

    fn receive(&mut self, input: Vec<u8>) {
        self.input.extend_from_slice(&input);
    }

    fn poll(&mut self, out: &mut Vec<u8>) -> Action {
        if self.paused {
            self.paused = false;
            out.extend_from_slice(b"LATE\r\n");
        }
        while let Some(end) = self.input.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.input.drain(..=end).collect();
            match line.trim_ascii() {
                b"PING" => out.extend_from_slice(b"PONG\r\n"),
                b"BUSY" => self.busy = true,
                b"DONE" => {
                    self.busy = false;
                    out.extend_from_slice(b"OK\r\n");
                }
                b"QUIT" => {
                    out.extend_from_slice(b"BYE\r\n");
                    return Action::Close;
                }
                b"SLOW" => {
                    self.paused = true;
                    return Action::Pause(PAUSE);
                }
                b"BIG" => {
                    out.extend_from_slice(&[b'x'; 300 << 10]);
                    out.extend_from_slice(b"\r\n");
                }
                b"CAP" => out.extend_from_slice(format!("CAP {}\r\n", out.capacity()).as_bytes()),
                b"ZIP" => {
                    out.extend_from_slice(b"ZIPPING\r\n");
                    return Action::Compress;
                }
                b"IDLE" => {
                    out.extend_from_slice(b"IDLING\r\n");
                    return Action::Idle(Wakeup {
                        rx: self.wake.clone(),
                        recheck: WAIT * 10,
                    });
                }
                _ => out.extend_from_slice(b"ERR\r\n"),
            }
        }
        Action::NeedInput
    }

    fn tls_started(&mut self, _tls: &TlsInfo) {}

    fn read_deadline(&self) -> Instant {
        Instant::now() + self.read_timeout
    }

    fn tls_deadline(&self) -> Option<Instant> {
        None
    }

    fn timeout(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"TIMEOUT\r\n");
    }

    fn shutdown(&self, out: &mut Vec<u8>) -> bool {
        if self.busy {
            return false;
        }
        out.extend_from_slice(b"SHUTDOWN\r\n");
        true
    }

    fn idle_wake(&mut self, out: &mut Vec<u8>) -> bool {
        if let Some(r) = &self.slow_wakes {
            let n = r.now.fetch_add(1, Ordering::SeqCst) + 1;
            r.most.fetch_max(n, Ordering::SeqCst);
            std::thread::sleep(PAUSE);
            r.now.fetch_sub(1, Ordering::SeqCst);
        }
        out.extend_from_slice(b"WOKE\r\n");
        true
    }

    fn idle_wake_needed(&mut self) -> bool {
        self.wakes_needed.load(Ordering::SeqCst)
    }
}

struct Peer {
    c: Client,
    trigger: Trigger,
    wake: watch::Sender<u64>,
    wakes_needed: Arc<AtomicBool>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Peer {
    /// A driven session; the greeting is read already.
    async fn start(read_timeout: Duration) -> Peer {
        let mut p = Peer::waiting(read_timeout, None);
        assert_eq!(p.line().await, "HELLO\r\n");
        p
    }

    /// A driven session with a pre-greeting wait; nothing read yet.
    fn waiting(read_timeout: Duration, greet_wait: Option<Duration>) -> Peer {
        Peer::with_wakes(read_timeout, greet_wait, None)
    }

    fn with_wakes(
        read_timeout: Duration,
        greet_wait: Option<Duration>,
        slow_wakes: Option<Arc<Running>>,
    ) -> Peer {
        let (wake, wake_rx) = watch::channel(0);
        let wakes_needed = Arc::new(AtomicBool::new(true));
        let proto = Lines {
            input: Vec::new(),
            busy: false,
            paused: false,
            read_timeout,
            wake: wake_rx,
            greet_wait,
            wakes_needed: wakes_needed.clone(),
            slow_wakes,
        };
        let Driven {
            client,
            trigger,
            server,
        } = pipe::start(proto, 1024);
        Peer {
            c: client,
            trigger,
            wake,
            wakes_needed,
            server,
        }
    }

    async fn line(&mut self) -> String {
        self.c.line().await
    }

    async fn send(&mut self, s: &str) {
        self.c.send(s).await
    }

    /// The server closed its end and the driver returned cleanly.
    async fn closed(self) {
        self.c.closed().await;
        let r = tokio::time::timeout(WAIT, self.server).await;
        assert!(matches!(r, Ok(Ok(Ok(())))), "driver ended with {r:?}");
    }
}

#[tokio::test]
async fn answers_then_closes_when_the_session_says_so() {
    let mut p = Peer::start(WAIT).await;
    p.send("PING\r\nPING\r\n").await;
    assert_eq!(p.line().await, "PONG\r\n");
    assert_eq!(p.line().await, "PONG\r\n");
    p.send("QUIT\r\n").await;
    assert_eq!(p.line().await, "BYE\r\n");
    p.closed().await;
}

/// A connection waiting for input keeps a small output buffer, whatever it answered before.
#[tokio::test]
async fn the_output_buffer_shrinks_back_after_a_long_answer() {
    let mut p = Peer::start(WAIT).await;
    p.send("BIG\r\n").await;
    assert_eq!(p.line().await.len(), (300 << 10) + 2);
    p.send("CAP\r\n").await;
    let cap: usize = p.line().await["CAP ".len()..].trim().parse().unwrap();
    assert!(cap <= super::OUT_KEPT, "kept {cap} bytes");
    p.send("QUIT\r\n").await;
    assert_eq!(p.line().await, "BYE\r\n");
    p.closed().await;
}

#[tokio::test]
async fn a_silent_peer_gets_the_timeout_reply_and_is_closed() {
    let mut p = Peer::start(Duration::from_millis(100)).await;
    assert_eq!(p.line().await, "TIMEOUT\r\n");
    p.closed().await;
}

#[tokio::test]
async fn shutdown_while_waiting_for_input_says_so_and_closes() {
    let mut p = Peer::start(WAIT).await;
    p.send("PING\r\n").await;
    assert_eq!(p.line().await, "PONG\r\n");
    p.trigger.fire();
    assert_eq!(p.line().await, "SHUTDOWN\r\n");
    p.closed().await;
}

#[tokio::test]
async fn a_busy_session_finishes_before_shutdown_closes_it() {
    let mut p = Peer::start(WAIT).await;
    p.send("BUSY\r\nPING\r\n").await;
    assert_eq!(p.line().await, "PONG\r\n");
    p.trigger.fire();
    p.send("PING\r\n").await;
    assert_eq!(p.line().await, "PONG\r\n", "still served while busy");
    p.send("DONE\r\n").await;
    assert_eq!(p.line().await, "OK\r\n");
    assert_eq!(p.line().await, "SHUTDOWN\r\n");
    p.closed().await;
}

#[tokio::test]
async fn a_pause_holds_the_answer_then_polls_again() {
    let mut p = Peer::start(WAIT).await;
    let t0 = Instant::now();
    p.send("SLOW\r\n").await;
    assert_eq!(p.line().await, "LATE\r\n");
    assert!(t0.elapsed() >= PAUSE, "answered before the pause ended");
    p.send("PING\r\n").await;
    assert_eq!(p.line().await, "PONG\r\n");
    p.send("QUIT\r\n").await;
    assert_eq!(p.line().await, "BYE\r\n");
    p.closed().await;
}

#[tokio::test]
async fn an_idling_session_is_woken_by_its_signal_and_still_reads() {
    let mut p = Peer::start(WAIT).await;
    p.send("IDLE\r\n").await;
    assert_eq!(p.line().await, "IDLING\r\n");
    p.wake.send_modify(|n| *n += 1);
    assert_eq!(p.line().await, "WOKE\r\n");
    p.send("PING\r\n").await;
    assert_eq!(p.line().await, "PONG\r\n");
    // Out of IDLE: a change no longer wakes the session.
    p.wake.send_modify(|n| *n += 1);
    p.send("QUIT\r\n").await;
    assert_eq!(p.line().await, "BYE\r\n");
    p.closed().await;
}

#[tokio::test]
async fn the_peer_hanging_up_ends_the_drive_cleanly() {
    let p = Peer::start(WAIT).await;
    let Peer { c, server, .. } = p;
    drop(c);
    let r = tokio::time::timeout(WAIT, server).await;
    assert!(matches!(r, Ok(Ok(_))), "driver ended with {r:?}");
}

#[tokio::test]
async fn a_patient_peer_is_greeted_after_the_wait() {
    let wait = Duration::from_millis(200);
    let t0 = Instant::now();
    let mut p = Peer::waiting(WAIT, Some(wait));
    assert_eq!(p.line().await, "WAIT\r\n");
    assert_eq!(p.line().await, "HELLO\r\n");
    assert!(t0.elapsed() >= wait, "greeted before the wait ended");
    p.send("QUIT\r\n").await;
    assert_eq!(p.line().await, "BYE\r\n");
    p.closed().await;
}

#[tokio::test]
async fn a_peer_talking_before_the_greeting_is_told_and_closed_unanswered() {
    let mut p = Peer::waiting(WAIT, Some(WAIT * 6));
    p.send("PING\r\n").await;
    assert_eq!(p.line().await, "WAIT\r\n");
    // Told at once (not after the wait), and its command never reaches the session.
    assert_eq!(p.line().await, "EARLY 6\r\n");
    p.closed().await;
}

#[tokio::test]
async fn a_peer_hanging_up_during_the_wait_ends_the_drive_cleanly() {
    let mut p = Peer::waiting(WAIT, Some(WAIT * 6));
    assert_eq!(p.line().await, "WAIT\r\n");
    let Peer { c, server, .. } = p;
    drop(c);
    let r = tokio::time::timeout(WAIT, server).await;
    assert!(matches!(r, Ok(Ok(Ok(())))), "driver ended with {r:?}");
}

#[tokio::test]
async fn shutdown_during_the_wait_says_so_and_closes() {
    let mut p = Peer::waiting(WAIT, Some(WAIT * 6));
    assert_eq!(p.line().await, "WAIT\r\n");
    p.trigger.fire();
    assert_eq!(p.line().await, "SHUTDOWN\r\n");
    p.closed().await;
}

/// Reads deflated output until `want` has come out whole.
async fn inflate_until(p: &mut Peer, z: &mut flate2::Decompress, want: &str) {
    use tokio::io::AsyncReadExt;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.ends_with(want.as_bytes()) {
        let n = tokio::time::timeout(WAIT, p.c.rx.read(&mut buf))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(
            n > 0,
            "closed early after {:?}",
            String::from_utf8_lossy(&got)
        );
        let mut out = Vec::with_capacity(65536);
        z.decompress_vec(&buf[..n], &mut out, flate2::FlushDecompress::Sync)
            .expect("valid deflate");
        got.extend_from_slice(&out);
    }
    assert_eq!(String::from_utf8_lossy(&got), want);
}

#[tokio::test]
async fn after_compress_both_directions_are_deflated_through_idle_and_close() {
    use flate2::{Compress, Compression, Decompress, FlushCompress};
    use tokio::io::AsyncWriteExt;
    let mut p = Peer::start(WAIT).await;
    p.send("ZIP\r\n").await;
    assert_eq!(p.line().await, "ZIPPING\r\n");
    let (mut zc, mut zd) = (
        Compress::new(Compression::fast(), false),
        Decompress::new(false),
    );
    let mut send = async |p: &mut Peer, s: &str| {
        let mut out = Vec::with_capacity(s.len() + 64);
        zc.compress_vec(s.as_bytes(), &mut out, FlushCompress::Sync)
            .unwrap();
        p.c.tx.write_all(&out).await.unwrap();
    };
    send(&mut p, "PING\r\nIDLE\r\n").await;
    inflate_until(&mut p, &mut zd, "PONG\r\nIDLING\r\n").await;
    // The deflater was given back while idling; the stream goes on all the same.
    p.wake.send_modify(|v| *v += 1);
    inflate_until(&mut p, &mut zd, "WOKE\r\n").await;
    send(&mut p, "PING\r\nQUIT\r\n").await;
    inflate_until(&mut p, &mut zd, "PONG\r\nBYE\r\n").await;
    p.closed().await;
}

#[tokio::test]
async fn garbage_after_compress_ends_the_connection() {
    use tokio::io::AsyncWriteExt;
    let mut p = Peer::start(WAIT).await;
    p.send("ZIP\r\n").await;
    assert_eq!(p.line().await, "ZIPPING\r\n");
    p.c.tx.write_all(&[0xff; 64]).await.unwrap();
    let r = tokio::time::timeout(WAIT, p.server).await;
    assert!(matches!(r, Ok(Ok(Err(_)))), "driver ended with {r:?}");
}

#[tokio::test]
async fn a_wakeup_the_session_does_not_need_is_not_stepped() {
    let mut p = Peer::start(WAIT).await;
    p.send("IDLE\r\n").await;
    assert_eq!(p.line().await, "IDLING\r\n");
    p.wakes_needed.store(false, Ordering::SeqCst);
    p.wake.send_modify(|n| *n += 1);
    p.send("PING\r\n").await;
    assert_eq!(p.line().await, "PONG\r\n", "no WOKE before it");
    p.send("IDLE\r\n").await;
    assert_eq!(p.line().await, "IDLING\r\n");
    p.wakes_needed.store(true, Ordering::SeqCst);
    p.wake.send_modify(|n| *n += 1);
    assert_eq!(p.line().await, "WOKE\r\n");
    p.send("QUIT\r\n").await;
    assert_eq!(p.line().await, "BYE\r\n");
    p.closed().await;
}

/// One change wakes every session idling on it; only a few step at once (each step is a
/// blocking thread), however many there are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_wakeups_at_once_step_a_few_at_a_time() {
    let running = Arc::new(Running::default());
    let mut peers = Vec::new();
    for _ in 0..(super::WAKE_CONCURRENCY * 3) {
        let mut p = Peer::with_wakes(WAIT, None, Some(running.clone()));
        assert_eq!(p.line().await, "HELLO\r\n");
        p.send("IDLE\r\n").await;
        assert_eq!(p.line().await, "IDLING\r\n");
        peers.push(p);
    }
    for p in &peers {
        p.wake.send_modify(|n| *n += 1);
    }
    for p in &mut peers {
        assert_eq!(p.line().await, "WOKE\r\n");
    }
    let most = running.most.load(Ordering::SeqCst);
    assert!(
        (1..=super::WAKE_CONCURRENCY).contains(&most),
        "{most} wakeups stepped at once"
    );
    for mut p in peers {
        p.send("QUIT\r\n").await;
        assert_eq!(p.line().await, "BYE\r\n");
        p.closed().await;
    }
}
