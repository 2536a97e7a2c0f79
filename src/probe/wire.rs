//! The probe's side of each protocol exchange (greeting, EHLO/CAPABILITY/CAPA, STARTTLS/STLS,
//! AUTH PLAIN, QUIT) with every read bounded (line length, reply lines), and the shape test
//! that tells SMTP, IMAP and POP3 greetings apart (RFC 5321 §4.2, RFC 9051 §7.1, RFC 1939 §3).
//!
//! Not here: timing and recording the steps, TLS (probe/mod.rs).

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use super::{Io, MAX_LINE, MAX_REPLY_LINES, Protocol};

/// Which protocol a server's first line belongs to, judged by its shape: an SMTP reply code
/// (RFC 5321 §4.2), an IMAP untagged OK/PREAUTH/BYE (RFC 9051 §7.1), a POP3 status
/// indicator (RFC 1939 §3).
pub fn greeting_protocol(first: &[u8]) -> Option<Protocol> {
    let b = first;
    if b.len() >= 4 && b[..3].iter().all(u8::is_ascii_digit) && (b[3] == b' ' || b[3] == b'-') {
        return Some(Protocol::Smtp);
    }
    if b.starts_with(b"* OK") || b.starts_with(b"* PREAUTH") || b.starts_with(b"* BYE") {
        return Some(Protocol::Imap);
    }
    if b.starts_with(b"+OK") || b.starts_with(b"-ERR") {
        return Some(Protocol::Pop3);
    }
    None
}

pub(super) fn name(p: Protocol) -> &'static str {
    match p {
        Protocol::Smtp => "SMTP",
        Protocol::Imap => "IMAP",
        Protocol::Pop3 => "POP3",
    }
}

/// The first line of what a server sent, printable, for messages.
pub(super) fn first_line(bytes: &[u8]) -> String {
    let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(line)
        .trim_end()
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(80)
        .collect()
}

pub(super) async fn read_line<R: AsyncBufReadExt + Unpin>(r: &mut R) -> std::io::Result<String> {
    let mut buf = Vec::new();
    let n = (&mut *r)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut buf)
        .await?;
    if n == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the server closed the connection",
        ));
    }
    if !buf.ends_with(b"\n") {
        return Err(std::io::Error::other(format!(
            "reply line longer than {MAX_LINE} bytes"
        )));
    }
    Ok(String::from_utf8_lossy(&buf).trim_end().to_string())
}

/// An SMTP reply: code and text lines, through the outbound client's bounded reader.
pub(super) async fn smtp_reply<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
) -> std::io::Result<(u16, Vec<String>)> {
    crate::smtp::client::read_reply(r)
        .await
        .map(|reply| (reply.code, reply.lines))
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// IMAP: untagged lines until the tagged completion; returns (untagged, tagged line).
pub(super) async fn imap_tagged<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
    tag: &str,
) -> std::io::Result<(Vec<String>, String)> {
    let mut untagged = Vec::new();
    loop {
        let line = read_line(r).await?;
        if let Some(rest) = line.strip_prefix(&format!("{tag} ")) {
            return Ok((untagged, rest.to_string()));
        }
        untagged.push(line);
        if untagged.len() > MAX_REPLY_LINES {
            return Err(std::io::Error::other("too many untagged responses"));
        }
    }
}

pub(super) fn fail(msg: String) -> std::io::Error {
    std::io::Error::other(msg)
}

pub(super) async fn read_greeting<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
    p: Protocol,
) -> std::io::Result<String> {
    // Look at the first bytes before parsing them as `p`: a server of another protocol
    // (the SMTP port given to `test imap`) deserves its name, not a parse error.
    let head = r.fill_buf().await?.to_vec();
    if head.is_empty() {
        return Err(fail(
            "the server closed the connection without a greeting".into(),
        ));
    }
    match greeting_protocol(&head) {
        Some(other) if other != p => {
            return Err(fail(format!(
                "this is {} server, not {} (it greeted: \"{}\"); the {} port is {} ({} with --tls)",
                match other {
                    Protocol::Pop3 => "a POP3",
                    Protocol::Smtp => "an SMTP",
                    Protocol::Imap => "an IMAP",
                },
                name(p),
                first_line(&head),
                name(p),
                p.default_port(false),
                p.default_port(true),
            )));
        }
        None if head[0] == 0x15 || head[0] == 0x16 => {
            return Err(fail(
                "the server speaks TLS from the first byte: try --tls".into(),
            ));
        }
        _ => {}
    }
    match p {
        Protocol::Smtp => {
            let (code, lines) = smtp_reply(r).await?;
            if code != 220 {
                return Err(fail(format!("greeting {code} {}", lines.join(" "))));
            }
            Ok(format!("{code} {}", lines.join(" ")))
        }
        Protocol::Imap => {
            let line = read_line(r).await?;
            if !line.starts_with("* OK") && !line.starts_with("* PREAUTH") {
                return Err(fail(format!("greeting: {line}")));
            }
            Ok(line)
        }
        Protocol::Pop3 => {
            let line = read_line(r).await?;
            if !line.starts_with("+OK") {
                return Err(fail(format!("greeting: {line}")));
            }
            Ok(line)
        }
    }
}

/// Sends one command line in one write: two small writes would meet Nagle's algorithm and
/// the peer's delayed ACK and cost 40 ms per command.
pub(super) async fn send<W: AsyncWriteExt + Unpin>(w: &mut W, line: &str) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(line.len() + 2);
    buf.extend_from_slice(line.as_bytes());
    buf.extend_from_slice(b"\r\n");
    w.write_all(&buf).await?;
    w.flush().await
}

pub(super) async fn capability_command(
    conn: &mut BufReader<Box<dyn Io>>,
    p: Protocol,
    helo: &str,
) -> std::io::Result<Vec<String>> {
    match p {
        Protocol::Smtp => {
            send(conn.get_mut(), &format!("EHLO {helo}")).await?;
            let (code, lines) = smtp_reply(conn).await?;
            if code != 250 {
                return Err(fail(format!("EHLO refused: {code} {}", lines.join(" "))));
            }
            Ok(lines.into_iter().skip(1).collect())
        }
        Protocol::Imap => {
            send(conn.get_mut(), "c1 CAPABILITY").await?;
            let (untagged, done) = imap_tagged(conn, "c1").await?;
            if !done.starts_with("OK") {
                return Err(fail(format!("CAPABILITY: {done}")));
            }
            Ok(untagged
                .iter()
                .filter_map(|l| l.strip_prefix("* CAPABILITY "))
                .flat_map(|l| l.split_whitespace().map(str::to_string))
                .collect())
        }
        Protocol::Pop3 => {
            send(conn.get_mut(), "CAPA").await?;
            let first = read_line(conn).await?;
            if !first.starts_with("+OK") {
                return Err(fail(format!("CAPA: {first}")));
            }
            let mut caps = Vec::new();
            loop {
                let l = read_line(conn).await?;
                if l == "." {
                    return Ok(caps);
                }
                caps.push(l);
                if caps.len() > MAX_REPLY_LINES {
                    return Err(fail("CAPA lists too many lines".into()));
                }
            }
        }
    }
}

pub(super) async fn starttls_command(
    conn: &mut BufReader<Box<dyn Io>>,
    p: Protocol,
) -> std::io::Result<()> {
    match p {
        Protocol::Smtp => {
            send(conn.get_mut(), "STARTTLS").await?;
            let (code, lines) = smtp_reply(conn).await?;
            if code != 220 {
                return Err(fail(format!(
                    "STARTTLS refused: {code} {}",
                    lines.join(" ")
                )));
            }
        }
        Protocol::Imap => {
            send(conn.get_mut(), "c2 STARTTLS").await?;
            let (_, done) = imap_tagged(conn, "c2").await?;
            if !done.starts_with("OK") {
                return Err(fail(format!("STARTTLS refused: {done}")));
            }
        }
        Protocol::Pop3 => {
            send(conn.get_mut(), "STLS").await?;
            let l = read_line(conn).await?;
            if !l.starts_with("+OK") {
                return Err(fail(format!("STLS refused: {l}")));
            }
        }
    }
    Ok(())
}

pub(super) async fn authenticate(
    conn: &mut BufReader<Box<dyn Io>>,
    p: Protocol,
    user: &str,
    pass: &str,
) -> std::io::Result<String> {
    let plain = base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{pass}"));
    match p {
        Protocol::Smtp => {
            send(conn.get_mut(), &format!("AUTH PLAIN {plain}")).await?;
            let (code, lines) = smtp_reply(conn).await?;
            if code != 235 {
                return Err(fail(format!(
                    "AUTH PLAIN as {user} refused: {code} {}",
                    lines.join(" ")
                )));
            }
            Ok(format!("{code} {}", lines.join(" ")))
        }
        Protocol::Imap => {
            send(conn.get_mut(), &format!("c3 AUTHENTICATE PLAIN {plain}")).await?;
            let (_, done) = imap_tagged(conn, "c3").await?;
            if !done.starts_with("OK") {
                return Err(fail(format!(
                    "AUTHENTICATE PLAIN as {user} refused: {done}"
                )));
            }
            Ok(done)
        }
        Protocol::Pop3 => {
            send(conn.get_mut(), &format!("AUTH PLAIN {plain}")).await?;
            let l = read_line(conn).await?;
            if !l.starts_with("+OK") {
                return Err(fail(format!("AUTH PLAIN as {user} refused: {l}")));
            }
            Ok(l)
        }
    }
}

pub(super) async fn quit(conn: &mut BufReader<Box<dyn Io>>, p: Protocol) -> std::io::Result<()> {
    let cmd = match p {
        Protocol::Smtp | Protocol::Pop3 => "QUIT",
        Protocol::Imap => "c9 LOGOUT",
    };
    send(conn.get_mut(), cmd).await?;
    let _ = read_line(conn).await;
    Ok(())
}
