//! "Import jobs": every Greenhouse job of the org, the import mode, and in picker mode which
//! jobs go live. Saving sends the mode and the whole selected set. Closing the dialog tells the
//! worker the owner has seen the list, so its change badges clear next time.

use super::logic::{change_badge, import_input, initial_selection, job_meta, mode_label, plural, select, selection_count, PickerIndex};
use super::modal::Modal;
use super::{load, loading, Ctx, Loaded};
use leptos::prelude::*;
use shared::jobs::{GreenhouseJob, GreenhouseJobs, ImportMode};
use std::collections::BTreeSet;

#[component]
pub fn ImportDialog() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let loaded: Loaded<GreenhouseJobs> = RwSignal::new(None);
    let (api, posts) = (ctx.api.clone(), ctx.posts);
    load(loaded, async move {
        let g = api.greenhouse_jobs().await?;
        posts.set_value(Some(g.clone()));
        Ok(g)
    });
    let close = {
        let ctx = ctx.clone();
        Callback::new(move |()| {
            // Only a list the owner has seen clears its badges.
            if loaded.with_untracked(|l| matches!(l, Some(Ok(_)))) {
                let api = ctx.api.clone();
                leptos::task::spawn_local(async move {
                    let _ = api.greenhouse_seen().await;
                });
            }
            ctx.dialog.set(None);
        })
    };
    view! {
        <Modal title_id="gc-import-title" title="Import jobs".to_string() testid="import-dialog" on_close=close fallback=ctx.heading>
            {move || match loaded.get() {
                None => loading("Loading jobs from Greenhouse…").into_any(),
                Some(Ok(g)) => view! { <Picker g close/> }.into_any(),
                Some(Err(message)) => view! {
                    <p class="problem" role="alert" id="gc-import-problem">{message}</p>
                    <div class="actions"><button type="button" class="button secondary" on:click=move |_| close.run(())>"Close"</button></div>
                }
                .into_any(),
            }}
        </Modal>
    }
}

#[component]
fn Picker(g: GreenhouseJobs, close: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let mode = RwSignal::new(g.mode);
    let query = RwSignal::new(String::new());
    let selected = RwSignal::new(initial_selection(&g.jobs));
    let index = StoredValue::new(PickerIndex::new(&g.jobs));
    // Which rows the search shows, in list order: rows are hidden, not removed, so a checkbox
    // keeps its place and focus while the owner types.
    let shown = Memo::new(move |_| query.with(|q| index.with_value(|i| i.matches(q))));
    let shown_keys = move || shown.with_untracked(|m| index.with_value(|i| i.keys(m)));
    let total = g.jobs.len();
    let count = {
        let jobs = g.jobs.clone();
        move || selected.with(|s| selection_count(s, &jobs))
    };
    let automatic = move || mode.get() == ImportMode::Automatic;
    let rows = g.jobs.into_iter().enumerate().map(|(i, job)| pick_row(job, i, selected, mode, shown)).collect_view();
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let save = move |_| {
        let input = import_input(mode.get_untracked(), &selected.get_untracked());
        let ctx = ctx.clone();
        saving.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = ctx.api.import(&input).await;
            // The owner may have closed the dialog meanwhile: its signals are gone then.
            let open = saving.try_set(false).is_none();
            match result {
                Ok(j) => {
                    let live = j.jobs.iter().filter(|x| x.visibility == shared::jobs::Visibility::Live).count();
                    ctx.jobs.set(j);
                    ctx.notice.set(Some(format!("Import saved: {} live.", plural(live, "job", "jobs"))));
                    if open {
                        close.run(());
                    }
                }
                Err(p) => {
                    error.try_set(Some(p.message));
                }
            }
        });
    };
    let radio = move |m: ImportMode, value: &'static str| {
        view! {
            <label class="choice">
                <input type="radio" name="mode" value=value prop:checked=move || mode.get() == m on:change=move |_| mode.set(m)/>
                " "{mode_label(m)}
            </label>
        }
    };
    view! {
        <fieldset class="modes">
            <legend>"Import mode"</legend>
            {radio(ImportMode::Automatic, "automatic")}
            {radio(ImportMode::Picker, "picker")}
        </fieldset>
        <p class="hint" hidden=move || !automatic()>"Every published job is live. Your picks below are kept for when you choose Picker."</p>
        <div class="field">
            <label for="gc-pick-search">"Search jobs"</label>
            <input id="gc-pick-search" type="search" name="search" autocomplete="off" aria-describedby="gc-pick-search-hint"
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
            <p class="hint" id="gc-pick-search-hint">"By title, department or office."</p>
        </div>
        <div class="actions">
            <button type="button" class="button secondary" id="gc-pick-all" disabled=automatic
                on:click=move |_| selected.update(|sel| select(sel, &shown_keys(), true))>"Select all"</button>
            <button type="button" class="button secondary" id="gc-pick-none" disabled=automatic
                on:click=move |_| selected.update(|sel| select(sel, &shown_keys(), false))>"Select none"</button>
        </div>
        <p class="count" id="gc-pick-count" role="status">{count}</p>
        {(total == 0).then(|| view! { <p class="empty">"Greenhouse has no jobs for this organisation yet."</p> })}
        <p class="empty" hidden=move || total == 0 || shown.with(|m| m.contains(&true))>"No jobs match your search."</p>
        <ul class="picker" role="list" aria-label="Greenhouse jobs">{rows}</ul>
        <p class="problem live" role="alert">{move || error.get()}</p>
        <div class="actions">
            <button type="button" class="button" id="gc-import-save" disabled=move || saving.get() on:click=save>
                {move || if saving.get() { "Saving…" } else { "Save" }}
            </button>
            <button type="button" class="button secondary" on:click=move |_| close.run(())>"Cancel"</button>
        </div>
    }
}

fn pick_row(job: GreenhouseJob, i: usize, selected: RwSignal<BTreeSet<String>>, mode: RwSignal<ImportMode>, shown: Memo<Vec<bool>>) -> impl IntoView {
    let id = format!("gc-pick-{}", job.key);
    let meta_id = format!("{id}-meta");
    let badge = job.change.map(change_badge);
    let described = if badge.is_some() { format!("{id}-change {meta_id}") } else { meta_id.clone() };
    let key = job.key.clone();
    let k = key.clone();
    let meta = job_meta(&job);
    view! {
        <li class="pick" hidden=move || shown.with(|m| m.get(i) != Some(&true))>
            <input type="checkbox" id=id.clone() data-key=key aria-describedby=described
                prop:checked=move || selected.with(|s| s.contains(&k)) disabled=move || mode.get() == ImportMode::Automatic
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    selected.update(|s| {
                        if on {
                            s.insert(job.key.clone());
                        } else {
                            s.remove(&job.key);
                        }
                    })
                }/>
            <label for=id.clone()>{job.title.clone()}</label>
            {badge.map(|(text, class)| view! { " "<span class=class id=format!("{id}-change")>{text}</span> })}
            <p class="pick-meta" id=meta_id>{meta}</p>
        </li>
    }
}
