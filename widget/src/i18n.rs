//! The widget's strings (the catalogue is shared with the worker's first-paint fragment), and
//! dates and money formatted per locale by the browser's `Intl`.

pub use shared::i18n::{Lang, Messages};
use wasm_bindgen::JsValue;

fn options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

/// A Greenhouse timestamp as a local date ("23 Nov 2026", "23.11.2026").
pub fn date(lang: Lang, iso: &str) -> Option<String> {
    let ms = js_sys::Date::parse(iso);
    if ms.is_nan() {
        return None;
    }
    let locales = js_sys::Array::of1(&JsValue::from_str(lang.tag()));
    let fmt = js_sys::Intl::DateTimeFormat::new(&locales, &options(&[("dateStyle", "medium")]));
    fmt.format().call1(&fmt, &js_sys::Date::new(&JsValue::from_f64(ms))).ok()?.as_string()
}

/// Money in cents as a local currency string ("$120,000", "120.000 $").
pub fn money(lang: Lang, cents: u64, currency: &str) -> String {
    let locales = js_sys::Array::of1(&JsValue::from_str(lang.tag()));
    let opts = options(&[("style", "currency"), ("currency", currency), ("maximumFractionDigits", "0")]);
    let fmt = js_sys::Intl::NumberFormat::new(&locales, &opts);
    fmt.format()
        .call1(&fmt, &JsValue::from_f64(cents as f64 / 100.0))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| format!("{} {currency}", cents / 100))
}
