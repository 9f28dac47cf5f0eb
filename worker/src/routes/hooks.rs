//! `POST /hooks/greenhouse/{org}`: Greenhouse web hooks. The body (read with a hard cap)
//! must carry a valid `Signature: sha256 <hex>` (HMAC-SHA256 of the raw body with the org's
//! web hook secret, compared in constant time), else 401 and nothing changes. The route is
//! rate limited per org; deliveries are de-duplicated per org by `Greenhouse-Event-ID`; a
//! ping is answered; job and job post events sync the board, at most once per
//! `WEBHOOK_REFRESH_SECONDS` however many deliveries (or replays under new ids) arrive, plus
//! one trailing sync when the window ends if deliveries came during it (so a job closed and
//! reopened within seconds ends up open).

use crate::connect::{self, vault};
use crate::error::ApiError;
use crate::App;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use shared::owner::Kind;
use worker::{Date, Request, Response, RouteContext};

/// Whether `header` (`sha256 <hex>`) is the HMAC of `body` under `secret`.
pub fn signature_ok(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(hex) = header.and_then(|h| h.trim().strip_prefix("sha256 ")).map(str::trim) else { return false };
    if hex.len() % 2 != 0 {
        return false;
    }
    let Some(sig) = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect::<Option<Vec<u8>>>() else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// Greenhouse's web hook bodies are small JSON documents; anything larger is refused.
pub const MAX_WEBHOOK_BYTES: usize = 256 * 1024;

async fn limit(ctx: &RouteContext<App>, key: String) -> Result<(), ApiError> {
    if let Ok(limiter) = ctx.env.rate_limiter("WEBHOOK_LIMIT") {
        if !limiter.limit(key).await?.success {
            return Err(ApiError::RateLimited("Too many web hook deliveries; please wait a minute."));
        }
    }
    Ok(())
}

thread_local! {
    /// Orgs with a trailing sync scheduled in this isolate.
    static TRAILING: std::cell::RefCell<std::collections::HashSet<String>> = Default::default();
}

/// Syncs the org's board once, `wait_ms` from now (after the response), unless this isolate
/// already has one scheduled.
fn trailing_sync(ctx: &RouteContext<App>, org: &str, board: &str, wait_ms: u64) {
    if !TRAILING.with(|t| t.borrow_mut().insert(org.to_string())) {
        return;
    }
    let (cfg, env, org, board) = (ctx.data.cfg.clone(), ctx.env.clone(), org.to_string(), board.to_string());
    ctx.data.ctx.wait_until(async move {
        worker::Delay::from(std::time::Duration::from_millis(wait_ms.min(20_000) + 50)).await;
        TRAILING.with(|t| t.borrow_mut().remove(&org));
        let Ok(db) = env.d1("DB") else { return };
        let l = crate::cache::Layers { cfg: &cfg, env: &env, ctx: None };
        if let Err(e) = crate::sync::board_with(&l, &db, &board, Some(&org), crate::sync::Trigger::WebHook, Date::now().as_millis()).await {
            worker::console_warn!("trailing sync of {board}: {e}");
        }
        if let Ok(vault) = vault(&cfg) {
            let _ = crate::events::deliver(&cfg, &db, &vault, &org, Date::now().as_millis()).await;
        }
    });
}

fn reply(status: u16, v: Value) -> Result<Response, ApiError> {
    Ok(Response::from_json(&v)?.with_status(status))
}

pub async fn receive(mut req: Request, ctx: RouteContext<App>) -> Result<Response, ApiError> {
    let org = ctx.param("org").cloned().unwrap_or_default();
    if !shared::api::valid_board_token(&org) {
        return Err(ApiError::NotFound);
    }
    // Per sender first (junk from elsewhere cannot use up an org's allowance), per org once
    // the signature is proven.
    let ip = req.headers().get("CF-Connecting-IP").ok().flatten().unwrap_or_else(|| "unknown".into());
    limit(&ctx, format!("ip:{ip}")).await?;
    let body = crate::body::read_capped(&mut req, MAX_WEBHOOK_BYTES).await?;
    let db = ctx.env.d1("DB")?;
    let vault = vault(&ctx.data.cfg)?;
    let secret = connect::open(&db, &vault, &org, Kind::WebHooks).await?.map(|i| i.api_key);
    let signature = req.headers().get("Signature").ok().flatten();
    if !secret.is_some_and(|s| signature_ok(s.trim(), &body, signature.as_deref())) {
        return Err(ApiError::Unauthorized(crate::auth::AuthError::BadSignature));
    }
    limit(&ctx, format!("org:{org}")).await?;
    let event: Value = serde_json::from_slice(&body).map_err(|_| ApiError::BadRequest("the body is not JSON".into()))?;
    let action = event.get("action").and_then(Value::as_str).unwrap_or_default().to_string();
    let now = Date::now().as_millis();
    let event_id: String = req.headers().get("Greenhouse-Event-ID").ok().flatten().unwrap_or_default().chars().take(200).collect();
    if !event_id.is_empty() {
        let new = crate::db::run(
            &db,
            "INSERT INTO webhook_events (id, org, action, received_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (org, id) DO NOTHING",
            &[event_id.as_str().into(), org.as_str().into(), action.as_str().into(), crate::db::num(now)],
        )
        .await?;
        if new == 0 {
            return reply(200, json!({"status": "duplicate"}));
        }
    }
    if action == "ping" {
        return reply(200, json!({"status": "pong"}));
    }
    // A candidate's application moved: recorded (if it is one of the org's exports) and told
    // to the host at once.
    if let Some(seen) = event.get("payload").and_then(|p| crate::status::from_hook(&action, p)) {
        let changed = match crate::status::record(&db, &org, &seen, now).await {
            Ok(c) => c,
            Err(e) => {
                // Let Greenhouse deliver it again: forget that we saw it.
                if !event_id.is_empty() {
                    let _ = crate::db::run(
                        &db,
                        "DELETE FROM webhook_events WHERE org = ?1 AND id = ?2",
                        &[org.as_str().into(), event_id.as_str().into()],
                    )
                    .await;
                }
                return Err(e);
            }
        };
        if changed {
            crate::events::kick(&super::layers(&ctx), &org);
        }
        return reply(200, json!({"status": if changed { "recorded" } else { "not_tracked" }}));
    }
    if !(action.starts_with("job_") || action.starts_with("job_post_")) {
        return reply(200, json!({"status": "ignored", "action": action}));
    }
    let board = connect::list(&db, &org).await?.into_iter().find(|c| c.kind == Kind::JobBoard).map(|c| c.account);
    let Some(board) = board else { return reply(200, json!({"status": "ignored", "reason": "no job board connected"})) };
    let last = crate::sync::status(&db, &org, &board).await?.and_then(|s| s.last_success_at);
    let window_ms = ctx.data.cfg.webhook_refresh_secs * 1000;
    if let Some(at) = last.filter(|at| now.saturating_sub(*at) < window_ms) {
        // A change inside the window (a job closed, then reopened at once) must not be lost:
        // one trailing sync runs when the window ends, however many deliveries arrive.
        trailing_sync(&ctx, &org, &board, at + window_ms - now);
        return reply(200, json!({"status": "recently_synced"}));
    }
    match crate::sync::board_with(&super::layers(&ctx), &db, &board, Some(&org), crate::sync::Trigger::WebHook, now).await {
        Ok(report) => reply(200, json!({"status": "synced", "report": report})),
        Err(e) => {
            // Let Greenhouse deliver it again: forget that we saw it.
            if !event_id.is_empty() {
                let _ =
                    crate::db::run(&db, "DELETE FROM webhook_events WHERE org = ?1 AND id = ?2", &[org.as_str().into(), event_id.as_str().into()])
                        .await;
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::signature_ok;

    #[test]
    fn signatures_are_checked_over_the_raw_body() {
        // HMAC-SHA256("secret-key", "{\"action\":\"ping\"}")
        let body = br#"{"action":"ping"}"#;
        let good = {
            use hmac::{Hmac, Mac};
            let mut m = Hmac::<sha2::Sha256>::new_from_slice(b"secret-key").unwrap();
            m.update(body);
            m.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect::<String>()
        };
        assert!(signature_ok("secret-key", body, Some(&format!("sha256 {good}"))));
        assert!(!signature_ok("other-key", body, Some(&format!("sha256 {good}"))));
        assert!(!signature_ok("secret-key", br#"{"action":"pong"}"#, Some(&format!("sha256 {good}"))), "body changed");
        assert!(!signature_ok("secret-key", body, Some(&good)), "missing the sha256 prefix");
        assert!(!signature_ok("secret-key", body, None));
        assert!(!signature_ok("secret-key", body, Some("sha256 zz")));
    }
}
