//! The first paint from the edge in headless Chromium: `widget.js` shows the worker's
//! fragment before any wasm arrives; with the wasm blocked the board still works as links to
//! the crawlable pages; and when the wasm takes over nothing on screen moves.

use e2e::board;
use e2e::browser::{setup, Browser};
use serde_json::{json, Value};

/// Runs `body` with `sr`, the first widget's shadow root (fragment or not).
async fn in_shadow(b: &Browser, body: &str) -> Value {
    let script = format!("const host = document.querySelector('[data-greenhouse-board]'); const sr = host && host.shadowRoot; {body}");
    b.client.execute(&script, vec![]).await.expect("script runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_wasm_blocked_the_board_still_works_as_links() {
    let Some((s, host, b)) = setup().await else { return };
    b.cdp("Network.enable", json!({})).await;
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*gh_widget_bg.wasm*"]})).await;
    let token = board("northwind", "no-wasm");
    b.client.goto(&format!("{}/?board={token}", host.base)).await.unwrap();

    b.wait_until(20, "the first paint, its filters gone once the wasm failed", async |b: &Browser| {
        in_shadow(b, "return !!sr && !!sr.querySelector('[data-fragment] .job') && !sr.querySelector('.filters')").await == true
    })
    .await;
    let titles = in_shadow(&b, "return [...sr.querySelectorAll('.job-title')].length").await;
    assert_eq!(titles, 44, "every job, grouped");
    assert_eq!(in_shadow(&b, "return sr.querySelector('.count').textContent").await, "44 jobs");
    assert!(in_shadow(&b, "return sr.querySelectorAll('.group h3').length").await.as_u64().unwrap() > 1, "grouped by department");
    assert_eq!(in_shadow(&b, "return sr.querySelectorAll('.ghw').length").await, 1, "no live widget beside it");
    let href = in_shadow(&b, "return sr.querySelector('.job-title').href").await;
    let href = href.as_str().unwrap().to_string();
    assert!(href.starts_with(&format!("{}/boards/{token}/jobs/", s.worker.base)), "a crawlable job page: {href}");
    assert!(b.axe_violations().await.is_empty(), "{:?}", b.axe_violations().await);

    // A visitor clicks through to the job's own page.
    let title = in_shadow(&b, "return sr.querySelector('.job-title').textContent").await;
    in_shadow(&b, "sr.querySelector('.job-title').click(); return true").await;
    b.wait_until(10, "the job's page", async |b: &Browser| b.client.current_url().await.is_ok_and(|u| u.as_str() == href)).await;
    let h1 = b.client.find(fantoccini::Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(Value::from(h1), title, "the job's page");
    b.close().await;
}

/// Records, every frame, where the first listed job is (in the first paint, then in the live
/// widget), from before `widget.js` runs.
const WATCH: &str = r#"<script>
window.__frames = [];
(function tick() {
  var host = document.querySelector('[data-greenhouse-board]');
  var sr = host && host.shadowRoot;
  if (sr) {
    var live = sr.querySelector('.ghw:not([data-fragment])');
    var shown = live && live.style.display !== 'none' ? live : sr.querySelector('[data-fragment]');
    var job = shown && shown.querySelector('.job');
    if (job) {
      var r = job.getBoundingClientRect();
      window.__frames.push({fragment: shown.hasAttribute('data-fragment'), x: r.left, y: r.top, w: r.width, h: r.height, t: performance.now()});
    } else if (window.__frames.length) {
      window.__frames.push({blank: true, t: performance.now()});
    }
  }
  requestAnimationFrame(tick);
})();
</script>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wasm_takes_over_without_a_jump() {
    let Some((_, host, b)) = setup().await else { return };
    let token = board("northwind", "takeover");
    let page = host.page(
        "takeover",
        "en",
        "",
        &format!("<main><h1>Careers</h1>{WATCH}<script src=\"{{worker}}/widget.js\" data-board=\"{token}\" async></script></main>"),
    );
    // As visitors meet it: the board already in the worker's cache (a cold board's first paint
    // waits for Greenhouse, and the wasm, a static file, may then be drawn first).
    let warm = format!("{}/api/v1/boards/{token}/fragment", e2e::stack().worker.base);
    assert!(reqwest::get(&warm).await.unwrap().status().is_success());
    b.client.goto(&page).await.unwrap();
    b.wait_until(30, "the live widget", async |b: &Browser| b.job_titles().await.len() == 44).await;
    // A few more frames after the swap.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let frames = b.client.execute("return window.__frames", vec![]).await.unwrap();
    let frames = frames.as_array().cloned().unwrap_or_default();
    let first = frames.iter().find(|f| f["fragment"] == true).expect("the first paint was on screen before the wasm");
    let before = frames.iter().rev().find(|f| f["fragment"] == true).unwrap();
    let after = frames.iter().find(|f| f["fragment"] == false).expect("the live widget took over");
    assert!(first["t"].as_f64() < after["t"].as_f64());
    assert!(frames.iter().all(|f| f["blank"] != true), "a frame without jobs once they were on screen: {frames:?}");
    for k in ["x", "y", "w", "h"] {
        let d = (before[k].as_f64().unwrap() - after[k].as_f64().unwrap()).abs();
        assert!(d < 2.0, "the first job moved by {d} px in {k} when the wasm took over: {before} → {after}");
    }
    // The live widget works: search narrows the list.
    b.widget_element("input[type=search]").await.send_keys("zurich").await.unwrap();
    b.wait_until(10, "search results", async |b: &Browser| b.job_titles().await.len() == 3).await;
    assert!(b.console_errors().await.is_empty());
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_chosen_before_the_wasm_arrives_opens_in_place() {
    let Some((_, host, b)) = setup().await else { return };
    let token = board("northwind", "early-click");
    let warm = format!("{}/api/v1/boards/{token}/fragment", e2e::stack().worker.base);
    assert!(reqwest::get(&warm).await.unwrap().status().is_success());
    // A slow line: the small first paint arrives long before the wasm.
    b.cdp("Network.enable", json!({})).await;
    b.cdp("Network.emulateNetworkConditions", json!({"offline": false, "latency": 0, "downloadThroughput": 40_000, "uploadThroughput": 40_000}))
        .await;
    let page = format!("{}/?board={token}&gh_src=newsletter", host.base);
    b.client.goto(&page).await.unwrap();
    b.wait_until(20, "the first paint", async |b: &Browser| in_shadow(b, "return !!sr && !!sr.querySelector('[data-fragment] .job')").await == true)
        .await;
    let live = in_shadow(&b, "return sr.querySelectorAll('.ghw').length").await;
    assert_eq!(live, 1, "chosen before the wasm is there");
    in_shadow(&b, "[...sr.querySelectorAll('[data-fragment] .job-title')].find(a => a.textContent === 'Security Engineer').click(); return true")
        .await;
    let url = b.client.current_url().await.unwrap();
    assert!(url.as_str().starts_with(&host.base) && url.as_str().contains("gh_jid="), "still on the host page, the job in its URL: {url}");
    b.cdp("Network.emulateNetworkConditions", json!({"offline": false, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})).await;
    b.wait_until(30, "the job open in place", async |b: &Browser| {
        b.in_widget("return !!root && !!root.querySelector('.detail-title') && root.querySelector('.detail-title').textContent").await
            == "Security Engineer"
    })
    .await;
    let url = b.client.current_url().await.unwrap();
    assert!(url.as_str().contains("gh_src=newsletter"), "the host page's tracking kept: {url}");
    b.close().await;
}
