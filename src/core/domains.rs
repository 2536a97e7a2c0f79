//! Domains this server receives mail for.

use super::sql::{Row, args};
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

fn info(r: &Row) -> Result<DomainInfo> {
    Ok(DomainInfo {
        name: Domain::from_stored(r.get(0)?),
        created: r.get(1)?,
        users: r.get(2)?,
        aliases: r.get(3)?,
    })
}

impl Db {
    pub fn add_domain(&self, domain: &Domain) -> Result<()> {
        let n = self.sql().execute(
            "INSERT INTO domains (name, created) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            args![domain.as_str(), now()],
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
        let sql = self.sql();
        sql.transaction(|| {
            let found = self.domain(domain)?.ok_or_else(|| CoreError::NotFound {
                kind: "domain",
                name: domain.to_string(),
            })?;
            if (found.users > 0 || found.aliases > 0) && !force {
                return Err(CoreError::Refused(format!(
                    "domain {domain} still has {} user(s) and {} alias(es); remove them first or pass --force",
                    found.users, found.aliases
                )));
            }
            let id: i64 = sql
                .query_one("SELECT id FROM domains WHERE name = ?1", args![domain.as_str()])?
                .get(0)?;
            sql.execute("DELETE FROM aliases WHERE domain_id = ?1", args![id])?;
            sql.execute("DELETE FROM users WHERE domain_id = ?1", args![id])?;
            sql.execute("DELETE FROM domains WHERE id = ?1", args![id])?;
            Ok(found)
        })
    }

    pub fn domains(&self) -> Result<Vec<DomainInfo>> {
        let mut all = self
            .sql()
            .query(SELECT_INFO, &[])?
            .iter()
            .map(info)
            .collect::<Result<Vec<_>>>()?;
        // Sorted here: PostgreSQL's ORDER BY follows the database's collation, and both
        // engines must list in the same (byte) order.
        all.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        Ok(all)
    }

    /// The names of the domains served, without the per-domain counts of [`Db::domains`]:
    /// what the inbound checks need for every message.
    pub fn domain_names(&self) -> Result<Vec<String>> {
        let mut names: Vec<String> = self.domain_ids()?.keys().cloned().collect();
        names.sort();
        Ok(names)
    }

    /// Every served domain's id by name, from the directory cache when the daemon has one.
    fn domain_ids(&self) -> Result<std::sync::Arc<std::collections::HashMap<String, i64>>> {
        self.through_cache(
            |c| c.domains.clone(),
            |c, v| c.domains = Some(v),
            || {
                let rows = self.sql().query("SELECT name, id FROM domains", &[])?;
                let all = rows
                    .iter()
                    .map(|r| Ok((r.get(0)?, r.get(1)?)))
                    .collect::<Result<_>>()?;
                Ok(std::sync::Arc::new(all))
            },
        )
    }

    pub fn domain(&self, domain: &Domain) -> Result<Option<DomainInfo>> {
        self.sql()
            .query_opt(
                &format!("{SELECT_INFO} WHERE d.name = ?1"),
                args![domain.as_str()],
            )?
            .as_ref()
            .map(info)
            .transpose()
    }

    pub fn domain_exists(&self, domain: &Domain) -> Result<bool> {
        Ok(self.domain_id(domain)?.is_some())
    }

    pub(crate) fn domain_id(&self, domain: &Domain) -> Result<Option<i64>> {
        Ok(self.domain_ids()?.get(domain.as_str()).copied())
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
