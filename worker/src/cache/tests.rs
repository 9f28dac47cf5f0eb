//! The read path's decisions, natively: what a refresh's outcome does to isolate memory, and
//! what a request waiting on someone else's refresh gets. (Each test runs on its own thread,
//! so each starts with empty thread-local caches.)

use super::*;
use crate::snapshot::Upstream;

fn cfg(pairs: &[(&str, &str)]) -> Config {
    let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(|k| m.get(k).cloned())
}

fn snapshot(token: &str, at: u64, titles: &[&str]) -> Snapshot {
    let jobs: Vec<serde_json::Value> =
        titles.iter().enumerate().map(|(i, t)| serde_json::json!({"id": i + 1, "title": t, "content": "&lt;p&gt;x&lt;/p&gt;"})).collect();
    let jobs = serde_json::from_value(serde_json::json!({ "jobs": jobs })).unwrap();
    Snapshot::build(token, Upstream { jobs, departments: None, offices: None, board: None }, at)
}

fn held(c: &Config, token: &str) -> Option<Vec<String>> {
    boards(c, |b| b.peek(token).map(|s| s.copy.snapshot.listing.jobs.iter().map(|j| j.title.clone()).collect()))
}

fn stored(r: Recorded) -> Rc<Prepared> {
    match r {
        Recorded::Stored(p) => p,
        other => panic!("expected a stored copy, got {other:?}"),
    }
}

#[test]
fn an_unknown_board_is_remembered_as_missing_for_the_negative_window_only() {
    let c = cfg(&[("CACHE_NEGATIVE_SECONDS", "60")]);
    assert!(matches!(record_board(&c, "nope", 1_000, None, Err(UpstreamError::NotFound)), Recorded::Missing));
    assert!(missing(&c, &board_key("nope"), 1_000));
    assert!(missing(&c, &board_key("nope"), 60_999));
    assert!(!missing(&c, &board_key("nope"), 61_000), "asked again after the window");
    assert!(held(&c, "nope").is_none(), "nothing stored for it");
    let off = cfg(&[("CACHE_NEGATIVE_SECONDS", "0")]);
    assert!(!missing(&off, &board_key("nope"), 1_000), "0 turns negative caching off");
}

#[test]
fn requests_waiting_on_a_refresh_get_its_404_not_a_502() {
    let c = cfg(&[]);
    record_board(&c, "nope", 5_000, None, Err(UpstreamError::NotFound));
    assert_eq!(board_settled(&c, "nope", 5_000).map(|r| r.err()), Some(Some(Failure::Gone)));
    // A failure of a board with no copy is shared too, as itself.
    record_board(&c, "down", 5_000, None, Err(UpstreamError::Status(503)));
    assert_eq!(board_settled(&c, "down", 5_000).map(|r| r.err()), Some(Some(Failure::Upstream(UpstreamError::Status(503)))));
    assert!(!missing(&c, &board_key("down"), 5_001), "a failure is not a missing board");
    // An outcome recorded before the refresh a waiter waited for is not its outcome.
    assert!(board_settled(&c, "nope", 5_001).is_none());
    // A success is shared as the copy.
    let p = stored(record_board(&c, "ok", 7_000, None, Ok(snapshot("ok", 7_000, &["A"]))));
    assert!(Rc::ptr_eq(&board_settled(&c, "ok", 7_000).unwrap().unwrap(), &p));
}

#[test]
fn a_held_board_survives_its_first_404_and_goes_on_the_second() {
    let c = cfg(&[]);
    let p = stored(record_board(&c, "acme", 1_000, None, Ok(snapshot("acme", 1_000, &["A"]))));
    assert!(matches!(record_board(&c, "acme", 10_000, Some(&p), Err(UpstreamError::NotFound)), Recorded::Strike));
    assert_eq!(held(&c, "acme"), Some(vec!["A".to_string()]), "kept after one 404");
    assert!(!missing(&c, &board_key("acme"), 10_000));
    assert_eq!(board_settled(&c, "acme", 10_000).map(|r| r.err()), Some(Some(Failure::Upstream(UpstreamError::NotFound))));
    assert!(matches!(record_board(&c, "acme", 20_000, Some(&p), Err(UpstreamError::NotFound)), Recorded::Gone));
    assert!(held(&c, "acme").is_none());
    assert!(missing(&c, &board_key("acme"), 20_000), "and remembered as missing");
}

#[test]
fn a_success_between_two_404s_resets_the_count() {
    let c = cfg(&[]);
    let p = stored(record_board(&c, "acme", 1_000, None, Ok(snapshot("acme", 1_000, &["A"]))));
    record_board(&c, "acme", 2_000, Some(&p), Err(UpstreamError::NotFound));
    let p = stored(record_board(&c, "acme", 3_000, Some(&p), Ok(snapshot("acme", 3_000, &["B"]))));
    assert!(matches!(record_board(&c, "acme", 4_000, Some(&p), Err(UpstreamError::NotFound)), Recorded::Strike));
}

#[test]
fn a_failed_refresh_never_replaces_a_good_copy() {
    let c = cfg(&[]);
    let p = stored(record_board(&c, "acme", 1_000, None, Ok(snapshot("acme", 1_000, &["A", "B"]))));
    for (at, e) in [(2_000, UpstreamError::Malformed("{}".into())), (3_000, UpstreamError::Timeout(10)), (4_000, UpstreamError::Status(503))] {
        assert!(matches!(record_board(&c, "acme", at, Some(&p), Err(e.clone())), Recorded::Failed(_)));
        assert_eq!(held(&c, "acme").unwrap().len(), 2);
        assert_eq!(boards(&c, |b| b.peek("acme").unwrap().failed.clone()), Some((at, e)));
    }
    // A success clears the failure.
    record_board(&c, "acme", 5_000, Some(&p), Ok(snapshot("acme", 5_000, &["C"])));
    assert_eq!(boards(&c, |b| b.peek("acme").unwrap().failed.clone()), None);
}

#[test]
fn an_evicted_copy_still_counts_its_strikes_and_failures() {
    let c = cfg(&[("CACHE_MEMORY_MAX_BOARDS", "1")]);
    let p = stored(record_board(&c, "acme", 1_000, None, Ok(snapshot("acme", 1_000, &["A"]))));
    record_board(&c, "other", 1_000, None, Ok(snapshot("other", 1_000, &["B"])));
    assert!(held(&c, "acme").is_none(), "evicted");
    assert!(matches!(record_board(&c, "acme", 2_000, Some(&p), Err(UpstreamError::NotFound)), Recorded::Strike));
    assert!(held(&c, "acme").is_some(), "the copy the refresh started from is held again");
}

#[test]
fn an_earlier_refresh_finishing_last_does_not_replace_a_newer_copy() {
    let c = cfg(&[]);
    let newer = stored(record_board(&c, "acme", 9_000, None, Ok(snapshot("acme", 9_000, &["new"]))));
    let kept = stored(record_board(&c, "acme", 8_000, None, Ok(snapshot("acme", 8_000, &["old"]))));
    assert!(Rc::ptr_eq(&kept, &newer));
    assert_eq!(held(&c, "acme"), Some(vec!["new".to_string()]));
}

#[test]
fn a_success_clears_a_remembered_miss() {
    let c = cfg(&[]);
    record_board(&c, "late", 1_000, None, Err(UpstreamError::NotFound));
    assert!(missing(&c, &board_key("late"), 2_000));
    record_board(&c, "late", 2_000, None, Ok(snapshot("late", 2_000, &["A"])));
    assert!(!missing(&c, &board_key("late"), 2_001), "a board created since is served at once");
}

#[test]
fn isolate_memory_stays_within_its_bounds() {
    let c = cfg(&[("CACHE_MEMORY_MAX_BOARDS", "3")]);
    for i in 0..10 {
        let t = format!("b{i}");
        record_board(&c, &t, 1_000 + i, None, Ok(snapshot(&t, 1_000 + i, &["A"])));
    }
    let u = boards(&c, |b| b.usage());
    assert_eq!((u.entries, u.evictions), (3, 7));
    assert!(held(&c, "b9").is_some() && held(&c, "b0").is_none());
    // Missing boards live apart: a flood of unknown tokens does not evict good boards.
    for i in 0..100 {
        record_board(&c, &format!("nope{i}"), 2_000, None, Err(UpstreamError::NotFound));
    }
    assert_eq!(boards(&c, |b| b.usage()).entries, 3);
    assert!(held(&c, "b9").is_some());
    let bytes = cfg(&[("CACHE_MEMORY_MAX_BYTES", "1048576")]);
    let big: Vec<String> = (0..200).map(|i| format!("job {i} {}", "x".repeat(400))).collect();
    let big: Vec<&str> = big.iter().map(String::as_str).collect();
    for i in 0..40 {
        let t = format!("big{i}");
        record_board(&bytes, &t, 1_000, None, Ok(snapshot(&t, 1_000, &big)));
    }
    let u = boards(&bytes, |b| b.usage());
    assert!(u.bytes <= 1 << 20 && u.entries < 40 && u.entries > 1, "{u:?}");
}

#[test]
fn approximate_bytes_grow_with_the_board() {
    let small = Prepared::new(snapshot("a", 0, &["A"]));
    let large = Prepared::new(snapshot("a", 0, &["A"; 50]));
    assert!(small.bytes >= small.listing_body.len());
    assert!(large.bytes > 20 * small.bytes / 2, "{} vs {}", large.bytes, small.bytes);
}

#[test]
fn the_edge_holds_a_copy_or_a_missing_note() {
    assert_eq!(parse_edge_board(&missing_marker(1_234)), Some(EdgeBoard::Missing(1_234)));
    let s = snapshot("acme", 7, &["A"]);
    assert_eq!(parse_edge_board(&serde_json::to_string(&s).unwrap()), Some(EdgeBoard::Copy(Box::new(s))));
    assert_eq!(parse_edge_board("{\"missing_at\":x}"), None);
    assert_eq!(parse_edge_board("<html>"), None);
}

#[test]
fn after_a_failure_a_refresh_rests_a_freshness_window() {
    assert!(may_retry(None, 10_000, 5));
    assert!(!may_retry(Some(6_000), 10_000, 5));
    assert!(may_retry(Some(5_000), 10_000, 5));
}

#[test]
fn tokens_are_lowercased_for_every_key() {
    assert_eq!(canonical("NorthWind--Case"), "northwind--case");
}

fn job(id: u64, pay: bool) -> gh::Job {
    let ranges = if pay { serde_json::json!([{"min_cents": 100, "max_cents": 200, "currency_type": "USD"}]) } else { serde_json::json!([]) };
    serde_json::from_value(serde_json::json!({"id": id, "title": "x", "pay_input_ranges": ranges,
        "questions": [{"required": true, "label": "Email", "fields": [{"name": "email", "type": "input_text"}]}]}))
    .unwrap()
}

#[test]
fn extras_are_stored_shared_with_waiters_and_never_replaced_by_a_failure() {
    let c = cfg(&[]);
    let (e, body) = record_extras(&c, "acme", 7, 1_000, Ok(job(7, true))).unwrap();
    assert_eq!((e.pay_ranges.len(), e.form.as_ref().map(|f| f.questions.len())), (1, Some(1)));
    assert!(Rc::ptr_eq(&extras_settled(&c, "acme", 7, 1_000).unwrap().unwrap(), &e));
    // The stored form reads back as the same extras, with its time.
    let (back, at) = serde_json::from_str::<StoredExtras>(&body).unwrap().into_extras();
    assert_eq!((&*back, at), (&*e, 1_000));

    assert_eq!(record_extras(&c, "acme", 7, 2_000, Err(UpstreamError::Status(503))).unwrap_err(), UpstreamError::Status(503));
    let kept = extras(&c, |x| x.peek(&("acme".to_string(), 7)).map(|s| s.copy.clone())).unwrap();
    assert!(Rc::ptr_eq(&kept, &e), "the last good extras are kept");
    assert_eq!(extras_settled(&c, "acme", 7, 2_000).unwrap().unwrap_err(), UpstreamError::Status(503));

    // No copy and a failure: waiters get the failure, and the caller serves no form.
    record_extras(&c, "acme", 8, 3_000, Err(UpstreamError::Timeout(5))).unwrap_err();
    assert_eq!(extras_settled(&c, "acme", 8, 3_000).unwrap().unwrap_err(), UpstreamError::Timeout(5));
    assert_eq!(Rc::<Extras>::default().form, None);
}

#[test]
fn extras_memory_is_bounded() {
    let c = cfg(&[("CACHE_EXTRAS_MAX_JOBS", "2")]);
    for id in 0..5 {
        record_extras(&c, "acme", id, 1_000, Ok(job(id, false))).unwrap();
    }
    assert_eq!(extras(&c, |x| x.usage()).entries, 2);
}

#[test]
fn settings_have_sensible_defaults_and_bounds() {
    let d = Settings::default();
    assert_eq!((d.negative_secs, d.max_boards, d.max_board_bytes, d.debug_stats), (60, 500, 32 << 20, false));
    let s = cfg(&[("CACHE_NEGATIVE_SECONDS", "5"), ("CACHE_MEMORY_MAX_BOARDS", "0"), ("DEBUG_STATS", "1")]).cache;
    assert_eq!((s.negative_secs, s.max_boards, s.debug_stats), (5, 500, true), "0 boards is out of range");
    assert_eq!(cfg(&[("CACHE_NEGATIVE_SECONDS", "99999")]).cache.negative_secs, 60);
}

#[test]
fn statistics_report_the_caches_own_accounting() {
    let c = cfg(&[]);
    record_board(&c, "acme", 1_000, None, Ok(snapshot("acme", 1_000, &["A"])));
    let s = stats(&c);
    assert_eq!(s["memory"]["boards"]["entries"], 1);
    assert!(s["memory"]["boards"]["bytes"].as_u64().unwrap() > 0);
    assert_eq!(s["ops"]["kv_puts"], 0);
}

#[test]
fn a_refresh_that_read_older_owner_decisions_does_not_undo_a_newer_edit() {
    // Review finding: the cron's refresh read the decisions, Greenhouse was slow, an owner hid
    // a job meanwhile (republished to memory), and the refresh then stored its older decisions.
    let c = cfg(&[]);
    let mut edited = snapshot("acme", 1_000, &["A", "B"]);
    edited.overlay.revision = 5_000;
    edited.overlay.fields.insert("post-1".into(), shared::jobs::LocalFields { hidden: true, ..Default::default() });
    boards(&c, |b| {
        b.insert("acme".into(), Slot { copy: Rc::new(Prepared::new(edited)), fetched_at: 1_000, failed: None, strikes: 0, looked_at: 1_000 }, 1)
    });
    let mut late = snapshot("acme", 4_000, &["A", "B"]);
    late.overlay.revision = 3_000; // read before the edit
    let p = stored(record_board(&c, "acme", 4_000, None, Ok(late)));
    assert_eq!(p.snapshot.overlay.revision, 5_000, "the newer decisions win");
    assert_eq!(p.view().listing.jobs.iter().map(|j| j.title.as_str()).collect::<Vec<_>>(), ["B"], "job A stays hidden");
    assert_eq!(p.snapshot.fetched_at_ms, 4_000, "with the newer read from Greenhouse");
}

#[test]
fn an_emptied_overlay_keeps_its_revision_in_the_stored_copy() {
    // Review finding: undoing the last decision wrote a copy without its revision, which other
    // isolates then judged older than their own.
    let mut s = snapshot("acme", 1_000, &["A"]);
    s.overlay.revision = 9_000;
    let back: Snapshot = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back.overlay.revision, 9_000);
    assert!(!serde_json::to_string(&snapshot("acme", 1_000, &["A"])).unwrap().contains("overlay"), "a board nobody edited carries nothing");
}
