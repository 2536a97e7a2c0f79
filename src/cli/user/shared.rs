//! What several `user` commands share: the JSON shape of a user, quota parsing and text,
//! the hash cost from the settings, the name of a stored hash's scheme.

use serde::Serialize;

use crate::auth::HashCost;
use crate::cli::{Fail, timestamp};
use crate::core::Db;
use crate::core::settings::{format_size, parse_size};
use crate::core::users::User;

#[derive(Serialize)]
pub struct UserJson {
    pub address: String,
    pub unicode: String,
    pub domain: String,
    pub quota: u64,
    pub enabled: bool,
    pub created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maildir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_scheme: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

pub fn to_json(u: &User) -> UserJson {
    UserJson {
        address: u.address.to_string(),
        unicode: u.address.unicode(),
        domain: u.address.domain().to_string(),
        quota: u.quota,
        enabled: u.enabled,
        created: timestamp(u.created),
        maildir: None,
        used_bytes: None,
        password_scheme: None,
        generated_password: None,
    }
}

pub fn parse_quota(q: Option<&str>) -> anyhow::Result<u64> {
    match q {
        None => Ok(0),
        Some(q) => parse_size(q).map_err(|e| Fail::usage(format!("--quota: {e}")).into()),
    }
}

pub fn quota_text(q: u64) -> String {
    if q == 0 {
        "none".into()
    } else {
        format_size(q)
    }
}

pub fn cost(db: &Db) -> HashCost {
    HashCost::from_settings(db).unwrap_or(HashCost::OWASP)
}

pub fn scheme_name(hash: &str) -> &'static str {
    match crate::auth::classify(hash) {
        Ok((crate::auth::Scheme::Argon2, _)) => "argon2",
        Ok((crate::auth::Scheme::ShaCrypt, h)) if h.starts_with("$5$") => "sha256-crypt",
        Ok((crate::auth::Scheme::ShaCrypt, _)) => "sha512-crypt",
        Ok((crate::auth::Scheme::Bcrypt, _)) => "bcrypt",
        Err(_) => "unknown",
    }
}
