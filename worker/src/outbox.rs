//! The application outbox in D1. Every application is written here first, then sent; a
//! failure Greenhouse may recover from leaves it queued for the cron to retry with backoff.
//! A row is claimed (status `sending`) before each attempt, so two runs never send it twice.

use crate::apply::{backoff_secs, outcome, Outcome};
use crate::config::Config;
use crate::error::ApiError;
use crate::upstream::job_board;
use serde::Deserialize;
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;
use worker::D1Database;

/// Stop retrying after this many attempts (about a week with hourly caps).
const MAX_ATTEMPTS: u32 = 40;
/// A `sending` claim older than this was lost with its worker: queue it again.
const STALE_CLAIM_MS: u64 = 10 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Delivered,
    Queued,
    Failed,
    Sending,
}

impl Status {
    fn parse(s: &str) -> Self {
        match s {
            "delivered" => Self::Delivered,
            "queued" => Self::Queued,
            "failed" => Self::Failed,
            _ => Self::Sending,
        }
    }
}

use crate::db::{self, num as js};

const ROW: &str = "SELECT status, board, job_id, body, attempts, last_error FROM applications WHERE id = ?1";

#[derive(Deserialize)]
struct Row {
    status: String,
    board: String,
    job_id: f64,
    body: Option<String>,
    attempts: f64,
    last_error: Option<String>,
}

#[derive(Deserialize)]
struct FileRow {
    field: String,
    filename: String,
    content_base64: String,
}

pub struct NewApplication<'a> {
    pub id: &'a str,
    pub board: &'a str,
    pub job_id: u64,
    pub body: &'a Map<String, Value>,
    /// (field, filename, base64 content)
    pub files: &'a [(String, String, String)],
}

/// Records an application before anything is sent. Returns the status of an earlier
/// submission with the same id instead, if there was one.
pub async fn record(db: &D1Database, app: &NewApplication<'_>, now: u64) -> Result<Option<(Status, Option<String>)>, ApiError> {
    let body = serde_json::to_string(app.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let changed = db::run(
        db,
        "INSERT INTO applications (id, board, job_id, status, body, created_at, updated_at) \
         VALUES (?1, ?2, ?3, 'sending', ?4, ?5, ?5) ON CONFLICT (id) DO NOTHING",
        &[app.id.into(), app.board.into(), js(app.job_id), body.into(), js(now)],
    )
    .await?;
    if changed == 0 {
        let row: Option<Row> = db::first(db, ROW, &[app.id.into()]).await?;
        return Ok(row.map(|r| (Status::parse(&r.status), r.last_error)));
    }
    let mut statements = Vec::new();
    for (field, filename, content) in app.files {
        statements.push(db::stmt(
            db,
            "INSERT INTO application_files (application_id, field, filename, content_base64) VALUES (?1, ?2, ?3, ?4)",
            &[app.id.into(), field.as_str().into(), filename.as_str().into(), content.as_str().into()],
        )?);
    }
    db::batch(db, statements).await?;
    Ok(None)
}

/// Sends a recorded (and claimed) application to Greenhouse and records what happened.
pub async fn attempt(db: &D1Database, cfg: &Config, id: &str, now: u64) -> Result<(Status, Option<String>), ApiError> {
    let row: Row = db::first(db, ROW, &[id.into()]).await?.ok_or_else(|| ApiError::Internal("outbox row vanished".into()))?;
    let files: Vec<FileRow> =
        db::all(db, "SELECT field, filename, content_base64 FROM application_files WHERE application_id = ?1", &[id.into()]).await?;
    let mut body: Map<String, Value> = row.body.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default();
    for f in files {
        body.insert(format!("{}_content", f.field), Value::from(f.content_base64));
        body.insert(format!("{}_content_filename", f.field), Value::from(f.filename));
    }
    let attempts = row.attempts as u32 + 1;
    let job_id = row.job_id as u64;
    let result = match crate::connect::job_board_key(cfg, Some(db), &row.board).await {
        None => Outcome::Retry("no Job Board API key configured for this board".into()),
        Some(key) => {
            let text = serde_json::to_string(&body).unwrap_or_default();
            match job_board::submit_application(cfg, &row.board, job_id, &key, &text).await {
                Ok((status, resp)) => outcome(status, &resp),
                Err(e) => Outcome::Retry(e.to_string()),
            }
        }
    };
    let (status, error) = match result {
        Outcome::Delivered => (Status::Delivered, None),
        Outcome::Rejected(reason) => (Status::Failed, Some(reason)),
        Outcome::Retry(reason) if attempts >= MAX_ATTEMPTS => (Status::Failed, Some(reason)),
        Outcome::Retry(reason) => (Status::Queued, Some(reason)),
    };
    let next = now + backoff_secs(cfg.outbox_backoff_secs, attempts) * 1000;
    let done = status != Status::Queued;
    let name = match status {
        Status::Delivered => "delivered",
        Status::Failed => "failed",
        _ => "queued",
    };
    let mut statements = vec![db::stmt(
        db,
        "UPDATE applications SET status = ?2, attempts = ?3, next_attempt_at = ?4, last_error = ?5, updated_at = ?6, \
         body = CASE WHEN ?7 THEN NULL ELSE body END WHERE id = ?1",
        &[
            id.into(),
            name.into(),
            JsValue::from_f64(attempts as f64),
            js(next),
            error.clone().map(JsValue::from).unwrap_or(JsValue::NULL),
            js(now),
            JsValue::from_f64(if done { 1.0 } else { 0.0 }),
        ],
    )?];
    if done {
        // Personal data leaves our store once Greenhouse has it (or definitively refused it).
        statements.push(db::stmt(db, "DELETE FROM application_files WHERE application_id = ?1", &[id.into()])?);
    }
    db::batch(db, statements).await?;
    if let Some(e) = &error {
        worker::console_warn!("application {id} to {}/{job_id}: {name} ({e})", row.board);
    }
    Ok((status, error))
}

/// Retries every due application, each claimed first. Returns how many were delivered.
pub async fn retry_due(db: &D1Database, cfg: &Config, now: u64) -> Result<usize, ApiError> {
    db::run(db, "UPDATE applications SET status = 'queued' WHERE status = 'sending' AND updated_at < ?1", &[js(now.saturating_sub(STALE_CLAIM_MS))])
        .await?;
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let due: Vec<Id> =
        db::all(db, "SELECT id FROM applications WHERE status = 'queued' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT 25", &[js(now)])
            .await?;
    let mut delivered = 0;
    for Id { id } in due {
        let claimed = db::run(
            db,
            "UPDATE applications SET status = 'sending', updated_at = ?2 WHERE id = ?1 AND status = 'queued'",
            &[id.as_str().into(), js(now)],
        )
        .await?;
        if claimed != 1 {
            continue; // another run has it
        }
        if attempt(db, cfg, &id, now).await?.0 == Status::Delivered {
            delivered += 1;
        }
    }
    Ok(delivered)
}
