//! Loading and failure states: always visible, never a blank box.

use leptos::prelude::*;
use shared::api::hosted_board_url;

pub fn loading_state() -> impl IntoView {
    let t = crate::app::ctx().t;
    view! {
        <div class="state loading" role="status" part="loading">
            <span class="visually-hidden">{t.loading}</span>
            <div class="skeleton" aria-hidden="true"></div>
            <div class="skeleton" aria-hidden="true"></div>
            <div class="skeleton short" aria-hidden="true"></div>
        </div>
    }
}

pub fn error_state(message: &'static str, retry: Option<Callback<()>>) -> impl IntoView {
    let ctx = crate::app::ctx();
    let t = ctx.t;
    view! {
        <div class="state error" role="alert" part="error">
            <p>{message}</p>
            {retry.map(|r| view! { <button type="button" class="button" on:click=move |_| r.run(())>{t.retry}</button> })}
            <p><a href=hosted_board_url(&ctx.opts.board) target="_blank" rel="noopener">{t.see_hosted}</a></p>
        </div>
    }
}
