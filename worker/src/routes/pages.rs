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

/// What a board's script and its server include are asked for: the board, the worker's origin
/// and the options in the URL's query (the fragment's names).
struct Ask {
    token: String,
    origin: String,
    base: String,
    options: Vec<(String, String)>,
    fragment: crate::fragment::Options,
}

fn ask(req: &Request, ctx: &Ctx) -> Result<Ask, ApiError> {
    let token = super::board::token(ctx)?;
    let url = req.url()?;
    let origin = url.origin().ascii_serialization();
    let pairs: Vec<(String, String)> = url.query_pairs().take(64).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let options = crate::board_script::options(&pairs);
    let fragment = crate::fragment::Options::from_query(&options);
    Ok(Ask { base: format!("{origin}/"), token, origin, options, fragment })
}

/// The answer `body` makes of the asked board's first paint: as fresh as the board's listing
/// (its cache headers, ETag and `304`) and under its Cache-Tag. A board that cannot be drawn
/// now gets `body(None)`, cached briefly, under the error's status when `error_status`.
async fn drawn(
    req: &Request,
    ctx: &Ctx,
    a: &Ask,
    content_type: &str,
    error_status: bool,
    body: impl Fn(Option<&str>) -> String,
) -> Result<Response, ApiError> {
    let now = Date::now().as_millis();
    let inm = req.headers().get("If-None-Match").ok().flatten();
    let resp = match cache::board(&super::layers(ctx), &a.token, now).await {
        Ok(s) => {
            let body = body(Some(&super::board::first_paint(&s, &a.fragment, &a.origin)));
            crate::http::cached(&body, &etag(body.as_bytes()), inm.as_deref(), s.status, s.prepared.age_secs(now), content_type)?
        }
        Err(e) => {
            worker::console_warn!("{} for {}: no first paint: {e:?}", req.path(), a.token);
            let resp = uncached(body(None), "public, max-age=10", content_type)?;
            if error_status {
                resp.with_status(e.status())
            } else {
                resp
            }
        }
    };
    Ok(crate::http::tagged(resp, &a.token, None)?)
}

/// `GET /boards/{token}/widget.js?group_by=…`: the loader with the board's first paint in it
/// (see [`crate::board_script`]). A board that cannot be drawn now still gets the loader (a
/// `200`: a script must run), which then mounts as with the usual tag and shows the widget's
/// own error state.
pub async fn script(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    use crate::board_script;
    let a = ask(&req, &ctx)?;
    let (key, lang) = (board_script::key(&a.options), a.fragment.lang.tag());
    let loader = match loader(&ctx, &a.origin).await {
        Ok(l) => l,
        Err(e) => {
            // Never a script that does nothing: the usual tag, which fetches its own first paint.
            worker::console_error!("board script for {}: the loader could not be read: {e:?}", a.token);
            return uncached(board_script::fallback(&a.base, &a.token, &a.options), "no-store", JAVASCRIPT);
        }
    };
    drawn(&req, &ctx, &a, JAVASCRIPT, false, |first| board_script::body(&loader, &a.token, &a.base, &key, lang, first)).await
}

/// `GET /boards/{token}/include.html?group_by=…`: the board as HTML for the host's own server
/// to put into its page (see [`crate::board_script::include`]). A board that cannot be drawn
/// gets its empty slot and the tag, which still work if pasted, under the error's status (404
/// unknown, 502 Greenhouse failing), so a host's build or cache keeps the include it has.
pub async fn include(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let a = ask(&req, &ctx)?;
    let lang = a.fragment.lang.tag();
    drawn(&req, &ctx, &a, HTML, true, |first| crate::board_script::include(&a.base, &a.token, &a.options, lang, first)).await
}

const HTML: &str = "text/html; charset=utf-8";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// An answer outside the listing's cache rules (no ETag), readable from any origin.
fn uncached(body: String, cache_control: &str, content_type: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("Content-Type", content_type)?;
    headers.set("Cache-Control", cache_control)?;
    crate::http::cors(&headers)?;
    Ok(Response::ok(body)?.with_headers(headers))
}
