//! The application form as its own bundle. The widget fetches it (through `widget.js`)
//! only when a visitor opens a job that has a form, so browsing costs none of its bytes.
//! It mounts into a slot inside the widget's shadow root, where the widget's styles apply.

mod form;
mod i18n;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

/// What the form needs from the widget.
#[derive(Clone)]
pub struct Ctx {
    pub t: &'static i18n::Messages,
    /// The widget's URL/id prefix (`ghw_`), so element ids stay unique per widget.
    pub prefix: String,
    pub api_base: String,
    pub board: String,
    /// `gh_src` from the host page, sent as the application's source.
    pub gh_src: Option<String>,
    /// Owner analytics: the host page's `gh_src` / `utm_source` as a query (`?gh_src=…`), put
    /// on the form's start signal and its submission; empty without either.
    pub track: String,
}

/// `?gh_src=…&utm_source=…` from the host page's URL, or nothing.
fn track() -> String {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else { return String::new() };
    let (Ok(here), Ok(out)) = (web_sys::UrlSearchParams::new_with_str(&search), web_sys::UrlSearchParams::new()) else { return String::new() };
    for k in ["gh_src", "utm_source"] {
        if let Some(v) = here.get(k).filter(|v| !v.is_empty()) {
            out.set(k, &v);
        }
    }
    let q = String::from(out.to_string());
    if q.is_empty() {
        q
    } else {
        format!("?{q}")
    }
}

fn get(obj: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).ok()?.as_string()
}

/// Mounts the form for `options.form` (our `ApplyForm`) and job `options.jobId` into `slot`.
/// Returns a function that takes it down again (its reactive owner, listeners and DOM): the
/// widget calls it when the job's view goes.
#[wasm_bindgen]
pub fn mount(slot: HtmlElement, options: JsValue) -> Result<JsValue, JsValue> {
    console_error_panic_hook::set_once();
    let form: shared::apply::ApplyForm = js_sys::Reflect::get(&options, &JsValue::from_str("form"))
        .ok()
        .and_then(|f| serde_wasm_bindgen::from_value(f).ok())
        .ok_or("the form is missing or malformed")?;
    let job_id: u64 = get(&options, "jobId").and_then(|j| j.parse().ok()).ok_or("jobId is missing")?;
    let ctx = Ctx {
        t: i18n::Messages::pick(&get(&options, "lang").unwrap_or_default()),
        prefix: get(&options, "prefix").unwrap_or_else(|| "ghw_".into()),
        api_base: get(&options, "apiBase").unwrap_or_default(),
        board: get(&options, "board").unwrap_or_default(),
        gh_src: get(&options, "ghSrc").filter(|s| !s.is_empty()),
        track: track(),
    };
    slot.set_inner_html("");
    let handle = leptos::mount::mount_to(slot, move || {
        leptos::context::provide_context(ctx);
        leptos::view! { <form::ApplyView form job_id/> }
    });
    Ok(Closure::once_into_js(move || drop(handle)))
}
