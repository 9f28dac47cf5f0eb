//! The read path for a board and for a job's extras (pay ranges, application form): isolate
//! memory → the data centre's Cache API → the global KV "last good" copy → Greenhouse.
//!
//! * A fresh copy (`CACHE_FRESH_SECONDS`, or per board `CACHE_FRESH_SECONDS_PER_BOARD`)
//!   from any layer answers at once. An expired one (up to `CACHE_STALE_SECONDS`
//!   old) also answers at once while a refresh runs in the background (`ctx.wait_until`),
//!   so visitors wait for Greenhouse only when nothing is cached at all.
//! * Concurrent refreshes of a key inside an isolate share one upstream call: the first
//!   request calls Greenhouse, the others wait on their own timers (workerd forbids one
//!   request awaiting another's I/O) and take its result, success or failure, from isolate
//!   memory. The "refreshing" marker is released when its request ends or is dropped, and
//!   expires in any case ([`inflight`]). Across isolates a short KV lock keeps a board to
//!   about one call per freshness window.
//! * A failed refresh (error, timeout, malformed or wrong JSON) never replaces a good copy:
//!   the last good one is served marked `STALE` with its age. A board Greenhouse says is gone
//!   (404) is dropped only when a second refresh confirms it.
//! * A board that does not exist is remembered as missing for `CACHE_NEGATIVE_SECONDS`, in
//!   isolate memory and in the Cache API, so a loop over random tokens costs Greenhouse one
//!   call per token per window, and KV nothing: only good copies are written there.
//! * Isolate memory is bounded: boards, extras and missing boards are each kept in an LRU
//!   map with an entry and a byte budget ([`lru`]).
//! * Board tokens are case-insensitive (as on Greenhouse): every key is lowercase.

mod inflight;
mod lru;

use crate::config::Config;
use crate::error::{ApiError, UpstreamError};
use crate::http::{etag, CacheStatus};
use crate::snapshot::Snapshot;
use crate::upstream::job_board;
use lru::Lru;
use serde::{Deserialize, Serialize};
use shared::api;
use shared::apply::ApplyForm;
use shared::greenhouse::job_board as gh;
use shared::jobs::Overlay;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use worker::{Cache, Context, Env, Headers, Response};

/// How long the Cache API keeps a last good copy; freshness is decided from its own time.
const EDGE_KEEP_SECS: u64 = 7 * 86_400;
/// How long KV keeps a job's extras after their last refresh (a board's copy has no expiry).
const EXTRAS_KV_TTL_SECS: u64 = 30 * 86_400;
/// Missing boards (and failed first refreshes) remembered per isolate; each is a few bytes.
const MAX_MISSES: usize = 4096;

/// The read path's limits (`CACHE_*` variables beside the freshness ones in [`Config`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// How long a board Greenhouse does not know is remembered as missing
    /// (`CACHE_NEGATIVE_SECONDS`, default 60; 0 turns negative caching off).
    pub negative_secs: u64,
    /// Boards kept in isolate memory (`CACHE_MEMORY_MAX_BOARDS`, default 500) and their
    /// approximate bytes (`CACHE_MEMORY_MAX_BYTES`, default 32 MiB).
    pub max_boards: usize,
    pub max_board_bytes: usize,
    /// Jobs whose extras are kept in isolate memory (`CACHE_EXTRAS_MAX_JOBS`, default 2000)
    /// and their approximate bytes (`CACHE_EXTRAS_MAX_BYTES`, default 8 MiB).
    pub max_jobs: usize,
    pub max_extras_bytes: usize,
    /// `DEBUG_STATS=1` exposes `GET /api/v1/__stats` (the caches' own accounting). Off in
    /// production.
    pub debug_stats: bool,
}

impl Settings {
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Self {
        let num = |name: &str, default: u64, range: std::ops::RangeInclusive<u64>| {
            get(name).and_then(|v| v.trim().parse::<u64>().ok()).filter(|v| range.contains(v)).unwrap_or(default)
        };
        const MIB: u64 = 1 << 20;
        Self {
            negative_secs: num("CACHE_NEGATIVE_SECONDS", 60, 0..=3600),
            max_boards: num("CACHE_MEMORY_MAX_BOARDS", 500, 1..=100_000) as usize,
            max_board_bytes: num("CACHE_MEMORY_MAX_BYTES", 32 * MIB, MIB..=1024 * MIB) as usize,
            max_jobs: num("CACHE_EXTRAS_MAX_JOBS", 2000, 1..=1_000_000) as usize,
            max_extras_bytes: num("CACHE_EXTRAS_MAX_BYTES", 8 * MIB, MIB..=1024 * MIB) as usize,
            debug_stats: get("DEBUG_STATS").is_some_and(|v| v.trim() == "1"),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self::from_lookup(&|_| None)
    }
}

/// A snapshot with its listing already serialised, so a memory hit costs no JSON work.
pub struct Prepared {
    /// The copy as every layer stores it: Greenhouse's board and the owners' overlay.
    pub snapshot: Snapshot,
    /// What visitors get, when owners decided anything (else the copy itself).
    merged: Option<Snapshot>,
    pub listing_body: String,
    pub listing_etag: String,
    /// About how much isolate memory this copy takes.
    pub bytes: usize,
}

impl Prepared {
    pub fn new(snapshot: Snapshot) -> Self {
        let merged = snapshot.view();
        let view = merged.as_ref().unwrap_or(&snapshot);
        let listing_body = serde_json::to_string(&view.listing).unwrap_or_default();
        let listing_etag = etag(listing_body.as_bytes());
        // The serialised listing, its parsed twin (about one and a half times as large, with
        // each string's and vector's own allocation) and every description, likewise. Calibrated
        // against the WebAssembly memory the benchmark measures after 1,000 boards. A merged
        // view (a board whose owners decided something) holds a second parsed copy.
        let content: usize = snapshot.content.values().map(|c| c.len() + 48).sum::<usize>() + snapshot.overlay.approx_bytes();
        let twice = if merged.is_some() { 2 } else { 1 };
        let bytes = (listing_body.len() * 5 / 2 + content * 3 / 2) * twice + 256;
        Self { snapshot, merged, listing_body, listing_etag, bytes }
    }

    /// What visitors get: the listing, descriptions and local fields merged.
    pub fn view(&self) -> &Snapshot {
        self.merged.as_ref().unwrap_or(&self.snapshot)
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

/// What only the single-job endpoint has: pay ranges and the application form. `form` is
/// `None` only when no copy exists anywhere and Greenhouse could not be asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    pub pay_ranges: Vec<api::PayRange>,
    pub form: Option<ApplyForm>,
}

/// A good copy in isolate memory, and what this isolate knows about refreshing it.
struct Slot<T> {
    copy: Rc<T>,
    fetched_at: u64,
    /// The last refresh failed (cleared by a success): copies are then "stale", not just old.
    failed: Option<(u64, UpstreamError)>,
    /// Consecutive "not found" answers while we hold a copy.
    strikes: u32,
    /// When the slower layers (Cache API, KV) were last consulted for a newer copy.
    looked_at: u64,
}

/// A refresh of a key with no copy that found nothing (`NotFound`: the board is missing) or
/// failed, and when.
#[derive(Debug, Clone, PartialEq)]
struct Miss {
    at: u64,
    error: UpstreamError,
}

type ExtrasKey = (String, u64);

thread_local! {
    static BOARDS: RefCell<Lru<String, Slot<Prepared>>> = RefCell::new(Lru::new(1, 1));
    static EXTRAS: RefCell<Lru<ExtrasKey, Slot<Extras>>> = RefCell::new(Lru::new(1, 1));
    static MISSES: RefCell<Lru<String, Miss>> = RefCell::new(Lru::new(MAX_MISSES, MAX_MISSES * 128));
    /// Keys being refreshed in this isolate (`b:{board}`, `x:{board}:{job}`).
    static INFLIGHT: inflight::Map<String> = RefCell::new(HashMap::new());
}

/// Whether a copy read at `fetched_at_ms` is still fresh at `now_ms`.
pub fn is_fresh(fetched_at_ms: u64, now_ms: u64, fresh_secs: u64) -> bool {
    now_ms.saturating_sub(fetched_at_ms) < fresh_secs.saturating_mul(1000)
}

/// The cache key of a board token: Greenhouse matches tokens case-insensitively.
pub fn canonical(token: &str) -> String {
    token.to_ascii_lowercase()
}

/// Whether an expired copy may be refreshed now: not within a freshness window of a failure.
fn may_retry(failed_at: Option<u64>, now: u64, fresh_secs: u64) -> bool {
    !failed_at.is_some_and(|f| is_fresh(f, now, fresh_secs))
}

/// The longest a refresh can take (the job list, then the rest, each bounded by the
/// timeout), after which its "refreshing" marker counts as abandoned.
fn max_refresh_ms(cfg: &Config) -> u64 {
    2 * cfg.upstream_timeout_ms + 1000
}

fn board_key(token: &str) -> String {
    format!("b:{token}")
}

fn extras_key(token: &str, id: u64) -> String {
    format!("x:{token}:{id}")
}

fn edge_board_url(token: &str) -> String {
    format!("https://cache.gh-widget.internal/v1/boards/{token}/snapshot")
}

fn edge_extras_url(token: &str, id: u64) -> String {
    format!("https://cache.gh-widget.internal/v1/boards/{token}/jobs/{id}/extras")
}

fn kv_board_key(token: &str) -> String {
    format!("board:{token}")
}

fn kv_extras_key(token: &str, id: u64) -> String {
    format!("extras:{token}:{id}")
}

fn boards<T>(cfg: &Config, f: impl FnOnce(&mut Lru<String, Slot<Prepared>>) -> T) -> T {
    BOARDS.with(|b| {
        let mut b = b.borrow_mut();
        let want = (cfg.cache.max_boards, cfg.cache.max_board_bytes);
        if b.limits() != want {
            b.set_limits(want.0, want.1);
        }
        f(&mut b)
    })
}

fn extras<T>(cfg: &Config, f: impl FnOnce(&mut Lru<ExtrasKey, Slot<Extras>>) -> T) -> T {
    EXTRAS.with(|x| {
        let mut x = x.borrow_mut();
        let want = (cfg.cache.max_jobs, cfg.cache.max_extras_bytes);
        if x.limits() != want {
            x.set_limits(want.0, want.1);
        }
        f(&mut x)
    })
}

fn misses<T>(f: impl FnOnce(&mut Lru<String, Miss>) -> T) -> T {
    MISSES.with(|m| f(&mut m.borrow_mut()))
}

fn count(f: impl FnOnce(&mut crate::metrics::Counters)) {
    crate::metrics::count(f);
}

/// Whether `key` is known to be missing at `now` (negative cache).
fn missing(cfg: &Config, key: &str, now: u64) -> bool {
    misses(|m| m.peek(key).is_some_and(|miss| miss.error == UpstreamError::NotFound && is_fresh(miss.at, now, cfg.cache.negative_secs)))
}

fn remember_miss(key: &str, at: u64, error: UpstreamError) {
    misses(|m| m.insert(key.to_string(), Miss { at, error }, key.len() + 64));
}

// ---- The slower layers. Every operation is counted, and failures only logged: a cache
// ---- that cannot be read or written must not take the read path down.

/// What the Cache API holds for a board: a snapshot, or a note that Greenhouse has no such
/// board (since `missing_at`).
#[derive(Debug, PartialEq)]
enum EdgeBoard {
    Copy(Box<Snapshot>),
    Missing(u64),
}

const MISSING_PREFIX: &str = "{\"missing_at\":";

fn missing_marker(at: u64) -> String {
    format!("{MISSING_PREFIX}{at}}}")
}

fn parse_edge_board(text: &str) -> Option<EdgeBoard> {
    if let Some(rest) = text.strip_prefix(MISSING_PREFIX) {
        return rest.strip_suffix('}').and_then(|n| n.trim().parse().ok()).map(EdgeBoard::Missing);
    }
    serde_json::from_str(text).ok().map(|s| EdgeBoard::Copy(Box::new(s)))
}

async fn edge_get(url: &str) -> Option<String> {
    count(|o| o.edge_reads += 1);
    let mut resp = Cache::default().get(url, false).await.ok()??;
    resp.text().await.ok()
}

/// Stores `body` in this data centre's Cache API. `tags` (`Cache-Tag`) let the global purge
/// reach the copy in every data centre ([`crate::purge`]).
async fn edge_put(url: &str, body: String, max_age_secs: u64, tags: Option<String>) {
    count(|o| o.edge_puts += 1);
    let headers = Headers::new();
    let _ = headers.set("Cache-Control", &format!("public, max-age={max_age_secs}"));
    let _ = headers.set("Content-Type", "application/json");
    if let Some(t) = tags {
        let _ = headers.set("Cache-Tag", &t);
    }
    if let Ok(resp) = Response::ok(body).map(|r| r.with_headers(headers)) {
        if let Err(e) = Cache::default().put(url, resp).await {
            worker::console_warn!("cache put failed for {url}: {e}");
        }
    }
}

async fn edge_delete(url: &str) {
    count(|o| o.edge_deletes += 1);
    let _ = Cache::default().delete(url, false).await;
}

async fn kv_get(env: &Env, key: &str) -> Option<String> {
    let kv = env.kv("BOARDS").ok()?;
    count(|o| o.kv_reads += 1);
    kv.get(key).text().await.ok()?
}

async fn kv_put(env: &Env, key: &str, body: &str, ttl_secs: Option<u64>) {
    let Ok(kv) = env.kv("BOARDS") else { return };
    count(|o| o.kv_puts += 1);
    if let Ok(put) = kv.put(key, body) {
        let put = match ttl_secs {
            Some(t) => put.expiration_ttl(t),
            None => put,
        };
        if let Err(e) = put.execute().await {
            worker::console_warn!("kv put failed for {key}: {e}");
        }
    }
}

async fn kv_delete(env: &Env, key: &str) {
    let Ok(kv) = env.kv("BOARDS") else { return };
    count(|o| o.kv_deletes += 1);
    let _ = kv.delete(key).await;
}

/// A short cross-isolate lock: true if another isolate started a refresh of this board in
/// the last `secs` seconds (best effort: KV is eventually consistent).
async fn locked_elsewhere(env: &Env, token: &str, now: u64, secs: u64) -> bool {
    let Ok(kv) = env.kv("BOARDS") else { return false };
    let key = format!("lock:{token}");
    count(|o| o.kv_reads += 1);
    let held = kv.get(&key).text().await.ok().flatten().and_then(|t| t.parse::<u64>().ok());
    if held.is_some_and(|at| now.saturating_sub(at) < secs * 1000) {
        return true;
    }
    count(|o| o.kv_puts += 1);
    if let Ok(put) = kv.put(&key, now.to_string()) {
        let _ = put.expiration_ttl(60).execute().await;
    }
    false
}

/// If another request of this isolate is refreshing `key`, waits for it on this request's
/// own timer (polling isolate memory) and returns what `settle` makes of the outcome; `None`
/// when nothing runs, or it ended without a recorded outcome (cancelled, or abandoned).
async fn wait_for_running<T>(cfg: &Config, key: &str, now: u64, settle: impl Fn(u64) -> Option<T>) -> Option<T> {
    let max = max_refresh_ms(cfg);
    let key = key.to_string();
    let marker = inflight::running(&INFLIGHT, &key, now, max)?;
    let budget = max.saturating_sub(now.saturating_sub(marker.started));
    let mut waited = 0;
    while inflight::still(&INFLIGHT, &key, marker) && waited < budget {
        worker::Delay::from(std::time::Duration::from_millis(20)).await;
        waited += 20;
    }
    settle(marker.started)
}

// ---- Boards ----

/// Why a board refresh produced no copy.
#[derive(Debug, Clone, PartialEq)]
enum Failure {
    /// Greenhouse has no such board, and we hold no copy (any more).
    Gone,
    Upstream(UpstreamError),
}

/// What a refresh's outcome did to isolate memory, and so what the slower layers need.
enum Recorded {
    /// A new good copy, to be written to every layer.
    Stored(Rc<Prepared>),
    /// No board and no copy: remembered as missing.
    Missing,
    /// The first "not found" for a board we hold: it is kept until a second confirms it.
    Strike,
    /// The confirmation: forgotten in memory, to be removed from the slower layers.
    Gone,
    Failed(UpstreamError),
}

impl std::fmt::Debug for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Stored(p) => write!(f, "Stored(fetched at {})", p.snapshot.fetched_at_ms),
            Self::Missing => f.write_str("Missing"),
            Self::Strike => f.write_str("Strike"),
            Self::Gone => f.write_str("Gone"),
            Self::Failed(e) => write!(f, "Failed({e:?})"),
        }
    }
}

/// Records a refresh of `token` started at `now` in isolate memory. `had` is the copy the
/// refresh started from (any layer's), if any. Pure apart from the thread-local maps.
fn record_board(cfg: &Config, token: &str, now: u64, had: Option<&Rc<Prepared>>, outcome: Result<Snapshot, UpstreamError>) -> Recorded {
    let key = board_key(token);
    // The slot this outcome is about: the one in memory, or the copy we started from if it
    // was evicted meanwhile.
    let ensure_slot = |b: &mut Lru<String, Slot<Prepared>>| {
        if !b.contains(token) {
            if let Some(p) = had {
                let slot = Slot { copy: p.clone(), fetched_at: p.snapshot.fetched_at_ms, failed: None, strikes: 0, looked_at: now };
                b.insert(token.to_string(), slot, p.bytes);
            }
        }
    };
    match outcome {
        Ok(mut snapshot) => {
            // An owner's edit that landed while this refresh ran is newer than the decisions
            // the refresh read: the newer decisions win.
            if let Some(o) = boards(cfg, |b| b.peek(token).map(|s| s.copy.snapshot.overlay.clone())) {
                if o.revision > snapshot.overlay.revision {
                    snapshot.overlay = o;
                }
            }
            let p = Rc::new(Prepared::new(snapshot));
            misses(|m| m.remove(&key));
            let kept = boards(cfg, |b| {
                // A slower refresh that started earlier must not replace a newer copy.
                if let Some(s) = b.get(token).filter(|s| s.fetched_at > now) {
                    return s.copy.clone();
                }
                let slot = Slot { copy: p.clone(), fetched_at: now, failed: None, strikes: 0, looked_at: now };
                b.insert(token.to_string(), slot, p.bytes);
                p.clone()
            });
            Recorded::Stored(kept)
        }
        Err(UpstreamError::NotFound) if had.is_none() => {
            boards(cfg, |b| b.remove(token));
            remember_miss(&key, now, UpstreamError::NotFound);
            Recorded::Missing
        }
        Err(UpstreamError::NotFound) => {
            let strikes = boards(cfg, |b| {
                ensure_slot(b);
                // A copy too large to keep in memory cannot count strikes: it is kept.
                b.peek_mut(token).map_or(1, |s| {
                    s.strikes += 1;
                    s.failed = Some((now, UpstreamError::NotFound));
                    s.strikes
                })
            });
            if strikes >= 2 {
                boards(cfg, |b| b.remove(token));
                remember_miss(&key, now, UpstreamError::NotFound);
                Recorded::Gone
            } else {
                Recorded::Strike
            }
        }
        Err(e) => {
            let held = boards(cfg, |b| {
                ensure_slot(b);
                let slot = b.peek_mut(token);
                let held = slot.is_some();
                if let Some(s) = slot {
                    s.failed = Some((now, e.clone()));
                }
                held
            });
            if !held {
                remember_miss(&key, now, e.clone());
            }
            Recorded::Failed(e)
        }
    }
}

/// The outcome of a refresh of `token` that started at `started`, as recorded by whoever ran
/// it; `None` if none was recorded.
fn board_settled(cfg: &Config, token: &str, started: u64) -> Option<Result<Rc<Prepared>, Failure>> {
    let slot = boards(cfg, |b| b.peek(token).map(|s| (s.copy.clone(), s.fetched_at, s.failed.clone())));
    if let Some((copy, fetched_at, failed)) = slot {
        if fetched_at >= started {
            return Some(Ok(copy));
        }
        if let Some((_, e)) = failed.filter(|(at, _)| *at >= started) {
            return Some(Err(Failure::Upstream(e)));
        }
    }
    let miss = misses(|m| m.peek(&board_key(token)).cloned()).filter(|m| m.at >= started)?;
    Some(Err(if miss.error == UpstreamError::NotFound { Failure::Gone } else { Failure::Upstream(miss.error) }))
}

/// Refreshes `token` from Greenhouse, or, if another request of this isolate is already
/// doing so, waits for it and takes its outcome. On success every layer holds the new copy;
/// a failure changes no copy anywhere.
async fn refresh_board(cfg: &Config, env: &Env, token: &str, now: u64, had: Option<Rc<Prepared>>) -> Result<Rc<Prepared>, Failure> {
    let key = board_key(token);
    if let Some(settled) = wait_for_running(cfg, &key, now, |started| board_settled(cfg, token, started)).await {
        return settled;
    }
    // A refresh that started since this request did, and has ended, answers for it too.
    if let Some(settled) = board_settled(cfg, token, now) {
        return settled;
    }
    let guard = inflight::Guard::claim(&INFLIGHT, key, now, max_refresh_ms(cfg));
    count(|o| o.upstream_refreshes += 1);
    let host = board_host(cfg, env, token).await;
    let fetched = job_board::fetch_board(cfg, &host, token, had.is_some()).await;
    // The owners' decisions as they are now, read after Greenhouse answered (a board no org
    // connected has none). If D1 cannot say, the last copy's are kept; with no copy at all
    // the refresh fails rather than show hidden or unimported jobs.
    let outcome = match fetched {
        Ok(up) => {
            let overlay = match env.d1("DB") {
                Ok(db) => crate::manage::for_board(&db, token).await.map(Overlay::for_visitors),
                Err(_) => Ok(Overlay::default()),
            };
            let mut s = Snapshot::build_after(token, up, now, had.as_deref().map(|p| &p.snapshot));
            match overlay {
                Ok(o) => {
                    s.overlay = o;
                    Ok(s)
                }
                Err(_) if had.is_some() => Ok(s),
                Err(e) => Err(UpstreamError::Network(format!("owners' settings unavailable: {e}"))),
            }
        }
        Err(e) => Err(e),
    };
    if let Err(e) = &outcome {
        worker::console_warn!("refresh of board {token} failed: {e}");
    }
    let recorded = record_board(cfg, token, now, had.as_ref(), outcome);
    // Waiters may go on now: memory holds the outcome. The slower layers follow.
    drop(guard);
    match recorded {
        Recorded::Stored(p) => {
            let body = serde_json::to_string(&p.snapshot).unwrap_or_default();
            kv_put(env, &kv_board_key(token), &body, None).await;
            edge_put(&edge_board_url(token), body, EDGE_KEEP_SECS, crate::purge::cache_tag(token, None)).await;
            Ok(p)
        }
        Recorded::Missing => {
            // Nothing was stored, so nothing is deleted: only a short note at the edge.
            if cfg.cache.negative_secs > 0 {
                edge_put(&edge_board_url(token), missing_marker(now), cfg.cache.negative_secs, crate::purge::cache_tag(token, None)).await;
            }
            Err(Failure::Gone)
        }
        Recorded::Gone => {
            kv_delete(env, &kv_board_key(token)).await;
            if cfg.cache.negative_secs > 0 {
                edge_put(&edge_board_url(token), missing_marker(now), cfg.cache.negative_secs, crate::purge::cache_tag(token, None)).await;
            } else {
                edge_delete(&edge_board_url(token)).await;
            }
            Err(Failure::Gone)
        }
        Recorded::Strike => Err(Failure::Upstream(UpstreamError::NotFound)),
        Recorded::Failed(e) => Err(Failure::Upstream(e)),
    }
}

/// What the layers hold for a board.
enum Lookup {
    Copy(Rc<Prepared>, CacheStatus),
    Missing,
    Nothing,
}

/// The newest copy any layer holds, and which layer it came from, or that the board is
/// known to be missing.
async fn best_board(l: &Layers<'_>, token: &str, now: u64) -> Lookup {
    let (cfg, fresh) = (l.cfg, l.cfg.fresh_for(token));
    let mem = boards(cfg, |b| b.get(token).map(|s| (s.copy.clone(), s.looked_at)));
    match &mem {
        // An expired memory copy asks the slower layers for a newer one at most once per
        // freshness window, so a long stale spell does not parse snapshots on every request.
        Some((p, looked_at)) if is_fresh(p.snapshot.fetched_at_ms, now, fresh) || is_fresh(*looked_at, now, fresh) => {
            return Lookup::Copy(p.clone(), CacheStatus::Memory);
        }
        Some(_) => boards(cfg, |b| {
            if let Some(s) = b.peek_mut(token) {
                s.looked_at = now;
            }
        }),
        None if missing(cfg, &board_key(token), now) => return Lookup::Missing,
        None => {}
    }
    let mem_overlay = mem.as_ref().map(|(p, _)| p.snapshot.overlay.clone());
    let mut best: Option<(Rc<Prepared>, CacheStatus)> = mem.map(|(p, _)| (p, CacheStatus::Memory));
    let newer = |b: &Option<(Rc<Prepared>, CacheStatus)>, s: &Snapshot| b.as_ref().is_none_or(|(p, _)| version(s) > version(&p.snapshot));
    match edge_get(&edge_board_url(token)).await.as_deref().and_then(parse_edge_board) {
        Some(EdgeBoard::Copy(s)) if newer(&best, &s) => best = Some((Rc::new(Prepared::new(*s)), CacheStatus::Edge)),
        Some(EdgeBoard::Missing(at)) if best.is_none() && is_fresh(at, now, cfg.cache.negative_secs) => {
            remember_miss(&board_key(token), at, UpstreamError::NotFound);
            return Lookup::Missing;
        }
        _ => {}
    }
    if !best.as_ref().is_some_and(|(p, _)| is_fresh(p.snapshot.fetched_at_ms, now, fresh)) {
        if let Some(s) = kv_get(l.env, &kv_board_key(token)).await.and_then(|t| serde_json::from_str::<Snapshot>(&t).ok()) {
            if newer(&best, &s) {
                best = Some((Rc::new(Prepared::new(s)), CacheStatus::Kv));
            }
        }
    }
    let Some((mut p, layer)) = best else { return Lookup::Nothing };
    if layer != CacheStatus::Memory {
        // A newer read from Greenhouse may carry older owners' decisions than memory's.
        if let Some(o) = mem_overlay.filter(|o| o.revision > p.snapshot.overlay.revision) {
            let mut s = p.snapshot.clone();
            s.overlay = o;
            p = Rc::new(Prepared::new(s));
        }
        adopt_board(cfg, token, &p, now);
    }
    Lookup::Copy(p, layer)
}

/// Which of two copies is newer: the later read from Greenhouse, then the later owners'
/// decision (an owner's edit republishes the same read with a newer overlay).
fn version(s: &Snapshot) -> (u64, u64) {
    (s.fetched_at_ms, s.overlay.revision)
}

/// Keeps a newer copy read from a slower layer in memory, with what memory knew about
/// failures since that copy was made.
fn adopt_board(cfg: &Config, token: &str, p: &Rc<Prepared>, now: u64) {
    let at = p.snapshot.fetched_at_ms;
    boards(cfg, |b| {
        if b.peek(token).is_some_and(|s| version(&s.copy.snapshot) >= version(&p.snapshot)) {
            return;
        }
        let (failed, strikes) = match b.peek(token) {
            Some(s) if s.failed.as_ref().is_some_and(|(f, _)| *f >= at) => (s.failed.clone(), s.strikes),
            _ => (None, 0),
        };
        b.insert(token.to_string(), Slot { copy: p.clone(), fetched_at: at, failed, strikes, looked_at: now }, p.bytes);
    });
}

/// Serves a board's snapshot from the nearest layer that has one (see the module docs).
pub async fn board(l: &Layers<'_>, token: &str, now: u64) -> Result<Served, ApiError> {
    let token = canonical(token);
    let (cfg, fresh) = (l.cfg, l.cfg.fresh_for(&token));
    let best = match best_board(l, &token, now).await {
        Lookup::Missing => return Err(ApiError::BoardNotFound(token)),
        Lookup::Copy(p, layer) => Some((p, layer)),
        Lookup::Nothing => None,
    };
    if let Some((p, layer)) = &best {
        let at = p.snapshot.fetched_at_ms;
        if is_fresh(at, now, fresh) {
            return Ok(Served { prepared: p.clone(), status: *layer });
        }
        // Old but usable: answer now, refresh in the background.
        if let (true, Some(ctx)) = (is_fresh(at, now, fresh.saturating_add(cfg.stale_secs)), l.ctx) {
            let failed_at = boards(cfg, |b| b.peek(&token).and_then(|s| s.failed.as_ref().map(|f| f.0)));
            let busy = inflight::running(&INFLIGHT, &board_key(&token), now, max_refresh_ms(cfg)).is_some();
            // After a failure, this isolate waits a freshness window before trying again.
            if !busy && may_retry(failed_at, now, fresh) && !locked_elsewhere(l.env, &token, now, fresh.max(5)).await {
                let (cfg, env, token, had) = (cfg.clone(), l.env.clone(), token.clone(), p.clone());
                ctx.wait_until(async move {
                    let _ = refresh_board(&cfg, &env, &token, now, Some(had)).await;
                });
            }
            let status = if failed_at.is_some() { CacheStatus::Stale } else { CacheStatus::Revalidating };
            return Ok(Served { prepared: p.clone(), status });
        }
    }
    let had = best.map(|(p, _)| p);
    match refresh_board(cfg, l.env, &token, now, had.clone()).await {
        Ok(p) => Ok(Served { prepared: p, status: CacheStatus::Miss }),
        Err(Failure::Gone) => Err(ApiError::BoardNotFound(token)),
        Err(Failure::Upstream(e)) => match had {
            Some(p) => Ok(Served { prepared: p, status: CacheStatus::Stale }),
            None => Err(ApiError::Upstream(e)),
        },
    }
}

/// The Job Board API host of a board's region: an org that connected its board in the EU
/// has it read from the EU host (one D1 look-up per refresh, which is an upstream call
/// anyway); every other board from `GREENHOUSE_BOARDS_API`.
async fn board_host(cfg: &Config, env: &Env, token: &str) -> String {
    let region = match env.d1("DB") {
        Ok(db) => crate::connect::board_region(&db, token).await,
        Err(_) => shared::owner::Region::Us,
    };
    cfg.hosts.boards(region).to_string()
}

/// When the freshest copy any layer holds of `token` was read from Greenhouse, if it is
/// still within its freshness window (the cron then leaves the board alone).
pub async fn fresh_copy_at(l: &Layers<'_>, token: &str, now: u64) -> Option<u64> {
    match best_board(l, token, now).await {
        Lookup::Copy(p, _) => Some(p.snapshot.fetched_at_ms).filter(|at| is_fresh(*at, now, l.cfg.fresh_for(token))),
        _ => None,
    }
}

/// Gives the board's newest copy (any layer's) the owners' latest decisions and writes it to
/// every layer: memory at once (so the next read here shows the edit), this data centre's
/// Cache API and KV. No copy anywhere: nothing to do, the next refresh reads the decisions.
/// Returns the copy before and after.
pub async fn republish(l: &Layers<'_>, token: &str, overlay: Overlay, now: u64) -> Option<(Snapshot, Rc<Prepared>)> {
    let token = canonical(token);
    let Lookup::Copy(before, _) = best_board(l, &token, now).await else { return None };
    let mut s = before.snapshot.clone();
    // Another edit already published newer decisions: this older one must not undo them.
    if s.overlay == overlay || s.overlay.revision > overlay.revision {
        return Some((s, before));
    }
    s.overlay = overlay;
    let p = Rc::new(Prepared::new(s));
    boards(l.cfg, |b| {
        let (failed, strikes) = b.peek(&token).map(|s| (s.failed.clone(), s.strikes)).unwrap_or_default();
        let slot = Slot { copy: p.clone(), fetched_at: p.snapshot.fetched_at_ms, failed, strikes, looked_at: now };
        b.insert(token.clone(), slot, p.bytes);
    });
    let body = serde_json::to_string(&p.snapshot).unwrap_or_default();
    kv_put(l.env, &kv_board_key(&token), &body, None).await;
    edge_put(&edge_board_url(&token), body, EDGE_KEEP_SECS, crate::purge::cache_tag(&token, None)).await;
    Some((before.snapshot.clone(), p))
}

/// Refreshes a board now, whatever its freshness (sync, web hooks), and returns the copy
/// before and after.
pub async fn refresh_now(l: &Layers<'_>, token: &str, now: u64) -> Result<(Option<Rc<Prepared>>, Rc<Prepared>), ApiError> {
    let token = canonical(token);
    let before = match best_board(l, &token, now).await {
        Lookup::Copy(p, _) => Some(p),
        Lookup::Missing | Lookup::Nothing => None,
    };
    match refresh_board(l.cfg, l.env, &token, now, before.clone()).await {
        Ok(p) => Ok((before, p)),
        Err(Failure::Gone) => Err(ApiError::BoardNotFound(token)),
        Err(Failure::Upstream(e)) => Err(ApiError::Upstream(e)),
    }
}

// ---- Job extras: the same layers and rules, keyed by (board, job). ----

/// A job's extras as the slower layers store them.
#[derive(Serialize, Deserialize)]
struct StoredExtras {
    fetched_at_ms: u64,
    pay_ranges: Vec<api::PayRange>,
    form: Option<ApplyForm>,
}

impl StoredExtras {
    fn into_extras(self) -> (Rc<Extras>, u64) {
        (Rc::new(Extras { pay_ranges: self.pay_ranges, form: self.form }), self.fetched_at_ms)
    }
}

fn extras_body(e: &Extras, fetched_at_ms: u64) -> String {
    #[derive(Serialize)]
    struct Ref<'a> {
        fetched_at_ms: u64,
        pay_ranges: &'a [api::PayRange],
        form: &'a Option<ApplyForm>,
    }
    serde_json::to_string(&Ref { fetched_at_ms, pay_ranges: &e.pay_ranges, form: &e.form }).unwrap_or_default()
}

/// Records a refresh of a job's extras in isolate memory; on success returns the new copy
/// and its stored form. A failure keeps whatever copy there is.
fn record_extras(
    cfg: &Config,
    token: &str,
    id: u64,
    now: u64,
    outcome: Result<gh::Job, UpstreamError>,
) -> Result<(Rc<Extras>, String), UpstreamError> {
    let key = (token.to_string(), id);
    match outcome {
        Ok(job) => {
            let e = Rc::new(Extras { pay_ranges: crate::snapshot::pay_ranges(&job), form: Some(crate::snapshot::apply_form(&job)) });
            let body = extras_body(&e, now);
            let bytes = 2 * body.len() + 128;
            misses(|m| m.remove(&extras_key(token, id)));
            let kept = extras(cfg, |x| {
                if let Some(s) = x.get(&key).filter(|s| s.fetched_at > now) {
                    return s.copy.clone();
                }
                x.insert(key.clone(), Slot { copy: e.clone(), fetched_at: now, failed: None, strikes: 0, looked_at: now }, bytes);
                e.clone()
            });
            Ok((kept, body))
        }
        Err(err) => {
            let held = extras(cfg, |x| {
                let slot = x.peek_mut(&key);
                let held = slot.is_some();
                if let Some(s) = slot {
                    s.failed = Some((now, err.clone()));
                }
                held
            });
            if !held {
                remember_miss(&extras_key(token, id), now, err.clone());
            }
            Err(err)
        }
    }
}

fn extras_settled(cfg: &Config, token: &str, id: u64, started: u64) -> Option<Result<Rc<Extras>, UpstreamError>> {
    let slot = extras(cfg, |x| x.peek(&(token.to_string(), id)).map(|s| (s.copy.clone(), s.fetched_at, s.failed.clone())));
    if let Some((copy, fetched_at, failed)) = slot {
        if fetched_at >= started {
            return Some(Ok(copy));
        }
        if let Some((_, e)) = failed.filter(|(at, _)| *at >= started) {
            return Some(Err(e));
        }
    }
    misses(|m| m.peek(&extras_key(token, id)).cloned()).filter(|m| m.at >= started).map(|m| Err(m.error))
}

async fn refresh_extras(cfg: &Config, env: &Env, token: &str, id: u64, now: u64) -> Result<Rc<Extras>, UpstreamError> {
    let key = extras_key(token, id);
    if let Some(settled) = wait_for_running(cfg, &key, now, |started| extras_settled(cfg, token, id, started)).await {
        return settled;
    }
    if let Some(settled) = extras_settled(cfg, token, id, now) {
        return settled;
    }
    let guard = inflight::Guard::claim(&INFLIGHT, key, now, max_refresh_ms(cfg));
    count(|o| o.upstream_refreshes += 1);
    let host = board_host(cfg, env, token).await;
    let outcome = job_board::fetch_job(cfg, &host, token, id).await;
    if let Err(e) = &outcome {
        worker::console_warn!("questions and pay of job {id} on {token}: {e}");
    }
    let recorded = record_extras(cfg, token, id, now, outcome);
    drop(guard);
    let (e, body) = recorded?;
    kv_put(env, &kv_extras_key(token, id), &body, Some(EXTRAS_KV_TTL_SECS)).await;
    edge_put(&edge_extras_url(token, id), body, EDGE_KEEP_SECS, crate::purge::cache_tag(token, Some(id))).await;
    Ok(e)
}

/// A job's pay ranges and application form, from the nearest layer that has them, with the
/// board's freshness, stale-while-revalidate and coalescing. When Greenhouse fails the last
/// good extras are served; with none anywhere, empty extras (`form: None`).
pub async fn job_extras(l: &Layers<'_>, token: &str, id: u64, now_ms: u64) -> Rc<Extras> {
    let (token, now) = (canonical(token), now_ms);
    let (cfg, fresh) = (l.cfg, l.cfg.fresh_for(&token));
    let key = (token.clone(), id);
    let mem = extras(cfg, |x| x.get(&key).map(|s| (s.copy.clone(), s.fetched_at, s.looked_at)));
    let mut best = mem.as_ref().map(|(e, at, _)| (e.clone(), *at));
    let looked = mem.as_ref().is_some_and(|(_, at, looked)| is_fresh(*at, now, fresh) || is_fresh(*looked, now, fresh));
    if !looked {
        extras(cfg, |x| {
            if let Some(s) = x.peek_mut(&key) {
                s.looked_at = now;
            }
        });
        let read = |t: Option<String>| t.and_then(|t| serde_json::from_str::<StoredExtras>(&t).ok()).map(StoredExtras::into_extras);
        let older = |b: &Option<(Rc<Extras>, u64)>, at: u64| b.as_ref().is_none_or(|(_, held)| at > *held);
        if let Some((e, at)) = read(edge_get(&edge_extras_url(&token, id)).await).filter(|(_, at)| older(&best, *at)) {
            best = Some((e, at));
        }
        if !best.as_ref().is_some_and(|(_, at)| is_fresh(*at, now, fresh)) {
            if let Some((e, at)) = read(kv_get(l.env, &kv_extras_key(&token, id)).await).filter(|(_, at)| older(&best, *at)) {
                best = Some((e, at));
            }
        }
        if let Some((e, at)) = &best {
            extras(cfg, |x| {
                if x.peek(&key).is_none_or(|s| *at > s.fetched_at) {
                    let failed = x.peek(&key).and_then(|s| s.failed.clone()).filter(|(f, _)| f >= at);
                    let bytes = 2 * extras_body(e, *at).len() + 128;
                    x.insert(key.clone(), Slot { copy: e.clone(), fetched_at: *at, failed, strikes: 0, looked_at: now }, bytes);
                }
            });
        }
    }
    if let Some((e, at)) = &best {
        if is_fresh(*at, now, fresh) {
            return e.clone();
        }
        if let (true, Some(ctx)) = (is_fresh(*at, now, fresh.saturating_add(cfg.stale_secs)), l.ctx) {
            let failed_at = extras(cfg, |x| x.peek(&key).and_then(|s| s.failed.as_ref().map(|f| f.0)));
            let busy = inflight::running(&INFLIGHT, &extras_key(&token, id), now, max_refresh_ms(cfg)).is_some();
            if !busy && may_retry(failed_at, now, fresh) {
                let (cfg, env, token) = (cfg.clone(), l.env.clone(), token.clone());
                ctx.wait_until(async move {
                    let _ = refresh_extras(&cfg, &env, &token, id, now).await;
                });
            }
            return e.clone();
        }
    }
    match refresh_extras(cfg, l.env, &token, id, now).await {
        Ok(e) => e,
        Err(_) => best.map(|(e, _)| e).unwrap_or_default(),
    }
}

/// A job's application form: `None` only when no copy exists anywhere and Greenhouse could
/// not be asked.
pub async fn job_form(l: &Layers<'_>, token: &str, id: u64, now_ms: u64) -> Option<ApplyForm> {
    job_extras(l, token, id, now_ms).await.form.clone()
}

// ---- Statistics (`DEBUG_STATS=1` only) ----

/// The size of this isolate's WebAssembly memory, where every Rust value lives (it grows,
/// never shrinks). 0 off wasm.
pub fn wasm_memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) as u64 * 65_536
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

/// The caches' own accounting in this isolate.
pub fn stats(cfg: &Config) -> serde_json::Value {
    serde_json::json!({
        "memory": {
            "boards": boards(cfg, |b| b.usage()),
            "extras": extras(cfg, |x| x.usage()),
            "missing": misses(|m| m.usage()),
        },
        "inflight": inflight::count(&INFLIGHT),
        "ops": crate::metrics::snapshot(),
        "wasm_memory_bytes": wasm_memory_bytes(),
    })
}

#[cfg(test)]
mod tests;
