//! Wakeups from other nodes (issue 21): on a PostgreSQL core every change of a folder is
//! announced through the database (the index's trigger, and `Indexes::announce` for a
//! delivery into `new/`), and one [`crate::maildir::index::notify::Listener`] per process
//! turns each into a [`Hub::touch`] of that folder's directory, exactly what inotify does on
//! one host. A reconnected listener missed what happened meanwhile: every idling session
//! looks once ([`Hub::touch_all`]). The hub of such a node runs without inotify, which cannot
//! see another host's writes on a shared filesystem.
//!
//! Not here: the LISTEN connection (`crate::maildir::index::notify`), what a woken session
//! refreshes (`super::wake`, the session).

use std::path::PathBuf;
use std::sync::Arc;

use super::watch::Hub;
use crate::core::{Address, CoreError, DataDir};
use crate::maildir::index::notify::{Change, Listener};

/// Starts the listener of the PostgreSQL core at `url` for `hub`, on the current runtime.
pub fn listen(url: &str, data_dir: &DataDir, hub: &Arc<Hub>) -> Result<Listener, CoreError> {
    let hub = Arc::downgrade(hub);
    let data_dir = data_dir.clone();
    Listener::start(url, move |change| {
        let Some(hub) = hub.upgrade() else { return };
        match change {
            Change::Resync => hub.touch_all(),
            Change::Folder { account, folder } => {
                if let Some(dir) = folder_dir(&data_dir, &account, &folder) {
                    hub.touch(&dir);
                }
            }
        }
    })
}

/// The directory a session idles on for `folder` of `account`; None for names that cannot
/// be one (the index's server-wide metadata row, a foreign payload).
fn folder_dir(data_dir: &DataDir, account: &str, folder: &str) -> Option<PathBuf> {
    if folder.is_empty() {
        return None;
    }
    let address = Address::parse(account).ok()?;
    crate::maildir::folder::folder_path(&data_dir.maildir(&address), folder).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_map_to_the_directories_sessions_idle_on() {
        let dd = DataDir::new("/srv/mail");
        let root = dd.maildir(&Address::parse("a@example.org").unwrap());
        assert_eq!(
            folder_dir(&dd, "a@example.org", "INBOX"),
            Some(root.clone())
        );
        assert_eq!(
            folder_dir(&dd, "a@example.org", "Lists/x"),
            crate::maildir::folder::folder_path(&root, "Lists/x").ok()
        );
        assert_eq!(folder_dir(&dd, "a@example.org", "../x"), None);
        assert_eq!(folder_dir(&dd, "not an address", "INBOX"), None);
        assert_eq!(folder_dir(&dd, "a@example.org", ""), None);
    }
}
