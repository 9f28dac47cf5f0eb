//! Candidate components for an organisation's own pages (a CRM, an ATS, an intranet): a
//! match badge (`data-greenhouse-match`: is this person in Greenhouse, and where) and an export
//! button (`data-greenhouse-export`: send this person to a Greenhouse job, then follow it).
//! Its own wasm bundle, loaded by `widget.js` only when such an element is on the page, so
//! visitors of a job board never download it. Talks to the worker's owner routes with the
//! owner token the host page provides (`data-owner-token`).

mod api;
mod export;
mod match_badge;
pub mod text;

use gh_owner_ui::option as get;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

const STYLE: &str = include_str!("style.css");

/// A fresh shadow root on `host` with the stylesheet, and the element to mount into.
fn shadow(host: &HtmlElement) -> Result<HtmlElement, JsValue> {
    gh_owner_ui::shadow_mount(host, STYLE, "gx")
}

fn api(options: &JsValue) -> api::Api {
    api::Api { base: get(options, "apiBase"), org: get(options, "org"), token: get(options, "ownerToken") }
}

/// Now, in milliseconds since the epoch.
pub(crate) fn now() -> f64 {
    js_sys::Date::now()
}

/// An ISO 8601 time in milliseconds, when the browser can read it.
pub(crate) fn parse_time(s: &str) -> Option<f64> {
    Some(js_sys::Date::parse(s)).filter(|ms| ms.is_finite())
}

/// Waits `ms` milliseconds (a `setTimeout` as a future).
pub(crate) async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Mounts a match badge into `host` (options: `apiBase`, `org`, `ownerToken`, `email`).
#[wasm_bindgen]
pub fn mount_match(host: HtmlElement, options: JsValue) -> Result<(), JsValue> {
    let root = shadow(&host)?;
    let (api, email) = (api(&options), get(&options, "email"));
    leptos::mount::mount_to(root, move || leptos::view! { <match_badge::MatchBadge api email/> }).forget();
    Ok(())
}

/// Mounts an export button into `host` (options: `apiBase`, `org`, `ownerToken`, and
/// `candidate`: the JSON of an export without its job or prospect part).
#[wasm_bindgen]
pub fn mount_export(host: HtmlElement, options: JsValue) -> Result<(), JsValue> {
    let root = shadow(&host)?;
    let (api, candidate) = (api(&options), get(&options, "candidate"));
    leptos::mount::mount_to(root, move || leptos::view! { <export::ExportButton api candidate host/> }).forget();
    Ok(())
}
