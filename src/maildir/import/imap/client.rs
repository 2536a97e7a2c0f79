//! A small blocking IMAP4rev1 client (RFC 3501) for copying mail out of another server: TLS
//! from the first byte (`imaps`, port 993, RFC 8314), LOGIN, LIST/LSUB, EXAMINE (read-only,
//! so nothing on the source changes, \Recent included), UID SEARCH and UID FETCH of whole
//! messages with BODY.PEEK[] (no \Seen set). Blocking on purpose: it runs on the CLI's own
//! thread, never on a tokio worker, and one account is one connection in order.
//!
//! Every read is bounded: a response line (literals aside) is at most [`MAX_LINE`] bytes, a
//! literal at most [`MAX_LITERAL`], each read waits at most [`TIMEOUT`]. Responses are parsed
//! into [`Tok`]ens (atoms, strings, literals, lists), enough for LIST and FETCH. Not here:
//! what is copied where (`super`), the IMAP server (`crate::imap`).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// Longest response line, literals not counted (a UID SEARCH of a big folder is one line).
pub const MAX_LINE: usize = 16 << 20;
/// Largest literal (one message) accepted.
pub const MAX_LITERAL: usize = 256 << 20;
pub const TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("TLS: {0}")]
    Tls(String),
    /// The server said NO or BAD to a command.
    #[error("{command}: the server answered: {text}")]
    Refused { command: String, text: String },
    #[error("unexpected response: {0}")]
    Protocol(String),
}

type Result<T, E = ClientError> = std::result::Result<T, E>;

/// One token of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Atom(String),
    /// A quoted string or a literal.
    Str(Vec<u8>),
    List(Vec<Tok>),
    Nil,
}

impl Tok {
    pub fn text(&self) -> Option<String> {
        match self {
            Tok::Atom(a) => Some(a.clone()),
            Tok::Str(s) => String::from_utf8(s.clone()).ok(),
            _ => None,
        }
    }
}

fn protocol(what: &str, bytes: &[u8]) -> ClientError {
    let shown: String = String::from_utf8_lossy(&bytes[..bytes.len().min(120)]).into_owned();
    ClientError::Protocol(format!("{what}: {}", shown.escape_debug()))
}

/// Parses the tokens of a response (after `* `), literals included inline as
/// `{n}\r\n<n bytes>`.
pub fn tokens(mut b: &[u8]) -> Result<Vec<Tok>> {
    let mut stack: Vec<Vec<Tok>> = vec![Vec::new()];
    let whole = b;
    loop {
        while let [b' ', rest @ ..] = b {
            b = rest;
        }
        let Some(&c) = b.first() else { break };
        let tok = match c {
            b'(' => {
                // Nesting is bounded by the line length, which is bounded.
                stack.push(Vec::new());
                b = &b[1..];
                continue;
            }
            b')' => {
                b = &b[1..];
                let done = stack.pop().filter(|_| !stack.is_empty());
                Tok::List(done.ok_or_else(|| protocol("unbalanced ')'", whole))?)
            }
            b'"' => {
                let mut s = Vec::new();
                let mut i = 1;
                loop {
                    match b.get(i) {
                        Some(b'\\') => {
                            s.push(*b.get(i + 1).ok_or_else(|| protocol("open string", whole))?);
                            i += 2;
                        }
                        Some(b'"') => break,
                        Some(&x) => {
                            s.push(x);
                            i += 1;
                        }
                        None => return Err(protocol("open string", whole)),
                    }
                }
                b = &b[i + 1..];
                Tok::Str(s)
            }
            b'{' => {
                let end = b
                    .iter()
                    .position(|&x| x == b'}')
                    .ok_or_else(|| protocol("literal", whole))?;
                let n: usize = std::str::from_utf8(&b[1..end])
                    .ok()
                    .and_then(|s| s.trim_end_matches('+').parse().ok())
                    .ok_or_else(|| protocol("literal size", whole))?;
                let body = b
                    .get(end + 1..)
                    .and_then(|r| r.strip_prefix(b"\r\n"))
                    .filter(|r| r.len() >= n)
                    .ok_or_else(|| protocol("short literal", whole))?;
                b = &body[n..];
                Tok::Str(body[..n].to_vec())
            }
            _ => {
                // Atoms; `BODY[...]` keeps its brackets (and what is inside) in one atom.
                let mut i = 0;
                let mut depth = 0;
                while let Some(&x) = b.get(i) {
                    match x {
                        b'[' => depth += 1,
                        b']' => depth -= 1,
                        b' ' | b'(' | b')' if depth <= 0 => break,
                        _ => {}
                    }
                    i += 1;
                }
                let a = String::from_utf8_lossy(&b[..i]).into_owned();
                b = &b[i..];
                if a.eq_ignore_ascii_case("NIL") {
                    Tok::Nil
                } else {
                    Tok::Atom(a)
                }
            }
        };
        stack
            .last_mut()
            .ok_or_else(|| protocol("tokens", whole))?
            .push(tok);
    }
    match (stack.pop(), stack.is_empty()) {
        (Some(top), true) => Ok(top),
        _ => Err(protocol("unbalanced '('", whole)),
    }
}

/// An IMAP string argument: quoted, with `\` and `"` escaped. CR, LF and NUL cannot be sent
/// this way (they would need a literal) and are refused.
pub fn quote(s: &str) -> Result<String> {
    if s.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
        return Err(ClientError::Protocol("CR, LF or NUL in an argument".into()));
    }
    Ok(format!(
        "\"{}\"",
        s.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

pub struct Client {
    io: BufReader<Box<dyn Stream>>,
    tag: u32,
}

impl Client {
    /// Connects with implicit TLS. `insecure`: accept any certificate (a test server's
    /// self-signed one); otherwise the Mozilla roots must vouch for `host`.
    pub fn connect(host: &str, port: u16, insecure: bool) -> Result<Client> {
        let tcp = TcpStream::connect((host, port))?;
        tcp.set_read_timeout(Some(TIMEOUT))?;
        tcp.set_write_timeout(Some(TIMEOUT))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = if insecure {
            Arc::new(crate::smtp::client::RecordingVerifier::new()).client_config()
        } else {
            let mut roots = rustls::RootCertStore::empty();
            for c in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
                let _ = roots.add(c.clone());
            }
            Arc::new(
                rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| ClientError::Tls(e.to_string()))?
                    .with_root_certificates(roots)
                    .with_no_client_auth(),
            )
        };
        let name = rustls::pki_types::ServerName::try_from(host.to_string())
            .map_err(|e| ClientError::Tls(format!("{host}: {e}")))?;
        let conn = rustls::ClientConnection::new(config, name)
            .map_err(|e| ClientError::Tls(e.to_string()))?;
        let tls = rustls::StreamOwned::new(conn, tcp);
        let mut c = Client {
            io: BufReader::new(Box::new(tls)),
            tag: 0,
        };
        let greeting = c.response()?;
        if !greeting.starts_with(b"* OK") && !greeting.starts_with(b"* PREAUTH") {
            return Err(protocol("greeting", &greeting));
        }
        Ok(c)
    }

    /// One response: a line, with every literal it announces read in (bounded).
    fn response(&mut self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            let start = out.len();
            let n = (&mut self.io)
                .take((MAX_LINE + 2) as u64)
                .read_until(b'\n', &mut out)?;
            if n == 0 {
                return Err(ClientError::Protocol("connection closed".into()));
            }
            if !out.ends_with(b"\n") {
                return Err(ClientError::Protocol(format!(
                    "a line longer than {MAX_LINE} bytes"
                )));
            }
            let line = &out[start..];
            let lit = line
                .strip_suffix(b"}\r\n")
                .and_then(|l| l.iter().rposition(|&c| c == b'{').map(|p| &l[p + 1..]))
                .and_then(|d| std::str::from_utf8(d).ok())
                .and_then(|d| d.trim_end_matches('+').parse::<usize>().ok());
            let Some(n) = lit else {
                out.truncate(out.len() - if out.ends_with(b"\r\n") { 2 } else { 1 });
                return Ok(out);
            };
            if n > MAX_LITERAL {
                return Err(ClientError::Protocol(format!(
                    "a literal of {n} bytes (more than {MAX_LITERAL})"
                )));
            }
            let at = out.len();
            out.resize(at + n, 0);
            self.io.read_exact(&mut out[at..])?;
            if out.len() > MAX_LINE + MAX_LITERAL {
                return Err(ClientError::Protocol("response too large".into()));
            }
        }
    }

    /// Sends `cmd` and hands each untagged response (after `* `) to `each`, until the
    /// tagged completion; NO and BAD are [`ClientError::Refused`].
    pub fn command(&mut self, cmd: &str, mut each: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
        self.tag += 1;
        let tag = format!("M{}", self.tag);
        let w = self.io.get_mut();
        w.write_all(format!("{tag} {cmd}\r\n").as_bytes())?;
        w.flush()?;
        loop {
            let r = self.response()?;
            if let Some(u) = r.strip_prefix(b"* ") {
                each(u)?;
            } else if let Some(rest) = r.strip_prefix(format!("{tag} ").as_bytes()) {
                let text = String::from_utf8_lossy(rest).into_owned();
                if text.get(..3).is_some_and(|s| s.eq_ignore_ascii_case("OK "))
                    || text.eq_ignore_ascii_case("OK")
                {
                    return Ok(());
                }
                // Never echo a password back: LOGIN's arguments stay out of the error.
                let command = cmd.split(' ').next().unwrap_or_default().to_string();
                return Err(ClientError::Refused { command, text });
            } else if !r.starts_with(b"+") {
                return Err(protocol("response", &r));
            }
        }
    }

    pub fn login(&mut self, user: &str, password: &str) -> Result<()> {
        let cmd = format!("LOGIN {} {}", quote(user)?, quote(password)?);
        self.command(&cmd, |_| Ok(()))
    }

    pub fn logout(&mut self) {
        let _ = self.command("LOGOUT", |_| Ok(()));
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn fetch_and_list_responses() {
        let t = tokens(
            b"12 FETCH (UID 7 FLAGS (\\Seen $Label1) INTERNALDATE \"14-Nov-2023 22:13:20 +0000\" \
              RFC822.SIZE 5 BODY[] {5}\r\nab)\r\n)",
        )
        .unwrap();
        assert_eq!(t[0], Tok::Atom("12".into()));
        let Tok::List(items) = &t[2] else {
            panic!("{t:?}")
        };
        assert_eq!(items[0], Tok::Atom("UID".into()));
        assert_eq!(
            items[3],
            Tok::List(vec![
                Tok::Atom("\\Seen".into()),
                Tok::Atom("$Label1".into())
            ])
        );
        assert_eq!(items[8], Tok::Atom("BODY[]".into()));
        assert_eq!(items[9], Tok::Str(b"ab)\r\n".to_vec()));
        let l = tokens(b"LIST (\\HasNoChildren) \".\" \"Archive.2024\"").unwrap();
        assert_eq!(l[2], Tok::Str(b".".to_vec()));
        assert_eq!(tokens(b"LIST () NIL INBOX").unwrap()[2], Tok::Nil);
        for bad in [&b"(a"[..], b"a)", b"\"open", b"{5}\r\nab", b"{x}\r\n"] {
            assert!(tokens(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a\"b\\c").unwrap(), "\"a\\\"b\\\\c\"");
        assert!(quote("a\r\nb").is_err());
    }

    proptest! {
        #[test]
        fn tokens_never_panic(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = tokens(&b);
        }

        #[test]
        fn quoted_strings_come_back(s in "[ -~]{0,40}") {
            let q = quote(&s).unwrap();
            prop_assert_eq!(tokens(q.as_bytes()).unwrap(), vec![Tok::Str(s.into_bytes())]);
        }
    }
}
