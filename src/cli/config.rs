//! `config list|get|set|unset`: the settings registry from the terminal.

use clap::Subcommand;
use serde::Serialize;

use super::{Ctx, Fail};
use crate::core::settings::{self, SETTINGS};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Every setting with its value, default, type and meaning.
    List,
    /// Print one setting's value (the default when unset).
    Get { key: String },
    /// Change a setting; the value is checked before it is stored.
    Set { key: String, value: String },
    /// Remove a stored value so the default applies again.
    Unset { key: String },
}

#[derive(Serialize)]
struct Row {
    key: &'static str,
    value: String,
    default: &'static str,
    is_default: bool,
    r#type: String,
    description: &'static str,
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let db = ctx.db()?;
    match cmd {
        Cmd::List => {
            let mut rows = Vec::with_capacity(SETTINGS.len());
            for s in SETTINGS {
                let stored = db.stored_setting(s.key)?;
                rows.push(Row {
                    key: s.key,
                    is_default: stored.is_none(),
                    value: stored.unwrap_or_else(|| s.default.to_string()),
                    default: s.default,
                    r#type: s.kind.describe(),
                    description: s.doc,
                });
            }
            if ctx.json {
                output::json(&rows)?;
            } else {
                let table = output::table(
                    &["KEY", "VALUE", "DEFAULT", "TYPE", "MEANING"],
                    rows.iter().map(|r| {
                        vec![
                            r.key.to_string(),
                            if r.is_default {
                                String::new()
                            } else {
                                r.value.clone()
                            },
                            r.default.to_string(),
                            r.r#type.clone(),
                            r.description.to_string(),
                        ]
                    }),
                );
                output::print(&table)?;
            }
        }
        Cmd::Get { key } => {
            let value = db.setting(&key).map_err(|e| Fail::new(e.to_string()))?;
            if ctx.json {
                let def = settings::lookup(&key)
                    .map(|s| s.default)
                    .unwrap_or_default();
                output::json(&serde_json::json!({ "key": key, "value": value, "default": def }))?;
            } else {
                output::print(&value)?;
            }
        }
        Cmd::Set { key, value } => {
            let stored = db
                .set_setting(&key, &value)
                .map_err(|e| Fail::new(e.to_string()))?;
            if ctx.json {
                output::json(&serde_json::json!({ "key": key, "value": stored }))?;
            } else if !ctx.quiet {
                output::print(&format!("{key} = {stored}"))?;
            }
        }
        Cmd::Unset { key } => {
            let was = db
                .unset_setting(&key)
                .map_err(|e| Fail::new(e.to_string()))?;
            let value = db.setting(&key)?;
            if ctx.json {
                output::json(&serde_json::json!({ "key": key, "value": value, "was_set": was }))?;
            } else if !ctx.quiet {
                output::print(&format!("{key} = {value} (default)"))?;
            }
        }
    }
    Ok(())
}
