//! `config list`: every setting with its value, default, type and meaning.

use serde::Serialize;

use crate::cli::Ctx;
use crate::core::settings::SETTINGS;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Serialize)]
struct Row {
    key: &'static str,
    value: String,
    default: &'static str,
    is_default: bool,
    r#type: String,
    description: &'static str,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
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
        Ok(())
    }
}
