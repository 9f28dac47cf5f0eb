//! The owner routes of the worker, with the owner token as a bearer token: every data call
//! of the console lives here.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::jobs::{valid_key, GreenhouseJobs, ImportInput, JobEdit, ManagedJob, OrgJobs};
use shared::owner::{ConnectInput, Connection, CredentialSummary, Kind, SyncReport};

#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub message: String,
    pub fields: Vec<(String, String)>,
}

fn problem(message: impl Into<String>) -> Problem {
    Problem { message: message.into(), fields: vec![] }
}

/// The error body every route answers with (`shared::api::ErrorBody`), read leniently: a
/// field problem's `code` is not needed here, so an unknown one cannot hide the message.
#[derive(Deserialize)]
struct WireError {
    error: WireInfo,
    #[serde(default)]
    fields: Vec<WireField>,
}

#[derive(Deserialize)]
struct WireInfo {
    message: String,
}

#[derive(Deserialize)]
struct WireField {
    field: String,
    message: String,
}

/// A body as JSON. JSON-compatible: `None` is sent as `null`, which clears a job's optional
/// fields.
fn json(body: &impl Serialize) -> Result<String, Problem> {
    body.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()
        .and_then(|v| js_sys::JSON::stringify(&v).ok())
        .and_then(|s| s.as_string())
        .ok_or_else(|| problem("Could not prepare the request."))
}

/// One request and its JSON answer. Not generic, so the bundle holds it once however many
/// routes and types use it.
async fn send(method: &str, url: &str, token: &str, body: Option<String>) -> Result<wasm_bindgen::JsValue, Problem> {
    let auth = format!("Bearer {token}");
    let builder = match method {
        "PUT" => gloo_net::http::Request::put(url),
        "PATCH" => gloo_net::http::Request::patch(url),
        "DELETE" => gloo_net::http::Request::delete(url),
        "POST" => gloo_net::http::Request::post(url),
        _ => gloo_net::http::Request::get(url),
    }
    .header("Authorization", &auth);
    let req = match body {
        Some(json) => builder.header("Content-Type", "application/json").body(json).map_err(|e| problem(e.to_string()))?,
        None => builder.build().map_err(|e| problem(e.to_string()))?,
    };
    let resp = req.send().await.map_err(|_| problem("The server could not be reached."))?;
    let ok = resp.ok();
    let raw = web_sys::Response::from(resp);
    let value = match raw.json() {
        Ok(p) => wasm_bindgen_futures::JsFuture::from(p).await.map_err(|_| problem("The server sent an unreadable answer."))?,
        Err(_) => return Err(problem("The server sent an unreadable answer.")),
    };
    if ok {
        return Ok(value);
    }
    let e: WireError = serde_wasm_bindgen::from_value(value).map_err(|_| problem("The request failed."))?;
    Err(Problem { message: e.error.message, fields: e.fields.into_iter().map(|f| (f.field, f.message)).collect() })
}

async fn call<T: DeserializeOwned>(method: &str, url: &str, token: &str, body: Option<String>) -> Result<T, Problem> {
    let value = send(method, url, token, body).await?;
    serde_wasm_bindgen::from_value(value).map_err(|e| problem(e.to_string()))
}

/// Only well-formed job keys go into a URL.
fn checked(key: &str) -> Result<(), Problem> {
    if valid_key(key) {
        Ok(())
    } else {
        Err(problem("This job cannot be changed here."))
    }
}

pub struct Api {
    pub base: String,
    pub org: String,
    pub token: String,
}

impl Api {
    fn url(&self, tail: &str) -> String {
        format!("{}/orgs/{}/connection{tail}", self.base, self.org)
    }

    pub async fn get(&self) -> Result<Connection, Problem> {
        call::<Connection>("GET", &self.url(""), &self.token, None).await
    }

    pub async fn connect(&self, kind: Kind, input: &ConnectInput) -> Result<CredentialSummary, Problem> {
        call("PUT", &self.url(&format!("/{}", kind.slug())), &self.token, Some(json(input)?)).await
    }

    pub async fn remove(&self, kind: Kind) -> Result<Connection, Problem> {
        call("DELETE", &self.url(&format!("/{}", kind.slug())), &self.token, None).await
    }

    fn jobs_url(&self, tail: &str) -> String {
        format!("{}/orgs/{}/jobs{tail}", self.base, self.org)
    }

    pub async fn sync(&self) -> Result<SyncReport, Problem> {
        call("POST", &format!("{}/orgs/{}/sync", self.base, self.org), &self.token, None).await
    }

    pub async fn check(&self, kind: Kind) -> Result<Connection, Problem> {
        call("POST", &self.url(&format!("/{}/check", kind.slug())), &self.token, None).await
    }

    /// The org's jobs as visitors get them, plus the ones they do not see and why.
    pub async fn jobs(&self) -> Result<OrgJobs, Problem> {
        call("GET", &self.jobs_url(""), &self.token, None).await
    }

    /// Every Greenhouse job of the org, for the import picker and the post select. Fails with
    /// a message when neither Harvest nor a job board is connected, or a permission is missing.
    pub async fn greenhouse_jobs(&self) -> Result<GreenhouseJobs, Problem> {
        call("GET", &self.jobs_url("/greenhouse"), &self.token, None).await
    }

    /// The owner has seen the picker: its "New", "Closed" and "Reopened" badges clear.
    pub async fn greenhouse_seen(&self) -> Result<(), Problem> {
        send("POST", &self.jobs_url("/greenhouse/seen"), &self.token, None).await.map(|_| ())
    }

    /// The import mode and/or the whole set of imported keys.
    pub async fn import(&self, input: &ImportInput) -> Result<OrgJobs, Problem> {
        call("PUT", &self.jobs_url("/import"), &self.token, Some(json(input)?)).await
    }

    /// Every local field of one job (and title, location, description of a local job).
    pub async fn edit_job(&self, key: &str, edit: &JobEdit) -> Result<ManagedJob, Problem> {
        checked(key)?;
        call("PATCH", &self.jobs_url(&format!("/{key}")), &self.token, Some(json(edit)?)).await
    }

    /// A job that exists only on the host.
    pub async fn create_job(&self, edit: &JobEdit) -> Result<ManagedJob, Problem> {
        call("POST", &self.jobs_url(""), &self.token, Some(json(edit)?)).await
    }

    /// Deletes a local job; Greenhouse jobs are closed in Greenhouse instead.
    pub async fn delete_job(&self, key: &str) -> Result<OrgJobs, Problem> {
        checked(key)?;
        call("DELETE", &self.jobs_url(&format!("/{key}")), &self.token, None).await
    }
}
