//! The read path for a board: isolate memory, then the data centre's Cache API, then
//! Greenhouse. A failed refresh never replaces a good copy: the last good snapshot is served
//! and marked stale instead.

use crate::config::Config;
use crate::error::{ApiError, UpstreamError};
use crate::http::{etag, CacheStatus};
use crate::snapshot::Snapshot;
use crate::upstream::job_board;
use std::cell::RefCell;
use std::collections::HashMap;
use shared::api;
use std::rc::Rc;
use worker::{Cache, Headers, Response};

/// A snapshot with its listing already serialised, so a memory hit costs no JSON work.
pub struct Prepared {
    pub snapshot: Snapshot,
    pub listing_body: String,
    pub listing_etag: String,
}

impl Prepared {
    pub fn new(snapshot: Snapshot) -> Self {
        let listing_body = serde_json::to_string(&snapshot.listing).unwrap_or_default();
        let listing_etag = etag(listing_body.as_bytes());
        Self { snapshot, listing_body, listing_etag }
    }

    pub fn age_secs(&self, now_ms: u64) -> u64 {
        now_ms.saturating_sub(self.snapshot.fetched_at_ms) / 1000
    }
}

pub struct Served {
    pub prepared: Rc<Prepared>,
    pub status: CacheStatus,
}

thread_local! {
    static MEMORY: RefCell<HashMap<String, Rc<Prepared>>> = RefCell::new(HashMap::new());
    /// Pay ranges and application form per (board, job), with when they were read.
    static EXTRAS: RefCell<HashMap<(String, u64), (u64, Rc<Extras>)>> = RefCell::new(HashMap::new());
}

/// What only the single-job endpoint has: pay ranges and the application form.
#[derive(Default)]
pub struct Extras {
    pub pay_ranges: Vec<api::PayRange>,
    pub form: Option<shared::apply::ApplyForm>,
}

/// A job's extras, cached like the board. When Greenhouse fails the last known extras (or
/// none) are served, never an error.
pub async fn job_extras(cfg: &Config, token: &str, id: u64, now_ms: u64) -> Rc<Extras> {
    let key = (token.to_string(), id);
    let held = EXTRAS.with(|m| m.borrow().get(&key).cloned());
    if let Some((_, e)) = held.as_ref().filter(|(at, _)| is_fresh(*at, now_ms, cfg.fresh_secs)) {
        return e.clone();
    }
    match job_board::fetch_job(cfg, token, id).await {
        Ok(job) => {
            let e = Rc::new(Extras { pay_ranges: crate::snapshot::pay_ranges(&job), form: Some(crate::snapshot::apply_form(&job)) });
            EXTRAS.with(|m| m.borrow_mut().insert(key, (now_ms, e.clone())));
            e
        }
        Err(err) => {
            worker::console_warn!("questions and pay of job {id} on {token}: {err}");
            held.map(|(_, e)| e).unwrap_or_default()
        }
    }
}

/// Whether a copy read at `fetched_at_ms` is still fresh at `now_ms`.
pub fn is_fresh(fetched_at_ms: u64, now_ms: u64, fresh_secs: u64) -> bool {
    now_ms.saturating_sub(fetched_at_ms) < fresh_secs.saturating_mul(1000)
}

fn edge_key(token: &str) -> String {
    format!("https://cache.gh-widget.internal/v1/boards/{token}/snapshot")
}

fn memory_get(token: &str) -> Option<Rc<Prepared>> {
    MEMORY.with(|m| m.borrow().get(token).cloned())
}

fn memory_put(token: &str, p: Rc<Prepared>) {
    MEMORY.with(|m| m.borrow_mut().insert(token.to_string(), p));
}

fn memory_remove(token: &str) {
    MEMORY.with(|m| m.borrow_mut().remove(token));
}

async fn edge_get(token: &str) -> Option<Snapshot> {
    let mut resp = Cache::default().get(edge_key(token), false).await.ok()??;
    let body = resp.text().await.ok()?;
    serde_json::from_str(&body).ok()
}

async fn edge_put(token: &str, snapshot: &Snapshot) {
    let Ok(body) = serde_json::to_string(snapshot) else { return };
    let headers = Headers::new();
    // Kept for a week as the last good copy; freshness is decided from `fetched_at_ms`.
    let _ = headers.set("Cache-Control", "public, max-age=604800");
    let _ = headers.set("Content-Type", "application/json");
    if let Ok(resp) = Response::ok(body).map(|r| r.with_headers(headers)) {
        if let Err(e) = Cache::default().put(edge_key(token), resp).await {
            worker::console_warn!("cache put failed for board {token}: {e}");
        }
    }
}

async fn edge_remove(token: &str) {
    let _ = Cache::default().delete(edge_key(token), false).await;
}

/// Serves a board's snapshot from the nearest layer that has a fresh copy.
pub async fn board(cfg: &Config, token: &str, now_ms: u64) -> Result<Served, ApiError> {
    let mem = memory_get(token);
    if let Some(p) = mem.as_ref().filter(|p| is_fresh(p.snapshot.fetched_at_ms, now_ms, cfg.fresh_secs)) {
        return Ok(Served { prepared: p.clone(), status: CacheStatus::Memory });
    }
    let edge = edge_get(token).await;
    if let Some(s) = edge.as_ref().filter(|s| is_fresh(s.fetched_at_ms, now_ms, cfg.fresh_secs)) {
        let p = Rc::new(Prepared::new(s.clone()));
        memory_put(token, p.clone());
        return Ok(Served { prepared: p, status: CacheStatus::Edge });
    }
    match job_board::fetch_board(cfg, token).await {
        Ok(up) => {
            let snapshot = Snapshot::build(token, up, now_ms);
            edge_put(token, &snapshot).await;
            let p = Rc::new(Prepared::new(snapshot));
            memory_put(token, p.clone());
            Ok(Served { prepared: p, status: CacheStatus::Miss })
        }
        Err(UpstreamError::NotFound) => {
            memory_remove(token);
            edge_remove(token).await;
            Err(ApiError::BoardNotFound(token.to_string()))
        }
        Err(e) => {
            worker::console_warn!("refresh of board {token} failed: {e}");
            // The newest good copy we hold, however old, beats an error page.
            let newest = match (mem, edge) {
                (Some(m), Some(e)) if e.fetched_at_ms > m.snapshot.fetched_at_ms => Some(Rc::new(Prepared::new(e))),
                (Some(m), _) => Some(m),
                (None, Some(e)) => Some(Rc::new(Prepared::new(e))),
                (None, None) => None,
            };
            match newest {
                Some(p) => Ok(Served { prepared: p, status: CacheStatus::Stale }),
                None => Err(ApiError::Upstream(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_fresh;

    #[test]
    fn freshness_window_is_half_open() {
        assert!(is_fresh(1_000, 1_000, 5));
        assert!(is_fresh(1_000, 5_999, 5));
        assert!(!is_fresh(1_000, 6_000, 5));
        assert!(!is_fresh(1_000, 1_000, 0), "a zero window disables caching");
        assert!(is_fresh(5_000, 1_000, 5), "clock skew does not expire a copy");
    }
}
