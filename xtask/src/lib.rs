//! What both the xtask commands and the test harness need: where the project is, and the
//! environment under which wrangler and worker-build run offline with the pinned tools.

use std::collections::HashMap;
use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// A binary that `cargo install` put in cargo's bin folder.
pub fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into())).join(".cargo"));
    home.join("bin").join(name)
}

/// Environment for wrangler, worker-build and the tests: the project's Node 22 first on PATH,
/// wrangler kept offline with its files inside the project, worker-build pointed at local
/// tools so it downloads nothing.
pub fn tool_env() -> HashMap<String, String> {
    let root = root();
    let bin = root.join("node_modules/.bin");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let xdg = root.join(".xdg");
    let mut env = HashMap::new();
    env.insert("PATH".into(), path);
    env.insert("WRANGLER_SEND_METRICS".into(), "false".into());
    env.insert("CLOUDFLARE_CF_FETCH_ENABLED".into(), "false".into());
    env.insert("XDG_CONFIG_HOME".into(), xdg.join("config").display().to_string());
    env.insert("XDG_CACHE_HOME".into(), xdg.join("cache").display().to_string());
    env.insert("WASM_BINDGEN_BIN".into(), cargo_bin("wasm-bindgen").display().to_string());
    env.insert("WASM_OPT_BIN".into(), bin.join("wasm-opt").display().to_string());
    env.insert("ESBUILD_BIN".into(), root.join("node_modules/@esbuild/linux-x64/bin/esbuild").display().to_string());
    env
}

/// The demo's owner-token issuer and its secret. For the local demo only: a real host site
/// has its own secret, set as `OWNER_TOKEN_SECRETS` with `wrangler secret put`.
pub const DEMO_ISSUER: &str = "demo-site";
pub const DEMO_OWNER_SECRET: &str = "demo-host-secret-change-me";
/// The demo's vault key (32 zero-to-31 bytes, base64). Local demo only.
pub const DEMO_VAULT_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// `--var NAME:value` pairs that point every Greenhouse host of the worker at a fake (US at
/// its root, EU under `/eu`).
pub fn fake_hosts(fake: &str) -> Vec<(String, String)> {
    let mut v = vec![("GREENHOUSE_BOARDS_API".to_string(), fake.to_string()), ("GREENHOUSE_BOARDS_API_EU".to_string(), format!("{fake}/eu"))];
    for api in ["HARVEST", "AUTH", "INGESTION"] {
        v.push((format!("GREENHOUSE_{api}_API"), fake.to_string()));
        v.push((format!("GREENHOUSE_{api}_API_EU"), format!("{fake}/eu")));
    }
    v
}
