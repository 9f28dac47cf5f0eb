//! The application outbox in D1. Every application is written here first (row and files in
//! one batch, sealed with the vault), then sent; nothing a candidate typed is lost:
//!
//! * Greenhouse down or rate limiting → `queued`, retried by the cron with backoff.
//! * Greenhouse refusing *our key* (401/403), or no key → `needs_attention`: an operator
//!   problem, shown to the org's owners and delivered once the key is fixed.
//! * Greenhouse refusing *the application* → `failed`, kept with its answers for owners to
//!   retry or export until they dismiss it (or the retention period ends).
//! * Delivered → the answers and files are deleted at once.
//!
//! A row is claimed (status `sending`) before each attempt, so two runs never send it twice.

use crate::apply::{backoff_secs, greenhouse_body, outcome, Outcome};
use crate::cache::Layers;
use crate::error::ApiError;
use crate::upstream::job_board;
use crate::vault::{application_aad, Sealed, Vault};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use shared::apply::Submission;
use shared::owner::{ApplicationState as Status, PendingApplication, PendingCounts};
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::db::{self, num as js};

/// Stop retrying after this many attempts (about a week with the 6 h cap).
const MAX_ATTEMPTS: u32 = 40;
/// A `sending` claim older than this was lost with its worker: queue it again.
const STALE_CLAIM_MS: u64 = 10 * 60 * 1000;
/// How often an application waiting for a key is tried again on its own (the key may have
/// been fixed as a worker secret rather than in the console).
const ATTENTION_RETRY_MS: u64 = 3600 * 1000;

/// What is stored for an application: Greenhouse's body, or, when no copy of the job's
/// questions existed anywhere, the submission as sent, mapped at delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    Mapped {
        body: Map<String, Value>,
    },
    Raw {
        values: Vec<(String, String)>,
        source: Option<String>,
        ip: Option<String>,
    },
    /// A candidate a host exports (see [`crate::export`]): mapped at delivery to the path the
    /// org has connected then. Its resume file, if any, is the row's file `resume`.
    Export {
        input: Box<shared::candidates::ExportInput>,
    },
}

impl Payload {
    fn kind(&self) -> &'static str {
        match self {
            Self::Mapped { .. } => "mapped",
            // Exports are stored as sent, like raw submissions, and mapped at delivery.
            Self::Raw { .. } | Self::Export { .. } => "raw",
        }
    }

    /// The applicant's email, for following a delivered application in Greenhouse.
    pub fn email(&self) -> Option<String> {
        let v = match self {
            Self::Mapped { body } => body.get("email").and_then(Value::as_str).map(str::to_string),
            Self::Raw { values, .. } => values.iter().find(|(k, _)| k == "email").map(|(_, v)| v.clone()),
            Self::Export { .. } => None,
        }?;
        Some(v.trim().to_string()).filter(|v| shared::apply::valid_email(v))
    }

    /// Which delivery a row is: an application, or an export.
    fn delivery(&self) -> &'static str {
        match self {
            Self::Export { .. } => "export",
            _ => "application",
        }
    }
}

/// An uploaded file: field, file name, bytes.
pub struct NewFile {
    pub field: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

pub struct NewApplication<'a> {
    pub id: &'a str,
    pub board: &'a str,
    /// The org that owns the board now (None: a board keyed by the operator's configuration).
    pub org: Option<&'a str>,
    pub job_id: u64,
    pub payload: &'a Payload,
    pub files: &'a [NewFile],
    /// See [`fingerprint`].
    pub fingerprint: &'a str,
    /// For owner analytics: the visit's source and the job the candidate applied on (which an
    /// owner may have linked to another post), so the delivery is counted under them. None:
    /// not counted (a bot's, an export).
    pub analytics: Option<(&'a str, u64)>,
}

/// A digest of what the candidate sent (job, every value in order, every file's name and
/// bytes), so a repeated submission id can be told apart from a different application.
pub fn fingerprint(board: &str, job_id: u64, values: &[(String, String)], files: &[NewFile]) -> String {
    let mut h = Sha256::new();
    let mut part = |s: &[u8]| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s);
    };
    part(board.as_bytes());
    part(&job_id.to_le_bytes());
    for (k, v) in values {
        part(k.as_bytes());
        part(v.as_bytes());
    }
    for f in files {
        part(f.field.as_bytes());
        part(f.filename.as_bytes());
        part(&Sha256::digest(&f.bytes));
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What an earlier submission with the same id came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Earlier {
    /// The same application again: its state and, if refused, why.
    Same(Status, Option<String>),
    /// The same id with a different application.
    Conflict,
}

#[derive(Deserialize)]
struct Seen {
    status: String,
    fingerprint: String,
    last_error: Option<String>,
}

fn status(s: &str) -> Status {
    Status::parse(s).unwrap_or(Status::Sending)
}

/// Looks a submission id up before anything else is checked, so a client's retry of a
/// request that already went through gets its first answer (not a challenge or a limit).
pub async fn earlier(db: &D1Database, id: &str, fingerprint: &str) -> Result<Option<Earlier>, ApiError> {
    let row: Option<Seen> = db::first(db, "SELECT status, fingerprint, last_error FROM applications WHERE id = ?1", &[id.into()]).await?;
    Ok(row.map(|r| {
        // Rows from before fingerprints existed match anything.
        if r.fingerprint.is_empty() || r.fingerprint == fingerprint {
            Earlier::Same(status(&r.status), r.last_error)
        } else {
            Earlier::Conflict
        }
    }))
}

fn seal(vault: &Vault, aad: &str, plain: &[u8]) -> Result<Sealed, ApiError> {
    vault.seal_aad(aad, plain).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Records an application, row and files in one batch (all or nothing), sealed. Returns
/// the earlier outcome instead if the id was already recorded (also under a race).
pub async fn record(db: &D1Database, vault: &Vault, app: &NewApplication<'_>, now: u64) -> Result<Option<Earlier>, ApiError> {
    if let Some(e) = earlier(db, app.id, app.fingerprint).await? {
        return Ok(Some(e));
    }
    let plain = serde_json::to_vec(app.payload).map_err(|e| ApiError::Internal(e.to_string()))?;
    let body = seal(vault, &application_aad(app.id, "body"), &plain)?;
    let mut statements = vec![db::stmt(
        db,
        "INSERT INTO applications (id, board, job_id, status, body_kind, body, key_id, nonce, fingerprint, created_at, updated_at, org, kind, \
         analytics_source, analytics_job) VALUES (?1, ?2, ?3, 'sending', ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13)",
        &[
            app.id.into(),
            app.board.into(),
            js(app.job_id),
            app.payload.kind().into(),
            body.ciphertext.into(),
            body.key_id.into(),
            body.nonce.into(),
            app.fingerprint.into(),
            js(now),
            app.org.map(JsValue::from).unwrap_or(JsValue::NULL),
            app.payload.delivery().into(),
            db::opt(app.analytics.map(|a| a.0)),
            app.analytics.map_or(JsValue::NULL, |a| js(a.1)),
        ],
    )?];
    for f in app.files {
        let sealed = seal(vault, &application_aad(app.id, &format!("file:{}", f.field)), &f.bytes)?;
        statements.push(db::stmt(
            db,
            "INSERT INTO application_files (application_id, field, filename, content_base64, key_id, nonce) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[
                app.id.into(),
                f.field.as_str().into(),
                f.filename.as_str().into(),
                sealed.ciphertext.into(),
                sealed.key_id.into(),
                sealed.nonce.into(),
            ],
        )?);
    }
    if let Err(e) = db::batch(db, statements).await {
        // A concurrent request with the same id won the insert: answer as it did.
        return match earlier(db, app.id, app.fingerprint).await? {
            Some(earlier) => Ok(Some(earlier)),
            None => Err(e),
        };
    }
    Ok(None)
}

#[derive(Deserialize)]
struct Row {
    board: String,
    org: Option<String>,
    job_id: f64,
    body: Option<String>,
    key_id: Option<String>,
    nonce: Option<String>,
    attempts: f64,
    analytics_source: Option<String>,
    analytics_job: Option<f64>,
}

#[derive(Deserialize)]
struct FileRow {
    field: String,
    filename: String,
    content_base64: String,
    key_id: Option<String>,
    nonce: Option<String>,
}

/// An application's stored answers and files, opened.
pub struct Opened {
    pub board: String,
    pub org: Option<String>,
    pub job_id: u64,
    pub payload: Payload,
    /// (field, file name, base64 content)
    pub files: Vec<(String, String, String)>,
    attempts: u32,
    /// Its source and job for owner analytics (see [`NewApplication::analytics`]).
    analytics: Option<(String, u64)>,
}

/// Opens a stored part: sealed (key id and nonce set) or, for rows written before sealing,
/// plain. A part sealed under a retired key is sealed again under the active one.
fn open_part(vault: &Vault, aad: &str, stored: &str, key_id: Option<&str>, nonce: Option<&str>) -> Result<(Vec<u8>, Option<Sealed>), ApiError> {
    let (Some(key_id), Some(nonce)) = (key_id, nonce) else { return Ok((stored.as_bytes().to_vec(), None)) };
    let sealed = Sealed { key_id: key_id.into(), nonce: nonce.into(), ciphertext: stored.into() };
    let plain = vault.open_aad(aad, &sealed).map_err(|e| ApiError::Internal(format!("application {aad}: {e}")))?;
    let reseal = if vault.needs_reseal(key_id) { Some(seal(vault, aad, &plain)?) } else { None };
    Ok((plain, reseal))
}

/// Reads and opens an application's answers and files (for delivery and for owners' export).
pub async fn open(db: &D1Database, vault: &Vault, id: &str) -> Result<Option<Opened>, ApiError> {
    let row: Option<Row> = db::first(
        db,
        "SELECT board, org, job_id, body, key_id, nonce, attempts, analytics_source, analytics_job FROM applications WHERE id = ?1",
        &[id.into()],
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    let Some(stored) = row.body.as_deref() else { return Ok(None) };
    let (plain, reseal) = open_part(vault, &application_aad(id, "body"), stored, row.key_id.as_deref(), row.nonce.as_deref())?;
    let payload = if row.key_id.is_none() {
        // Before sealing, bodies were Greenhouse's JSON as such.
        Payload::Mapped { body: serde_json::from_slice(&plain).unwrap_or_default() }
    } else {
        serde_json::from_slice(&plain).map_err(|e| ApiError::Internal(format!("application {id}: {e}")))?
    };
    let mut statements = Vec::new();
    if let Some(s) = reseal {
        statements.push(db::stmt(
            db,
            "UPDATE applications SET body = ?2, key_id = ?3, nonce = ?4 WHERE id = ?1 AND key_id = ?5 AND body IS NOT NULL",
            &[id.into(), s.ciphertext.into(), s.key_id.into(), s.nonce.into(), row.key_id.clone().map(JsValue::from).unwrap_or(JsValue::NULL)],
        )?);
    }
    let rows: Vec<FileRow> =
        db::all(db, "SELECT field, filename, content_base64, key_id, nonce FROM application_files WHERE application_id = ?1", &[id.into()]).await?;
    let mut files = Vec::new();
    for f in rows {
        let aad = application_aad(id, &format!("file:{}", f.field));
        let content = if f.key_id.is_none() {
            f.content_base64.clone() // plain base64 from before sealing
        } else {
            let (bytes, reseal) = open_part(vault, &aad, &f.content_base64, f.key_id.as_deref(), f.nonce.as_deref())?;
            if let Some(s) = reseal {
                statements.push(db::stmt(
                    db,
                    "UPDATE application_files SET content_base64 = ?3, key_id = ?4, nonce = ?5 WHERE application_id = ?1 AND field = ?2 AND key_id = ?6",
                    &[id.into(), f.field.as_str().into(), s.ciphertext.into(), s.key_id.into(), s.nonce.into(), f.key_id.clone().map(JsValue::from).unwrap_or(JsValue::NULL)],
                )?);
            }
            B64.encode(bytes)
        };
        files.push((f.field, f.filename, content));
    }
    db::batch(db, statements).await?;
    let analytics = row.analytics_source.map(|s| (s, row.analytics_job.map_or(row.job_id as u64, |j| j as u64)));
    Ok(Some(Opened { board: row.board, org: row.org, job_id: row.job_id as u64, payload, files, attempts: row.attempts as u32, analytics }))
}

/// Greenhouse's body for an opened application: as stored, or mapped now from the raw
/// submission with the job's questions (None while no copy of them can be had).
async fn greenhouse_json(l: &Layers<'_>, o: &Opened, now: u64) -> Option<Map<String, Value>> {
    let mut body = match &o.payload {
        Payload::Export { .. } => return None,
        Payload::Mapped { body } => body.clone(),
        Payload::Raw { values, source, ip } => {
            let form = crate::cache::job_form(l, &o.board, o.job_id, now).await?;
            let s = Submission { values: values.clone(), files: vec![] };
            greenhouse_body(&form, &s, source.as_deref(), ip.as_deref())
        }
    };
    for (field, filename, content) in &o.files {
        body.insert(format!("{field}_content"), Value::from(content.as_str()));
        body.insert(format!("{field}_content_filename"), Value::from(filename.as_str()));
    }
    Some(body)
}

/// Sends a recorded (and claimed) application to Greenhouse and records what happened.
pub async fn attempt(l: &Layers<'_>, db: &D1Database, vault: &Vault, id: &str, now: u64) -> Result<(Status, Option<String>), ApiError> {
    let opened = open(db, vault, id).await?.ok_or_else(|| ApiError::Internal("outbox row vanished".into()))?;
    let attempts = opened.attempts + 1;
    // An export: its own delivery; "still being created" looks again in 30 s (as Greenhouse
    // asks), without counting towards giving up.
    let mut creating = None;
    let result = if let Payload::Export { input } = &opened.payload {
        let file = opened.files.iter().find(|(field, _, _)| field == "resume");
        match crate::export::deliver(l, db, id, input, file, now).await? {
            crate::export::Step::Done(o) => o,
            crate::export::Step::Creating(reason) => {
                let wait = crate::export::CREATING_RETRY_MS.min(l.cfg.outbox_backoff_secs * 1000).max(1000);
                creating = Some(now + wait);
                Outcome::Retry(reason)
            }
        }
    } else {
        match crate::connect::job_board_key(l.cfg, Some(db), &opened.board).await {
            None => Outcome::KeyRefused("no Job Board API key is set for this board".into()),
            Some((key, region)) => match greenhouse_json(l, &opened, now).await {
                None => Outcome::Retry("the job's questions could not be read from Greenhouse".into()),
                Some(body) => {
                    let text = serde_json::to_string(&body).unwrap_or_default();
                    match job_board::submit_application(l.cfg, region, &opened.board, opened.job_id, &key, &text).await {
                        Ok((status, resp)) => outcome(status, &resp),
                        Err(e) => Outcome::Retry(e.to_string()),
                    }
                }
            },
        }
    };
    let (status, error, next) = match result {
        Outcome::Delivered => (Status::Delivered, None, now),
        Outcome::Rejected(reason) => (Status::Failed, Some(reason), now),
        Outcome::KeyRefused(reason) => (Status::NeedsAttention, Some(reason), now + ATTENTION_RETRY_MS),
        Outcome::Retry(reason) if creating.is_some() => (Status::Queued, Some(reason), creating.unwrap_or(now)),
        Outcome::Retry(reason) if attempts >= MAX_ATTEMPTS => (Status::Failed, Some(format!("gave up after {attempts} attempts: {reason}")), now),
        Outcome::Retry(reason) => (Status::Queued, Some(reason), now + backoff_secs(l.cfg.outbox_backoff_secs, attempts) * 1000),
    };
    let delivered = status == Status::Delivered;
    let is_final = matches!(status, Status::Delivered | Status::Failed);
    let mut statements = vec![db::stmt(
        db,
        "UPDATE applications SET status = ?2, attempts = ?3, next_attempt_at = ?4, last_error = ?5, updated_at = ?6, \
         final_at = CASE WHEN ?7 THEN ?6 ELSE NULL END, body = CASE WHEN ?8 THEN NULL ELSE body END WHERE id = ?1 AND status = 'sending'",
        &[
            id.into(),
            status.slug().into(),
            JsValue::from_f64(attempts as f64),
            js(next),
            error.clone().map(JsValue::from).unwrap_or(JsValue::NULL),
            js(now),
            JsValue::from_bool(is_final),
            JsValue::from_bool(delivered),
        ],
    )?];
    if delivered {
        // Personal data leaves our store once Greenhouse has it.
        statements.push(db::stmt(db, "DELETE FROM application_files WHERE application_id = ?1", &[id.into()])?);
    }
    db::batch(db, statements).await?;
    if let (true, Some((source, job))) = (delivered, &opened.analytics) {
        crate::analytics::count(l, &opened.board, *job, source, shared::analytics::Kind::Delivered);
    }
    // A delivered widget application of an org is then followed in Greenhouse (its stage and
    // status back to the host): the Job Board API answered no ids, so its email is kept,
    // sealed, until Harvest shows the application. Apart from the delivery's own record: a
    // failure here must never make a delivered application look undelivered (and be sent again).
    if let (true, Some(org), Some(email)) = (delivered, opened.org.as_deref(), opened.payload.email()) {
        let traced = match crate::status::trace(db, vault, id, org, &opened.board, opened.job_id, &email, now) {
            Ok(stmt) => db::batch(db, vec![stmt]).await,
            Err(e) => Err(e),
        };
        if let Err(e) = traced {
            worker::console_warn!("application {id}: delivered, but not followed in Greenhouse ({e})");
        }
    }
    if let Some(e) = &error {
        worker::console_warn!("application {id} to {}/{}: {} ({e})", opened.board, opened.job_id, status.slug());
    }
    Ok((status, error))
}

/// Retries every due application (queued, and waiting for a key), each claimed first.
/// Returns how many were delivered.
pub async fn retry_due(l: &Layers<'_>, db: &D1Database, vault: &Vault, now: u64) -> Result<usize, ApiError> {
    db::run(db, "UPDATE applications SET status = 'queued' WHERE status = 'sending' AND updated_at < ?1", &[js(now.saturating_sub(STALE_CLAIM_MS))])
        .await?;
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let due: Vec<Id> = db::all(
        db,
        "SELECT id FROM applications WHERE status IN ('queued', 'needs_attention') AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT 25",
        &[js(now)],
    )
    .await?;
    let mut delivered = 0;
    for Id { id } in due {
        // Claimed at the time of the claim, not the run's start: a long run's claims stay fresh.
        if !claim(db, &id, worker::Date::now().as_millis()).await? {
            continue; // another run has it
        }
        match attempt(l, db, vault, &id, now).await {
            Ok((Status::Delivered, _)) => delivered += 1,
            Ok(_) => {}
            // One unreadable row (a retired vault key, a damaged row) must not stop the others,
            // nor come back every run: it waits for an operator, visible to the org's owners.
            Err(e) => {
                worker::console_error!("outbox: application {id}: {e:?}");
                db::run(
                    db,
                    "UPDATE applications SET status = 'needs_attention', attempts = attempts + 1, next_attempt_at = ?2, \
                     last_error = 'the stored application could not be opened (vault key?)', updated_at = ?3 WHERE id = ?1 AND status = 'sending'",
                    &[id.as_str().into(), js(now + ATTENTION_RETRY_MS), js(worker::Date::now().as_millis())],
                )
                .await?;
            }
        }
    }
    Ok(delivered)
}

/// Claims a due row (queued, or waiting for a key) for one attempt.
pub async fn claim(db: &D1Database, id: &str, now: u64) -> Result<bool, ApiError> {
    let sql = "UPDATE applications SET status = 'sending', updated_at = ?2 WHERE id = ?1 AND status IN ('queued', 'needs_attention')";
    Ok(db::run(db, sql, &[id.into(), js(now)]).await? == 1)
}

/// Applications waiting for a key on `board` are tried again at the next cron run (the
/// owner has just stored a new key).
pub async fn key_changed(db: &D1Database, board: &str) -> Result<usize, ApiError> {
    db::run(db, "UPDATE applications SET status = 'queued', next_attempt_at = 0 WHERE board = ?1 AND status = 'needs_attention'", &[board.into()])
        .await
}

#[derive(Deserialize)]
struct PendingRow {
    id: String,
    board: String,
    job_id: f64,
    status: String,
    last_error: Option<String>,
    attempts: f64,
    created_at: f64,
    updated_at: f64,
}

/// Applications `org`'s owners should know about (not delivered, not dismissed), newest
/// first, and their counts. An application belongs to the org that owned its board when it
/// arrived: another org that connects the board later sees none of them.
pub async fn pending(db: &D1Database, org: &str, limit: u32) -> Result<(PendingCounts, Vec<PendingApplication>), ApiError> {
    let rows: Vec<PendingRow> = db::all(
        db,
        "SELECT id, board, job_id, status, last_error, attempts, created_at, updated_at FROM applications \
         WHERE org = ?1 AND kind = 'application' AND status IN ('sending', 'queued', 'needs_attention', 'failed') ORDER BY created_at DESC LIMIT ?2",
        &[org.into(), js(limit.into())],
    )
    .await?;
    let counts = counts(db, org).await?;
    let items = rows
        .into_iter()
        .map(|r| PendingApplication {
            id: r.id,
            board: r.board,
            job_id: r.job_id as u64,
            state: status(&r.status),
            reason: r.last_error,
            attempts: r.attempts as u32,
            created_at: r.created_at as u64,
            updated_at: r.updated_at as u64,
        })
        .collect();
    Ok((counts, items))
}

/// How many applications of `board` wait for Greenhouse (sending, queued, needs attention).
pub async fn pending_on_board(db: &D1Database, board: &str) -> Result<u32, ApiError> {
    #[derive(Deserialize)]
    struct N {
        n: f64,
    }
    let row: Option<N> = db::first(
        db,
        "SELECT COUNT(*) AS n FROM applications WHERE board = ?1 AND status IN ('sending', 'queued', 'needs_attention')",
        &[board.into()],
    )
    .await?;
    Ok(row.map_or(0, |r| r.n as u32))
}

pub async fn counts(db: &D1Database, org: &str) -> Result<PendingCounts, ApiError> {
    #[derive(Deserialize)]
    struct Count {
        status: String,
        n: f64,
    }
    let rows: Vec<Count> = db::all(
        db,
        "SELECT status, COUNT(*) AS n FROM applications WHERE org = ?1 AND kind = 'application' AND status IN ('sending', 'queued', 'needs_attention', 'failed') GROUP BY status",
        &[org.into()],
    )
    .await?;
    let mut c = PendingCounts::default();
    for r in rows {
        match status(&r.status) {
            Status::Queued | Status::Sending => c.queued += r.n as u32,
            Status::NeedsAttention => c.needs_attention += r.n as u32,
            Status::Failed => c.failed += r.n as u32,
            _ => {}
        }
    }
    Ok(c)
}

/// Where one of `org`'s widget applications is on its way (None: not this org's).
pub async fn state_of(db: &D1Database, org: &str, id: &str) -> Result<Option<(Status, u64)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        status: String,
        job_id: f64,
    }
    let row: Option<Row> =
        db::first(db, "SELECT status, job_id FROM applications WHERE id = ?1 AND org = ?2 AND kind = 'application'", &[id.into(), org.into()])
            .await?;
    Ok(row.map(|r| (status(&r.status), r.job_id as u64)))
}

/// An owner's "retry": a failed or waiting application goes back to the queue, due now,
/// with its attempts counted afresh.
pub async fn retry_now(db: &D1Database, org: &str, id: &str, now: u64) -> Result<bool, ApiError> {
    let n = db::run(
        db,
        "UPDATE applications SET status = 'queued', next_attempt_at = 0, attempts = 0, final_at = NULL, updated_at = ?3 \
         WHERE id = ?1 AND org = ?2 AND status IN ('queued', 'needs_attention', 'failed') AND body IS NOT NULL",
        &[id.into(), org.into(), js(now)],
    )
    .await?;
    Ok(n == 1)
}

/// Whether application `id` belongs to `org` (checked before anything of it is opened).
pub async fn owned_by(db: &D1Database, org: &str, id: &str) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct One {
        #[allow(dead_code)]
        id: String,
    }
    Ok(db::first::<One>(db, "SELECT id FROM applications WHERE id = ?1 AND org = ?2", &[id.into(), org.into()]).await?.is_some())
}

/// An owner's "dismiss": a failed application's answers and files are deleted; its row (no
/// personal data) stays until the retention period ends.
pub async fn dismiss(db: &D1Database, org: &str, id: &str, now: u64) -> Result<bool, ApiError> {
    if !owned_by(db, org, id).await? {
        return Ok(false);
    }
    // One batch: the row's answers and its files go together, or neither does.
    let statements = vec![
        db::stmt(
            db,
            "UPDATE applications SET status = 'dismissed', body = NULL, updated_at = ?3, final_at = ?3 WHERE id = ?1 AND org = ?2 AND status = 'failed'",
            &[id.into(), org.into(), js(now)],
        )?,
        db::stmt(
            db,
            "DELETE FROM application_files WHERE application_id = ?1 AND EXISTS (SELECT 1 FROM applications WHERE id = ?1 AND status = 'dismissed')",
            &[id.into()],
        )?,
    ];
    db::batch(db, statements).await?;
    #[derive(Deserialize)]
    struct S {
        status: String,
    }
    Ok(db::first::<S>(db, "SELECT status FROM applications WHERE id = ?1", &[id.into()]).await?.is_some_and(|s| s.status == "dismissed"))
}

/// Deletes applications (and their files) that reached a final state more than
/// `retention_ms` ago, and web hook event ids older than that.
pub async fn purge(db: &D1Database, now: u64, retention_ms: u64) -> Result<(), ApiError> {
    let before = js(now.saturating_sub(retention_ms));
    let statements = vec![
        db::stmt(
            db,
            "DELETE FROM application_files WHERE application_id IN (SELECT id FROM applications WHERE final_at IS NOT NULL AND final_at < ?1)",
            std::slice::from_ref(&before),
        )?,
        db::stmt(db, "DELETE FROM applications WHERE final_at IS NOT NULL AND final_at < ?1", std::slice::from_ref(&before))?,
        db::stmt(db, "DELETE FROM webhook_events WHERE received_at < ?1", std::slice::from_ref(&before))?,
    ];
    db::batch(db, statements).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(field: &str, bytes: &[u8]) -> NewFile {
        NewFile { field: field.into(), filename: "cv.pdf".into(), bytes: bytes.to_vec() }
    }

    #[test]
    fn fingerprints_tell_a_retry_from_another_application() {
        let v = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, x)| (k.to_string(), x.to_string())).collect::<Vec<_>>();
        let a = fingerprint("b", 1, &v(&[("first_name", "Ada")]), &[file("resume", b"%PDF")]);
        assert_eq!(a, fingerprint("b", 1, &v(&[("first_name", "Ada")]), &[file("resume", b"%PDF")]), "a retry");
        assert_ne!(a, fingerprint("b", 1, &v(&[("first_name", "Eve")]), &[file("resume", b"%PDF")]), "another answer");
        assert_ne!(a, fingerprint("b", 1, &v(&[("first_name", "Ada")]), &[file("resume", b"%PDF-2")]), "another file");
        assert_ne!(a, fingerprint("b", 2, &v(&[("first_name", "Ada")]), &[file("resume", b"%PDF")]), "another job");
        // Length-prefixed: moving a boundary changes the digest.
        assert_ne!(fingerprint("b", 1, &v(&[("ab", "c")]), &[]), fingerprint("b", 1, &v(&[("a", "bc")]), &[]));
    }

    #[test]
    fn payloads_round_trip_in_both_kinds() {
        let raw = Payload::Raw { values: vec![("question_1".into(), "yes".into())], source: Some("linkedin".into()), ip: None };
        let back: Payload = serde_json::from_slice(&serde_json::to_vec(&raw).unwrap()).unwrap();
        assert_eq!(back, raw);
        assert_eq!(raw.kind(), "raw");
    }
}
