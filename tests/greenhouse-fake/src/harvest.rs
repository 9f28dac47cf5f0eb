//! Harvest v1 (Basic key, per-key endpoint permissions, Link pagination, rate limit with
//! 429 + Retry-After), Harvest v3 (OAuth client-credentials token, Bearer, cursor
//! pagination), and Candidate Ingestion's auth and `current_user` (Basic key + On-Behalf-Of:
//! the email of any of [`model::USERS`]). Candidates, applications and attachments, and the
//! rest of Ingestion, are [`crate::candidate_api`]'s.
//!
//! Jobs, job posts and openings are the demo company's ([`crate::model`]):
//!
//! - `GET /v1/jobs` (`status`, `department_id`, `office_id`), `GET /v1/jobs/{id}`: v1 jobs with
//!   departments, offices, openings and hiring team embedded;
//! - `GET /v1/job_posts` (`live`, `internal`, `active`), `GET /v1/job_posts/{id}`,
//!   `GET /v1/jobs/{id}/job_posts` (same filters);
//! - `GET /v1/jobs/{id}/openings` (`status=open|closed`; next-only `Link`, as documented);
//! - `GET /v3/jobs`, `/v3/job_posts`, `/v3/openings`: v3 shapes, no embedded children;
//! - `GET /v1/users` (`email`), `/v1/users/{id}`, `/v3/users`: the demo company's users;
//!   `GET /v1/job_stages`, `/v1/jobs/{id}/stages`, `/v3/job_stages`: every job's four stages;
//!   `GET /v1/prospect_pools`.
//!
//! v1 lists page with `page`/`per_page` and `Link` (`next` while more, `last`; filters kept,
//! percent-encoded, in the links). v3 lists page by an opaque URL-safe base64 `cursor` that
//! carries the page size and the filters of the first request and must then be the only
//! parameter (else 400); `Link: rel="next"` only while more. Every other resource in
//! [`RESOURCES`] lists three placeholder items, enough for the product's permission probe.

use crate::candidates::People;
use crate::model::{self, Job, Post, User, USERS};
use crate::Fake;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// Every Harvest resource the product probes.
pub const RESOURCES: [&str; 9] =
    ["applications", "candidates", "jobs", "prospect_pools", "job_posts", "job_stages", "users", "openings", "close_reasons"];

/// Harvest v1 keys the fake knows, with the resources each may read.
pub const V1_FULL: &str = "harvest-v1-full-9f8e7d6c5b4a";
pub const V1_PARTIAL: &str = "harvest-v1-partial-1a2b3c4d5e6f";
pub const V1_PARTIAL_GRANTS: [&str; 4] = ["applications", "candidates", "jobs", "users"];
/// Harvest v3 client credentials: (client id, secret).
pub const V3_FULL: (&str, &str) = ("v3-client-full", "v3-secret-full-0a1b2c3d");
pub const V3_PARTIAL: (&str, &str) = ("v3-client-partial", "v3-secret-partial-9z8y7x");
pub const V3_PARTIAL_GRANTS: [&str; 3] = ["jobs", "job_posts", "users"];
/// The Greenhouse user the v3 clients act as (`sub`).
pub const V3_USER: &str = "4001";
/// A Candidate Ingestion key and the email of the user it belongs to.
pub const INGESTION_KEY: &str = "ingestion-key-5e6f7a8b9c0d";
pub const INGESTION_EMAIL: &str = "owner@northwind.example";

/// Harvest v1's per-key limit per 10 s window.
pub const RATE_LIMIT: u32 = 50;

#[derive(Default)]
pub struct HarvestState {
    /// Issued v3 access tokens → client id.
    pub tokens: HashMap<String, String>,
    /// Requests per key in the current window.
    pub window: HashMap<String, (Instant, u32)>,
    pub issued: u64,
    /// Tests can lower the limit (and shorten the window) to see 429s quickly.
    pub limit: Option<u32>,
    pub window_secs: Option<u64>,
    /// 429 answers given, for tests.
    pub throttled: u64,
}

fn grants_v1(key: &str) -> Option<Vec<&'static str>> {
    match key {
        V1_FULL => Some(RESOURCES.to_vec()),
        V1_PARTIAL => Some(V1_PARTIAL_GRANTS.to_vec()),
        _ => None,
    }
}

pub(crate) fn grants_v3(client: &str) -> Option<Vec<&'static str>> {
    match client {
        c if c == V3_FULL.0 => Some(RESOURCES.to_vec()),
        c if c == V3_PARTIAL.0 => Some(V3_PARTIAL_GRANTS.to_vec()),
        _ => None,
    }
}

pub(crate) fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let raw = headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(raw.trim()).ok()?).ok()?;
    let (u, p) = decoded.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

pub(crate) fn message(status: StatusCode, m: &str) -> Response {
    (status, Json(json!({ "message": m }))).into_response()
}

pub fn router() -> Router<Fake> {
    Router::new()
        .route("/v1/{resource}", get(v1_list))
        .route("/v1/jobs/{id}", get(v1_job))
        .route("/v1/job_posts/{id}", get(v1_post))
        .route("/v1/jobs/{id}/job_posts", get(v1_job_posts))
        .route("/v1/jobs/{id}/openings", get(v1_openings))
        .route("/v1/jobs/{id}/stages", get(v1_job_stages))
        .route("/v1/users/{id}", get(v1_user))
        .route("/token", post(token))
        .route("/v3/{resource}", get(v3_list).post(crate::candidate_api::v3_create))
        .route("/v1/partner/current_user", get(current_user))
        .merge(crate::candidate_api::router())
}

/// `Some(true|false)` for a `true`/`false` filter, `None` when absent (or neither).
fn flag(q: &BTreeMap<String, String>, name: &str) -> Option<bool> {
    q.get(name).and_then(|v| v.parse().ok())
}

/// Whether a post passes v1's `live`, `internal` and `active` filters (every post is active).
fn post_matches(p: &Post, q: &BTreeMap<String, String>) -> bool {
    flag(q, "live").is_none_or(|l| l == p.live) && flag(q, "internal").is_none_or(|i| i == p.internal) && flag(q, "active").is_none_or(|a| a)
}

/// A v1 list: jobs (filters `status`, `department_id`, `office_id`), job posts (filters
/// `live`, `internal`, `active`), or three placeholder items of any other resource.
fn items_v1(fake: &Fake, resource: &str, q: &BTreeMap<String, String>) -> Vec<Value> {
    let g = fake.0.lock().unwrap();
    let id = |name: &str| q.get(name).and_then(|v| v.parse::<u64>().ok());
    match resource {
        "jobs" => g
            .model
            .jobs
            .iter()
            .filter(|j| q.get("status").is_none_or(|s| s == j.status.as_str()))
            .filter(|j| id("department_id").is_none_or(|d| j.department == Some(d)))
            .filter(|j| id("office_id").is_none_or(|o| j.offices.contains(&o)))
            .map(Job::v1)
            .collect(),
        "job_posts" => g.model.posts.iter().filter(|p| post_matches(p, q)).map(Post::v1).collect(),
        // `email`: the user with this primary or other email (how an integration finds the
        // numeric id `On-Behalf-Of` wants).
        "users" => USERS.iter().filter(|u| q.get("email").is_none_or(|e| u.email.eq_ignore_ascii_case(e.trim()))).map(User::v1).collect(),
        "prospect_pools" => People::prospect_pools_v1(),
        "job_stages" => g.model.jobs.iter().flat_map(|j| People::job_stages_v1(&g.model, j.id)).collect(),
        other => placeholders(other),
    }
}

/// A v3 list (v3 embeds no children: openings are a list of their own) of the job side;
/// candidates, applications, attachments, users and job stages come from
/// [`crate::candidate_api::v3_items`].
fn items_v3(fake: &Fake, resource: &str) -> Vec<Value> {
    let g = fake.0.lock().unwrap();
    match resource {
        "jobs" => g.model.jobs.iter().map(Job::v3).collect(),
        "job_posts" => g.model.posts.iter().map(Post::v3).collect(),
        "openings" => g.model.openings().into_iter().map(|(job, o)| o.v3(job)).collect(),
        other => placeholders(other),
    }
}

/// What the fake serves for resources it does not model: enough for the permission probe.
fn placeholders(resource: &str) -> Vec<Value> {
    (1..=3).map(|i| json!({"id": 4_500_000_000u64 + i, "kind": resource})).collect()
}

/// Counts a request against the key's window; `Some(response)` when over the limit.
pub(crate) fn rate_limited(fake: &Fake, key: &str) -> (Option<Response>, u32) {
    let mut g = fake.0.lock().unwrap();
    let limit = g.harvest.limit.unwrap_or(RATE_LIMIT);
    let window = g.harvest.window_secs.unwrap_or(10);
    let now = Instant::now();
    let entry = g.harvest.window.entry(key.to_string()).or_insert((now, 0));
    if now.duration_since(entry.0) >= Duration::from_secs(window) {
        *entry = (now, 0);
    }
    entry.1 += 1;
    let used = entry.1;
    if used > limit {
        let wait = window.saturating_sub(now.duration_since(entry.0).as_secs()).max(1);
        g.harvest.throttled += 1;
        let mut r = message(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded");
        let h = r.headers_mut();
        h.insert("Retry-After", wait.to_string().parse().unwrap());
        h.insert("X-RateLimit-Limit", limit.to_string().parse().unwrap());
        h.insert("X-RateLimit-Remaining", "0".parse().unwrap());
        return (Some(r), limit);
    }
    (None, limit.saturating_sub(used))
}

/// One page of a v1 list with its `Link` header: `next` while there is more, and `last`
/// unless `next_only` (the newer scheme some endpoints use). Links keep the request's filters.
pub(crate) fn page_v1(all: Vec<Value>, q: &BTreeMap<String, String>, path: &str, remaining: u32, next_only: bool) -> Response {
    let per_page = q.get("per_page").and_then(|p| p.parse::<usize>().ok()).unwrap_or(100).clamp(1, 500);
    let page = q.get("page").and_then(|p| p.parse::<usize>().ok()).unwrap_or(1).max(1);
    let last = all.len().div_ceil(per_page).max(1);
    let slice: Vec<Value> = all.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    let filters: String = q.iter().filter(|(k, _)| *k != "page" && *k != "per_page").map(|(k, v)| format!("&{k}={}", encode(v))).collect();
    let mut links = Vec::new();
    if page < last {
        links.push(format!("<{path}?page={}&per_page={per_page}{filters}>; rel=\"next\"", page + 1));
    }
    if !next_only {
        links.push(format!("<{path}?page={last}&per_page={per_page}{filters}>; rel=\"last\""));
    }
    let mut r = Json(slice).into_response();
    let h = r.headers_mut();
    if !links.is_empty() {
        h.insert("Link", links.join(", ").parse().unwrap());
    }
    h.insert("X-RateLimit-Limit", RATE_LIMIT.to_string().parse().unwrap());
    h.insert("X-RateLimit-Remaining", remaining.to_string().parse().unwrap());
    r
}

/// Percent-encodes a query value for a `Link` (keeps unreserved characters and `,:@|`).
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b',' | b':' | b'@' | b'|' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Per-window requests left, for v3 replies too.
pub(crate) fn with_remaining(mut r: Response, remaining: u32) -> Response {
    r.headers_mut().insert("X-RateLimit-Remaining", remaining.to_string().parse().unwrap());
    r
}

#[allow(clippy::result_large_err)] // a test fake: the error is the HTTP answer itself
pub(crate) fn v1_auth(fake: &Fake, headers: &HeaderMap, resource: &str) -> Result<u32, Response> {
    let Some((key, _)) = basic(headers) else { return Err(message(StatusCode::UNAUTHORIZED, "Invalid Basic Auth credentials")) };
    let Some(grants) = grants_v1(&key) else { return Err(message(StatusCode::UNAUTHORIZED, "Invalid Basic Auth credentials")) };
    if !grants.contains(&resource) {
        return Err(message(StatusCode::FORBIDDEN, "This API Key does not have permission for this endpoint"));
    }
    let (limited, remaining) = rate_limited(fake, &key);
    match limited {
        Some(r) => Err(r),
        None => Ok(remaining),
    }
}

async fn v1_list(State(fake): State<Fake>, Path(resource): Path<String>, headers: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    if !RESOURCES.contains(&resource.as_str()) || resource == "openings" {
        return message(StatusCode::NOT_FOUND, "Resource not found");
    }
    match v1_auth(&fake, &headers, &resource) {
        Ok(remaining) => page_v1(items_v1(&fake, &resource, &q), &q, &format!("/v1/{resource}"), remaining, false),
        Err(r) => r,
    }
}

/// A v1 read of one thing: auth for `resource`, then `find` (404 when it finds nothing).
fn v1_one(fake: &Fake, headers: &HeaderMap, resource: &str, find: impl FnOnce(&crate::model::Model) -> Option<Value>) -> Response {
    match v1_auth(fake, headers, resource) {
        Ok(remaining) => match find(&fake.0.lock().unwrap().model) {
            Some(v) => with_remaining(Json(v).into_response(), remaining),
            None => message(StatusCode::NOT_FOUND, "Resource not found"),
        },
        Err(r) => r,
    }
}

async fn v1_job(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    v1_one(&fake, &headers, "jobs", |m| id.parse().ok().and_then(|id| m.job(id)).map(Job::v1))
}

async fn v1_post(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    v1_one(&fake, &headers, "job_posts", |m| id.parse().ok().and_then(|id| m.post(id)).map(Post::v1))
}

/// `GET /v1/jobs/{id}/job_posts`: the job's posts, with the `live`/`internal`/`active` filters.
async fn v1_user(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    v1_one(&fake, &headers, "users", |_| id.parse().ok().and_then(model::user_by_id).map(User::v1))
}

/// `GET /v1/jobs/{id}/stages`: the job's interview plan.
async fn v1_job_stages(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let remaining = match v1_auth(&fake, &headers, "job_stages") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let stages = {
        let g = fake.0.lock().unwrap();
        id.parse().ok().and_then(|id| g.model.job(id)).map(|j| People::job_stages_v1(&g.model, j.id))
    };
    match stages {
        Some(list) => page_v1(list, &q, &format!("/v1/jobs/{id}/stages"), remaining, false),
        None => message(StatusCode::NOT_FOUND, "Resource not found"),
    }
}

async fn v1_job_posts(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let remaining = match v1_auth(&fake, &headers, "job_posts") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let posts = {
        let g = fake.0.lock().unwrap();
        let job = id.parse().ok().and_then(|id| g.model.job(id));
        job.map(|j| g.model.posts_of(j.id).filter(|p| post_matches(p, &q)).map(Post::v1).collect::<Vec<_>>())
    };
    match posts {
        Some(posts) => page_v1(posts, &q, &format!("/v1/jobs/{id}/job_posts"), remaining, false),
        None => message(StatusCode::NOT_FOUND, "Resource not found"),
    }
}

/// `GET /v1/jobs/{id}/openings` (`status=open|opened|closed`): next-only paging, as documented.
async fn v1_openings(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let remaining = match v1_auth(&fake, &headers, "openings") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let want_open = match q.get("status").map(String::as_str) {
        Some("open" | "opened") => Some(true),
        Some("closed") => Some(false),
        _ => None,
    };
    let openings = {
        let g = fake.0.lock().unwrap();
        id.parse().ok().and_then(|id| g.model.job(id)).map(|j| {
            j.openings
                .iter()
                .filter(|o| want_open.is_none_or(|w| w == o.open))
                .map(|o| {
                    let mut v = o.v1();
                    v["custom_fields"] = json!({});
                    v
                })
                .collect::<Vec<_>>()
        })
    };
    match openings {
        Some(list) => page_v1(list, &q, &format!("/v1/jobs/{id}/openings"), remaining, true),
        None => message(StatusCode::NOT_FOUND, "Resource not found"),
    }
}

async fn token(State(fake): State<Fake>, headers: HeaderMap, Form(form): Form<BTreeMap<String, String>>) -> Response {
    let Some((client, secret)) = basic(&headers) else {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client"}))).into_response();
    };
    let known = [V3_FULL, V3_PARTIAL].iter().any(|(c, s)| *c == client && *s == secret);
    if !known {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client"}))).into_response();
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") || form.get("sub").map(String::as_str) != Some(V3_USER) {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant"}))).into_response();
    }
    let mut g = fake.0.lock().unwrap();
    g.harvest.issued += 1;
    let tok = format!("v3tok-{}-{}", g.harvest.issued, client.len());
    g.harvest.tokens.insert(tok.clone(), client);
    Json(json!({"access_token": tok, "token_type": "Bearer", "expires_in": 3600})).into_response()
}

/// Checks a v3 Bearer token and its grant for `grant`, and counts the request against the
/// token's rate limit window; the requests left in the window.
#[allow(clippy::result_large_err)] // a test fake: the error is the HTTP answer itself
pub(crate) fn v3_auth(fake: &Fake, headers: &HeaderMap, grant: &str) -> Result<u32, Response> {
    let tok =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or_default().to_string();
    let client = fake.0.lock().unwrap().harvest.tokens.get(&tok).cloned();
    let Some(grants) = client.as_deref().and_then(grants_v3) else { return Err(message(StatusCode::UNAUTHORIZED, "Invalid access token")) };
    if !grants.contains(&grant) {
        return Err(message(StatusCode::FORBIDDEN, "The access token lacks the scope for this endpoint"));
    }
    match rate_limited(fake, &tok) {
        (Some(r), _) => Err(r),
        (None, remaining) => Ok(remaining),
    }
}

/// The grant a v3 resource needs: its own, or `candidates` for attachments; `None` for a
/// resource the fake does not serve.
pub(crate) fn v3_grant(resource: &str) -> Option<&'static str> {
    match resource {
        "attachments" => Some("candidates"),
        r => RESOURCES.iter().find(|x| **x == r).copied(),
    }
}

async fn v3_list(State(fake): State<Fake>, Path(resource): Path<String>, headers: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let has_token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| fake.0.lock().unwrap().harvest.tokens.contains_key(t));
    let Some(grant) = v3_grant(&resource) else {
        return if has_token {
            message(StatusCode::NOT_FOUND, "Resource not found")
        } else {
            message(StatusCode::UNAUTHORIZED, "Invalid access token")
        };
    };
    let remaining = match v3_auth(&fake, &headers, grant) {
        Ok(r) => r,
        Err(r) => return r,
    };
    // Cursor pagination: an opaque cursor that carries the page size and the first request's
    // filters, which must then be the only query parameter; a `next` link only while there is more.
    let (start, per_page, filters) = match q.get("cursor") {
        None => {
            let per_page = q.get("per_page").and_then(|p| p.parse::<usize>().ok()).unwrap_or(100).clamp(1, 500);
            (0, per_page, q.iter().filter(|(k, _)| *k != "per_page").map(|(k, v)| (k.clone(), v.clone())).collect())
        }
        Some(_) if q.len() > 1 => return message(StatusCode::BAD_REQUEST, "When a cursor is given it must be the only query parameter"),
        Some(c) => match decode_cursor(c, &resource) {
            Some(at) => at,
            None => return message(StatusCode::BAD_REQUEST, "Invalid cursor"),
        },
    };
    let all = match resource.as_str() {
        "candidates" | "applications" | "attachments" | "users" | "job_stages" => {
            match crate::candidate_api::v3_items(&fake, &resource, &filters, &crate::candidate_api::base_url(&headers)) {
                Ok(all) => all,
                Err(r) => return r,
            }
        }
        _ => items_v3(&fake, &resource),
    };
    let slice: Vec<Value> = all.iter().skip(start).take(per_page).cloned().collect();
    let mut r = Json(slice).into_response();
    if start + per_page < all.len() {
        let mut raw = format!("{resource}:{}:{per_page}", start + per_page);
        if !filters.is_empty() {
            raw.push(':');
            raw.push_str(&serde_json::to_string(&filters).unwrap_or_default());
        }
        let cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        r.headers_mut().insert("Link", format!("</v3/{resource}?cursor={cursor}>; rel=\"next\"").parse().unwrap());
    }
    with_remaining(r, remaining)
}

/// (offset, page size, filters) of a cursor this fake issued for `resource`.
fn decode_cursor(cursor: &str, resource: &str) -> Option<(usize, usize, BTreeMap<String, String>)> {
    let raw = String::from_utf8(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let mut parts = raw.splitn(4, ':');
    (parts.next()? == resource).then_some(())?;
    let start = parts.next()?.parse().ok()?;
    let per_page = parts.next()?.parse::<usize>().ok()?.clamp(1, 500);
    let filters = match parts.next() {
        Some(f) => serde_json::from_str(f).ok()?,
        None => BTreeMap::new(),
    };
    Some((start, per_page, filters))
}

/// Candidate Ingestion's Basic auth: the key, and `On-Behalf-Of` naming a user by email
/// (any of [`model::USERS`], case-insensitive; [`INGESTION_EMAIL`] owns the key). Else 401.
#[allow(clippy::result_large_err)] // a test fake: the error is the HTTP answer itself
pub(crate) fn ingestion_auth(headers: &HeaderMap) -> Result<&'static User, Response> {
    let key_ok = basic(headers).is_some_and(|(k, _)| k == INGESTION_KEY);
    let email = headers.get("On-Behalf-Of").and_then(|v| v.to_str().ok()).unwrap_or_default();
    match model::user_by_email(email) {
        Some(u) if key_ok => Ok(u),
        _ => Err((StatusCode::UNAUTHORIZED, Json(json!({"errors": [{"message": "Invalid credentials or On-Behalf-Of user"}]}))).into_response()),
    }
}

async fn current_user(headers: HeaderMap) -> Response {
    match ingestion_auth(&headers) {
        Ok(u) => {
            Json(json!({"id": u.id, "full_name": u.name(), "first_name": u.first_name, "last_name": u.last_name, "email": u.email})).into_response()
        }
        Err(r) => r,
    }
}
