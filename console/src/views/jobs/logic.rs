//! The Jobs view's pure logic: labels, the picker's filter and selection, the tags text, the
//! editor's form and its post options. No DOM here, so all of it is unit-tested natively.

use shared::board::fold;
use shared::jobs::{Change, GreenhouseJob, GreenhouseStatus, ImportInput, ImportMode, Source, Visibility};
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

fn plural(n: usize, one: &str, many: &str) -> String {
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

    /// Keys of the rows containing every word of `query`, case and accents ignored, in order.
    pub fn filter(&self, query: &str) -> Vec<String> {
        let q = fold(query);
        let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
        self.0.iter().filter(|(_, text)| words.iter().all(|w| text.contains(w))).map(|(k, _)| k.clone()).collect()
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
}
