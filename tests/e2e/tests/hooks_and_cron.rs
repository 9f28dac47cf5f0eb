//! Issue 9's bounded costs for web hooks and the cron, through the real worker: replayed
//! deliveries refresh a board at most once per window, event ids are per org, bodies are
//! capped, and one cron run at a time holds a D1 lease.

use e2e::{board, stack, Fault};
use greenhouse_fake::seed;
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};

use e2e::owner_call as owner;

fn connect(org: &str, token: &str, secret: &str) {
    e2e::connect_board(org, token, Some(secret));
}

/// The least complete application the seeded odd-id jobs take, posted to `base`.
fn apply(base: &str, board: &str, job: u64, id: &str) -> Response {
    let form = reqwest::blocking::multipart::Form::new()
        .text("_submission_id", id.to_string())
        .text("first_name", "Ada")
        .text("last_name", "Lovelace")
        .text("email", "ada@example.com")
        .text("resume_text", "Analytical engines")
        .text(format!("question_{}", job % 100_000 + 2), "1");
    Client::new().post(format!("{base}/api/v1/boards/{board}/jobs/{job}/applications")).multipart(form).send().unwrap()
}

/// A signed delivery, sent as Greenhouse would.
fn deliver(org: &str, secret: &str, event_id: &str, body: &str) -> Response {
    deliver_from("203.0.113.9", org, secret, event_id, body)
}

fn deliver_from(ip: &str, org: &str, secret: &str, event_id: &str, body: &str) -> Response {
    Client::new()
        .post(format!("{}/hooks/greenhouse/{org}", stack().worker.base))
        .header("Content-Type", "application/json")
        .header("Signature", format!("sha256 {}", greenhouse_fake::sign_webhook(secret, body.as_bytes())))
        .header("Greenhouse-Event-ID", event_id)
        .header("CF-Connecting-IP", ip)
        .body(body.to_string())
        .send()
        .unwrap()
}

fn calls(token: &str) -> u64 {
    stack().fake.calls(&format!("/v1/boards/{token}/jobs"))
}

#[test]
fn replayed_web_hooks_refresh_a_board_at_most_once_per_window() {
    let (org, t, secret) = ("replay-org", board("northwind", "replay"), "whsec-replay-0001");
    connect(org, &t, secret);
    let body = r#"{"action":"job_post_updated","payload":{"job_post":{"id":1}}}"#;
    let before = calls(&t);
    // The same signed body replayed under ten new event ids (an attacker who captured one).
    let statuses: Vec<Value> = (0..10).map(|i| deliver(org, secret, &format!("evt-replay-{i}"), body).json().unwrap()).collect();
    assert_eq!(statuses[0]["status"], "synced", "{:?}", statuses[0]);
    assert!(statuses[1..].iter().all(|s| s["status"] == "recently_synced"), "{statuses:?}");
    assert_eq!(calls(&t), before + 1, "one refresh for ten deliveries");
}

#[test]
fn event_ids_are_de_duplicated_per_org() {
    let (a, b) =
        (("dedupe-org-a", board("northwind", "dedupe-a"), "whsec-dedupe-a1"), ("dedupe-org-b", board("northwind", "dedupe-b"), "whsec-dedupe-b1"));
    connect(a.0, &a.1, a.2);
    connect(b.0, &b.1, b.2);
    let body = r#"{"action":"ping"}"#;
    assert_eq!(deliver(a.0, a.2, "evt-shared-1", body).json::<Value>().unwrap()["status"], "pong");
    // Another org's delivery with the same id is its own event, not a duplicate of a's.
    assert_eq!(deliver(b.0, b.2, "evt-shared-1", body).json::<Value>().unwrap()["status"], "pong");
    assert_eq!(deliver(b.0, b.2, "evt-shared-1", body).json::<Value>().unwrap()["status"], "duplicate");
}

#[test]
fn an_oversized_web_hook_body_is_refused_before_it_is_read_whole() {
    let (org, t, secret) = ("bighook-org", board("northwind", "bighook"), "whsec-bighook-01");
    connect(org, &t, secret);
    let padding = "x".repeat(300 * 1024);
    let body = format!(r#"{{"action":"job_post_updated","padding":"{padding}"}}"#);
    let before = calls(&t);
    assert_eq!(deliver(org, secret, "evt-big-1", &body).status(), 413);
    assert_eq!(calls(&t), before, "nothing refreshed");
}

#[test]
fn one_cron_run_at_a_time_holds_the_lease() {
    let s = stack();
    let (org, t) = ("lease-org", board("northwind", "lease"));
    connect(org, &t, "whsec-lease-0001");
    // A queued application: Greenhouse down when it was sent.
    let listing: shared::api::BoardListing = Client::new().get(format!("{}/api/v1/boards/{t}/jobs", s.worker.base)).send().unwrap().json().unwrap();
    let job = listing.jobs.iter().find(|j| j.id % 2 == 1).unwrap().id;
    // Its questions are read, so the application is kept mapped.
    Client::new().get(format!("{}/api/v1/boards/{t}/jobs/{job}", s.worker.base)).send().unwrap();
    s.fake.set_fault(&t, Fault::Down);
    let r = apply(&s.worker.base, &t, job, "lease-00000001");
    assert_eq!(r.status(), 202, "{}", r.text().unwrap_or_default());
    // Another run holds the lease (other tests' cron runs are blocked by it too): this run
    // does nothing, though Greenhouse is back.
    let turn = e2e::cron_turn(); // no other test's cron run meets this lease
    s.worker.d1("INSERT OR REPLACE INTO leases (name, holder, until_ms) VALUES ('cron', 'another-run', 99999999999999)");
    s.fake.set_fault(&t, Fault::None);
    s.worker.run_cron_holding(&turn);
    let delivered = || s.fake.applications().iter().filter(|a| a.board == t).count();
    assert_eq!(delivered(), 0, "a second, overlapping run must not send");
    // The lease expires (a run that died): the next run takes it.
    s.worker.d1("UPDATE leases SET until_ms = 1 WHERE name = 'cron'");
    s.worker.run_cron_holding(&turn);
    drop(turn);
    assert_eq!(delivered(), 1);
    let holders = s.worker.d1("SELECT holder FROM leases WHERE name = 'cron'");
    assert!(holders.as_array().unwrap().iter().all(|h| h["holder"] != "another-run"), "taken over, then released: {holders}");
}

/// Issue 9: the cron re-checked a few credentials every minute, whatever their last check.
/// Now a credential is re-checked at most hourly.
#[test]
fn the_cron_re_checks_a_credential_at_most_hourly() {
    let s = stack();
    let (org, t) = ("recheck-org", board("northwind", "recheck"));
    connect(org, &t, "whsec-recheck-01");
    let checked =
        || s.worker.d1(&format!("SELECT checked_at FROM credentials WHERE org = '{org}' AND kind = 'job_board'"))[0]["checked_at"].as_f64().unwrap();
    let first = checked();
    s.worker.run_cron();
    assert_eq!(checked(), first, "checked minutes ago: left alone");
    s.worker.d1(&format!("UPDATE credentials SET checked_at = 1 WHERE org = '{org}'"));
    s.worker.run_cron();
    assert!(checked() > 1.0, "an hour later it is checked again");
}

/// Issue 9: web hook routes had no rate limit. Now 60 deliveries a minute per sender pass
/// before anything is read, and 60 verified deliveries a minute per org: junk from elsewhere
/// cannot use up an org's allowance.
#[test]
fn web_hooks_are_rate_limited_per_sender_and_per_org() {
    let (org, t, secret) = ("flood-org", board("northwind", "flood"), "whsec-flood-0001");
    connect(org, &t, secret);
    let ping = r#"{"action":"ping"}"#;
    let statuses: Vec<u16> = (0..70).map(|i| deliver_from("198.51.100.7", org, secret, &format!("evt-flood-{i}"), ping).status().as_u16()).collect();
    assert!(statuses[..60].iter().all(|s| *s == 200), "{statuses:?}");
    assert!(statuses[60..].iter().all(|s| *s == 429), "{statuses:?}");
    // A forger flooding another org from elsewhere is stopped per sender, and its unsigned
    // junk does not count against that org.
    let (other, t2, secret2) = ("flood-org-2", board("northwind", "flood-2"), "whsec-flood-0002");
    connect(other, &t2, secret2);
    for i in 0..30 {
        assert_eq!(deliver_from("198.51.100.8", other, "not-the-secret", &format!("evt-junk-{i}"), ping).status(), 401);
    }
    assert_eq!(deliver_from("198.51.100.9", other, secret2, "evt-flood-other", ping).status(), 200, "the org's own deliveries still pass");
}

/// Issue 9: rotating the vault key. A worker redeployed with a new active key still opens
/// what the old key sealed, seals it again under the new key as it reads it, and a worker
/// without the old key at all then still delivers.
#[test]
fn rotating_the_vault_key_reseals_on_read_and_loses_nothing() {
    let s = stack();
    let state = std::env::temp_dir().join(format!("ghw-rotation-{}", std::process::id()));
    let owners = format!("{{\"{}\":\"{}\"}}", e2e::OWNER_ISSUER, e2e::OWNER_SECRET);
    let (org, t) = ("rotation-org", "northwind--rotation");
    let old = xtask::DEMO_VAULT_KEY;
    let new = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
    let both = format!(r#"{{"active":"2026-12","keys":{{"2026-12":"{new}"}}}}"#);
    let only_new = both.clone();
    let mut hosts: Vec<(String, String)> = xtask::fake_hosts(&s.fake_url).into_iter().filter(|(k, _)| k != "GREENHOUSE_BOARDS_API").collect();
    hosts.push(("OWNER_TOKEN_SECRETS".into(), owners));
    hosts.push(("OUTBOX_BACKOFF_SECONDS".into(), "0".into()));
    let vars = |extra: Vec<(&'static str, String)>| -> Vec<(String, String)> {
        hosts.iter().cloned().chain(extra.into_iter().map(|(k, v)| (k.to_string(), v))).collect()
    };
    let start = |v: &[(String, String)]| {
        let refs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        e2e::Worker::start_in(Some(&state), &s.fake_url, &refs)
    };
    let call = |w: &e2e::Worker, m: reqwest::Method, path: &str, body: Option<Value>| {
        let mut r = Client::new().request(m, format!("{}/api/v1/orgs/{org}{path}", w.base)).bearer_auth(owner_token_for(org));
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().unwrap()
    };
    // 1. The old key seals the credential and a queued application.
    let w1 = start(&vars(vec![("VAULT_KEY", old.to_string())]));
    let put =
        call(&w1, reqwest::Method::PUT, "/connection/job_board", Some(json!({"board_token": t, "api_key": seed::job_board_api_key("northwind")})));
    assert_eq!(put.status(), 200, "{}", put.text().unwrap_or_default());
    let job = seed::northwind().jobs.iter().filter_map(|j| j["id"].as_u64()).find(|id| id % 2 == 1).unwrap();
    Client::new().get(format!("{}/api/v1/boards/{t}/jobs/{job}", w1.base)).send().unwrap();
    s.fake.set_fault(t, Fault::Down);
    let r = apply(&w1.base, t, job, "rotation-000001");
    assert_eq!(r.status(), 202, "{}", r.text().unwrap_or_default());
    let key_ids = |w: &e2e::Worker| {
        let c = w.d1(&format!("SELECT key_id FROM credentials WHERE org = '{org}'"))[0]["key_id"].clone();
        let a = w.d1("SELECT key_id FROM applications WHERE id = 'rotation-000001'")[0]["key_id"].clone();
        (c, a)
    };
    assert_eq!(key_ids(&w1), (json!("k0"), json!("k0")));
    drop(w1);
    // 2. Redeployed with a new active key (the old one kept as k0): reading re-seals.
    let w2 = start(&vars(vec![("VAULT_KEY", old.to_string()), ("VAULT_KEYS", both)]));
    w2.run_cron(); // Greenhouse still down: the application is opened (and re-sealed), not sent
    assert_eq!(key_ids(&w2), (json!("2026-12"), json!("2026-12")), "credential and application re-sealed under the new key");
    drop(w2);
    // 3. The old key removed entirely: nothing is lost.
    s.fake.set_fault(t, Fault::None);
    let w3 = start(&vars(vec![("VAULT_KEYS", only_new)]));
    w3.run_cron();
    assert_eq!(s.fake.applications().iter().filter(|a| a.board == t).count(), 1, "delivered with only the new key");
    drop(w3);
    let _ = std::fs::remove_dir_all(&state);
}

/// Issue 9: an application that exhausts its attempts is `failed`, with why, and stays
/// visible to its org's owners.
#[test]
fn an_application_that_runs_out_of_attempts_is_failed_and_visible() {
    let s = stack();
    let (org, t) = ("attempts-org", board("northwind", "attempts"));
    connect(org, &t, "whsec-attempts-01");
    let listing: shared::api::BoardListing = Client::new().get(format!("{}/api/v1/boards/{t}/jobs", s.worker.base)).send().unwrap().json().unwrap();
    let job = listing.jobs.iter().find(|j| j.id % 2 == 1).unwrap().id;
    Client::new().get(format!("{}/api/v1/boards/{t}/jobs/{job}", s.worker.base)).send().unwrap();
    s.fake.set_fault(&t, Fault::Down);
    let r = apply(&s.worker.base, &t, job, "attempts-00001");
    assert_eq!(r.status(), 202);
    s.worker.d1("UPDATE applications SET attempts = 39, next_attempt_at = 0 WHERE id = 'attempts-00001'");
    s.worker.run_cron();
    let row = &s.worker.d1("SELECT status, last_error FROM applications WHERE id = 'attempts-00001'")[0];
    assert_eq!(row["status"], "failed");
    assert!(row["last_error"].as_str().unwrap().starts_with("gave up after 40 attempts"), "{row}");
    let list: shared::owner::PendingApplications = owner(reqwest::Method::GET, org, "/applications", None).json().unwrap();
    assert_eq!(list.counts.failed, 1);
    s.fake.set_fault(&t, Fault::None);
}

fn owner_token_for(org: &str) -> String {
    e2e::owner_token(org, "ops", 600)
}
