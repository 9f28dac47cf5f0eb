//! The authenticated Greenhouse APIs an owner connects: Harvest (v3 first, v1 as legacy,
//! behind one trait), Candidate Ingestion, and a Job Board key check. Each verification
//! says whether the credentials work and, for Harvest, which permissions they carry.

use super::{send, Reply};
use crate::config::Config;
use crate::error::UpstreamError;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::Deserialize;
use shared::owner::{Permission, Region};
use std::cell::RefCell;
use std::collections::HashMap;
use worker::Method;

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", B64.encode(format!("{user}:{password}")))
}

/// One Harvest API version. v3 and v1 differ in auth and paths, not in what we ask.
#[allow(async_fn_in_trait)] // single-threaded runtime: the futures need not be Send
pub trait Harvest {
    /// GET a resource's first page (one item): enough to learn whether it is permitted.
    async fn first_page(&self, resource: &str) -> Result<Reply, UpstreamError> {
        self.get(&format!("{}{resource}?per_page=1", self.prefix())).await
    }
    /// GET a URL (absolute, or a path on the Harvest host) with this version's auth.
    async fn get(&self, url: &str) -> Result<Reply, UpstreamError>;
    /// POST JSON to a path on the Harvest host with this version's auth (and, for v1, the
    /// On-Behalf-Of user Greenhouse requires for writes).
    async fn post(&self, url: &str, body: &str) -> Result<Reply, UpstreamError>;
    /// `https://host/v1/` or `https://host/v3/`.
    fn prefix(&self) -> String;
    /// The configured Harvest host of the credential's region: the only place its
    /// credentials are sent.
    fn base(&self) -> &str;
    /// The path that needs `permission`, given a job id when the version nests it.
    fn resource(&self, permission: Permission, job: Option<u64>) -> Option<String>;
}

pub struct V1 {
    pub base: String,
    pub key: String,
    pub on_behalf_of: Option<String>,
    pub timeout_ms: u64,
}

/// The URL to send a Harvest request to: on the configured host only (see [`follow`]).
fn absolute(base: &str, url: &str) -> Result<String, UpstreamError> {
    follow(base, url).ok_or_else(|| UpstreamError::Network("refused to send credentials to a host other than the configured Harvest host".into()))
}

impl Harvest for V1 {
    async fn get(&self, url: &str) -> Result<Reply, UpstreamError> {
        let auth = basic(&self.key, "");
        let mut headers = vec![("Authorization", auth.as_str())];
        if let Some(u) = &self.on_behalf_of {
            headers.push(("On-Behalf-Of", u.as_str()));
        }
        send(Method::Get, &absolute(&self.base, url)?, &headers, None, self.timeout_ms).await
    }

    async fn post(&self, url: &str, body: &str) -> Result<Reply, UpstreamError> {
        let auth = basic(&self.key, "");
        let mut headers = vec![("Authorization", auth.as_str()), ("Content-Type", "application/json")];
        if let Some(u) = &self.on_behalf_of {
            headers.push(("On-Behalf-Of", u.as_str()));
        }
        send(Method::Post, &absolute(&self.base, url)?, &headers, Some(body.to_string()), self.timeout_ms).await
    }

    fn prefix(&self) -> String {
        format!("{}/v1/", self.base)
    }

    fn base(&self) -> &str {
        &self.base
    }

    fn resource(&self, p: Permission, job: Option<u64>) -> Option<String> {
        match p {
            Permission::Openings => job.map(|j| format!("jobs/{j}/openings")),
            _ => Some(p.probe_path().to_string()),
        }
    }
}

pub struct V3 {
    pub base: String,
    pub token: String,
    pub timeout_ms: u64,
}

impl Harvest for V3 {
    async fn get(&self, url: &str) -> Result<Reply, UpstreamError> {
        let auth = format!("Bearer {}", self.token);
        send(Method::Get, &absolute(&self.base, url)?, &[("Authorization", auth.as_str())], None, self.timeout_ms).await
    }

    async fn post(&self, url: &str, body: &str) -> Result<Reply, UpstreamError> {
        let auth = format!("Bearer {}", self.token);
        let headers = [("Authorization", auth.as_str()), ("Content-Type", "application/json")];
        send(Method::Post, &absolute(&self.base, url)?, &headers, Some(body.to_string()), self.timeout_ms).await
    }

    fn prefix(&self) -> String {
        format!("{}/v3/", self.base)
    }

    fn base(&self) -> &str {
        &self.base
    }

    fn resource(&self, p: Permission, _job: Option<u64>) -> Option<String> {
        Some(p.probe_path().to_string())
    }
}

/// What verifying a credential found.
#[derive(Debug, Clone, PartialEq)]
pub enum Verified {
    /// Works; for Harvest, with these permissions.
    Ok(Vec<Permission>),
    /// Greenhouse said no: wrong key, secret, user or board.
    Invalid(String),
    /// Greenhouse could not be asked.
    Unreachable(String),
}

/// Probes every permission the product uses. A 401 anywhere means the credential is bad.
pub async fn probe<H: Harvest>(h: &H) -> Verified {
    let mut granted = Vec::new();
    let mut first_job = None;
    for p in Permission::ALL {
        let Some(path) = h.resource(p, first_job) else { continue };
        match h.first_page(&path).await {
            Ok(r) if (200..300).contains(&r.status) => {
                granted.push(p);
                if p == Permission::Jobs {
                    first_job = first_id(&r.body);
                }
            }
            Ok(r) if r.status == 401 => return Verified::Invalid("Greenhouse did not accept these credentials.".into()),
            Ok(r) if r.status == 403 || r.status == 404 => {}
            Ok(r) => return Verified::Unreachable(format!("Greenhouse answered HTTP {}", r.status)),
            Err(e) => return Verified::Unreachable(e.to_string()),
        }
    }
    Verified::Ok(granted)
}

/// The first item's id in a list body (`[{"id":…}]` in v1, `{"data":[…]}` or a list in v3).
fn first_id(body: &str) -> Option<u64> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let list = v.as_array().or_else(|| v.get("data").and_then(|d| d.as_array()))?;
    list.first()?.get("id")?.as_u64()
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

thread_local! {
    /// v3 access tokens per org, until shortly before they expire.
    static TOKENS: RefCell<HashMap<String, (String, u64)>> = RefCell::new(HashMap::new());
}

/// Forgets an org's cached token (when its credential is removed or replaced).
pub fn forget_token(org: &str) {
    TOKENS.with(|t| t.borrow_mut().remove(org));
}

/// A v3 access token by client credentials; cached per org until a minute before expiry.
pub async fn v3_token(
    cfg: &Config,
    region: Region,
    org: Option<&str>,
    client_id: &str,
    secret: &str,
    sub: &str,
    now_ms: u64,
) -> Result<String, Verified> {
    if let Some(org) = org {
        if let Some((tok, until)) = TOKENS.with(|t| t.borrow().get(org).cloned()) {
            if until > now_ms {
                return Ok(tok);
            }
        }
    }
    let url = format!("{}/token", cfg.hosts.auth(region));
    let auth = basic(client_id, secret);
    let body = format!("grant_type=client_credentials&sub={}", sub.trim());
    let reply = send(
        Method::Post,
        &url,
        &[("Authorization", auth.as_str()), ("Content-Type", "application/x-www-form-urlencoded")],
        Some(body),
        cfg.upstream_timeout_ms,
    )
    .await
    .map_err(|e| Verified::Unreachable(e.to_string()))?;
    match reply.status {
        200..=299 => {
            let t: TokenReply = serde_json::from_str(&reply.body).map_err(|_| Verified::Unreachable("unreadable token reply".into()))?;
            if let Some(org) = org {
                let until = now_ms + t.expires_in.unwrap_or(3600).saturating_sub(60) * 1000;
                TOKENS.with(|m| m.borrow_mut().insert(org.to_string(), (t.access_token.clone(), until)));
            }
            Ok(t.access_token)
        }
        400 | 401 | 403 => Err(Verified::Invalid("Greenhouse refused this client ID, secret or user ID.".into())),
        s => Err(Verified::Unreachable(format!("Greenhouse answered HTTP {s}"))),
    }
}

/// Candidate Ingestion: `current_user` with the key and the user's email as On-Behalf-Of.
pub async fn verify_ingestion(cfg: &Config, region: Region, key: &str, email: &str) -> Verified {
    let url = format!("{}/v1/partner/current_user", cfg.hosts.ingestion(region));
    let auth = basic(key, "");
    match send(Method::Get, &url, &[("Authorization", auth.as_str()), ("On-Behalf-Of", email)], None, cfg.upstream_timeout_ms).await {
        Ok(r) if (200..300).contains(&r.status) => Verified::Ok(vec![]),
        Ok(r) if r.status == 401 || r.status == 403 => Verified::Invalid("Greenhouse did not accept this key for that user's email.".into()),
        Ok(r) => Verified::Unreachable(format!("Greenhouse answered HTTP {}", r.status)),
        Err(e) => Verified::Unreachable(e.to_string()),
    }
}

/// The Job Board: the board must exist, and the key must pass Basic auth. Greenhouse has no
/// endpoint to test a key, so an empty application to job 0 is sent: Greenhouse checks the
/// key first (401 when wrong) and then refuses the non-existent job, storing nothing.
pub async fn verify_job_board(cfg: &Config, region: Region, board: &str, key: &str) -> Verified {
    let base = cfg.hosts.boards(region);
    match send(Method::Get, &format!("{base}/v1/boards/{board}"), &[], None, cfg.upstream_timeout_ms).await {
        Ok(r) if r.status == 404 => return Verified::Invalid(format!("There is no job board called \"{board}\".")),
        Ok(r) if (200..300).contains(&r.status) => {}
        Ok(r) => return Verified::Unreachable(format!("Greenhouse answered HTTP {}", r.status)),
        Err(e) => return Verified::Unreachable(e.to_string()),
    }
    let auth = basic(key, "");
    let url = format!("{base}/v1/boards/{board}/jobs/0");
    match send(
        Method::Post,
        &url,
        &[("Authorization", auth.as_str()), ("Content-Type", "application/json")],
        Some("{}".into()),
        cfg.upstream_timeout_ms,
    )
    .await
    {
        Ok(r) => job_board_key_answer(r.status, &r.body),
        Err(e) => Verified::Unreachable(e.to_string()),
    }
}

/// What Greenhouse's answer to the empty application for job 0 says about the key. Only
/// an explicit "auth passed" counts: Greenhouse checks Basic auth first and then answers
/// 2xx with an error body for the job that does not exist. A 401/403 is a wrong key; any
/// other answer (404, 400, 429, 5xx) proves nothing, so nothing is stored.
pub fn job_board_key_answer(status: u16, body: &str) -> Verified {
    let unclear = |why: String| Verified::Unreachable(format!("Greenhouse gave no clear answer about the key ({why}); please try again"));
    match status {
        // Auth passed only if Greenhouse then refused the application itself: a JSON error
        // about the job. A 2xx that says nothing, or speaks of credentials, proves nothing.
        200..=299 => match crate::apply::outcome(status, body) {
            crate::apply::Outcome::Rejected(_) => Verified::Ok(vec![]),
            crate::apply::Outcome::KeyRefused(_) => Verified::Invalid("Greenhouse did not accept this Job Board API key.".into()),
            _ => unclear(format!("HTTP {status} without Greenhouse's refusal of job 0")),
        },
        401 | 403 => Verified::Invalid("Greenhouse did not accept this Job Board API key.".into()),
        s => unclear(format!("HTTP {s}")),
    }
}

/// The `rel="next"` URL of a `Link` header (v1 page links and v3 cursors alike).
pub fn next_link(link: Option<&str>) -> Option<String> {
    link?.split(',').find(|part| part.contains("rel=\"next\"")).and_then(|part| {
        let (_, rest) = part.split_once('<')?;
        let (url, _) = rest.split_once('>')?;
        Some(url.trim().to_string()).filter(|u| !u.is_empty())
    })
}

/// Where a `next` link may be followed with credentials: a path on the configured Harvest
/// host, or an absolute URL on exactly that origin (scheme, host and port) — never
/// elsewhere, whatever the `Link` header says.
pub fn follow(base: &str, next: &str) -> Option<String> {
    fn origin(url: &str) -> Option<&str> {
        let (scheme, rest) = url.split_once("://")?;
        if !matches!(scheme, "https" | "http") {
            return None;
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        if authority.is_empty() || authority.contains('@') || authority.contains('\\') {
            return None;
        }
        Some(&url[..scheme.len() + 3 + end])
    }
    let base_origin = origin(base)?;
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        return Some(format!("{}{next}", base.trim_end_matches('/')));
    }
    (origin(next)? == base_origin).then(|| next.to_string())
}

/// Seconds to wait from a `Retry-After` value: delta-seconds or an HTTP date.
pub fn retry_after_secs(value: Option<&str>, now_ms: u64) -> Option<u64> {
    let v = value?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs);
    }
    let at = js_sys::Date::parse(v);
    (!at.is_nan()).then(|| ((at as u64).saturating_sub(now_ms)).div_ceil(1000))
}

/// Limits on following a list: how many pages, how long to wait on a 429, how often.
pub struct Paging {
    pub per_page: u32,
    pub max_pages: usize,
    pub max_wait_secs: u64,
    pub max_retries: u32,
    /// Harvest's rate-limit window: when a reply says no requests remain, wait this long.
    pub window_secs: u64,
}

/// Every page of a Harvest list, following `Link: rel="next"` (v1 pages, v3 cursors) on
/// the configured host only, handing each page to `visit` so no caller has to hold every
/// item. A 429 is waited out for its `Retry-After` (bounded); when a reply announces no
/// remaining requests the next one waits for the window, so the announced limit is not
/// exceeded.
pub async fn for_each_page<H: Harvest>(
    h: &H,
    resource: &str,
    p: &Paging,
    mut visit: impl FnMut(Vec<serde_json::Value>),
) -> Result<(), UpstreamError> {
    let sep = if resource.contains('?') { '&' } else { '?' };
    let mut url = format!("{}{resource}{sep}per_page={}", h.prefix(), p.per_page);
    for _ in 0..p.max_pages {
        let mut retries = 0;
        let reply = loop {
            let r = h.get(&url).await?;
            if r.status != 429 {
                break r;
            }
            retries += 1;
            if retries > p.max_retries {
                return Err(UpstreamError::Status(429));
            }
            let wait = retry_after_secs(r.retry_after.as_deref(), worker::Date::now().as_millis()).unwrap_or(1).clamp(1, p.max_wait_secs);
            worker::Delay::from(std::time::Duration::from_secs(wait)).await;
        };
        if !(200..300).contains(&reply.status) {
            return Err(UpstreamError::Status(reply.status));
        }
        let v: serde_json::Value = serde_json::from_str(&reply.body).map_err(|e| UpstreamError::Malformed(e.to_string()))?;
        let page = match v {
            serde_json::Value::Array(items) => items,
            serde_json::Value::Object(mut o) => match o.remove("data") {
                Some(serde_json::Value::Array(items)) => items,
                _ => vec![],
            },
            _ => vec![],
        };
        visit(page);
        match next_link(reply.link.as_deref()) {
            Some(next) => url = absolute(h.base(), &next)?,
            None => return Ok(()),
        }
        if reply.remaining == Some(0) {
            worker::Delay::from(std::time::Duration::from_secs(p.window_secs)).await;
        }
    }
    Ok(())
}

/// Every item of a Harvest list (see [`for_each_page`]).
pub async fn list_all<H: Harvest>(h: &H, resource: &str, p: &Paging) -> Result<Vec<serde_json::Value>, UpstreamError> {
    let mut items = Vec::new();
    for_each_page(h, resource, p, |page| items.extend(page)).await?;
    Ok(items)
}

/// How many items a Harvest list has, holding one page at a time.
pub async fn count_all<H: Harvest>(h: &H, resource: &str, p: &Paging) -> Result<usize, UpstreamError> {
    let mut n = 0;
    for_each_page(h, resource, p, |page| n += page.len()).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_explicit_auth_passed_verifies_a_job_board_key() {
        let refused_job = r#"{"error":"Failed to save person","reason":"Job application not live"}"#;
        assert_eq!(job_board_key_answer(200, refused_job), Verified::Ok(vec![]), "auth passed, job 0 refused");
        assert!(matches!(job_board_key_answer(401, ""), Verified::Invalid(_)));
        assert!(matches!(job_board_key_answer(403, ""), Verified::Invalid(_)));
        // Review finding: any 2xx counted as "auth passed", so a board could be claimed with a
        // key Greenhouse had answered with 200 and a credentials error, or with nothing at all.
        assert!(matches!(job_board_key_answer(200, r#"{"error":"Invalid Basic Auth credentials"}"#), Verified::Invalid(_)));
        assert!(matches!(job_board_key_answer(200, ""), Verified::Unreachable(_)));
        assert!(matches!(job_board_key_answer(200, r#"{"success":"Candidate saved successfully"}"#), Verified::Unreachable(_)));
        for s in [404, 400, 429, 500, 302] {
            assert!(matches!(job_board_key_answer(s, refused_job), Verified::Unreachable(_)), "HTTP {s} proves nothing");
        }
    }

    #[test]
    fn next_links_are_found_among_others() {
        let h = r#"<https://harvest.greenhouse.io/v1/jobs?page=2&per_page=1>; rel="next", <https://harvest.greenhouse.io/v1/jobs?page=9&per_page=1>; rel="last""#;
        assert_eq!(next_link(Some(h)).as_deref(), Some("https://harvest.greenhouse.io/v1/jobs?page=2&per_page=1"));
        assert_eq!(next_link(Some(r#"</v3/jobs?cursor=abc>; rel="next""#)).as_deref(), Some("/v3/jobs?cursor=abc"));
        assert_eq!(next_link(Some(r#"<x>; rel="last""#)), None);
        assert_eq!(next_link(None), None);
    }

    #[test]
    fn malformed_links_never_panic() {
        for h in [r#">x<; rel="next""#, r#"<; rel="next""#, r#"rel="next""#, r#"<>; rel="next""#, "", ",,,", r#"<a>>; rel="next""#] {
            let _ = next_link(Some(h));
        }
        assert_eq!(next_link(Some(r#">x<; rel="next""#)), None);
    }

    #[test]
    fn links_are_followed_only_on_the_configured_host() {
        let base = "https://harvest.greenhouse.io";
        assert_eq!(follow(base, "https://harvest.greenhouse.io/v1/jobs?page=2").as_deref(), Some("https://harvest.greenhouse.io/v1/jobs?page=2"));
        assert_eq!(follow(base, "/v3/jobs?cursor=abc").as_deref(), Some("https://harvest.greenhouse.io/v3/jobs?cursor=abc"));
        for evil in [
            "https://evil.example/v1/jobs",
            "http://harvest.greenhouse.io/v1/jobs",
            "https://harvest.greenhouse.io.evil.example/v1/jobs",
            "https://harvest.greenhouse.io@evil.example/v1/jobs",
            "https://harvest.greenhouse.io:8443/v1/jobs",
            "//evil.example/v1/jobs",
            "/\\evil.example/v1",
            "javascript:alert(1)",
            "ftp://harvest.greenhouse.io/v1/jobs",
        ] {
            assert_eq!(follow(base, evil), None, "{evil}");
        }
        // The EU fake lives under a path: relative links stay under it.
        assert_eq!(follow("http://127.0.0.1:9/eu", "/v1/jobs?page=2").as_deref(), Some("http://127.0.0.1:9/eu/v1/jobs?page=2"));
    }

    #[test]
    fn retry_after_in_seconds() {
        assert_eq!(retry_after_secs(Some("7"), 0), Some(7));
        assert_eq!(retry_after_secs(None, 0), None);
    }
}
