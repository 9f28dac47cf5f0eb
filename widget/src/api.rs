//! Calls to the worker's read API. Errors keep the worker's distinction between "no such
//! board" and "Greenhouse is down"; a stale copy is flagged.
//!
//! The browser fetches and parses the JSON (`fetch`, `Response.json()`); the values are then
//! read field by field through `Reflect`. No serde deserialiser, no HTTP wrapper: the
//! visitor bundle carries neither their code nor their error formatting.

use js_sys::{Array, Reflect};
use shared::api::{BoardInfo, BoardListing, Department, JobDetail, JobSummary, MetadataField, MetadataValue, Office, PayRange};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LoadError {
    /// The worker said 404 (`board_not_found` / `job_not_found`).
    NotFound,
    /// Greenhouse or the worker is failing; try later.
    Unavailable,
}

/// A body, and whether the worker served its last good copy because Greenhouse failed.
#[derive(Clone)]
pub struct Loaded<T> {
    pub value: T,
    pub stale: bool,
}

/// One job's detail, with its application form as the raw object the worker sent (handed on
/// to the form's bundle as it is, never read here).
#[derive(Clone)]
pub struct Detail {
    pub detail: JobDetail,
    pub form: Option<JsValue>,
    /// The job's schema.org `JobPosting`, as the worker built it (see `seo`).
    pub json_ld: JsValue,
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn string(o: &JsValue, key: &str) -> String {
    get(o, key).as_string().unwrap_or_default()
}

fn opt_string(o: &JsValue, key: &str) -> Option<String> {
    get(o, key).as_string()
}

fn opt_u64(o: &JsValue, key: &str) -> Option<u64> {
    get(o, key).as_f64().map(|n| n as u64)
}

fn u64_of(o: &JsValue, key: &str) -> u64 {
    opt_u64(o, key).unwrap_or(0)
}

fn list<T>(o: &JsValue, key: &str, item: fn(&JsValue) -> T) -> Vec<T> {
    let v = get(o, key);
    if !Array::is_array(&v) {
        return Vec::new();
    }
    Array::from(&v).iter().map(|x| item(&x)).collect()
}

fn ids(o: &JsValue, key: &str) -> Vec<u64> {
    list(o, key, |x| x.as_f64().unwrap_or(0.0) as u64)
}

fn strings(o: &JsValue, key: &str) -> Vec<String> {
    list(o, key, |x| x.as_string().unwrap_or_default())
}

fn board(o: &JsValue) -> BoardInfo {
    let b = get(o, "board");
    BoardInfo { token: string(&b, "token"), name: string(&b, "name"), hosted_url: string(&b, "hosted_url") }
}

/// `{"name": …, "value": {"type": "text" | "bool" | "list" | "empty", "value": …}}`.
fn metadata(m: &JsValue) -> MetadataField {
    let v = get(m, "value");
    let value = match string(&v, "type").as_str() {
        "text" => MetadataValue::Text(string(&v, "value")),
        "bool" => MetadataValue::Bool(get(&v, "value").as_bool().unwrap_or(false)),
        "list" => MetadataValue::List(strings(&v, "value")),
        _ => MetadataValue::Empty,
    };
    MetadataField { name: string(m, "name"), value }
}

fn job_summary(j: &JsValue) -> JobSummary {
    JobSummary {
        id: u64_of(j, "id"),
        title: string(j, "title"),
        location: string(j, "location"),
        department_ids: ids(j, "department_ids"),
        office_ids: ids(j, "office_ids"),
        requisition_id: opt_string(j, "requisition_id"),
        updated_at: opt_string(j, "updated_at"),
        first_published: opt_string(j, "first_published"),
        absolute_url: opt_string(j, "absolute_url"),
        language: opt_string(j, "language"),
        metadata: list(j, "metadata", metadata),
        featured: get(j, "featured").as_bool().unwrap_or(false),
        position: get(j, "position").as_f64().map(|n| n as i32),
        tags: strings(j, "tags"),
        apply_url: opt_string(j, "apply_url"),
        application_deadline: opt_string(j, "application_deadline"),
    }
}

fn department(d: &JsValue) -> Department {
    Department { id: u64_of(d, "id"), name: string(d, "name"), parent_id: opt_u64(d, "parent_id"), child_ids: ids(d, "child_ids") }
}

fn office(d: &JsValue) -> Office {
    Office {
        id: u64_of(d, "id"),
        name: string(d, "name"),
        location: opt_string(d, "location"),
        parent_id: opt_u64(d, "parent_id"),
        child_ids: ids(d, "child_ids"),
    }
}

fn pay_range(r: &JsValue) -> PayRange {
    PayRange {
        title: opt_string(r, "title"),
        min_cents: opt_u64(r, "min_cents"),
        max_cents: opt_u64(r, "max_cents"),
        currency: opt_string(r, "currency"),
    }
}

fn listing_of(o: &JsValue) -> BoardListing {
    BoardListing {
        v: u64_of(o, "v") as u32,
        board: board(o),
        jobs: list(o, "jobs", job_summary),
        departments: list(o, "departments", department),
        offices: list(o, "offices", office),
    }
}

fn detail_of(o: &JsValue) -> Detail {
    let form = get(o, "form");
    let detail = JobDetail {
        v: u64_of(o, "v") as u32,
        board: board(o),
        job: job_summary(&get(o, "job")),
        content_html: string(o, "content_html"),
        intro_html: string(o, "intro_html"),
        departments: list(o, "departments", department),
        offices: list(o, "offices", office),
        pay_ranges: list(o, "pay_ranges", pay_range),
        form: None,
    };
    Detail { detail, form: form.is_object().then_some(form), json_ld: get(o, "json_ld") }
}

/// Fetches `url` and returns its parsed JSON body, or what kind of failure it was.
async fn get_json(url: &str) -> Result<(JsValue, bool), LoadError> {
    let window = web_sys::window().ok_or(LoadError::Unavailable)?;
    let resp = JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| LoadError::Unavailable)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| LoadError::Unavailable)?;
    if !resp.ok() {
        return Err(if resp.status() == 404 { LoadError::NotFound } else { LoadError::Unavailable });
    }
    let stale = resp.headers().get("x-cache").ok().flatten().is_some_and(|v| v == "STALE");
    let body = JsFuture::from(resp.json().map_err(|_| LoadError::Unavailable)?).await.map_err(|_| LoadError::Unavailable)?;
    if !body.is_object() {
        return Err(LoadError::Unavailable);
    }
    Ok((body, stale))
}

/// `?count=1&…` for a request that stands for a view (owner analytics), with the host page's
/// source (`track`, already a query); nothing otherwise.
pub fn counted(count: bool, track: &str) -> String {
    if !count {
        return String::new();
    }
    let mut q = String::from("?count=1");
    if !track.is_empty() {
        q.push('&');
        q.push_str(track);
    }
    q
}

pub async fn listing(api_base: &str, board: &str, query: &str) -> Result<Loaded<BoardListing>, LoadError> {
    let mut url = String::from(api_base);
    url.push_str("/boards/");
    url.push_str(board);
    url.push_str("/jobs");
    url.push_str(query);
    let (body, stale) = get_json(&url).await?;
    Ok(Loaded { value: listing_of(&body), stale })
}

pub async fn job(api_base: &str, board: &str, id: u64, query: &str) -> Result<Detail, LoadError> {
    let mut url = String::from(api_base);
    url.push_str("/boards/");
    url.push_str(board);
    url.push_str("/jobs/");
    url.push_str(&id.to_string());
    url.push_str(query);
    get_json(&url).await.map(|(body, _)| detail_of(&body))
}
