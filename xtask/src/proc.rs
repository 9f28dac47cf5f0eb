//! Processes: the tool environment (local Node 22, wrangler offline), and the dev and test
//! commands that start them.

use crate::setup::Result;
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

/// Every test: the workspace's unit and integration tests (the e2e crate starts the fake,
/// `wrangler dev` and Chromium itself), then a deploy dry-run that bundles the worker.
pub fn test(args: &[String]) -> Result<()> {
    let root = root();
    let mut c = cmd("cargo", &["test", "--workspace"]);
    c.args(args).current_dir(&root).envs(tool_env()).env("GHW_SKIP_WORKER_BUILD", "1");
    run(&mut c)?;
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
        return Err(format!("deploy dry-run failed:\n{text}"));
    }
    for line in text.lines().filter(|l| l.contains("Total Upload") || l.contains("dry-run")) {
        println!("  {}", line.trim());
    }
    println!("deploy: 1 passed, 0 failed");
    Ok(())
}

fn mint(org: &str, sub: &str, email: &str, minutes: u64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let claims = gh_worker::auth::OwnerClaims {
        iss: xtask::DEMO_ISSUER.into(),
        aud: gh_worker::auth::DEFAULT_AUDIENCE.into(),
        org: org.into(),
        sub: sub.into(),
        email: email.into(),
        exp: now + minutes * 60,
        iat: now,
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
