//! Set-up on the machines people use: the committed npm tree installed for macOS (arm64, x64)
//! and Linux arm64 on this machine (`npm --os --cpu`, no install scripts), then checked with the
//! same logic `tool_env` uses. Each install must leave package-lock.json byte for byte as it
//! was, and nothing first on the tools' PATH may be a binary for another platform.

use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::{link_tools, tool_path, tools_for, NodeVersion, Platform, MIN_NODE, PLATFORMS};

/// A scratch folder, removed at the end (the three trees are about 1.5 GB).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The platform a native executable is for, from its header: ELF (Linux) or Mach-O (macOS).
/// `None` for anything else (a script, a universal binary).
fn binary_platform(bytes: &[u8]) -> Option<Platform> {
    let u16le = |at: usize| bytes.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32le = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    if bytes.starts_with(b"\x7fELF") {
        let cpu = match u16le(18)? {
            0x3e => "x64",
            0xb7 => "arm64",
            _ => "other",
        };
        return Some(Platform { os: "linux", cpu });
    }
    if u32le(0)? == 0xfeed_facf {
        let cpu = match u32le(4)? {
            0x0100_0007 => "x64",
            0x0100_000c => "arm64",
            _ => "other",
        };
        return Some(Platform { os: "darwin", cpu });
    }
    None
}

/// What running `file` on `platform` would start: the binary itself, or for a
/// `#!/usr/bin/env node` script the `node` that PATH finds first.
fn check_runs_on(file: &Path, platform: Platform, path: &str) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    if let Some(shebang) = bytes.strip_prefix(b"#!") {
        let line = String::from_utf8_lossy(shebang.split(|b| *b == b'\n').next().unwrap_or_default()).to_string();
        if line.trim() != "/usr/bin/env node" {
            return Err(format!("{}: unexpected interpreter {line}", file.display()));
        }
        let node = path.split(':').map(|d| Path::new(d).join("node")).find(|p| p.is_file());
        let node = node.ok_or_else(|| format!("{}: no node on the tools' PATH", file.display()))?;
        return check_runs_on(&node, platform, path);
    }
    match binary_platform(&bytes) {
        Some(p) if p == platform => Ok(()),
        Some(p) => Err(format!("{} is a {}-{} binary, on {}-{}", file.display(), p.os, p.cpu, platform.os, platform.cpu)),
        None => Err(format!("{}: neither a script nor a native binary", file.display())),
    }
}

/// Installs the committed tree for `platform` into `dir` (`npm ci` when `ci`, else `npm
/// install`). `Err` carries npm's output.
fn npm_install(dir: &Path, platform: Platform, ci: bool) -> Result<(), String> {
    let verb = if ci { "ci" } else { "install" };
    let out = Command::new("npm")
        .args([verb, "--os", platform.os, "--cpu", platform.cpu, "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("npm: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "npm {verb} --os {} --cpu {}: {}{}",
            platform.os,
            platform.cpu,
            String::from_utf8_lossy(&out.stdout),
            // npm follows an error with its usage text: the first lines say what went wrong.
            String::from_utf8_lossy(&out.stderr).lines().take(12).collect::<Vec<_>>().join("\n")
        ))
    }
}

/// workerd's binary for a platform, relative to node_modules (its packages say `64` for x64).
fn workerd_binary(p: Platform) -> String {
    format!("@cloudflare/workerd-{}-{}/bin/workerd", p.os, if p.cpu == "x64" { "64" } else { p.cpu })
}

fn registry_unreachable(npm_output: &str) -> bool {
    ["ENOTFOUND", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"].iter().any(|code| npm_output.contains(code))
}

#[test]
fn the_npm_tree_suits_macos_and_linux_arm64_and_keeps_its_lock() {
    if Command::new("npm").arg("--version").output().is_err() {
        println!("skipped: npm is not installed");
        return;
    }
    let root = xtask::root();
    let package = std::fs::read(root.join("package.json")).unwrap();
    let lock = std::fs::read(root.join("package-lock.json")).unwrap();
    let scratch = Scratch(std::env::temp_dir().join(format!("xtask-platforms-{}", std::process::id())));
    let targets = [Platform { os: "darwin", cpu: "arm64" }, Platform { os: "darwin", cpu: "x64" }, Platform { os: "linux", cpu: "arm64" }];

    // The three installs at once (they share npm's cache); the first with `npm ci`, which
    // refuses a lock that does not match package.json, the others with `npm install`, which
    // would rewrite a lock that lacks a platform's packages.
    let results: Vec<(Platform, PathBuf, Result<(), String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = targets
            .iter()
            .enumerate()
            .map(|(i, &platform)| {
                let dir = scratch.0.join(format!("{}-{}", platform.os, platform.cpu));
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(dir.join("package.json"), &package).unwrap();
                std::fs::write(dir.join("package-lock.json"), &lock).unwrap();
                s.spawn(move || {
                    let result = npm_install(&dir, platform, i == 0);
                    (platform, dir, result)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    if let Some((_, _, Err(e))) = results.iter().find(|(_, _, r)| r.as_ref().is_err_and(|e| registry_unreachable(e))) {
        println!("skipped: the npm registry is unreachable: {e}");
        return;
    }

    for (platform, dir, result) in results {
        let name = format!("{}-{}", platform.os, platform.cpu);
        result.unwrap();
        // (b) the lock is what was committed, byte for byte, and so is package.json.
        assert!(std::fs::read(dir.join("package-lock.json")).unwrap() == lock, "{name}: npm rewrote package-lock.json");
        assert!(std::fs::read(dir.join("package.json")).unwrap() == package, "{name}: npm rewrote package.json");

        let nm = dir.join("node_modules");
        // The platform's own Node, esbuild and workerd are there; no other platform's Node is.
        for other in PLATFORMS.iter().filter(|p| **p != platform) {
            let pkg = other.node_package().unwrap();
            assert!(!nm.join(pkg).exists(), "{name}: npm installed {pkg}");
            assert!(!nm.join(other.esbuild_binary()).exists(), "{name}: npm installed {}", other.esbuild_binary().display());
            assert!(!nm.join(workerd_binary(*other)).exists(), "{name}: npm installed {}", workerd_binary(*other));
        }
        // wrangler's Node requirement is the one the xtask checks.
        let wrangler: serde_json::Value = serde_json::from_slice(&std::fs::read(nm.join("wrangler/package.json")).unwrap()).unwrap();
        let engines = wrangler["engines"]["node"].as_str().unwrap();
        assert_eq!(NodeVersion::parse(engines), Some(MIN_NODE), "{name}: wrangler wants node {engines}; update xtask's MIN_NODE");

        // (a) A machine with no Node new enough (macOS's or Debian's Node 20, say): the npm one.
        let old = Some((PathBuf::from("/usr/bin/node"), NodeVersion(20, 20, 2)));
        let tools = tools_for(platform, old, &dir);
        assert!(!tools.system_node);
        assert_eq!(tools.node.as_deref(), Some(nm.join(platform.node_package().unwrap()).join("bin/node").as_path()));
        link_tools(&tools).unwrap();
        // A PATH as an outer xtask, or a shell with node_modules/.bin, would hand down.
        let inherited = format!("{}:{}:/usr/local/bin:/usr/bin:/bin", tools.bin.display(), nm.join(".bin").display());
        let path = tool_path(&tools, &dir, &inherited);
        let first = path.split(':').next().unwrap();
        assert_eq!(Path::new(first), tools.bin, "{name}: the tools' folder comes first");
        assert!(!path.split(':').any(|d| Path::new(d) == nm.join(".bin")), "{name}: node_modules/.bin is on the PATH: {path}");
        assert!(path.split(':').filter(|d| Path::new(d).starts_with(&nm)).count() == 1, "{name}: {path}");
        // Everything in that folder runs on the platform: native binaries for it, scripts run
        // by the Node PATH finds first, which must be the platform's.
        let mut seen = Vec::new();
        for entry in std::fs::read_dir(&tools.bin).unwrap() {
            let entry = entry.unwrap();
            seen.push(entry.file_name().to_string_lossy().to_string());
            check_runs_on(&entry.path(), platform, &path).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        seen.sort();
        assert_eq!(seen, ["node", "wasm-opt", "wrangler"], "{name}");
        check_runs_on(&tools.esbuild, platform, &path).unwrap_or_else(|e| panic!("{name}: esbuild: {e}"));
        check_runs_on(&nm.join(workerd_binary(platform)), platform, &path).unwrap_or_else(|e| panic!("{name}: workerd: {e}"));

        // A machine whose own Node is new enough (Homebrew's, nvm's): that one, and no npm Node
        // in the tools' folder to shadow it.
        let new = Some((PathBuf::from("/opt/homebrew/bin/node"), MIN_NODE));
        let tools = tools_for(platform, new, &dir);
        assert!(tools.system_node);
        assert_eq!(tools.node.as_deref(), Some(Path::new("/opt/homebrew/bin/node")));
        link_tools(&tools).unwrap();
        assert!(!tools.bin.join("node").exists(), "{name}: a node in the tools' folder shadows the machine's");
        assert_eq!(tools.esbuild, nm.join(platform.esbuild_binary()));
    }
}

#[test]
fn platform_and_node_version_logic() {
    assert_eq!(NodeVersion::parse("v20.20.2\n"), Some(NodeVersion(20, 20, 2)));
    assert_eq!(NodeVersion::parse(">=22.12.0"), Some(NodeVersion(22, 12, 0)));
    assert!(NodeVersion(22, 11, 9) < MIN_NODE && NodeVersion(24, 0, 0) > MIN_NODE);
    let here = Platform::current();
    assert!(!here.os.is_empty() && !here.cpu.is_empty());
    for p in PLATFORMS {
        assert!(p.node_package().is_some());
        let tools = tools_for(p, None, Path::new("/p"));
        assert_eq!(tools.bin, Path::new("/p/node_modules/.xtask-bin"));
        assert_eq!(tools.esbuild, Path::new("/p/node_modules").join(format!("@esbuild/{}-{}/bin/esbuild", p.os, p.cpu)));
    }
    // No Node package for the platform and no new-enough Node: none, and setup says so.
    let tools = tools_for(Platform { os: "freebsd", cpu: "x64" }, Some(("/usr/local/bin/node".into(), NodeVersion(20, 0, 0))), Path::new("/p"));
    assert_eq!(tools.node, None);
    assert!(!tools.links.iter().any(|(n, _)| *n == "node"));
    // Mach-O and ELF headers.
    assert_eq!(binary_platform(&[0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0, 0, 0x01]), Some(Platform { os: "darwin", cpu: "arm64" }));
    let mut elf = vec![0x7f, b'E', b'L', b'F'];
    elf.resize(18, 0);
    elf.extend([0x3e, 0]);
    assert_eq!(binary_platform(&elf), Some(Platform { os: "linux", cpu: "x64" }));
}

/// On this machine, after set-up: wrangler starts under `tool_env`, on a Node new enough for it,
/// and esbuild is this platform's.
#[test]
fn wrangler_starts_under_tool_env_here() {
    let root = xtask::root();
    if !root.join("node_modules/wrangler/bin/wrangler.js").exists() {
        println!("skipped: node_modules is not installed (`cargo xtask setup` installs it)");
        return;
    }
    let env = xtask::tool_env();
    let node = Command::new("node").arg("--version").env_clear().envs(&env).output().expect("a node on the tools' PATH");
    let version = NodeVersion::parse(&String::from_utf8_lossy(&node.stdout)).expect("node --version");
    assert!(version >= MIN_NODE, "node {version} on the tools' PATH");
    let out = Command::new("wrangler").arg("--version").current_dir(&root).env_clear().envs(&env).output().expect("wrangler on the tools' PATH");
    assert!(out.status.success(), "wrangler --version: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("4.164.0"), "{}", String::from_utf8_lossy(&out.stdout));
    let esbuild = Command::new(&env["ESBUILD_BIN"]).arg("--version").output().expect("ESBUILD_BIN runs");
    assert!(esbuild.status.success());
}
