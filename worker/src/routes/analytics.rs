//! `GET /api/v1/orgs/{org}/analytics?days=30[&format=csv]`: an org's owner analytics (see
//! [`crate::analytics`] and `shared::analytics`). An owner's token for the org; only the
//! board the org connected is read, so no org sees another's counts.

use super::owner::{authorize, json, org};
use crate::error::ApiError;
use crate::App;
use shared::analytics::{csv, day_of, period, report};
use worker::{Date, Headers, Request, Response, RouteContext};

type Ctx = RouteContext<App>;

pub async fn get(req: Request, ctx: Ctx) -> Result<Response, ApiError> {
    let org = org(&ctx)?;
    authorize(&req, &ctx, &org)?;
    let url = req.url()?;
    let q = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let days = match q("days") {
        None => 30,
        Some(d) => d
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=shared::analytics::MAX_DAYS).contains(d))
            .ok_or_else(|| ApiError::BadRequest(format!("days is a number from 1 to {}.", shared::analytics::MAX_DAYS)))?,
    };
    let accept = req.headers().get("Accept").ok().flatten().unwrap_or_default();
    let as_csv = q("format").as_deref() == Some("csv") || accept.split(',').any(|a| a.trim().starts_with("text/csv"));
    let now = Date::now().as_millis();
    let (from, to) = period(day_of(now), days);
    let db = ctx.env.d1("DB")?;
    let board = crate::connect::org_board(&db, &org).await?;
    let rows = match &board {
        Some(b) => crate::analytics::rows(&db, b, from, to).await?,
        None => Vec::new(),
    };
    // Job titles from the board's copy the worker serves (memory, mostly); a job gone from the
    // board keeps its id only.
    let listing = match &board {
        Some(b) => crate::cache::board(&super::layers(&ctx), b, now).await.ok().map(|s| s.prepared.view().listing.clone()),
        None => None,
    };
    let title = |id: u64| listing.as_ref().and_then(|l| l.jobs.iter().find(|j| j.id == id)).map(|j| j.title.clone());
    if as_csv {
        let body = csv(board.as_deref().unwrap_or_default(), &rows, &title);
        let headers = Headers::new();
        headers.set("Content-Type", "text/csv; charset=utf-8")?;
        headers.set(
            "Content-Disposition",
            &format!("attachment; filename=\"analytics-{org}-{}-{}.csv\"", shared::analytics::date(from), shared::analytics::date(to)),
        )?;
        headers.set("Cache-Control", "no-store")?;
        headers.set("Access-Control-Allow-Origin", "*")?;
        headers.set("Access-Control-Expose-Headers", "Content-Disposition")?;
        return Ok(Response::ok(body)?.with_headers(headers));
    }
    json(200, &report(&org, board, from, to, &rows, &title))
}
