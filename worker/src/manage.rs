//! Owners manage their jobs: the store of their decisions (D1), the "Import jobs" picker
//! (Harvest v3, v1, or the board itself), the merged list owners and host servers read, and
//! republishing a board's cached copy when a decision changes.
//!
//! Decisions live in D1 (`org_jobs`, `job_fields`, `local_jobs`) and travel to visitors inside
//! the board's cached snapshot as an [`Overlay`]: the read path merges them without a
//! database read (see [`crate::snapshot::Snapshot::view`]).

use crate::cache::{self, Layers};
use crate::connect::{self, vault};
use crate::db;
use crate::error::{ApiError, UpstreamError};
use crate::snapshot::Snapshot;
use crate::upstream::greenhouse_api::{for_each_page, v3_token, Harvest, Paging, V1, V3};
use serde::Deserialize;
use shared::greenhouse::harvest as hv;
use shared::jobs::{
    job_key, local_key, Change, GreenhouseJob, GreenhouseJobs, GreenhouseStatus, ImportMode, JobPost, LocalFields, LocalJob, ManagedJob, Overlay,
    PickerSource, Source, Visibility, LOCAL_ID_BASE,
};
use shared::owner::{Kind, Permission, Region};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use worker::D1Database;

// ---- The store ----

#[derive(Deserialize)]
struct OrgRow {
    mode: String,
    revision: f64,
    seen: Option<String>,
    seen_at: Option<f64>,
}

#[derive(Deserialize)]
struct FieldRow {
    key: String,
    fields: String,
}

#[derive(Deserialize)]
struct LocalRow {
    id: f64,
    job: String,
}

/// What an owner last saw in the picker: key → status.
pub type Seen = Option<BTreeMap<String, String>>;

/// The org's decisions, and what it saw in the picker.
/// An org's decisions (for the board it connected, so `connected` is set).
pub async fn load(db: &D1Database, org: &str) -> Result<(Overlay, Seen), ApiError> {
    let row: Option<OrgRow> = db::first(db, "SELECT mode, revision, seen, seen_at FROM org_jobs WHERE org = ?1", &[org.into()]).await?;
    let fields: Vec<FieldRow> = db::all(db, "SELECT key, fields FROM job_fields WHERE org = ?1", &[org.into()]).await?;
    let locals: Vec<LocalRow> = db::all(db, "SELECT id, job FROM local_jobs WHERE org = ?1 ORDER BY id", &[org.into()]).await?;
    let mut o = Overlay { connected: true, ..Overlay::default() };
    let mut seen = None;
    if let Some(r) = row {
        o.mode = if r.mode == "picker" { ImportMode::Picker } else { ImportMode::Automatic };
        o.revision = r.revision as u64;
        seen = r.seen_at.and(r.seen.and_then(|s| serde_json::from_str(&s).ok()));
    }
    o.fields = fields.into_iter().filter_map(|r| Some((r.key, serde_json::from_str::<LocalFields>(&r.fields).ok()?))).collect();
    o.local_jobs = locals
        .into_iter()
        .filter_map(|r| {
            let mut j: LocalJob = serde_json::from_str(&r.job).ok()?;
            j.id = LOCAL_ID_BASE + r.id as u64;
            Some(j)
        })
        .collect();
    Ok((o, seen))
}

/// A board's org and that org's decisions (an empty overlay for a board no org connected).
pub async fn for_board(db: &D1Database, board: &str) -> Result<Overlay, ApiError> {
    match connect::board_owner(db, board).await? {
        Some(org) => Ok(load(db, &org).await?.0),
        None => Ok(Overlay::default()),
    }
}

/// The statement that records a change: the revision only ever grows.
fn bump(db: &D1Database, org: &str, now: u64) -> Result<worker::D1PreparedStatement, ApiError> {
    db::stmt(
        db,
        "INSERT INTO org_jobs (org, revision) VALUES (?1, ?2) \
         ON CONFLICT (org) DO UPDATE SET revision = max(org_jobs.revision + 1, ?2)",
        &[org.into(), db::num(now)],
    )
}

fn put_fields(
    db: &D1Database,
    org: &str,
    key: &str,
    f: &LocalFields,
    title: Option<&str>,
    now: u64,
) -> Result<worker::D1PreparedStatement, ApiError> {
    let json = serde_json::to_string(f).map_err(|e| ApiError::Internal(e.to_string()))?;
    db::stmt(
        db,
        "INSERT INTO job_fields (org, key, fields, title, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (org, key) DO UPDATE SET fields = ?3, title = coalesce(?4, job_fields.title), updated_at = ?5",
        &[org.into(), key.into(), json.into(), title.map_or(wasm_bindgen::JsValue::NULL, Into::into), db::num(now)],
    )
}

/// The last known title per key (for jobs that closed since).
pub async fn titles(db: &D1Database, org: &str) -> Result<HashMap<String, String>, ApiError> {
    #[derive(Deserialize)]
    struct T {
        key: String,
        title: Option<String>,
    }
    let rows: Vec<T> = db::all(db, "SELECT key, title FROM job_fields WHERE org = ?1", &[org.into()]).await?;
    Ok(rows.into_iter().filter_map(|r| Some((r.key, r.title?))).collect())
}

/// Sets the import mode and/or the whole set of imported keys, in one batch.
pub async fn set_import(
    db: &D1Database,
    org: &str,
    mode: Option<ImportMode>,
    imported: Option<&[String]>,
    titles: &HashMap<String, String>,
    now: u64,
) -> Result<(), ApiError> {
    let (overlay, _) = load(db, org).await?;
    let mut statements = vec![bump(db, org, now)?];
    if let Some(m) = mode {
        let m = if m == ImportMode::Picker { "picker" } else { "automatic" };
        statements.push(db::stmt(db, "UPDATE org_jobs SET mode = ?2 WHERE org = ?1", &[org.into(), m.into()])?);
    }
    if let Some(keys) = imported {
        let want: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
        let all: BTreeSet<&str> = overlay.fields.keys().map(String::as_str).chain(want.iter().copied()).collect();
        for key in all {
            let mut f = overlay.fields.get(key).cloned().unwrap_or_default();
            let on = want.contains(key);
            if f.imported != on {
                f.imported = on;
                statements.push(put_fields(db, org, key, &f, titles.get(key).map(String::as_str), now)?);
            }
        }
    }
    db::batch(db, statements).await
}

/// Stores a job's local fields.
pub async fn save_fields(db: &D1Database, org: &str, key: &str, f: &LocalFields, title: Option<&str>, now: u64) -> Result<(), ApiError> {
    db::batch(db, vec![put_fields(db, org, key, f, title, now)?, bump(db, org, now)?]).await
}

/// Creates a local job; returns its visitor id.
pub async fn create_local(db: &D1Database, org: &str, job: &LocalJob, f: &LocalFields, now: u64) -> Result<u64, ApiError> {
    let json = serde_json::to_string(job).map_err(|e| ApiError::Internal(e.to_string()))?;
    #[derive(Deserialize)]
    struct Id {
        id: f64,
    }
    // The cap is part of the insert itself, so parallel requests cannot pass it together.
    let id: Id = db::first(
        db,
        "INSERT INTO local_jobs (org, job, created_at) SELECT ?1, ?2, ?3 WHERE (SELECT count(*) FROM local_jobs WHERE org = ?1) < ?4 RETURNING id",
        &[org.into(), json.into(), db::num(now), db::num(shared::jobs::MAX_LOCAL_JOBS as u64)],
    )
    .await?
    .ok_or_else(|| ApiError::BadRequest(format!("An organisation has at most {} local jobs.", shared::jobs::MAX_LOCAL_JOBS)))?;
    let visitor_id = LOCAL_ID_BASE + id.id as u64;
    save_fields(db, org, &local_key(visitor_id), f, Some(&job.title), now).await?;
    Ok(visitor_id)
}

pub async fn update_local(db: &D1Database, org: &str, job: &LocalJob, f: &LocalFields, now: u64) -> Result<bool, ApiError> {
    let json = serde_json::to_string(job).map_err(|e| ApiError::Internal(e.to_string()))?;
    let changed =
        db::run(db, "UPDATE local_jobs SET job = ?3 WHERE org = ?1 AND id = ?2", &[org.into(), db::num(job.id - LOCAL_ID_BASE), json.into()]).await?;
    if changed == 0 {
        return Ok(false);
    }
    save_fields(db, org, &local_key(job.id), f, Some(&job.title), now).await?;
    Ok(true)
}

pub async fn delete_local(db: &D1Database, org: &str, id: u64, now: u64) -> Result<bool, ApiError> {
    let gone = db::run(db, "DELETE FROM local_jobs WHERE org = ?1 AND id = ?2", &[org.into(), db::num(id.saturating_sub(LOCAL_ID_BASE))]).await?;
    if gone > 0 {
        db::batch(
            db,
            vec![db::stmt(db, "DELETE FROM job_fields WHERE org = ?1 AND key = ?2", &[org.into(), local_key(id).into()])?, bump(db, org, now)?],
        )
        .await?;
    }
    Ok(gone > 0)
}

/// Remembers what the picker showed, so its next look can say what changed.
pub async fn mark_seen(db: &D1Database, org: &str, seen: &BTreeMap<String, String>, now: u64) -> Result<(), ApiError> {
    let json = serde_json::to_string(seen).map_err(|e| ApiError::Internal(e.to_string()))?;
    db::run(
        db,
        "INSERT INTO org_jobs (org, seen, seen_at) VALUES (?1, ?2, ?3) ON CONFLICT (org) DO UPDATE SET seen = ?2, seen_at = ?3",
        &[org.into(), json.into(), db::num(now)],
    )
    .await?;
    Ok(())
}

/// After a decision changed: every cache layer's copy of the org's board gets the new
/// overlay, so the next read shows it (this isolate and data centre at once, others through
/// KV). Returns the copy before and after, when there is one.
pub async fn republish(l: &Layers<'_>, db: &D1Database, org: &str, now: u64) -> Result<Option<(Snapshot, std::rc::Rc<cache::Prepared>)>, ApiError> {
    let Some(board) = connect::org_board(db, org).await? else { return Ok(None) };
    let (overlay, _) = load(db, org).await?;
    Ok(cache::republish(l, &board, overlay.for_visitors(), now).await)
}

// ---- What owners and host servers read ----

/// Where a Greenhouse job's own fields are edited.
pub fn edit_url(region: Region, job_id: u64) -> String {
    let host = if region == Region::Eu { "app.eu.greenhouse.io" } else { "app.greenhouse.io" };
    format!("https://{host}/plans/{job_id}")
}

/// The org's jobs as visitors get them, plus the ones they do not see and why: every job on
/// the board, every job an owner decided something about that is no longer published
/// (closed), and every local job.
pub fn managed(s: &Snapshot, region: Region, titles: &HashMap<String, String>) -> Vec<ManagedJob> {
    let o = &s.overlay;
    let names = |ids: &[u64], of: &dyn Fn(u64) -> Option<String>| ids.iter().filter_map(|i| of(*i)).collect::<Vec<_>>();
    let dept = |i: u64| s.listing.departments.iter().find(|d| d.id == i).map(|d| d.name.clone());
    let office = |i: u64| s.listing.offices.iter().find(|d| d.id == i).map(|d| d.name.clone());
    let on_board = |id: u64| s.listing.jobs.iter().any(|j| j.id == id);
    let connected = |id: u64| s.apply_target(id).is_some_and(on_board);
    let mut out = Vec::new();
    let mut keys_on_board = BTreeSet::new();
    for j in &s.listing.jobs {
        let key = s.key_of(j.id);
        keys_on_board.insert(key.clone());
        let f = o.fields.get(&key);
        let fields = f.cloned().unwrap_or_default();
        let visibility = match (fields.hidden, o.shows(f)) {
            (true, _) => Visibility::Hidden,
            (false, true) => Visibility::Live,
            (false, false) => Visibility::NotImported,
        };
        let gh = s.internal.get(&j.id).copied();
        out.push(ManagedJob {
            key,
            id: Some(j.id),
            source: Source::Greenhouse,
            visibility,
            title: j.title.clone(),
            location: j.location.clone(),
            departments: names(&j.department_ids, &dept),
            offices: names(&j.office_ids, &office),
            updated_at: j.updated_at.clone(),
            greenhouse_job_id: gh,
            edit_url: gh.map(|g| edit_url(region, g)),
            fields,
            connected: connected(j.id),
            local: None,
        });
    }
    // Greenhouse jobs owners decided about that are not published now.
    for (key, f) in &o.fields {
        if keys_on_board.contains(key) || key.starts_with("local-") || f.is_default() {
            continue;
        }
        let gh = key.strip_prefix("gh-").and_then(|n| n.parse().ok());
        out.push(ManagedJob {
            key: key.clone(),
            id: None,
            source: Source::Greenhouse,
            visibility: Visibility::Closed,
            title: titles
                .get(key)
                .cloned()
                .unwrap_or_else(|| format!("Greenhouse job {}", key.trim_start_matches("gh-").trim_start_matches("post-"))),
            location: String::new(),
            departments: vec![],
            offices: vec![],
            updated_at: None,
            greenhouse_job_id: gh,
            edit_url: gh.map(|g| edit_url(region, g)),
            fields: f.clone(),
            connected: false,
            local: None,
        });
    }
    for l in &o.local_jobs {
        let key = local_key(l.id);
        let fields = o.fields.get(&key).cloned().unwrap_or_default();
        out.push(ManagedJob {
            key,
            id: Some(l.id),
            source: Source::Local,
            visibility: if fields.hidden { Visibility::Hidden } else { Visibility::Live },
            title: l.title.clone(),
            location: l.location.clone(),
            departments: vec![],
            offices: vec![],
            updated_at: None,
            greenhouse_job_id: None,
            edit_url: None,
            fields,
            connected: connected(l.id),
            local: Some(l.clone()),
        });
    }
    out
}

fn status_of(s: &str) -> GreenhouseStatus {
    match s {
        "closed" => GreenhouseStatus::Closed,
        "draft" => GreenhouseStatus::Draft,
        _ => GreenhouseStatus::Open,
    }
}

fn status_name(s: GreenhouseStatus) -> &'static str {
    match s {
        GreenhouseStatus::Open => "open",
        GreenhouseStatus::Closed => "closed",
        GreenhouseStatus::Draft => "draft",
    }
}

/// What changed since the owner last looked (nothing is "new" before the first look).
pub fn change(seen: &Seen, key: &str, now: GreenhouseStatus) -> Option<Change> {
    let seen = seen.as_ref()?;
    match (seen.get(key).map(String::as_str), now) {
        (None, _) => Some(Change::New),
        (Some("open"), GreenhouseStatus::Closed) => Some(Change::Closed),
        (Some("closed"), GreenhouseStatus::Open) => Some(Change::Reopened),
        _ => None,
    }
}

/// The picker's rows from Harvest's jobs, posts and (v3) openings.
pub fn picker_rows(
    jobs: Vec<hv::Job>,
    posts: Vec<hv::JobPost>,
    openings: Option<Vec<hv::Opening>>,
    o: &Overlay,
    seen: &Seen,
    region: Region,
) -> Vec<GreenhouseJob> {
    let mut by_job: HashMap<u64, Vec<JobPost>> = HashMap::new();
    for p in posts.into_iter().filter(|p| p.active != Some(false)) {
        if let Some(j) = p.job_id {
            let post = JobPost {
                id: p.id,
                title: p.title.trim().to_string(),
                location: p.location.trim().to_string(),
                internal: p.internal == Some(true),
                live: p.live == Some(true),
            };
            by_job.entry(j).or_default().push(post);
        }
    }
    let mut open_openings: HashMap<u64, u32> = HashMap::new();
    if let Some(list) = &openings {
        for op in list.iter().filter(|op| op.status == "open") {
            if let Some(j) = op.job_id {
                *open_openings.entry(j).or_default() += 1;
            }
        }
    }
    jobs.into_iter()
        .map(|j| {
            let key = job_key(0, Some(j.id));
            let status = status_of(&j.status);
            let openings = match (&j.openings, &openings) {
                (Some(list), _) => Some(list.iter().filter(|op| op.status == "open").count() as u32),
                (None, Some(_)) => Some(open_openings.get(&j.id).copied().unwrap_or(0)),
                (None, None) => None,
            };
            GreenhouseJob {
                imported: o.fields.get(&key).is_some_and(|f| f.imported),
                change: change(seen, &key, status),
                edit_url: Some(edit_url(region, j.id)),
                key,
                job_id: Some(j.id),
                title: j.name.trim().to_string(),
                status,
                departments: j.departments.iter().map(|d| d.name.trim().to_string()).collect(),
                offices: j.offices.iter().map(|d| d.name.trim().to_string()).collect(),
                openings,
                posts: by_job.remove(&j.id).unwrap_or_default(),
            }
        })
        .collect()
}

/// The picker's rows for an org with only a Job Board connection: the published jobs.
pub fn board_rows(s: &Snapshot, seen: &Seen, region: Region) -> Vec<GreenhouseJob> {
    let dept = |i: &u64| s.listing.departments.iter().find(|d| d.id == *i).map(|d| d.name.clone());
    let office = |i: &u64| s.listing.offices.iter().find(|d| d.id == *i).map(|d| d.name.clone());
    s.listing
        .jobs
        .iter()
        .map(|j| {
            let key = s.key_of(j.id);
            let gh = s.internal.get(&j.id).copied();
            GreenhouseJob {
                imported: s.overlay.fields.get(&key).is_some_and(|f| f.imported),
                change: change(seen, &key, GreenhouseStatus::Open),
                edit_url: gh.map(|g| edit_url(region, g)),
                key,
                job_id: gh,
                title: j.title.clone(),
                status: GreenhouseStatus::Open,
                departments: j.department_ids.iter().filter_map(dept).collect(),
                offices: j.office_ids.iter().filter_map(office).collect(),
                openings: None,
                posts: vec![JobPost { id: j.id, title: j.title.clone(), location: j.location.clone(), internal: false, live: true }],
            }
        })
        .collect()
}

/// What the picker shows, to be remembered as "seen".
pub fn seen_of(rows: &[GreenhouseJob]) -> BTreeMap<String, String> {
    rows.iter().map(|r| (r.key.clone(), status_name(r.status).to_string())).collect()
}

/// The org's Harvest client: v3 when connected, else the legacy v1 key.
pub enum Client {
    V3(V3),
    V1(V1),
}

/// What a cron step can do for an org this run.
pub enum Reach<'a> {
    Harvest(&'a Client),
    /// The org has no Harvest connection.
    Unconnected,
    /// Harvest could not be had (or failed) this run: try on the next.
    Later,
}

/// Each org's Harvest client for one cron run, made once per org however many of its items
/// the step handles.
#[derive(Default)]
pub struct RunClients(Vec<(String, Result<Option<Client>, ()>)>);

impl RunClients {
    pub async fn get(&mut self, l: &Layers<'_>, db: &D1Database, org: &str, now: u64) -> Reach<'_> {
        if !self.0.iter().any(|(o, _)| o == org) {
            let c = harvest_client(l, db, org, now).await.map(|c| c.map(|(c, _)| c)).map_err(|_| ());
            self.0.push((org.to_string(), c));
        }
        match self.0.iter().find(|(o, _)| o == org).map(|(_, c)| c) {
            Some(Ok(Some(c))) => Reach::Harvest(c),
            Some(Ok(None)) => Reach::Unconnected,
            Some(Err(())) | None => Reach::Later,
        }
    }

    /// Greenhouse failed for this org: its other items wait for the next run.
    pub fn fail(&mut self, org: &str) {
        if let Some(c) = self.0.iter_mut().find(|(o, _)| o == org) {
            c.1 = Err(());
        }
    }
}

pub async fn harvest_client(l: &Layers<'_>, db: &D1Database, org: &str, now: u64) -> Result<Option<(Client, Region)>, ApiError> {
    let Ok(vault) = vault(l.cfg) else { return Ok(None) };
    if let Some(i) = connect::open(db, &vault, org, Kind::HarvestV3).await? {
        let token = v3_token(l.cfg, i.region, Some(org), i.client_id.trim(), i.client_secret.trim(), i.user_id.trim(), now)
            .await
            .map_err(|_| ApiError::Upstream(UpstreamError::Status(401)))?;
        let h = V3 { base: l.cfg.hosts.harvest(i.region).to_string(), token, timeout_ms: l.cfg.upstream_timeout_ms };
        return Ok(Some((Client::V3(h), i.region)));
    }
    if let Some(i) = connect::open(db, &vault, org, Kind::HarvestV1).await? {
        let on_behalf_of = Some(i.user_id.trim().to_string()).filter(|u| !u.is_empty());
        let h = V1 {
            base: l.cfg.hosts.harvest(i.region).to_string(),
            key: i.api_key.trim().to_string(),
            on_behalf_of,
            timeout_ms: l.cfg.upstream_timeout_ms,
        };
        return Ok(Some((Client::V1(h), i.region)));
    }
    Ok(None)
}

pub fn paging(l: &Layers<'_>) -> Paging {
    Paging { per_page: l.cfg.harvest_per_page, max_pages: 200, max_wait_secs: 60, max_retries: 5, window_secs: l.cfg.harvest_window_secs }
}

/// Every item of a Harvest list, typed, counting pages; a 403 names the missing permission.
async fn list<H: Harvest, T: serde::de::DeserializeOwned>(h: &H, p: Permission, paging: &Paging, pages: &mut u32) -> Result<Vec<T>, ApiError> {
    let mut items = Vec::new();
    let mut skipped = 0usize;
    let outcome = for_each_page(h, p.probe_path(), paging, |page| {
        *pages += 1;
        for v in page {
            match serde_json::from_value::<T>(v) {
                Ok(t) => items.push(t),
                Err(_) => skipped += 1,
            }
        }
    })
    .await;
    if skipped > 0 {
        worker::console_warn!("harvest {}: skipped {skipped} item(s) we could not read", p.probe_path());
    }
    match outcome {
        Ok(()) => Ok(items),
        Err(UpstreamError::Status(403)) => Err(ApiError::MissingPermission(p.label())),
        Err(e) => Err(ApiError::Upstream(e)),
    }
}

async fn harvest_lists<H: Harvest>(
    h: &H,
    v3: bool,
    paging: &Paging,
) -> Result<(Vec<hv::Job>, Vec<hv::JobPost>, Option<Vec<hv::Opening>>, u32), ApiError> {
    let mut pages = 0;
    let jobs: Vec<hv::Job> = list(h, Permission::Jobs, paging, &mut pages).await?;
    let posts: Vec<hv::JobPost> = list(h, Permission::JobPosts, paging, &mut pages).await?;
    // Openings are a nicety: without the permission the picker shows no headcount.
    let openings = if v3 { list(h, Permission::Openings, paging, &mut pages).await.ok() } else { None };
    Ok((jobs, posts, openings, pages))
}

/// One read of an org's Harvest jobs, kept a minute in isolate memory: opening the picker
/// again, or marking it seen, does not read every page of Harvest again.
struct Crawl {
    at: u64,
    source: PickerSource,
    region: Region,
    jobs: Vec<hv::Job>,
    posts: Vec<hv::JobPost>,
    openings: Option<Vec<hv::Opening>>,
    pages: u32,
}

const CRAWL_KEEP_MS: u64 = 60_000;

thread_local! {
    static CRAWLS: std::cell::RefCell<HashMap<String, std::rc::Rc<Crawl>>> = Default::default();
}

fn crawled(org: &str, now: u64) -> Option<std::rc::Rc<Crawl>> {
    CRAWLS.with(|c| c.borrow().get(org).filter(|c| now.saturating_sub(c.at) < CRAWL_KEEP_MS).cloned())
}

fn remember_crawl(org: &str, c: Crawl) {
    let now = c.at;
    CRAWLS.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|_, k| now.saturating_sub(k.at) < CRAWL_KEEP_MS);
        if m.len() >= 50 {
            m.clear(); // a handful of owners pick at once, never many: a bound, not a policy
        }
        m.insert(org.to_string(), std::rc::Rc::new(c));
    });
}

/// The titles of the jobs the org's last picker read listed (for jobs imported before they
/// are published on the board).
pub fn crawl_titles(org: &str, now: u64) -> HashMap<String, String> {
    crawled(org, now).map(|c| c.jobs.iter().map(|j| (job_key(0, Some(j.id)), j.name.trim().to_string())).collect()).unwrap_or_default()
}

/// Forgets an org's Harvest read (its Harvest connection changed).
pub fn forget_crawl(org: &str) {
    CRAWLS.with(|m| m.borrow_mut().remove(org));
}

/// The picker: every Greenhouse job of the org with its posts, from Harvest when connected
/// (v3 first), else the board's published jobs.
pub async fn picker(l: &Layers<'_>, db: &D1Database, org: &str, now: u64) -> Result<GreenhouseJobs, ApiError> {
    let (overlay, seen) = load(db, org).await?;
    let mode = overlay.mode;
    if let Some(c) = crawled(org, now) {
        let jobs = picker_rows(c.jobs.clone(), c.posts.clone(), c.openings.clone(), &overlay, &seen, c.region);
        return Ok(GreenhouseJobs { v: shared::api::API_VERSION, source: c.source, mode, jobs, pages: c.pages });
    }
    if let Some((client, region)) = harvest_client(l, db, org, now).await? {
        let p = paging(l);
        let (source, (jobs, posts, openings, pages)) = match &client {
            Client::V3(h) => (PickerSource::HarvestV3, harvest_lists(h, true, &p).await?),
            Client::V1(h) => (PickerSource::HarvestV1, harvest_lists(h, false, &p).await?),
        };
        let c = Crawl { at: now, source, region, jobs, posts, openings, pages };
        let rows = picker_rows(c.jobs.clone(), c.posts.clone(), c.openings.clone(), &overlay, &seen, region);
        remember_crawl(org, c);
        return Ok(GreenhouseJobs { v: shared::api::API_VERSION, source, mode, jobs: rows, pages });
    }
    let Some(board) = connect::org_board(db, org).await? else {
        return Err(ApiError::BadRequest("Connect Harvest or a job board first.".into()));
    };
    let served = cache::board(l, &board, now).await?;
    let mut s = served.prepared.snapshot.clone();
    s.overlay = overlay;
    let region = connect::board_region(db, &board).await;
    Ok(GreenhouseJobs { v: shared::api::API_VERSION, source: PickerSource::JobBoard, mode, jobs: board_rows(&s, &seen, region), pages: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Upstream;
    use shared::greenhouse::job_board as gh;

    fn snapshot() -> Snapshot {
        let jobs: gh::JobList = serde_json::from_str(
            r#"{"jobs": [
                {"id": 11, "internal_job_id": 1, "title": "Engineer", "location": {"name": "Berlin"}, "departments": [{"id": 5, "name": "Eng"}], "offices": [], "content": "&lt;p&gt;Build&lt;/p&gt;"},
                {"id": 12, "internal_job_id": 2, "title": "Designer", "location": {"name": "Remote"}, "departments": [], "offices": []},
                {"id": 13, "internal_job_id": null, "title": "Generalist", "location": {"name": "NYC"}, "departments": [], "offices": []}
            ]}"#,
        )
        .unwrap();
        Snapshot::build("acme", Upstream { jobs, departments: None, offices: None, board: None }, 1)
    }

    fn local(id: u64, title: &str) -> LocalJob {
        LocalJob {
            id: LOCAL_ID_BASE + id,
            title: title.into(),
            location: "Here".into(),
            description: "x".into(),
            description_html: "<p>x</p>".into(),
            created_at: 1,
        }
    }

    #[test]
    fn a_board_nobody_edited_is_its_own_view() {
        let s = snapshot();
        assert!(s.view().is_none());
        assert_eq!(s.key_of(11), "gh-1");
        assert_eq!(s.key_of(13), "post-13");
    }

    #[test]
    fn the_picker_shows_exactly_the_imported_jobs_and_local_fields_merge() {
        let mut s = snapshot();
        s.overlay.mode = ImportMode::Picker;
        s.overlay.fields.insert("gh-2".into(), LocalFields { imported: true, featured: true, tags: vec!["Remote".into()], ..Default::default() });
        s.overlay.fields.insert("post-13".into(), LocalFields { imported: true, intro_html: "<p>Hi</p>".into(), ..Default::default() });
        let v = s.view().unwrap();
        assert_eq!(v.listing.jobs.iter().map(|j| j.id).collect::<Vec<_>>(), [12, 13], "featured first; job 11 not imported");
        assert!(v.listing.jobs[0].featured);
        assert_eq!(v.listing.jobs[0].tags, ["Remote"]);
        assert_eq!(v.detail(13).unwrap().intro_html, "<p>Hi</p>");
        assert!(v.detail(11).is_none(), "not imported: not on the board");
    }

    #[test]
    fn hidden_and_positioned_jobs_and_local_jobs() {
        let mut s = snapshot();
        s.overlay.fields.insert("gh-1".into(), LocalFields { hidden: true, ..Default::default() });
        s.overlay.fields.insert("post-13".into(), LocalFields { position: Some(1), ..Default::default() });
        s.overlay.local_jobs.push(local(1, "Local role"));
        s.overlay.fields.insert(local_key(LOCAL_ID_BASE + 1), LocalFields { post_id: Some(12), position: Some(2), ..Default::default() });
        let v = s.view().unwrap();
        assert_eq!(v.listing.jobs.iter().map(|j| j.title.as_str()).collect::<Vec<_>>(), ["Generalist", "Local role", "Designer"]);
        assert_eq!(v.detail(LOCAL_ID_BASE + 1).unwrap().content_html, "<p>x</p>");
        assert_eq!(s.apply_target(LOCAL_ID_BASE + 1), Some(12), "linked to a post");
        assert_eq!(s.apply_target(12), Some(12));
        let m = managed(&s, Region::Us, &HashMap::new());
        let by_key = |k: &str| m.iter().find(|j| j.key == k).unwrap().clone();
        assert_eq!(by_key("gh-1").visibility, Visibility::Hidden);
        assert!(by_key(&local_key(LOCAL_ID_BASE + 1)).connected);
        assert_eq!(by_key("gh-2").edit_url.as_deref(), Some("https://app.greenhouse.io/plans/2"));
    }

    #[test]
    fn a_closed_job_keeps_its_fields_and_returns_with_them() {
        let mut s = snapshot();
        s.overlay.fields.insert("gh-1".into(), LocalFields { featured: true, tags: vec!["Hot".into()], ..Default::default() });
        s.listing.jobs.retain(|j| j.id != 11);
        let m = managed(&s, Region::Us, &HashMap::from([("gh-1".to_string(), "Engineer".to_string())]));
        let closed = m.iter().find(|j| j.key == "gh-1").unwrap();
        assert_eq!((closed.visibility, closed.title.as_str(), closed.fields.featured), (Visibility::Closed, "Engineer", true));
        let back = snapshot();
        let mut back = back;
        back.overlay = s.overlay.clone();
        assert!(back.view().unwrap().listing.jobs[0].featured, "reopened: first, featured again");
    }

    #[test]
    fn changes_since_the_owner_last_looked() {
        let seen: Seen = Some(BTreeMap::from([("gh-1".into(), "open".into()), ("gh-2".into(), "closed".into())]));
        assert_eq!(change(&seen, "gh-1", GreenhouseStatus::Closed), Some(Change::Closed));
        assert_eq!(change(&seen, "gh-2", GreenhouseStatus::Open), Some(Change::Reopened));
        assert_eq!(change(&seen, "gh-3", GreenhouseStatus::Draft), Some(Change::New));
        assert_eq!(change(&seen, "gh-1", GreenhouseStatus::Open), None);
        assert_eq!(change(&None, "gh-3", GreenhouseStatus::Open), None, "never looked: nothing is 'new'");
    }

    #[test]
    fn picker_rows_group_posts_and_count_openings() {
        let jobs: Vec<hv::Job> =
            serde_json::from_str(r#"[{"id": 1, "name": "Engineer", "status": "open"}, {"id": 2, "name": "Old", "status": "closed"}]"#).unwrap();
        let posts: Vec<hv::JobPost> = serde_json::from_str(
            r#"[{"id": 11, "title": "Engineer", "location": {"name": "Berlin"}, "internal": false, "live": true, "job_id": 1},
                {"id": 19, "title": "Engineer (internal)", "internal": true, "live": true, "job_id": 1},
                {"id": 20, "title": "Deleted", "active": false, "live": false, "job_id": 1},
                {"id": 21, "title": "Prospect post", "live": true, "job_id": null}]"#,
        )
        .unwrap();
        let openings: Vec<hv::Opening> = serde_json::from_str(r#"[{"job_id": 1, "status": "open"}, {"job_id": 1, "status": "closed"}]"#).unwrap();
        let mut o = Overlay::default();
        o.fields.insert("gh-1".into(), LocalFields { imported: true, ..Default::default() });
        let rows = picker_rows(jobs, posts, Some(openings), &o, &None, Region::Eu);
        assert_eq!(rows[0].posts.iter().map(|p| p.id).collect::<Vec<_>>(), [11, 19]);
        assert_eq!((rows[0].openings, rows[0].imported, rows[1].imported), (Some(1), true, false));
        assert_eq!(rows[1].status, GreenhouseStatus::Closed);
        assert_eq!(rows[1].edit_url.as_deref(), Some("https://app.eu.greenhouse.io/plans/2"));
    }
}
