//! `cargo xtask bench`: what the widget costs on the wire, how fast the worker serves a
//! cached listing compared with a static file of the same size from the same local workerd,
//! and what isolate memory holds after serving many distinct boards.
//!
//! Prints a table and writes JSON (default `target/bench.json`). The load runs alternate
//! between the two targets (A B A B) so drift on a busy machine hits both alike. The memory
//! run asks the worker's internal statistics route (on only with `DEBUG_STATS=1`, as here)
//! for the WebAssembly memory size and the caches' own accounting; `--boards N` (default
//! 1000) sets how many boards, `--memory-max-bytes B` and `--memory-max-boards N` the board
//! cache's budgets (to compare with an effectively unbounded cache).

use crate::proc::cmd;
use crate::setup::Result;
use gh_worker::snapshot::{Snapshot, Upstream};
use serde_json::json;
use shared::jobs::LocalFields;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use xtask::{root, tool_env};

/// The visitor bundle's size budget (loader + JS glue + wasm, brotli): issue #3's target.
pub const WIDGET_BROTLI_BUDGET: usize = 100 * 1000;

struct Sizes {
    name: String,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

fn sizes_of(name: &str, bytes: &[u8]) -> Sizes {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).expect("gzip");
    let gzip = gz.finish().expect("gzip").len();
    let mut br = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() })
        .expect("brotli");
    Sizes { name: name.to_string(), raw: bytes.len(), gzip, brotli: br.len() }
}

/// The demo board as the worker maps it, natively, from the fake's seed.
fn demo_snapshot() -> Snapshot {
    let seed = greenhouse_fake::seed::northwind();
    let jobs = serde_json::from_str(&seed.jobs_raw).expect("seed parses");
    let departments = serde_json::from_value(json!({"departments": seed.departments})).ok();
    let offices = serde_json::from_value(json!({"offices": seed.offices})).ok();
    let board = Some(shared::greenhouse::job_board::Board { name: seed.name.clone(), content: None });
    Snapshot::build(greenhouse_fake::seed::DEMO_BOARD, Upstream { jobs, departments, offices, board }, 0)
}

/// What an owner set on the demo board for the benchmark: some jobs featured, ordered and
/// tagged, one hidden, so the cached listing is a merged one.
fn owner_edits(s: &Snapshot) -> Vec<(String, serde_json::Value, LocalFields)> {
    s.listing
        .jobs
        .iter()
        .enumerate()
        .filter(|(_, j)| s.internal.contains_key(&j.id))
        .take(12)
        .map(|(i, j)| {
            let f = LocalFields {
                featured: i < 3,
                position: (i < 6).then_some(i as i32),
                tags: if i % 2 == 0 { vec!["Remote friendly".into(), "Visa sponsorship".into()] } else { vec![] },
                hidden: i == 11,
                ..Default::default()
            };
            let edit = json!({"featured": f.featured, "position": f.position, "tags": f.tags, "hidden": f.hidden});
            (s.key_of(j.id), edit, f)
        })
        .collect()
}

/// The merged listing body the worker serves for the demo board after [`owner_edits`], built
/// natively by the worker's own code: its exact byte length sizes the static twin.
fn listing_len() -> usize {
    let mut s = demo_snapshot();
    for (key, _, f) in owner_edits(&s) {
        s.overlay.fields.insert(key, f);
    }
    gh_worker::cache::Prepared::new(s).listing_body.len()
}

#[derive(Default)]
struct Load {
    ok: u64,
    failed: u64,
    latencies_us: Vec<u64>,
    elapsed: Duration,
}

impl Load {
    fn merge(&mut self, other: Load) {
        self.ok += other.ok;
        self.failed += other.failed;
        self.latencies_us.extend(other.latencies_us);
        self.elapsed += other.elapsed;
    }
    fn rps(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    fn pct(&mut self, p: f64) -> f64 {
        self.latencies_us.sort_unstable();
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[i] as f64 / 1000.0
    }
}

/// The query of a request that stands for a view (owner analytics), as the widget marks it.
pub const COUNTED: &str = "count=1&gh_src=bench";
/// A desktop browser's user agent: bots are not counted, and a client without one is a bot.
pub const BROWSER_UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// `connections` keep-alive clients GET `url` in a loop for `secs`.
async fn load(url: &str, connections: usize, secs: f64, expect_len: usize) -> Load {
    let start = Instant::now();
    let until = start + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder().pool_max_idle_per_host(1).user_agent(BROWSER_UA).build().expect("client");
            let mut l = Load::default();
            while Instant::now() < until {
                let t = Instant::now();
                let ok = match client.get(&url).send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.map(|b| b.len() == expect_len).unwrap_or(false),
                    _ => false,
                };
                if ok {
                    l.ok += 1;
                    l.latencies_us.push(t.elapsed().as_micros() as u64);
                } else {
                    l.failed += 1;
                }
            }
            l
        }));
    }
    let mut total = Load::default();
    for t in tasks {
        total.merge(t.await.expect("load task"));
    }
    total.elapsed = start.elapsed();
    total
}

fn opt(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

/// GETs `/api/v1/__stats`.
async fn stats(base: &str) -> std::result::Result<serde_json::Value, String> {
    let r = reqwest::get(format!("{base}/api/v1/__stats")).await.map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("statistics route: HTTP {}", r.status()));
    }
    r.json().await.map_err(|e| e.to_string())
}

/// Serves `boards` distinct boards (`northwind--bench-{i}`, all the fake's Northwind), each
/// once, `connections` at a time; returns the statistics before and after, and the failures.
async fn many_boards(base: &str, boards: usize, connections: usize) -> std::result::Result<(serde_json::Value, serde_json::Value, usize), String> {
    let before = stats(base).await?;
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (base, next) = (base.to_string(), next.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut failed = 0;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= boards {
                    return failed;
                }
                let url = format!("{base}/api/v1/boards/{}--bench-{i}/jobs", greenhouse_fake::seed::DEMO_BOARD);
                let ok = match client.get(&url).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                failed += usize::from(!ok);
            }
        }));
    }
    let mut failed = 0;
    for t in tasks {
        failed += t.await.map_err(|e| e.to_string())?;
    }
    Ok((before, stats(base).await?, failed))
}

pub fn run(args: &[String]) -> Result<()> {
    let secs: f64 = opt(args, "--seconds").and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let connections: usize = opt(args, "--connections").and_then(|s| s.parse().ok()).unwrap_or(4);
    let boards: usize = opt(args, "--boards").and_then(|s| s.parse().ok()).unwrap_or(1000);
    let memory_max_bytes = opt(args, "--memory-max-bytes");
    let memory_max_boards = opt(args, "--memory-max-boards");
    let paint_runs: usize = opt(args, "--paint-runs").and_then(|s| s.parse().ok()).unwrap_or(10).max(1);
    let out = opt(args, "--out").map(std::path::PathBuf::from).unwrap_or_else(|| root().join("target/bench.json"));
    let root = root();
    let assets = root.join("dist/assets");

    // 1. What a visitor downloads: the loader, the JS glue and the wasm.
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e} (build first)", p.display()));
    let parts = [
        ("widget.js (loader)", assets.join("widget.js")),
        ("gh_widget.js (glue)", assets.join("widget/gh_widget.js")),
        ("gh_widget_bg.wasm", assets.join("widget/gh_widget_bg.wasm")),
    ];
    let mut sizes = Vec::new();
    for (name, path) in &parts {
        sizes.push(sizes_of(name, &read(path)?));
    }
    let total = Sizes {
        name: "widget total".into(),
        raw: sizes.iter().map(|s| s.raw).sum(),
        gzip: sizes.iter().map(|s| s.gzip).sum(),
        brotli: sizes.iter().map(|s| s.brotli).sum(),
    };
    // Fetched only when a job with an application form opens: reported, not in the total.
    let mut on_demand = Vec::new();
    for (name, path) in [("apply/gh_apply.js", assets.join("apply/gh_apply.js")), ("apply/gh_apply_bg.wasm", assets.join("apply/gh_apply_bg.wasm"))] {
        on_demand.push(sizes_of(name, &read(&path)?));
    }
    // Downloaded by owners only (`data-mode="connect"`), never by visitors.
    let mut console = Vec::new();
    for (name, path) in
        [("console/gh_console.js", assets.join("console/gh_console.js")), ("console/gh_console_bg.wasm", assets.join("console/gh_console_bg.wasm"))]
    {
        console.push(sizes_of(name, &read(&path)?));
    }
    // Downloaded by owners only, where a page has a match badge or an export button.
    let mut candidates = Vec::new();
    for (name, path) in [
        ("candidates/gh_candidates.js", assets.join("candidates/gh_candidates.js")),
        ("candidates/gh_candidates_bg.wasm", assets.join("candidates/gh_candidates_bg.wasm")),
    ] {
        candidates.push(sizes_of(name, &read(&path)?));
    }

    // 2. A static twin of the cached listing, byte for byte the same length.
    let n = listing_len();
    let bench_dir = assets.join("bench");
    std::fs::create_dir_all(&bench_dir).map_err(|e| e.to_string())?;
    std::fs::write(bench_dir.join("static.json"), vec![b' '; n]).map_err(|e| e.to_string())?;

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let fake = rt.block_on(greenhouse_fake::start(0)).map_err(|e| format!("fake: {e}"))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let inspector = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let state = std::env::temp_dir().join(format!("ghw-bench-{}", std::process::id()));
    // The owners' tables (the demo org connects its board and edits jobs below).
    crate::proc::migrate_local(&state).map_err(|e| format!("bench: {e}"))?;
    let mut wrangler = {
        use std::os::unix::process::CommandExt;
        let mut c = cmd(
            root.join("node_modules/.bin/wrangler").to_str().unwrap_or("wrangler"),
            &[
                "dev",
                "--ip",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--inspector-port",
                &inspector.to_string(),
                "--persist-to",
                state.to_str().unwrap_or_default(),
                "--log-level",
                "warn",
                "--show-interactive-dev-session=false",
                "--var",
                &format!("GREENHOUSE_BOARDS_API:{}", fake.base_url()),
                "--var",
                "DEBUG_STATS:1",
                "--var",
                &format!("VAULT_KEY:{}", xtask::DEMO_VAULT_KEY),
                "--var",
                &format!("OWNER_TOKEN_SECRETS:{{\"{}\":\"{}\"}}", xtask::DEMO_ISSUER, xtask::DEMO_OWNER_SECRET),
            ],
        );
        // Harvest and the other connected APIs on the fake too (the match timing).
        for (k, v) in xtask::fake_hosts(&fake.base_url()).into_iter().filter(|(k, _)| k != "GREENHOUSE_BOARDS_API") {
            c.arg("--var").arg(format!("{k}:{v}"));
        }
        if let Some(b) = &memory_max_bytes {
            c.arg("--var").arg(format!("CACHE_MEMORY_MAX_BYTES:{b}"));
        }
        if let Some(n) = &memory_max_boards {
            c.arg("--var").arg(format!("CACHE_MEMORY_MAX_BOARDS:{n}"));
        }
        c.current_dir(&root).envs(tool_env()).env("GHW_SKIP_WORKER_BUILD", "1").stdin(Stdio::null()).stdout(Stdio::null()).process_group(0);
        c.spawn().map_err(|e| format!("wrangler: {e}"))?
    };
    let base = format!("http://127.0.0.1:{port}");
    // Counting on: every request of the load is a counted list view (the widget's marker, a
    // source, a browser's user agent), so the ratio includes owner analytics' cost per view.
    let list_url = format!("{base}/api/v1/boards/{}/jobs?{COUNTED}", greenhouse_fake::seed::DEMO_BOARD);
    let static_url = format!("{base}/bench/static.json?{COUNTED}");
    // The same listing not counted, alternated with the other two, so counting's own cost shows
    // apart from the machine's drift.
    let plain_url = format!("{base}/api/v1/boards/{}/jobs", greenhouse_fake::seed::DEMO_BOARD);
    let result = rt.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if reqwest::get(format!("{base}/api/v1/health")).await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            if Instant::now() > deadline {
                return Err("wrangler dev did not start".to_string());
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        // The demo org connects its board and an owner edits jobs: the listing is a merged one.
        let org = greenhouse_fake::seed::DEMO_BOARD;
        let token = crate::proc::mint(org, "bench", "bench@northwind.example", 10);
        let client = reqwest::Client::new();
        let org_url = |p: &str| format!("{base}/api/v1/orgs/{org}{p}");
        let key = greenhouse_fake::seed::job_board_api_key(org);
        let r = client.put(org_url("/connection/job_board")).bearer_auth(&token).json(&json!({"board_token": org, "api_key": key})).send().await;
        if !r.as_ref().is_ok_and(|r| r.status().is_success()) {
            return Err(format!("connecting the demo board failed: {:?}", r.map(|r| r.status())));
        }
        for (key, edit, _) in owner_edits(&demo_snapshot()) {
            let r = client.patch(org_url(&format!("/jobs/{key}"))).bearer_auth(&token).json(&edit).send().await.map_err(|e| e.to_string())?;
            if !r.status().is_success() {
                return Err(format!("editing {key} failed: {}", r.status()));
            }
        }
        let body = reqwest::get(&list_url).await.map_err(|e| e.to_string())?.bytes().await.map_err(|e| e.to_string())?;
        if body.len() != n {
            return Err(format!("listing is {} bytes, its static twin {n}: they must match", body.len()));
        }
        // Warm both paths, then alternate A B A B.
        load(&list_url, connections, 1.0, n).await;
        load(&static_url, connections, 1.0, n).await;
        load(&plain_url, connections, 1.0, n).await;
        let calls_before = fake.fake.calls(&format!("/v1/boards/{}/jobs", greenhouse_fake::seed::DEMO_BOARD));
        let (mut cached, mut stat, mut plain) = (Load::default(), Load::default(), Load::default());
        for _ in 0..2 {
            cached.merge(load(&list_url, connections, secs / 2.0, n).await);
            stat.merge(load(&static_url, connections, secs / 2.0, n).await);
            plain.merge(load(&plain_url, connections, secs / 2.0, n).await);
        }
        let calls_after = fake.fake.calls(&format!("/v1/boards/{}/jobs", greenhouse_fake::seed::DEMO_BOARD));
        // "Already in Greenhouse?": one match after another against the fake's Harvest v1.
        let r = client
            .put(org_url("/connection/harvest_v1"))
            .bearer_auth(&token)
            .json(&json!({"api_key": greenhouse_fake::harvest::V1_FULL}))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("connecting Harvest for the match timing failed: {}", r.status()));
        }
        let mut matches = Vec::new();
        for i in 0..40 {
            let email = if i % 2 == 0 { "applicant@northwind-candidates.example" } else { "nobody@unknown.example" };
            let started = Instant::now();
            let r = client.post(org_url("/matches")).bearer_auth(&token).json(&json!({"email": email})).send().await.map_err(|e| e.to_string())?;
            if !r.status().is_success() {
                return Err(format!("a match failed: {}", r.status()));
            }
            let _ = r.bytes().await;
            matches.push(started.elapsed().as_micros() as u64);
        }
        // First paint in Chromium, and the bytes before it: the loader and the fragment.
        let fragment = reqwest::get(format!("{base}/api/v1/boards/{org}/fragment")).await.map_err(|e| e.to_string())?;
        let fragment = fragment.bytes().await.map_err(|e| e.to_string())?;
        let own = reqwest::get(format!("{base}/boards/{org}/widget.js")).await.map_err(|e| e.to_string())?;
        let own = own.bytes().await.map_err(|e| e.to_string())?;
        let fragment = (fragment, own);
        let paint = crate::paint::run(&base, org, paint_runs).await?;
        let memory = many_boards(&base, boards, connections).await?;
        Ok(((cached, plain), stat, calls_after - calls_before, memory, matches, fragment, paint))
    });
    unsafe {
        libc::kill(-(wrangler.id() as i32), libc::SIGKILL);
    }
    let _ = wrangler.wait();
    let _ = std::fs::remove_dir_all(&bench_dir);
    let _ = std::fs::remove_dir_all(&state);
    let ((mut cached, mut plain), mut stat, upstream_calls, (mem_before, mem_after, mem_failed), mut matches, fragment, paint) = result?;
    let (fragment, own_script) = fragment;
    let critical = [sizes_of("widget.js (loader)", &read(&assets.join("widget.js"))?), sizes_of("fragment (44 jobs)", &fragment)];
    // The board script is the loader and the fragment in one response.
    let own_script = sizes_of("boards/{token}/widget.js", &own_script);
    let critical_brotli: usize = critical.iter().map(|s| s.brotli).sum();
    let row = |approach: &str, cache: &str, network: &str| paint.iter().find(|r| r.approach == approach && r.cache == cache && r.network == network);
    let warm_first = row("edge fragment first", "warm", "loopback").map_or(f64::NAN, |r| r.first_job_ms);
    let warm_wasm = row("wasm first", "warm", "loopback").map_or(f64::NAN, |r| r.first_job_ms);
    let speedup = warm_wasm / warm_first;
    // The floor: the host page's own first paint (wasm first's page shows nothing of ours in
    // its first frame), against when the board script had its jobs in the page.
    let warm_page = row("wasm first", "warm", "loopback").map_or(f64::NAN, |r| r.page_paint_ms);
    let script_in_page = row("board script", "warm", "loopback").map_or(f64::NAN, |r| r.in_page_ms);
    let first_of = |approach: &str, cache: &str, network: &str| row(approach, cache, network).map_or(f64::NAN, |r| r.first_job_ms);
    let script_warm = first_of("wasm first", "warm", "loopback") / first_of("board script", "warm", "loopback");
    let phone_cold = first_of("wasm first", "cold", "slow phone") / first_of("board script", "cold", "slow phone");
    // The server include: the jobs in the host page's HTML, so in its first frame whatever the
    // loader does; no embed can be sooner.
    let include_warm = first_of("wasm first", "warm", "loopback") / first_of("server include", "warm", "loopback");
    let include_phone_cold = first_of("wasm first", "cold", "slow phone") / first_of("server include", "cold", "slow phone");
    let include_warm_ms = first_of("server include", "warm", "loopback");
    matches.sort_unstable();
    let match_pct = |p: f64| matches.get(((matches.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0) as f64 / 1000.0;
    let (match_p50, match_p99) = (match_pct(0.50), match_pct(0.99));

    // 3. Report.
    println!();
    println!("Widget transfer size (what a visitor downloads)");
    println!("{:<24} {:>10} {:>10} {:>10}", "file", "raw B", "gzip B", "brotli B");
    for s in sizes.iter().chain(std::iter::once(&total)) {
        println!("{:<24} {:>10} {:>10} {:>10}", s.name, s.raw, s.gzip, s.brotli);
    }
    println!("on demand, when a job with a form opens:");
    for s in &on_demand {
        println!("{:<24} {:>10} {:>10} {:>10}", s.name, s.raw, s.gzip, s.brotli);
    }
    println!("owner console (owners only, never visitors):");
    for s in &console {
        println!("{:<24} {:>10} {:>10} {:>10}", s.name, s.raw, s.gzip, s.brotli);
    }
    println!("candidate components (owners only, never visitors):");
    for s in &candidates {
        println!("{:<24} {:>10} {:>10} {:>10}", s.name, s.raw, s.gzip, s.brotli);
    }
    let within = total.brotli <= WIDGET_BROTLI_BUDGET;
    println!(
        "budget: {} B brotli -> {}",
        WIDGET_BROTLI_BUDGET,
        if within { "within budget".to_string() } else { format!("OVER budget by {} B", total.brotli - WIDGET_BROTLI_BUDGET) }
    );
    println!();
    println!("First paint, headless Chromium, host page on another origin, median of {paint_runs} loads (ms since navigation start)");
    let ms = |v: f64| if v.is_nan() { "-".to_string() } else { format!("{v:.0}") };
    println!(
        "{:<20} {:<5} {:<10} {:>9} {:>11} {:>14} {:>10} {:>9} {:>10}",
        "approach", "cache", "network", "first job", "interactive", "loader arrived", "loader ran", "in page", "page paint"
    );
    for r in &paint {
        println!(
            "{:<20} {:<5} {:<10} {:>9} {:>11} {:>14} {:>10} {:>9} {:>10}",
            r.approach,
            r.cache,
            r.network,
            ms(r.first_job_ms),
            ms(r.interactive_ms),
            ms(r.loader_ms),
            ms(r.loader_ran_ms),
            ms(r.in_page_ms),
            ms(r.page_paint_ms)
        );
    }
    println!(
        "warm, loopback: first job {warm_first:.0} ms (target <= 150), {speedup:.1}x sooner than wasm first (target >= 3x); \
         bytes before the first job: {critical_brotli} B brotli (loader {} + fragment {}; target <= 30000)",
        critical[0].brotli, critical[1].brotli
    );
    println!(
        "  board script: {script_warm:.1}x sooner than wasm first warm on loopback, its jobs in the page at {script_in_page:.0} ms, before the \
         host page's own first paint ({warm_page:.0} ms): in its first frame; {phone_cold:.1}x sooner cold on the slow phone; \
         {} B brotli before the first job (one response)",
        own_script.brotli
    );
    println!(
        "  server include: the jobs in the host page's HTML, first job {include_warm_ms:.0} ms warm on loopback ({include_warm:.1}x sooner than \
         wasm first: the floor under any embed), {include_phone_cold:.1}x sooner cold on the slow phone"
    );
    println!();
    println!(
        "Throughput, wrangler dev (workerd) on loopback, {connections} connections, {secs} s per target, body {n} B (owners' local fields merged)"
    );
    println!("{:<28} {:>10} {:>10} {:>10} {:>8}", "target", "req/s", "p50 ms", "p99 ms", "errors");
    let ratio = cached.rps() / stat.rps().max(1e-9);
    let counting = cached.rps() / plain.rps().max(1e-9);
    let rows = [("cached job list, merged (API)", &mut cached), ("static asset, same size", &mut stat), ("the same list, not counted", &mut plain)];
    let mut json_rows = Vec::new();
    for (name, l) in rows {
        let (p50, p99) = (l.pct(0.50), l.pct(0.99));
        println!("{:<28} {:>10.0} {:>10.2} {:>10.2} {:>8}", name, l.rps(), p50, p99, l.failed);
        json_rows.push(json!({"target": name, "requests": l.ok, "errors": l.failed, "rps": l.rps(), "p50_ms": p50, "p99_ms": p99}));
    }
    println!("cached / static throughput: {ratio:.2}x (counted list); counted / not counted: {counting:.2}x; upstream (Greenhouse) calls during the load: {upstream_calls}");
    println!("match (POST /matches, one email, Harvest v1 on the fake): p50 {match_p50:.2} ms, p99 {match_p99:.2} ms over {} calls", matches.len());
    println!();
    let mib = |v: &serde_json::Value| v.as_u64().unwrap_or(0) as f64 / (1024.0 * 1024.0);
    let b = &mem_after["memory"]["boards"];
    println!("Isolate memory after serving {boards} distinct boards (each {n} B as a listing), {mem_failed} failed");
    println!(
        "  WebAssembly memory (all Rust data): {:.1} MiB before, {:.1} MiB after",
        mib(&mem_before["wasm_memory_bytes"]),
        mib(&mem_after["wasm_memory_bytes"])
    );
    println!(
        "  board cache: {} boards, {:.1} MiB accounted (limits {} boards, {:.0} MiB), {} evicted",
        b["entries"],
        mib(&b["bytes"]),
        b["max_entries"],
        mib(&b["max_bytes"]),
        b["evictions"]
    );
    println!(
        "  upstream refreshes: {}",
        mem_after["ops"]["upstream_refreshes"].as_u64().unwrap_or(0) - mem_before["ops"]["upstream_refreshes"].as_u64().unwrap_or(0)
    );
    let report = json!({
        "widget_budget": {"brotli_bytes": WIDGET_BROTLI_BUDGET, "total_brotli_bytes": total.brotli, "within_budget": within},
        "console_owners_only": console.iter().map(|s| json!({"file": s.name, "raw": s.raw, "gzip": s.gzip, "brotli": s.brotli})).collect::<Vec<_>>(),
        "candidates_owners_only": candidates.iter().map(|s| json!({"file": s.name, "raw": s.raw, "gzip": s.gzip, "brotli": s.brotli})).collect::<Vec<_>>(),
        "apply_form_on_demand": on_demand.iter().map(|s| json!({"file": s.name, "raw": s.raw, "gzip": s.gzip, "brotli": s.brotli})).collect::<Vec<_>>(),
        "widget": sizes.iter().chain(std::iter::once(&total)).map(|s| json!({"file": s.name, "raw": s.raw, "gzip": s.gzip, "brotli": s.brotli})).collect::<Vec<_>>(),
        "load": {"runtime": "wrangler dev (workerd)", "connections": connections, "seconds_per_target": secs, "body_bytes": n,
                 "results": json_rows, "cached_to_static_ratio": ratio, "upstream_calls_during_load": upstream_calls, "analytics_counting": true,
                 "counted_to_not_counted_ratio": counting},
        "first_paint": {"runs": paint_runs, "results": paint.iter().map(crate::paint::Row::json).collect::<Vec<_>>(),
                        "warm_loopback_first_job_ms": warm_first, "speedup_vs_wasm_first": speedup,
                        "within_target": warm_first <= 150.0 && speedup >= 3.0,
                        "warm_loopback_page_first_paint_ms": warm_page,
                        "board_script": {"speedup_vs_wasm_first_warm_loopback": script_warm, "speedup_vs_wasm_first_cold_slow_phone": phone_cold,
                                         "warm_loopback_in_page_ms": script_in_page,
                                         "bytes": {"raw": own_script.raw, "gzip": own_script.gzip, "brotli": own_script.brotli}},
                        "server_include": {"warm_loopback_first_job_ms": include_warm_ms, "speedup_vs_wasm_first_warm_loopback": include_warm,
                                           "speedup_vs_wasm_first_cold_slow_phone": include_phone_cold},
                        "critical_path": {"files": critical.iter().map(|s| json!({"file": s.name, "raw": s.raw, "gzip": s.gzip, "brotli": s.brotli})).collect::<Vec<_>>(),
                                          "brotli_bytes": critical_brotli, "within_budget": critical_brotli <= 30_000}},
        "match_latency": {"calls": matches.len(), "p50_ms": match_p50, "p99_ms": match_p99, "upstream": "Harvest v1 on the fake (loopback)"},
        "memory": {"boards_served": boards, "failed": mem_failed, "before": mem_before, "after": mem_after},
    });
    if let Some(dir) = out.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(&out, serde_json::to_string_pretty(&report).unwrap_or_default()).map_err(|e| e.to_string())?;
    println!("\nJSON report: {}", out.display());
    Ok(())
}
