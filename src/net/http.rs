//! The one tiny HTTP/1.1 responder behind the plain-HTTP side listeners (`autoconfig`,
//! `metrics`): read one request head (bounded in size and time), answer it with a blocking
//! function run off the async workers (they read the database), close. One request per
//! connection, `Connection: close`.
//!
//! Not here: bodies, keep-alive, TLS, routing (each caller parses its own request line).
//! RFC 9112 (HTTP/1.1 message syntax), the subset a `GET` needs.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Largest HTTP request head read.
const MAX_REQUEST: usize = 8192;
/// How long a client has to send its request, and we to write the answer.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A whole response; no body when `head_only` (a `HEAD` request).
pub fn response(status: &str, content_type: &str, body: &str, head_only: bool) -> Vec<u8> {
    response_with(status, content_type, body, head_only, "max-age=3600")
}

/// [`response`] with its own `Cache-Control`.
pub fn response_with(
    status: &str,
    content_type: &str,
    body: &str,
    head_only: bool,
    cache: &str,
) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: {cache}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if !head_only {
        r.extend_from_slice(body.as_bytes());
    }
    r
}

/// Serves on `listener` until shutdown: each request head goes to `answer` (blocking, run
/// with `spawn_blocking`), whose bytes are written back before the connection closes.
pub async fn serve<F>(
    listener: tokio::net::TcpListener,
    answer: Arc<F>,
    mut shutdown: super::shutdown::Shutdown,
) where
    F: Fn(&str) -> Vec<u8> + Send + Sync + 'static,
{
    loop {
        let accepted = tokio::select! {
            _ = shutdown.wait() => return,
            a = listener.accept() => a,
        };
        let Ok((mut stream, _)) = accepted else {
            continue;
        };
        let answer = answer.clone();
        tokio::spawn(async move {
            let mut buf = Vec::with_capacity(1024);
            let read = tokio::time::timeout(IO_TIMEOUT, async {
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_REQUEST {
                    let n = stream.read(&mut chunk).await?;
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                Ok::<_, std::io::Error>(())
            })
            .await;
            if !matches!(read, Ok(Ok(()))) {
                return;
            }
            let head = String::from_utf8_lossy(&buf).into_owned();
            let reply = tokio::task::spawn_blocking(move || answer(&head))
                .await
                .unwrap_or_default();
            let _ = tokio::time::timeout(IO_TIMEOUT, stream.write_all(&reply)).await;
            let _ = stream.shutdown().await;
        });
    }
}
