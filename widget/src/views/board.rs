//! The list: filters, a live result count, jobs grouped under headings, "show more".

use crate::app::Ctx;
use crate::views::detail::detail_view;
use crate::views::filters::filter_bar;
use leptos::html::Div;
use leptos::prelude::*;
use shared::api::{hosted_board_url, JobSummary};
use shared::board::BoardIndex;
use std::sync::Arc;
use wasm_bindgen::JsCast;

struct GroupRow {
    name: String,
    jobs: Vec<JobSummary>,
}

pub fn board_view(index: Arc<BoardIndex>, stale: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.t;
    let opts = ctx.opts.clone();
    let (filters, selected) = (ctx.filters, ctx.selected);
    let root = NodeRef::<Div>::new();
    let page = opts.page_size;
    let shown = RwSignal::new(if page == 0 { usize::MAX } else { page });
    let matches = {
        let index = index.clone();
        Memo::new(move |_| filters.with(|f| index.select(f)))
    };
    // A new search starts again from the first page.
    Effect::new(move |prev: Option<()>| {
        matches.track();
        if prev.is_some() && page > 0 {
            shown.set(page);
        }
    });
    // Only jobs of this board open here (another widget on the page may own the gh_jid).
    let open = {
        let index = index.clone();
        Memo::new(move |_| selected.get().filter(|id| index.listing.jobs.iter().any(|j| j.id == *id)))
    };
    let groups = {
        let index = index.clone();
        let group_by = opts.group_by;
        move || {
            let label = if group_by == shared::board::GroupBy::None { t.all_jobs_group } else { t.other_group };
            let mut budget = shown.get();
            let mut rows = Vec::new();
            for g in index.group(&matches.get(), group_by, label) {
                if budget == 0 {
                    break;
                }
                let jobs: Vec<JobSummary> = g.jobs.into_iter().take(budget).cloned().collect();
                budget -= jobs.len();
                rows.push(GroupRow { name: g.name.to_string(), jobs });
            }
            rows
        }
    };
    let total = index.scope_len();
    let name = index.listing.board.name.clone();
    let hosted = hosted_board_url(&index.listing.board.token);
    let compact = opts.compact;
    let with_filters = opts.filters && total > 0;
    // Leaving a job returns focus to its link in the list.
    Effect::new(move |prev: Option<Option<u64>>| {
        let now = open.get();
        if let (Some(Some(id)), None) = (prev, now) {
            request_animation_frame(move || {
                if let Some(el) = root.get_untracked().and_then(|r| r.query_selector(&format!("[data-job-id='{id}']")).ok().flatten()) {
                    let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
                }
            });
        }
        now
    });
    view! {
        <div node_ref=root class:compact=compact>
            {stale.then(|| view! { <p class="notice" role="status" part="notice">{t.stale}</p> })}
            <section class="board" aria-labelledby=format!("{}title", opts.prefix) hidden=move || open.get().is_some()>
                <h2 class="board-title" id=format!("{}title", opts.prefix) part="title">{name}</h2>
                {with_filters.then(|| filter_bar(index.clone()))}
                <p class="count" role="status" aria-live="polite" aria-atomic="true">{move || t.count(matches.with(Vec::len))}</p>
                {(total == 0).then(|| view! {
                    <p class="empty">{t.no_jobs}" "<a href=hosted.clone() target="_blank" rel="noopener">{t.see_hosted}</a></p>
                })}
                {move || (total > 0 && matches.with(Vec::is_empty)).then(|| view! { <p class="empty">{t.no_matches}</p> })}
                <div class="groups" aria-label=t.job_list role="region">
                    {move || groups().into_iter().map(group_section).collect_view()}
                </div>
                {move || (matches.with(Vec::len) > shown.get()).then(|| view! {
                    <button type="button" class="more" part="more" on:click=move |_| shown.update(|s| *s = s.saturating_add(page))>{t.show_more}</button>
                })}
            </section>
            {move || open.get().map(detail_view)}
        </div>
    }
}

fn group_section(group: GroupRow) -> impl IntoView {
    view! {
        <section class="group" part="group">
            {(!group.name.is_empty()).then(|| view! { <h3>{group.name}</h3> })}
            <ul role="list">
                {group.jobs.into_iter().map(job_row).collect_view()}
            </ul>
        </section>
    }
}

fn job_row(job: JobSummary) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let id = job.id;
    view! {
        <li class="job" part="job">
            <a class="job-title" href=format!("?gh_jid={id}") data-job-id=id.to_string()
                on:click=move |ev| {
                    ev.prevent_default();
                    crate::url::push_job(Some(id));
                    ctx.opened_here.set_value(true);
                    ctx.selected.set(Some(id));
                }>
                {job.title}
            </a>
            {job.featured.then(|| view! { <span class="badge featured" part="featured">{ctx.t.featured}</span> })}
            {(!job.tags.is_empty()).then(|| view! {
                <ul class="tags" part="tags">{job.tags.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
            })}
            <span class="job-location">{job.location}</span>
        </li>
    }
}
