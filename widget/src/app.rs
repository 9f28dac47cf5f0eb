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
}

/// The widget's context. Not `expect_context`: its panic message formats the type name with
/// `Debug`, which links string escaping and Unicode tables into the bundle.
pub fn ctx() -> Ctx {
    use wasm_bindgen::UnwrapThrowExt;
    use_context::<Ctx>().expect_throw("greenhouse widget: no context")
}

#[component]
pub fn App(opts: Options) -> impl IntoView {
    let prefix = opts.prefix.clone();
    let ctx = Ctx {
        t: opts.lang.t(),
        opts: Arc::new(opts),
        tracking: Arc::new(url::tracking()),
        filters: RwSignal::new(url::read_filters(&prefix)),
        selected: RwSignal::new(url::read_job()),
        opened_here: StoredValue::new(false),
    };
    provide_context(ctx.clone());

    // Filters live in the URL so a filtered view can be shared and reloaded.
    let p = prefix.clone();
    Effect::new(move |_| ctx.filters.with(|f| url::write_filters(&p, f)));
    // Back and forward restore what the URL says.
    let handle = window_event_listener(leptos::ev::popstate, move |_| {
        ctx.filters.set(url::read_filters(&prefix));
        ctx.selected.set(url::read_job());
    });
    on_cleanup(move || handle.remove());

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
    if let Some(takeover) = use_context::<crate::Takeover>() {
        Effect::new(move |_| {
            if state.with(Option::is_some) {
                request_animation_frame(move || takeover.done());
            }
        });
    }
    let retry = Callback::new(move |()| load());
    let t = ctx.t;
    let opts = ctx.opts.clone();
    move || match state.get() {
        None => loading_state().into_any(),
        Some(Ok(loaded)) => {
            let l = loaded.value;
            let scope = Filters {
                departments: resolve_scope(&opts.departments, l.departments.iter().map(|d| (d.id, d.name.as_str()))),
                offices: resolve_scope(&opts.offices, l.offices.iter().map(|o| (o.id, o.name.as_str()))),
                ..Default::default()
            };
            let index = Arc::new(BoardIndex::new(l, &scope));
            board_view(index, loaded.stale).into_any()
        }
        Some(Err(api::LoadError::NotFound)) => error_state(t.board_not_found, None).into_any(),
        Some(Err(api::LoadError::Unavailable)) => error_state(t.unavailable, Some(retry)).into_any(),
    }
}
