//! Owner analytics through the real stack: views, job views, starts and applications from two
//! sources, counted in the worker's memory, flushed to D1 by the cron, and read back by the
//! org's owner (JSON and CSV); bots are not counted, other orgs see nothing; and in headless
//! Chromium, one page load counts one list view however the loader and the wasm share it,
//! and the console's Analytics tab shows the funnel with no axe violations.

use e2e::browser::{self, Browser, HostSite};
use e2e::{call_with, connect_board, owner_call, owner_token, stack};
use reqwest::blocking::Client;
use reqwest::Method;
use serde_json::Value;
use shared::analytics::{Funnel, Report, CSV_HEADER};
use shared::api::{BoardListing, JobDetail};
use std::time::{Duration, Instant};

/// A desktop browser's user agent: counted.
const BROWSER_UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const GOOGLEBOT_UA: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

fn client(ua: &str) -> Client {
    Client::builder().user_agent(ua).build().unwrap()
}

fn base() -> String {
    stack().worker.base.clone()
}

fn get(ua: &str, path: &str) -> u16 {
    client(ua).get(format!("{}{path}", base())).send().unwrap().status().as_u16()
}

/// Two jobs of a board that take applications through the worker (they have a form).
fn jobs(board: &str) -> Vec<JobDetail> {
    let l: BoardListing = Client::new().get(format!("{}/api/v1/boards/{board}/jobs", base())).send().unwrap().json().unwrap();
    l.jobs
        .iter()
        .take(6)
        .map(|j| Client::new().get(format!("{}/api/v1/boards/{board}/jobs/{}", base(), j.id)).send().unwrap().json::<JobDetail>().unwrap())
        .filter(|d| d.form.is_some())
        .take(2)
        .collect()
}

fn apply(ua: &str, board: &str, d: &JobDetail, query: &str, submission: &str, ip: &str) -> u16 {
    let form = e2e::application_form(d.form.as_ref().unwrap(), d.job.id, submission, "ada@example.com");
    client(ua)
        .post(format!("{}/api/v1/boards/{board}/jobs/{}/applications{query}", base(), d.job.id))
        .header("CF-Connecting-IP", ip)
        .multipart(form)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

fn report(org: &str) -> Report {
    let r = owner_call(Method::GET, org, "/analytics?days=30", None);
    assert_eq!(r.status(), 200);
    r.json().unwrap()
}

/// Runs the cron (which writes the isolate's counts) until the org's totals are `want`.
fn flushed_until(org: &str, want: Funnel) -> Report {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        stack().worker.run_cron();
        let r = report(org);
        if r.all.totals == want {
            return r;
        }
        assert!(Instant::now() < deadline, "the totals never became {want:?}: {:#?}", r.all.totals);
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn source<'a>(r: &'a Report, name: &str) -> &'a Funnel {
    &r.sources.iter().find(|s| s.source == name).unwrap_or_else(|| panic!("no source {name}: {:?}", r.sources)).series.totals
}

#[test]
fn views_starts_and_applications_from_two_sources_reach_the_owner() {
    let (org, board) = ("analytics-http", "northwind--analytics-http");
    connect_board(org, board, None);
    let js = jobs(board);
    let (a, b) = (&js[0], &js[1]);
    let ua = BROWSER_UA;
    // A board no org connected: served, but its views are counted nowhere (nobody could read
    // them, and counting them would let anyone fill D1 with any public board's counts).
    let nobody = "northwind--analytics-nobody";
    assert_eq!(get(ua, &format!("/api/v1/boards/{nobody}/fragment?index=0&count=1&gh_src=linkedin")), 200);
    assert_eq!(get(ua, &format!("/api/v1/boards/{nobody}/jobs?count=1&gh_src=linkedin")), 200);
    assert_eq!(get(ua, &format!("/api/v1/boards/{nobody}/jobs/{}?count=1&gh_src=linkedin", a.job.id)), 200);
    assert_eq!(client(ua).post(format!("{}/api/v1/boards/{nobody}/jobs/{}/start?gh_src=linkedin", base(), a.job.id)).send().unwrap().status(), 204);

    // LinkedIn: two page loads with the first paint, one whose wasm asked for the list (a deep
    // link); the wasm's unmarked listing requests count nothing.
    assert_eq!(get(ua, &format!("/api/v1/boards/{board}/fragment?index=0&count=1&gh_src=linkedin")), 200);
    assert_eq!(get(ua, &format!("/api/v1/boards/{board}/fragment?index=0&count=1&gh_src=LinkedIn&utm_source=ignored")), 200);
    assert_eq!(get(ua, &format!("/api/v1/boards/{board}/jobs?count=1&gh_src=linkedin")), 200);
    assert_eq!(get(ua, &format!("/api/v1/boards/{board}/jobs")), 200);
    assert_eq!(get(ua, &format!("/api/v1/boards/{board}/jobs?gh_src=linkedin")), 200);
    assert_eq!(get(ua, &format!("/api/v1/boards/{board}/jobs/{}?count=1&gh_src=linkedin", a.job.id)), 200);
    assert_eq!(get(ua, &format!("/api/v1/boards/{board}/jobs/{}?count=1&gh_src=linkedin", b.job.id)), 200);
    let start = |q: &str, job: u64| client(ua).post(format!("{}/api/v1/boards/{board}/jobs/{job}/start{q}", base())).send().unwrap().status();
    assert_eq!(start("?gh_src=linkedin", a.job.id), 204);
    assert_eq!(apply(ua, board, a, "?gh_src=linkedin", "an-linkedin-0001", "198.51.100.71"), 201);
    // The same submission again (a client's retry) is not a second application.
    assert_eq!(apply(ua, board, a, "?gh_src=linkedin", "an-linkedin-0001", "198.51.100.71"), 201);

    // The newsletter (utm_source): two page loads, one job view, a start, an application (its
    // form also says `_gh_src=linkedin`: the page's source on the URL wins).
    assert_eq!(get(ua, &format!("/api/v1/boards/{board}/fragment?index=0&count=1&utm_source=Newsletter")), 200);
    assert_eq!(get(ua, &format!("/api/v1/boards/{board}/jobs?count=1&utm_source=newsletter")), 200);
    assert_eq!(get(ua, &format!("/api/v1/boards/{board}/jobs/{}?count=1&utm_source=newsletter", b.job.id)), 200);
    assert_eq!(start("?utm_source=newsletter", b.job.id), 204);
    assert_eq!(apply(ua, board, b, "?utm_source=newsletter", "an-newsletter-01", "198.51.100.72"), 201);

    // Bots are not counted: a crawler, a headless browser, a script without a user agent.
    assert_eq!(get(GOOGLEBOT_UA, &format!("/api/v1/boards/{board}/fragment?index=0&count=1&gh_src=linkedin")), 200);
    let headless = BROWSER_UA.replace("Chrome/", "HeadlessChrome/");
    assert_eq!(get(&headless, &format!("/api/v1/boards/{board}/jobs/{}?count=1&gh_src=linkedin", a.job.id)), 200);
    let bare = Client::new().get(format!("{}/api/v1/boards/{board}/jobs?count=1", base())).send().unwrap().status();
    assert_eq!(bare, 200);
    assert_eq!(client(GOOGLEBOT_UA).post(format!("{}/api/v1/boards/{board}/jobs/{}/start", base(), a.job.id)).send().unwrap().status(), 204);
    assert_eq!(apply(GOOGLEBOT_UA, board, b, "", "an-googlebot-001", "198.51.100.73"), 201);
    // Made-up boards and jobs count nothing (and are the usual 404s).
    assert_eq!(get(ua, "/api/v1/boards/northwind--analytics-http/jobs/1?count=1&gh_src=linkedin"), 404);
    assert_eq!(start("", 1), 404);

    let r = flushed_until(org, Funnel { list_views: 5, job_views: 3, starts: 2, submitted: 2, delivered: 2 });
    assert_eq!(r.board.as_deref(), Some(board));
    assert_eq!(r.days.len(), 30);
    assert_eq!(*source(&r, "linkedin"), Funnel { list_views: 3, job_views: 2, starts: 1, submitted: 1, delivered: 1 });
    assert_eq!(*source(&r, "newsletter"), Funnel { list_views: 2, job_views: 1, starts: 1, submitted: 1, delivered: 1 });
    assert_eq!(r.sources.len(), 2, "no 'direct': the bots were left out");
    assert_eq!(r.all.daily.last().unwrap().list_views, 5, "all of it today");
    let job = |id: u64| r.jobs.iter().find(|j| j.job_id == id).unwrap();
    assert_eq!(job(a.job.id).series.totals, Funnel { list_views: 0, job_views: 1, starts: 1, submitted: 1, delivered: 1 });
    assert_eq!(job(b.job.id).series.totals, Funnel { list_views: 0, job_views: 2, starts: 1, submitted: 1, delivered: 1 });
    assert_eq!(job(a.job.id).title, a.job.title);

    // CSV: a download, one line per day, source and job.
    let csv = owner_call(Method::GET, org, "/analytics?days=30&format=csv", None);
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"analytics-analytics-http-"));
    let text = csv.text().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], CSV_HEADER);
    assert!(lines.iter().any(|l| l.ends_with(&format!(",{board},linkedin,0,,3,0,0,0,0"))), "{text}");
    assert!(lines.iter().any(|l| l.contains(&format!(",{board},newsletter,{},", b.job.id))), "{text}");
    let accept = Client::new()
        .get(format!("{}/api/v1/orgs/{org}/analytics", base()))
        .bearer_auth(owner_token(org, "ops", 600))
        .header("Accept", "text/csv")
        .send()
        .unwrap();
    assert!(accept.text().unwrap().starts_with(CSV_HEADER));

    // Counts only: nothing about a visitor in D1.
    let stored = stack().worker.d1(&format!("SELECT * FROM analytics WHERE board = '{board}'")).to_string();
    assert!(!stored.contains("Mozilla") && !stored.contains("198.51.100"), "{stored}");
    let unconnected = stack().worker.d1(&format!("SELECT COUNT(*) AS n FROM analytics WHERE board = '{nobody}'"));
    assert_eq!(unconnected, serde_json::json!([{"n": 0}]), "a board no org connected counts nothing");
    let columns = stack().worker.d1("SELECT name FROM pragma_table_info('analytics')").to_string();
    assert_eq!(columns, r#"[{"name":"board"},{"name":"day"},{"name":"source"},{"name":"kind"},{"name":"job_id"},{"name":"n"}]"#);

    // Tenancy: another org's owner is refused; an org's own report never holds this board.
    let other = owner_token("analytics-other", "mallory", 600);
    assert_eq!(call_with(Method::GET, org, "/analytics", Some(&other), None).status(), 403);
    assert_eq!(call_with(Method::GET, org, "/analytics?format=csv", Some(&other), None).status(), 403);
    assert_eq!(call_with(Method::GET, org, "/analytics", None, None).status(), 401);
    let theirs: Report = call_with(Method::GET, "analytics-other", "/analytics", Some(&other), None).json().unwrap();
    assert_eq!((theirs.board, theirs.all.totals, theirs.sources.len()), (None, Funnel::default(), 0));
    assert_eq!(owner_call(Method::GET, org, "/analytics?days=0", None).status(), 400);
    assert_eq!(owner_call(Method::GET, org, "/analytics?days=91", None).status(), 400);
}

#[test]
fn made_up_sources_cannot_grow_the_table() {
    let (org, board) = ("analytics-cap", "northwind--analytics-cap");
    connect_board(org, board, None);
    for i in 0..26 {
        // Hostile values are cleaned, and past 20 a day they count as "other".
        let src = if i == 0 { "=HYPERLINK(\"http://evil\")".to_string() } else { format!("campaign {i}") };
        let url =
            reqwest::Url::parse_with_params(&format!("{}/api/v1/boards/{board}/jobs", base()), [("count", "1"), ("gh_src", src.as_str())]).unwrap();
        assert_eq!(client(BROWSER_UA).get(url).send().unwrap().status(), 200);
    }
    let r = flushed_until(org, Funnel { list_views: 26, ..Default::default() });
    assert_eq!(r.sources.len(), 21, "20 sources and other: {:?}", r.sources.iter().map(|s| &s.source).collect::<Vec<_>>());
    assert_eq!(source(&r, "other").list_views, 6);
    assert_eq!(source(&r, "hyperlink-http-evil").list_views, 1);
    assert!(r.sources.iter().all(|s| s.source.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))));
    let text = owner_call(Method::GET, org, "/analytics?format=csv", None).text().unwrap();
    for cell in text.lines().skip(1).flat_map(|l| l.split(',')) {
        assert!(!cell.starts_with(['=', '+', '-', '@']), "a formula cell: {cell}");
    }
}

fn console_page(host: &HostSite, org: &str, token: &str) -> String {
    host.page(
        &format!("analytics-{org}"),
        "en",
        "",
        &format!(
            "<main><h1>Settings</h1><div data-greenhouse-board=\"\" data-mode=\"connect\" data-org=\"{org}\" data-owner-token=\"{token}\"></div>\
             <script src=\"{{worker}}/widget.js\" data-board=\"\" data-mode=\"connect\" async></script></main>"
        ),
    )
}

async fn visitor_page(b: &Browser, host: &HostSite, query: &str) {
    b.client.goto(&format!("{}/?{query}", host.base)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_page_load_is_one_view_and_the_console_shows_the_funnel() {
    let Some((s, host, b)) = browser::setup().await else { return };
    let (org, board) = ("analytics-browser", "northwind--analytics-browser");
    tokio::task::spawn_blocking(move || connect_board(org, board, None)).await.unwrap();
    let js = tokio::task::spawn_blocking(move || jobs(board)).await.unwrap();
    let (a, c) = (js[0].job.id, js[1].job.id);

    // Headless Chromium says so in its user agent: its page load counts nothing.
    visitor_page(&b, &host, &format!("board={board}&gh_src=headless")).await;
    b.wait_until(30, "the board", async |b: &Browser| !b.job_titles().await.is_empty()).await;

    // As a desktop browser: a page load with the first paint and the live widget, a job opened
    // in place and its form started; then a deep link to another job (no first paint).
    b.cdp("Network.setUserAgentOverride", serde_json::json!({"userAgent": BROWSER_UA})).await;
    visitor_page(&b, &host, &format!("board={board}&gh_src=browser")).await;
    b.wait_until(30, "the live board", async |b: &Browser| !b.job_titles().await.is_empty()).await;
    let title = js[0].job.title.clone();
    b.click_job(&title).await;
    b.wait_until(30, "the form", async |b: &Browser| b.in_widget("return !!(root && root.querySelector('.apply-slot form'))").await == true).await;
    // The first focus in the form starts an application; a second one does not.
    b.wait_until(30, "the first field", async |b: &Browser| b.in_widget("return !!root.querySelector('#ghw_f-first_name')").await == true).await;
    b.widget_element("#ghw_f-first_name").await.click().await.unwrap();
    b.widget_element("#ghw_f-last_name").await.click().await.unwrap();
    visitor_page(&b, &host, &format!("board={board}&gh_src=browser&gh_jid={c}")).await;
    b.wait_until(30, "the deep-linked job", async |b: &Browser| b.in_widget("return !!(root && root.querySelector('.detail-title'))").await == true)
        .await;

    // Two more sources over HTTP, one with an application.
    let d = js[0].clone();
    tokio::task::spawn_blocking(move || {
        assert_eq!(get(BROWSER_UA, &format!("/api/v1/boards/{board}/fragment?count=1&gh_src=linkedin")), 200);
        assert_eq!(get(BROWSER_UA, &format!("/api/v1/boards/{board}/jobs/{}?count=1&gh_src=linkedin", d.job.id)), 200);
        assert_eq!(apply(BROWSER_UA, board, &d, "?gh_src=linkedin", "an-browser-00001", "198.51.100.81"), 201);
        assert_eq!(get(BROWSER_UA, &format!("/api/v1/boards/{board}/jobs?count=1&utm_source=newsletter")), 200);
    })
    .await
    .unwrap();
    let want = Funnel { list_views: 4, job_views: 3, starts: 1, submitted: 1, delivered: 1 };
    let r = tokio::task::spawn_blocking(move || flushed_until(org, want)).await.unwrap();
    assert_eq!(*source(&r, "browser"), Funnel { list_views: 2, job_views: 2, starts: 1, submitted: 0, delivered: 0 }, "{:?}", r.sources);
    assert!(r.sources.iter().all(|s| s.source != "headless"));
    assert!(r.jobs.iter().any(|j| j.job_id == a) && r.jobs.iter().any(|j| j.job_id == c));

    // The owner's console: the Analytics tab shows the funnel, the charts and the tables.
    b.client.goto(&console_page(&host, org, &owner_token(org, "alice", 900))).await.unwrap();
    b.wait_until(30, "the console", async |b: &Browser| b.in_widget("return !!root && !!root.querySelector('#gc-tab-analytics')").await == true)
        .await;
    b.widget_element("#gc-tab-analytics").await.click().await.unwrap();
    b.wait_until(30, "the funnel", async |b: &Browser| b.in_widget("return !!root.querySelector('svg.funnel')").await == true).await;
    let value = |kind: &str| format!("return root.querySelector('svg.funnel [data-kind={kind}] .value').textContent");
    assert_eq!(b.in_widget(&value("list_view")).await, "4");
    assert_eq!(b.in_widget(&value("job_view")).await, "3 (75 %)");
    assert_eq!(b.in_widget(&value("start")).await, "1 (33 %)");
    assert_eq!(b.in_widget(&value("submitted")).await, "1 (100 %)");
    assert_eq!(b.in_widget("return root.querySelector('#gc-delivered').textContent").await, "1 delivered to Greenhouse.");
    let name =
        b.in_widget("const s = root.querySelector('svg.funnel'); return s.getAttribute('role') + ' ' + s.querySelector('title').textContent").await;
    assert_eq!(name, "img Funnel, last 30 days");
    assert_eq!(b.in_widget("return root.querySelectorAll('svg.daily polyline').length").await, 5, "3 sources and 2 jobs drawn");
    let sources: Value = b.in_widget("return [...root.querySelectorAll('#gc-sources tbody th')].map(e => e.textContent)").await;
    assert_eq!(sources, serde_json::json!(["browser", "linkedin", "newsletter"]));
    assert_eq!(b.in_widget("return root.querySelectorAll('#gc-table-sources tbody tr').length").await, 30, "a row per day for screen readers");
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "axe: {violations:#?}");
    // The CSV: fetched with the owner token, handed to the browser as a file.
    b.widget_element("#gc-analytics-csv").await.click().await.unwrap();
    b.wait_until(15, "the download", async |b: &Browser| {
        b.in_widget("const e = root.querySelector('#gc-analytics-downloaded'); return e ? e.textContent : ''")
            .await
            .as_str()
            .unwrap_or_default()
            .starts_with("Downloaded analytics-analytics-browser.csv")
    })
    .await;
    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| !e.contains("gh_console")), "{errors:#?}");
    let _ = s;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_script_or_server_include_view_counts_once_when_it_paints_even_without_the_wasm() {
    let Some((_, host, b)) = browser::setup().await else { return };
    let (org, board) = ("analytics-script", "northwind--analytics-script");
    tokio::task::spawn_blocking(move || connect_board(org, board, None)).await.unwrap();
    let page = host.page(
        "analytics-board-script",
        "en",
        "",
        &format!("<main><h1>Careers</h1><script src=\"{{worker}}/boards/{board}/widget.js\" async></script></main>"),
    );
    b.cdp("Network.enable", serde_json::json!({})).await;
    b.cdp("Network.setUserAgentOverride", serde_json::json!({"userAgent": BROWSER_UA})).await;
    // With the wasm: one view (the first paint's count, not the listing's too).
    b.client.goto(&format!("{page}?gh_src=script")).await.unwrap();
    b.wait_until(30, "the live board", async |b: &Browser| b.job_titles().await.len() == 44).await;
    // Without: the first paint alone still counts.
    b.cdp("Network.setBlockedURLs", serde_json::json!({"urls": ["*gh_widget_bg.wasm*"]})).await;
    b.client.goto(&format!("{page}?gh_src=script")).await.unwrap();
    b.wait_until(20, "the first paint", async |b: &Browser| {
        b.client.execute("const h = document.querySelector('[data-greenhouse-board]'); return !!(h && h.shadowRoot && h.shadowRoot.querySelector('[data-fragment] .job'))", vec![]).await.unwrap() == true
    })
    .await;
    // A server include, as a host's server fetched it (which counts nothing, whatever its
    // query says), the wasm still blocked: the board came with the page's HTML and its view
    // counts once; then with the wasm, once again.
    let worker = e2e::stack().worker.base.clone();
    let include = reqwest::get(format!("{worker}/boards/{board}/include.html?count=1&gh_src=script")).await.unwrap().text().await.unwrap();
    let included = host.page("analytics-include", "en", "", &format!("<main><h1>Careers</h1>{include}</main>"));
    b.client.goto(&format!("{included}?gh_src=script")).await.unwrap();
    b.wait_until(20, "the included board, the wasm failed", async |b: &Browser| {
        b.client.execute("const h = document.querySelector('[data-greenhouse-board]'); return !!(h && h.shadowRoot && h.shadowRoot.querySelector('[data-fragment] .job') && !h.shadowRoot.querySelector('.filters'))", vec![]).await.unwrap() == true
    })
    .await;
    b.cdp("Network.setBlockedURLs", serde_json::json!({"urls": []})).await;
    b.client.goto(&format!("{included}?gh_src=script")).await.unwrap();
    b.wait_until(30, "the included board taken over", async |b: &Browser| b.job_titles().await.len() == 44).await;
    let want = Funnel { list_views: 4, ..Default::default() };
    let r = tokio::task::spawn_blocking(move || flushed_until(org, want)).await.unwrap();
    assert_eq!(source(&r, "script").list_views, 4, "{:?}", r.sources);
    b.close().await;
}

#[test]
fn the_daily_source_cap_holds_whatever_other_isolates_flushed_before() {
    let (org, board) = ("analytics-cap-isolates", "northwind--analytics-cap-isolates");
    connect_board(org, board, None);
    let day = shared::analytics::day_of(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64);
    let cap = shared::analytics::MAX_SOURCES_PER_DAY;
    // Other isolates already brought all but one of today's sources (their flushes, as rows).
    let rows: Vec<String> = (1..cap).map(|i| format!("('{board}', {day}, 'earlier-{i}')")).collect();
    stack().worker.d1(&format!("INSERT INTO analytics_sources (board, day, source) VALUES {}", rows.join(", ")));
    // This isolate has seen none of them: it brings as many new ones as its own cap lets it.
    for i in 0..cap {
        assert_eq!(get(BROWSER_UA, &format!("/api/v1/boards/{board}/jobs?count=1&gh_src=new-{i:02}")), 200);
    }
    let r = flushed_until(org, Funnel { list_views: cap as u64, ..Default::default() });
    let n = stack().worker.d1(&format!("SELECT COUNT(*) AS n FROM analytics_sources WHERE board = '{board}' AND day = {day}"));
    assert_eq!(n[0]["n"].as_u64(), Some(cap as u64), "never more than {cap} sources a day");
    // One new source took the last place; the others were counted, under `other`.
    assert_eq!(source(&r, "other").list_views, cap as u64 - 1, "{:?}", r.sources);
    assert_eq!(r.sources.iter().filter(|s| s.source.starts_with("new-")).count(), 1, "{:?}", r.sources);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_element_switched_to_another_board_counts_a_view_of_it_and_a_regrouping_does_not() {
    let Some((_, host, b)) = browser::setup().await else { return };
    let (org_a, board_a) = ("analytics-el-a", "northwind--analytics-el-a");
    let (org_b, board_b) = ("analytics-el-b", "northwind--analytics-el-b");
    tokio::task::spawn_blocking(move || {
        // Told apart on screen by one job's title.
        stack().fake.edit_board(board_b, |b| b.jobs[0]["title"] = serde_json::json!("Board B Engineer"));
        connect_board(org_a, board_a, None);
        connect_board(org_b, board_b, None);
    })
    .await
    .unwrap();
    let page = host.page(
        "analytics-element",
        "en",
        "",
        &format!("<main><h1>Careers</h1><script src=\"{{worker}}/widget.js\" async></script><greenhouse-jobs id=\"el\" board=\"{board_a}\"></greenhouse-jobs></main>"),
    );
    b.cdp("Network.enable", serde_json::json!({})).await;
    b.cdp("Network.setUserAgentOverride", serde_json::json!({"userAgent": BROWSER_UA})).await;
    b.client.goto(&format!("{page}?gh_src=element")).await.unwrap();
    // The live board on screen (B's or A's, told by a job's title), grouped by office or not,
    // and nothing else in the element.
    let live = |is_b: bool, by_office: bool| {
        format!(
            "const sr = document.getElementById('el').shadowRoot; const roots = sr ? sr.querySelectorAll('.ghw') : []; const r = roots[0]; \
             return roots.length === 1 && !r.hasAttribute('data-fragment') && r.querySelectorAll('.job').length === 44 \
             && [...r.querySelectorAll('.group h3')].some(h => h.textContent === 'Berlin') === {by_office} \
             && [...r.querySelectorAll('.job-title')].some(a => a.textContent === 'Board B Engineer') === {is_b}"
        )
    };
    let shown = |script: String| async move |b: &Browser| b.client.execute(&script, vec![]).await.unwrap() == true;
    b.wait_until(30, "board A", shown(live(false, false))).await;
    // The app shows another board in the same element: a view of that board.
    b.client.execute(&format!("document.getElementById('el').setAttribute('board', '{board_b}'); return null"), vec![]).await.unwrap();
    b.wait_until(30, "board B", shown(live(true, false))).await;
    // Then only regroups it: the same view, not counted again.
    b.client.execute("document.getElementById('el').setAttribute('group-by', 'office'); return null", vec![]).await.unwrap();
    b.wait_until(30, "board B by office", shown(live(true, true))).await;
    let one = Funnel { list_views: 1, ..Default::default() };
    let (a, b_) = tokio::task::spawn_blocking(move || (flushed_until(org_a, one), flushed_until(org_b, one))).await.unwrap();
    assert_eq!(source(&a, "element").list_views, 1, "{:?}", a.sources);
    assert_eq!(source(&b_, "element").list_views, 1, "{:?}", b_.sources);
    b.close().await;
}
