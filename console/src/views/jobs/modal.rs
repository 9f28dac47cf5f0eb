//! A modal dialog: labelled by its heading, focus moved into it and kept there (Tab wraps),
//! Escape closes, and focus returns to whatever opened it (or to `fallback` when that is gone,
//! say a deleted job's row).

use leptos::html::{Div, H2};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

const FOCUSABLE: &str =
    "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// The focused element of the tree `el` is in (the console's shadow root, or the document).
fn active_in(el: &web_sys::Element) -> Option<web_sys::Element> {
    let root = el.get_root_node();
    match root.dyn_ref::<web_sys::ShadowRoot>() {
        Some(shadow) => shadow.active_element(),
        None => root.dyn_ref::<web_sys::Document>().and_then(|d| d.active_element()),
    }
}

#[component]
pub fn Modal(
    /// The id of the dialog's heading (`aria-labelledby`).
    title_id: &'static str,
    title: String,
    testid: &'static str,
    on_close: Callback<()>,
    fallback: NodeRef<H2>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<Div>::new();
    let opener = StoredValue::new_local(None::<HtmlElement>);
    Effect::new(move |_| {
        if let Some(el) = dialog.get() {
            opener.set_value(active_in(&el).and_then(|a| a.dyn_into::<HtmlElement>().ok()));
            let _ = el.focus();
        }
    });
    on_cleanup(move || {
        let back = opener.try_update_value(Option::take).flatten();
        // After this frame's DOM updates: the opener may be gone by then.
        request_animation_frame(move || match back.filter(|e| e.is_connected()) {
            Some(e) => {
                let _ = e.focus();
            }
            None => {
                if let Some(h) = fallback.get_untracked() {
                    let _ = h.focus();
                }
            }
        });
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            on_close.run(());
            return;
        }
        if key != "Tab" {
            return;
        }
        let Some(el) = dialog.get_untracked() else { return };
        let Ok(list) = el.query_selector_all(FOCUSABLE) else { return };
        let (Some(first), Some(last)) = (list.item(0), list.length().checked_sub(1).and_then(|i| list.item(i))) else { return };
        let active: Option<web_sys::Node> = active_in(&el).map(Into::into);
        let outside = active.as_ref().is_none_or(|a| !el.contains(Some(a)) || a == el.unchecked_ref::<web_sys::Node>());
        let target = if ev.shift_key() {
            (outside || active.as_ref() == Some(&first)).then_some(last)
        } else {
            (outside || active.as_ref() == Some(&last)).then_some(first)
        };
        if let Some(t) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            ev.prevent_default();
            let _ = t.focus();
        }
    };
    view! {
        <div class="backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby=title_id data-testid=testid tabindex="-1" node_ref=dialog on:keydown=on_key>
                <div class="dialog-head">
                    <h2 id=title_id>{title}</h2>
                    <button type="button" class="close" aria-label="Close" on:click=move |_| on_close.run(())>"×"</button>
                </div>
                {children()}
            </div>
        </div>
    }
}
