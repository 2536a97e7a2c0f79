//! Settings that change while the daemon runs: a snapshot behind a lock, swapped whole on
//! SIGHUP and read once per connection, so a connection sees one consistent set of values
//! from start to end while new connections get the new ones (issue 16.3).
//!
//! Not here: which settings are live and which need a restart (`core::settings::needs_restart`),
//! reading them from the database (`cli::serve`).

use std::sync::{Arc, RwLock};

/// A value shared by every listener and replaced as a whole.
pub struct Live<T> {
    current: RwLock<Arc<T>>,
}

impl<T> Live<T> {
    pub fn new(value: T) -> Arc<Live<T>> {
        Arc::new(Live {
            current: RwLock::new(Arc::new(value)),
        })
    }

    /// The values in force now.
    pub fn get(&self) -> Arc<T> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set(&self, value: T) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(value);
    }
}

/// Who is trusted at connect time, for every protocol: `mynetworks` and `auth.plaintext`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnPolicy {
    pub mynetworks: Vec<ipnet::IpNet>,
    /// `auth.plaintext = loopback`.
    pub plaintext_loopback: bool,
}

impl ConnPolicy {
    pub fn trusted(&self, ip: std::net::IpAddr) -> bool {
        self.mynetworks.iter().any(|n| n.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_keep_their_snapshot_while_new_readers_see_the_swap() {
        let live = Live::new(ConnPolicy::default());
        let before = live.get();
        live.set(ConnPolicy {
            mynetworks: vec!["192.0.2.0/24".parse().unwrap()],
            plaintext_loopback: true,
        });
        assert!(before.mynetworks.is_empty());
        assert!(live.get().trusted("192.0.2.7".parse().unwrap()));
    }
}
