//! A map bounded by entry count and by approximate bytes, evicting the least recently used
//! entry first. Isolate memory is finite (128 MB per isolate on Workers) and hostile traffic can
//! name any number of boards, so every per-isolate cache is one of these.
//!
//! Order is kept in a `BTreeMap` from a use counter to the key: `O(log n)` per operation, no
//! `unsafe`, and small enough to read in one sitting.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

struct Node<V> {
    value: V,
    bytes: usize,
    used: u64,
}

pub struct Lru<K, V> {
    map: HashMap<K, Node<V>>,
    order: BTreeMap<u64, K>,
    clock: u64,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
    evictions: u64,
}

/// What an [`Lru`] holds and may hold, for the statistics route and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Usage {
    pub entries: usize,
    pub bytes: usize,
    pub max_entries: usize,
    pub max_bytes: usize,
    pub evictions: u64,
}

impl<K: Hash + Eq + Clone, V> Lru<K, V> {
    /// An empty map holding at most `max_entries` entries and `max_bytes` accounted bytes
    /// (each at least 1).
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: BTreeMap::new(),
            clock: 0,
            bytes: 0,
            max_entries: max_entries.max(1),
            max_bytes: max_bytes.max(1),
            evictions: 0,
        }
    }

    /// Changes the bounds, evicting what no longer fits.
    pub fn set_limits(&mut self, max_entries: usize, max_bytes: usize) {
        self.max_entries = max_entries.max(1);
        self.max_bytes = max_bytes.max(1);
        self.evict();
    }

    pub fn limits(&self) -> (usize, usize) {
        (self.max_entries, self.max_bytes)
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The value for `key`, marked as just used.
    pub fn get<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let now = self.tick();
        let node = self.map.get_mut(key)?;
        let k = self.order.remove(&node.used).expect("every entry is in the order");
        node.used = now;
        self.order.insert(now, k);
        Some(&mut node.value)
    }

    /// The value for `key`, without changing its place in the order.
    pub fn peek<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key).map(|n| &n.value)
    }

    /// Like [`peek`](Self::peek), mutable.
    pub fn peek_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get_mut(key).map(|n| &mut n.value)
    }

    pub fn contains<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.contains_key(key)
    }

    /// Inserts or replaces `key` as the most recently used entry, accounted as `bytes`, and
    /// evicts the least recently used entries until both bounds hold. A value larger than the
    /// whole byte budget is not kept (returns false): it would evict everything else.
    pub fn insert(&mut self, key: K, value: V, bytes: usize) -> bool {
        self.remove(&key);
        if bytes > self.max_bytes {
            return false;
        }
        let used = self.tick();
        self.order.insert(used, key.clone());
        self.map.insert(key, Node { value, bytes, used });
        self.bytes += bytes;
        self.evict();
        true
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let node = self.map.remove(key)?;
        self.order.remove(&node.used);
        self.bytes -= node.bytes;
        Some(node.value)
    }

    fn evict(&mut self) {
        while self.map.len() > self.max_entries || self.bytes > self.max_bytes {
            let Some((_, oldest)) = self.order.pop_first() else { break };
            if let Some(node) = self.map.remove(&oldest) {
                self.bytes -= node.bytes;
                self.evictions += 1;
            }
        }
    }

    pub fn usage(&self) -> Usage {
        Usage { entries: self.map.len(), bytes: self.bytes, max_entries: self.max_entries, max_bytes: self.max_bytes, evictions: self.evictions }
    }
}

#[cfg(test)]
mod tests {
    use super::Lru;

    fn keys(l: &Lru<String, u32>) -> Vec<String> {
        let mut k: Vec<String> = l.map.keys().cloned().collect();
        k.sort();
        k
    }

    #[test]
    fn the_least_recently_used_entry_goes_first() {
        let mut l = Lru::new(2, 1000);
        l.insert("a".to_string(), 1, 1);
        l.insert("b".to_string(), 2, 1);
        assert_eq!(l.get("a"), Some(&mut 1), "a is now the most recent");
        l.insert("c".to_string(), 3, 1);
        assert_eq!(keys(&l), vec!["a", "c"], "b was the least recently used");
        assert_eq!(l.usage().evictions, 1);
    }

    #[test]
    fn peeking_does_not_refresh_an_entry() {
        let mut l = Lru::new(2, 1000);
        l.insert("a".to_string(), 1, 1);
        l.insert("b".to_string(), 2, 1);
        assert_eq!(l.peek("a"), Some(&1));
        *l.peek_mut("a").unwrap() = 10;
        l.insert("c".to_string(), 3, 1);
        assert_eq!(keys(&l), vec!["b", "c"]);
    }

    #[test]
    fn bytes_are_bounded_and_accounted_on_replace_and_remove() {
        let mut l = Lru::new(100, 10);
        l.insert("a".to_string(), 1, 4);
        l.insert("b".to_string(), 2, 4);
        assert_eq!(l.usage().bytes, 8);
        l.insert("a".to_string(), 1, 7);
        assert_eq!((keys(&l), l.usage().bytes), (vec!["a".to_string()], 7), "replacing a grew it: b had to go");
        l.insert("c".to_string(), 3, 3);
        assert_eq!((l.usage().bytes, l.usage().entries), (10, 2));
        assert!(l.contains("c"));
        assert_eq!(l.remove("a"), Some(1));
        assert_eq!(l.usage().bytes, 3);
        assert_eq!(l.remove("a"), None);
    }

    #[test]
    fn a_value_larger_than_the_budget_is_not_kept_and_evicts_nothing() {
        let mut l = Lru::new(100, 10);
        l.insert("a".to_string(), 1, 5);
        assert!(!l.insert("huge".to_string(), 2, 11));
        assert_eq!(keys(&l), vec!["a"]);
    }

    #[test]
    fn shrinking_the_limits_evicts_oldest_first() {
        let mut l = Lru::new(10, 100);
        for (i, k) in ["a", "b", "c", "d"].into_iter().enumerate() {
            l.insert(k.to_string(), i as u32, 10);
        }
        l.get("a");
        l.set_limits(2, 100);
        assert_eq!(keys(&l), vec!["a", "d"]);
        l.set_limits(10, 10);
        assert_eq!(keys(&l), vec!["a"]);
        assert_eq!(l.limits(), (10, 10));
    }

    #[test]
    fn a_long_run_stays_within_both_bounds() {
        let mut l = Lru::new(50, 1000);
        for i in 0..10_000u32 {
            l.insert(format!("k{i}"), i, (i % 97) as usize);
            if i % 3 == 0 {
                l.get(&format!("k{}", i / 2));
            }
            let u = l.usage();
            assert!(u.entries <= 50 && u.bytes <= 1000, "{u:?}");
            assert_eq!(l.order.len(), l.map.len());
            assert_eq!(u.bytes, l.map.values().map(|n| n.bytes).sum::<usize>());
        }
    }
}
