//! SpamAssassin's spamd, asked over its SPAMC/1.5 protocol (spamd(1p), the `spamc` client's
//! `PROTOCOL` file): a request line (`SYMBOLS SPAMC/1.5`), `Content-length:` and a blank
//! line, then the message; spamd answers `SPAMD/1.1 0 EX_OK`, a `Spam: True ; 7.3 / 5.0`
//! header (verdict, score, its own threshold), a blank line and the names of the rules that
//! fired, then closes. A tiny text protocol, hand-written (as clamd's) rather than a crate:
//! the whole exchange is one write and one bounded read, within `inbound.scan_timeout`.
//!
//! The score is judged against the same thresholds as rspamd's (`inbound.spam_junk_score`,
//! `inbound.spam_reject_score`); spamd's own verdict (its `required_score`, 5 by default) is
//! recorded but not obeyed, so one pair of settings governs both scanners. Messages over
//! [`MAX_SCAN`] are not sent (spamc's own default, `--max-size`): SpamAssassin is slow on
//! big messages and spam is small.
//!
//! Not here: per-user SpamAssassin preferences (no `User:` header is sent, spamd uses its
//! site configuration), learning (`sa-learn`), the header the message gets
//! (`inbound::spam_headers`).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::rspamd::Limits;
use super::{Endpoint, Scanners};
use crate::inbound::{Action, Res, Stage, Verdict};

/// Longest answer read: the header and one line of rule names, a few KiB at most.
const MAX_ANSWER: usize = 64 << 10;
/// Largest message sent to spamd (spamc's default `--max-size`, 500 KiB).
pub const MAX_SCAN: usize = 500 << 10;

/// What spamd said about a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub score: f64,
    /// spamd's own verdict against its `required_score`.
    pub spam: bool,
    pub threshold: f64,
    /// The rules that fired, as spamd lists them (alphabetical).
    pub rules: Vec<String>,
}

/// Asks spamd about `message` (`SYMBOLS`), all within `timeout`.
pub async fn check(ep: &Endpoint, message: &[u8], timeout: Duration) -> Result<Answer, String> {
    let head = format!(
        "SYMBOLS SPAMC/1.5\r\nContent-length: {}\r\n\r\n",
        message.len()
    );
    let answer = exchange(ep, head.as_bytes(), message, timeout).await?;
    parse_answer(&answer).map_err(|e| format!("spamd at {ep}: {e}"))
}

/// `PING`: whether spamd is there and answering (`status`).
pub async fn ping(ep: &Endpoint, timeout: Duration) -> Result<(), String> {
    let answer = exchange(ep, b"PING SPAMC/1.5\r\n\r\n", b"", timeout).await?;
    let first = answer.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    if first.starts_with("SPAMD/") && first.trim_end().ends_with(" PONG") {
        Ok(())
    } else {
        Err(format!(
            "spamd at {ep} answered '{}' to PING",
            first.trim_end()
        ))
    }
}

/// One request, and the whole answer (spamd closes after it), at most [`MAX_ANSWER`].
async fn exchange(
    ep: &Endpoint,
    head: &[u8],
    body: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>, String> {
    let talk = async {
        let mut s = ep.connect(timeout).await?;
        let io = |e: std::io::Error| format!("spamd at {ep}: {e}");
        s.write_all(head).await.map_err(io)?;
        s.write_all(body).await.map_err(io)?;
        s.flush().await.map_err(io)?;
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = s.read(&mut buf).await.map_err(io)?;
            if n == 0 {
                return Ok(answer);
            }
            answer.extend_from_slice(&buf[..n]);
            if answer.len() > MAX_ANSWER {
                return Err(format!("spamd at {ep}: answer over {MAX_ANSWER} octets"));
            }
        }
    };
    tokio::time::timeout(timeout, talk)
        .await
        .map_err(|_| format!("spamd at {ep} did not answer within {}s", timeout.as_secs()))?
}

/// Reads `SPAMD/1.x CODE MESSAGE`, the headers, and the rule names after the blank line.
fn parse_answer(answer: &[u8]) -> Result<Answer, String> {
    if answer.is_empty() {
        return Err("closed the connection without an answer".into());
    }
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))
        .unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap_or_default().trim();
    let mut words = status.splitn(3, ' ');
    let (proto, code) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    if !proto.starts_with("SPAMD/") {
        return Err(format!("not a spamd answer: '{}'", clip(status)));
    }
    if code != "0" {
        // EX_PROTOCOL (76), EX_TEMPFAIL (75), EX_TOOBIG (98)...: spamd could not judge.
        return Err(format!("answered '{}'", clip(status)));
    }
    let spam_line = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("Spam"))
        .map(|(_, v)| v.trim())
        .ok_or("no Spam: header in the answer")?;
    // `True ; 1005.2 / 5.0`
    let (verdict, scores) = spam_line
        .split_once(';')
        .ok_or_else(|| format!("unreadable Spam: header '{}'", clip(spam_line)))?;
    let (score, threshold) = scores
        .split_once('/')
        .ok_or_else(|| format!("unreadable Spam: header '{}'", clip(spam_line)))?;
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .ok_or_else(|| format!("unreadable score in '{}'", clip(spam_line)))
    };
    let rules = body
        .split(',')
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    Ok(Answer {
        score: number(score)?,
        spam: matches!(verdict.trim(), "True" | "Yes"),
        threshold: number(threshold)?,
        rules,
    })
}

fn clip(s: &str) -> &str {
    match s.char_indices().nth(100) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Our thresholds decide, not spamd's `required_score` (see the module doc).
/// What asking spamd about one message came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    Scored(Answer),
    /// Not sent (over [`MAX_SCAN`]): no verdict either way.
    Skipped(String),
    /// spamd could not be asked (logged); `inbound.spamd_down` decides.
    Down(String),
}

/// Asks spamd at the end of data: `None` when it is not configured.
pub async fn ask(s: &Scanners, message: &[u8]) -> Option<Asked> {
    let ep = s.spamd.as_ref()?;
    if message.len() > MAX_SCAN {
        let why = format!("not scanned: {} octets, over {MAX_SCAN}", message.len());
        return Some(Asked::Skipped(why));
    }
    Some(match check(ep, message, s.timeout).await {
        Ok(a) => Asked::Scored(a),
        Err(e) => {
            tracing::warn!("spam scanner unavailable: {e}");
            Asked::Down(e)
        }
    })
}

/// The end-of-data verdict on what spamd said, by `l`'s thresholds (the server's or a
/// recipient's, as for rspamd); when it could not be asked, `down` (`inbound.spamd_down`).
pub fn judge(l: &Limits, down: Action, asked: &Asked) -> Verdict {
    let a = match asked {
        Asked::Scored(a) => a,
        Asked::Skipped(why) => return Verdict::new(Stage::Data, "spamd", Res::None, why.clone()),
        Asked::Down(e) => {
            return Verdict::new(Stage::Data, "spamd", Res::TempError, e.clone()).action(down);
        }
    };
    let level = if a.score >= l.reject_score {
        Action::Reject
    } else if a.score >= l.junk_score {
        Action::Junk
    } else {
        Action::Accept
    };
    let rules = if a.rules.is_empty() {
        String::new()
    } else {
        format!(": {}", a.rules.iter().take(8).cloned().collect::<Vec<_>>().join(" "))
    };
    let capped = match l.cap {
        Action::Reject => "",
        Action::Junk => ", never refused (spam action junk)",
        _ => ", tagged only (spam action tag)",
    };
    let reason = format!(
        "score {:.2} (junk at {}, reject at {}{capped}){rules}",
        a.score, l.junk_score, l.reject_score
    );
    let res = if level == Action::Accept {
        Res::Pass
    } else {
        Res::Fail
    };
    Verdict::new(Stage::Data, "spamd", res, reason)
        .prop("spamd.score", format!("{:.2}", a.score))
        .prop("spamd.spam", if a.spam { "yes" } else { "no" })
        .action(level.min(l.cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_as_spamd_writes_them() {
        let a = parse_answer(
            b"SPAMD/1.1 0 EX_OK\r\nContent-length: 26\r\nSpam: True ; 1005.2 / 5.0\r\n\r\nGTUBE,MISSING_DATE,NO_RELAYS",
        )
        .unwrap();
        assert_eq!(a.score, 1005.2);
        assert!(a.spam);
        assert_eq!(a.threshold, 5.0);
        assert_eq!(a.rules, ["GTUBE", "MISSING_DATE", "NO_RELAYS"]);
        let a = parse_answer(b"SPAMD/1.1 0 EX_OK\r\nSpam: False ; -0.0 / 5.0\r\n\r\n").unwrap();
        assert_eq!((a.score, a.spam), (0.0, false));
        assert!(a.rules.is_empty());
    }

    #[test]
    fn errors_and_garbage_are_errors_never_a_pass() {
        for bad in [
            &b""[..],
            b"SPAMD/1.0 76 Bad header line: xyz\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\n\r\n",
            b"SPAMD/1.1 0 EX_OK\r\n\r\n",
            b"SPAMD/1.1 0 EX_OK\r\nSpam: True\r\n\r\n",
            b"SPAMD/1.1 0 EX_OK\r\nSpam: True ; NaN / 5.0\r\n\r\n",
            b"SPAMD/1.1 0 EX_OK\r\nSpam: True ; lots / 5.0\r\n\r\n",
        ] {
            assert!(
                parse_answer(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_answer_parses_or_fails_without_panicking(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = parse_answer(&bytes);
        }
    }

    #[test]
    fn our_thresholds_decide_not_spamds() {
        let l = Limits::of(&Scanners::default());
        let scored = |score: f64| {
            let a = Answer {
                score,
                spam: score >= 5.0,
                threshold: 5.0,
                rules: vec![],
            };
            judge(&l, Action::Accept, &Asked::Scored(a)).action
        };
        assert_eq!(scored(5.5), Action::Accept, "spamd's 5 is not ours");
        assert_eq!(scored(6.0), Action::Junk);
        assert_eq!(scored(1000.0), Action::Reject);
        let tag = Limits {
            cap: Action::Accept,
            ..l
        };
        let a = Answer {
            score: 1000.0,
            spam: true,
            threshold: 5.0,
            rules: vec![],
        };
        let v = judge(&tag, Action::Accept, &Asked::Scored(a));
        assert_eq!((v.result, v.action), (Res::Fail, Action::Accept));
    }

    #[tokio::test]
    async fn a_fake_spamd_gets_the_request_and_the_message_whole() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ep = Endpoint::Tcp(l.local_addr().unwrap().to_string());
        let server = tokio::spawn(async move {
            let (mut c, _) = l.accept().await.unwrap();
            let want = b"SYMBOLS SPAMC/1.5\r\nContent-length: 5\r\n\r\nhello";
            let mut got = vec![0u8; want.len()];
            c.read_exact(&mut got).await.unwrap();
            c.write_all(b"SPAMD/1.1 0 EX_OK\r\nSpam: False ; 1.5 / 5.0\r\n\r\nX")
                .await
                .unwrap();
            got
        });
        let a = check(&ep, b"hello", Duration::from_secs(5)).await.unwrap();
        assert_eq!(a.score, 1.5);
        assert_eq!(
            server.await.unwrap(),
            b"SYMBOLS SPAMC/1.5\r\nContent-length: 5\r\n\r\nhello".to_vec()
        );
    }

    #[tokio::test]
    async fn a_silent_spamd_is_an_error_with_the_configured_action() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ep = Endpoint::Tcp(l.local_addr().unwrap().to_string());
        let _hold = tokio::spawn(async move {
            let (c, _) = l.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(c);
        });
        let s = Scanners {
            spamd: Some(ep),
            timeout: Duration::from_millis(300),
            spamd_down: Action::TempFail,
            ..Scanners::default()
        };
        let asked = ask(&s, b"hello").await.unwrap();
        let v = judge(&Limits::of(&s), s.spamd_down, &asked);
        assert_eq!(v.result, Res::TempError);
        assert_eq!(v.action, Action::TempFail);
    }

    #[tokio::test]
    async fn an_endless_answer_is_cut_off() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ep = Endpoint::Tcp(l.local_addr().unwrap().to_string());
        let _talk = tokio::spawn(async move {
            let (mut c, _) = l.accept().await.unwrap();
            let junk = vec![b'x'; 4096];
            for _ in 0..100 {
                if c.write_all(&junk).await.is_err() {
                    break;
                }
            }
        });
        let e = check(&ep, b"hello", Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(e.contains("answer over"), "{e}");
    }
}
