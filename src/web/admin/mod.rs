//! Web administration, `/admin/...`, for users whose role is `admin` (`mailctl user set
//! ADDR --admin`): server status, domains, users, aliases, the queue, bans and the DNS check
//! of a domain. Every page calls the core functions the CLI calls (`core::…`, `dns::…`), so
//! the browser and `mailctl` cannot disagree. One file per page group.
//!
//! Who may: the role is read from the database on every request (not kept in the session),
//! so `user set --no-admin` or `--disable` takes effect at the next click. Anyone else gets
//! 403; without a session a GET goes to the login page. Every POST carries the session's
//! CSRF token, checked before anything else is looked at.
//!
//! Not here: the user's own settings (`web::settings`), mail (`web::mail`), the core logic.

mod aliases;
mod bans;
mod dns;
mod domains;
mod queue;
mod status;
mod users;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};

use super::login::{csrf_refused, current};
use super::session::{self, Session};
use super::{Web, headers, pages};
use crate::core::{CoreError, Db};

/// What the settings and administration pages add to the one stylesheet: findings and
/// headers wrap inside their cells, the top bar's links are readable.
pub const STYLE: &str = "header a{color:#fff}section.admin,section.settings{flex:1;min-width:0}td pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}td form{display:flex;gap:.5em;align-items:center}td label{display:inline;margin:0}\n";

/// Rows per page of the long tables (users, queue).
pub const PAGE_SIZE: usize = 50;

/// The administration's routes.
pub fn routes() -> Router<Arc<Web>> {
    Router::new()
        .route("/admin", get(status::show))
        .route("/admin/domains", get(domains::list).post(domains::add))
        .route("/admin/domains/remove", post(domains::remove))
        .route("/admin/dns/{domain}", get(dns::page_of))
        .route("/admin/users", get(users::list).post(users::add))
        .route("/admin/users/set", post(users::set))
        .route("/admin/users/remove", post(users::remove))
        .route("/admin/aliases", get(aliases::list).post(aliases::add))
        .route("/admin/aliases/remove", post(aliases::remove))
        .route("/admin/queue", get(queue::list))
        .route("/admin/queue/{id}", get(queue::show).post(queue::act))
        .route("/admin/bans", get(bans::list))
        .route("/admin/bans/remove", post(bans::remove))
}

fn forbidden() -> Response {
    headers::error(
        StatusCode::FORBIDDEN,
        "Administrators only",
        "This page is for administrators (`mailctl user set ADDRESS --admin`).",
    )
}

/// Whether the session's user is an enabled administrator, read now.
async fn require_admin(web: &Web, s: Session) -> Result<Session, Response> {
    let user = s.user.clone();
    let ok = with_db(web, move |db| {
        let a = crate::core::Address::parse(&user)?;
        Ok(db.user(&a)?.is_some_and(|u| u.admin && u.enabled))
    })
    .await?;
    if ok { Ok(s) } else { Err(forbidden()) }
}

/// The administrator's session for a page (GET): the login page without one, 403 for others.
pub(super) async fn admin_get(web: &Web, h: &HeaderMap) -> Result<Session, Response> {
    let Some((_, s)) = current(web, h) else {
        return Err(Redirect::to("/login").into_response());
    };
    require_admin(web, s).await
}

/// The administrator's session for a state change (POST): the CSRF token first.
pub(super) async fn admin_post(web: &Web, h: &HeaderMap, csrf: &str) -> Result<Session, Response> {
    let Some((_, s)) = current(web, h) else {
        return Err(csrf_refused());
    };
    if !session::same(&s.csrf, csrf) {
        return Err(csrf_refused());
    }
    require_admin(web, s).await
}

/// Runs `f` with a database connection on a blocking thread. What the core refuses (bad
/// input, not found, exists, refused) is a 400 page with the core's words; anything else
/// a 500 with the reason in the log.
pub(super) async fn with_db<T: Send + 'static>(
    web: &Web,
    f: impl FnOnce(&mut Db) -> crate::core::Result<T> + Send + 'static,
) -> Result<T, Response> {
    let pool = web.pool.clone();
    match tokio::task::spawn_blocking(move || f(&mut *pool.get()?)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(core_error(e)),
        Err(e) => {
            tracing::warn!("web admin: task failed: {e}");
            Err(headers::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "The server log says why.",
            ))
        }
    }
}

pub(super) fn core_error(e: CoreError) -> Response {
    match e {
        CoreError::Invalid(_)
        | CoreError::NotFound { .. }
        | CoreError::Exists { .. }
        | CoreError::Refused(_) => refused(&e.to_string()),
        e => {
            tracing::warn!("web admin: {e}");
            headers::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "The change could not be made; the server log says why.",
            )
        }
    }
}

/// A 400 page saying why a request was refused.
pub(super) fn refused(why: &str) -> Response {
    headers::error(StatusCode::BAD_REQUEST, "Not done", why)
}

/// Back to `to` after a change (303, so a reload does not post again).
pub(super) fn done(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The hidden CSRF field of every form.
pub(super) fn csrf_field(csrf: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(csrf); }
}

/// An administration page: the section links, then `body`.
pub(super) fn page(s: &Session, title: &str, body: Markup) -> Response {
    let nav = [
        ("/admin", "Status"),
        ("/admin/domains", "Domains"),
        ("/admin/users", "Users"),
        ("/admin/aliases", "Aliases"),
        ("/admin/queue", "Queue"),
        ("/admin/bans", "Bans"),
    ];
    let markup = pages::layout(
        title,
        Some((&s.user, &s.csrf)),
        html! {
            nav.folders id="admin-nav" {
                ul { @for (href, name) in nav { li { a href=(href) { (name) } } } }
            }
            section.admin { h1 { (title) } (body) }
        },
    );
    axum::response::Html(markup.into_string()).into_response()
}

/// Page `page` (1-based, clamped) of `n` rows: (first row, rows on it, the page, pages).
pub(super) fn paging(n: usize, page: Option<usize>) -> (usize, usize, usize) {
    let pages = n.div_ceil(PAGE_SIZE).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    ((page - 1) * PAGE_SIZE, page, pages)
}

/// The links between pages of a long table.
pub(super) fn pager(base: &str, page: usize, pages: usize) -> Markup {
    html! {
        @if pages > 1 {
            p.paging {
                @if page > 1 { a rel="prev" href={ (base) "?page=" (page - 1) } { "Previous" } " " }
                "Page " (page) " of " (pages)
                @if page < pages { " " a rel="next" href={ (base) "?page=" (page + 1) } { "Next" } }
            }
        }
    }
}

#[derive(serde::Deserialize)]
pub struct PageQuery {
    page: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_clamps_to_the_pages_there_are() {
        assert_eq!(paging(0, None), (0, 1, 1));
        assert_eq!(paging(120, Some(3)), (100, 3, 3));
        assert_eq!(paging(120, Some(9)), (100, 3, 3));
        assert_eq!(paging(120, Some(0)), (0, 1, 3));
        assert_eq!(paging(50, Some(2)), (0, 1, 1));
    }
}
