//! `cargo xtask <command>`: the README's commands, and nothing else.
//!
//! * `setup`  installs what is missing (wasm32 target, pinned wasm-bindgen-cli, worker-build,
//!   npm packages from the committed lock, a Java for the validators, Chromium + ChromeDriver where
//!   the machine allows)
//! * `build`  builds the widget (release, size-tuned) into `dist/assets` and the worker
//! * `dev`    setup + build, then runs the Greenhouse fake and `wrangler dev` (the demo)
//! * `test`   setup + build, then every test: unit, worker-in-workerd, browser, deploy dry-run
//! * `bench`  setup + release build, then sizes, throughput and the fault drill; prints
//!   tables and JSON
//! * `mint-owner-token`  a signed owner token for the demo org (what a host site would issue)

mod bench;
mod build;
mod capacity;
mod drill;
mod paint;
mod proc;
mod setup;

use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask <setup|build|build-worker|dev|test|bench|mint-owner-token> [args]");
    eprintln!("  mint-owner-token [--org northwind] [--sub owner-1] [--email owner@northwind.example] [--minutes 60]");
    eprintln!("  dev   [--port 8787] [--fake-port 8790]  (set GREENHOUSE_BOARDS_API to use a real board)");
    eprintln!("  test  [cargo test args…]                (SKIP_BROWSER_TESTS=1 skips the Chromium tests)");
    eprintln!("  bench [--seconds 5] [--connections 8] [--out target/bench.json]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else { return usage() };
    let rest = &args[1..];
    let result = match cmd.as_str() {
        "setup" => setup::all(),
        "build" => setup::all().and_then(|_| build::all()),
        "build-worker" => build::worker(),
        "dev" => setup::all().and_then(|_| build::all()).and_then(|_| proc::dev(rest)),
        "test" => setup::all().and_then(|_| build::all()).and_then(|_| proc::test(rest)),
        "bench" => setup::all().and_then(|_| build::all()).and_then(|_| bench::run(rest)).and_then(|_| drill::add_to_report(rest)),
        // The fault drill alone, on what is already built (the full bench runs it too).
        "drill" => drill::add_to_report(rest),
        "mint-owner-token" => proc::mint_owner_token(rest),
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {cmd}: {e}");
            ExitCode::FAILURE
        }
    }
}
