//! `/admin/bans`: the addresses banned after failed logins, and lifting a ban. Through
//! `core::bans`, as `mailctl ban list|remove`.

use std::sync::Arc;

use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use super::{admin_get, admin_post, csrf_field, done, page, with_db};
use crate::core::CoreError;
use crate::core::time::rfc3339;
use crate::web::Web;

pub async fn list(State(web): State<Arc<Web>>, h: HeaderMap) -> Response {
    let s = match admin_get(&web, &h).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let bans = match with_db(&web, |db| db.bans()).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    page(
        &s,
        "Bans",
        html! {
            @if bans.is_empty() { p { "No address is banned." } }
            table id="bans" {
                thead { tr { th { "Address" } th { "Failures" } th { "Since" } th { "Until" } th {} } }
                tbody { @for b in &bans {
                    tr {
                        td { (b.ip) } td { (b.failures) } td { (rfc3339(b.created)) } td { (rfc3339(b.until)) }
                        td { form method="post" action="/admin/bans/remove" {
                            (csrf_field(&s.csrf))
                            input type="hidden" name="ip" value=(b.ip);
                            button type="submit" { "Unban" }
                        } }
                    }
                } }
            }
        },
    )
}

#[derive(serde::Deserialize)]
pub struct BanForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    ip: String,
}

pub async fn remove(State(web): State<Arc<Web>>, h: HeaderMap, Form(f): Form<BanForm>) -> Response {
    if let Err(r) = admin_post(&web, &h, &f.csrf).await {
        return r;
    }
    let r = with_db(&web, move |db| {
        let ip: std::net::IpAddr =
            f.ip.trim()
                .parse()
                .map_err(|_| CoreError::Invalid(format!("{}: not an IP address", f.ip)))?;
        if !db.remove_ban(&ip.to_string())? {
            return Err(CoreError::NotFound {
                kind: "ban on",
                name: ip.to_string(),
            });
        }
        Ok(())
    })
    .await;
    r.map_or_else(|r| r, |_| done("/admin/bans"))
}
