//! One ACME order (RFC 8555 §7.4): the account (created once, its key kept), a new order for
//! the names, HTTP-01 challenges (§8.3) published as files for the responder, finalize with
//! a CSR from a fresh key, and the chain and key written in place.

use std::time::Duration;

use instant_acme::{
    Account, AccountCredentials, AuthorizationStatus, ChallengeType, Identifier, NewAccount,
    NewOrder, OrderStatus, RetryPolicy,
};
use serde::{Deserialize, Serialize};

use super::Config;
use super::state::{CertSummary, record, summary_pem, write_atomic};

/// How long the CA has to validate the challenges, and then to issue.
const VALIDATION: Duration = Duration::from_secs(120);

/// The account as stored: credentials are only good for the directory they were made on.
#[derive(Serialize, Deserialize)]
struct Stored {
    directory: String,
    credentials: AccountCredentials,
}

/// Runs an order and records its outcome in `status.json`.
pub async fn order(cfg: &Config) -> Result<CertSummary, String> {
    let result = run(cfg).await;
    let (ok, msg, serial) = match &result {
        Ok(s) => (
            true,
            format!("issued serial {}", s.serial),
            Some(s.serial.as_str()),
        ),
        Err(e) => (false, e.clone(), None),
    };
    let (dir, msg, serial) = (cfg.state_dir.clone(), msg, serial.map(str::to_string));
    let _ = tokio::task::spawn_blocking(move || record(&dir, ok, &msg, serial.as_deref())).await;
    result
}

async fn run(cfg: &Config) -> Result<CertSummary, String> {
    let account = account(cfg).await?;
    let ids: Vec<Identifier> = cfg.names.iter().cloned().map(Identifier::Dns).collect();
    let mut order = account
        .new_order(&NewOrder::new(&ids))
        .await
        .map_err(|e| format!("new order at {}: {e}", cfg.directory))?;
    let challenges = cfg.challenges();
    std::fs::create_dir_all(&challenges).map_err(|e| format!("{}: {e}", challenges.display()))?;
    let mut tokens = Vec::new();
    let mut auths = order.authorizations();
    while let Some(a) = auths.next().await {
        let mut a = a.map_err(|e| format!("authorization: {e}"))?;
        if a.status == AuthorizationStatus::Valid {
            continue;
        }
        let mut ch = a
            .challenge(ChallengeType::Http01)
            .ok_or("the CA offers no HTTP-01 challenge")?;
        if !super::responder::token_ok(&ch.token) {
            return Err(format!("the CA sent an unusable token {:?}", ch.token));
        }
        let file = challenges.join(&ch.token);
        write_atomic(&file, ch.key_authorization().as_str().as_bytes(), 0o644)
            .map_err(|e| format!("{}: {e}", file.display()))?;
        tokens.push(file);
        ch.set_ready()
            .await
            .map_err(|e| format!("challenge: {e}"))?;
    }
    let retry = RetryPolicy::new().timeout(VALIDATION);
    let status = order.poll_ready(&retry).await;
    for t in &tokens {
        let _ = std::fs::remove_file(t);
    }
    let status = status.map_err(|e| format!("waiting for validation: {e}"))?;
    if status != OrderStatus::Ready {
        let why = order
            .state()
            .error
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| format!("order {status:?}"));
        return Err(format!(
            "the CA did not validate {}: {why} (is port 80 of these names reaching listen.acme_http?)",
            cfg.names.join(", ")
        ));
    }
    let tls = |e: rcgen::Error| format!("CSR: {e}");
    let key = rcgen::KeyPair::generate().map_err(tls)?;
    let csr = rcgen::CertificateParams::new(cfg.names.clone())
        .map_err(tls)?
        .serialize_request(&key)
        .map_err(tls)?;
    order
        .finalize_csr(csr.der())
        .await
        .map_err(|e| format!("finalize: {e}"))?;
    let chain = order
        .poll_certificate(&retry)
        .await
        .map_err(|e| format!("certificate: {e}"))?;
    let info = summary_pem(chain.as_bytes())?;
    // The key first: a reload between the two renames fails (key and certificate differ)
    // and keeps the old pair, where the other order would serve nothing new either.
    write_atomic(&cfg.key, key.serialize_pem().as_bytes(), 0o600)
        .map_err(|e| format!("{}: {e}", cfg.key.display()))?;
    write_atomic(&cfg.cert, chain.as_bytes(), 0o644)
        .map_err(|e| format!("{}: {e}", cfg.cert.display()))?;
    Ok(info)
}

/// The stored account for this directory, or a new one (then stored, 0600: it holds the key).
async fn account(cfg: &Config) -> Result<Account, String> {
    let builder = || match &cfg.ca {
        Some(ca) => {
            Account::builder_with_root(ca).map_err(|e| format!("tls.acme_ca {}: {e}", ca.display()))
        }
        None => Account::builder().map_err(|e| format!("ACME client: {e}")),
    };
    let path = cfg.state_dir.join("account.json");
    if let Ok(raw) = std::fs::read(&path)
        && let Ok(s) = serde_json::from_slice::<Stored>(&raw)
        && s.directory == cfg.directory
    {
        return builder()?
            .from_credentials(s.credentials)
            .await
            .map_err(|e| format!("ACME account at {}: {e}", cfg.directory));
    }
    let contact = format!("mailto:{}", cfg.email);
    let contacts: Vec<&str> = if cfg.email.is_empty() {
        Vec::new()
    } else {
        vec![contact.as_str()]
    };
    let new = NewAccount {
        contact: &contacts,
        terms_of_service_agreed: true,
        only_return_existing: false,
    };
    let (account, credentials) = builder()?
        .create(&new, cfg.directory.clone(), None)
        .await
        .map_err(|e| format!("new ACME account at {}: {e}", cfg.directory))?;
    let stored = Stored {
        directory: cfg.directory.clone(),
        credentials,
    };
    let json = serde_json::to_vec(&stored).map_err(|e| e.to_string())?;
    write_atomic(&path, &json, 0o600).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(account)
}
