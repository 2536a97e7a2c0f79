//! `/settings`: the logged-in user's own settings — password, away message (vacation) and
//! forwarding. Only ever the session's own account: the address comes from the session,
//! never from the form.
//!
//! - Password: the old one is checked through the one login path (`auth::login`, so bans
//!   and failure counting apply), the new one twice and against the policy of `user passwd`
//!   (`auth::policy`), then stored with `Db::set_password_hash` as `user passwd` does. The
//!   auth cache keys on the stored hash, so the old password stops working at once for IMAP,
//!   POP3 and SMTP too. Every other web session of the user ends; this one gets a new id.
//! - Vacation and forwarding: the generated Sieve scripts of `core::autosieve`, the same
//!   ones `mailctl vacation`/`forward` write (RFC 5230 vacation, RFC 5228 redirect, RFC 3894
//!   `:copy`). A hand-written active script is never replaced: the page says so.
//!
//! App passwords do not exist in mailctl, so there is no form for them. Not here: the
//! administration (`admin`), sessions (`session`).

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use maud::html;

use super::admin::{core_error, csrf_field, refused};
use super::login::{csrf_refused, current};
use super::session::{self, COOKIE, Session};
use super::{Peer, Web, headers, pages};
use crate::auth::LoginOutcome;
use crate::core::autosieve::{FORWARD, VACATION, Vacation, forward_rules};
use crate::core::{Address, CoreError, Db};

/// Runs `f` with the database on a blocking thread; core refusals become a 400 page.
async fn with_db<T: Send + 'static>(
    web: &Web,
    f: impl FnOnce(&Db) -> crate::core::Result<T> + Send + 'static,
) -> Result<T, Response> {
    let pool = web.pool.clone();
    match tokio::task::spawn_blocking(move || f(&*pool.get()?)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(core_error(e)),
        Err(e) => {
            tracing::warn!("web settings: task failed: {e}");
            Err(headers::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "The server log says why.",
            ))
        }
    }
}

/// The session of a state change: it must carry its CSRF token.
fn posted(web: &Web, h: &HeaderMap, csrf: &str) -> Result<Session, Response> {
    match current(web, h) {
        Some((_, s)) if session::same(&s.csrf, csrf) => Ok(s),
        _ => Err(csrf_refused()),
    }
}

pub async fn show(State(web): State<Arc<Web>>, h: HeaderMap) -> Response {
    let Some((_, s)) = current(&web, &h) else {
        return Redirect::to("/login").into_response();
    };
    let user = s.user.clone();
    let got = with_db(&web, move |db| {
        let a = Address::parse(&user)?;
        Ok((
            db.generated_rules(&a, VACATION)?,
            db.generated_rules(&a, FORWARD)?,
            db.hand_written_active(&a)?,
        ))
    })
    .await;
    let (vacation, forward, hand) = match got {
        Ok(v) => v,
        Err(r) => return r,
    };
    let csrf = &s.csrf;
    let body = html! {
        section.settings {
            h1 { "Settings" }
            h2 { "Password" }
            form method="post" action="/settings/password" {
                (csrf_field(csrf))
                label { "Current password " input type="password" name="old" id="old-password" autocomplete="current-password" required; }
                label { "New password " input type="password" name="new" id="new-password" autocomplete="new-password" required; }
                label { "New password again " input type="password" name="again" id="new-password-again" autocomplete="new-password" required; }
                button type="submit" id="change-password" { "Change password" }
            }
            @if let Some(name) = &hand {
                p.error { "Your active Sieve script " (name) " was written by hand (or by a mail client): add vacation or forwarding rules to it there, or deactivate it first." }
            }
            h2 { "Away message" }
            @if let Some(r) = &vacation { p { "On:" } pre id="vacation-now" { (r) } } @else { p id="vacation-now" { "Off." } }
            form method="post" action="/settings/vacation" {
                (csrf_field(csrf))
                label { "Subject " input type="text" name="subject" id="vacation-subject"; }
                label { "Text " textarea name="body" id="vacation-body" rows="4" cols="60" {} }
                label { "From (YYYY-MM-DD) " input type="date" name="from" id="vacation-from"; }
                label { "Until (YYYY-MM-DD) " input type="date" name="until" id="vacation-until"; }
                button type="submit" name="on" value="1" id="vacation-on" { "Turn on" }
                button type="submit" name="off" value="1" id="vacation-off" formnovalidate { "Turn off" }
            }
            h2 { "Forwarding" }
            @if let Some(r) = &forward { p { "On:" } pre id="forward-now" { (r) } } @else { p id="forward-now" { "Off." } }
            form method="post" action="/settings/forward" {
                (csrf_field(csrf))
                label { "Forward to (addresses, separated by spaces or commas) " input type="text" name="to" id="forward-to"; }
                label { input type="checkbox" name="keep" value="1" id="forward-keep"; " keep a copy here" }
                button type="submit" name="on" value="1" id="forward-on" { "Turn on" }
                button type="submit" name="off" value="1" id="forward-off" { "Turn off" }
            }
        }
    };
    Html(pages::layout("Settings", Some((&s.user, csrf)), body).into_string()).into_response()
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    old: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

pub async fn password(
    State(web): State<Arc<Web>>,
    Extension(Peer(ip)): Extension<Peer>,
    h: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Response {
    let s = match posted(&web, &h, &f.csrf) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if f.new != f.again {
        return refused("The two new passwords differ; type the same one twice.");
    }
    let user = s.user.clone();
    let r = with_db(&web, move |db| {
        crate::auth::policy::check(&f.new)
            .and_then(|()| crate::auth::policy::check_guessable(&f.new, &user))
            .map_err(CoreError::Invalid)?;
        match crate::auth::login(db, ip, &user, &f.old, "WEB") {
            LoginOutcome::Ok(_) => {}
            LoginOutcome::Banned => {
                return Err(CoreError::Refused(
                    "too many failed logins from your address; try again later".into(),
                ));
            }
            _ => {
                return Err(CoreError::Refused(
                    "the current password is not right".into(),
                ));
            }
        }
        let cost = crate::auth::HashCost::from_settings(db).unwrap_or(crate::auth::HashCost::OWASP);
        let hash = crate::auth::hash_password(&f.new, cost)
            .map_err(|e| CoreError::Invalid(e.to_string()))?;
        db.set_password_hash(&Address::parse(&user)?, &hash)
    })
    .await;
    if let Err(r) = r {
        return r;
    }
    // Whoever knew the old password is logged out everywhere; this browser stays in.
    web.sessions.remove_user(&s.user);
    let id = web
        .sessions
        .create(s.user.clone(), s.maildir.clone(), s.quota, Instant::now());
    (
        AppendHeaders([(
            header::SET_COOKIE,
            session::set_cookie(COOKIE, &id, web.secure, None),
        )]),
        Redirect::to("/settings"),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub struct VacationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    off: Option<String>,
}

pub async fn vacation(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Form(f): Form<VacationForm>,
) -> Response {
    let s = match posted(&web, &h, &f.csrf) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = with_db(&web, move |db| {
        let user = Address::parse(&s.user)?;
        if f.off.is_some() {
            return db.remove_generated(&user, VACATION).map(drop);
        }
        if f.body.trim().is_empty() {
            return Err(CoreError::Invalid(
                "write the text of the away message".into(),
            ));
        }
        let v = Vacation {
            subject: Some(f.subject).filter(|s| !s.trim().is_empty()),
            body: f.body.replace("\r\n", "\n"),
            from: Some(f.from),
            until: Some(f.until),
            days: None,
        };
        db.install_generated(&user, VACATION, &v.rules()?).map(drop)
    })
    .await;
    r.map_or_else(|r| r, |()| Redirect::to("/settings").into_response())
}

#[derive(serde::Deserialize)]
pub struct ForwardForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    keep: Option<String>,
    #[serde(default)]
    off: Option<String>,
}

pub async fn forward(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Form(f): Form<ForwardForm>,
) -> Response {
    let s = match posted(&web, &h, &f.csrf) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = with_db(&web, move |db| {
        let user = Address::parse(&s.user)?;
        if f.off.is_some() {
            return db.remove_generated(&user, FORWARD).map(drop);
        }
        let dests =
            f.to.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|d| !d.is_empty())
                .map(Address::parse)
                .collect::<Result<Vec<_>, _>>()?;
        let rules = forward_rules(&dests, f.keep.is_some())?;
        db.install_generated(&user, FORWARD, &rules).map(drop)
    })
    .await;
    r.map_or_else(|r| r, |()| Redirect::to("/settings").into_response())
}
