//! Status back: where each exported candidate's application stands in Greenhouse (stage,
//! status, last activity), from Greenhouse's web hooks at once and from a poll on the cron as
//! the safety net (a lost web hook). Each change is kept in `candidate_status` and sent to the
//! host as a signed `candidate.status_changed` event through the callback of job events.

use crate::cache::Layers;
use crate::db;
use crate::error::ApiError;
use crate::manage::{harvest_client, Client};
use crate::upstream::greenhouse_api::Harvest;
use serde::Deserialize;
use serde_json::{json, Value};
use shared::candidates::ApplicationStatus;
use worker::D1Database;

/// Orgs polled per cron run at most.
const POLL_ORGS_PER_RUN: u32 = 5;

/// What Greenhouse says of one application now.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub application_id: u64,
    pub candidate_id: Option<u64>,
    pub stage: Option<String>,
    pub status: String,
    pub last_activity_at: Option<String>,
}

fn id(v: Option<&Value>) -> Option<u64> {
    let v = v?;
    v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// An application from a web hook's `payload.application` or a Harvest list (v1 or v3).
pub fn read(a: &Value) -> Option<Seen> {
    Some(Seen {
        application_id: id(a.get("id"))?,
        candidate_id: id(a.get("candidate_id")).or_else(|| id(a.get("candidate").and_then(|c| c.get("id")))),
        stage: a.get("current_stage").and_then(|s| s.get("name")).and_then(Value::as_str).map(str::to_string),
        status: a.get("status").and_then(Value::as_str).unwrap_or("active").to_ascii_lowercase(),
        last_activity_at: a.get("last_activity_at").and_then(Value::as_str).map(str::to_string),
    })
}

/// What a web hook means for an application: its new state (`deleted` for a deletion).
pub fn from_hook(action: &str, payload: &Value) -> Option<Seen> {
    let a = payload.get("application")?;
    let mut s = read(a)?;
    match action {
        "delete_application" => s.status = "deleted".into(),
        "hire_candidate" => s.status = "hired".into(),
        "reject_candidate" => s.status = "rejected".into(),
        "candidate_stage_change" | "application_updated" | "unreject_candidate" | "unhire_candidate" | "new_candidate_application" => {}
        _ => return None,
    }
    Some(s)
}

#[derive(Deserialize)]
struct Tracked {
    external_id: String,
    job_id: f64,
    candidate_id: Option<f64>,
    application_ids: String,
}

#[derive(Deserialize)]
struct Known {
    stage: Option<String>,
    status: String,
}

/// Records what Greenhouse says of an application, if it is one of the org's exports, and
/// queues an event when it changed. Returns whether it changed.
pub async fn record(db: &D1Database, org: &str, s: &Seen, now: u64) -> Result<bool, ApiError> {
    // Which export it belongs to: by application id, else by candidate.
    let rows: Vec<Tracked> = db::all(
        db,
        "SELECT external_id, job_id, candidate_id, application_ids FROM candidate_exports WHERE org = ?1 AND candidate_id IS NOT NULL \
         AND (application_ids LIKE ?2 OR candidate_id = ?3)",
        &[org.into(), format!("%{}%", s.application_id).into(), s.candidate_id.map_or(wasm_bindgen::JsValue::NULL, db::num)],
    )
    .await?;
    let owner = rows
        .iter()
        .find(|r| serde_json::from_str::<Vec<u64>>(&r.application_ids).unwrap_or_default().contains(&s.application_id))
        .or_else(|| rows.iter().find(|r| r.candidate_id.map(|c| c as u64) == s.candidate_id));
    let Some(t) = owner else { return Ok(false) };
    let known: Option<Known> =
        db::first(db, "SELECT stage, status FROM candidate_status WHERE org = ?1 AND application_id = ?2", &[org.into(), db::num(s.application_id)])
            .await?;
    if known.as_ref().is_some_and(|k| k.stage == s.stage && k.status == s.status) {
        return Ok(false);
    }
    db::run(
        db,
        "INSERT INTO candidate_status (org, application_id, candidate_id, external_id, job_id, stage, status, last_activity_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (org, application_id) DO UPDATE SET stage = ?6, status = ?7, \
         last_activity_at = coalesce(?8, candidate_status.last_activity_at), updated_at = ?9",
        &[
            org.into(),
            db::num(s.application_id),
            s.candidate_id.or(t.candidate_id.map(|c| c as u64)).map_or(wasm_bindgen::JsValue::NULL, db::num),
            t.external_id.as_str().into(),
            db::num(t.job_id as u64),
            s.stage.as_deref().map_or(wasm_bindgen::JsValue::NULL, wasm_bindgen::JsValue::from),
            s.status.as_str().into(),
            s.last_activity_at.as_deref().map_or(wasm_bindgen::JsValue::NULL, wasm_bindgen::JsValue::from),
            db::num(now),
        ],
    )
    .await?;
    let data = json!({
        "org": org,
        "external_id": t.external_id,
        "job_id": Some(t.job_id as u64).filter(|j| *j != 0),
        "candidate_id": s.candidate_id.or(t.candidate_id.map(|c| c as u64)),
        "application_id": s.application_id,
        "stage": s.stage,
        "status": s.status,
        "last_activity_at": s.last_activity_at,
        "previous": known.map(|k| json!({"stage": k.stage, "status": k.status})),
    });
    crate::events::enqueue(db, org, "candidate.status_changed", None, data, now).await?;
    Ok(true)
}

/// The last known status of an export's application.
pub async fn of_export(db: &D1Database, org: &str, external_id: &str, job: u64) -> Result<Option<ApplicationStatus>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        application_id: f64,
        stage: Option<String>,
        status: String,
        last_activity_at: Option<String>,
    }
    let row: Option<Row> = db::first(
        db,
        "SELECT application_id, stage, status, last_activity_at FROM candidate_status WHERE org = ?1 AND external_id = ?2 AND job_id = ?3 \
         ORDER BY updated_at DESC LIMIT 1",
        &[org.into(), external_id.into(), db::num(job)],
    )
    .await?;
    Ok(row.map(|r| ApplicationStatus { id: r.application_id as u64, stage: r.stage, status: r.status, last_activity_at: r.last_activity_at }))
}

/// The cron's safety net: a few orgs with exports, none more often than `STATUS_POLL_SECONDS`,
/// ask Harvest for applications active since their last poll.
pub async fn poll_some(l: &Layers<'_>, db: &D1Database, now: u64) -> Result<usize, ApiError> {
    #[derive(Deserialize)]
    struct Org {
        org: String,
        polled_at: Option<f64>,
    }
    let orgs: Vec<Org> = db::all(
        db,
        "SELECT e.org AS org, p.polled_at AS polled_at FROM (SELECT DISTINCT org FROM candidate_exports WHERE candidate_id IS NOT NULL) e \
         LEFT JOIN candidate_polls p ON p.org = e.org WHERE p.polled_at IS NULL OR p.polled_at <= ?1 ORDER BY p.polled_at LIMIT ?2",
        &[db::num(now.saturating_sub(l.cfg.status_poll_secs * 1000)), db::num(u64::from(POLL_ORGS_PER_RUN))],
    )
    .await?;
    let mut changed = 0;
    for o in orgs {
        // From the last poll (a day back the first time), with a minute's overlap.
        let since = o.polled_at.map_or(now.saturating_sub(86_400_000), |p| (p as u64).saturating_sub(60_000));
        match poll(l, db, &o.org, since, now).await {
            Ok(n) => changed += n,
            Err(e) => worker::console_warn!("status poll for {}: {e}", o.org),
        }
        db::run(
            db,
            "INSERT INTO candidate_polls (org, polled_at) VALUES (?1, ?2) ON CONFLICT (org) DO UPDATE SET polled_at = ?2",
            &[o.org.as_str().into(), db::num(now)],
        )
        .await?;
    }
    Ok(changed)
}

/// One org's poll now: applications Harvest says were active since `since`.
pub async fn poll(l: &Layers<'_>, db: &D1Database, org: &str, since: u64, now: u64) -> Result<usize, ApiError> {
    let after = crate::events::iso(since);
    let list = match harvest_client(l, db, org, now).await? {
        Some((Client::V3(h), _)) => fetch(&h, &format!("applications?updated_at=gte|{after}")).await?,
        Some((Client::V1(h), _)) => fetch(&h, &format!("applications?last_activity_after={after}")).await?,
        None => return Ok(0),
    };
    let mut changed = 0;
    for a in &list {
        if let Some(s) = read(a) {
            if record(db, org, &s, now).await? {
                changed += 1;
            }
        }
    }
    if changed > 0 {
        crate::events::kick(l, org);
    }
    Ok(changed)
}

async fn fetch<H: Harvest>(h: &H, path: &str) -> Result<Vec<Value>, ApiError> {
    let p = crate::upstream::greenhouse_api::Paging { per_page: 100, max_pages: 20, max_wait_secs: 30, max_retries: 3, window_secs: 10 };
    crate::upstream::greenhouse_api::list_all(h, path, &p).await.map_err(ApiError::Upstream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hooks_and_lists_read_alike() {
        let hook = json!({"application": {"id": 9, "candidate": {"id": 5}, "current_stage": {"name": "Offer"}, "status": "active"}});
        let s = from_hook("candidate_stage_change", &hook).unwrap();
        assert_eq!((s.application_id, s.candidate_id, s.stage.as_deref(), s.status.as_str()), (9, Some(5), Some("Offer"), "active"));
        assert_eq!(from_hook("reject_candidate", &hook).unwrap().status, "rejected");
        assert_eq!(from_hook("delete_application", &json!({"application": {"id": "9"}})).unwrap().status, "deleted");
        assert!(from_hook("job_updated", &hook).is_none());
        let listed = read(&json!({"id": 9, "candidate_id": "5", "status": "Hired", "last_activity_at": "2026-11-29T10:00:00Z"})).unwrap();
        assert_eq!((listed.candidate_id, listed.status.as_str()), (Some(5), "hired"));
    }
}
