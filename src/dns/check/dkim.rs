//! DKIM key records (RFC 6376 §3.6.1, ed25519 RFC 8463): for each selector, a key record at
//! `SELECTOR._domainkey.DOMAIN` with a decodable `p=` of a known `k=` type, and, when
//! mailctl holds the key, the published key is the one it signs with.
//!
//! Not here: verifying signatures on messages (inbound, planned), whether the running daemon
//! signs with the held keys (signing.rs), generating keys (crate::dkim).

use base64::Engine;
use hickory_resolver::TokioResolver;

use super::{Finding, Input, Status, error, f};
use crate::dns::lookup::{self, Failed};

/// One finding per selector (looked up concurrently), or a warning when there is none.
pub async fn check_dkim(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    if input.selectors.is_empty() {
        return vec![f(
            "DKIM",
            Status::Warn,
            "no selector to check (no key held, none given)",
            format!("`mailctl dkim generate {d}` and publish the record it prints"),
        )];
    }
    let looked = futures_util::future::join_all(
        input
            .selectors
            .iter()
            .map(|sel| async move { lookup::txt(r, &format!("{sel}._domainkey.{d}")).await }),
    )
    .await;
    input
        .selectors
        .iter()
        .zip(looked)
        .map(|(sel, looked)| selector(input, sel, looked))
        .collect()
}

/// The finding for one selector, given the TXT records found at its name.
fn selector(input: &Input, sel: &str, looked: Result<Vec<String>, Failed>) -> Finding {
    let d = &input.domain;
    let name = format!("{sel}._domainkey.{d}");
    let held = input.keys.iter().find(|k| k.selector == sel);
    let publish = held
        .map(|k| {
            format!(
                "publish {}",
                crate::dkim::zone_line(&k.record_name(), &k.record_value())
            )
        })
        .unwrap_or_default();
    let recs = match looked {
        Ok(v) => v,
        Err(e) => return error("DKIM", &e),
    };
    let Some(rec) = recs.iter().find(|t| t.contains("p=")) else {
        return f(
            "DKIM",
            Status::Fail,
            format!("no key published at {name}"),
            if publish.is_empty() {
                format!("publish the key for selector {sel}")
            } else {
                publish
            },
        );
    };
    let (p, k) = key_tags(rec);
    let decoded = base64::engine::general_purpose::STANDARD.decode(&p);
    if p.is_empty() {
        f(
            "DKIM",
            Status::Warn,
            format!("{name}: key revoked (empty p=)"),
            publish,
        )
    } else if decoded.is_err() || !(k == "rsa" || k == "ed25519") {
        f(
            "DKIM",
            Status::Fail,
            format!("{name}: unparsable key record: {rec}"),
            publish,
        )
    } else if let Some(key) = held {
        if key.public_key == p {
            f(
                "DKIM",
                Status::Pass,
                format!("{name}: k={k}, matches the key mailctl signs with"),
                "",
            )
        } else {
            f(
                "DKIM",
                Status::Fail,
                format!("{name}: the published key is not the one mailctl signs with"),
                publish,
            )
        }
    } else {
        f(
            "DKIM",
            Status::Pass,
            format!("{name}: k={k} key published (not held here)"),
            "",
        )
    }
}

/// The `p=` (whitespace removed) and `k=` (lowercased, default `rsa`) tags of a key record.
fn key_tags(rec: &str) -> (String, String) {
    let tags: Vec<(String, String)> = rec
        .split(';')
        .filter_map(|t| {
            t.split_once('=').map(|(k, v)| {
                (
                    k.trim().to_ascii_lowercase(),
                    v.split_whitespace().collect::<String>(),
                )
            })
        })
        .collect();
    let p = tags
        .iter()
        .find(|(k, _)| k == "p")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let k = tags
        .iter()
        .find(|(k, _)| k == "k")
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_else(|| "rsa".into());
    (p, k)
}

#[cfg(test)]
mod tests {
    use super::key_tags;

    #[test]
    fn key_tags_join_folded_p_and_default_k_to_rsa() {
        assert_eq!(
            key_tags("v=DKIM1; p=AB CD\tEF"),
            ("ABCDEF".to_string(), "rsa".to_string())
        );
        assert_eq!(
            key_tags("v=DKIM1; K=Ed25519; p=xyz"),
            ("xyz".to_string(), "ed25519".to_string())
        );
        assert_eq!(key_tags("v=DKIM1"), (String::new(), "rsa".to_string()));
    }
}
