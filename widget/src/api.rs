//! Calls to the worker's read API. Errors keep the worker's stable error code so the views
//! can tell "no such board" from "Greenhouse is down"; a stale copy is flagged.

use gloo_net::http::Request;
use serde::de::DeserializeOwned;
use shared::api::{BoardListing, ErrorBody, JobDetail};

#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The worker said 404 (`board_not_found` / `job_not_found`).
    NotFound,
    /// Greenhouse or the worker is failing; try later.
    Unavailable(String),
}

/// A body, and whether the worker served its last good copy because Greenhouse failed.
#[derive(Clone)]
pub struct Loaded<T> {
    pub value: T,
    pub stale: bool,
}

/// Parses a body with the browser's own JSON parser, then maps it onto our types: this keeps
/// serde_json (and its float formatting) out of the visitor bundle.
async fn json<T: DeserializeOwned>(resp: gloo_net::http::Response) -> Result<T, LoadError> {
    let promise = web_sys::Response::from(resp).json().map_err(|_| LoadError::Unavailable("unreadable body".into()))?;
    let value = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|_| LoadError::Unavailable("invalid JSON".into()))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| LoadError::Unavailable(e.to_string()))
}

async fn get<T: DeserializeOwned>(url: &str) -> Result<Loaded<T>, LoadError> {
    let resp = Request::get(url).send().await.map_err(|e| LoadError::Unavailable(e.to_string()))?;
    if resp.ok() {
        let stale = resp.headers().get("x-cache").is_some_and(|v| v == "STALE");
        return Ok(Loaded { value: json::<T>(resp).await?, stale });
    }
    let status = resp.status();
    let message = json::<ErrorBody>(resp).await.map(|b| b.error.message).unwrap_or_else(|_| "HTTP error".into());
    Err(if status == 404 { LoadError::NotFound } else { LoadError::Unavailable(message) })
}

pub async fn listing(api_base: &str, board: &str) -> Result<Loaded<BoardListing>, LoadError> {
    get(&format!("{api_base}/boards/{board}/jobs")).await
}

pub async fn job(api_base: &str, board: &str, id: u64) -> Result<JobDetail, LoadError> {
    get(&format!("{api_base}/boards/{board}/jobs/{id}")).await.map(|l| l.value)
}
