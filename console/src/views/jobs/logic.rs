//! The Jobs view's pure logic: labels, the picker's filter and selection, the tags text, the
//! editor's form and its post options. No DOM here, so all of it is unit-tested natively.

use shared::board::fold;
use shared::jobs::{
    check_edit, Change, GreenhouseJob, GreenhouseJobs, GreenhouseStatus, ImportInput, ImportMode, JobEdit, ManagedJob, Source, Visibility,
};
use shared::owner::SyncReport;
use std::collections::BTreeSet;

pub fn source_label(s: Source) -> &'static str {
    match s {
        Source::Greenhouse => "Greenhouse",
        Source::Local => "Local job",
    }
}

/// Text and class of a job's visibility badge (the text carries the meaning, not the colour).
pub fn visibility_badge(v: Visibility) -> (&'static str, &'static str) {
    match v {
        Visibility::Live => ("Live", "badge vis-live"),
        Visibility::NotImported => ("Not imported", "badge vis-not-imported"),
        Visibility::Hidden => ("Hidden", "badge vis-hidden"),
        Visibility::Closed => ("Closed in Greenhouse", "badge vis-closed"),
    }
}

pub fn mode_label(m: ImportMode) -> &'static str {
    match m {
        ImportMode::Automatic => "Automatic: every published job goes live",
        ImportMode::Picker => "Picker: choose jobs",
    }
}

/// "N added, N updated, N removed".
pub fn sync_summary(r: &SyncReport) -> String {
    format!("{} added, {} updated, {} removed", r.added.len(), r.updated.len(), r.removed.len())
}

pub fn status_label(s: GreenhouseStatus) -> &'static str {
    match s {
        GreenhouseStatus::Open => "Open",
        GreenhouseStatus::Closed => "Closed",
        GreenhouseStatus::Draft => "Draft",
    }
}

/// Text and class of a picker row's change badge.
pub fn change_badge(c: Change) -> (&'static str, &'static str) {
    match c {
        Change::New => ("New", "badge change-new"),
        Change::Closed => ("Closed", "badge change-closed"),
        Change::Reopened => ("Reopened", "badge change-reopened"),
    }
}

/// "1 job", "2 jobs".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Posts candidates from a host site can apply to: live and not internal.
pub fn live_external_posts(job: &GreenhouseJob) -> usize {
    job.posts.iter().filter(|p| p.live && !p.internal).count()
}

/// A picker row's details: "Open · Engineering · London, Remote · 2 openings · 1 live post".
pub fn job_meta(job: &GreenhouseJob) -> String {
    let mut parts = vec![status_label(job.status).to_string()];
    for list in [&job.departments, &job.offices] {
        if !list.is_empty() {
            parts.push(list.join(", "));
        }
    }
    if let Some(n) = job.openings {
        parts.push(plural(n as usize, "opening", "openings"));
    }
    parts.push(plural(live_external_posts(job), "live post", "live posts"));
    parts.join(" · ")
}

/// The picker's rows folded once (title, departments, offices), searched on every keystroke.
pub struct PickerIndex(Vec<(String, String)>);

impl PickerIndex {
    pub fn new(jobs: &[GreenhouseJob]) -> Self {
        Self(
            jobs.iter()
                .map(|j| {
                    let text = std::iter::once(&j.title).chain(&j.departments).chain(&j.offices).map(String::as_str).collect::<Vec<_>>().join(" ");
                    (j.key.clone(), fold(&text))
                })
                .collect(),
        )
    }

    /// Per row, in order: whether it contains every word of `query`, case and accents ignored.
    pub fn matches(&self, query: &str) -> Vec<bool> {
        let q = fold(query);
        let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
        self.0.iter().map(|(_, text)| words.iter().all(|w| text.contains(w))).collect()
    }

    /// The keys of the rows `matches` kept.
    pub fn keys(&self, shown: &[bool]) -> Vec<String> {
        self.0.iter().zip(shown).filter(|(_, on)| **on).map(|((k, _), _)| k.clone()).collect()
    }

    #[cfg(test)]
    pub fn filter(&self, query: &str) -> Vec<String> {
        self.keys(&self.matches(query))
    }
}

/// What is imported when the dialog opens.
pub fn initial_selection(jobs: &[GreenhouseJob]) -> BTreeSet<String> {
    jobs.iter().filter(|j| j.imported).map(|j| j.key.clone()).collect()
}

/// "Select all" and "Select none" act on the rows the search shows, and leave the others.
pub fn select(selected: &mut BTreeSet<String>, shown: &[String], on: bool) {
    for k in shown {
        if on {
            selected.insert(k.clone());
        } else {
            selected.remove(k);
        }
    }
}

/// "N of M selected", counting only rows of the list.
pub fn selection_count(selected: &BTreeSet<String>, jobs: &[GreenhouseJob]) -> String {
    let n = jobs.iter().filter(|j| selected.contains(&j.key)).count();
    format!("{n} of {} selected", jobs.len())
}

/// The PUT body: the mode and the whole set of imported keys.
pub fn import_input(mode: ImportMode, selected: &BTreeSet<String>) -> ImportInput {
    ImportInput { mode: Some(mode), imported: Some(selected.iter().cloned().collect()) }
}

/// Tags from the comma-separated text box: trimmed, empty ones dropped, repeats (ignoring
/// case and accents) kept once. Lengths and counts are checked by `shared::jobs::check_edit`.
pub fn parse_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for t in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|x| fold(x) == fold(t)) {
            tags.push(t.to_string());
        }
    }
    tags
}

/// What the editor's inputs hold, as typed.
#[derive(Clone, Default, PartialEq)]
#[cfg_attr(test, derive(Debug))]
pub struct EditForm {
    pub featured: bool,
    pub position: String,
    pub tags: String,
    pub hidden: bool,
    pub intro: String,
    pub apply_url: String,
    /// A job post id, or empty for "Not connected".
    pub post_id: String,
    pub title: String,
    pub location: String,
    pub description: String,
}

/// A field's problem: `(input name, message)`.
pub type FieldProblem = (String, String);

impl EditForm {
    pub fn from_job(j: &ManagedJob) -> Self {
        let f = &j.fields;
        let (title, location, description) = match &j.local {
            Some(l) => (l.title.clone(), l.location.clone(), l.description.clone()),
            None => (j.title.clone(), j.location.clone(), String::new()),
        };
        Self {
            featured: f.featured,
            position: f.position.map(|p| p.to_string()).unwrap_or_default(),
            tags: f.tags.join(", "),
            hidden: f.hidden,
            intro: f.intro.clone(),
            apply_url: f.apply_url.clone().unwrap_or_default(),
            post_id: f.post_id.map(|p| p.to_string()).unwrap_or_default(),
            title,
            location,
            description,
        }
    }

    /// The PATCH/POST body: every local field (empty position, apply URL or post: `null`,
    /// which clears it), plus title, location and description for a local job. Checked with
    /// the worker's own rules first.
    pub fn to_edit(&self, local: bool) -> Result<JobEdit, Vec<FieldProblem>> {
        let mut problems: Vec<FieldProblem> = Vec::new();
        let position = match self.position.trim() {
            "" => None,
            p => p.parse::<i32>().map_err(|_| problems.push(("position".into(), "Enter a whole number, or leave it empty.".into()))).ok(),
        };
        let post_id = match self.post_id.trim() {
            "" => None,
            p => p.parse::<u64>().map_err(|_| problems.push(("post_id".into(), "Choose a job post, or Not connected.".into()))).ok(),
        };
        let apply_url = Some(self.apply_url.trim()).filter(|u| !u.is_empty()).map(str::to_string);
        let edit = JobEdit {
            title: local.then(|| self.title.trim().to_string()),
            location: local.then(|| self.location.trim().to_string()),
            description: local.then(|| self.description.clone()),
            featured: self.featured,
            position,
            tags: parse_tags(&self.tags),
            hidden: self.hidden,
            intro: self.intro.clone(),
            apply_url,
            post_id,
        };
        for (field, message) in check_edit(&edit, local) {
            if !problems.iter().any(|(f, _)| f == field) {
                problems.push((field.to_string(), message));
            }
        }
        if problems.is_empty() {
            Ok(edit)
        } else {
            Err(problems)
        }
    }
}

/// The "Connect Greenhouse job" choices as `(value, label)`: "Not connected", then every live
/// external post as "post title — location (job title)". A current post that is no longer
/// among them stays choosable, so saving other fields never drops the link silently.
pub fn post_options(g: &GreenhouseJobs, current: Option<u64>) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "Not connected".to_string())];
    for job in &g.jobs {
        for p in job.posts.iter().filter(|p| p.live && !p.internal) {
            let label = if p.location.is_empty() {
                format!("{} ({})", p.title, job.title)
            } else {
                format!("{} — {} ({})", p.title, p.location, job.title)
            };
            options.push((p.id.to_string(), label));
        }
    }
    if let Some(c) = current.map(|c| c.to_string()) {
        if !options.iter().any(|(v, _)| *v == c) {
            let label = format!("Job post {c} (no longer live)");
            options.push((c, label));
        }
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::jobs::JobPost;

    #[test]
    fn the_sync_report_counts_changes() {
        let r = SyncReport { board: "acme".into(), added: vec![1, 2], updated: vec![3], removed: vec![], jobs: 9, harvest_jobs: None, at: 0 };
        assert_eq!(sync_summary(&r), "2 added, 1 updated, 0 removed");
    }

    #[test]
    fn badges_say_what_they_mean_in_words() {
        assert_eq!(visibility_badge(Visibility::Closed).0, "Closed in Greenhouse");
        assert_eq!(visibility_badge(Visibility::NotImported).0, "Not imported");
        assert_eq!(source_label(Source::Local), "Local job");
        assert_eq!(change_badge(Change::Reopened).0, "Reopened");
    }

    fn gh(key: &str, title: &str, departments: &[&str], offices: &[&str], imported: bool) -> GreenhouseJob {
        GreenhouseJob {
            key: key.into(),
            job_id: None,
            title: title.into(),
            status: GreenhouseStatus::Open,
            departments: departments.iter().map(|s| s.to_string()).collect(),
            offices: offices.iter().map(|s| s.to_string()).collect(),
            openings: None,
            posts: vec![],
            imported,
            change: None,
            edit_url: None,
        }
    }

    fn jobs() -> Vec<GreenhouseJob> {
        vec![
            gh("gh-1", "Backend Engineer", &["Engineering"], &["Zürich"], true),
            gh("gh-2", "Product Designer", &["Design"], &["London"], false),
            gh("gh-3", "Data Engineer", &["Engineering", "Data"], &["Remote"], false),
        ]
    }

    #[test]
    fn search_matches_title_department_and_office_without_case_or_accents() {
        let idx = PickerIndex::new(&jobs());
        assert_eq!(idx.filter(""), ["gh-1", "gh-2", "gh-3"]);
        assert_eq!(idx.filter("  "), ["gh-1", "gh-2", "gh-3"]);
        assert_eq!(idx.filter("ENGINEER"), ["gh-1", "gh-3"]);
        assert_eq!(idx.filter("zurich"), ["gh-1"]);
        assert_eq!(idx.filter("Zürich"), ["gh-1"]);
        assert_eq!(idx.filter("design"), ["gh-2"], "department");
        assert_eq!(idx.filter("data remote"), ["gh-3"], "every word, anywhere");
        assert!(idx.filter("london engineer").is_empty());
    }

    #[test]
    fn select_all_and_none_act_on_the_shown_rows_only() {
        let all = jobs();
        let mut sel = initial_selection(&all);
        assert_eq!(selection_count(&sel, &all), "1 of 3 selected");
        let shown = PickerIndex::new(&all).filter("engineer");
        select(&mut sel, &shown, true);
        assert_eq!(sel.iter().collect::<Vec<_>>(), ["gh-1", "gh-3"]);
        select(&mut sel, &["gh-2".to_string()], true);
        select(&mut sel, &shown, false);
        assert_eq!(sel.iter().collect::<Vec<_>>(), ["gh-2"]);
        assert_eq!(selection_count(&sel, &all), "1 of 3 selected");
        let input = import_input(ImportMode::Picker, &sel);
        assert_eq!(input.mode, Some(ImportMode::Picker));
        assert_eq!(input.imported, Some(vec!["gh-2".to_string()]), "the whole set, not a diff");
    }

    #[test]
    fn rows_describe_status_teams_openings_and_live_external_posts() {
        let mut j = gh("gh-1", "Backend Engineer", &["Engineering"], &["Zürich", "Remote"], true);
        j.openings = Some(2);
        let post = |id, internal, live| JobPost { id, title: "Backend Engineer".into(), location: "Zürich".into(), internal, live };
        j.posts = vec![post(10, false, true), post(11, true, true), post(12, false, false)];
        assert_eq!(job_meta(&j), "Open · Engineering · Zürich, Remote · 2 openings · 1 live post");
        j.status = GreenhouseStatus::Draft;
        j.departments.clear();
        j.openings = None;
        j.posts.clear();
        assert_eq!(job_meta(&j), "Draft · Zürich, Remote · 0 live posts");
    }

    fn managed(local: bool) -> ManagedJob {
        ManagedJob {
            key: if local { "local-1000000000000001".into() } else { "gh-7".into() },
            id: Some(7),
            source: if local { Source::Local } else { Source::Greenhouse },
            visibility: Visibility::Live,
            title: "Barista".into(),
            location: "Lyon".into(),
            departments: vec![],
            offices: vec![],
            updated_at: None,
            greenhouse_job_id: None,
            edit_url: None,
            fields: shared::jobs::LocalFields {
                featured: true,
                position: Some(3),
                tags: vec!["Remote".into(), "Senior".into()],
                apply_url: Some("https://acme.example/apply".into()),
                post_id: Some(42),
                ..Default::default()
            },
            connected: true,
            local: local.then(|| shared::jobs::LocalJob {
                id: 1,
                title: "Barista".into(),
                location: "Lyon".into(),
                description: "**Coffee**".into(),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn tags_are_trimmed_and_kept_once() {
        assert_eq!(parse_tags(" Remote, senior ,, remote,Senior , Lyon"), ["Remote", "senior", "Lyon"]);
        assert!(parse_tags(" , ").is_empty());
    }

    #[test]
    fn the_form_round_trips_a_greenhouse_job_and_sends_no_greenhouse_fields() {
        let form = EditForm::from_job(&managed(false));
        assert_eq!(form.tags, "Remote, Senior");
        assert_eq!(form.position, "3");
        assert_eq!(form.post_id, "42");
        let edit = form.to_edit(false).unwrap();
        assert_eq!((edit.title, edit.location, edit.description), (None, None, None));
        assert!(edit.featured);
        assert_eq!(edit.position, Some(3));
        assert_eq!(edit.tags, ["Remote", "Senior"]);
        assert_eq!(edit.post_id, Some(42));
    }

    #[test]
    fn empty_inputs_clear_position_apply_url_and_post() {
        let form = EditForm { position: " ".into(), apply_url: "".into(), post_id: "".into(), ..EditForm::from_job(&managed(false)) };
        let edit = form.to_edit(false).unwrap();
        assert_eq!((edit.position, edit.apply_url.as_deref(), edit.post_id), (None, None, None));
        assert_eq!(edit.title, None, "no Greenhouse-owned field is sent");
    }

    #[test]
    fn a_local_job_sends_its_own_title_location_and_description() {
        let edit = EditForm::from_job(&managed(true)).to_edit(true).unwrap();
        assert_eq!(edit.title.as_deref(), Some("Barista"));
        assert_eq!(edit.location.as_deref(), Some("Lyon"));
        assert_eq!(edit.description.as_deref(), Some("**Coffee**"));
        let new = EditForm { title: "  ".into(), ..Default::default() };
        assert_eq!(new.to_edit(true).unwrap_err()[0].0, "title", "a new local job needs a title");
    }

    #[test]
    fn bad_inputs_are_named_by_field() {
        let form = EditForm { position: "1.5".into(), apply_url: "http://x.example".into(), tags: "ok, ".into(), ..Default::default() };
        let fields: Vec<String> = form.to_edit(false).unwrap_err().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["position", "apply_url"]);
        let far = EditForm { position: "20000".into(), ..Default::default() };
        assert_eq!(far.to_edit(false).unwrap_err()[0].0, "position", "the worker's range, checked here too");
    }

    #[test]
    fn post_options_list_live_external_posts_and_keep_the_current_one() {
        let mut j = gh("gh-1", "Backend Engineer", &[], &[], true);
        let post = |id, title: &str, location: &str, internal, live| JobPost { id, title: title.into(), location: location.into(), internal, live };
        j.posts = vec![
            post(10, "Backend Engineer", "Zürich", false, true),
            post(11, "Internal", "", true, true),
            post(12, "Old", "", false, false),
            post(13, "Backend (EU)", "", false, true),
        ];
        let g = GreenhouseJobs { v: 1, source: shared::jobs::PickerSource::HarvestV3, mode: ImportMode::Automatic, jobs: vec![j], pages: 1 };
        let labels = |o: Vec<(String, String)>| o.into_iter().map(|(v, l)| format!("{v}={l}")).collect::<Vec<_>>();
        assert_eq!(
            labels(post_options(&g, None)),
            ["=Not connected", "10=Backend Engineer — Zürich (Backend Engineer)", "13=Backend (EU) (Backend Engineer)"]
        );
        assert_eq!(labels(post_options(&g, Some(10))).len(), 3);
        assert_eq!(labels(post_options(&g, Some(12))).last().unwrap(), "12=Job post 12 (no longer live)");
    }
}
