//! The list: filters, a live result count, jobs grouped under headings, "show more".

use crate::i18n::Messages;
use crate::views::detail::detail_view;
use crate::views::dom::{el, texted};
use crate::views::filters::filter_bar;
use leptos::html::Div;
use leptos::prelude::*;
use shared::api::{hosted_board_url, JobSummary};
use shared::board::BoardIndex;
use std::sync::Arc;
use wasm_bindgen::JsCast;

pub fn board_view(index: Arc<BoardIndex>, stale: bool) -> impl IntoView {
    let ctx = crate::app::ctx();
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
    // The groups are rebuilt with plain DOM calls whenever the matches or the page change:
    // rows are static, and a view tree per row cost more code than it saved work.
    let groups_ref = NodeRef::<Div>::new();
    {
        let index = index.clone();
        let group_by = opts.group_by;
        Effect::new(move |_| {
            let label = if group_by == shared::board::GroupBy::None { t.all_jobs_group } else { t.other_group };
            let mut budget = shown.get();
            let matches = matches.get();
            let Some(container) = groups_ref.get() else { return };
            container.set_text_content(None);
            for g in index.group(&matches, group_by, label) {
                if budget == 0 {
                    break;
                }
                let n = g.jobs.len().min(budget);
                budget -= n;
                let _ = container.append_with_node_1(&group_section(g.name, &g.jobs[..n], t));
            }
        });
    }
    // One listener for every job link (a click on a title opens it here).
    let open_job = move |ev: web_sys::MouseEvent| {
        let link = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("a.job-title").ok().flatten());
        let Some(id) = link.and_then(|a| a.get_attribute("data-job-id")).and_then(|id| id.parse::<u64>().ok()) else { return };
        ev.prevent_default();
        crate::url::push_job(Some(id));
        ctx.opened_here.set_value(true);
        ctx.selected.set(Some(id));
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
                <div class="groups" aria-label=t.job_list role="region" node_ref=groups_ref on:click=open_job></div>
                {move || (matches.with(Vec::len) > shown.get()).then(|| view! {
                    <button type="button" class="more" part="more" on:click=move |_| shown.update(|s| *s = s.saturating_add(page))>{t.show_more}</button>
                })}
            </section>
            {move || open.get().map(detail_view)}
        </div>
    }
}

fn group_section(name: &str, jobs: &[&JobSummary], t: &Messages) -> web_sys::HtmlElement {
    let section = el("section", "group", Some("group"));
    if !name.is_empty() {
        let _ = section.append_with_node_1(&texted("h3", "", None, name));
    }
    let ul = el("ul", "", None);
    let _ = ul.set_attribute("role", "list");
    for job in jobs {
        let li = el("li", "job", Some("job"));
        let a = texted("a", "job-title", None, &job.title);
        let id = job.id.to_string();
        let mut href = String::from("?gh_jid=");
        href.push_str(&id);
        let _ = a.set_attribute("href", &href);
        let _ = a.set_attribute("data-job-id", &id);
        let _ = li.append_with_node_1(&a);
        if job.featured {
            let _ = li.append_with_node_1(&texted("span", "badge featured", Some("featured"), t.featured));
        }
        if !job.tags.is_empty() {
            let tags = el("ul", "tags", Some("tags"));
            for tag in &job.tags {
                let _ = tags.append_with_node_1(&texted("li", "", None, tag));
            }
            let _ = li.append_with_node_1(&tags);
        }
        let _ = li.append_with_node_1(&texted("span", "job-location", None, &job.location));
        let _ = ul.append_with_node_1(&li);
    }
    let _ = section.append_with_node_1(&ul);
    section
}
