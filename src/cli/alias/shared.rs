//! What `alias add` and `alias remove` share: reading a source and the destinations.

use crate::cli::{Ctx, Fail};
use crate::core::{Address, AliasSource};

pub fn parse_source(input: &str) -> anyhow::Result<AliasSource> {
    AliasSource::parse(input).map_err(|e| {
        Fail::usage(format!(
            "invalid alias source '{}': {e}",
            input.escape_debug()
        ))
        .into()
    })
}

pub fn parse_all(ctx: &Ctx, inputs: &[String]) -> anyhow::Result<Vec<Address>> {
    inputs.iter().map(|d| ctx.address(d)).collect()
}
