//! The worker's candidate routes, with the owner token as a bearer token (the request code is
//! the owner bundles' shared one, `owner-ui`).

use shared::candidates::{Export, ExportInput, MatchInput, MatchResult};
use shared::jobs::GreenhouseJobs;

use gh_owner_ui::json;
pub use gh_owner_ui::{problem, Problem};

async fn call<T: serde::de::DeserializeOwned>(url: &str, token: &str, body: Option<String>) -> Result<T, Problem> {
    gh_owner_ui::call(if body.is_some() { "POST" } else { "GET" }, url, token, body).await
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
