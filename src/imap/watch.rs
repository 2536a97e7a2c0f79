//! Change notification for IDLE: one inotify watcher for the whole process (via `notify`),
//! shared by every idling session, with a reference count per folder so a folder's `new/`
//! and `cur/` are watched once however many sessions idle on it. Sessions of this process
//! also poke the hub directly after they change a folder, which covers changes that touch
//! only the index (keywords) and keeps working when inotify watches run out.
//!
//! A NOTIFY session (RFC 5465) watches several folders at once as a [`Group`]: one
//! receiver woken by a change to any of them, on the same per-folder entries and watches.
//!
//! Releasing a watch never blocks the caller: inotify watches are removed by one keeper
//! thread, so a thousand sessions closing at once cost no thread each (they did: every close
//! waited on notify's thread from a blocking-pool thread of its own, and the pool grew to
//! hundreds of threads whose allocator arenas stayed behind).
//!
//! Each folder's entry also keeps the newest [`Mark`] of it, and the hub keeps one
//! [`SharedStore`] per account with idling sessions: together they let a wakeup skip, or
//! refresh on an open connection (`super::wake`).
//!
//! Not here: what changed — the session's refresh works that out from the index.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use notify::{RecursiveMode, Watcher as _};
use tokio::sync::watch;

use super::mailstore::MailStore;
use super::wake::{Counters, Mark, SharedStore};

struct Entry {
    tx: watch::Sender<u64>,
    users: usize,
    watched: bool,
    /// The groups that include this folder, by id.
    groups: Vec<(u64, watch::Sender<u64>)>,
    /// What the last refresh of the folder found.
    mark: Option<Mark>,
}

/// Work for the keeper thread: what must not wait on the caller's thread.
enum Job {
    /// Remove the inotify watches of a folder whose last user left.
    Unwatch(PathBuf),
    /// Close an account's shared store whose last session left.
    Close(Box<dyn MailStore>),
}

pub struct Hub {
    folders: Mutex<HashMap<PathBuf, Entry>>,
    next_group: std::sync::atomic::AtomicU64,
    inotify: Mutex<Option<notify::RecommendedWatcher>>,
    /// Jobs for the keeper thread (folders to unwatch, stores to close).
    keeper: Mutex<Option<std::sync::mpsc::Sender<Job>>>,
    /// Each account's store shared by its idling sessions, by Maildir root.
    stores: Mutex<HashMap<PathBuf, std::sync::Weak<SharedStore>>>,
}

/// A session's interest in one folder; dropping it releases the watch.
pub struct Subscription {
    hub: Arc<Hub>,
    dir: PathBuf,
    pub rx: watch::Receiver<u64>,
}

impl Subscription {
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.release(&self.dir);
    }
}

/// Whether an inotify event can change what a session sees. Reads are not changes: inotify
/// also reports every open and close of `new/` and `cur/` (each reindex and each delivery
/// opens them), and waking on those made idling sessions wake one another in a loop, each
/// reopening its index: with a few hundred sessions in IDLE every new login slowed down.
fn is_change(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

impl Hub {
    /// A hub woken by inotify and by this process's sessions (one host).
    pub fn new() -> Arc<Hub> {
        Self::build(true)
    }

    /// A hub woken only by [`Hub::touch`]: for nodes sharing a filesystem, where inotify
    /// cannot see another host's changes and every change is announced through the
    /// database instead (`super::remote`).
    pub fn without_inotify() -> Arc<Hub> {
        Self::build(false)
    }

    fn build(inotify: bool) -> Arc<Hub> {
        let hub = Arc::new(Hub {
            folders: Mutex::new(HashMap::new()),
            next_group: std::sync::atomic::AtomicU64::new(0),
            inotify: Mutex::new(None),
            keeper: Mutex::new(None),
            stores: Mutex::new(HashMap::new()),
        });
        *lock(&hub.keeper) = keeper(Arc::downgrade(&hub));
        if !inotify {
            return hub;
        }
        let weak = Arc::downgrade(&hub);
        let watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
            let (Ok(ev), Some(hub)) = (ev, weak.upgrade()) else {
                return;
            };
            if !is_change(&ev.kind) {
                return;
            }
            for p in &ev.paths {
                // Events name files in `<folder>/new` or `<folder>/cur`, or those dirs.
                for dir in p.ancestors().skip(1).take(2) {
                    hub.touch(dir);
                }
            }
        });
        match watcher {
            Ok(w) => *lock(&hub.inotify) = Some(w),
            Err(e) => {
                tracing::warn!("inotify unavailable, IDLE sees only this server's changes: {e}")
            }
        }
        hub
    }

    /// Wakes every session idling on `dir`.
    pub fn touch(&self, dir: &Path) {
        if let Some(e) = lock(&self.folders).get(dir) {
            e.tx.send_modify(|n| *n = n.wrapping_add(1));
            for (_, g) in &e.groups {
                g.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
    }

    /// Wakes every idling session: changes may have gone unheard (a listener reconnected).
    pub fn touch_all(&self) {
        for e in lock(&self.folders).values() {
            e.tx.send_modify(|n| *n = n.wrapping_add(1));
            for (_, g) in &e.groups {
                g.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
    }

    pub fn subscribe(self: &Arc<Self>, dir: &Path) -> Subscription {
        // The folders lock is never held while talking to the inotify thread: that thread
        // runs our callback, which takes the folders lock (a deadlock otherwise).
        let (rx, first) = {
            let mut folders = lock(&self.folders);
            let e = folders.entry(dir.to_path_buf()).or_insert_with(|| Entry {
                tx: watch::channel(0).0,
                users: 0,
                watched: false,
                groups: Vec::new(),
                mark: None,
            });
            e.users += 1;
            (e.tx.subscribe(), e.users == 1)
        };
        if first && let Some(w) = lock(&self.inotify).as_mut() {
            let ok = ["new", "cur"]
                .iter()
                .all(|sub| w.watch(&dir.join(sub), RecursiveMode::NonRecursive).is_ok());
            if !ok {
                tracing::debug!(
                    "cannot watch {}; relying on in-process wakeups",
                    dir.display()
                );
            }
            if let Some(e) = lock(&self.folders).get_mut(dir) {
                e.watched = ok;
            }
        }
        Subscription {
            hub: self.clone(),
            dir: dir.to_path_buf(),
            rx,
        }
    }

    /// Watches `dirs` together: the group's receiver changes when any of them does.
    pub fn subscribe_group(self: &Arc<Self>, dirs: &[PathBuf]) -> Group {
        let id = self
            .next_group
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (tx, rx) = watch::channel(0);
        let subs: Vec<Subscription> = dirs.iter().map(|d| self.subscribe(d)).collect();
        let mut folders = lock(&self.folders);
        for d in dirs {
            if let Some(e) = folders.get_mut(d) {
                e.groups.push((id, tx.clone()));
            }
        }
        Group {
            hub: self.clone(),
            id,
            dirs: dirs.to_vec(),
            subs,
            rx,
        }
    }

    /// One user fewer; the last one's folder is handed to the keeper thread to unwatch.
    fn release(&self, dir: &Path) {
        let watched = {
            let mut folders = lock(&self.folders);
            let Some(e) = folders.get_mut(dir) else {
                return;
            };
            e.users -= 1;
            if e.users > 0 {
                return;
            }
            folders.remove(dir).is_some_and(|e| e.watched)
        };
        if watched && let Some(tx) = lock(&self.keeper).as_ref() {
            let _ = tx.send(Job::Unwatch(dir.to_path_buf()));
        }
    }

    /// Whether a session idling on `sub`'s folder with its view at `view` must refresh
    /// now ([`super::wake::must_refresh`]); no I/O, fit for the async side.
    pub fn must_refresh(
        &self,
        sub: &Subscription,
        view: Counters,
        recheck: std::time::Duration,
    ) -> bool {
        let signal = *sub.rx.borrow();
        let folders = lock(&self.folders);
        let mark = folders.get(&sub.dir).and_then(|e| e.mark.as_ref());
        super::wake::must_refresh(mark, signal, view, std::time::Instant::now(), recheck)
    }

    /// A session refreshed `dir` from signal `signal` on and found `counters`. A change no
    /// watch signalled (another host's writer, say) wakes the folder's other sessions.
    pub fn publish(&self, dir: &Path, signal: u64, counters: Counters) {
        let mark = Mark {
            signal,
            counters,
            at: std::time::Instant::now(),
        };
        let unsignalled = match lock(&self.folders).get_mut(dir) {
            Some(e) => super::wake::merge(&mut e.mark, mark),
            None => false,
        };
        if unsignalled {
            self.touch(dir);
        }
    }

    /// The store shared by the idling sessions of the account at `root` (empty until one
    /// of them puts its store in); it lives while a session holds it.
    pub fn shared_store(self: &Arc<Self>, root: &Path) -> Arc<SharedStore> {
        let mut stores = lock(&self.stores);
        if let Some(s) = stores.get(root).and_then(std::sync::Weak::upgrade) {
            return s;
        }
        let s = Arc::new(SharedStore::new(root, Arc::downgrade(self)));
        stores.insert(root.to_path_buf(), Arc::downgrade(&s));
        s
    }

    /// The last holder of `root`'s shared store let go: forget it (unless a new one took
    /// its place meanwhile) and have the keeper close its connection.
    pub(crate) fn forget_store(&self, root: &Path, store: Option<Box<dyn MailStore>>) {
        {
            let mut stores = lock(&self.stores);
            if stores.get(root).is_some_and(|w| w.strong_count() == 0) {
                stores.remove(root);
            }
        }
        // Without a keeper (or if it is gone) the store closes here.
        if let (Some(store), Some(tx)) = (store, lock(&self.keeper).as_ref()) {
            let _ = tx.send(Job::Close(store));
        }
    }

    /// Unwatches `dir` unless a session subscribed to it again meanwhile. Holding the
    /// inotify lock across the check and the unwatch orders it before any new watch.
    fn unwatch(&self, dir: &Path) {
        let mut inotify = lock(&self.inotify);
        if lock(&self.folders).contains_key(dir) {
            return;
        }
        if let Some(w) = inotify.as_mut() {
            for sub in ["new", "cur"] {
                let _ = w.unwatch(&dir.join(sub));
            }
        }
    }
}

/// The thread that removes inotify watches for [`Hub::release`] and closes the shared
/// stores [`Hub::forget_store`] gives it; it ends with the hub.
fn keeper(hub: std::sync::Weak<Hub>) -> Option<std::sync::mpsc::Sender<Job>> {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let spawned = std::thread::Builder::new()
        .name("imap-unwatch".into())
        .spawn(move || {
            while let Ok(job) = rx.recv() {
                match job {
                    Job::Close(store) => drop(store),
                    Job::Unwatch(dir) => {
                        let Some(hub) = hub.upgrade() else { return };
                        hub.unwatch(&dir);
                    }
                }
            }
        });
    match spawned {
        Ok(_) => Some(tx),
        Err(e) => {
            tracing::warn!("no keeper thread: inotify watches stay until exit: {e}");
            None
        }
    }
}

/// Several folders watched as one (NOTIFY); dropping it releases them all.
pub struct Group {
    hub: Arc<Hub>,
    id: u64,
    dirs: Vec<PathBuf>,
    subs: Vec<Subscription>,
    pub rx: watch::Receiver<u64>,
}

impl Group {
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The folders signalled since the last call: what a wakeup must look at. Empty when
    /// the wakeup was the recheck timer.
    pub fn changed(&mut self) -> Vec<PathBuf> {
        let mut v = Vec::new();
        for sub in &mut self.subs {
            if sub.rx.has_changed().unwrap_or(false) {
                sub.rx.borrow_and_update();
                v.push(sub.dir.clone());
            }
        }
        v
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        {
            let mut folders = lock(&self.hub.folders);
            for d in &self.dirs {
                if let Some(e) = folders.get_mut(d) {
                    e.groups.retain(|(id, _)| *id != self.id);
                }
            }
        }
        // Then the subscriptions, which may unwatch (never under the folders lock).
        self.subs.clear();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_written_by_another_program_wakes_the_subscriber() {
        let dir = tempfile::tempdir().unwrap();
        crate::maildir::deliver::ensure(dir.path()).unwrap();
        let hub = Hub::new();
        let mut sub = hub.subscribe(dir.path());
        std::fs::write(dir.path().join("new/1.x.host"), "Subject: x\n\n").unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(5), sub.rx.changed())
            .await
            .expect("woken within 5 s")
            .unwrap();
        // An in-process touch wakes as well.
        hub.touch(dir.path());
        tokio::time::timeout(std::time::Duration::from_secs(5), sub.rx.changed())
            .await
            .unwrap()
            .unwrap();
        drop(sub);
        assert!(
            lock(&hub.folders).is_empty(),
            "last subscriber releases the watch"
        );
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;

    #[tokio::test]
    async fn a_change_to_any_folder_of_a_group_wakes_it_and_dropping_it_unwatches() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let hub = Hub::new();
        let mut g = hub.subscribe_group(&[a.path().to_path_buf(), b.path().to_path_buf()]);
        hub.touch(b.path());
        tokio::time::timeout(std::time::Duration::from_secs(5), g.rx.changed())
            .await
            .expect("woken within 5 s")
            .unwrap();
        assert_eq!(g.changed(), vec![b.path().to_path_buf()]);
        assert!(g.changed().is_empty(), "reported once");
        // A plain subscriber of the same folder shares the entry and keeps it.
        let single = hub.subscribe(a.path());
        drop(g);
        assert_eq!(lock(&hub.folders).len(), 1);
        assert!(lock(&hub.folders).values().all(|e| e.groups.is_empty()));
        drop(single);
        assert!(lock(&hub.folders).is_empty());
    }
}

#[cfg(test)]
mod change_tests {
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RemoveKind, RenameMode};

    #[test]
    fn opening_or_reading_a_folder_wakes_nobody() {
        assert!(!super::is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!super::is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(super::is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(super::is_change(&EventKind::Create(CreateKind::File)));
        assert!(super::is_change(&EventKind::Remove(RemoveKind::File)));
        assert!(super::is_change(&EventKind::Modify(ModifyKind::Name(
            RenameMode::Any
        ))));
    }
}

#[cfg(test)]
mod release_tests {
    use super::*;

    /// Closing sessions must not wait on notify's thread: the last subscriber's drop returns
    /// even while the watcher is busy, and the keeper unwatches afterwards.
    #[test]
    fn dropping_the_last_subscriber_does_not_wait_for_inotify() {
        let dir = tempfile::tempdir().unwrap();
        crate::maildir::deliver::ensure(dir.path()).unwrap();
        let hub = Hub::new();
        let sub = hub.subscribe(dir.path());
        assert!(lock(&hub.folders)[dir.path()].watched, "inotify available");
        let busy = lock(&hub.inotify);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            drop(sub);
            let _ = tx.send(());
        });
        rx.recv_timeout(std::time::Duration::from_secs(5))
            .expect("the drop returned while the watcher was busy");
        assert!(lock(&hub.folders).is_empty());
        drop(busy);
        // A new subscriber after the keeper's unwatch is watched again and woken.
        let mut again = hub.subscribe(dir.path());
        std::fs::write(dir.path().join("new/2.x.host"), "Subject: y\n\n").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            // Whether the keeper ran before this subscribe or after it (and then kept the
            // watch), the folder is watched.
            let woke =
                tokio::time::timeout(std::time::Duration::from_secs(5), again.rx.changed()).await;
            assert!(woke.is_ok(), "re-subscribed folder is watched");
        });
    }
}

#[cfg(test)]
mod mark_tests {
    use super::*;
    use std::time::Duration;

    const RECHECK: Duration = Duration::from_secs(30);

    fn counters(uidnext: u32) -> Counters {
        Counters {
            uidvalidity: 1,
            uidnext,
            highestmodseq: 4,
        }
    }

    /// The folder's mark lets the second of two sessions skip what the first looked at,
    /// until the folder is signalled again.
    #[test]
    fn a_published_mark_spares_the_others_until_the_next_signal() {
        let dir = tempfile::tempdir().unwrap();
        let hub = Hub::new();
        let a = hub.subscribe(dir.path());
        let b = hub.subscribe(dir.path());
        assert!(
            hub.must_refresh(&b, counters(3), RECHECK),
            "nobody looked yet"
        );
        // (A signal is read out first: a borrow held across `publish` would block its wakeup.)
        let signal = *a.rx.borrow();
        hub.publish(a.dir(), signal, counters(3));
        assert!(!hub.must_refresh(&b, counters(3), RECHECK));
        assert!(hub.must_refresh(&b, counters(2), RECHECK), "b is behind");
        hub.touch(dir.path());
        assert!(
            hub.must_refresh(&b, counters(3), RECHECK),
            "signalled since"
        );
        // The same signal with other counters: a writer nobody signalled; all are woken.
        let signal = *a.rx.borrow();
        hub.publish(a.dir(), signal, counters(3));
        hub.publish(a.dir(), signal, counters(4));
        assert_ne!(*b.rx.borrow(), signal);
        drop((a, b));
        assert!(
            lock(&hub.folders).is_empty(),
            "the mark goes with the folder"
        );
    }

    /// One store per account while anyone holds it; the last one out forgets it.
    #[test]
    fn the_shared_store_is_one_per_account_and_forgotten_with_its_last_holder() {
        let hub = Hub::new();
        let a = hub.shared_store(Path::new("/mail/a"));
        let a2 = hub.shared_store(Path::new("/mail/a"));
        let b = hub.shared_store(Path::new("/mail/b"));
        assert!(Arc::ptr_eq(&a, &a2));
        assert!(!Arc::ptr_eq(&a, &b));
        drop((a, b));
        assert_eq!(lock(&hub.stores).len(), 1, "a2 still holds /mail/a");
        drop(a2);
        assert!(lock(&hub.stores).is_empty());
    }
}
