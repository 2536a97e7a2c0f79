//! SMTP replies as the client reads them (RFC 5321 §4.2): one code per reply, multi-line
//! replies joined, every read bounded in line length and line count, and the peer's text
//! cleaned before it goes into the queue, logs and bounces.
//!
//! Not here: sending commands and the timeouts around each read (`client.rs`).

use tokio::io::{AsyncBufReadExt, AsyncReadExt};

use super::ClientError;

/// Longest reply line accepted (RFC 5321 says 512; servers exceed it with long texts).
pub const MAX_LINE: usize = 4096;
/// Most lines in one multi-line reply (EHLO lists a few dozen at most).
pub const MAX_LINES: usize = 128;
/// Most lines of a reply kept in [`Reply::text`].
pub const TEXT_LINES: usize = 5;
/// Most bytes of one reply line kept in [`Reply::text`] (RFC 5321 §4.5.3.1.5's limit).
pub const TEXT_LINE: usize = 512;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::client::Capabilities;
    use tokio::io::BufReader;

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
