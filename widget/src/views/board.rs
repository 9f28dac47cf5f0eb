//! The list: a search box, a live result count, and jobs grouped by department.

use crate::i18n::{self, EN};
use crate::views::detail::DetailView;
use leptos::prelude::*;
use shared::api::{BoardListing, JobSummary};
use shared::board::{group_by_department, SearchIndex};
use std::sync::Arc;

#[derive(Clone, PartialEq)]
struct GroupRow {
    key: (Option<u64>, Vec<u64>),
    name: String,
    jobs: Vec<JobSummary>,
}

#[component]
pub fn BoardView(listing: BoardListing, initial_job: Option<u64>) -> impl IntoView {
    let listing = Arc::new(listing);
    let index = Arc::new(SearchIndex::new(&listing));
    let query = RwSignal::new(String::new());
    let selected = RwSignal::new(initial_job);
    let matches = Memo::new(move |_| index.search(&query.get()));
    let groups = {
        let listing = listing.clone();
        move || {
            group_by_department(&listing, &matches.get(), EN.other_group)
                .into_iter()
                .map(|g| GroupRow {
                    key: (g.department_id, g.jobs.iter().map(|j| j.id).collect()),
                    name: g.name.to_string(),
                    jobs: g.jobs.into_iter().cloned().collect(),
                })
                .collect::<Vec<_>>()
        }
    };
    let total = listing.jobs.len();
    let name = listing.board.name.clone();
    let hosted = listing.board.hosted_url.clone();
    view! {
        <section class="board" aria-label=name.clone() hidden=move || selected.get().is_some()>
            <h2 class="board-title" part="title">{name.clone()}</h2>
            {(total > 0).then(|| view! {
                <div class="search" role="search">
                    <label class="visually-hidden" for="ghw-search">{EN.search_label}</label>
                    <input id="ghw-search" type="search" part="search" autocomplete="off"
                        placeholder=EN.search_placeholder
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))/>
                </div>
            })}
            <p class="count" role="status" aria-live="polite">{move || i18n::count(matches.get().len())}</p>
            {move || (total == 0).then(|| view! {
                <p class="empty">{EN.no_jobs}" "<a href=hosted.clone() target="_blank" rel="noopener">{EN.see_hosted}</a></p>
            })}
            {move || (total > 0 && matches.get().is_empty()).then(|| view! { <p class="empty">{EN.no_matches}</p> })}
            <For each=groups key=|g| g.key.clone() let:group>
                <section class="group" part="group">
                    <h3>{group.name}</h3>
                    <ul role="list">
                        {group.jobs.into_iter().map(|job| view! { <JobRow job selected/> }).collect_view()}
                    </ul>
                </section>
            </For>
        </section>
        {move || selected.get().map(|id| view! { <DetailView id on_back=move || selected.set(None)/> })}
    }
}

#[component]
fn JobRow(job: JobSummary, selected: RwSignal<Option<u64>>) -> impl IntoView {
    let id = job.id;
    view! {
        <li class="job" part="job">
            <a class="job-title" href=format!("?gh_jid={id}")
                on:click=move |ev| { ev.prevent_default(); selected.set(Some(id)); }>
                {job.title}
            </a>
            <span class="job-location">{job.location}</span>
        </li>
    }
}
