//! What every response carries, and the few fixed responses: a strict
//! Content-Security-Policy (no script, no plugins, images and styles from this server
//! only, forms posting here only, no framing), `X-Frame-Options: DENY`, `nosniff`,
//! `Referrer-Policy: no-referrer`, and `Cache-Control: no-store` (mail is private; a
//! shared computer's cache must not keep it).
//!
//! A handler may set its own CSP first (the message page with images allowed widens
//! `img-src`); the rest are always forced.
//!
//! Every response also says how long the server took over it: `Server-Timing: app;dur=MS`
//! (W3C Server Timing), the handler's time without the network, which browsers show in
//! their developer tools and `examples/web-load.sh` measures.
//!
//! Not here: cookies (`session`), pages (`pages`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The policy of every page.
pub const CSP: &str = "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The policy of a message page whose reader asked for its remote images.
pub const CSP_IMAGES: &str = "default-src 'none'; img-src 'self' http: https:; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn secure_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Runs the request and stamps its time (milliseconds, to the microsecond) on the answer.
pub async fn server_timing(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let start = std::time::Instant::now();
    let mut res = next.run(req).await;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.3}")) {
        res.headers_mut().insert("server-timing", v);
    }
    res
}

pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        [super::pages::STYLE, super::admin::STYLE].concat(),
    )
        .into_response()
}

/// A short error page with `status`.
pub fn error(status: StatusCode, title: &str, text: &str) -> Response {
    (
        status,
        Html(super::pages::message_page(title, text).into_string()),
    )
        .into_response()
}

/// For what browsers ask for on their own (`/favicon.ico`): nothing, and no error logged.
pub async fn no_content() -> StatusCode {
    StatusCode::NO_CONTENT
}

pub async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Not found", "There is no such page.")
}
