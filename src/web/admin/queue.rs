//! `/admin/queue`: the outbound queue a page at a time, one message (envelope, recipients,
//! attempts, headers), and retry now / hold / release / delete. Through `core::outqueue`, as
//! `mailctl queue list|show|retry|hold|release|delete`.

use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use super::{PageQuery, admin_get, admin_post, csrf_field, done, page, pager, paging, with_db};
use crate::core::CoreError;
use crate::core::outqueue::Filter;
use crate::core::time::rfc3339;
use crate::web::{Web, pages::enc};

fn sender(s: &str) -> &str {
    if s.is_empty() { "<>" } else { s }
}

pub async fn list(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let s = match admin_get(&web, &h).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let entries = match with_db(&web, |db| db.queue_entries(Filter::All)).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let (first, pg, pages) = paging(entries.len(), q.page);
    page(
        &s,
        "Queue",
        html! {
            p { (entries.len()) " messages" }
            table id="queue" {
                thead { tr { th { "Id" } th { "Received" } th { "Sender" } th { "Recipients" } th { "Size" } th { "State" } } }
                tbody { @for e in entries.iter().skip(first).take(super::PAGE_SIZE) {
                    tr {
                        td { a href={ "/admin/queue/" (enc(&e.id)) } { (e.id) } }
                        td { (rfc3339(e.created)) }
                        td { (sender(&e.sender)) }
                        td { @for r in &e.recipients { (r.address) " (" (r.status) ")" br; } }
                        td { (e.size) }
                        td { @if e.quarantined.is_some() { "quarantined" } @else if e.held { "held" } @else { "queued" } }
                    }
                } }
            }
            (pager("/admin/queue", pg, pages))
        },
    )
}

pub async fn show(State(web): State<Arc<Web>>, h: HeaderMap, Path(id): Path<String>) -> Response {
    let s = match admin_get(&web, &h).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let got = with_db(&web, move |db| {
        let entry = db.queue_entry(&id)?.ok_or_else(|| CoreError::NotFound {
            kind: "queue message",
            name: id.clone(),
        })?;
        let attempts = db.queue_attempts(&id)?;
        let queue_dir = db.data_dir().queue();
        let spool = std::fs::read(queue_dir.join(&id))
            .or_else(|_| std::fs::read(crate::core::spool::quarantine_dir(&queue_dir).join(&id)))
            .unwrap_or_default();
        let headers = String::from_utf8_lossy(crate::smtp::outbound::dsn::header_section(&spool))
            .into_owned();
        Ok((entry, attempts, headers))
    })
    .await;
    let (e, attempts, headers) = match got {
        Ok(v) => v,
        Err(r) => return r,
    };
    let here = format!("/admin/queue/{}", enc(&e.id));
    page(
        &s,
        &format!("Queued message {}", e.id),
        html! {
            dl.headers {
                dt { "Sender" } dd { (sender(&e.sender)) }
                dt { "Received" } dd { (rfc3339(e.created)) }
                dt { "Size" } dd { (e.size) " bytes" }
                dt { "State" } dd { @if e.held { "held" } @else { "queued" }
                    @if let Some(q) = &e.quarantined { ", quarantined: " (q) } }
            }
            form.actions method="post" action=(here) {
                (csrf_field(&s.csrf))
                button type="submit" name="action" value="retry" id="retry" { "Retry now" }
                @if e.held { button type="submit" name="action" value="release" id="release" { "Release" } }
                @else { button type="submit" name="action" value="hold" id="hold" { "Hold" } }
                button type="submit" name="action" value="delete" id="delete" { "Delete" }
            }
            h2 { "Recipients" }
            table { @for r in &e.recipients {
                tr { td { (r.address) } td { (r.status) } td { (r.attempts) " attempts" }
                     td { "next " (rfc3339(r.next_attempt)) } td { (r.last_error.as_deref().unwrap_or("")) } }
            } }
            h2 { "Attempts" }
            table { @for a in &attempts {
                tr { td { (rfc3339(a.at)) } td { (a.recipient) } td { (a.host) } td { (a.outcome) } td { (a.reply) } }
            } }
            h2 { "Headers" }
            pre.body { (headers) }
        },
    )
}

#[derive(serde::Deserialize)]
pub struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

pub async fn act(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    if let Err(r) = admin_post(&web, &h, &f.csrf).await {
        return r;
    }
    let action = f.action.clone();
    let ids = vec![id.clone()];
    let r = with_db(&web, move |db| {
        let n = match action.as_str() {
            "retry" => db.queue_retry_now(&ids)?,
            "hold" => db.queue_set_held(&ids, true)?,
            "release" => db.queue_set_held(&ids, false)?,
            "delete" => db.queue_delete_spooled(Some(&ids))?.len(),
            _ => return Err(CoreError::Invalid(format!("{action}: no such action"))),
        };
        if n == 0 {
            return Err(CoreError::NotFound {
                kind: "queue message",
                name: ids[0].clone(),
            });
        }
        Ok(())
    })
    .await;
    match r {
        Ok(()) if f.action == "delete" => done("/admin/queue"),
        Ok(()) => done(&format!("/admin/queue/{}", enc(&id))),
        Err(r) => r,
    }
}
