//! Installs what a fresh machine lacks. Every step checks first, so a warm machine pays
//! nothing, and says what it does.

use crate::proc::{cmd, run};
use std::path::PathBuf;
use xtask::{cargo_bin, find_browser, link_tools, root, system_node, tools, NodeVersion, Platform, Tools, MIN_NODE};

pub type Result<T> = std::result::Result<T, String>;

pub const WORKER_BUILD_VERSION: &str = "0.8.7";

/// Whether this runs under CI (`CI` set to anything but empty, `0` or `false`).
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// `SKIP_BROWSER_TESTS` would let CI pass without the browser tests: refused there.
pub const SKIP_ON_CI: &str = "SKIP_BROWSER_TESTS is set under CI: CI must run the browser tests, so unset it (set-up installs Chromium)";

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
    // 0. CI runs the browser tests: refuse their opt-out there before anything else.
    if std::env::var_os("SKIP_BROWSER_TESTS").is_some() && on_ci() {
        return Err(SKIP_ON_CI.into());
    }
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
    // 4. npm packages from the committed lock, with `npm ci`: it installs exactly the lock (which
    //    holds every platform's optional packages, so it suits every machine) and never rewrites
    //    it. Run again when the lock, package.json or the platform changed since the last run.
    npm_packages()?;
    // 5. A Node for wrangler: the machine's own when new enough, else the npm one.
    let tools = tools();
    node_for_wrangler(&tools)?;
    link_tools(&tools).map_err(|e| format!("{}: {e}", tools.bin.display()))?;
    // 6. A Java for the Nu Html Checker and the sitemap schema (tests/e2e/tests/standards.rs):
    //    the machine's, else Debian's.
    if xtask::find_java().is_none() {
        install_java()?;
    }
    // 7. Chromium and ChromeDriver for the browser tests: an installed Chrome or Chromium and a
    //    ChromeDriver where the machine has them, else Debian's.
    if std::env::var_os("SKIP_BROWSER_TESTS").is_none() && find_browser().is_none() {
        install_chromium()?;
    }
    Ok(())
}

/// What `node_modules/.xtask-installed` holds after a good `npm ci`: the platform and the
/// files it installed from. Any difference means the tree is out of date.
fn npm_stamp() -> Result<String> {
    let read = |name: &str| std::fs::read_to_string(root().join(name)).map_err(|e| format!("{name}: {e}"));
    let p = Platform::current();
    Ok(format!("{}-{}\n{}\n{}", p.os, p.cpu, read("package.json")?, read("package-lock.json")?))
}

fn npm_packages() -> Result<()> {
    let nm = root().join("node_modules");
    let stamp_file = nm.join(".xtask-installed");
    let stamp = npm_stamp()?;
    if std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) && nm.join("wrangler/bin/wrangler.js").exists() {
        return Ok(());
    }
    println!("setup: installing npm packages from package-lock.json (wrangler, binaryen, axe-core, vnu-jar, a Node 22 for wrangler)");
    run(cmd("npm", &["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(root()))?;
    std::fs::write(&stamp_file, stamp).map_err(|e| format!("{}: {e}", stamp_file.display()))
}

fn node_for_wrangler(tools: &Tools) -> Result<()> {
    let p = Platform::current();
    let Some(node) = &tools.node else {
        let have = system_node().map(|(path, v)| format!("{} is {v}", path.display())).unwrap_or_else(|| "no node is on PATH".into());
        return Err(format!(
            "wrangler needs Node >= {MIN_NODE} and npm has no Node package for {}-{} ({have}): install Node {MIN_NODE} or newer",
            p.os, p.cpu
        ));
    };
    let out = std::process::Command::new(node).arg("--version").output().map_err(|e| {
        format!(
            "{}: {e} (npm did not install {} for this {}-{} machine? install Node {MIN_NODE} or newer)",
            node.display(),
            p.node_package().unwrap_or("node"),
            p.os,
            p.cpu
        )
    })?;
    match NodeVersion::parse(&String::from_utf8_lossy(&out.stdout)) {
        Some(v) if v >= MIN_NODE => {
            let whose = if tools.system_node { "this machine's" } else { "npm's" };
            println!("setup: wrangler runs on {whose} Node {v} ({})", node.display());
            Ok(())
        }
        other => Err(format!("{} is Node {other:?}; wrangler needs {MIN_NODE} or newer", node.display())),
    }
}

fn install_java() -> Result<()> {
    let is_root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
    if !(is_root && PathBuf::from("/usr/bin/apt-get").exists()) {
        return Err(xtask::JAVA_MISSING.into());
    }
    println!("setup: installing default-jre-headless from Debian (for the Nu Html Checker)");
    run(cmd("apt-get", &["update", "-qq"]))?;
    run(cmd("apt-get", &["install", "-y", "-qq", "default-jre-headless"]).env("DEBIAN_FRONTEND", "noninteractive"))
}

fn install_chromium() -> Result<()> {
    let is_root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
    let has_apt = PathBuf::from("/usr/bin/apt-get").exists();
    if !(is_root && has_apt) {
        return Err("the browser tests need Chrome or Chromium and a matching ChromeDriver, and none was found: install them \
                    (Debian: `chromium chromium-driver`; macOS: `brew install --cask google-chrome chromedriver`), or point \
                    CHROME_BIN and CHROMEDRIVER at them, or set SKIP_BROWSER_TESTS=1 to run everything else"
            .into());
    }
    println!("setup: installing chromium and chromium-driver from Debian");
    run(cmd("apt-get", &["update", "-qq"]))?;
    run(cmd("apt-get", &["install", "-y", "-qq", "chromium", "chromium-driver"]).env("DEBIAN_FRONTEND", "noninteractive"))
}
