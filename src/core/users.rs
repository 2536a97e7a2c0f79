//! Mailboxes: an address with a password hash, a quota, an enabled flag and a role (an
//! administrator may use the web administration; the CLI needs no role, only access to the
//! data directory).

use super::sql::{Row, args};
use super::{Address, CoreError, Db, Domain, Result, now};

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub address: Address,
    pub password_hash: String,
    /// Bytes; 0 means no quota.
    pub quota: u64,
    pub enabled: bool,
    pub created: i64,
    /// The user's own outbound limits (`None`: the server's `submission.max_*`), see
    /// [`super::sendlimit`].
    pub send_limit: super::sendlimit::Override,
    /// May use the web administration (`role = 'admin'`).
    pub admin: bool,
}

/// A user to create: address, an already computed password hash, and a quota in bytes.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub address: Address,
    pub password_hash: String,
    pub quota: u64,
}

const SELECT: &str = "SELECT u.id, u.address, d.name, u.password, u.quota, u.enabled, u.created,
    u.send_per_hour, u.send_rcpts_per_day, u.role FROM users u JOIN domains d ON d.id = u.domain_id";

fn user(r: &Row) -> Result<User> {
    let address: String = r.get(1)?;
    let domain: String = r.get(2)?;
    let local = address
        .strip_suffix(&format!("@{domain}"))
        .unwrap_or(&address)
        .to_string();
    Ok(User {
        id: r.get(0)?,
        address: Address::from_stored(local, domain),
        password_hash: r.get(3)?,
        quota: r.get(4)?,
        enabled: r.get(5)?,
        created: r.get(6)?,
        send_limit: super::sendlimit::Override {
            messages_per_hour: r.get(7)?,
            recipients_per_day: r.get(8)?,
        },
        admin: r.get::<String>(9)? == "admin",
    })
}

impl Db {
    /// Checks that an address may become a mailbox: its domain is served, and its local part
    /// does not hold the sub-address separator (the part after it would never be seen).
    fn check_new_mailbox(&self, address: &Address, sep: &str) -> Result<i64> {
        if address.has_detail(sep) {
            return Err(CoreError::Invalid(format!(
                "{address}: the local part contains the sub-address separator '{sep}', so mail to it would go to {}; pick another name or change smtp.recipient_delimiter",
                address.without_detail(sep)
            )));
        }
        self.require_domain(address.domain())
    }

    pub fn add_user(&self, new: &NewUser) -> Result<User> {
        let sep = self.setting("smtp.recipient_delimiter")?;
        let domain_id = self.check_new_mailbox(&new.address, &sep)?;
        let n = self.sql().execute(
            "INSERT INTO users (domain_id, address, password, quota, created) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (address) DO NOTHING",
            args![domain_id, new.address.to_string(), &new.password_hash, new.quota as i64, now()],
        )?;
        if n == 0 {
            return Err(CoreError::Exists {
                kind: "user",
                name: new.address.to_string(),
            });
        }
        self.user(&new.address)?.ok_or_else(|| CoreError::NotFound {
            kind: "user",
            name: new.address.to_string(),
        })
    }

    /// Creates many users in one transaction: all or none. Errors name the 0-based index of
    /// the offending entry.
    pub fn import_users(
        &mut self,
        users: &[NewUser],
    ) -> std::result::Result<usize, (usize, CoreError)> {
        let at = |i: usize| move |e: CoreError| (i, e);
        let sep = self.setting("smtp.recipient_delimiter").map_err(at(0))?;
        let mut domain_ids = std::collections::HashMap::new();
        for (i, u) in users.iter().enumerate() {
            if u.address.has_detail(&sep) || !domain_ids.contains_key(u.address.domain()) {
                let id = self.check_new_mailbox(&u.address, &sep).map_err(at(i))?;
                domain_ids.insert(u.address.domain().clone(), id);
            }
        }
        let sql = self.sql();
        let created = now();
        // The index of the entry being inserted, so a failure names it.
        let at_entry = std::cell::Cell::new(0);
        sql.transaction(|| {
            for (i, u) in users.iter().enumerate() {
                at_entry.set(i);
                let address = u.address.to_string();
                sql.execute(
                    "INSERT INTO users (domain_id, address, password, quota, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                    args![
                        domain_ids[u.address.domain()],
                        address.as_str(),
                        &u.password_hash,
                        u.quota as i64,
                        created
                    ],
                )
                .map_err(|e| match e {
                    e if e.is_unique_violation() => CoreError::Exists {
                        kind: "user",
                        name: address.clone(),
                    },
                    e => e,
                })?;
            }
            Ok(())
        })
        .map_err(|e| (at_entry.get(), e))?;
        Ok(users.len())
    }

    /// The mailbox at `address`, if there is one: from the directory cache when the daemon
    /// has one (delivery, quota and Sieve ask for every message).
    pub fn user(&self, address: &Address) -> Result<Option<User>> {
        let key = address.to_string();
        self.through_cache(
            |c| c.users.get(&key).cloned(),
            |c, v| c.put_user(key.clone(), v),
            || {
                self.sql()
                    .query_opt(&format!("{SELECT} WHERE u.address = ?1"), args![&key])?
                    .as_ref()
                    .map(user)
                    .transpose()
            },
        )
    }

    pub(crate) fn require_user(&self, address: &Address) -> Result<User> {
        self.user(address)?.ok_or_else(|| CoreError::NotFound {
            kind: "user",
            name: address.to_string(),
        })
    }

    pub fn users(&self, domain: Option<&Domain>) -> Result<Vec<User>> {
        let rows = match domain {
            Some(d) => {
                self.require_domain(d)?;
                self.sql()
                    .query(&format!("{SELECT} WHERE d.name = ?1"), args![d.as_str()])?
            }
            None => self.sql().query(SELECT, &[])?,
        };
        let mut all = rows.iter().map(user).collect::<Result<Vec<_>>>()?;
        // Sorted here: PostgreSQL's ORDER BY follows the database's collation, and both
        // engines must list in the same (byte) order.
        all.sort_by_key(|u| u.address.to_string());
        Ok(all)
    }

    pub fn remove_user(&self, address: &Address) -> Result<User> {
        let u = self.require_user(address)?;
        self.sql()
            .execute("DELETE FROM users WHERE id = ?1", args![u.id])?;
        Ok(u)
    }

    pub fn set_password_hash(&self, address: &Address, hash: &str) -> Result<()> {
        let u = self.require_user(address)?;
        self.sql().execute(
            "UPDATE users SET password = ?1 WHERE id = ?2",
            args![hash, u.id],
        )?;
        Ok(())
    }

    pub fn set_quota(&self, address: &Address, quota: u64) -> Result<()> {
        let u = self.require_user(address)?;
        self.sql().execute(
            "UPDATE users SET quota = ?1 WHERE id = ?2",
            args![quota as i64, u.id],
        )?;
        Ok(())
    }

    pub fn set_enabled(&self, address: &Address, enabled: bool) -> Result<()> {
        let u = self.require_user(address)?;
        self.sql().execute(
            "UPDATE users SET enabled = ?1 WHERE id = ?2",
            args![enabled, u.id],
        )?;
        Ok(())
    }

    /// Makes `address` an administrator (`admin`) or an ordinary user.
    pub fn set_admin(&self, address: &Address, admin: bool) -> Result<()> {
        let u = self.require_user(address)?;
        self.sql().execute(
            "UPDATE users SET role = ?1 WHERE id = ?2",
            args![if admin { "admin" } else { "user" }, u.id],
        )?;
        Ok(())
    }

    pub fn user_count(&self) -> Result<u64> {
        self.sql()
            .query_one("SELECT count(*) FROM users", &[])?
            .get(0)
    }
}
