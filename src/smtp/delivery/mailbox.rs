//! One copy into one mailbox: its folder (Sieve's `fileinto`, the recipient's own, INBOX),
//! its stable name, the quota check, the Maildir write; and the batch's announcement of the
//! folders it changed to the other nodes.
//!
//! Not here: which mailboxes and stores a message goes to (`super`, `smtp::sieve_delivery`),
//! the write itself (`maildir::deliver`).

use super::{CopyError, Deliverer, delivery_head};
use crate::core::queue::{LocalClaim, LocalRecipient};
use crate::core::{Address, Db};
use crate::maildir::deliver;
use crate::maildir::index::Indexes;
use crate::smtp::sieve_delivery::{self, Store};

impl Deliverer {
    pub(super) fn to_mailbox(
        &self,
        db: &Db,
        copy: &Copy<'_>,
        mb: &Address,
        store: &Store,
        (block, rest): (&[u8], usize),
    ) -> Result<(), CopyError> {
        let root = db.data_dir().maildir(mb);
        let folder = match (store.keep, copy.rcpt.folder.as_str()) {
            (false, _) => store.folder.as_str(),
            (true, "") => &copy.claim.folder,
            (true, own) => own,
        };
        let maildir = match sieve_delivery::folder(&root, folder, store.keep || store.create) {
            Some(f) => f,
            None => {
                tracing::warn!(id = %copy.id, to = %mb, "sieve: folder {folder} does not exist and fileinto has no :create; kept in INBOX");
                Ok(root.clone())
            }
        }
        .map_err(|e| CopyError::Io(format!("{}: {e}", root.display())))?;
        let sender = &copy.claim.sender;
        let name = deliver::stable_name(copy.claim.created, &copy_key(copy.id, mb));
        // Only a recipient tried before can have a copy already (an attempt that died after
        // writing it, or a list whose other mailbox deferred): look before writing again.
        if (copy.rcpt.interrupted || copy.rcpt.attempts > 0)
            && deliver::has_message(&maildir, &name).unwrap_or(false)
        {
            tracing::info!(id = %copy.id, to = %mb, "already in the mailbox from an earlier attempt");
            return Ok(());
        }
        let mut head = delivery_head(sender, mb).into_bytes();
        head.extend_from_slice(block);
        let body = &copy.body[rest..];
        // The copy must fit, counting what other queued messages have reserved. Usually the
        // reservation was made at end of DATA and this finds it.
        let quota = match db.user(mb) {
            Ok(u) => u.map_or(0, |u| u.quota),
            Err(e) => return Err(CopyError::Io(e.to_string())),
        };
        if quota > 0 {
            let size = (body.len() + head.len()) as u64;
            self.quota
                .reserve(mb, copy.id, size, quota, || {
                    deliver::usage(&root).unwrap_or(0)
                })
                .map_err(CopyError::Full)?;
        }
        let index_folder = if maildir == root { "INBOX" } else { folder };
        let indexes = Indexes::of(db.data_dir()).map_err(|e| CopyError::Io(e.to_string()))?;
        let account = mb.to_string();
        let written = if store.keywords.is_empty() {
            let placed =
                deliver::deliver_flagged(&maildir, &name, &store.flags, &head, &mut &body[..]);
            if placed.is_ok() && indexes.is_postgres() {
                let pair = (account.clone(), index_folder.to_string());
                copy.changed.0.borrow_mut().push(pair);
            }
            placed
        } else {
            // Keywords live in the mailbox index: the copy is placed through it.
            let mut index = indexes
                .open(&account, &root)
                .map_err(|e| CopyError::Io(format!("{}: {e}", root.display())))?;
            deliver::deliver_with_keywords(
                &mut index,
                index_folder,
                &maildir,
                &name,
                &store.flags,
                &store.keywords.join(" "),
                &head,
                &mut &body[..],
            )
        }
        .map_err(|e| CopyError::Io(format!("{}: {e}", maildir.display())));
        if written.is_ok() {
            self.quota.release(mb, copy.id);
        }
        written.map(|_| ())
    }

    /// Wakes the IDLE sessions of every node on the folders a batch changed (PostgreSQL; a
    /// SQLite index has inotify), each folder once. A failure costs the other nodes' IDLE
    /// sessions their prompt wake-up, never a message: their next command sees it.
    pub(super) fn announce(&self, changed: Changed) {
        let pairs = changed.0.into_inner();
        if pairs.is_empty() {
            return;
        }
        let run = || -> Result<(), String> {
            let db = self.pool.get().map_err(|e| e.to_string())?;
            let indexes = Indexes::of(db.data_dir()).map_err(|e| e.to_string())?;
            indexes
                .announce_many_over(db.sql(), &pairs)
                .map_err(|e| e.to_string())
        };
        if let Err(e) = run() {
            tracing::warn!("announcing deliveries to the other nodes: {e}");
        }
    }
}

/// One message on its way to its local recipients.
pub(super) struct Copy<'a> {
    pub id: &'a str,
    pub claim: &'a LocalClaim,
    pub rcpt: &'a LocalRecipient,
    pub body: &'a [u8],
    /// The batch's changed folders, announced together at its end.
    pub changed: &'a Changed,
}

/// The (account, folder) pairs a delivery batch put copies into: announced to the other
/// nodes' IDLE sessions once per pair and batch, in one statement (issue 21: on PostgreSQL
/// one announcement per copy was a round trip of its own, most of a message's).
#[derive(Default)]
pub(super) struct Changed(std::cell::RefCell<Vec<(String, String)>>);

/// The unique part of a copy's Maildir name: queue id and a digest of the mailbox (an
/// address may hold bytes a file name must not).
pub(super) fn copy_key(id: &str, mb: &Address) -> String {
    let mbox = mb.to_string().to_lowercase();
    let sum = crate::core::spool::Sum::of(mbox.as_bytes());
    let id: String = id.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    format!("Q{id}_{}", &sum.sha256[..16])
}
