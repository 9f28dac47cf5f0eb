//! The widget's views are plain DOM calls driven by Leptos's reactive graph (signals, memos,
//! effects): each element is one `createElement` and a few attribute calls, and what changes
//! is written by an effect. Everything a view registers (effects, listeners) belongs to the
//! reactive owner it was built under and goes when that owner is cleaned up.

use crate::i18n::Messages;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::{Element, EventTarget, HtmlElement};

/// `<tag class=… part=…>`; an empty class writes no attribute.
pub fn el(tag: &str, class: &str, part: Option<&str>) -> HtmlElement {
    let e: HtmlElement = document().create_element(tag).unwrap_throw().unchecked_into();
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

/// Sets attributes, in order.
pub fn attrs(e: &Element, pairs: &[(&str, &str)]) {
    for (k, v) in pairs {
        let _ = e.set_attribute(k, v);
    }
}

/// `<button type="button" class=… part=…>text</button>` calling `f` when clicked.
pub fn button(class: &str, part: Option<&str>, text: &str, f: impl FnMut(web_sys::Event) + 'static) -> HtmlElement {
    let b = texted("button", class, part, text);
    let _ = b.set_attribute("type", "button");
    listen(&b, "click", f);
    b
}

/// A listener that lives as long as the current reactive owner: when the owner is cleaned up
/// (the view is replaced, or the widget unmounted), it is removed and its closure freed.
pub fn listen(target: &EventTarget, event: &'static str, f: impl FnMut(web_sys::Event) + 'static) {
    struct Listener {
        target: EventTarget,
        event: &'static str,
        closure: Closure<dyn FnMut(web_sys::Event)>,
    }
    impl Drop for Listener {
        fn drop(&mut self) {
            let _ = self.target.remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
        }
    }
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    StoredValue::new_local(Listener { target: target.clone(), event, closure });
}

/// Puts `child` into `parent` before `next` (at the end without one) while `show` holds,
/// and takes it out when it does not: what a `{move || cond.then(|| view)}` did.
pub fn shown_while(parent: &Element, child: &Element, next: Option<&Element>, show: impl Fn() -> bool + 'static) {
    let (parent, child, next) = (parent.clone(), child.clone(), next.cloned());
    Effect::new(move |_| {
        if show() {
            if child.parent_node().is_none() {
                let _ = parent.insert_before(&child, next.as_ref().map(|n| n.unchecked_ref()));
            }
        } else {
            child.remove();
        }
    });
}

/// The loading skeleton.
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
