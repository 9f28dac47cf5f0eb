//! A fake of Cloudflare's purge API, for the worker's global purge (`CF_API_BASE` pointed
//! here):
//!
//! - `POST /zones/{zone_id}/purge_cache` `{"tags": [...]}` with `Authorization: Bearer <token>`:
//!   answers as Cloudflare does: `200 {"success": true, "errors": [], "messages": [],
//!   "result": {"id": …}}`; `403` (code 10000) for another token; `400` (code 7003) for another
//!   zone; `400` (code 1012) for no tags, more than 100 tags or a body that is not JSON. Every
//!   call is recorded, answered or not;
//! - `POST /__fake/cloudflare/fail` `{"count": n, "mode": "status_500" | "success_false" |
//!   "rate_limited"}`: the next `n` calls fail that way. The failing answers echo the request's
//!   `Authorization` header in their error message, as a confused proxy might, so tests can
//!   prove the worker never logs an answer's text;
//! - `GET /__fake/cloudflare/purges`: `{"purges": [Purge, …]}` in arrival order.
//!
//! `/__fake/reset` clears both.

use crate::Fake;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::VecDeque;

/// The zone the fake knows (the example id of Cloudflare's API documentation).
pub const ZONE_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// The one API token it accepts (Zone → Cache Purge → Purge on [`ZONE_ID`]).
pub const API_TOKEN: &str = "cf-purge-fake-token-6b1f0c2a9d";
/// Tags one request may name.
pub const MAX_TAGS: usize = 100;

/// How the next calls fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailMode {
    /// HTTP 500 with an error body.
    Status500,
    /// HTTP 200 with `"success": false`.
    SuccessFalse,
    /// HTTP 429, as the purge rate limit answers.
    RateLimited,
}

/// One call to the purge endpoint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Purge {
    pub zone: String,
    pub tags: Vec<String>,
    /// Whether the `Authorization` header was `Bearer` and the accepted token.
    pub authorized: bool,
    /// The status the fake answered.
    pub status: u16,
    /// Whether the answer said `"success": true`.
    pub success: bool,
    pub at_ms: u64,
}

#[derive(Debug, Clone, Default)]
pub struct CloudflareState {
    pub purges: Vec<Purge>,
    pub failures: VecDeque<FailMode>,
}

pub fn router() -> Router<Fake> {
    Router::new()
        .route("/zones/{zone}/purge_cache", post(purge))
        .route("/__fake/cloudflare/purges", get(list))
        .route("/__fake/cloudflare/fail", post(fail))
}

impl Fake {
    /// Every purge call so far.
    pub fn purges(&self) -> Vec<Purge> {
        self.0.lock().unwrap().cloudflare.purges.clone()
    }

    /// The next `count` purge calls fail with `mode`.
    pub fn fail_purges(&self, count: usize, mode: FailMode) {
        self.0.lock().unwrap().cloudflare.failures.extend(std::iter::repeat_n(mode, count));
    }
}

fn error(status: StatusCode, code: i64, message: &str) -> (StatusCode, Value) {
    (status, json!({"success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null}))
}

async fn purge(State(fake): State<Fake>, Path(zone): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let authorized = auth.strip_prefix("Bearer ").is_some_and(|t| t == API_TOKEN);
    let tags: Option<Vec<String>> =
        serde_json::from_slice::<Value>(&body).ok().and_then(|v| v.get("tags").cloned()).and_then(|t| serde_json::from_value(t).ok());
    let mut g = fake.0.lock().unwrap();
    let (status, answer) = if !authorized {
        error(StatusCode::FORBIDDEN, 10000, "Authentication error")
    } else if zone != ZONE_ID {
        error(StatusCode::BAD_REQUEST, 7003, "Could not route to /zones/purge_cache, perhaps your object identifier is invalid?")
    } else if !tags.as_ref().is_some_and(|t| (1..=MAX_TAGS).contains(&t.len())) {
        error(
            StatusCode::BAD_REQUEST,
            1012,
            "Request must contain one of \"purge_everything\", \"files\", \"tags\", \"hosts\" or \"prefixes\" (at most 100)",
        )
    } else {
        // A confused proxy that repeats what it was sent: the worker must not log it.
        let echo = format!("upstream refused the request with Authorization: {auth}");
        match g.cloudflare.failures.pop_front() {
            Some(FailMode::Status500) => error(StatusCode::INTERNAL_SERVER_ERROR, 10013, &echo),
            Some(FailMode::SuccessFalse) => error(StatusCode::OK, 1134, &echo),
            Some(FailMode::RateLimited) => error(StatusCode::TOO_MANY_REQUESTS, 971, &echo),
            None => {
                let id = format!("{:032x}", crate::model::now_ms() as u128 * 7919 + g.cloudflare.purges.len() as u128);
                (StatusCode::OK, json!({"success": true, "errors": [], "messages": [], "result": {"id": id}}))
            }
        }
    };
    g.cloudflare.purges.push(Purge {
        zone,
        tags: tags.unwrap_or_default(),
        authorized,
        status: status.as_u16(),
        success: answer["success"] == true,
        at_ms: crate::model::now_ms(),
    });
    (status, Json(answer)).into_response()
}

async fn list(State(fake): State<Fake>) -> Response {
    Json(json!({ "purges": fake.purges() })).into_response()
}

#[derive(Deserialize)]
struct Fail {
    count: usize,
    mode: FailMode,
}

async fn fail(State(fake): State<Fake>, Json(f): Json<Fail>) -> StatusCode {
    fake.fail_purges(f.count, f.mode);
    StatusCode::NO_CONTENT
}
