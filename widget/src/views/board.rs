//! The list: filters, a live result count, jobs grouped under headings, "show more".

use crate::i18n::Messages;
use crate::views::detail::detail_view;
use crate::views::dom::{attrs, button, el, listen, shown_while, texted};
use crate::views::filters::filter_bar;
use leptos::prelude::*;
use shared::api::{hosted_board_url, JobSummary};
use shared::board::BoardIndex;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

pub fn board_view(index: Arc<BoardIndex>, stale: bool) -> HtmlElement {
    let ctx = crate::app::ctx();
    let t = ctx.t;
    let opts = ctx.opts.clone();
    let (filters, selected) = (ctx.filters, ctx.selected);
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
    let total = index.scope_len();

    let root = el("div", if opts.compact { "compact" } else { "" }, None);
    if stale {
        let notice = texted("p", "notice", Some("notice"), t.stale);
        let _ = notice.set_attribute("role", "status");
        let _ = root.append_with_node_1(&notice);
    }
    let section = el("section", "board", None);
    let title_id = format!("{}title", opts.prefix);
    let _ = section.set_attribute("aria-labelledby", &title_id);
    let title = texted("h2", "board-title", Some("title"), &index.listing.board.name);
    title.set_id(&title_id);
    let _ = section.append_with_node_1(&title);
    if opts.filters && total > 0 {
        let _ = section.append_with_node_1(&filter_bar(index.clone()));
    }
    let count = el("p", "count", None);
    attrs(&count, &[("role", "status"), ("aria-live", "polite"), ("aria-atomic", "true")]);
    let _ = section.append_with_node_1(&count);
    {
        let count = count.clone();
        Effect::new(move |_| count.set_text_content(Some(&t.count(matches.with(Vec::len)))));
    }
    if total == 0 {
        let p = el("p", "empty", None);
        let a = texted("a", "", None, t.see_hosted);
        attrs(&a, &[("href", &hosted_board_url(&index.listing.board.token)), ("target", "_blank"), ("rel", "noopener")]);
        let mut text = String::from(t.no_jobs);
        text.push(' ');
        p.set_text_content(Some(&text));
        let _ = p.append_with_node_1(&a);
        let _ = section.append_with_node_1(&p);
    }
    // The groups are rebuilt with plain DOM calls whenever the matches or the page change.
    let groups = el("div", "groups", None);
    attrs(&groups, &[("aria-label", t.job_list), ("role", "region")]);
    let _ = section.append_with_node_1(&groups);
    let no_matches = texted("p", "empty", None, t.no_matches);
    shown_while(&section, &no_matches, Some(&groups), move || total > 0 && matches.with(Vec::is_empty));
    {
        let (index, groups, group_by) = (index.clone(), groups.clone(), opts.group_by);
        Effect::new(move |_| {
            let label = if group_by == shared::board::GroupBy::None { t.all_jobs_group } else { t.other_group };
            let mut budget = shown.get();
            let matches = matches.get();
            groups.set_text_content(None);
            for g in index.group(&matches, group_by, label) {
                if budget == 0 {
                    break;
                }
                let n = g.jobs.len().min(budget);
                budget -= n;
                let _ = groups.append_with_node_1(&group_section(g.name, &g.jobs[..n], t));
            }
        });
    }
    // One listener for every job link (a click on a title opens it here).
    listen(&groups, "click", move |ev| {
        let link = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("a.job-title").ok().flatten());
        let Some(id) = link.and_then(|a| a.get_attribute("data-job-id")).and_then(|id| id.parse::<u64>().ok()) else { return };
        ev.prevent_default();
        // "Back" is the browser's back only when this click made the history entry.
        let pushed = crate::url::push_job(Some(id));
        ctx.opened_here.set_value(pushed);
        ctx.selected.set(Some(id));
    });
    let more = button("more", Some("more"), t.show_more, move |_| shown.update(|s| *s = s.saturating_add(page)));
    shown_while(&section, &more, None, move || matches.with(Vec::len) > shown.get());
    let _ = root.append_with_node_1(&section);
    {
        let section = section.clone();
        Effect::new(move |_| section.set_hidden(open.get().is_some()));
    }
    // The open job's view, built under this effect's run: it goes when another job opens.
    {
        let root = root.clone();
        Effect::new(move |prev: Option<Option<HtmlElement>>| {
            if let Some(Some(old)) = prev {
                old.remove();
            }
            let view = open.get().map(detail_view);
            if view.is_none() {
                // The list: a job open before a redraw is not open any more.
                ctx.reopened.set_value(None);
            }
            if let Some(v) = &view {
                let _ = root.append_with_node_1(v);
            }
            view
        });
    }
    // Leaving a job returns focus to its link in the list.
    {
        let root = root.clone();
        Effect::new(move |prev: Option<Option<u64>>| {
            let now = open.get();
            if let (Some(Some(id)), None) = (prev, now) {
                let root = root.clone();
                request_animation_frame(move || {
                    if let Some(el) = root.query_selector(&format!("[data-job-id='{id}']")).ok().flatten() {
                        let _ = el.unchecked_into::<HtmlElement>().focus();
                    }
                });
            }
            now
        });
    }
    root
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
