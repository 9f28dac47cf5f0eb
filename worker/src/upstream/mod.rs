//! Clients for Greenhouse. Every call Greenhouse receives from us starts here, bounded by a
//! timeout, and its failures are classified into [`UpstreamError`](crate::error::UpstreamError).

pub mod job_board;

use crate::error::UpstreamError;
use futures_util::future::{select, Either};
use serde::de::DeserializeOwned;
use std::time::Duration;
use worker::{AbortController, Delay, Fetch, Url};

/// GETs `url` and parses its JSON body, giving up after `timeout_ms`.
pub async fn get_json<T: DeserializeOwned>(url: &str, timeout_ms: u64) -> Result<T, UpstreamError> {
    let parsed = Url::parse(url).map_err(|e| UpstreamError::Network(e.to_string()))?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Url(parsed);
    let call = Box::pin(async move {
        let mut resp = fetch.send_with_signal(&signal).await.map_err(|e| UpstreamError::Network(e.to_string()))?;
        let status = resp.status_code();
        let body = resp.text().await.map_err(|e| UpstreamError::Network(e.to_string()))?;
        classify(status, &body)
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

/// POSTs a JSON body with an Authorization header, giving up after `timeout_ms`. The header
/// value is never logged.
pub async fn post_json(url: &str, authorization: &str, body: &str, timeout_ms: u64) -> Result<(u16, String), UpstreamError> {
    use worker::{Headers, Method, Request, RequestInit};
    let headers = Headers::new();
    headers.set("Authorization", authorization).map_err(|e| UpstreamError::Network(e.to_string()))?;
    headers.set("Content-Type", "application/json").map_err(|e| UpstreamError::Network(e.to_string()))?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let req = Request::new_with_init(url, &init).map_err(|e| UpstreamError::Network(e.to_string()))?;
    let call = Box::pin(async move {
        let mut resp = Fetch::Request(req).send_with_signal(&signal).await.map_err(|e| UpstreamError::Network(e.to_string()))?;
        let status = resp.status_code();
        let text = resp.text().await.map_err(|e| UpstreamError::Network(e.to_string()))?;
        Ok((status, text))
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
