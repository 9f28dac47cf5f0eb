//! Candidate routes, for an org's owners (the console) and its host server (host token):
//! export a candidate or prospect to Greenhouse, read an export back, and ask whether a
//! person is already in Greenhouse. Attachment links are capability URLs (short-lived,
//! sealed): they work without a token, so a host page can link them directly.

use super::owner::{authorize_any, json, org};
use crate::body::read_capped;
use crate::connect;
use crate::error::ApiError;
use crate::export;
use crate::manage::{harvest_client, Client};
use crate::matching;
use crate::outbox::{self, NewApplication, NewFile, Payload};
use crate::App;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use shared::candidates::{
    check_export, check_watch, ExportInput, ExportPath, ExportState, MatchBatch, MatchBatchResult, MatchInput, SubmissionStatus, WatchList,
};
use worker::{Date, Headers, Request, Response, RouteContext};

type Ctx = RouteContext<App>;

/// An export with an inline resume (base64) fits in this.
const MAX_EXPORT_BYTES: usize = 2 * 1024 * 1024 + 64 * 1024;
const MAX_MATCH_BYTES: usize = 16 * 1024;
/// Attachments larger than this are not passed through (Greenhouse's own limit is far below).
const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;

async fn read_json<T: serde::de::DeserializeOwned>(req: &mut Request, cap: usize, what: &str) -> Result<T, ApiError> {
    let body = read_capped(req, cap).await?;
    serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("Send {what} as JSON ({}).", e.to_string().chars().take(120).collect::<String>())))
}

/// `POST /api/v1/orgs/{org}/candidates`: stored sealed, sent at once, retried until
/// Greenhouse has it. A repeat of (external id, job) answers the first export and creates
/// nothing.
pub async fn create(mut req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let mut input: ExportInput = read_json(&mut req, MAX_EXPORT_BYTES, "the candidate").await?;
    input.external_id = input.external_id.trim().to_string();
    let problems = check_export(&input);
    if !problems.is_empty() {
        return Err(ApiError::InvalidEdit(problems));
    }
    let db = ctx.env.d1("DB")?;
    let now = Date::now().as_millis();
    // The same export again: its first answer, nothing new.
    if let Some(e) = export::status(&db, &org, &input.external_id, input.job_key()).await? {
        return json(200, &e);
    }
    let path = export::path_for(&db, &org).await?.ok_or(ApiError::MissingPermission("Candidates"))?;
    let file = match input.resume.as_mut().and_then(|r| r.content_base64.take().map(|c| (r.filename.trim().to_string(), c))) {
        Some((filename, content)) => {
            if path == ExportPath::Ingestion {
                return Err(ApiError::InvalidEdit(vec![(
                    "resume",
                    "This organisation exports through Candidate Ingestion, which takes resumes as https:// URLs only.".into(),
                )]));
            }
            let bytes =
                B64.decode(content.trim()).map_err(|_| ApiError::InvalidEdit(vec![("resume", "The resume's content is not base64.".into())]))?;
            if bytes.len() > shared::candidates::MAX_RESUME_BYTES {
                return Err(ApiError::PayloadTooLarge);
            }
            Some(NewFile { field: "resume".into(), filename, bytes })
        }
        None => None,
    };
    let vault = connect::vault(&ctx.data.cfg)?;
    let id = export::outbox_id(&org, &input.external_id, input.job_key());
    let payload = Payload::Export { input: Box::new(input.clone()) };
    let files: Vec<NewFile> = file.into_iter().collect();
    let app = NewApplication {
        id: &id,
        board: "",
        org: Some(&org),
        job_id: input.job_key(),
        payload: &payload,
        files: &files,
        fingerprint: "",
        analytics: None,
    };
    // The sealed row first; the key beside it only once that is stored, so a failed store
    // leaves nothing that would answer a retry with an export that never happens.
    let earlier = outbox::record(&db, &vault, &app, now).await?;
    export::remember(&db, &org, &input, &id, now).await?;
    if earlier.is_none() {
        outbox::attempt(&super::layers(&ctx), &db, &vault, &id, now).await?;
    }
    let e = export::status(&db, &org, &input.external_id, input.job_key()).await?.ok_or_else(|| ApiError::Internal("export vanished".into()))?;
    json(if e.state == ExportState::Delivered { 201 } else { 202 }, &e)
}

/// `GET /api/v1/orgs/{org}/candidates/{external_id}?job_id=N` (no `job_id`: the prospect).
pub async fn get(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let external_id = ctx.param("external_id").cloned().unwrap_or_default();
    let external_id = urlencoding_decode(&external_id);
    let url = req.url()?;
    let job: u64 = url.query_pairs().find(|(k, _)| k == "job_id").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let db = ctx.env.d1("DB")?;
    json(200, &export::status(&db, &org, &external_id, job).await?.ok_or(ApiError::NotFound)?)
}

fn urlencoding_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// `POST /api/v1/orgs/{org}/matches`: is this person (`{"email"}`), or are these people
/// (`{"profiles": [{"email"}, …]}`, at most 100, asked one after another within Harvest's rate
/// limit), in Greenhouse? Nothing is stored.
pub async fn matches(mut req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let body: serde_json::Value = read_json(&mut req, MAX_MATCH_BYTES * shared::candidates::MAX_BATCH, "the person").await?;
    let batch = body.get("profiles").is_some();
    let inputs: Vec<MatchInput> = if batch {
        let b: MatchBatch = serde_json::from_value(body).map_err(|_| ApiError::BadRequest("Send {\"profiles\": [{\"email\": …}, …]}.".into()))?;
        if b.profiles.is_empty() || b.profiles.len() > shared::candidates::MAX_BATCH {
            return Err(ApiError::BadRequest(format!("Send 1 to {} profiles.", shared::candidates::MAX_BATCH)));
        }
        b.profiles
    } else {
        vec![serde_json::from_value(body).map_err(|_| ApiError::BadRequest("Send {\"email\": …}.".into()))?]
    };
    if let Some(i) = inputs.iter().position(|i| !shared::apply::valid_email(&i.email)) {
        let field = if batch { "profiles" } else { "email" };
        return Err(ApiError::InvalidEdit(vec![(field, format!("Enter a valid email address (profile {}).", i + 1))]));
    }
    let db = ctx.env.d1("DB")?;
    let now = Date::now().as_millis();
    let l = super::layers(&ctx);
    let vault = connect::vault(&ctx.data.cfg)?;
    let origin = {
        let u = req.url()?;
        format!("{}://{}", u.scheme(), u.host_str().unwrap_or_default()) + &u.port().map(|p| format!(":{p}")).unwrap_or_default()
    };
    let expires = now + ctx.data.cfg.attachment_link_secs * 1000;
    let link = |url: &str, filename: &str| {
        let token = matching::seal_link(&vault, &org, url, filename, expires)?;
        Some((format!("{origin}/api/v1/orgs/{org}/attachments/{token}"), expires))
    };
    let client = harvest_client(&l, &db, &org, now).await?.ok_or(ApiError::MissingPermission("Candidates"))?;
    let mut results = Vec::with_capacity(inputs.len());
    for input in &inputs {
        results.push(match &client {
            (Client::V3(h), _) => matching::find(h, true, &input.email, &link).await?,
            (Client::V1(h), _) => matching::find(h, false, &input.email, &link).await?,
        });
    }
    if batch {
        json(200, &MatchBatchResult { results })
    } else {
        json(200, &results.pop().ok_or_else(|| ApiError::Internal("no result".into()))?)
    }
}

/// `PUT /api/v1/orgs/{org}/matches/watch`: the host's list of people (`{"profiles": [{"ref",
/// "email", …}]}`, at most 1,000) to match again on a schedule; changes come as
/// `candidate.match_changed` events. It replaces the list; an empty list ends it.
pub async fn watch_put(mut req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let list: WatchList = read_json(&mut req, MAX_MATCH_BYTES * shared::candidates::MAX_WATCHED / 16, "the list").await?;
    let problems = check_watch(&list);
    if !problems.is_empty() {
        return Err(ApiError::InvalidEdit(problems));
    }
    let db = ctx.env.d1("DB")?;
    let vault = connect::vault(&ctx.data.cfg)?;
    // Matching needs Harvest: say so now rather than finding out on the schedule.
    let l = super::layers(&ctx);
    if !list.profiles.is_empty() && harvest_client(&l, &db, &org, Date::now().as_millis()).await?.is_none() {
        return Err(ApiError::MissingPermission("Candidates"));
    }
    crate::watch::replace(&db, &vault, &org, &list, Date::now().as_millis()).await?;
    json(200, &crate::watch::status(&db, &org, ctx.data.cfg.rematch_secs).await?)
}

/// `GET /api/v1/orgs/{org}/matches/watch`: how many people are watched (not who).
pub async fn watch_get(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let db = ctx.env.d1("DB")?;
    json(200, &crate::watch::status(&db, &org, ctx.data.cfg.rematch_secs).await?)
}

/// `DELETE /api/v1/orgs/{org}/matches/watch`: forgets the list.
pub async fn watch_delete(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let db = ctx.env.d1("DB")?;
    crate::watch::clear(&db, &org).await?;
    json(200, &crate::watch::status(&db, &org, ctx.data.cfg.rematch_secs).await?)
}

/// `GET /api/v1/orgs/{org}/applications/{id}/status`: a widget application's way to
/// Greenhouse and, once Greenhouse shows it, its stage and status there.
pub async fn application_status(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize_any(&req, &ctx, &org)?;
    let id = super::owner::application_id(&ctx)?;
    let db = ctx.env.d1("DB")?;
    let (state, job_id) = outbox::state_of(&db, &org, &id).await?.ok_or(ApiError::NotFound)?;
    let application = crate::status::of_submission(&db, &org, &id).await?;
    json(200, &SubmissionStatus { id, job_id, state, application })
}

/// `GET /api/v1/orgs/{org}/attachments/{token}`: the file behind a match's short-lived link,
/// fetched from Greenhouse now (its URLs expire; ours sooner), never cached.
pub async fn attachment(_req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    let token = ctx.param("token").cloned().unwrap_or_default();
    let vault = connect::vault(&ctx.data.cfg)?;
    let (url, filename) = matching::open_link(&vault, &org, &token, Date::now().as_millis()).ok_or(ApiError::NotFound)?;
    // Only what Greenhouse answered can be in a token; still: no redirects, a time limit, and
    // a size limit, and no URL in any error (it carries Greenhouse's signature).
    let fail = |e: crate::error::UpstreamError| ApiError::Upstream(e);
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Get).with_redirect(worker::RequestRedirect::Manual);
    let upstream =
        worker::Request::new_with_init(&url, &init).map_err(|_| fail(crate::error::UpstreamError::Network("bad attachment link".into())))?;
    let controller = worker::AbortController::default();
    let signal = controller.signal();
    let call = Box::pin(async move { worker::Fetch::Request(upstream).send_with_signal(&signal).await });
    let timer = Box::pin(worker::Delay::from(std::time::Duration::from_millis(ctx.data.cfg.upstream_timeout_ms)));
    let mut resp = match futures_util::future::select(call, timer).await {
        futures_util::future::Either::Left((Ok(r), _)) => r,
        futures_util::future::Either::Left((Err(_), _)) => {
            return Err(fail(crate::error::UpstreamError::Network("the attachment could not be fetched".into())))
        }
        futures_util::future::Either::Right(_) => {
            controller.abort();
            return Err(fail(crate::error::UpstreamError::Timeout(ctx.data.cfg.upstream_timeout_ms)));
        }
    };
    if !(200..300).contains(&resp.status_code()) {
        return Err(fail(crate::error::UpstreamError::Status(resp.status_code())));
    }
    let too_big = resp.headers().get("Content-Length").ok().flatten().and_then(|l| l.parse::<u64>().ok()).is_some_and(|l| l > MAX_ATTACHMENT_BYTES);
    if too_big {
        return Err(ApiError::PayloadTooLarge);
    }
    let content_type = resp.headers().get("Content-Type").ok().flatten().unwrap_or_else(|| "application/octet-stream".into());
    let bytes = resp.bytes().await?;
    if bytes.len() as u64 > MAX_ATTACHMENT_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let headers = Headers::new();
    headers.set("Content-Type", &content_type)?;
    headers.set("Content-Disposition", &format!("attachment; filename=\"{}\"", matching::safe_filename(&filename)))?;
    headers.set("Cache-Control", "private, no-store")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Access-Control-Allow-Origin", "*")?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}
