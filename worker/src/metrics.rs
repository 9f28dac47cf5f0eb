//! Per-isolate counters of what the worker spends: upstream calls, KV and Cache API
//! operations, D1 statements, and what owner analytics counted and wrote. The benchmark reads
//! them (through the debug stats route, which only exists when `DEBUG_STATS` is set) to turn
//! measured costs per request and per sync into the README's capacity table. Counting is a few integer additions; nothing is sent
//! anywhere.

use serde::Serialize;
use std::cell::Cell;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Requests this isolate answered (fetch events).
    pub requests: u64,
    /// Every outbound HTTP call (Greenhouse, Turnstile).
    pub upstream_calls: u64,
    /// Board refreshes from Greenhouse (each is one or more upstream calls).
    pub upstream_refreshes: u64,
    /// Calls to Cloudflare's purge API (global purges after a board changed).
    pub purges: u64,
    pub edge_reads: u64,
    pub edge_puts: u64,
    pub edge_deletes: u64,
    pub kv_reads: u64,
    pub kv_puts: u64,
    pub kv_deletes: u64,
    pub d1_statements: u64,
    /// Rows D1 reports reading and writing (what D1 bills and limits).
    pub d1_rows_read: u64,
    pub d1_rows_written: u64,
    /// Owner analytics (`analytics.rs`): counts taken in memory, requests left out as bots,
    /// counts dropped (the map full, or a failed flush that no longer fits), and flushes to D1.
    pub analytics_counted: u64,
    pub analytics_bots: u64,
    pub analytics_dropped: u64,
    pub analytics_flushes: u64,
}

thread_local! {
    static COUNTERS: Cell<Counters> = Cell::new(Counters::default());
}

/// Adds to the counters of this isolate.
pub fn count(f: impl FnOnce(&mut Counters)) {
    COUNTERS.with(|c| {
        let mut v = c.get();
        f(&mut v);
        c.set(v);
    });
}

pub fn snapshot() -> Counters {
    COUNTERS.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_adds_up() {
        let before = snapshot();
        count(|c| c.kv_reads += 2);
        count(|c| c.d1_statements += 1);
        let after = snapshot();
        assert_eq!(after.kv_reads - before.kv_reads, 2);
        assert_eq!(after.d1_statements - before.d1_statements, 1);
    }
}
