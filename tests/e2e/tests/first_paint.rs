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

/// Whether the page asked the worker for a first paint (a `/fragment` request).
async fn fetched_a_fragment(b: &Browser) -> bool {
    b.client.execute("return performance.getEntriesByType('resource').some(e => e.name.includes('/fragment?'))", vec![]).await.unwrap() == true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_script_carries_its_first_paint_and_the_wasm_takes_over() {
    let Some((s, host, b)) = setup().await else { return };
    let token = board("northwind", "board-script");
    let tag = format!("<script src=\"{{worker}}/boards/{token}/widget.js?group_by=office\" async></script>");

    // The wasm blocked: the script alone shows the board, grouped as its URL asks, as links,
    // and nothing else was asked for it.
    b.cdp("Network.enable", json!({})).await;
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*gh_widget_bg.wasm*"]})).await;
    let page = host.page("board-script", "en", "", &format!("<main><h1>Careers</h1>{tag}</main>"));
    b.client.goto(&page).await.unwrap();
    b.wait_until(20, "the first paint, its filters gone once the wasm failed", async |b: &Browser| {
        in_shadow(b, "return !!sr && !!sr.querySelector('[data-fragment] .job') && !sr.querySelector('.filters')").await == true
    })
    .await;
    assert_eq!(in_shadow(&b, "return sr.querySelectorAll('.job-title').length").await, 44);
    assert_eq!(in_shadow(&b, "return sr.querySelector('.count').textContent").await, "44 jobs");
    let groups = in_shadow(&b, "return [...sr.querySelectorAll('.group h3')].map(h => h.textContent)").await;
    assert!(groups.as_array().unwrap().iter().any(|g| g == "Zürich"), "grouped by office: {groups}");
    assert!(!fetched_a_fragment(&b).await, "the first paint came with the script");
    let href = in_shadow(&b, "return sr.querySelector('.job-title').href").await;
    assert!(href.as_str().unwrap().starts_with(&format!("{}/boards/{token}/jobs/", s.worker.base)), "{href}");
    let marks = b.client.execute("return performance.getEntriesByType('mark').map(m => m.name)", vec![]).await.unwrap();
    assert_eq!(marks, json!(["greenhouse-jobs:loader", "greenhouse-jobs:first-paint"]), "the host's RUM marks");

    // With the wasm: it takes over the same board, search works.
    b.cdp("Network.setBlockedURLs", json!({"urls": []})).await;
    b.client.goto(&page).await.unwrap();
    b.wait_until(30, "the live widget", async |b: &Browser| b.job_titles().await.len() == 44).await;
    assert!(!fetched_a_fragment(&b).await);
    assert_eq!(in_shadow(&b, "return sr.querySelectorAll('.ghw').length").await, 1, "the first paint was taken over");
    b.widget_element("input[type=search]").await.send_keys("zurich").await.unwrap();
    b.wait_until(10, "search results", async |b: &Browser| b.job_titles().await.len() == 3).await;

    // A page in German, the script drawn in English: the loader fetches the German first paint.
    let de = host.page("board-script-de", "de", "", &format!("<main><h1>Karriere</h1>{tag}</main>"));
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*gh_widget_bg.wasm*"]})).await;
    b.client.goto(&de).await.unwrap();
    b.wait_until(20, "the German first paint", async |b: &Browser| {
        in_shadow(b, "return !!sr && !!sr.querySelector('[data-fragment] .count') && sr.querySelector('.count').textContent").await == "44 Stellen"
    })
    .await;
    assert!(fetched_a_fragment(&b).await, "drawn for other options: fetched");
    b.close().await;
}

#[test]
fn a_board_script_is_the_loader_with_the_board_drawn_for_its_options() {
    let s = e2e::stack();
    let token = board("northwind", "board-script-api");
    let url = format!("{}/boards/{token}/widget.js?group_by=office&lang=de&index=4&ghw_q=x&count=1", s.worker.base);
    let r = reqwest::blocking::get(&url).unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(r.headers()["cache-tag"].to_str().unwrap(), format!("board:{token}"));
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("max-age=60"), "as fresh as the listing");
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let body = r.text().unwrap();
    let loader = std::fs::read_to_string(e2e::root().join("dist/assets/widget.js")).unwrap();
    assert!(body.ends_with(&loader), "the deployed loader (minified), whole");
    let payload = body.strip_prefix("(function (s) { if (s) s.__ghwFirst = ").unwrap().split_once("; })(document.currentScript);\n").unwrap().0;
    let p: Value = serde_json::from_str(payload).unwrap();
    assert_eq!((p["board"].as_str(), p["key"].as_str(), p["lang"].as_str()), (Some(token.as_str()), Some("group_by=office"), Some("de")));
    assert_eq!(p["base"].as_str(), Some(format!("{}/", s.worker.base).as_str()));
    let html = p["html"].as_str().unwrap();
    assert!(html.contains("data-fragment") && html.contains("44 Stellen"), "the board, in German");
    assert!(!html.contains("ghw5_") && !payload.contains('<'), "no other widget's prefix, nothing that could close a script");
    // Revalidated like the listing.
    let r = reqwest::blocking::Client::new().get(&url).header("If-None-Match", &etag).send().unwrap();
    assert_eq!(r.status(), 304);
    // A board that cannot be drawn still gets the loader, briefly cached, to show its own state.
    let r = reqwest::blocking::get(format!("{}/boards/no-such-board/widget.js", s.worker.base)).unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "public, max-age=10");
    let body = r.text().unwrap();
    assert!(body.contains("\"html\":null") && body.ends_with(&loader));
    // A malformed token is the API's usual error.
    let r = reqwest::blocking::get(format!("{}/boards/bad%20token/widget.js", s.worker.base)).unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_board_scripts_on_a_page_each_paint_their_own_and_keep_apart() {
    let Some((_, host, b)) = setup().await else { return };
    let (one, two) = (board("northwind", "script-one"), board("northwind", "script-two"));
    let page = host.page(
        "two-board-scripts",
        "en",
        "",
        &format!(
            "<main><h1>Careers</h1><script src=\"{{worker}}/boards/{one}/widget.js\" async></script>\
             <script src=\"{{worker}}/boards/{two}/widget.js?layout=compact&page_size=10\" async></script></main>"
        ),
    );
    // Each one's first paint is its own, from its script: the wasm blocked, no request for one.
    b.cdp("Network.enable", json!({})).await;
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*gh_widget_bg.wasm*"]})).await;
    b.client.goto(&page).await.unwrap();
    let shown = "return [...document.querySelectorAll('[data-greenhouse-board]')].map(h => h.shadowRoot ? h.shadowRoot.querySelectorAll('[data-fragment] .job').length : 0)";
    b.wait_until(20, "both first paints", async |b: &Browser| b.client.execute(shown, vec![]).await.unwrap() == json!([44, 10])).await;
    assert!(!fetched_a_fragment(&b).await);

    // Live: numbered by their place in the page, whichever ran first; searching the second
    // writes its own parameters only.
    b.cdp("Network.setBlockedURLs", json!({"urls": []})).await;
    b.client.goto(&page).await.unwrap();
    b.wait_until(30, "both widgets", async |b: &Browser| b.job_titles_at(0).await.len() == 44 && b.job_titles_at(1).await.len() == 10).await;
    b.in_widget_at(1, "const i = root.querySelector('input'); i.value = 'manager'; i.dispatchEvent(new Event('input')); return null").await;
    b.wait_until(10, "widget 2 filtered", async |b: &Browser| b.job_titles_at(1).await.len() == 4).await;
    assert_eq!(b.job_titles_at(0).await.len(), 44);
    let url = b.client.current_url().await.unwrap();
    assert!(url.query_pairs().any(|(k, v)| k == "ghw2_q" && v == "manager") && !url.query_pairs().any(|(k, _)| k == "ghw_q"), "{url}");
    // Reloaded with that filter in the URL: the second draws it (fetched: its script drew the
    // unfiltered board), the first still shows its script's.
    b.client.goto(url.as_str()).await.unwrap();
    b.wait_until(30, "the filter kept", async |b: &Browser| b.job_titles_at(1).await.len() == 4 && b.job_titles_at(0).await.len() == 44).await;
    assert!(fetched_a_fragment(&b).await, "the filtered one fetched its first paint");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_include_shows_the_board_with_no_script_and_the_wasm_takes_it_over() {
    let Some((s, host, b)) = setup().await else { return };
    let token = board("northwind", "include");
    // What a host's server (or its static build) puts into its page, fetched as it would.
    let include = reqwest::get(format!("{}/boards/{token}/include.html?group_by=office", s.worker.base)).await.unwrap().text().await.unwrap();
    let page = host.page("include", "en", "", &format!("<main><h1>Careers</h1>{WATCH}{include}</main>"));

    // No script of ours at all (the loader blocked): the board is in the page, grouped as
    // asked, its links to the job pages.
    b.cdp("Network.enable", json!({})).await;
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*/widget.js*"]})).await;
    b.client.goto(&page).await.unwrap();
    b.wait_until(10, "the included board", async |b: &Browser| {
        in_shadow(b, "return !!sr && !!sr.querySelector('[data-fragment] .job')").await == true
    })
    .await;
    assert_eq!(in_shadow(&b, "return sr.querySelectorAll('.job-title').length").await, 44);
    let groups = in_shadow(&b, "return [...sr.querySelectorAll('.group h3')].map(h => h.textContent)").await;
    assert!(groups.as_array().unwrap().iter().any(|g| g == "Zürich"), "grouped by office: {groups}");
    let href = in_shadow(&b, "return sr.querySelector('.job-title').href").await;
    assert!(href.as_str().unwrap().starts_with(&format!("{}/boards/{token}/jobs/", s.worker.base)), "{href}");
    let asked = b.client.execute("return performance.getEntriesByType('resource').map(e => e.name)", vec![]).await.unwrap();
    let blocked = format!("{}/widget.js", s.worker.base);
    assert!(
        asked.as_array().unwrap().iter().all(|n| !n.as_str().unwrap().starts_with(&s.worker.base) || n == &Value::from(blocked.as_str())),
        "nothing from the worker but the blocked loader: {asked}"
    );

    // With the loader: no first paint asked for, the wasm takes the board over where it is
    // (the first job moves by less than 2 px), grouped the same, and search works. The
    // include was built by an older deploy (its style sheet differs): the live board gets the
    // current one.
    let old = include.replacen("<style>", "<style>/* an older deploy */", 1);
    let page = host.page("include-old", "en", "", &format!("<main><h1>Careers</h1>{WATCH}{old}</main>"));
    b.cdp("Network.setBlockedURLs", json!({"urls": []})).await;
    b.client.goto(&page).await.unwrap();
    b.wait_until(30, "the live widget", async |b: &Browser| b.job_titles().await.len() == 44).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!fetched_a_fragment(&b).await, "the board came with the page");
    assert_eq!(in_shadow(&b, "return sr.querySelectorAll('.ghw').length").await, 1, "the included board was taken over");
    let frames = b.client.execute("return window.__frames", vec![]).await.unwrap();
    let frames = frames.as_array().cloned().unwrap_or_default();
    let before = frames.iter().rev().find(|f| f["fragment"] == true).expect("the included board was on screen first");
    let after = frames.iter().find(|f| f["fragment"] == false).expect("the live widget took over");
    assert!(frames.iter().all(|f| f["blank"] != true), "a frame without jobs: {frames:?}");
    for k in ["x", "y", "w", "h"] {
        let d = (before[k].as_f64().unwrap() - after[k].as_f64().unwrap()).abs();
        assert!(d < 2.0, "the first job moved by {d} px in {k} when the wasm took over: {before} → {after}");
    }
    let groups = b.in_widget("return [...root.querySelectorAll('.group h3')].map(h => h.textContent)").await;
    assert!(groups.as_array().unwrap().iter().any(|g| g == "Zürich"), "the live widget drew the same view: {groups}");
    let sheets = in_shadow(&b, "return [...sr.querySelectorAll('style')].map(s => s.textContent.slice(0, 30))").await;
    assert_eq!(sheets.as_array().unwrap().len(), 1, "one style sheet: {sheets}");
    assert!(!sheets[0].as_str().unwrap().contains("older deploy"), "the current style sheet: {sheets}");
    b.widget_element("input[type=search]").await.send_keys("zurich").await.unwrap();
    b.wait_until(10, "search results", async |b: &Browser| b.job_titles().await.len() == 3).await;
    assert!(b.console_errors().await.is_empty());
    b.close().await;
}

#[test]
fn a_server_include_is_the_slot_with_its_board_and_the_usual_tag() {
    let s = e2e::stack();
    let token = board("northwind", "include-api");
    let url = format!("{}/boards/{token}/include.html?group_by=office&lang=de&index=4&ghw_q=x&count=1", s.worker.base);
    let r = reqwest::blocking::get(&url).unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(r.headers()["cache-tag"].to_str().unwrap(), format!("board:{token}"));
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("max-age=60"), "as fresh as the listing");
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let body = r.text().unwrap();
    let head = format!("<div data-greenhouse-board=\"{token}\" data-group-by=\"office\" data-lang=\"de\"><template shadowrootmode=\"open\">");
    assert!(body.starts_with(&head), "{}", &body[..200]);
    let tail = format!("</template></div>\n<script src=\"{}/widget.js\" data-board=\"{token}\" async></script>\n", s.worker.base);
    assert!(body.ends_with(&tail), "the usual tag after it");
    assert!(body.contains("data-fragment") && body.contains("44 Stellen"), "the board, in German");
    assert!(!body.contains("ghw5_"), "no other widget's prefix, no filter state");
    let r = reqwest::blocking::Client::new().get(&url).header("If-None-Match", &etag).send().unwrap();
    assert_eq!(r.status(), 304);
    // A board that cannot be drawn: its empty slot and the tag, briefly cached, under the
    // error's status (a host's build keeps the include it has).
    let r = reqwest::blocking::get(format!("{}/boards/no-such-board/include.html", s.worker.base)).unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["cache-control"], "public, max-age=10");
    assert_eq!(
        r.text().unwrap(),
        format!("<div data-greenhouse-board=\"no-such-board\" data-lang=\"en\"></div>\n<script src=\"{}/widget.js\" data-board=\"no-such-board\" async></script>\n", s.worker.base)
    );
    let r = reqwest::blocking::get(format!("{}/boards/bad%20token/include.html", s.worker.base)).unwrap();
    assert_eq!(r.status(), 400);
}
