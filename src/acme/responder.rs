//! The HTTP-01 responder (RFC 8555 §8.3): `GET /.well-known/acme-challenge/TOKEN` answers
//! the key authorization stored for TOKEN in `<data-dir>/acme/challenges/`; anything else
//! is a 404. Runs on the shared tiny HTTP server ([`crate::net::http`]).

use std::path::PathBuf;
use std::sync::Arc;

use crate::net::http;

const PREFIX: &str = "/.well-known/acme-challenge/";

/// A token as RFC 8555 §8.1 makes them: base64url, so it can never name another file.
pub fn token_ok(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 256
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The answer to one request head.
pub fn answer(challenges: &std::path::Path, head: &str) -> Vec<u8> {
    let line = head.lines().next().unwrap_or("");
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head_only = method == "HEAD";
    let not_found = || {
        http::response_with(
            "404 Not Found",
            "text/plain",
            "not found\n",
            head_only,
            "no-store",
        )
    };
    if method != "GET" && !head_only {
        return http::response_with(
            "405 Method Not Allowed",
            "text/plain",
            "GET only\n",
            false,
            "no-store",
        );
    }
    let Some(token) = target.strip_prefix(PREFIX).filter(|t| token_ok(t)) else {
        return not_found();
    };
    match std::fs::read_to_string(challenges.join(token)) {
        Ok(body) => http::response_with(
            "200 OK",
            "application/octet-stream",
            &body,
            head_only,
            "no-store",
        ),
        Err(_) => not_found(),
    }
}

pub async fn serve(
    listener: tokio::net::TcpListener,
    challenges: PathBuf,
    shutdown: crate::net::shutdown::Shutdown,
) {
    http::serve(
        listener,
        Arc::new(move |head: &str| answer(&challenges, head)),
        shutdown,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_known_tokens_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("abc-_1"), "abc-_1.thumb").unwrap();
        std::fs::write(dir.path().join("secret"), "no").unwrap();
        let get = |t: &str| {
            String::from_utf8(answer(
                dir.path(),
                &format!("GET {t} HTTP/1.1\r\nHost: x\r\n\r\n"),
            ))
            .unwrap()
        };
        let ok = get("/.well-known/acme-challenge/abc-_1");
        assert!(
            ok.starts_with("HTTP/1.1 200") && ok.ends_with("abc-_1.thumb"),
            "{ok}"
        );
        assert!(get("/.well-known/acme-challenge/../secret").starts_with("HTTP/1.1 404"));
        assert!(get("/.well-known/acme-challenge/nope").starts_with("HTTP/1.1 404"));
        assert!(get("/secret").starts_with("HTTP/1.1 404"));
        assert!(get("").starts_with("HTTP/1.1 404"));
    }
}
