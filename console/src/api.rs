//! The owner routes of the worker, with the owner token as a bearer token: every data call
//! of the console lives here.

use shared::jobs::{valid_key, GreenhouseJobs, ImportInput, JobEdit, ManagedJob, OrgJobs};
use shared::owner::{ConnectInput, Connection, CredentialSummary, Kind, SyncReport};

pub use gh_owner_ui::Problem;
use gh_owner_ui::{call, json, problem, send};
use shared::analytics::Report;

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

    /// The org's analytics over the last `days` days.
    pub async fn analytics(&self, days: u32) -> Result<Report, Problem> {
        call("GET", &self.analytics_url(days, ""), &self.token, None).await
    }

    /// The same as CSV, every count per day, source and job.
    pub async fn analytics_csv(&self, days: u32) -> Result<String, Problem> {
        gh_owner_ui::text(&self.analytics_url(days, "&format=csv"), &self.token).await
    }

    fn analytics_url(&self, days: u32, tail: &str) -> String {
        format!("{}/orgs/{}/analytics?days={days}{tail}", self.base, self.org)
    }

    /// Deletes a local job; Greenhouse jobs are closed in Greenhouse instead.
    pub async fn delete_job(&self, key: &str) -> Result<OrgJobs, Problem> {
        checked(key)?;
        call("DELETE", &self.jobs_url(&format!("/{key}")), &self.token, None).await
    }
}
