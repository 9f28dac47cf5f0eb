//! Candidates a host exports to Greenhouse, through the org's connected path: Candidate
//! Ingestion (On-Behalf-Of the connected user's email), else Harvest v3, else Harvest v1
//! (On-Behalf-Of the connected user id). Each export is a row of the application outbox
//! (`kind = 'export'`): sealed, claimed, retried with backoff, its personal data deleted once
//! Greenhouse has it. `candidate_exports` keys it by (org, the host's id, job) and keeps its
//! progress, so a repeat answers the same Greenhouse ids and a delivery that stopped half way
//! (Harvest creates asynchronously, then the resume is attached) goes on where it stopped.

use crate::apply::Outcome;
use crate::cache::Layers;
use crate::connect::{self, vault};
use crate::db;
use crate::error::ApiError;
use crate::manage::{harvest_client, Client};
use crate::upstream::greenhouse_api::Harvest;
use crate::upstream::send;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use shared::candidates::{Export, ExportInput, ExportPath, ExportState};
use shared::owner::{ApplicationState, Kind};
use worker::{D1Database, Method};

/// How long to wait before looking again for a candidate Greenhouse is still creating (its
/// docs say to ask every 30 seconds).
pub const CREATING_RETRY_MS: u64 = 30_000;
/// How long an export may stay "creating" before an owner is asked to look.
pub const CREATING_LIMIT_MS: u64 = 30 * 60 * 1000;

/// The outbox id of an export: the same for the same (org, host id, job), so a repeat finds
/// the first.
pub fn outbox_id(org: &str, external_id: &str, job: u64) -> String {
    let mut h = Sha256::new();
    for part in [org.as_bytes(), external_id.as_bytes(), &job.to_le_bytes()] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    let hex: String = h.finalize().iter().take(20).map(|b| format!("{b:02x}")).collect();
    // A `:` never appears in a candidate's submission id (letters, digits and `-`), so no
    // applicant can name, probe or take an export's row.
    format!("exp:{hex}")
}

// ---- Mapping: our export → each API's body (pure) ----

fn links(e: &ExportInput) -> (Vec<&str>, Vec<&str>) {
    e.links.iter().map(String::as_str).partition(|u| {
        let host = u.trim_start_matches("https://").split('/').next().unwrap_or_default().to_ascii_lowercase();
        ["linkedin.com", "twitter.com", "x.com", "github.com"].iter().any(|s| host == *s || host.ends_with(&format!(".{s}")))
    })
}

/// Candidate Ingestion's body (its own field names).
pub fn ingestion_body(e: &ExportInput) -> Value {
    let (social, websites) = links(e);
    let mut b = json!({
        "prospect": e.job_id.is_none(),
        "first_name": e.first_name.trim(),
        "last_name": e.last_name.trim(),
        "external_id": e.external_id.trim(),
        "emails": e.emails.iter().map(|m| json!({"email": m.trim(), "type": "other"})).collect::<Vec<_>>(),
        "phone_numbers": e.phones.iter().map(|p| json!({"phone_number": p.trim(), "type": "other"})).collect::<Vec<_>>(),
        "social_media": social.iter().map(|u| json!({"url": u})).collect::<Vec<_>>(),
        "websites": websites.iter().map(|u| json!({"url": u, "type": "other"})).collect::<Vec<_>>(),
    });
    let o = b.as_object_mut().expect("an object");
    for (k, v) in [("company", &e.company), ("title", &e.title), ("notes", &e.notes)] {
        if !v.trim().is_empty() {
            o.insert(k.into(), Value::from(v.trim()));
        }
    }
    if let Some(url) = e.resume.as_ref().and_then(|r| r.url.as_deref()) {
        o.insert("resume".into(), Value::from(url));
    }
    if let Some(j) = e.job_id {
        o.insert("job_id".into(), Value::from(j));
    }
    if let Some(p) = &e.prospect {
        if let Some(pool) = p.pool_id {
            o.insert("prospect_pool_id".into(), Value::from(pool));
        }
        if let Some(stage) = p.stage_id {
            o.insert("prospect_pool_stage_id".into(), Value::from(stage));
        }
    }
    b
}

/// The person in Harvest's field names (v1 and v3 alike).
pub fn harvest_person(e: &ExportInput) -> Value {
    let (social, websites) = links(e);
    let mut b = json!({
        "first_name": e.first_name.trim(),
        "last_name": e.last_name.trim(),
        "email_addresses": e.emails.iter().map(|m| json!({"value": m.trim(), "type": "other"})).collect::<Vec<_>>(),
        "phone_numbers": e.phones.iter().map(|p| json!({"value": p.trim(), "type": "other"})).collect::<Vec<_>>(),
        "social_media_addresses": social.iter().map(|u| json!({"value": u})).collect::<Vec<_>>(),
        "website_addresses": websites.iter().map(|u| json!({"value": u, "type": "other"})).collect::<Vec<_>>(),
    });
    let o = b.as_object_mut().expect("an object");
    for (k, v) in [("company", &e.company), ("title", &e.title)] {
        if !v.trim().is_empty() {
            o.insert(k.into(), Value::from(v.trim()));
        }
    }
    if !e.notes.trim().is_empty() {
        o.insert("activity_feed_notes".into(), json!([{"body": e.notes.trim(), "visibility": "public"}]));
    }
    b
}

/// Harvest v1: the path and body that create the candidate (with its application) or the
/// prospect in one call.
pub fn harvest_v1_create(e: &ExportInput) -> (&'static str, Value) {
    let mut b = harvest_person(e);
    let o = b.as_object_mut().expect("an object");
    match (&e.job_id, &e.prospect) {
        (Some(j), _) => {
            o.insert("applications".into(), json!([{"job_id": j}]));
            ("candidates", b)
        }
        (None, p) => {
            let p = p.clone().unwrap_or_default();
            o.insert("application".into(), json!({"job_ids": p.job_ids}));
            if let Some(pool) = p.pool_id {
                o.insert("prospect_pool_id".into(), Value::from(pool));
            }
            if let Some(stage) = p.stage_id {
                o.insert("prospect_stage_id".into(), Value::from(stage));
            }
            ("prospects", b)
        }
    }
}

/// Harvest v3: the application that follows the candidate.
pub fn harvest_v3_application(e: &ExportInput, candidate_id: u64) -> Value {
    match (&e.job_id, &e.prospect) {
        (Some(j), _) => json!({"candidate_id": candidate_id, "job_id": j}),
        (None, p) => {
            let p = p.clone().unwrap_or_default();
            json!({"candidate_id": candidate_id, "prospect": true, "job_ids": p.job_ids, "prospect_pool_id": p.pool_id, "prospect_stage_id": p.stage_id})
        }
    }
}

/// The resume as an attachment body (`file`: the stored file's name and base64 content).
pub fn attachment_body(e: &ExportInput, file: Option<&(String, String, String)>, v3_candidate: Option<u64>) -> Option<Value> {
    let r = e.resume.as_ref()?;
    let mut b = match (file, r.url.as_deref()) {
        (Some((_, filename, content)), _) => json!({"filename": filename, "type": "resume", "content": content}),
        (None, Some(url)) => {
            let name = url.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("resume");
            json!({"filename": if r.filename.trim().is_empty() { name } else { r.filename.trim() }, "type": "resume", "url": url})
        }
        (None, None) => return None,
    };
    let o = b.as_object_mut().expect("an object");
    if !r.content_type.is_empty() {
        o.insert("content_type".into(), Value::from(r.content_type.as_str()));
    }
    if let Some(c) = v3_candidate {
        o.insert("candidate_id".into(), Value::from(c));
    }
    Some(b)
}

/// The ids in a create answer: `{id, applications: [{id}]}`, `{id, application_id}`, or a
/// one-element array of those (ingestion answers in kind).
pub fn created_ids(body: &str) -> Option<(u64, Vec<u64>, Option<String>)> {
    let v: Value = serde_json::from_str(body).ok()?;
    let v = match v {
        Value::Array(mut a) if !a.is_empty() => a.swap_remove(0),
        v => v,
    };
    let id = v.get("id").and_then(lenient_u64)?;
    let mut apps: Vec<u64> = v
        .get("applications")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.get("id").and_then(lenient_u64)).collect())
        .unwrap_or_default();
    if let Some(a) = v.get("application_id").and_then(lenient_u64) {
        apps.push(a);
    }
    Some((id, apps, v.get("profile_url").and_then(Value::as_str).map(str::to_string)))
}

fn lenient_u64(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// What a Greenhouse answer to a write means for the export.
fn classify(status: u16, body: &str, what: &str) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered,
        401 | 403 => Outcome::KeyRefused(format!("Greenhouse refused our credentials for {what} (HTTP {status})")),
        429 | 500..=599 => Outcome::Retry(format!("Greenhouse answered HTTP {status}")),
        _ => Outcome::Rejected(format!("Greenhouse refused {what} (HTTP {status}): {}", error_message(body))),
    }
}

/// Which fields Greenhouse named in its refusal: never its message text, which can carry the
/// submitted values (personal data) into our store, logs and answers.
fn error_message(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let fields: Vec<String> = v
        .get("errors")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| e.get("field").and_then(Value::as_str))
                .map(|f| f.chars().filter(|c| c.is_ascii_alphanumeric() || "_.[]".contains(*c)).take(40).collect())
                .take(5)
                .collect()
        })
        .unwrap_or_default();
    if fields.is_empty() {
        "no field named".into()
    } else {
        format!("fields: {}", fields.join(", "))
    }
}

// ---- Progress ----

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub path: Option<ExportPath>,
    pub candidate_id: Option<u64>,
    pub application_ids: Vec<u64>,
    pub profile_url: Option<String>,
    pub confirmed: bool,
    pub resume_attached: bool,
}

#[derive(Deserialize)]
struct ProgressRow {
    org: String,
    created_at: f64,
    external_id: String,
    job_id: f64,
    path: Option<String>,
    candidate_id: Option<f64>,
    application_ids: String,
    profile_url: Option<String>,
    confirmed_at: Option<f64>,
    resume_attached: f64,
}

fn path_of(s: &str) -> Option<ExportPath> {
    match s {
        "ingestion" => Some(ExportPath::Ingestion),
        "harvest_v3" => Some(ExportPath::HarvestV3),
        "harvest_v1" => Some(ExportPath::HarvestV1),
        _ => None,
    }
}

fn path_name(p: ExportPath) -> &'static str {
    match p {
        ExportPath::Ingestion => "ingestion",
        ExportPath::HarvestV3 => "harvest_v3",
        ExportPath::HarvestV1 => "harvest_v1",
    }
}

async fn progress_row(db: &D1Database, outbox_id: &str) -> Result<Option<ProgressRow>, ApiError> {
    db::first(
        db,
        "SELECT org, created_at, external_id, job_id, path, candidate_id, application_ids, profile_url, confirmed_at, resume_attached \
         FROM candidate_exports WHERE outbox_id = ?1",
        &[outbox_id.into()],
    )
    .await
}

fn progress_of(r: &ProgressRow) -> Progress {
    Progress {
        path: r.path.as_deref().and_then(path_of),
        candidate_id: r.candidate_id.map(|c| c as u64),
        application_ids: serde_json::from_str(&r.application_ids).unwrap_or_default(),
        profile_url: r.profile_url.clone(),
        confirmed: r.confirmed_at.is_some(),
        resume_attached: r.resume_attached > 0.0,
    }
}

async fn save(db: &D1Database, outbox_id: &str, p: &Progress, now: u64) -> Result<(), ApiError> {
    db::run(
        db,
        "UPDATE candidate_exports SET path = ?2, candidate_id = ?3, application_ids = ?4, profile_url = ?5, \
         confirmed_at = CASE WHEN ?6 THEN coalesce(confirmed_at, ?8) ELSE NULL END, resume_attached = ?7, updated_at = ?8 WHERE outbox_id = ?1",
        &[
            outbox_id.into(),
            db::opt(p.path.map(path_name)),
            p.candidate_id.map_or(wasm_bindgen::JsValue::NULL, db::num),
            serde_json::to_string(&p.application_ids).unwrap_or_else(|_| "[]".into()).into(),
            db::opt(p.profile_url.as_deref()),
            wasm_bindgen::JsValue::from_bool(p.confirmed),
            db::num(u64::from(p.resume_attached)),
            db::num(now),
        ],
    )
    .await?;
    Ok(())
}

/// Records a new export's key beside its outbox row (nothing personal).
pub async fn remember(db: &D1Database, org: &str, e: &ExportInput, outbox_id: &str, now: u64) -> Result<(), ApiError> {
    db::run(
        db,
        "INSERT INTO candidate_exports (org, external_id, job_id, outbox_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) \
         ON CONFLICT (org, external_id, job_id) DO NOTHING",
        &[org.into(), e.external_id.trim().into(), db::num(e.job_key()), outbox_id.into(), db::num(now)],
    )
    .await?;
    Ok(())
}

/// An export as the host sees it, from its outbox row and progress.
pub async fn status(db: &D1Database, org: &str, external_id: &str, job: u64) -> Result<Option<Export>, ApiError> {
    let id = outbox_id(org, external_id, job);
    let Some(r) = progress_row(db, &id).await?.filter(|r| r.org == org) else { return Ok(None) };
    #[derive(Deserialize)]
    struct Row {
        status: String,
        last_error: Option<String>,
    }
    let row: Option<Row> =
        db::first(db, "SELECT status, last_error FROM applications WHERE id = ?1 AND kind = 'export'", &[id.as_str().into()]).await?;
    let p = progress_of(&r);
    let state = match row.as_ref().and_then(|r| ApplicationState::parse(&r.status)) {
        Some(ApplicationState::Delivered) => ExportState::Delivered,
        Some(ApplicationState::NeedsAttention) => ExportState::NeedsAttention,
        Some(ApplicationState::Failed | ApplicationState::Dismissed) => ExportState::Failed,
        // The outbox row is gone after the retention period; the progress still says it all.
        None if p.confirmed && p.resume_attached => ExportState::Delivered,
        _ if p.candidate_id.is_some() => ExportState::Creating,
        _ => ExportState::Queued,
    };
    Ok(Some(Export {
        id,
        external_id: r.external_id,
        job_id: Some(r.job_id as u64).filter(|j| *j != 0),
        state,
        path: p.path,
        candidate_id: p.candidate_id,
        application_ids: p.application_ids,
        profile_url: p.profile_url,
        reason: row.and_then(|r| r.last_error).filter(|_| state != ExportState::Delivered),
        application: crate::status::of_export(db, org, external_id, job).await?,
    }))
}

// ---- Delivery ----

/// What one attempt came to: the outbox's outcomes, plus "Greenhouse is still creating it:
/// look again in a while".
pub enum Step {
    Done(Outcome),
    Creating(String),
}

/// Which connected path an org's exports take (ingestion first).
pub async fn path_for(db: &D1Database, org: &str) -> Result<Option<ExportPath>, ApiError> {
    let kinds: Vec<Kind> = connect::list(db, org).await?.into_iter().map(|c| c.kind).collect();
    Ok([(Kind::Ingestion, ExportPath::Ingestion), (Kind::HarvestV3, ExportPath::HarvestV3), (Kind::HarvestV1, ExportPath::HarvestV1)]
        .into_iter()
        .find(|(k, _)| kinds.contains(k))
        .map(|(_, p)| p))
}

/// One attempt at an export (resumable: each step is recorded as it succeeds).
pub async fn deliver(
    l: &Layers<'_>,
    db: &D1Database,
    outbox_id: &str,
    e: &ExportInput,
    file: Option<&(String, String, String)>,
    now: u64,
) -> Result<Step, ApiError> {
    let Some(row) = progress_row(db, outbox_id).await? else { return Ok(Step::Done(Outcome::Rejected("the export's record is missing".into()))) };
    let org = row.org.clone();
    let mut p = progress_of(&row);
    let path = match p.path {
        Some(path) => path,
        None => match path_for(db, &org).await? {
            Some(path) => path,
            None => return Ok(Step::Done(Outcome::KeyRefused("no Candidate Ingestion or Harvest connection".into()))),
        },
    };
    p.path = Some(path);
    // Greenhouse accepted it but never finished creating it (merged or deleted meanwhile):
    // an owner looks, rather than a read every 30 seconds for ever.
    if p.candidate_id.is_some() && !p.confirmed && now.saturating_sub(row.created_at as u64) > CREATING_LIMIT_MS {
        return Ok(Step::Done(Outcome::KeyRefused("Greenhouse did not finish creating the candidate within 30 minutes".into())));
    }
    let step = match path {
        ExportPath::Ingestion => ingestion(l, db, &org, e, &mut p).await?,
        ExportPath::HarvestV3 | ExportPath::HarvestV1 => harvest(l, db, outbox_id, &org, e, file, &mut p, now).await?,
    };
    save(db, outbox_id, &p, now).await?;
    Ok(step)
}

async fn ingestion(l: &Layers<'_>, db: &D1Database, org: &str, e: &ExportInput, p: &mut Progress) -> Result<Step, ApiError> {
    let vault = vault(l.cfg)?;
    let Some(i) = connect::open(db, &vault, org, Kind::Ingestion).await? else {
        return Ok(Step::Done(Outcome::KeyRefused("the Candidate Ingestion connection was removed".into())));
    };
    let url = format!("{}/v1/partner/candidates", l.cfg.hosts.ingestion(i.region));
    let auth = format!("Basic {}", B64.encode(format!("{}:", i.api_key.trim())));
    let headers = [("Authorization", auth.as_str()), ("On-Behalf-Of", i.email.trim()), ("Content-Type", "application/json")];
    let reply = match send(Method::Post, &url, &headers, Some(ingestion_body(e).to_string()), l.cfg.upstream_timeout_ms).await {
        Ok(r) => r,
        Err(err) => return Ok(Step::Done(Outcome::Retry(err.to_string()))),
    };
    let outcome = classify(reply.status, &reply.body, "the candidate");
    if matches!(outcome, Outcome::Delivered) {
        let Some((id, apps, profile)) = created_ids(&reply.body) else {
            return Ok(Step::Done(Outcome::Retry("Greenhouse's answer had no candidate id".into())));
        };
        p.candidate_id = Some(id);
        p.application_ids = apps;
        p.profile_url = profile;
        p.confirmed = true; // ingestion creates synchronously
        p.resume_attached = true; // a resume URL travels in the body
    }
    Ok(Step::Done(outcome))
}

#[allow(clippy::too_many_arguments)]
async fn harvest(
    l: &Layers<'_>,
    db: &D1Database,
    outbox_id: &str,
    org: &str,
    e: &ExportInput,
    file: Option<&(String, String, String)>,
    p: &mut Progress,
    now: u64,
) -> Result<Step, ApiError> {
    let Some((client, _)) = harvest_client(l, db, org, now).await? else {
        return Ok(Step::Done(Outcome::KeyRefused("the Harvest connection was removed".into())));
    };
    match client {
        Client::V3(h) => harvest_steps(&h, true, e, file, p, &Saver { db, outbox_id, now }).await,
        Client::V1(h) if h.on_behalf_of.is_none() => Ok(Step::Done(Outcome::KeyRefused(
            "Harvest v1 writes need the Greenhouse user id (On-Behalf-Of): add it to the Harvest v1 connection".into(),
        ))),
        Client::V1(h) => harvest_steps(&h, false, e, file, p, &Saver { db, outbox_id, now }).await,
    }
}

/// Records progress right after each step, so an attempt cut short later (a timeout, the
/// worker stopped) never repeats a step Greenhouse already took.
struct Saver<'a> {
    db: &'a D1Database,
    outbox_id: &'a str,
    now: u64,
}

impl Saver<'_> {
    async fn save(&self, p: &Progress) -> Result<(), ApiError> {
        save(self.db, self.outbox_id, p, self.now).await
    }
}

/// Create (once), follow the asynchronous creation, attach the resume: each step once.
async fn harvest_steps<H: Harvest>(
    h: &H,
    v3: bool,
    e: &ExportInput,
    file: Option<&(String, String, String)>,
    p: &mut Progress,
    saver: &Saver<'_>,
) -> Result<Step, ApiError> {
    let prefix = h.prefix();
    let attempt = |r: Result<crate::upstream::Reply, crate::error::UpstreamError>, what: &str| match r {
        Ok(r) => (classify(r.status, &r.body, what), r.body),
        Err(err) => (Outcome::Retry(err.to_string()), String::new()),
    };
    if p.candidate_id.is_none() {
        let (path, body) = if v3 { ("candidates", harvest_person(e)) } else { harvest_v1_create(e) };
        let (outcome, body) = attempt(h.post(&format!("{prefix}{path}"), &body.to_string()).await, "the candidate");
        if !matches!(outcome, Outcome::Delivered) {
            return Ok(Step::Done(outcome));
        }
        let Some((id, apps, _)) = created_ids(&body) else { return Ok(Step::Done(Outcome::Retry("Greenhouse's answer had no candidate id".into()))) };
        p.candidate_id = Some(id);
        p.application_ids = apps;
        saver.save(p).await?;
    }
    let candidate = p.candidate_id.unwrap_or_default();
    if v3 && p.application_ids.is_empty() {
        let (outcome, body) =
            attempt(h.post(&format!("{prefix}applications"), &harvest_v3_application(e, candidate).to_string()).await, "the application");
        if !matches!(outcome, Outcome::Delivered) {
            return Ok(Step::Done(outcome));
        }
        if let Some((id, _, _)) = created_ids(&body) {
            p.application_ids = vec![id];
        }
        saver.save(p).await?;
    }
    if !p.confirmed {
        let url = if v3 { format!("{prefix}candidates?ids={candidate}") } else { format!("{prefix}candidates/{candidate}") };
        match h.get(&url).await {
            Ok(r) if (200..300).contains(&r.status) && found(&r.body, candidate) => p.confirmed = true,
            Ok(r) if r.status == 404 || (200..300).contains(&r.status) => {
                return Ok(Step::Creating("Greenhouse is still creating the candidate".into()))
            }
            Ok(r) => return Ok(Step::Done(classify(r.status, &r.body, "reading the candidate back"))),
            Err(err) => return Ok(Step::Done(Outcome::Retry(err.to_string()))),
        }
    }
    if !p.resume_attached {
        if let Some(body) = attachment_body(e, file, v3.then_some(candidate)) {
            let path = if v3 { format!("{prefix}attachments") } else { format!("{prefix}candidates/{candidate}/attachments") };
            let (outcome, _) = attempt(h.post(&path, &body.to_string()).await, "the resume");
            if !matches!(outcome, Outcome::Delivered) {
                return Ok(Step::Done(outcome));
            }
        }
        p.resume_attached = true;
    }
    Ok(Step::Done(Outcome::Delivered))
}

/// Whether a candidate read-back (one object, or a list) holds `id`.
fn found(body: &str, id: u64) -> bool {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let one = |x: &Value| x.get("id").and_then(lenient_u64) == Some(id);
    match &v {
        Value::Array(a) => a.iter().any(one),
        Value::Object(o) => o.get("data").and_then(Value::as_array).map_or(one(&v), |a| a.iter().any(one)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::candidates::{Prospect, Resume};

    fn ada() -> ExportInput {
        ExportInput {
            external_id: "host-42".into(),
            first_name: " Ada ".into(),
            last_name: "Lovelace".into(),
            emails: vec!["ada@example.com".into()],
            phones: vec!["+44 20 7946 0958".into()],
            company: "Analytical Engines".into(),
            links: vec!["https://www.linkedin.com/in/ada".into(), "https://ada.example/blog".into()],
            resume: Some(Resume { url: Some("https://host.example/cv/ada.pdf".into()), ..Default::default() }),
            notes: "Met at a meetup".into(),
            job_id: Some(4_200_000_001),
            ..Default::default()
        }
    }

    #[test]
    fn ingestion_uses_its_own_field_names() {
        let b = ingestion_body(&ada());
        assert_eq!(b["prospect"], false);
        assert_eq!(b["first_name"], "Ada");
        assert_eq!(b["emails"][0]["email"], "ada@example.com");
        assert_eq!(b["phone_numbers"][0]["phone_number"], "+44 20 7946 0958");
        assert_eq!(b["social_media"][0]["url"], "https://www.linkedin.com/in/ada");
        assert_eq!(b["websites"][0]["url"], "https://ada.example/blog");
        assert_eq!(b["resume"], "https://host.example/cv/ada.pdf");
        assert_eq!((b["job_id"].as_u64(), b["external_id"].as_str()), (Some(4_200_000_001), Some("host-42")));
        let p =
            ingestion_body(&ExportInput { job_id: None, prospect: Some(Prospect { pool_id: Some(7), stage_id: Some(8), job_ids: vec![] }), ..ada() });
        assert_eq!((p["prospect"].as_bool(), p["prospect_pool_id"].as_u64(), p["prospect_pool_stage_id"].as_u64()), (Some(true), Some(7), Some(8)));
    }

    #[test]
    fn harvest_uses_harvest_names_and_one_call_per_version() {
        let (path, b) = harvest_v1_create(&ada());
        assert_eq!(path, "candidates");
        assert_eq!(b["email_addresses"][0]["value"], "ada@example.com");
        assert_eq!(b["applications"][0]["job_id"], 4_200_000_001u64);
        assert_eq!(b["activity_feed_notes"][0]["body"], "Met at a meetup");
        let (path, b) = harvest_v1_create(&ExportInput {
            job_id: None,
            prospect: Some(Prospect { pool_id: Some(3), stage_id: None, job_ids: vec![9] }),
            ..ada()
        });
        assert_eq!(path, "prospects");
        assert_eq!((b["application"]["job_ids"][0].as_u64(), b["prospect_pool_id"].as_u64()), (Some(9), Some(3)));
        assert!(harvest_person(&ada()).get("applications").is_none(), "v3 creates the application apart");
        assert_eq!(harvest_v3_application(&ada(), 5)["job_id"], 4_200_000_001u64);
    }

    #[test]
    fn a_resume_is_a_url_or_the_stored_file() {
        let by_url = attachment_body(&ada(), None, None).unwrap();
        assert_eq!(
            (by_url["url"].as_str(), by_url["filename"].as_str(), by_url["type"].as_str()),
            (Some("https://host.example/cv/ada.pdf"), Some("ada.pdf"), Some("resume"))
        );
        let file = ("resume".to_string(), "cv.pdf".to_string(), "JVBERg==".to_string());
        let inline = attachment_body(&ada(), Some(&file), Some(11)).unwrap();
        assert_eq!((inline["content"].as_str(), inline["candidate_id"].as_u64()), (Some("JVBERg=="), Some(11)));
        assert!(attachment_body(&ExportInput { resume: None, ..ada() }, None, None).is_none());
    }

    #[test]
    fn create_answers_in_every_shape_give_the_ids() {
        assert_eq!(created_ids(r#"{"id": 5, "applications": [{"id": 6}]}"#), Some((5, vec![6], None)));
        assert_eq!(
            created_ids(r#"[{"id": "5", "application_id": 7, "profile_url": "https://app.greenhouse.io/people/5"}]"#),
            Some((5, vec![7], Some("https://app.greenhouse.io/people/5".into())))
        );
        assert_eq!(created_ids("{}"), None);
        assert!(found(r#"{"id": 5}"#, 5) && found(r#"[{"id": 5}]"#, 5) && !found("[]", 5));
    }

    #[test]
    fn ids_are_per_org_person_and_job() {
        assert_eq!(outbox_id("acme", "p1", 1), outbox_id("acme", "p1", 1));
        assert_ne!(outbox_id("acme", "p1", 1), outbox_id("acme", "p1", 2));
        assert_ne!(outbox_id("acme", "p1", 1), outbox_id("globex", "p1", 1));
        assert!(outbox_id("acme", "p1", 1).contains(':'), "outside the ids applicants may send");
    }

    #[test]
    fn greenhouse_refusals_are_classified_without_echoing_bodies() {
        assert!(matches!(classify(201, "{}", "x"), Outcome::Delivered));
        assert!(matches!(classify(401, "", "x"), Outcome::KeyRefused(_)));
        assert!(matches!(classify(503, "", "x"), Outcome::Retry(_)));
        match classify(422, r#"{"errors": [{"message": "Email is invalid", "field": "email"}], "echo": "ada@example.com"}"#, "x") {
            Outcome::Rejected(m) => assert!(m.contains("fields: email") && !m.contains("ada@") && !m.contains("invalid"), "{m}"),
            _ => panic!("a refusal"),
        }
    }
}
