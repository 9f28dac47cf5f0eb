//! The owner's side: connecting an organisation's Greenhouse account. Wire types between the
//! owner console and the worker. Credentials travel inward only: every type the worker sends
//! back carries masked hints, never a secret.

use serde::{Deserialize, Serialize};

/// What an owner can connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Board token + Job Board API key: the public board and applications.
    JobBoard,
    /// Harvest v3: OAuth client credentials (client id, secret, user id for `sub`).
    HarvestV3,
    /// A legacy Harvest v1/v2 API key (retired by Greenhouse in 2026).
    HarvestV1,
    /// Candidate Ingestion key + the Greenhouse user's email (`On-Behalf-Of`).
    Ingestion,
    /// The secret key Greenhouse signs this org's web hooks with (`api_key` field).
    WebHooks,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::JobBoard, Kind::HarvestV3, Kind::HarvestV1, Kind::Ingestion, Kind::WebHooks];

    pub fn slug(self) -> &'static str {
        match self {
            Kind::JobBoard => "job_board",
            Kind::HarvestV3 => "harvest_v3",
            Kind::HarvestV1 => "harvest_v1",
            Kind::Ingestion => "ingestion",
            Kind::WebHooks => "web_hooks",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s)
    }
}

/// Which Greenhouse data centre the account lives in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    #[default]
    Us,
    Eu,
}

/// What the owner submits. Field names per kind: `board_token` + `api_key` (job board),
/// `client_id` + `client_secret` + `user_id` (Harvest v3), `api_key` (+ `user_id` for
/// On-Behalf-Of, Harvest v1), `api_key` + `email` (ingestion).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectInput {
    #[serde(default)]
    pub region: Region,
    #[serde(default)]
    pub board_token: String,
    #[serde(default)]
    pub api_key: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub email: String,
}

impl std::fmt::Debug for ConnectInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectInput")
            .field("region", &self.region)
            .field("board_token", &self.board_token)
            .field("api_key", &"<redacted>")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("email", &self.email)
            .finish()
    }
}

/// Input problems, before anything is sent to Greenhouse.
pub fn check_input(kind: Kind, i: &ConnectInput) -> Vec<(&'static str, &'static str)> {
    let mut e = Vec::new();
    let key_ok = |k: &str| (8..=200).contains(&k.trim().len()) && k.trim().bytes().all(|b| b.is_ascii_graphic());
    match kind {
        Kind::JobBoard => {
            if !crate::api::valid_board_token(i.board_token.trim()) {
                e.push(("board_token", "Enter the board token from your job board's URL (letters, digits, - and _)."));
            }
            if !key_ok(&i.api_key) {
                e.push(("api_key", "Enter the Job Board API key."));
            }
        }
        Kind::HarvestV3 => {
            if !key_ok(&i.client_id) {
                e.push(("client_id", "Enter the client ID."));
            }
            if !key_ok(&i.client_secret) {
                e.push(("client_secret", "Enter the client secret."));
            }
            if i.user_id.trim().parse::<u64>().is_err() {
                e.push(("user_id", "Enter the numeric Greenhouse user ID the integration acts as."));
            }
        }
        Kind::HarvestV1 => {
            if !key_ok(&i.api_key) {
                e.push(("api_key", "Enter the Harvest API key."));
            }
            if !i.user_id.trim().is_empty() && i.user_id.trim().parse::<u64>().is_err() {
                e.push(("user_id", "The user ID is a number."));
            }
        }
        Kind::WebHooks => {
            if !key_ok(&i.api_key) {
                e.push(("api_key", "Enter the secret key you gave the web hooks in Greenhouse (8 characters or more)."));
            }
        }
        Kind::Ingestion => {
            if !key_ok(&i.api_key) {
                e.push(("api_key", "Enter the Candidate Ingestion API key."));
            }
            if !crate::apply::valid_email(&i.email) {
                e.push(("email", "Enter the email of the Greenhouse user the key belongs to."));
            }
        }
    }
    e
}

/// The last 4 characters of a secret, for "which key is this?" without revealing it.
/// Secrets shorter than this show no hint at all: four characters of a short secret are
/// too large a share of it. Owners then recognise the credential by its account part.
pub const HINT_MIN_SECRET_CHARS: usize = 16;

pub fn hint(secret: &str) -> String {
    let s = secret.trim();
    if s.chars().count() < HINT_MIN_SECRET_CHARS {
        return String::new();
    }
    let tail: String = s.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("••••{tail}")
}

/// Harvest permissions the product uses (the list integrators such as SeekOut ask for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Applications,
    Candidates,
    Jobs,
    ProspectPools,
    JobPosts,
    JobStages,
    Users,
    Openings,
    CloseReasons,
}

impl Permission {
    pub const ALL: [Permission; 9] = [
        Permission::Applications,
        Permission::Candidates,
        Permission::Jobs,
        Permission::ProspectPools,
        Permission::JobPosts,
        Permission::JobStages,
        Permission::Users,
        Permission::Openings,
        Permission::CloseReasons,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Applications => "Applications",
            Self::Candidates => "Candidates",
            Self::Jobs => "Jobs",
            Self::ProspectPools => "Prospect pools",
            Self::JobPosts => "Job posts",
            Self::JobStages => "Job stages",
            Self::Users => "Users",
            Self::Openings => "Openings",
            Self::CloseReasons => "Close reasons",
        }
    }

    /// What the product cannot do without it.
    pub fn disables(self) -> &'static str {
        match self {
            Self::Applications => "Application status and source reporting",
            Self::Candidates => "Matching applicants to existing candidates",
            Self::Jobs => "Choosing which jobs go live",
            Self::ProspectPools => "Adding prospects to pools",
            Self::JobPosts => "Publishing and unpublishing job posts",
            Self::JobStages => "Showing interview stages",
            Self::Users => "Acting on behalf of a Greenhouse user",
            Self::Openings => "Showing open headcount per job",
            Self::CloseReasons => "Showing why jobs were closed",
        }
    }

    /// The Harvest path that needs it (v1 and v3 name their resources alike).
    pub fn probe_path(self) -> &'static str {
        match self {
            Self::Applications => "applications",
            Self::Candidates => "candidates",
            Self::Jobs => "jobs",
            Self::ProspectPools => "prospect_pools",
            Self::JobPosts => "job_posts",
            Self::JobStages => "job_stages",
            Self::Users => "users",
            Self::Openings => "openings",
            Self::CloseReasons => "close_reasons",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionCheck {
    pub permission: Permission,
    pub granted: bool,
    pub label: String,
    pub disables: String,
}

pub fn checklist(granted: &[Permission]) -> Vec<PermissionCheck> {
    Permission::ALL
        .into_iter()
        .map(|p| PermissionCheck { permission: p, granted: granted.contains(&p), label: p.label().into(), disables: p.disables().into() })
        .collect()
}

/// A credential's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Connected,
    MissingPermissions,
    CredentialsInvalid,
    GreenhouseUnreachable,
}

/// One connected credential as every owner of the org sees it: masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialSummary {
    pub kind: Kind,
    pub region: Region,
    /// Non-secret identifiers: the board token, client id, user id or email.
    pub account: String,
    /// `••••abcd`: the tail of the secret.
    pub hint: String,
    pub health: Health,
    /// Harvest only: each permission the product uses, granted or not.
    pub permissions: Vec<PermissionCheck>,
    pub verified_at: Option<u64>,
    pub checked_at: Option<u64>,
    pub updated_by: String,
    pub message: Option<String>,
}

/// `GET /api/v1/orgs/{org}/connection`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub org: String,
    /// The board visitors see, from the Job Board credential.
    pub board_token: Option<String>,
    pub credentials: Vec<CredentialSummary>,
    /// How the board's last syncs went.
    #[serde(default)]
    pub sync: Option<SyncStatus>,
    /// Applications not yet in Greenhouse, by state (for the console's notice).
    #[serde(default)]
    pub pending: PendingCounts,
}

/// Where an application is on its way to Greenhouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// Being sent right now.
    Sending,
    /// Waiting for Greenhouse to be reachable again; retried automatically.
    Queued,
    /// Greenhouse refused the Job Board key (or none is set): delivered once it is fixed.
    NeedsAttention,
    Delivered,
    /// Greenhouse refused the application itself, or it could not be delivered in time.
    Failed,
    /// An owner dismissed a failed application.
    Dismissed,
}

impl ApplicationState {
    pub fn slug(self) -> &'static str {
        match self {
            Self::Sending => "sending",
            Self::Queued => "queued",
            Self::NeedsAttention => "needs_attention",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Sending, Self::Queued, Self::NeedsAttention, Self::Delivered, Self::Failed, Self::Dismissed].into_iter().find(|k| k.slug() == s)
    }
}

/// Counts of applications owners should know about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCounts {
    pub queued: u32,
    pub needs_attention: u32,
    pub failed: u32,
}

impl PendingCounts {
    /// The console's one-line notice, if anything needs saying.
    pub fn notice(&self) -> Option<String> {
        let plural = |n: u32| if n == 1 { "application" } else { "applications" };
        if self.needs_attention > 0 {
            return Some(format!(
                "{} {} waiting: the Job Board key was refused. Fix the key and they are delivered automatically.",
                self.needs_attention,
                plural(self.needs_attention)
            ));
        }
        if self.failed > 0 {
            return Some(format!("{} {} could not be delivered: retry or export them.", self.failed, plural(self.failed)));
        }
        (self.queued > 0)
            .then(|| format!("{} {} queued: Greenhouse is not reachable right now; retried automatically.", self.queued, plural(self.queued)))
    }
}

/// One application not (yet) in Greenhouse, as owners see it: no answers, no files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingApplication {
    pub id: String,
    pub board: String,
    pub job_id: u64,
    pub state: ApplicationState,
    /// Why it is not delivered (Greenhouse's answer or ours).
    pub reason: Option<String>,
    pub attempts: u32,
    pub created_at: u64,
    pub updated_at: u64,
}

/// `GET /api/v1/orgs/{org}/applications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingApplications {
    pub counts: PendingCounts,
    pub applications: Vec<PendingApplication>,
}

/// What one sync of a board changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncReport {
    pub board: String,
    pub added: Vec<u64>,
    pub updated: Vec<u64>,
    pub removed: Vec<u64>,
    /// Jobs on the board after the sync.
    pub jobs: usize,
    /// Jobs Harvest lists for the org, when Harvest is connected.
    pub harvest_jobs: Option<usize>,
    pub at: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub board: String,
    pub last_success_at: Option<u64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<u64>,
    pub last_report: Option<SyncReport>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_show_only_a_tail() {
        assert_eq!(hint("0d031d8227eafa61dc375a6c2e067e24"), "••••7e24");
        assert_eq!(hint("short"), "", "short secrets show nothing");
        assert_eq!(hint("fifteen-chars-x"), "", "15 characters: still no hint");
        assert_eq!(hint("sixteen-chars-xy"), "••••s-xy");
    }

    #[test]
    fn debug_never_prints_secrets() {
        let i = ConnectInput { api_key: "supersecretkey123".into(), client_secret: "another-secret-9".into(), ..Default::default() };
        let d = format!("{i:?}");
        assert!(!d.contains("supersecret") && !d.contains("another-secret"), "{d}");
    }

    #[test]
    fn input_is_checked_per_kind() {
        let mut i = ConnectInput { board_token: "northwind".into(), api_key: "0d031d8227eafa61".into(), ..Default::default() };
        assert!(check_input(Kind::JobBoard, &i).is_empty());
        i.board_token = "../x".into();
        assert_eq!(check_input(Kind::JobBoard, &i)[0].0, "board_token");
        let v3 = ConnectInput { client_id: "client-123".into(), client_secret: "s3cret-value".into(), user_id: "abc".into(), ..Default::default() };
        assert_eq!(check_input(Kind::HarvestV3, &v3).iter().map(|e| e.0).collect::<Vec<_>>(), vec!["user_id"]);
        let ing = ConnectInput { api_key: "ingestion-key-1".into(), email: "nope".into(), ..Default::default() };
        assert_eq!(check_input(Kind::Ingestion, &ing)[0].0, "email");
    }

    #[test]
    fn kinds_round_trip_through_slugs() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.slug()), Some(k));
        }
        assert_eq!(Kind::parse("harvest_v2"), None);
    }

    #[test]
    fn the_checklist_names_what_is_missing() {
        let c = checklist(&[Permission::Jobs, Permission::Users]);
        assert_eq!(c.len(), 9);
        let missing: Vec<&str> = c.iter().filter(|p| !p.granted).map(|p| p.label.as_str()).collect();
        assert!(missing.contains(&"Applications") && !missing.contains(&"Jobs"));
    }
}
