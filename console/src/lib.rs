//! The owner console: its own wasm bundle, loaded by `widget.js` only for
//! `data-mode="connect"`, so visitors never download it. Talks to the worker's owner routes
//! with the owner token the host page provides (`data-owner-token`).

mod api;
mod app;
mod views;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

const STYLE: &str = include_str!("style.css");

fn get(obj: &JsValue, key: &str) -> String {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).ok().and_then(|v| v.as_string()).unwrap_or_default().trim().to_string()
}

/// Mounts the console into `host` (options: `apiBase`, `org`, `ownerToken`).
#[wasm_bindgen]
pub fn mount(host: HtmlElement, options: JsValue) -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    let shadow = match host.shadow_root() {
        Some(s) => {
            s.set_inner_html("");
            s
        }
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let style = document.create_element("style")?;
    style.set_text_content(Some(STYLE));
    shadow.append_child(&style)?;
    let root: HtmlElement = document.create_element("div")?.unchecked_into();
    root.set_class_name("gc");
    shadow.append_child(&root)?;
    let api = api::Api { base: get(&options, "apiBase"), org: get(&options, "org"), token: get(&options, "ownerToken") };
    leptos::mount::mount_to(root, move || leptos::view! { <app::Console api/> }).forget();
    Ok(())
}
