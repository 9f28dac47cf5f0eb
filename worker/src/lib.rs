//! The edge worker: a public, cached read API over Greenhouse job boards, plus the widget's
//! static assets (served by the `[assets]` binding before this code runs).
//!
//! Layout: `routes/` are thin handlers; `cache` is the read path; `upstream/` the only code
//! that talks to Greenhouse; `snapshot` maps Greenhouse shapes to ours; `sanitize` cleans
//! job HTML; `http` shapes responses; `error` is mapped to HTTP in exactly one place.

pub mod analytics;
pub mod apply;
pub mod auth;
pub mod board_script;
pub mod body;
pub mod cache;
pub mod config;
pub mod connect;
pub mod db;
pub mod error;
pub mod events;
pub mod export;
pub mod fragment;
pub mod http;
pub mod manage;
pub mod matching;
pub mod metrics;
pub mod outbox;
pub mod pages;
pub mod purge;
pub mod routes;
pub mod sanitize;
pub mod snapshot;
pub mod status;
pub mod sync;
pub mod upstream;
pub mod vault;
pub mod watch;

use config::Config;
use error::ApiError;
use std::future::Future;
use worker::{event, Context, Env, Request, Response, Result, RouteContext, Router, ScheduleContext, ScheduledEvent};

/// Runs a handler and maps its error, if any, to the one JSON error shape.
async fn handle<F>(fut: F) -> Result<Response>
where
    F: Future<Output = std::result::Result<Response, ApiError>>,
{
    match fut.await {
        Ok(r) => Ok(r),
        Err(e) => http::error_response(&e),
    }
}

/// What every route gets: the configuration and the request's context (for work that
/// continues after the response, such as background refreshes).
pub struct App {
    pub cfg: std::rc::Rc<Config>,
    pub ctx: Context,
}

thread_local! {
    /// Vars and secrets do not change while an isolate lives: read and parse them once.
    static CONFIG: std::cell::OnceCell<std::rc::Rc<Config>> = const { std::cell::OnceCell::new() };
}

fn config(env: &Env) -> std::rc::Rc<Config> {
    CONFIG.with(|c| c.get_or_init(|| std::rc::Rc::new(Config::from_env(env))).clone())
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    console_error_panic_hook::set_once();
    metrics::count(|c| c.requests += 1);
    let head = req.method() == worker::Method::Head;
    let req = if head { http::as_get(&req)? } else { req };
    let resp = Router::with_data(App { cfg: config(&env), ctx })
        .get_async("/api/v1/boards/:token/jobs", |req, ctx| handle(routes::board::list(req, ctx)))
        .get_async("/api/v1/boards/:token/fragment", |req, ctx| handle(routes::board::fragment(req, ctx)))
        .get_async("/api/v1/boards/:token/jobs/:id", |req, ctx| handle(routes::board::job(req, ctx)))
        .get_async("/api/v1/boards/:token/departments", |req, ctx| handle(routes::board::departments(req, ctx)))
        .get_async("/api/v1/boards/:token/offices", |req, ctx| handle(routes::board::offices(req, ctx)))
        .post_async("/api/v1/boards/:token/jobs/:id/applications", |req, ctx| handle(routes::apply::submit(req, ctx)))
        .post_async("/api/v1/boards/:token/jobs/:id/start", |req, ctx| handle(routes::board::start(req, ctx)))
        .get_async("/api/v1/orgs/:org/connection", |req, ctx| handle(routes::owner::get(req, ctx)))
        .put_async("/api/v1/orgs/:org/connection/:kind", |req, ctx| handle(routes::owner::put(req, ctx)))
        .delete_async("/api/v1/orgs/:org/connection/:kind", |req, ctx| handle(routes::owner::delete(req, ctx)))
        .post_async("/api/v1/orgs/:org/connection/:kind/check", |req, ctx| handle(routes::owner::check(req, ctx)))
        .post_async("/api/v1/orgs/:org/sync", |req, ctx| handle(routes::owner::sync(req, ctx)))
        .get_async("/api/v1/orgs/:org/applications", |req, ctx| handle(routes::owner::applications(req, ctx)))
        .get_async("/api/v1/orgs/:org/applications/:id", |req, ctx| handle(routes::owner::export_application(req, ctx)))
        .get_async("/api/v1/orgs/:org/applications/:id/status", |req, ctx| handle(routes::candidates::application_status(req, ctx)))
        .post_async("/api/v1/orgs/:org/applications/:id/retry", |req, ctx| handle(routes::owner::retry_application(req, ctx)))
        .post_async("/api/v1/orgs/:org/applications/:id/dismiss", |req, ctx| handle(routes::owner::dismiss_application(req, ctx)))
        .get_async("/api/v1/orgs/:org/analytics", |req, ctx| handle(routes::analytics::get(req, ctx)))
        .get_async("/api/v1/orgs/:org/jobs", |req, ctx| handle(routes::jobs::list(req, ctx)))
        .post_async("/api/v1/orgs/:org/jobs", |req, ctx| handle(routes::jobs::create(req, ctx)))
        .get_async("/api/v1/orgs/:org/jobs/greenhouse", |req, ctx| handle(routes::jobs::picker(req, ctx)))
        .post_async("/api/v1/orgs/:org/jobs/greenhouse/seen", |req, ctx| handle(routes::jobs::seen(req, ctx)))
        .put_async("/api/v1/orgs/:org/jobs/import", |req, ctx| handle(routes::jobs::import(req, ctx)))
        .patch_async("/api/v1/orgs/:org/jobs/:key", |req, ctx| handle(routes::jobs::edit(req, ctx)))
        .delete_async("/api/v1/orgs/:org/jobs/:key", |req, ctx| handle(routes::jobs::delete(req, ctx)))
        .get_async("/api/v1/orgs/:org/callback", |req, ctx| handle(routes::jobs::get_callback(req, ctx)))
        .put_async("/api/v1/orgs/:org/callback", |req, ctx| handle(routes::jobs::put_callback(req, ctx)))
        .delete_async("/api/v1/orgs/:org/callback", |req, ctx| handle(routes::jobs::delete_callback(req, ctx)))
        .post_async("/api/v1/orgs/:org/callback/rotate", |req, ctx| handle(routes::jobs::rotate_callback(req, ctx)))
        .post_async("/api/v1/orgs/:org/candidates", |req, ctx| handle(routes::candidates::create(req, ctx)))
        .get_async("/api/v1/orgs/:org/candidates/:external_id", |req, ctx| handle(routes::candidates::get(req, ctx)))
        .post_async("/api/v1/orgs/:org/matches", |req, ctx| handle(routes::candidates::matches(req, ctx)))
        .get_async("/api/v1/orgs/:org/matches/watch", |req, ctx| handle(routes::candidates::watch_get(req, ctx)))
        .put_async("/api/v1/orgs/:org/matches/watch", |req, ctx| handle(routes::candidates::watch_put(req, ctx)))
        .delete_async("/api/v1/orgs/:org/matches/watch", |req, ctx| handle(routes::candidates::watch_delete(req, ctx)))
        .get_async("/api/v1/orgs/:org/attachments/:token", |req, ctx| handle(routes::candidates::attachment(req, ctx)))
        .post_async("/hooks/greenhouse/:org", |req, ctx| handle(routes::hooks::receive(req, ctx)))
        .get_async("/boards/:token", |req, ctx| handle(routes::pages::board(req, ctx)))
        .get_async("/boards/:token/jobs/:id", |req, ctx| handle(routes::pages::job(req, ctx)))
        .get_async("/boards/:token/sitemap.xml", |req, ctx| handle(routes::pages::sitemap(req, ctx)))
        .get_async("/boards/:token/widget.js", |req, ctx| handle(routes::pages::script(req, ctx)))
        .get_async("/boards/:token/include.html", |req, ctx| handle(routes::pages::include(req, ctx)))
        .get("/api/v1/health", |_, _| Response::from_json(&serde_json::json!({"ok": true})))
        .get_async("/api/v1/__stats", |req, ctx| handle(routes::board::stats(req, ctx)))
        .options("/api/*path", |_, _| http::preflight())
        .or_else_any_method_async("/*path", |_req: Request, _ctx: RouteContext<App>| handle(async { Err(ApiError::NotFound) }))
        .run(req, env)
        .await?;
    http::finish(resp, head)
}

/// The cron: one run at a time (a D1 lease), then queued applications, board refreshes and
/// the global purges they (or failed earlier attempts) need, connection health re-checks, the
/// owner analytics' flush and the retention purge.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    console_error_panic_hook::set_once();
    let cfg = config(&env);
    let Ok(db) = env.d1("DB") else {
        worker::console_error!("scheduled: no D1 binding DB");
        return;
    };
    let now = worker::Date::now().as_millis();
    let holder = format!("cron-{now}-{}", js_sys::Math::random());
    match db::lease(&db, "cron", &holder, now, CRON_LEASE_MS).await {
        Ok(true) => {}
        Ok(false) => {
            worker::console_log!("cron: the previous run is still going; skipping this one");
            return;
        }
        Err(e) => {
            worker::console_error!("cron lease: {e:?}");
            return;
        }
    }
    let layers = cache::Layers { cfg: &cfg, env: &env, ctx: None };
    match connect::vault(&cfg) {
        Ok(vault) => match outbox::retry_due(&layers, &db, &vault, now).await {
            Ok(n) if n > 0 => worker::console_log!("outbox: delivered {n} queued application(s)"),
            Ok(_) => {}
            Err(e) => worker::console_error!("outbox: {e:?}"),
        },
        Err(_) => worker::console_error!("outbox: VAULT_KEY is not set; queued applications wait"),
    }
    // Connected boards whose copy is older than their freshness window.
    if let Err(e) = sync::all(&layers, &db, now).await {
        worker::console_error!("sync: {e:?}");
    }
    // Global purges: the boards those refreshes changed, and earlier purges that failed.
    match purge::retry_due(&cfg, &db, worker::Date::now().as_millis()).await {
        Ok(n) if n > 0 => worker::console_log!("purge: {n} board(s) purged in every data centre"),
        Ok(_) => {}
        Err(e) => worker::console_error!("purge: {e:?}"),
    }
    // Exported candidates' status: the poll behind the web hooks.
    match status::poll_some(&layers, &db, now).await {
        Ok(n) if n > 0 => worker::console_log!("status: {n} application(s) changed"),
        Ok(_) => {}
        Err(e) => worker::console_error!("status poll: {e:?}"),
    }
    if let Ok(vault) = connect::vault(&cfg) {
        // Widget applications delivered since: found in Greenhouse, to follow their status.
        match status::follow_some(&layers, &db, &vault, now).await {
            Ok(n) if n > 0 => worker::console_log!("status: found {n} widget application(s) in Greenhouse"),
            Ok(_) => {}
            Err(e) => worker::console_error!("status follow: {e:?}"),
        }
        // Hosts' watch lists: a few profiles matched again, changes sent as events.
        match watch::run_some(&layers, &db, &vault, now).await {
            Ok(n) if n > 0 => worker::console_log!("watch: {n} match(es) changed"),
            Ok(_) => {}
            Err(e) => worker::console_error!("watch: {e:?}"),
        }
    }
    // Host callbacks: events still waiting (a receiver that was down, or new ones).
    if let Ok(vault) = connect::vault(&cfg) {
        match events::deliver_due(&cfg, &db, &vault, worker::Date::now().as_millis()).await {
            Ok(n) if n > 0 => worker::console_log!("host events: delivered {n}"),
            Ok(_) => {}
            Err(e) => worker::console_error!("host events: {e:?}"),
        }
    }
    // Connection health: a few credentials per run, none more often than hourly.
    if let Err(e) = connect::recheck_some(&db, &cfg, now, 5).await {
        if !matches!(e, ApiError::NotConfigured) {
            worker::console_error!("health check: {e:?}");
        }
    }
    // Owner analytics: what this isolate counted (the deliveries above included), and once a
    // day the counts past their 90 days.
    if let Err(e) = analytics::on_cron(&db, now).await {
        worker::console_error!("analytics: {e:?}");
    }
    if let Err(e) = outbox::purge(&db, now, cfg.retention_days * 86_400_000).await {
        worker::console_error!("retention purge: {e:?}");
    }
    if let Err(e) = events::purge(&db, now, cfg.retention_days * 86_400_000).await {
        worker::console_error!("retention purge (events): {e:?}");
    }
    let _ = db::release(&db, "cron", &holder).await;
}

/// How long one cron run may hold the lease (a run that dies holds it no longer): the
/// longest a scheduled invocation may run.
const CRON_LEASE_MS: u64 = 15 * 60 * 1000;
