//! First paint, measured in headless Chromium: how soon a visitor sees the first job, and how
//! soon the board is interactive (the live widget has taken over, so search responds), loading
//! a host page on its own origin that embeds the widget with one script tag.
//!
//! Four approaches side by side, each cold (HTTP cache cleared) and warm (cached), median of
//! `runs`: the edge fragment first (`widget.js` with `data-board`: the loader fetches the
//! board's first paint), the board script (`/boards/{token}/widget.js`: the loader with the
//! first paint in it, one round trip less), the server include (the board in the host page's
//! own HTML, a declarative shadow root: the soonest any embed can be, the floor under the
//! others), and wasm first (the fragment request blocked, so the loader falls back to what it
//! did before: nothing until the wasm has drawn the board).
//! Beside them, when the loader arrived and ran, when it put the first paint in the page (its
//! User Timing marks) and the host page's own first paint, under which no job can be shown.
//! Then the same with the network and CPU throttled to a slow phone (Chromium DevTools
//! protocol: 1.6 Mbps down, 750 kbps up, 150 ms round trip, 4x CPU slowdown).
//!
//! ChromeDriver is spoken to directly (its W3C WebDriver JSON and its `goog/cdp/execute`
//! extension), so the benchmark needs no browser crate.

use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One configuration's medians, in ms since navigation start.
#[derive(Debug, Clone)]
pub struct Row {
    pub approach: &'static str,
    pub cache: &'static str,
    pub network: &'static str,
    pub first_job_ms: f64,
    pub interactive_ms: f64,
    /// When `widget.js` had arrived (its Resource Timing `responseEnd`): the floor under any
    /// first paint a script-tag embed can make.
    pub loader_ms: f64,
    /// When the loader ran (its `greenhouse-jobs:loader` mark).
    pub loader_ran_ms: f64,
    /// When the loader put the edge's first paint in the page (`greenhouse-jobs:first-paint`;
    /// NaN for wasm first): the probe then sees it at the next animation frame.
    pub in_page_ms: f64,
    /// The host page's own first paint (Paint Timing `first-paint`, its `<h1>`): no job can be
    /// on screen before the page's first frame.
    pub page_paint_ms: f64,
    pub runs: usize,
}

impl Row {
    pub fn json(&self) -> Value {
        json!({"approach": self.approach, "cache": self.cache, "network": self.network, "first_job_painted_ms": self.first_job_ms,
               "interactive_ms": self.interactive_ms, "loader_arrived_ms": self.loader_ms, "loader_ran_ms": self.loader_ran_ms,
               "first_paint_in_page_ms": self.in_page_ms, "page_first_paint_ms": self.page_paint_ms, "runs": self.runs})
    }
}

/// Records, each animation frame, when a job is first on screen (in whichever root is shown)
/// and when the live widget shows its board.
const PROBE: &str = r#"<script>
window.__paint = {};
(function tick() {
  var host = document.querySelector('[data-greenhouse-board]');
  var sr = host && host.shadowRoot;
  if (sr) {
    var now = performance.now();
    var roots = sr.querySelectorAll('.ghw');
    for (var i = 0; i < roots.length; i++) {
      var r = roots[i];
      if (r.style.display === 'none' || !r.querySelector('.job')) continue;
      if (!window.__paint.first) window.__paint.first = now;
      if (!r.hasAttribute('data-fragment') && !window.__paint.live) window.__paint.live = now;
    }
  }
  if (!(window.__paint.first && window.__paint.live)) requestAnimationFrame(tick);
})();
</script>"#;

struct Driver {
    base: String,
    session: String,
    http: reqwest::Client,
    _child: Child,
}

impl Driver {
    async fn start(chromium: &std::path::Path, chromedriver: &std::path::Path) -> Result<Self, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("chromedriver: {e}"))?;
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{base}/status")).send().await.is_err() {
            if Instant::now() > deadline {
                return Err("chromedriver did not start".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!("ghw-paint-{}-{port}", std::process::id()));
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1100,1400",
                     format!("--user-data-dir={}", profile.display())]
        }}}});
        let v: Value =
            http.post(format!("{base}/session")).json(&caps).send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
        let session = v["value"]["sessionId"].as_str().ok_or_else(|| format!("no session: {v}"))?.to_string();
        Ok(Self { base, session, http, _child: child })
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}/session/{}/{path}", self.base, self.session);
        let v: Value = self.http.post(url).json(&body).send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
        if v["value"].get("error").is_some() {
            return Err(format!("{path}: {}", v["value"]));
        }
        Ok(v["value"].clone())
    }

    async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, String> {
        self.post("goog/cdp/execute", json!({"cmd": cmd, "params": params})).await
    }

    async fn close(mut self) {
        let _ = self.http.delete(format!("{}/session/{}", self.base, self.session)).send().await;
        let _ = self._child.kill();
        let _ = self._child.wait();
    }
}

/// A host site on its own origin: `/board-script` embeds the board with its own script
/// (`/boards/{board}/widget.js`), `/include` has the board in its HTML (the server include,
/// `/boards/{board}/include.html`, fetched once here as a host's build or HTTP cache keeps
/// it), any other path uses `widget.js` and `data-board`. Pages are sent brotli-compressed, as
/// a host site's would be.
async fn host_site(worker: &str, board: &str) -> Result<String, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let include = reqwest::get(format!("{worker}/boards/{board}/include.html")).await.map_err(|e| e.to_string())?;
    if !include.status().is_success() {
        return Err(format!("the server include: {}", include.status()));
    }
    let include = include.text().await.map_err(|e| e.to_string())?;
    let page = |body: String| {
        let page = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Careers</title><link rel=\"icon\" href=\"data:,\">{PROBE}</head>\
             <body><main><h1>Careers</h1>{body}</main></body></html>"
        );
        let mut br = Vec::new();
        brotli::BrotliCompress(&mut page.as_bytes(), &mut br, &brotli::enc::BrotliEncoderParams { quality: 5, ..Default::default() })
            .expect("brotli");
        let mut r = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-encoding: br\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            br.len()
        )
        .into_bytes();
        r.extend_from_slice(&br);
        r
    };
    let slot = format!("<div data-greenhouse-board=\"{board}\"></div>");
    let usual = page(format!("{slot}<script src=\"{worker}/widget.js\" data-board=\"{board}\" async></script>"));
    let own = page(format!("{slot}<script src=\"{worker}/boards/{board}/widget.js\" async></script>"));
    let included = page(include);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let (usual, own, included) = (usual.clone(), own.clone(), included.clone());
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let n = s.read(&mut buf).await.unwrap_or(0);
                let response = if buf[..n].starts_with(b"GET /board-script ") {
                    own
                } else if buf[..n].starts_with(b"GET /include ") {
                    included
                } else {
                    usual
                };
                let _ = s.write_all(&response).await;
                let _ = s.shutdown().await;
            });
        }
    });
    Ok(format!("http://{addr}/"))
}

/// What one load showed, in ms since navigation start (NaN: not seen).
struct Load {
    first: f64,
    live: f64,
    loader: f64,
    ran: f64,
    in_page: f64,
    page: f64,
}

/// The probe's readings, Resource Timing of `widget.js`, Paint Timing of the page, and the
/// loader's own User Timing marks (`greenhouse-jobs:loader`, `:first-paint`).
const READ: &str =
    "var p = window.__paint || {}; var at = function (n) { var e = performance.getEntriesByName(n)[0]; return e ? e.startTime : null; }; \
                    var l = performance.getEntriesByType('resource').filter(function (e) { return /\\/widget\\.js$/.test(e.name); })[0]; \
                    p.loader = l ? l.responseEnd : null; p.page = at('first-paint'); p.ran = at('greenhouse-jobs:loader'); \
                    p.inPage = at('greenhouse-jobs:first-paint'); return p";

async fn one_load(d: &Driver, url: &str) -> Result<Load, String> {
    d.post("url", json!({"url": url})).await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut painted = None;
    loop {
        let v = d.post("execute/sync", json!({"script": READ, "args": []})).await?;
        if let (Some(first), Some(live)) = (v["first"].as_f64(), v["live"].as_f64()) {
            // The page's paint entry comes with its frame's presentation: waited for briefly.
            let seen = *painted.get_or_insert_with(Instant::now);
            if v["page"].is_number() || seen.elapsed() > Duration::from_secs(2) {
                let at = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
                return Ok(Load { first, live, loader: at("loader"), ran: at("ran"), in_page: at("inPage"), page: at("page") });
            }
        }
        if Instant::now() > deadline {
            return Err(format!("the board never painted: {v}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The median of the values seen (NaN when none was).
fn median(v: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = v.filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Every configuration, `runs` loads each.
pub async fn run(worker: &str, board: &str, runs: usize) -> Result<Vec<Row>, String> {
    let (chromium, chromedriver) = xtask::find_browser().ok_or("the first-paint benchmark needs Chromium and ChromeDriver (cargo xtask setup)")?;
    let url = host_site(worker, board).await?;
    let d = Driver::start(&chromium, &chromedriver).await?;
    let result = measure(&d, &url, runs).await;
    d.close().await;
    result
}

async fn measure(d: &Driver, url: &str, runs: usize) -> Result<Vec<Row>, String> {
    d.cdp("Network.enable", json!({})).await?;
    let mut rows = Vec::new();
    for (network, slow) in [("loopback", false), ("slow phone", true)] {
        if slow {
            d.cdp(
                "Network.emulateNetworkConditions",
                json!({"offline": false, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}),
            )
            .await?;
            d.cdp("Emulation.setCPUThrottlingRate", json!({"rate": 4})).await?;
        }
        for (approach, path, blocked) in [
            ("edge fragment first", "", vec![]),
            ("board script", "board-script", vec![]),
            ("server include", "include", vec![]),
            ("wasm first", "", vec!["*/fragment?*"]),
        ] {
            d.cdp("Network.setBlockedURLs", json!({"urls": blocked})).await?;
            let url = &format!("{url}{path}");
            for cache in ["cold", "warm"] {
                let mut loads = Vec::new();
                if cache == "warm" {
                    one_load(d, url).await?; // primes the HTTP cache
                }
                for _ in 0..runs {
                    if cache == "cold" {
                        d.cdp("Network.clearBrowserCache", json!({})).await?;
                    }
                    loads.push(one_load(d, url).await?);
                }
                let m = |f: fn(&Load) -> f64| median(loads.iter().map(f));
                rows.push(Row {
                    approach,
                    cache,
                    network,
                    first_job_ms: m(|l| l.first),
                    interactive_ms: m(|l| l.live),
                    loader_ms: m(|l| l.loader),
                    loader_ran_ms: m(|l| l.ran),
                    in_page_ms: m(|l| l.in_page),
                    page_paint_ms: m(|l| l.page),
                    runs,
                });
            }
        }
    }
    d.cdp("Emulation.setCPUThrottlingRate", json!({"rate": 1})).await?;
    Ok(rows)
}
