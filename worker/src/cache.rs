//! The read path for a board: isolate memory → the data centre's Cache API → the global KV
//! "last good" copy → Greenhouse.
//!
//! * A fresh copy (`CACHE_FRESH_SECONDS`, or per board `CACHE_FRESH_SECONDS_PER_BOARD`)
//!   from any layer answers at once. An expired one (up to `CACHE_STALE_SECONDS`
//!   old) also answers at once while a refresh runs in the background (`ctx.wait_until`),
//!   so visitors wait for Greenhouse only when nothing is cached at all.
//! * Concurrent refreshes of a board inside an isolate share one upstream call: the first
//!   request calls Greenhouse, the others wait on their own timers (workerd forbids one
//!   request awaiting another's I/O) and take its result from isolate memory. Across
//!   isolates a short KV lock keeps it to about one call per board per freshness window.
//! * A failed refresh (error, timeout, malformed JSON) never replaces a good copy: the last
//!   good one is served marked `STALE` with its age. A board Greenhouse says is gone (404)
//!   is dropped only when a second refresh confirms it.

use crate::config::Config;
use crate::error::{ApiError, UpstreamError};
use crate::http::{etag, CacheStatus};
use crate::snapshot::Snapshot;
use crate::upstream::job_board;
use shared::api;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use worker::{Cache, Context, Env, Headers, Response};

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

/// What the read path needs from the request: configuration, bindings, and the context
/// that keeps background refreshes alive after the response.
pub struct Layers<'a> {
    pub cfg: &'a Config,
    pub env: &'a Env,
    pub ctx: Option<&'a Context>,
}

#[derive(Default)]
struct BoardState {
    copy: Option<Rc<Prepared>>,
    /// When the last refresh failed (cleared by a success): copies are then "stale", not just old.
    failed_at: Option<u64>,
    /// Consecutive "board not found" answers while we still hold a copy.
    gone_strikes: u32,
    /// When the slower layers (Cache API, KV) were last consulted for a newer copy.
    looked_at: Option<u64>,
}

/// Pay ranges and application form of a job, keyed by (board, job id), with when read.
type ExtrasCache = HashMap<(String, u64), (u64, Rc<Extras>)>;

thread_local! {
    static MEMORY: RefCell<HashMap<String, BoardState>> = RefCell::new(HashMap::new());
    /// Boards being refreshed in this isolate, with when the refresh started.
    static INFLIGHT: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new());
    /// Pay ranges and application form per (board, job), with when they were read.
    static EXTRAS: RefCell<ExtrasCache> = RefCell::new(HashMap::new());
}

/// Whether a copy read at `fetched_at_ms` is still fresh at `now_ms`.
pub fn is_fresh(fetched_at_ms: u64, now_ms: u64, fresh_secs: u64) -> bool {
    now_ms.saturating_sub(fetched_at_ms) < fresh_secs.saturating_mul(1000)
}

fn edge_key(token: &str) -> String {
    format!("https://cache.gh-widget.internal/v1/boards/{token}/snapshot")
}

fn kv_key(token: &str) -> String {
    format!("board:{token}")
}

fn with_state<T>(token: &str, f: impl FnOnce(&mut BoardState) -> T) -> T {
    MEMORY.with(|m| f(m.borrow_mut().entry(token.to_string()).or_default()))
}

async fn edge_get(token: &str) -> Option<Snapshot> {
    let mut resp = Cache::default().get(edge_key(token), false).await.ok()??;
    serde_json::from_str(&resp.text().await.ok()?).ok()
}

async fn edge_put(token: &str, body: &str) {
    let headers = Headers::new();
    // Kept for a week as a last good copy; freshness is decided from `fetched_at_ms`.
    let _ = headers.set("Cache-Control", "public, max-age=604800");
    let _ = headers.set("Content-Type", "application/json");
    if let Ok(resp) = Response::ok(body).map(|r| r.with_headers(headers)) {
        if let Err(e) = Cache::default().put(edge_key(token), resp).await {
            worker::console_warn!("cache put failed for board {token}: {e}");
        }
    }
}

async fn kv_get(env: &Env, token: &str) -> Option<Snapshot> {
    let kv = env.kv("BOARDS").ok()?;
    serde_json::from_str(&kv.get(&kv_key(token)).text().await.ok()??).ok()
}

async fn kv_put(env: &Env, token: &str, body: &str) {
    if let Ok(kv) = env.kv("BOARDS") {
        if let Ok(put) = kv.put(&kv_key(token), body) {
            if let Err(e) = put.execute().await {
                worker::console_warn!("kv put failed for board {token}: {e}");
            }
        }
    }
}

/// A short cross-isolate lock: true if another isolate started a refresh of this board in
/// the last `secs` seconds (best effort: KV is eventually consistent).
async fn locked_elsewhere(env: &Env, token: &str, now: u64, secs: u64) -> bool {
    let Ok(kv) = env.kv("BOARDS") else { return false };
    let key = format!("lock:{token}");
    let held = kv.get(&key).text().await.ok().flatten().and_then(|t| t.parse::<u64>().ok());
    if held.is_some_and(|at| now.saturating_sub(at) < secs * 1000) {
        return true;
    }
    if let Ok(put) = kv.put(&key, now.to_string()) {
        let _ = put.expiration_ttl(60).execute().await;
    }
    false
}

async fn forget_everywhere(env: &Env, token: &str) {
    with_state(token, |s| *s = BoardState::default());
    let _ = Cache::default().delete(edge_key(token), false).await;
    if let Ok(kv) = env.kv("BOARDS") {
        let _ = kv.delete(&kv_key(token)).await;
    }
}

/// Refreshes `token` from Greenhouse, or, if another request of this isolate is already
/// doing so, waits for it (polling isolate memory on this request's own timer) and takes its
/// result. On success every layer holds the new copy; on failure nothing changes but the
/// failure time.
async fn refresh(cfg: &Config, env: &Env, token: &str, now: u64) -> Result<Rc<Prepared>, UpstreamError> {
    if let Some(started) = INFLIGHT.with(|m| m.borrow().get(token).copied()) {
        let give_up = cfg.upstream_timeout_ms + 1000;
        let mut waited = 0;
        while INFLIGHT.with(|m| m.borrow().contains_key(token)) && waited < give_up {
            worker::Delay::from(std::time::Duration::from_millis(20)).await;
            waited += 20;
        }
        let (copy, failed) = with_state(token, |s| (s.copy.clone(), s.failed_at));
        if let Some(p) = copy.filter(|p| p.snapshot.fetched_at_ms >= started) {
            return Ok(p);
        }
        if failed.is_some_and(|f| f >= started) {
            return Err(UpstreamError::Network("the concurrent refresh failed".into()));
        }
    }
    INFLIGHT.with(|m| m.borrow_mut().insert(token.to_string(), now));
    // A refresh builds on the last good copy: parts whose call failed are kept from it.
    let previous = with_state(token, |s| s.copy.clone());
    match job_board::fetch_board(cfg, token, previous.is_some()).await {
        Ok(up) => {
            let p = Rc::new(Prepared::new(Snapshot::build_after(token, up, now, previous.as_deref().map(|p| &p.snapshot))));
            let body = serde_json::to_string(&p.snapshot).unwrap_or_default();
            with_state(token, |s| {
                s.copy = Some(p.clone());
                s.failed_at = None;
                s.gone_strikes = 0;
            });
            INFLIGHT.with(|m| m.borrow_mut().remove(token));
            edge_put(token, &body).await;
            kv_put(env, token, &body).await;
            Ok(p)
        }
        Err(e) => {
            worker::console_warn!("refresh of board {token} failed: {e}");
            with_state(token, |s| s.failed_at = Some(now));
            INFLIGHT.with(|m| m.borrow_mut().remove(token));
            Err(e)
        }
    }
}

/// The newest copy any layer holds, and which layer it came from.
async fn best_copy(l: &Layers<'_>, token: &str, now: u64) -> Option<(Rc<Prepared>, CacheStatus)> {
    let fresh = l.cfg.fresh_for(token);
    let (mem, looked_at) = with_state(token, |s| (s.copy.clone(), s.looked_at));
    if let Some(p) = mem.as_ref().filter(|p| is_fresh(p.snapshot.fetched_at_ms, now, fresh)) {
        return Some((p.clone(), CacheStatus::Memory));
    }
    // An expired memory copy asks the slower layers for a newer one at most once per
    // freshness window, so a long stale spell does not parse snapshots on every request.
    if let (Some(p), Some(at)) = (mem.as_ref(), looked_at) {
        if is_fresh(at, now, fresh) {
            return Some((p.clone(), CacheStatus::Memory));
        }
    }
    with_state(token, |s| s.looked_at = Some(now));
    let mut best: Option<(Rc<Prepared>, CacheStatus)> = mem.map(|p| (p, CacheStatus::Memory));
    let newer = |b: &Option<(Rc<Prepared>, CacheStatus)>, s: &Snapshot| b.as_ref().is_none_or(|(p, _)| s.fetched_at_ms > p.snapshot.fetched_at_ms);
    if let Some(s) = edge_get(token).await {
        if newer(&best, &s) {
            best = Some((Rc::new(Prepared::new(s)), CacheStatus::Edge));
        }
    }
    let fresh_enough = best.as_ref().is_some_and(|(p, _)| is_fresh(p.snapshot.fetched_at_ms, now, l.cfg.fresh_for(token)));
    if !fresh_enough {
        if let Some(s) = kv_get(l.env, token).await {
            if newer(&best, &s) {
                best = Some((Rc::new(Prepared::new(s)), CacheStatus::Kv));
            }
        }
    }
    if let Some((p, _)) = &best {
        with_state(token, |s| {
            if s.copy.as_ref().is_none_or(|c| p.snapshot.fetched_at_ms > c.snapshot.fetched_at_ms) {
                s.copy = Some(p.clone());
            }
        });
    }
    best
}

/// Serves a board's snapshot from the nearest layer that has one (see the module docs).
pub async fn board(l: &Layers<'_>, token: &str, now: u64) -> Result<Served, ApiError> {
    let best = best_copy(l, token, now).await;
    if let Some((p, layer)) = &best {
        if is_fresh(p.snapshot.fetched_at_ms, now, l.cfg.fresh_for(token)) {
            return Ok(Served { prepared: p.clone(), status: *layer });
        }
        // Old but usable: answer now, refresh in the background.
        let within = now.saturating_sub(p.snapshot.fetched_at_ms) < (l.cfg.fresh_for(token) + l.cfg.stale_secs) * 1000;
        if let (true, Some(ctx)) = (within, l.ctx) {
            let failed_at = with_state(token, |s| s.failed_at);
            let failed = failed_at.is_some();
            // After a failure, this isolate waits a freshness window before trying again.
            let resting = failed_at.is_some_and(|f| is_fresh(f, now, l.cfg.fresh_for(token)));
            let busy = INFLIGHT.with(|m| m.borrow().contains_key(token));
            if !busy && !resting && !locked_elsewhere(l.env, token, now, l.cfg.fresh_for(token).max(5)).await {
                let (cfg, env, token_owned) = (l.cfg.clone(), l.env.clone(), token.to_string());
                ctx.wait_until(async move {
                    if let Err(UpstreamError::NotFound) = refresh(&cfg, &env, &token_owned, now).await {
                        gone(&env, &token_owned).await;
                    }
                });
            }
            let status = if failed { CacheStatus::Stale } else { CacheStatus::Revalidating };
            return Ok(Served { prepared: p.clone(), status });
        }
    }
    match refresh(l.cfg, l.env, token, now).await {
        Ok(p) => Ok(Served { prepared: p, status: CacheStatus::Miss }),
        Err(UpstreamError::NotFound) => match best {
            Some((p, _)) if !gone(l.env, token).await => Ok(Served { prepared: p, status: CacheStatus::Stale }),
            _ => {
                forget_everywhere(l.env, token).await;
                Err(ApiError::BoardNotFound(token.to_string()))
            }
        },
        Err(e) => match best {
            Some((p, _)) => Ok(Served { prepared: p, status: CacheStatus::Stale }),
            None => Err(ApiError::Upstream(e)),
        },
    }
}

/// Counts a "not found" for a board we hold; the second one in a row removes it everywhere.
/// Returns whether it is now gone.
async fn gone(env: &Env, token: &str) -> bool {
    let strikes = with_state(token, |s| {
        s.gone_strikes += 1;
        s.gone_strikes
    });
    if strikes >= 2 {
        forget_everywhere(env, token).await;
        true
    } else {
        false
    }
}

/// Refreshes a board now, whatever its freshness (sync, web hooks), and returns the copy
/// before and after.
pub async fn refresh_now(l: &Layers<'_>, token: &str, now: u64) -> Result<(Option<Rc<Prepared>>, Rc<Prepared>), ApiError> {
    let before = best_copy(l, token, now).await.map(|(p, _)| p);
    match refresh(l.cfg, l.env, token, now).await {
        Ok(p) => Ok((before, p)),
        Err(UpstreamError::NotFound) => {
            if before.is_none() || gone(l.env, token).await {
                forget_everywhere(l.env, token).await;
                return Err(ApiError::BoardNotFound(token.to_string()));
            }
            Err(ApiError::Upstream(UpstreamError::NotFound))
        }
        Err(e) => Err(ApiError::Upstream(e)),
    }
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
    if let Some((_, e)) = held.as_ref().filter(|(at, _)| is_fresh(*at, now_ms, cfg.fresh_for(token))) {
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
