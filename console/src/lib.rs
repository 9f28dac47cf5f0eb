//! The owner console: its own wasm bundle, loaded by `widget.js` only for
//! `data-mode="connect"`, so visitors never download it. Talks to the worker's owner routes
//! with the owner token the host page provides (`data-owner-token`).

mod api;
mod app;
mod views;

use gh_owner_ui::option as get;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

const STYLE: &str = include_str!("style.css");

/// Mounts the console into `host` (options: `apiBase`, `org`, `ownerToken`).
#[wasm_bindgen]
pub fn mount(host: HtmlElement, options: JsValue) -> Result<(), JsValue> {
    let root = gh_owner_ui::shadow_mount(&host, STYLE, "gc")?;
    let api = api::Api { base: get(&options, "apiBase"), org: get(&options, "org"), token: get(&options, "ownerToken") };
    leptos::mount::mount_to(root, move || leptos::view! { <app::Console api/> }).forget();
    Ok(())
}
