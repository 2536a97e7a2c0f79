//! `serve web`: webmail on the `listen.web` listener — HTTPS with the server's certificate
//! (the same rustls config as IMAPS, reloaded with it on SIGHUP), or plain HTTP when
//! `web.tls` is off, which `serve` allows on loopback addresses only. axum on the daemon's
//! tokio runtime, pages rendered on the server by compile-time-checked maud templates
//! (`pages`), working without JavaScript.
//!
//! What is here: logging in through the one login path (`crate::auth::login`: bans, the
//! auth cache and failure counting apply) with a per-address rate limit on the form;
//! sessions (`session`: server-side table, `HttpOnly; SameSite=Strict; Secure` cookie, idle
//! timeout, logout and logout everywhere); a CSRF token on every state-changing form (POST
//! only); security headers on every response (`headers`); the folder list with unread
//! counts, message lists by page, reading a message (`render`: decoded headers, sanitised
//! HTML with remote images held back, attachments), marking read/unread and deleting to
//! Trash (`mail`, through `store`, which is the IMAP server's own Maildir backend).
//!
//! The user's own settings (`settings`: password, vacation, forwarding) and, for users with
//! the `admin` role, the administration (`admin`: status, domains, users, aliases, queue,
//! bans, DNS check), both through the core functions the CLI calls.
//!
//! Routes (not yet: inline `cid:` images):
//! - `GET /login`, `POST /login`, `POST /logout` (`login`)
//! - `GET /mail/{folder}?page=N[&q=TEXT][&sort=date|from|subject|size&order=asc|desc]`
//!   (with `q`: IMAP's `SEARCH TEXT`, `mailops`; the order: IMAP's SORT, `order`),
//!   `GET /mail/{folder}/{uid}[?images=1][&keep=1]` (marks it `\Seen` unless `keep`),
//!   `GET /mail/{folder}/{uid}/attachment/{n}`, `POST /mail/{folder}/{uid}/flags` (`mail`)
//! - `POST /mail/{folder}/{uid}/move` (to a folder, or "spam"/"not spam", feeding the
//!   learner), `GET /compose[?reply=|replyall=|forward=FOLDER/UID]`, `POST /compose`
//!   (multipart, sent through `smtp::submit`, the submission path of port 587; `compose`)
//! - `GET /settings`, `POST /settings/{password,vacation,forward}` (`settings`)
//! - `GET /admin`, `/admin/{domains,users,aliases,queue,bans}`, `/admin/queue/{id}`,
//!   `/admin/dns/{domain}`, and their POSTs (`admin::routes`)
//! - `GET /static/style.css`
//!
//! RFC 9110/9112 (HTTP), RFC 6265 (cookies), RFC 6266 (Content-Disposition), RFC 2047
//! (encoded words, via mail-parser). Not here: any mail parsing of our own, any second
//! Maildir reader, SQL.

pub mod admin;
mod compose;
mod compose_page;
pub mod draft;
mod headers;
mod login;
mod mail;
mod mailops;
pub mod order;
pub mod pages;
pub mod render;
pub mod session;
mod settings;
pub mod store;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::core::pool::DbPool;
use crate::net::limits::ConnLimiter;
use crate::net::rate::ClientRates;
use crate::net::shutdown::Shutdown;
use crate::net::tls::TlsStore;

/// How long a client has to send a request head, and to finish a TLS handshake.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest request body (forms): the login and flag forms are a few hundred bytes.
const MAX_BODY: usize = 64 << 10;

/// What `serve` decided for the web listener.
#[derive(Clone)]
pub struct Config {
    /// HTTPS with this store's certificate; None: plain HTTP (loopback only, checked by
    /// `serve`).
    pub tls: Option<Arc<TlsStore>>,
    /// `web.session_idle`.
    pub session_idle: Duration,
    /// `web.login_rate_limit`: login attempts per client per minute (0: none).
    pub login_rate_limit: u32,
    /// The IMAP server's change signal: told of folders changed here, so IDLE sessions
    /// see a web change at once.
    pub imap_hub: Option<Arc<crate::imap::watch::Hub>>,
    /// Sending (`/compose`): None where the daemon has no SMTP service to send through.
    pub submit: Option<Submit>,
    /// The spam learner "spam"/"not spam" feed, as IMAP's moves into and out of Junk do.
    pub learner: Option<crate::inbound::scan::learn::Learner>,
}

/// What sending needs: the SMTP services' backend and the submission listener's session
/// settings, read for each message (a reload changes them).
#[derive(Clone)]
pub struct Submit {
    pub backend: Arc<crate::smtp::backend::Backend>,
    pub session: Arc<dyn Fn() -> crate::smtp::SessionConfig + Send + Sync>,
}

/// What every handler shares.
pub struct Web {
    pub pool: Arc<DbPool>,
    pub sessions: session::Sessions,
    /// Login attempts per client (counted as `Event::Connection`).
    pub login_rates: ClientRates,
    pub login_rate_limit: u32,
    /// Cookies get `Secure` (false only for plain HTTP on loopback).
    pub secure: bool,
    pub imap_hub: Option<Arc<crate::imap::watch::Hub>>,
    pub submit: Option<Submit>,
    pub learner: Option<crate::inbound::scan::learn::Learner>,
    /// Where the mailbox indexes live (SQLite in each Maildir, or the PostgreSQL core).
    pub indexes: crate::maildir::index::Indexes,
}

impl Web {
    /// The logged-in user's mail, as the store opens it.
    pub fn owner(&self, s: &session::Session) -> store::Owner {
        store::Owner {
            indexes: self.indexes.clone(),
            user: s.user.clone(),
            root: s.maildir.clone(),
        }
    }
}

/// The peer's address, put into every request by the connection loop.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub IpAddr);

/// The application: routes, the headers layer, the body limit.
pub fn router(web: Arc<Web>) -> Router {
    let compose_limit = compose::body_limit(&web);
    Router::new()
        .route("/", get(mail::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/mail", get(mail::home))
        .route("/mail/{folder}", get(mail::list))
        .route("/mail/{folder}/{uid}", get(mail::read))
        .route("/mail/{folder}/{uid}/attachment/{n}", get(mail::attachment))
        .route("/mail/{folder}/{uid}/flags", post(mail::flags))
        .route("/mail/{folder}/{uid}/move", post(compose::move_to))
        .route(
            "/compose",
            get(compose::form)
                .post(compose::send)
                .layer(axum::extract::DefaultBodyLimit::max(compose_limit)),
        )
        .route("/settings", get(settings::show))
        .route("/settings/password", post(settings::password))
        .route("/settings/vacation", post(settings::vacation))
        .route("/settings/forward", post(settings::forward))
        .merge(admin::routes())
        .route("/static/style.css", get(headers::style))
        .route("/favicon.ico", get(headers::no_content))
        .fallback(headers::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::map_response(headers::secure_headers))
        .layer(axum::middleware::from_fn(headers::server_timing))
        .with_state(web)
}

/// Serves webmail on `listener` until shutdown; `limiter` caps connections in all and per
/// client address (`limits.*`, as for every listener).
pub async fn serve(
    listener: tokio::net::TcpListener,
    cfg: Config,
    pool: Arc<DbPool>,
    limiter: Arc<ConnLimiter>,
    mut shutdown: Shutdown,
) {
    let indexes = match crate::maildir::index::Indexes::of(pool.data_dir()) {
        Ok(i) => i,
        Err(e) => {
            tracing::error!("webmail not served: {e}");
            return;
        }
    };
    let web = Arc::new(Web {
        pool,
        sessions: session::Sessions::new(cfg.session_idle),
        login_rates: ClientRates::default(),
        login_rate_limit: cfg.login_rate_limit,
        secure: cfg.tls.is_some(),
        imap_hub: cfg.imap_hub.clone(),
        submit: cfg.submit.clone(),
        learner: cfg.learner.clone(),
        indexes,
    });
    let app = router(web);
    loop {
        let accepted = tokio::select! {
            _ = shutdown.wait() => return,
            a = listener.accept() => a,
        };
        let Ok((stream, peer)) = accepted else {
            continue;
        };
        // Over the limit: closed at once (a browser retries; a flood gets nothing).
        let Ok(permit) = limiter.try_acquire(peer.ip()) else {
            continue;
        };
        let tls = cfg.tls.as_ref().map(|t| t.get());
        let (app, shutdown) = (app.clone(), shutdown.clone());
        tokio::spawn(async move {
            connection(stream, peer, tls, app, shutdown).await;
            drop(permit);
        });
    }
}

/// One connection: the TLS handshake (when HTTPS), then HTTP/1.1 until the client is done
/// or the server stops (a request in flight is finished first).
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    tls: Option<Option<Arc<rustls::ServerConfig>>>,
    app: Router,
    shutdown: Shutdown,
) {
    let ip = peer.ip();
    match tls {
        None => http(stream, ip, app, shutdown).await,
        // The certificate went away (a reload failed badly): refuse rather than speak plain.
        Some(None) => {}
        Some(Some(cfg)) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(cfg);
            match tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(s)) => http(s, ip, app, shutdown).await,
                _ => tracing::debug!(%ip, "web: TLS handshake failed or timed out"),
            }
        }
    }
}

async fn http<S>(stream: S, ip: IpAddr, app: Router, mut shutdown: Shutdown)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    use tower::ServiceExt;
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(Peer(ip));
        app.clone().oneshot(req.map(axum::body::Body::new))
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc);
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(%ip, "web connection: {e}");
            }
        }
        _ = shutdown.wait() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(HEADER_TIMEOUT, conn).await;
        }
    }
}
