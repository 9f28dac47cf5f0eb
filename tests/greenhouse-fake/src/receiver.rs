//! Host callback receivers, for tests of the product's outgoing web hooks:
//!
//! - `POST /__fake/receiver/{name}` (any path below it too): records the delivery and answers
//!   the next scripted status (default 204, empty body);
//! - `POST /__fake/receiver/{name}/script` `{"statuses": [500, 500]}`: queues statuses for the
//!   next deliveries (204);
//! - `GET /__fake/receiver/{name}`: `{"deliveries": [Delivery, …]}` in arrival order (an
//!   unknown name has none);
//! - `DELETE /__fake/receiver/{name}`: forgets the receiver (204). `/__fake/reset` clears all.

use crate::Fake;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, VecDeque};

/// One request a receiver got.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Delivery {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    pub query: Option<String>,
    /// Every request header, names lower-cased; repeated headers joined with ", ".
    pub headers: BTreeMap<String, String>,
    /// The raw body (lossy UTF-8).
    pub body: String,
    /// When it arrived, in ms since the Unix epoch.
    pub at_ms: u64,
    /// The status the receiver answered.
    pub status: u16,
}

#[derive(Debug, Clone, Default)]
pub struct Receiver {
    pub deliveries: Vec<Delivery>,
    /// Statuses for the next deliveries, first first.
    pub script: VecDeque<u16>,
}

pub fn router() -> Router<Fake> {
    Router::new()
        .route("/__fake/receiver/{name}", get(list).post(record).put(record).patch(record).delete(forget))
        .route("/__fake/receiver/{name}/script", post(script))
        .route("/__fake/receiver/{name}/{*rest}", post(record_below))
}

async fn record(State(fake): State<Fake>, Path(name): Path<String>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    deliver(&fake, name, method, uri, headers, body)
}

async fn record_below(
    State(fake): State<Fake>,
    Path((name, _)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    deliver(&fake, name, method, uri, headers, body)
}

fn deliver(fake: &Fake, name: String, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let mut all: BTreeMap<String, String> = BTreeMap::new();
    for (n, v) in &headers {
        let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
        all.entry(n.as_str().to_ascii_lowercase()).and_modify(|e| *e = format!("{e}, {v}")).or_insert(v);
    }
    let mut g = fake.0.lock().unwrap();
    let r = g.receivers.entry(name).or_default();
    let status = r.script.pop_front().unwrap_or(204);
    r.deliveries.push(Delivery {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        headers: all,
        body: String::from_utf8_lossy(&body).into_owned(),
        at_ms: crate::model::now_ms(),
        status,
    });
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}

async fn list(State(fake): State<Fake>, Path(name): Path<String>) -> Response {
    let g = fake.0.lock().unwrap();
    let deliveries = g.receivers.get(&name).map(|r| r.deliveries.clone()).unwrap_or_default();
    Json(json!({ "deliveries": deliveries })).into_response()
}

async fn forget(State(fake): State<Fake>, Path(name): Path<String>) -> StatusCode {
    fake.0.lock().unwrap().receivers.remove(&name);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Script {
    statuses: Vec<u16>,
}

async fn script(State(fake): State<Fake>, Path(name): Path<String>, Json(s): Json<Script>) -> Response {
    if let Some(bad) = s.statuses.iter().find(|s| !(200..=599).contains(*s)) {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": format!("not an HTTP status: {bad}")}))).into_response();
    }
    fake.0.lock().unwrap().receivers.entry(name).or_default().script.extend(s.statuses);
    StatusCode::NO_CONTENT.into_response()
}
