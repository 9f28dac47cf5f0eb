//! "Already in Greenhouse?": looks a person up by email through the org's Harvest
//! connection (v3 first, v1 legacy) and answers not found / prospect / applicant, with each
//! application's job, stage, status, last activity and recruiter, and the person's emails,
//! phones and attachments. Nothing about the question or the answer is stored or logged.
//!
//! Attachments are handed out as short-lived links through the worker: the link carries
//! Greenhouse's URL sealed with the vault (bound to the org, with an expiry), so nothing is
//! stored and Greenhouse's own URL never reaches the browser.

use crate::error::{ApiError, UpstreamError};
use crate::upstream::greenhouse_api::Harvest;
use crate::vault::{Sealed, Vault};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared::candidates::{Found, MatchResult, MatchedApplication, MatchedAttachment, MatchedCandidate};
use shared::owner::Permission;
use std::collections::HashMap;

/// Turns an attachment's Greenhouse URL and file name into our short-lived link and expiry.
pub type Linker<'a> = &'a dyn Fn(&str, &str) -> Option<(String, u64)>;

fn id(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// A person's name from `{name}` or `{first_name, last_name}`.
fn name_of(v: Option<&Value>) -> Option<String> {
    let v = v.filter(|v| v.is_object())?;
    text(v.get("name")).or_else(|| {
        let n = format!("{} {}", text(v.get("first_name")).unwrap_or_default(), text(v.get("last_name")).unwrap_or_default());
        Some(n.trim().to_string()).filter(|n| !n.is_empty())
    })
}

fn values(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(|x| text(x.get("value")).or_else(|| text(Some(x)))).collect()).unwrap_or_default()
}

fn application(a: &Value, fallback_recruiter: Option<&String>) -> Option<MatchedApplication> {
    let job = a.get("jobs").and_then(Value::as_array).and_then(|j| j.first()).and_then(|j| text(j.get("name"))).or_else(|| text(a.get("job")));
    Some(MatchedApplication {
        id: id(a.get("id")?)?,
        job,
        prospect: a.get("prospect").and_then(Value::as_bool).unwrap_or(false),
        stage: a.get("current_stage").and_then(|s| text(s.get("name"))),
        status: text(a.get("status")).map(|s| s.to_ascii_lowercase()).unwrap_or_else(|| "active".into()),
        last_activity_at: text(a.get("last_activity_at")),
        recruiter: name_of(a.get("recruiter")).or_else(|| fallback_recruiter.cloned()),
    })
}

/// The answer from Harvest's candidates (v1 embeds applications and attachments; v3 lists
/// them apart, given here by candidate id). `link` turns an attachment's Greenhouse URL and
/// file name into our short-lived link and its expiry.
pub fn build(
    candidates: &[Value],
    applications: Option<&HashMap<u64, Vec<Value>>>,
    attachments: Option<&HashMap<u64, Vec<Value>>>,
    link: Linker<'_>,
) -> MatchResult {
    let mut out = Vec::new();
    for c in candidates {
        let Some(cid) = c.get("id").and_then(id) else { continue };
        let recruiter = name_of(c.get("recruiter"));
        let apps: Vec<Value> = match applications {
            Some(by) => by.get(&cid).cloned().unwrap_or_default(),
            None => c.get("applications").and_then(Value::as_array).cloned().unwrap_or_default(),
        };
        let files: Vec<Value> = match attachments {
            Some(by) => by.get(&cid).cloned().unwrap_or_default(),
            None => c.get("attachments").and_then(Value::as_array).cloned().unwrap_or_default(),
        };
        let applications: Vec<MatchedApplication> = apps.iter().filter_map(|a| application(a, recruiter.as_ref())).collect();
        let attachments = files
            .iter()
            .filter_map(|f| {
                let filename = text(f.get("filename")).unwrap_or_else(|| "attachment".into());
                let (url, expires_at) = link(f.get("url")?.as_str()?, &filename)?;
                Some(MatchedAttachment { kind: text(f.get("type")).unwrap_or_else(|| "other".into()), filename, url, expires_at })
            })
            .collect();
        out.push(MatchedCandidate {
            id: cid,
            name: name_of(Some(c)).unwrap_or_default(),
            company: text(c.get("company")),
            title: text(c.get("title")),
            emails: values(c.get("email_addresses")),
            phones: values(c.get("phone_numbers")),
            recruiter: recruiter.or_else(|| applications.iter().find_map(|a| a.recruiter.clone())),
            last_activity_at: text(c.get("last_activity")).or_else(|| text(c.get("last_activity_at"))),
            updated_at: text(c.get("updated_at")),
            profile_url: Some(format!("https://app.greenhouse.io/people/{cid}")),
            attachments,
            applications,
        });
    }
    let found = if out.iter().any(|c| c.applications.iter().any(|a| !a.prospect)) {
        Found::Applicant
    } else if out.is_empty() {
        Found::NotFound
    } else {
        Found::Prospect
    };
    MatchResult { found, candidates: out }
}

/// GET a Harvest list (one page is plenty for one email); a 403 names the permission. A 429
/// is waited out (its `Retry-After`, at most 10 s, three times), so a batch keeps to
/// Harvest's rate limit instead of failing.
pub(crate) async fn list<H: Harvest>(h: &H, path: &str, needs: Permission) -> Result<Vec<Value>, ApiError> {
    let url = format!("{}{path}", h.prefix());
    let mut r = h.get(&url).await.map_err(ApiError::Upstream)?;
    for _ in 0..3 {
        if r.status != 429 {
            break;
        }
        let wait =
            crate::upstream::greenhouse_api::retry_after_secs(r.retry_after.as_deref(), worker::Date::now().as_millis()).unwrap_or(1).clamp(1, 10);
        worker::Delay::from(std::time::Duration::from_secs(wait)).await;
        r = h.get(&url).await.map_err(ApiError::Upstream)?;
    }
    match r.status {
        200..=299 => {}
        403 => return Err(ApiError::MissingPermission(needs.label())),
        401 => return Err(ApiError::Upstream(UpstreamError::Status(401))),
        s => return Err(ApiError::Upstream(UpstreamError::Status(s))),
    }
    let v: Value = serde_json::from_str(&r.body).map_err(|e| ApiError::Upstream(UpstreamError::Malformed(e.to_string())))?;
    Ok(match v {
        Value::Array(a) => a,
        Value::Object(mut o) => match o.remove("data") {
            Some(Value::Array(a)) => a,
            _ => vec![],
        },
        _ => vec![],
    })
}

fn by_candidate(items: Vec<Value>) -> HashMap<u64, Vec<Value>> {
    let mut m: HashMap<u64, Vec<Value>> = HashMap::new();
    for i in items {
        if let Some(c) = i.get("candidate_id").and_then(id) {
            m.entry(c).or_default().push(i);
        }
    }
    m
}

/// Harvest v3 gives ids where v1 embeds names: the stages' and recruiters' names are read
/// with one call each (up to 100 ids) and put where v1 has them (`current_stage`,
/// `recruiter`), so one reading serves both. A lookup that fails leaves the names out.
pub(crate) async fn name_v3<H: Harvest>(h: &H, candidates: &mut [Value], apps: &mut [Value]) {
    fn ids<'a>(items: impl Iterator<Item = &'a Value>, key: &str) -> Vec<u64> {
        let mut v: Vec<u64> = items.filter_map(|i| i.get(key).and_then(id)).collect();
        v.sort_unstable();
        v.dedup();
        v.truncate(100);
        v
    }
    fn names(items: Vec<Value>) -> HashMap<u64, Value> {
        items.into_iter().filter_map(|i| Some((i.get("id").and_then(id)?, i))).collect()
    }
    let join = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
    let stages = ids(apps.iter(), "stage_id");
    if !stages.is_empty() {
        let found = names(list(h, &format!("job_stages?ids={}", join(&stages)), Permission::JobStages).await.unwrap_or_default());
        for a in apps.iter_mut() {
            if let Some(s) = a.get("stage_id").and_then(id).and_then(|i| found.get(&i)) {
                a["current_stage"] = serde_json::json!({"id": s.get("id"), "name": s.get("name")});
            }
        }
    }
    let users = ids(apps.iter().chain(candidates.iter()), "recruiter_id");
    if !users.is_empty() {
        let found = names(list(h, &format!("users?ids={}", join(&users)), Permission::Users).await.unwrap_or_default());
        for item in apps.iter_mut().chain(candidates.iter_mut()) {
            if let Some(u) = item.get("recruiter_id").and_then(id).and_then(|i| found.get(&i)) {
                item["recruiter"] = serde_json::json!({"id": u.get("id"), "name": name_of(Some(u))});
            }
        }
    }
}

/// Looks `email` up (exact address; Greenhouse matches any of a person's addresses).
pub async fn find<H: Harvest>(h: &H, v3: bool, email: &str, link: Linker<'_>) -> Result<MatchResult, ApiError> {
    let q: String = url::form_urlencoded::byte_serialize(email.trim().as_bytes()).collect();
    let mut candidates = list(h, &format!("candidates?email={q}"), Permission::Candidates).await?;
    if !v3 || candidates.is_empty() {
        return Ok(build(&candidates, None, None, link));
    }
    let ids: Vec<String> = candidates.iter().filter_map(|c| c.get("id").and_then(id)).map(|i| i.to_string()).take(50).collect();
    let ids = ids.join(",");
    let mut apps = list(h, &format!("applications?candidate_ids={ids}"), Permission::Applications).await?;
    name_v3(h, &mut candidates, &mut apps).await;
    let apps = by_candidate(apps);
    let files = by_candidate(list(h, &format!("attachments?candidate_ids={ids}"), Permission::Candidates).await.unwrap_or_default());
    Ok(build(&candidates, Some(&apps), Some(&files), link))
}

// ---- Short-lived attachment links ----

#[derive(Serialize, Deserialize)]
struct Link {
    /// Greenhouse's URL.
    u: String,
    /// File name.
    f: String,
    /// Expires (ms).
    e: u64,
}

#[derive(Serialize, Deserialize)]
struct Token {
    k: String,
    n: String,
    c: String,
}

fn aad(org: &str) -> String {
    format!("attachment-link={org}")
}

/// A token for `url` that works for `org` until `expires_at`.
pub fn seal_link(vault: &Vault, org: &str, url: &str, filename: &str, expires_at: u64) -> Option<String> {
    let plain = serde_json::to_vec(&Link { u: url.into(), f: filename.into(), e: expires_at }).ok()?;
    let s = vault.seal_aad(&aad(org), &plain).ok()?;
    let t = serde_json::to_vec(&Token { k: s.key_id, n: s.nonce, c: s.ciphertext }).ok()?;
    Some(B64URL.encode(t))
}

/// Greenhouse's URL and the file name behind a token, if it is this org's and not expired.
pub fn open_link(vault: &Vault, org: &str, token: &str, now: u64) -> Option<(String, String)> {
    if token.len() > 4096 {
        return None;
    }
    let t: Token = serde_json::from_slice(&B64URL.decode(token).ok()?).ok()?;
    let plain = vault.open_aad(&aad(org), &Sealed { key_id: t.k, nonce: t.n, ciphertext: t.c }).ok()?;
    let l: Link = serde_json::from_slice(&plain).ok()?;
    (now < l.e).then_some((l.u, l.f))
}

/// A file name safe for a `Content-Disposition` header.
pub fn safe_filename(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).take(120).collect();
    if s.trim().is_empty() {
        "attachment".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn link(u: &str, f: &str) -> Option<(String, u64)> {
        Some((format!("https://w.example/a/{f}?from={}", u.len()), 99))
    }

    #[test]
    fn an_applicant_a_prospect_and_nobody() {
        let applicant = json!({
            "id": 5, "first_name": "Ada", "last_name": "Lovelace", "company": "Engines",
            "email_addresses": [{"value": "ada@example.com", "type": "work"}], "phone_numbers": [{"value": "555", "type": "mobile"}],
            "recruiter": {"id": 1, "name": "Dana Ruiz"}, "last_activity": "2026-11-26T10:00:00Z",
            "attachments": [{"filename": "cv.pdf", "url": "https://s3.example/cv.pdf?X-Amz=1", "type": "resume"}],
            "applications": [{"id": 9, "prospect": false, "status": "active", "current_stage": {"id": 2, "name": "Onsite Interview"},
                              "jobs": [{"id": 3, "name": "Engineer"}], "last_activity_at": "2026-11-26T10:00:00Z", "recruiter": null}]
        });
        let r = build(&[applicant], None, None, &link);
        assert_eq!(r.found, Found::Applicant);
        let c = &r.candidates[0];
        assert_eq!((c.name.as_str(), c.recruiter.as_deref()), ("Ada Lovelace", Some("Dana Ruiz")));
        assert_eq!(c.applications[0].stage.as_deref(), Some("Onsite Interview"));
        assert_eq!(c.applications[0].recruiter.as_deref(), Some("Dana Ruiz"), "the candidate's recruiter when the application has none");
        assert!(c.attachments[0].url.starts_with("https://w.example/"), "our link, never Greenhouse's");
        let prospect = json!({"id": 6, "first_name": "Bo", "last_name": "P", "applications": [{"id": 10, "prospect": true, "status": "active"}]});
        assert_eq!(build(&[prospect], None, None, &link).found, Found::Prospect);
        assert_eq!(build(&[], None, None, &link).found, Found::NotFound);
        // v3: children listed apart.
        let c3 = json!({"id": 7, "first_name": "Cy", "last_name": "D"});
        let apps = HashMap::from([(7u64, vec![json!({"id": 11, "candidate_id": 7, "prospect": false, "status": "Rejected"})])]);
        let r = build(&[c3], Some(&apps), Some(&HashMap::new()), &link);
        assert_eq!((r.found, r.candidates[0].applications[0].status.as_str()), (Found::Applicant, "rejected"));
    }

    #[test]
    fn links_are_sealed_bound_to_the_org_and_expire() {
        let vault = Vault::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        let t = seal_link(&vault, "acme", "https://s3.example/cv.pdf?sig=secret", "cv.pdf", 1_000).unwrap();
        assert!(!t.contains("s3.example") && !t.contains("secret"), "Greenhouse's URL is not readable in the link");
        assert_eq!(open_link(&vault, "acme", &t, 999), Some(("https://s3.example/cv.pdf?sig=secret".into(), "cv.pdf".into())));
        assert_eq!(open_link(&vault, "acme", &t, 1_000), None, "expired");
        assert_eq!(open_link(&vault, "globex", &t, 999), None, "another org's");
        assert_eq!(open_link(&vault, "acme", "garbage", 999), None);
        assert_eq!(safe_filename("../cv\"\r\n.pdf"), ".._cv___.pdf");
    }
}
