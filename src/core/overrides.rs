//! Per-domain and per-user inbound policy: a recipient domain's own spam thresholds and
//! actions for spam and DMARC failures, and a user's own spam thresholds, each falling back
//! to the next level (user → domain → the server's `inbound.*` settings) where unset.
//!
//! Stored in `inbound_overrides` (migration 10), one row per domain or user that has any;
//! the rows go with their domain or user. The MX reads them all at once per message
//! ([`Db::inbound_overrides`]), never per recipient.
//!
//! Not here: what the values mean for a message (`inbound::recipients`), the server-wide
//! settings (`core::settings`).

use super::sql::{Row, args};

use super::{Address, CoreError, Db, Domain, Result};

/// The action words a domain may set for spam and DMARC failures, as the `inbound.*`
/// settings take them: `reject` (5xx at DATA), `junk` (the Junk folder), `tag` (header only).
pub const ACTIONS: &[&str] = &["reject", "junk", "tag"];

/// One domain's or user's overrides; `None` follows the next level.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Override {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spam_junk_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spam_reject_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spam_action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dmarc_reject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dmarc_quarantine: Option<String>,
}

impl Override {
    pub fn is_empty(&self) -> bool {
        *self == Override::default()
    }

    /// `other`'s set values over these.
    pub fn merged(&self, other: &Override) -> Override {
        Override {
            spam_junk_score: other.spam_junk_score.or(self.spam_junk_score),
            spam_reject_score: other.spam_reject_score.or(self.spam_reject_score),
            spam_action: other.spam_action.clone().or(self.spam_action.clone()),
            dmarc_reject: other.dmarc_reject.clone().or(self.dmarc_reject.clone()),
            dmarc_quarantine: other
                .dmarc_quarantine
                .clone()
                .or(self.dmarc_quarantine.clone()),
        }
    }

    /// Refuses a score that is not a finite number within the settings' range, an action
    /// that is not one of [`ACTIONS`], and a reject score below the junk score.
    pub fn validate(&self) -> Result<()> {
        for (name, s) in [
            ("spam junk score", self.spam_junk_score),
            ("spam reject score", self.spam_reject_score),
        ] {
            if let Some(s) = s
                && !(s.is_finite() && s.abs() <= 1000.0)
            {
                return Err(CoreError::Invalid(format!(
                    "{name} {s} is not a score (a number from -1000 to 1000 such as 6 or 5.5)"
                )));
            }
        }
        for (name, a) in [
            ("spam action", &self.spam_action),
            ("DMARC reject action", &self.dmarc_reject),
            ("DMARC quarantine action", &self.dmarc_quarantine),
        ] {
            if let Some(a) = a
                && !ACTIONS.contains(&a.as_str())
            {
                return Err(CoreError::Invalid(format!(
                    "{name} '{a}' is not one of {}",
                    ACTIONS.join(", ")
                )));
            }
        }
        if let (Some(j), Some(r)) = (self.spam_junk_score, self.spam_reject_score)
            && r < j
        {
            return Err(CoreError::Invalid(format!(
                "spam reject score {r} is below the junk score {j}: mail would be refused before it could go to Junk"
            )));
        }
        Ok(())
    }
}

/// Every override, as the MX needs them for one message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllOverrides {
    /// Domain name (ASCII, lowercase) → its overrides.
    pub domains: Vec<(String, Override)>,
    /// Mailbox address (as stored) → its overrides.
    pub users: Vec<(String, Override)>,
}

fn row(r: &Row, first: usize) -> Result<Override> {
    Ok(Override {
        spam_junk_score: r.get(first)?,
        spam_reject_score: r.get(first + 1)?,
        spam_action: r.get(first + 2)?,
        dmarc_reject: r.get(first + 3)?,
        dmarc_quarantine: r.get(first + 4)?,
    })
}

const COLUMNS: &str = "o.spam_junk_score, o.spam_reject_score, o.spam_action, o.dmarc_reject,
    o.dmarc_quarantine";

impl Db {
    /// All overrides in one query (the table holds only domains and users that have any).
    pub fn inbound_overrides(&self) -> Result<AllOverrides> {
        let all = self.through_cache(
            |c| c.overrides.clone(),
            |c, v| c.overrides = Some(v),
            || Ok(std::sync::Arc::new(self.read_inbound_overrides()?)),
        )?;
        Ok((*all).clone())
    }

    fn read_inbound_overrides(&self) -> Result<AllOverrides> {
        let rows = self.sql().query(
            &format!(
                "SELECT d.name, u.address, {COLUMNS} FROM inbound_overrides o
             LEFT JOIN domains d ON d.id = o.domain_id LEFT JOIN users u ON u.id = o.user_id"
            ),
            &[],
        )?;
        let mut all = AllOverrides::default();
        for r in rows {
            match (
                r.get::<Option<String>>(0)?,
                r.get::<Option<String>>(1)?,
                row(&r, 2)?,
            ) {
                (Some(d), _, o) => all.domains.push((d, o)),
                (None, Some(u), o) => all.users.push((u, o)),
                _ => {}
            }
        }
        Ok(all)
    }

    /// A domain's overrides (empty when it has none); the domain must be served.
    pub fn domain_overrides(&self, domain: &Domain) -> Result<Override> {
        let id = self.require_domain(domain)?;
        self.overrides_where("o.domain_id = ?1", id)
    }

    /// A user's overrides (empty when it has none); the user must exist.
    pub fn user_overrides(&self, address: &Address) -> Result<Override> {
        let id = self.require_user(address)?.id;
        self.overrides_where("o.user_id = ?1", id)
    }

    fn overrides_where(&self, cond: &str, id: i64) -> Result<Override> {
        Ok(self
            .sql()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM inbound_overrides o WHERE {cond}"),
                args![id],
            )?
            .map(|r| row(&r, 0))
            .transpose()?
            .unwrap_or_default())
    }

    /// Stores a domain's overrides as given (`None` fields unset); an empty set removes
    /// the row.
    pub fn set_domain_overrides(&self, domain: &Domain, o: &Override) -> Result<()> {
        o.validate()?;
        let id = self.require_domain(domain)?;
        self.store_overrides("domain_id", id, o)
    }

    /// Stores a user's spam thresholds (the actions stay the domain's).
    pub fn set_user_overrides(&self, address: &Address, o: &Override) -> Result<()> {
        o.validate()?;
        if o.spam_action.is_some() || o.dmarc_reject.is_some() || o.dmarc_quarantine.is_some() {
            return Err(CoreError::Invalid(
                "a user overrides only the spam scores; actions are set per domain".into(),
            ));
        }
        let id = self.require_user(address)?.id;
        self.store_overrides("user_id", id, o)
    }

    fn store_overrides(&self, column: &str, id: i64, o: &Override) -> Result<()> {
        let sql = self.sql();
        if o.is_empty() {
            sql.execute(
                &format!("DELETE FROM inbound_overrides WHERE {column} = ?1"),
                args![id],
            )?;
            return Ok(());
        }
        sql.execute(
            &format!(
                "INSERT INTO inbound_overrides ({column}, spam_junk_score, spam_reject_score,
                    spam_action, dmarc_reject, dmarc_quarantine) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT ({column}) DO UPDATE SET spam_junk_score = ?2,
                    spam_reject_score = ?3, spam_action = ?4, dmarc_reject = ?5,
                    dmarc_quarantine = ?6"
            ),
            args![
                id,
                o.spam_junk_score,
                o.spam_reject_score,
                o.spam_action.as_deref(),
                o.dmarc_reject.as_deref(),
                o.dmarc_quarantine.as_deref()
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::DataDir;
    use crate::core::users::NewUser;

    #[test]
    fn overrides_round_trip_and_go_with_their_owner() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        let d = Domain::parse("a.test").unwrap();
        db.add_domain(&d).unwrap();
        let addr = Address::parse("bob@a.test").unwrap();
        db.add_user(&NewUser {
            address: addr.clone(),
            password_hash: "x".into(),
            quota: 0,
        })
        .unwrap();
        assert!(db.inbound_overrides().unwrap().domains.is_empty());
        let dom = Override {
            spam_junk_score: Some(2.5),
            spam_action: Some("junk".into()),
            ..Default::default()
        };
        db.set_domain_overrides(&d, &dom).unwrap();
        let user = Override {
            spam_reject_score: Some(4.0),
            ..Default::default()
        };
        db.set_user_overrides(&addr, &user).unwrap();
        assert_eq!(db.domain_overrides(&d).unwrap(), dom);
        assert_eq!(db.user_overrides(&addr).unwrap(), user);
        let all = db.inbound_overrides().unwrap();
        assert_eq!(all.domains, vec![("a.test".to_string(), dom.clone())]);
        assert_eq!(all.users, vec![("bob@a.test".to_string(), user)]);
        // Bad values are refused before anything is written.
        let bad = Override {
            spam_action: Some("drop".into()),
            ..Default::default()
        };
        assert!(db.set_domain_overrides(&d, &bad).is_err());
        let inverted = Override {
            spam_junk_score: Some(9.0),
            spam_reject_score: Some(3.0),
            ..Default::default()
        };
        assert!(db.set_domain_overrides(&d, &inverted).is_err());
        assert!(
            db.set_user_overrides(&addr, &dom).is_err(),
            "actions are per domain"
        );
        assert_eq!(db.domain_overrides(&d).unwrap(), dom);
        // Removing the domain (and its users) removes their rows.
        db.remove_domain(&d, true).unwrap();
        assert_eq!(db.inbound_overrides().unwrap(), AllOverrides::default());
        let gone = Domain::parse("b.test").unwrap();
        assert!(
            db.set_domain_overrides(&gone, &Override::default())
                .is_err()
        );
    }
}
