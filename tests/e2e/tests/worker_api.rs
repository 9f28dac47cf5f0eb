//! The real worker under `wrangler dev` (workerd) in front of the Greenhouse fake.

use e2e::{board, stack, Fault, Worker, FRESH_SECONDS};
use reqwest::blocking::{Client, Response};
use serde_json::Value;
use shared::api::{BoardListing, DepartmentList, ErrorBody, JobDetail, OfficeList};
use std::time::Duration;

fn get(path: &str) -> Response {
    get_with(path, &[])
}

fn get_with(path: &str, headers: &[(&str, &str)]) -> Response {
    let mut req = Client::new().get(format!("{}{path}", stack().worker.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().expect("worker answers")
}

fn header(r: &Response, name: &str) -> String {
    r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

fn jobs_calls(token: &str) -> u64 {
    stack().fake.calls(&format!("/v1/boards/{token}/jobs"))
}

#[test]
fn list_serves_every_seeded_job_with_departments_and_offices() {
    let t = board("northwind", "list");
    let r = get(&format!("/api/v1/boards/{t}/jobs"));
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "access-control-allow-origin"), "*", "embedding sites may read it");
    assert!(header(&r, "cache-control").contains("max-age="));
    assert!(header(&r, "content-type").starts_with("application/json"));
    let l: BoardListing = r.json().unwrap();
    assert_eq!(l.board.name, "Northwind Robotics");
    assert_eq!(l.jobs.len(), 44);
    assert!(l.jobs.iter().all(|j| j.id >= 1_000_000_000), "10-digit ids");
    assert!(l.jobs.iter().any(|j| j.title == "ロボティクスエンジニア (Robotics Engineer)"));
    assert!(l.jobs.iter().any(|j| j.office_ids.len() == 3), "multi-office job");
    let platform = l.departments.iter().find(|d| d.name == "Platform").unwrap();
    let engineering = l.departments.iter().find(|d| d.name == "Engineering").unwrap();
    assert_eq!(platform.parent_id, Some(engineering.id), "nested departments");
    assert!(engineering.child_ids.contains(&platform.id));
    assert!(l.offices.iter().any(|o| o.name == "Zürich" && o.parent_id.is_some()), "nested offices");
}

#[test]
fn one_job_has_its_sanitised_description() {
    let t = board("northwind", "job");
    let l: BoardListing = get(&format!("/api/v1/boards/{t}/jobs")).json().unwrap();
    let job = l.jobs.iter().find(|j| j.title == "Site Reliability Engineer").unwrap();
    let r = get(&format!("/api/v1/boards/{t}/jobs/{}", job.id));
    assert_eq!(r.status(), 200);
    let d: JobDetail = r.json().unwrap();
    assert_eq!(d.job.id, job.id);
    assert!(d.content_html.contains("<h3>About the role</h3>"), "{}", d.content_html);
    assert!(d.content_html.contains("Site Reliability Engineer"));
    assert!(!d.content_html.contains("&lt;"), "entities decoded once");
    assert_eq!(d.offices.len(), 2);
}

#[test]
fn departments_and_offices_routes_list_the_tree() {
    let t = board("northwind", "trees");
    let d: DepartmentList = get(&format!("/api/v1/boards/{t}/departments")).json().unwrap();
    assert_eq!(d.departments.len(), 13);
    let o: OfficeList = get(&format!("/api/v1/boards/{t}/offices")).json().unwrap();
    assert_eq!(o.offices.len(), 13);
}

#[test]
fn unknown_board_and_job_are_clear_404s() {
    let r = get("/api/v1/boards/no-such-board/jobs");
    assert_eq!(r.status(), 404);
    let e: ErrorBody = r.json().unwrap();
    assert_eq!(e.error.code, "board_not_found");
    assert!(e.error.message.contains("no-such-board"));

    let t = board("northwind", "missing-job");
    let r = get(&format!("/api/v1/boards/{t}/jobs/1234"));
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<ErrorBody>().unwrap().error.code, "job_not_found");
    let r = get(&format!("/api/v1/boards/{t}/jobs/not-a-number"));
    assert_eq!(r.status(), 404);

    let r = get("/api/v1/boards/bad%20token/jobs");
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<ErrorBody>().unwrap().error.code, "bad_request");
    let r = get("/api/v1/elsewhere");
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<ErrorBody>().unwrap().error.code, "not_found");
}

#[test]
fn upstream_down_is_a_clear_502() {
    let t = board("northwind", "down");
    stack().fake.set_fault(&t, Fault::Down);
    let r = get(&format!("/api/v1/boards/{t}/jobs"));
    assert_eq!(r.status(), 502);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let e: ErrorBody = r.json().unwrap();
    assert_eq!(e.error.code, "upstream_unavailable");
}

#[test]
fn upstream_hanging_is_cut_off_by_the_timeout() {
    let t = board("northwind", "hang");
    stack().fake.set_fault(&t, Fault::Hang);
    let started = std::time::Instant::now();
    let r = get(&format!("/api/v1/boards/{t}/jobs"));
    assert_eq!(r.status(), 502);
    assert!(started.elapsed() < Duration::from_secs(10), "bounded by UPSTREAM_TIMEOUT_MS");
}

#[test]
fn malformed_upstream_json_is_a_502_not_a_panic() {
    let t = board("northwind", "malformed");
    stack().fake.set_fault(&t, Fault::Malformed);
    let r = get(&format!("/api/v1/boards/{t}/jobs"));
    assert_eq!(r.status(), 502);
    assert_eq!(r.json::<ErrorBody>().unwrap().error.code, "upstream_unavailable");
}

#[test]
fn etag_revalidation_answers_304_without_a_body() {
    let t = board("northwind", "etag");
    let first = get(&format!("/api/v1/boards/{t}/jobs"));
    let etag = header(&first, "etag");
    assert!(etag.starts_with('"'), "strong etag: {etag}");
    let again = get_with(&format!("/api/v1/boards/{t}/jobs"), &[("If-None-Match", &etag)]);
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "etag"), etag);
    assert!(again.bytes().unwrap().is_empty());
    let other = get_with(&format!("/api/v1/boards/{t}/jobs"), &[("If-None-Match", "\"something-else\"")]);
    assert_eq!(other.status(), 200);
}

#[test]
fn second_read_is_served_from_cache_without_calling_greenhouse() {
    let t = board("northwind", "cache");
    let first = get(&format!("/api/v1/boards/{t}/jobs"));
    assert_eq!(header(&first, "x-cache"), "MISS");
    let body1 = first.text().unwrap();
    assert_eq!(jobs_calls(&t), 1);
    let second = get(&format!("/api/v1/boards/{t}/jobs"));
    assert_eq!(header(&second, "x-cache"), "HIT-MEMORY");
    assert_eq!(second.text().unwrap(), body1);
    // The job detail comes from the same snapshot: still one call.
    let l: BoardListing = serde_json::from_str(&body1).unwrap();
    assert_eq!(get(&format!("/api/v1/boards/{t}/jobs/{}", l.jobs[0].id)).status(), 200);
    assert_eq!(jobs_calls(&t), 1, "no new upstream call");
}

#[test]
fn greenhouse_failing_after_a_good_read_serves_the_last_good_copy_marked_stale() {
    let t = board("northwind", "stale");
    assert_eq!(get(&format!("/api/v1/boards/{t}/jobs")).status(), 200);
    stack().fake.set_fault(&t, Fault::Down);
    std::thread::sleep(Duration::from_millis(FRESH_SECONDS * 1000 + 300));
    // The first read after the freshness window is answered at once from the old copy while
    // a refresh runs in the background; once that refresh has failed, reads say STALE.
    let first = get(&format!("/api/v1/boards/{t}/jobs"));
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "x-cache"), "HIT-STALE");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let r = loop {
        let r = get(&format!("/api/v1/boards/{t}/jobs"));
        if header(&r, "x-cache") == "STALE" || std::time::Instant::now() > deadline {
            break r;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-cache"), "STALE");
    assert!(header(&r, "x-data-age").parse::<u64>().unwrap() >= FRESH_SECONDS);
    assert_eq!(r.json::<BoardListing>().unwrap().jobs.len(), 44);
    assert!(jobs_calls(&t) >= 2, "it did try Greenhouse again");
}

#[test]
fn hostile_html_in_job_content_comes_out_clean() {
    let t = board("hostile", "clean");
    let l: BoardListing = get(&format!("/api/v1/boards/{t}/jobs")).json().unwrap();
    assert_eq!(l.jobs[0].absolute_url, None, "javascript: apply links are dropped");
    let d: JobDetail = get(&format!("/api/v1/boards/{t}/jobs/{}", l.jobs[0].id)).json().unwrap();
    let html = d.content_html.to_ascii_lowercase();
    for bad in ["<script", "alert(", "onclick", "onerror", "javascript:", "<iframe", "<style", "<svg", "<img"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    assert!(html.contains("<p>great job</p>") && html.contains("still here"), "{html}");
}

#[test]
fn real_captured_boards_are_served() {
    for (token, count, name) in [("phonepe", 69, "PhonePe"), ("janestreet", 24, "Jane Street"), ("airbnb", 20, "Airbnb")] {
        let l: BoardListing = get(&format!("/api/v1/boards/{}/jobs", board(token, "real"))).json().unwrap();
        assert_eq!(l.jobs.len(), count, "{token}");
        assert_eq!(l.board.name, name);
    }
}

#[test]
fn cors_preflight_is_answered() {
    let r = Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/api/v1/boards/northwind/jobs", stack().worker.base))
        .header("Origin", "https://example.com")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
}

#[test]
fn widget_assets_are_served_cross_origin() {
    for path in ["/widget.js", "/widget/gh_widget.js", "/widget/gh_widget_bg.wasm"] {
        let r = get(path);
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(header(&r, "access-control-allow-origin"), "*", "{path}");
    }
    assert_eq!(header(&get("/widget/gh_widget_bg.wasm"), "content-type"), "application/wasm");
    assert!(get("/").text().unwrap().contains("data-board=\"northwind\""), "the demo page uses the contract");
}

/// Any server that speaks the documented Job Board API works, not only our fake: this one
/// knows `/jobs?content=true` and nothing else (no departments, offices or board routes).
#[test]
fn a_minimal_documented_upstream_is_enough() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let doc_example = r#"{"jobs":[{"id":127817,"internal_job_id":144381,"title":"Vault Designer","updated_at":"2016-01-14T10:55:28-05:00",
        "requisition_id":"50","location":{"name":"NYC"},"absolute_url":"https://boards.greenhouse.io/vaulttec/jobs/127817","language":"en",
        "metadata":null,"content":"This is the job description. &lt;p&gt;Any HTML included through the hosted job application editor will be automatically converted into corresponding HTML entities.&lt;/p&gt;",
        "departments":[{"id":13583,"name":"Department of Departments","parent_id":null,"child_ids":[13585]}],
        "offices":[{"id":8304,"name":"East Coast","location":"United States","parent_id":null,"child_ids":[8787]},
                   {"id":8787,"name":"New York City","location":"New York, NY, United States","parent_id":8304,"child_ids":[]}]}],"meta":{"total":1}}"#;
    let addr = rt.block_on(async move {
        let app = axum::Router::new()
            .route("/v1/boards/vaulttec/jobs", axum::routing::get(move || async move { ([("content-type", "application/json")], doc_example) }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    });
    let worker = Worker::start(&format!("http://{addr}"), &[]);
    let l: BoardListing = Client::new().get(format!("{}/api/v1/boards/vaulttec/jobs", worker.base)).send().unwrap().json().unwrap();
    assert_eq!(l.jobs[0].title, "Vault Designer");
    assert_eq!(l.offices.len(), 2);
    let d: Value = Client::new().get(format!("{}/api/v1/boards/vaulttec/jobs/127817", worker.base)).send().unwrap().json().unwrap();
    assert!(d["content_html"].as_str().unwrap().contains("<p>Any HTML included"));
}

#[test]
fn crawlable_board_page_links_every_job_without_script() {
    let t = board("northwind", "pages");
    let r = get(&format!("/boards/{t}"));
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("text/html"));
    let html = r.text().unwrap();
    assert!(html.contains("<h1>Jobs at Northwind Robotics</h1>"));
    // The board as the widget draws it (one renderer with its first paint), linking each job's page.
    assert_eq!(html.matches("<a class=\"job-title\" href=\"").count(), 44);
    assert!(html.contains(&format!("href=\"{}/boards/{t}/jobs/", stack().worker.base)));
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{}/boards/{t}\">", stack().worker.base)));
    assert!(!html.contains("<script"), "no script on the no-JS page");
}

#[test]
fn crawlable_job_page_has_description_json_ld_and_canonical() {
    let t = board("northwind", "jobpage");
    let l: BoardListing = get(&format!("/api/v1/boards/{t}/jobs")).json().unwrap();
    let job = l.jobs.iter().find(|j| j.id % 3 == 0).expect("a job with pay ranges");
    let html = get(&format!("/boards/{t}/jobs/{}", job.id)).text().unwrap();
    assert!(html.contains(&format!("<h1>{}</h1>", job.title.replace('&', "&amp;"))), "{html}");
    assert!(html.contains("<h2>About the role</h2>"), "the description's headings under the page's h1");
    let ld_start = html.find("<script type=\"application/ld+json\">").expect("JSON-LD") + 35;
    let ld_end = html[ld_start..].find("</script>").unwrap() + ld_start;
    let ld: Value = serde_json::from_str(&html[ld_start..ld_end]).unwrap();
    assert_eq!(ld["@type"], "JobPosting");
    assert_eq!(ld["title"], job.title);
    assert_eq!(ld["hiringOrganization"]["name"], "Northwind Robotics");
    assert_eq!(ld["baseSalary"]["value"]["minValue"], 120000, "pay ranges from pay_transparency");
    assert!(ld["datePosted"].as_str().unwrap().starts_with("2026-10-"));
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{}/boards/{t}/jobs/{}\">", stack().worker.base, job.id)));
    assert_eq!(get(&format!("/boards/{t}/jobs/1")).status(), 404);
}

#[test]
fn sitemap_lists_the_board_and_every_job() {
    let t = board("northwind", "sitemap");
    let r = get(&format!("/boards/{t}/sitemap.xml"));
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("application/xml"));
    let xml = r.text().unwrap();
    assert_eq!(xml.matches("<url>").count(), 45, "board page + 44 jobs");
    assert!(xml.contains(&format!("<loc>{}/boards/{t}</loc>", stack().worker.base)));
    assert!(xml.contains("<lastmod>2026-11-"));
}

#[test]
fn job_detail_carries_pay_ranges_from_pay_transparency() {
    let t = board("northwind", "pay");
    let l: BoardListing = get(&format!("/api/v1/boards/{t}/jobs")).json().unwrap();
    let paid = l.jobs.iter().find(|j| j.id % 3 == 0).unwrap();
    let d: JobDetail = get(&format!("/api/v1/boards/{t}/jobs/{}", paid.id)).json().unwrap();
    assert_eq!(d.pay_ranges.len(), 1);
    assert_eq!((d.pay_ranges[0].min_cents, d.pay_ranges[0].currency.as_deref()), (Some(12_000_000), Some("USD")));
    let unpaid = l.jobs.iter().find(|j| j.id % 3 != 0).unwrap();
    let d: JobDetail = get(&format!("/api/v1/boards/{t}/jobs/{}", unpaid.id)).json().unwrap();
    assert!(d.pay_ranges.is_empty());
}

#[test]
fn board_tokens_are_case_insensitive_like_greenhouse() {
    let (lower, mixed) = (board("northwind", "case"), "NorthWind--Case");
    let first = get(&format!("/api/v1/boards/{mixed}/jobs"));
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "x-cache"), "MISS");
    let l: BoardListing = first.json().unwrap();
    assert_eq!(l.board.token, lower, "the canonical token is lowercase");
    let second = get(&format!("/api/v1/boards/{lower}/jobs"));
    assert_eq!(header(&second, "x-cache"), "HIT-MEMORY", "one cache entry for both spellings");
    assert_eq!(get(&format!("/api/v1/boards/{}/departments", mixed.to_uppercase())).status(), 200);
    assert_eq!(jobs_calls(&lower) + jobs_calls(mixed) + jobs_calls(&mixed.to_uppercase()), 1, "one upstream call");
    let html = get(&format!("/boards/{mixed}")).text().unwrap();
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{}/boards/{lower}\">", stack().worker.base)));
}

fn head(path: &str) -> Response {
    Client::new().head(format!("{}{path}", stack().worker.base)).send().expect("worker answers")
}

#[test]
fn head_answers_like_get_without_a_body_on_every_read_route_and_asset() {
    let t = board("northwind", "head");
    let l: BoardListing = get(&format!("/api/v1/boards/{t}/jobs")).json().unwrap();
    let id = l.jobs[0].id;
    let paths = [
        format!("/api/v1/boards/{t}/jobs"),
        format!("/api/v1/boards/{t}/jobs/{id}"),
        format!("/api/v1/boards/{t}/departments"),
        format!("/api/v1/boards/{t}/offices"),
        format!("/boards/{t}"),
        format!("/boards/{t}/jobs/{id}"),
        format!("/boards/{t}/sitemap.xml"),
        "/widget.js".to_string(),
        "/widget/gh_widget_bg.wasm".to_string(),
        "/".to_string(),
    ];
    for path in &paths {
        let g = get(path);
        let h = head(path);
        assert_eq!((g.status().as_u16(), h.status().as_u16()), (200, 200), "{path}");
        for name in ["content-type", "etag", "cache-control", "x-cache", "access-control-allow-origin"] {
            assert_eq!(header(&h, name), header(&g, name), "{path}: {name}");
        }
        assert!(h.bytes().unwrap().is_empty(), "{path}: HEAD has no body");
    }
    assert_eq!(head(&format!("/api/v1/boards/{t}/jobs/1")).status(), 404, "errors too");
}

#[test]
fn every_response_says_nosniff_and_pages_may_not_be_framed() {
    let t = board("northwind", "nosniff");
    let l: BoardListing = get(&format!("/api/v1/boards/{t}/jobs")).json().unwrap();
    let id = l.jobs[0].id;
    let down = board("northwind", "nosniff-down");
    stack().fake.set_fault(&down, Fault::Down);
    let paths = [
        format!("/api/v1/boards/{t}/jobs"),
        format!("/api/v1/boards/{t}/jobs/{id}"),
        format!("/boards/{t}"),
        format!("/boards/{t}/jobs/{id}"),
        format!("/boards/{t}/sitemap.xml"),
        "/api/v1/health".to_string(),
        "/api/v1/boards/no-such-board/jobs".to_string(),
        "/api/v1/boards/bad%20token/jobs".to_string(),
        format!("/api/v1/boards/{down}/jobs"),
        "/api/v1/elsewhere".to_string(),
        "/widget.js".to_string(),
        "/widget/gh_widget.js".to_string(),
        "/".to_string(),
    ];
    for path in &paths {
        assert_eq!(header(&get(path), "x-content-type-options"), "nosniff", "{path}");
    }
    let etag = header(&get(&format!("/api/v1/boards/{t}/jobs")), "etag");
    let not_modified = get_with(&format!("/api/v1/boards/{t}/jobs"), &[("If-None-Match", &etag)]);
    assert_eq!(not_modified.status(), 304);
    assert_eq!(header(&not_modified, "x-content-type-options"), "nosniff");
    let preflight = Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/api/v1/boards/{t}/jobs", stack().worker.base))
        .header("Origin", "https://example.com")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .unwrap();
    assert_eq!(header(&preflight, "x-content-type-options"), "nosniff");
    for path in [format!("/boards/{t}"), format!("/boards/{t}/jobs/{id}")] {
        let csp = header(&get(&path), "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"), "{path}: no script may run: {csp}");
    }
    stack().fake.set_fault(&down, Fault::None);
}
