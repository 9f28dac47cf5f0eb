//! The fault drill (part of `cargo xtask bench`): visitors load boards that have a good copy
//! while the Greenhouse fake goes down, hangs, answers 429 and sends malformed JSON in turn,
//! and candidates apply throughout. Reported: visitor responses by status per phase
//! (target: 100 % 200), upstream calls, and applications submitted vs delivered after
//! recovery with every field (target: equal).

use crate::proc::cmd;
use greenhouse_fake::{Fake, Fault};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};
use xtask::{root, tool_env};

const BOARDS: usize = 4;
const FAULTS: [(&str, Fault); 4] =
    [("down (503)", Fault::Down), ("hanging", Fault::Hang), ("rate limited (429)", Fault::RateLimited), ("malformed JSON", Fault::Malformed)];

fn boards() -> Vec<String> {
    (0..BOARDS).map(|i| format!("northwind--drill-{i}")).collect()
}

/// One phase's figures.
#[derive(Default)]
struct Phase {
    name: String,
    statuses: BTreeMap<u16, u64>,
    upstream_calls: u64,
    applied: BTreeMap<u16, u64>,
}

impl Phase {
    fn visitors(&self) -> u64 {
        self.statuses.values().sum()
    }
    fn ok_share(&self) -> f64 {
        *self.statuses.get(&200).unwrap_or(&0) as f64 / self.visitors().max(1) as f64
    }
}

fn upstream_calls(fake: &Fake) -> u64 {
    fake.0.lock().unwrap().calls.iter().filter(|(path, _)| path.contains("--drill-")).map(|(_, n)| n).sum()
}

/// A complete application to `job`, built from the job's own questions as the fake has them.
fn application(fake_url: &str, job: u64, n: usize) -> Option<(String, reqwest::blocking::multipart::Form)> {
    let url = format!("{fake_url}/v1/boards/northwind/jobs/{job}?questions=true");
    let j: shared::greenhouse::job_board::Job = reqwest::blocking::get(url).ok()?.json().ok()?;
    let form = gh_worker::snapshot::apply_form(&j);
    let q = |label: &str| form.questions.iter().find(|q| q.label.starts_with(label)).map(|q| q.fields[0].name.clone());
    let id = format!("drill-{n:010}");
    let mut f = reqwest::blocking::multipart::Form::new()
        .text("_submission_id", id.clone())
        .text("first_name", format!("Drill{n}"))
        .text("last_name", "Candidate")
        .text("email", format!("drill{n}@example.com"))
        .text("gender", "2")
        .part("resume", reqwest::blocking::multipart::Part::bytes(b"%PDF-1.4 drill".to_vec()).file_name("cv.pdf"));
    if let Some(legal) = q("Are you legally") {
        f = f.text(legal, "1");
    }
    if let Some(multi) = q("Which of these") {
        f = f.text(multi.clone(), "11").text(multi, "13");
    }
    if job.is_multiple_of(2) {
        f = f.text("gdpr_processing_consent_given", "true");
    }
    Some((id, f))
}

/// Whether a delivered application carries every field the drill sent.
fn complete(a: &greenhouse_fake::ReceivedApplication) -> bool {
    let has = |k: &str| a.fields.get(k).is_some_and(|v| !v.is_empty());
    let custom = a.fields.iter().filter(|(k, _)| k.starts_with("question_")).count() >= 2;
    let consent =
        !a.job_id.is_multiple_of(2) || a.fields.get("data_compliance").is_some_and(|v| v[0].contains("\"gdpr_processing_consent_given\":true"));
    has("first_name") && has("email") && has("gender") && custom && consent && a.files.contains_key("resume")
}

/// Runs the drill and adds its figures to the benchmark's JSON report (`--out`, default
/// `target/bench.json`) as `fault_drill`.
pub fn add_to_report(args: &[String]) -> Result<(), String> {
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target/bench.json"));
    let drill = run()?;
    let mut report: Value = std::fs::read_to_string(&out).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_else(|| json!({}));
    report["fault_drill"] = drill;
    std::fs::write(&out, serde_json::to_string_pretty(&report).unwrap_or_default()).map_err(|e| e.to_string())?;
    println!("fault drill added to {}", out.display());
    Ok(())
}

pub fn run() -> Result<Value, String> {
    let root = root();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let running = rt.block_on(greenhouse_fake::start(0)).map_err(|e| format!("fake: {e}"))?;
    let fake = running.fake.clone();
    let fake_url = running.base_url();
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let inspector = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let state = std::env::temp_dir().join(format!("ghw-drill-{}", std::process::id()));
    let wrangler_bin = root.join("node_modules/.bin/wrangler");
    let wrangler_bin = wrangler_bin.to_str().unwrap_or("wrangler");
    crate::proc::migrate_local(&state).map_err(|e| format!("drill: {e}"))?;
    let key = greenhouse_fake::seed::job_board_api_key("northwind");
    let keys: serde_json::Map<String, Value> =
        boards().into_iter().chain(["northwind--cap-apply".to_string()]).map(|b| (b, Value::from(key.clone()))).collect();
    let vars = [
        format!("GREENHOUSE_BOARDS_API:{fake_url}"),
        "CACHE_FRESH_SECONDS:1".into(),
        "UPSTREAM_TIMEOUT_MS:1000".into(),
        "OUTBOX_BACKOFF_SECONDS:0".into(),
        "DEBUG_STATS:1".into(),
        format!("CACHE_FRESH_SECONDS_PER_BOARD:{}", json!({"northwind--cap-hot": 300, "northwind--cap-miss": 300, "northwind--cap-apply": 300})),
        format!("VAULT_KEY:{}", xtask::DEMO_VAULT_KEY),
        format!("JOB_BOARD_API_KEYS:{}", Value::Object(keys)),
        // An org connects the board whose views are counted (only connected boards' are).
        format!("OWNER_TOKEN_SECRETS:{{\"{}\":\"{}\"}}", xtask::DEMO_ISSUER, xtask::DEMO_OWNER_SECRET),
    ];
    let mut wrangler = {
        use std::os::unix::process::CommandExt;
        let (port, inspector) = (port.to_string(), inspector.to_string());
        let mut args = vec!["dev", "--ip", "127.0.0.1", "--port", &port, "--inspector-port", &inspector];
        args.extend([
            "--persist-to",
            state.to_str().unwrap_or_default(),
            "--log-level",
            "warn",
            "--show-interactive-dev-session=false",
            "--test-scheduled",
        ]);
        let mut c = cmd(wrangler_bin, &args);
        for v in &vars {
            c.arg("--var").arg(v);
        }
        c.current_dir(&root).envs(tool_env()).env("GHW_SKIP_WORKER_BUILD", "1").stdin(Stdio::null()).stdout(Stdio::null()).process_group(0);
        c.spawn().map_err(|e| format!("wrangler: {e}"))?
    };
    let base = format!("http://127.0.0.1:{port}");
    let result = drill(&rt, &fake, &fake_url, &base);
    unsafe {
        libc::kill(-(wrangler.id() as i32), libc::SIGKILL);
    }
    let _ = wrangler.wait();
    let _ = std::fs::remove_dir_all(&state);
    drop(running);
    result
}

fn drill(rt: &tokio::runtime::Runtime, fake: &Fake, fake_url: &str, base: &str) -> Result<Value, String> {
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(90);
    while !client.get(format!("{base}/api/v1/health")).send().is_ok_and(|r| r.status().is_success()) {
        if Instant::now() > deadline {
            return Err("drill: wrangler dev did not start".into());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    // Every drill board gets a good copy; half the jobs applied to had their questions read.
    let jobs: Vec<u64> = greenhouse_fake::seed::northwind().jobs.iter().filter_map(|j| j["id"].as_u64()).take(8).collect();
    for b in boards() {
        client.get(format!("{base}/api/v1/boards/{b}/jobs")).send().map_err(|e| e.to_string())?;
        for job in jobs.iter().step_by(2) {
            client.get(format!("{base}/api/v1/boards/{b}/jobs/{job}")).send().map_err(|e| e.to_string())?;
        }
    }
    let capacity = measure(&client, fake_url, base, jobs[0])?;
    let mut phases = Vec::new();
    let mut submitted: Vec<String> = Vec::new();
    let mut n = 0;
    for (name, fault) in FAULTS {
        for b in boards() {
            fake.set_fault(&b, fault);
        }
        std::thread::sleep(Duration::from_millis(1100)); // every copy is now past its freshness
        let calls_before = upstream_calls(fake);
        let mut phase = Phase { name: name.to_string(), ..Default::default() };
        // Visitors: 4 connections for 3 s across the boards' lists and jobs.
        let statuses = rt.block_on(visitors(base, &jobs, Duration::from_secs(3)));
        phase.statuses = statuses;
        // Candidates: one application per board per phase, to alternating jobs.
        for b in boards() {
            let job = jobs[n % jobs.len()];
            let Some((id, form)) = application(fake_url, job, n) else { continue };
            n += 1;
            let status = client
                .post(format!("{base}/api/v1/boards/{b}/jobs/{job}/applications"))
                .header("CF-Connecting-IP", format!("198.51.100.{}", n % 250))
                .multipart(form)
                .send()
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            *phase.applied.entry(status).or_default() += 1;
            if matches!(status, 201 | 202) {
                submitted.push(id);
            }
        }
        phase.upstream_calls = upstream_calls(fake) - calls_before;
        phases.push(phase);
    }
    // Recovery: Greenhouse is back; the cron delivers what was queued.
    for b in boards() {
        fake.set_fault(&b, Fault::None);
    }
    let recovered = Instant::now();
    let delivered = || fake.applications().into_iter().filter(|a| a.board.contains("--drill-")).collect::<Vec<_>>();
    while delivered().len() < submitted.len() && recovered.elapsed() < Duration::from_secs(60) {
        let _ = client.get(format!("{base}/__scheduled?cron=*+*+*+*+*")).send();
        std::thread::sleep(Duration::from_millis(200));
    }
    let got = delivered();
    let complete_count = got.iter().filter(|a| complete(a)).count();
    let unique: std::collections::BTreeSet<String> = got.iter().filter_map(|a| a.fields.get("email").map(|e| e[0].clone())).collect();

    println!();
    println!("Fault drill: {BOARDS} boards with a good copy, 4 visitor connections for 3 s per phase, fresh window 1 s");
    println!("{:<22} {:>9} {:>8} {:>10} {:>9} {:>16}", "Greenhouse is", "visitors", "200 %", "other", "upstream", "applications");
    let mut rows = Vec::new();
    for p in &phases {
        let other: u64 = p.statuses.iter().filter(|(s, _)| **s != 200).map(|(_, n)| n).sum();
        let applied = p.applied.iter().map(|(s, n)| format!("{n}×{s}")).collect::<Vec<_>>().join(" ");
        println!("{:<22} {:>9} {:>7.1}% {:>10} {:>9} {:>16}", p.name, p.visitors(), p.ok_share() * 100.0, other, p.upstream_calls, applied);
        rows.push(
            json!({"phase": p.name, "visitor_responses": p.statuses.iter().map(|(s, n)| (s.to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
                         "ok_share": p.ok_share(), "upstream_calls": p.upstream_calls,
                         "applications": p.applied.iter().map(|(s, n)| (s.to_string(), json!(n))).collect::<serde_json::Map<_, _>>()}),
        );
    }
    println!(
        "after recovery: {} applications submitted, {} delivered ({} distinct), {} with every field, in {:.1} s",
        submitted.len(),
        got.len(),
        unique.len(),
        complete_count,
        recovered.elapsed().as_secs_f64()
    );
    Ok(json!({
        "capacity": capacity,
        "boards": BOARDS, "phases": rows,
        "applications": {"submitted": submitted.len(), "delivered": got.len(), "distinct_delivered": unique.len(),
                         "delivered_with_every_field": complete_count, "recovery_seconds": recovered.elapsed().as_secs_f64()},
        "targets_met": phases.iter().all(|p| p.ok_share() == 1.0) && got.len() == submitted.len() && complete_count == submitted.len(),
    }))
}

fn stats(client: &reqwest::blocking::Client, base: &str) -> Result<Value, String> {
    client.get(format!("{base}/api/v1/__stats")).send().and_then(|r| r.json()).map_err(|e| format!("stats: {e}"))
}

/// Costs per operation, from the worker's counters, then the capacity model.
fn measure(client: &reqwest::blocking::Client, fake_url: &str, base: &str, job: u64) -> Result<Value, String> {
    use crate::capacity::{per_op, report, Cost, Measured, SCENARIO};
    let get = |path: &str| client.get(format!("{base}{path}")).send().map(|_| ()).map_err(|e| e.to_string());
    // A visitor answered from a fresh copy in memory.
    get("/api/v1/boards/northwind--cap-hot/jobs")?;
    let s0 = stats(client, base)?;
    for _ in 0..200 {
        get("/api/v1/boards/northwind--cap-hot/jobs")?;
    }
    let hot_request = per_op(&s0, &stats(client, base)?, 200.0);
    // A refresh from Greenhouse: the first visitor of a board.
    let s0 = stats(client, base)?;
    get("/api/v1/boards/northwind--cap-miss/jobs")?;
    let refresh = per_op(&s0, &stats(client, base)?, 1.0);
    // One cron run with nothing due (after a first one: owner analytics' once-a-day purge of
    // old counts is not what every run costs).
    get("/__scheduled?cron=*+*+*+*+*")?;
    let s0 = stats(client, base)?;
    get("/__scheduled?cron=*+*+*+*+*")?;
    let cron_idle = per_op(&s0, &stats(client, base)?, 1.0);
    // One application, delivered at once (to a board whose copy and questions are fresh).
    get(&format!("/api/v1/boards/northwind--cap-apply/jobs/{job}"))?;
    let (_, form) = application(fake_url, job, 999_999).ok_or("drill: no application form")?;
    let s0 = stats(client, base)?;
    client
        .post(format!("{base}/api/v1/boards/northwind--cap-apply/jobs/{job}/applications"))
        .header("CF-Connecting-IP", "198.51.100.250")
        .multipart(form)
        .send()
        .map_err(|e| e.to_string())?;
    let application = per_op(&s0, &stats(client, base)?, 1.0);
    let views = views_per_1000(base, job)?;
    // An isolate taking a newer copy from the slower layers: one Cache API read, and one KV
    // read when this data centre's copy is older than the window (`cache::best_board`).
    let refill: Cost = [("edge_reads".to_string(), 1.0), ("kv_reads".to_string(), 1.0)].into_iter().collect();
    // Every cron run reads each connected board's credential and sync status rows once
    // (`sync::all`'s candidates query): two rows per board, from the code.
    let cron_per_board: Cost = [("d1_rows_read".to_string(), 2.0)].into_iter().collect();
    let m = Measured { hot_request, refresh, refill, cron_idle, cron_per_board, application };
    let r = report(&m, &SCENARIO);
    println!();
    println!("Measured cost per operation (worker counters; wrangler dev, one isolate)");
    println!(
        "{:<26} {:>9} {:>8} {:>8} {:>10} {:>10} {:>6} {:>8} {:>8}",
        "operation", "upstream", "KV read", "KV put", "cache read", "cache put", "D1 stmt", "rows rd", "rows wr"
    );
    for (name, c) in [
        ("visitor, fresh in memory", &m.hot_request),
        ("refresh from Greenhouse", &m.refresh),
        ("refill (from the code)", &m.refill),
        ("cron run, nothing due", &m.cron_idle),
        ("application delivered", &m.application),
    ] {
        println!("{}", cost_row(name, c));
    }
    println!(
        "Per day at {} boards, {} visitor requests/s, {} s freshness, {} applications/day, {} places refilling each board:",
        SCENARIO.boards, SCENARIO.requests_per_sec, SCENARIO.fresh_secs, SCENARIO.applications_per_day, SCENARIO.isolates
    );
    for (k, v) in r["per_day"].as_object().into_iter().flatten() {
        println!("  {k:<16} {:>14.0}", v.as_f64().unwrap_or(0.0));
    }
    println!(
        "  first limit reached on Workers Free: {}; first inclusion passed on Workers Paid: {} (billed beyond the inclusions: ${:.2}/day)",
        r["first_limit_free"].as_str().unwrap_or("none"),
        r["first_quota_paid"].as_str().unwrap_or("none"),
        r["paid_usd_per_day"].as_f64().unwrap_or(0.0)
    );
    println!("{}   ({} flush(es), {} keys, {} counted)", cost_row("1,000 counted views", &views.cost), views.flushes, VIEW_KEYS, views.counted);
    let per_op_json = |c: &Cost| json!(c);
    Ok(
        json!({"per_operation": {"hot_request": per_op_json(&m.hot_request), "refresh": per_op_json(&m.refresh), "refill_from_code": per_op_json(&m.refill),
              "cron_idle": per_op_json(&m.cron_idle), "cron_per_board_from_code": per_op_json(&m.cron_per_board),
              "application": per_op_json(&m.application)}, "model": r,
              "analytics_per_1000_views": {"cost": per_op_json(&views.cost), "flushes": views.flushes, "keys": VIEW_KEYS,
                                           "counted": views.counted, "during_requests": per_op_json(&views.during_requests)}}),
    )
}

/// What 1,000 counted views cost (owner analytics, `worker/src/analytics.rs`).
pub struct Views {
    /// Everything the worker spent on them, its own timed flush to D1 included.
    pub cost: crate::capacity::Cost,
    /// What the 1,000 requests themselves spent (the counting: nothing but memory).
    pub during_requests: crate::capacity::Cost,
    pub flushes: f64,
    pub counted: f64,
}

/// Distinct keys (board, job, day, source, kind) the 1,000 views fall into: 4 sources × (the
/// list + 2 jobs).
pub const VIEW_KEYS: usize = 12;

/// 1,000 views of one board as browsers make them (3 list views to 1 job view, from 4 sources),
/// then the flush the first of them scheduled (`FLUSH_MS` later through `wait_until`): the
/// D1 statements and rows per 1,000 counted views.
fn views_per_1000(base: &str, job: u64) -> Result<Views, String> {
    use crate::bench::BROWSER_UA;
    use crate::capacity::per_op;
    let client = reqwest::blocking::Client::builder().user_agent(BROWSER_UA).build().map_err(|e| e.to_string())?;
    let board = "northwind--cap-hot";
    // Only a board an org connected is counted.
    let token = crate::proc::mint("cap-org", "drill", "drill@northwind.example", 10);
    let r = client
        .put(format!("{base}/api/v1/orgs/cap-org/connection/job_board"))
        .bearer_auth(&token)
        .json(&json!({"board_token": board, "api_key": greenhouse_fake::seed::job_board_api_key("northwind")}))
        .send()
        .map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("views: connecting {board} answered {}", r.status()));
    }
    let other = greenhouse_fake::seed::northwind().jobs.iter().filter_map(|j| j["id"].as_u64()).find(|id| *id != job).unwrap_or(job);
    for j in [job, other] {
        client.get(format!("{base}/api/v1/boards/{board}/jobs/{j}")).send().map_err(|e| e.to_string())?;
    }
    // Nothing of an earlier count still waiting for its flush.
    std::thread::sleep(Duration::from_millis(gh_worker::analytics::FLUSH_MS + 1_000));
    let s0 = stats(&client, base)?;
    for i in 0..1000 {
        let source = ["linkedin", "newsletter", "indeed", "direct-mail"][i % 4];
        let path = match i % 4 {
            3 => format!("/api/v1/boards/{board}/jobs/{}", if i % 8 == 3 { job } else { other }),
            _ => format!("/api/v1/boards/{board}/jobs"),
        };
        let r = client.get(format!("{base}{path}?count=1&gh_src={source}")).send().map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("views: {path} answered {}", r.status()));
        }
    }
    let s1 = stats(&client, base)?;
    // The first view scheduled the flush FLUSH_MS later; views past that scheduled another.
    std::thread::sleep(Duration::from_millis(gh_worker::analytics::FLUSH_MS + 3_000));
    let s2 = stats(&client, base)?;
    let d = |k: &str| s2["ops"][k].as_f64().unwrap_or(0.0) - s0["ops"][k].as_f64().unwrap_or(0.0);
    let mut cost = per_op(&s0, &s2, 1.0);
    let mut during_requests = per_op(&s0, &s1, 1.0);
    // Only what was spent.
    for c in [&mut cost, &mut during_requests] {
        c.retain(|_, v| *v != 0.0);
    }
    Ok(Views { cost, during_requests, flushes: d("analytics_flushes"), counted: d("analytics_counted") })
}

/// Visitors on every drill board's list and a few jobs, for `dur`; statuses counted.
async fn visitors(base: &str, jobs: &[u64], dur: Duration) -> BTreeMap<u16, u64> {
    let until = Instant::now() + dur;
    let mut tasks = Vec::new();
    for c in 0..4 {
        let base = base.to_string();
        let jobs = jobs.to_vec();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
            let mut counts: BTreeMap<u16, u64> = BTreeMap::new();
            let mut i = c;
            while Instant::now() < until {
                let b = format!("northwind--drill-{}", i % BOARDS);
                let url = if i % 3 == 0 {
                    format!("{base}/api/v1/boards/{b}/jobs/{}", jobs[i % jobs.len()])
                } else {
                    format!("{base}/api/v1/boards/{b}/jobs")
                };
                let status = client.get(&url).send().await.map(|r| r.status().as_u16()).unwrap_or(0);
                *counts.entry(status).or_default() += 1;
                i += 1;
            }
            counts
        }));
    }
    let mut total = BTreeMap::new();
    for t in tasks {
        for (s, n) in t.await.unwrap_or_default() {
            *total.entry(s).or_default() += n;
        }
    }
    total
}

/// One line of the cost table: an operation and what it cost, counter by counter.
fn cost_row(name: &str, c: &crate::capacity::Cost) -> String {
    let v = |k: &str| c.get(k).copied().unwrap_or(0.0);
    format!(
        "{:<26} {:>9.2} {:>8.2} {:>8.2} {:>10.2} {:>10.2} {:>7.2} {:>8.2} {:>8.2}",
        name,
        v("upstream_calls"),
        v("kv_reads"),
        v("kv_puts"),
        v("edge_reads"),
        v("edge_puts"),
        v("d1_statements"),
        v("d1_rows_read"),
        v("d1_rows_written")
    )
}
