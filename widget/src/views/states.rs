//! Loading and failure states: always visible, never a blank box.

use crate::views::dom::{attrs, button, el, texted};
use shared::api::hosted_board_url;

pub use crate::views::dom::loading as loading_state;

/// Why nothing can be shown, a retry button when trying again may help, and the hosted board.
pub fn error_state(message: &'static str, retry: Option<impl Fn() + 'static>) -> web_sys::HtmlElement {
    let ctx = crate::app::ctx();
    let t = ctx.t;
    let state = el("div", "state error", Some("error"));
    let _ = state.set_attribute("role", "alert");
    let _ = state.append_with_node_1(&texted("p", "", None, message));
    if let Some(r) = retry {
        let _ = state.append_with_node_1(&button("button", None, t.retry, move |_| r()));
    }
    let p = el("p", "", None);
    let a = texted("a", "", None, t.see_hosted);
    attrs(&a, &[("href", &hosted_board_url(&ctx.opts.board)), ("target", "_blank"), ("rel", "noopener")]);
    let _ = p.append_with_node_1(&a);
    let _ = state.append_with_node_1(&p);
    state
}
