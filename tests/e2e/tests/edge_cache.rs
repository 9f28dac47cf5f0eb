//! The edge cache and sync through the real worker: one upstream call for many concurrent
//! first visitors, stale-while-revalidate, failures that never replace a good copy, a gone
//! board removed only on confirmation, signed web hooks, sync now, the cron, Harvest 429s.

use e2e::{board, stack, Fault, Worker};
use greenhouse_fake::harvest::V1_FULL;
use greenhouse_fake::seed;
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};
use shared::api::{BoardListing, JobDetail};
use shared::owner::{Connection, SyncReport};
use std::sync::{Mutex, OnceLock};
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

use e2e::owner_call as owner;

use e2e::connect_board;

fn hook(org: &str, secret: &str, action: &str, event: &str, forge: Option<&str>) -> Value {
    let url = format!("{}/hooks/greenhouse/{org}", stack().worker.base);
    let body = json!({"url": url, "secret": secret, "action": action, "event_id": event, "forge": forge,
                      "payload": {"job_post": {"id": 1, "title": "x"}}});
    Client::new().post(format!("{}/__fake/webhooks/send", stack().fake_url)).json(&body).send().unwrap().json().unwrap()
}

#[test]
fn many_concurrent_first_visitors_make_one_upstream_call() {
    let t = board("northwind", "stampede");
    // Greenhouse takes half a second, so the 24 requests really overlap: serial requests
    // (the second one served from memory) cannot pass this test.
    stack().fake.set_fault(&t, Fault::Slow);
    let statuses = concurrently(24, &format!("/api/v1/boards/{t}/jobs"));
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(calls(&t), 1, "one call to Greenhouse for 24 concurrent visitors");
    stack().fake.set_fault(&t, Fault::None);
}

/// `n` requests for `path` at once; their statuses.
fn concurrently(n: usize, path: &str) -> Vec<u16> {
    concurrently_at(&stack().worker.base, n, path)
}

fn concurrently_at(base: &str, n: usize, path: &str) -> Vec<u16> {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let (url, barrier) = (format!("{base}{path}"), barrier.clone());
            std::thread::spawn(move || {
                let client = Client::new();
                barrier.wait();
                client.get(url).send().unwrap().status().as_u16()
            })
        })
        .collect();
    threads.into_iter().map(|h| h.join().unwrap()).collect()
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
    let list = format!("/api/v1/boards/{t}/jobs");
    assert_eq!(get(&list).status(), 200);
    let before = calls(&t);
    s.fake.set_fault(&t, Fault::Gone);
    wait_past_freshness();
    assert_eq!(get(&list).status(), 200, "served from the old copy while it is checked");
    // The first 404 has reached the worker: the board must survive it (a worker that removed
    // it now would answer 404 here).
    eventually(10, "the first 404", || calls(&t) == before + 1);
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..5 {
        let r = get(&list);
        assert_eq!(r.status(), 200, "one 404 is not enough");
        assert_eq!(x_cache(&r), "STALE");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(titles(&t).len(), 44);
    // A later refresh confirms it: only then is it gone, and it stays gone without asking again.
    eventually(20, "removal after confirmation", || get(&list).status() == 404);
    assert_eq!(calls(&t), before + 2, "removed on the second 404, not the first");
    let r = get(&list);
    assert_eq!(r.status(), 404);
    assert_eq!(calls(&t), before + 2, "the removal is remembered (negative cache)");
    s.fake.set_fault(&t, Fault::None);
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
    // Without CF_ZONE_ID and CF_PURGE_TOKEN (this stack has neither) nothing is purged.
    std::thread::sleep(Duration::from_millis(500));
    assert!(s.fake.purges().is_empty(), "no purge without its configuration: {:?}", s.fake.purges());
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
    // How many jobs the fake's Harvest has (71 today), asked before the limit is lowered.
    let all: Vec<serde_json::Value> =
        Client::new().get(format!("{}/v1/jobs?per_page=500", s.fake_url)).basic_auth(V1_FULL, Some("")).send().unwrap().json().unwrap();
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
    assert_eq!(report.harvest_jobs, Some(all.len()), "every page of /v1/jobs, 10 per page");
    let throttled = s.fake.0.lock().unwrap().harvest.throttled - throttled_before;
    assert_eq!(throttled, 1, "one 429 (the window someone else used), then the announced limit was kept");
    assert!(started.elapsed() >= Duration::from_secs(1), "it waited");
}

/// Keys of the worker's local KV namespace `BOARDS` that start with `prefix` (wrangler's
/// local state, read through wrangler itself).
fn kv_keys(w: &Worker, prefix: &str) -> Vec<String> {
    let out = std::process::Command::new(e2e::root().join("node_modules/.bin/wrangler"))
        .current_dir(e2e::root())
        .envs(xtask::tool_env())
        .env("GHW_SKIP_WORKER_BUILD", "1")
        .env("CI", "true")
        .args(["kv", "key", "list", "--binding", "BOARDS", "--local", "--persist-to", w.state.to_str().unwrap(), "--prefix", prefix])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("wrangler kv key list");
    assert!(out.status.success(), "kv key list failed: {}", String::from_utf8_lossy(&out.stderr));
    let keys: Vec<Value> = serde_json::from_slice(&out.stdout).expect("kv key list JSON");
    keys.into_iter().filter_map(|k| k["name"].as_str().map(str::to_string)).collect()
}

/// A second worker of this test binary's own, with small caches and the internal statistics
/// route, in front of the same fake. Tests that read its counters hold [`probe_lock`].
fn probe() -> &'static Worker {
    static PROBE: OnceLock<Worker> = OnceLock::new();
    PROBE.get_or_init(|| {
        let vars = [
            ("DEBUG_STATS", "1"),
            ("CACHE_NEGATIVE_SECONDS", "60"),
            ("CACHE_MEMORY_MAX_BOARDS", "5"),
            ("CACHE_EXTRAS_MAX_JOBS", "1"),
            ("UPSTREAM_TIMEOUT_MS", "2000"),
        ];
        Worker::start(&stack().fake_url, &vars)
    })
}

fn probe_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn probe_get(path: &str) -> Response {
    Client::new().get(format!("{}{path}", probe().base)).send().unwrap()
}

/// The probe's statistics, if its statistics route answers.
fn try_probe_stats() -> Option<Value> {
    let r = probe_get("/api/v1/__stats");
    (r.status() == 200).then(|| r.json().unwrap())
}

fn probe_stats() -> Value {
    try_probe_stats().expect("the statistics route answers when DEBUG_STATS=1")
}

#[test]
fn a_loop_over_unknown_boards_costs_one_greenhouse_call_per_token_and_nothing_in_kv() {
    let s = stack();
    let _serial = probe_lock();
    let nonce = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() % 1_000_000_007;
    let tokens: Vec<String> = (0..20).map(|i| format!("no-such-board-{nonce}-{i}")).collect();
    let before = try_probe_stats();
    for pass in 0..2 {
        for t in &tokens {
            let r = probe_get(&format!("/api/v1/boards/{t}/jobs"));
            assert_eq!(r.status(), 404, "pass {pass}, {t}");
            assert_eq!(r.json::<shared::api::ErrorBody>().unwrap().error.code, "board_not_found");
        }
    }
    let per_token: Vec<u64> = tokens.iter().map(|t| s.fake.board_calls(t)).collect();
    assert!(per_token.iter().all(|c| *c == 1), "one Greenhouse call per unknown token per negative window: {per_token:?}");

    // Concurrent first visitors of an unknown board all get its 404 (not a 502), from one call.
    let slow = format!("no-such-board-{nonce}-slow");
    s.fake.set_fault(&slow, Fault::Slow);
    let statuses = concurrently_at(&probe().base, 8, &format!("/api/v1/boards/{slow}/jobs"));
    assert!(statuses.iter().all(|s| *s == 404), "{statuses:?}");
    assert_eq!(s.fake.board_calls(&slow), 1);
    s.fake.set_fault(&slow, Fault::None);

    // Nothing was written to or deleted from KV, and nothing deleted from the Cache API.
    let (before, after) = (before.expect("the statistics route answers when DEBUG_STATS=1"), probe_stats());
    for counter in ["kv_puts", "kv_deletes", "edge_deletes"] {
        assert_eq!(after["ops"][counter], before["ops"][counter], "{counter}: {after}");
    }
    assert!(kv_keys(probe(), "board:no-such-board").is_empty());
    assert!(kv_keys(probe(), "lock:no-such-board").is_empty());
}

#[test]
fn isolate_memory_is_bounded_and_evicted_boards_come_back_from_the_slower_layers() {
    let s = stack();
    let _serial = probe_lock();
    let tokens: Vec<String> = (0..8).map(|i| board("northwind", &format!("lru-{i}"))).collect();
    for t in &tokens {
        assert_eq!(probe_get(&format!("/api/v1/boards/{t}/jobs")).status(), 200);
    }
    let stats = try_probe_stats();
    // The first board left isolate memory (CACHE_MEMORY_MAX_BOARDS=5) but not the data
    // centre: no new Greenhouse call.
    let r = probe_get(&format!("/api/v1/boards/{}/jobs", tokens[0]));
    assert_eq!(r.status(), 200);
    assert!(["HIT-EDGE", "HIT-KV"].contains(&x_cache(&r).as_str()), "evicted from memory: {}", x_cache(&r));
    assert_eq!(calls(&tokens[0]), 1);
    let stats = stats.expect("the statistics route answers when DEBUG_STATS=1");
    let boards = &stats["memory"]["boards"];
    assert!(boards["entries"].as_u64().unwrap() <= 5, "CACHE_MEMORY_MAX_BOARDS=5 holds: {stats}");
    assert!(boards["evictions"].as_u64().unwrap() >= 3, "{stats}");
    assert!(boards["bytes"].as_u64().unwrap() > 0 && boards["bytes"].as_u64().unwrap() <= boards["max_bytes"].as_u64().unwrap());

    // Job extras: one job in memory at a time (CACHE_EXTRAS_MAX_JOBS=1); an evicted job's pay
    // ranges and form come back from the slower layers, even while Greenhouse is down.
    let t = &tokens[7];
    let l: BoardListing = probe_get(&format!("/api/v1/boards/{t}/jobs")).json().unwrap();
    let paid = l.jobs.iter().find(|j| j.id % 3 == 0).unwrap().id;
    let other = l.jobs.iter().find(|j| j.id != paid).unwrap().id;
    for id in [paid, other] {
        assert_eq!(probe_get(&format!("/api/v1/boards/{t}/jobs/{id}")).status(), 200);
    }
    s.fake.set_fault(t, Fault::Down);
    let d: JobDetail = probe_get(&format!("/api/v1/boards/{t}/jobs/{paid}")).json().unwrap();
    s.fake.set_fault(t, Fault::None);
    assert_eq!(d.pay_ranges.len(), 1, "pay ranges from the durable copy");
    assert!(d.form.is_some(), "the application form from the durable copy");
    assert_eq!(s.fake.calls(&format!("/v1/boards/{t}/jobs/{paid}")), 1);
    assert!(probe_stats()["memory"]["extras"]["entries"].as_u64().unwrap() <= 1);
}

#[test]
fn well_formed_but_wrong_json_never_replaces_a_good_copy() {
    let s = stack();
    let faults = [(Fault::EmptyObject, "empty-object"), (Fault::ErrorObject, "error-object"), (Fault::NoJobs, "no-jobs")];
    let tokens: Vec<String> = faults.iter().map(|(_, name)| board("northwind", name)).collect();
    for t in &tokens {
        assert_eq!(titles(t).len(), 44);
    }
    for ((fault, _), t) in faults.iter().zip(&tokens) {
        s.fake.set_fault(t, *fault);
    }
    wait_past_freshness();
    for t in &tokens {
        get(&format!("/api/v1/boards/{t}/jobs"));
    }
    for t in &tokens {
        eventually(10, "the failed refresh", || x_cache(&get(&format!("/api/v1/boards/{t}/jobs"))) == "STALE");
        assert_eq!(titles(t).len(), 44, "{t}: the good copy is still served");
    }
    // With no good copy at all, such an answer is an upstream failure, not an empty board.
    for (fault, name) in faults {
        let t = board("northwind", &format!("{name}-first"));
        s.fake.set_fault(&t, fault);
        let r = get(&format!("/api/v1/boards/{t}/jobs"));
        assert_eq!(r.status(), 502, "{name}");
        s.fake.set_fault(&t, Fault::None);
    }
    for t in &tokens {
        s.fake.set_fault(t, Fault::None);
    }
}

#[test]
fn a_partial_refresh_keeps_departments_offices_and_name_from_the_last_good_copy() {
    let s = stack();
    let t = board("northwind", "partial");
    let first: BoardListing = get(&format!("/api/v1/boards/{t}/jobs")).json().unwrap();
    s.fake.set_fault(&t, Fault::PartialDown);
    s.fake.edit_board(&t, |b| b.jobs[0]["title"] = json!("Changed During A Partial Outage"));
    wait_past_freshness();
    get(&format!("/api/v1/boards/{t}/jobs"));
    eventually(10, "the partial refresh", || titles(&t).contains(&"Changed During A Partial Outage".to_string()));
    let after: BoardListing = get(&format!("/api/v1/boards/{t}/jobs")).json().unwrap();
    s.fake.set_fault(&t, Fault::None);
    assert_eq!(after.board.name, first.board.name);
    assert_eq!(after.departments, first.departments, "the department tree, parents without jobs included");
    assert_eq!(after.offices, first.offices);
}

#[test]
fn job_extras_are_coalesced_kept_in_kv_and_revalidated_in_the_background() {
    let s = stack();
    let t = board("northwind", "extras");
    let l: BoardListing = get(&format!("/api/v1/boards/{t}/jobs")).json().unwrap();
    let id = l.jobs.iter().find(|j| j.id % 3 == 0).unwrap().id;
    let (detail, upstream) = (format!("/api/v1/boards/{t}/jobs/{id}"), format!("/v1/boards/{t}/jobs/{id}"));

    // Concurrent first opens of a job share one call for its questions and pay ranges.
    s.fake.set_fault(&t, Fault::Slow);
    let statuses = concurrently(12, &detail);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(s.fake.calls(&upstream), 1, "one single-job call for 12 concurrent visitors");
    let d: JobDetail = get(&detail).json().unwrap();
    assert_eq!((d.pay_ranges.len(), d.form.is_some()), (1, true));
    assert_eq!(s.fake.calls(&upstream), 1);

    // A durable copy beside the board.
    assert_eq!(kv_keys(&s.worker, &format!("extras:{t}:")), vec![format!("extras:{t}:{id}")]);

    // Expired: answered at once from the old copy (Greenhouse hangs: a visitor waiting for it
    // would wait UPSTREAM_TIMEOUT_MS = 2 s), refreshed in the background, and the failed
    // refresh keeps the good copy.
    s.fake.set_fault(&t, Fault::Hang);
    wait_past_freshness();
    let started = Instant::now();
    let d: JobDetail = get(&detail).json().unwrap();
    assert!(started.elapsed() < Duration::from_millis(1500), "took {:?}", started.elapsed());
    assert_eq!((d.pay_ranges.len(), d.form.is_some()), (1, true));
    eventually(10, "the background refresh", || s.fake.calls(&upstream) == 2);
    std::thread::sleep(Duration::from_millis(2500));
    let d: JobDetail = get(&detail).json().unwrap();
    assert_eq!((d.pay_ranges.len(), d.form.is_some()), (1, true), "a failed refresh keeps the last good extras");
    s.fake.set_fault(&t, Fault::None);
}
