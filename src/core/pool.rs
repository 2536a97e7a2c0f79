//! A small pool of core database connections for blocking tasks. `Db` is not `Sync`, and
//! opening one per message would cost a schema check each time; idle connections are kept.
//! It sits in core/ because the database is core's: a PostgreSQL core brings its own pool.
//!
//! Not here: which thread runs the blocking work (callers use `spawn_blocking`).

use std::sync::{Arc, Mutex};

use super::{DataDir, Db, Result};

pub struct DbPool {
    data_dir: DataDir,
    idle: Mutex<Vec<Db>>,
    /// What its connections read per message and rarely changes (`core::dircache`).
    cache: Arc<super::dircache::DirCache>,
}

pub struct PooledDb {
    db: Option<Db>,
    pool: Arc<DbPool>,
}

impl DbPool {
    pub fn new(data_dir: DataDir) -> Arc<DbPool> {
        Arc::new(DbPool {
            data_dir,
            idle: Mutex::new(Vec::new()),
            cache: super::dircache::DirCache::new(),
        })
    }

    /// A connection; blocking (may open the database). Call from blocking context only.
    pub fn get(self: &Arc<Self>) -> Result<PooledDb> {
        let cached = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let db = match cached {
            Some(db) => db,
            None => {
                let mut db = Db::open(&self.data_dir)?;
                db.cache = Some(self.cache.clone());
                db
            }
        };
        Ok(PooledDb {
            db: Some(db),
            pool: self.clone(),
        })
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }
}

impl std::ops::Deref for PooledDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db.as_ref().expect("present until drop")
    }
}

impl std::ops::DerefMut for PooledDb {
    fn deref_mut(&mut self) -> &mut Db {
        self.db.as_mut().expect("present until drop")
    }
}

impl Drop for PooledDb {
    fn drop(&mut self) {
        if let Some(db) = self.db.take() {
            // A connection PostgreSQL closed (a restart, a failover) fails every statement:
            // dropped here, so the next caller opens a fresh one instead of failing forever.
            if db.sql().is_closed() {
                return;
            }
            let mut idle = self.pool.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < 64 {
                idle.push(db);
            }
        }
    }
}
