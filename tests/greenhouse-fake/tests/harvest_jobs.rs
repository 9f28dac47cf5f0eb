//! The Harvest job model, the job control routes with their web hooks, the host callback
//! receiver and the credentials list, over HTTP against a fake started in-process.

use greenhouse_fake::harvest::{RESOURCES, V1_FULL, V1_PARTIAL, V3_FULL, V3_PARTIAL, V3_USER};
use greenhouse_fake::lite::{self, Reply};
use greenhouse_fake::seed::{self, DEMO_BOARD};
use greenhouse_fake::{sign_webhook, Running};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// A fake of its own, with Harvest's rate limit out of the way (its own tests are elsewhere).
async fn fake() -> Running {
    let f = greenhouse_fake::start(0).await.expect("fake starts");
    f.fake.0.lock().unwrap().harvest.limit = Some(100_000);
    f
}

/// The `rel="next"` target of a `Link` header.
fn next(r: &Reply) -> Option<String> {
    r.header("link")?.split(',').find(|l| l.contains("rel=\"next\"")).and_then(|l| Some(l.split_once('<')?.1.split_once('>')?.0.to_string()))
}

/// Every item of a v1 list, following `Link: rel="next"`; also the number of pages.
async fn v1_all(f: &Running, first: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut url) = (Vec::new(), 0, first.to_string());
    loop {
        let r = lite::get_basic(&format!("{}{url}", f.base_url()), V1_FULL).await.unwrap();
        assert_eq!(r.status, 200, "{url}: {}", r.text());
        items.extend(r.json().as_array().cloned().unwrap());
        pages += 1;
        match next(&r) {
            Some(n) => url = n,
            None => return (items, pages),
        }
    }
}

async fn v3_token(f: &Running, client: (&str, &str)) -> String {
    use base64::Engine;
    let auth = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", client.0, client.1)));
    let body = format!("grant_type=client_credentials&sub={V3_USER}");
    let r = lite::request(
        "POST",
        &format!("{}/token", f.base_url()),
        &[("Authorization", &auth), ("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
    .await
    .unwrap();
    r.json()["access_token"].as_str().expect("a token").to_string()
}

/// Every item of a v3 list, following cursors; also the number of pages.
async fn v3_all(f: &Running, token: &str, first: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut url) = (Vec::new(), 0, first.to_string());
    loop {
        let r = lite::get_bearer(&format!("{}{url}", f.base_url()), token).await.unwrap();
        assert_eq!(r.status, 200, "{url}: {}", r.text());
        items.extend(r.json().as_array().cloned().unwrap());
        pages += 1;
        match next(&r) {
            Some(n) => {
                assert!(!n.contains('&') && n.contains("?cursor="), "a cursor is the only parameter: {n}");
                url = n;
            }
            None => return (items, pages),
        }
    }
}

fn ids(items: &[Value]) -> Vec<u64> {
    items.iter().map(|i| i["id"].as_u64().expect("an id")).collect()
}

/// Asserts every id appears once and returns them as a set.
fn once(items: &[Value]) -> BTreeSet<u64> {
    let ids = ids(items);
    let set: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(set.len(), ids.len(), "no item twice");
    set
}

async fn board_jobs(f: &Running, token: &str) -> Vec<Value> {
    let r = lite::get(&format!("{}/v1/boards/{token}/jobs?content=true", f.base_url())).await.unwrap();
    r.json()["jobs"].as_array().cloned().unwrap()
}

async fn harvest_job(f: &Running, id: u64) -> Value {
    lite::get_basic(&format!("{}/v1/jobs/{id}", f.base_url()), V1_FULL).await.unwrap().json()
}

async fn harvest_post(f: &Running, id: u64) -> Value {
    lite::get_basic(&format!("{}/v1/job_posts/{id}", f.base_url()), V1_FULL).await.unwrap().json()
}

async fn control(f: &Running, path: &str, body: Value) -> Reply {
    lite::post_json(&format!("{}{path}", f.base_url()), &body).await.unwrap()
}

/// The first demo board job with a Harvest job: (board post id, Harvest job id).
fn first_board_job() -> (u64, u64) {
    let j = &seed::northwind().jobs[0];
    (j["id"].as_u64().unwrap(), j["internal_job_id"].as_u64().unwrap())
}

#[tokio::test]
async fn harvest_has_at_least_70_jobs_of_every_kind() {
    let f = fake().await;
    let (jobs, _) = v1_all(&f, "/v1/jobs?per_page=500").await;
    assert!(jobs.len() >= 70, "{} jobs", jobs.len());
    let (posts, _) = v1_all(&f, "/v1/job_posts?per_page=500").await;
    let status = |s: &str| jobs.iter().filter(|j| j["status"] == s).count();
    assert!(status("open") >= 43 && status("closed") >= 5 && status("draft") >= 3, "{} {} {}", status("open"), status("closed"), status("draft"));
    let posts_of = |id: &Value| posts.iter().filter(|p| &p["job_id"] == id).cloned().collect::<Vec<_>>();
    // Every kind of job the brief asks for exists.
    assert!(jobs.iter().any(|j| j["status"] == "draft" && posts_of(&j["id"]).is_empty()));
    assert!(jobs.iter().any(|j| j["status"] == "open" && posts_of(&j["id"]).iter().all(|p| p["internal"] == true && p["live"] == true)));
    assert!(jobs.iter().any(|j| j["status"] == "open" && posts_of(&j["id"]).iter().any(|p| p["external"] == true && p["live"] == false)));
    assert!(jobs.iter().any(|j| j["status"] == "closed" && posts_of(&j["id"]).iter().all(|p| p["live"] == false)));
    // The v1 job shape.
    let j = &jobs[0];
    for key in [
        "id",
        "name",
        "requisition_id",
        "notes",
        "confidential",
        "status",
        "created_at",
        "opened_at",
        "closed_at",
        "updated_at",
        "is_template",
        "departments",
        "offices",
        "openings",
        "hiring_team",
        "custom_fields",
    ] {
        assert!(j.get(key).is_some(), "job lacks {key}");
    }
    assert!(["id", "name", "parent_id", "child_ids", "external_id"].iter().all(|k| j["departments"][0].get(k).is_some()));
    assert!(j["offices"][0]["location"]["name"].is_string());
    assert!(jobs.iter().all(|j| (1..=3).contains(&j["openings"].as_array().unwrap().len())));
    assert!(jobs.iter().any(|j| j["openings"].as_array().unwrap().iter().any(|o| o["status"] == "closed" && o["close_reason"]["name"].is_string())));
}

#[tokio::test]
async fn the_demo_board_is_exactly_the_open_jobs_external_live_posts() {
    let f = fake().await;
    let (jobs, _) = v1_all(&f, "/v1/jobs?status=open").await;
    assert!(jobs.iter().all(|j| j["status"] == "open"));
    let open: BTreeSet<u64> = ids(&jobs).into_iter().collect();
    let (live, _) = v1_all(&f, "/v1/job_posts?live=true&internal=false").await;
    let on_harvest: BTreeSet<u64> =
        live.iter().filter(|p| open.contains(&p["job_id"].as_u64().unwrap())).map(|p| p["id"].as_u64().unwrap()).collect();
    let board = board_jobs(&f, DEMO_BOARD).await;
    let on_board: BTreeSet<u64> = board.iter().filter(|j| !j["internal_job_id"].is_null()).map(|j| j["id"].as_u64().unwrap()).collect();
    assert_eq!(on_harvest, on_board);
    for j in board.iter().filter(|j| !j["internal_job_id"].is_null()) {
        let post = harvest_post(&f, j["id"].as_u64().unwrap()).await;
        assert_eq!(post["job_id"], j["internal_job_id"]);
        assert_eq!(post["title"], j["title"]);
        assert_eq!(seed::escape_html(post["content"].as_str().unwrap()), j["content"].as_str().unwrap(), "Harvest holds the raw HTML");
    }
}

#[tokio::test]
async fn v1_link_pages_cover_every_job_exactly_once() {
    let f = fake().await;
    let (all, _) = v1_all(&f, "/v1/jobs?per_page=500").await;
    let (paged, pages) = v1_all(&f, "/v1/jobs?per_page=25").await;
    assert_eq!(pages, all.len().div_ceil(25));
    assert_eq!(once(&paged), once(&all));
    // `last` is there; the final page has no `next`.
    let r = lite::get_basic(&format!("{}/v1/jobs?per_page=25", f.base_url()), V1_FULL).await.unwrap();
    assert!(r.header("link").unwrap().contains(&format!("page={pages}&per_page=25>; rel=\"last\"")));
    assert_eq!(r.header("x-ratelimit-limit"), Some("50"));
}

#[tokio::test]
async fn v3_cursor_pages_cover_every_job_post_and_opening_exactly_once() {
    let f = fake().await;
    let token = v3_token(&f, V3_FULL).await;
    let (v1_jobs, _) = v1_all(&f, "/v1/jobs?per_page=500").await;
    let (jobs, pages) = v3_all(&f, &token, "/v3/jobs?per_page=25").await;
    assert_eq!(pages, v1_jobs.len().div_ceil(25), "the cursor keeps the first request's page size");
    assert_eq!(once(&jobs), once(&v1_jobs));
    assert!(jobs.iter().all(|j| j.get("openings").is_none() && j.get("hiring_team").is_none()), "v3 embeds no children");
    assert_eq!(jobs[0]["departments"][0].as_object().unwrap().len(), 2, "v3 departments are {{id, name}}");
    let (v1_posts, _) = v1_all(&f, "/v1/job_posts?per_page=500").await;
    let (posts, _) = v3_all(&f, &token, "/v3/job_posts?per_page=25").await;
    assert_eq!(once(&posts), once(&v1_posts));
    assert!(posts[0]["location"].get("id").is_none() && posts[0]["location"]["name"].is_string());
    let (openings, _) = v3_all(&f, &token, "/v3/openings?per_page=25").await;
    let embedded: Vec<Value> = v1_jobs.iter().flat_map(|j| j["openings"].as_array().cloned().unwrap()).collect();
    assert_eq!(once(&openings), once(&embedded));
    assert!(openings.iter().all(|o| o["job_id"].is_u64() && (o["status"] == "open" || o["status"] == "closed")));

    // The last page has no `next` at all.
    let r = lite::get_bearer(&format!("{}/v3/jobs?per_page=500", f.base_url()), &token).await.unwrap();
    assert_eq!(r.header("link"), None);
    // A cursor must be the only parameter, and must be one this fake issued for the resource.
    let first = lite::get_bearer(&format!("{}/v3/jobs?per_page=25", f.base_url()), &token).await.unwrap();
    let cursor_url = next(&first).unwrap();
    let r = lite::get_bearer(&format!("{}{cursor_url}&per_page=10", f.base_url()), &token).await.unwrap();
    assert_eq!(r.status, 400);
    let r = lite::get_bearer(&format!("{}{}", f.base_url(), cursor_url.replace("/v3/jobs", "/v3/job_posts")), &token).await.unwrap();
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn job_post_filters() {
    let f = fake().await;
    let (all, _) = v1_all(&f, "/v1/job_posts?per_page=500").await;
    let (live, _) = v1_all(&f, "/v1/job_posts?live=true&per_page=10").await;
    assert_eq!(live.len(), all.iter().filter(|p| p["live"] == true).count(), "the filter survives paging");
    assert!(live.iter().all(|p| p["live"] == true));
    let (offline, _) = v1_all(&f, "/v1/job_posts?live=false").await;
    assert!(!offline.is_empty() && offline.iter().all(|p| p["live"] == false));
    assert_eq!(live.len() + offline.len(), all.len());
    let (internal, _) = v1_all(&f, "/v1/job_posts?internal=true").await;
    assert!(!internal.is_empty() && internal.iter().all(|p| p["internal"] == true && p["external"] == false));
    let (external_live, _) = v1_all(&f, "/v1/job_posts?internal=false&live=true").await;
    let with_job = seed::northwind().jobs.iter().filter(|j| !j["internal_job_id"].is_null()).count();
    assert_eq!(external_live.len(), with_job);
    let (inactive, _) = v1_all(&f, "/v1/job_posts?active=false").await;
    assert!(inactive.is_empty(), "no post is deleted");
    let p = &all[0];
    for key in [
        "id",
        "title",
        "location",
        "internal",
        "external",
        "active",
        "live",
        "first_published_at",
        "job_id",
        "content",
        "internal_content",
        "updated_at",
        "created_at",
        "demographic_question_set_id",
        "questions",
    ] {
        assert!(p.get(key).is_some(), "post lacks {key}");
    }
    assert!(p["location"]["id"].is_u64() && p["location"]["name"].is_string());

    // One job's posts, and its openings.
    let (_, job) = first_board_job();
    let (posts, _) = v1_all(&f, &format!("/v1/jobs/{job}/job_posts")).await;
    assert!(!posts.is_empty() && posts.iter().all(|p| p["job_id"] == job));
    let (openings, _) = v1_all(&f, &format!("/v1/jobs/{job}/openings")).await;
    assert_eq!(
        json!(openings.iter().map(|o| o["id"].clone()).collect::<Vec<_>>()),
        json!(harvest_job(&f, job).await["openings"].as_array().unwrap().iter().map(|o| o["id"].clone()).collect::<Vec<_>>())
    );
    let r = lite::get_basic(&format!("{}/v1/jobs/1/job_posts", f.base_url()), V1_FULL).await.unwrap();
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn permissions_and_every_probed_resource_still_answer() {
    let f = fake().await;
    for r in RESOURCES.iter().filter(|r| **r != "openings") {
        let reply = lite::get_basic(&format!("{}/v1/{r}?per_page=1", f.base_url()), V1_FULL).await.unwrap();
        assert_eq!(reply.status, 200, "v1 {r}");
    }
    let (_, job) = first_board_job();
    assert_eq!(lite::get_basic(&format!("{}/v1/jobs/{job}/openings", f.base_url()), V1_FULL).await.unwrap().status, 200);
    assert_eq!(lite::get_basic(&format!("{}/v1/job_posts", f.base_url()), V1_PARTIAL).await.unwrap().status, 403);
    assert_eq!(lite::get_basic(&format!("{}/v1/jobs/{job}/job_posts", f.base_url()), V1_PARTIAL).await.unwrap().status, 403);
    assert_eq!(lite::get_basic(&format!("{}/v1/jobs/{job}/openings", f.base_url()), V1_PARTIAL).await.unwrap().status, 403);
    assert_eq!(lite::get_basic(&format!("{}/v1/jobs", f.base_url()), V1_PARTIAL).await.unwrap().status, 200);
    let full = v3_token(&f, V3_FULL).await;
    for r in RESOURCES {
        assert_eq!(lite::get_bearer(&format!("{}/v3/{r}?per_page=1", f.base_url()), &full).await.unwrap().status, 200, "v3 {r}");
    }
    let partial = v3_token(&f, V3_PARTIAL).await;
    assert_eq!(lite::get_bearer(&format!("{}/v3/openings", f.base_url()), &partial).await.unwrap().status, 403);
    assert_eq!(lite::get_bearer(&format!("{}/v3/job_posts", f.base_url()), &partial).await.unwrap().status, 200);
    // The EU copy serves the same model.
    assert_eq!(lite::get_basic(&format!("{}/eu/v1/jobs/{job}", f.base_url()), V1_FULL).await.unwrap().json()["id"], job);
}

#[tokio::test]
async fn close_takes_the_job_off_the_board_and_reopen_brings_it_back_identical() {
    let f = fake().await;
    let t = format!("{DEMO_BOARD}--close");
    let (post, job) = first_board_job();
    let before = lite::get(&format!("{}/v1/boards/{t}/jobs?content=true", f.base_url())).await.unwrap().text();
    let r = control(&f, &format!("/__fake/boards/{t}/jobs/{post}/close"), Value::Null).await;
    assert_eq!(r.status, 204);
    let on_board = board_jobs(&f, &t).await;
    assert!(on_board.iter().all(|j| j["id"] != post));
    assert!(board_jobs(&f, DEMO_BOARD).await.iter().any(|j| j["id"] == post), "other tokens keep their board");
    let h = harvest_job(&f, job).await;
    assert_eq!(h["status"], "closed");
    assert!(h["closed_at"].is_string());
    assert!(h["openings"].as_array().unwrap().iter().all(|o| o["status"] == "closed"));
    assert_eq!(harvest_post(&f, post).await["live"], false);
    assert_eq!(lite::get(&format!("{}/v1/boards/{t}/jobs/{post}", f.base_url())).await.unwrap().status, 404);

    let r = lite::request("POST", &format!("{}/__fake/boards/{t}/jobs/{post}/reopen", f.base_url()), &[], b"").await.unwrap();
    assert_eq!(r.status, 204, "no body at all is fine too");
    let after = lite::get(&format!("{}/v1/boards/{t}/jobs?content=true", f.base_url())).await.unwrap().text();
    assert_eq!(after, before, "back exactly as it was, in its place");
    let h = harvest_job(&f, job).await;
    assert_eq!(h["status"], "open");
    assert!(h["closed_at"].is_null());
    let seeded = greenhouse_fake::model::Model::build(&seed::northwind());
    assert_eq!(h["openings"], seeded.job(job).unwrap().v1()["openings"], "the openings as they were");
    assert_eq!(harvest_post(&f, post).await["live"], true);
}

#[tokio::test]
async fn unpublish_leaves_the_job_open_with_its_post_offline() {
    let f = fake().await;
    let t = format!("{DEMO_BOARD}--unpublish");
    let (post, job) = first_board_job();
    assert_eq!(control(&f, &format!("/__fake/boards/{t}/jobs/{post}/unpublish"), json!({})).await.status, 204);
    assert!(board_jobs(&f, &t).await.iter().all(|j| j["id"] != post));
    assert_eq!(harvest_job(&f, job).await["status"], "open");
    assert_eq!(harvest_post(&f, post).await["live"], false);
    let (offline, _) = v1_all(&f, "/v1/job_posts?live=false&internal=false").await;
    assert!(offline.iter().any(|p| p["id"] == post));
    // Reopen republishes.
    assert_eq!(control(&f, &format!("/__fake/boards/{t}/jobs/{post}/reopen"), json!({})).await.status, 204);
    assert!(board_jobs(&f, &t).await.iter().any(|j| j["id"] == post));
    assert_eq!(harvest_post(&f, post).await["live"], true);
}

#[tokio::test]
async fn edit_stores_content_entity_escaped_and_bumps_updated_at() {
    let f = fake().await;
    let t = format!("{DEMO_BOARD}--edit");
    let (post, job) = first_board_job();
    let html = "<p>New & improved <strong>role</strong></p>";
    let r = control(&f, &format!("/__fake/boards/{t}/jobs/{post}"), json!({"title": "Principal Backend Engineer", "content": html})).await;
    assert_eq!(r.status, 204);
    let j = board_jobs(&f, &t).await.into_iter().find(|j| j["id"] == post).unwrap();
    assert_eq!(j["content"], "&lt;p&gt;New &amp; improved &lt;strong&gt;role&lt;/strong&gt;&lt;/p&gt;");
    assert_eq!(j["title"], "Principal Backend Engineer");
    let seeded_updated = seed::northwind().jobs[0]["updated_at"].clone();
    assert_ne!(j["updated_at"], seeded_updated);
    assert!(j["updated_at"].as_str().unwrap() > "2026-", "the current time: {}", j["updated_at"]);
    let single = lite::get(&format!("{}/v1/boards/{t}/jobs/{post}", f.base_url())).await.unwrap().json();
    assert_eq!(single["content"], j["content"]);
    let p = harvest_post(&f, post).await;
    assert_eq!(p["content"], html, "Harvest holds it raw");
    assert_eq!(p["title"], "Principal Backend Engineer");
    assert_eq!(harvest_job(&f, job).await["name"], "Principal Backend Engineer");
}

#[tokio::test]
async fn unknown_boards_and_jobs_are_404() {
    let f = fake().await;
    let (post, _) = first_board_job();
    for action in ["close", "unpublish", "reopen"] {
        assert_eq!(control(&f, &format!("/__fake/boards/nosuchboard/jobs/{post}/{action}"), json!({})).await.status, 404);
        assert_eq!(control(&f, &format!("/__fake/boards/{DEMO_BOARD}--x/jobs/123/{action}"), json!({})).await.status, 404);
    }
    assert_eq!(control(&f, &format!("/__fake/boards/{DEMO_BOARD}--x/jobs/123"), json!({"title": "x"})).await.status, 404);
    assert_eq!(control(&f, "/__fake/boards/nosuchboard/jobs/1", json!({"title": "x"})).await.status, 404);
    // Reopening a job that is on the board is harmless.
    assert_eq!(control(&f, &format!("/__fake/boards/{DEMO_BOARD}--x/jobs/{post}/reopen"), json!({})).await.status, 204);
}

#[tokio::test]
async fn the_receiver_answers_its_script_and_records_every_delivery() {
    let f = fake().await;
    let url = format!("{}/__fake/receiver/host-a", f.base_url());
    assert_eq!(control(&f, "/__fake/receiver/host-a/script", json!({"statuses": [500, 500]})).await.status, 204);
    let mut statuses = Vec::new();
    for i in 0..3 {
        let headers = [
            ("Content-Type", "application/json"),
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", "1795453200"),
            ("webhook-signature", "v1,c2lnbmF0dXJl"),
            ("X-Attempt", if i == 0 { "1" } else { "n" }),
        ];
        statuses.push(lite::request("POST", &url, &headers, format!("{{\"attempt\":{i}}}").as_bytes()).await.unwrap().status);
    }
    assert_eq!(statuses, [500, 500, 204]);
    let d = lite::get(&url).await.unwrap().json();
    let d = d["deliveries"].as_array().unwrap();
    assert_eq!(d.len(), 3);
    assert_eq!(d.iter().map(|x| x["status"].as_u64().unwrap()).collect::<Vec<_>>(), [500, 500, 204]);
    assert_eq!(d[1]["body"], "{\"attempt\":1}");
    assert_eq!(d[0]["method"], "POST");
    assert_eq!(d[0]["path"], "/__fake/receiver/host-a");
    let h = &d[0]["headers"];
    assert_eq!(h["webhook-id"], "msg_1");
    assert_eq!(h["webhook-timestamp"], "1795453200");
    assert_eq!(h["webhook-signature"], "v1,c2lnbmF0dXJl");
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(h["x-attempt"], "1");
    assert!(d[0]["at_ms"].as_u64().unwrap() <= d[2]["at_ms"].as_u64().unwrap());
    // A path below the name is recorded under the name.
    assert_eq!(control(&f, "/__fake/receiver/host-c/hooks/job?x=1", json!({"a": 1})).await.status, 204);
    let c = lite::get(&format!("{}/__fake/receiver/host-c", f.base_url())).await.unwrap().json();
    assert_eq!((c["deliveries"][0]["path"].clone(), c["deliveries"][0]["query"].clone()), (json!("/__fake/receiver/host-c/hooks/job"), json!("x=1")));
    // Other receivers are separate; reset forgets them all.
    assert_eq!(lite::get(&format!("{}/__fake/receiver/host-b", f.base_url())).await.unwrap().json(), json!({"deliveries": []}));
    assert_eq!(control(&f, "/__fake/receiver/host-a/script", json!({"statuses": [99]})).await.status, 400);
    assert_eq!(control(&f, "/__fake/reset", json!({})).await.status, 204);
    assert_eq!(lite::get(&url).await.unwrap().json(), json!({"deliveries": []}));
}

/// The one delivery a receiver got, and its parsed body.
async fn only_delivery(f: &Running, name: &str) -> (Value, Value) {
    let d = lite::get(&format!("{}/__fake/receiver/{name}", f.base_url())).await.unwrap().json();
    let d = d["deliveries"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    let body: Value = serde_json::from_str(d[0]["body"].as_str().unwrap()).unwrap();
    (d[0].clone(), body)
}

fn assert_signed(delivery: &Value, secret: &str) {
    let raw = delivery["body"].as_str().unwrap();
    assert_eq!(delivery["headers"]["signature"], format!("sha256 {}", sign_webhook(secret, raw.as_bytes())));
    assert_eq!(delivery["headers"]["content-type"], "application/json");
    assert!(delivery["headers"]["greenhouse-event-id"].as_str().is_some_and(|e| !e.is_empty()));
}

#[tokio::test]
async fn job_changes_send_signed_greenhouse_web_hooks() {
    let f = fake().await;
    let t = format!("{DEMO_BOARD}--hooks");
    let (post, job) = first_board_job();
    let secret = "s3cret";
    let hook = |name: &str| json!({"hook": {"url": format!("{}/__fake/receiver/{name}", f.base_url()), "secret": secret}});

    // Close: job_updated with the Harvest v1 job.
    let r = control(&f, &format!("/__fake/boards/{t}/jobs/{post}/close"), hook("close")).await;
    assert_eq!((r.status, r.json()), (200, json!({"hook_status": 204})));
    let (d, body) = only_delivery(&f, "close").await;
    assert_signed(&d, secret);
    assert_eq!(body["action"], "job_updated");
    assert_eq!(body["payload"]["job"], harvest_job(&f, job).await);
    assert_eq!(body["payload"]["job"]["status"], "closed");

    // Reopen: job_updated, open again.
    control(&f, "/__fake/receiver/reopen/script", json!({"statuses": [503]})).await;
    let r = control(&f, &format!("/__fake/boards/{t}/jobs/{post}/reopen"), hook("reopen")).await;
    assert_eq!(r.json(), json!({"hook_status": 503}), "the receiver's status is passed on");
    let (d2, body) = only_delivery(&f, "reopen").await;
    assert_signed(&d2, secret);
    assert_eq!((body["action"].clone(), body["payload"]["job"]["status"].clone()), (json!("job_updated"), json!("open")));
    assert_ne!(d["headers"]["greenhouse-event-id"], d2["headers"]["greenhouse-event-id"], "a fresh event id per delivery");

    // Unpublish: job_post_updated with the flat post.
    control(&f, &format!("/__fake/boards/{t}/jobs/{post}/unpublish"), hook("unpublish")).await;
    let (d, body) = only_delivery(&f, "unpublish").await;
    assert_signed(&d, secret);
    assert_eq!(body["action"], "job_post_updated");
    let p = &body["payload"];
    assert_eq!(
        (p["id"].as_u64(), p["job_id"].as_u64(), p["live"].clone(), p["external"].clone()),
        (Some(post), Some(job), json!(false), json!(true))
    );
    assert!(p["location"].is_string(), "the web hook's location is a string");

    // Edit: job_updated.
    control(&f, &format!("/__fake/boards/{t}/jobs/{post}"), json!({"title": "Renamed", "hook": hook("edit")["hook"]})).await;
    let (_, body) = only_delivery(&f, "edit").await;
    assert_eq!((body["action"].clone(), body["payload"]["job"]["name"].clone()), (json!("job_updated"), json!("Renamed")));

    // A prospect post (no Harvest job) sends job_post_updated with a null job_id.
    let prospect = seed::northwind().jobs.iter().find(|j| j["internal_job_id"].is_null()).unwrap()["id"].as_u64().unwrap();
    control(&f, &format!("/__fake/boards/{t}/jobs/{prospect}/close"), hook("prospect")).await;
    let (_, body) = only_delivery(&f, "prospect").await;
    assert_eq!(
        (body["action"].clone(), body["payload"]["job_id"].clone(), body["payload"]["live"].clone()),
        (json!("job_post_updated"), Value::Null, json!(false))
    );

    // The free-form sender signs the same way.
    let send =
        json!({"url": format!("{}/__fake/receiver/free", f.base_url()), "secret": secret, "action": "ping", "event_id": "evt-1", "payload": {}});
    assert_eq!(control(&f, "/__fake/webhooks/send", send).await.json(), json!({"status": 204}));
    let (d, body) = only_delivery(&f, "free").await;
    assert_signed(&d, secret);
    assert_eq!((body["action"].clone(), d["headers"]["greenhouse-event-id"].clone()), (json!("ping"), json!("evt-1")));

    // A receiver that is not there: 502, and the change is made all the same.
    let r = control(&f, &format!("/__fake/boards/{t}/jobs/{post}/close"), json!({"hook": {"url": "http://127.0.0.1:1/x", "secret": "s"}})).await;
    assert_eq!(r.status, 502);
    assert_eq!(harvest_job(&f, job).await["status"], "closed");
}

#[tokio::test]
async fn reset_puts_back_the_boards_and_harvest() {
    let f = fake().await;
    let (post, job) = first_board_job();
    control(&f, &format!("/__fake/boards/{DEMO_BOARD}/jobs/{post}/close"), json!({})).await;
    assert_eq!(harvest_job(&f, job).await["status"], "closed");
    assert_eq!(control(&f, "/__fake/reset", json!({})).await.status, 204);
    assert_eq!(harvest_job(&f, job).await["status"], "open");
    assert!(board_jobs(&f, DEMO_BOARD).await.iter().any(|j| j["id"] == post));
}

#[tokio::test]
async fn credentials_lists_what_the_fake_accepts() {
    let f = fake().await;
    let c = lite::get(&format!("{}/__fake/credentials", f.base_url())).await.unwrap().json();
    let boards = c["job_board"]["boards"].as_array().unwrap();
    assert!(boards.iter().any(|b| b["board_token"] == DEMO_BOARD && b["api_key"] == seed::job_board_api_key(DEMO_BOARD)));
    assert_eq!(c["harvest_v1"][0]["api_key"], V1_FULL);
    assert_eq!(c["harvest_v1"][1]["grants"], json!(greenhouse_fake::harvest::V1_PARTIAL_GRANTS));
    assert_eq!(c["harvest_v3"][0]["client_secret"], V3_FULL.1);
    assert_eq!(c["harvest_v3"][1]["user_id"], V3_USER);
    assert_eq!(c["ingestion"]["on_behalf_of"], greenhouse_fake::harvest::INGESTION_EMAIL);
    assert_eq!(c["turnstile"]["pass_token"], greenhouse_fake::routes::TURNSTILE_PASS);
}
