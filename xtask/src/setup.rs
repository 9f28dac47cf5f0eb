//! Installs what a fresh machine lacks. Every step checks first, so a warm machine pays
//! nothing, and says what it does.

use crate::proc::{cmd, run};
use std::path::PathBuf;
use xtask::{cargo_bin, root, tool_env};

pub type Result<T> = std::result::Result<T, String>;

pub const WORKER_BUILD_VERSION: &str = "0.8.7";

/// The wasm-bindgen version the lock file pins; the CLI must equal it exactly.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

pub fn wasm_bindgen_bin() -> PathBuf {
    cargo_bin("wasm-bindgen")
}

pub fn worker_build_bin() -> PathBuf {
    cargo_bin("worker-build")
}

fn version_of(bin: &PathBuf) -> Option<String> {
    let out = std::process::Command::new(bin).arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub fn all() -> Result<()> {
    // 1. The wasm32 target.
    let targets = cmd("rustup", &["target", "list", "--installed"]).output().map_err(|e| format!("rustup: {e}"))?;
    if !String::from_utf8_lossy(&targets.stdout).contains("wasm32-unknown-unknown") {
        println!("setup: adding the wasm32-unknown-unknown target");
        run(cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))?;
    }
    // 2. wasm-bindgen-cli at exactly the locked version (not --locked: its lock names a
    //    crate release some registries lack).
    let want = locked_wasm_bindgen()?;
    if !version_of(&wasm_bindgen_bin()).is_some_and(|v| v.ends_with(&format!(" {want}"))) {
        println!("setup: installing wasm-bindgen-cli {want} (takes a few minutes once)");
        run(cmd("cargo", &["install", "wasm-bindgen-cli", "--version", &want, "--force"]))?;
    }
    // 3. worker-build, which shares the worker crate's 0.8 line.
    if !version_of(&worker_build_bin()).is_some_and(|v| v.contains(WORKER_BUILD_VERSION)) {
        println!("setup: installing worker-build {WORKER_BUILD_VERSION} (takes a few minutes once)");
        run(cmd("cargo", &["install", "worker-build", "--version", WORKER_BUILD_VERSION, "--force"]))?;
    }
    // 4. npm packages from the committed lock (`npm install` keeps the lock as it is; `npm ci`
    //    refuses a lock without the other platforms' workerd packages).
    let nm = root().join("node_modules");
    let stamp = nm.join(".package-lock.json");
    let lock_newer = match (std::fs::metadata(root().join("package-lock.json")), std::fs::metadata(&stamp)) {
        (Ok(a), Ok(b)) => a.modified().ok() > b.modified().ok(),
        _ => true,
    };
    if lock_newer || !nm.join(".bin/wrangler").exists() {
        println!("setup: installing npm packages (wrangler, binaryen, node 22)");
        run(cmd("npm", &["install", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(root()))?;
    }
    // 5. Chromium and ChromeDriver for the browser tests.
    if std::env::var_os("SKIP_BROWSER_TESTS").is_none() && !PathBuf::from("/usr/bin/chromedriver").exists() {
        install_chromium()?;
    }
    let _ = tool_env();
    Ok(())
}

fn install_chromium() -> Result<()> {
    let is_root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
    let has_apt = PathBuf::from("/usr/bin/apt-get").exists();
    if !(is_root && has_apt) {
        return Err("the browser tests need Chromium and ChromeDriver: install Debian's `chromium chromium-driver` \
                    (or set SKIP_BROWSER_TESTS=1 to run everything else)"
            .into());
    }
    println!("setup: installing chromium and chromium-driver from Debian");
    run(cmd("apt-get", &["update", "-qq"]))?;
    run(cmd("apt-get", &["install", "-y", "-qq", "chromium", "chromium-driver"]).env("DEBIAN_FRONTEND", "noninteractive"))
}
