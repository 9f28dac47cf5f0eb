//! `greenhouse-jobs:open` for the host app (sent through `gh_host_events`, shared with the
//! application form), once per job opened.

use leptos::prelude::{LocalStorage, StoredValue};
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    /// Set while a widget is unmounted to be redrawn (an element whose attributes changed).
    pub static KEEPING: Cell<bool> = const { Cell::new(false) };
}

/// The host element's note of the job it last told the host app was open.
const OPEN_JOB: &str = "__ghwOpenJob";

/// `greenhouse-jobs:open` for a job's view, once per opening: the same job drawn again by a
/// redraw of the widget (its attributes changed) does not tell the host app again. The note
/// goes with the view, unless the view goes for such a redraw.
pub fn opened(article: &web_sys::Element, id: u64, title: &str) {
    let Some(host) = article.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok().map(|s| s.host()) else { return };
    let key = JsValue::from_str(OPEN_JOB);
    if js_sys::Reflect::get(&host, &key).ok().and_then(|v| v.as_f64()) != Some(id as f64) {
        gh_host_events::emit(article, "greenhouse-jobs:open", &[("jobId", JsValue::from_f64(id as f64)), ("title", JsValue::from_str(title))]);
        let _ = js_sys::Reflect::set(&host, &key, &JsValue::from_f64(id as f64));
    }
    struct Forget(web_sys::Element);
    impl Drop for Forget {
        fn drop(&mut self) {
            if !KEEPING.with(Cell::get) {
                let _ = js_sys::Reflect::delete_property(self.0.unchecked_ref::<js_sys::Object>(), &JsValue::from_str(OPEN_JOB));
            }
        }
    }
    StoredValue::<_, LocalStorage>::new_local(Forget(host));
}
