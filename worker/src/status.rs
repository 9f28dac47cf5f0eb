//! Status back: where each exported candidate's application, and each application made
//! through the widget, stands in Greenhouse (stage, status, last activity), from Greenhouse's
//! web hooks at once and from a poll on the cron as the safety net (a lost web hook). Each
//! change is kept in `candidate_status` and sent to the host as a signed
//! `candidate.status_changed` event through the callback of job events.
//!
//! Widget applications go through the Job Board API, whose answer carries no ids: after
//! delivery the outbox leaves a *trace* (the email, sealed), and the cron asks Harvest for the
//! person and finds the application on the post it went to. The email is deleted once found,
//! or after [`TRACE_FOR_MS`] without finding it.

use crate::cache::Layers;
use crate::db;
use crate::error::ApiError;
use crate::manage::{harvest_client, Client, Reach, RunClients};
use crate::upstream::greenhouse_api::Harvest;
use crate::vault::{application_aad, Sealed, Vault};
use serde::Deserialize;
use serde_json::{json, Value};
use shared::candidates::ApplicationStatus;
use shared::owner::Permission;
use worker::{D1Database, D1PreparedStatement};

/// Applications looked at per org and run at most.
const MAX_POLLED: usize = 200;
/// Orgs polled per cron run at most.
const POLL_ORGS_PER_RUN: u32 = 5;
/// Widget applications looked for per cron run at most (each is one to two Harvest calls).
const TRACES_PER_RUN: u32 = 10;
/// How long a delivered widget application is looked for before its email is dropped.
pub const TRACE_FOR_MS: u64 = 24 * 3600 * 1000;
/// How much earlier than our delivery Greenhouse's clock may say it was filed.
const TRACE_SKEW_MS: u64 = 15 * 60 * 1000;
/// The longest wait between two looks.
const TRACE_MAX_WAIT_MS: u64 = 3600 * 1000;

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

#[derive(Deserialize)]
struct Traced {
    id: String,
    job_id: f64,
    candidate_id: Option<f64>,
}

/// Whose application it is: an export (the host's id for the person) or an application made
/// through the widget (its submission id).
enum Owner {
    Export { external_id: String, job_id: u64, candidate_id: Option<u64> },
    Widget { submission_id: String, job_id: u64, candidate_id: Option<u64> },
}

impl Owner {
    fn candidate_id(&self) -> Option<u64> {
        match self {
            Self::Export { candidate_id, .. } | Self::Widget { candidate_id, .. } => *candidate_id,
        }
    }
    fn job_id(&self) -> u64 {
        match self {
            Self::Export { job_id, .. } | Self::Widget { job_id, .. } => *job_id,
        }
    }
}

/// The export or widget application `s` belongs to, if any.
async fn owner_of(db: &D1Database, org: &str, s: &Seen) -> Result<Option<Owner>, ApiError> {
    // Which export it belongs to: by application id, else by candidate.
    let rows: Vec<Tracked> = db::all(
        db,
        "SELECT external_id, job_id, candidate_id, application_ids FROM candidate_exports WHERE org = ?1 AND candidate_id IS NOT NULL \
         AND (application_ids LIKE ?2 OR candidate_id = ?3)",
        &[org.into(), format!("%{}%", s.application_id).into(), s.candidate_id.map_or(wasm_bindgen::JsValue::NULL, db::num)],
    )
    .await?;
    // By application id; by candidate only for an export that knows no application yet (the
    // candidate's other applications, on other jobs, are not this export's).
    let export_of =
        |t: &Tracked| Owner::Export { external_id: t.external_id.clone(), job_id: t.job_id as u64, candidate_id: t.candidate_id.map(|c| c as u64) };
    if let Some(t) = rows.iter().find(|r| serde_json::from_str::<Vec<u64>>(&r.application_ids).unwrap_or_default().contains(&s.application_id)) {
        return Ok(Some(export_of(t)));
    }
    // A widget application found by its id comes before an export that knows only the person.
    let traced: Option<Traced> = db::first(
        db,
        "SELECT id, job_id, candidate_id FROM application_traces WHERE org = ?1 AND application_id = ?2",
        &[org.into(), db::num(s.application_id)],
    )
    .await?;
    if let Some(t) = traced {
        return Ok(Some(Owner::Widget { submission_id: t.id, job_id: t.job_id as u64, candidate_id: t.candidate_id.map(|c| c as u64) }));
    }
    Ok(rows
        .iter()
        .find(|r| {
            r.candidate_id.map(|c| c as u64) == s.candidate_id && serde_json::from_str::<Vec<u64>>(&r.application_ids).unwrap_or_default().is_empty()
        })
        .map(export_of))
}

/// Records what Greenhouse says of an application, if it is one of the org's exports or
/// widget applications, and queues an event when it changed. Returns whether it changed.
pub async fn record(db: &D1Database, org: &str, s: &Seen, now: u64) -> Result<bool, ApiError> {
    let Some(owner) = owner_of(db, org, s).await? else { return Ok(false) };
    let known: Option<Known> =
        db::first(db, "SELECT stage, status FROM candidate_status WHERE org = ?1 AND application_id = ?2", &[org.into(), db::num(s.application_id)])
            .await?;
    if known.as_ref().is_some_and(|k| k.stage == s.stage && k.status == s.status) {
        return Ok(false);
    }
    let (external_id, submission_id, source) = match &owner {
        Owner::Export { external_id, .. } => (external_id.as_str(), None, "export"),
        Owner::Widget { submission_id, .. } => ("", Some(submission_id.as_str()), "widget"),
    };
    let candidate_id = s.candidate_id.or(owner.candidate_id());
    db::run(
        db,
        "INSERT INTO candidate_status (org, application_id, candidate_id, external_id, job_id, stage, status, last_activity_at, updated_at, submission_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (org, application_id) DO UPDATE SET stage = ?6, status = ?7, \
         last_activity_at = coalesce(?8, candidate_status.last_activity_at), updated_at = ?9",
        &[
            org.into(),
            db::num(s.application_id),
            candidate_id.map_or(wasm_bindgen::JsValue::NULL, db::num),
            external_id.into(),
            db::num(owner.job_id()),
            db::opt(s.stage.as_deref()),
            s.status.as_str().into(),
            db::opt(s.last_activity_at.as_deref()),
            db::num(now),
            db::opt(submission_id),
        ],
    )
    .await?;
    let data = json!({
        "org": org,
        "source": source,
        "external_id": Some(external_id).filter(|e| !e.is_empty()),
        "submission_id": submission_id,
        "job_id": Some(owner.job_id()).filter(|j| *j != 0),
        "candidate_id": candidate_id,
        "application_id": s.application_id,
        "stage": s.stage,
        "status": s.status,
        "last_activity_at": s.last_activity_at,
        "previous": known.map(|k| json!({"stage": k.stage, "status": k.status})),
    });
    crate::events::enqueue(db, org, "candidate.status_changed", None, data, now).await?;
    Ok(true)
}

/// The newest `candidate_status` row that `condition` picks.
async fn latest(db: &D1Database, condition: &str, args: &[wasm_bindgen::JsValue]) -> Result<Option<ApplicationStatus>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        application_id: f64,
        stage: Option<String>,
        status: String,
        last_activity_at: Option<String>,
    }
    let sql =
        format!("SELECT application_id, stage, status, last_activity_at FROM candidate_status WHERE {condition} ORDER BY updated_at DESC LIMIT 1");
    let row: Option<Row> = db::first(db, &sql, args).await?;
    Ok(row.map(|r| ApplicationStatus { id: r.application_id as u64, stage: r.stage, status: r.status, last_activity_at: r.last_activity_at }))
}

/// The last known status of an export's application.
pub async fn of_export(db: &D1Database, org: &str, external_id: &str, job: u64) -> Result<Option<ApplicationStatus>, ApiError> {
    latest(db, "org = ?1 AND external_id = ?2 AND job_id = ?3", &[org.into(), external_id.into(), db::num(job)]).await
}

/// Where a widget application stands in Greenhouse, once it was found there.
pub async fn of_submission(db: &D1Database, org: &str, submission_id: &str) -> Result<Option<ApplicationStatus>, ApiError> {
    latest(db, "org = ?1 AND submission_id = ?2", &[org.into(), submission_id.into()]).await
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
        "SELECT e.org AS org, p.polled_at AS polled_at FROM (SELECT org FROM candidate_exports WHERE candidate_id IS NOT NULL \
         UNION SELECT org FROM application_traces WHERE application_id IS NOT NULL) e \
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
            Err(e) => {
                // Not moved forward: the next run asks for the same window again.
                worker::console_warn!("status poll for {}: {e}", o.org);
                continue;
            }
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
        Some((Client::V3(h), _)) => {
            let mut list = fetch(&h, &format!("applications?updated_at=gte|{after}")).await?;
            list.truncate(MAX_POLLED);
            crate::matching::name_v3(&h, &mut [], &mut list).await;
            list
        }
        Some((Client::V1(h), _)) => fetch(&h, &format!("applications?last_activity_after={after}")).await?,
        None => return Ok(0),
    };
    let seen: Vec<Seen> = list.iter().take(MAX_POLLED).filter_map(read).collect();
    // Only the org's own are looked at one by one (a few queries each): one query tells which
    // those are, so the rest of a busy Greenhouse account costs nothing here.
    let ours = tracked(db, org, &seen).await?;
    let mut changed = 0;
    for s in seen.iter().filter(|s| ours.contains(&s.application_id)) {
        if record(db, org, s, now).await? {
            changed += 1;
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

// ---- Following widget applications into Greenhouse ----

fn trace_aad(id: &str) -> String {
    application_aad(id, "trace")
}

/// The statement that starts following a delivered widget application (its email sealed,
/// looked for from the next cron run).
#[allow(clippy::too_many_arguments)]
pub fn trace(
    db: &D1Database,
    vault: &Vault,
    id: &str,
    org: &str,
    board: &str,
    job_id: u64,
    email: &str,
    now: u64,
) -> Result<D1PreparedStatement, ApiError> {
    let sealed = vault.seal_aad(&trace_aad(id), email.as_bytes()).map_err(|e| ApiError::Internal(format!("trace {id}: {e}")))?;
    db::stmt(
        db,
        "INSERT INTO application_traces (id, org, board, job_id, email, key_id, nonce, next_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) \
         ON CONFLICT (id) DO NOTHING",
        &[id.into(), org.into(), board.into(), db::num(job_id), sealed.ciphertext.into(), sealed.key_id.into(), sealed.nonce.into(), db::num(now)],
    )
}

/// The candidates for a widget application among a person's applications (Harvest v1's
/// embedded ones or v3's list): on post `post_id`, applied at `not_before` or later (UTC ISO
/// times, compared to the second as text), not a prospect; newest first.
pub fn on_post(applications: &[Value], post_id: u64, not_before: &str) -> Vec<Value> {
    let at = |v: &Value| v.get("applied_at").and_then(Value::as_str).unwrap_or_default().chars().take(19).collect::<String>();
    let floor: String = not_before.chars().take(19).collect();
    let mut found: Vec<Value> = applications
        .iter()
        .filter(|a| !a.get("prospect").and_then(Value::as_bool).unwrap_or(false) && id(a.get("job_post_id")) == Some(post_id) && at(a) >= floor)
        .cloned()
        .collect();
    found.sort_by_key(|a| std::cmp::Reverse(at(a)));
    found
}

/// The newest of `candidates` that no other application or export has taken.
pub fn pick(candidates: &[Value], taken: &[u64]) -> Option<Seen> {
    candidates.iter().filter_map(read).find(|s| !taken.contains(&s.application_id))
}

/// Applications already followed (another widget application's, or an export's).
async fn taken(db: &D1Database, org: &str, ids: &[u64]) -> Result<Vec<u64>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        application_id: f64,
    }
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let rows: Vec<Row> = db::all(
        db,
        "SELECT application_id FROM application_traces WHERE org = ?1 AND application_id IN (SELECT value FROM json_each(?2)) \
         UNION SELECT application_id FROM candidate_status WHERE org = ?1 AND application_id IN (SELECT value FROM json_each(?2))",
        &[org.into(), list.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.application_id as u64).collect())
}

/// Which of `seen` are the org's: followed applications, and exports' candidates'.
async fn tracked(db: &D1Database, org: &str, seen: &[Seen]) -> Result<Vec<u64>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: f64,
    }
    if seen.is_empty() {
        return Ok(vec![]);
    }
    let apps = serde_json::to_string(&seen.iter().map(|s| s.application_id).collect::<Vec<_>>()).unwrap_or_default();
    let people = serde_json::to_string(&seen.iter().filter_map(|s| s.candidate_id).collect::<Vec<_>>()).unwrap_or_default();
    let rows: Vec<Row> = db::all(
        db,
        "SELECT application_id AS id FROM candidate_status WHERE org = ?1 AND application_id IN (SELECT value FROM json_each(?2)) \
         UNION SELECT application_id FROM application_traces WHERE org = ?1 AND application_id IN (SELECT value FROM json_each(?2)) \
         UNION SELECT -candidate_id FROM candidate_exports WHERE org = ?1 AND candidate_id IN (SELECT value FROM json_each(?3))",
        &[org.into(), apps.into(), people.into()],
    )
    .await?;
    // Candidates come back negated, to tell them from applications in one list.
    let people: Vec<u64> = rows.iter().filter(|r| r.id < 0.0).map(|r| (-r.id) as u64).collect();
    let mut ours: Vec<u64> = rows.iter().filter(|r| r.id > 0.0).map(|r| r.id as u64).collect();
    ours.extend(seen.iter().filter(|s| s.candidate_id.is_some_and(|c| people.contains(&c))).map(|s| s.application_id));
    Ok(ours)
}

/// Looks for the applications `email` made through post `post_id` since `not_before`.
async fn locate<H: Harvest>(h: &H, v3: bool, email: &str, post_id: u64, not_before: &str) -> Result<Vec<Value>, ApiError> {
    let q: String = url::form_urlencoded::byte_serialize(email.as_bytes()).collect();
    let people = crate::matching::list(h, &format!("candidates?email={q}"), Permission::Candidates).await?;
    let apps: Vec<Value> = if v3 {
        let ids: Vec<String> = people.iter().filter_map(|c| id(c.get("id"))).map(|i| i.to_string()).take(50).collect();
        if ids.is_empty() {
            return Ok(vec![]);
        }
        crate::matching::list(h, &format!("applications?candidate_ids={}", ids.join(",")), Permission::Applications).await?
    } else {
        people.iter().flat_map(|c| c.get("applications").and_then(Value::as_array).cloned().unwrap_or_default()).collect()
    };
    let mut found = on_post(&apps, post_id, not_before);
    if v3 {
        crate::matching::name_v3(h, &mut [], &mut found).await;
    }
    Ok(found)
}

/// The wait before the next look after `tries` misses: 1, 2, 4 … minutes, at most an hour.
pub fn trace_wait_ms(tries: u32) -> u64 {
    (60_000u64 << tries.min(10)).min(TRACE_MAX_WAIT_MS)
}

/// The cron's step: looks for a few delivered widget applications in Greenhouse. A found one
/// keeps its ids (and its status from now on); its email is deleted either way once found or
/// given up. Returns how many were found.
pub async fn follow_some(l: &Layers<'_>, db: &D1Database, vault: &Vault, now: u64) -> Result<usize, ApiError> {
    #[derive(Deserialize)]
    struct Due {
        id: String,
        org: String,
        job_id: f64,
        email: String,
        key_id: String,
        nonce: String,
        tries: f64,
        created_at: f64,
    }
    let due: Vec<Due> = db::all(
        db,
        "SELECT id, org, job_id, email, key_id, nonce, tries, created_at FROM application_traces \
         WHERE email IS NOT NULL AND next_at <= ?1 ORDER BY next_at LIMIT ?2",
        &[db::num(now), db::num(u64::from(TRACES_PER_RUN))],
    )
    .await?;
    let forget = |id: &str, found: Option<&Seen>| {
        db::stmt(
            db,
            "UPDATE application_traces SET email = NULL, key_id = NULL, nonce = NULL, candidate_id = ?2, application_id = ?3, \
             found_at = CASE WHEN ?3 IS NULL THEN NULL ELSE ?4 END WHERE id = ?1",
            &[
                id.into(),
                found.and_then(|s| s.candidate_id).map_or(wasm_bindgen::JsValue::NULL, db::num),
                found.map_or(wasm_bindgen::JsValue::NULL, |s| db::num(s.application_id)),
                db::num(now),
            ],
        )
    };
    // Sealed emails are kept a day at most, however long the queue.
    db::run(
        db,
        "UPDATE application_traces SET email = NULL, key_id = NULL, nonce = NULL WHERE email IS NOT NULL AND created_at < ?1",
        &[db::num(now.saturating_sub(TRACE_FOR_MS))],
    )
    .await?;
    let mut clients = RunClients::default();
    let mut found_count = 0;
    for t in due {
        let client = match clients.get(l, db, &t.org, now).await {
            Reach::Harvest(c) => c,
            // Harvest could not be reached just now: looked for again next run.
            Reach::Later => continue,
            Reach::Unconnected => {
                // No Harvest connection: nothing can be followed; nothing personal is kept for it.
                db::batch(db, vec![forget(&t.id, None)?]).await?;
                continue;
            }
        };
        let sealed = Sealed { key_id: t.key_id, nonce: t.nonce, ciphertext: t.email };
        let email = match vault.open_aad(&trace_aad(&t.id), &sealed).ok().and_then(|b| String::from_utf8(b).ok()) {
            Some(e) => e,
            None => {
                db::batch(db, vec![forget(&t.id, None)?]).await?;
                continue;
            }
        };
        // Greenhouse files it when it arrives: not before the delivery (with some clock skew).
        let not_before = crate::events::iso((t.created_at as u64).saturating_sub(TRACE_SKEW_MS));
        let result = match client {
            Client::V3(h) => locate(h, true, &email, t.job_id as u64, &not_before).await,
            Client::V1(h) => locate(h, false, &email, t.job_id as u64, &not_before).await,
        };
        let result = match result {
            Ok(found) => {
                let ids: Vec<u64> = found.iter().filter_map(|a| id(a.get("id"))).collect();
                Ok(pick(&found, &taken(db, &t.org, &ids).await?))
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(Some(seen)) => {
                db::batch(db, vec![forget(&t.id, Some(&seen))?]).await?;
                record(db, &t.org, &seen, now).await?;
                found_count += 1;
                crate::events::kick(l, &t.org);
            }
            other => {
                if let Err(e) = &other {
                    // The submission id only: no personal data in logs.
                    worker::console_warn!("following application {} in Greenhouse: {e}", t.id);
                }
                let tries = t.tries as u32 + 1;
                if now.saturating_sub(t.created_at as u64) >= TRACE_FOR_MS {
                    db::batch(db, vec![forget(&t.id, None)?]).await?;
                } else {
                    db::run(
                        db,
                        "UPDATE application_traces SET tries = ?2, next_at = ?3 WHERE id = ?1",
                        &[t.id.as_str().into(), db::num(u64::from(tries)), db::num(now + trace_wait_ms(tries))],
                    )
                    .await?;
                }
            }
        }
    }
    Ok(found_count)
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

    #[test]
    fn a_widget_application_is_the_newest_untaken_on_its_post_since_delivery() {
        let apps = [
            json!({"id": 1, "job_post_id": 77, "applied_at": "2026-01-01T00:00:00Z", "status": "rejected"}),
            json!({"id": 2, "job_post_id": "77", "applied_at": "2026-11-29T10:00:00.123Z", "current_stage": {"name": "Application Review"}}),
            json!({"id": 3, "job_post_id": 78, "applied_at": "2026-11-29T11:00:00Z"}),
            json!({"id": 4, "job_post_id": 77, "applied_at": "2026-11-29T12:00:00Z", "prospect": true}),
            json!({"id": 5, "job_post_id": 77, "applied_at": "2026-11-29T09:59:00Z"}),
        ];
        let found = on_post(&apps, 77, "2026-11-29T09:50:00Z");
        assert_eq!(found.iter().map(|a| a["id"].as_u64().unwrap()).collect::<Vec<_>>(), [2, 5], "newest first; an earlier application is not it");
        let s = pick(&found, &[]).unwrap();
        assert_eq!((s.application_id, s.stage.as_deref(), s.status.as_str()), (2, Some("Application Review"), "active"));
        assert_eq!(pick(&found, &[2]).unwrap().application_id, 5, "one already followed is not taken twice");
        assert!(pick(&on_post(&apps, 77, "2026-11-30T00:00:00Z"), &[]).is_none(), "not filed yet");
        assert!(on_post(&apps, 99, "").is_empty());
        assert_eq!((trace_wait_ms(1), trace_wait_ms(3), trace_wait_ms(30)), (120_000, 480_000, TRACE_MAX_WAIT_MS));
    }
}
