//! Owner-only routes: an org's Greenhouse connection. Every handler starts by checking the
//! owner token against the org in the path; visitors (no token) get 401 and no data.

use crate::auth::{self, OwnerClaims};
use crate::connect::{self, vault};
use crate::error::ApiError;
use crate::outbox;
use crate::upstream::greenhouse_api::Verified;
use crate::App;
use serde::Serialize;
use shared::owner::{check_input, ConnectInput, Connection, Kind, PendingApplications};
use worker::{Date, Headers, Request, Response, RouteContext};

type Ctx = RouteContext<App>;

pub(crate) fn org(ctx: &Ctx) -> Result<String, ApiError> {
    let o = ctx.param("org").cloned().unwrap_or_default();
    if shared::api::valid_board_token(&o) {
        Ok(o)
    } else {
        Err(ApiError::BadRequest("Unknown organisation id.".into()))
    }
}

fn kind(ctx: &Ctx) -> Result<Kind, ApiError> {
    ctx.param("kind").and_then(|k| Kind::parse(k)).ok_or(ApiError::NotFound)
}

/// An owner's token (not a host server's), valid and for this org.
pub(crate) fn authorize(req: &Request, ctx: &Ctx, org: &str) -> Result<OwnerClaims, ApiError> {
    let claims = authorize_any(req, ctx, org)?;
    if claims.is_server() {
        return Err(ApiError::Unauthorized(auth::AuthError::WrongScope));
    }
    Ok(claims)
}

/// An owner's or the host server's token, valid and for this org: for the routes a host
/// server may use (reading the org's jobs, its callback).
pub(crate) fn authorize_any(req: &Request, ctx: &Ctx, org: &str) -> Result<OwnerClaims, ApiError> {
    let header = req.headers().get("Authorization").ok().flatten();
    let now = Date::now().as_millis() / 1000;
    auth::verify(auth::bearer(header.as_deref()), ctx.data.cfg.owner_secrets.expose(), &ctx.data.cfg.owner_audience, org, now)
        .map_err(ApiError::Unauthorized)
}

pub(crate) fn json<T: Serialize>(status: u16, v: &T) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("Access-Control-Allow-Origin", "*")?;
    let body = serde_json::to_string(v).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Response::ok(body)?.with_status(status).with_headers(headers))
}

async fn connection(ctx: &Ctx, org: &str) -> Result<Connection, ApiError> {
    let db = ctx.env.d1("DB")?;
    let credentials = connect::list(&db, org).await?;
    let board_token = credentials.iter().find(|c| c.kind == Kind::JobBoard).map(|c| c.account.clone());
    let (sync, pending) = match &board_token {
        Some(b) => (crate::sync::status(&db, org, b).await?, outbox::counts(&db, org).await?),
        None => (None, outbox::counts(&db, org).await?),
    };
    Ok(Connection { org: org.to_string(), board_token, credentials, sync, pending })
}

/// For the routes on one application: the owner's token checked, the application id, and
/// the org (an application is reachable only by the org that owned its board when it came).
async fn owned_application(req: &Request, ctx: &Ctx) -> Result<(String, worker::D1Database, String), ApiError> {
    let org = org(ctx)?;
    authorize(req, ctx, &org)?;
    let id = application_id(ctx)?;
    let db = ctx.env.d1("DB")?;
    Ok((id, db, org))
}

pub(crate) fn application_id(ctx: &Ctx) -> Result<String, ApiError> {
    let id = ctx.param("id").cloned().unwrap_or_default();
    if (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Ok(id)
    } else {
        Err(ApiError::NotFound)
    }
}

/// `GET /api/v1/orgs/{org}/applications`: applications of the org's board not (yet) in
/// Greenhouse (queued, waiting for a key, failed), with counts. No answers, no files.
pub async fn applications(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    let db = ctx.env.d1("DB")?;
    let (counts, applications) = outbox::pending(&db, &org, 200).await?;
    json(200, &PendingApplications { counts, applications })
}

/// `GET /api/v1/orgs/{org}/applications/{id}`: one application's answers and files, for an
/// owner to enter by hand or keep (export). Only the org that owns the board can read it.
pub async fn export_application(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let (id, db, org) = owned_application(&req, &ctx).await?;
    // Ownership first: nothing of another org's application is opened (or re-sealed).
    if !outbox::owned_by(&db, &org, &id).await? {
        return Err(ApiError::NotFound);
    }
    let vault = vault(&ctx.data.cfg)?;
    let opened = outbox::open(&db, &vault, &id).await?.ok_or(ApiError::NotFound)?;
    let answers = match opened.payload {
        outbox::Payload::Mapped { body } => serde_json::Value::Object(body),
        outbox::Payload::Raw { values, source, .. } => serde_json::json!({ "values": values, "source": source }),
        // A candidate export is read through the candidates routes, not as an application.
        outbox::Payload::Export { .. } => return Err(ApiError::NotFound),
    };
    let files: Vec<_> = opened
        .files
        .into_iter()
        .map(|(field, filename, content)| serde_json::json!({"field": field, "filename": filename, "content_base64": content}))
        .collect();
    json(200, &serde_json::json!({"id": id, "board": opened.board, "job_id": opened.job_id, "answers": answers, "files": files}))
}

/// `POST /api/v1/orgs/{org}/applications/{id}/retry`: send it again at the next cron run.
pub async fn retry_application(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let (id, db, org) = owned_application(&req, &ctx).await?;
    if !outbox::retry_now(&db, &org, &id, Date::now().as_millis()).await? {
        return Err(ApiError::NotFound);
    }
    json(200, &serde_json::json!({"id": id, "state": "queued"}))
}

/// `POST /api/v1/orgs/{org}/applications/{id}/dismiss`: a failed application's answers and
/// files are deleted and it leaves the list.
pub async fn dismiss_application(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let (id, db, org) = owned_application(&req, &ctx).await?;
    if !outbox::dismiss(&db, &org, &id, Date::now().as_millis()).await? {
        return Err(ApiError::NotFound);
    }
    json(200, &serde_json::json!({"id": id, "state": "dismissed"}))
}

/// `GET /api/v1/orgs/{org}/connection`: every owner of the org sees the same, masked.
pub async fn get(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    json(200, &connection(&ctx, &org).await?)
}

/// `PUT /api/v1/orgs/{org}/connection/{kind}`: connect, edit or rotate. Greenhouse must
/// accept the credentials first; otherwise nothing stored changes.
pub async fn put(mut req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    let claims = authorize(&req, &ctx, &org)?;
    let kind = kind(&ctx)?;
    let mut input: ConnectInput = req.json().await.map_err(|_| ApiError::BadRequest("Send the credentials as JSON.".into()))?;
    // Board tokens are case-insensitive, as in Greenhouse's URLs: one spelling everywhere.
    input.board_token = input.board_token.trim().to_ascii_lowercase();
    let problems = check_input(kind, &input);
    if !problems.is_empty() {
        return Err(ApiError::InvalidInput(problems));
    }
    let vault = vault(&ctx.data.cfg)?;
    let now = Date::now().as_millis();
    match connect::verify(&ctx.data.cfg, None, kind, &input, now).await {
        Verified::Invalid(m) => Err(ApiError::CredentialsInvalid(m)),
        Verified::Unreachable(m) => Err(ApiError::Upstream(crate::error::UpstreamError::Network(m))),
        ok => {
            let db = ctx.env.d1("DB")?;
            if kind == Kind::HarvestV3 {
                crate::upstream::greenhouse_api::forget_token(&org);
            }
            crate::manage::forget_crawl(&org);
            let who = if claims.email.is_empty() { claims.sub.clone() } else { claims.email.clone() };
            let stored = connect::store(&db, &vault, &org, kind, &input, &ok, &who, now).await?;
            if kind == Kind::JobBoard {
                // The board's cached copy learns at once that an org has it (its views are
                // counted from now on) and carries the org's decisions; best effort, the next
                // refresh does it anyway.
                let _ = crate::manage::republish(&super::layers(&ctx), &db, &org, now).await;
            }
            json(200, &stored)
        }
    }
}

/// `DELETE /api/v1/orgs/{org}/connection/{kind}`: removes the ciphertext and cached tokens.
pub async fn delete(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    let kind = kind(&ctx)?;
    let db = ctx.env.d1("DB")?;
    crate::manage::forget_crawl(&org);
    if !connect::remove(&db, &org, kind).await? {
        return Err(ApiError::NotFound);
    }
    json(200, &connection(&ctx, &org).await?)
}

/// `POST /api/v1/orgs/{org}/connection/{kind}/check`: re-verify now and record the health.
pub async fn check(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    let kind = kind(&ctx)?;
    let db = ctx.env.d1("DB")?;
    let vault = vault(&ctx.data.cfg)?;
    let input = connect::open(&db, &vault, &org, kind).await?.ok_or(ApiError::NotFound)?;
    let now = Date::now().as_millis();
    let v = connect::verify(&ctx.data.cfg, Some(&org), kind, &input, now).await;
    connect::record_check(&db, &org, kind, &v, now).await?;
    json(200, &connection(&ctx, &org).await?)
}

/// `POST /api/v1/orgs/{org}/sync`: refresh the org's board now and say what changed.
pub async fn sync(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    // Each sync asks Greenhouse (and purges the board everywhere): an owner's clicks, or a
    // script with an owner's token, get a few per minute (the binding `SYNC_LIMIT`, per org).
    if let Ok(limiter) = ctx.env.rate_limiter("SYNC_LIMIT") {
        if !limiter.limit(org.clone()).await?.success {
            return Err(ApiError::RateLimited("This board was synced several times in the last minute; please wait a minute and try again."));
        }
    }
    let db = ctx.env.d1("DB")?;
    let board = connect::org_board(&db, &org).await?.ok_or_else(|| ApiError::BadRequest("Connect a job board first.".into()))?;
    let report = crate::sync::board(&super::layers(&ctx), &db, &board, Some(&org), Date::now().as_millis()).await?;
    json(200, &report)
}
