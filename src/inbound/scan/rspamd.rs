//! rspamd, asked over its HTTP protocol (`POST /checkv2`, rspamd's "protocol" page): the
//! message as the body, the envelope in request headers (`IP`, `Helo`, `From`, one `Rcpt`
//! per recipient), a JSON answer with the score, rspamd's own action and the symbols that
//! fired. HTTP/1.1 by hyper's client, one connection per message (rspamd's normal worker
//! closes idle connections anyway).
//!
//! The verdict applies the stricter of our thresholds (`inbound.spam_junk_score`,
//! `inbound.spam_reject_score`, or a recipient's own) and rspamd's action, so an
//! administrator can tune either; `spam_action` then caps what spam gets (junk, tag).
//!
//! Not here: learning (`/learnspam`, `/learnham` on the controller: `learn.rs`), the header
//! the message gets (`inbound::Report::prepend`).

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::Value;

use super::{Endpoint, Scanners};
use crate::inbound::{Action, Envelope, Res, Stage, Verdict};

/// Largest answer read: a JSON report with every symbol is a few KiB.
const MAX_ANSWER: usize = 1 << 20;

/// What rspamd said about a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub score: f64,
    /// rspamd's action: `no action`, `greylist`, `add header`, `rewrite subject`,
    /// `soft reject`, `reject`.
    pub action: String,
    /// The symbols that fired, highest score first: (name, score).
    pub symbols: Vec<(String, f64)>,
}

/// Asks rspamd about `message` on `ep`, all within `timeout`.
/// `hostname`: the client's forward-confirmed reverse DNS name, `None` when it has none
/// (rspamd then scores an unknown host, as with Postfix's `unknown`).
pub async fn check(
    ep: &Endpoint,
    env: &Envelope,
    hostname: Option<&str>,
    message: &[u8],
    timeout: Duration,
) -> Result<Answer, String> {
    let mut req = Request::post("/checkv2")
        .header(hyper::header::HOST, host(ep))
        .header("IP", env.ip.to_string())
        .header("Hostname", header_value(hostname.unwrap_or("unknown")))
        .header("Helo", header_value(&env.helo))
        .header("From", header_value(&env.mail_from));
    for r in &env.rcpts {
        req = req.header("Rcpt", header_value(r));
    }
    let body = exchange(ep, req, Bytes::copy_from_slice(message), timeout).await?;
    parse_answer(&body).map_err(|e| format!("rspamd at {ep}: {e}"))
}

/// `GET /ping`: whether rspamd is there and answering (`status`).
pub async fn ping(ep: &Endpoint, timeout: Duration) -> Result<(), String> {
    let req = Request::get("/ping").header(hyper::header::HOST, host(ep));
    let body = exchange(ep, req, Bytes::new(), timeout).await?;
    if body.trim_ascii() == b"pong" {
        Ok(())
    } else {
        Err(format!(
            "rspamd at {ep} answered '{}' to /ping",
            String::from_utf8_lossy(&body).trim()
        ))
    }
}

pub(super) fn host(ep: &Endpoint) -> String {
    match ep {
        Endpoint::Tcp(a) => a.clone(),
        Endpoint::Unix(_) => "localhost".into(),
    }
}

/// Header values cannot hold CR or LF; an envelope that did would be refused by the SMTP
/// session already, this only keeps a `check message` argument from breaking the request.
fn header_value(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// The request `req` with `body`, sent and answered within `timeout` (connecting included):
/// what `check` and `ping` share. Any status but 2xx is an error.
async fn exchange(
    ep: &Endpoint,
    req: hyper::http::request::Builder,
    body: Bytes,
    timeout: Duration,
) -> Result<Bytes, String> {
    let (status, body) = send(ep, req, body, timeout).await?;
    if !status.is_success() {
        return Err(format!(
            "rspamd at {ep} answered HTTP {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)]).trim()
        ));
    }
    Ok(body)
}

/// [`exchange`] without the status check: the controller's learn answers need the status
/// (208 for a message already learned), so `learn` reads it itself.
pub(super) async fn send(
    ep: &Endpoint,
    req: hyper::http::request::Builder,
    body: Bytes,
    timeout: Duration,
) -> Result<(hyper::StatusCode, Bytes), String> {
    let req = req
        .body(Full::new(body))
        .map_err(|e| format!("rspamd request: {e}"))?;
    tokio::time::timeout(timeout, request(ep, req, timeout))
        .await
        .map_err(|_| {
            format!(
                "rspamd at {ep} did not answer within {}s",
                timeout.as_secs()
            )
        })?
}

/// One request on a fresh connection; the body is read up to [`MAX_ANSWER`].
async fn request(
    ep: &Endpoint,
    req: Request<Full<Bytes>>,
    timeout: Duration,
) -> Result<(hyper::StatusCode, Bytes), String> {
    let stream = ep.connect(timeout).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("rspamd at {ep}: {e}"))?;
    // The connection is driven beside the request and ends with it.
    let driver = tokio::spawn(conn);
    let result = async {
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| format!("rspamd at {ep}: {e}"))?;
        let status = resp.status();
        let body = Limited::new(resp.into_body(), MAX_ANSWER)
            .collect()
            .await
            .map_err(|e| format!("rspamd at {ep}: reading the answer: {e}"))?
            .to_bytes();
        Ok((status, body))
    }
    .await;
    driver.abort();
    result
}

fn parse_answer(body: &[u8]) -> Result<Answer, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("answer is not JSON: {e}"))?;
    if let Some(e) = v.get("error").and_then(Value::as_str) {
        return Err(format!("error: {e}"));
    }
    let score = v
        .get("score")
        .and_then(Value::as_f64)
        .ok_or("answer has no score")?;
    let action = v
        .get("action")
        .and_then(Value::as_str)
        .ok_or("answer has no action")?
        .to_string();
    let mut symbols: Vec<(String, f64)> = v
        .get("symbols")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(name, s)| {
                    let score = s.get("score").and_then(Value::as_f64).unwrap_or(0.0);
                    (name.clone(), score)
                })
                .collect()
        })
        .unwrap_or_default();
    symbols.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Answer {
        score,
        action,
        symbols,
    })
}

/// The thresholds an answer is judged by: the server's (`inbound.spam_*`), or a recipient's
/// domain's or user's own (`inbound::recipients`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub junk_score: f64,
    pub reject_score: f64,
    /// The most spam gets (`spam_action`): `Reject`, `Junk`, or `Accept` for tag only.
    pub cap: Action,
}

impl Limits {
    /// The server's thresholds, spam refused as they say.
    pub fn of(s: &Scanners) -> Limits {
        Limits {
            junk_score: s.junk_score,
            reject_score: s.reject_score,
            cap: Action::Reject,
        }
    }
}

/// How spammy an answer is by these thresholds: the stricter of them and rspamd's own
/// action (before the cap of `spam_action`).
pub fn action_for(l: &Limits, a: &Answer) -> Action {
    let by_score = if a.score >= l.reject_score {
        Action::Reject
    } else if a.score >= l.junk_score {
        Action::Junk
    } else {
        Action::Accept
    };
    let by_rspamd = match a.action.as_str() {
        "reject" => Action::Reject,
        "add header" | "rewrite subject" => Action::Junk,
        // `greylist` and `soft reject` are rspamd's own greylisting: ours is separate.
        _ => Action::Accept,
    };
    by_score.max(by_rspamd)
}

/// Asks rspamd at the end of data: `None` when it is not configured, the error (logged)
/// when it cannot be asked.
pub async fn ask(
    s: &Scanners,
    env: &Envelope,
    hostname: Option<&str>,
    message: &[u8],
) -> Option<Result<Answer, String>> {
    let ep = s.rspamd.as_ref()?;
    let asked = check(ep, env, hostname, message, s.timeout).await;
    if let Err(e) = &asked {
        tracing::warn!("spam scanner unavailable: {e}");
    }
    Some(asked)
}

/// The end-of-data verdict on what rspamd said, by `l`'s thresholds; when it could not be
/// asked, `down` (`inbound.rspamd_down`).
pub fn judge(l: &Limits, down: Action, asked: Result<&Answer, &str>) -> Verdict {
    let a = match asked {
        Ok(a) => a,
        Err(e) => return Verdict::new(Stage::Data, "rspamd", Res::TempError, e).action(down),
    };
    let level = action_for(l, a);
    let top: Vec<&str> = a
        .symbols
        .iter()
        .filter(|(_, sc)| *sc > 0.0)
        .take(6)
        .map(|(n, _)| n.as_str())
        .collect();
    let capped = match l.cap {
        Action::Reject => String::new(),
        Action::Junk => ", never refused (spam action junk)".into(),
        _ => ", tagged only (spam action tag)".into(),
    };
    let reason = format!(
        "score {:.2} (junk at {}, reject at {}{capped}), rspamd says '{}'{}",
        a.score,
        l.junk_score,
        l.reject_score,
        a.action,
        if top.is_empty() {
            String::new()
        } else {
            format!(": {}", top.join(" "))
        }
    );
    // The result says whether it is spam; the action what this recipient does about it.
    let res = if level == Action::Accept {
        Res::Pass
    } else {
        Res::Fail
    };
    Verdict::new(Stage::Data, "rspamd", res, reason)
        .prop("rspamd.score", format!("{:.2}", a.score))
        .prop("rspamd.action", a.action.clone())
        .action(level.min(l.cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(score: f64, action: &str) -> Answer {
        Answer {
            score,
            action: action.into(),
            symbols: vec![],
        }
    }

    #[test]
    fn answers_are_parsed_with_symbols_highest_first() {
        let a = parse_answer(
            br#"{"is_skipped":false,"score":7.5,"required_score":15.0,"action":"add header",
                "symbols":{"A":{"name":"A","score":0.5},"B":{"name":"B","score":7.0}}}"#,
        )
        .unwrap();
        assert_eq!(a.score, 7.5);
        assert_eq!(a.action, "add header");
        assert_eq!(a.symbols[0], ("B".to_string(), 7.0));
        assert!(parse_answer(br#"{"error":"bad request"}"#).is_err());
        assert!(parse_answer(b"<html>").is_err());
        assert!(parse_answer(br#"{"action":"reject"}"#).is_err());
    }

    /// A one-connection HTTP peer on loopback: it reads the request head and answers
    /// `answer`, or never answers when `answer` is None. The head comes back on the channel.
    async fn peer(
        answer: Option<&'static str>,
    ) -> (Endpoint, tokio::sync::oneshot::Receiver<String>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ep = Endpoint::Tcp(l.local_addr().unwrap().to_string());
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let (mut s, _) = l.accept().await.unwrap();
            let mut head = Vec::new();
            let mut b = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                match s.read(&mut b).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&b[..n]),
                }
            }
            let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
            match answer {
                Some(a) => {
                    let _ = s.write_all(a.as_bytes()).await;
                }
                // Holds the connection open, silent, until the test ends.
                None => tokio::time::sleep(Duration::from_secs(30)).await,
            }
        });
        (ep, rx)
    }

    /// `check` and `ping` share the request path: the Host header, the answer read, and one
    /// timeout over all of it with the same words.
    #[tokio::test]
    async fn check_and_ping_share_the_request_path_and_its_timeout() {
        let env = Envelope {
            ip: "192.0.2.1".parse().unwrap(),
            helo: "client.example".into(),
            mail_from: "a@example.org".into(),
            rcpts: vec!["b@example.net".into()],
        };
        let t = Duration::from_secs(1);

        let (ep, head) = peer(Some("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\npong")).await;
        assert_eq!(ping(&ep, t).await, Ok(()));
        let head = head.await.unwrap().to_ascii_lowercase();
        assert!(head.starts_with("get /ping "), "{head}");
        assert!(head.contains(&format!("host: {ep}")), "{head}");

        let json = r#"{"score":1.5,"action":"no action","symbols":{}}"#;
        let ok = Box::leak(
            format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{json}",
                json.len()
            )
            .into_boxed_str(),
        );
        let (ep, head) = peer(Some(ok)).await;
        let a = check(&ep, &env, None, b"Subject: x\r\n\r\nhi\r\n", t)
            .await
            .unwrap();
        assert_eq!(a.score, 1.5);
        let head = head.await.unwrap().to_ascii_lowercase();
        assert!(head.starts_with("post /checkv2 "), "{head}");
        assert!(head.contains(&format!("host: {ep}")), "{head}");
        assert!(head.contains("rcpt: b@example.net"), "{head}");

        for asked in ["check", "ping"] {
            let (ep, _head) = peer(None).await;
            let e = match asked {
                "check" => check(&ep, &env, None, b"x", t).await.map(|_| ()),
                _ => ping(&ep, t).await,
            };
            assert_eq!(
                e,
                Err(format!("rspamd at {ep} did not answer within 1s")),
                "{asked}"
            );
        }
    }

    #[test]
    fn the_stricter_of_our_thresholds_and_rspamds_action_applies() {
        let s = Limits::of(&Scanners::default());
        assert_eq!(action_for(&s, &answer(1.0, "no action")), Action::Accept);
        assert_eq!(action_for(&s, &answer(6.0, "no action")), Action::Junk);
        assert_eq!(action_for(&s, &answer(15.0, "add header")), Action::Reject);
        // GTUBE: rspamd forces reject whatever the score.
        assert_eq!(action_for(&s, &answer(0.0, "reject")), Action::Reject);
        assert_eq!(
            action_for(&s, &answer(2.0, "rewrite subject")),
            Action::Junk
        );
        assert_eq!(action_for(&s, &answer(5.0, "soft reject")), Action::Accept);
    }
}
