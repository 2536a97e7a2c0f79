//! Users' Sieve scripts (RFC 5228) as ManageSieve (RFC 5804) and `mailctl sieve` see them:
//! named scripts per user, at most one active, with the server's quotas
//! (`sieve.max_scripts`, `sieve.max_script_size`). A script is stored only if it compiles,
//! so delivery never meets one that cannot run.
//!
//! Stored in `sieve_scripts` (migration 12); rows go with their user. Shared between nodes
//! (issue 21): a script stored through ManageSieve on one node is the one delivery on any
//! node reads next, since delivery asks the database per recipient ([`Db::delivery_sieve`]).
//!
//! Not here: running scripts (`crate::sieve`), applying their actions at delivery
//! (`smtp::sieve_delivery`), the protocol (`managesieve`), the administrator's
//! `sieve.before`/`sieve.after` script files (read by delivery).

use super::sql::{Row, args};
use super::{Address, CoreError, Db, Result, now};

/// Longest script name, in characters; RFC 5804 §1.6 asks servers to take at least 128
/// octets.
pub const MAX_NAME: usize = 128;

/// The scripts local delivery runs for one user ([`Db::delivery_sieve`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliverySieve {
    /// `sieve.before`'s file, empty for none.
    pub before: String,
    /// `sieve.after`'s file, empty for none.
    pub after: String,
    /// The user's active script: (name, text).
    pub active: Option<(String, String)>,
}

/// One stored script.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Script {
    pub name: String,
    pub active: bool,
    pub size: usize,
    pub created: i64,
    pub updated: i64,
    #[serde(skip)]
    pub content: String,
}

/// Why a script would not fit (RFC 5804 §1.3 QUOTA/MAXSCRIPTS, QUOTA/MAXSIZE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverQuota {
    MaxScripts(u64),
    MaxSize(u64),
}

impl std::fmt::Display for OverQuota {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OverQuota::MaxScripts(n) => write!(
                f,
                "at most {n} scripts per user (sieve.max_scripts); delete one first"
            ),
            OverQuota::MaxSize(n) => {
                write!(
                    f,
                    "a script may be at most {n} bytes (sieve.max_script_size)"
                )
            }
        }
    }
}

/// RFC 5804 §1.6: a name is non-empty UTF-8 without control characters (CR, LF, NUL, ...),
/// and not longer than [`MAX_NAME`].
pub fn check_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(CoreError::Invalid("a script name cannot be empty".into()));
    }
    if name.chars().count() > MAX_NAME {
        return Err(CoreError::Invalid(format!(
            "a script name is at most {MAX_NAME} characters"
        )));
    }
    if name
        .chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    {
        return Err(CoreError::Invalid(
            "a script name cannot hold control characters".into(),
        ));
    }
    Ok(())
}

/// Compiles a script as delivery will, with the server's size limit; the error says
/// `line L, column C: why`.
pub fn compile(content: &str, max_size: u64) -> Result<crate::sieve::Program> {
    let limits = crate::sieve::Limits {
        max_script_size: usize::try_from(max_size).unwrap_or(usize::MAX),
        ..Default::default()
    };
    crate::sieve::compile(content, &limits, None).map_err(|e| CoreError::Invalid(e.to_string()))
}

fn script(r: &Row) -> Result<Script> {
    let content: String = r.get(2)?;
    Ok(Script {
        name: r.get(0)?,
        active: r.get(1)?,
        size: content.len(),
        created: r.get(3)?,
        updated: r.get(4)?,
        content,
    })
}

const SELECT: &str = "SELECT name, active, content, created, updated FROM sieve_scripts";

impl Db {
    /// A user's scripts by name.
    pub fn sieve_scripts(&self, user: &Address) -> Result<Vec<Script>> {
        let id = self.require_user(user)?.id;
        self.sql()
            .query(
                &format!("{SELECT} WHERE user_id = ?1 ORDER BY name"),
                args![id],
            )?
            .iter()
            .map(script)
            .collect()
    }

    pub fn sieve_script(&self, user: &Address, name: &str) -> Result<Option<Script>> {
        let id = self.require_user(user)?.id;
        self.sql()
            .query_opt(
                &format!("{SELECT} WHERE user_id = ?1 AND name = ?2"),
                args![id, name],
            )?
            .as_ref()
            .map(script)
            .transpose()
    }

    /// The user's active script, if any (`None` also for an unknown user: delivery to an
    /// alias target that has no user row runs no script).
    pub fn active_sieve_script(&self, user: &Address) -> Result<Option<Script>> {
        self.sql()
            .query_opt(
                "SELECT s.name, s.active, s.content, s.created, s.updated FROM sieve_scripts s
                 JOIN users u ON u.id = s.user_id WHERE u.address = ?1 AND s.active = 1",
                args![user.to_string()],
            )?
            .as_ref()
            .map(script)
            .transpose()
    }

    /// What local delivery runs for `user`, in one query (it is asked per recipient): the
    /// administrator's `sieve.before`/`sieve.after` files (empty = none) and the user's active
    /// script as (name, text).
    pub fn delivery_sieve(&self, user: &Address) -> Result<DeliverySieve> {
        let key = user.to_string();
        self.through_cache(
            |c| c.sieve.get(&key).cloned(),
            |c, v| c.put_sieve(key.clone(), v),
            || self.read_delivery_sieve(&key),
        )
    }

    fn read_delivery_sieve(&self, user: &str) -> Result<DeliverySieve> {
        // `AS one`: PostgreSQL 15 wants every subquery in FROM named; SQLite takes it too.
        let r = self.sql().query_one(
            "SELECT (SELECT value FROM settings WHERE key = 'sieve.before'),
                (SELECT value FROM settings WHERE key = 'sieve.after'),
                s.name, s.content
             FROM (SELECT 1) AS one LEFT JOIN (sieve_scripts s JOIN users u ON u.id = s.user_id)
                  ON u.address = ?1 AND s.active = 1",
            args![user],
        )?;
        let active = match (r.get::<Option<String>>(2)?, r.get::<Option<String>>(3)?) {
            (Some(name), Some(text)) => Some((name, text)),
            _ => None,
        };
        Ok(DeliverySieve {
            before: r.get::<Option<String>>(0)?.unwrap_or_default(),
            after: r.get::<Option<String>>(1)?.unwrap_or_default(),
            active,
        })
    }

    /// Whether a script of `size` bytes stored as `name` fits the quotas (RFC 5804
    /// HAVESPACE); replacing a script of the same name does not count as a new one.
    pub fn sieve_space(&self, user: &Address, name: &str, size: u64) -> Result<Option<OverQuota>> {
        let max_size = self.setting_size("sieve.max_script_size")?;
        if size > max_size {
            return Ok(Some(OverQuota::MaxSize(max_size)));
        }
        let max_scripts = self.setting_u64("sieve.max_scripts")?;
        if max_scripts > 0 && self.sieve_script(user, name)?.is_none() {
            let id = self.require_user(user)?.id;
            let n: u64 = self
                .sql()
                .query_one(
                    "SELECT count(*) FROM sieve_scripts WHERE user_id = ?1",
                    args![id],
                )?
                .get(0)?;
            if n >= max_scripts {
                return Ok(Some(OverQuota::MaxScripts(max_scripts)));
            }
        }
        Ok(None)
    }

    /// Stores (creates or replaces) a script after checking its name, the quotas and that it
    /// compiles. Replacing the active script keeps it active.
    pub fn put_sieve_script(&self, user: &Address, name: &str, content: &str) -> Result<()> {
        check_name(name)?;
        if let Some(over) = self.sieve_space(user, name, content.len() as u64)? {
            return Err(CoreError::Refused(over.to_string()));
        }
        compile(content, self.setting_size("sieve.max_script_size")?)?;
        let id = self.require_user(user)?.id;
        self.sql().execute(
            "INSERT INTO sieve_scripts (user_id, name, content, created, updated)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (user_id, name) DO UPDATE SET content = ?3, updated = ?4",
            args![id, name, content, now()],
        )?;
        Ok(())
    }

    /// Makes `name` the active script, or with `None` leaves none active (RFC 5804 §2.8).
    pub fn activate_sieve_script(&self, user: &Address, name: Option<&str>) -> Result<()> {
        let id = self.require_user(user)?.id;
        let sql = self.sql();
        sql.transaction(|| {
            // Two nodes activating at once take turns, so neither meets the other's half-done
            // switch (the partial unique index would refuse it).
            sql.lock_key(&format!("sieve {id}"))?;
            if let Some(name) = name
                && sql
                    .query_opt(
                        "SELECT 1 FROM sieve_scripts WHERE user_id = ?1 AND name = ?2",
                        args![id, name],
                    )?
                    .is_none()
            {
                return Err(not_found(name));
            }
            sql.execute(
                "UPDATE sieve_scripts SET active = 0 WHERE user_id = ?1 AND active = 1",
                args![id],
            )?;
            if let Some(name) = name {
                sql.execute(
                    "UPDATE sieve_scripts SET active = 1, updated = ?3 WHERE user_id = ?1 AND name = ?2",
                    args![id, name, now()],
                )?;
            }
            Ok(())
        })
    }

    /// Deletes a script; the active one is refused (RFC 5804 §2.10: deactivate first).
    pub fn delete_sieve_script(&self, user: &Address, name: &str) -> Result<()> {
        let s = self
            .sieve_script(user, name)?
            .ok_or_else(|| not_found(name))?;
        if s.active {
            return Err(CoreError::Refused(format!(
                "script {name} is active; deactivate it (or activate another) first"
            )));
        }
        let id = self.require_user(user)?.id;
        self.sql().execute(
            "DELETE FROM sieve_scripts WHERE user_id = ?1 AND name = ?2",
            args![id, name],
        )?;
        Ok(())
    }

    /// Renames a script, keeping whether it is active (RFC 5804 §2.11.1).
    pub fn rename_sieve_script(&self, user: &Address, old: &str, new: &str) -> Result<()> {
        check_name(new)?;
        let id = self.require_user(user)?.id;
        if self.sieve_script(user, old)?.is_none() {
            return Err(not_found(old));
        }
        if self.sieve_script(user, new)?.is_some() {
            return Err(CoreError::Exists {
                kind: "script",
                name: new.to_string(),
            });
        }
        self.sql().execute(
            "UPDATE sieve_scripts SET name = ?3, updated = ?4 WHERE user_id = ?1 AND name = ?2",
            args![id, old, new, now()],
        )?;
        Ok(())
    }
}

fn not_found(name: &str) -> CoreError {
    CoreError::NotFound {
        kind: "script",
        name: name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::DataDir;

    fn setup() -> (tempfile::TempDir, Db, Address) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        db.add_domain(&crate::core::Domain::parse("example.test").unwrap())
            .unwrap();
        let a = Address::parse("ann@example.test").unwrap();
        db.add_user(&crate::core::users::NewUser {
            address: a.clone(),
            password_hash: "x".into(),
            quota: 0,
        })
        .unwrap();
        (dir, db, a)
    }

    #[test]
    fn put_activate_rename_delete() {
        let (_d, db, a) = setup();
        db.put_sieve_script(&a, "one", "keep;").unwrap();
        db.put_sieve_script(&a, "two", "discard;").unwrap();
        db.activate_sieve_script(&a, Some("one")).unwrap();
        db.activate_sieve_script(&a, Some("two")).unwrap();
        let active: Vec<_> = db
            .sieve_scripts(&a)
            .unwrap()
            .into_iter()
            .filter(|s| s.active)
            .map(|s| s.name)
            .collect();
        assert_eq!(active, ["two"]);
        assert!(db.delete_sieve_script(&a, "two").is_err());
        db.rename_sieve_script(&a, "two", "zwei").unwrap();
        assert_eq!(db.active_sieve_script(&a).unwrap().unwrap().name, "zwei");
        assert!(matches!(
            db.rename_sieve_script(&a, "zwei", "one"),
            Err(CoreError::Exists { .. })
        ));
        db.activate_sieve_script(&a, None).unwrap();
        assert!(db.active_sieve_script(&a).unwrap().is_none());
        db.delete_sieve_script(&a, "zwei").unwrap();
        assert_eq!(db.sieve_scripts(&a).unwrap().len(), 1);
        assert!(matches!(
            db.activate_sieve_script(&a, Some("nope")),
            Err(CoreError::NotFound { .. })
        ));
    }

    #[test]
    fn broken_scripts_and_bad_names_are_refused_with_a_position() {
        let (_d, db, a) = setup();
        let e = db
            .put_sieve_script(&a, "x", "require \"fileinto\";\nfileinto \"a\"\nkeep;")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line "), "{e}");
        assert!(e.contains("column"), "{e}");
        assert!(db.put_sieve_script(&a, "", "keep;").is_err());
        assert!(db.put_sieve_script(&a, "a\r\nb", "keep;").is_err());
        assert!(db.sieve_scripts(&a).unwrap().is_empty());
    }

    #[test]
    fn quotas_on_count_and_size() {
        let (_d, db, a) = setup();
        db.set_setting("sieve.max_scripts", "2").unwrap();
        db.set_setting("sieve.max_script_size", "100").unwrap();
        db.put_sieve_script(&a, "a", "keep;").unwrap();
        db.put_sieve_script(&a, "b", "keep;").unwrap();
        assert_eq!(
            db.sieve_space(&a, "c", 5).unwrap(),
            Some(OverQuota::MaxScripts(2))
        );
        // Replacing one is not a new one.
        assert_eq!(db.sieve_space(&a, "b", 5).unwrap(), None);
        db.put_sieve_script(&a, "b", "discard;").unwrap();
        assert!(db.put_sieve_script(&a, "c", "keep;").is_err());
        assert_eq!(
            db.sieve_space(&a, "a", 101).unwrap(),
            Some(OverQuota::MaxSize(100))
        );
        let big = format!("keep;{}", " ".repeat(100));
        assert!(db.put_sieve_script(&a, "a", &big).is_err());
    }

    #[test]
    fn scripts_go_with_their_user() {
        let (_d, db, a) = setup();
        db.put_sieve_script(&a, "a", "keep;").unwrap();
        db.activate_sieve_script(&a, Some("a")).unwrap();
        db.remove_user(&a).unwrap();
        assert!(db.active_sieve_script(&a).unwrap().is_none());
    }
}
