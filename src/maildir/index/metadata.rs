//! RFC 5464 METADATA entries: per folder, and for the server under the folder name `""`.
//! They live in the `metadata` table, go with their folder on DELETE and follow it on RENAME
//! (`mailboxes.rs`). Setting checks the caps inside the write transaction, so two sessions
//! cannot pass a cap together. Not here: entry-name syntax, `/shared/admin` and the protocol
//! (`crate::imap::cmd::metadata`).

use super::{Index, IndexError, Result};
use crate::core::sql::{Value, args};

/// Caps on what a user can store as metadata (0 = no cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetadataLimits {
    /// Octets in one value: past it `[METADATA MAXSIZE n]`.
    pub max_value: usize,
    /// Entries on one folder (or the server): past it `[METADATA TOOMANY]`.
    pub max_entries: usize,
    /// Octets of names and values over the whole account: past it `[METADATA TOOMANY]`.
    pub max_total: usize,
}

impl Default for MetadataLimits {
    fn default() -> Self {
        MetadataLimits {
            max_value: 64 * 1024,
            max_entries: 100,
            max_total: 1024 * 1024,
        }
    }
}

/// Why a SETMETADATA was refused as a whole (RFC 5464 §4.3: nothing of it is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataRefused {
    MaxSize(usize),
    TooMany,
}

fn within(cap: usize, n: usize) -> bool {
    cap == 0 || n <= cap
}

/// Why a transaction of [`Index::set_metadata`] ended without committing.
enum Unset {
    Index(IndexError),
    Refused(MetadataRefused),
}

impl From<IndexError> for Unset {
    fn from(e: IndexError) -> Self {
        Unset::Index(e)
    }
}

impl From<crate::core::CoreError> for Unset {
    fn from(e: crate::core::CoreError) -> Self {
        Unset::Index(e.into())
    }
}

impl Index {
    /// Every entry of `folder` (`""`: the server's), by name (byte order on both engines:
    /// sorted here, not by the database's collation).
    pub fn metadata(&self, folder: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let mut entries = self
            .sql
            .query(
                "SELECT entry, value FROM metadata WHERE folder = ?1",
                args![folder],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect::<Result<Vec<(String, Vec<u8>)>>>()?;
        entries.sort();
        Ok(entries)
    }

    /// Sets (`Some`) and removes (`None`) entries of `folder` all together, or none of them
    /// when a cap would be passed.
    pub fn set_metadata(
        &mut self,
        folder: &str,
        changes: &[(String, Option<Vec<u8>>)],
        limits: MetadataLimits,
    ) -> Result<std::result::Result<(), MetadataRefused>> {
        let values = changes.iter().filter_map(|(_, v)| v.as_ref());
        if values.clone().any(|v| !within(limits.max_value, v.len())) {
            return Ok(Err(MetadataRefused::MaxSize(limits.max_value)));
        }
        let upsert = if self.sql.is_postgres() {
            "INSERT INTO mailbox_index.mailbox_metadata (account, folder, entry, value) \
             VALUES (current_setting('mailctl.account'), ?1, ?2, ?3) \
             ON CONFLICT (account, folder, entry) DO UPDATE SET value = excluded.value"
        } else {
            "INSERT OR REPLACE INTO metadata (folder, entry, value) VALUES (?1, ?2, ?3)"
        };
        let done = self.write(|sql| {
            for (entry, value) in changes {
                match value {
                    Some(v) => sql.execute(
                        upsert,
                        &[folder.into(), entry.into(), Value::Blob(v.clone())],
                    )?,
                    None => sql.execute(
                        "DELETE FROM metadata WHERE folder = ?1 AND entry = ?2",
                        args![folder, entry],
                    )?,
                };
            }
            let count: u64 = sql
                .query_one(
                    "SELECT count(*) FROM metadata WHERE folder = ?1",
                    args![folder],
                )?
                .get(0)?;
            let total: u64 = sql
                .query_one(
                    "SELECT CAST(coalesce(sum(length(entry) + length(value)), 0) AS BIGINT) \
                     FROM metadata",
                    &[],
                )?
                .get(0)?;
            if !within(limits.max_entries, count as usize)
                || !within(limits.max_total, total as usize)
            {
                // Rolls every change of this command back.
                return Err(Unset::Refused(MetadataRefused::TooMany));
            }
            Ok(())
        });
        match done {
            Ok(()) => Ok(Ok(())),
            Err(Unset::Refused(r)) => Ok(Err(r)),
            Err(Unset::Index(e)) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(
        ix: &mut Index,
        folder: &str,
        entry: &str,
        v: Option<&str>,
        l: MetadataLimits,
    ) -> std::result::Result<(), MetadataRefused> {
        ix.set_metadata(
            folder,
            &[(entry.into(), v.map(|v| v.as_bytes().to_vec()))],
            l,
        )
        .unwrap()
    }

    #[test]
    fn limits_refuse_the_whole_command_and_entries_follow_their_folder() {
        let dir = tempfile::tempdir().unwrap();
        let mut ix = Index::open(dir.path()).unwrap();
        let l = MetadataLimits {
            max_value: 10,
            max_entries: 2,
            max_total: 60,
        };
        assert_eq!(
            set(&mut ix, "A", "/private/comment", Some("0123456789x"), l),
            Err(MetadataRefused::MaxSize(10))
        );
        set(&mut ix, "A", "/private/comment", Some("hi"), l).unwrap();
        set(&mut ix, "A", "/shared/comment", Some("there"), l).unwrap();
        assert_eq!(
            set(&mut ix, "A", "/shared/x", Some("3rd"), l),
            Err(MetadataRefused::TooMany)
        );
        // Replacing and removing do not count against the per-folder cap.
        set(&mut ix, "A", "/shared/comment", Some("again"), l).unwrap();
        set(&mut ix, "A", "/shared/comment", None, l).unwrap();
        // The account total: A holds 16+2 octets, the server 14+9; one more entry passes 60.
        set(&mut ix, "", "/shared/comment", Some("123456789"), l).unwrap();
        assert_eq!(
            set(&mut ix, "B", "/private/vendor/x", Some("123456789"), l),
            Err(MetadataRefused::TooMany)
        );
        assert_eq!(ix.metadata("B").unwrap(), vec![]);
        assert_eq!(
            ix.metadata("A").unwrap(),
            vec![("/private/comment".into(), b"hi".to_vec())]
        );
        // RENAME carries them, DELETE drops them (through the folder functions).
        ix.create_folder("A", None).unwrap_or(());
        set(&mut ix, "A", "/private/comment", Some("hi"), l).unwrap();
        ix.rename_folders::<IndexError>(&[("A".into(), "C".into())], |_, _| Ok(()))
            .unwrap();
        assert_eq!(ix.metadata("A").unwrap(), vec![]);
        assert_eq!(ix.metadata("C").unwrap().len(), 1);
        ix.delete_folder::<IndexError>("C", || Ok(())).unwrap();
        assert_eq!(ix.metadata("C").unwrap(), vec![]);
        assert_eq!(ix.metadata("").unwrap().len(), 1);
    }
}
