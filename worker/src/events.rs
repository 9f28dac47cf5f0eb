//! Events for the host's server: `job.created`, `job.updated`, `job.closed`, `job.reopened`
//! (and, later, candidate events) POSTed to the callback URL an org registered, signed as the
//! Standard Webhooks spec says, so hosts verify them with that spec's published libraries:
//!
//! * `webhook-id` (the same on every attempt), `webhook-timestamp` (seconds), and
//!   `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with
//!   the base64 part of the org's `whsec_…` secret. During a rotation both secrets sign.
//! * Durable and ordered: events are rows of `host_events`, delivered oldest first per org
//!   (so in order per job); a failed attempt holds the org's later events back and is retried
//!   with the outbox's backoff. At least once: a receiver may see an event twice.
//! * What the host was told is remembered per job (`job_log`), so every sync, web hook and
//!   owner edit compares the visitor board against it: no change is lost when a cached copy
//!   is missing, and none is sent twice.
//! * Callback URLs are `https` and never a loopback, private or link-local address (a
//!   configurable allow-list of URL prefixes admits local receivers for development).
//!   Responses are not read beyond their status; redirects are not followed.

use crate::config::Config;
use crate::db;
use crate::error::ApiError;
use crate::snapshot::Snapshot;
use crate::vault::{Sealed, Vault};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use shared::jobs::Callback;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use worker::D1Database;

/// How long the previous secret keeps signing after a rotation.
pub const ROTATION_OVERLAP_MS: u64 = 24 * 3600 * 1000;
/// After this many failed attempts (about a week with the default backoff) an event is
/// dropped and the next one is tried.
pub const MAX_ATTEMPTS: u32 = 30;
/// One attempt's claim: another delivery run leaves the event alone meanwhile.
const CLAIM_MS: u64 = 60 * 1000;
/// Events delivered per org per run at most (the rest wait for the next run).
const PER_RUN: usize = 50;
/// Events waiting per org at most; past it, changes are compared again later.
pub const MAX_QUEUED: usize = 1_000;

// ---- Pure parts ----

/// Why a callback URL is refused, if it is. The URL is parsed as browsers and the Workers
/// runtime parse it (WHATWG, via the `url` crate), so `https://0x7f.1/` is judged as the
/// `127.0.0.1` it reaches, and user info is refused before the allow-list is consulted.
pub fn check_url(raw: &str, allow: &[String]) -> Result<(), &'static str> {
    let raw = raw.trim();
    if raw.len() > shared::jobs::MAX_URL_CHARS || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("Enter a URL of at most 500 characters without spaces.");
    }
    let Ok(url) = worker::Url::parse(raw) else { return Err("Enter a full https:// URL.") };
    if !url.username().is_empty() || url.password().is_some() {
        return Err("The callback URL must not carry a user name or password.");
    }
    if allow.iter().any(|p| !p.is_empty() && url.as_str().starts_with(p.as_str())) {
        return Ok(());
    }
    if url.scheme() != "https" {
        return Err("The callback must be an https:// URL.");
    }
    match url.host() {
        None => Err("The callback URL needs a host."),
        Some(url::Host::Ipv4(v4)) if !public(IpAddr::V4(v4)) => Err("The callback must not point at a loopback, private or link-local address."),
        Some(url::Host::Ipv6(v6)) if !public(IpAddr::V6(v6)) => Err("The callback must not point at a loopback, private or link-local address."),
        Some(url::Host::Domain(d)) => {
            let host = d.trim_end_matches('.').to_ascii_lowercase();
            const PRIVATE_NAMES: [&str; 6] = ["localhost", ".localhost", ".local", ".internal", ".home.arpa", ".lan"];
            if PRIVATE_NAMES.iter().any(|n| if n.starts_with('.') { host.ends_with(n) } else { host == *n }) {
                Err("The callback must be reachable on the internet, not a local name.")
            } else if !host.contains('.') {
                Err("The callback URL's host must be a full domain name.")
            } else {
                Ok(())
            }
        }
        Some(_) => Ok(()),
    }
}

fn public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // carrier-grade NAT
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19)) // benchmarking
                || o[0] >= 224)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            // IPv4-mapped (::ffff:0:0/96) and IPv4-compatible (::/96) addresses, NAT64
            // (64:ff9b::/96) and 6to4 (2002::/16) reach an IPv4 address: judge that one.
            let last32 = (s[..5] == [0; 5] && (s[5] == 0xffff || s[5] == 0)) || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
            let embedded = if last32 {
                Some(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8))
            } else if s[0] == 0x2002 {
                Some(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8))
            } else {
                None
            };
            if let Some(v4) = embedded {
                return public(IpAddr::V4(v4));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (s[0] & 0xff00) == 0xff00 // multicast
                || v6 == Ipv6Addr::LOCALHOST)
        }
    }
}

/// A new signing secret: `whsec_` and 32 random bytes in base64 (the Standard Webhooks form).
pub fn new_secret() -> Result<String, ApiError> {
    let mut key = [0u8; 32];
    getrandom::getrandom(&mut key).map_err(|_| ApiError::Internal("no randomness".into()))?;
    Ok(format!("whsec_{}", B64.encode(key)))
}

/// A message id unique across attempts of nothing else: 16 random bytes.
fn msg_id() -> Result<String, ApiError> {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b).map_err(|_| ApiError::Internal("no randomness".into()))?;
    Ok(format!("msg_{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>()))
}

/// `v1,<signature>` for one secret.
pub fn sign(secret: &str, msg_id: &str, timestamp: u64, body: &str) -> Option<String> {
    let key = B64.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{msg_id}.{timestamp}.{body}").as_bytes());
    Some(format!("v1,{}", B64.encode(mac.finalize().into_bytes())))
}

/// The `webhook-signature` header: one signature per valid secret, space-separated.
pub fn signature_header(secrets: &Secrets, now_ms: u64, msg_id: &str, timestamp: u64, body: &str) -> String {
    let mut sigs: Vec<String> = sign(&secrets.current, msg_id, timestamp, body).into_iter().collect();
    if let (Some(prev), Some(until)) = (&secrets.previous, secrets.previous_until) {
        if now_ms < until {
            sigs.extend(sign(prev, msg_id, timestamp, body));
        }
    }
    sigs.join(" ")
}

/// The org's signing secrets, as sealed in D1.
#[derive(Clone, Serialize, Deserialize)]
pub struct Secrets {
    pub current: String,
    #[serde(default)]
    pub previous: Option<String>,
    #[serde(default)]
    pub previous_until: Option<u64>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(<redacted>)")
    }
}

/// What the host was told about a job: open or closed, and a digest of what it saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    pub open: bool,
    pub digest: String,
}

/// A job as an event carries it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventJob {
    pub id: u64,
    pub key: String,
    pub title: String,
    pub location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<shared::api::JobSummary>,
}

/// The events a view of the board means against what the host was told, and the log after.
pub fn plan(view: &Snapshot, log: &HashMap<u64, Logged>) -> (Vec<(&'static str, u64)>, HashMap<u64, Logged>) {
    let mut events = Vec::new();
    let mut after = HashMap::new();
    for j in &view.listing.jobs {
        let digest = digest(view, j.id);
        match log.get(&j.id) {
            None => events.push(("job.created", j.id)),
            Some(l) if !l.open => events.push(("job.reopened", j.id)),
            Some(l) if l.digest != digest => events.push(("job.updated", j.id)),
            Some(_) => {}
        }
        after.insert(j.id, Logged { open: true, digest });
    }
    let mut closed: Vec<u64> = log.iter().filter(|(id, l)| l.open && !after.contains_key(id)).map(|(id, _)| *id).collect();
    closed.sort_unstable();
    for id in closed {
        events.push(("job.closed", id));
        after.insert(id, Logged { open: false, digest: log[&id].digest.clone() });
    }
    for (id, l) in log {
        after.entry(*id).or_insert_with(|| l.clone());
    }
    (events, after)
}

/// What a host sees of a job: its merged summary, description and intro.
pub fn digest(view: &Snapshot, id: u64) -> String {
    let mut h = Sha256::new();
    if let Some(d) = view.detail(id) {
        h.update(serde_json::to_vec(&d.job).unwrap_or_default());
        h.update(d.content_html.as_bytes());
        h.update(d.intro_html.as_bytes());
    }
    h.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
}

// ---- Registration ----

#[derive(Deserialize)]
struct CallbackRow {
    callback_url: Option<String>,
    callback_registered_at: Option<f64>,
    callback_key_id: Option<String>,
    callback_nonce: Option<String>,
    callback_secret: Option<String>,
    previous_valid_until: Option<f64>,
    last_status: Option<f64>,
    last_attempt_at: Option<f64>,
}

fn aad(org: &str) -> String {
    format!("callback={org}")
}

async fn row(db: &D1Database, org: &str) -> Result<Option<CallbackRow>, ApiError> {
    let r: Option<CallbackRow> = db::first(
        db,
        "SELECT callback_url, callback_registered_at, callback_key_id, callback_nonce, callback_secret, previous_valid_until, \
         last_status, last_attempt_at FROM org_jobs WHERE org = ?1",
        &[org.into()],
    )
    .await?;
    Ok(r.filter(|r| r.callback_url.is_some()))
}

fn open_secrets(vault: &Vault, org: &str, r: &CallbackRow) -> Result<Secrets, ApiError> {
    let sealed = Sealed {
        key_id: r.callback_key_id.clone().unwrap_or_default(),
        nonce: r.callback_nonce.clone().unwrap_or_default(),
        ciphertext: r.callback_secret.clone().unwrap_or_default(),
    };
    let plain = vault.open_aad(&aad(org), &sealed).map_err(|e| ApiError::Internal(e.to_string()))?;
    serde_json::from_slice(&plain).map_err(|e| ApiError::Internal(e.to_string()))
}

async fn pending(db: &D1Database, org: &str) -> Result<u32, ApiError> {
    #[derive(Deserialize)]
    struct N {
        n: f64,
    }
    let n: Option<N> = db::first(db, "SELECT count(*) AS n FROM host_events WHERE org = ?1 AND state = 'queued'", &[org.into()]).await?;
    Ok(n.map_or(0, |n| n.n as u32))
}

/// The org's callback and how delivery goes; never its secret.
pub async fn get(db: &D1Database, org: &str) -> Result<Option<Callback>, ApiError> {
    let Some(r) = row(db, org).await? else { return Ok(None) };
    Ok(Some(Callback {
        url: r.callback_url.unwrap_or_default(),
        registered_at: r.callback_registered_at.unwrap_or(0.0) as u64,
        secret: None,
        previous_valid_until: r.previous_valid_until.map(|v| v as u64),
        pending: pending(db, org).await?,
        last_status: r.last_status.map(|v| v as u16),
        last_attempt_at: r.last_attempt_at.map(|v| v as u64),
    }))
}

async fn store_secrets(db: &D1Database, vault: &Vault, org: &str, url: &str, s: &Secrets, registered_at: u64) -> Result<(), ApiError> {
    let plain = serde_json::to_vec(s).map_err(|e| ApiError::Internal(e.to_string()))?;
    let sealed = vault.seal_aad(&aad(org), &plain).map_err(|e| ApiError::Internal(e.to_string()))?;
    db::run(
        db,
        "INSERT INTO org_jobs (org, callback_url, callback_registered_at, callback_key_id, callback_nonce, callback_secret, previous_valid_until) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (org) DO UPDATE SET callback_url = ?2, callback_registered_at = ?3, \
         callback_key_id = ?4, callback_nonce = ?5, callback_secret = ?6, previous_valid_until = ?7",
        &[
            org.into(),
            url.into(),
            db::num(registered_at),
            sealed.key_id.into(),
            sealed.nonce.into(),
            sealed.ciphertext.into(),
            s.previous_until.map_or(wasm_bindgen::JsValue::NULL, db::num),
        ],
    )
    .await?;
    Ok(())
}

/// Stores the first secret only if no callback exists yet; whether it did.
async fn claim_first(db: &D1Database, vault: &Vault, org: &str, url: &str, s: &Secrets, now: u64) -> Result<bool, ApiError> {
    let plain = serde_json::to_vec(s).map_err(|e| ApiError::Internal(e.to_string()))?;
    let sealed = vault.seal_aad(&aad(org), &plain).map_err(|e| ApiError::Internal(e.to_string()))?;
    let changed = db::run(
        db,
        "INSERT INTO org_jobs (org, callback_url, callback_registered_at, callback_key_id, callback_nonce, callback_secret) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (org) DO UPDATE SET callback_url = ?2, callback_registered_at = ?3, \
         callback_key_id = ?4, callback_nonce = ?5, callback_secret = ?6, previous_valid_until = NULL WHERE org_jobs.callback_url IS NULL",
        &[org.into(), url.into(), db::num(now), sealed.key_id.into(), sealed.nonce.into(), sealed.ciphertext.into()],
    )
    .await?;
    Ok(changed == 1)
}

/// Registers (or moves) the org's callback. The first registration makes a secret and
/// answers it, once; moving the URL keeps the secret. The host is told about the board from
/// now on: what it shows now is logged as known, without events.
pub async fn register(db: &D1Database, vault: &Vault, org: &str, url: &str, view: Option<&Snapshot>, now: u64) -> Result<Callback, ApiError> {
    let existing = row(db, org).await?;
    let (secrets, fresh) = match &existing {
        Some(r) => (open_secrets(vault, org, r)?, false),
        None => (Secrets { current: new_secret()?, previous: None, previous_until: None }, true),
    };
    if fresh {
        // Two first registrations at once: only one secret is stored, and only its request
        // answers it; the other is told the callback exists.
        if !claim_first(db, vault, org, url, &secrets, now).await? {
            return get(db, org).await?.ok_or_else(|| ApiError::Internal("callback vanished".into()));
        }
    } else {
        store_secrets(db, vault, org, url, &secrets, existing.and_then(|r| r.callback_registered_at).unwrap_or(0.0) as u64).await?;
    }
    if fresh {
        if let Some(v) = view {
            let (_, after) = plan(v, &HashMap::new());
            write_log(db, org, &after, &HashMap::new(), now).await?;
        }
    }
    let mut cb = get(db, org).await?.ok_or_else(|| ApiError::Internal("callback vanished".into()))?;
    if fresh {
        cb.secret = Some(secrets.current);
    }
    Ok(cb)
}

/// A new secret, answered once; the previous one keeps signing for a day.
pub async fn rotate(db: &D1Database, vault: &Vault, org: &str, now: u64) -> Result<Callback, ApiError> {
    let r = row(db, org).await?.ok_or(ApiError::NotFound)?;
    let old = open_secrets(vault, org, &r)?;
    let s = Secrets { current: new_secret()?, previous: Some(old.current), previous_until: Some(now + ROTATION_OVERLAP_MS) };
    store_secrets(db, vault, org, r.callback_url.as_deref().unwrap_or_default(), &s, r.callback_registered_at.unwrap_or(0.0) as u64).await?;
    let mut cb = get(db, org).await?.ok_or(ApiError::NotFound)?;
    cb.secret = Some(s.current);
    Ok(cb)
}

/// Removes the callback, its secrets, its waiting events and what the host was told.
pub async fn remove(db: &D1Database, org: &str) -> Result<bool, ApiError> {
    let had = row(db, org).await?.is_some();
    db::batch(
        db,
        vec![
            db::stmt(
                db,
                "UPDATE org_jobs SET callback_url = NULL, callback_registered_at = NULL, callback_key_id = NULL, callback_nonce = NULL, \
             callback_secret = NULL, previous_valid_until = NULL, last_status = NULL, last_attempt_at = NULL WHERE org = ?1",
                &[org.into()],
            )?,
            db::stmt(db, "DELETE FROM host_events WHERE org = ?1 AND state = 'queued'", &[org.into()])?,
            db::stmt(db, "DELETE FROM job_log WHERE org = ?1", &[org.into()])?,
        ],
    )
    .await?;
    Ok(had)
}

// ---- Observing changes ----

#[derive(Deserialize)]
struct LogRow {
    job_id: f64,
    state: String,
    digest: String,
}

async fn write_log(db: &D1Database, org: &str, after: &HashMap<u64, Logged>, before: &HashMap<u64, Logged>, now: u64) -> Result<(), ApiError> {
    let mut statements = Vec::new();
    for (id, l) in after {
        if before.get(id) == Some(l) {
            continue;
        }
        statements.push(db::stmt(
            db,
            "INSERT INTO job_log (org, job_id, state, digest, changed_at) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (org, job_id) DO UPDATE SET state = ?3, digest = ?4, changed_at = ?5",
            &[org.into(), db::num(*id), (if l.open { "open" } else { "closed" }).into(), l.digest.as_str().into(), db::num(now)],
        )?);
    }
    for chunk in statements.chunks(50).map(|c| c.to_vec()) {
        db::batch(db, chunk).await?;
    }
    Ok(())
}

/// Compares the org's visitor board with what its host was told and queues an event per
/// change (nothing without a callback). `before` is the previous view, when known, for the
/// titles of closed jobs. Returns how many events were queued.
pub async fn observe(db: &D1Database, org: &str, board: &str, view: &Snapshot, before: Option<&Snapshot>, now: u64) -> Result<usize, ApiError> {
    if row(db, org).await?.is_none() {
        return Ok(0);
    }
    // One comparison at a time per org: two at once could queue events in the opposite
    // order to the log they write.
    let lease = format!("observe:{org}");
    let holder = msg_id()?;
    let mut held = false;
    for _ in 0..25 {
        if db::lease(db, &lease, &holder, worker::Date::now().as_millis(), 20_000).await? {
            held = true;
            break;
        }
        worker::Delay::from(std::time::Duration::from_millis(200)).await;
    }
    if !held {
        worker::console_warn!("host events for {org}: another comparison is running; the next sync compares again");
        return Ok(0);
    }
    let result = observe_held(db, org, board, view, before, now).await;
    let _ = db::release(db, &lease, &holder).await;
    result
}

async fn observe_held(db: &D1Database, org: &str, board: &str, view: &Snapshot, before: Option<&Snapshot>, now: u64) -> Result<usize, ApiError> {
    // A receiver that has been down a long time: new changes wait (unlogged, so they are
    // planned again later) rather than grow the queue without bound.
    if pending(db, org).await? as usize >= MAX_QUEUED {
        return Ok(0);
    }
    let rows: Vec<LogRow> = db::all(db, "SELECT job_id, state, digest FROM job_log WHERE org = ?1", &[org.into()]).await?;
    let log: HashMap<u64, Logged> = rows.into_iter().map(|r| (r.job_id as u64, Logged { open: r.state == "open", digest: r.digest })).collect();
    let (events, after) = plan(view, &log);
    if events.is_empty() {
        return Ok(0);
    }
    let stamp = iso(now);
    let mut statements = Vec::new();
    for (kind, id) in &events {
        let summary = view.listing.jobs.iter().find(|j| j.id == *id).cloned();
        let old = before.and_then(|b| b.listing.jobs.iter().find(|j| j.id == *id));
        let job = EventJob {
            id: *id,
            key: view.key_of(*id),
            title: summary.as_ref().or(old).map(|j| j.title.clone()).unwrap_or_default(),
            location: summary.as_ref().or(old).map(|j| j.location.clone()).unwrap_or_default(),
            summary,
        };
        let body = serde_json::json!({"type": kind, "timestamp": stamp, "data": {"org": org, "board": board, "job": job}});
        let msg_id = msg_id()?;
        statements.push(db::stmt(
            db,
            "INSERT INTO host_events (org, msg_id, type, job_id, body, next_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            &[org.into(), msg_id.into(), (*kind).into(), db::num(*id), body.to_string().into(), db::num(now)],
        )?);
    }
    // The events first, then the log: a crash between them re-plans the same events (at
    // least once), never loses them.
    for chunk in statements.chunks(50).map(|c| c.to_vec()) {
        db::batch(db, chunk).await?;
    }
    write_log(db, org, &after, &log, now).await?;
    Ok(events.len())
}

/// Queues one event for the org's callback (nothing without one): for changes that are not
/// about the board's jobs, such as a candidate's status.
pub async fn enqueue(db: &D1Database, org: &str, kind: &str, job_id: Option<u64>, data: Value, now: u64) -> Result<bool, ApiError> {
    if row(db, org).await?.is_none() || pending(db, org).await? as usize >= MAX_QUEUED {
        return Ok(false);
    }
    let body = serde_json::json!({"type": kind, "timestamp": iso(now), "data": data});
    db::run(
        db,
        "INSERT INTO host_events (org, msg_id, type, job_id, body, next_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        &[org.into(), msg_id()?.into(), kind.into(), job_id.map_or(wasm_bindgen::JsValue::NULL, db::num), body.to_string().into(), db::num(now)],
    )
    .await?;
    Ok(true)
}

/// Milliseconds since the epoch as an RFC 3339 UTC time.
pub fn iso(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let mut out = shared::analytics::date(days as u32);
    out.push_str(&format!("T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60));
    out
}

// ---- Delivery ----

#[derive(Deserialize)]
struct EventRow {
    seq: f64,
    msg_id: String,
    body: String,
    attempts: f64,
    next_at: f64,
    claimed_until: Option<f64>,
}

/// Delivers the org's waiting events in order until one fails or none is due.
pub async fn deliver(cfg: &Config, db: &D1Database, vault: &Vault, org: &str, now: u64) -> Result<usize, ApiError> {
    let Some(r) = row(db, org).await? else { return Ok(0) };
    let url = r.callback_url.clone().unwrap_or_default();
    // A URL stored under an older allow-list is checked again before each run; an org that
    // cannot be delivered to now waits an hour, so it does not hold others' turns.
    let secrets = match check_url(&url, &cfg.callback_allow).map_err(|m| ApiError::BadRequest(m.into())).and_then(|_| open_secrets(vault, org, &r)) {
        Ok(s) => s,
        Err(e) => {
            db::run(db, "UPDATE host_events SET next_at = ?2 WHERE org = ?1 AND state = 'queued'", &[org.into(), db::num(now + 3_600_000)]).await?;
            return Err(e);
        }
    };
    let mut delivered = 0;
    for _ in 0..PER_RUN {
        let e: Option<EventRow> = db::first(
            db,
            "SELECT seq, msg_id, body, attempts, next_at, claimed_until FROM host_events WHERE org = ?1 AND state = 'queued' ORDER BY seq LIMIT 1",
            &[org.into()],
        )
        .await?;
        let Some(e) = e else { break };
        let now = now.max(worker::Date::now().as_millis());
        if e.next_at as u64 > now || e.claimed_until.is_some_and(|c| c as u64 > now) {
            break;
        }
        let claimed = db::run(
            db,
            "UPDATE host_events SET claimed_until = ?2 WHERE seq = ?1 AND state = 'queued' AND (claimed_until IS NULL OR claimed_until <= ?3)",
            &[db::num(e.seq as u64), db::num(now + CLAIM_MS), db::num(now)],
        )
        .await?;
        if claimed == 0 {
            break;
        }
        let status = post(cfg, &url, &secrets, &e, now).await;
        let attempts = e.attempts as u32 + 1;
        let ok = status.is_some_and(|s| (200..300).contains(&s));
        let last = status.map_or(wasm_bindgen::JsValue::NULL, |s| db::num(u64::from(s)));
        let record =
            db::stmt(db, "UPDATE org_jobs SET last_status = ?2, last_attempt_at = ?3 WHERE org = ?1", &[org.into(), last.clone(), db::num(now)])?;
        if ok {
            db::batch(db, vec![
                db::stmt(
                    db,
                    "UPDATE host_events SET state = 'delivered', attempts = ?2, last_status = ?3, final_at = ?4, claimed_until = NULL, body = '' WHERE seq = ?1",
                    &[db::num(e.seq as u64), db::num(u64::from(attempts)), last, db::num(now)],
                )?,
                record,
            ])
            .await?;
            delivered += 1;
            continue;
        }
        let dropped = attempts >= MAX_ATTEMPTS;
        let next = now + crate::apply::backoff_secs(cfg.outbox_backoff_secs, attempts) * 1000;
        db::batch(db, vec![
            db::stmt(
                db,
                "UPDATE host_events SET state = ?2, attempts = ?3, last_status = ?4, next_at = ?5, claimed_until = NULL, final_at = ?6 WHERE seq = ?1",
                &[
                    db::num(e.seq as u64),
                    (if dropped { "dropped" } else { "queued" }).into(),
                    db::num(u64::from(attempts)),
                    last,
                    db::num(next),
                    if dropped { db::num(now) } else { wasm_bindgen::JsValue::NULL },
                ],
            )?,
            record,
        ])
        .await?;
        if !dropped {
            break; // later events wait: order per org
        }
    }
    Ok(delivered)
}

/// One POST; the status, or `None` when the receiver could not be reached in time. The body
/// of the answer is never read.
async fn post(cfg: &Config, url: &str, secrets: &Secrets, e: &EventRow, now: u64) -> Option<u16> {
    use worker::{Fetch, Headers, Method, Request, RequestInit, RequestRedirect};
    let ts = now / 1000;
    let headers = Headers::new();
    let sig = signature_header(secrets, now, &e.msg_id, ts, &e.body);
    for (k, v) in [
        ("content-type", "application/json"),
        ("user-agent", "greenhouse-edge-webhooks"),
        ("webhook-id", e.msg_id.as_str()),
        ("webhook-timestamp", &ts.to_string()),
        ("webhook-signature", sig.as_str()),
    ] {
        headers.set(k, v).ok()?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(e.body.clone().into())).with_redirect(RequestRedirect::Manual);
    let req = Request::new_with_init(url, &init).ok()?;
    let controller = worker::AbortController::default();
    let signal = controller.signal();
    let call = Box::pin(async move { Fetch::Request(req).send_with_signal(&signal).await.ok().map(|r| r.status_code()) });
    let timer = Box::pin(worker::Delay::from(std::time::Duration::from_millis(cfg.upstream_timeout_ms)));
    match futures_util::future::select(call, timer).await {
        futures_util::future::Either::Left((status, _)) => status,
        futures_util::future::Either::Right(_) => {
            controller.abort();
            None
        }
    }
}

/// Delivers the org's waiting events after the response, when the request's context can
/// keep working; otherwise (the cron) [`deliver_due`] runs them.
pub fn kick(l: &crate::cache::Layers<'_>, org: &str) {
    let Some(ctx) = l.ctx else { return };
    let (cfg, env, org) = (l.cfg.clone(), l.env.clone(), org.to_string());
    ctx.wait_until(async move {
        let (Ok(db), Ok(vault)) = (env.d1("DB"), crate::connect::vault(&cfg)) else { return };
        if let Err(e) = deliver(&cfg, &db, &vault, &org, worker::Date::now().as_millis()).await {
            worker::console_error!("host events for {org}: {e}");
        }
    });
}

/// The cron's part: every org with a due event gets a delivery run (a few orgs per run).
pub async fn deliver_due(cfg: &Config, db: &D1Database, vault: &Vault, now: u64) -> Result<usize, ApiError> {
    #[derive(Deserialize)]
    struct Org {
        org: String,
    }
    let orgs: Vec<Org> = db::all(
        db,
        "SELECT org, min(next_at) AS due FROM host_events WHERE state = 'queued' AND next_at <= ?1 GROUP BY org ORDER BY due LIMIT 20",
        &[db::num(now)],
    )
    .await?;
    let mut n = 0;
    for o in orgs {
        n += deliver(cfg, db, vault, &o.org, now).await.unwrap_or_else(|e| {
            worker::console_error!("host events for {}: {e}", o.org);
            0
        });
    }
    Ok(n)
}

/// Final events older than the retention are deleted.
pub async fn purge(db: &D1Database, now: u64, retention_ms: u64) -> Result<(), ApiError> {
    let before = db::num(now.saturating_sub(retention_ms));
    db::batch(
        db,
        vec![
            db::stmt(db, "DELETE FROM host_events WHERE state != 'queued' AND final_at < ?1", std::slice::from_ref(&before))?,
            // Still undelivered after the whole retention period: the receiver is gone.
            db::stmt(db, "DELETE FROM host_events WHERE state = 'queued' AND created_at < ?1", &[before])?,
        ],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_urls_must_be_public_https() {
        let none: Vec<String> = vec![];
        assert!(check_url("https://hooks.acme.example/greenhouse?x=1", &none).is_ok());
        assert!(check_url("https://203.0.113.9.nip.io/cb", &none).is_ok(), "a name is resolved by Cloudflare, not us");
        for bad in [
            "http://hooks.acme.example/cb",
            "https://localhost/cb",
            "https://api.localhost/cb",
            "https://127.0.0.1/cb",
            "https://127.1/cb",
            "https://2130706433/cb",
            "https://0x7f000001/cb",
            "https://0177.0.0.1/cb",
            "https://10.0.0.8/cb",
            "https://192.168.1.1:8443/cb",
            "https://172.16.0.1/cb",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/cb",
            "https://0.0.0.0/cb",
            "https://[::1]/cb",
            "https://[fd00::1]/cb",
            "https://[fe80::1]/cb",
            "https://[::ffff:127.0.0.1]/cb",
            "https://0x7f.0x.0x.0x1/cb",
            "https://0x.0x.0x.0x/cb",
            "https://0xa.0x.0x.0x1/cb",
            "https://[::7f00:1]/cb",
            "https://[64:ff9b::a9fe:a9fe]/cb",
            "https://[2002:7f00:1::]/cb",
            "https://[fec0::1]/cb",
            "https://127.0.0.1.:443/cb",
            "https://user@hooks.acme.example/cb",
            "https://printer.local/cb",
            "https://metadata.google.internal/cb",
            "https://intranet/cb",
            "https:///cb",
            "https://a b.example/cb",
            "javascript:alert(1)",
            "ftp://hooks.acme.example/",
        ] {
            assert!(check_url(bad, &none).is_err(), "{bad}");
        }
        let dev = vec!["http://127.0.0.1:".to_string()];
        assert!(check_url("http://127.0.0.1:8787/__fake/receiver/a", &dev).is_ok(), "allow-listed for development");
        assert!(check_url("http://10.0.0.1/cb", &dev).is_err());
        // Review finding: the allow-list was matched on the raw text, so user info smuggled
        // another host past it.
        assert!(check_url("http://127.0.0.1:@169.254.169.254/latest", &dev).is_err());
        assert!(check_url("https://[2606:4700::1111]/cb", &none).is_ok(), "a public IPv6 address");
    }

    #[test]
    fn signatures_follow_the_standard_webhooks_spec() {
        // The spec's own example (standard-webhooks/standard-webhooks, libraries' test vectors).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap(), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let s = Secrets { current: secret.into(), previous: Some("whsec_b2xk".into()), previous_until: Some(2_000) };
        assert_eq!(signature_header(&s, 1_000, "m", 1, "{}").split(' ').count(), 2, "both secrets sign during a rotation");
        assert_eq!(signature_header(&s, 3_000, "m", 1, "{}").split(' ').count(), 1, "the old one stops after its overlap");
        let fresh = new_secret().unwrap();
        assert!(fresh.starts_with("whsec_") && B64.decode(&fresh[6..]).unwrap().len() == 32);
        assert!(!format!("{s:?}").contains("whsec"), "Debug hides secrets");
    }

    #[test]
    fn times_are_rfc3339() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(1_795_000_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00Z");
    }

    fn view(titles: &[(u64, &str)]) -> Snapshot {
        let jobs: Vec<serde_json::Value> =
            titles.iter().map(|(id, t)| serde_json::json!({"id": id, "title": t, "location": {"name": "X"}})).collect();
        let list: shared::greenhouse::job_board::JobList = serde_json::from_value(serde_json::json!({ "jobs": jobs })).unwrap();
        Snapshot::build("acme", crate::snapshot::Upstream { jobs: list, departments: None, offices: None, board: None }, 1)
    }

    #[test]
    fn each_change_is_one_event_and_nothing_twice() {
        let (events, log) = plan(&view(&[(1, "A"), (2, "B")]), &HashMap::new());
        assert_eq!(events, vec![("job.created", 1), ("job.created", 2)]);
        assert_eq!(events.len(), 2);
        let (again, _) = plan(&view(&[(1, "A"), (2, "B")]), &log);
        assert!(again.is_empty(), "no change, no event");
        let (events, log) = plan(&view(&[(1, "A2")]), &log);
        assert_eq!(events, vec![("job.updated", 1), ("job.closed", 2)]);
        let (events, _) = plan(&view(&[(1, "A2"), (2, "B")]), &log);
        assert_eq!(events, vec![("job.reopened", 2)]);
    }
}
