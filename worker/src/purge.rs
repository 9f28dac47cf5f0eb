//! Global purge: when a web hook, an owner's "sync now" or an owner's edit changes a board, its
//! cached responses are purged in every data centre through Cloudflare's purge API, by
//! Cache-Tag, besides the new copy written to KV. Without `CF_ZONE_ID` and `CF_PURGE_TOKEN`
//! nothing here runs.
//!
//! * Every board-scoped response (and every Cache API entry the read path stores) carries
//!   `Cache-Tag: board:{token}`; a job's also `job:{token}:{id}`. A change purges
//!   `board:{token}` only: one tag covers the board's every response, jobs' included, so a
//!   change costs one purge operation whatever it touched (job tags are there for an operator
//!   purging one job by hand).
//! * Durable and bounded: a change is a row of `pending_purges` (one per board: later changes
//!   coalesce into it), sent at once (in the background of the request that made the change),
//!   deleted when Cloudflare confirms, and otherwise retried by the cron with the outbox's
//!   backoff, at most [`MAX_ATTEMPTS`] times and [`MAX_TAGS_PER_REQUEST`] boards per run (one
//!   request).
//! * No storms: one board's purges are at least `PURGE_MIN_INTERVAL_SECONDS` apart, across
//!   every isolate and the cron (a claim in D1's `purge_sends`, which the cron's selection
//!   respects too). A change inside the window is not sent: its row waits and the cron's first
//!   run after the window purges it, once for every change meanwhile. An owner clicking "sync
//!   now" or a flood of edits cannot use up the zone's purge rate, which every org shares.
//! * The API token goes only to the configured API host, in the `Authorization` header, with
//!   redirects not followed. Errors carry statuses and Cloudflare's error codes, never a message
//!   from the answer (which could echo the request) and never the token.

use crate::cache::Layers;
use crate::config::{Config, Secret};
use crate::db;
use crate::error::ApiError;
use serde::Deserialize;
use worker::D1Database;

/// Cloudflare's API in production (`CF_API_BASE`).
pub const DEFAULT_API_BASE: &str = "https://api.cloudflare.com/client/v4";
/// Tags one purge request may name (Cloudflare: "up to 100 operations per request", every plan).
pub const MAX_TAGS_PER_REQUEST: usize = 100;
/// Attempts before a purge is given up: with the default 60 s doubling backoff the last one is
/// about eight and a half hours after the first, long past the freshness window after which
/// every data centre refreshes its copy on its own.
pub const MAX_ATTEMPTS: u32 = 10;
/// An attempt under way holds its row this long, so the cron does not send it again meanwhile.
const HOLD_MS: u64 = 60_000;
/// Cloudflare's answers are small JSON documents; more is not read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

// ---- Pure parts ----

/// Where and with what the purge API is called. Present only when both the zone and the token
/// are configured and well-formed.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The zone's id (`CF_ZONE_ID`): 32 hexadecimal digits.
    pub zone_id: String,
    /// An API token with one permission, Zone → Cache Purge → Purge, on this zone only
    /// (`CF_PURGE_TOKEN`, a secret).
    pub token: Secret<String>,
    /// The API's base URL, without a trailing slash (`CF_API_BASE`).
    pub api_base: String,
}

impl Settings {
    /// Both values trimmed and checked: a zone id of 32 hexadecimal digits (it is put into the
    /// URL's path) and a token of visible ASCII (it is put into a header). Anything else turns
    /// the purge off rather than send something malformed.
    pub fn parse(zone_id: Option<&str>, token: Option<&str>, api_base: &str) -> Option<Self> {
        let zone_id = zone_id.map(str::trim).filter(|z| z.len() == 32 && z.bytes().all(|b| b.is_ascii_hexdigit()))?;
        let token = token.map(str::trim).filter(|t| (1..=512).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_graphic()))?;
        Some(Self { zone_id: zone_id.to_ascii_lowercase(), token: Secret::new(token.to_string()), api_base: api_base.to_string() })
    }

    /// `POST {api_base}/zones/{zone_id}/purge_cache`.
    pub fn url(&self) -> String {
        format!("{}/zones/{}/purge_cache", self.api_base, self.zone_id)
    }
}

/// `board:{token}` for a valid board token (lowercase, as every cache key), else `None`: only
/// letters, digits, `-` and `_` ever reach a header or a purge.
pub fn board_tag(token: &str) -> Option<String> {
    shared::api::valid_board_token(token).then(|| format!("board:{}", token.to_ascii_lowercase()))
}

/// `job:{token}:{id}`.
pub fn job_tag(token: &str, id: u64) -> Option<String> {
    shared::api::valid_board_token(token).then(|| format!("job:{}:{id}", token.to_ascii_lowercase()))
}

/// The `Cache-Tag` value of a board's response (comma-separated, no spaces), and of one of its
/// jobs' with `job`.
pub fn cache_tag(token: &str, job: Option<u64>) -> Option<String> {
    let board = board_tag(token)?;
    Some(match job.and_then(|id| job_tag(token, id)) {
        Some(j) => format!("{board},{j}"),
        None => board,
    })
}

/// The tags in requests of at most [`MAX_TAGS_PER_REQUEST`], each once.
pub fn batches(tags: &[String]) -> Vec<Vec<String>> {
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<String> = tags.iter().filter(|t| seen.insert(t.as_str())).cloned().collect();
    unique.chunks(MAX_TAGS_PER_REQUEST).map(<[String]>::to_vec).collect()
}

/// The request body: `{"tags": [...]}`.
pub fn request_body(tags: &[String]) -> String {
    serde_json::json!({ "tags": tags }).to_string()
}

/// Why a purge did not go through. Nothing here holds text from the answer or the token.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PurgeError {
    #[error("Cloudflare's API could not be reached")]
    Network,
    #[error("Cloudflare's API did not answer within {0} ms")]
    Timeout(u64),
    #[error("Cloudflare refused the token (HTTP {0}): it needs Zone → Cache Purge → Purge on this zone")]
    Unauthorized(u16),
    #[error("Cloudflare is rate limiting purges (HTTP 429)")]
    RateLimited,
    #[error("Cloudflare answered HTTP {0}")]
    Status(u16),
    #[error("Cloudflare did not purge (error codes {0:?})")]
    Refused(Vec<i64>),
    #[error("Cloudflare's answer was not the API's JSON")]
    Malformed,
}

impl PurgeError {
    /// Whether trying the same request again may succeed. A request Cloudflare found malformed
    /// will be refused again; everything else (outages, rate limits, a token being fixed) may pass.
    pub fn retryable(&self) -> bool {
        !matches!(self, Self::Status(400 | 405 | 413 | 414 | 422))
    }

    /// What `pending_purges.last_error` keeps: the status or the codes.
    pub fn short(&self) -> String {
        match self {
            Self::Network => "network".into(),
            Self::Timeout(_) => "timeout".into(),
            Self::Unauthorized(s) | Self::Status(s) => format!("http {s}"),
            Self::RateLimited => "http 429".into(),
            Self::Refused(codes) => format!("codes {codes:?}"),
            Self::Malformed => "malformed".into(),
        }
    }
}

/// What the purge API's answer means: `{"success": true, …}` with a 2xx is done; anything else
/// is an error made of the status and the error codes only.
pub fn outcome(status: u16, body: &str) -> Result<(), PurgeError> {
    #[derive(Deserialize)]
    struct Code {
        #[serde(default)]
        code: Option<i64>,
    }
    #[derive(Deserialize)]
    struct Answer {
        success: bool,
        #[serde(default)]
        errors: Vec<Code>,
    }
    let answer = serde_json::from_str::<Answer>(body).ok();
    let codes = || answer.as_ref().map(|a| a.errors.iter().filter_map(|e| e.code).collect::<Vec<_>>()).unwrap_or_default();
    match status {
        200..=299 => match &answer {
            Some(a) if a.success => Ok(()),
            Some(_) => Err(PurgeError::Refused(codes())),
            None => Err(PurgeError::Malformed),
        },
        401 | 403 => Err(PurgeError::Unauthorized(status)),
        429 => Err(PurgeError::RateLimited),
        s => Err(PurgeError::Status(s)),
    }
}

/// After a failed attempt: when to try again, or to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    RetryAt(u64),
    GiveUp,
}

/// `attempts` counts the one that just failed. The delay is the outbox's (and host events')
/// doubling backoff from `OUTBOX_BACKOFF_SECONDS`.
pub fn after_failure(attempts: u32, error: &PurgeError, now: u64, base_secs: u64) -> Next {
    if attempts >= MAX_ATTEMPTS || !error.retryable() {
        Next::GiveUp
    } else {
        Next::RetryAt(now + crate::apply::backoff_secs(base_secs, attempts) * 1000)
    }
}

/// Whether a sync should purge: a web hook or an owner's "sync now" says the board changed
/// (another data centre's refresh may have read the change first, so this one sees no
/// difference); the cron purges only when its refresh found one.
pub fn should_purge(announced: bool, before_etag: Option<&str>, after_etag: &str, jobs_changed: bool) -> bool {
    announced || jobs_changed || before_etag != Some(after_etag)
}

/// Whether an owner's edit changed what visitors see: the owners' decisions other than their
/// revision (which every saved edit moves, even one that sets what was already set).
pub fn overlay_changed(before: &shared::jobs::Overlay, after: &shared::jobs::Overlay) -> bool {
    let unrevised = |o: &shared::jobs::Overlay| shared::jobs::Overlay { revision: 0, ..o.clone() };
    unrevised(before) != unrevised(after)
}

// ---- Edges ----

/// One purge request: the status and Cloudflare's verdict. The token goes in the header only,
/// to the configured URL only; redirects are not followed.
async fn send(s: &Settings, timeout_ms: u64, tags: &[String]) -> Result<(), PurgeError> {
    use worker::{Fetch, Headers, Method, Request, RequestInit, RequestRedirect};
    let headers = Headers::new();
    let auth = format!("Bearer {}", s.token.expose());
    for (k, v) in [("authorization", auth.as_str()), ("content-type", "application/json"), ("user-agent", "greenhouse-edge-purge")] {
        headers.set(k, v).map_err(|_| PurgeError::Network)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(request_body(tags).into())).with_redirect(RequestRedirect::Manual);
    let req = Request::new_with_init(&s.url(), &init).map_err(|_| PurgeError::Network)?;
    let controller = worker::AbortController::default();
    let signal = controller.signal();
    let call = Box::pin(async move {
        let mut resp = Fetch::Request(req).send_with_signal(&signal).await.map_err(|_| PurgeError::Network)?;
        let status = resp.status_code();
        let bytes = resp.bytes().await.unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_ANSWER_BYTES)]).into_owned();
        outcome(status, &text)
    });
    let timer = Box::pin(worker::Delay::from(std::time::Duration::from_millis(timeout_ms)));
    crate::metrics::count(|c| c.purges += 1);
    match futures_util::future::select(call, timer).await {
        futures_util::future::Either::Left((result, _)) => result,
        futures_util::future::Either::Right(_) => {
            controller.abort();
            Err(PurgeError::Timeout(timeout_ms))
        }
    }
}

/// The longest one purge request may take: the upstream bound, at most 5 s (the cron sends
/// these between its other steps).
fn timeout_ms(cfg: &Config) -> u64 {
    cfg.upstream_timeout_ms.min(5_000)
}

#[derive(Deserialize)]
struct Row {
    board: String,
    changed_at: f64,
    attempts: f64,
}

/// Records the failure of an attempt at these rows (each only if no newer change replaced it):
/// a later retry, or, out of attempts, the row deleted with a log line.
async fn failed(cfg: &Config, db: &D1Database, rows: &[Row], e: &PurgeError, now: u64) -> Result<(), ApiError> {
    let mut statements = Vec::new();
    for r in rows {
        let attempts = r.attempts as u32 + 1;
        let (board, stamp) = (r.board.as_str(), db::num(r.changed_at as u64));
        match after_failure(attempts, e, now, cfg.outbox_backoff_secs) {
            Next::RetryAt(at) => statements.push(db::stmt(
                db,
                "UPDATE pending_purges SET attempts = ?3, next_at = ?4, last_error = ?5 WHERE board = ?1 AND changed_at = ?2",
                &[board.into(), stamp, db::num(u64::from(attempts)), db::num(at), e.short().into()],
            )?),
            Next::GiveUp => {
                worker::console_error!("purge of board:{board}: given up after {attempts} attempt(s): {e}");
                statements.push(db::stmt(db, "DELETE FROM pending_purges WHERE board = ?1 AND changed_at = ?2", &[board.into(), stamp])?);
            }
        }
    }
    db::batch(db, statements).await
}

async fn done(db: &D1Database, rows: &[Row]) -> Result<(), ApiError> {
    let mut statements = Vec::new();
    for r in rows {
        statements.push(db::stmt(
            db,
            "DELETE FROM pending_purges WHERE board = ?1 AND changed_at = ?2",
            &[r.board.as_str().into(), db::num(r.changed_at as u64)],
        )?);
    }
    db::batch(db, statements).await
}

/// Records a change of `board`, coalesced into its pending row with a fresh attempt budget,
/// due at `next_at` or when the row was due already, whichever is sooner (a stream of changes
/// never postpones a purge that is due). The row's stamp is strictly newer than any change
/// recorded before, even within one millisecond.
async fn record(db: &D1Database, board: &str, now: u64, next_at: u64) -> Result<Option<Row>, ApiError> {
    db::first(
        db,
        "INSERT INTO pending_purges (board, changed_at, attempts, next_at) VALUES (?1, ?2, 0, ?3) \
         ON CONFLICT (board) DO UPDATE SET changed_at = MAX(pending_purges.changed_at + 1, ?2), attempts = 0, \
         next_at = MIN(pending_purges.next_at, ?3), last_error = NULL \
         RETURNING board, changed_at, attempts",
        &[board.into(), db::num(now), db::num(next_at)],
    )
    .await
}

/// Claims the right to purge `board` now: no purge of it was sent within `interval_ms` (in
/// any isolate). The claim is the send's time, so the next one waits for the window again.
async fn claim(db: &D1Database, board: &str, now: u64, interval_ms: u64) -> Result<bool, ApiError> {
    let claimed: Option<serde_json::Value> = db::first(
        db,
        "INSERT INTO purge_sends (board, sent_at) VALUES (?1, ?2) \
         ON CONFLICT (board) DO UPDATE SET sent_at = ?2 WHERE purge_sends.sent_at <= ?3 RETURNING sent_at",
        &[board.into(), db::num(now), db::num(now.saturating_sub(interval_ms))],
    )
    .await?;
    Ok(claimed.is_some())
}

/// Records a change of `board` and purges its tag now, or, when the board was purged within
/// the minimum interval, leaves the change due when that interval has passed (the cron sends
/// it). The change is recorded before anything else, so whatever fails after, the cron has it.
async fn record_and_send(cfg: &Config, db: &D1Database, s: &Settings, board: &str, now: u64) -> Result<(), ApiError> {
    let Some(tag) = board_tag(board) else { return Ok(()) };
    let interval = cfg.purge_min_interval_secs * 1000;
    // Due no sooner than the window (or, with none, than an attempt's hold): the cron leaves it
    // to the send below meanwhile.
    let due = now + if interval > 0 { interval } else { HOLD_MS };
    let Some(row) = record(db, board, now, due).await? else { return Ok(()) };
    if !claim(db, board, now, interval).await? {
        return Ok(());
    }
    match send(s, timeout_ms(cfg), &[tag]).await {
        Ok(()) => done(db, &[row]).await,
        Err(e) => {
            worker::console_warn!("purge of board:{board} failed, the cron retries it: {e}");
            failed(cfg, db, &[row], &e, worker::Date::now().as_millis().max(now)).await
        }
    }
}

/// A board's visitors' view changed: purge its cached responses everywhere. In the background
/// when the request can keep working (a web hook or an owner's answer never waits for it),
/// else now (the cron, or work already running in the background). Nothing without the
/// purge configured. Failures are logged and left to the cron.
pub async fn board_changed(l: &Layers<'_>, board: &str, now: u64) {
    let Some(s) = l.cfg.purge.clone() else { return };
    let (cfg, env, board) = (l.cfg.clone(), l.env.clone(), crate::cache::canonical(board));
    let work = async move {
        let result = match env.d1("DB") {
            Ok(db) => record_and_send(&cfg, &db, &s, &board, now).await,
            Err(e) => Err(e.into()),
        };
        if let Err(e) = result {
            worker::console_error!("purge of board:{board}: {e:?}");
        }
    };
    match l.ctx {
        Some(ctx) => ctx.wait_until(work),
        None => work.await,
    }
}

/// The cron's own refreshes: a change is recorded as due, and [`retry_due`] (the cron's next
/// step) purges every board it recorded in one request.
pub async fn queue(cfg: &Config, db: &D1Database, board: &str, now: u64) {
    if cfg.purge.is_none() || board_tag(board).is_none() {
        return;
    }
    if let Err(e) = record(db, &crate::cache::canonical(board), now, now).await {
        worker::console_error!("purge of board:{board}: {e:?}");
    }
}

/// The cron's part: due purges (failed attempts whose backoff passed, and changes recorded
/// without an attempt) of boards not purged within the minimum interval,
/// [`MAX_TAGS_PER_REQUEST`] boards in one request per run, oldest first. Returns how many
/// boards were purged.
pub async fn retry_due(cfg: &Config, db: &D1Database, now: u64) -> Result<usize, ApiError> {
    let Some(s) = &cfg.purge else { return Ok(0) };
    let window_start = now.saturating_sub(cfg.purge_min_interval_secs * 1000);
    let rows: Vec<Row> = db::all(
        db,
        "SELECT p.board, p.changed_at, p.attempts FROM pending_purges p LEFT JOIN purge_sends s ON s.board = p.board \
         WHERE p.next_at <= ?1 AND (s.sent_at IS NULL OR s.sent_at <= ?3) ORDER BY p.next_at LIMIT ?2",
        &[db::num(now), db::num(MAX_TAGS_PER_REQUEST as u64), db::num(window_start)],
    )
    .await?;
    let rows: Vec<Row> = rows.into_iter().filter(|r| board_tag(&r.board).is_some()).collect();
    if rows.is_empty() {
        return Ok(0);
    }
    let tags: Vec<String> = rows.iter().filter_map(|r| board_tag(&r.board)).collect();
    // These boards' windows start now; claims past their window are let go.
    let mut claims = vec![db::stmt(db, "DELETE FROM purge_sends WHERE sent_at < ?1", &[db::num(window_start)])?];
    for r in &rows {
        claims.push(db::stmt(
            db,
            "INSERT INTO purge_sends (board, sent_at) VALUES (?1, ?2) ON CONFLICT (board) DO UPDATE SET sent_at = MAX(purge_sends.sent_at, ?2)",
            &[r.board.as_str().into(), db::num(now)],
        )?);
    }
    db::batch(db, claims).await?;
    match send(s, timeout_ms(cfg), &tags).await {
        Ok(()) => {
            done(db, &rows).await?;
            Ok(rows.len())
        }
        Err(e) => {
            worker::console_warn!("purge of {} board(s) failed again: {e}", rows.len());
            failed(cfg, db, &rows, &e, worker::Date::now().as_millis().max(now)).await?;
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_name_only_valid_lowercase_tokens() {
        assert_eq!(board_tag("Northwind--Case").as_deref(), Some("board:northwind--case"));
        assert_eq!(job_tag("acme_2", 4_000_000_001).as_deref(), Some("job:acme_2:4000000001"));
        assert_eq!(cache_tag("acme", None).as_deref(), Some("board:acme"));
        assert_eq!(cache_tag("acme", Some(7)).as_deref(), Some("board:acme,job:acme:7"));
        // A header or a purge never gets anything a token may not hold.
        for bad in ["", "a b", "a,b", "a\r\nSet-Cookie: x=1", "a:b", "ä", &"x".repeat(101)] {
            assert_eq!(board_tag(bad), None, "{bad:?}");
            assert_eq!(cache_tag(bad, Some(1)), None, "{bad:?}");
        }
        // Within Cloudflare's rules: no spaces, comma-separated, far under 16 KB.
        let longest = cache_tag(&"x".repeat(100), Some(u64::MAX)).unwrap();
        assert!(!longest.contains(' ') && longest.len() < 300);
    }

    #[test]
    fn requests_carry_at_most_a_hundred_distinct_tags() {
        let tags: Vec<String> = (0..250).map(|i| format!("board:b{}", i % 230)).collect();
        let b = batches(&tags);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), vec![100, 100, 30]);
        assert_eq!(request_body(&["board:acme".into()]), r#"{"tags":["board:acme"]}"#);
        assert!(batches(&[]).is_empty());
    }

    #[test]
    fn settings_need_a_zone_and_a_clean_token() {
        let zone = "0123456789ABCDEF0123456789abcdef";
        let s = Settings::parse(Some(zone), Some(" tok-en_123 "), DEFAULT_API_BASE).unwrap();
        assert_eq!(s.url(), "https://api.cloudflare.com/client/v4/zones/0123456789abcdef0123456789abcdef/purge_cache");
        assert_eq!(s.token.expose(), "tok-en_123");
        assert!(!format!("{s:?}").contains("tok-en_123"), "Debug redacts the token");
        assert_eq!(Settings::parse(None, Some("t"), DEFAULT_API_BASE), None);
        assert_eq!(Settings::parse(Some(zone), None, DEFAULT_API_BASE), None);
        assert_eq!(Settings::parse(Some(zone), Some("  "), DEFAULT_API_BASE), None);
        assert_eq!(Settings::parse(Some(zone), Some("tok\r\nX-Evil: 1"), DEFAULT_API_BASE), None, "no header injection");
        assert_eq!(Settings::parse(Some("../../accounts/x"), Some("t"), DEFAULT_API_BASE), None, "the zone id is a path segment");
        assert_eq!(Settings::parse(Some("0123"), Some("t"), DEFAULT_API_BASE), None);
    }

    #[test]
    fn answers_are_judged_by_status_and_success_only() {
        let ok = r#"{"success":true,"errors":[],"messages":[],"result":{"id":"9a7806061c88ada191ed06f989cc3dac"}}"#;
        assert_eq!(outcome(200, ok), Ok(()));
        let refused = r#"{"success":false,"errors":[{"code":1134,"message":"echo: Bearer secret-token"}],"messages":[],"result":null}"#;
        let e = outcome(200, refused).unwrap_err();
        assert_eq!(e, PurgeError::Refused(vec![1134]));
        assert!(!e.to_string().contains("secret-token") && !e.short().contains("secret"), "messages of the answer are never kept");
        assert_eq!(
            outcome(403, r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#),
            Err(PurgeError::Unauthorized(403))
        );
        assert_eq!(outcome(429, ""), Err(PurgeError::RateLimited));
        assert_eq!(outcome(500, "<html>"), Err(PurgeError::Status(500)));
        assert_eq!(outcome(200, "<html>"), Err(PurgeError::Malformed));
        assert_eq!(outcome(302, ""), Err(PurgeError::Status(302)), "a redirect is not followed");
    }

    #[test]
    fn failures_are_retried_with_the_outbox_backoff_then_given_up() {
        let now = 1_000_000;
        assert_eq!(after_failure(1, &PurgeError::Status(500), now, 60), Next::RetryAt(now + 60_000));
        assert_eq!(after_failure(3, &PurgeError::RateLimited, now, 60), Next::RetryAt(now + 240_000));
        assert_eq!(after_failure(2, &PurgeError::Unauthorized(403), now, 0), Next::RetryAt(now), "a token may be fixed meanwhile");
        assert_eq!(after_failure(MAX_ATTEMPTS, &PurgeError::Network, now, 60), Next::GiveUp);
        assert_eq!(after_failure(1, &PurgeError::Status(400), now, 60), Next::GiveUp, "the same request would be refused again");
    }

    #[test]
    fn an_owner_edit_purges_only_when_visitors_see_a_difference() {
        let before = shared::jobs::Overlay { revision: 5, ..Default::default() };
        let mut same = before.clone();
        same.revision = 6;
        assert!(!overlay_changed(&before, &same), "a saved edit that set what was set");
        let mut featured = same.clone();
        featured.fields.insert("gh-1".into(), shared::jobs::LocalFields { featured: true, ..Default::default() });
        assert!(overlay_changed(&before, &featured));
    }

    #[test]
    fn web_hooks_and_owners_purge_the_cron_only_on_a_change() {
        assert!(should_purge(true, Some("\"a\""), "\"a\"", false), "announced: another data centre may have read the change first");
        assert!(!should_purge(false, Some("\"a\""), "\"a\"", false));
        assert!(should_purge(false, Some("\"a\""), "\"b\"", false), "the listing changed (a name, a department)");
        assert!(should_purge(false, Some("\"a\""), "\"a\"", true), "a description changed");
        assert!(should_purge(false, None, "\"a\"", false), "no copy before");
    }
}
