//! Loading and failure states: always visible, never a blank box.

use crate::app::Source;
use crate::i18n::EN;
use leptos::prelude::*;
use shared::api::hosted_board_url;

#[component]
pub fn LoadingState() -> impl IntoView {
    view! {
        <div class="state loading" role="status" aria-live="polite" part="loading">
            <span class="visually-hidden">{EN.loading}</span>
            <div class="skeleton" aria-hidden="true"></div>
            <div class="skeleton" aria-hidden="true"></div>
            <div class="skeleton short" aria-hidden="true"></div>
        </div>
    }
}

#[component]
pub fn ErrorState(message: &'static str, retry: Option<Callback<()>>) -> impl IntoView {
    let source = expect_context::<Source>();
    view! {
        <div class="state error" role="alert" part="error">
            <p>{message}</p>
            {retry.map(|r| view! { <button type="button" class="button" on:click=move |_| r.run(())>{EN.retry}</button> })}
            <p><a href=hosted_board_url(&source.board) target="_blank" rel="noopener">{EN.see_hosted}</a></p>
        </div>
    }
}
