//! One job: its sanitised description (cleaned by the worker), where it is, how to apply.

use crate::api::{self, LoadError};
use crate::app::Source;
use crate::i18n::EN;
use crate::views::states::LoadingState;
use leptos::prelude::*;

#[component]
pub fn DetailView(id: u64, on_back: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let source = expect_context::<Source>();
    let detail = LocalResource::new(move || {
        let s = source.clone();
        async move { api::job(&s.api_base, &s.board, id).await }
    });
    view! {
        <article class="detail" part="detail">
            <button type="button" class="back" on:click=move |_| on_back()>"← "{EN.back}</button>
            <Transition fallback=|| view! { <LoadingState/> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => {
                            let apply = d.job.absolute_url.clone().unwrap_or_else(|| format!("{}/jobs/{}", d.board.hosted_url, d.job.id));
                            let teams = d.departments.iter().map(|x| x.name.clone()).collect::<Vec<_>>().join(" · ");
                            view! {
                                <h2 class="detail-title" part="title">{d.job.title.clone()}</h2>
                                <p class="meta">
                                    <span class="job-location">{d.job.location.clone()}</span>
                                    {(!teams.is_empty()).then(|| view! { <span class="teams">{teams}</span> })}
                                </p>
                                <div class="description" part="description" inner_html=d.content_html.clone()></div>
                                <p><a class="button apply" part="apply" href=apply target="_blank" rel="noopener">{EN.apply}</a></p>
                            }.into_any()
                        }
                        Err(LoadError::NotFound) => view! { <p class="state error" role="alert">{EN.job_not_found}</p> }.into_any(),
                        Err(LoadError::Unavailable(_)) => view! { <p class="state error" role="alert">{EN.unavailable}</p> }.into_any(),
                    }
                })}
            </Transition>
        </article>
    }
}
