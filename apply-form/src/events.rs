//! `greenhouse-jobs:apply-start` and `greenhouse-jobs:applied` for the host app, like the
//! widget's `greenhouse-jobs:open`: they bubble out of the shadow root to the widget's element
//! and on up the host page, and carry the job and the outcome only, no personal data.

use wasm_bindgen::JsValue;

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
