//! The in-memory store's folders and messages: UIDs, MODSEQs and expunges as the Maildir
//! backend keeps them. Not here: the [`MailStore`](super::super::MailStore) methods (the
//! parent module).

use std::collections::{BTreeMap, HashSet};

use super::{Folder, Msg, State};
use crate::imap::flags::Flags;
use crate::imap::mailstore::{MessageMeta, Slot, StoreError};

impl State {
    pub(super) fn make(&mut self, name: &str, special_use: Option<&'static str>) {
        self.last_uidvalidity += 1;
        self.folders.insert(
            name.to_string(),
            Folder {
                id: format!("F{}", self.last_uidvalidity),
                uidvalidity: self.last_uidvalidity,
                uidnext: 1,
                highestmodseq: 1,
                special_use,
                meta: BTreeMap::new(),
                msgs: Vec::new(),
                expunged: Vec::new(),
            },
        );
    }

    pub(super) fn folder(&mut self, name: &str) -> Result<&mut Folder, StoreError> {
        self.folders
            .get_mut(name)
            .ok_or_else(|| StoreError::NoSuchMailbox(name.to_string()))
    }

    pub(super) fn usage(&self) -> u64 {
        let msgs = self.folders.values().flat_map(|f| &f.msgs);
        msgs.map(|m| m.data.len() as u64).sum()
    }
}

impl Folder {
    pub(super) fn add(&mut self, data: Vec<u8>, flags: Flags, date: i64, fresh: bool) -> u32 {
        let uid = self.uidnext;
        self.uidnext += 1;
        self.highestmodseq += 1;
        // FNV-1a: stable, and the same for a copy.
        let email_id = data.iter().fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
        }) >> 1;
        self.msgs.push(Msg {
            uid,
            data,
            flags,
            modseq: self.highestmodseq,
            internal_date: date,
            save_date: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
            email_id,
            fresh,
        });
        uid
    }

    pub(super) fn get(&mut self, uid: u32) -> Option<&mut Msg> {
        self.msgs.iter_mut().find(|m| m.uid == uid)
    }

    pub(super) fn expunge(&mut self, uid: u32) {
        self.msgs.retain(|m| m.uid != uid);
        self.highestmodseq += 1;
        self.expunged.push((uid, self.highestmodseq));
    }

    pub(super) fn keywords(&self) -> HashSet<String> {
        let kw = self.msgs.iter().flat_map(|m| &m.flags.keywords);
        kw.map(|k| k.to_ascii_lowercase()).collect()
    }
}

pub(super) fn meta(m: &Msg, recent: bool) -> (MessageMeta, Slot) {
    (
        MessageMeta {
            uid: m.uid,
            flags: m.flags.clone(),
            modseq: m.modseq,
            size: m.data.len() as u64,
            internal_date: m.internal_date,
            save_date: m.save_date,
            email_id: m.email_id,
            recent,
        },
        Slot {
            unique: m.uid.to_string().into(),
            letters: m.flags.maildir_letters().into(),
            ghost: false,
        },
    )
}
