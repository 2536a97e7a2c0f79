//! `/admin/aliases`: aliases, distribution lists and catch-alls; adding destinations to a
//! source (refusing, as `mailctl alias add` does, a destination here that does not exist and
//! — unless forced — an alias that takes a mailbox's mail away), removing one destination.
//! Through `core::aliases` and `core::aliascheck`.

use std::sync::Arc;

use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use super::{admin_get, admin_post, csrf_field, done, page, with_db};
use crate::core::{Address, AliasSource, CoreError};
use crate::web::Web;

pub async fn list(State(web): State<Arc<Web>>, h: HeaderMap) -> Response {
    let s = match admin_get(&web, &h).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let aliases = match with_db(&web, |db| db.aliases(None)).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    page(
        &s,
        "Aliases",
        html! {
            table id="aliases" {
                thead { tr { th { "Source" } th { "Destination" } th {} } }
                tbody { @for a in &aliases { @for d in &a.destinations {
                    tr {
                        td { (a.source) } td { (d) }
                        td { form method="post" action="/admin/aliases/remove" {
                            (csrf_field(&s.csrf))
                            input type="hidden" name="source" value=(a.source);
                            input type="hidden" name="destinations" value=(d);
                            button type="submit" { "Remove" }
                        } }
                    }
                } } }
            }
            h2 { "Add an alias" }
            form method="post" action="/admin/aliases" {
                (csrf_field(&s.csrf))
                label { "Source (address, or @domain for a catch-all) " input type="text" name="source" id="alias-source" required; }
                label { "Destinations (separated by spaces or commas) " input type="text" name="destinations" id="alias-destinations" required; }
                label { input type="checkbox" name="force" value="1"; " even if the source is a mailbox (its mail then goes only to the destinations)" }
                button type="submit" id="add-alias" { "Add" }
            }
        },
    )
}

#[derive(serde::Deserialize)]
pub struct AliasForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    destinations: String,
    #[serde(default)]
    force: Option<String>,
}

fn parse(f: &AliasForm) -> crate::core::Result<(AliasSource, Vec<Address>)> {
    let src = AliasSource::parse(f.source.trim())?;
    let dests = f
        .destinations
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|d| !d.is_empty())
        .map(Address::parse)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((src, dests))
}

pub async fn add(State(web): State<Arc<Web>>, h: HeaderMap, Form(f): Form<AliasForm>) -> Response {
    if let Err(r) = admin_post(&web, &h, &f.csrf).await {
        return r;
    }
    let r = with_db(&web, move |db| {
        let (src, dests) = parse(&f)?;
        if dests.is_empty() {
            return Err(CoreError::Invalid("give at least one destination".into()));
        }
        let check = db.alias_add_check(&src, &dests)?;
        if let Some(d) = check.missing {
            return Err(CoreError::Refused(format!(
                "{} does not exist: {} is served here and has no such mailbox or alias; create it first",
                d.unicode(),
                d.domain().unicode()
            )));
        }
        if let Some(s) = check.diverts
            && f.force.is_none()
        {
            return Err(CoreError::Refused(format!(
                "{} is a mailbox: this alias would send all its mail elsewhere; list it among the destinations to keep a copy, or tick the box to divert it",
                s.unicode()
            )));
        }
        db.add_alias(&src, &dests)
    })
    .await;
    r.map_or_else(|r| r, |_| done("/admin/aliases"))
}

pub async fn remove(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Form(f): Form<AliasForm>,
) -> Response {
    if let Err(r) = admin_post(&web, &h, &f.csrf).await {
        return r;
    }
    let r = with_db(&web, move |db| {
        let (src, dests) = parse(&f)?;
        // One destination at a time here: an empty list would remove them all.
        if dests.is_empty() {
            return Err(CoreError::Invalid("give the destination to remove".into()));
        }
        db.remove_alias(&src, &dests)
    })
    .await;
    r.map_or_else(|r| r, |_| done("/admin/aliases"))
}
