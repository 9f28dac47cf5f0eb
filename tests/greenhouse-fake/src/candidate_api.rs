//! Candidates over HTTP: Harvest v1 and v3, Candidate Ingestion, and the `/__fake/` controls
//! for tests. The records are [`crate::candidates`]; every route reads and writes the same ones.
//!
//! Harvest v1 (Basic key; the key's grant for the first path segment's resource —
//! `candidates` for `/v1/candidates…` and `/v1/prospects`, `applications`, `users` — and its
//! rate limit, as the job routes):
//!
//! - `GET /v1/candidates` (`email` exact and case-insensitive over all of a candidate's
//!   emails, then `candidate_ids=1,2` (first 50; ignored with `email`), `job_id`,
//!   `created_before|after`, `updated_before|after`; `page`/`per_page` and `Link`):
//!   candidates with applications, attachments, recruiter and coordinator embedded;
//! - `GET /v1/candidates/{id}`; `GET /v1/applications` (`last_activity_after`,
//!   `created_before|after`, `job_id`, `status`; an unknown status lists nothing);
//!   `GET /v1/applications/{id}`; `GET /v1/users`, `/v1/users/{id}` (see [`crate::harvest`]).
//! - Writes need `On-Behalf-Of: <user id>`: missing → `403`, not a number → `404 {"message":
//!   "Resource not found"}` (what Greenhouse answers an email), unknown id → `422`.
//!   `POST /v1/candidates` (B.7 body; `first_name`, `last_name` and at least one
//!   `applications[].job_id` of an open job), `POST /v1/prospects` (optional `application:
//!   {job_ids, source_id, referrer, attachments}`; `prospect_pool_id`, `prospect_stage_id` (or
//!   `prospect_pool_stage_id`), `prospect_owner_id` top-level or in `application`),
//!   `POST /v1/candidates/{id}/applications` (`{job_id, source_id, initial_stage_id, referrer,
//!   recruiter_id, coordinator_id, attachments}` or `{prospect: true, job_ids,
//!   prospect_pool_id, prospect_pool_stage_id, prospect_owner_id}`): `201` with the truncated
//!   body `{id, applications: [{id}]}` (`{id, candidate_id}` for an application) while creation
//!   is asynchronous, the full object when `POST /__fake/harvest/async {"reads": 0}`.
//!   `POST /v1/candidates/{id}/attachments` `{filename, type: resume|cover_letter|admin_only,
//!   content (base64) | url, content_type}` → `201 {filename, url, type, content_type}`.
//!   Validation errors: `422 {"message": "Validation error", "errors": [{"message", "field"}]}`.
//!
//! Harvest v3 (Bearer token, grants as the job lists; attachments need `candidates`):
//! `GET /v3/candidates` (`ids`, `email`, `created_at`/`updated_at` as `gte|ISO` …),
//! `/v3/applications` (`ids`, `candidate_ids`, `job_ids`, `status`, `prospect`, `created_at`,
//! `updated_at`, `last_activity_at`), `/v3/attachments` (`ids`, `candidate_ids`,
//! `application_ids`, `type`), `/v3/users` (`ids`, `email`), `/v3/job_stages` (`ids`,
//! `job_ids`), cursor-paged with the filters kept in the cursor; `POST /v3/candidates`
//! (`first_name`, `last_name`, `company`, `title`, `email_addresses`, `phone_numbers`,
//! `addresses`, `website_addresses`, `social_media_addresses`, `tags`, `recruiter_id`,
//! `coordinator_id`) → `201 {id}`; `POST /v3/applications` (`{candidate_id, job_id,
//! source_id?, initial_stage_id?}` or `{candidate_id, prospect: true, job_ids?,
//! prospect_pool_id?, prospect_stage_id?, prospect_owner_id?}`) → `201 {id}`; both
//! asynchronous like v1. `POST /v3/attachments` (`{candidate_id, application_id?, filename,
//! type, content | url, content_type}`) → `201` the v3 attachment.
//!
//! Candidate Ingestion (Basic key + `On-Behalf-Of: <a user's email>`, else `401 {"errors":
//! [{"message"}]}`): `POST /v1/partner/candidates` (one object or an array; `external_id`
//! required, `prospect` defaults to true, `job_id` required when it is false, `emails[].email`,
//! `phone_numbers[].phone_number`, `websites[].url`, `social_media[].url`,
//! `addresses[].address`, `resume` URL, `prospect_pool_id`, `prospect_pool_stage_id`,
//! `prospect_owner_email`, `referrer.email`) → `200 {id, application_id, external_id,
//! profile_url}` (an array for an array; created at once, not asynchronously); `GET
//! /v1/partner/candidates?candidate_ids=1,2` → always an array; `GET /v1/partner/jobs`,
//! `GET /v1/partner/prospect_pools`.
//!
//! Attachments given by `url` (and Ingestion's `resume`) are fetched when the URL is
//! `http://` (3 s timeout), as Greenhouse downloads them; `GET /__fake/attachments` shows
//! what each fetch gave.
//!
//! Controls: `GET /__fake/candidates/received` → `{"received": [{path, method,
//! authorization, on_behalf_of, body, status}]}` for every create request (any outcome);
//! `POST /__fake/harvest/async {"reads": N}`; `POST /__fake/attachments/ttl {"secs": N}`;
//! `GET /__fake/attachments` (metadata); `GET /__fake/attachments/{id}?expires&sig` (the bytes
//! with `Content-Type` and `Content-Disposition: attachment`, or S3's `403` XML when expired or
//! forged); `POST /__fake/applications/{id}/stage` `{"stage"?, "status"?: active|rejected|hired,
//! "rejection_reason"? (name or id), "silent"?, "hook"?: {url, secret, forge?}}` → `204`, or
//! `200 {"hook_status"}` after sending `candidate_stage_change`, `reject_candidate`,
//! `hire_candidate`, `unreject_candidate`, `unhire_candidate` or `application_updated`;
//! `DELETE /__fake/applications/{id}` (optional `{"hook"}` → `delete_application`).

use crate::candidates::{self, Application, Attachment, Candidate, Contact, People, Status, SOURCES, STAGES};
use crate::harvest::{message, page_v1, v1_auth, v3_auth, v3_grant, with_remaining};
use crate::model::{self, user_by_email, user_by_id, JobStatus, Model};
use crate::routes::{deliver_hook, HookTarget};
use crate::Fake;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// The API routes (merged with the other Greenhouse APIs, so also under `/eu`).
pub fn router() -> Router<Fake> {
    Router::new()
        .route("/v1/candidates", get(v1_candidates).post(v1_create_candidate))
        .route("/v1/candidates/{id}", get(v1_candidate))
        .route("/v1/candidates/{id}/applications", post(v1_add_application))
        .route("/v1/candidates/{id}/attachments", post(v1_add_attachment))
        .route("/v1/prospects", post(v1_create_prospect))
        .route("/v1/applications", get(v1_applications))
        .route("/v1/applications/{id}", get(v1_application))
        .route("/v1/partner/candidates", get(ingestion_candidates).post(ingestion_create))
        .route("/v1/partner/jobs", get(ingestion_jobs))
        .route("/v1/partner/prospect_pools", get(ingestion_pools))
}

/// The `/__fake/` controls.
pub fn controls() -> Router<Fake> {
    Router::new()
        .route("/__fake/candidates/received", get(received))
        .route("/__fake/harvest/async", post(set_async))
        .route("/__fake/attachments", get(list_attachments))
        .route("/__fake/attachments/ttl", post(set_ttl))
        .route("/__fake/attachments/{id}", get(download))
        .route("/__fake/applications/{id}", axum::routing::delete(delete_application))
        .route("/__fake/applications/{id}/stage", post(change_stage))
}

/// Where this request reached the fake, for attachment URLs: `http://{Host}`.
pub fn base_url(headers: &HeaderMap) -> String {
    format!("http://{}", headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1"))
}

fn now() -> String {
    model::harvest_time_ms(model::now_ms())
}

/// Harvest's validation error: `422 {"message": "Validation error", "errors": [{message, field}]}`.
fn invalid(errors: &[(String, String)]) -> Response {
    let errors: Vec<Value> = errors.iter().map(|(field, m)| json!({"message": m, "field": field})).collect();
    (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"message": "Validation error", "errors": errors}))).into_response()
}

fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Resource not found")
}

/// The request body as JSON (`400` when it is not).
#[allow(clippy::result_large_err)] // a test fake: the error is the HTTP answer itself
fn json_body(body: &[u8]) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|_| message(StatusCode::BAD_REQUEST, "Invalid JSON in request body"))
}

/// Harvest's `On-Behalf-Of`: the numeric id of an existing user.
#[allow(clippy::result_large_err)] // a test fake: the error is the HTTP answer itself
fn on_behalf_of(headers: &HeaderMap) -> Result<u64, Response> {
    let raw = headers.get("On-Behalf-Of").and_then(|v| v.to_str().ok()).map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        return Err(message(StatusCode::FORBIDDEN, "The On-Behalf-Of header is required for this request"));
    }
    // An email (or anything else) instead of an id: what Greenhouse answers (issue #214).
    let Ok(id) = raw.parse::<u64>() else { return Err(not_found()) };
    match user_by_id(id) {
        Some(_) => Ok(id),
        None => Err(invalid(&[("On-Behalf-Of".into(), format!("No user with id {id}"))])),
    }
}

/// Records a create request as received, whatever its outcome.
fn record(fake: &Fake, path: &str, headers: &HeaderMap, body: &[u8], status: StatusCode) {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = serde_json::from_slice::<Value>(body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()));
    let entry = json!({"path": path, "method": "POST", "authorization": h("authorization"), "on_behalf_of": h("on-behalf-of"),
                       "body": body, "status": status.as_u16()});
    fake.0.lock().unwrap().people.received.push(entry);
}

// ---------------------------------------------------------------------------------------
// Reading what a body asks for.

/// A number, or a string holding one.
fn id_of(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// `true`/`false`, or a string saying so.
fn flag_of(v: &Value) -> Option<bool> {
    v.as_bool().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn text_of(v: &Value) -> Option<String> {
    v.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

const EMAIL_TYPES: &[&str] = &["personal", "work", "other"];
const PHONE_TYPES: &[&str] = &["home", "work", "mobile", "skype", "other"];
const ADDRESS_TYPES: &[&str] = &["home", "work", "other"];
const WEBSITE_TYPES: &[&str] = &["personal", "company", "portfolio", "blog", "other"];
/// Attachment types the create routes take (B.7).
const UPLOAD_TYPES: &[&str] = &["resume", "cover_letter", "admin_only"];

/// A list of contacts `[{<value_key>, type}]`; `types` empty means untyped (social media).
fn contacts(body: &Value, key: &str, value_key: &str, types: &[&str], errors: &mut Vec<(String, String)>) -> Vec<Contact> {
    let mut out = Vec::new();
    let Some(list) = body.get(key).filter(|v| !v.is_null()) else { return out };
    let Some(list) = list.as_array() else {
        errors.push((key.into(), "must be an array".into()));
        return out;
    };
    for (i, item) in list.iter().enumerate() {
        let Some(value) = text_of(&item[value_key]) else {
            errors.push((format!("{key}[{i}].{value_key}"), "can't be blank".into()));
            continue;
        };
        if types.is_empty() {
            out.push(Contact::new(&value, None));
            continue;
        }
        let kind = text_of(&item["type"]).unwrap_or_else(|| "other".into());
        if !types.contains(&kind.as_str()) {
            errors.push((format!("{key}[{i}].type"), format!("Must be one of: {}", types.join(", "))));
            continue;
        }
        out.push(Contact::new(&value, Some(&kind)));
    }
    out
}

/// A candidate's own fields, as Harvest (v1 and v3) and Ingestion send them.
#[derive(Default)]
struct Person {
    first_name: String,
    last_name: String,
    company: Option<String>,
    title: Option<String>,
    is_private: bool,
    emails: Vec<Contact>,
    phones: Vec<Contact>,
    addresses: Vec<Contact>,
    websites: Vec<Contact>,
    social: Vec<Contact>,
    tags: Vec<String>,
    recruiter: Option<u64>,
    coordinator: Option<u64>,
}

/// A user named by `{id}`, `{user_id}` or `{email}` (v1), or by id (v3's `*_id`).
fn user_ref(v: &Value, field: &str, errors: &mut Vec<(String, String)>) -> Option<u64> {
    if v.is_null() {
        return None;
    }
    let found = if let Some(id) = id_of(v).or_else(|| id_of(&v["id"])).or_else(|| id_of(&v["user_id"])) {
        user_by_id(id)
    } else {
        v["email"].as_str().and_then(user_by_email)
    };
    match found {
        Some(u) => Some(u.id),
        None => {
            errors.push((field.into(), "User not found".into()));
            None
        }
    }
}

/// Harvest's person fields (v1 `recruiter: {id|email}`, v3 `recruiter_id`).
fn harvest_person(body: &Value, v3: bool, errors: &mut Vec<(String, String)>) -> Person {
    let mut p = Person::default();
    for (key, slot) in [("first_name", &mut p.first_name), ("last_name", &mut p.last_name)] {
        match text_of(&body[key]) {
            Some(v) => *slot = v,
            None => errors.push((key.into(), "can't be blank".into())),
        }
    }
    p.company = text_of(&body["company"]);
    p.title = text_of(&body["title"]);
    p.is_private = flag_of(&body["is_private"]).unwrap_or(false);
    p.emails = contacts(body, "email_addresses", "value", EMAIL_TYPES, errors);
    p.phones = contacts(body, "phone_numbers", "value", PHONE_TYPES, errors);
    p.addresses = contacts(body, "addresses", "value", ADDRESS_TYPES, errors);
    p.websites = contacts(body, "website_addresses", "value", WEBSITE_TYPES, errors);
    p.social = contacts(body, "social_media_addresses", "value", &[], errors);
    p.tags = body["tags"].as_array().map(|t| t.iter().filter_map(text_of).collect()).unwrap_or_default();
    let (r, c) = if v3 { ("recruiter_id", "coordinator_id") } else { ("recruiter", "coordinator") };
    p.recruiter = user_ref(&body[r], r, errors);
    p.coordinator = user_ref(&body[c], c, errors);
    p
}

/// An attachment to make: the bytes, or a URL to fetch.
struct Upload {
    filename: String,
    kind: String,
    content: Option<Vec<u8>>,
    url: Option<String>,
    content_type: Option<String>,
    /// The file name was made up from the URL: the download's `Content-Disposition` may name it better.
    guessed_name: bool,
}

fn upload(v: &Value, field: &str, errors: &mut Vec<(String, String)>) -> Option<Upload> {
    let before = errors.len();
    let filename = text_of(&v["filename"]);
    if filename.is_none() {
        errors.push((format!("{field}.filename"), "can't be blank".into()));
    }
    let kind = text_of(&v["type"]).unwrap_or_default();
    if !UPLOAD_TYPES.contains(&kind.as_str()) {
        errors.push((format!("{field}.type"), format!("Must be one of: {}", UPLOAD_TYPES.join(", "))));
    }
    let content = match v["content"].as_str() {
        Some(b64) => {
            let clean: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            match base64::engine::general_purpose::STANDARD.decode(clean) {
                Ok(bytes) => Some(bytes),
                Err(_) => {
                    errors.push((format!("{field}.content"), "must be Base64".into()));
                    None
                }
            }
        }
        None => None,
    };
    let url = text_of(&v["url"]);
    if (v["content"].is_string()) == url.is_some() {
        errors.push((field.into(), "give exactly one of content or url".into()));
    }
    (errors.len() == before).then(|| Upload {
        filename: filename.unwrap_or_default(),
        kind,
        content,
        url,
        content_type: text_of(&v["content_type"]),
        guessed_name: false,
    })
}

/// A content type from a file name.
fn guess_type(filename: &str) -> &'static str {
    let ext = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "txt" => "text/plain",
        "rtf" => "application/rtf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}

/// An upload with its bytes: given, or fetched from its `http://` URL as Greenhouse would.
struct Fetched {
    upload: Upload,
    bytes: Vec<u8>,
    content_type: String,
    fetch: Option<String>,
}

/// The `filename="…"` of a `Content-Disposition`.
fn disposition_name(v: &str) -> Option<String> {
    let at = v.find("filename=\"")? + "filename=\"".len();
    let name = &v[at..];
    Some(name[..name.find('"')?].to_string()).filter(|n| !n.is_empty())
}

async fn fetch(mut upload: Upload) -> Fetched {
    let mut content_type = upload.content_type.clone().unwrap_or_else(|| guess_type(&upload.filename).to_string());
    let (bytes, fetch) = match (&upload.content, &upload.url) {
        (Some(bytes), _) => (bytes.clone(), None),
        (None, Some(url)) if url.starts_with("http://") => match tokio::time::timeout(Duration::from_secs(3), crate::lite::get(url)).await {
            Ok(Ok(r)) if (200..300).contains(&r.status) => {
                if let Some(name) = r.header("content-disposition").and_then(disposition_name).filter(|_| upload.guessed_name) {
                    upload.filename = name;
                }
                if upload.content_type.is_none() {
                    if let Some(t) = r.header("content-type") {
                        content_type = t.to_string();
                    }
                }
                (r.body, Some(r.status.to_string()))
            }
            Ok(Ok(r)) => (vec![], Some(r.status.to_string())),
            Ok(Err(e)) => (vec![], Some(format!("error: {e}"))),
            Err(_) => (vec![], Some("error: timed out".into())),
        },
        (None, _) => (vec![], Some("not fetched: the fake fetches http:// URLs only".into())),
    };
    Fetched { upload, bytes, content_type, fetch }
}

async fn fetch_all(uploads: Vec<Upload>) -> Vec<Fetched> {
    let mut out = Vec::new();
    for u in uploads {
        out.push(fetch(u).await);
    }
    out
}

/// An application to make.
#[derive(Default)]
struct NewApp {
    prospect: bool,
    jobs: Vec<u64>,
    source: Option<u64>,
    stage: Option<usize>,
    credited_to: Option<u64>,
    recruiter: Option<u64>,
    coordinator: Option<u64>,
    pool: Option<u64>,
    pool_stage: Option<u64>,
    owner: Option<u64>,
    uploads: Vec<Upload>,
}

/// An open job's id, or the error.
fn open_job(model: &Model, v: &Value, field: &str, errors: &mut Vec<(String, String)>) -> Option<u64> {
    let Some(id) = id_of(v) else {
        errors.push((field.into(), "can't be blank".into()));
        return None;
    };
    match model.job(id) {
        Some(j) if j.status == JobStatus::Open => Some(id),
        Some(_) => {
            errors.push((field.into(), format!("Job {id} is not open")));
            None
        }
        None => {
            errors.push((field.into(), format!("Job {id} does not exist")));
            None
        }
    }
}

/// Pool, stage (`prospect_pool_stage_id` or `prospect_stage_id`) and owner of a prospect
/// application from `v`, falling back to `outer` (the prospect's top level).
fn prospect_fields(v: &Value, outer: &Value, app: &mut NewApp, errors: &mut Vec<(String, String)>) {
    let pick = |k: &str| [v, outer].into_iter().map(|o| &o[k]).find(|x| !x.is_null()).cloned().unwrap_or(Value::Null);
    let pool_v = pick("prospect_pool_id");
    let stage_v = match pick("prospect_pool_stage_id") {
        Value::Null => pick("prospect_stage_id"),
        s => s,
    };
    if !pool_v.is_null() {
        match id_of(&pool_v).and_then(candidates::pool) {
            Some((id, ..)) => app.pool = Some(id),
            None => errors.push(("prospect_pool_id".into(), "Prospect pool not found".into())),
        }
    }
    if !stage_v.is_null() {
        match id_of(&stage_v).and_then(|s| candidates::pool_stage(s).map(|(pool, _)| (s, pool))) {
            Some((s, pool)) if app.pool.is_none_or(|p| p == pool) => {
                app.pool_stage = Some(s);
                app.pool = Some(pool);
            }
            Some(_) => errors.push(("prospect_stage_id".into(), "The stage is not in that prospect pool".into())),
            None => errors.push(("prospect_stage_id".into(), "Prospect stage not found".into())),
        }
    }
    let owner = pick("prospect_owner_id");
    app.owner = user_ref(&owner, "prospect_owner_id", errors);
}

/// Who gets credit: `referrer: {type: "id"|"email", value}`.
fn referrer(v: &Value) -> Option<u64> {
    match v["type"].as_str() {
        Some("id") => id_of(&v["value"]).and_then(user_by_id).map(|u| u.id),
        Some("email") => v["value"].as_str().and_then(user_by_email).map(|u| u.id),
        _ => None,
    }
}

/// An application from a Harvest body (`Add Application`, an element of `applications`, a
/// prospect's `application`, or v3's). `prospect` forces the kind; else the body's `prospect`.
fn harvest_app(model: &Model, v: &Value, outer: &Value, prospect: Option<bool>, field: &str, errors: &mut Vec<(String, String)>) -> NewApp {
    let mut app = NewApp { prospect: prospect.or_else(|| flag_of(&v["prospect"])).unwrap_or(false), ..NewApp::default() };
    if app.prospect {
        if let Some(ids) = v["job_ids"].as_array() {
            for (i, j) in ids.iter().enumerate() {
                if let Some(id) = open_job(model, j, &format!("{field}job_ids[{i}]"), errors) {
                    app.jobs.push(id);
                }
            }
        }
        prospect_fields(v, outer, &mut app, errors);
    } else if let Some(job) = open_job(model, &v["job_id"], &format!("{field}job_id"), errors) {
        app.jobs.push(job);
        app.stage = Some(0);
        if let Some(s) = id_of(&v["initial_stage_id"]) {
            match candidates::stage_of(model, s) {
                Some((j, k)) if j == job => app.stage = Some(k),
                _ => errors.push((format!("{field}initial_stage_id"), "Stage not found on this job".into())),
            }
        }
    }
    if let Some(s) = id_of(&v["source_id"]) {
        match candidates::source(s) {
            Some(_) => app.source = Some(s),
            None => errors.push((format!("{field}source_id"), "Source not found".into())),
        }
    }
    app.credited_to = referrer(&v["referrer"]);
    app.recruiter = user_ref(&v["recruiter_id"], &format!("{field}recruiter_id"), errors);
    app.coordinator = user_ref(&v["coordinator_id"], &format!("{field}coordinator_id"), errors);
    if let Some(list) = v["attachments"].as_array() {
        for (i, a) in list.iter().enumerate() {
            if let Some(u) = upload(a, &format!("{field}attachments[{i}]"), errors) {
                app.uploads.push(u);
            }
        }
    }
    app
}

// ---------------------------------------------------------------------------------------
// Writing records.

fn insert_candidate(people: &mut People, p: Person, external_id: Option<String>, now: &str, hidden: u32) -> u64 {
    let id = people.new_candidate_id();
    people.candidates.push(Candidate {
        id,
        first_name: p.first_name,
        last_name: p.last_name,
        company: p.company,
        title: p.title,
        created_at: now.into(),
        updated_at: now.into(),
        last_activity: now.into(),
        is_private: p.is_private,
        emails: p.emails,
        phones: p.phones,
        addresses: p.addresses,
        websites: p.websites,
        social: p.social,
        recruiter: p.recruiter,
        coordinator: p.coordinator,
        tags: p.tags,
        external_id,
        hidden_reads: hidden,
    });
    id
}

/// Adds the application (and its fetched attachments) and touches the candidate.
fn insert_application(people: &mut People, model: &Model, candidate_id: u64, app: NewApp, files: Vec<Fetched>, now: &str, hidden: u32) -> u64 {
    let id = people.new_application_id();
    let job_post_id = if app.prospect { None } else { app.jobs.first().and_then(|j| model.external_post_of(*j)) };
    people.applications.push(Application {
        id,
        candidate_id,
        prospect: app.prospect,
        applied_at: now.into(),
        rejected_at: None,
        last_activity_at: now.into(),
        updated_at: now.into(),
        location: None,
        source: app.source,
        credited_to: app.credited_to,
        recruiter: app.recruiter,
        coordinator: app.coordinator,
        rejection_reason: None,
        jobs: app.jobs,
        job_post_id,
        status: Status::Active,
        stage: if app.prospect { None } else { app.stage.or(Some(0)) },
        prospect_pool: app.pool,
        prospect_stage: app.pool_stage,
        prospect_owner: app.owner,
        answers: vec![],
        hidden_reads: hidden,
    });
    for f in files {
        insert_attachment(people, candidate_id, Some(id), f, now);
    }
    touch(people, candidate_id, now);
    id
}

fn insert_attachment(people: &mut People, candidate_id: u64, application_id: Option<u64>, f: Fetched, now: &str) -> u64 {
    let id = people.new_attachment_id();
    people.attachments.push(Attachment {
        id,
        candidate_id,
        application_id,
        filename: f.upload.filename,
        kind: f.upload.kind,
        content_type: f.content_type,
        bytes: f.bytes,
        source_url: f.upload.url,
        fetch: f.fetch,
        created_at: now.into(),
    });
    id
}

/// What Greenhouse does with an application that came through the Job Board API, besides
/// answering `{"success": …}` without ids: it files it under the candidate with that email
/// (a new candidate when nobody has it) on the post's job, at the first stage, from "Jobs
/// page on your website". Only the demo board's posts are in the Harvest model; others are
/// kept as received only. Returns the new application's id.
pub fn job_board_applied(people: &mut People, model: &Model, post_id: u64, fields: &BTreeMap<String, Vec<String>>) -> Option<u64> {
    let post = model.post(post_id).filter(|p| !p.internal)?;
    let field = |k: &str| fields.get(k).and_then(|v| v.first()).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let email = field("email")?;
    let now = now();
    let existing = people.candidates.iter().find(|c| People::has_email(c, &email)).map(|c| c.id);
    let candidate_id = match existing {
        Some(id) => id,
        None => {
            let person = Person {
                first_name: field("first_name").unwrap_or_default(),
                last_name: field("last_name").unwrap_or_default(),
                company: None,
                title: None,
                is_private: false,
                emails: vec![Contact::new(&email, Some("personal"))],
                phones: field("phone").map(|p| vec![Contact::new(&p, Some("mobile"))]).unwrap_or_default(),
                addresses: vec![],
                websites: vec![],
                social: vec![],
                tags: vec![],
                recruiter: None,
                coordinator: None,
            };
            insert_candidate(people, person, None, &now, 0)
        }
    };
    let app = NewApp {
        prospect: false,
        jobs: vec![post.job_id],
        source: Some(SOURCES[0].0),
        stage: Some(0),
        credited_to: None,
        recruiter: None,
        coordinator: None,
        pool: None,
        pool_stage: None,
        owner: None,
        uploads: vec![],
    };
    let id = insert_application(people, model, candidate_id, app, vec![], &now, 0);
    // The application is on the post it came through, not on the job's first external post.
    if let Some(a) = people.applications.iter_mut().find(|a| a.id == id) {
        a.job_post_id = Some(post_id);
    }
    Some(id)
}

fn touch(people: &mut People, candidate_id: u64, now: &str) {
    if let Some(c) = people.candidate_mut(candidate_id) {
        c.updated_at = now.into();
        c.last_activity = now.into();
    }
}

// ---------------------------------------------------------------------------------------
// Harvest v1 reads.

/// `Some(ms)` of an ISO filter, `None` when absent; `Err` with the field when unparseable.
fn time_filter(q: &BTreeMap<String, String>, key: &str) -> Result<Option<i64>, (String, String)> {
    match q.get(key) {
        None => Ok(None),
        Some(v) => model::parse_time(v).map(Some).ok_or_else(|| (key.to_string(), "Timestamp must be in ISO-8601 format".to_string())),
    }
}

/// Whether `at` passes `{prefix}_before` (strictly before) and `{prefix}_after` (at or after).
fn in_window(at: &str, before: Option<i64>, after: Option<i64>) -> bool {
    let t = model::parse_time(at).unwrap_or(0);
    before.is_none_or(|b| t < b) && after.is_none_or(|a| t >= a)
}

fn ids_list(v: &str) -> Vec<u64> {
    v.split(',').filter_map(|s| s.trim().parse().ok()).collect()
}

async fn v1_candidates(State(fake): State<Fake>, headers: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let remaining = match v1_auth(&fake, &headers, "candidates") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let windows = ["created_before", "created_after", "updated_before", "updated_after"].map(|k| time_filter(&q, k));
    if let Some(Err(e)) = windows.iter().find(|w| w.is_err()) {
        return invalid(std::slice::from_ref(e));
    }
    let [cb, ca, ub, ua] = windows.map(|w| w.ok().flatten());
    let email = q.get("email").map(|e| e.trim().to_string());
    let ids: Option<Vec<u64>> = if email.is_some() { None } else { q.get("candidate_ids").map(|v| ids_list(v).into_iter().take(50).collect()) };
    let job = q.get("job_id").and_then(|j| j.parse::<u64>().ok());
    let base = base_url(&headers);
    let list = {
        let mut g = fake.0.lock().unwrap();
        let crate::Inner { people, model, .. } = &mut *g;
        let mut gates = BTreeSet::new();
        let mut out = Vec::new();
        for c in &people.candidates {
            let keep = email.as_deref().is_none_or(|e| People::has_email(c, e))
                && ids.as_ref().is_none_or(|ids| ids.contains(&c.id))
                && job.is_none_or(|j| people.applications_of(c.id).any(|a| a.jobs.contains(&j)))
                && in_window(&c.created_at, cb, ca)
                && in_window(&c.updated_at, ub, ua);
            if !keep {
                continue;
            }
            match people.candidate_gate(c) {
                Some(gate) => {
                    gates.insert(gate);
                }
                None => out.push(people.candidate_v1(model, &base, c, &mut gates)),
            }
        }
        people.consume(gates);
        out
    };
    page_v1(list, &q, "/v1/candidates", remaining, false)
}

async fn v1_candidate(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let remaining = match v1_auth(&fake, &headers, "candidates") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let base = base_url(&headers);
    let found = {
        let mut g = fake.0.lock().unwrap();
        let crate::Inner { people, model, .. } = &mut *g;
        let mut gates = BTreeSet::new();
        let found = id.parse().ok().and_then(|id| people.candidate(id)).and_then(|c| match people.candidate_gate(c) {
            Some(gate) => {
                gates.insert(gate);
                None
            }
            None => Some(people.candidate_v1(model, &base, c, &mut gates)),
        });
        people.consume(gates);
        found
    };
    match found {
        Some(c) => with_remaining(Json(c).into_response(), remaining),
        None => not_found(),
    }
}

async fn v1_applications(State(fake): State<Fake>, headers: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let remaining = match v1_auth(&fake, &headers, "applications") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let windows = ["created_before", "created_after", "last_activity_after"].map(|k| time_filter(&q, k));
    if let Some(Err(e)) = windows.iter().find(|w| w.is_err()) {
        return invalid(std::slice::from_ref(e));
    }
    let [cb, ca, la] = windows.map(|w| w.ok().flatten());
    // An unknown status lists nothing rather than failing (as documented).
    let status = q.get("status").map(|s| Status::parse(s));
    let job = q.get("job_id").and_then(|j| j.parse::<u64>().ok());
    let base = base_url(&headers);
    let list = {
        let mut g = fake.0.lock().unwrap();
        let crate::Inner { people, model, .. } = &mut *g;
        let mut gates = BTreeSet::new();
        let mut out = Vec::new();
        for a in &people.applications {
            let keep = status.is_none_or(|s| s == Some(a.status))
                && job.is_none_or(|j| a.jobs.contains(&j))
                && in_window(&a.applied_at, cb, ca)
                && in_window(&a.last_activity_at, None, la);
            if !keep {
                continue;
            }
            match people.application_gate(a) {
                Some(gate) => {
                    gates.insert(gate);
                }
                None => out.push(people.application_v1(model, &base, a)),
            }
        }
        people.consume(gates);
        out
    };
    page_v1(list, &q, "/v1/applications", remaining, false)
}

async fn v1_application(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let remaining = match v1_auth(&fake, &headers, "applications") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let base = base_url(&headers);
    let found = {
        let mut g = fake.0.lock().unwrap();
        let crate::Inner { people, model, .. } = &mut *g;
        let mut gates = BTreeSet::new();
        let found = id.parse().ok().and_then(|id| people.application(id)).and_then(|a| match people.application_gate(a) {
            Some(gate) => {
                gates.insert(gate);
                None
            }
            None => Some(people.application_v1(model, &base, a)),
        });
        people.consume(gates);
        found
    };
    match found {
        Some(a) => with_remaining(Json(a).into_response(), remaining),
        None => not_found(),
    }
}

// ---------------------------------------------------------------------------------------
// Harvest v1 writes.

async fn v1_create_candidate(State(fake): State<Fake>, OriginalUri(uri): OriginalUri, headers: HeaderMap, body: Bytes) -> Response {
    let r = v1_create(&fake, &headers, &body, false).await;
    record(&fake, uri.path(), &headers, &body, r.status());
    r
}

async fn v1_create_prospect(State(fake): State<Fake>, OriginalUri(uri): OriginalUri, headers: HeaderMap, body: Bytes) -> Response {
    let r = v1_create(&fake, &headers, &body, true).await;
    record(&fake, uri.path(), &headers, &body, r.status());
    r
}

/// `POST /v1/candidates` (`prospect` false) or `POST /v1/prospects`.
async fn v1_create(fake: &Fake, headers: &HeaderMap, body: &[u8], prospect: bool) -> Response {
    let remaining = match v1_auth(fake, headers, "candidates") {
        Ok(r) => r,
        Err(r) => return r,
    };
    if let Err(r) = on_behalf_of(headers) {
        return r;
    }
    let v = match json_body(body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut errors = Vec::new();
    let (person, apps) = {
        let g = fake.0.lock().unwrap();
        let person = harvest_person(&v, false, &mut errors);
        let apps = if prospect {
            let app = v.get("application").filter(|a| a.is_object()).cloned().unwrap_or(json!({}));
            vec![harvest_app(&g.model, &app, &v, Some(true), "application.", &mut errors)]
        } else {
            match v["applications"].as_array().filter(|a| !a.is_empty()) {
                Some(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, a)| harvest_app(&g.model, a, &json!({}), Some(false), &format!("applications[{i}]."), &mut errors))
                    .collect(),
                None => {
                    errors.push(("applications".into(), "At least one application is required".into()));
                    vec![]
                }
            }
        };
        (person, apps)
    };
    if !errors.is_empty() {
        return invalid(&errors);
    }
    let mut fetched = Vec::new();
    let mut apps_only = Vec::new();
    for mut a in apps {
        fetched.push(fetch_all(std::mem::take(&mut a.uploads)).await);
        apps_only.push(a);
    }
    let base = base_url(headers);
    let mut g = fake.0.lock().unwrap();
    let crate::Inner { people, model, .. } = &mut *g;
    let (now, hidden) = (now(), people.async_reads);
    let id = insert_candidate(people, person, None, &now, hidden);
    let app_ids: Vec<u64> = apps_only.into_iter().zip(fetched).map(|(a, files)| insert_application(people, model, id, a, files, &now, 0)).collect();
    let body = if hidden > 0 {
        json!({"id": id, "applications": app_ids.iter().map(|a| json!({"id": a})).collect::<Vec<_>>()})
    } else {
        let c = people.candidate(id).expect("just made");
        people.candidate_v1(model, &base, c, &mut BTreeSet::new())
    };
    with_remaining((StatusCode::CREATED, Json(body)).into_response(), remaining)
}

async fn v1_add_application(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = v1_add_application_inner(&fake, &id, &headers, &body).await;
    record(&fake, uri.path(), &headers, &body, r.status());
    r
}

async fn v1_add_application_inner(fake: &Fake, id: &str, headers: &HeaderMap, body: &[u8]) -> Response {
    let remaining = match v1_auth(fake, headers, "candidates") {
        Ok(r) => r,
        Err(r) => return r,
    };
    if let Err(r) = on_behalf_of(headers) {
        return r;
    }
    let Some(candidate_id) = id.parse::<u64>().ok().filter(|id| fake.0.lock().unwrap().people.candidate(*id).is_some()) else { return not_found() };
    let v = match json_body(body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    match add_application(fake, candidate_id, &v, &base_url(headers), false).await {
        Ok(body) => with_remaining((StatusCode::CREATED, Json(body)).into_response(), remaining),
        Err(r) => r,
    }
}

/// Adds an application to an existing candidate (v1 or v3): the truncated body while
/// creation is asynchronous, else the v1 application (v3: always `{id}`).
async fn add_application(fake: &Fake, candidate_id: u64, v: &Value, base: &str, v3: bool) -> Result<Value, Response> {
    let mut errors = Vec::new();
    let mut app = {
        let g = fake.0.lock().unwrap();
        let app = harvest_app(&g.model, v, &json!({}), None, "", &mut errors);
        let duplicate = !app.prospect
            && g.people.applications_of(candidate_id).any(|a| !a.prospect && a.status == Status::Active && a.jobs.first() == app.jobs.first());
        if duplicate {
            errors.push(("job_id".into(), "The candidate already has an active application on this job".into()));
        }
        app
    };
    if !errors.is_empty() {
        return Err(invalid(&errors));
    }
    let files = fetch_all(std::mem::take(&mut app.uploads)).await;
    let mut g = fake.0.lock().unwrap();
    let crate::Inner { people, model, .. } = &mut *g;
    let (now, hidden) = (now(), people.async_reads);
    let id = insert_application(people, model, candidate_id, app, files, &now, hidden);
    Ok(if v3 {
        json!({"id": id})
    } else if hidden > 0 {
        json!({"id": id, "candidate_id": candidate_id})
    } else {
        people.application_v1(model, base, people.application(id).expect("just made"))
    })
}

async fn v1_add_attachment(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = v1_add_attachment_inner(&fake, &id, &headers, &body).await;
    record(&fake, uri.path(), &headers, &body, r.status());
    r
}

async fn v1_add_attachment_inner(fake: &Fake, id: &str, headers: &HeaderMap, body: &[u8]) -> Response {
    let remaining = match v1_auth(fake, headers, "candidates") {
        Ok(r) => r,
        Err(r) => return r,
    };
    if let Err(r) = on_behalf_of(headers) {
        return r;
    }
    let Some(candidate_id) = id.parse::<u64>().ok().filter(|id| fake.0.lock().unwrap().people.candidate(*id).is_some()) else { return not_found() };
    let v = match json_body(body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut errors = Vec::new();
    let Some(u) = upload(&v, "attachment", &mut errors) else { return invalid(&errors) };
    let f = fetch(u).await;
    let base = base_url(headers);
    let mut g = fake.0.lock().unwrap();
    let people = &mut g.people;
    let now = now();
    let att = insert_attachment(people, candidate_id, None, f, &now);
    touch(people, candidate_id, &now);
    let a = people.attachments.iter().find(|a| a.id == att).expect("just made");
    with_remaining((StatusCode::CREATED, Json(people.attachment_created(&base, a))).into_response(), remaining)
}

// ---------------------------------------------------------------------------------------
// Harvest v3.

/// A v3 date filter: `op|ISO` pairs (`gte`, `gt`, `lte`, `lt`), e.g. `gte|2026-11-01T00:00:00Z|lt|…`.
fn range_filter(v: &str) -> Option<Vec<(String, i64)>> {
    let parts: Vec<&str> = v.split('|').collect();
    if parts.is_empty() || !parts.len().is_multiple_of(2) {
        return None;
    }
    parts
        .chunks(2)
        .map(|p| {
            let op = p[0].trim().to_ascii_lowercase();
            (["gte", "gt", "lte", "lt"].contains(&op.as_str())).then_some(())?;
            Some((op, model::parse_time(p[1])?))
        })
        .collect()
}

fn in_range(at: &str, range: &[(String, i64)]) -> bool {
    let t = model::parse_time(at).unwrap_or(0);
    range.iter().all(|(op, x)| match op.as_str() {
        "gte" => t >= *x,
        "gt" => t > *x,
        "lte" => t <= *x,
        _ => t < *x,
    })
}

/// The items of a v3 list of the candidate side, filtered; hidden records are left out and
/// their reads counted.
#[allow(clippy::result_large_err)] // a test fake: the error is the HTTP answer itself
pub fn v3_items(fake: &Fake, resource: &str, f: &BTreeMap<String, String>, base: &str) -> Result<Vec<Value>, Response> {
    let mut ranges: BTreeMap<&str, Vec<(String, i64)>> = BTreeMap::new();
    for key in ["created_at", "updated_at", "last_activity_at"] {
        if let Some(v) = f.get(key) {
            match range_filter(v) {
                Some(r) => {
                    ranges.insert(key, r);
                }
                None => return Err(message(StatusCode::BAD_REQUEST, &format!("Invalid {key} filter: use op|ISO-8601, op one of gte, gt, lte, lt"))),
            }
        }
    }
    let range = |key: &str, at: &str| ranges.get(key).is_none_or(|r| in_range(at, r));
    let ids = |key: &str| f.get(key).map(|v| ids_list(v));
    let has = |key: &str, id: u64| ids(key).is_none_or(|l| l.contains(&id));
    let mut g = fake.0.lock().unwrap();
    let crate::Inner { people, model, .. } = &mut *g;
    let mut gates = BTreeSet::new();
    let mut out = Vec::new();
    match resource {
        "candidates" => {
            for c in &people.candidates {
                let keep = has("ids", c.id)
                    && f.get("email").is_none_or(|e| People::has_email(c, e))
                    && range("created_at", &c.created_at)
                    && range("updated_at", &c.updated_at);
                if keep {
                    match people.candidate_gate(c) {
                        Some(gate) => {
                            gates.insert(gate);
                        }
                        None => out.push(people.candidate_v3(c)),
                    }
                }
            }
        }
        "applications" => {
            let status = f.get("status").map(|s| Status::parse(s));
            let prospect = f.get("prospect").and_then(|p| p.parse::<bool>().ok());
            for a in &people.applications {
                let keep = has("ids", a.id)
                    && has("candidate_ids", a.candidate_id)
                    && ids("job_ids").is_none_or(|l| a.jobs.iter().any(|j| l.contains(j)))
                    && status.is_none_or(|s| s == Some(a.status))
                    && prospect.is_none_or(|p| p == a.prospect)
                    && range("created_at", &a.applied_at)
                    && range("updated_at", &a.updated_at)
                    && range("last_activity_at", &a.last_activity_at);
                if keep {
                    match people.application_gate(a) {
                        Some(gate) => {
                            gates.insert(gate);
                        }
                        None => out.push(people.application_v3(model, a)),
                    }
                }
            }
        }
        "attachments" => {
            for a in &people.attachments {
                let keep = has("ids", a.id)
                    && has("candidate_ids", a.candidate_id)
                    && ids("application_ids").is_none_or(|l| a.application_id.is_some_and(|id| l.contains(&id)))
                    && f.get("type").is_none_or(|t| *t == a.kind)
                    && range("created_at", &a.created_at);
                if !keep {
                    continue;
                }
                let gate = people.candidate(a.candidate_id).and_then(|c| people.candidate_gate(c));
                let gate = gate.or_else(|| a.application_id.and_then(|id| people.application(id)).and_then(|app| people.application_gate(app)));
                match gate {
                    Some(gate) => {
                        gates.insert(gate);
                    }
                    None => out.push(people.attachment_v3(base, a)),
                }
            }
        }
        "users" => {
            out = model::USERS
                .iter()
                .filter(|u| has("ids", u.id) && f.get("email").is_none_or(|e| u.email.eq_ignore_ascii_case(e.trim())))
                .map(model::User::v3)
                .collect();
        }
        "job_stages" => {
            out = model
                .jobs
                .iter()
                .filter(|j| has("job_ids", j.id))
                .flat_map(|j| People::job_stages_v3(model, j.id))
                .filter(|s| s["id"].as_u64().is_some_and(|id| has("ids", id)))
                .collect();
        }
        _ => {}
    }
    people.consume(gates);
    Ok(out)
}

/// `POST /v3/candidates`, `/v3/applications`, `/v3/attachments`.
pub async fn v3_create(
    State(fake): State<Fake>,
    Path(resource): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !["candidates", "applications", "attachments"].contains(&resource.as_str()) {
        return match v3_grant(&resource) {
            Some(_) => StatusCode::METHOD_NOT_ALLOWED.into_response(),
            None => not_found(),
        };
    }
    let r = v3_create_inner(&fake, &resource, &headers, &body).await;
    record(&fake, uri.path(), &headers, &body, r.status());
    r
}

async fn v3_create_inner(fake: &Fake, resource: &str, headers: &HeaderMap, body: &[u8]) -> Response {
    let remaining = match v3_auth(fake, headers, v3_grant(resource).unwrap_or("candidates")) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let v = match json_body(body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let created = |body: Value| with_remaining((StatusCode::CREATED, Json(body)).into_response(), remaining);
    let candidate = |errors: &mut Vec<(String, String)>| -> Option<u64> {
        let g = fake.0.lock().unwrap();
        match id_of(&v["candidate_id"]) {
            Some(id) if g.people.candidate(id).is_some() => Some(id),
            Some(id) => {
                errors.push(("candidate_id".into(), format!("Candidate {id} does not exist")));
                None
            }
            None => {
                errors.push(("candidate_id".into(), "can't be blank".into()));
                None
            }
        }
    };
    let mut errors = Vec::new();
    match resource {
        "candidates" => {
            let person = harvest_person(&v, true, &mut errors);
            if !errors.is_empty() {
                return invalid(&errors);
            }
            let mut g = fake.0.lock().unwrap();
            let people = &mut g.people;
            let hidden = people.async_reads;
            let id = insert_candidate(people, person, None, &now(), hidden);
            created(json!({"id": id}))
        }
        "applications" => {
            let Some(candidate_id) = candidate(&mut errors) else { return invalid(&errors) };
            match add_application(fake, candidate_id, &v, &base_url(headers), true).await {
                Ok(body) => created(body),
                Err(r) => r,
            }
        }
        _ => {
            let candidate_id = candidate(&mut errors);
            let application_id = id_of(&v["application_id"]);
            if let (Some(c), Some(a)) = (candidate_id, application_id) {
                if fake.0.lock().unwrap().people.application(a).is_none_or(|app| app.candidate_id != c) {
                    errors.push(("application_id".into(), "Application not found on this candidate".into()));
                }
            }
            let u = upload(&v, "attachment", &mut errors);
            let (Some(candidate_id), Some(u), true) = (candidate_id, u, errors.is_empty()) else { return invalid(&errors) };
            let f = fetch(u).await;
            let base = base_url(headers);
            let mut g = fake.0.lock().unwrap();
            let people = &mut g.people;
            let now = now();
            let att = insert_attachment(people, candidate_id, application_id, f, &now);
            touch(people, candidate_id, &now);
            let a = people.attachments.iter().find(|a| a.id == att).expect("just made");
            created(people.attachment_v3(&base, a))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Candidate Ingestion.

fn ingestion_error(status: StatusCode, errors: &[(String, String)]) -> Response {
    let errors: Vec<Value> = errors.iter().map(|(field, m)| json!({"message": m, "field": field})).collect();
    (status, Json(json!({ "errors": errors }))).into_response()
}

async fn ingestion_create(State(fake): State<Fake>, OriginalUri(uri): OriginalUri, headers: HeaderMap, body: Bytes) -> Response {
    let r = ingestion_create_inner(&fake, &headers, &body).await;
    record(&fake, uri.path(), &headers, &body, r.status());
    r
}

/// One Ingestion candidate to make.
struct Ingested {
    person: Person,
    external_id: String,
    app: NewApp,
    resume: Option<Upload>,
}

fn ingestion_item(model: &Model, v: &Value, at: &str, errors: &mut Vec<(String, String)>) -> Option<Ingested> {
    let before = errors.len();
    let Some(obj) = v.as_object() else {
        errors.push((at.trim_end_matches('.').to_string(), "must be an object".into()));
        return None;
    };
    let field = |k: &str| format!("{at}{k}");
    let external_id = match obj.get("external_id") {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(v) => text_of(v),
        None => None,
    };
    if external_id.is_none() {
        errors.push((field("external_id"), "external_id is required".into()));
    }
    let prospect = match obj.get("prospect").filter(|p| !p.is_null()) {
        None => true,
        Some(p) => flag_of(p).unwrap_or_else(|| {
            errors.push((field("prospect"), "must be true or false".into()));
            true
        }),
    };
    let job = match v.get("job_id").filter(|j| !j.is_null()) {
        Some(j) => open_job(model, j, &field("job_id"), errors),
        None if !prospect => {
            errors.push((field("job_id"), "job_id is required when prospect is false".into()));
            None
        }
        None => None,
    };
    let mut person = Person {
        first_name: text_of(&v["first_name"]).unwrap_or_default(),
        last_name: text_of(&v["last_name"]).unwrap_or_default(),
        company: text_of(&v["company"]),
        title: text_of(&v["title"]),
        ..Person::default()
    };
    let mut sub = Vec::new();
    person.emails = contacts(v, "emails", "email", EMAIL_TYPES, &mut sub);
    person.phones = contacts(v, "phone_numbers", "phone_number", PHONE_TYPES, &mut sub);
    person.websites = contacts(v, "websites", "url", WEBSITE_TYPES, &mut sub);
    person.social = contacts(v, "social_media", "url", &[], &mut sub);
    person.addresses = contacts(v, "addresses", "address", ADDRESS_TYPES, &mut sub);
    errors.extend(sub.into_iter().map(|(f, m)| (format!("{at}{f}"), m)));
    let mut app = NewApp { prospect, jobs: job.into_iter().collect(), stage: (!prospect).then_some(0), ..NewApp::default() };
    if prospect {
        let mut sub = Vec::new();
        prospect_fields(v, &json!({}), &mut app, &mut sub);
        if let Some(e) = text_of(&v["prospect_owner_email"]) {
            match user_by_email(&e) {
                Some(u) => app.owner = Some(u.id),
                None => sub.push(("prospect_owner_email".into(), "No user with this email".into())),
            }
        }
        errors.extend(sub.into_iter().map(|(f, m)| (format!("{at}{f}"), m)));
    }
    app.credited_to = v["referrer"]["email"].as_str().and_then(user_by_email).map(|u| u.id);
    let resume = text_of(&v["resume"]).map(|url| {
        let path = url.split(['?', '#']).next().unwrap_or_default();
        Upload {
            filename: path.rsplit('/').next().filter(|n| !n.is_empty() && !path.ends_with("//")).unwrap_or("resume").to_string(),
            kind: "resume".into(),
            content: None,
            url: Some(url.clone()),
            content_type: None,
            guessed_name: true,
        }
    });
    (errors.len() == before).then(|| Ingested { person, external_id: external_id.unwrap_or_default(), app, resume })
}

async fn ingestion_create_inner(fake: &Fake, headers: &HeaderMap, body: &[u8]) -> Response {
    let user = match crate::harvest::ingestion_auth(headers) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return ingestion_error(StatusCode::BAD_REQUEST, &[("body".into(), "Your request included invalid JSON.".into())]);
    };
    let (items, many) = match v {
        Value::Array(a) if !a.is_empty() => (a, true),
        Value::Object(_) => (vec![v], false),
        _ => return ingestion_error(StatusCode::BAD_REQUEST, &[("body".into(), "Send a candidate object or a non-empty array of them".into())]),
    };
    let mut errors = Vec::new();
    let parsed: Vec<Option<Ingested>> = {
        let g = fake.0.lock().unwrap();
        items
            .iter()
            .enumerate()
            .map(|(i, item)| ingestion_item(&g.model, item, &if many { format!("[{i}].") } else { String::new() }, &mut errors))
            .collect()
    };
    if !errors.is_empty() {
        return ingestion_error(StatusCode::UNPROCESSABLE_ENTITY, &errors);
    }
    let mut made = Vec::new();
    for mut item in parsed.into_iter().flatten() {
        let files = match item.resume.take() {
            Some(u) => vec![fetch(u).await],
            None => vec![],
        };
        made.push((item, files));
    }
    let mut g = fake.0.lock().unwrap();
    let crate::Inner { people, model, .. } = &mut *g;
    let now = now();
    let mut out = Vec::new();
    for (mut item, files) in made {
        item.app.credited_to = item.app.credited_to.or(Some(user.id));
        let external_id = item.external_id.clone();
        let id = insert_candidate(people, item.person, Some(external_id.clone()), &now, 0);
        let app = insert_application(people, model, id, item.app, files, &now, 0);
        out.push(json!({"id": id, "application_id": app, "external_id": external_id, "profile_url": candidates::profile_url(id, app)}));
    }
    Json(if many { Value::Array(out) } else { out.remove(0) }).into_response()
}

async fn ingestion_candidates(State(fake): State<Fake>, headers: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    if let Err(r) = crate::harvest::ingestion_auth(&headers) {
        return r;
    }
    let ids = q.get("candidate_ids").map(|v| ids_list(v)).unwrap_or_default();
    let mut g = fake.0.lock().unwrap();
    let crate::Inner { people, model, .. } = &mut *g;
    let mut gates = BTreeSet::new();
    let mut out = Vec::new();
    for id in ids {
        let Some(c) = people.candidate(id) else { continue };
        match people.candidate_gate(c) {
            Some(gate) => {
                gates.insert(gate);
            }
            None => out.push(people.candidate_ingestion(model, c, &mut gates)),
        }
    }
    people.consume(gates);
    Json(out).into_response()
}

async fn ingestion_jobs(State(fake): State<Fake>, headers: HeaderMap) -> Response {
    match crate::harvest::ingestion_auth(&headers) {
        Ok(_) => Json(People::jobs_ingestion(&fake.0.lock().unwrap().model)).into_response(),
        Err(r) => r,
    }
}

async fn ingestion_pools(headers: HeaderMap) -> Response {
    match crate::harvest::ingestion_auth(&headers) {
        Ok(_) => Json(People::prospect_pools_ingestion()).into_response(),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------------
// Controls.

async fn received(State(fake): State<Fake>) -> Response {
    Json(json!({"received": fake.0.lock().unwrap().people.received})).into_response()
}

#[derive(Deserialize)]
struct Reads {
    reads: u32,
}

async fn set_async(State(fake): State<Fake>, Json(r): Json<Reads>) -> StatusCode {
    fake.0.lock().unwrap().people.async_reads = r.reads;
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Ttl {
    secs: u64,
}

async fn set_ttl(State(fake): State<Fake>, Json(t): Json<Ttl>) -> StatusCode {
    fake.0.lock().unwrap().people.attachment_ttl_secs = t.secs;
    StatusCode::NO_CONTENT
}

async fn list_attachments(State(fake): State<Fake>) -> Response {
    let g = fake.0.lock().unwrap();
    let list: Vec<Value> = g
        .people
        .attachments
        .iter()
        .map(|a| {
            json!({"id": a.id, "candidate_id": a.candidate_id, "application_id": a.application_id, "filename": a.filename,
                   "type": a.kind, "content_type": a.content_type, "size": a.bytes.len(), "source_url": a.source_url,
                   "fetch": a.fetch, "created_at": a.created_at})
        })
        .collect();
    Json(json!({ "attachments": list })).into_response()
}

/// S3's error document, which is what an expired or tampered signed link gets.
fn s3_error(status: StatusCode, code: &str, text: &str) -> Response {
    let xml = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{text}</Message></Error>");
    (status, [(header::CONTENT_TYPE, "application/xml")], xml).into_response()
}

async fn download(State(fake): State<Fake>, Path(id): Path<String>, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let (Ok(id), Some(expires), Some(sig)) = (id.parse::<u64>(), q.get("expires").and_then(|e| e.parse::<u64>().ok()), q.get("sig")) else {
        return s3_error(StatusCode::FORBIDDEN, "AccessDenied", "Query-string authentication requires the expires and sig parameters");
    };
    if !candidates::attachment_sig(id, expires).eq_ignore_ascii_case(sig) {
        return s3_error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        );
    }
    if candidates::now_secs() > expires {
        return s3_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired");
    }
    let g = fake.0.lock().unwrap();
    let Some(a) = g.people.attachments.iter().find(|a| a.id == id) else {
        return s3_error(StatusCode::NOT_FOUND, "NoSuchKey", "The specified key does not exist.");
    };
    let ascii: String = a.filename.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded: String = a
        .filename
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let headers = [(header::CONTENT_TYPE, a.content_type.clone()), (header::CONTENT_DISPOSITION, disposition)];
    (headers, a.bytes.clone()).into_response()
}

/// The body of `POST /__fake/applications/{id}/stage`.
#[derive(Deserialize, Default)]
struct StageChange {
    stage: Option<String>,
    status: Option<String>,
    /// A rejection reason's name (case-insensitive) or id; default "Lacking skill(s)/qualification(s)".
    rejection_reason: Option<Value>,
    #[serde(default)]
    silent: bool,
    hook: Option<HookTarget>,
}

fn control_error(status: StatusCode, m: &str) -> Response {
    (status, Json(json!({"status": status.as_u16(), "error": m}))).into_response()
}

/// `POST /__fake/applications/{id}/stage`: moves, rejects, hires or unrejects the application
/// as a recruiter would in Greenhouse, then sends the web hook unless `silent`.
async fn change_stage(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let change: StageChange = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return control_error(StatusCode::BAD_REQUEST, &format!("bad body: {e}")),
    };
    if change.stage.is_none() && change.status.is_none() {
        return control_error(StatusCode::BAD_REQUEST, "give a stage, a status or both");
    }
    let stage = match change.stage.as_deref().map(candidates::stage_index) {
        Some(None) => return control_error(StatusCode::UNPROCESSABLE_ENTITY, &format!("unknown stage; one of: {}", STAGES.join(", "))),
        s => s.flatten(),
    };
    let status = match change.status.as_deref().map(Status::parse) {
        Some(Some(Status::Converted)) | Some(None) => {
            return control_error(StatusCode::UNPROCESSABLE_ENTITY, "status is one of: active, rejected, hired")
        }
        s => s.flatten(),
    };
    let reason = match &change.rejection_reason {
        None => candidates::DEFAULT_REJECTION_REASON,
        Some(v) => {
            let found = candidates::REJECTION_REASONS
                .iter()
                .find(|r| id_of(v) == Some(r.0) || v.as_str().is_some_and(|n| r.1.eq_ignore_ascii_case(n.trim())));
            match found {
                Some(r) => r.0,
                None => return control_error(StatusCode::UNPROCESSABLE_ENTITY, "unknown rejection reason"),
            }
        }
    };
    let base = base_url(&headers);
    let (action, payload) = {
        let mut g = fake.0.lock().unwrap();
        let crate::Inner { people, model, .. } = &mut *g;
        let Some(at) = id.parse::<u64>().ok().and_then(|id| people.applications.iter().position(|a| a.id == id)) else {
            return control_error(StatusCode::NOT_FOUND, "Application not found");
        };
        if stage.is_some() && people.applications[at].prospect {
            return control_error(StatusCode::UNPROCESSABLE_ENTITY, "a prospect application has no stages");
        }
        let now = now();
        let a = &mut people.applications[at];
        let (was_status, was_stage) = (a.status, a.stage);
        if let Some(k) = stage {
            a.stage = Some(k);
        }
        match status {
            Some(Status::Rejected) => {
                if a.status != Status::Rejected {
                    a.rejected_at = Some(now.clone());
                }
                a.status = Status::Rejected;
                a.rejection_reason = Some(reason);
            }
            Some(s) => {
                a.status = s;
                a.rejected_at = None;
                a.rejection_reason = None;
            }
            None => {}
        }
        a.last_activity_at = now.clone();
        a.updated_at = now.clone();
        let (candidate_id, status_now, stage_now) = (a.candidate_id, a.status, a.stage);
        touch(people, candidate_id, &now);
        let action = match (was_status, status_now) {
            (w, Status::Rejected) if w != Status::Rejected => "reject_candidate",
            (w, Status::Hired) if w != Status::Hired => "hire_candidate",
            (Status::Rejected, Status::Active) => "unreject_candidate",
            (Status::Hired, Status::Active) => "unhire_candidate",
            _ if stage_now != was_stage => "candidate_stage_change",
            _ => "application_updated",
        };
        if change.silent || change.hook.is_none() {
            return StatusCode::NO_CONTENT.into_response();
        }
        let a = &people.applications[at];
        let mut application = people.application_hook(model, &base, a);
        if action == "hire_candidate" {
            // The deprecated single `job` the hire web hook still carries.
            if let Some(j) = a.jobs.first().and_then(|j| model.job_hook(*j)) {
                application["job"] = json!({"id": j["id"], "name": j["name"], "open_date": j["opened_at"], "close_date": j["closed_at"],
                                             "requisition_id": j["requisition_id"], "departments": j["departments"], "offices": j["offices"],
                                             "custom_fields": {}});
            }
        }
        (action, json!({ "application": application }))
    };
    deliver_hook(&fake, change.hook.as_ref().expect("checked"), action, payload).await
}

#[derive(Deserialize, Default)]
struct Removal {
    hook: Option<HookTarget>,
}

/// `DELETE /__fake/applications/{id}`: removes the application (and its attachments); with
/// `{"hook"}` sends `delete_application`.
async fn delete_application(State(fake): State<Fake>, Path(id): Path<String>, body: Bytes) -> Response {
    let removal: Removal = if body.iter().all(u8::is_ascii_whitespace) {
        Removal::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(r) => r,
            Err(e) => return control_error(StatusCode::BAD_REQUEST, &format!("bad body: {e}")),
        }
    };
    let payload = {
        let mut g = fake.0.lock().unwrap();
        let people = &mut g.people;
        let Some(at) = id.parse::<u64>().ok().and_then(|id| people.applications.iter().position(|a| a.id == id)) else {
            return control_error(StatusCode::NOT_FOUND, "Application not found");
        };
        let a = people.applications.remove(at);
        people.attachments.retain(|t| t.application_id != Some(a.id));
        touch(people, a.candidate_id, &now());
        people.application_deleted_hook(&a)
    };
    match removal.hook {
        Some(hook) => deliver_hook(&fake, &hook, "delete_application", json!({ "application": payload })).await,
        None => StatusCode::NO_CONTENT.into_response(),
    }
}
