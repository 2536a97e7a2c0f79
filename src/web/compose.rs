//! Writing mail and moving it: the compose form (new, reply, reply-all, forward), sending
//! it through the submission path of port 587 (`smtp::submit`: the user's own From
//! addresses only, the sending limits, the queue, local delivery, DKIM on the way out) and
//! keeping a copy in Sent; moving a message to a folder, and "spam"/"not spam" (to Junk,
//! or from Junk to INBOX), which teach the spam learner as IMAP's moves do.
//!
//! Every POST carries the session's CSRF token; the Maildir is the session's, never the
//! request's. A refused message (a recipient, the From, a limit) comes back on the form with
//! what was typed (files must be chosen again: a browser cannot be handed them back).
//!
//! Not here: the page markup (`compose_page`), the message itself (`draft`), storage
//! (`mailops`).

use std::sync::Arc;

use axum::extract::{Extension, Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::draft::{self, Draft, Envelope, Extras, Mode, Part};
use super::login::{csrf_refused, current};
use super::session::{self, Session};
use super::{Peer, Web, compose_page, headers, mailops, pages, store};
use crate::imap::backend::StoreError;
use crate::imap::command::Flag;

/// Most files attached to one message from the form.
const MAX_FILES: usize = 50;

/// The compose form's body limit: the largest message the server accepts
/// (`limits.message_size`) plus room for the form's own fields and MIME framing.
pub fn body_limit(web: &Web) -> usize {
    let max = web
        .submit
        .as_ref()
        .map_or(0, |s| (s.session)().max_message_size);
    (max.min(1 << 30) as usize).saturating_add(1 << 20)
}

fn error(status: StatusCode, text: &str) -> Response {
    headers::error(status, "Error", text)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(StoreError::NoSuchMailbox(_) | StoreError::BadName(_))) => Err(error(
            StatusCode::NOT_FOUND,
            "There is no such folder or message in your mailbox.",
        )),
        Ok(Err(e)) => {
            tracing::warn!("webmail: {e}");
            Err(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Your mail could not be changed; the server log says why.",
            ))
        }
        Err(e) => {
            tracing::warn!("webmail: task failed: {e}");
            Err(error(StatusCode::INTERNAL_SERVER_ERROR, "Internal error."))
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ComposeQuery {
    reply: Option<String>,
    replyall: Option<String>,
    forward: Option<String>,
}

/// `FOLDER/UID` of an original (the folder may itself contain `/`).
fn original(s: &str) -> Option<(String, u32)> {
    let (f, u) = s.rsplit_once('/')?;
    Some((f.to_string(), u.parse().ok()?))
}

/// What the form shows besides the draft.
pub struct FormState {
    pub mode: Mode,
    pub orig: Option<(String, u32)>,
    pub from_choices: Vec<String>,
    pub error: Option<String>,
}

fn sendable(web: &Web, user: &str) -> Vec<String> {
    let Ok(me) = crate::core::Address::parse(user) else {
        return vec![user.to_string()];
    };
    match &web.submit {
        Some(s) => crate::smtp::submit::sendable_addresses(&s.backend, &me)
            .iter()
            .map(ToString::to_string)
            .collect(),
        None => vec![me.to_string()],
    }
}

pub async fn form(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Query(q): Query<ComposeQuery>,
) -> Response {
    let Some((_, s)) = current(&web, &h) else {
        return Redirect::to("/login").into_response();
    };
    let (mode, orig) = match (&q.reply, &q.replyall, &q.forward) {
        (Some(o), _, _) => (Mode::Reply, original(o)),
        (_, Some(o), _) => (Mode::ReplyAll, original(o)),
        (_, _, Some(o)) => (Mode::Forward, original(o)),
        _ => (Mode::New, None),
    };
    if mode != Mode::New && orig.is_none() {
        return error(StatusCode::BAD_REQUEST, "Which message? (FOLDER/UID)");
    }
    let (web2, user, root, o) = (web.clone(), s.user.clone(), web.owner(&s), orig.clone());
    let got = blocking(move || {
        let mine = sendable(&web2, &user);
        let mut d = match &o {
            Some((f, uid)) => match store::message(&root, f, *uid)? {
                Some(m) => draft::answer(mode, &m.data, &mine),
                None => return Ok(None),
            },
            None => Draft::default(),
        };
        d.from = user.clone();
        Ok(Some((d, mine)))
    })
    .await;
    let (d, from_choices) = match got {
        Ok(Some(v)) => v,
        Ok(None) => return error(StatusCode::NOT_FOUND, "There is no such message."),
        Err(r) => return r,
    };
    let st = FormState {
        mode,
        orig,
        from_choices,
        error: None,
    };
    Html(compose_page::compose((&s.user, &s.csrf), &d, &st).into_string()).into_response()
}

/// The multipart form read: CSRF token, mode, original, draft, files.
#[derive(Default)]
struct Posted {
    csrf: String,
    mode: String,
    orig: String,
    draft: Draft,
    files: Vec<Part>,
}

async fn read_form(mut mp: Multipart) -> Result<Posted, String> {
    let mut p = Posted::default();
    while let Some(field) = mp.next_field().await.map_err(|e| e.body_text())? {
        let name = field.name().unwrap_or("").to_string();
        if name == "attachment" {
            let file = field.file_name().map(str::to_string);
            let ctype = field.content_type().map(str::to_string);
            let data = field.bytes().await.map_err(|e| e.body_text())?;
            let Some(file) = file.filter(|f| !f.is_empty()) else {
                continue; // an empty file input
            };
            if p.files.len() >= MAX_FILES {
                return Err(format!("at most {MAX_FILES} files per message"));
            }
            let content_type = ctype
                .filter(|c| c.parse::<mime_guard::Token>().is_ok())
                .unwrap_or_else(|| "application/octet-stream".into());
            p.files.push(Part {
                name: super::render::filename(Some(&file), p.files.len()),
                content_type,
                data: data.to_vec(),
            });
            continue;
        }
        let text = field.text().await.map_err(|e| e.body_text())?;
        let d = &mut p.draft;
        match name.as_str() {
            "csrf" => p.csrf = text,
            "mode" => p.mode = text,
            "orig" => p.orig = text,
            "from" => d.from = text,
            "to" => d.to = text,
            "cc" => d.cc = text,
            "bcc" => d.bcc = text,
            "subject" => d.subject = text,
            "body" => d.body = text,
            _ => {}
        }
    }
    Ok(p)
}

/// Content types from a browser kept only when they are plain `type/subtype` tokens.
mod mime_guard {
    pub struct Token;
    impl std::str::FromStr for Token {
        type Err = ();
        fn from_str(s: &str) -> Result<Token, ()> {
            let tok = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
            };
            match s.split_once('/') {
                Some((a, b)) if tok(a) && tok(b) => Ok(Token),
                _ => Err(()),
            }
        }
    }
}

pub async fn send(
    State(web): State<Arc<Web>>,
    Extension(Peer(ip)): Extension<Peer>,
    h: HeaderMap,
    mp: Multipart,
) -> Response {
    let Some((_, s)) = current(&web, &h) else {
        return csrf_refused();
    };
    let p = match read_form(mp).await {
        Ok(p) => p,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("The form could not be read: {e}"),
            );
        }
    };
    if !session::same(&s.csrf, &p.csrf) {
        return csrf_refused();
    }
    let Some(submit) = web.submit.clone() else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "This server does not send mail from the web.",
        );
    };
    let mode = Mode::parse(&p.mode);
    let orig = original(&p.orig).filter(|_| mode != Mode::New);
    let (s2, draft, files, o) = (s.clone(), p.draft.clone(), p.files, orig.clone());
    let owner = web.owner(&s);
    let web2 = web.clone();
    // The form shown again lists the addresses the user may send from: a core query, so it
    // is made here, off the async workers (on PostgreSQL a blocking client there panicked
    // and the browser got an empty reply).
    let sent = tokio::task::spawn_blocking(move || {
        send_blocking(&submit, (&s2, ip, &owner), mode, o, &draft, files)
            .map_err(|why| (why, sendable(&web2, &s2.user)))
    })
    .await;
    match sent {
        Ok(Ok(touched)) => {
            if let Some(hub) = &web.imap_hub {
                touched.iter().for_each(|d| hub.touch(d));
            }
            let back = match &orig {
                Some((f, uid)) => format!("/mail/{}/{uid}?sent=1", pages::enc(f)),
                None => "/mail/INBOX?sent=1".to_string(),
            };
            Redirect::to(&back).into_response()
        }
        Ok(Err((why, from_choices))) => {
            let st = FormState {
                mode,
                orig,
                from_choices,
                error: Some(why),
            };
            let page = compose_page::compose((&s.user, &s.csrf), &p.draft, &st);
            (StatusCode::UNPROCESSABLE_ENTITY, Html(page.into_string())).into_response()
        }
        Err(e) => {
            tracing::warn!("webmail: send task failed: {e}");
            error(StatusCode::INTERNAL_SERVER_ERROR, "Internal error.")
        }
    }
}

/// Builds, submits and files the message; the folders changed, or why it was not sent.
fn send_blocking(
    submit: &super::Submit,
    (s, ip, owner): (&Session, std::net::IpAddr, &store::Owner),
    mode: Mode,
    orig: Option<(String, u32)>,
    d: &Draft,
    mut files: Vec<Part>,
) -> Result<Vec<std::path::PathBuf>, String> {
    let env = Envelope::of(d)?;
    let user = crate::core::Address::parse(&s.user).map_err(|e| e.to_string())?;
    let original = match &orig {
        Some((f, uid)) => store::message(owner, f, *uid)
            .map_err(|e| e.to_string())?
            .map(|m| m.data),
        None => None,
    };
    let thread = match (mode, &original) {
        (Mode::Reply | Mode::ReplyAll, Some(raw)) => Some(draft::thread(raw)),
        _ => None,
    };
    if let (Mode::Forward, Some(raw)) = (mode, &original) {
        let mut fwd = draft::attachments_of(raw);
        fwd.append(&mut files);
        files = fwd;
    }
    let mut cfg = (submit.session)();
    // The Received line and the queue row name the browser's address, as for a client.
    cfg.remote_ip = ip;
    let message_id = format!("{}@{}", &session::random_token()[..32], cfg.hostname);
    let x = Extras {
        message_id: &message_id,
        date: chrono::Utc::now().timestamp(),
        thread: thread.as_ref(),
        parts: &files,
    };
    let wire = draft::build(d, &env, &x, false)?;
    let rcpts = env.recipients();
    crate::smtp::submit::submit(
        submit.backend.clone(),
        cfg,
        &user,
        (&env.from, &rcpts),
        &wire,
    )
    .map_err(|r| format!("Not sent: {r}"))?;
    let copy = draft::build(d, &env, &x, true)?;
    let mut touched = Vec::new();
    // Sent: the message is already on its way, so a failure here is logged, not shown as
    // "not sent" (which would invite sending it twice).
    match mailops::append_sent(owner, s.quota, &copy) {
        Ok((_, dir)) => touched.extend(dir),
        Err(e) => tracing::warn!("webmail: user={} no copy in Sent: {e}", s.user),
    }
    if let Some((f, uid)) = &orig {
        let flag = if mode == Mode::Forward {
            Flag::Keyword("$Forwarded".into())
        } else {
            Flag::Answered
        };
        if let Ok(Some(dir)) = mailops::add_flag(owner, f, *uid, flag) {
            touched.push(dir);
        }
    }
    Ok(touched)
}

#[derive(serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    csrf: String,
    /// A folder name, or `spam` / `ham` (with `to` empty).
    #[serde(default)]
    to: String,
    #[serde(default)]
    action: String,
}

pub async fn move_to(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Path((folder, uid)): Path<(String, u32)>,
    Form(f): Form<MoveForm>,
) -> Response {
    let Some((_, s)) = current(&web, &h) else {
        return csrf_refused();
    };
    if !session::same(&s.csrf, &f.csrf) {
        return csrf_refused();
    }
    if f.action != "spam" && f.to == folder {
        return error(
            StatusCode::BAD_REQUEST,
            "The message is already in that folder.",
        );
    }
    let (root, quota, user) = (web.owner(&s), s.quota, s.user.clone());
    let (fo, spam, dest) = (folder.clone(), f.action == "spam", f.to.clone());
    let moved = blocking(move || {
        let dest = if spam {
            mailops::spam_target(&root, &fo)?
        } else {
            dest
        };
        let moved = mailops::move_message((&root, quota, &user), &fo, uid, &dest)?;
        Ok(moved.map(|m| (m, dest)))
    })
    .await;
    let (m, dest) = match moved {
        Ok(Some(v)) => v,
        Ok(None) => return error(StatusCode::NOT_FOUND, "There is no such message."),
        Err(r) => return r,
    };
    if let Some(hub) = &web.imap_hub {
        m.touched.iter().for_each(|d| hub.touch(d));
    }
    if let Some(l) = &web.learner {
        m.learn.into_iter().for_each(|j| l.submit(j));
    }
    tracing::info!(user = %s.user, from = %folder, to = %dest, uid, "webmail: moved");
    Redirect::to(&format!("/mail/{}", pages::enc(&folder))).into_response()
}
