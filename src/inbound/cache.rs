//! The DNS cache mail-auth's lookups go through (its `ResolverCache` trait): one per record
//! type, entries kept until the record's TTL runs out, bounded in size so a flood of
//! distinct sender domains cannot grow memory without limit.
//!
//! Not here: negative caching beyond what mail-auth stores itself, persistence.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Mutex;
use std::time::Instant;

use mail_auth::{MX, RecordSet, ResolverCache, Txt};

/// Entries per record type before expired ones are swept (and, if that frees nothing, all).
const CAPACITY: usize = 10_000;

pub struct TtlCache<K, V> {
    map: Mutex<HashMap<K, (V, Instant)>>,
    cap: usize,
}

impl<K: Hash + Eq, V: Clone> TtlCache<K, V> {
    pub fn new(cap: usize) -> Self {
        TtlCache {
            map: Mutex::new(HashMap::new()),
            cap: cap.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (V, Instant)>> {
        // A panic elsewhere while holding the lock leaves a map that is still consistent.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K: Hash + Eq, V: Clone> ResolverCache<K, V> for TtlCache<K, V> {
    fn get<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut map = self.lock();
        match map.get(name) {
            Some((v, until)) if *until > Instant::now() => Some(v.clone()),
            Some(_) => {
                map.remove(name);
                None
            }
            None => None,
        }
    }

    fn remove<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.lock().remove(name).map(|(v, _)| v)
    }

    fn insert(&self, key: K, value: V, valid_until: Instant) {
        let mut map = self.lock();
        if map.len() >= self.cap {
            let now = Instant::now();
            map.retain(|_, (_, until)| *until > now);
            if map.len() >= self.cap {
                map.clear();
            }
        }
        map.insert(key, (value, valid_until));
    }
}

/// One cache per record type mail-auth asks for.
pub struct DnsCache {
    pub txt: TtlCache<Box<str>, Txt>,
    pub mx: TtlCache<Box<str>, RecordSet<MX>>,
    pub ipv4: TtlCache<Box<str>, RecordSet<Ipv4Addr>>,
    pub ipv6: TtlCache<Box<str>, RecordSet<Ipv6Addr>>,
    pub ptr: TtlCache<IpAddr, RecordSet<Box<str>>>,
}

impl Default for DnsCache {
    fn default() -> Self {
        DnsCache {
            txt: TtlCache::new(CAPACITY),
            mx: TtlCache::new(CAPACITY),
            ipv4: TtlCache::new(CAPACITY),
            ipv6: TtlCache::new(CAPACITY),
            ptr: TtlCache::new(CAPACITY),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn entries_expire_and_the_size_is_bounded() {
        let c: TtlCache<Box<str>, u32> = TtlCache::new(3);
        let later = Instant::now() + Duration::from_secs(60);
        c.insert("a".into(), 1, later);
        assert_eq!(c.get("a"), Some(1));
        c.insert("old".into(), 2, Instant::now());
        assert_eq!(c.get("old"), None, "an expired entry is a miss");
        for (i, k) in ["b", "c", "d", "e", "f"].into_iter().enumerate() {
            c.insert(k.into(), i as u32, later);
            assert!(c.len() <= 3);
        }
        assert_eq!(c.get("f"), Some(4));
        assert_eq!(c.remove("f"), Some(4));
        assert_eq!(c.get("f"), None);
    }
}
