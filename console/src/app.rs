//! The console's shell: it owns the API handle and shows the views.

use crate::api::Api;
use crate::views::connection::ConnectionView;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn Console(api: Api) -> impl IntoView {
    let api = Arc::new(api);
    view! { <ConnectionView api/> }
}
