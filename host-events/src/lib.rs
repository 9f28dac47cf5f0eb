//! Events for the host app, shared by the visitor bundles: the widget sends
//! `greenhouse-jobs:open`, the application form `greenhouse-jobs:apply-start` and
//! `greenhouse-jobs:applied`. They bubble out of the shadow root to the widget's element and on
//! up the host page (`composed`), and carry the job and the outcome only, never personal data.
//! Their types for host apps are in `widget/greenhouse-jobs.d.ts`.

use wasm_bindgen::JsValue;

/// Dispatches `name` from `from` with `detail` as a plain object.
pub fn emit(from: &web_sys::Element, name: &str, detail: &[(&str, JsValue)]) {
    let d = js_sys::Object::new();
    for (k, v) in detail {
        let _ = js_sys::Reflect::set(&d, &JsValue::from_str(k), v);
    }
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&d);
    if let Ok(e) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = from.dispatch_event(&e);
    }
}
