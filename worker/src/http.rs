//! Response shaping shared by every route: JSON bodies, ETags, cache headers, CORS, the
//! headers every response carries, and `HEAD`.

use crate::error::ApiError;
use sha2::{Digest, Sha256};
use worker::{Headers, Response};

/// Browsers and shared caches may keep a listing for a minute, then revalidate with the
/// ETag; they may show a stale copy while doing so, or for a day if we are failing.
pub const LISTING_CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400";

/// A strong ETag over the exact bytes of a body.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether an `If-None-Match` header value matches `etag` (list form, weak prefixes, `*`).
pub fn if_none_match_hits(header: Option<&str>, etag: &str) -> bool {
    let Some(h) = header else { return false };
    h.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == etag)
}

/// Where a cached answer came from, reported in `X-Cache` for operators and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    /// The isolate's memory.
    Memory,
    /// The data centre's Cache API.
    Edge,
    /// Just read from Greenhouse.
    Miss,
    /// The global KV last-good copy.
    Kv,
    /// Older than the freshness window, served while a background refresh runs.
    Revalidating,
    /// Greenhouse failed; a last good copy was served.
    Stale,
}

impl CacheStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Memory => "HIT-MEMORY",
            Self::Edge => "HIT-EDGE",
            Self::Miss => "MISS",
            Self::Kv => "HIT-KV",
            Self::Revalidating => "HIT-STALE",
            Self::Stale => "STALE",
        }
    }
}

pub fn cors(headers: &Headers) -> worker::Result<()> {
    // The read API is public and carries no credentials: any embedding site may read it.
    headers.set("Access-Control-Allow-Origin", "*")?;
    headers.set("Access-Control-Expose-Headers", "ETag, X-Cache, X-Data-Age")?;
    Ok(())
}

/// A JSON body with ETag, cache headers and CORS; `304 Not Modified` when the client has it.
pub fn cached_json(body: &str, etag: &str, if_none_match: Option<&str>, status: CacheStatus, age_secs: u64) -> worker::Result<Response> {
    cached(body, etag, if_none_match, status, age_secs, "application/json; charset=utf-8")
}

/// A body of `content_type` under the listing's rules: ETag, cache headers, CORS, `304`.
pub fn cached(
    body: &str,
    etag: &str,
    if_none_match: Option<&str>,
    status: CacheStatus,
    age_secs: u64,
    content_type: &str,
) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set("ETag", etag)?;
    headers.set("Cache-Control", LISTING_CACHE_CONTROL)?;
    headers.set("X-Cache", status.as_str())?;
    headers.set("X-Data-Age", &age_secs.to_string())?;
    cors(&headers)?;
    if if_none_match_hits(if_none_match, etag) {
        return Ok(Response::empty()?.with_status(304).with_headers(headers));
    }
    headers.set("Content-Type", content_type)?;
    Ok(Response::ok(body)?.with_headers(headers))
}

/// A board's response with its `Cache-Tag` (`board:{token}`, and `job:{token}:{id}` for a
/// job's), so a cache in front of the worker can keep it and the global purge can reach it.
/// A token that is not a valid board token gets no header.
pub fn tagged(mut resp: Response, token: &str, job: Option<u64>) -> worker::Result<Response> {
    if let Some(tag) = crate::purge::cache_tag(token, job) {
        resp.headers_mut().set("Cache-Tag", &tag)?;
    }
    Ok(resp)
}

/// Headers on every response the worker sends, errors included: browsers must take the
/// declared content type as it is, never sniff another (a JSON error shown as HTML, say).
pub const EVERY_RESPONSE: [(&str, &str); 1] = [("X-Content-Type-Options", "nosniff")];

/// The last step for every response: the headers every response carries, and for a `HEAD`
/// request the `GET` answer without its body (status and headers as they are).
pub fn finish(resp: Response, head: bool) -> worker::Result<Response> {
    let mut resp = if head { Response::empty()?.with_status(resp.status_code()).with_headers(resp.headers().clone()) } else { resp };
    for (name, value) in EVERY_RESPONSE {
        resp.headers_mut().set(name, value)?;
    }
    Ok(resp)
}

/// A `HEAD` request as the `GET` it asks about, so every read route answers it alike.
pub fn as_get(req: &worker::Request) -> worker::Result<worker::Request> {
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Get).with_headers(req.headers().clone());
    worker::Request::new_with_init(req.url()?.as_str(), &init)
}

/// The one place errors become responses.
pub fn error_response(err: &ApiError) -> worker::Result<Response> {
    if matches!(err, ApiError::Internal(_) | ApiError::Upstream(_)) {
        worker::console_error!("{err:?}");
    }
    let headers = Headers::new();
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    headers.set("Cache-Control", "no-store")?;
    cors(&headers)?;
    let body = serde_json::to_string(&err.body()).unwrap_or_default();
    Ok(Response::ok(body)?.with_status(err.status()).with_headers(headers))
}

/// Answers CORS preflights for the read API.
pub fn preflight() -> worker::Result<Response> {
    let headers = Headers::new();
    cors(&headers)?;
    headers.set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")?;
    headers.set("Access-Control-Allow-Headers", "If-None-Match, Content-Type, Authorization")?;
    headers.set("Access-Control-Max-Age", "86400")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_quoted_stable_and_content_sensitive() {
        let a = etag(b"hello");
        assert_eq!(a, etag(b"hello"));
        assert_ne!(a, etag(b"hello!"));
        assert!(a.starts_with('"') && a.ends_with('"') && a.len() == 26);
    }

    #[test]
    fn if_none_match_understands_lists_weak_tags_and_star() {
        let e = "\"abc\"";
        assert!(if_none_match_hits(Some("\"abc\""), e));
        assert!(if_none_match_hits(Some("\"x\", W/\"abc\""), e));
        assert!(if_none_match_hits(Some("*"), e));
        assert!(!if_none_match_hits(Some("\"abd\""), e));
        assert!(!if_none_match_hits(None, e));
    }
}
