//! The widget in headless Chromium, embedded cross-origin by host pages with one script
//! tag, served by the real worker under `wrangler dev` in front of the fake.

use e2e::browser::{setup, Browser, HostSite};
use e2e::{board, Fault, FRESH_SECONDS};
use greenhouse_fake::seed;
use serde_json::Value;

fn seeded_titles() -> Vec<String> {
    let mut t: Vec<String> = seed::northwind().jobs.iter().map(|j| j["title"].as_str().unwrap().trim().to_string()).collect();
    t.sort();
    t
}

fn seeded_id(title: &str) -> u64 {
    seed::northwind().jobs.iter().find(|j| j["title"] == title).unwrap()["id"].as_u64().unwrap()
}

async fn sorted_titles(b: &Browser) -> Vec<String> {
    let mut t = b.job_titles().await;
    t.sort();
    t
}

fn screenshot(name: &str, png: Vec<u8>) {
    let dir = e2e::root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_browses_searches_and_opens_a_job() {
    let Some((_, host, b)) = setup().await else { return };
    let token = board("northwind", "browser");
    b.client.goto(&format!("{}/?board={token}", host.base)).await.unwrap();

    b.wait_until(30, "the job list", async |b: &Browser| b.job_titles().await.len() == 44).await;
    assert_eq!(sorted_titles(&b).await, seeded_titles(), "every seeded job is listed");
    assert_eq!(b.count_text().await, "44 jobs");

    // Typing narrows the list (accent-insensitive: "zurich" finds Zürich).
    b.widget_element("input[type=search]").await.send_keys("zurich").await.unwrap();
    b.wait_until(10, "search results", async |b: &Browser| b.job_titles().await.len() == 3).await;
    assert_eq!(
        sorted_titles(&b).await,
        vec!["Embedded Software Engineer (Rust)", "Ingénieur·e logiciel embarqué", "Research Scientist, Reinforcement Learning"]
    );
    assert_eq!(b.count_text().await, "3 jobs");

    // Browsing downloads no application-form code.
    let form_bundle = "return performance.getEntriesByType('resource').some(r => r.name.includes('/apply/gh_apply'))";
    assert_eq!(b.client.execute(form_bundle, vec![]).await.unwrap(), false, "no form code while browsing");

    // The job list is a bare list: no bullets.
    assert_eq!(b.in_widget("return getComputedStyle(root.querySelector('.group ul')).listStyleType").await, "none");

    // Opening a job shows its description, facts and apply link; focus moves to its title.
    b.click_job("Embedded Software Engineer (Rust)").await;
    b.wait_until(10, "the job detail", async |b: &Browser| {
        b.in_widget("const d = root.querySelector('.description'); return !!d && d.textContent.includes('About the role');").await == true
    })
    .await;
    assert_eq!(b.in_widget("return root.querySelector('.detail-title').textContent").await, "Embedded Software Engineer (Rust)");
    assert_eq!(b.in_widget("return root.activeElement && root.activeElement.className").await, "detail-title", "focus moved");
    let described = b.in_widget("return root.querySelector('.description').textContent").await;
    assert!(described.as_str().unwrap().contains("As our Embedded Software Engineer (Rust) in Robotics Software"));
    // The description's own lists keep their bullets, indented.
    let list = b
        .in_widget("const ul = root.querySelector('.description ul'); const s = getComputedStyle(ul); return [s.listStyleType, s.paddingLeft]")
        .await;
    assert_eq!(list[0], "disc", "{list}");
    assert_ne!(list[1], "0px", "{list}");
    assert!(b.in_widget("return root.querySelector('.posted').textContent").await.as_str().unwrap().contains("2026"));
    let apply = b.in_widget("return root.querySelector('a.apply').href").await;
    assert!(apply.as_str().unwrap().starts_with("https://job-boards.greenhouse.io/northwind/jobs/"), "{apply}");
    assert_eq!(b.job_titles().await.len(), 0, "the list is hidden behind the detail");
    b.wait_until(15, "the application form", async |b: &Browser| b.in_widget("return !!root.querySelector('.apply form')").await == true).await;
    assert_eq!(b.client.execute(form_bundle, vec![]).await.unwrap(), true, "the form's bundle came with the job");

    // The widget's back button returns to the list with the search kept and focus on the job.
    b.widget_element("button.back").await.click().await.unwrap();
    b.wait_until(10, "the list again", async |b: &Browser| b.job_titles().await.len() == 3).await;
    b.wait_until(5, "focus back on the job", async |b: &Browser| {
        b.in_widget("return root.activeElement && root.activeElement.textContent").await == "Embedded Software Engineer (Rust)"
    })
    .await;

    let light_dom = b.client.execute("return document.querySelector('[data-greenhouse-board]').children.length", vec![]).await.unwrap();
    assert_eq!(light_dom, 0, "the widget renders only inside its shadow root");
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    screenshot("visitor-search.png", b.client.screenshot().await.unwrap());
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_filter_alone_and_combined_with_search() {
    let Some((_, host, b)) = setup().await else { return };
    b.client.goto(&format!("{}/?board={}", host.base, board("northwind", "filters"))).await.unwrap();
    b.wait_until(30, "the job list", async |b: &Browser| b.job_titles().await.len() == 44).await;

    // Department, nested: Engineering includes Platform, Robotics Software, Data & ML.
    b.choose("select#ghw_department", "Engineering").await;
    b.wait_until(10, "engineering jobs", async |b: &Browser| b.job_titles().await.len() == 16).await;
    let option = b.in_widget("return root.querySelector('select#ghw_department').selectedOptions[0].textContent").await;
    assert_eq!(option, "Engineering (16)", "counts per option");
    let groups = b.in_widget("return [...root.querySelectorAll('.group h3')].map(h => h.textContent)").await;
    assert_eq!(groups, serde_json::json!(["Data & Machine Learning", "Platform", "Robotics Software"]));
    // A child department alone.
    b.choose("select#ghw_department", "Platform").await;
    b.wait_until(10, "platform jobs", async |b: &Browser| b.job_titles().await.len() == 5).await;
    // Combined with search.
    b.widget_element("input[type=search]").await.send_keys("remote").await.unwrap();
    b.wait_until(10, "platform + remote", async |b: &Browser| b.job_titles().await.len() == 2).await;
    assert_eq!(sorted_titles(&b).await, vec!["Platform Engineer, Developer Experience", "Staff Platform Engineer"]);
    b.widget_element("button.clear").await.click().await.unwrap();
    b.wait_until(10, "cleared", async |b: &Browser| b.job_titles().await.len() == 44).await;

    // Office, nested: EMEA includes Berlin, London, Zürich and Remote - Europe. "engineer" also
    // matches every job under the Engineering department tree.
    b.choose("select#ghw_office", "EMEA").await;
    b.wait_until(10, "EMEA jobs", async |b: &Browser| b.job_titles().await.len() == 14).await;
    b.widget_element("input[type=search]").await.send_keys("engineer").await.unwrap();
    b.wait_until(10, "EMEA engineers", async |b: &Browser| b.job_titles().await.len() == 8).await;
    b.widget_element("button.clear").await.click().await.unwrap();

    // Location alone.
    b.choose("select#ghw_location", "Tokyo").await;
    b.wait_until(10, "Tokyo jobs", async |b: &Browser| b.job_titles().await.len() == 3).await;
    b.widget_element("button.clear").await.click().await.unwrap();

    // Workplace type (from the job's "Workplace Type" metadata), with search.
    b.choose("select#ghw_workplace", "Remote").await;
    b.wait_until(10, "remote jobs", async |b: &Browser| b.job_titles().await.len() == 9).await;
    b.widget_element("input[type=search]").await.send_keys("data").await.unwrap();
    b.wait_until(10, "remote data jobs", async |b: &Browser| b.job_titles().await.len() == 1).await;
    assert_eq!(b.job_titles().await, vec!["Data Engineer"]);

    // The filter state is in the host page's URL, prefixed, next to the host's own params.
    let url = b.client.current_url().await.unwrap();
    let q: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
    assert!(q.contains(&("ghw_wp".into(), "remote".into())), "{q:?}");
    assert!(q.contains(&("ghw_q".into(), "data".into())), "{q:?}");
    assert!(q.iter().any(|(k, _)| k == "board"), "host params survive: {q:?}");

    // Reloading restores the same view.
    b.client.refresh().await.unwrap();
    b.wait_until(30, "restored view", async |b: &Browser| b.job_titles().await == vec!["Data Engineer".to_string()]).await;
    assert_eq!(b.in_widget("return root.querySelector('input[type=search]').value").await, "data");
    assert_eq!(b.in_widget("return root.querySelector('select#ghw_workplace').value").await, "remote");
    assert!(b.console_errors().await.is_empty());
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_links_back_forward_and_json_ld() {
    let Some((_, host, b)) = setup().await else { return };
    let id = seeded_id("Data Engineer");
    let t = board("northwind", "deeplink");
    b.client.goto(&format!("{}/?board={t}&gh_jid={id}&gh_src=linkedin", host.base)).await.unwrap();
    b.wait_until(30, "the linked job", async |b: &Browser| {
        b.in_widget("const t = root && root.querySelector('.detail-title'); return t ? t.textContent : null").await == "Data Engineer"
    })
    .await;
    // gh_src is kept for the apply step.
    let apply = b.in_widget("return root.querySelector('a.apply').href").await;
    assert!(apply.as_str().unwrap().contains("gh_src=linkedin"), "{apply}");
    // JSON-LD describes the open job.
    let ld = b.json_ld().await;
    assert_eq!(ld.len(), 1);
    assert_eq!(ld[0]["@type"], "JobPosting");
    assert_eq!(ld[0]["title"], "Data Engineer");
    assert_eq!(ld[0]["hiringOrganization"]["name"], "Northwind Robotics");
    assert_eq!(ld[0]["jobLocationType"], "TELECOMMUTE", "a remote job");
    assert_eq!(ld[0]["identifier"]["value"], id.to_string());
    // The worker builds it; the widget adds the page that shows the job.
    let url = ld[0]["url"].as_str().unwrap_or_default();
    assert!(url.starts_with(&host.base) && url.contains(&format!("gh_jid={id}")), "{url}");
    assert!(ld[0]["description"].as_str().is_some_and(|d| d.len() > 100), "the description is back in: {}", ld[0]["description"]);

    // Back to the list (no history of ours yet: the widget's back adds the list entry).
    b.widget_element("button.back").await.click().await.unwrap();
    b.wait_until(10, "the list", async |b: &Browser| b.job_titles().await.len() == 44).await;
    assert!(b.json_ld().await.is_empty(), "no JSON-LD on the list");
    assert!(!b.client.current_url().await.unwrap().as_str().contains("gh_jid"));

    // Open another job, then the browser's back and forward.
    b.click_job("Quality Engineer").await;
    b.wait_until(10, "Quality Engineer", async |b: &Browser| {
        b.in_widget("const t = root.querySelector('.detail-title'); return t ? t.textContent : null").await == "Quality Engineer"
    })
    .await;
    let qe = seeded_id("Quality Engineer");
    assert!(b.client.current_url().await.unwrap().as_str().contains(&format!("gh_jid={qe}")));
    b.client.back().await.unwrap();
    b.wait_until(10, "back to the list", async |b: &Browser| b.job_titles().await.len() == 44).await;
    assert!(b.json_ld().await.is_empty());
    b.client.forward().await.unwrap();
    b.wait_until(10, "forward to the job", async |b: &Browser| {
        b.in_widget("const t = root.querySelector('.detail-title'); return t ? t.textContent : null").await == "Quality Engineer"
    })
    .await;
    assert_eq!(b.json_ld().await[0]["title"], "Quality Engineer");
    // Pay ranges from pay_transparency, formatted for the locale.
    b.client.back().await.unwrap();
    b.wait_until(10, "list", async |b: &Browser| b.job_titles().await.len() == 44).await;
    let paid = seed::northwind()
        .jobs
        .iter()
        .map(|j| (j["id"].as_u64().unwrap(), j["title"].as_str().unwrap().to_string()))
        .find(|(id, _)| id % 3 == 0)
        .unwrap();
    b.click_job(&paid.1).await;
    b.wait_until(10, "pay", async |b: &Browser| b.in_widget("return !!root.querySelector('.pay')").await == true).await;
    assert_eq!(b.in_widget("return root.querySelector('.pay li').textContent").await, "Base salary: $120,000 – $160,000");
    assert_eq!(b.json_ld().await[0]["baseSalary"]["currency"], "USD");
    assert!(b.console_errors().await.is_empty());
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_unknown_and_degraded_boards_say_what_happened() {
    let Some((s, host, b)) = setup().await else { return };
    // Empty board.
    b.client.goto(&format!("{}/?board={}", host.base, board("empty", "browser"))).await.unwrap();
    b.wait_until(30, "the empty state", async |b: &Browser| b.in_widget("return !!root && !!root.querySelector('.empty')").await == true).await;
    let text = b.in_widget("return root.querySelector('.empty').textContent").await;
    assert!(text.as_str().unwrap().contains("no open positions"), "{text}");
    assert!(b.in_widget("return root.querySelector('input[type=search]')").await.is_null(), "no search on an empty board");

    // Unknown board.
    b.client.goto(&format!("{}/?board=no-such-board", host.base)).await.unwrap();
    b.wait_until(30, "the error state", async |b: &Browser| b.in_widget("return !!root && !!root.querySelector('[role=alert]')").await == true).await;
    let text = b.in_widget("return root.querySelector('[role=alert]').textContent").await;
    assert!(text.as_str().unwrap().contains("could not be found"), "{text}");
    assert_eq!(b.in_widget("return root.querySelector('[role=alert] a').href").await, "https://job-boards.greenhouse.io/no-such-board");

    // Degraded: Greenhouse goes down after the first load; visitors still see the jobs.
    let t = board("northwind", "degraded");
    b.client.goto(&format!("{}/?board={t}", host.base)).await.unwrap();
    b.wait_until(30, "the list", async |b: &Browser| b.job_titles().await.len() == 44).await;
    assert!(b.in_widget("return root.querySelector('.notice')").await.is_null(), "no notice while fresh");
    s.fake.set_fault(&t, Fault::Down);
    tokio::time::sleep(std::time::Duration::from_millis(FRESH_SECONDS * 1000 + 300)).await;
    // A visitor after the freshness window gets the old copy at once while the worker tries
    // Greenhouse in the background; that attempt fails, so later visitors are told.
    let api = format!("{}/api/v1/boards/{t}/jobs", s.worker.base);
    for _ in 0..50 {
        let r = reqwest::get(&api).await.unwrap();
        if r.headers().get("x-cache").is_some_and(|v| v == "STALE") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The next visitor (a fresh browser, so nothing in its own HTTP cache) gets the last
    // good copy from the edge, with a quiet notice.
    b.close().await;
    let b = Browser::start().await;
    b.client.goto(&format!("{}/?board={t}", host.base)).await.unwrap();
    b.wait_until(30, "the stale list", async |b: &Browser| b.job_titles().await.len() == 44).await;
    let notice = b.in_widget("const n = root.querySelector('.notice'); return n ? n.textContent : null").await;
    assert!(notice.as_str().unwrap_or_default().contains("out of date"), "{notice}");

    // Total failure (down, nothing cached): a message, a retry and the hosted board.
    let t = board("northwind", "down-browser");
    s.fake.set_fault(&t, Fault::Down);
    b.client.goto(&format!("{}/?board={t}", host.base)).await.unwrap();
    b.wait_until(30, "the failure state", async |b: &Browser| b.in_widget("return !!root && !!root.querySelector('[role=alert]')").await == true)
        .await;
    assert!(b.in_widget("return root.querySelector('[role=alert]').textContent").await.as_str().unwrap().contains("could not be loaded"));
    assert!(!b.in_widget("return root.querySelector('[role=alert] button')").await.is_null(), "a retry button");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_widgets_hostile_css_german_and_options() {
    let Some((_, host, b)) = setup().await else { return };
    // Rules written to break embeds: they hit the widget's host div and every element type it
    // uses, with !important. Only the shadow root's own styles may reach inside.
    let hostile_css = "<style>div, section, ul, li, a, p, h2, h3, input, select, button, span { display: none !important; \
                       visibility: hidden !important; color: red !important; font-size: 2px !important; opacity: 0 !important; } \
                       main, h1 { display: block !important; visibility: visible !important; }</style>";
    let url = host.page(
        "two",
        "de",
        hostile_css,
        &format!(
            "<main><h1>Karriere</h1>\
             <div data-greenhouse-board=\"{a}\" data-departments=\"Sales\" data-group-by=\"office\"></div>\
             <script src=\"{{worker}}/widget.js\" data-board=\"{a}\" async></script>\
             <h2>Praktika</h2>\
             <script src=\"{{worker}}/widget.js\" data-board=\"{b}\" data-lang=\"en\" data-page-size=\"10\" data-layout=\"compact\" async></script></main>",
            a = board("northwind", "two-a"),
            b = board("northwind", "two-b"),
        ),
    );
    b.client.goto(&url).await.unwrap();
    b.wait_until(30, "both widgets", async |b: &Browser| b.job_titles_at(0).await.len() == 6 && b.job_titles_at(1).await.len() == 10).await;

    // Widget 1: German from the page's lang, limited to Sales (with children), grouped by office.
    assert_eq!(b.in_widget_at(0, "return root.querySelector('.count').textContent").await, "6 Stellen");
    assert_eq!(b.in_widget_at(0, "return root.querySelector('input').placeholder").await, "Nach Titel, Team oder Ort suchen");
    let groups = b.in_widget_at(0, "return [...root.querySelectorAll('.group h3')].map(h => h.textContent)").await;
    assert_eq!(groups, serde_json::json!(["Berlin", "New York", "Singapore", "Tokyo", "Toronto"]));
    // Widget 2: English by data-lang, compact, 10 per page with "show more".
    assert_eq!(b.in_widget_at(1, "return root.querySelector('.count').textContent").await, "44 jobs");
    b.in_widget_at(1, "root.querySelector('button.more').click(); return null").await;
    b.wait_until(10, "page two", async |b: &Browser| b.job_titles_at(1).await.len() == 20).await;

    // They are independent: searching one leaves the other alone, each in its own URL params.
    b.in_widget_at(1, "const i = root.querySelector('input'); i.value = 'manager'; i.dispatchEvent(new Event('input')); return null").await;
    b.wait_until(10, "widget 2 filtered", async |b: &Browser| b.job_titles_at(1).await.len() == 4).await;
    assert_eq!(b.job_titles_at(0).await.len(), 6);
    let url = b.client.current_url().await.unwrap();
    assert!(url.query_pairs().any(|(k, v)| k == "ghw2_q" && v == "manager"), "{url}");
    assert!(!url.query_pairs().any(|(k, _)| k == "ghw_q"), "{url}");

    // Hostile host CSS did not reach inside: the widgets are visible and styled by us.
    let visible = b
        .in_widget_at(
            0,
            "const a = root.querySelector('.job-title'); const r = a.getBoundingClientRect(); \
                                      const cs = getComputedStyle(a); return [r.width > 50, r.height > 10, cs.visibility, cs.display, cs.fontSize]",
        )
        .await;
    assert_eq!(visible, serde_json::json!([true, true, "visible", "block", "16px"]));
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "{errors:#?}");
    screenshot("two-widgets-hostile-css.png", b.client.screenshot().await.unwrap());
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn german_detail_formats_dates_and_pay_for_the_locale() {
    let Some((_, host, b)) = setup().await else { return };
    let paid = seed::northwind().jobs.iter().map(|j| j["id"].as_u64().unwrap()).find(|id| id % 3 == 0).unwrap();
    let url = host.page(
        "de",
        "de-DE",
        "",
        &format!("<main><script src=\"{{worker}}/widget.js\" data-board=\"{}\" async></script></main>", board("northwind", "de")),
    );
    b.client.goto(&format!("{url}?gh_jid={paid}")).await.unwrap();
    b.wait_until(30, "the pay block", async |b: &Browser| b.in_widget("return !!root && !!root.querySelector('.pay li')").await == true).await;
    assert_eq!(b.in_widget("return root.querySelector('.back').textContent").await, "← Alle Stellen");
    assert_eq!(b.in_widget("return root.querySelector('.pay h3').textContent").await, "Gehalt");
    let pay = b.in_widget("return root.querySelector('.pay li').textContent").await;
    assert_eq!(pay.as_str().unwrap().replace('\u{a0}', " "), "Base salary: 120.000 $ – 160.000 $");
    let posted = b.in_widget("return root.querySelector('.posted').textContent").await;
    assert!(posted.as_str().unwrap().contains(".10.2026"), "German date format: {posted}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_and_detail_have_no_accessibility_violations() {
    let Some((_, host, b)) = setup().await else { return };
    b.client.goto(&format!("{}/?board={}", host.base, board("northwind", "axe"))).await.unwrap();
    b.wait_until(30, "the job list", async |b: &Browser| b.job_titles().await.len() == 44).await;
    let list = b.axe_violations().await;
    assert!(list.is_empty(), "list view: {list:#?}");
    b.click_job("Security Engineer").await;
    b.wait_until(10, "the detail", async |b: &Browser| b.in_widget("return !!root.querySelector('.description')").await == true).await;
    b.wait_until(15, "the application form", async |b: &Browser| b.in_widget("return !!root.querySelector('.apply form')").await == true).await;
    let detail = b.axe_violations().await;
    assert!(detail.is_empty(), "detail view: {detail:#?}");
    // Keyboard: the search box and every filter are reachable with Tab and labelled.
    b.widget_element("button.back").await.click().await.unwrap();
    b.wait_until(10, "list", async |b: &Browser| b.job_titles().await.len() == 44).await;
    let labelled: Value = b.in_widget("return [...root.querySelectorAll('input, select')].every(e => e.labels && e.labels.length === 1)").await;
    assert_eq!(labelled, true);
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_page_shows_the_seeded_board() {
    let Some((s, _, b)) = setup().await else { return };
    b.client.goto(&format!("{}/", s.worker.base)).await.unwrap();
    b.wait_until(30, "the demo board", async |b: &Browser| b.job_titles().await.len() == 44).await;
    screenshot("demo.png", b.client.screenshot().await.unwrap());
    assert!(b.console_errors().await.is_empty());
    b.close().await;
}

async fn fill(b: &Browser, css: &str, text: &str) {
    b.widget_element(css).await.send_keys(text).await.unwrap();
}

/// Records the widget's `greenhouse-jobs:*` events at the document, as a host app would.
async fn record_events(b: &Browser) {
    b.client
        .execute(
            "window.__ev = []; ['open', 'apply-start', 'applied'].forEach(function (n) { \
             document.addEventListener('greenhouse-jobs:' + n, function (e) { window.__ev.push([n, e.detail]); }); }); return null",
            vec![],
        )
        .await
        .unwrap();
}

async fn open_form(b: &Browser, host: &HostSite, board: &str, job: u64, extra: &str) {
    b.client.goto(&format!("{}/?board={board}&gh_jid={job}{extra}", host.base)).await.unwrap();
    b.wait_until(30, "the application form", async |b: &Browser| b.in_widget("return !!root && !!root.querySelector('.apply form')").await == true)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_applies_from_the_widget() {
    let Some((s, host, b)) = setup().await else { return };
    let board = "northwind--apply-browser";
    let job = seed::northwind().jobs.iter().map(|j| j["id"].as_u64().unwrap()).find(|id| id % 2 == 0).unwrap();
    open_form(&b, &host, board, job, "&gh_src=referral42").await;
    record_events(&b).await;

    fill(&b, "#ghw_f-first_name", "Grace").await;
    fill(&b, "#ghw_f-last_name", "Hopper").await;
    fill(&b, "#ghw_f-email", "grace@example.com").await;
    fill(&b, "#ghw_f-phone", "+1 212 555 0100").await;
    let q = |n: u64| format!("question_{}", job % 100_000 + n);
    b.widget_element(&format!("select[name={}]", q(2))).await.select_by_value("1").await.unwrap();
    b.widget_element(&format!("input[name={}][value='11']", q(3))).await.click().await.unwrap();
    b.widget_element(&format!("input[name={}][value='13']", q(3))).await.click().await.unwrap();
    b.widget_element("select[name=gender]").await.select_by_value("2").await.unwrap();
    b.widget_element("input[name=demographic_4400000001][value='4400000013']").await.click().await.unwrap();
    fill(&b, "input[name=demographic_4400000001_4400000013]", "they/them").await;
    b.widget_element("input[name=gdpr_processing_consent_given]").await.click().await.unwrap();
    let cv = std::env::temp_dir().join(format!("grace-cv-{}.pdf", std::process::id()));
    std::fs::write(&cv, b"%PDF-1.4 Grace Hopper CV").unwrap();
    b.widget_element("input[name=resume]").await.send_keys(cv.to_str().unwrap()).await.unwrap();
    b.widget_element("button[type=submit]").await.click().await.unwrap();
    b.wait_until(20, "the confirmation", async |b: &Browser| b.in_widget("return !!root.querySelector('.success')").await == true).await;
    assert!(b.in_widget("return root.querySelector('.success').textContent").await.as_str().unwrap().contains("received"));
    // The host app heard the application start and go through: the job and the outcome, no
    // personal data.
    assert_eq!(
        b.client.execute("return window.__ev", vec![]).await.unwrap(),
        serde_json::json!([["apply-start", {"jobId": job}], ["applied", {"jobId": job, "outcome": "submitted"}]])
    );

    let got: Vec<_> = s.fake.applications().into_iter().filter(|a| a.board == board).collect();
    assert_eq!(got.len(), 1);
    let a = &got[0];
    use base64::Engine;
    let key = seed::job_board_api_key("northwind");
    assert_eq!(a.authorization.clone().unwrap(), format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))));
    let f = |k: &str| a.fields.get(k).cloned().unwrap_or_default();
    assert_eq!(f("first_name"), vec!["Grace"]);
    assert_eq!(f("last_name"), vec!["Hopper"]);
    assert_eq!(f("email"), vec!["grace@example.com"]);
    assert_eq!(f("phone"), vec!["+1 212 555 0100"]);
    assert_eq!(f(&q(2)), vec!["1"]);
    assert_eq!(f(&q(3)), vec!["11", "13"]);
    assert_eq!(f("gender"), vec!["2"]);
    assert_eq!(f("mapped_url_token"), vec!["referral42"], "gh_src from the host page");
    assert_eq!(f("demographic_answers"), vec![r#"{"answer_options":[{"answer_option_id":4400000013,"text":"they/them"}],"question_id":4400000001}"#]);
    assert!(f("data_compliance")[0].contains(r#""gdpr_processing_consent_given":true"#));
    assert_eq!(a.files.get("resume"), Some(&(cv.file_name().unwrap().to_string_lossy().to_string(), 24)));
    let expected: std::collections::BTreeSet<&str> =
        ["first_name", "last_name", "email", "phone", "gender", "mapped_url_token", "applicant_ip", "demographic_answers", "data_compliance"]
            .into_iter()
            .collect();
    let mut keys: std::collections::BTreeSet<String> = a.fields.keys().cloned().collect();
    keys.remove(&q(2));
    keys.remove(&q(3));
    assert_eq!(keys.iter().map(String::as_str).collect::<std::collections::BTreeSet<_>>(), expected, "exactly these fields");

    // The key is in no page the visitor saw.
    let page = b.client.source().await.unwrap() + &b.in_widget("return root.innerHTML").await.to_string();
    assert!(!page.contains(&key));
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "{errors:#?}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn required_fields_and_bad_files_are_flagged_inline_and_nothing_is_sent() {
    let Some((s, host, b)) = setup().await else { return };
    let board = "northwind--apply-browser-bad";
    let job = seed::northwind().jobs.iter().map(|j| j["id"].as_u64().unwrap()).find(|id| id % 2 == 1).unwrap();
    open_form(&b, &host, board, job, "").await;
    b.widget_element("button[type=submit]").await.click().await.unwrap();
    b.wait_until(10, "inline errors", async |b: &Browser| b.in_widget("return !root.querySelector('.error-summary').hidden").await == true).await;
    let shown = b.in_widget("return [...root.querySelectorAll('.field-error:not([hidden])')].map(e => e.id)").await;
    let ids: Vec<String> = serde_json::from_value(shown).unwrap();
    for f in ["first_name", "last_name", "email", "resume"] {
        assert!(ids.contains(&format!("ghw_f-{f}-err")), "{f} flagged: {ids:?}");
    }
    assert_eq!(b.in_widget("return root.querySelector('#ghw_f-email').getAttribute('aria-invalid')").await, "true");
    assert_eq!(b.in_widget("return root.activeElement && root.activeElement.className").await, "error-summary", "focus on the summary");

    // Everything filled, but the resume is an .exe: the file is refused before sending.
    fill(&b, "#ghw_f-first_name", "Eve").await;
    fill(&b, "#ghw_f-last_name", "Mallory").await;
    fill(&b, "#ghw_f-email", "eve@example.com").await;
    b.widget_element(&format!("select[name=question_{}]", job % 100_000 + 2)).await.select_by_value("0").await.unwrap();
    let exe = std::env::temp_dir().join(format!("cv-{}.exe", std::process::id()));
    std::fs::write(&exe, b"MZ not a resume").unwrap();
    b.widget_element("input[name=resume]").await.send_keys(exe.to_str().unwrap()).await.unwrap();
    b.widget_element("button[type=submit]").await.click().await.unwrap();
    b.wait_until(10, "the file error", async |b: &Browser| {
        b.in_widget("const e = root.querySelector('#ghw_f-resume-err'); return !!e && !e.hidden && e.textContent.includes('PDF')").await == true
    })
    .await;
    let first = b.in_widget("const e = root.querySelector('#ghw_f-first_name-err'); return e.hidden").await;
    assert_eq!(first, true, "fixed fields are no longer flagged");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(s.fake.applications().iter().all(|a| a.board != board), "nothing reached Greenhouse");
    b.close().await;
}

/// Issue 9: while Greenhouse is down, the candidate is told the application is safe and
/// will be sent on by itself (not just "received", not an error asking them to retry).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_application_tells_the_candidate_what_happens_next() {
    let Some((s, host, b)) = setup().await else { return };
    let board = "northwind--apply-browser-queued";
    let job = seed::northwind().jobs.iter().map(|j| j["id"].as_u64().unwrap()).find(|id| id % 2 == 1).unwrap();
    open_form(&b, &host, board, job, "").await;
    s.fake.set_fault(board, e2e::Fault::Down);
    record_events(&b).await;
    fill(&b, "#ghw_f-first_name", "Ada").await;
    fill(&b, "#ghw_f-last_name", "Lovelace").await;
    fill(&b, "#ghw_f-email", "ada@example.com").await;
    b.widget_element(&format!("select[name=question_{}]", job % 100_000 + 2)).await.select_by_value("1").await.unwrap();
    fill(&b, "textarea[name=resume_text]", "Notes on the Analytical Engine").await;
    b.widget_element("button[type=submit]").await.click().await.unwrap();
    b.wait_until(20, "the confirmation", async |b: &Browser| b.in_widget("return !!root.querySelector('.success')").await == true).await;
    let text = b.in_widget("return root.querySelector('.success').textContent").await;
    let text = text.as_str().unwrap();
    assert!(text.contains("automatically") && text.contains("do not need to apply again"), "{text}");
    assert_eq!(b.client.execute("return window.__ev[1]", vec![]).await.unwrap(), serde_json::json!(["applied", {"jobId": job, "outcome": "queued"}]));
    s.fake.set_fault(board, e2e::Fault::None);
    b.close().await;
}
