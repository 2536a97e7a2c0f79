//! What several `user` commands share: the JSON shape of a user, quota parsing and text,
//! the hash cost from the settings, the name of a stored hash's scheme.

use serde::Serialize;

use crate::auth::HashCost;
use crate::cli::{Fail, timestamp};
use crate::core::Db;
use crate::core::sendlimit::{Limits, Override, Usage};
use crate::core::settings::{format_size, parse_size};
use crate::core::users::User;

#[derive(Serialize)]
pub struct UserJson {
    pub address: String,
    pub unicode: String,
    pub domain: String,
    pub quota: u64,
    pub enabled: bool,
    /// `admin` (may use the web administration) or `user`.
    pub role: &'static str,
    pub created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maildir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_scheme: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
    /// The user's own outbound limits; `null` fields follow the server's settings.
    pub send_limit: Override,
    /// The limits in force (`user show` and `user set`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_limit_effective: Option<Limits>,
    /// What the windows hold now (`user show`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<Usage>,
    /// The user's own spam thresholds and what applies (`user show`, `user set`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound: Option<crate::cli::domain::InboundJson>,
}

pub fn to_json(u: &User) -> UserJson {
    UserJson {
        address: u.address.to_string(),
        unicode: u.address.unicode(),
        domain: u.address.domain().to_string(),
        quota: u.quota,
        enabled: u.enabled,
        role: if u.admin { "admin" } else { "user" },
        created: timestamp(u.created),
        maildir: None,
        used_bytes: None,
        password_scheme: None,
        generated_password: None,
        send_limit: u.send_limit,
        send_limit_effective: None,
        sent: None,
        inbound: None,
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

/// `--send-limit MSGS[/hour][,RCPTS[/day]]`: the messages per hour, then optionally the
/// recipients per day; either may be `default` (the server's setting), `0` is no limit. A
/// part not given keeps what `current` has; plain `default` resets both.
pub fn parse_send_limit(v: &str, current: Override) -> anyhow::Result<Override> {
    let bad = |why: &str| -> anyhow::Error {
        Fail {
            hint: Some(
                "give MSGS/hour[,RCPTS/day], e.g. 100 or 100,1000; 0 for no limit, default for the server's setting"
                    .into(),
            ),
            ..Fail::usage(format!("--send-limit {v}: {why}"))
        }
        .into()
    };
    let part = |p: &str, units: &[&str]| -> anyhow::Result<Option<u64>> {
        let p = p.trim();
        let n = match p.split_once('/') {
            Some((n, unit)) if units.contains(&unit.trim().to_ascii_lowercase().as_str()) => n,
            Some(_) => return Err(bad(&format!("unit of '{p}' must be /{}", units[0]))),
            None => p,
        };
        match n.trim() {
            "default" => Ok(None),
            n => n
                .parse::<u64>()
                .map(Some)
                .map_err(|_| bad(&format!("'{n}' is not a whole number"))),
        }
    };
    if v.trim() == "default" {
        return Ok(Override::default());
    }
    let (msgs, rcpts) = match v.split_once(',') {
        Some((m, r)) => (m, Some(r)),
        None => (v, None),
    };
    Ok(Override {
        messages_per_hour: part(msgs, &["hour", "h"])?,
        recipients_per_day: match rcpts {
            Some(r) => part(r, &["day", "d"])?,
            None => current.recipients_per_day,
        },
    })
}

/// `200 messages/hour (default), 5000 recipients/day`.
pub fn send_limit_text(own: Override, defaults: Limits) -> String {
    let one = |own: Option<u64>, default: u64, unit: &str| {
        let n = own.unwrap_or(default);
        let n = if n == 0 {
            "no limit on".to_string()
        } else {
            n.to_string()
        };
        let from = if own.is_none() { " (default)" } else { "" };
        format!("{n} {unit}{from}")
    };
    format!(
        "{}, {}",
        one(
            own.messages_per_hour,
            defaults.messages_per_hour,
            "messages/hour"
        ),
        one(
            own.recipients_per_day,
            defaults.recipients_per_day,
            "recipients/day"
        )
    )
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
