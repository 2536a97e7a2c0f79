//! `GET /admin`: the server at a glance — what it serves, the queue, bans, and the daemons
//! running on this data directory with their listeners (`core::runtime`, as `mailctl
//! status` reads them).

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use super::{admin_get, page, with_db};
use crate::web::Web;

struct Figures {
    domains: usize,
    users: u64,
    aliases: u64,
    queue: crate::core::queue::QueueFigures,
    bans: usize,
    daemons: Vec<crate::core::runtime::DaemonState>,
}

pub async fn show(State(web): State<Arc<Web>>, h: HeaderMap) -> Response {
    let s = match admin_get(&web, &h).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let got = with_db(&web, |db| {
        Ok(Figures {
            domains: db.domains()?.len(),
            users: db.user_count()?,
            aliases: db.alias_count()?,
            queue: db.queue_figures()?,
            bans: db.bans()?.len(),
            daemons: crate::core::runtime::running(db.data_dir()),
        })
    })
    .await;
    let f = match got {
        Ok(f) => f,
        Err(r) => return r,
    };
    page(
        &s,
        "Server status",
        html! {
            table id="status" {
                tr { th { "Version" } td { (env!("CARGO_PKG_VERSION")) } }
                tr { th { "Domains" } td { a href="/admin/domains" { (f.domains) } } }
                tr { th { "Users" } td { a href="/admin/users" { (f.users) } } }
                tr { th { "Aliases" } td { a href="/admin/aliases" { (f.aliases) } } }
                tr { th { "Queue" } td { a href="/admin/queue" { (f.queue.messages) " messages" }
                    @if f.queue.messages > 0 { ", oldest " (f.queue.oldest_age) " s" } } }
                tr { th { "Active bans" } td { a href="/admin/bans" { (f.bans) } } }
            }
            h2 { "Daemons" }
            @if f.daemons.is_empty() { p { "No daemon is running on this data directory." } }
            @for d in &f.daemons {
                p { "pid " (d.pid) " as " (d.user) ", started " (crate::core::time::rfc3339(d.started))
                    @if !d.reload_errors.is_empty() { " — reload errors: " (d.reload_errors.join("; ")) } }
                ul { @for l in &d.listeners { li { (l.name) " on " (l.address) } } }
            }
        },
    )
}
