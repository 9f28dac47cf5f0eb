//! Headless Chromium through ChromeDriver, and a "host site" on its own origin that embeds
//! the widget exactly as a customer would: one script tag pointing at the worker.

use crate::{free_port, Group};
use axum::extract::{Query, State};
use axum::response::Html;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Whether the browser tests should run here; `SKIP_BROWSER_TESTS=1` opts out loudly.
pub fn available() -> bool {
    if std::env::var_os("SKIP_BROWSER_TESTS").is_some() {
        eprintln!("SKIP_BROWSER_TESTS is set: browser test skipped");
        return false;
    }
    assert!(
        std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
        "browser tests need Debian's chromium and chromium-driver (`cargo xtask setup` installs them), \
         or SKIP_BROWSER_TESTS=1"
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
        let mut cmd = Command::new(CHROMEDRIVER);
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
                "binary": CHROMIUM,
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

    /// Runs `body` as a function of `host` (the first widget's host element) in the page.
    pub async fn in_widget(&self, body: &str) -> Value {
        let script = format!("const host = document.querySelector('[data-greenhouse-board]'); const root = host && host.shadowRoot; {body}");
        self.client.execute(&script, vec![]).await.expect("script runs")
    }

    /// Titles of the jobs the widget lists right now.
    pub async fn job_titles(&self) -> Vec<String> {
        let v = self.in_widget("return root ? [...root.querySelectorAll('.board:not([hidden]) .job-title')].map(e => e.textContent) : [];").await;
        serde_json::from_value(v).unwrap_or_default()
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

/// A host site on its own origin: `/?board=TOKEN` is a plain page with the embed script tag.
pub async fn start_host_site(worker_base: String) -> String {
    async fn page(State(worker): State<String>, Query(q): Query<HashMap<String, String>>) -> Html<String> {
        let board = q.get("board").cloned().unwrap_or_default();
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Host site</title>\
             <link rel=\"icon\" href=\"data:,\"></head><body><h1>Acme careers</h1>\
             <script src=\"{worker}/widget.js\" data-board=\"{board}\" async></script></body></html>"
        ))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/", axum::routing::get(page)).with_state(worker_base);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}
