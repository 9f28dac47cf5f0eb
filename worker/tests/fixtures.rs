//! Every real capture under `tests/greenhouse-fake/fixtures` parses and maps, with the
//! oddities SOURCES.md lists handled: `\u0026`-escaped HTML, ids above 2³¹, null
//! `internal_job_id`, numbers as strings, homoglyph titles, messy whitespace.

use gh_worker::snapshot::{Snapshot, Upstream};
use shared::greenhouse::job_board as gh;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/greenhouse-fake/fixtures").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn snapshot(name: &str) -> Snapshot {
    let jobs: gh::JobList = serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    Snapshot::build("fixture", Upstream { jobs, departments: None, offices: None, board: None }, 0)
}

const LISTS: [(&str, usize); 5] = [
    ("jobboard-phonepe-jobs-content.json", 69),
    ("jobboard-janestreet-jobs-content-trimmed.json", 24),
    ("jobboard-coinbase-jobs-content-trimmed.json", 16),
    ("jobboard-airbnb-jobs-content-trimmed.json", 20),
    ("jobboard-discord-jobs-content-one-job.json", 1),
];

#[test]
fn every_captured_job_list_maps_with_clean_html() {
    for (name, count) in LISTS {
        let s = snapshot(name);
        assert_eq!(s.listing.jobs.len(), count, "{name}");
        for job in &s.listing.jobs {
            assert!(!job.title.is_empty() && job.title == job.title.trim(), "{name}: title {:?}", job.title);
            let html = &s.content[&job.id];
            assert!(!html.contains("&lt;div") && !html.contains("&lt;p"), "{name}: content still escaped");
            assert!(!html.to_ascii_lowercase().contains("<script"), "{name}: script survived");
        }
        assert_eq!(s.listing.board.name, s.listing.board.name.trim());
    }
}

#[test]
fn phonepe_quirks_are_handled() {
    let s = snapshot("jobboard-phonepe-jobs-content.json");
    assert_eq!(s.listing.board.name, "PhonePe", "company_name names the board");
    assert!(s.listing.jobs.iter().all(|j| j.id > u64::from(u32::MAX) / 2), "ids above 2^31");
    let prospect = s.listing.jobs.iter().find(|j| j.id == 4353886003).expect("prospect post");
    assert!(prospect.department_ids.is_empty() && prospect.requisition_id.is_none());
    assert!(s.listing.jobs.iter().all(|j| j.location == j.location.trim()), "locations are trimmed");
    assert!(s.content.values().any(|h| h.contains("<div") || h.contains("<p>")), "markup decoded");
}

#[test]
fn homoglyph_titles_survive_untouched() {
    let s = snapshot("jobboard-janestreet-jobs-content-trimmed.json");
    assert!(s.listing.jobs.iter().any(|j| j.title.contains('ꓟ')), "Lisu letters kept as sent");
}

#[test]
fn legacy_2013_shapes_parse() {
    let job: gh::Job = serde_json::from_str(&fixture("jobboard-generalassembly-job-721-questions-2013.json")).unwrap();
    assert_eq!(job.id, 721);
    assert_eq!(job.questions.len(), 9, "2013 questions parse");
    assert!(job.questions.iter().any(|q| q.fields.iter().any(|f| f.kind == "input_file")));
    let d: gh::DepartmentList = serde_json::from_str(&fixture("jobboard-generalassembly-departments-2013.json")).unwrap();
    assert!(d.departments.iter().any(|d| d.id == 0 && d.name == "No Department"));
    let o: gh::OfficeList = serde_json::from_str(&fixture("jobboard-generalassembly-offices-2013.json")).unwrap();
    assert!(!o.offices.is_empty());
}
