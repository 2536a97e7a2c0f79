//! The user's scripts as the ManageSieve session sees them ([`Scripts`]), and their
//! implementation over the database's script storage (`core::sieve`), opened after a login.
//!
//! Not here: SQL (`core::sieve`), compiling (`crate::sieve`), reply text (`session`).

use std::sync::Arc;

use crate::core::pool::DbPool;
use crate::core::sieve::OverQuota;
use crate::core::{Address, CoreError};

/// Why a script operation failed, as RFC 5804 §1.3 response codes tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// NONEXISTENT.
    NonExistent(String),
    /// ALREADYEXISTS.
    AlreadyExists(String),
    /// ACTIVE: the active script cannot be deleted.
    Active(String),
    /// QUOTA/MAXSCRIPTS, QUOTA/MAXSIZE.
    Quota(OverQuota),
    /// A bad name, or a script that does not compile (`line L, column C: why`).
    Invalid(String),
    /// TRYLATER: the database could not be used.
    TryLater(String),
}

impl From<CoreError> for StoreError {
    fn from(e: CoreError) -> StoreError {
        match e {
            CoreError::NotFound { name, .. } => StoreError::NonExistent(name),
            CoreError::Exists { name, .. } => StoreError::AlreadyExists(name),
            CoreError::Invalid(why) | CoreError::Refused(why) => StoreError::Invalid(why),
            other => StoreError::TryLater(other.to_string()),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// One user's scripts. Called from the session's `poll`, on the driver's blocking thread.
pub trait Scripts: Send {
    /// The largest script accepted, in octets (`sieve.max_script_size`), read at login.
    fn max_size(&self) -> u64;
    /// Names and whether each is the active one, by name.
    fn list(&self) -> Result<Vec<(String, bool)>>;
    fn get(&self, name: &str) -> Result<String>;
    /// Whether a script of `size` octets stored as `name` would fit.
    fn have_space(&self, name: &str, size: u64) -> Result<()>;
    /// Compiles without storing (CHECKSCRIPT).
    fn check(&self, content: &str) -> Result<()>;
    fn put(&self, name: &str, content: &str) -> Result<()>;
    /// `None` deactivates.
    fn activate(&self, name: Option<&str>) -> Result<()>;
    fn delete(&self, name: &str) -> Result<()>;
    fn rename(&self, old: &str, new: &str) -> Result<()>;
}

/// [`Scripts`] over the database.
pub struct DbScripts {
    pool: Arc<DbPool>,
    user: Address,
    max_size: u64,
}

impl DbScripts {
    pub fn open(pool: Arc<DbPool>, user: Address) -> Result<DbScripts> {
        let max_size = db(&pool)?.setting_size("sieve.max_script_size")?;
        Ok(DbScripts {
            pool,
            user,
            max_size,
        })
    }

    fn db(&self) -> Result<crate::core::pool::PooledDb> {
        db(&self.pool)
    }
}

fn db(pool: &Arc<DbPool>) -> Result<crate::core::pool::PooledDb> {
    pool.get()
        .map_err(|e| StoreError::TryLater(format!("database unavailable: {e}")))
}

impl Scripts for DbScripts {
    fn max_size(&self) -> u64 {
        self.max_size
    }

    fn list(&self) -> Result<Vec<(String, bool)>> {
        Ok(self
            .db()?
            .sieve_scripts(&self.user)?
            .into_iter()
            .map(|s| (s.name, s.active))
            .collect())
    }

    fn get(&self, name: &str) -> Result<String> {
        self.db()?
            .sieve_script(&self.user, name)?
            .map(|s| s.content)
            .ok_or_else(|| StoreError::NonExistent(name.to_string()))
    }

    fn have_space(&self, name: &str, size: u64) -> Result<()> {
        match self.db()?.sieve_space(&self.user, name, size)? {
            Some(over) => Err(StoreError::Quota(over)),
            None => Ok(()),
        }
    }

    fn check(&self, content: &str) -> Result<()> {
        crate::core::sieve::compile(content, self.max_size)?;
        Ok(())
    }

    /// The quota first, so its code is told apart from a compile error (`put_sieve_script`
    /// checks it again, inside the store).
    fn put(&self, name: &str, content: &str) -> Result<()> {
        crate::core::sieve::check_name(name)?;
        self.have_space(name, content.len() as u64)?;
        let db = self.db()?;
        db.put_sieve_script(&self.user, name, content)?;
        Ok(())
    }

    fn activate(&self, name: Option<&str>) -> Result<()> {
        self.db()?.activate_sieve_script(&self.user, name)?;
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<()> {
        let db = self.db()?;
        match db.sieve_script(&self.user, name)? {
            None => Err(StoreError::NonExistent(name.to_string())),
            Some(s) if s.active => Err(StoreError::Active(name.to_string())),
            Some(_) => Ok(db.delete_sieve_script(&self.user, name)?),
        }
    }

    fn rename(&self, old: &str, new: &str) -> Result<()> {
        self.db()?.rename_sieve_script(&self.user, old, new)?;
        Ok(())
    }
}
