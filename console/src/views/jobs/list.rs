//! The org's jobs in a table: one keyed row per job. A row reads its job through a memo, so a
//! saved edit re-renders only that row's cells and its "Edit" button keeps focus.

use super::logic::{source_label, visibility_badge};
use super::Ctx;
use leptos::prelude::*;
use shared::jobs::ManagedJob;

pub fn job_table() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let jobs = ctx.jobs;
    let keys = move || jobs.with(|j| j.jobs.iter().map(|x| x.key.clone()).collect::<Vec<_>>());
    view! {
        <p class="empty" hidden=move || jobs.with(|j| !j.jobs.is_empty())>"No jobs yet: connect a job board or add a local job"</p>
        <div class="table-wrap" hidden=move || jobs.with(|j| j.jobs.is_empty())>
            <table class="jobs">
                <caption class="visually-hidden">"Your jobs"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Job"</th>
                        <th scope="col">"Location"</th>
                        <th scope="col">"Source"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Tags"</th>
                        <th scope="col">"Applications"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=keys key=|k| k.clone() children=job_row/>
                </tbody>
            </table>
        </div>
    }
}

fn job_row(key: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let jobs = ctx.jobs;
    let k = key.clone();
    let job = Memo::new(move |_| jobs.with(|j| j.jobs.iter().find(|x| x.key == k).cloned()));
    let title = move || job.with(|j| j.as_ref().map(|j| j.title.clone()).unwrap_or_default());
    let open = {
        let key = key.clone();
        move |_| ctx.open(super::Dialog::Edit(key.clone()))
    };
    view! {
        <tr class="job-row" data-key=key.clone()>
            {move || job.get().map(cells)}
            <td class="row-actions">
                <button type="button" class="button secondary edit" data-key=key.clone() on:click=open>
                    "Edit"<span class="visually-hidden">" "{title}</span>
                </button>
            </td>
        </tr>
    }
}

fn cells(j: ManagedJob) -> impl IntoView {
    let (vis, vis_class) = visibility_badge(j.visibility);
    let tags = (!j.fields.tags.is_empty()).then(|| {
        let items = j.fields.tags.iter().map(|t| view! { <li class="tag">{t.clone()}</li> }).collect_view();
        view! { <ul class="tags">{items}</ul> }
    });
    let (conn, conn_class, mark) = if j.connected { ("Connected", "conn yes", "✓ ") } else { ("Not connected", "conn no", "✗ ") };
    view! {
        <th scope="row" class="job-title">{j.title}</th>
        <td class="job-location">{j.location}</td>
        <td class="job-source">{source_label(j.source)}</td>
        <td class="job-status">
            <span class=vis_class>{vis}</span>
            {j.fields.featured.then(|| view! { " "<span class="badge featured"><span aria-hidden="true">"★ "</span>"Featured"</span> })}
        </td>
        <td class="job-tags">{tags}</td>
        <td class=conn_class><span aria-hidden="true">{mark}</span>{conn}</td>
    }
}
