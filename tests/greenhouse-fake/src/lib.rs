//! A faithful fake of Greenhouse, for tests and the offline demo.
//!
//! Job Board API (`/v1/boards/{token}/…`): board, jobs (`content=true`), job (`questions`,
//! `pay_transparency`), departments and offices (list and tree, one by id), and the
//! application POST with Basic auth. A board token `base--anything` serves board `base`, so
//! every test can have a board (and so a cache entry) of its own.
//!
//! Harvest v1 and v3 and Candidate Ingestion (see [`harvest`]): the demo company's jobs, job
//! posts and openings come from [`model`], built from the demo board so that the board shows
//! exactly the open jobs' external, live posts. Its users, candidates, prospects, applications
//! and attachments are [`candidates`], one model behind Harvest v1 (lookup by email or ids,
//! polling applications, creating candidates, prospects, applications and attachments with
//! `On-Behalf-Of`, asynchronously as Greenhouse may), Harvest v3 and Candidate Ingestion
//! ([`candidate_api`]); attachment URLs point back at the fake, signed and expiring.
//! Everything is also served under `/eu`.
//!
//! Control routes under `/__fake/` let tests count calls, inject faults and read what was
//! submitted ([`routes`]); close, unpublish, reopen and edit a board's job, changing Harvest
//! too and optionally sending the signed web hook Greenhouse would send; move, reject, hire or
//! delete an application, with the application web hooks ([`candidate_api`]); read what the
//! candidate routes received, set how many reads a new record stays hidden for and how long
//! attachment URLs live; record the product's own outgoing web hooks ([`receiver`]); and list
//! every credential the fake accepts, with the users `On-Behalf-Of` may name and the seeded
//! candidates (`GET /__fake/credentials`). `POST /__fake/reset` puts the seed back.
//!
//! Besides Greenhouse, Cloudflare's purge API (`/zones/{zone}/purge_cache`, [`cloudflare`]),
//! which the worker calls after a board changed: every call recorded, failures scripted.

pub mod candidate_api;
pub mod candidates;
pub mod cloudflare;
pub mod harvest;
pub mod lite;
pub mod model;
pub mod receiver;
pub mod routes;
pub mod seed;

use seed::BoardData;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// What a board does when asked, set through `POST /__fake/boards/{token}/fault`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    #[default]
    None,
    /// Answer every request for the board with HTTP 503.
    Down,
    /// Answer 200 with a body that is not JSON.
    Malformed,
    /// Wait 30 s before answering.
    Hang,
    /// Answer every read of the board with 404, as for a board that was deleted.
    Gone,
    /// Answer application POSTs with HTTP 200 and an `error` body, as Greenhouse does for a
    /// job that is not live; reads work.
    RejectApplications,
    /// Answer every request for the board with HTTP 429 and `Retry-After: 1`, as Greenhouse's
    /// rate limit does.
    RateLimited,
    /// Answer application POSTs with HTTP 401, as Greenhouse does for a key that was
    /// rotated or revoked; reads work.
    RefuseKey,
    /// Wait half a second, then answer normally: long enough for concurrent requests to overlap.
    Slow,
    /// Answer every read with HTTP 200 and `{}`: well-formed JSON that is not a board.
    EmptyObject,
    /// Answer every read with HTTP 200 and `{"error": …}`, as a confused proxy might.
    ErrorObject,
    /// Answer the job list with HTTP 200, no jobs and `meta.total` > 0; other reads work.
    NoJobs,
    /// Answer the departments, offices and board routes with HTTP 503; the job list and single
    /// jobs work (a partial outage).
    PartialDown,
}

/// An application as the fake received it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReceivedApplication {
    pub board: String,
    pub job_id: u64,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub fields: BTreeMap<String, Vec<String>>,
    pub files: BTreeMap<String, (String, usize)>,
}

#[derive(Default)]
pub struct Inner {
    pub boards: HashMap<String, BoardData>,
    /// Calls per path (without the query), for the tests' "served from cache" assertions.
    pub calls: BTreeMap<String, u64>,
    pub faults: HashMap<String, Fault>,
    pub applications: Vec<ReceivedApplication>,
    pub harvest: harvest::HarvestState,
    /// Harvest's jobs, posts and openings (global: not per board token).
    pub model: model::Model,
    /// Board jobs the fake closed or unpublished, per (board token, job id): where they stood
    /// in the list and the job as it was, so a reopen puts them back unchanged.
    pub parked: HashMap<(String, u64), (usize, serde_json::Value)>,
    /// Host callback receivers by name (`/__fake/receiver/{name}`).
    pub receivers: BTreeMap<String, receiver::Receiver>,
    /// Web hooks the fake sent, for unique `Greenhouse-Event-ID`s.
    pub hooks_sent: u64,
    /// Candidates, prospects, applications and attachments (global, like the Harvest model).
    pub people: candidates::People,
    /// Calls to the fake of Cloudflare's purge API, and its scripted failures.
    pub cloudflare: cloudflare::CloudflareState,
}

impl Inner {
    /// Puts back the seeded boards, the Harvest model built from the demo board, and the
    /// seeded candidates (with the default asynchronous-read count and attachment TTL).
    pub fn seed(&mut self) {
        self.boards = seed::all_boards().into_iter().collect();
        self.model = self.boards.get(seed::DEMO_BOARD).map(model::Model::build).unwrap_or_default();
        self.people = candidates::People::seed(&self.model);
        self.parked.clear();
    }

    /// The board behind this exact token, first copying the seeded board it aliases so other
    /// tokens of the same base keep their jobs. `None` for an unknown board. Call
    /// [`BoardData::refresh_raw`] after changing its jobs.
    pub fn board_mut(&mut self, token: &str) -> Option<&mut BoardData> {
        if !self.boards.contains_key(token) {
            let base = self.boards.get(Fake::resolve(token)).cloned()?;
            self.boards.insert(token.to_string(), base);
        }
        self.boards.get_mut(token)
    }
}

/// Shared, cloneable state of one fake.
#[derive(Clone, Default)]
pub struct Fake(pub Arc<Mutex<Inner>>);

impl Fake {
    /// A fake seeded with every board in [`seed::all_boards`].
    pub fn seeded() -> Self {
        let fake = Self::default();
        fake.0.lock().unwrap().seed();
        fake
    }

    /// Resolves `base--suffix` aliases to the seeded board `base`.
    pub fn resolve(token: &str) -> &str {
        token.split_once("--").map_or(token, |(base, _)| base)
    }

    pub fn calls(&self, path: &str) -> u64 {
        self.0.lock().unwrap().calls.get(path).copied().unwrap_or(0)
    }

    /// Every Job Board call for a board token, whatever the route (jobs, job, departments,
    /// offices, the board itself).
    pub fn board_calls(&self, token: &str) -> u64 {
        let (exact, under) = (format!("/v1/boards/{token}"), format!("/v1/boards/{token}/"));
        self.0.lock().unwrap().calls.iter().filter(|(p, _)| **p == exact || p.starts_with(&under)).map(|(_, n)| n).sum()
    }

    pub fn set_fault(&self, token: &str, fault: Fault) {
        self.0.lock().unwrap().faults.insert(token.to_string(), fault);
    }

    pub fn applications(&self) -> Vec<ReceivedApplication> {
        self.0.lock().unwrap().applications.clone()
    }

    /// Edits the board behind this exact token, first copying the seeded board it aliases so
    /// other tokens of the same base keep their jobs. Returns false for an unknown board.
    pub fn edit_board(&self, token: &str, f: impl FnOnce(&mut seed::BoardData)) -> bool {
        let mut g = self.0.lock().unwrap();
        let Some(board) = g.board_mut(token) else { return false };
        f(board);
        board.refresh_raw();
        true
    }

    pub fn router(&self) -> axum::Router {
        routes::router(self.clone())
    }
}

/// A fake running on a local port, stopped when dropped.
pub struct Running {
    pub fake: Fake,
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a seeded fake on `127.0.0.1:port` (0 picks a free port).
pub async fn start(port: u16) -> std::io::Result<Running> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let fake = Fake::seeded();
    let app = fake.router();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Running { fake, addr, task })
}

/// Greenhouse's web hook signature: hex HMAC-SHA256 of the raw body with the secret.
pub fn sign_webhook(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}
