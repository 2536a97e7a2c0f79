//! `/admin/users`: the mailboxes, a page at a time; adding one (with the password policy of
//! `user add`, refusing to hand over a Maildir already there), its quota, enabled state and
//! role, and removing one (its Maildir set aside under `removed/`, as `user remove` does by
//! default). Through `core::users`, `core::userdir` and `auth`, as the CLI.

use std::sync::Arc;

use axum::extract::{Form, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use super::{PageQuery, admin_get, admin_post, csrf_field, done, page, pager, paging, with_db};
use crate::core::settings::{format_size, parse_size};
use crate::core::users::NewUser;
use crate::core::{Address, CoreError};
use crate::web::Web;

pub async fn list(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let s = match admin_get(&web, &h).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let users = match with_db(&web, |db| db.users(None)).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (first, pg, pages) = paging(users.len(), q.page);
    let shown = users.iter().skip(first).take(super::PAGE_SIZE);
    page(
        &s,
        "Users",
        html! {
            p { (users.len()) " mailboxes" }
            table id="users" {
                thead { tr { th { "Address" } th { "Quota, enabled, administrator" } th {} } }
                tbody { @for u in shown {
                    tr {
                        td { (u.address.unicode()) }
                        td { form method="post" action="/admin/users/set" {
                            (csrf_field(&s.csrf))
                            input type="hidden" name="address" value=(u.address.to_string());
                            input type="text" name="quota" size="6" value=(if u.quota == 0 { "0".to_string() } else { format_size(u.quota) });
                            label { input type="checkbox" name="enabled" value="1" checked[u.enabled]; " enabled" }
                            label { input type="checkbox" name="admin" value="1" checked[u.admin]; " admin" }
                            button type="submit" { "Save" }
                        } }
                        td { form method="post" action="/admin/users/remove" {
                            (csrf_field(&s.csrf))
                            input type="hidden" name="address" value=(u.address.to_string());
                            button type="submit" { "Remove" }
                        } }
                    }
                } }
            }
            (pager("/admin/users", pg, pages))
            h2 { "Add a user" }
            form method="post" action="/admin/users" {
                (csrf_field(&s.csrf))
                label { "Address " input type="email" name="address" id="new-address" required; }
                label { "Password " input type="password" name="password" id="new-password" autocomplete="new-password" required; }
                label { "Quota (e.g. 2G, 0 for none) " input type="text" name="quota" id="new-quota" value="0"; }
                button type="submit" id="add-user" { "Add user" }
            }
        },
    )
}

#[derive(serde::Deserialize)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    quota: String,
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    admin: Option<String>,
}

fn quota(q: &str) -> crate::core::Result<u64> {
    match q.trim() {
        "" => Ok(0),
        q => parse_size(q).map_err(|e| CoreError::Invalid(format!("quota: {e}"))),
    }
}

pub async fn add(State(web): State<Arc<Web>>, h: HeaderMap, Form(f): Form<UserForm>) -> Response {
    if let Err(r) = admin_post(&web, &h, &f.csrf).await {
        return r;
    }
    let r = with_db(&web, move |db| {
        let address = Address::parse(f.address.trim())?;
        let quota = quota(&f.quota)?;
        crate::auth::policy::check(&f.password)
            .and_then(|()| crate::auth::policy::check_guessable(&f.password, &address.to_string()))
            .map_err(CoreError::Invalid)?;
        let md = db.data_dir().maildir(&address);
        if crate::core::userdir::exists(&md) {
            return Err(CoreError::Refused(format!(
                "a Maildir for {address} already exists ({}); the new user would get that mail: move it away first, or use `mailctl user add --reuse-maildir`",
                md.display()
            )));
        }
        let cost = crate::auth::HashCost::from_settings(db).unwrap_or(crate::auth::HashCost::OWASP);
        let password_hash = crate::auth::hash_password(&f.password, cost)
            .map_err(|e| CoreError::Invalid(e.to_string()))?;
        db.add_user(&NewUser {
            address,
            password_hash,
            quota,
        })
    })
    .await;
    r.map_or_else(|r| r, |_| done("/admin/users"))
}

pub async fn set(State(web): State<Arc<Web>>, h: HeaderMap, Form(f): Form<UserForm>) -> Response {
    let s = match admin_post(&web, &h, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = with_db(&web, move |db| {
        let address = Address::parse(f.address.trim())?;
        let (enabled, admin) = (f.enabled.is_some(), f.admin.is_some());
        // An administrator cannot lock themself out of this page by accident.
        if address.to_string() == s.user && !(enabled && admin) {
            return Err(CoreError::Refused(
                "you cannot disable yourself or drop your own administrator role here; use `mailctl user set`".into(),
            ));
        }
        db.set_quota(&address, quota(&f.quota)?)?;
        db.set_enabled(&address, enabled)?;
        db.set_admin(&address, admin)?;
        Ok((address.to_string(), enabled))
    })
    .await;
    match r {
        Ok((user, enabled)) => {
            // A disabled user cannot log in; its open web sessions end too.
            if !enabled {
                web.sessions.remove_user(&user);
            }
            done("/admin/users")
        }
        Err(r) => r,
    }
}

pub async fn remove(
    State(web): State<Arc<Web>>,
    h: HeaderMap,
    Form(f): Form<UserForm>,
) -> Response {
    let s = match admin_post(&web, &h, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = with_db(&web, move |db| {
        let address = Address::parse(f.address.trim())?;
        if address.to_string() == s.user {
            return Err(CoreError::Refused(
                "you cannot remove yourself here; use `mailctl user remove`".into(),
            ));
        }
        if db.user(&address)?.is_some() {
            // First, so a failure leaves the user in place to try again.
            crate::core::userdir::forget_index(db.data_dir(), &address)?;
        }
        db.remove_user(&address)?;
        let md = db.data_dir().maildir(&address);
        if crate::core::userdir::exists(&md) {
            crate::core::userdir::set_aside(db.data_dir(), &address)
                .map_err(|e| CoreError::io(&md, e))?;
        }
        Ok(address.to_string())
    })
    .await;
    match r {
        Ok(gone) => {
            // Its web sessions end with it.
            web.sessions.remove_user(&gone);
            done("/admin/users")
        }
        Err(r) => r,
    }
}
