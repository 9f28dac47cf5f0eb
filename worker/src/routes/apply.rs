//! `POST /api/v1/boards/{token}/jobs/{id}/applications`: the widget's multipart form. The
//! worker re-validates it against the job's questions, records it in the outbox (sealed,
//! row and files at once) and sends it to Greenhouse with the board's Job Board API key,
//! which never leaves the worker.
//!
//! Order matters: the body is read with a hard cap; a repeated submission id is answered
//! from the outbox before Turnstile or the job's state are looked at (a client's network
//! retry must get its first answer, not a challenge); a different body under the same id
//! is a conflict.

use crate::apply::{fallback_form, greenhouse_body, public_reason, source_token};
use crate::body;
use crate::cache;
use crate::error::ApiError;
use crate::outbox::{self, Earlier, NewApplication, NewFile, Payload};
use crate::App;
use serde_json::json;
use shared::apply::{
    check_file, ApplyForm, ErrorCode, FieldError, FieldKind, FileMeta, Submission, HONEYPOT, IDEMPOTENCY_KEY, MAX_BODY_BYTES, SOURCE_TOKEN,
};
use shared::owner::ApplicationState as Status;
use worker::{Date, FormEntry, Headers, Request, Response, RouteContext};

type Ctx = RouteContext<App>;

/// Fields the widget sends that are ours, not the candidate's answers.
const OURS: [&str; 4] = [IDEMPOTENCY_KEY, SOURCE_TOKEN, HONEYPOT, "cf-turnstile-response"];
/// Applications of one board waiting for Greenhouse (queued, or for a key) at most: past
/// this, new ones are refused with 503 until the queue drains.
const MAX_PENDING_PER_BOARD: u32 = 2_000;
/// At most this many files in one application (resume, cover letter, file questions).
const MAX_FILES: usize = 8;

fn answer(status: u16, state: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("Access-Control-Allow-Origin", "*")?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    Ok(Response::ok(json!({ "status": state }).to_string())?.with_status(status).with_headers(headers))
}

/// What the candidate is told about an application in `status`.
fn outcome(status: Status, reason: Option<String>) -> Result<Response, ApiError> {
    match status {
        Status::Delivered => answer(201, "delivered"),
        // Waiting for Greenhouse or for the key: it is safe with us and goes out on its own.
        Status::Queued | Status::Sending | Status::NeedsAttention => answer(202, "queued"),
        Status::Failed | Status::Dismissed => Err(ApiError::Rejected(public_reason(&reason.unwrap_or_default()))),
    }
}

/// Per-IP and per-board limits (Workers rate-limiting bindings). A missing binding means
/// no limit, so a deployment without them still works.
async fn rate_limit(ctx: &Ctx, ip: &str, board: &str) -> Result<(), ApiError> {
    for (binding, key) in [("APPLY_IP_LIMIT", ip), ("APPLY_BOARD_LIMIT", board)] {
        if let Ok(limiter) = ctx.env.rate_limiter(binding) {
            if !limiter.limit(key.to_string()).await?.success {
                return Err(ApiError::RateLimited("Too many applications from here; please wait a minute and try again."));
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

/// Every answer and file of the form, as sent (our own fields left out).
async fn entries(form: &body::Form) -> Result<(Vec<(String, String)>, Vec<NewFile>), ApiError> {
    let mut values = Vec::new();
    let mut files = Vec::new();
    for name in form.names.iter().filter(|n| !OURS.contains(&n.as_str())) {
        for entry in form.data.get_all(name).unwrap_or_default() {
            match entry {
                FormEntry::Field(v) => values.push((name.clone(), v)),
                FormEntry::File(f) if !f.name().is_empty() => {
                    if files.len() == MAX_FILES {
                        return Err(ApiError::BadRequest(format!("At most {MAX_FILES} files can be sent.")));
                    }
                    files.push(NewFile { field: name.clone(), filename: f.name(), bytes: f.bytes().await? });
                }
                FormEntry::File(_) => {}
            }
        }
    }
    Ok((values, files))
}

pub async fn submit(mut req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let board = super::board::token(&ctx)?;
    let id: u64 = ctx.param("id").and_then(|i| i.parse().ok()).ok_or_else(|| ApiError::JobNotFound {
        board: board.clone(),
        job: ctx.param("id").cloned().unwrap_or_default().chars().take(40).collect(),
    })?;
    let ip = req.headers().get("CF-Connecting-IP").ok().flatten().unwrap_or_else(|| "unknown".into());
    rate_limit(&ctx, &ip, &board).await?;

    let raw = body::read_capped(&mut req, MAX_BODY_BYTES as usize).await?;
    let form = body::form_data(&req, raw).await?;
    if form.data.get_field(HONEYPOT).is_some_and(|v| !v.trim().is_empty()) {
        // A bot filled the hidden field: say "received" and keep nothing.
        return answer(202, "received");
    }
    let submission_id = form.data.get_field(IDEMPOTENCY_KEY).unwrap_or_default();
    if !valid_submission_id(&submission_id) {
        return Err(ApiError::BadRequest("A submission id is required.".into()));
    }
    let (values, files) = entries(&form).await?;
    let fingerprint = outbox::fingerprint(&board, id, &values, &files);
    let db = ctx.env.d1("DB")?;
    match outbox::earlier(&db, &submission_id, &fingerprint).await? {
        Some(Earlier::Same(status, reason)) => return outcome(status, reason),
        Some(Earlier::Conflict) => return Err(ApiError::SubmissionConflict),
        None => {}
    }
    turnstile(&ctx, form.data.get_field("cf-turnstile-response").as_deref(), &ip).await?;

    let now = Date::now().as_millis();
    let layers = super::layers(&ctx);
    // The job must be on the board; when Greenhouse is down and no copy of the board exists
    // anywhere, that cannot be known now: the application is kept, and Greenhouse decides at
    // delivery (a job that is not live then makes it `failed`, visible to owners).
    let (reachable, target) = match cache::board(&layers, &board, now).await {
        Ok(s) if s.prepared.view().detail(id).is_none() => return Err(ApiError::JobNotFound { board, job: id.to_string() }),
        // A job an owner linked to a Greenhouse job post (a local job, or another post of the
        // same job) sends its applications there; a local job linked to none takes none.
        Ok(s) => (true, s.prepared.snapshot.apply_target(id).ok_or(ApiError::NotConnected)?),
        // Where a local job's applications go is known only from a copy of the board.
        Err(ApiError::Upstream(e)) if id >= shared::jobs::LOCAL_ID_BASE => return Err(ApiError::Upstream(e)),
        Err(ApiError::Upstream(_)) => (false, id),
        Err(e) => return Err(e),
    };
    if crate::connect::job_board_key(&ctx.data.cfg, Some(&db), &board).await.is_none() {
        return Err(ApiError::NotConfigured);
    }
    let vault = crate::connect::vault(&ctx.data.cfg)?;
    if outbox::pending_on_board(&db, &board).await? >= MAX_PENDING_PER_BOARD {
        // A flood that keeps Greenhouse refusing cannot grow the store without bound.
        return Err(ApiError::Busy);
    }

    // The job's questions from any copy (memory, KV); without one, the submission is kept
    // as sent and mapped at delivery, so no answer is dropped.
    let job_form: Option<ApplyForm> = if reachable { cache::job_form(&layers, &board, target, now).await } else { None };
    let submission = Submission {
        values: values.clone(),
        files: files.iter().map(|f| FileMeta { field: f.field.clone(), filename: f.filename.clone(), size: f.bytes.len() as u64 }).collect(),
    };
    let source = form.data.get_field(SOURCE_TOKEN);
    let payload = match &job_form {
        Some(f) => {
            let errors = f.validate(&submission);
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            Payload::Mapped { body: greenhouse_body(f, &submission, source.as_deref(), Some(&ip)) }
        }
        None => {
            // What every Greenhouse form asks is still checked; the rest is checked by
            // Greenhouse's own form when it is mapped.
            let basic = fallback_form();
            let takes_file = |name: &str| basic.all_questions().flat_map(|q| &q.fields).any(|f| f.kind == FieldKind::File && f.name == name);
            let (known, other): (Vec<FileMeta>, Vec<FileMeta>) = submission.files.iter().cloned().partition(|f| takes_file(&f.field));
            let mut errors = basic.validate(&Submission { values: values.clone(), files: known });
            for (i, f) in other.iter().enumerate() {
                if other[..i].iter().any(|g| g.field == f.field) {
                    errors.push(FieldError { field: f.field.clone(), code: ErrorCode::Invalid, message: "Attach one file here.".into() });
                } else if let Some(e) = check_file(&f.field, f) {
                    errors.push(e);
                }
            }
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            let ip = Some(ip.clone()).filter(|ip| ip.parse::<std::net::IpAddr>().is_ok());
            Payload::Raw { values: values.clone(), source: source_token(source.as_deref()), ip }
        }
    };
    // Only files under fields that take files are kept (validation refused the rest).
    let files: Vec<NewFile> = match &job_form {
        Some(f) => files.into_iter().filter(|x| f.all_questions().flat_map(|q| &q.fields).any(|k| k.name == x.field)).collect(),
        None => files,
    };

    let org = crate::connect::board_owner(&db, &board).await?;
    // Owner analytics: the source of the visit (the widget puts the host page's `gh_src` /
    // `utm_source` on the URL; `_gh_src` in the form otherwise), unless a bot sent it.
    let counted = (!crate::analytics::is_bot(&req)).then(|| {
        let url = req.url().ok();
        match (url.as_ref().filter(|u| u.query_pairs().any(|(k, _)| k == "gh_src" || k == "utm_source")), source.as_deref()) {
            (Some(u), _) => crate::analytics::source_of(u),
            (None, s) => shared::analytics::normalize_source(s, None),
        }
    });
    let app = NewApplication {
        id: &submission_id,
        board: &board,
        org: org.as_deref(),
        job_id: target,
        payload: &payload,
        files: &files,
        fingerprint: &fingerprint,
        analytics: counted.as_deref().map(|s| (s, id)),
    };
    let (status, reason) = match outbox::record(&db, &vault, &app, now).await? {
        Some(Earlier::Same(status, reason)) => (status, reason), // recorded meanwhile: report, never resend
        Some(Earlier::Conflict) => return Err(ApiError::SubmissionConflict),
        None => {
            if let Some(source) = &counted {
                crate::analytics::count(&layers, &board, id, source, shared::analytics::Kind::Submitted);
            }
            outbox::attempt(&layers, &db, &vault, &submission_id, now).await?
        }
    };
    outcome(status, reason)
}
