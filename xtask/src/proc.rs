//! Processes: the dev and test commands, run under the tool environment (a Node new enough
//! for wrangler, wrangler offline).

use crate::setup::{on_ci, Result, SKIP_ON_CI};
use std::process::{Command, Stdio};
use xtask::{root, tool_env};

pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args);
    c
}

pub fn run(mut c: impl std::borrow::BorrowMut<Command>) -> Result<()> {
    let c = c.borrow_mut();
    let shown = format!("{:?}", c);
    let status = c.status().map_err(|e| format!("{shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// Applies the D1 migrations to a local wrangler state directory (the benchmark's and the
/// drill's own workers).
pub fn migrate_local(state: &std::path::Path) -> Result<()> {
    let wrangler = root().join("node_modules/.bin/wrangler");
    let out = cmd(
        wrangler.to_str().unwrap_or("wrangler"),
        &["d1", "migrations", "apply", "DB", "--local", "--persist-to", state.to_str().unwrap_or_default()],
    )
    .current_dir(root())
    .envs(tool_env())
    .env("CI", "true")
    .env("GHW_SKIP_WORKER_BUILD", "1")
    .stdin(Stdio::null())
    .output()
    .map_err(|e| format!("wrangler: {e}"))?;
    if !out.status.success() {
        return Err(format!("D1 migrations failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

/// The demo: the Greenhouse fake (unless GREENHOUSE_BOARDS_API names a real one) and the
/// worker under `wrangler dev`, until Ctrl-C.
pub fn dev(args: &[String]) -> Result<()> {
    let mut port = "8787".to_string();
    let mut fake_port = "8790".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => port = it.next().cloned().unwrap_or(port),
            "--fake-port" => fake_port = it.next().cloned().unwrap_or(fake_port),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let root = root();
    let mut vars: Vec<(String, String)> = vec![
        ("VAULT_KEY".into(), xtask::DEMO_VAULT_KEY.into()),
        ("OWNER_TOKEN_SECRETS".into(), format!("{{\"{}\":\"{}\"}}", xtask::DEMO_ISSUER, xtask::DEMO_OWNER_SECRET)),
    ];
    let upstream = match std::env::var("GREENHOUSE_BOARDS_API") {
        Ok(real) if !real.is_empty() => {
            println!("dev: using the Job Board API at {real}");
            vars.push(("GREENHOUSE_BOARDS_API".into(), real.clone()));
            real
        }
        _ => {
            run(cmd("cargo", &["build", "-q", "-p", "greenhouse-fake"]).current_dir(&root))?;
            let fake = Command::new(root.join("target/debug/greenhouse-fake"))
                .args(["--port", &fake_port])
                .spawn()
                .map_err(|e| format!("greenhouse-fake: {e}"))?;
            std::mem::forget(fake); // ends with this process group on Ctrl-C
            let url = format!("http://127.0.0.1:{fake_port}");
            vars.extend(xtask::fake_hosts(&url));
            vars.push(("JOB_BOARD_API_KEYS".into(), format!("{{\"northwind\":\"{}\"}}", greenhouse_fake::seed::job_board_api_key("northwind"))));
            // The fake's callback receiver lives on loopback http: allowed in the demo only.
            vars.push(("CALLBACK_ALLOW".into(), format!("{url}/__fake/receiver/")));
            url
        }
    };
    // The outbox and credential tables in the local D1.
    run(cmd("wrangler", &["d1", "migrations", "apply", "DB", "--local"]).current_dir(&root).envs(tool_env()).env("CI", "true"))?;
    let token = mint("northwind", "owner-1", "owner@northwind.example", 8 * 60);
    println!();
    println!("  demo page:   http://127.0.0.1:{port}/");
    println!("  read API:    http://127.0.0.1:{port}/api/v1/boards/northwind/jobs");
    println!("  owner page:  http://127.0.0.1:{port}/owner#token={token}");
    println!("  upstream:    {upstream}");
    println!();
    let mut c = cmd("wrangler", &["dev", "--ip", "127.0.0.1", "--port", &port, "--test-scheduled"]);
    for (k, v) in &vars {
        c.arg("--var").arg(format!("{k}:{v}"));
    }
    run(c.current_dir(&root).envs(tool_env()))
}

/// The crates that ship as wasm32 (see build.rs), linted for that target too.
const WASM_CRATES: [&str; 6] = ["gh-widget", "gh-apply", "gh-console", "gh-candidates", "gh-owner-ui", "gh-worker"];

/// Every test: formatting and clippy (native and wasm32, warnings are errors), the
/// workspace's unit and integration tests (the e2e crate starts the fake, `wrangler dev` and
/// Chromium itself), then a deploy dry-run that bundles the worker. Ends with one line
/// `xtask: N passed, N failed, N skipped`, where skipped counts ignored tests and browser
/// tests that `SKIP_BROWSER_TESTS=1` skipped (refused under CI).
pub fn test(args: &[String]) -> Result<()> {
    let skip_browser = std::env::var_os("SKIP_BROWSER_TESTS").is_some();
    if skip_browser && on_ci() {
        return Err(SKIP_ON_CI.into());
    }
    let root = root();
    println!("test: cargo fmt --all --check");
    run(cmd("cargo", &["fmt", "--all", "--check"]).current_dir(&root)).map_err(|e| format!("{e}: run `cargo fmt --all`"))?;
    println!("test: cargo clippy --workspace --all-targets -- -D warnings");
    run(cmd("cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]).current_dir(&root))?;
    println!("test: cargo clippy --target wasm32-unknown-unknown ({}) -- -D warnings", WASM_CRATES.join(", "));
    let mut c = cmd("cargo", &["clippy", "--target", "wasm32-unknown-unknown"]);
    for krate in WASM_CRATES {
        c.args(["-p", krate]);
    }
    run(c.args(["--", "-D", "warnings"]).current_dir(&root))?;

    let skip_log = std::env::temp_dir().join(format!("xtask-skipped-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&skip_log);
    let mut c = cmd("cargo", &["test", "--workspace"]);
    c.args(args).current_dir(&root).envs(tool_env()).env("GHW_SKIP_WORKER_BUILD", "1").env(xtask::SKIP_LOG_VAR, &skip_log);
    let (mut counts, tests) = cargo_test(c);
    let skipped: Vec<String> = std::fs::read_to_string(&skip_log).unwrap_or_default().lines().map(str::to_string).collect();
    let _ = std::fs::remove_file(&skip_log);
    if !skipped.is_empty() {
        println!("test: {} browser tests skipped (SKIP_BROWSER_TESTS is set): {}", skipped.len(), skipped.join(", "));
    }
    // A skipped browser test returns early, so libtest counted it as passed.
    counts.passed = counts.passed.saturating_sub(skipped.len());
    counts.skipped += skipped.len();
    if let Err(e) = tests {
        counts.failed = counts.failed.max(1);
        println!("{counts}");
        return Err(e);
    }
    println!("test: wrangler deploy --dry-run");
    let out = root.join("target/deploy-dry-run");
    let output = cmd("wrangler", &["deploy", "--dry-run", "--outdir", out.to_str().unwrap_or_default()])
        .current_dir(&root)
        .envs(tool_env())
        .env("GHW_SKIP_WORKER_BUILD", "1")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("wrangler: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if !output.status.success() || !text.contains("--dry-run: exiting now") {
        counts.failed += 1;
        println!("{counts}");
        return Err(format!("deploy dry-run failed:\n{text}"));
    }
    for line in text.lines().filter(|l| l.contains("Total Upload") || l.contains("dry-run")) {
        println!("  {}", line.trim());
    }
    counts.passed += 1;
    println!("{counts}");
    Ok(())
}

/// Tests counted over a run.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "xtask: {} passed, {} failed, {} skipped", self.passed, self.failed, self.skipped)
    }
}

impl Counts {
    /// Adds libtest's `test result: ok. 19 passed; 0 failed; 2 ignored; …` line, if `line` is one.
    pub fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else { return };
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            if let (Some(n), Some(what)) = (words.next().and_then(|n| n.parse::<usize>().ok()), words.next()) {
                match what {
                    "passed" => self.passed += n,
                    "failed" => self.failed += n,
                    "ignored" => self.skipped += n,
                    _ => {}
                }
            }
        }
    }
}

/// Runs `cargo test`, passing its output through and counting libtest's result lines.
fn cargo_test(mut c: Command) -> (Counts, Result<()>) {
    use std::io::BufRead;
    let mut counts = Counts::default();
    let shown = format!("{c:?}");
    let mut child = match c.stdout(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(e) => return (counts, Err(format!("{shown}: {e}"))),
    };
    if let Some(out) = child.stdout.take() {
        for line in std::io::BufReader::new(out).lines().map_while(std::result::Result::ok) {
            println!("{line}");
            counts.add_line(&line);
        }
    }
    let result = match child.wait() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{shown} failed with {status}")),
        Err(e) => Err(format!("{shown}: {e}")),
    };
    (counts, result)
}

pub fn mint(org: &str, sub: &str, email: &str, minutes: u64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let claims = gh_worker::auth::OwnerClaims {
        iss: xtask::DEMO_ISSUER.into(),
        aud: gh_worker::auth::DEFAULT_AUDIENCE.into(),
        org: org.into(),
        sub: sub.into(),
        email: email.into(),
        exp: now + minutes * 60,
        iat: now,
        scope: String::new(),
    };
    gh_worker::auth::mint(&claims, xtask::DEMO_OWNER_SECRET)
}

/// Prints an owner token for the demo org, signed with the demo host's secret.
pub fn mint_owner_token(args: &[String]) -> Result<()> {
    let get =
        |name: &str, default: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_string());
    let minutes: u64 = get("--minutes", "60").parse().map_err(|_| "--minutes takes a number".to_string())?;
    if minutes > 24 * 60 {
        return Err("owner tokens are short-lived: 1440 minutes at most".into());
    }
    println!("{}", mint(&get("--org", "northwind"), &get("--sub", "owner-1"), &get("--email", "owner@northwind.example"), minutes));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Counts;

    #[test]
    fn counts_libtest_result_lines() {
        let mut c = Counts::default();
        c.add_line("test result: ok. 19 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        c.add_line("test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.50s");
        c.add_line("test a_test ... ok");
        assert_eq!(c, Counts { passed: 22, failed: 1, skipped: 2 });
        assert_eq!(c.to_string(), "xtask: 22 passed, 1 failed, 2 skipped");
    }
}
