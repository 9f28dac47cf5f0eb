//! "A refresh of this key is running in this isolate": the marker that lets concurrent
//! requests share one upstream call.
//!
//! The marker is held by a [`Guard`] and removed when the guard drops, so a request whose
//! future is dropped mid-refresh (a visitor closing the tab, an aborted `wait_until`) cannot
//! leave it behind. workerd does not promise to drop an abandoned request's future, though,
//! so a marker also expires: one older than the longest a refresh can take is ignored and
//! replaced. Either way a board's refresh cannot be frozen by one cancelled request.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::Hash;
use std::thread::LocalKey;

/// Who is refreshing, and since when (milliseconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    id: u64,
    pub started: u64,
}

pub type Map<K> = RefCell<HashMap<K, Marker>>;

thread_local! {
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

/// The running refresh of `key`, unless there is none or it is older than `max_age_ms`
/// (abandoned).
pub fn running<K: Hash + Eq>(map: &'static LocalKey<Map<K>>, key: &K, now: u64, max_age_ms: u64) -> Option<Marker> {
    map.with(|m| m.borrow().get(key).copied()).filter(|mk| now.saturating_sub(mk.started) < max_age_ms)
}

/// How many refreshes are marked as running (abandoned ones included until replaced).
pub fn count<K>(map: &'static LocalKey<Map<K>>) -> usize {
    map.with(|m| m.borrow().len())
}

/// Holds the marker for one key; dropping it removes the marker, unless a later claim has
/// replaced it in the meantime.
pub struct Guard<K: Hash + Eq + Clone + 'static> {
    map: &'static LocalKey<Map<K>>,
    key: K,
    id: u64,
}

impl<K: Hash + Eq + Clone + 'static> Guard<K> {
    /// Marks `key` as being refreshed from `now`, replacing any earlier (abandoned) marker,
    /// and forgets markers older than `max_age_ms` so the map stays small.
    pub fn claim(map: &'static LocalKey<Map<K>>, key: K, now: u64, max_age_ms: u64) -> Self {
        let id = NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id + 1);
            id
        });
        map.with(|m| {
            let mut m = m.borrow_mut();
            m.retain(|_, mk| now.saturating_sub(mk.started) < max_age_ms);
            m.insert(key.clone(), Marker { id, started: now });
        });
        Self { map, key, id }
    }

    #[cfg(test)]
    pub fn marker(&self) -> Option<Marker> {
        self.map.with(|m| m.borrow().get(&self.key).copied()).filter(|mk| mk.id == self.id)
    }
}

impl<K: Hash + Eq + Clone + 'static> Drop for Guard<K> {
    fn drop(&mut self) {
        // `try_with`: during thread teardown the map may already be gone.
        let _ = self.map.try_with(|m| {
            let mut m = m.borrow_mut();
            if m.get(&self.key).is_some_and(|mk| mk.id == self.id) {
                m.remove(&self.key);
            }
        });
    }
}

/// Whether `marker` is still the running refresh of `key`.
pub fn still<K: Hash + Eq>(map: &'static LocalKey<Map<K>>, key: &K, marker: Marker) -> bool {
    map.with(|m| m.borrow().get(key) == Some(&marker))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    thread_local! {
        static MAP: Map<String> = RefCell::new(HashMap::new());
    }

    /// A future that never finishes, like an upstream call a visitor stopped waiting for.
    struct Forever;
    impl Future for Forever {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            Poll::Pending
        }
    }

    async fn refresh(key: &str, now: u64) {
        let _guard = Guard::claim(&MAP, key.to_string(), now, 10_000);
        Forever.await;
    }

    #[test]
    fn a_refresh_dropped_mid_flight_releases_its_marker() {
        let key = "cancelled".to_string();
        let mut fut = Box::pin(refresh(&key, 1_000));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        assert!(running(&MAP, &key, 1_500, 10_000).is_some(), "marked while running");
        drop(fut); // the visitor closed the tab
        assert!(running(&MAP, &key, 1_500, 10_000).is_none(), "released on drop");
        assert_eq!(MAP.with(|m| m.borrow().len()), 0);
    }

    #[test]
    fn an_abandoned_marker_expires_and_is_replaced() {
        let key = "abandoned".to_string();
        std::mem::forget(Guard::claim(&MAP, key.clone(), 1_000, 10_000)); // never dropped
        assert_eq!(running(&MAP, &key, 10_999, 10_000).map(|m| m.started), Some(1_000));
        assert!(running(&MAP, &key, 11_000, 10_000).is_none(), "too old to be running");
        let g = Guard::claim(&MAP, key.clone(), 11_000, 10_000);
        assert_eq!(running(&MAP, &key, 11_001, 10_000), g.marker());
        drop(g);
        assert!(running(&MAP, &key, 11_001, 10_000).is_none());
    }

    #[test]
    fn an_old_guard_does_not_remove_a_newer_claim() {
        let key = "replaced".to_string();
        let old = Guard::claim(&MAP, key.clone(), 1_000, 10_000);
        let new = Guard::claim(&MAP, key.clone(), 20_000, 10_000);
        let m = new.marker().unwrap();
        assert!(old.marker().is_none(), "the new claim replaced it");
        drop(old);
        assert!(still(&MAP, &key, m), "the new marker survives the old guard");
        drop(new);
        assert!(!still(&MAP, &key, m));
    }

    #[test]
    fn claiming_prunes_expired_markers() {
        for i in 0..5 {
            std::mem::forget(Guard::claim(&MAP, format!("stale-{i}"), 1_000, 10_000));
        }
        let _g = Guard::claim(&MAP, "fresh".to_string(), 50_000, 10_000);
        assert_eq!(count(&MAP), 1);
    }
}
