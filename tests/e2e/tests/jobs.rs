//! Owners manage their jobs, through the real worker under `wrangler dev` against the fake:
//! the picker over Harvest v3 and v1 pages, import modes, local fields in the visitor
//! listing, Greenhouse-owned fields refused, local jobs linked to a post, close and reopen
//! through web hooks, host callbacks (ordered, retried, verified by the `standardwebhooks`
//! npm package), and tenancy on every new route.

use e2e::{call_with, connect_board, host_token, owner_call, owner_token, stack};
use greenhouse_fake::harvest::{V1_FULL, V1_PARTIAL, V3_FULL, V3_USER};
use reqwest::blocking::Client;
use reqwest::Method;
use serde_json::{json, Value};
use shared::api::{BoardListing, JobDetail};
use shared::jobs::{GreenhouseJobs, ManagedJob, OrgJobs, PickerSource, Visibility};
use std::time::{Duration, Instant};

fn listing(board: &str) -> BoardListing {
    Client::new().get(format!("{}/api/v1/boards/{board}/jobs", stack().worker.base)).send().unwrap().json().unwrap()
}

fn job(board: &str, id: u64) -> reqwest::blocking::Response {
    Client::new().get(format!("{}/api/v1/boards/{board}/jobs/{id}", stack().worker.base)).send().unwrap()
}

fn ids(l: &BoardListing) -> Vec<u64> {
    l.jobs.iter().map(|j| j.id).collect()
}

fn org_jobs(org: &str) -> OrgJobs {
    let r = owner_call(Method::GET, org, "/jobs", None);
    assert_eq!(r.status(), 200);
    r.json().unwrap()
}

fn managed(org: &str, key: &str) -> ManagedJob {
    org_jobs(org).jobs.into_iter().find(|j| j.key == key).unwrap_or_else(|| panic!("{key} is listed"))
}

/// Waits (up to `secs`) for `check` to hold.
fn eventually(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < until {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("not within {secs} s: {what}");
}

fn fake(path: &str, body: Value) -> reqwest::blocking::Response {
    Client::new().post(format!("{}{path}", stack().fake_url)).json(&body).send().unwrap()
}

fn connect_harvest_v3(org: &str) {
    let r =
        owner_call(Method::PUT, org, "/connection/harvest_v3", Some(json!({"client_id": V3_FULL.0, "client_secret": V3_FULL.1, "user_id": V3_USER})));
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
}

fn connect_harvest_v1(org: &str, key: &str) {
    let r = owner_call(Method::PUT, org, "/connection/harvest_v1", Some(json!({"api_key": key})));
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
}

fn picker(org: &str) -> GreenhouseJobs {
    let r = owner_call(Method::GET, org, "/jobs/greenhouse", None);
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    r.json().unwrap()
}

#[test]
fn the_picker_lists_every_harvest_job_across_pages_v3_and_v1() {
    let (org, t) = ("pick-v3", "northwind--pick-v3");
    connect_board(org, t, None);
    connect_harvest_v3(org);
    let v3 = picker(org);
    assert_eq!(v3.source, PickerSource::HarvestV3);
    assert!(v3.jobs.len() >= 60, "{} jobs", v3.jobs.len());
    // 10 per page (HARVEST_PER_PAGE): jobs, posts and openings each span pages.
    assert!(v3.pages >= 15, "{} pages", v3.pages);
    let mut keys: Vec<&str> = v3.jobs.iter().map(|j| j.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), v3.jobs.len(), "each job once");
    let board_ids = ids(&listing(t));
    let published = v3.jobs.iter().filter(|j| j.posts.iter().any(|p| p.live && !p.internal && board_ids.contains(&p.id))).count();
    assert!(published >= 30, "open jobs' live external posts are the board's jobs ({published})");
    assert!(v3.jobs.iter().any(|j| j.status == shared::jobs::GreenhouseStatus::Closed));
    assert!(v3.jobs.iter().any(|j| j.status == shared::jobs::GreenhouseStatus::Draft));
    assert!(v3.jobs.iter().any(|j| j.openings.is_some_and(|n| n > 0)), "v3 openings are counted");
    assert!(v3.jobs.iter().all(|j| j.edit_url.as_deref().is_some_and(|u| u.starts_with("https://app.greenhouse.io/plans/"))));

    let (org1, t1) = ("pick-v1", "northwind--pick-v1");
    connect_board(org1, t1, None);
    connect_harvest_v1(org1, V1_FULL);
    let v1 = picker(org1);
    assert_eq!(v1.source, PickerSource::HarvestV1);
    assert_eq!(v1.jobs.len(), v3.jobs.len(), "the same jobs through the legacy key");
    assert!(v1.pages >= 14, "{} pages through Link headers", v1.pages);

    // A key without job posts: the picker names the missing permission.
    let (org2, t2) = ("pick-v1-partial", "northwind--pick-v1p");
    connect_board(org2, t2, None);
    connect_harvest_v1(org2, V1_PARTIAL);
    let r = owner_call(Method::GET, org2, "/jobs/greenhouse", None);
    assert_eq!(r.status(), 403);
    let body: Value = r.json().unwrap();
    assert_eq!(body["error"]["code"], "missing_permission");
    assert!(body["error"]["message"].as_str().unwrap().contains("Job posts"), "{body}");
}

#[test]
fn importing_a_subset_shows_exactly_those_and_automatic_mode_takes_new_jobs() {
    let (org, t) = ("pick-subset", "northwind--pick-subset");
    connect_board(org, t, None);
    let all = listing(t);
    assert!(all.jobs.len() > 10);
    // A Job Board-only org picks from its board.
    let rows = picker(org);
    assert_eq!(rows.source, PickerSource::JobBoard);
    assert_eq!(rows.jobs.len(), all.jobs.len());
    let chosen: Vec<String> = rows.jobs.iter().skip(2).take(3).map(|j| j.key.clone()).collect();
    let want: Vec<u64> = rows.jobs.iter().skip(2).take(3).map(|j| j.posts[0].id).collect();
    let r = owner_call(Method::PUT, org, "/jobs/import", Some(json!({"mode": "picker", "imported": chosen})));
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    let mut shown = ids(&listing(t));
    shown.sort_unstable();
    let mut want_sorted = want.clone();
    want_sorted.sort_unstable();
    assert_eq!(shown, want_sorted, "the visitor board shows exactly the imported jobs");
    let not_imported = org_jobs(org).jobs.iter().filter(|j| j.visibility == Visibility::NotImported).count();
    assert_eq!(not_imported, all.jobs.len() - 3);

    // A job that appears in Greenhouse waits in picker mode, and goes live in automatic mode.
    let newcomer = all.jobs.iter().map(|j| j.id).find(|id| !want.contains(id)).unwrap();
    assert_eq!(fake(&format!("/__fake/boards/{t}/jobs/{newcomer}/close"), json!({})).status().as_u16() / 100, 2);
    owner_call(Method::POST, org, "/sync", None);
    assert_eq!(fake(&format!("/__fake/boards/{t}/jobs/{newcomer}/reopen"), json!({})).status().as_u16() / 100, 2);
    let report: Value = owner_call(Method::POST, org, "/sync", None).json().unwrap();
    assert!(!ids(&listing(t)).contains(&newcomer), "picker: not imported, not shown ({report})");
    let r = owner_call(Method::PUT, org, "/jobs/import", Some(json!({"mode": "automatic"})));
    assert_eq!(r.status(), 200);
    assert_eq!(listing(t).jobs.len(), all.jobs.len(), "automatic: every published job");
    fake(&format!("/__fake/boards/{t}/jobs/{newcomer}/close"), json!({}));
    owner_call(Method::POST, org, "/sync", None);
    fake(&format!("/__fake/boards/{t}/jobs/{newcomer}/reopen"), json!({}));
    let report: Value = owner_call(Method::POST, org, "/sync", None).json().unwrap();
    assert!(report["added"].as_array().unwrap().contains(&json!(newcomer)), "{report}");
    assert!(ids(&listing(t)).contains(&newcomer), "automatic mode imports a new job on the next sync");
}

#[test]
fn local_fields_merge_into_the_listing_and_the_job_view_and_greenhouse_fields_are_refused() {
    let (org, t) = ("fields-org", "northwind--fields");
    connect_board(org, t, None);
    let before = listing(t);
    let target = before.jobs.iter().rev().find(|j| j.title.contains("Engineer")).unwrap().clone();
    let key = org_jobs(org).jobs.iter().find(|j| j.id == Some(target.id)).unwrap().key.clone();

    // Greenhouse owns the title: refused by name, and nothing changes.
    let r = owner_call(Method::PATCH, org, &format!("/jobs/{key}"), Some(json!({"title": "Chief Everything", "featured": true})));
    assert_eq!(r.status(), 422);
    let body: Value = r.json().unwrap();
    assert_eq!(body["error"]["code"], "greenhouse_owned");
    assert_eq!(body["fields"][0]["field"], "title");
    assert_eq!(ids(&listing(t)), ids(&before), "a refused write changes nothing");
    for (field, value) in [("description", json!("x")), ("location", json!("Mars")), ("pay", json!([])), ("departments", json!([]))] {
        let r = owner_call(Method::PATCH, org, &format!("/jobs/{key}"), Some(json!({ field: value })));
        assert_eq!(r.status(), 422, "{field}");
    }

    let edit = json!({"featured": true, "position": 1, "tags": ["Remote friendly", "Visa"], "hidden": false,
                      "intro": "Why **Northwind**: see [our benefits](https://northwind.example/benefits)",
                      "apply_url": null, "post_id": null});
    let r = owner_call(Method::PATCH, org, &format!("/jobs/{key}"), Some(edit));
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    let m: ManagedJob = r.json().unwrap();
    assert!(m.fields.featured && m.connected);
    let after = listing(t);
    assert_eq!(after.jobs[0].id, target.id, "featured: first on the next read");
    assert!(after.jobs[0].featured);
    assert_eq!(after.jobs[0].tags, ["Remote friendly", "Visa"]);
    let d: JobDetail = job(t, target.id).json().unwrap();
    assert!(d.intro_html.contains("<strong>Northwind</strong>"), "{}", d.intro_html);
    assert!(d.intro_html.contains("https://northwind.example/benefits"));
    assert!(d.form.is_some(), "applications still go to Greenhouse");

    // An external apply URL replaces the form; hidden takes it off the board.
    let r = owner_call(Method::PATCH, org, &format!("/jobs/{key}"), Some(json!({"apply_url": "https://northwind.example/apply/1"})));
    assert_eq!(r.status(), 200);
    let d: JobDetail = job(t, target.id).json().unwrap();
    assert_eq!(d.job.apply_url.as_deref(), Some("https://northwind.example/apply/1"));
    assert!(d.form.is_none());
    let r = owner_call(Method::PATCH, org, &format!("/jobs/{key}"), Some(json!({"apply_url": "javascript:alert(1)"})));
    assert_eq!(r.status(), 422, "only https apply URLs");
    owner_call(Method::PATCH, org, &format!("/jobs/{key}"), Some(json!({"hidden": true})));
    assert!(!ids(&listing(t)).contains(&target.id));
    assert_eq!(job(t, target.id).status(), 404);
    assert_eq!(managed(org, &key).visibility, Visibility::Hidden);
}

#[test]
fn a_local_job_linked_to_a_post_sends_its_applications_to_that_post() {
    let (org, t) = ("local-org", "northwind--local");
    connect_board(org, t, None);
    let post = listing(t).jobs.iter().find(|j| j.id % 2 == 1).unwrap().id;
    // Not linked: on the board, but nowhere to send applications.
    let r = owner_call(
        Method::POST,
        org,
        "/jobs",
        Some(json!({"title": "Community Ambassador", "location": "Anywhere", "description": "Help **us** grow.\n\n- Events\n- Talks"})),
    );
    assert_eq!(r.status(), 201, "{}", r.text().unwrap_or_default());
    let local: ManagedJob = r.json().unwrap();
    let id = local.id.unwrap();
    assert!(id >= shared::jobs::LOCAL_ID_BASE);
    assert!(!local.connected);
    let l = listing(t);
    assert!(ids(&l).contains(&id), "a local job is on the visitor board");
    let d: JobDetail = job(t, id).json().unwrap();
    assert!(d.content_html.contains("<li>Events</li>"), "{}", d.content_html);
    assert!(d.form.is_none());
    let r = Client::new()
        .post(format!("{}/api/v1/boards/{t}/jobs/{id}/applications", stack().worker.base))
        .multipart(reqwest::blocking::multipart::Form::new().text("_submission_id", "local-unlinked-0001").text("first_name", "Ada"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().unwrap()["error"]["code"], "job_not_connected");

    // "Connect Greenhouse job": a post that is not on the board is refused.
    let r = owner_call(Method::PATCH, org, &format!("/jobs/{}", local.key), Some(json!({"title": "Community Ambassador", "post_id": 12345})));
    assert_eq!(r.status(), 422);
    let r = owner_call(
        Method::PATCH,
        org,
        &format!("/jobs/{}", local.key),
        Some(json!({"title": "Community Ambassador", "location": "Anywhere", "post_id": post})),
    );
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    assert!(r.json::<ManagedJob>().unwrap().connected);
    let d: JobDetail = job(t, id).json().unwrap();
    let form = d.form.clone().expect("the linked post's questions");
    let f = &form;
    let q = |label: &str| f.questions.iter().find(|q| q.label.starts_with(label)).map(|q| q.fields[0].name.clone());
    let mut multipart = reqwest::blocking::multipart::Form::new()
        .text("_submission_id", "local-linked-000001")
        .text("first_name", "Ada")
        .text("last_name", "Lovelace")
        .text("email", "ada@example.com")
        .text("phone", "+44 20 7946 0958")
        .part("resume", reqwest::blocking::multipart::Part::bytes(b"%PDF-1.4 cv".to_vec()).file_name("cv.pdf"));
    if let Some(n) = q("Are you legally") {
        multipart = multipart.text(n, "1");
    }
    if let Some(n) = q("Which of these") {
        multipart = multipart.text(n, "11");
    }
    if post % 2 == 0 {
        multipart = multipart.text("gdpr_processing_consent_given", "true");
    }
    let r = Client::new().post(format!("{}/api/v1/boards/{t}/jobs/{id}/applications", stack().worker.base)).multipart(multipart).send().unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().unwrap_or_default());
    let got: Vec<_> = stack().fake.applications().into_iter().filter(|a| a.board == t).collect();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].job_id, post, "delivered to the linked Greenhouse post");

    // Deleting a local job takes it off the board; Greenhouse jobs are closed in Greenhouse.
    let r = owner_call(Method::DELETE, org, &format!("/jobs/{}", local.key), None);
    assert_eq!(r.status(), 200);
    assert!(!ids(&listing(t)).contains(&id));
    let gh_key = org_jobs(org).jobs.iter().find(|j| j.key.starts_with("gh-")).unwrap().key.clone();
    assert_eq!(owner_call(Method::DELETE, org, &format!("/jobs/{gh_key}"), None).status(), 422);
}

#[test]
fn a_job_closed_in_greenhouse_leaves_after_the_web_hook_and_returns_with_its_fields() {
    let (org, t, secret) = ("close-org", "northwind--close", "hook-secret-close-0001");
    connect_board(org, t, Some(secret));
    let l = listing(t);
    let target = l.jobs[5].id;
    let key = org_jobs(org).jobs.iter().find(|j| j.id == Some(target)).unwrap().key.clone();
    let r = owner_call(Method::PATCH, org, &format!("/jobs/{key}"), Some(json!({"featured": true, "tags": ["Hot"]})));
    assert_eq!(r.status(), 200);
    let hook = json!({"hook": {"url": format!("{}/hooks/greenhouse/{org}", stack().worker.base), "secret": secret}});

    let r: Value = fake(&format!("/__fake/boards/{t}/jobs/{target}/close"), hook.clone()).json().unwrap();
    assert_eq!(r["hook_status"], 200, "{r}");
    assert!(!ids(&listing(t)).contains(&target), "closed: gone on the next read after the web hook");
    let closed = managed(org, &key);
    assert_eq!(closed.visibility, Visibility::Closed);
    assert!(closed.fields.featured, "its local fields are kept");
    assert!(!closed.title.is_empty());

    // Reopened within the web hook window: the trailing sync brings it back, with its fields.
    let r: Value = fake(&format!("/__fake/boards/{t}/jobs/{target}/reopen"), hook.clone()).json().unwrap();
    assert_eq!(r["hook_status"], 200, "{r}");
    eventually(30, "the reopened job is back", || ids(&listing(t)).contains(&target));
    let back = listing(t);
    assert_eq!(back.jobs[0].id, target, "featured again");
    assert_eq!(back.jobs[0].tags, ["Hot"]);

    // A description edit shows once its web hook's sync ran (at once, or when the window ends).
    let r: Value =
        fake(&format!("/__fake/boards/{t}/jobs/{target}"), json!({"content": "<p>Brand new description</p>", "hook": hook["hook"]})).json().unwrap();
    assert_eq!(r["hook_status"], 200, "{r}");
    eventually(30, "the new description", || job(t, target).json::<JobDetail>().unwrap().content_html.contains("Brand new description"));
    assert_eq!(listing(t).jobs[0].tags, ["Hot"], "local fields survive the edit");
}

/// Verifies one recorded delivery with the `standardwebhooks` npm package (Node).
fn verify_with_standardwebhooks(secret: &str, delivery: &Value) -> Result<Value, String> {
    let root = e2e::root();
    let script = r#"
const { Webhook } = require(process.argv[1]);
const [secret, headers, body] = [process.argv[2], JSON.parse(process.argv[3]), process.argv[4]];
try { console.log(JSON.stringify(new Webhook(secret).verify(body, headers))); } catch (e) { console.error(String(e)); process.exit(3); }
"#;
    let out = std::process::Command::new("node")
        .envs(xtask::tool_env())
        .arg("-e")
        .arg(script)
        .arg(root.join("node_modules/standardwebhooks"))
        .arg(secret)
        .arg(delivery["headers"].to_string())
        .arg(delivery["body"].as_str().unwrap_or_default())
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

fn deliveries(name: &str) -> Vec<Value> {
    let v: Value = Client::new().get(format!("{}/__fake/receiver/{name}", stack().fake_url)).send().unwrap().json().unwrap();
    v["deliveries"].as_array().cloned().unwrap_or_default()
}

#[test]
fn host_callbacks_arrive_in_order_are_retried_and_verify_with_standardwebhooks() {
    let (org, t) = ("events-org", "northwind--events");
    connect_board(org, t, None);
    let l = listing(t);
    let host = host_token(org, 600);
    // The host server reads the merged jobs with its own token.
    let r = call_with(Method::GET, org, "/jobs", Some(&host), None);
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<OrgJobs>().unwrap().jobs.len(), l.jobs.len());

    // Callbacks must be public https (the test stack allow-lists the fake on loopback).
    for bad in ["http://hooks.example/cb", "https://10.0.0.1/cb", "https://localhost/cb"] {
        assert_eq!(call_with(Method::PUT, org, "/callback", Some(&host), Some(json!({"url": bad}))).status(), 422, "{bad}");
    }
    let name = "events-org";
    let url = format!("{}/__fake/receiver/{name}", stack().fake_url);
    let r = call_with(Method::PUT, org, "/callback", Some(&host), Some(json!({"url": url})));
    assert_eq!(r.status(), 201, "{}", r.text().unwrap_or_default());
    let cb: Value = r.json().unwrap();
    let secret = cb["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    let again: Value = call_with(Method::GET, org, "/callback", Some(&host), None).json().unwrap();
    assert!(again.get("secret").is_none(), "the secret is shown once");

    // The receiver fails once: the first event is retried, and nothing overtakes it.
    fake(&format!("/__fake/receiver/{name}/script"), json!({"statuses": [500]}));
    let (a, b) = (l.jobs[0].id, l.jobs[1].id);
    let key_a = org_jobs(org).jobs.iter().find(|j| j.id == Some(a)).unwrap().key.clone();
    assert_eq!(owner_call(Method::PATCH, org, &format!("/jobs/{key_a}"), Some(json!({"tags": ["New"]}))).status(), 200);
    fake(&format!("/__fake/boards/{t}/jobs/{b}/close"), json!({}));
    owner_call(Method::POST, org, "/sync", None);
    fake(&format!("/__fake/boards/{t}/jobs/{b}/reopen"), json!({}));
    owner_call(Method::POST, org, "/sync", None);
    let created = owner_call(Method::POST, org, "/jobs", Some(json!({"title": "Local role"}))).json::<ManagedJob>().unwrap().id.unwrap();
    eventually(60, "four events delivered", || {
        stack().worker.run_cron();
        deliveries(name).iter().filter(|d| d["status"].as_u64().is_some_and(|s| s < 300)).count() >= 4
    });
    let all = deliveries(name);
    assert_eq!(all[0]["status"], 500, "the first attempt failed");
    let ok: Vec<&Value> = all.iter().filter(|d| d["status"].as_u64().is_some_and(|s| s < 300)).collect();
    assert_eq!(ok[0]["headers"]["webhook-id"], all[0]["headers"]["webhook-id"], "the same message again");
    let events: Vec<Value> = ok.iter().map(|d| verify_with_standardwebhooks(&secret, d).unwrap_or_else(|e| panic!("verifies: {e}"))).collect();
    let seen: Vec<(String, u64)> =
        events.iter().map(|e| (e["type"].as_str().unwrap().to_string(), e["data"]["job"]["id"].as_u64().unwrap())).collect();
    assert_eq!(
        seen,
        vec![("job.updated".to_string(), a), ("job.closed".to_string(), b), ("job.reopened".to_string(), b), ("job.created".to_string(), created)]
    );
    assert_eq!(events[0]["data"]["job"]["summary"]["tags"], json!(["New"]));
    // A forged body fails the same verifier.
    let mut forged = ok[0].clone();
    forged["body"] = Value::from(forged["body"].as_str().unwrap().replace("job.updated", "job.closed"));
    assert!(verify_with_standardwebhooks(&secret, &forged).is_err());

    // Rotation: both secrets sign for a while.
    let rotated: Value = call_with(Method::POST, org, "/callback/rotate", Some(&host), None).json().unwrap();
    let new_secret = rotated["secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, secret);
    assert!(rotated["previous_valid_until"].as_u64().is_some());
    assert_eq!(owner_call(Method::PATCH, org, &format!("/jobs/{key_a}"), Some(json!({"tags": ["Newer"]}))).status(), 200);
    eventually(30, "the next event", || {
        stack().worker.run_cron();
        deliveries(name).iter().filter(|d| d["status"].as_u64().is_some_and(|s| s < 300)).count() >= 5
    });
    let last = deliveries(name).into_iter().rfind(|d| d["status"].as_u64().is_some_and(|s| s < 300)).unwrap();
    assert!(verify_with_standardwebhooks(&new_secret, &last).is_ok(), "the new secret verifies");
    assert!(verify_with_standardwebhooks(&secret, &last).is_ok(), "and the old one, during the overlap");
    assert_eq!(call_with(Method::DELETE, org, "/callback", Some(&host), None).status(), 200);
}

#[test]
fn tokens_of_another_org_and_visitors_reach_none_of_the_new_routes() {
    let (org, t) = ("tenant-a", "northwind--tenant-a");
    connect_board(org, t, None);
    let other_host = host_token("tenant-b", 600);
    let other_owner = owner_token("tenant-b", "mallory", 600);
    let own_host = host_token(org, 600);
    let routes: [(Method, &str, Option<Value>); 11] = [
        (Method::GET, "/jobs", None),
        (Method::POST, "/jobs", Some(json!({"title": "x"}))),
        (Method::GET, "/jobs/greenhouse", None),
        (Method::POST, "/jobs/greenhouse/seen", None),
        (Method::PUT, "/jobs/import", Some(json!({"mode": "picker", "imported": []}))),
        (Method::PATCH, "/jobs/gh-4200000001", Some(json!({"featured": true}))),
        (Method::DELETE, "/jobs/local-1000000000000001", None),
        (Method::GET, "/callback", None),
        (Method::PUT, "/callback", Some(json!({"url": "https://hooks.example/cb"}))),
        (Method::POST, "/callback/rotate", None),
        (Method::DELETE, "/callback", None),
    ];
    let before = ids(&listing(t));
    for (m, path, body) in &routes {
        for token in [&other_host, &other_owner] {
            let r = call_with(m.clone(), org, path, Some(token), body.clone());
            assert_eq!(r.status(), 403, "{m} {path}");
        }
        assert_eq!(call_with(m.clone(), org, path, None, body.clone()).status(), 401, "visitors: {m} {path}");
    }
    // The host server's own token reads jobs and manages its callback, but edits nothing.
    for (m, path, body) in routes.iter().filter(|(m, p, _)| !(p.starts_with("/callback") || (*m == Method::GET && *p == "/jobs"))) {
        let r = call_with(m.clone(), org, path, Some(&own_host), body.clone());
        assert_eq!(r.status(), 403, "a host token cannot {m} {path}");
    }
    assert_eq!(call_with(Method::GET, org, "/connection", Some(&own_host), None).status(), 403, "nor the connection");
    assert_eq!(ids(&listing(t)), before, "nothing changed");
}
