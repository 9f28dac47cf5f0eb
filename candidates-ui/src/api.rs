//! The worker's candidate routes, with the owner token as a bearer token. The request code is
//! the console's (`console/src/api.rs`), cut to GET and POST: the two bundles never load
//! together on a visitor's page, so sharing it through a crate would save nobody bytes.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::candidates::{Export, ExportInput, MatchInput, MatchResult};
use shared::jobs::GreenhouseJobs;

#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub message: String,
    /// (field, message) of a refused export.
    pub fields: Vec<(String, String)>,
}

pub fn problem(message: impl Into<String>) -> Problem {
    Problem { message: message.into(), fields: vec![] }
}

/// The error body every route answers with (`shared::api::ErrorBody`), read leniently.
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

fn json(body: &impl Serialize) -> Result<String, Problem> {
    body.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()
        .and_then(|v| js_sys::JSON::stringify(&v).ok())
        .and_then(|s| s.as_string())
        .ok_or_else(|| problem("Could not prepare the request."))
}

/// One request and its JSON answer; not generic, so the bundle holds it once.
async fn send(url: &str, token: &str, body: Option<String>) -> Result<wasm_bindgen::JsValue, Problem> {
    let auth = format!("Bearer {token}");
    let req = match body {
        Some(json) => gloo_net::http::Request::post(url)
            .header("Authorization", &auth)
            .header("Content-Type", "application/json")
            .body(json)
            .map_err(|e| problem(e.to_string()))?,
        None => gloo_net::http::Request::get(url).header("Authorization", &auth).build().map_err(|e| problem(e.to_string()))?,
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

async fn call<T: DeserializeOwned>(url: &str, token: &str, body: Option<String>) -> Result<T, Problem> {
    let value = send(url, token, body).await?;
    serde_wasm_bindgen::from_value(value).map_err(|e| problem(e.to_string()))
}

pub struct Api {
    pub base: String,
    pub org: String,
    pub token: String,
}

impl Api {
    fn url(&self, tail: &str) -> String {
        let org = js_sys::encode_uri_component(&self.org);
        format!("{}/orgs/{}{tail}", self.base, String::from(org))
    }

    /// Is this person in Greenhouse? Nothing is stored by the worker.
    pub async fn matches(&self, email: &str) -> Result<MatchResult, Problem> {
        let input = MatchInput { email: email.to_string(), ..Default::default() };
        call(&self.url("/matches"), &self.token, Some(json(&input)?)).await
    }

    pub async fn export(&self, input: &ExportInput) -> Result<Export, Problem> {
        call(&self.url("/candidates"), &self.token, Some(json(input)?)).await
    }

    /// An export read again (`job_id` `None`: the prospect).
    pub async fn export_status(&self, external_id: &str, job_id: Option<u64>) -> Result<Export, Problem> {
        let id = String::from(js_sys::encode_uri_component(external_id));
        let query = job_id.map(|j| format!("?job_id={j}")).unwrap_or_default();
        call(&self.url(&format!("/candidates/{id}{query}")), &self.token, None).await
    }

    /// Every Greenhouse job of the org, for the job picker.
    pub async fn jobs(&self) -> Result<GreenhouseJobs, Problem> {
        call(&self.url("/jobs/greenhouse"), &self.token, None).await
    }
}
