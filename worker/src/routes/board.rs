//! The public read API for a board: list, one job, departments, offices.

use crate::cache::{self, Served};
use crate::error::ApiError;
use crate::http::{cached, cached_json, etag, tagged};
use crate::App;
use serde::Serialize;
use shared::analytics::Kind;
use shared::api::{self, API_VERSION};
use worker::{Date, Request, Response, RouteContext};

type Ctx = RouteContext<App>;

/// The board token of the route, lowercase: Greenhouse matches tokens case-insensitively,
/// so `Acme` and `acme` are one board, one cache entry and one upstream call.
pub(crate) fn token(ctx: &Ctx) -> Result<String, ApiError> {
    board_token(ctx.param("token").map(String::as_str).unwrap_or_default())
}

pub fn board_token(raw: &str) -> Result<String, ApiError> {
    if api::valid_board_token(raw) {
        Ok(cache::canonical(raw))
    } else {
        Err(ApiError::BadRequest("A board token has only letters, digits, '-' and '_'.".into()))
    }
}

async fn served(ctx: &Ctx) -> Result<(Served, u64), ApiError> {
    let now = Date::now().as_millis();
    Ok((cache::board(&super::layers(ctx), &token(ctx)?, now).await?, now))
}

/// A JSON answer about the route's board (`job`: one of its jobs), with its Cache-Tag.
fn respond_with<T: Serialize>(req: &Request, ctx: &Ctx, value: &T, s: &Served, now: u64, job: Option<u64>) -> Result<Response, ApiError> {
    let body = serde_json::to_string(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    let inm = req.headers().get("If-None-Match").ok().flatten();
    Ok(tagged(cached_json(&body, &etag(body.as_bytes()), inm.as_deref(), s.status, s.prepared.age_secs(now))?, &token(ctx)?, job)?)
}

/// Counts what a visitor's request stands for (see [`crate::analytics::count_request`]): after
/// the board (and job) was found, so made-up tokens and ids count nothing, and only for a board
/// an org connected (no one could read the others' counts).
fn count(req: &Request, ctx: &Ctx, s: &Served, job: u64, kind: Kind) {
    if !s.prepared.snapshot.overlay.connected {
        return;
    }
    if let Ok(board) = token(ctx) {
        crate::analytics::count_request(req, &super::layers(ctx), &board, job, kind);
    }
}

pub async fn list(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let (s, now) = served(&ctx).await?;
    count(&req, &ctx, &s, 0, Kind::ListView);
    let p = &s.prepared;
    let inm = req.headers().get("If-None-Match").ok().flatten();
    Ok(tagged(cached_json(&p.listing_body, &p.listing_etag, inm.as_deref(), s.status, p.age_secs(now))?, &token(&ctx)?, None)?)
}

/// `GET /api/v1/boards/{token}/fragment?…`: the board as the widget draws it, for `widget.js`
/// to show before the wasm arrives (see [`crate::fragment`]). Served from the cached copy like
/// the listing, with the same cache headers and ETag rules.
pub async fn fragment(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let (s, now) = served(&ctx).await?;
    count(&req, &ctx, &s, 0, Kind::ListView);
    let url = req.url()?;
    let pairs: Vec<(String, String)> = url.query_pairs().take(64).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let options = crate::fragment::Options::from_query(&pairs);
    let body = first_paint(&s, &options, &url.origin().ascii_serialization());
    let inm = req.headers().get("If-None-Match").ok().flatten();
    let resp = cached(&body, &etag(body.as_bytes()), inm.as_deref(), s.status, s.prepared.age_secs(now), "text/html; charset=utf-8")?;
    Ok(tagged(resp, &self::token(&ctx)?, None)?)
}

/// The board drawn for the widget's first paint (the fragment's body, and what a board script
/// carries), its links to the crawlable pages on `origin`.
pub(crate) fn first_paint(s: &Served, options: &crate::fragment::Options, origin: &str) -> String {
    let view = s.prepared.view();
    let token = &view.listing.board.token;
    crate::fragment::render(
        &view.listing,
        options,
        s.status == crate::http::CacheStatus::Stale,
        &|id| crate::pages::job_url(origin, token, id),
        &crate::pages::board_url(origin, token),
    )
}

/// A job's detail: description from the board's snapshot (a job not on the board is a 404
/// without asking Greenhouse), pay ranges and application form from the single-job endpoint.
pub(crate) async fn detail(ctx: &Ctx) -> Result<((Served, u64), api::JobDetail), ApiError> {
    let board = token(ctx)?;
    let raw = ctx.param("id").cloned().unwrap_or_default();
    let not_found = || ApiError::JobNotFound { board: board.clone(), job: raw.chars().take(40).collect() };
    let id: u64 = raw.parse().map_err(|_| not_found())?;
    let (s, now) = served(ctx).await?;
    let mut detail = s.prepared.view().detail(id).ok_or_else(not_found)?;
    // The form is the linked job post's (an owner's "Connect Greenhouse job"); pay is the
    // job's own. A local job nobody linked has neither.
    let l = super::layers(ctx);
    if id < shared::jobs::LOCAL_ID_BASE {
        detail.pay_ranges = cache::job_extras(&l, &board, id, now).await.pay_ranges.clone();
    }
    if let Some(target) = s.prepared.snapshot.apply_target(id).filter(|_| detail.job.apply_url.is_none()) {
        detail.form = cache::job_extras(&l, &board, target, now).await.form.clone();
    }
    Ok(((s, now), detail))
}

/// A job's detail as the widget reads it: with its schema.org `JobPosting`, built here by the
/// same code as the crawlable job page's, so the visitor bundle carries no JSON-LD code (the
/// widget only adds the host page's `url` and the description, which the answer has anyway).
#[derive(Serialize)]
struct JobAnswer<'a> {
    #[serde(flatten)]
    detail: &'a api::JobDetail,
    json_ld: shared::seo::JobPosting,
}

pub async fn job(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let ((s, now), mut detail) = detail(&ctx).await?;
    count(&req, &ctx, &s, detail.job.id, Kind::JobView);
    // The description is the answer's `content_html` already: the widget puts it back, so the
    // answer does not carry it twice (and it is not copied only to be dropped).
    let content = std::mem::take(&mut detail.content_html);
    let json_ld = shared::seo::job_posting(&detail, None, false);
    detail.content_html = content;
    respond_with(&req, &ctx, &JobAnswer { detail: &detail, json_ld }, &s, now, Some(detail.job.id))
}

/// `POST /api/v1/boards/{token}/jobs/{id}/start?gh_src=…`: a candidate began to fill in the
/// job's application form (the form's bundle sends it once per form, with `sendBeacon`).
/// Counted for owner analytics, nothing else; `204` whatever happens to the count.
pub async fn start(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let board = token(&ctx)?;
    let (s, _) = served(&ctx).await?;
    let id = ctx.param("id").and_then(|i| i.parse::<u64>().ok()).filter(|id| s.prepared.view().listing.jobs.iter().any(|j| j.id == *id));
    let id = id.ok_or_else(|| ApiError::JobNotFound {
        board: board.clone(),
        job: ctx.param("id").cloned().unwrap_or_default().chars().take(40).collect(),
    })?;
    count(&req, &ctx, &s, id, Kind::Start);
    let headers = worker::Headers::new();
    headers.set("Access-Control-Allow-Origin", "*")?;
    headers.set("Cache-Control", "no-store")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

pub async fn departments(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let (s, now) = served(&ctx).await?;
    let body = api::DepartmentList { v: API_VERSION, departments: s.prepared.view().listing.departments.clone() };
    respond_with(&req, &ctx, &body, &s, now, None)
}

pub async fn offices(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let (s, now) = served(&ctx).await?;
    let body = api::OfficeList { v: API_VERSION, offices: s.prepared.view().listing.offices.clone() };
    respond_with(&req, &ctx, &body, &s, now, None)
}

/// `GET /api/v1/__stats`: the caches' own accounting in this isolate, for the benchmark and
/// tests. It exists only when `DEBUG_STATS=1`; otherwise it is an unknown route.
pub async fn stats(_req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    if !ctx.data.cfg.cache.debug_stats {
        return Err(ApiError::NotFound);
    }
    let headers = worker::Headers::new();
    headers.set("Cache-Control", "no-store")?;
    Ok(Response::from_json(&cache::stats(&ctx.data.cfg))?.with_headers(headers))
}

#[cfg(test)]
mod tests {
    use super::board_token;

    #[test]
    fn tokens_are_checked_and_lowercased() {
        assert_eq!(board_token("NorthWind--Case").unwrap(), "northwind--case");
        assert_eq!(board_token("acme_2").unwrap(), "acme_2");
        assert!(board_token("bad token").is_err());
        assert!(board_token("").is_err());
    }
}
