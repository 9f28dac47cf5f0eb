//! The widget's state: which board, the loaded listing, the search query, the open job.

use crate::api::{self, LoadError};
use crate::i18n::EN;
use crate::views::{board::BoardView, states::{ErrorState, LoadingState}};
use leptos::prelude::*;

/// Where the widget's data comes from; provided as context to every view.
#[derive(Clone)]
pub struct Source {
    pub board: String,
    pub api_base: String,
}

/// Greenhouse's deep-link convention: `?gh_jid=ID` on the host page opens that job.
pub fn job_from_location() -> Option<u64> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("gh_jid")?.trim().parse().ok()
}

#[component]
pub fn App(board: String, api_base: String, initial_job: Option<u64>) -> impl IntoView {
    let source = Source { board, api_base };
    provide_context(source.clone());
    let attempt = RwSignal::new(0u32);
    let listing = LocalResource::new(move || {
        attempt.track();
        let s = source.clone();
        async move { api::listing(&s.api_base, &s.board).await }
    });
    let retry = Callback::new(move |()| attempt.update(|n| *n += 1));
    view! {
        <Transition fallback=|| view! { <LoadingState/> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(l) => view! { <BoardView listing=l initial_job/> }.into_any(),
                    Err(LoadError::NotFound) => view! { <ErrorState message=EN.board_not_found retry=None/> }.into_any(),
                    Err(LoadError::Unavailable(_)) => view! { <ErrorState message=EN.unavailable retry=Some(retry)/> }.into_any(),
                }
            })}
        </Transition>
    }
}
