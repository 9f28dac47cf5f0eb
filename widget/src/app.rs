//! The widget's state: options, the loaded board, the filters and the open job, kept in
//! step with the host page's URL.

use crate::api;
use crate::i18n::Messages;
use crate::options::Options;
use crate::url;
use crate::views::board::board_view;
use crate::views::states::{error_state, loading_state};
use leptos::prelude::*;
use shared::api::BoardListing;
use shared::board::{resolve_scope, BoardIndex, Filters};
use std::sync::Arc;

/// What every view may read.
#[derive(Clone)]
pub struct Ctx {
    pub opts: Arc<Options>,
    pub t: &'static Messages,
    /// `gh_src` and `utm_*` from the host page.
    pub tracking: Arc<Vec<(String, String)>>,
    pub filters: RwSignal<Filters>,
    pub selected: RwSignal<Option<u64>>,
    /// Whether the open job was opened by a click here (so "back" can be the browser's back).
    pub opened_here: StoredValue<bool>,
    /// The job that was open when this widget was redrawn, until its view opens again (or the
    /// list shows): it is not counted or announced twice.
    pub reopened: StoredValue<Option<u64>>,
}

/// The widget's context. Not `expect_context`: its panic message formats the type name with
/// `Debug`, which links string escaping and Unicode tables into the bundle.
pub fn ctx() -> Ctx {
    use wasm_bindgen::UnwrapThrowExt;
    use_context::<Ctx>().expect_throw("greenhouse widget: no context")
}

/// Starts the widget in `root` under the current reactive owner: everything it registers goes
/// when that owner is cleaned up.
pub fn start(root: web_sys::HtmlElement, opts: Options, takeover: Option<crate::Takeover>, reopened: Option<u64>) {
    let prefix = opts.prefix.clone();
    let ctx = Ctx {
        t: opts.lang.t(),
        opts: Arc::new(opts),
        tracking: Arc::new(url::tracking()),
        filters: RwSignal::new(url::read_filters(&prefix)),
        selected: RwSignal::new(url::read_job()),
        opened_here: StoredValue::new(false),
        reopened: StoredValue::new(reopened),
    };
    provide_context(ctx.clone());

    // Filters live in the URL so a filtered view can be shared and reloaded.
    let p = prefix.clone();
    Effect::new(move |_| ctx.filters.with(|f| url::write_filters(&p, f)));
    // Back and forward restore what the URL says.
    crate::views::dom::listen(&window(), "popstate", move |_| {
        ctx.filters.set(url::read_filters(&prefix));
        ctx.selected.set(url::read_job());
    });

    // The board loads once (again on "Try again"); until the first answer the skeleton shows,
    // and a retry keeps what is on screen until its answer arrives (as a transition would).
    let state = RwSignal::new(None::<Result<api::Loaded<BoardListing>, api::LoadError>>);
    let opts = ctx.opts.clone();
    // The first load stands for the page's list view unless the loader's first paint did.
    let first = StoredValue::new(opts.count_list);
    let load = move || {
        let o = opts.clone();
        let query = api::counted(first.get_value(), &o.track);
        first.set_value(false);
        wasm_bindgen_futures::spawn_local(async move {
            let result = api::listing(&o.api_base, &o.board, &query).await;
            let _ = state.try_set(Some(result));
        })
    };
    load();
    // Whatever the answer (the board, or why there is none), it replaces the worker's first
    // paint if that is on screen: in the frame after this tick's effects have written the rows.
    if let Some(takeover) = takeover {
        Effect::new(move |_| {
            if state.with(Option::is_some) {
                request_animation_frame(move || takeover.done());
            }
        });
    }
    let t = ctx.t;
    let opts = ctx.opts.clone();
    // What is drawn follows the answer; the views of the last one go with this effect's run.
    Effect::new(move |_| {
        let view = match state.get() {
            None => loading_state(t),
            Some(Ok(loaded)) => {
                let l = loaded.value;
                let scope = Filters {
                    departments: resolve_scope(&opts.departments, l.departments.iter().map(|d| (d.id, d.name.as_str()))),
                    offices: resolve_scope(&opts.offices, l.offices.iter().map(|o| (o.id, o.name.as_str()))),
                    ..Default::default()
                };
                board_view(Arc::new(BoardIndex::new(l, &scope)), loaded.stale)
            }
            Some(Err(api::LoadError::NotFound)) => error_state(t.board_not_found, None::<fn()>),
            Some(Err(api::LoadError::Unavailable)) => error_state(t.unavailable, Some(load.clone())),
        };
        root.set_text_content(None);
        let _ = root.append_with_node_1(&view);
    });
}
