//! `GET /metrics` on the `listen.metrics` listener, through the shared small HTTP responder
//! ([`crate::net::http`]); the queue figures are read per scrape on a blocking thread, the
//! storage per domain is the last total of its refresher ([`super::storage`]), started here.
//!
//! Not here: authentication (there is none, which is why the listener is loopback only:
//! `core::settings` refuses other addresses for `listen.metrics`).

use std::sync::Arc;

use crate::core::pool::DbPool;
use crate::net::http::{response, response_with};

/// What a request head asks for.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Request {
    Metrics,
    NotFound,
    Bad,
}

/// Parses the request line (sans-IO): `GET` or `HEAD` of `/metrics`, query ignored.
pub(super) fn parse_request(head: &str) -> Request {
    let first = head.split("\r\n").next().unwrap_or("");
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Request::Bad;
    };
    if !version.starts_with("HTTP/1.") || !(method == "GET" || method == "HEAD") {
        return Request::Bad;
    }
    match target.split_once('?').map_or(target, |(p, _)| p) {
        "/metrics" => Request::Metrics,
        _ => Request::NotFound,
    }
}

fn answer(pool: &Arc<DbPool>, head: &str) -> Vec<u8> {
    let head_only = head.starts_with("HEAD ");
    match parse_request(head) {
        Request::Bad => response("400 Bad Request", "text/plain", "bad request\n", head_only),
        Request::NotFound => response("404 Not Found", "text/plain", "not found\n", head_only),
        Request::Metrics => {
            // A database that cannot be read leaves the queue gauges out, not the scrape.
            let queue = pool.get().ok().and_then(|db| db.queue_figures().ok());
            let mut body = super::global().render(queue.as_ref());
            body.push_str(&super::storage::render(super::storage::latest().as_deref()));
            response_with(
                "200 OK",
                super::exposition::CONTENT_TYPE,
                &body,
                head_only,
                "no-store",
            )
        }
    }
}

/// Serves `/metrics` on `listener` until shutdown.
pub async fn serve(
    listener: tokio::net::TcpListener,
    pool: Arc<DbPool>,
    shutdown: crate::net::shutdown::Shutdown,
) {
    super::storage::start(pool.clone());
    let answer = move |head: &str| answer(&pool, head);
    crate::net::http::serve(listener, Arc::new(answer), shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests() {
        assert_eq!(
            parse_request("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"),
            Request::Metrics
        );
        assert_eq!(
            parse_request("HEAD /metrics?x=1 HTTP/1.0\r\n\r\n"),
            Request::Metrics
        );
        assert_eq!(parse_request("GET / HTTP/1.1\r\n\r\n"), Request::NotFound);
        assert_eq!(
            parse_request("POST /metrics HTTP/1.1\r\n\r\n"),
            Request::Bad
        );
        assert_eq!(parse_request("garbage"), Request::Bad);
        assert_eq!(parse_request(""), Request::Bad);
    }
}
