//! The visitor widget. `widget.js` (the loader the host page includes) imports this module
//! and calls [`mount`] once per widget on the page.
//!
//! Layout: `api` fetches our worker's read API; `app` holds state; `views/` are small
//! components; `style.css` is the widget's own CSS, scoped by a shadow root.

mod api;
mod app;
mod i18n;
mod views;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

const STYLE: &str = include_str!("style.css");

/// Mounts a job board widget into `host`, inside an open shadow root so the host page's CSS
/// cannot break it and ours cannot leak. `api_base` is the worker's `/api/v1` URL.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, board: String, api_base: String) -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    let shadow = match host.shadow_root() {
        Some(existing) => {
            existing.set_inner_html("");
            existing
        }
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let style = document.create_element("style")?;
    style.set_text_content(Some(STYLE));
    shadow.append_child(&style)?;
    let root: HtmlElement = document.create_element("div")?.unchecked_into();
    root.set_class_name("ghw");
    root.set_attribute("part", "root")?;
    shadow.append_child(&root)?;
    let initial_job = app::job_from_location();
    let handle = leptos::mount::mount_to(root, move || app::App(app::AppProps { board, api_base, initial_job }));
    handle.forget();
    Ok(())
}
