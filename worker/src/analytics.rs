//! Owner analytics: counts per board, job, day, source and kind, with no trackers.
//!
//! Counting on the request path is an increment of a map in isolate memory (no await, no
//! I/O). The map is written to D1 in one batch ([`flush`]: an upsert that adds, `n = n +
//! excluded.n`) at most [`FLUSH_MS`] after its first count (a timer the counting request's
//! `ctx.wait_until` keeps alive), at once when it holds [`FLUSH_KEYS`] keys, and on every cron
//! run. It never holds more than [`MAX_KEYS`] keys: past that, counts are dropped and counted
//! as dropped (`metrics`). A failed write puts its counts back (within the same bound).
//!
//! What can be lost: the counts of an isolate that dies (evicted, redeployed) within the
//! [`FLUSH_MS`] before its flush. Nothing here is stored about a visitor: the request's user
//! agent and Cloudflare's verified-bot flag are read to leave bots out, then forgotten.

use crate::cache::Layers;
use crate::db;
use crate::error::ApiError;
use crate::metrics;
use shared::analytics::{day_of, normalize_source, Kind, DIRECT, MAX_DAYS, MAX_SOURCES_PER_DAY, OTHER};
use std::cell::RefCell;
use std::collections::HashMap;
use worker::{D1Database, Request};

/// A flush follows the first count into an empty map after at most this long.
pub const FLUSH_MS: u64 = 10_000;
/// A map holding this many keys is flushed at once.
pub const FLUSH_KEYS: usize = 500;
/// The most keys the map ever holds; further counts are dropped (and counted as dropped).
pub const MAX_KEYS: usize = 5_000;
/// (board, day) pairs whose sources this isolate remembers for the per-day source cap.
const MAX_SOURCE_MEMO: usize = 2_000;
/// A scheduled flush that has not run this long after it was due is taken for lost (its
/// request's `wait_until` ended early) and another is scheduled.
const LOST_FLUSH_MS: u64 = 30_000;
/// Keys per D1 statement of a flush (one JSON parameter each).
const KEYS_PER_STATEMENT: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub board: String,
    /// 0: the board's list.
    pub job: u64,
    pub day: u32,
    pub source: String,
    pub kind: Kind,
}

/// What the caller should do after counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// A flush is already on its way.
    Pending,
    /// Schedule one after this many milliseconds.
    After(u64),
}

/// The counts of this isolate not yet written, and what the source cap remembers. Pure: the
/// unit tests drive it natively.
#[derive(Default)]
pub struct Tally {
    counts: HashMap<Key, u64>,
    /// Sources seen per (board, day), for [`MAX_SOURCES_PER_DAY`] within this isolate (D1 caps
    /// them across isolates, see [`flush`]).
    sources: HashMap<(String, u32), Vec<String>>,
    /// When the scheduled flush is due, if one is.
    due: Option<u64>,
}

impl Tally {
    /// The source to count under: `direct` and `other` always; another only while the board
    /// has fewer than [`MAX_SOURCES_PER_DAY`] on this day (here), else `other`.
    fn capped(&mut self, board: &str, day: u32, source: &str) -> String {
        if source == DIRECT || source == OTHER {
            return source.to_string();
        }
        if self.sources.len() >= MAX_SOURCE_MEMO && !self.sources.contains_key(&(board.to_string(), day)) {
            // Memory first: forget the older days, and if that is not enough, everything.
            self.sources.retain(|(_, d), _| *d >= day);
            if self.sources.len() >= MAX_SOURCE_MEMO {
                self.sources.clear();
            }
        }
        let seen = self.sources.entry((board.to_string(), day)).or_default();
        if seen.iter().any(|s| s == source) {
            source.to_string()
        } else if seen.len() < MAX_SOURCES_PER_DAY {
            seen.push(source.to_string());
            source.to_string()
        } else {
            OTHER.to_string()
        }
    }

    /// Adds `n` to a count (its source capped first). Returns whether (and when) a flush must
    /// be scheduled, or `None` when the count was dropped because the map is full.
    pub fn add(&mut self, mut key: Key, n: u64, now: u64) -> Option<Flush> {
        key.source = self.capped(&key.board, key.day, &key.source);
        let full = self.counts.len() >= MAX_KEYS;
        match self.counts.get_mut(&key) {
            Some(v) => *v += n,
            None if full => return None,
            None => {
                self.counts.insert(key, n);
            }
        }
        Some(self.schedule(now))
    }

    fn schedule(&mut self, now: u64) -> Flush {
        if self.counts.len() >= FLUSH_KEYS && self.due.is_none_or(|d| d > now) {
            self.due = Some(now);
            return Flush::After(0);
        }
        match self.due {
            Some(d) if now < d + LOST_FLUSH_MS => Flush::Pending,
            _ => {
                self.due = Some(now + FLUSH_MS);
                Flush::After(FLUSH_MS)
            }
        }
    }

    /// Everything counted so far, leaving the map empty (the next count schedules a flush).
    pub fn take(&mut self) -> Vec<(Key, u64)> {
        self.due = None;
        let mut all: Vec<(Key, u64)> = self.counts.drain().collect();
        all.sort();
        all
    }

    /// Puts back the counts of a flush that failed, as far as the bound allows. Returns how
    /// many counts were dropped.
    pub fn restore(&mut self, batch: Vec<(Key, u64)>) -> u64 {
        let mut dropped = 0;
        for (k, n) in batch {
            let full = self.counts.len() >= MAX_KEYS;
            match self.counts.get_mut(&k) {
                Some(v) => *v += n,
                None if full => dropped += n,
                None => {
                    self.counts.insert(k, n);
                }
            }
        }
        dropped
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

thread_local! {
    static TALLY: RefCell<Tally> = RefCell::new(Tally::default());
    /// The last day this isolate deleted counts past the retention (once a day is enough).
    static PURGED_DAY: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether a request is an obvious bot: no user agent, one that is not a browser's, or one
/// naming a crawler, a monitor, a headless browser or an HTTP library. Cloudflare's
/// verified-bot flag is checked apart ([`verified_bot`]).
pub fn is_bot_agent(user_agent: Option<&str>) -> bool {
    const MARKS: [&str; 24] = [
        "bot",
        "crawl",
        "spider",
        "slurp",
        "curl/",
        "wget",
        "python",
        "headlesschrome",
        "phantomjs",
        "puppeteer",
        "playwright",
        "selenium",
        "lighthouse",
        "pingdom",
        "uptime",
        "monitor",
        "facebookexternalhit",
        "scrapy",
        "httpclient",
        "http-client",
        "okhttp",
        "node-fetch",
        "axios",
        "preview",
    ];
    let Some(ua) = user_agent.map(str::trim).filter(|u| !u.is_empty()) else { return true };
    let ua = ua.to_ascii_lowercase();
    // Every browser's user agent starts with "Mozilla/" (Opera's very old ones aside).
    !ua.starts_with("mozilla/") || MARKS.iter().any(|m| ua.contains(m))
}

/// Cloudflare's verdict on the request, when it has one: a verified bot (search engines,
/// monitors), from `request.cf.botManagement.verifiedBot` or `request.cf.verifiedBotCategory`.
fn verified_bot(req: &Request) -> bool {
    use js_sys::Reflect;
    use wasm_bindgen::JsValue;
    let get = |o: &JsValue, k: &str| Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let cf = get(req.inner().as_ref(), "cf");
    if !cf.is_object() {
        return false;
    }
    let bm = get(&cf, "botManagement");
    let flagged = bm.is_object() && get(&bm, "verifiedBot").as_bool() == Some(true);
    flagged || get(&cf, "verifiedBotCategory").as_string().is_some_and(|c| !c.is_empty())
}

/// Whether the request is from a bot (not counted).
pub fn is_bot(req: &Request) -> bool {
    is_bot_agent(req.headers().get("User-Agent").ok().flatten().as_deref()) || verified_bot(req)
}

/// The visit's source from the request's query: `gh_src`, else `utm_source`, else `direct`.
pub fn source_of(url: &url::Url) -> String {
    let (mut gh, mut utm) = (None, None);
    for (k, v) in url.query_pairs().take(64) {
        match k.as_ref() {
            "gh_src" if gh.is_none() => gh = Some(v.into_owned()),
            "utm_source" if utm.is_none() => utm = Some(v.into_owned()),
            _ => {}
        }
    }
    normalize_source(gh.as_deref(), utm.as_deref())
}

/// Whether a read request asks to be counted (`count` in its query: the widget marks the one
/// request per page load that stands for the view, see `widget/loader.js`).
pub fn marked(url: &url::Url) -> bool {
    url.query_pairs().take(64).any(|(k, _)| k == "count")
}

/// Counts what a visitor's request stands for, not from a bot: a view (list, job) only when
/// the read is marked (the widget's other reads of the same data count nothing), a start
/// always (its beacon is sent for nothing else).
pub fn count_request(req: &Request, l: &Layers<'_>, board: &str, job: u64, kind: Kind) {
    let Ok(url) = req.url() else { return };
    if kind != Kind::Start && !marked(&url) {
        return;
    }
    if is_bot(req) {
        metrics::count(|c| c.analytics_bots += 1);
        return;
    }
    count(l, board, job, &source_of(&url), kind);
}

/// Counts one `kind` for `board`'s `job` (0: the list) under `source` today (UTC), and
/// schedules a flush through the request's `wait_until` when one is due. No I/O here.
pub fn count(l: &Layers<'_>, board: &str, job: u64, source: &str, kind: Kind) {
    let now = worker::Date::now().as_millis();
    let key = Key { board: board.to_string(), job, day: day_of(now), source: source.to_string(), kind };
    let due = TALLY.with(|t| t.borrow_mut().add(key, 1, now));
    match due {
        None => metrics::count(|c| c.analytics_dropped += 1),
        Some(f) => {
            metrics::count(|c| c.analytics_counted += 1);
            if let (Flush::After(ms), Some(ctx)) = (f, l.ctx) {
                let env = l.env.clone();
                ctx.wait_until(async move {
                    if ms > 0 {
                        worker::Delay::from(std::time::Duration::from_millis(ms)).await;
                    }
                    if let Ok(db) = env.d1("DB") {
                        if let Err(e) = flush(&db).await {
                            worker::console_warn!("analytics: flush failed, counts kept for the next one ({e:?})");
                        }
                    }
                });
            }
        }
    }
}

/// The statements that add `batch` to D1: for each chunk, first the sources new to a board's
/// day while it has fewer than [`MAX_SOURCES_PER_DAY`], then the counts (a source not among
/// them counted as `other`). Each chunk's keys travel as one JSON parameter:
/// `[[board, job, day, source, kind, n], …]`.
pub fn statements_json(batch: &[(Key, u64)]) -> Vec<String> {
    batch
        .chunks(KEYS_PER_STATEMENT)
        .map(|chunk| {
            let rows: Vec<serde_json::Value> =
                chunk.iter().map(|(k, n)| serde_json::json!([k.board, k.job, k.day, k.source, k.kind.slug(), n])).collect();
            serde_json::Value::Array(rows).to_string()
        })
        .collect()
}

/// The new sources of a chunk, ranked per board and day, take only the places left under the
/// cap (`?2`) by the sources already stored (other isolates' flushes included), so a board
/// never has more than the cap on a day.
pub const SOURCES_SQL: &str = "INSERT INTO analytics_sources (board, day, source) \
     SELECT b, d, src FROM ( \
       SELECT b, d, src, ROW_NUMBER() OVER (PARTITION BY b, d ORDER BY src) AS k FROM ( \
         SELECT DISTINCT json_extract(r.value, '$[0]') AS b, json_extract(r.value, '$[2]') AS d, json_extract(r.value, '$[3]') AS src \
         FROM json_each(?1) AS r WHERE json_extract(r.value, '$[3]') NOT IN ('direct', 'other')) AS fresh \
       WHERE NOT EXISTS (SELECT 1 FROM analytics_sources s WHERE s.board = fresh.b AND s.day = fresh.d AND s.source = fresh.src)) AS ranked \
     WHERE ranked.k + (SELECT COUNT(*) FROM analytics_sources s WHERE s.board = ranked.b AND s.day = ranked.d) <= ?2 \
     ON CONFLICT DO NOTHING";

pub const COUNTS_SQL: &str = "INSERT INTO analytics (board, day, source, kind, job_id, n) \
     SELECT json_extract(r.value, '$[0]'), json_extract(r.value, '$[2]'), \
     CASE WHEN json_extract(r.value, '$[3]') IN ('direct', 'other') OR EXISTS (SELECT 1 FROM analytics_sources s \
       WHERE s.board = json_extract(r.value, '$[0]') AND s.day = json_extract(r.value, '$[2]') AND s.source = json_extract(r.value, '$[3]')) \
     THEN json_extract(r.value, '$[3]') ELSE 'other' END, \
     json_extract(r.value, '$[4]'), json_extract(r.value, '$[1]'), json_extract(r.value, '$[5]') FROM json_each(?1) AS r WHERE true \
     ON CONFLICT (board, day, source, kind, job_id) DO UPDATE SET n = n + excluded.n";

/// Writes this isolate's counts to D1 in one batch (one round trip, all or nothing). On
/// failure they go back into memory for the next flush. Returns how many keys were written.
pub async fn flush(db: &D1Database) -> Result<usize, ApiError> {
    let batch = TALLY.with(|t| t.borrow_mut().take());
    if batch.is_empty() {
        return Ok(0);
    }
    let mut statements = Vec::new();
    for json in statements_json(&batch) {
        statements.push(db::stmt(db, SOURCES_SQL, &[json.as_str().into(), db::num(MAX_SOURCES_PER_DAY as u64)])?);
        statements.push(db::stmt(db, COUNTS_SQL, &[json.into()])?);
    }
    let n = batch.len();
    metrics::count(|c| c.analytics_flushes += 1);
    match db::batch(db, statements).await {
        Ok(()) => Ok(n),
        Err(e) => {
            let dropped = TALLY.with(|t| t.borrow_mut().restore(batch));
            metrics::count(|c| c.analytics_dropped += dropped);
            Err(e)
        }
    }
}

/// The cron's part: this isolate's counts written, and (once a day) counts older than
/// [`MAX_DAYS`] deleted.
pub async fn on_cron(db: &D1Database, now: u64) -> Result<usize, ApiError> {
    // Old counts go even while writing new ones fails.
    let n = flush(db).await;
    let today = day_of(now);
    if PURGED_DAY.with(|d| d.get()) != today {
        let before = db::num(u64::from(today.saturating_sub(MAX_DAYS)));
        db::batch(
            db,
            vec![
                db::stmt(db, "DELETE FROM analytics WHERE day < ?1", std::slice::from_ref(&before))?,
                db::stmt(db, "DELETE FROM analytics_sources WHERE day < ?1", std::slice::from_ref(&before))?,
            ],
        )
        .await?;
        PURGED_DAY.with(|d| d.set(today));
    }
    n
}

/// The stored counts of `board` for the days `from..=to`.
pub async fn rows(db: &D1Database, board: &str, from: u32, to: u32) -> Result<Vec<shared::analytics::Row>, ApiError> {
    #[derive(serde::Deserialize)]
    struct R {
        day: f64,
        source: String,
        job_id: f64,
        kind: String,
        n: f64,
    }
    let rows: Vec<R> = db::all(
        db,
        "SELECT day, source, job_id, kind, n FROM analytics WHERE board = ?1 AND day >= ?2 AND day <= ?3",
        &[board.into(), db::num(from.into()), db::num(to.into())],
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(shared::analytics::Row { day: r.day as u32, source: r.source, job_id: r.job_id as u64, kind: Kind::parse(&r.kind)?, n: r.n as u64 })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(board: &str, job: u64, day: u32, source: &str, kind: Kind) -> Key {
        Key { board: board.into(), job, day, source: source.into(), kind }
    }

    #[test]
    fn obvious_bots_are_told_from_browsers() {
        let browsers = [
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        ];
        for ua in browsers {
            assert!(!is_bot_agent(Some(ua)), "{ua}");
        }
        let bots = [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (compatible; AhrefsSpider/1.0)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "curl/8.5.0",
            "Wget/1.21.4",
            "python-requests/2.32.3",
            "Go-http-client/1.1",
            "okhttp/4.12.0",
            "",
            "   ",
        ];
        for ua in bots {
            assert!(is_bot_agent(Some(ua)), "{ua}");
        }
        assert!(is_bot_agent(None), "no user agent at all");
    }

    #[test]
    fn sources_come_from_gh_src_then_utm_source() {
        let u = |q: &str| url::Url::parse(&format!("https://w.example/api/v1/boards/b/jobs?{q}")).unwrap();
        assert_eq!(source_of(&u("count=1&gh_src=LinkedIn&utm_source=x")), "linkedin");
        assert_eq!(source_of(&u("count=1&utm_source=News%20Letter")), "news-letter");
        assert_eq!(source_of(&u("count=1")), "direct");
        assert!(marked(&u("count=1")) && marked(&u("a=b&count")) && !marked(&u("gh_src=x")));
    }

    #[test]
    fn counts_add_up_per_key_and_a_flush_is_scheduled_once() {
        let mut t = Tally::default();
        assert_eq!(t.add(key("b", 0, 1, "direct", Kind::ListView), 1, 1_000), Some(Flush::After(FLUSH_MS)));
        assert_eq!(t.add(key("b", 0, 1, "direct", Kind::ListView), 1, 1_001), Some(Flush::Pending), "one flush on its way");
        assert_eq!(t.add(key("b", 7, 1, "linkedin", Kind::JobView), 1, 1_002), Some(Flush::Pending));
        assert_eq!(t.len(), 2);
        let batch = t.take();
        assert_eq!(batch.len(), 2);
        assert_eq!(batch.iter().find(|(k, _)| k.kind == Kind::ListView).map(|(_, n)| *n), Some(2));
        assert!(t.is_empty());
        // Taken: the next count schedules the next flush.
        assert_eq!(t.add(key("b", 0, 1, "direct", Kind::ListView), 1, 20_000), Some(Flush::After(FLUSH_MS)));
        // A scheduled flush that never ran (its request ended early) is replaced.
        assert_eq!(t.add(key("b", 0, 1, "direct", Kind::ListView), 1, 20_000 + FLUSH_MS + LOST_FLUSH_MS), Some(Flush::After(FLUSH_MS)));
    }

    #[test]
    fn a_full_map_flushes_at_once_and_never_grows_past_its_bound() {
        let mut t = Tally::default();
        let mut now_flush = 0;
        for job in 0..(MAX_KEYS as u64 + 100) {
            match t.add(key("b", job, 1, "direct", Kind::JobView), 1, 5_000) {
                Some(Flush::After(0)) => now_flush += 1,
                Some(_) => {}
                None => assert!(job >= MAX_KEYS as u64, "dropped only past the bound"),
            }
        }
        assert_eq!(now_flush, 1, "one immediate flush at {FLUSH_KEYS} keys");
        assert_eq!(t.len(), MAX_KEYS, "bounded");
        // A known key still counts when the map is full.
        assert!(t.add(key("b", 1, 1, "direct", Kind::JobView), 1, 5_001).is_some());
        // A failed flush's counts come back, within the bound.
        let batch = t.take();
        t.add(key("b", 999_999, 1, "direct", Kind::JobView), 3, 5_002);
        assert_eq!(t.restore(batch), 1, "the one key that no longer fits is dropped");
        assert_eq!(t.len(), MAX_KEYS);
    }

    #[test]
    fn sources_past_the_daily_cap_count_as_other() {
        let mut t = Tally::default();
        for i in 0..MAX_SOURCES_PER_DAY + 5 {
            t.add(key("b", 0, 1, &format!("s{i}"), Kind::ListView), 1, 0);
        }
        t.add(key("b", 0, 1, "s0", Kind::ListView), 1, 0);
        t.add(key("b", 0, 1, "direct", Kind::ListView), 1, 0);
        t.add(key("b", 0, 2, "new-day", Kind::ListView), 1, 0);
        let batch = t.take();
        let n = |s: &str, day: u32| batch.iter().filter(|(k, _)| k.source == s && k.day == day).map(|(_, n)| *n).sum::<u64>();
        assert_eq!(n("other", 1), 5);
        assert_eq!(n("s0", 1), 2, "a known source keeps counting");
        assert_eq!(n("direct", 1), 1, "direct never counts against the cap");
        assert_eq!(n("new-day", 2), 1, "the cap is per day");
        assert_eq!(batch.iter().filter(|(k, _)| k.day == 1).count(), MAX_SOURCES_PER_DAY + 2);
    }

    #[test]
    fn a_flush_is_one_json_parameter_per_chunk_of_keys() {
        let k = |job: u64, source: &str| (Key { board: "b".into(), job, day: 20_000, source: source.into(), kind: Kind::JobView }, 3);
        let batch: Vec<_> = (0..(KEYS_PER_STATEMENT as u64 + 1)).map(|j| k(j, "a\"b")).collect();
        let chunks = statements_json(&batch);
        assert_eq!(chunks.len(), 2);
        let first: serde_json::Value = serde_json::from_str(&chunks[0]).unwrap();
        assert_eq!(first[0], serde_json::json!(["b", 0, 20_000, "a\"b", "job_view", 3]));
        assert_eq!(first.as_array().unwrap().len(), KEYS_PER_STATEMENT);
        assert!(COUNTS_SQL.contains("n = n + excluded.n"));
    }
}
