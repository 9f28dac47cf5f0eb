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

/// The deployed loader (`widget.js`, from the static assets), kept per isolate: a deploy is a
/// new isolate.
async fn loader(ctx: &Ctx, origin: &str) -> Result<std::rc::Rc<str>, ApiError> {
    thread_local! {
        static LOADER: std::cell::RefCell<Option<std::rc::Rc<str>>> = const { std::cell::RefCell::new(None) };
    }
    if let Some(l) = LOADER.with(|l| l.borrow().clone()) {
        return Ok(l);
    }
    let mut resp = ctx.env.assets("ASSETS")?.fetch(format!("{origin}/widget.js"), None).await?;
    if resp.status_code() != 200 {
        return Err(ApiError::Internal(format!("widget.js: asset answered {}", resp.status_code())));
    }
    let text: std::rc::Rc<str> = resp.text().await?.into();
    LOADER.with(|l| *l.borrow_mut() = Some(text.clone()));
    Ok(text)
}

/// `GET /boards/{token}/widget.js?group_by=…`: the loader with the board's first paint in it
/// (see [`crate::board_script`]), as fresh as the board's listing and under its Cache-Tag.
/// A board that cannot be drawn now still gets the loader, which then mounts as with the
/// usual tag (and shows the widget's own error state), cached briefly.
pub async fn script(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    use crate::board_script;
    let token = super::board::token(&ctx)?;
    let url = req.url()?;
    let origin = url.origin().ascii_serialization();
    let pairs: Vec<(String, String)> = url.query_pairs().take(64).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let options = board_script::options(&pairs);
    let fragment = crate::fragment::Options::from_query(&options);
    let (key, lang, base) = (board_script::key(&options), fragment.lang.tag(), format!("{origin}/"));
    let loader = match loader(&ctx, &origin).await {
        Ok(l) => l,
        Err(e) => {
            // Never a script that does nothing: the usual tag, which fetches its own first paint.
            worker::console_error!("board script for {token}: the loader could not be read: {e:?}");
            return uncached_script(board_script::fallback(&base, &token, &options), "no-store");
        }
    };
    let now = Date::now().as_millis();
    let inm = req.headers().get("If-None-Match").ok().flatten();
    let resp = match cache::board(&super::layers(&ctx), &token, now).await {
        Ok(s) => {
            let html = super::board::first_paint(&s, &fragment, &origin);
            let body = board_script::body(&loader, &token, &base, &key, lang, Some(&html));
            crate::http::cached(&body, &etag(body.as_bytes()), inm.as_deref(), s.status, s.prepared.age_secs(now), JAVASCRIPT)?
        }
        Err(e) => {
            worker::console_warn!("board script for {token}: no first paint: {e:?}");
            uncached_script(board_script::body(&loader, &token, &base, &key, lang, None), "public, max-age=10")?
        }
    };
    Ok(crate::http::tagged(resp, &token, None)?)
}

/// `GET /boards/{token}/include.html?group_by=…`: the board as HTML for the host's own server
/// to put into its page (see [`crate::board_script::include`]), with the options of a board
/// script's URL. Cached like the listing; a board that cannot be drawn gets its empty slot and
/// the tag, briefly cached, under the error's status (404 unknown, 502 Greenhouse failing).
pub async fn include(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    use crate::board_script;
    let token = super::board::token(&ctx)?;
    let url = req.url()?;
    let origin = url.origin().ascii_serialization();
    let pairs: Vec<(String, String)> = url.query_pairs().take(64).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let options = board_script::options(&pairs);
    let fragment = crate::fragment::Options::from_query(&options);
    let (lang, base) = (fragment.lang.tag(), format!("{origin}/"));
    let now = Date::now().as_millis();
    let inm = req.headers().get("If-None-Match").ok().flatten();
    let resp = match cache::board(&super::layers(&ctx), &token, now).await {
        Ok(s) => {
            let html = super::board::first_paint(&s, &fragment, &origin);
            let body = board_script::include(&base, &token, &options, lang, Some(&html));
            crate::http::cached(&body, &etag(body.as_bytes()), inm.as_deref(), s.status, s.prepared.age_secs(now), HTML)?
        }
        Err(e) => {
            // Still a slot that works if pasted, but with the error's status, so a host's build
            // or cache keeps the include it has rather than an empty one.
            worker::console_warn!("include for {token}: no first paint: {e:?}");
            uncached(board_script::include(&base, &token, &options, lang, None), "public, max-age=10", HTML)?.with_status(e.status())
        }
    };
    Ok(crate::http::tagged(resp, &token, None)?)
}

const HTML: &str = "text/html; charset=utf-8";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// A script outside the listing's cache rules (no ETag), readable from any origin.
fn uncached_script(body: String, cache_control: &str) -> Result<Response, ApiError> {
    uncached(body, cache_control, JAVASCRIPT)
}

/// An answer outside the listing's cache rules (no ETag), readable from any origin.
fn uncached(body: String, cache_control: &str, content_type: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("Content-Type", content_type)?;
    headers.set("Cache-Control", cache_control)?;
    crate::http::cors(&headers)?;
    Ok(Response::ok(body)?.with_headers(headers))
}
