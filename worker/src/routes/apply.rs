//! `POST /api/v1/boards/{token}/jobs/{id}/applications`: the widget's multipart form. The
//! worker re-validates it against the job's current questions, records it in the outbox and
//! sends it to Greenhouse with the board's Job Board API key, which never leaves the worker.

use crate::apply::{fallback_form, field_names, greenhouse_body};
use crate::cache;
use crate::error::ApiError;
use crate::outbox::{self, NewApplication, Status};
use crate::App;
use base64::Engine;
use serde_json::json;
use shared::apply::{FileMeta, Submission, HONEYPOT, IDEMPOTENCY_KEY, MAX_BODY_BYTES, SOURCE_TOKEN};
use worker::{Date, FormEntry, Headers, Request, Response, RouteContext};

type Ctx = RouteContext<App>;

fn answer(status: u16, state: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("Access-Control-Allow-Origin", "*")?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    Ok(Response::ok(json!({ "status": state }).to_string())?.with_status(status).with_headers(headers))
}

/// Per-IP and per-board limits (Workers rate-limiting bindings). A missing binding means
/// no limit, so a deployment without them still works.
async fn rate_limit(ctx: &Ctx, ip: &str, board: &str) -> Result<(), ApiError> {
    for (binding, key) in [("APPLY_IP_LIMIT", ip), ("APPLY_BOARD_LIMIT", board)] {
        if let Ok(limiter) = ctx.env.rate_limiter(binding) {
            if !limiter.limit(key.to_string()).await?.success {
                return Err(ApiError::RateLimited);
            }
        }
    }
    Ok(())
}

/// With `TURNSTILE_SECRET` set, a valid Turnstile token is required (Cloudflare siteverify).
async fn turnstile(ctx: &Ctx, token: Option<&str>, ip: &str) -> Result<(), ApiError> {
    let secret = ctx.data.cfg.turnstile_secret.expose();
    if secret.is_empty() {
        return Ok(());
    }
    let token = token.map(str::trim).filter(|t| !t.is_empty() && t.len() <= 2048).ok_or(ApiError::ChallengeFailed)?;
    let enc = |s: &str| js_sys::encode_uri_component(s).as_string().unwrap_or_default();
    let body = format!("secret={}&response={}&remoteip={}", enc(secret), enc(token), enc(ip));
    let reply = crate::upstream::send(
        worker::Method::Post,
        &ctx.data.cfg.turnstile_verify_url,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(body),
        ctx.data.cfg.upstream_timeout_ms,
    )
    .await
    .map_err(ApiError::Upstream)?;
    let ok = serde_json::from_str::<serde_json::Value>(&reply.body).ok().and_then(|v| v.get("success")?.as_bool()).unwrap_or(false);
    if ok {
        Ok(())
    } else {
        Err(ApiError::ChallengeFailed)
    }
}

fn valid_submission_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub async fn submit(mut req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let board = super::board::token(&ctx)?;
    let id: u64 = ctx.param("id").and_then(|i| i.parse().ok()).ok_or_else(|| ApiError::JobNotFound {
        board: board.clone(),
        job: ctx.param("id").cloned().unwrap_or_default().chars().take(40).collect(),
    })?;
    let length: u64 = req.headers().get("Content-Length").ok().flatten().and_then(|l| l.parse().ok()).unwrap_or(0);
    if length > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let ip = req.headers().get("CF-Connecting-IP").ok().flatten().unwrap_or_else(|| "unknown".into());
    rate_limit(&ctx, &ip, &board).await?;

    let now = Date::now().as_millis();
    let snapshot = cache::board(&super::layers(&ctx), &board, now).await?;
    if snapshot.prepared.snapshot.detail(id).is_none() {
        return Err(ApiError::JobNotFound { board, job: id.to_string() });
    }
    let db = ctx.env.d1("DB")?;
    if crate::connect::job_board_key(&ctx.data.cfg, Some(&db), &board).await.is_none() {
        return Err(ApiError::NotConfigured);
    }
    let form = cache::job_form(&super::layers(&ctx), &board, id, now).await.unwrap_or_else(fallback_form);

    let data = req.form_data().await.map_err(|_| ApiError::BadRequest("Send the application as multipart/form-data.".into()))?;
    if data.get_field(HONEYPOT).is_some_and(|v| !v.trim().is_empty()) {
        // A bot filled the hidden field: say "received" and keep nothing.
        return answer(202, "received");
    }
    turnstile(&ctx, data.get_field("cf-turnstile-response").as_deref(), &ip).await?;
    let submission_id = data.get_field(IDEMPOTENCY_KEY).unwrap_or_default();
    if !valid_submission_id(&submission_id) {
        return Err(ApiError::BadRequest("A submission id is required.".into()));
    }
    // Only fields this job's form knows are read at all.
    let mut submission = Submission::default();
    let mut files = Vec::new();
    for name in field_names(&form) {
        for entry in data.get_all(&name).unwrap_or_default() {
            match entry {
                FormEntry::Field(v) => submission.values.push((name.clone(), v)),
                FormEntry::File(f) if !f.name().is_empty() => {
                    submission.files.push(FileMeta { field: name.clone(), filename: f.name(), size: f.size() as u64 });
                    files.push((name.clone(), f));
                }
                FormEntry::File(_) => {}
            }
        }
    }
    let errors = form.validate(&submission);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let body = greenhouse_body(&form, &submission, data.get_field(SOURCE_TOKEN).as_deref(), Some(&ip));
    let mut encoded = Vec::new();
    for (field, f) in files {
        let bytes = f.bytes().await?;
        encoded.push((field, f.name(), base64::engine::general_purpose::STANDARD.encode(bytes)));
    }

    let app = NewApplication { id: &submission_id, board: &board, job_id: id, body: &body, files: &encoded };
    let (status, error) = match outbox::record(&db, &app, now).await? {
        Some(earlier) => earlier, // the same submission again: report, never resend
        None => outbox::attempt(&db, &ctx.data.cfg, &submission_id, now).await?,
    };
    match status {
        Status::Delivered => answer(201, "delivered"),
        Status::Queued | Status::Sending => answer(202, "queued"),
        Status::Failed => Err(ApiError::Rejected(error.unwrap_or_default())),
    }
}
