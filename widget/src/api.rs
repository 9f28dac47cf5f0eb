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

async fn get<T: DeserializeOwned>(url: &str) -> Result<Loaded<T>, LoadError> {
    let resp = Request::get(url).send().await.map_err(|e| LoadError::Unavailable(e.to_string()))?;
    if resp.ok() {
        let stale = resp.headers().get("x-cache").is_some_and(|v| v == "STALE");
        let value = resp.json::<T>().await.map_err(|e| LoadError::Unavailable(e.to_string()))?;
        return Ok(Loaded { value, stale });
    }
    let status = resp.status();
    let message = resp.json::<ErrorBody>().await.map(|b| b.error.message).unwrap_or_else(|_| format!("HTTP {status}"));
    Err(if status == 404 { LoadError::NotFound } else { LoadError::Unavailable(message) })
}

pub async fn listing(api_base: &str, board: &str) -> Result<Loaded<BoardListing>, LoadError> {
    get(&format!("{api_base}/boards/{board}/jobs")).await
}

pub async fn job(api_base: &str, board: &str, id: u64) -> Result<JobDetail, LoadError> {
    get(&format!("{api_base}/boards/{board}/jobs/{id}")).await.map(|l| l.value)
}
