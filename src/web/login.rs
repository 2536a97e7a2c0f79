//! Logging in and out. The form carries a token signed for its own random cookie (login
//! CSRF: another site cannot post a login of its choosing), the attempt is counted against
//! the client's per-minute limit, and the password goes to the one login path
//! (`crate::auth::login`, protocol label `WEB`) on a blocking thread, so bans, the auth
//! cache and failure counting work exactly as for IMAP. A good login gets a brand-new
//! session id.
//!
//! Not here: the session table (`session`), pages (`pages`).

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};

use super::session::{self, COOKIE, LOGIN_COOKIE, Session};
use super::{Peer, Web, headers, pages};
use crate::auth::LoginOutcome;
use crate::net::rate::Event;

/// The session of a request, if its cookie names a live one: (id, session).
pub(super) fn current(web: &Web, h: &HeaderMap) -> Option<(String, Session)> {
    let id = session::cookie_value(h, COOKIE)?;
    let s = web.sessions.get(id, Instant::now())?;
    Some((id.to_string(), s))
}

/// A fresh login form with its cookie; `status` and `error` for a failed attempt.
fn login_page(web: &Web, status: StatusCode, error: Option<&str>) -> Response {
    let nonce = session::random_token();
    let token = web.sessions.login_token(&nonce);
    let cookie = session::set_cookie(LOGIN_COOKIE, &nonce, web.secure, None);
    (
        status,
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Html(pages::login(&token, error).into_string()),
    )
        .into_response()
}

pub async fn form(State(web): State<Arc<Web>>, h: HeaderMap) -> Response {
    if current(&web, &h).is_some() {
        return Redirect::to("/mail/INBOX").into_response();
    }
    login_page(&web, StatusCode::OK, None)
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

pub async fn submit(
    State(web): State<Arc<Web>>,
    Extension(Peer(ip)): Extension<Peer>,
    h: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    if !web
        .login_rates
        .allow(ip, Event::Connection, web.login_rate_limit, Instant::now())
    {
        return headers::error(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts",
            "Too many login attempts from your address; wait a minute and try again.",
        );
    }
    let nonce = session::cookie_value(&h, LOGIN_COOKIE).unwrap_or_default();
    if !web.sessions.login_token_ok(nonce, &f.csrf) {
        return login_page(
            &web,
            StatusCode::FORBIDDEN,
            Some("The form expired or did not come from this site; log in again."),
        );
    }
    let pool = web.pool.clone();
    let outcome = tokio::task::spawn_blocking(move || match pool.get() {
        Ok(db) => {
            let o = crate::auth::login(&db, ip, &f.user, &f.password, "WEB");
            let maildir = match &o {
                LoginOutcome::Ok(u) => Some(pool.data_dir().maildir(&u.address)),
                _ => None,
            };
            (o, maildir)
        }
        Err(e) => (LoginOutcome::TempFail(e.to_string()), None),
    })
    .await;
    match outcome {
        Ok((LoginOutcome::Ok(u), Some(maildir))) => {
            let id = web
                .sessions
                .create(u.address.to_string(), maildir, u.quota, Instant::now());
            let cookies = [
                (
                    header::SET_COOKIE,
                    session::set_cookie(COOKIE, &id, web.secure, None),
                ),
                (
                    header::SET_COOKIE,
                    session::set_cookie(LOGIN_COOKIE, "", web.secure, Some(0)),
                ),
            ];
            (AppendHeaders(cookies), Redirect::to("/mail/INBOX")).into_response()
        }
        Ok((LoginOutcome::Failed, _)) => login_page(
            &web,
            StatusCode::UNAUTHORIZED,
            Some("Wrong address or password."),
        ),
        Ok((LoginOutcome::Banned, _)) => headers::error(
            StatusCode::FORBIDDEN,
            "Blocked",
            "Too many failed logins from your address; try again later.",
        ),
        _ => headers::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Try again",
            "The server cannot check logins right now; try again in a moment.",
        ),
    }
}

#[derive(serde::Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    everywhere: Option<String>,
}

pub async fn logout(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Form(f): Form<LogoutForm>,
) -> Response {
    let Some((id, s)) = current(&web, &h) else {
        return Redirect::to("/login").into_response();
    };
    if !session::same(&s.csrf, &f.csrf) {
        return csrf_refused();
    }
    if f.everywhere.is_some() {
        web.sessions.remove_user(&s.user);
    } else {
        web.sessions.remove(&id);
    }
    let clear = session::set_cookie(COOKIE, "", web.secure, Some(0));
    (
        AppendHeaders([(header::SET_COOKIE, clear)]),
        Redirect::to("/login"),
    )
        .into_response()
}

/// The answer to a state-changing request without the session's token.
pub(super) fn csrf_refused() -> Response {
    headers::error(
        StatusCode::FORBIDDEN,
        "Refused",
        "This request did not come from a page of this site (missing or wrong CSRF token).",
    )
}
