//! Processes: the tool environment (local Node 22, wrangler offline), and the dev and test
//! commands that start them.

use crate::setup::Result;
use xtask::{root, tool_env};
use std::process::{Command, Stdio};

pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args);
    c
}

pub fn run(mut c: impl std::borrow::BorrowMut<Command>) -> Result<()> {
    let c = c.borrow_mut();
    let shown = format!("{:?}", c);
    let status = c.status().map_err(|e| format!("{shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed with {status}")) }
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
    let upstream = match std::env::var("GREENHOUSE_BOARDS_API") {
        Ok(real) if !real.is_empty() => {
            println!("dev: using the Job Board API at {real}");
            real
        }
        _ => {
            run(cmd("cargo", &["build", "-q", "-p", "greenhouse-fake"]).current_dir(&root))?;
            let fake = Command::new(root.join("target/debug/greenhouse-fake"))
                .args(["--port", &fake_port])
                .spawn()
                .map_err(|e| format!("greenhouse-fake: {e}"))?;
            std::mem::forget(fake); // ends with this process group on Ctrl-C
            format!("http://127.0.0.1:{fake_port}")
        }
    };
    println!();
    println!("  demo page:   http://127.0.0.1:{port}/");
    println!("  read API:    http://127.0.0.1:{port}/api/v1/boards/northwind/jobs");
    println!("  upstream:    {upstream}");
    println!();
    run(cmd("wrangler", &["dev", "--ip", "127.0.0.1", "--port", &port, "--var", &format!("GREENHOUSE_BOARDS_API:{upstream}")])
        .current_dir(&root)
        .envs(tool_env()))
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
