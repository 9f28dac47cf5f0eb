//! Builds the widget (size-tuned) into `dist/assets` beside the host pages, and the worker
//! with worker-build, pointing it at local tools so it downloads nothing.

use crate::proc::{cmd, run};
use crate::setup::{wasm_bindgen_bin, worker_build_bin, Result};
use std::fs;
use std::path::Path;
use xtask::{root, tool_env};

pub fn assets_dir() -> std::path::PathBuf {
    root().join("dist/assets")
}

pub fn all() -> Result<()> {
    widget()?;
    worker()
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// One wasm bundle: `cargo build` (profile `widget-release`) → wasm-bindgen → wasm-opt -Oz
/// → `dist/assets/{dir}/{name}.js` + `{name}_bg.wasm`.
fn bundle(package: &str, name: &str, dir: &str) -> Result<()> {
    let root = root();
    println!("build: {package} (wasm32, opt-level z)");
    run(cmd("cargo", &["build", "-p", package, "--target", "wasm32-unknown-unknown", "--profile", "widget-release"]).current_dir(&root))?;
    let out = assets_dir().join(dir);
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let wasm = root.join(format!("target/wasm32-unknown-unknown/widget-release/{name}.wasm"));
    run(cmd(
        wasm_bindgen_bin().to_str().unwrap_or("wasm-bindgen"),
        &[
            "--target",
            "web",
            "--no-typescript",
            "--remove-name-section",
            "--remove-producers-section",
            "--out-dir",
            out.to_str().unwrap_or_default(),
            "--out-name",
            name,
            wasm.to_str().unwrap_or_default(),
        ],
    ))?;
    let bg = out.join(format!("{name}_bg.wasm"));
    let bg_s = bg.to_str().unwrap_or_default();
    run(cmd(
        "wasm-opt",
        &[
            "-Oz",
            // Repeats the passes while they still shrink the module (about 0.3 % on the widget).
            "--converge",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
            bg_s,
            "-o",
            bg_s,
        ],
    )
    .envs(tool_env()))
}

/// The visitor widget, the application form, the owner console and the owners' candidate
/// components (separate bundles), then the loader and the host pages from `www/`.
pub fn widget() -> Result<()> {
    let root = root();
    let _ = fs::remove_dir_all(assets_dir());
    bundle("gh-widget", "gh_widget", "widget")?;
    bundle("gh-apply", "gh_apply", "apply")?;
    bundle("gh-console", "gh_console", "console")?;
    bundle("gh-candidates", "gh_candidates", "candidates")?;
    let out = assets_dir();
    copy_dir(&root.join("www"), &out)?;
    // The loader is on every visitor's critical path: minified (its comments stay in the source).
    let mut outfile = std::ffi::OsString::from("--outfile=");
    outfile.push(out.join("widget.js"));
    let mut esbuild = std::process::Command::new(xtask::tools().esbuild);
    esbuild.args(["--minify", "--target=es2018", "--log-level=warning"]).arg(root.join("widget/loader.js")).arg(outfile);
    run(esbuild)?;
    // The custom element's types, for host apps written in TypeScript.
    fs::copy(root.join("widget/greenhouse-jobs.d.ts"), out.join("greenhouse-jobs.d.ts")).map_err(|e| format!("types: {e}"))?;
    Ok(())
}

/// What `wrangler.toml`'s build step runs. Tests set `GHW_SKIP_WORKER_BUILD=1` after the
/// xtask has built once, so each `wrangler dev` they start does not rebuild.
pub fn worker() -> Result<()> {
    let root = root();
    if std::env::var_os("GHW_SKIP_WORKER_BUILD").is_some() && root.join("worker/build/index.js").exists() {
        return Ok(());
    }
    println!("build: worker (worker-build --release)");
    run(cmd(worker_build_bin().to_str().unwrap_or("worker-build"), &["--release"]).current_dir(root.join("worker")).envs(tool_env()))
}
