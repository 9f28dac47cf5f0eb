//! Test harness: the Greenhouse fake, the real worker under `wrangler dev` (workerd), a
//! static "host site" on another origin, and headless Chromium through ChromeDriver.
//!
//! Every process the harness starts runs in its own process group and is killed when its
//! handle drops or, for the shared instances, when the test binary exits.

pub mod browser;

use greenhouse_fake::Running;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub use greenhouse_fake::{Fake, Fault};

/// Freshness the shared worker runs with: short, so stale-copy tests need not wait long.
pub const FRESH_SECONDS: u64 = 3;

/// The owner-token issuer and secret the shared worker trusts.
pub const OWNER_ISSUER: &str = "test-site";
pub const OWNER_SECRET: &str = "test-host-secret-5d9c";

/// A signed owner token for `org`, valid for `secs` (negative: already expired).
pub fn owner_token(org: &str, sub: &str, secs: i64) -> String {
    owner_token_with(org, sub, secs, OWNER_ISSUER, OWNER_SECRET, gh_worker::auth::DEFAULT_AUDIENCE)
}

/// A host server's token (`scope: "server"`) for `org`.
pub fn host_token(org: &str, secs: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let claims = gh_worker::auth::OwnerClaims {
        iss: OWNER_ISSUER.into(),
        aud: gh_worker::auth::DEFAULT_AUDIENCE.into(),
        org: org.into(),
        sub: "host-server".into(),
        email: String::new(),
        exp: (now + secs).max(1) as u64,
        iat: now as u64,
        scope: gh_worker::auth::SCOPE_SERVER.into(),
    };
    gh_worker::auth::mint(&claims, OWNER_SECRET)
}

pub fn owner_token_with(org: &str, sub: &str, secs: i64, iss: &str, secret: &str, aud: &str) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let claims = gh_worker::auth::OwnerClaims {
        iss: iss.into(),
        aud: aud.into(),
        org: org.into(),
        sub: sub.into(),
        email: format!("{sub}@northwind.example"),
        exp: (now + secs).max(1) as u64,
        iat: now as u64,
        scope: String::new(),
    };
    gh_worker::auth::mint(&claims, secret)
}

/// Boards the shared worker has a Job Board API key for (the fake's key for `northwind`).
pub const APPLY_BOARDS: [&str; 17] = [
    "northwind--apply-cold",
    "northwind--apply-busy",
    "northwind--apply-browser-queued",
    "northwind--apply-raw",
    "northwind--apply-conflict",
    "northwind--apply-files",
    "northwind--apply-ok",
    "northwind--apply-422",
    "northwind--apply-once",
    "northwind--apply-outbox",
    "northwind--apply-rejected",
    "northwind--apply-limit",
    "northwind--apply-browser",
    "northwind--apply-browser-bad",
    "northwind--apply-secret",
    "northwind--apply-turnstile",
    "northwind",
];

/// The `JOB_BOARD_API_KEYS` secret the shared worker gets.
pub fn job_board_keys() -> String {
    let key = greenhouse_fake::seed::job_board_api_key("northwind");
    let map: serde_json::Map<String, serde_json::Value> = APPLY_BOARDS.iter().map(|b| (b.to_string(), key.clone().into())).collect();
    serde_json::Value::Object(map).to_string()
}

pub fn root() -> PathBuf {
    xtask::root()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Process groups to kill when the test binary exits (statics are never dropped).
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

extern "C" fn kill_groups() {
    if let Ok(groups) = GROUPS.lock() {
        for pid in groups.iter() {
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
}

/// A child process in its own group; the whole group dies with the handle.
pub struct Group {
    child: Child,
}

impl Group {
    pub fn spawn(mut cmd: Command) -> std::io::Result<Self> {
        use std::os::unix::process::CommandExt;
        static ATEXIT: OnceLock<()> = OnceLock::new();
        ATEXIT.get_or_init(|| unsafe {
            libc::atexit(kill_groups);
        });
        cmd.process_group(0);
        let child = cmd.spawn()?;
        GROUPS.lock().unwrap().push(child.id() as i32);
        Ok(Self { child })
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let pid = self.child.id() as i32;
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
        let _ = self.child.wait();
        GROUPS.lock().unwrap().retain(|p| *p != pid);
    }
}

/// The worker running under `wrangler dev`.
pub struct Worker {
    pub base: String,
    pub log: PathBuf,
    _group: Group,
    /// wrangler's local state (D1, Cache API), for tests that inspect what is stored.
    pub state: PathBuf,
}

impl Worker {
    /// Starts `wrangler dev` with the upstream and extra `--var`s, and waits until it answers.
    /// A port taken between choosing it and wrangler binding it (other test binaries start
    /// workers too) is met by starting again on fresh ports.
    pub fn start(upstream: &str, vars: &[(&str, &str)]) -> Self {
        Self::start_in(None, upstream, vars)
    }

    /// Like [`Worker::start`], on the local state (D1, KV, Cache API) of an earlier worker, as
    /// a redeploy with new configuration would find it.
    pub fn start_in(state: Option<&std::path::Path>, upstream: &str, vars: &[(&str, &str)]) -> Self {
        let mut last = String::new();
        for _ in 0..3 {
            match Self::try_start(state, upstream, vars) {
                Ok(w) => return w,
                Err(e) if e.contains("Address already in use") => last = e,
                Err(e) => panic!("{e}"),
            }
        }
        panic!("wrangler dev found its ports taken three times:\n{last}")
    }

    fn try_start(state: Option<&std::path::Path>, upstream: &str, vars: &[(&str, &str)]) -> Result<Self, String> {
        let root = root();
        assert!(
            root.join("worker/build/index.js").exists() && root.join("dist/assets/widget.js").exists(),
            "the worker and widget are not built: run `cargo xtask test` (or `cargo xtask build` first)"
        );
        let port = free_port();
        let inspector = free_port();
        let state = state
            .map(std::path::Path::to_path_buf)
            .unwrap_or_else(|| std::env::temp_dir().join(format!("ghw-wrangler-{}-{port}", std::process::id())));
        let log = std::env::temp_dir().join(format!("ghw-wrangler-{}-{port}.log", std::process::id()));
        // The outbox's tables, in the same local state the worker will use.
        let migrate = Command::new(root.join("node_modules/.bin/wrangler"))
            .current_dir(&root)
            .envs(xtask::tool_env())
            .env("GHW_SKIP_WORKER_BUILD", "1")
            .env("CI", "true")
            .args(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state.to_str().unwrap()])
            .stdin(Stdio::null())
            .output()
            .expect("wrangler d1 migrations apply");
        assert!(
            migrate.status.success(),
            "D1 migrations failed:\n{}{}",
            String::from_utf8_lossy(&migrate.stdout),
            String::from_utf8_lossy(&migrate.stderr)
        );
        let mut cmd = Command::new(root.join("node_modules/.bin/wrangler"));
        cmd.current_dir(&root)
            .envs(xtask::tool_env())
            .env("GHW_SKIP_WORKER_BUILD", "1")
            .args(["dev", "--ip", "127.0.0.1", "--port", &port.to_string(), "--inspector-port", &inspector.to_string()])
            .args(["--persist-to", state.to_str().unwrap(), "--log-level", "info", "--show-interactive-dev-session=false", "--test-scheduled"])
            .args(["--var", &format!("GREENHOUSE_BOARDS_API:{upstream}")])
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::fs::File::create(&log).expect("log file")))
            .stderr(Stdio::from(std::fs::File::create(log.with_extension("err")).expect("log file")));
        for (k, v) in vars {
            cmd.args(["--var", &format!("{k}:{v}")]);
        }
        let group = Group::spawn(cmd).expect("wrangler starts (run `cargo xtask setup`)");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let ok = std::process::Command::new("curl")
                .args(["-sf", "-o", "/dev/null", &format!("{base}/api/v1/health")])
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                break;
            }
            let out = std::fs::read_to_string(&log).unwrap_or_default();
            let err = std::fs::read_to_string(log.with_extension("err")).unwrap_or_default();
            if err.contains("Address already in use") || out.contains("Address already in use") {
                return Err(format!("{out}\n{err}"));
            }
            if Instant::now() > deadline {
                return Err(format!("wrangler dev did not come up in 90 s\n{out}\n{err}"));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Ok(Self { base, log, _group: group, state })
    }

    /// Runs the cron handler now (`wrangler dev --test-scheduled`). Runs are serialised, as
    /// Cloudflare's minutely cron is: the worker's D1 lease makes an overlapping run do
    /// nothing, which a test that waits for its own run's effect must not meet by chance.
    pub fn run_cron(&self) {
        let turn = cron_turn();
        self.run_cron_holding(&turn);
    }

    /// Runs the cron while the caller holds the turn (a test that plays with the lease
    /// itself holds it throughout, so no other test's run meets its lease).
    pub fn run_cron_holding(&self, _turn: &std::sync::MutexGuard<'static, ()>) {
        let ok = Command::new("curl")
            .args(["-sf", "-o", "/dev/null", &format!("{}/__scheduled?cron=*+*+*+*+*", self.base)])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "the scheduled handler ran");
    }

    /// Runs SQL against the worker's local D1 and returns the rows as JSON.
    pub fn d1(&self, sql: &str) -> serde_json::Value {
        let out = Command::new(root().join("node_modules/.bin/wrangler"))
            .current_dir(root())
            .envs(xtask::tool_env())
            .env("GHW_SKIP_WORKER_BUILD", "1")
            .env("CI", "true")
            .args(["d1", "execute", "DB", "--local", "--persist-to", self.state.to_str().unwrap(), "--json", "--command", sql])
            .stdin(Stdio::null())
            .output()
            .expect("wrangler d1 execute");
        assert!(out.status.success(), "d1 execute failed: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("d1 JSON");
        v[0]["results"].clone()
    }

    /// Everything wrangler printed so far (stdout and stderr): the worker's logs.
    pub fn logs(&self) -> String {
        let out = std::fs::read_to_string(&self.log).unwrap_or_default();
        let err = std::fs::read_to_string(self.log.with_extension("err")).unwrap_or_default();
        format!("{out}{err}")
    }
}

/// The fake, the worker in front of it, and a runtime that keeps the fake serving.
pub struct Stack {
    pub fake: Fake,
    pub fake_url: String,
    pub worker: Worker,
    /// Whether the worker started with a test binary's [`stack_with`] configuration.
    extra: bool,
    _fake: Running,
    _rt: tokio::runtime::Runtime,
}

/// Configuration a test binary adds to the shared stack's, given the fake's URL.
pub type ExtraVars = fn(&str) -> Vec<(String, String)>;

static EXTRA: OnceLock<ExtraVars> = OnceLock::new();

/// The stack of a test binary that needs configuration besides the shared one (the global
/// purge's, say): every test of that binary calls this first, with the same `extra`, before any
/// helper touches [`stack`] (which then returns the same stack). Tests run in parallel, so a
/// test that reached a helper first would start the stack without `extra`: that panics here,
/// whichever test wins the race, rather than leaving the configuration silently out.
pub fn stack_with(extra: ExtraVars) -> &'static Stack {
    EXTRA.get_or_init(|| extra);
    let s = stack();
    assert!(s.extra, "the stack started without this binary's configuration: call stack_with before any other helper");
    s
}

/// One stack per test binary, started on first use.
pub fn stack() -> &'static Stack {
    static STACK: OnceLock<Stack> = OnceLock::new();
    STACK.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let running = rt.block_on(greenhouse_fake::start(0)).expect("fake starts");
        let fake_url = running.base_url();
        let keys = job_board_keys();
        let owners = format!("{{\"{OWNER_ISSUER}\":\"{OWNER_SECRET}\"}}");
        let mut vars: Vec<(String, String)> = vec![
            ("CACHE_FRESH_SECONDS".into(), FRESH_SECONDS.to_string()),
            ("UPSTREAM_TIMEOUT_MS".into(), "2000".into()),
            ("OUTBOX_BACKOFF_SECONDS".into(), "0".into()),
            ("JOB_BOARD_API_KEYS".into(), keys),
            ("VAULT_KEY".into(), xtask::DEMO_VAULT_KEY.into()),
            ("OWNER_TOKEN_SECRETS".into(), owners),
            ("HARVEST_PER_PAGE".into(), "10".into()),
            ("HARVEST_WINDOW_SECONDS".into(), "2".into()),
            // The fake's callback receiver lives on loopback http.
            ("CALLBACK_ALLOW".into(), "http://127.0.0.1:".into()),
            // Exported candidates are polled on every cron run, and attachment links live 3 s.
            ("STATUS_POLL_SECONDS".into(), "0".into()),
            // Watch lists are matched again every 3 s (on the next cron run after).
            ("REMATCH_SECONDS".into(), "3".into()),
            ("ATTACHMENT_LINK_SECONDS".into(), "3".into()),
        ];
        vars.extend(xtask::fake_hosts(&fake_url).into_iter().filter(|(k, _)| k != "GREENHOUSE_BOARDS_API"));
        let extra = EXTRA.get();
        vars.extend(extra.map(|extra| extra(&fake_url)).unwrap_or_default());
        let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let worker = Worker::start(&fake_url, &refs);
        Stack { fake: running.fake.clone(), fake_url, worker, extra: extra.is_some(), _fake: running, _rt: rt }
    })
}

/// The one turn at running the cron, across the tests of a binary.
pub fn cron_turn() -> std::sync::MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

/// An owner's call to the shared worker (`/api/v1/orgs/{org}{path}`) with a fresh owner token.
pub fn owner_call(method: reqwest::Method, org: &str, path: &str, body: Option<serde_json::Value>) -> reqwest::blocking::Response {
    let url = format!("{}/api/v1/orgs/{org}{path}", stack().worker.base);
    let mut r = reqwest::blocking::Client::new().request(method, url).bearer_auth(owner_token(org, "ops", 600));
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().expect("the worker answers")
}

/// A call to the shared worker's org routes with the given bearer token (or none).
pub fn call_with(
    method: reqwest::Method,
    org: &str,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> reqwest::blocking::Response {
    let url = format!("{}/api/v1/orgs/{org}{path}", stack().worker.base);
    let mut r = reqwest::blocking::Client::new().request(method, url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().expect("the worker answers")
}

/// An org of the shared worker connects `token` (with the fake's Job Board key) and, given
/// one, a web hook secret.
pub fn connect_board(org: &str, token: &str, hook_secret: Option<&str>) {
    let body = serde_json::json!({"board_token": token, "api_key": greenhouse_fake::seed::job_board_api_key("northwind")});
    let r = owner_call(reqwest::Method::PUT, org, "/connection/job_board", Some(body));
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    if let Some(secret) = hook_secret {
        let r = owner_call(reqwest::Method::PUT, org, "/connection/web_hooks", Some(serde_json::json!({"api_key": secret})));
        assert_eq!(r.status(), 200);
    }
}

/// A board token of the test's own: `base--name` serves board `base` from the fake, but is a
/// separate key in every cache.
pub fn board(base: &str, name: &str) -> String {
    format!("{base}--{name}")
}

/// A complete application to a job of the fake with this form (even job ids ask for GDPR
/// consent and have demographic questions), from `email`, as the widget sends it.
pub fn application_form(f: &shared::apply::ApplyForm, job_id: u64, submission: &str, email: &str) -> reqwest::blocking::multipart::Form {
    use reqwest::blocking::multipart::{Form, Part};
    let q = |label: &str| f.questions.iter().find(|q| q.label.starts_with(label)).unwrap().fields[0].name.clone();
    let mut form = Form::new()
        .text("_submission_id", submission.to_string())
        .text("_gh_src", "linkedin")
        .text("first_name", "Ada")
        .text("last_name", "Lovelace")
        .text("email", email.to_string())
        .text("phone", "+44 20 7946 0958")
        .text(q("Are you legally"), "1")
        .text(q("Which of these"), "11")
        .text(q("Which of these"), "13")
        .text("gender", "2")
        .text("not_a_question", "dropped")
        .part("resume", Part::bytes(b"%PDF-1.4 resume".to_vec()).file_name("ada-cv.pdf"));
    if job_id.is_multiple_of(2) {
        form = form.text("gdpr_processing_consent_given", "true");
    }
    form
}
