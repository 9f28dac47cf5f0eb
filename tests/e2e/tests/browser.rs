//! The widget in headless Chromium, embedded cross-origin by a host page with one script
//! tag, served by the real worker under `wrangler dev` in front of the fake.

use e2e::browser::{self, start_host_site, Browser};
use e2e::{board, stack};
use greenhouse_fake::seed;

async fn shared_stack() -> &'static e2e::Stack {
    tokio::task::spawn_blocking(stack).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_browses_searches_and_opens_a_job() {
    if !browser::available() {
        return;
    }
    let s = shared_stack().await;
    let host = start_host_site(s.worker.base.clone()).await;
    let b = Browser::start().await;
    let token = board("northwind", "browser");
    b.client.goto(&format!("{host}/?board={token}")).await.unwrap();

    // Every job of the seeded board is listed.
    b.wait_until(30, "the job list", async |b: &Browser| b.job_titles().await.len() == 44).await;
    let mut shown = b.job_titles().await;
    let mut expected: Vec<String> =
        seed::northwind().jobs.iter().map(|j| j["title"].as_str().unwrap().trim().to_string()).collect();
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected);
    let count = b.in_widget("return root.querySelector('.count').textContent").await;
    assert_eq!(count, "44 jobs");

    // Typing narrows the list (accent-insensitive: "zurich" finds Zürich).
    b.widget_element("input[type=search]").await.send_keys("zurich").await.unwrap();
    b.wait_until(10, "search results", async |b: &Browser| b.job_titles().await.len() == 3).await;
    let mut narrowed = b.job_titles().await;
    narrowed.sort();
    assert_eq!(
        narrowed,
        vec!["Embedded Software Engineer (Rust)", "Ingénieur·e logiciel embarqué", "Research Scientist, Reinforcement Learning"]
    );
    assert_eq!(b.in_widget("return root.querySelector('.count').textContent").await, "3 jobs");

    // Opening a job shows its description, location and apply link.
    b.click_job("Embedded Software Engineer (Rust)").await;
    b.wait_until(10, "the job detail", async |b: &Browser| {
        b.in_widget("const d = root.querySelector('.description'); return !!d && d.textContent.includes('About the role');").await == true
    })
    .await;
    let title = b.in_widget("return root.querySelector('.detail-title').textContent").await;
    assert_eq!(title, "Embedded Software Engineer (Rust)");
    let described = b.in_widget("return root.querySelector('.description').textContent").await;
    assert!(described.as_str().unwrap().contains("As our Embedded Software Engineer (Rust) in Robotics Software"));
    let apply = b.in_widget("return root.querySelector('a.apply').href").await;
    assert!(apply.as_str().unwrap().starts_with("https://job-boards.greenhouse.io/northwind/jobs/"), "{apply}");
    assert_eq!(b.job_titles().await.len(), 0, "the list is hidden behind the detail");

    // Back returns to the list with the search kept.
    b.widget_element("button.back").await.click().await.unwrap();
    b.wait_until(10, "the list again", async |b: &Browser| b.job_titles().await.len() == 3).await;

    // The host page's own DOM is untouched except for the widget's host element.
    let light_dom = b.client.execute("return document.querySelector('[data-greenhouse-board]').children.length", vec![]).await.unwrap();
    assert_eq!(light_dom, 0, "the widget renders only inside its shadow root");

    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");

    // A picture of what a visitor sees, for people reading the test output.
    let png = b.client.screenshot().await.unwrap();
    let dir = e2e::root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("visitor-search.png"), png).unwrap();
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_board_shows_a_clear_message_and_a_way_out() {
    if !browser::available() {
        return;
    }
    let s = shared_stack().await;
    let host = start_host_site(s.worker.base.clone()).await;
    let b = Browser::start().await;
    b.client.goto(&format!("{host}/?board=no-such-board")).await.unwrap();
    b.wait_until(30, "the error state", async |b: &Browser| {
        b.in_widget("return !!root && !!root.querySelector('[role=alert]')").await == true
    })
    .await;
    let text = b.in_widget("return root.querySelector('[role=alert]').textContent").await;
    assert!(text.as_str().unwrap().contains("could not be found"), "{text}");
    let link = b.in_widget("return root.querySelector('[role=alert] a').href").await;
    assert_eq!(link, "https://job-boards.greenhouse.io/no-such-board");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_page_shows_the_seeded_board() {
    if !browser::available() {
        return;
    }
    let s = shared_stack().await;
    let b = Browser::start().await;
    b.client.goto(&format!("{}/", s.worker.base)).await.unwrap();
    b.wait_until(30, "the demo board", async |b: &Browser| b.job_titles().await.len() == 44).await;
    let png = b.client.screenshot().await.unwrap();
    let dir = e2e::root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("demo.png"), png).unwrap();
    assert!(b.console_errors().await.is_empty());
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gh_jid_on_the_host_page_opens_that_job() {
    if !browser::available() {
        return;
    }
    let s = shared_stack().await;
    let host = start_host_site(s.worker.base.clone()).await;
    let b = Browser::start().await;
    let job = seed::northwind().jobs.iter().find(|j| j["title"] == "Data Engineer").unwrap()["id"].as_u64().unwrap();
    b.client.goto(&format!("{host}/?board={}&gh_jid={job}", board("northwind", "deeplink"))).await.unwrap();
    b.wait_until(30, "the linked job", async |b: &Browser| {
        b.in_widget("const t = root && root.querySelector('.detail-title'); return t ? t.textContent : null").await == "Data Engineer"
    })
    .await;
    assert!(b.console_errors().await.is_empty());
    b.close().await;
}
