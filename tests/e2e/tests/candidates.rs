//! Candidates through the real worker under `wrangler dev` against the fake: exports through
//! Candidate Ingestion, Harvest v3 and Harvest v1 (shape, auth, idempotency, the outbox when
//! Greenhouse is down, asynchronous creation, the resume), status back by web hook and by
//! poll with signed events to the host, matches by email with expiring attachment links and
//! nothing kept, a missing permission named, and tenancy on every route.

use e2e::{call_with, connect_board, host_token, owner_call, owner_token, stack};
use greenhouse_fake::harvest::{INGESTION_EMAIL, INGESTION_KEY, V1_FULL, V3_FULL, V3_PARTIAL, V3_USER};
use reqwest::blocking::Client;
use reqwest::Method;
use serde_json::{json, Value};
use shared::candidates::{Export, ExportState, Found, MatchResult};
use std::time::{Duration, Instant};

/// The fake's Harvest rate limit is shared by every org using the same key: the test that
/// turns Harvest off takes this exclusively, the others share it.
static HARVEST: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn harvest_shared() -> std::sync::RwLockReadGuard<'static, ()> {
    HARVEST.read().unwrap_or_else(|e| e.into_inner())
}

/// An open Harvest job of the fake (its live post is on the demo board).
const JOB: u64 = 4_200_000_000;
const APPLICANT: &str = "applicant@northwind-candidates.example";
const PROSPECT: &str = "prospect@northwind-candidates.example";

fn fake_get(path: &str) -> Value {
    Client::new().get(format!("{}{path}", stack().fake_url)).send().unwrap().json().unwrap()
}

fn fake_post(path: &str, body: Value) -> reqwest::blocking::Response {
    Client::new().post(format!("{}{path}", stack().fake_url)).json(&body).send().unwrap()
}

/// What the fake received on candidate-creating routes, for one external id / name.
fn received(marker: &str) -> Vec<Value> {
    fake_get("/__fake/candidates/received")["received"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.to_string().contains(marker))
        .collect()
}

fn export(org: &str, body: Value) -> (u16, Export) {
    let r = owner_call(Method::POST, org, "/candidates", Some(body));
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {text}: {e}")))
}

fn person(external_id: &str, last_name: &str) -> Value {
    json!({
        "external_id": external_id,
        "first_name": "Ada",
        "last_name": last_name,
        "emails": [format!("{}@host.example", last_name.to_lowercase())],
        "phones": ["+44 20 7946 0958"],
        "company": "Analytical Engines",
        "links": ["https://www.linkedin.com/in/ada-lovelace"],
        "notes": "Met at the Difference Engine meetup",
        "job_id": JOB,
    })
}

fn until_delivered(org: &str, external_id: &str, job: u64) -> Export {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let r = owner_call(Method::GET, org, &format!("/candidates/{external_id}?job_id={job}"), None);
        let e: Export = r.json().unwrap();
        if e.state == ExportState::Delivered || Instant::now() > until {
            return e;
        }
        stack().worker.run_cron();
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn exports_reach_greenhouse_through_each_path_with_the_right_shape_and_auth_once() {
    let _h = harvest_shared();
    // Candidate Ingestion: synchronous, its own field names, On-Behalf-Of the user's email.
    let org = "export-ingestion";
    let r = owner_call(Method::PUT, org, "/connection/ingestion", Some(json!({"api_key": INGESTION_KEY, "email": INGESTION_EMAIL})));
    assert_eq!(r.status(), 200);
    let mut body = person("ing-1", "Ingestion");
    body["resume"] = json!({"url": "https://host.example/cv/ada.pdf"});
    let (status, e) = export(org, body.clone());
    assert_eq!((status, e.state), (201, ExportState::Delivered), "{e:?}");
    assert!(e.candidate_id.is_some() && !e.application_ids.is_empty());
    let got = received("ing-1");
    assert_eq!(got.len(), 1);
    assert!(got[0]["path"].as_str().unwrap().ends_with("/v1/partner/candidates"));
    assert_eq!(got[0]["on_behalf_of"], INGESTION_EMAIL);
    assert!(got[0]["authorization"].as_str().unwrap().starts_with("Basic "));
    let sent = &got[0]["body"];
    assert_eq!(sent["emails"][0]["email"], "ingestion@host.example");
    assert_eq!(sent["phone_numbers"][0]["phone_number"], "+44 20 7946 0958");
    assert_eq!(sent["social_media"][0]["url"], "https://www.linkedin.com/in/ada-lovelace");
    assert_eq!(
        (sent["job_id"].as_u64(), sent["prospect"].as_bool(), sent["resume"].as_str()),
        (Some(JOB), Some(false), Some("https://host.example/cv/ada.pdf"))
    );
    // The same export again: the same ids, nothing new in Greenhouse.
    let (status, again) = export(org, body);
    assert_eq!((status, again.candidate_id), (200, e.candidate_id));
    assert_eq!(received("ing-1").len(), 1, "idempotent by (org, external id, job)");
    // A resume file cannot go through ingestion (it takes URLs): refused before anything is kept.
    let mut file = person("ing-2", "Filed");
    file["resume"] = json!({"filename": "cv.pdf", "content_base64": "JVBERi0xLjQ="});
    assert_eq!(owner_call(Method::POST, org, "/candidates", Some(file)).status(), 422);

    // Harvest v3: candidate, then application, asynchronous creation followed, resume attached.
    let org = "export-v3";
    let r =
        owner_call(Method::PUT, org, "/connection/harvest_v3", Some(json!({"client_id": V3_FULL.0, "client_secret": V3_FULL.1, "user_id": V3_USER})));
    assert_eq!(r.status(), 200);
    fake_post("/__fake/harvest/async", json!({"reads": 2}));
    let mut body = person("v3-1", "Threeson");
    body["resume"] = json!({"filename": "threeson.pdf", "content_base64": "JVBERi0xLjQgdGhyZWU="});
    let (status, e) = export(org, body);
    assert_eq!(status, 202, "Greenhouse creates asynchronously: {e:?}");
    assert!(matches!(e.state, ExportState::Creating | ExportState::Queued), "{e:?}");
    let e = until_delivered(org, "v3-1", JOB);
    assert_eq!(e.state, ExportState::Delivered, "{e:?}");
    let got = received("Threeson");
    let paths: Vec<&str> = got.iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert!(paths.iter().any(|p| p.ends_with("/v3/candidates")), "{paths:?}");
    let resume = fake_get("/__fake/candidates/received")["received"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().unwrap().ends_with("/v3/attachments"))
        .count();
    assert!(resume >= 1, "the resume was attached");
    assert!(got.iter().all(|r| r["authorization"].as_str().unwrap().starts_with("Bearer ")));
    // The personal data left our store once Greenhouse had it.
    let rows = stack().worker.d1(&format!("SELECT body FROM applications WHERE id = '{}'", e.id));
    assert_eq!(rows[0]["body"], Value::Null, "{rows}");

    // Harvest v1: On-Behalf-Of the connected user id; a prospect through /v1/prospects.
    let org = "export-v1";
    let r = owner_call(Method::PUT, org, "/connection/harvest_v1", Some(json!({"api_key": V1_FULL, "user_id": V3_USER})));
    assert_eq!(r.status(), 200);
    let mut body = person("v1-p", "Prospecta");
    body.as_object_mut().unwrap().remove("job_id");
    body["prospect"] = json!({"job_ids": [JOB]});
    let (_, _) = export(org, body);
    let e = until_delivered(org, "v1-p", 0);
    assert_eq!(e.state, ExportState::Delivered, "{e:?}");
    let got = received("Prospecta");
    assert!(got.iter().any(|r| r["path"].as_str().unwrap().ends_with("/v1/prospects") && r["on_behalf_of"] == V3_USER), "{got:?}");
    fake_post("/__fake/harvest/async", json!({"reads": 0}));
}

#[test]
fn greenhouse_down_queues_the_export_and_delivers_it_once_with_its_resume() {
    let _h = HARVEST.write().unwrap_or_else(|e| e.into_inner());
    let org = "export-down";
    let r = owner_call(Method::PUT, org, "/connection/harvest_v1", Some(json!({"api_key": V1_FULL, "user_id": V3_USER})));
    assert_eq!(r.status(), 200);
    let _turn = e2e::cron_turn();
    // Harvest refuses everything with 429 for a while.
    fake_post("/__fake/harvest/limit", json!({"limit": 0, "window_secs": 60}));
    let mut body = person("down-1", "Downton");
    body["resume"] = json!({"filename": "downton.pdf", "content_base64": "JVBERi0xLjQgZG93bg=="});
    let (status, e) = export(org, body);
    fake_post("/__fake/harvest/limit", json!({"limit": null, "window_secs": null}));
    assert_eq!((status, e.state), (202, ExportState::Queued), "{e:?}");
    let ok = |r: &Value| r["status"].as_u64().is_some_and(|s| (200..300).contains(&s));
    assert!(received("Downton").iter().all(|r| !ok(r)), "Greenhouse refused it (429), nothing was created");
    stack().worker.run_cron_holding(&_turn);
    let until = Instant::now() + Duration::from_secs(60);
    let e = loop {
        let e: Export = owner_call(Method::GET, org, "/candidates/down-1?job_id=4200000000", None).json().unwrap();
        if e.state == ExportState::Delivered || Instant::now() > until {
            break e;
        }
        stack().worker.run_cron_holding(&_turn);
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(e.state, ExportState::Delivered, "{e:?}");
    let creates = received("Downton").iter().filter(|r| r["path"].as_str().unwrap().ends_with("/v1/candidates") && ok(r)).count();
    assert_eq!(creates, 1, "created once");
    let attachments: Vec<Value> = fake_get("/__fake/candidates/received")["received"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().unwrap().ends_with(&format!("/v1/candidates/{}/attachments", e.candidate_id.unwrap())) && ok(r))
        .cloned()
        .collect();
    assert_eq!(attachments.len(), 1, "the resume, once");
    assert_eq!(attachments[0]["body"]["content"], "JVBERi0xLjQgZG93bg==");
}

#[test]
fn status_changes_reach_the_host_by_web_hook_and_by_poll() {
    let _h = harvest_shared();
    let (org, t, secret) = ("status-org", "northwind--status", "hook-secret-status-1");
    connect_board(org, t, Some(secret));
    let r = owner_call(Method::PUT, org, "/connection/harvest_v1", Some(json!({"api_key": V1_FULL, "user_id": V3_USER})));
    assert_eq!(r.status(), 200);
    let host = host_token(org, 600);
    let url = format!("{}/__fake/receiver/{org}", stack().fake_url);
    let cb: Value = call_with(Method::PUT, org, "/callback", Some(&host), Some(json!({"url": url}))).json().unwrap();
    let whsec = cb["secret"].as_str().unwrap().to_string();
    let _ = owner_call(Method::POST, org, "/candidates", Some(person("st-1", "Statusfield")));
    let e = until_delivered(org, "st-1", JOB);
    let app = *e.application_ids.first().expect("an application id");

    // A stage change web hook: recorded at once, and a signed event for the host.
    let hook = json!({"url": format!("{}/hooks/greenhouse/{org}", stack().worker.base), "secret": secret});
    let r: Value = fake_post(&format!("/__fake/applications/{app}/stage"), json!({"stage": "Phone Screen", "hook": hook})).json().unwrap();
    assert_eq!(r["hook_status"], 200, "{r}");
    let e: Export = owner_call(Method::GET, org, &format!("/candidates/st-1?job_id={JOB}"), None).json().unwrap();
    let a = e.application.expect("a status");
    assert_eq!((a.id, a.stage.as_deref(), a.status.as_str()), (app, Some("Phone Screen"), "active"));
    // (An earlier event may say where it started, if a cron run saw it before the hook.)
    let event = event_where(org, &whsec, "candidate.status_changed", |e| e["data"]["stage"] == "Phone Screen").expect("the hook's event");
    assert_eq!(event["data"]["external_id"].as_str(), Some("st-1"));

    // A change whose web hook was lost: the poll finds it.
    fake_post(&format!("/__fake/applications/{app}/stage"), json!({"status": "rejected", "silent": true}));
    let event = event_where(org, &whsec, "candidate.status_changed", |e| e["data"]["status"] == "rejected");
    assert!(event.is_some(), "the poll caught the silent change");
    let e: Export = owner_call(Method::GET, org, &format!("/candidates/st-1?job_id={JOB}"), None).json().unwrap();
    assert_eq!(e.application.unwrap().status, "rejected");
}

/// Signed events of `kind` the fake's receiver `name` got, after running the cron until at
/// least `want` arrived (or 30 s passed).
fn events_of(name: &str, kind: &str, want: usize) -> Vec<Value> {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let d: Value = Client::new().get(format!("{}/__fake/receiver/{name}", stack().fake_url)).send().unwrap().json().unwrap();
        let got: Vec<Value> = d["deliveries"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d["status"].as_u64().is_none_or(|s| s < 300) && d["body"].as_str().unwrap_or_default().contains(kind))
            .collect();
        if got.len() >= want || Instant::now() > until {
            return got;
        }
        stack().worker.run_cron();
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The first signed event of `kind` to receiver `org` (verified) that `pred` accepts, running
/// the cron until one arrives (or 30 s passed).
fn event_where(org: &str, whsec: &str, kind: &str, pred: impl Fn(&Value) -> bool) -> Option<Value> {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let found = events_of(org, kind, 0).iter().map(|d| verify(whsec, d)).find(|e| pred(e));
        if found.is_some() || Instant::now() > until {
            return found;
        }
        stack().worker.run_cron();
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// An org with a Job Board, web hooks, Harvest v1 and a host callback; the callback's secret.
fn host_org(org: &str, board: &str, hook_secret: &str) -> String {
    connect_board(org, board, Some(hook_secret));
    let r = owner_call(Method::PUT, org, "/connection/harvest_v1", Some(json!({"api_key": V1_FULL, "user_id": V3_USER})));
    assert_eq!(r.status(), 200);
    let url = format!("{}/__fake/receiver/{org}", stack().fake_url);
    let cb: Value = call_with(Method::PUT, org, "/callback", Some(&host_token(org, 600)), Some(json!({"url": url}))).json().unwrap();
    cb["secret"].as_str().unwrap().to_string()
}

#[test]
fn widget_applications_are_found_in_greenhouse_and_their_status_comes_back() {
    let _h = harvest_shared();
    let (org, board, secret) = ("trace-org", "northwind--trace", "hook-secret-trace-1");
    let whsec = host_org(org, board, secret);
    let base = &stack().worker.base;
    let listing: shared::api::BoardListing = Client::new().get(format!("{base}/api/v1/boards/{board}/jobs")).send().unwrap().json().unwrap();
    let job = listing.jobs[0].id;
    let d: shared::api::JobDetail = Client::new().get(format!("{base}/api/v1/boards/{board}/jobs/{job}")).send().unwrap().json().unwrap();
    let email = "trace-applicant-5c1e@applicants.example";
    let id = "trace-00000001";
    let form = e2e::application_form(d.form.as_ref().unwrap(), job, id, email);
    let r = Client::new().post(format!("{base}/api/v1/boards/{board}/jobs/{job}/applications")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().unwrap_or_default());
    let status = |token: Option<&str>| call_with(Method::GET, org, &format!("/applications/{id}/status"), token, None);
    let s: shared::candidates::SubmissionStatus = owner_call(Method::GET, org, &format!("/applications/{id}/status"), None).json().unwrap();
    assert_eq!((s.state, s.job_id), (shared::owner::ApplicationState::Delivered, job));

    // The cron finds it in Greenhouse by email (the Job Board API answered no ids) and the
    // host hears where it stands.
    let got = events_of(org, "candidate.status_changed", 1);
    assert_eq!(got.len(), 1, "one event once found");
    let event = verify(&whsec, &got[0]);
    assert_eq!((event["data"]["source"].as_str(), event["data"]["submission_id"].as_str()), (Some("widget"), Some(id)), "{event}");
    assert_eq!((event["data"]["stage"].as_str(), event["data"]["status"].as_str()), (Some("Application Review"), Some("active")));
    assert!(!got[0].to_string().contains(email), "no email in the event");
    let s: shared::candidates::SubmissionStatus = status(Some(&host_token(org, 600))).json().unwrap();
    let app = s.application.expect("found in Greenhouse");
    assert_eq!(app.stage.as_deref(), Some("Application Review"));
    // Once found, the email is gone from the store (sealed until then): ids only.
    let trace = stack().worker.d1(&format!("SELECT email, key_id, nonce, application_id FROM application_traces WHERE id = '{id}'"));
    assert_eq!((&trace[0]["email"], &trace[0]["key_id"], &trace[0]["application_id"]), (&Value::Null, &Value::Null, &json!(app.id)), "{trace}");
    for table in ["applications", "application_traces", "candidate_status", "host_events"] {
        assert!(!stack().worker.d1(&format!("SELECT * FROM {table}")).to_string().contains(email), "{email} in {table}");
    }

    // The same person applies again: the second is followed as its own application, not
    // bound to the first.
    let again = "trace-00000002";
    let form = e2e::application_form(d.form.as_ref().unwrap(), job, again, email);
    let r = Client::new().post(format!("{base}/api/v1/boards/{board}/jobs/{job}/applications")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 201);
    let second = event_where(org, &whsec, "candidate.status_changed", |e| e["data"]["submission_id"] == again).expect("the second is found");
    assert_ne!(second["data"]["application_id"], json!(app.id), "its own application");

    // A recruiter moves it on: the web hook updates it at once, and the host hears it.
    let hook = json!({"url": format!("{base}/hooks/greenhouse/{org}"), "secret": secret});
    let r: Value = fake_post(&format!("/__fake/applications/{}/stage", app.id), json!({"stage": "Phone Screen", "hook": hook})).json().unwrap();
    assert_eq!(r["hook_status"], 200, "{r}");
    assert_eq!(status(None).status(), 401, "visitors cannot read it");
    let s: shared::candidates::SubmissionStatus = owner_call(Method::GET, org, &format!("/applications/{id}/status"), None).json().unwrap();
    assert_eq!(s.application.unwrap().stage.as_deref(), Some("Phone Screen"));
    let moved = event_where(org, &whsec, "candidate.status_changed", |e| e["data"]["submission_id"] == id && e["data"]["stage"] == "Phone Screen");
    assert_eq!(moved.expect("the hook's event")["data"]["previous"]["stage"], "Application Review");

    // Tenancy: another org's tokens and visitors cannot read it.
    for t in [host_token("tenant-x", 600), owner_token("tenant-x", "mallory", 600)] {
        assert_eq!(status(Some(&t)).status(), 403);
    }
}

#[test]
fn a_watch_list_is_matched_on_schedule_and_only_changes_are_sent() {
    let _h = harvest_shared();
    let (org, board, secret) = ("watch-org", "northwind--watch", "hook-secret-watch-1");
    let whsec = host_org(org, board, secret);
    let host = host_token(org, 600);
    // Someone of the test's own in Greenhouse, at the first stage.
    let _ = owner_call(Method::POST, org, "/candidates", Some(person("w-1", "Watchfield")));
    let e = until_delivered(org, "w-1", JOB);
    let app = *e.application_ids.first().expect("an application");
    let unknown = "nobody-watched-91c2@unknown.example";
    let list = json!({"profiles": [
        {"ref": "u-exported", "email": "watchfield@host.example"},
        {"ref": "u-prospect", "email": PROSPECT},
        {"ref": "u-none", "email": unknown},
    ]});
    let watch = |m: Method, token: Option<&str>, body: Option<Value>| call_with(m, org, "/matches/watch", token, body);
    let r = watch(Method::PUT, Some(&host), Some(list.clone()));
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    let twice = json!({"profiles": [{"ref": "a", "email": APPLICANT}, {"ref": "a", "email": PROSPECT}]});
    assert_eq!(watch(Method::PUT, Some(&host), Some(twice)).status(), 422, "a repeated ref");
    for t in [host_token("tenant-x", 600), owner_token("tenant-x", "mallory", 600)] {
        for m in [Method::GET, Method::PUT, Method::DELETE] {
            assert_eq!(watch(m.clone(), Some(&t), Some(list.clone())).status(), 403, "{m}");
        }
    }
    assert_eq!(watch(Method::GET, None, None).status(), 401);

    // The first runs: the two people in Greenhouse are news; the one who is not is not.
    let got = events_of(org, "candidate.match_changed", 2);
    let events: Vec<Value> = got.iter().map(|d| verify(&whsec, d)).collect();
    let refs: Vec<&str> = events.iter().filter_map(|e| e["data"]["ref"].as_str()).collect();
    assert_eq!(refs.len(), 2, "{events:?}");
    assert!(refs.contains(&"u-exported") && refs.contains(&"u-prospect"), "{refs:?}");
    let exported = events.iter().find(|e| e["data"]["ref"] == "u-exported").unwrap();
    assert_eq!(exported["data"]["found"], "applicant");
    assert_eq!(exported["data"]["candidates"][0]["applications"][0]["stage"], "Application Review");
    for d in &got {
        for email in ["watchfield@host.example", PROSPECT, unknown] {
            assert!(!d.to_string().contains(email), "no email in events");
        }
    }
    // Matching again with nothing new sends nothing (the stack re-matches every 3 s).
    std::thread::sleep(Duration::from_secs(4));
    for _ in 0..2 {
        stack().worker.run_cron();
    }
    assert_eq!(events_of(org, "candidate.match_changed", 0).len(), 2, "only changes are sent");
    let s: shared::candidates::WatchStatus = watch(Method::GET, Some(&host), None).json().unwrap();
    assert_eq!((s.count, s.checked), (3, 3));

    // A recruiter moves the exported person on without a web hook: the next run tells the host.
    fake_post(&format!("/__fake/applications/{app}/stage"), json!({"stage": "Offer", "silent": true}));
    let got = events_of(org, "candidate.match_changed", 3);
    assert_eq!(got.len(), 3);
    let e = verify(&whsec, &got[2]);
    assert_eq!((e["data"]["ref"].as_str(), e["data"]["previous_found"].as_str()), (Some("u-exported"), Some("applicant")));
    assert_eq!(e["data"]["candidates"][0]["applications"][0]["stage"], "Offer");

    // The list is kept sealed: no email readable in the store.
    let rows = stack().worker.d1("SELECT * FROM match_watch");
    for email in ["watchfield@host.example", PROSPECT, unknown] {
        assert!(!rows.to_string().contains(email), "{email} readable in match_watch");
    }
    let s: shared::candidates::WatchStatus = watch(Method::DELETE, Some(&host), None).json().unwrap();
    assert_eq!(s.count, 0);
}

/// Verifies a recorded delivery with the `standardwebhooks` npm package.
fn verify(secret: &str, delivery: &Value) -> Value {
    let script = r#"
const { Webhook } = require(process.argv[1]);
console.log(JSON.stringify(new Webhook(process.argv[2]).verify(process.argv[4], JSON.parse(process.argv[3]))));
"#;
    let out = std::process::Command::new("node")
        .envs(xtask::tool_env())
        .arg("-e")
        .arg(script)
        .arg(e2e::root().join("node_modules/standardwebhooks"))
        .arg(secret)
        .arg(delivery["headers"].to_string())
        .arg(delivery["body"].as_str().unwrap_or_default())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn match_email(org: &str, email: &str) -> (u16, Value) {
    let r = owner_call(Method::POST, org, "/matches", Some(json!({"email": email})));
    (r.status().as_u16(), r.json().unwrap())
}

#[test]
fn matches_find_applicants_and_prospects_keep_nothing_and_links_expire() {
    let _h = harvest_shared();
    let org = "match-org";
    let r = owner_call(Method::PUT, org, "/connection/harvest_v1", Some(json!({"api_key": V1_FULL})));
    assert_eq!(r.status(), 200);
    let (status, v) = match_email(org, APPLICANT);
    assert_eq!(status, 200, "{v}");
    let m: MatchResult = serde_json::from_value(v).unwrap();
    assert_eq!(m.found, Found::Applicant);
    let c = &m.candidates[0];
    let a = c.applications.iter().find(|a| !a.prospect).unwrap();
    assert_eq!((a.stage.as_deref(), a.status.as_str()), (Some("Onsite Interview"), "active"));
    assert_eq!(c.recruiter.as_deref(), Some("Dana Ruiz"));
    assert!(c.emails.iter().any(|e| e == APPLICANT));
    assert!(!c.attachments.is_empty());
    let link = &c.attachments[0].url;
    assert!(link.starts_with(&stack().worker.base), "through the worker: {link}");
    assert!(!link.contains("__fake/attachments"), "never Greenhouse's own URL");
    let got = Client::new().get(link).send().unwrap();
    assert_eq!(got.status(), 200);
    assert!(got.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(got.headers()["cache-control"], "private, no-store");
    assert!(!got.bytes().unwrap().is_empty());
    // Another org cannot use the link; and it expires (3 s in the test stack).
    let other = link.replace("/orgs/match-org/", "/orgs/other-org/");
    assert_eq!(Client::new().get(&other).send().unwrap().status(), 404);
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(Client::new().get(link).send().unwrap().status(), 404, "expired");

    let (_, v) = match_email(org, PROSPECT);
    assert_eq!(serde_json::from_value::<MatchResult>(v).unwrap().found, Found::Prospect);
    let unknown = "nobody-here-7f3a@unknown.example";
    let (status, v) = match_email(org, unknown);
    assert_eq!((status, serde_json::from_value::<MatchResult>(v).unwrap().found), (200, Found::NotFound));

    // Nothing about the questions is kept: no row in D1, no log line.
    for table in ["applications", "candidate_exports", "candidate_status", "host_events", "job_log", "org_jobs", "webhook_events"] {
        let rows = stack().worker.d1(&format!("SELECT * FROM {table}"));
        for email in [APPLICANT, PROSPECT, unknown] {
            assert!(!rows.to_string().contains(email), "{email} in {table}");
        }
    }
    let log = std::fs::read_to_string(&stack().worker.log).unwrap_or_default()
        + &std::fs::read_to_string(stack().worker.log.with_extension("err")).unwrap_or_default();
    for email in [APPLICANT, PROSPECT, unknown] {
        assert!(!log.contains(email), "{email} in the worker's log");
    }
    assert_eq!(owner_call(Method::POST, org, "/matches", Some(json!({"email": "not an email"}))).status(), 422);
    // A batch, answered in order; at most 100.
    let r = owner_call(Method::POST, org, "/matches", Some(json!({"profiles": [{"email": APPLICANT}, {"email": unknown}, {"email": PROSPECT}]})));
    assert_eq!(r.status(), 200);
    let b: shared::candidates::MatchBatchResult = r.json().unwrap();
    assert_eq!(b.results.iter().map(|m| m.found).collect::<Vec<_>>(), [Found::Applicant, Found::NotFound, Found::Prospect]);
    let many: Vec<Value> = (0..101).map(|i| json!({"email": format!("p{i}@example.com")})).collect();
    assert_eq!(owner_call(Method::POST, org, "/matches", Some(json!({"profiles": many}))).status(), 400);
}

#[test]
fn a_missing_permission_names_itself_and_other_orgs_get_403() {
    let _h = harvest_shared();
    let org = "match-partial";
    let r = owner_call(
        Method::PUT,
        org,
        "/connection/harvest_v3",
        Some(json!({"client_id": V3_PARTIAL.0, "client_secret": V3_PARTIAL.1, "user_id": V3_USER})),
    );
    assert_eq!(r.status(), 200);
    let (status, v) = match_email(org, APPLICANT);
    assert_eq!(status, 403, "{v}");
    assert_eq!(v["error"]["code"], "missing_permission");
    assert!(v["error"]["message"].as_str().unwrap().contains("Candidates"), "{v}");

    let others = [host_token("tenant-x", 600), owner_token("tenant-x", "mallory", 600)];
    let routes: [(Method, &str, Option<Value>); 3] = [
        (Method::POST, "/candidates", Some(person("t-1", "Tenant"))),
        (Method::GET, "/candidates/t-1?job_id=4200000000", None),
        (Method::POST, "/matches", Some(json!({"email": APPLICANT}))),
    ];
    for (m, path, body) in &routes {
        for t in &others {
            assert_eq!(call_with(m.clone(), org, path, Some(t), body.clone()).status(), 403, "{m} {path}");
        }
        assert_eq!(call_with(m.clone(), org, path, None, body.clone()).status(), 401, "visitors: {m} {path}");
    }
}
