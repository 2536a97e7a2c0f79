//! The webmail pages: folders and message lists, one message, its attachments, and the
//! flag form (read, unread, delete to Trash). Each handler takes the Maildir from the
//! session — never from the request — and hands the folder name from the URL to the IMAP
//! backend, which validates it as IMAP does (`store`); mail work runs on a blocking thread.
//!
//! Not here: login and sessions (`login`), HTML (`pages`), sanitising (`render`).

use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::login::{csrf_refused, current};
use super::session::{self, Session};
use super::store::{self, Change};
use super::{Web, headers, pages, render};
use crate::imap::backend::StoreError;
use crate::imap::command::Flag;

/// Mail work of all web requests on blocking threads at once. Each opens the account's
/// index (an SQLite connection with its page cache) and reads files; a hundred sessions
/// asking at the same moment would grow the blocking pool by a hundred threads, each with
/// its stack, allocator arena and cache, for work that a few threads finish as soon on two
/// cores. A request waits here, on the async side, for a turn (as IMAP's idle wakeups do).
const MAIL_CONCURRENCY: usize = 4;

static MAIL_TURNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAIL_CONCURRENCY);

/// Runs mail work on a blocking thread when its turn comes; a folder that does not exist or
/// cannot be named is 404, anything else 500 (logged).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    // The semaphore is never closed, so acquiring only waits.
    let Ok(_turn) = MAIL_TURNS.acquire().await else {
        return Err(server_error());
    };
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(StoreError::NoSuchMailbox(_) | StoreError::BadName(_))) => Err(not_found()),
        Ok(Err(e)) => {
            tracing::warn!("webmail: {e}");
            Err(server_error())
        }
        Err(e) => {
            tracing::warn!("webmail: task failed: {e}");
            Err(server_error())
        }
    }
}

fn not_found() -> Response {
    headers::error(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no such folder or message in your mailbox.",
    )
}

fn server_error() -> Response {
    headers::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Error",
        "Your mail could not be read; the server log says why.",
    )
}

/// The session, or the login page for a browser that has none.
fn logged_in(web: &Web, h: &HeaderMap) -> Result<Session, Response> {
    current(web, h)
        .map(|(_, s)| s)
        .ok_or_else(|| Redirect::to("/login").into_response())
}

pub async fn home(State(web): State<Arc<Web>>, h: HeaderMap) -> Response {
    match logged_in(&web, &h) {
        Ok(_) => Redirect::to("/mail/INBOX").into_response(),
        Err(r) => r,
    }
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    page: Option<usize>,
    /// A search (`mailops::search`, IMAP's SEARCH TEXT).
    q: Option<String>,
    /// The order (`order::ListOrder`: date, from, subject, size; asc, desc).
    sort: Option<String>,
    order: Option<String>,
}

pub async fn list(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Path(folder): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    let s = match logged_in(&web, &h) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let root = web.owner(&s);
    let got = blocking(move || {
        let n = q.page.unwrap_or(1);
        let order = super::order::ListOrder::parse(q.sort.as_deref(), q.order.as_deref());
        let page = match q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => super::mailops::search(&root, &folder, text, order, n)?,
            // The default order is the fast page read: no work over the whole folder.
            None if order.is_default() => store::page(&root, &folder, n)?,
            None => store::sorted(&root, &folder, order, n)?,
        };
        Ok((store::folders(&root)?, page))
    })
    .await;
    match got {
        Ok((folders, page)) => {
            Html(pages::mailbox((&s.user, &s.csrf), &folders, &page).into_string()).into_response()
        }
        Err(r) => r,
    }
}

#[derive(serde::Deserialize)]
pub struct ReadQuery {
    images: Option<String>,
    /// Opened with "keep unread": not marked `\Seen`.
    keep: Option<String>,
}

pub async fn read(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Path((folder, uid)): Path<(String, u32)>,
    Query(q): Query<ReadQuery>,
) -> Response {
    let s = match logged_in(&web, &h) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let show = q.images.is_some_and(|v| v == "1");
    let keep = q.keep.is_some_and(|v| v == "1");
    let root = web.owner(&s);
    let f = folder.clone();
    let got = blocking(move || {
        let Some(m) = store::message(&root, &f, uid)? else {
            return Ok(None);
        };
        let view = render::view(&m.data, m.internal_date, show);
        // Opening a message reads it, as in every mail client.
        let touched = match (m.seen, keep) {
            (false, false) => super::mailops::add_flag(&root, &f, uid, Flag::Seen)?,
            _ => None,
        };
        let seen = m.seen || touched.is_some();
        Ok(Some((store::folders(&root)?, seen, view, touched)))
    })
    .await;
    let (folders, seen, view, touched) = match got {
        Ok(Some(v)) => v,
        Ok(None) => return not_found(),
        Err(r) => return r,
    };
    if let (Some(hub), Some(dir)) = (&web.imap_hub, &touched) {
        hub.touch(dir);
    }
    let page = pages::message((&s.user, &s.csrf), &folders, &folder, uid, seen, &view);
    let mut res = Html(page.into_string()).into_response();
    if show {
        res.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(headers::CSP_IMAGES),
        );
    }
    res
}

pub async fn attachment(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Path((folder, uid, n)): Path<(String, u32, u32)>,
) -> Response {
    let s = match logged_in(&web, &h) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let root = web.owner(&s);
    let got = blocking(move || {
        Ok(store::message(&root, &folder, uid)?.and_then(|m| render::attachment(&m.data, n)))
    })
    .await;
    let d = match got {
        Ok(Some(d)) => d,
        Ok(None) => return not_found(),
        Err(r) => return r,
    };
    let disposition = render::content_disposition(&d.filename);
    let Ok(disposition) = HeaderValue::from_str(&disposition) else {
        return server_error();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(d.content_type),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        d.data,
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

pub async fn flags(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Path((folder, uid)): Path<(String, u32)>,
    Form(f): Form<FlagForm>,
) -> Response {
    let Some((_, s)) = current(&web, &h) else {
        return csrf_refused();
    };
    if !session::same(&s.csrf, &f.csrf) {
        return csrf_refused();
    }
    let Some(change) = Change::parse(&f.action) else {
        return headers::error(StatusCode::BAD_REQUEST, "Bad request", "Unknown action.");
    };
    let (root, quota) = (web.owner(&s), s.quota);
    let fo = folder.clone();
    let touched = match blocking(move || store::change(&root, quota, &fo, uid, change)).await {
        Ok(Some(t)) => t,
        Ok(None) => return not_found(),
        Err(r) => return r,
    };
    if let Some(hub) = &web.imap_hub {
        for dir in &touched {
            hub.touch(dir);
        }
    }
    let here = format!("/mail/{}", pages::enc(&folder));
    match change {
        Change::Delete => Redirect::to(&here).into_response(),
        // Shown again without being read again (opening marks `\Seen`).
        Change::Unread => Redirect::to(&format!("{here}/{uid}?keep=1")).into_response(),
        Change::Read => Redirect::to(&format!("{here}/{uid}")).into_response(),
    }
}
