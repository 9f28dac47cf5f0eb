//! The fake's HTTP surface: Greenhouse's Job Board API plus `/__fake/` controls.
//!
//! Job control routes, per board token (a `base--x` token gets its own copy of board `base`;
//! Harvest is global and changes for every token):
//!
//! - `POST /__fake/boards/{token}/jobs/{id}` `{"title"?, "content"? (raw HTML)}`: edits the
//!   job; the board serves `content` entity-escaped, Harvest raw; `updated_at` becomes now;
//! - `POST …/jobs/{id}/close`: off the board (kept aside), Harvest job closed, its posts offline;
//! - `POST …/jobs/{id}/unpublish`: off the board, Harvest job open, its external post offline;
//! - `POST …/jobs/{id}/reopen`: back on the board as it was, Harvest job open, the post live.
//!
//! Each takes an optional body `{"hook": {"url", "secret", "forge"?}}` (alongside the edit's
//! fields). With it the fake sends, signed as Greenhouse signs, `job_updated`
//! (`payload.job` = the Harvest v1 job) for edit, close and reopen, and `job_post_updated`
//! (the flat post) for unpublish and for any post Harvest does not model (a prospect post or
//! another board), then answers `200 {"hook_status": <receiver's status>}` (`502 {"error"}` when
//! the receiver cannot be reached; the change stays made). Without it: `204`. Unknown board or
//! job: `404`.
//!
//! Candidate controls (stage changes with their web hooks, attachment downloads, the
//! asynchronous-read and TTL knobs, what the create routes received) are in
//! [`crate::candidate_api`]; both kinds of web hook go through `deliver_hook`.

use crate::{Fake, Fault, ReceivedApplication};
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub fn router(fake: Fake) -> Router {
    let api = Router::new()
        .route("/v1/boards/{token}", get(board))
        .route("/v1/boards/{token}/jobs", get(jobs))
        .route("/v1/boards/{token}/jobs/{id}", get(job).post(apply))
        .route("/v1/boards/{token}/departments", get(departments))
        .route("/v1/boards/{token}/departments/{id}", get(department))
        .route("/v1/boards/{token}/offices", get(offices))
        .route("/v1/boards/{token}/offices/{id}", get(office))
        .layer(middleware::from_fn_with_state(fake.clone(), count_and_fault));
    let api = api.merge(crate::harvest::router());
    // The EU data centre: the same APIs under `/eu`, so tests can point the worker's EU hosts
    // here and see which region was called.
    Router::new()
        .nest("/eu", api.clone())
        .merge(api)
        .layer(middleware::from_fn_with_state(fake.clone(), count_all))
        .route("/__fake/calls", get(calls))
        .route("/__fake/reset", post(reset))
        .route("/__fake/boards/{token}/fault", post(set_fault))
        .route("/__fake/applications", get(applications))
        .route("/__fake/harvest/limit", post(set_harvest_limit))
        .route("/__fake/boards/{token}/jobs/{id}", post(edit_job).delete(remove_job))
        .route("/__fake/boards/{token}/jobs/{id}/close", post(close_job))
        .route("/__fake/boards/{token}/jobs/{id}/unpublish", post(unpublish_job))
        .route("/__fake/boards/{token}/jobs/{id}/reopen", post(reopen_job))
        .route("/__fake/webhooks/send", post(send_webhook))
        .route("/__fake/credentials", get(credentials))
        .merge(crate::receiver::router())
        .merge(crate::cloudflare::router())
        .merge(crate::candidate_api::controls())
        .route("/turnstile/v0/siteverify", post(siteverify))
        .fallback(|| async { not_found("Not Found") })
        .with_state(fake)
}

fn not_found(what: &str) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"status": 404, "error": what}))).into_response()
}

/// Counts calls under the EU prefix by their full path (the inner counter sees them stripped).
async fn count_all(State(fake): State<Fake>, uri: Uri, req: Request, next: Next) -> Response {
    if uri.path().starts_with("/eu/") {
        *fake.0.lock().unwrap().calls.entry(uri.path().to_string()).or_default() += 1;
    }
    next.run(req).await
}

/// Counts every Job Board call and applies the board's fault, as a real outage would.
async fn count_and_fault(State(fake): State<Fake>, uri: Uri, req: Request, next: Next) -> Response {
    let is_post = req.method() == axum::http::Method::POST;
    let path = uri.path().to_string();
    let token = path.split('/').nth(3).unwrap_or_default().to_string();
    // `/v1/boards/{token}/jobs` (the list), not a single job or another route.
    let route = path.split('/').nth(4).map(str::to_string);
    let is_list = route.as_deref() == Some("jobs") && path.split('/').nth(5).is_none();
    if !path.starts_with("/v1/boards/") {
        return next.run(req).await;
    }
    let fault = {
        let mut g = fake.0.lock().unwrap();
        *g.calls.entry(path).or_default() += 1;
        g.faults.get(&token).copied().unwrap_or_default()
    };
    match fault {
        Fault::None => next.run(req).await,
        Fault::RejectApplications if is_post => Json(json!({"error": "Failed to save person", "reason": "Job application not live"})).into_response(),
        Fault::RejectApplications => next.run(req).await,
        Fault::RefuseKey if is_post => {
            (StatusCode::UNAUTHORIZED, Json(json!({"status": 401, "error": "Invalid Basic Auth credentials"}))).into_response()
        }
        Fault::RefuseKey => next.run(req).await,
        Fault::Gone => not_found("Job board not found"),
        Fault::Down => (StatusCode::SERVICE_UNAVAILABLE, "<html>503 Service Unavailable</html>").into_response(),
        Fault::RateLimited => {
            (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")], Json(json!({"error": "Too Many Requests"}))).into_response()
        }
        Fault::Malformed => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{\"jobs\": [{\"id\": ").into_response(),
        Fault::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            next.run(req).await
        }
        Fault::Slow => {
            tokio::time::sleep(Duration::from_millis(500)).await;
            next.run(req).await
        }
        Fault::EmptyObject if !is_post => Json(json!({})).into_response(),
        Fault::ErrorObject if !is_post => Json(json!({"error": "Internal server error"})).into_response(),
        Fault::NoJobs if is_list => Json(json!({"jobs": [], "meta": {"total": 44}})).into_response(),
        Fault::PartialDown if !is_post && !matches!(route.as_deref(), Some("jobs")) => {
            (StatusCode::SERVICE_UNAVAILABLE, "<html>503 Service Unavailable</html>").into_response()
        }
        Fault::EmptyObject | Fault::ErrorObject | Fault::NoJobs | Fault::PartialDown => next.run(req).await,
    }
}

/// Board tokens are case-insensitive, as on Greenhouse.
fn with_board<T>(fake: &Fake, token: &str, f: impl FnOnce(&crate::seed::BoardData) -> T) -> Option<T> {
    let token = token.to_ascii_lowercase();
    let g = fake.0.lock().unwrap();
    g.boards.get(&token).or_else(|| g.boards.get(Fake::resolve(&token))).map(f)
}

fn truthy(v: Option<&String>) -> bool {
    v.is_some_and(|v| v == "true" || v == "1")
}

async fn board(State(fake): State<Fake>, Path(token): Path<String>) -> Response {
    with_board(&fake, &token, |b| Json(json!({"name": b.name, "content": b.intro})).into_response())
        .unwrap_or_else(|| not_found("Job board not found"))
}

async fn jobs(State(fake): State<Fake>, Path(token): Path<String>, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let content = truthy(q.get("content"));
    with_board(&fake, &token, |b| {
        if content {
            // Byte for byte what the seed (or the captured file) holds.
            ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], b.jobs_raw.clone()).into_response()
        } else {
            let jobs: Vec<Value> = b.jobs.iter().map(strip_content).collect();
            Json(json!({"jobs": jobs, "meta": {"total": jobs.len()}})).into_response()
        }
    })
    .unwrap_or_else(|| not_found("Job board not found"))
}

fn strip_content(j: &Value) -> Value {
    let mut j = j.clone();
    if let Some(o) = j.as_object_mut() {
        for k in ["content", "departments", "offices"] {
            o.remove(k);
        }
    }
    j
}

fn standard_questions(job_id: u64) -> Value {
    json!([
        {"required": true, "label": "First Name", "fields": [{"name": "first_name", "type": "input_text", "values": []}]},
        {"required": true, "label": "Last Name", "fields": [{"name": "last_name", "type": "input_text", "values": []}]},
        {"required": true, "label": "Email", "fields": [{"name": "email", "type": "input_text", "values": []}]},
        {"required": false, "label": "Phone", "fields": [{"name": "phone", "type": "input_text", "values": []}]},
        {"required": true, "label": "Resume/CV", "fields": [{"name": "resume", "type": "input_file", "values": []},
                                                             {"name": "resume_text", "type": "textarea", "values": []}]},
        {"required": false, "label": "Cover Letter", "fields": [{"name": "cover_letter", "type": "input_file", "values": []},
                                                                {"name": "cover_letter_text", "type": "textarea", "values": []}]},
        {"required": false, "label": "LinkedIn Profile", "fields": [{"name": format!("question_{}", job_id % 100_000 + 1), "type": "input_text", "values": []}]},
        {"required": true, "label": "Are you legally authorized to work in the country of this role?",
         "fields": [{"name": format!("question_{}", job_id % 100_000 + 2), "type": "multi_value_single_select",
                     "values": [{"value": 1, "label": "Yes"}, {"value": 0, "label": "No"}]}]},
        {"required": false, "label": "Which of these do you know?",
         "fields": [{"name": format!("question_{}", job_id % 100_000 + 3), "type": "multi_value_multi_select",
                     "values": [{"value": 11, "label": "Rust"}, {"value": 12, "label": "TypeScript"}, {"value": 13, "label": "Go"}]}]}
    ])
}

async fn job(State(fake): State<Fake>, Path((token, id)): Path<(String, String)>, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let Ok(id) = id.parse::<u64>() else { return not_found("Job not found") };
    let found = with_board(&fake, &token, |b| b.jobs.iter().find(|j| j["id"].as_u64() == Some(id)).cloned());
    match found {
        None => not_found("Job board not found"),
        Some(None) => not_found("Job not found"),
        Some(Some(mut j)) => {
            if truthy(q.get("questions")) {
                j["questions"] = standard_questions(id);
                j["location_questions"] = json!([]);
                j["compliance"] = json!([{"type": "eeoc", "description": "&lt;p&gt;Northwind Robotics is an equal opportunity employer.&lt;/p&gt;",
                    "questions": [
                        {"label": "Gender", "required": false, "description": null, "fields": [{"name": "gender", "type": "multi_value_single_select",
                          "values": [{"label": "Female", "value": "2"}, {"label": "Male", "value": "1"}, {"label": "Decline To Self Identify", "value": "3"}]}]},
                        {"label": "VeteranStatus", "required": false, "description": null, "fields": [{"name": "veteran_status", "type": "multi_value_single_select",
                          "values": [{"label": "I am not a protected veteran", "value": "1"}, {"label": "I don't wish to answer", "value": "3"}]}]}]}]);
                if id % 2 == 0 {
                    j["demographic_questions"] = json!({"header": "Diversity at Northwind", "description": "<p>Answering is optional.</p>",
                        "questions": [{"id": 4400000001u64, "label": "Which pronouns do you use?", "required": false, "type": "multi_value_multi_select",
                          "answer_options": [{"id": 4400000011u64, "label": "she/her", "free_form": false}, {"id": 4400000012u64, "label": "he/him", "free_form": false},
                                             {"id": 4400000013u64, "label": "Let me type", "free_form": true}]}]});
                    j["data_compliance"] = json!([{"type": "gdpr", "requires_consent": true, "requires_processing_consent": true,
                        "requires_retention_consent": false, "retention_period": 365, "demographic_data_consent_applies": true}]);
                }
            }
            if truthy(q.get("pay_transparency")) {
                j["pay_input_ranges"] = if id % 3 == 0 {
                    json!([{"min_cents": 12_000_000, "max_cents": 16_000_000, "currency_type": "USD",
                            "title": "Base salary", "blurb": "Pay is based on location and experience."}])
                } else {
                    json!([])
                };
            }
            Json(j).into_response()
        }
    }
}

#[derive(Deserialize)]
struct RenderAs {
    render_as: Option<String>,
}

/// Nests a list-form collection into tree form (`children`), dropping parent/child ids.
fn tree(items: &[Value]) -> Vec<Value> {
    fn build(items: &[Value], parent: &Value) -> Vec<Value> {
        items
            .iter()
            .filter(|i| &i["parent_id"] == parent)
            .map(|i| {
                let mut n = i.clone();
                let children = build(items, &i["id"]);
                let o = n.as_object_mut().unwrap();
                o.remove("parent_id");
                o.remove("child_ids");
                o.insert("children".into(), Value::Array(children));
                n
            })
            .collect()
    }
    let known: Vec<&Value> = items.iter().map(|i| &i["id"]).collect();
    // Roots: no parent, or a parent this board does not list.
    let mut roots: Vec<Value> = Vec::new();
    for i in items {
        if i["parent_id"].is_null() || !known.contains(&&i["parent_id"]) {
            let mut n = i.clone();
            let children = build(items, &i["id"]);
            let o = n.as_object_mut().unwrap();
            o.remove("parent_id");
            o.remove("child_ids");
            o.insert("children".into(), Value::Array(children));
            roots.push(n);
        }
    }
    roots
}

async fn departments(State(fake): State<Fake>, Path(token): Path<String>, Query(r): Query<RenderAs>) -> Response {
    with_board(&fake, &token, |b| {
        let list = if r.render_as.as_deref() == Some("tree") { tree(&b.departments) } else { b.departments.clone() };
        Json(json!({"departments": list})).into_response()
    })
    .unwrap_or_else(|| not_found("Job board not found"))
}

async fn department(State(fake): State<Fake>, Path((token, id)): Path<(String, u64)>) -> Response {
    with_board(&fake, &token, |b| b.departments.iter().find(|d| d["id"].as_u64() == Some(id)).cloned())
        .flatten()
        .map(|d| Json(d).into_response())
        .unwrap_or_else(|| not_found("Department not found"))
}

async fn offices(State(fake): State<Fake>, Path(token): Path<String>, Query(r): Query<RenderAs>) -> Response {
    with_board(&fake, &token, |b| {
        let with_depts: Vec<Value> = b.offices.iter().map(|o| office_with_departments(b, o)).collect();
        let list = if r.render_as.as_deref() == Some("tree") { tree(&with_depts) } else { with_depts };
        Json(json!({"offices": list})).into_response()
    })
    .unwrap_or_else(|| not_found("Job board not found"))
}

fn office_with_departments(b: &crate::seed::BoardData, office: &Value) -> Value {
    let mut o = office.clone();
    let departments: Vec<Value> = b
        .departments
        .iter()
        .filter_map(|d| {
            let jobs: Vec<Value> = d["jobs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|stub| {
                    b.jobs
                        .iter()
                        .any(|j| j["id"] == stub["id"] && j["offices"].as_array().is_some_and(|os| os.iter().any(|x| x["id"] == office["id"])))
                })
                .cloned()
                .collect();
            (!jobs.is_empty())
                .then(|| json!({"id": d["id"], "name": d["name"], "parent_id": d["parent_id"], "child_ids": d["child_ids"], "jobs": jobs}))
        })
        .collect();
    o["departments"] = Value::Array(departments);
    o
}

async fn office(State(fake): State<Fake>, Path((token, id)): Path<(String, u64)>) -> Response {
    with_board(&fake, &token, |b| b.offices.iter().find(|o| o["id"].as_u64() == Some(id)).map(|o| office_with_departments(b, o)))
        .flatten()
        .map(|o| Json(o).into_response())
        .unwrap_or_else(|| not_found("Office not found"))
}

/// `POST /v1/boards/{token}/jobs/{id}`: Basic auth with the board's key as username.
async fn apply(State(fake): State<Fake>, Path((token, id)): Path<(String, u64)>, headers: HeaderMap, req: Request) -> Response {
    let Some(expected) = with_board(&fake, &token, |b| b.api_key.clone()) else { return not_found("Job board not found") };
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let key = auth
        .as_deref()
        .and_then(|a| a.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .map(|s| s.split_once(':').map_or(s.clone(), |(u, _)| u.to_string()));
    if key.as_deref() != Some(expected.as_str()) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"status": 401, "error": "Invalid Basic Auth credentials"}))).into_response();
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut files = BTreeMap::new();
    if content_type.as_deref().is_some_and(|c| c.starts_with("multipart/form-data")) {
        let Ok(mut mp) = Multipart::from_request(req, &()).await else {
            return (StatusCode::BAD_REQUEST, Json(json!({"error": "Bad multipart body"}))).into_response();
        };
        while let Ok(Some(field)) = mp.next_field().await {
            let name = field.name().unwrap_or_default().to_string();
            match field.file_name().map(str::to_string) {
                Some(file) => {
                    let size = field.bytes().await.map(|b| b.len()).unwrap_or(0);
                    files.insert(name, (file, size));
                }
                None => fields.entry(name).or_default().push(field.text().await.unwrap_or_default()),
            }
        }
    } else {
        let body = Bytes::from_request(req, &()).await.unwrap_or_default();
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&body) {
            for (k, v) in map.clone() {
                // Attachments sent as base64 `*_content` + `*_content_filename`.
                if let Some(field) = k.strip_suffix("_content") {
                    let size = v.as_str().and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok()).map_or(0, |b| b.len());
                    let name = map.get(&format!("{field}_content_filename")).and_then(Value::as_str).unwrap_or_default();
                    files.insert(field.to_string(), (name.to_string(), size));
                    continue;
                }
                if k.ends_with("_content_filename") {
                    continue;
                }
                let vals = match v {
                    Value::Array(a) => a.iter().map(|x| x.as_str().map_or(x.to_string(), str::to_string)).collect(),
                    Value::Object(_) => vec![v.to_string()],
                    Value::String(s) => vec![s],
                    other => vec![other.to_string()],
                };
                fields.insert(k, vals);
            }
        }
    }
    let exists = with_board(&fake, &token, |b| b.jobs.iter().any(|j| j["id"].as_u64() == Some(id))).unwrap_or(false);
    if !exists {
        // Greenhouse answers 200 with an error body here; integrations must treat it as failure.
        return Json(json!({"error": "Failed to save person", "reason": "Job application not live"})).into_response();
    }
    let mut g = fake.0.lock().unwrap();
    if Fake::resolve(&token) == crate::seed::DEMO_BOARD {
        let inner = &mut *g;
        crate::candidate_api::job_board_applied(&mut inner.people, &inner.model, id, &fields);
    }
    g.applications.push(ReceivedApplication { board: token, job_id: id, authorization: auth, content_type, fields, files });
    Json(json!({"success": "Candidate saved successfully"})).into_response()
}

async fn calls(State(fake): State<Fake>) -> Response {
    Json(json!(fake.0.lock().unwrap().calls)).into_response()
}

/// Forgets calls, faults, applications and receivers, and puts back the seeded boards, the
/// Harvest model and the candidates (with their knobs: 2 hidden reads, 7-day attachment URLs;
/// issued v3 tokens and the rate limit settings stay).
async fn reset(State(fake): State<Fake>) -> StatusCode {
    let mut g = fake.0.lock().unwrap();
    g.calls.clear();
    g.faults.clear();
    g.applications.clear();
    g.receivers.clear();
    g.cloudflare = Default::default();
    g.seed();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct FaultBody {
    mode: Fault,
}

async fn set_fault(State(fake): State<Fake>, Path(token): Path<String>, Json(body): Json<FaultBody>) -> StatusCode {
    fake.set_fault(&token, body.mode);
    StatusCode::NO_CONTENT
}

async fn applications(State(fake): State<Fake>) -> Response {
    Json(json!(fake.applications())).into_response()
}

#[derive(Deserialize)]
struct Limit {
    limit: Option<u32>,
    window_secs: Option<u64>,
}

async fn set_harvest_limit(State(fake): State<Fake>, Json(l): Json<Limit>) -> StatusCode {
    let mut g = fake.0.lock().unwrap();
    g.harvest.limit = l.limit;
    g.harvest.window_secs = l.window_secs;
    g.harvest.window.clear();
    StatusCode::NO_CONTENT
}

/// Where to send the web hook a change causes, and the secret to sign it with.
#[derive(Deserialize, Clone, Debug)]
pub(crate) struct HookTarget {
    pub url: String,
    pub secret: String,
    /// Sign with this instead of `secret` (a forged delivery).
    #[serde(default)]
    pub forge: Option<String>,
}

/// Sends `{"action", "payload"}` as Greenhouse does (see [`send_webhook`]) with a fresh
/// `Greenhouse-Event-ID`: `200 {"hook_status": <receiver's status>}`, or `502 {"error"}` when
/// the receiver cannot be reached.
pub(crate) async fn deliver_hook(fake: &Fake, hook: &HookTarget, action: &str, payload: Value) -> Response {
    let event_id = {
        let mut g = fake.0.lock().unwrap();
        g.hooks_sent += 1;
        format!("fake-{}-{}", g.hooks_sent, crate::model::now_ms())
    };
    let body = serde_json::to_string(&json!({"action": action, "payload": payload})).unwrap_or_default();
    let sig = crate::sign_webhook(hook.forge.as_deref().unwrap_or(&hook.secret), body.as_bytes());
    match reqwest_lite_post(&hook.url, &body, &sig, &event_id).await {
        Ok(status) => Json(json!({"hook_status": status})).into_response(),
        Err(e) => (StatusCode::BAD_GATEWAY, Json(json!({"error": e}))).into_response(),
    }
}

/// The optional body of the job control routes.
#[derive(Deserialize, Default)]
struct JobChange {
    title: Option<String>,
    /// Raw HTML; the board serves it entity-escaped, Harvest raw.
    content: Option<String>,
    hook: Option<HookTarget>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Edit,
    Close,
    Unpublish,
    Reopen,
}

/// `POST /__fake/boards/{token}/jobs/{id}` `{"title"?, "content"?, "hook"?}`: edits the job on
/// this exact board token (and its Harvest post and job), bumping `updated_at`.
async fn edit_job(State(fake): State<Fake>, Path((token, id)): Path<(String, String)>, body: Bytes) -> Response {
    change_job(&fake, &token, &id, Action::Edit, &body).await
}

/// `POST …/close`: off this board token (kept aside for a reopen); Harvest job closed, its posts offline.
async fn close_job(State(fake): State<Fake>, Path((token, id)): Path<(String, String)>, body: Bytes) -> Response {
    change_job(&fake, &token, &id, Action::Close, &body).await
}

/// `POST …/unpublish`: off this board token; Harvest job still open, its external post offline.
async fn unpublish_job(State(fake): State<Fake>, Path((token, id)): Path<(String, String)>, body: Bytes) -> Response {
    change_job(&fake, &token, &id, Action::Unpublish, &body).await
}

/// `POST …/reopen`: back on this board token as it was; Harvest job open, the post live.
async fn reopen_job(State(fake): State<Fake>, Path((token, id)): Path<(String, String)>, body: Bytes) -> Response {
    change_job(&fake, &token, &id, Action::Reopen, &body).await
}

/// A job control route: changes the board and Harvest, then sends the web hook Greenhouse
/// would send when the body asks for one (`200 {"hook_status": …}`; `204` without a hook).
async fn change_job(fake: &Fake, token: &str, id: &str, action: Action, body: &[u8]) -> Response {
    let change: JobChange = if body.iter().all(u8::is_ascii_whitespace) {
        JobChange::default()
    } else {
        match serde_json::from_slice::<Option<JobChange>>(body) {
            Ok(c) => c.unwrap_or_default(),
            Err(e) => return (StatusCode::BAD_REQUEST, Json(json!({"error": format!("bad body: {e}")}))).into_response(),
        }
    };
    let token = token.to_ascii_lowercase();
    let Ok(id) = id.parse::<u64>() else { return not_found("Job not found") };
    let now = crate::model::now_ms();
    let (harvest_now, board_now) = (crate::model::harvest_time(now), crate::model::board_time(now));
    let (action_name, payload) = {
        let mut g = fake.0.lock().unwrap();
        if g.board_mut(&token).is_none() {
            return not_found("Job board not found");
        }
        let crate::Inner { boards, parked, model, .. } = &mut *g;
        let board = boards.get_mut(&token).expect("just made");
        let key = (token.clone(), id);
        let pos = board.jobs.iter().position(|j| j["id"].as_u64() == Some(id));
        if pos.is_none() && !parked.contains_key(&key) {
            return not_found("Job not found");
        }
        // Whether the board's list changed (a captured board's bytes are kept until it does).
        let changed = match (action, pos) {
            (Action::Close | Action::Unpublish, Some(at)) => {
                let job = board.jobs.remove(at);
                parked.insert(key.clone(), (at, job));
                true
            }
            (Action::Reopen, None) => {
                let (at, job) = parked.remove(&key).expect("checked");
                let at = at.min(board.jobs.len());
                board.jobs.insert(at, job);
                true
            }
            (Action::Edit, _) => {
                let job = match pos {
                    Some(at) => &mut board.jobs[at],
                    None => &mut parked.get_mut(&key).expect("checked").1,
                };
                if let Some(t) = &change.title {
                    job["title"] = Value::from(t.clone());
                }
                if let Some(c) = &change.content {
                    job["content"] = Value::from(crate::seed::escape_html(c));
                }
                job["updated_at"] = Value::from(board_now);
                pos.is_some()
            }
            _ => false,
        };
        if changed {
            board.refresh_raw();
        }
        let on_board = board.jobs.iter().find(|j| j["id"].as_u64() == Some(id));
        let board_job = on_board.or_else(|| parked.get(&key).map(|p| &p.1)).cloned().unwrap_or_default();
        let live = on_board.is_some();
        let harvest_job = match action {
            Action::Edit => model.edit(id, change.title.as_deref(), change.content.as_deref(), &harvest_now),
            Action::Close => model.close(id, &harvest_now),
            Action::Unpublish => model.unpublish(id, &harvest_now),
            Action::Reopen => model.reopen(id, &harvest_now),
        };
        if change.hook.is_none() {
            return StatusCode::NO_CONTENT.into_response();
        }
        match (action, harvest_job) {
            (Action::Unpublish, Some(_)) => ("job_post_updated", model.post(id).map(crate::model::Post::hook).unwrap_or_default()),
            (_, Some(job)) => ("job_updated", json!({"job": model.job(job).map(crate::model::Job::v1)})),
            // A post Harvest does not model (a prospect post, or a board other than the demo
            // board): what its `job_post_updated` would carry.
            (_, None) => ("job_post_updated", board_post_hook(&board_job, live, &harvest_now)),
        }
    };
    let hook = change.hook.expect("checked");
    deliver_hook(fake, &hook, action_name, payload).await
}

/// The flat `job_post_updated` payload of a board job Harvest does not model.
fn board_post_hook(j: &Value, live: bool, now: &str) -> Value {
    json!({
        "id": j["id"], "title": j["title"], "location": j["location"]["name"],
        "content": crate::seed::unescape_html(j["content"].as_str().unwrap_or_default()), "internal_content": null,
        "updated_at": now, "job_id": j["internal_job_id"], "external": true, "internal": false, "live": live, "questions": [],
    })
}

async fn remove_job(State(fake): State<Fake>, Path((token, id)): Path<(String, u64)>) -> StatusCode {
    if fake.edit_board(&token, |b| b.jobs.retain(|j| j["id"].as_u64() != Some(id))) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

#[derive(Deserialize)]
struct SendHook {
    url: String,
    secret: String,
    action: String,
    #[serde(default)]
    payload: Value,
    event_id: String,
    /// Sign with this instead of `secret` (a forged delivery).
    #[serde(default)]
    forge: Option<String>,
}

/// Sends a web hook as Greenhouse does: JSON body, `Signature: sha256 <hex>` (HMAC-SHA256
/// of the raw body with the secret), `Greenhouse-Event-ID`. Answers with the receiver's status.
async fn send_webhook(Json(h): Json<SendHook>) -> Response {
    let body = serde_json::to_string(&json!({"action": h.action, "payload": h.payload})).unwrap_or_default();
    let sig = crate::sign_webhook(h.forge.as_deref().unwrap_or(&h.secret), body.as_bytes());
    let resp = reqwest_lite_post(&h.url, &body, &sig, &h.event_id).await;
    match resp {
        Ok(status) => (StatusCode::OK, Json(json!({"status": status}))).into_response(),
        Err(e) => (StatusCode::BAD_GATEWAY, Json(json!({"error": e}))).into_response(),
    }
}

/// POSTs a signed Greenhouse web hook body; the receiver's status.
async fn reqwest_lite_post(url: &str, body: &str, sig: &str, event_id: &str) -> Result<u16, String> {
    let signature = format!("sha256 {sig}");
    let headers = [("Content-Type", "application/json"), ("Signature", signature.as_str()), ("Greenhouse-Event-ID", event_id)];
    crate::lite::request("POST", url, &headers, body.as_bytes()).await.map(|r| r.status)
}

/// `GET /__fake/credentials`: every credential the fake accepts, by kind.
async fn credentials(State(fake): State<Fake>) -> Response {
    use crate::candidates::People;
    use crate::harvest::*;
    let boards: Vec<Value> = {
        let g = fake.0.lock().unwrap();
        let mut tokens: Vec<&String> = g.boards.keys().filter(|t| !t.contains("--")).collect();
        tokens.sort();
        tokens.into_iter().map(|t| json!({"board_token": t, "api_key": g.boards[t].api_key})).collect()
    };
    let seed_candidates = {
        use crate::candidates::*;
        json!([
            {"kind": "applicant", "candidate_id": APPLICANT_ID, "emails": [APPLICANT_EMAIL, APPLICANT_EMAIL_2],
             "application_id": APPLICANT_APPLICATION_ID, "job_id": APPLICANT_JOB_ID, "stage": "Onsite Interview", "status": "active"},
            {"kind": "prospect", "candidate_id": PROSPECT_ID, "emails": [PROSPECT_EMAIL], "application_id": PROSPECT_APPLICATION_ID,
             "job_id": PROSPECT_JOB_ID, "status": "active"},
            {"kind": "hired", "candidate_id": HIRED_ID, "emails": [HIRED_EMAIL], "application_id": HIRED_APPLICATION_ID,
             "job_id": HIRED_JOB_ID, "stage": "Offer", "status": "hired"},
            {"kind": "rejected", "candidate_id": REJECTED_ID, "emails": [REJECTED_EMAIL], "application_id": REJECTED_APPLICATION_ID,
             "job_id": REJECTED_JOB_ID, "stage": "Phone Screen", "status": "rejected"},
        ])
    };
    Json(json!({
        "job_board": {
            "boards": boards,
            "note": "A token `base--anything` serves board `base` and takes its key; tokens are case-insensitive.",
        },
        "harvest_v1": [
            {"label": "full", "api_key": V1_FULL, "grants": RESOURCES},
            {"label": "partial", "api_key": V1_PARTIAL, "grants": V1_PARTIAL_GRANTS},
        ],
        "harvest_v3": [
            {"label": "full", "client_id": V3_FULL.0, "client_secret": V3_FULL.1, "user_id": V3_USER, "grants": RESOURCES},
            {"label": "partial", "client_id": V3_PARTIAL.0, "client_secret": V3_PARTIAL.1, "user_id": V3_USER, "grants": V3_PARTIAL_GRANTS},
        ],
        "ingestion": {"api_key": INGESTION_KEY, "on_behalf_of": INGESTION_EMAIL, "on_behalf_of_accepted": People::user_emails(),
                      "note": "On-Behalf-Of is a user's email: the key owner's, or any user's below."},
        "harvest_on_behalf_of": {
            "user_ids": crate::model::USERS.iter().map(|u| u.id).collect::<Vec<_>>(),
            "note": "Harvest v1 writes need On-Behalf-Of: a user id below (GET /v1/users?email= finds one). An email gets 404.",
        },
        "users": crate::model::USERS.iter().map(|u| json!({"id": u.id, "name": u.name(), "email": u.email})).collect::<Vec<_>>(),
        "seed_candidates": seed_candidates,
        "turnstile": {"secret": TURNSTILE_SECRET, "pass_token": TURNSTILE_PASS},
    }))
    .into_response()
}

/// The secret and the token the fake Turnstile accepts.
pub const TURNSTILE_SECRET: &str = "turnstile-test-secret";
pub const TURNSTILE_PASS: &str = "turnstile-pass-token";

/// Cloudflare Turnstile's siteverify, as far as the worker uses it.
async fn siteverify(axum::Form(f): axum::Form<BTreeMap<String, String>>) -> Response {
    let ok = f.get("secret").map(String::as_str) == Some(TURNSTILE_SECRET) && f.get("response").map(String::as_str) == Some(TURNSTILE_PASS);
    Json(json!({"success": ok, "error-codes": if ok { json!([]) } else { json!(["invalid-input-response"]) }})).into_response()
}
