//! Domains this server receives mail for.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::db::count;
use super::{CoreError, Db, Domain, Result, now};

#[derive(Debug, Clone)]
pub struct DomainInfo {
    pub name: Domain,
    pub created: i64,
    pub users: u64,
    pub aliases: u64,
}

const SELECT_INFO: &str = "SELECT d.name, d.created,
        (SELECT count(*) FROM users u WHERE u.domain_id = d.id),
        (SELECT count(DISTINCT a.source) FROM aliases a WHERE a.domain_id = d.id)
    FROM domains d";

fn info(r: &rusqlite::Row<'_>) -> rusqlite::Result<DomainInfo> {
    Ok(DomainInfo {
        name: Domain::from_stored(r.get(0)?),
        created: r.get(1)?,
        users: count(r, 2)?,
        aliases: count(r, 3)?,
    })
}

impl Db {
    pub fn add_domain(&self, domain: &Domain) -> Result<()> {
        let n = self.conn().execute(
            "INSERT INTO domains (name, created) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            params![domain.as_str(), now()],
        )?;
        if n == 0 {
            return Err(CoreError::Exists {
                kind: "domain",
                name: domain.to_string(),
            });
        }
        Ok(())
    }

    /// Removes a domain. With users or aliases it refuses unless `force`, which removes them
    /// too (their Maildirs stay on disk). Returns the removed counts.
    pub fn remove_domain(&mut self, domain: &Domain, force: bool) -> Result<DomainInfo> {
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found = tx
            .query_row(
                &format!("{SELECT_INFO} WHERE d.name = ?1"),
                [domain.as_str()],
                info,
            )
            .optional()?
            .ok_or_else(|| CoreError::NotFound {
                kind: "domain",
                name: domain.to_string(),
            })?;
        if (found.users > 0 || found.aliases > 0) && !force {
            return Err(CoreError::Refused(format!(
                "domain {domain} still has {} user(s) and {} alias(es); remove them first or pass --force",
                found.users, found.aliases
            )));
        }
        let id: i64 = tx.query_row(
            "SELECT id FROM domains WHERE name = ?1",
            [domain.as_str()],
            |r| r.get(0),
        )?;
        tx.execute("DELETE FROM aliases WHERE domain_id = ?1", [id])?;
        tx.execute("DELETE FROM users WHERE domain_id = ?1", [id])?;
        tx.execute("DELETE FROM domains WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(found)
    }

    pub fn domains(&self) -> Result<Vec<DomainInfo>> {
        let mut stmt = self
            .conn()
            .prepare(&format!("{SELECT_INFO} ORDER BY d.name"))?;
        let rows = stmt
            .query_map([], info)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The names of the domains served, without the per-domain counts of [`Db::domains`]:
    /// what the inbound checks need for every message.
    pub fn domain_names(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached("SELECT name FROM domains")?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }

    pub fn domain(&self, domain: &Domain) -> Result<Option<DomainInfo>> {
        Ok(self
            .conn()
            .query_row(
                &format!("{SELECT_INFO} WHERE d.name = ?1"),
                [domain.as_str()],
                info,
            )
            .optional()?)
    }

    pub fn domain_exists(&self, domain: &Domain) -> Result<bool> {
        Ok(self.domain_id(domain)?.is_some())
    }

    pub(crate) fn domain_id(&self, domain: &Domain) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id FROM domains WHERE name = ?1")?
            .query_row([domain.as_str()], |r| r.get(0))
            .optional()?)
    }

    /// The id of a domain that must exist, with an error that says how to add it.
    pub(crate) fn require_domain(&self, domain: &Domain) -> Result<i64> {
        self.domain_id(domain)?.ok_or_else(|| {
            CoreError::Refused(format!(
                "domain {domain} is not served here; add it first with `mailctl domain add {domain}`"
            ))
        })
    }
}
