//! The Jobs view's pure logic: labels, the picker's filter and selection, the tags text, the
//! editor's form and its post options. No DOM here, so all of it is unit-tested natively.

use shared::jobs::{ImportMode, Source, Visibility};
use shared::owner::SyncReport;

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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
