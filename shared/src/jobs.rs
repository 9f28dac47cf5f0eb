//! Owners manage their jobs: which Greenhouse jobs go live (automatic or picker import),
//! the fields an owner edits on the host (featured, order, tags, hidden, intro, apply URL,
//! a linked Greenhouse job post), jobs that exist only on the host, and the wire types of
//! the owner and host routes under `/api/v1/orgs/{org}/jobs`.
//!
//! Greenhouse owns a job's title, description, location, departments, offices and pay: they
//! are edited in Greenhouse and only read here. Everything else is local.
//!
//! A job is keyed by what stays stable across syncs: `gh-{id}` for a Greenhouse job (the
//! Harvest job id, which the Job Board API calls `internal_job_id`), `post-{id}` for a board
//! job Greenhouse gives no job id for, `local-{id}` for a job made on the host.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Ids of jobs made on the host start here: far above Greenhouse's ids (about 2³³ today) and
/// below 2⁵³, so they survive JavaScript numbers.
pub const LOCAL_ID_BASE: u64 = 1_000_000_000_000_000;

/// Fields only Greenhouse may change on a Greenhouse job; writes to them are refused.
pub const GREENHOUSE_OWNED: [&str; 9] = ["title", "description", "content", "location", "departments", "offices", "pay", "pay_ranges", "status"];

pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 40;
pub const MAX_INTRO_CHARS: usize = 4_000;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_LOCATION_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
pub const MAX_URL_CHARS: usize = 500;
/// Local jobs per org.
pub const MAX_LOCAL_JOBS: usize = 200;
/// Jobs with local fields per org (imported flags included).
pub const MAX_FIELD_ROWS: usize = 10_000;
/// What one org's decisions may weigh in every cached copy of its board.
pub const MAX_OVERLAY_BYTES: usize = 2 * 1024 * 1024;

/// How new Greenhouse jobs reach the visitor board.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Every published job goes live, new ones too.
    #[default]
    Automatic,
    /// New jobs wait as "not imported" until an owner turns them on.
    Picker,
}

/// What an owner decided about one job. Stored per job in D1; carried in the board's cached
/// snapshot so the visitor listing merges it without a database read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalFields {
    /// Picker mode: shown only when imported. Automatic mode ignores it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub imported: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub featured: bool,
    /// Smaller first; jobs without one keep Greenhouse's order after those with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub hidden: bool,
    /// As the owner wrote it: plain text or a small Markdown subset.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub intro: String,
    /// `intro` rendered and sanitised by the worker, safe for `innerHTML`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub intro_html: String,
    /// Where "Apply" leads instead of the in-place form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_url: Option<String>,
    /// The Greenhouse job post (a job id on the board) this job's applications go to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_id: Option<u64>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl LocalFields {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// A job made on the host, not in Greenhouse.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalJob {
    pub id: u64,
    pub title: String,
    #[serde(default)]
    pub location: String,
    /// As the owner wrote it (plain text or the Markdown subset).
    #[serde(default)]
    pub description: String,
    /// Rendered and sanitised by the worker.
    #[serde(default)]
    pub description_html: String,
    #[serde(default)]
    pub created_at: u64,
}

/// Everything owners decided for a board: the board's snapshot carries it through every cache
/// layer, and `revision` says which decision is newer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Overlay {
    #[serde(default)]
    pub mode: ImportMode,
    /// Milliseconds since the epoch of the last change (0: none ever).
    #[serde(default)]
    pub revision: u64,
    /// By job key (`gh-…`, `post-…`, `local-…`).
    #[serde(default)]
    pub fields: BTreeMap<String, LocalFields>,
    #[serde(default)]
    pub local_jobs: Vec<LocalJob>,
    /// Whether an org has connected the board: only such boards' views are counted for owner
    /// analytics (nobody could read the others', and counting them would let anyone fill D1).
    #[serde(default)]
    pub connected: bool,
}

impl Overlay {
    /// No decision at all: the board shows exactly what Greenhouse publishes.
    pub fn is_empty(&self) -> bool {
        self.mode == ImportMode::Automatic && self.fields.values().all(LocalFields::is_default) && self.local_jobs.is_empty()
    }

    /// Never decided anything, and no org connected the board: nothing to carry (a revision,
    /// even of an emptied overlay, is carried, so an undo still wins over older copies).
    pub fn is_unset(&self) -> bool {
        self.revision == 0 && self.is_empty() && !self.connected
    }

    /// What visitors need of it: rendered HTML only, not what owners wrote.
    pub fn for_visitors(mut self) -> Self {
        for f in self.fields.values_mut() {
            f.intro.clear();
        }
        for j in &mut self.local_jobs {
            j.description.clear();
        }
        self.fields.retain(|_, f| !f.is_default());
        self
    }

    /// About how many bytes it takes in memory (its text, and a little per entry).
    pub fn approx_bytes(&self) -> usize {
        let fields: usize = self
            .fields
            .iter()
            .map(|(k, f)| k.len() + f.intro.len() + f.intro_html.len() + f.tags.iter().map(|t| t.len() + 24).sum::<usize>() + 160)
            .sum();
        let jobs: usize =
            self.local_jobs.iter().map(|j| j.title.len() + j.location.len() + j.description.len() + j.description_html.len() + 128).sum();
        fields + jobs
    }

    /// Whether a Greenhouse job with these fields is on the visitor board.
    pub fn shows(&self, fields: Option<&LocalFields>) -> bool {
        let f = fields.cloned().unwrap_or_default();
        !f.hidden && (self.mode == ImportMode::Automatic || f.imported)
    }
}

/// The key of a board job: its Greenhouse job when known, else the post itself.
pub fn job_key(post_id: u64, internal_job_id: Option<u64>) -> String {
    match internal_job_id {
        Some(j) => format!("gh-{j}"),
        None => format!("post-{post_id}"),
    }
}

pub fn local_key(id: u64) -> String {
    format!("local-{id}")
}

/// A key from a URL: `gh-123`, `post-123` or `local-123`, nothing else.
pub fn valid_key(key: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit());
    ["gh-", "post-", "local-"].iter().any(|p| key.strip_prefix(p).is_some_and(digits))
}

/// Sorts visitor jobs: featured first, then by position (jobs without one after), then in
/// the order given (Greenhouse's). Stable.
pub fn order<T>(jobs: &mut [T], fields: impl Fn(&T) -> (bool, Option<i32>)) {
    jobs.sort_by_key(|j| {
        let (featured, position) = fields(j);
        (!featured, position.is_none(), position.unwrap_or(0))
    });
}

// ---- Wire types of the owner and host routes ----

/// Where a job comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Greenhouse,
    Local,
}

/// Whether visitors see a job, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Live,
    NotImported,
    Hidden,
    /// Closed or unpublished in Greenhouse; its local fields are kept for when it returns.
    Closed,
}

/// `GET /api/v1/orgs/{org}/jobs`: the org's jobs as visitors get them, merged with local
/// fields, plus the ones visitors do not see and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgJobs {
    pub v: u32,
    pub org: String,
    pub board: Option<String>,
    pub mode: ImportMode,
    pub jobs: Vec<ManagedJob>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedJob {
    pub key: String,
    /// The job's id on the visitor board (and in its URLs), when it has one.
    pub id: Option<u64>,
    pub source: Source,
    pub visibility: Visibility,
    pub title: String,
    pub location: String,
    pub departments: Vec<String>,
    pub offices: Vec<String>,
    pub updated_at: Option<String>,
    /// The Greenhouse job (Harvest id), when known.
    pub greenhouse_job_id: Option<u64>,
    /// Where Greenhouse-owned fields are edited.
    pub edit_url: Option<String>,
    pub fields: LocalFields,
    /// Applications made on the host have a Greenhouse job post to go to.
    pub connected: bool,
    /// For local jobs: what the owner wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<LocalJob>,
}

/// Where the picker's list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickerSource {
    HarvestV3,
    HarvestV1,
    JobBoard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GreenhouseStatus {
    Open,
    Closed,
    Draft,
}

/// What changed about a job since an owner last looked at the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    New,
    Closed,
    Reopened,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobPost {
    pub id: u64,
    pub title: String,
    pub location: String,
    /// Internal posts are for employees; candidates from a host site go to external ones.
    pub internal: bool,
    pub live: bool,
}

/// One row of the "Import jobs" dialog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GreenhouseJob {
    pub key: String,
    pub job_id: Option<u64>,
    pub title: String,
    pub status: GreenhouseStatus,
    pub departments: Vec<String>,
    pub offices: Vec<String>,
    /// Open openings (headcount), when Harvest says.
    pub openings: Option<u32>,
    pub posts: Vec<JobPost>,
    pub imported: bool,
    pub change: Option<Change>,
    pub edit_url: Option<String>,
}

/// `GET /api/v1/orgs/{org}/jobs/greenhouse`: every Greenhouse job of the org.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GreenhouseJobs {
    pub v: u32,
    pub source: PickerSource,
    pub mode: ImportMode,
    pub jobs: Vec<GreenhouseJob>,
    /// Pages Greenhouse answered in, for the curious (and the tests).
    pub pages: u32,
}

/// `PUT /api/v1/orgs/{org}/jobs/import`: the mode, and/or the whole set of imported keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ImportMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<Vec<String>>,
}

/// `PATCH /api/v1/orgs/{org}/jobs/{key}` and `POST /api/v1/orgs/{org}/jobs` (a local job).
/// Every local field is sent; `null` clears `position`, `apply_url` and `post_id`. `title`,
/// `location` and `description` are accepted for local jobs only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub featured: bool,
    #[serde(default)]
    pub position: Option<i32>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub hidden: bool,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub apply_url: Option<String>,
    #[serde(default)]
    pub post_id: Option<u64>,
}

/// Checks an edit before anything is stored; `(field, message)` per problem.
pub fn check_edit(e: &JobEdit, local: bool) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    let chars = |s: &str| s.chars().count();
    if local {
        match &e.title {
            Some(t) if !t.trim().is_empty() && chars(t) <= MAX_TITLE_CHARS => {}
            _ => p.push(("title", format!("Enter a title of at most {MAX_TITLE_CHARS} characters."))),
        }
        if e.location.as_deref().is_some_and(|l| chars(l) > MAX_LOCATION_CHARS) {
            p.push(("location", format!("The location has at most {MAX_LOCATION_CHARS} characters.")));
        }
        if e.description.as_deref().is_some_and(|d| chars(d) > MAX_DESCRIPTION_CHARS) {
            p.push(("description", format!("The description has at most {MAX_DESCRIPTION_CHARS} characters.")));
        }
    }
    if e.tags.len() > MAX_TAGS {
        p.push(("tags", format!("At most {MAX_TAGS} tags.")));
    }
    if e.tags.iter().any(|t| t.trim().is_empty() || chars(t) > MAX_TAG_CHARS || t.chars().any(char::is_control)) {
        p.push(("tags", format!("Each tag has 1 to {MAX_TAG_CHARS} characters.")));
    }
    if chars(&e.intro) > MAX_INTRO_CHARS {
        p.push(("intro", format!("The intro has at most {MAX_INTRO_CHARS} characters.")));
    }
    if e.position.is_some_and(|n| !(-10_000..=10_000).contains(&n)) {
        p.push(("position", "The position is a number from -10000 to 10000.".into()));
    }
    if let Some(u) = &e.apply_url {
        if !valid_https_url(u) {
            p.push(("apply_url", "Enter a full https:// address.".into()));
        }
    }
    p
}

/// An absolute `https://` URL with a host and no spaces or control characters.
pub fn valid_https_url(u: &str) -> bool {
    let Some(rest) = u.strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    u.len() <= MAX_URL_CHARS
        && !host.is_empty()
        && !host.contains('@')
        && !u.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>' || c == '\\')
}

/// The fields of an edit that an owner may set on a job of `source`: the rest of a PATCH
/// body is refused by name.
pub fn refused_fields<'a>(keys: impl Iterator<Item = &'a str>, source: Source) -> Vec<String> {
    keys.filter(|k| source == Source::Greenhouse && GREENHOUSE_OWNED.contains(k)).map(str::to_string).collect()
}

/// `PUT /api/v1/orgs/{org}/callback`: where the host wants job (and later candidate) events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallbackInput {
    pub url: String,
}

/// `GET/PUT /api/v1/orgs/{org}/callback`: the registered URL and how delivery goes. `secret`
/// (`whsec_…`) is present only in the answer that created or rotated it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Callback {
    pub url: String,
    pub registered_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// While set, the previous secret's signatures are sent beside the new one's.
    pub previous_valid_until: Option<u64>,
    pub pending: u32,
    pub last_status: Option<u16>,
    pub last_attempt_at: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_checked() {
        assert_eq!(job_key(7, Some(4_000_000_001)), "gh-4000000001");
        assert_eq!(job_key(7, None), "post-7");
        assert_eq!(local_key(LOCAL_ID_BASE + 1), "local-1000000000000001");
        for ok in ["gh-1", "post-99", "local-1000000000000001"] {
            assert!(valid_key(ok), "{ok}");
        }
        for bad in ["gh-", "gh-1a", "x-1", "local--1", "gh-123456789012345678901", "../gh-1"] {
            assert!(!valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn visibility_follows_the_mode_and_the_fields() {
        let mut o = Overlay::default();
        assert!(o.is_empty());
        assert!(o.shows(None), "automatic: every published job");
        assert!(!o.shows(Some(&LocalFields { hidden: true, ..Default::default() })));
        o.mode = ImportMode::Picker;
        assert!(!o.is_empty());
        assert!(!o.shows(None), "picker: not imported yet");
        assert!(o.shows(Some(&LocalFields { imported: true, ..Default::default() })));
        assert!(!o.shows(Some(&LocalFields { imported: true, hidden: true, ..Default::default() })));
    }

    #[test]
    fn featured_then_position_then_greenhouse_order() {
        let mut jobs = vec![("a", false, None), ("b", false, Some(2)), ("c", true, None), ("d", false, Some(1)), ("e", false, None)];
        order(&mut jobs, |j| (j.1, j.2));
        assert_eq!(jobs.iter().map(|j| j.0).collect::<String>(), "cdbae");
    }

    #[test]
    fn edits_are_checked_before_anything_is_stored() {
        let ok = JobEdit { tags: vec!["Remote".into()], apply_url: Some("https://acme.example/apply?j=1".into()), ..Default::default() };
        assert!(check_edit(&ok, false).is_empty());
        let bad = JobEdit {
            tags: vec![" ".into()],
            apply_url: Some("javascript:alert(1)".into()),
            intro: "x".repeat(MAX_INTRO_CHARS + 1),
            position: Some(99_999),
            ..Default::default()
        };
        let fields: Vec<_> = check_edit(&bad, false).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["tags", "intro", "position", "apply_url"]);
        assert_eq!(check_edit(&JobEdit::default(), true)[0].0, "title", "a local job needs a title");
        for u in ["http://x.example", "https://", "https://a b", "https://user@evil.example", "https://x.example/\"onload"] {
            assert!(!valid_https_url(u), "{u}");
        }
    }

    #[test]
    fn greenhouse_owned_fields_are_named() {
        let keys = ["featured", "title", "pay", "tags"];
        assert_eq!(refused_fields(keys.into_iter(), Source::Greenhouse), ["title", "pay"]);
        assert!(refused_fields(keys.into_iter(), Source::Local).is_empty());
    }

    #[test]
    fn empty_fields_stay_out_of_the_wire() {
        assert_eq!(serde_json::to_string(&LocalFields::default()).unwrap(), "{}");
        let f = LocalFields { featured: true, tags: vec!["a".into()], ..Default::default() };
        let back: LocalFields = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back, f);
    }
}
