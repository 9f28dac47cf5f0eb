//! The visitor widget. `widget.js` (the loader the host page includes) imports this module
//! and calls [`mount`] once per widget on the page.
//!
//! Layout: `options` reads the embed's `data-*`; `api` fetches the worker's read API; `app`
//! holds state; `url` keeps it in the host page's URL; `views/` are small components;
//! `i18n` has every string; `seo` writes JSON-LD; `style.css` is scoped by a shadow root.

mod api;
mod app;
mod events;
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
        Some(existing) => existing,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    // The worker's first paint (see `widget.js`), if it is on screen: it stays, with its style
    // sheet (the same as ours), until this widget has drawn the board behind it.
    let fragment = shadow.query_selector("[data-fragment]").ok().flatten();
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    if fragment.is_none() {
        shadow.set_inner_html("");
        let style = document.create_element("style")?;
        style.set_text_content(Some(STYLE));
        shadow.append_child(&style)?;
    }
    let root: HtmlElement = document.create_element("div")?.unchecked_into();
    root.set_class_name("ghw");
    root.set_attribute("part", "root")?;
    root.set_attribute("lang", opts.lang.tag())?;
    if fragment.is_some() {
        root.style().set_property("display", "none")?;
    }
    shadow.append_child(&root)?;
    // Each widget is one reactive owner: unmounting cleans it up, and with it every effect
    // and listener its views registered, and the takeover (so a takeover scheduled before an
    // unmount does nothing after it).
    let _ = any_spawner::Executor::init_wasm_bindgen();
    // A redraw's job (see `unmount`), taken once.
    let reopened = js_sys::Reflect::get(&host, &JsValue::from_str(REOPENED)).ok().and_then(|v| v.as_f64()).map(|n| n as u64);
    let _ = js_sys::Reflect::delete_property(host.unchecked_ref::<js_sys::Object>(), &JsValue::from_str(REOPENED));
    let owner = leptos::prelude::Owner::new();
    owner.with(|| {
        let takeover = Takeover(leptos::prelude::StoredValue::new_local(fragment.map(|f| (f, root.clone()))));
        app::start(root, opts, Some(takeover), reopened)
    });
    MOUNTED.with(|m| m.borrow_mut().push((host, owner)));
    Ok(())
}

/// The host element's note, between an `unmount(keep)` and the next `mount`, of the job that
/// was open.
const REOPENED: &str = "__ghwReopened";

thread_local! {
    /// The widgets on this page, each with the reactive owner that holds it.
    static MOUNTED: std::cell::RefCell<Vec<(HtmlElement, leptos::prelude::Owner)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Takes the widget in `host` down: its effects, listeners and signals go. With `keep`, what it
/// drew stays on screen, inert, as the first paint the next [`mount`] takes over (an element
/// whose attributes changed); without, its shadow root is emptied. Nothing happens for a host
/// with no widget.
#[wasm_bindgen]
pub fn unmount(host: HtmlElement, keep: bool) {
    let owner = MOUNTED.with(|m| {
        let mut m = m.borrow_mut();
        let at = m.iter().position(|(h, _)| *h == host)?;
        Some(m.swap_remove(at).1)
    });
    let Some(owner) = owner else { return };
    // The job open now, read before its view goes: the next mount opens it without counting
    // or announcing it again.
    let open_job = js_sys::Reflect::get(&host, &JsValue::from_str(events::OPEN_JOB)).ok().and_then(|v| v.as_f64());
    owner.cleanup();
    if let (true, Some(id)) = (keep, open_job) {
        let _ = js_sys::Reflect::set(&host, &JsValue::from_str(REOPENED), &JsValue::from_f64(id));
    }
    let Some(shadow) = host.shadow_root() else { return };
    if !keep {
        shadow.set_inner_html("");
        return;
    }
    // The newest root is the one on screen; anything older (a first paint not yet taken over)
    // goes now.
    let roots = shadow.query_selector_all(".ghw").ok();
    let n = roots.as_ref().map_or(0, |r| r.length());
    for i in 0..n {
        let Some(el) = roots.as_ref().and_then(|r| r.item(i)).and_then(|e| e.dyn_into::<HtmlElement>().ok()) else { continue };
        if el.style().get_property_value("display").is_ok_and(|d| d == "none") {
            el.remove();
        } else if el.has_attribute("data-fragment") {
            continue;
        } else {
            let _ = el.set_attribute("data-fragment", "");
        }
    }
}

/// The first paint this widget replaces, and its own root, hidden until then.
#[derive(Clone, Copy)]
pub(crate) struct Takeover(leptos::prelude::StoredValue<Option<(web_sys::Element, HtmlElement)>, leptos::prelude::LocalStorage>);

impl Takeover {
    /// Swaps the first paint for the live board in one step (the same layout, so nothing moves).
    pub(crate) fn done(self) {
        use leptos::prelude::*;
        if let Some((fragment, root)) = self.0.try_update_value(Option::take).flatten() {
            // A job link focused in the first paint stays focused: the same job's link here.
            let shadow = root.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok();
            let focused = shadow.as_ref().and_then(|s| s.active_element()).filter(|e| fragment.contains(Some(e)));
            let job = focused.and_then(|e| e.get_attribute("data-job-id"));
            // The first paint's style sheet stays for the live board; one drawn by an older
            // deploy (a server include a static site built long ago) gets this widget's.
            if let Some(style) = shadow.as_ref().and_then(|s| s.query_selector("style").ok().flatten()) {
                if style.text_content().as_deref() != Some(STYLE) {
                    style.set_text_content(Some(STYLE));
                }
            }
            fragment.remove();
            let _ = root.style().remove_property("display");
            if let Some(link) = job.and_then(|id| root.query_selector(&format!("[data-job-id='{id}']")).ok().flatten()) {
                let _ = link.unchecked_into::<HtmlElement>().focus();
            }
        }
    }
}
