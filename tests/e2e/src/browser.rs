//! Headless Chromium through ChromeDriver, and a "host site" on its own origin that embeds
//! the widget exactly as a customer would: one script tag pointing at the worker.

use crate::{free_port, Group};
use axum::extract::{Query, State};
use axum::response::Html;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Whether the browser tests should run here; `SKIP_BROWSER_TESTS=1` opts out loudly (and
/// `cargo xtask test` counts the skip). Chromium or Chrome and ChromeDriver are found by
/// `xtask::find_browser` (`CHROME_BIN` / `CHROMEDRIVER`, PATH, the usual places).
pub fn available() -> bool {
    if std::env::var_os("SKIP_BROWSER_TESTS").is_some() {
        let test = std::thread::current().name().unwrap_or("a browser test").to_string();
        eprintln!("SKIP_BROWSER_TESTS is set: browser test {test} skipped");
        xtask::record_skip(&test);
        return false;
    }
    assert!(
        xtask::find_browser().is_some(),
        "browser tests need Chromium or Chrome and ChromeDriver (`cargo xtask setup` installs Debian's), \
         or CHROME_BIN and CHROMEDRIVER pointing at them, or SKIP_BROWSER_TESTS=1"
    );
    true
}

pub struct Browser {
    pub client: Client,
    driver: String,
    session: String,
    _driver: Group,
}

impl Browser {
    pub async fn start() -> Self {
        let port = free_port();
        let (chromium, chromedriver) = xtask::find_browser().expect("Chromium and ChromeDriver");
        let mut cmd = Command::new(chromedriver);
        cmd.arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null());
        let group = Group::spawn(cmd).expect("chromedriver starts");
        let driver = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while reqwest::get(format!("{driver}/status")).await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!("ghw-chromium-{}-{port}", std::process::id()));
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--window-size=1100,1400", format!("--user-data-dir={}", profile.display())]
            },
            "goog:loggingPrefs": {"browser": "ALL"}
        });
        let caps = caps.as_object().unwrap().clone().into_iter().collect();
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&driver)
            .await
            .expect("a Chromium session");
        let session = client.session_id().await.ok().flatten().expect("session id");
        Self { client, driver, session, _driver: group }
    }

    /// A Chrome DevTools Protocol command through ChromeDriver (network blocking, throttling).
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let url = format!("{}/session/{}/goog/cdp/execute", self.driver, self.session);
        let resp = reqwest::Client::new().post(url).json(&json!({"cmd": cmd, "params": params})).send().await.unwrap();
        assert!(resp.status().is_success(), "CDP {cmd}: {}", resp.text().await.unwrap_or_default());
        resp.json::<Value>().await.unwrap()["value"].clone()
    }

    /// Console messages at level SEVERE since the last call (errors, failed loads, uncaught).
    pub async fn console_errors(&self) -> Vec<String> {
        let url = format!("{}/session/{}/se/log", self.driver, self.session);
        let resp: Value = reqwest::Client::new().post(url).json(&json!({"type": "browser"})).send().await.unwrap().json().await.unwrap();
        resp["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Runs `body` with `host` (the first widget's host element) and `root` (its shadow root).
    pub async fn in_widget(&self, body: &str) -> Value {
        self.in_widget_at(0, body).await
    }

    /// Like [`Browser::in_widget`], for the `n`th widget on the page.
    pub async fn in_widget_at(&self, n: usize, body: &str) -> Value {
        // `root` is the live widget's: null while the worker's first paint is still on screen.
        let script = format!(
            "const host = document.querySelectorAll('[data-greenhouse-board]')[{n}]; const sr = host && host.shadowRoot; \
             const root = sr && !sr.querySelector('[data-fragment]') ? sr : null; {body}"
        );
        self.client.execute(&script, vec![]).await.expect("script runs")
    }

    /// Titles of the jobs the widget lists right now.
    pub async fn job_titles(&self) -> Vec<String> {
        self.job_titles_at(0).await
    }

    pub async fn job_titles_at(&self, n: usize) -> Vec<String> {
        let v =
            self.in_widget_at(n, "return root ? [...root.querySelectorAll('.board:not([hidden]) .job-title')].map(e => e.textContent) : [];").await;
        // Anything but a list of strings (an error object, null, a changed axe API) is a test
        // failure, never "no violations".
        axe_result(v)
    }

    /// The result count the widget announces ("12 jobs").
    pub async fn count_text(&self) -> String {
        self.in_widget("const c = root && root.querySelector('.count'); return c ? c.textContent : '';")
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Chooses an option of a filter select by its visible label's start ("Engineering").
    pub async fn choose(&self, select_css: &str, label_start: &str) {
        let select = self.widget_element(select_css).await;
        for option in select.find_all(Locator::Css("option")).await.expect("options") {
            let text = option.text().await.unwrap_or_default();
            if text.trim_start_matches(['\u{a0}', ' ']).starts_with(label_start) {
                let value = option.attr("value").await.ok().flatten().unwrap_or_default();
                select.select_by_value(&value).await.expect("select");
                return;
            }
        }
        panic!("no option starting with {label_start:?} in {select_css}");
    }

    /// The JSON-LD blocks the widget put into the host page's head.
    pub async fn json_ld(&self) -> Vec<Value> {
        let v = self
            .client
            .execute("return [...document.head.querySelectorAll('script[type=\"application/ld+json\"]')].map(s => s.textContent)", vec![])
            .await
            .unwrap();
        v.as_array().into_iter().flatten().filter_map(|s| serde_json::from_str(s.as_str()?).ok()).collect()
    }

    /// Runs axe-core (from node_modules) over the whole page, shadow roots included, and
    /// returns its violations as "rule: n nodes (targets)".
    pub async fn axe_violations(&self) -> Vec<String> {
        let axe = std::fs::read_to_string(crate::root().join("node_modules/axe-core/axe.min.js")).expect("axe-core is installed (npm)");
        self.client.execute(&axe, vec![]).await.expect("axe loads");
        let v = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => \
                   v.id + ': ' + v.nodes.length + ' ' + JSON.stringify(v.nodes.map(n => n.target)))), e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("axe runs");
        // Anything but a list of strings (an error object, null, a changed axe API) is a test
        // failure, never "no violations".
        axe_result(v)
    }

    /// Polls `check` until it is true or `secs` pass.
    pub async fn wait_until(&self, secs: u64, what: &str, check: impl AsyncFn(&Self) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !check(self).await {
            if Instant::now() > deadline {
                let html = self.in_widget("return root ? root.innerHTML : document.body.innerHTML;").await;
                panic!("timed out waiting for {what}; widget HTML:\n{html}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// An element inside the widget's shadow root, found by CSS.
    pub async fn widget_element(&self, css: &str) -> fantoccini::elements::Element {
        let host = self.client.find(Locator::Css("[data-greenhouse-board]")).await.expect("widget host");
        let shadow = host.shadow_root().await.expect("shadow root");
        shadow.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    /// Clicks the listed job with this exact title, as a visitor would.
    pub async fn click_job(&self, title: &str) {
        let host = self.client.find(Locator::Css("[data-greenhouse-board]")).await.expect("widget host");
        let shadow = host.shadow_root().await.expect("shadow root");
        for link in shadow.find_all(Locator::Css(".job-title")).await.expect("job links") {
            if link.text().await.unwrap_or_default() == title {
                link.click().await.expect("click");
                return;
            }
        }
        panic!("no job titled {title:?} is listed");
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// A host site on its own origin. `/?board=TOKEN` is a plain page with the embed script
/// tag; `/page/NAME` serves a page a test registered with [`HostSite::page`].
pub struct HostSite {
    pub base: String,
    worker: String,
    pages: Arc<Mutex<HashMap<String, String>>>,
}

impl HostSite {
    /// Registers a page whose `<body>` is `body` (`{worker}` stands for the worker's origin),
    /// with `lang` on `<html>` and `head` added to `<head>`; returns its URL.
    pub fn page(&self, name: &str, lang: &str, head: &str, body: &str) -> String {
        let html = format!(
            "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>Host page {name}</title>\
             <link rel=\"icon\" href=\"data:,\">{head}</head><body>{}</body></html>",
            body.replace("{worker}", &self.worker)
        );
        self.pages.lock().unwrap().insert(name.to_string(), html);
        format!("{}/page/{name}", self.base)
    }
}

/// The shared worker stack, a host site on its own origin, and a browser (None when browser
/// tests are skipped).
pub async fn setup() -> Option<(&'static crate::Stack, HostSite, Browser)> {
    if !available() {
        return None;
    }
    let s = tokio::task::spawn_blocking(crate::stack).await.unwrap();
    let host = start_host_site(s.worker.base.clone()).await;
    let b = Browser::start().await;
    Some((s, host, b))
}

pub async fn start_host_site(worker_base: String) -> HostSite {
    type Shared = (String, Arc<Mutex<HashMap<String, String>>>);
    async fn page(State((worker, _)): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Html<String> {
        let board = q.get("board").cloned().unwrap_or_default();
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Host site</title>\
             <link rel=\"icon\" href=\"data:,\"></head><body><main><h1>Acme careers</h1>\
             <script src=\"{worker}/widget.js\" data-board=\"{board}\" async></script></main></body></html>"
        ))
    }
    async fn custom(State((_, pages)): State<Shared>, axum::extract::Path(name): axum::extract::Path<String>) -> Html<String> {
        Html(pages.lock().unwrap().get(&name).cloned().unwrap_or_else(|| "no such page".into()))
    }
    // Packages from the project's node_modules, as ES modules (a framework for host-app tests).
    async fn npm(axum::extract::Path(path): axum::extract::Path<String>) -> axum::response::Response {
        use axum::response::IntoResponse;
        let allowed = path.starts_with("preact/") && !path.contains("..");
        match std::fs::read(crate::root().join("node_modules").join(&path)).ok().filter(|_| allowed) {
            Some(body) => ([("content-type", "text/javascript")], body).into_response(),
            None => (axum::http::StatusCode::NOT_FOUND, "not found").into_response(),
        }
    }
    let pages = Arc::new(Mutex::new(HashMap::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route("/", axum::routing::get(page))
        .route("/page/{name}", axum::routing::get(custom))
        .route("/npm/{*path}", axum::routing::get(npm))
        .with_state((worker_base.clone(), pages.clone()));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    HostSite { base: format!("http://{addr}"), worker: worker_base, pages }
}

/// Reads axe's answer: a list of violation descriptions. Any other shape panics.
pub fn axe_result(v: serde_json::Value) -> Vec<String> {
    let list: Vec<String> = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("axe returned an unexpected shape ({e}): {v}"));
    if let Some(failed) = list.iter().find(|l| l.starts_with("axe failed")) {
        panic!("{failed}");
    }
    list
}

#[cfg(test)]
mod tests {
    use super::axe_result;

    #[test]
    fn axe_results_of_an_unexpected_shape_fail_the_test() {
        assert_eq!(axe_result(serde_json::json!(["color-contrast: 1 [\"#x\"]"])).len(), 1);
        assert!(axe_result(serde_json::json!([])).is_empty());
        for bad in
            [serde_json::json!(null), serde_json::json!({"violations": []}), serde_json::json!("oops"), serde_json::json!(["axe failed: boom"])]
        {
            assert!(std::panic::catch_unwind(|| axe_result(bad.clone())).is_err(), "{bad} must not read as no violations");
        }
    }
}
