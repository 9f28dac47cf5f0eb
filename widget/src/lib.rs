//! The visitor widget. `widget.js` (the loader the host page includes) imports this module
//! and calls [`mount`] once per widget on the page.
//!
//! Layout: `options` reads the embed's `data-*`; `api` fetches the worker's read API; `app`
//! holds state; `url` keeps it in the host page's URL; `views/` are small components;
//! `i18n` has every string; `seo` writes JSON-LD; `style.css` is scoped by a shadow root.

mod api;
mod app;
mod i18n;
mod options;
mod seo;
mod url;
mod views;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

const STYLE: &str = include_str!("style.css");

/// Mounts a job board widget into `host`, inside an open shadow root so the host page's CSS
/// cannot break it and ours cannot leak. `options` holds the embed's settings (`board`,
/// `apiBase`, `groupBy`, `departments`, `offices`, `lang`, `pageSize`, `layout`, `filters`,
/// `index`).
#[wasm_bindgen]
pub fn mount(host: HtmlElement, options: JsValue) -> Result<(), JsValue> {
    // Panic messages in the console for debug builds only: the hook pulls in formatting.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let opts = options::Options::from_js(&options);
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
    root.set_attribute("lang", opts.lang.tag())?;
    shadow.append_child(&root)?;
    leptos::mount::mount_to(root, move || leptos::view! { <app::App opts/> }).forget();
    Ok(())
}
