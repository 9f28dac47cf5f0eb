//! The widget's state: options, the loaded board, the filters and the open job, kept in
//! step with the host page's URL.

use crate::api;
use crate::i18n::Messages;
use crate::options::Options;
use crate::url;
use crate::views::board::BoardView;
use crate::views::states::{ErrorState, LoadingState};
use leptos::prelude::*;
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

    let attempt = RwSignal::new(0u32);
    let opts = ctx.opts.clone();
    let listing = LocalResource::new(move || {
        attempt.track();
        let o = opts.clone();
        async move { api::listing(&o.api_base, &o.board).await }
    });
    let retry = Callback::new(move |()| attempt.update(|n| *n += 1));
    let t = ctx.t;
    let opts = ctx.opts.clone();
    view! {
        <Transition fallback=|| view! { <LoadingState/> }>
            {move || {
                let opts = opts.clone();
                Suspend::new(async move {
                    match listing.await {
                        Ok(loaded) => {
                            let l = loaded.value;
                            let scope = Filters {
                                departments: resolve_scope(&opts.departments, l.departments.iter().map(|d| (d.id, d.name.as_str()))),
                                offices: resolve_scope(&opts.offices, l.offices.iter().map(|o| (o.id, o.name.as_str()))),
                                ..Default::default()
                            };
                            let index = Arc::new(BoardIndex::new(l, &scope));
                            view! { <BoardView index stale=loaded.stale/> }.into_any()
                        }
                        Err(api::LoadError::NotFound) => view! { <ErrorState message=t.board_not_found retry=None/> }.into_any(),
                        Err(api::LoadError::Unavailable) => view! { <ErrorState message=t.unavailable retry=Some(retry)/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
