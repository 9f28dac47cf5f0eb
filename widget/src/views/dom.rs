//! A few plain DOM helpers for the parts of the widget that are static once built (the job
//! view): each element is one `createElement` and a few attribute calls, no view tree.

use crate::i18n::Messages;
use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::HtmlElement;

/// `<tag class=… part=…>`; an empty class writes no attribute.
pub fn el(tag: &str, class: &str, part: Option<&str>) -> HtmlElement {
    let e: HtmlElement = leptos::prelude::document().create_element(tag).unwrap_throw().unchecked_into();
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if let Some(part) = part {
        let _ = e.set_attribute("part", part);
    }
    e
}

/// [`el`] with text content.
pub fn texted(tag: &str, class: &str, part: Option<&str>, text: &str) -> HtmlElement {
    let e = el(tag, class, part);
    e.set_text_content(Some(text));
    e
}

/// The loading skeleton, as `states::loading_state` draws it.
pub fn loading(t: &Messages) -> HtmlElement {
    let state = el("div", "state loading", Some("loading"));
    let _ = state.set_attribute("role", "status");
    let _ = state.append_with_node_1(&texted("span", "visually-hidden", None, t.loading));
    for class in ["skeleton", "skeleton", "skeleton short"] {
        let s = el("div", class, None);
        let _ = s.set_attribute("aria-hidden", "true");
        let _ = state.append_with_node_1(&s);
    }
    state
}
