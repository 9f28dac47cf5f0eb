//! `greenhouse-jobs:open` for the host app (sent through `gh_host_events`, shared with the
//! application form), once per job opened.

use leptos::prelude::{LocalStorage, StoredValue};
use wasm_bindgen::{JsCast, JsValue};

/// The host element's note of the job open in it, while its view is open: read when the
/// widget is redrawn (see `unmount`).
pub const OPEN_JOB: &str = "__ghwOpenJob";

/// `greenhouse-jobs:open` for a job's view, unless it is the job a redraw of the widget (its
/// element's attributes changed) opens `again`. The host's note of the open job goes with the
/// view.
pub fn opened(article: &web_sys::Element, id: u64, title: &str, again: bool) {
    if !again {
        gh_host_events::emit(article, "greenhouse-jobs:open", &[("jobId", JsValue::from_f64(id as f64)), ("title", JsValue::from_str(title))]);
    }
    let Some(host) = article.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok().map(|s| s.host()) else { return };
    let _ = js_sys::Reflect::set(&host, &JsValue::from_str(OPEN_JOB), &JsValue::from_f64(id as f64));
    struct Forget(web_sys::Element);
    impl Drop for Forget {
        fn drop(&mut self) {
            let _ = js_sys::Reflect::delete_property(self.0.unchecked_ref::<js_sys::Object>(), &JsValue::from_str(OPEN_JOB));
        }
    }
    StoredValue::<_, LocalStorage>::new_local(Forget(host));
}
