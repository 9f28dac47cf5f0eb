//! Candidates: a host exports its candidates to Greenhouse, reads their status back, and asks
//! whether a person is already in Greenhouse. Wire types of `/api/v1/orgs/{org}/candidates`
//! and `/api/v1/orgs/{org}/matches`, and the checks made before anything is stored or sent.
//!
//! Personal data in these types is the host's own; the worker keeps it only sealed, only
//! until Greenhouse has it, and never for a match.

use serde::{Deserialize, Serialize};

pub const MAX_EXTERNAL_ID_CHARS: usize = 200;
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_LIST: usize = 10;
pub const MAX_NOTES_CHARS: usize = 10_000;
/// A resume sent inline (base64) at most this large, decoded: the outbox keeps files sealed
/// in D1, whose values hold 2 MB (the same limit as an application's files).
pub const MAX_RESUME_BYTES: usize = crate::apply::MAX_FILE_BYTES as usize;

/// A resume: a URL Greenhouse fetches, or the file itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resume {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default)]
    pub filename: String,
    /// The file's bytes in base64 (standard alphabet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_base64: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content_type: String,
}

/// Where a prospect goes: a pool and its stage, and the jobs they are a prospect for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Prospect {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub job_ids: Vec<u64>,
}

/// `POST /api/v1/orgs/{org}/candidates`: one candidate for a job, or a prospect.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportInput {
    /// The host's id for this person: with the job, what makes a repeat the same export.
    pub external_id: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub title: String,
    /// LinkedIn and other profile links (https).
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Resume>,
    #[serde(default)]
    pub notes: String,
    /// A candidate for this Greenhouse job (the Harvest job id)…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<u64>,
    /// …or a prospect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prospect: Option<Prospect>,
}

impl std::fmt::Debug for ExportInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data never reaches a log line through `{:?}`.
        f.debug_struct("ExportInput").field("external_id", &"<redacted>").field("job_id", &self.job_id).finish_non_exhaustive()
    }
}

impl ExportInput {
    /// The job part of the idempotency key: the job, or 0 for a prospect.
    pub fn job_key(&self) -> u64 {
        self.job_id.unwrap_or(0)
    }
}

/// Problems with an export, by field, before anything is stored or sent.
pub fn check_export(e: &ExportInput) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    let chars = |s: &str| s.chars().count();
    let id = e.external_id.trim();
    if id.is_empty() || chars(id) > MAX_EXTERNAL_ID_CHARS || id.chars().any(char::is_control) {
        p.push(("external_id", format!("Send your id for this person (1 to {MAX_EXTERNAL_ID_CHARS} characters).")));
    }
    for (field, v) in [("first_name", &e.first_name), ("last_name", &e.last_name)] {
        if v.trim().is_empty() || chars(v) > MAX_NAME_CHARS {
            p.push((field, format!("Enter a name of 1 to {MAX_NAME_CHARS} characters.")));
        }
    }
    for (field, v) in [("company", &e.company), ("title", &e.title)] {
        if chars(v) > MAX_NAME_CHARS {
            p.push((field, format!("At most {MAX_NAME_CHARS} characters.")));
        }
    }
    if e.emails.len() > MAX_LIST || e.emails.iter().any(|m| !crate::apply::valid_email(m)) {
        p.push(("emails", format!("Up to {MAX_LIST} valid email addresses.")));
    }
    if e.phones.len() > MAX_LIST || e.phones.iter().any(|x| x.trim().is_empty() || chars(x) > 50) {
        p.push(("phones", format!("Up to {MAX_LIST} phone numbers.")));
    }
    if e.links.len() > MAX_LIST || e.links.iter().any(|u| !crate::jobs::valid_https_url(u)) {
        p.push(("links", format!("Up to {MAX_LIST} full https:// links.")));
    }
    if chars(&e.notes) > MAX_NOTES_CHARS {
        p.push(("notes", format!("Notes have at most {MAX_NOTES_CHARS} characters.")));
    }
    if let Some(r) = &e.resume {
        let url_ok = r.url.as_deref().is_some_and(crate::jobs::valid_https_url);
        let file_ok =
            r.content_base64.as_deref().is_some_and(|c| !c.is_empty() && c.len() <= MAX_RESUME_BYTES / 3 * 4 + 4) && !r.filename.trim().is_empty();
        if url_ok == file_ok {
            p.push(("resume", "Send the resume as an https:// URL or as a file (filename and content), one of the two.".into()));
        }
    }
    match (&e.job_id, &e.prospect) {
        (Some(_), Some(_)) => p.push(("job_id", "A candidate has a job; a prospect has prospect details: send one of the two.".into())),
        (None, None) => p.push(("job_id", "Send the Greenhouse job, or prospect details.".into())),
        _ => {}
    }
    p
}

/// Which Greenhouse API an export went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportPath {
    Ingestion,
    HarvestV3,
    HarvestV1,
}

/// Where an export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportState {
    /// Stored (sealed); being sent, or waiting to be sent again (Greenhouse down).
    Queued,
    /// Greenhouse accepted it and is still creating the records (Harvest is asynchronous).
    Creating,
    /// Greenhouse has it; the personal data is deleted here.
    Delivered,
    /// Our credentials were refused: waiting for an owner.
    NeedsAttention,
    /// Greenhouse refused the candidate itself (kept for owners until the retention ends).
    Failed,
}

/// The answer to an export, and to reading it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub id: String,
    pub external_id: String,
    pub job_id: Option<u64>,
    pub state: ExportState,
    pub path: Option<ExportPath>,
    pub candidate_id: Option<u64>,
    pub application_ids: Vec<u64>,
    pub profile_url: Option<String>,
    /// Why it waits or failed (no personal data).
    pub reason: Option<String>,
    /// Where the candidate's application stands in Greenhouse, once known.
    #[serde(default)]
    pub application: Option<ApplicationStatus>,
}

/// An exported candidate's application as Greenhouse last said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationStatus {
    pub id: u64,
    pub stage: Option<String>,
    /// `active`, `rejected`, `hired`, `converted`, or `deleted`.
    pub status: String,
    pub last_activity_at: Option<String>,
}

/// `GET /api/v1/orgs/{org}/applications/{id}/status`: an application made through the widget,
/// on its way to Greenhouse and, once Greenhouse shows it, where it stands there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionStatus {
    pub id: String,
    pub job_id: u64,
    pub state: crate::owner::ApplicationState,
    /// Its application in Greenhouse, once found (needs a Harvest connection).
    #[serde(default)]
    pub application: Option<ApplicationStatus>,
}

/// `POST /api/v1/orgs/{org}/matches`: who to look for.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchInput {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linkedin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
}

impl std::fmt::Debug for MatchInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatchInput(<redacted>)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    NotFound,
    Prospect,
    Applicant,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchedApplication {
    pub id: u64,
    pub job: Option<String>,
    pub prospect: bool,
    pub stage: Option<String>,
    /// `active`, `rejected`, `hired`, `converted`.
    pub status: String,
    pub last_activity_at: Option<String>,
    pub recruiter: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchedAttachment {
    pub filename: String,
    /// `resume`, `cover_letter`, …
    pub kind: String,
    /// A short-lived link through the worker (never Greenhouse's own URL).
    pub url: String,
    pub expires_at: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchedCandidate {
    pub id: u64,
    pub name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub recruiter: Option<String>,
    pub last_activity_at: Option<String>,
    pub updated_at: Option<String>,
    pub profile_url: Option<String>,
    pub attachments: Vec<MatchedAttachment>,
    pub applications: Vec<MatchedApplication>,
}

/// `POST /api/v1/orgs/{org}/matches` with many people at once (at most [`MAX_BATCH`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchBatch {
    pub profiles: Vec<MatchInput>,
}

/// Profiles one batch may carry.
pub const MAX_BATCH: usize = 100;

/// `PUT /api/v1/orgs/{org}/matches/watch`: the host's list of people to re-match on a
/// schedule (it replaces the list). Each has the host's `ref` for the person; events name
/// the person by it, never by email.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WatchList {
    pub profiles: Vec<WatchedProfile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchedProfile {
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(flatten)]
    pub profile: MatchInput,
}

/// People a watch list may hold.
pub const MAX_WATCHED: usize = 1000;
/// The longest `ref`.
pub const MAX_REF_CHARS: usize = 200;

/// Problems with a watch list, before anything is stored.
pub fn check_watch(list: &WatchList) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    if list.profiles.len() > MAX_WATCHED {
        p.push(("profiles", format!("Send at most {MAX_WATCHED} profiles.")));
        return p;
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, w) in list.profiles.iter().enumerate() {
        let r = w.reference.trim();
        if r.is_empty() || r.chars().count() > MAX_REF_CHARS || r.chars().any(char::is_control) {
            p.push(("ref", format!("Give profile {} a ref of 1 to {MAX_REF_CHARS} characters.", i + 1)));
        } else if !seen.insert(r) {
            p.push(("ref", format!("Profile {} repeats the ref of an earlier one.", i + 1)));
        }
        if !crate::apply::valid_email(&w.profile.email) {
            p.push(("email", format!("Enter a valid email address (profile {}).", i + 1)));
        }
        if p.len() >= 10 {
            break;
        }
    }
    p
}

/// What `GET /api/v1/orgs/{org}/matches/watch` answers (the emails are not given back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchStatus {
    pub count: u64,
    /// Profiles matched at least once.
    pub checked: u64,
    /// How often each is matched again.
    pub interval_seconds: u64,
}

/// The answers to a batch, in the order asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchBatchResult {
    pub results: Vec<MatchResult>,
}

/// The answer to a match: nothing is stored about the question or the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchResult {
    pub found: Found,
    pub candidates: Vec<MatchedCandidate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ExportInput {
        ExportInput {
            external_id: "host-42".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            emails: vec!["ada@example.com".into()],
            links: vec!["https://www.linkedin.com/in/ada".into()],
            resume: Some(Resume { url: Some("https://host.example/cv/ada.pdf".into()), ..Default::default() }),
            job_id: Some(4_200_000_001),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_export_passes_and_each_problem_is_named() {
        assert!(check_export(&good()).is_empty());
        let prospect = ExportInput { job_id: None, prospect: Some(Prospect { pool_id: Some(1), ..Default::default() }), ..good() };
        assert!(check_export(&prospect).is_empty());
        let fields = |e: &ExportInput| check_export(e).into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert_eq!(fields(&ExportInput { external_id: " ".into(), ..good() }), ["external_id"]);
        assert_eq!(fields(&ExportInput { emails: vec!["not-an-email".into()], ..good() }), ["emails"]);
        assert_eq!(fields(&ExportInput { links: vec!["javascript:alert(1)".into()], ..good() }), ["links"]);
        assert_eq!(fields(&ExportInput { job_id: None, ..good() }), ["job_id"]);
        assert_eq!(fields(&ExportInput { prospect: Some(Prospect::default()), ..good() }), ["job_id"]);
        let both = Resume {
            url: Some("https://x.example/cv".into()),
            filename: "cv.pdf".into(),
            content_base64: Some("JVBERg==".into()),
            ..Default::default()
        };
        assert_eq!(fields(&ExportInput { resume: Some(both), ..good() }), ["resume"]);
        let file = Resume { filename: "cv.pdf".into(), content_base64: Some("JVBERg==".into()), ..Default::default() };
        assert!(fields(&ExportInput { resume: Some(file), ..good() }).is_empty());
    }

    #[test]
    fn watch_lists_name_each_problem() {
        let w = |r: &str, e: &str| WatchedProfile { reference: r.into(), profile: MatchInput { email: e.into(), ..Default::default() } };
        let list: WatchList =
            serde_json::from_str(r#"{"profiles": [{"ref": "u1", "email": "ada@example.com", "linkedin": "https://linkedin.com/in/ada"}]}"#).unwrap();
        assert_eq!((list.profiles[0].reference.as_str(), list.profiles[0].profile.linkedin.is_some()), ("u1", true));
        assert!(check_watch(&list).is_empty());
        let fields = |l: Vec<WatchedProfile>| check_watch(&WatchList { profiles: l }).into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert_eq!(fields(vec![w("u1", "a@example.com"), w("u1", "b@example.com")]), ["ref"]);
        assert_eq!(fields(vec![w(" ", "a@example.com")]), ["ref"]);
        assert_eq!(fields(vec![w("u1", "nope")]), ["email"]);
        assert_eq!(fields((0..=MAX_WATCHED).map(|i| w(&i.to_string(), "a@example.com")).collect()), ["profiles"]);
        assert!(!format!("{:?}", w("u1", "ada@example.com")).contains("ada@"), "no email in Debug");
    }

    #[test]
    fn personal_data_stays_out_of_debug() {
        let s = format!("{:?} {:?}", good(), MatchInput { email: "ada@example.com".into(), ..Default::default() });
        assert!(!s.contains("ada") && !s.contains("Lovelace") && !s.contains("host-42"), "{s}");
    }
}
