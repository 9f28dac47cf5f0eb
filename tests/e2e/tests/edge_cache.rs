//! The edge cache and sync through the real worker: one upstream call for many concurrent
//! first visitors, stale-while-revalidate, failures that never replace a good copy, a gone
//! board removed only on confirmation, signed web hooks, sync now, the cron, Harvest 429s.

use e2e::{board, owner_token, stack, Fault};
use greenhouse_fake::harvest::V1_FULL;
use greenhouse_fake::seed;
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};
use shared::api::BoardListing;
use shared::owner::{Connection, SyncReport};
use std::time::{Duration, Instant};

fn get(path: &str) -> Response {
    Client::new().get(format!("{}{path}", stack().worker.base)).send().unwrap()
}

fn x_cache(r: &Response) -> String {
    r.headers().get("x-cache").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

fn calls(token: &str) -> u64 {
    stack().fake.calls(&format!("/v1/boards/{token}/jobs"))
}

fn wait_past_freshness() {
    std::thread::sleep(Duration::from_millis(e2e::FRESH_SECONDS * 1000 + 300));
}

/// Polls `check` for up to `secs`.
fn eventually(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(150));
    }
}

fn titles(token: &str) -> Vec<String> {
    let l: BoardListing = get(&format!("/api/v1/boards/{token}/jobs")).json().unwrap();
    l.jobs.into_iter().map(|j| j.title).collect()
}

fn owner(method: reqwest::Method, org: &str, path: &str, body: Option<Value>) -> Response {
    let mut r = Client::new().request(method, format!("{}/api/v1/orgs/{org}{path}", stack().worker.base)).bearer_auth(owner_token(org, "ops", 600));
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().unwrap()
}

fn connect_board(org: &str, token: &str, hook_secret: Option<&str>) {
    let r = owner(
        reqwest::Method::PUT,
        org,
        "/connection/job_board",
        Some(json!({"board_token": token, "api_key": seed::job_board_api_key("northwind")})),
    );
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    if let Some(secret) = hook_secret {
        assert_eq!(owner(reqwest::Method::PUT, org, "/connection/web_hooks", Some(json!({"api_key": secret}))).status(), 200);
    }
}

fn hook(org: &str, secret: &str, action: &str, event: &str, forge: Option<&str>) -> Value {
    let url = format!("{}/hooks/greenhouse/{org}", stack().worker.base);
    let body = json!({"url": url, "secret": secret, "action": action, "event_id": event, "forge": forge,
                      "payload": {"job_post": {"id": 1, "title": "x"}}});
    Client::new().post(format!("{}/__fake/webhooks/send", stack().fake_url)).json(&body).send().unwrap().json().unwrap()
}

#[test]
fn many_concurrent_first_visitors_make_one_upstream_call() {
    let t = board("northwind", "stampede");
    let base = stack().worker.base.clone();
    let threads: Vec<_> = (0..24)
        .map(|_| {
            let url = format!("{base}/api/v1/boards/{t}/jobs");
            std::thread::spawn(move || Client::new().get(url).send().unwrap().status().as_u16())
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(calls(&t), 1, "one call to Greenhouse for 24 concurrent visitors");
}

#[test]
fn an_expired_copy_is_served_at_once_and_refreshed_in_the_background() {
    let t = board("northwind", "swr");
    assert_eq!(x_cache(&get(&format!("/api/v1/boards/{t}/jobs"))), "MISS");
    wait_past_freshness();
    let started = Instant::now();
    let r = get(&format!("/api/v1/boards/{t}/jobs"));
    assert_eq!(x_cache(&r), "HIT-STALE", "served from the old copy");
    assert!(started.elapsed() < Duration::from_secs(2));
    eventually(10, "the background refresh", || x_cache(&get(&format!("/api/v1/boards/{t}/jobs"))) == "HIT-MEMORY");
    assert_eq!(calls(&t), 2, "exactly one refresh");
}

#[test]
fn malformed_upstream_json_keeps_the_old_copy() {
    let s = stack();
    let t = board("northwind", "malformed-keep");
    assert_eq!(get(&format!("/api/v1/boards/{t}/jobs")).status(), 200);
    s.fake.set_fault(&t, Fault::Malformed);
    wait_past_freshness();
    get(&format!("/api/v1/boards/{t}/jobs"));
    eventually(10, "the stale marker", || x_cache(&get(&format!("/api/v1/boards/{t}/jobs"))) == "STALE");
    assert_eq!(titles(&t).len(), 44, "the good copy is still served");
    s.fake.set_fault(&t, Fault::None);
}

#[test]
fn a_gone_board_is_removed_only_when_a_second_refresh_confirms_it() {
    let s = stack();
    let t = board("northwind", "gone");
    assert_eq!(get(&format!("/api/v1/boards/{t}/jobs")).status(), 200);
    s.fake.set_fault(&t, Fault::Gone);
    wait_past_freshness();
    assert_eq!(get(&format!("/api/v1/boards/{t}/jobs")).status(), 200, "one 404 is not enough");
    eventually(20, "removal after confirmation", || get(&format!("/api/v1/boards/{t}/jobs")).status() == 404);
}

#[test]
fn signed_web_hooks_refresh_at_once_forged_ones_change_nothing_duplicates_count_once() {
    let s = stack();
    let (org, t, secret) = ("hook-org", board("northwind", "hooks"), "whsec-northwind-42");
    connect_board(org, &t, Some(secret));
    let id = seed::northwind().jobs[0]["id"].as_u64().unwrap();
    assert!(titles(&t).contains(&"Senior Backend Engineer, Fleet API".to_string()));

    assert_eq!(hook(org, secret, "ping", "evt-ping-1", None)["status"], 200);

    // A forged delivery: 401, and nothing is refreshed.
    s.fake.edit_board(&t, |b| b.jobs[0]["title"] = json!("Forged Title"));
    let before = calls(&t);
    assert_eq!(hook(org, secret, "job_post_updated", "evt-forged-1", Some("not-the-secret"))["status"], 401);
    assert_eq!(calls(&t), before, "no refresh for a forged hook");
    assert!(!titles(&t).contains(&"Forged Title".to_string()));

    // A signed job_post_updated: the change is visible on the next read, with no wait.
    let url = format!("{}/__fake/boards/{t}/jobs/{id}", s.fake_url);
    assert_eq!(Client::new().post(url).json(&json!({"title": "Principal Backend Engineer"})).send().unwrap().status(), 204);
    assert_eq!(hook(org, secret, "job_post_updated", "evt-1", None)["status"], 200);
    assert!(titles(&t).contains(&"Principal Backend Engineer".to_string()));
    let after = calls(&t);
    assert_eq!(hook(org, secret, "job_post_updated", "evt-1", None)["status"], 200, "a duplicate is acknowledged");
    assert_eq!(calls(&t), after, "and processed once");
}

#[test]
fn sync_now_and_the_cron_refresh_and_report_changes() {
    let s = stack();
    let (org, t) = ("sync-org", board("northwind", "sync"));
    connect_board(org, &t, None);
    assert_eq!(titles(&t).len(), 44);
    let gone = seed::northwind().jobs[1]["id"].as_u64().unwrap();
    let changed = seed::northwind().jobs[2]["id"].as_u64().unwrap();
    s.fake.edit_board(&t, |b| {
        b.jobs.retain(|j| j["id"].as_u64() != Some(gone));
        b.jobs.iter_mut().find(|j| j["id"].as_u64() == Some(changed)).unwrap()["title"] = json!("Site Reliability Engineer II");
    });
    let r = owner(reqwest::Method::POST, org, "/sync", None);
    assert_eq!(r.status(), 200);
    let report: SyncReport = r.json().unwrap();
    assert_eq!((report.added.clone(), report.updated.clone(), report.removed.clone()), (vec![], vec![changed], vec![gone]));
    assert_eq!(report.jobs, 43);
    assert_eq!(titles(&t).len(), 43, "visible at once");
    let c: Connection = owner(reqwest::Method::GET, org, "/connection", None).json().unwrap();
    let status = c.sync.expect("sync status in the owner view");
    assert!(status.last_success_at.is_some() && status.last_error.is_none());
    assert_eq!(status.last_report.unwrap().removed, vec![gone]);

    // The cron leaves a fresh board alone (issue 9: a busy board costs nothing extra)...
    s.fake.edit_board(&t, |b| b.jobs[0]["title"] = json!("Cron Was Here"));
    let before = calls(&t);
    s.worker.run_cron();
    assert_eq!(calls(&t), before, "a fresh copy is not refreshed by the cron");
    // ...and refreshes it once its copy is older than the freshness window.
    wait_past_freshness();
    s.worker.run_cron();
    assert_eq!(calls(&t), before + 1, "one refresh");
    assert!(titles(&t).contains(&"Cron Was Here".to_string()));

    // A failing sync is reported, and the board keeps its good copy.
    s.fake.set_fault(&t, Fault::Down);
    assert_eq!(owner(reqwest::Method::POST, org, "/sync", None).status(), 502);
    let c: Connection = owner(reqwest::Method::GET, org, "/connection", None).json().unwrap();
    assert!(c.sync.unwrap().last_error.is_some());
    assert_eq!(titles(&t).len(), 43);
    s.fake.set_fault(&t, Fault::None);
}

#[test]
fn a_harvest_429_is_waited_out_and_the_sync_completes() {
    let s = stack();
    let (org, t) = ("harvest-sync-org", board("northwind", "harvest-sync"));
    connect_board(org, &t, None);
    assert_eq!(owner(reqwest::Method::PUT, org, "/connection/harvest_v1", Some(json!({"api_key": V1_FULL}))).status(), 200);
    // Two requests per two-second window; someone else just used this window up.
    Client::new().post(format!("{}/__fake/harvest/limit", s.fake_url)).json(&json!({"limit": 2, "window_secs": 2})).send().unwrap();
    let throttled_before = s.fake.0.lock().unwrap().harvest.throttled;
    for _ in 0..2 {
        Client::new().get(format!("{}/v1/jobs?per_page=1", s.fake_url)).basic_auth(V1_FULL, Some("")).send().unwrap();
    }
    let started = Instant::now();
    let r = owner(reqwest::Method::POST, org, "/sync", None);
    let report: SyncReport = r.json().unwrap();
    Client::new().post(format!("{}/__fake/harvest/limit", s.fake_url)).json(&json!({"limit": null, "window_secs": null})).send().unwrap();
    assert_eq!(report.harvest_jobs, Some(43), "every page of /v1/jobs, 10 per page");
    let throttled = s.fake.0.lock().unwrap().harvest.throttled - throttled_before;
    assert_eq!(throttled, 1, "one 429 (the window someone else used), then the announced limit was kept");
    assert!(started.elapsed() >= Duration::from_secs(1), "it waited");
}
