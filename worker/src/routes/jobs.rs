//! Owners manage their jobs; host servers read them and register a callback for events.
//!
//! * Owner token (the console): every route here.
//! * Host token (`scope: "server"`, the host site's secret, bound to its orgs like owner
//!   tokens): `GET jobs` and the callback routes only.
//!
//! Each change republishes the board's cached copy (the next read shows it), purges the
//! board's cached responses everywhere (when the purge is configured), then compares
//! the visitor board with what the host was told and queues events for its callback.

use super::owner::{authorize, authorize_any, json, org};
use crate::cache;
use crate::connect;
use crate::error::ApiError;
use crate::events;
use crate::manage;
use crate::sanitize::owner_text;
use crate::snapshot::{Snapshot, Upstream};
use crate::App;
use serde_json::{Map, Value};
use shared::api::API_VERSION;
use shared::jobs::{
    check_edit, refused_fields, valid_key, CallbackInput, ImportInput, JobEdit, LocalFields, LocalJob, OrgJobs, Source, LOCAL_ID_BASE,
};
use shared::owner::Region;
use worker::{Date, Request, Response, RouteContext};

type Ctx = RouteContext<App>;

/// Keys an edit may carry: the local fields, and for local jobs their own text.
const EDIT_KEYS: [&str; 10] = ["featured", "position", "tags", "hidden", "intro", "apply_url", "post_id", "title", "location", "description"];
const LOCAL_ONLY: [&str; 3] = ["title", "location", "description"];
/// Keys one import may name at most.
const MAX_IMPORT_KEYS: usize = 5_000;

fn empty(org: &str) -> Snapshot {
    let jobs = shared::greenhouse::job_board::JobList::default();
    Snapshot::build(org, Upstream { jobs, departments: None, offices: None, board: None }, 0)
}

/// The org's board (its current copy, or an empty one) with the org's decisions as stored
/// now, and its region.
async fn current(ctx: &Ctx, db: &worker::D1Database, org: &str, now: u64) -> Result<(Option<String>, Snapshot, Region), ApiError> {
    let board = connect::org_board(db, org).await?;
    let (overlay, _) = manage::load(db, org).await?;
    let (mut s, region) = match &board {
        Some(b) => (cache::board(&super::layers(ctx), b, now).await?.prepared.snapshot.clone(), connect::board_region(db, b).await),
        None => (empty(org), Region::Us),
    };
    s.overlay = overlay;
    Ok((board, s, region))
}

async fn org_jobs(ctx: &Ctx, db: &worker::D1Database, org: &str, now: u64) -> Result<OrgJobs, ApiError> {
    let (board, s, region) = current(ctx, db, org, now).await?;
    let titles = manage::titles(db, org).await?;
    Ok(OrgJobs { v: API_VERSION, org: org.to_string(), board, mode: s.overlay.mode, jobs: manage::managed(&s, region, &titles) })
}

/// After a change: the cached copy gets it, and the host hears of what visitors now see.
async fn changed(ctx: &Ctx, db: &worker::D1Database, org: &str, now: u64) -> Result<(), ApiError> {
    let l = super::layers(ctx);
    if let Some((before, after)) = manage::republish(&l, db, org, now).await? {
        let board = after.snapshot.listing.board.token.clone();
        // Visitors see the edit: every data centre's cached responses of the board go.
        if crate::purge::overlay_changed(&before.overlay, &after.snapshot.overlay) {
            crate::purge::board_changed(&l, &board, now).await;
        }
        let before_view = before.view();
        events::observe(db, org, &board, after.view(), Some(before_view.as_ref().unwrap_or(&before)), now).await?;
        events::kick(&l, org);
    }
    Ok(())
}

/// `GET /api/v1/orgs/{org}/jobs`: the merged jobs (owner or host server).
pub async fn list(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let db = ctx.env.d1("DB")?;
    json(200, &org_jobs(&ctx, &db, &org, Date::now().as_millis()).await?)
}

/// `GET /api/v1/orgs/{org}/jobs/greenhouse`: the "Import jobs" picker.
pub async fn picker(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    let db = ctx.env.d1("DB")?;
    json(200, &manage::picker(&super::layers(&ctx), &db, &org, Date::now().as_millis()).await?)
}

/// `POST /api/v1/orgs/{org}/jobs/greenhouse/seen`: what the picker shows now is "seen".
pub async fn seen(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    let db = ctx.env.d1("DB")?;
    let now = Date::now().as_millis();
    let rows = manage::picker(&super::layers(&ctx), &db, &org, now).await?;
    manage::mark_seen(&db, &org, &manage::seen_of(&rows.jobs), now).await?;
    json(200, &serde_json::json!({"seen": rows.jobs.len()}))
}

/// `PUT /api/v1/orgs/{org}/jobs/import`: the mode and/or the whole set of imported jobs.
pub async fn import(mut req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    let input: ImportInput = req.json().await.map_err(|_| ApiError::BadRequest("Send {\"mode\": …, \"imported\": [keys]} as JSON.".into()))?;
    if let Some(keys) = &input.imported {
        if keys.len() > MAX_IMPORT_KEYS {
            return Err(ApiError::BadRequest(format!("At most {MAX_IMPORT_KEYS} jobs at once.")));
        }
        if let Some(bad) = keys.iter().find(|k| !valid_key(k) || k.starts_with("local-")) {
            return Err(ApiError::BadRequest(format!("\"{}\" is not a Greenhouse job key.", bad.chars().take(40).collect::<String>())));
        }
    }
    let db = ctx.env.d1("DB")?;
    let now = Date::now().as_millis();
    let (_, s, _) = current(&ctx, &db, &org, now).await?;
    if let Some(keys) = &input.imported {
        let new = keys.iter().filter(|k| !s.overlay.fields.contains_key(*k)).count();
        if s.overlay.fields.len() + new > shared::jobs::MAX_FIELD_ROWS {
            return Err(ApiError::BadRequest(format!("At most {} jobs can have settings.", shared::jobs::MAX_FIELD_ROWS)));
        }
    }
    let mut titles = manage::crawl_titles(&org, now);
    titles.extend(s.listing.jobs.iter().map(|j| (s.key_of(j.id), j.title.clone())));
    manage::set_import(&db, &org, input.mode, input.imported.as_deref(), &titles, now).await?;
    changed(&ctx, &db, &org, now).await?;
    json(200, &org_jobs(&ctx, &db, &org, now).await?)
}

/// Reads an edit: Greenhouse-owned and unknown fields are refused by name before anything
/// is parsed or stored.
async fn read_edit(req: &mut Request, source: Source) -> Result<JobEdit, ApiError> {
    let body: Map<String, Value> = req.json().await.map_err(|_| ApiError::BadRequest("Send the job's fields as a JSON object.".into()))?;
    let owned = refused_fields(body.keys().map(String::as_str), source);
    if !owned.is_empty() {
        return Err(ApiError::GreenhouseOwned(owned));
    }
    let unknown: Vec<(&'static str, String)> = body
        .keys()
        .filter(|k| !EDIT_KEYS.contains(&k.as_str()) || (source == Source::Greenhouse && LOCAL_ONLY.contains(&k.as_str())))
        .map(|k| ("body", format!("\"{}\" is not a field of a job.", k.chars().take(40).collect::<String>())))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::InvalidEdit(unknown));
    }
    let edit: JobEdit = serde_json::from_value(Value::Object(body)).map_err(|e| ApiError::InvalidEdit(vec![("body", e.to_string())]))?;
    let problems = check_edit(&edit, source == Source::Local);
    if !problems.is_empty() {
        return Err(ApiError::InvalidEdit(problems));
    }
    Ok(edit)
}

/// What the org's decisions would weigh with `extra` more bytes: refused past the cap, so
/// one org cannot fill the cached copies of its board (and an isolate's memory).
fn within_budget(s: &Snapshot, extra: usize) -> Result<(), ApiError> {
    if s.overlay.clone().for_visitors().approx_bytes() + extra > shared::jobs::MAX_OVERLAY_BYTES {
        return Err(ApiError::BadRequest("This organisation's job settings are too large; shorten intros or descriptions.".into()));
    }
    Ok(())
}

/// The local fields an edit sets (the import flag is the picker's, not the editor's).
fn fields_from(e: &JobEdit, s: &Snapshot, imported: bool) -> Result<LocalFields, ApiError> {
    if let Some(post) = e.post_id {
        if post >= LOCAL_ID_BASE || !s.listing.jobs.iter().any(|j| j.id == post) {
            return Err(ApiError::InvalidEdit(vec![("post_id", "Choose a job post that is published on this board.".into())]));
        }
    }
    Ok(LocalFields {
        imported,
        featured: e.featured,
        position: e.position,
        tags: e.tags.iter().map(|t| t.trim().to_string()).collect(),
        hidden: e.hidden,
        intro: e.intro.trim().to_string(),
        intro_html: owner_text(e.intro.trim()),
        apply_url: e.apply_url.clone(),
        post_id: e.post_id,
    })
}

fn key(ctx: &Ctx) -> Result<String, ApiError> {
    ctx.param("key").filter(|k| valid_key(k)).cloned().ok_or(ApiError::NotFound)
}

fn local_job(id: u64, e: &JobEdit, created_at: u64) -> LocalJob {
    let description = e.description.clone().unwrap_or_default().trim().to_string();
    LocalJob {
        id,
        title: e.title.clone().unwrap_or_default().trim().to_string(),
        location: e.location.clone().unwrap_or_default().trim().to_string(),
        description_html: owner_text(&description),
        description,
        created_at,
    }
}

async fn answer_job(ctx: &Ctx, db: &worker::D1Database, org: &str, key: &str, now: u64, status: u16) -> Result<Response, ApiError> {
    let jobs = org_jobs(ctx, db, org, now).await?;
    let job = jobs.jobs.into_iter().find(|j| j.key == key).ok_or(ApiError::NotFound)?;
    json(status, &job)
}

/// `PATCH /api/v1/orgs/{org}/jobs/{key}`: a job's local fields (and a local job's text).
pub async fn edit(mut req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    let key = key(&ctx)?;
    let source = if key.starts_with("local-") { Source::Local } else { Source::Greenhouse };
    let e = read_edit(&mut req, source).await?;
    let db = ctx.env.d1("DB")?;
    let now = Date::now().as_millis();
    let (_, s, _) = current(&ctx, &db, &org, now).await?;
    let old = s.overlay.fields.get(&key);
    // A Greenhouse job is edited while it is on the board (or kept settings from before it closed).
    if source == Source::Greenhouse && old.is_none() && !s.listing.jobs.iter().any(|j| s.key_of(j.id) == key) {
        return Err(ApiError::NotFound);
    }
    let fields = fields_from(&e, &s, old.is_some_and(|f| f.imported))?;
    within_budget(&s, fields.intro_html.len() * 2 + e.description.as_ref().map_or(0, |d| d.len() * 3))?;
    match source {
        Source::Local => {
            let id: u64 = key.trim_start_matches("local-").parse().map_err(|_| ApiError::NotFound)?;
            let created = s.overlay.local_jobs.iter().find(|j| j.id == id).ok_or(ApiError::NotFound)?.created_at;
            if !manage::update_local(&db, &org, &local_job(id, &e, created), &fields, now).await? {
                return Err(ApiError::NotFound);
            }
        }
        Source::Greenhouse => {
            let title = s.listing.jobs.iter().find(|j| s.key_of(j.id) == key).map(|j| j.title.clone());
            manage::save_fields(&db, &org, &key, &fields, title.as_deref(), now).await?;
        }
    }
    changed(&ctx, &db, &org, now).await?;
    answer_job(&ctx, &db, &org, &key, now, 200).await
}

/// `POST /api/v1/orgs/{org}/jobs`: a job that exists only on the host.
pub async fn create(mut req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    let e = read_edit(&mut req, Source::Local).await?;
    let db = ctx.env.d1("DB")?;
    let now = Date::now().as_millis();
    let (_, s, _) = current(&ctx, &db, &org, now).await?;
    let fields = fields_from(&e, &s, false)?;
    within_budget(&s, fields.intro_html.len() * 2 + e.description.as_ref().map_or(0, |d| d.len() * 3))?;
    let id = manage::create_local(&db, &org, &local_job(0, &e, now), &fields, now).await?;
    changed(&ctx, &db, &org, now).await?;
    answer_job(&ctx, &db, &org, &shared::jobs::local_key(id), now, 201).await
}

/// `DELETE /api/v1/orgs/{org}/jobs/{key}`: a local job (Greenhouse jobs close in Greenhouse).
pub async fn delete(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    let key = key(&ctx)?;
    let Some(id) = key.strip_prefix("local-").and_then(|n| n.parse().ok()) else {
        return Err(ApiError::GreenhouseOwned(vec!["status".into()]));
    };
    let db = ctx.env.d1("DB")?;
    let now = Date::now().as_millis();
    if !manage::delete_local(&db, &org, id, now).await? {
        return Err(ApiError::NotFound);
    }
    changed(&ctx, &db, &org, now).await?;
    json(200, &org_jobs(&ctx, &db, &org, now).await?)
}

/// `GET /api/v1/orgs/{org}/callback` (owner or host server).
pub async fn get_callback(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let db = ctx.env.d1("DB")?;
    json(200, &events::get(&db, &org).await?.ok_or(ApiError::NotFound)?)
}

/// `PUT /api/v1/orgs/{org}/callback`: register or move it; the first answer carries the secret.
pub async fn put_callback(mut req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let input: CallbackInput = req.json().await.map_err(|_| ApiError::BadRequest("Send {\"url\": \"https://…\"} as JSON.".into()))?;
    let url = input.url.trim().to_string();
    events::check_url(&url, &ctx.data.cfg.callback_allow).map_err(|m| ApiError::InvalidEdit(vec![("url", m.to_string())]))?;
    let db = ctx.env.d1("DB")?;
    let vault = connect::vault(&ctx.data.cfg)?;
    let now = Date::now().as_millis();
    let view = match connect::org_board(&db, &org).await? {
        Some(_) => {
            let (_, s, _) = current(&ctx, &db, &org, now).await?;
            Some(s.view().unwrap_or(s))
        }
        None => None,
    };
    let cb = events::register(&db, &vault, &org, &url, view.as_ref(), now).await?;
    json(if cb.secret.is_some() { 201 } else { 200 }, &cb)
}

/// `POST /api/v1/orgs/{org}/callback/rotate`: a new secret; the old one signs for a day more.
pub async fn rotate_callback(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let db = ctx.env.d1("DB")?;
    let vault = connect::vault(&ctx.data.cfg)?;
    json(200, &events::rotate(&db, &vault, &org, Date::now().as_millis()).await?)
}

/// `DELETE /api/v1/orgs/{org}/callback`.
pub async fn delete_callback(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let db = ctx.env.d1("DB")?;
    if !events::remove(&db, &org).await? {
        return Err(ApiError::NotFound);
    }
    json(200, &serde_json::json!({"removed": true}))
}
