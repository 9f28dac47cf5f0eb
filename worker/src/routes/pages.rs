//! The no-JS pages and sitemap, served from the same cached snapshot as the read API.

use crate::cache;
use crate::error::ApiError;
use crate::http::etag;
use crate::pages;
use crate::App;
use worker::{Date, Headers, Request, Response, RouteContext};

type Ctx = RouteContext<App>;

fn origin(req: &Request) -> Result<String, ApiError> {
    let u = req.url()?;
    Ok(u.origin().ascii_serialization())
}

/// A page of the board `token` (`job`: of one of its jobs), with its Cache-Tag.
fn respond(req: &Request, body: String, content_type: &str, token: &str, job: Option<u64>) -> Result<Response, ApiError> {
    let headers = Headers::new();
    let tag = etag(body.as_bytes());
    headers.set("Content-Type", content_type)?;
    headers.set("Cache-Control", "public, max-age=300, stale-while-revalidate=3600")?;
    headers.set("ETag", &tag)?;
    if content_type.starts_with("text/html") {
        headers.set("Content-Security-Policy", &pages::content_security_policy())?;
    }
    let inm = req.headers().get("If-None-Match").ok().flatten();
    let resp = if crate::http::if_none_match_hits(inm.as_deref(), &tag) {
        Response::empty()?.with_status(304).with_headers(headers)
    } else {
        Response::ok(body)?.with_headers(headers)
    };
    Ok(crate::http::tagged(resp, token, job)?)
}

pub async fn board(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let token = super::board::token(&ctx)?;
    let s = cache::board(&super::layers(&ctx), &token, Date::now().as_millis()).await?;
    respond(&req, pages::board_page(&s.prepared.view().listing, &origin(&req)?), "text/html; charset=utf-8", &token, None)
}

pub async fn job(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let ((served, _), detail) = super::board::detail(&ctx).await?;
    let apply_to = served.prepared.snapshot.apply_target(detail.job.id);
    let token = super::board::token(&ctx)?;
    respond(&req, pages::job_page(&detail, &origin(&req)?, apply_to), "text/html; charset=utf-8", &token, Some(detail.job.id))
}

pub async fn sitemap(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let token = super::board::token(&ctx)?;
    let s = cache::board(&super::layers(&ctx), &token, Date::now().as_millis()).await?;
    respond(&req, pages::sitemap(&s.prepared.view().listing, &origin(&req)?), "application/xml; charset=utf-8", &token, None)
}
