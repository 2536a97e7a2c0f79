//! `/admin/domains`: the domains served here, adding one, removing one (`--force` as the
//! CLI's: with its users and aliases; Maildirs stay on disk), and a link to each domain's DNS
//! check. Through `core::domains`, as `mailctl domain add|remove|list`.

use std::sync::Arc;

use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use super::{admin_get, admin_post, csrf_field, done, page, with_db};
use crate::core::Domain;
use crate::web::{Web, pages::enc};

pub async fn list(State(web): State<Arc<Web>>, h: HeaderMap) -> Response {
    let s = match admin_get(&web, &h).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let domains = match with_db(&web, |db| db.domains()).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    page(
        &s,
        "Domains",
        html! {
            table id="domains" {
                thead { tr { th { "Domain" } th { "Users" } th { "Aliases" } th { "Created" } th {} th {} } }
                tbody { @for d in &domains {
                    tr {
                        td { (d.name.unicode()) }
                        td { (d.users) } td { (d.aliases) }
                        td { (crate::core::time::rfc3339(d.created)) }
                        td { a href={ "/admin/dns/" (enc(d.name.as_str())) } { "DNS check" } }
                        td { form method="post" action="/admin/domains/remove" {
                            (csrf_field(&s.csrf))
                            input type="hidden" name="domain" value=(d.name.as_str());
                            label { input type="checkbox" name="force" value="1"; " with its users and aliases" }
                            button type="submit" { "Remove" }
                        } }
                    }
                } }
            }
            h2 { "Add a domain" }
            form method="post" action="/admin/domains" {
                (csrf_field(&s.csrf))
                label { "Domain " input type="text" name="domain" id="new-domain" required; }
                button type="submit" id="add-domain" { "Add" }
            }
        },
    )
}

#[derive(serde::Deserialize)]
pub struct DomainForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    force: Option<String>,
}

pub async fn add(State(web): State<Arc<Web>>, h: HeaderMap, Form(f): Form<DomainForm>) -> Response {
    if let Err(r) = admin_post(&web, &h, &f.csrf).await {
        return r;
    }
    let r = with_db(&web, move |db| {
        db.add_domain(&Domain::parse(f.domain.trim())?)
    })
    .await;
    r.map_or_else(|r| r, |_| done("/admin/domains"))
}

pub async fn remove(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Form(f): Form<DomainForm>,
) -> Response {
    if let Err(r) = admin_post(&web, &h, &f.csrf).await {
        return r;
    }
    let force = f.force.is_some();
    let r = with_db(&web, move |db| {
        db.remove_domain(&Domain::parse(f.domain.trim())?, force)
    })
    .await;
    r.map_or_else(|r| r, |_| done("/admin/domains"))
}
