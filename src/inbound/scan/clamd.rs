//! ClamAV's clamd, asked with `zINSTREAM` (clamd(8)): the message goes in chunks, each
//! preceded by its length as a 4-octet big-endian number, ended by a zero length; clamd
//! answers one NUL-terminated line, `stream: OK`, `stream: NAME FOUND` or `... ERROR`.
//!
//! Not here: the decision (a virus is refused at DATA with `554 5.7.1` naming it: the SMTP
//! session's reply), the database (freshclam's job).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Endpoint, Scanners};
use crate::inbound::{Res, Stage, Verdict};

/// Octets per INSTREAM chunk: small enough for clamd's default buffers, large enough that
/// a 25 MB message is 400 writes.
const CHUNK: usize = 64 << 10;
/// Longest answer read; clamd's are one short line.
const MAX_REPLY: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Clean,
    /// The signature's name, e.g. `Win.Test.EICAR_HDB-1`.
    Infected(String),
}

/// Scans `message`, all within `timeout`.
pub async fn scan(ep: &Endpoint, message: &[u8], timeout: Duration) -> Result<Answer, String> {
    let talk = async {
        let mut s = ep.connect(timeout).await?;
        let io = |e: std::io::Error| format!("clamd at {ep}: {e}");
        s.write_all(b"zINSTREAM\0").await.map_err(io)?;
        for chunk in message.chunks(CHUNK) {
            s.write_all(&(chunk.len() as u32).to_be_bytes())
                .await
                .map_err(io)?;
            s.write_all(chunk).await.map_err(io)?;
        }
        s.write_all(&0u32.to_be_bytes()).await.map_err(io)?;
        s.flush().await.map_err(io)?;
        let reply = read_reply(&mut s).await.map_err(io)?;
        parse_reply(&reply).map_err(|e| format!("clamd at {ep}: {e}"))
    };
    tokio::time::timeout(timeout, talk)
        .await
        .map_err(|_| format!("clamd at {ep} did not answer within {}s", timeout.as_secs()))?
}

/// `zPING`: whether clamd is there and answering (`status`).
pub async fn ping(ep: &Endpoint, timeout: Duration) -> Result<(), String> {
    let talk = async {
        let mut s = ep.connect(timeout).await?;
        let io = |e: std::io::Error| format!("clamd at {ep}: {e}");
        s.write_all(b"zPING\0").await.map_err(io)?;
        let reply = read_reply(&mut s).await.map_err(io)?;
        match reply.as_slice() {
            b"PONG" => Ok(()),
            other => Err(format!(
                "clamd at {ep} answered '{}' to PING",
                String::from_utf8_lossy(other)
            )),
        }
    };
    tokio::time::timeout(timeout, talk)
        .await
        .map_err(|_| format!("clamd at {ep} did not answer within {}s", timeout.as_secs()))?
}

/// Reads up to the NUL (or the end), at most [`MAX_REPLY`] octets.
async fn read_reply(s: &mut Box<dyn super::Stream>) -> std::io::Result<Vec<u8>> {
    let mut reply = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        let n = s.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&buf[..n]);
        if let Some(end) = reply.iter().position(|&b| b == 0) {
            reply.truncate(end);
            break;
        }
        if reply.len() > MAX_REPLY {
            return Err(std::io::Error::other("answer too long"));
        }
    }
    while reply.last().is_some_and(|b| b.is_ascii_whitespace()) {
        reply.pop();
    }
    Ok(reply)
}

fn parse_reply(reply: &[u8]) -> Result<Answer, String> {
    let text = String::from_utf8_lossy(reply);
    let rest = text.strip_prefix("stream: ").unwrap_or(&text);
    if rest == "OK" {
        Ok(Answer::Clean)
    } else if let Some(name) = rest.strip_suffix(" FOUND") {
        Ok(Answer::Infected(name.trim().to_string()))
    } else if text.is_empty() {
        Err("closed the connection without an answer".into())
    } else {
        // `INSTREAM size limit exceeded. ERROR`, `... lstat() failed ... ERROR`.
        Err(format!("answered '{text}'"))
    }
}

/// The end-of-data verdict: `None` when clamd is not configured.
pub async fn verdict(s: &Scanners, message: &[u8]) -> Option<Verdict> {
    let ep = s.clamd.as_ref()?;
    Some(match scan(ep, message, s.timeout).await {
        Ok(Answer::Clean) => Verdict::new(Stage::Data, "clamd", Res::Pass, ""),
        Ok(Answer::Infected(name)) => {
            Verdict::new(Stage::Data, "clamd", Res::Fail, format!("virus {name}"))
                .prop("clamd.virus", name)
                .action(crate::inbound::Action::Reject)
        }
        Err(e) => {
            tracing::warn!("virus scanner unavailable: {e}");
            Verdict::new(Stage::Data, "clamd", Res::TempError, e).action(s.clamd_down)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read_as_clamd_writes_them() {
        assert_eq!(parse_reply(b"stream: OK").unwrap(), Answer::Clean);
        assert_eq!(
            parse_reply(b"stream: Test.EICAR.UNOFFICIAL FOUND").unwrap(),
            Answer::Infected("Test.EICAR.UNOFFICIAL".into())
        );
        let e = parse_reply(b"INSTREAM size limit exceeded. ERROR").unwrap_err();
        assert!(e.contains("size limit"), "{e}");
        assert!(parse_reply(b"").is_err());
    }

    #[tokio::test]
    async fn a_fake_clamd_gets_the_message_in_length_prefixed_chunks() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ep = Endpoint::Tcp(l.local_addr().unwrap().to_string());
        let server = tokio::spawn(async move {
            let (mut c, _) = l.accept().await.unwrap();
            let mut cmd = [0u8; 10];
            c.read_exact(&mut cmd).await.unwrap();
            assert_eq!(&cmd, b"zINSTREAM\0");
            let mut got = Vec::new();
            loop {
                let mut len = [0u8; 4];
                c.read_exact(&mut len).await.unwrap();
                let n = u32::from_be_bytes(len) as usize;
                if n == 0 {
                    break;
                }
                assert!(n <= CHUNK);
                let mut chunk = vec![0u8; n];
                c.read_exact(&mut chunk).await.unwrap();
                got.extend(chunk);
            }
            c.write_all(b"stream: Fake.Sig FOUND\0").await.unwrap();
            got
        });
        let message = vec![b'x'; CHUNK * 2 + 7];
        let answer = scan(&ep, &message, Duration::from_secs(5)).await.unwrap();
        assert_eq!(answer, Answer::Infected("Fake.Sig".into()));
        assert_eq!(server.await.unwrap(), message);
    }

    #[tokio::test]
    async fn a_silent_scanner_is_an_error_not_a_pass() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ep = Endpoint::Tcp(l.local_addr().unwrap().to_string());
        let _hold = tokio::spawn(async move {
            let (c, _) = l.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(c);
        });
        let s = Scanners {
            clamd: Some(ep),
            timeout: Duration::from_millis(300),
            ..Scanners::default()
        };
        let v = verdict(&s, b"hello").await.unwrap();
        assert_eq!(v.result, Res::TempError);
        assert_eq!(v.action, crate::inbound::Action::TempFail);
    }
}
