//! Clients for Greenhouse. Every call Greenhouse receives from us starts here, bounded by a
//! timeout, and its failures are classified into [`UpstreamError`](crate::error::UpstreamError).

pub mod greenhouse_api;
pub mod job_board;

use crate::error::UpstreamError;
use futures_util::future::{select, Either};
use serde::de::DeserializeOwned;
use std::time::Duration;
use worker::{AbortController, Delay, Fetch};

/// GETs `url` and parses its JSON body, giving up after `timeout_ms`.
pub async fn get_json<T: DeserializeOwned>(url: &str, timeout_ms: u64) -> Result<T, UpstreamError> {
    let r = send(worker::Method::Get, url, &[], None, timeout_ms).await?;
    classify(r.status, &r.body)
}

/// Sends one request with headers and an optional body, giving up after `timeout_ms`.
/// Returns status, the `Link` and `Retry-After` headers, and the body. Header values (which
/// carry credentials) are never logged.
pub async fn send(
    method: worker::Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
    timeout_ms: u64,
) -> Result<Reply, UpstreamError> {
    use worker::{Headers, Request, RequestInit};
    crate::metrics::count(|c| c.upstream_calls += 1);
    let h = Headers::new();
    for (k, v) in headers {
        h.set(k, v).map_err(|e| UpstreamError::Network(e.to_string()))?;
    }
    let controller = AbortController::default();
    let signal = controller.signal();
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(h).with_body(body.map(Into::into));
    if headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("Authorization")) {
        // A credential is never carried to wherever a redirect points: Greenhouse's APIs do
        // not redirect, so a redirect is answered as it is.
        init.with_redirect(worker::RequestRedirect::Manual);
    }
    let req = Request::new_with_init(url, &init).map_err(|e| UpstreamError::Network(e.to_string()))?;
    let call = Box::pin(async move {
        let mut resp = Fetch::Request(req).send_with_signal(&signal).await.map_err(|e| UpstreamError::Network(e.to_string()))?;
        let status = resp.status_code();
        let link = resp.headers().get("Link").ok().flatten();
        let retry_after = resp.headers().get("Retry-After").ok().flatten();
        let remaining = resp.headers().get("X-RateLimit-Remaining").ok().flatten().and_then(|v| v.trim().parse().ok());
        let text = resp.text().await.map_err(|e| UpstreamError::Network(e.to_string()))?;
        Ok(Reply { status, link, retry_after, remaining, body: text })
    });
    let timer = Box::pin(Delay::from(Duration::from_millis(timeout_ms)));
    let outcome = match select(call, timer).await {
        Either::Left((result, _)) => Some(result),
        Either::Right(((), _)) => None,
    };
    outcome.unwrap_or_else(|| {
        controller.abort();
        Err(UpstreamError::Timeout(timeout_ms))
    })
}

/// What Greenhouse answered.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub link: Option<String>,
    pub retry_after: Option<String>,
    /// `X-RateLimit-Remaining`, when Greenhouse announces it.
    pub remaining: Option<u32>,
    pub body: String,
}

/// POSTs a JSON body with an Authorization header, giving up after `timeout_ms`.
pub async fn post_json(url: &str, authorization: &str, body: &str, timeout_ms: u64) -> Result<(u16, String), UpstreamError> {
    let headers = [("Authorization", authorization), ("Content-Type", "application/json")];
    let r = send(worker::Method::Post, url, &headers, Some(body.to_string()), timeout_ms).await?;
    Ok((r.status, r.body))
}

/// Turns a status and body into a value or a classified error.
pub fn classify<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, UpstreamError> {
    match status {
        200..=299 => serde_json::from_str(body).map_err(|e| UpstreamError::Malformed(e.to_string())),
        404 => Err(UpstreamError::NotFound),
        s => Err(UpstreamError::Status(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::greenhouse::job_board::JobList;

    #[test]
    fn statuses_and_bodies_are_classified() {
        assert!(classify::<JobList>(200, r#"{"jobs":[]}"#).is_ok());
        assert_eq!(classify::<JobList>(404, "").unwrap_err(), UpstreamError::NotFound);
        assert_eq!(classify::<JobList>(503, "down").unwrap_err(), UpstreamError::Status(503));
        assert!(matches!(classify::<JobList>(200, "<html>").unwrap_err(), UpstreamError::Malformed(_)));
    }
}
