//! Issue 13, the global purge: the real worker under `wrangler dev`, configured with a zone and
//! a purge token, against the fake of Cloudflare's purge API. Every board response carries its
//! Cache-Tag; a web hook, an owner's "sync now" and an owner's edit each purge `board:{token}`
//! once; a failing purge API never fails the web hook, is retried by the cron until it works,
//! and the token never reaches a log line. (Without the configuration nothing is purged: the
//! other test binaries run so, and `edge_cache.rs` checks the fake saw no purge.)

use e2e::{board, connect_board, owner_call, Stack};
use greenhouse_fake::cloudflare::{FailMode, Purge, API_TOKEN, ZONE_ID};
use reqwest::blocking::{Client, Response};
use reqwest::Method;
use serde_json::{json, Value};
use shared::jobs::OrgJobs;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

const PURGE_INTERVAL_SECS: u64 = 5;

fn purge_vars(fake_url: &str) -> Vec<(String, String)> {
    vec![
        ("CF_ZONE_ID".into(), ZONE_ID.into()),
        ("CF_PURGE_TOKEN".into(), API_TOKEN.into()),
        // Every upstream is configuration: the fake serves Cloudflare's API too.
        ("CF_API_BASE".into(), fake_url.into()),
        // One board's purges at least 5 s apart (30 s by default), so a test sees a storm
        // coalesced and the window end.
        ("PURGE_MIN_INTERVAL_SECONDS".into(), PURGE_INTERVAL_SECS.to_string()),
    ]
}

/// Every test's first step: the shared helpers (`connect_board`, `owner_call`) use the binary's
/// one stack, which must start with the purge configured.
fn stack() -> &'static Stack {
    e2e::stack_with(purge_vars)
}

/// One purge scenario at a time: scripted failures are the fake's next calls, whoever makes them.
/// Starts the purge-configured stack first.
fn serial() -> MutexGuard<'static, ()> {
    stack();
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

fn get(path: &str) -> Response {
    Client::new().get(format!("{}{path}", stack().worker.base)).send().unwrap()
}

fn cache_tag(r: &Response) -> Option<String> {
    r.headers().get("Cache-Tag").map(|v| v.to_str().unwrap().to_string())
}

/// The purge calls that named `board`'s tag.
fn purges_of(board: &str) -> Vec<Purge> {
    let tag = format!("board:{board}");
    stack().fake.purges().into_iter().filter(|p| p.tags.contains(&tag)).collect()
}

fn eventually(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < until {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("not within {secs} s: {what}");
}

/// Waits for `n` purge calls of `board`, then a little longer to see that no more follow.
fn exactly(board: &str, n: usize) -> Vec<Purge> {
    eventually(10, &format!("{n} purge call(s) of {board}"), || purges_of(board).len() >= n);
    std::thread::sleep(Duration::from_millis(1500));
    let calls = purges_of(board);
    assert_eq!(calls.len(), n, "{calls:?}");
    calls
}

/// A signed delivery, sent as Greenhouse would; the worker's answer.
fn deliver(org: &str, secret: &str, event_id: &str) -> (u16, Value) {
    let body = r#"{"action":"job_post_updated","payload":{"job_post":{"id":1}}}"#;
    let r = Client::new()
        .post(format!("{}/hooks/greenhouse/{org}", stack().worker.base))
        .header("Content-Type", "application/json")
        .header("Signature", format!("sha256 {}", greenhouse_fake::sign_webhook(secret, body.as_bytes())))
        .header("Greenhouse-Event-ID", event_id)
        .header("CF-Connecting-IP", "203.0.113.13")
        .body(body)
        .send()
        .unwrap();
    (r.status().as_u16(), r.json().unwrap_or_default())
}

/// Connects `board` to `org`; the owners' key of its first listed job.
fn connected_with_a_job(org: &str, board: &str) -> String {
    connect_board(org, board, None);
    let listing: shared::api::BoardListing = get(&format!("/api/v1/boards/{board}/jobs")).json().unwrap();
    let jobs: OrgJobs = owner_call(Method::GET, org, "/jobs", None).json().unwrap();
    jobs.jobs.iter().find(|j| j.id == Some(listing.jobs[0].id)).expect("the job is managed").key.clone()
}

fn pending(board: &str) -> Value {
    stack().worker.d1(&format!("SELECT board, attempts, last_error FROM pending_purges WHERE board = '{board}'"))
}

#[test]
fn board_responses_carry_their_cache_tags() {
    stack();
    let t = board("northwind", "purge-tags");
    let list = get(&format!("/api/v1/boards/{t}/jobs"));
    assert_eq!(list.status(), 200);
    let tag = format!("board:{t}");
    assert_eq!(cache_tag(&list).as_deref(), Some(tag.as_str()));
    let etag = list.headers()["ETag"].to_str().unwrap().to_string();
    let id = list.json::<shared::api::BoardListing>().unwrap().jobs[0].id;
    let job_tags = format!("board:{t},job:{t}:{id}");
    for path in [
        format!("/api/v1/boards/{t}/fragment"),
        format!("/api/v1/boards/{t}/departments"),
        format!("/api/v1/boards/{t}/offices"),
        format!("/boards/{t}"),
        format!("/boards/{t}/sitemap.xml"),
    ] {
        let r = get(&path);
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(cache_tag(&r).as_deref(), Some(tag.as_str()), "{path}");
    }
    for path in [format!("/api/v1/boards/{t}/jobs/{id}"), format!("/boards/{t}/jobs/{id}")] {
        let r = get(&path);
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(cache_tag(&r).as_deref(), Some(job_tags.as_str()), "{path}");
    }
    // Tokens in any case are one board, one tag; a 304 carries it too.
    let upper = t.to_uppercase();
    let r = Client::new().get(format!("{}/api/v1/boards/{upper}/jobs", stack().worker.base)).header("If-None-Match", &etag).send().unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(cache_tag(&r).as_deref(), Some(tag.as_str()));
    // Errors and other routes carry none.
    assert_eq!(cache_tag(&get("/api/v1/boards/bad%20token/jobs")), None);
    assert_eq!(cache_tag(&get("/api/v1/health")), None);
}

#[test]
fn a_web_hook_change_purges_the_board_once() {
    let _turn = serial();
    let (org, t, secret) = ("purge-hook-org", board("northwind", "purge-hook"), "whsec-purge-hook-1");
    connect_board(org, &t, Some(secret));
    assert_eq!(get(&format!("/api/v1/boards/{t}/jobs")).status(), 200);
    let id = greenhouse_fake::seed::northwind().jobs[0]["id"].as_u64().unwrap();
    stack().fake.edit_board(&t, |b| b.jobs[0]["title"] = json!("Purged Everywhere Engineer"));
    let (status, answer) = deliver(org, secret, "evt-purge-hook-1");
    assert_eq!((status, answer["status"].as_str()), (200, Some("synced")), "{answer}");
    let calls = exactly(&t, 1);
    assert_eq!(calls[0].tags, vec![format!("board:{t}")], "the board's tag covers its jobs' responses too");
    assert_eq!(calls[0].zone, ZONE_ID);
    assert!(calls[0].authorized && calls[0].success, "{calls:?}");
    assert_eq!(pending(&t), json!([]), "nothing left to retry");
    let r = get(&format!("/api/v1/boards/{t}/jobs/{id}"));
    assert!(r.text().unwrap().contains("Purged Everywhere Engineer"));
}

#[test]
fn sync_now_and_an_owner_edit_purge_the_board() {
    let _turn = serial();
    let (org, t) = ("purge-sync-org", board("northwind", "purge-sync"));
    let key = connected_with_a_job(org, &t);
    let r = owner_call(Method::POST, org, "/sync", None);
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    exactly(&t, 1);

    // The owner features a job visitors see: every data centre's copy goes.
    let r = owner_call(Method::PATCH, org, &format!("/jobs/{key}"), Some(json!({"featured": true})));
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    // Right after the sync's purge: not sent now, due when the board's minimum interval ends,
    // and sent by the cron then.
    exactly(&t, 1);
    assert_eq!(pending(&t), json!([{"board": t, "attempts": 0, "last_error": null}]));
    std::thread::sleep(Duration::from_secs(PURGE_INTERVAL_SECS));
    stack().worker.run_cron();
    exactly(&t, 2);
    assert_eq!(pending(&t), json!([]));
    // The same edit again changes nothing visible: no purge.
    std::thread::sleep(Duration::from_secs(PURGE_INTERVAL_SECS));
    let r = owner_call(Method::PATCH, org, &format!("/jobs/{key}"), Some(json!({"featured": true})));
    assert_eq!(r.status(), 200);
    exactly(&t, 2);
    assert_eq!(pending(&t), json!([]));
}

#[test]
fn a_storm_of_changes_purges_a_board_once_per_interval_and_sync_now_is_rate_limited() {
    let _turn = serial();
    let (org, t) = ("purge-storm-org", board("northwind", "purge-storm"));
    let key = connected_with_a_job(org, &t);
    // Twelve visible edits in a row (featured on, off, on…): the first purges at once, the
    // rest wait for the board's window and go out as one purge.
    for i in 0..12 {
        let r = owner_call(Method::PATCH, org, &format!("/jobs/{key}"), Some(json!({"featured": i % 2 == 0})));
        assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    }
    exactly(&t, 1);
    assert_eq!(pending(&t).as_array().map(Vec::len), Some(1), "the rest, coalesced");
    stack().worker.run_cron();
    exactly(&t, 1);
    std::thread::sleep(Duration::from_secs(PURGE_INTERVAL_SECS));
    stack().worker.run_cron();
    exactly(&t, 2);
    assert_eq!(pending(&t), json!([]));

    // "Sync now" flooded: ten a minute per org, then 429 with the stable code; another org's
    // sync is not affected.
    let statuses: Vec<u16> = (0..12).map(|_| owner_call(Method::POST, org, "/sync", None).status().as_u16()).collect();
    assert!(statuses[..10].iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(&statuses[10..], &[429, 429], "{statuses:?}");
    let r: Value = owner_call(Method::POST, org, "/sync", None).json().unwrap();
    assert_eq!(r["error"]["code"], "rate_limited", "{r}");
    let (other, other_board) = ("purge-storm-other", board("northwind", "purge-storm-other"));
    connect_board(other, &other_board, None);
    assert_eq!(owner_call(Method::POST, other, "/sync", None).status(), 200);
    // The ten syncs, each announcing a change, purged the board at most once per window (one
    // more at once if they outlasted the window), and every change was purged in the end.
    let during = purges_of(&t).len();
    assert!((2..=3).contains(&during), "{:?}", purges_of(&t));
    std::thread::sleep(Duration::from_secs(PURGE_INTERVAL_SECS));
    stack().worker.run_cron();
    eventually(10, "nothing left behind", || pending(&t) == json!([]));
    let after = purges_of(&t).len();
    assert!(after >= 3 && after <= during + 1, "a purge after the syncs, and at most one by the cron: {:?}", purges_of(&t));
}

#[test]
fn a_failing_purge_api_never_fails_the_web_hook_and_the_cron_retries_it_until_it_works() {
    let _turn = serial();
    let s = stack();
    let (org, t, secret) = ("purge-fail-org", board("northwind", "purge-fail"), "whsec-purge-fail-1");
    connect_board(org, &t, Some(secret));
    assert_eq!(get(&format!("/api/v1/boards/{t}/jobs")).status(), 200);
    // Cloudflare fails the web hook's attempt (500) and the cron's first retry (success:false),
    // both answers echoing the token.
    s.fake.fail_purges(1, FailMode::Status500);
    s.fake.fail_purges(1, FailMode::SuccessFalse);
    stack().fake.edit_board(&t, |b| b.jobs[0]["title"] = json!("Retried Purge Engineer"));
    let (status, answer) = deliver(org, secret, "evt-purge-fail-1");
    assert_eq!((status, answer["status"].as_str()), (200, Some("synced")), "the web hook succeeds: {answer}");
    let calls = exactly(&t, 1);
    assert_eq!(calls[0].status, 500);
    assert_eq!(pending(&t), json!([{"board": t, "attempts": 1, "last_error": "http 500"}]), "waiting for the cron");

    // The stack's backoff is 0 s, but the cron too keeps one board's purges a window apart:
    // nothing now; after the window it retries (and fails, success:false); the first run after
    // the next window succeeds; then nothing is pending and no further purge is sent.
    s.worker.run_cron();
    exactly(&t, 1);
    std::thread::sleep(Duration::from_secs(PURGE_INTERVAL_SECS));
    s.worker.run_cron();
    let calls = exactly(&t, 2);
    assert!(calls[1].status == 200 && !calls[1].success, "{calls:?}");
    assert_eq!(pending(&t), json!([{"board": t, "attempts": 2, "last_error": "codes [1134]"}]));
    s.worker.run_cron();
    exactly(&t, 2);
    std::thread::sleep(Duration::from_secs(PURGE_INTERVAL_SECS));
    s.worker.run_cron();
    let calls = exactly(&t, 3);
    assert!(calls[2].success && calls.iter().all(|p| p.authorized), "{calls:?}");
    assert_eq!(pending(&t), json!([]));
    s.worker.run_cron();
    exactly(&t, 3);

    // The failures were logged, and neither the token nor the answers' text that echoed it.
    let logs = s.worker.logs();
    assert!(logs.contains(&format!("purge of board:{t} failed")), "the failure is logged");
    assert!(!logs.contains(API_TOKEN), "the purge token in the worker's log");
    assert!(!logs.contains("upstream refused the request"), "an answer's text in the worker's log");
}
