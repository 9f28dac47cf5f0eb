//! "Import jobs": every Greenhouse job of the org, the import mode, and in picker mode which
//! jobs go live. Saving sends the mode and the whole selected set. Closing the dialog tells the
//! worker the owner has seen the list, so its change badges clear next time.

use super::logic::{change_badge, import_input, initial_selection, job_meta, mode_label, plural, select, selection_count, PickerIndex};
use super::modal::Modal;
use super::Ctx;
use leptos::prelude::*;
use shared::jobs::{GreenhouseJob, GreenhouseJobs, ImportMode};
use std::collections::BTreeMap;

#[component]
pub fn ImportDialog() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let seen = StoredValue::new(false);
    let api = ctx.api.clone();
    let loaded = LocalResource::new(move || {
        let api = api.clone();
        async move { api.greenhouse_jobs().await }
    });
    let close = {
        let ctx = ctx.clone();
        Callback::new(move |()| {
            if seen.get_value() {
                let api = ctx.api.clone();
                leptos::task::spawn_local(async move {
                    let _ = api.greenhouse_seen().await;
                });
            }
            ctx.dialog.set(None);
        })
    };
    let posts = ctx.posts;
    view! {
        <Modal title_id="gc-import-title" title="Import jobs".to_string() testid="import-dialog" on_close=close fallback=ctx.heading>
            <Transition fallback=|| view! { <p class="state" role="status">"Loading jobs from Greenhouse…"</p> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok(g) => {
                            seen.set_value(true);
                            posts.set_value(Some(g.clone()));
                            view! { <Picker g close/> }.into_any()
                        }
                        Err(p) => view! {
                            <p class="problem" role="alert" id="gc-import-problem">{p.message}</p>
                            <div class="actions"><button type="button" class="button secondary" on:click=move |_| close.run(())>"Close"</button></div>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
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
    let shown = Memo::new(move |_| query.with(|q| index.with_value(|i| i.filter(q))));
    let total = g.jobs.len();
    let count = {
        let jobs = g.jobs.clone();
        move || selected.with(|s| selection_count(s, &jobs))
    };
    let rows = StoredValue::new(g.jobs.into_iter().map(|j| (j.key.clone(), j)).collect::<BTreeMap<_, _>>());
    let automatic = move || mode.get() == ImportMode::Automatic;
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
                on:click=move |_| shown.with_untracked(|s| selected.update(|sel| select(sel, s, true)))>"Select all"</button>
            <button type="button" class="button secondary" id="gc-pick-none" disabled=automatic
                on:click=move |_| shown.with_untracked(|s| selected.update(|sel| select(sel, s, false)))>"Select none"</button>
        </div>
        <p class="count" id="gc-pick-count" role="status">{count}</p>
        {(total == 0).then(|| view! { <p class="empty">"Greenhouse has no jobs for this organisation yet."</p> })}
        <p class="empty" hidden=move || total == 0 || shown.with(|s| !s.is_empty())>"No jobs match your search."</p>
        <ul class="picker" role="list" aria-label="Greenhouse jobs">
            <For each=move || shown.get() key=|k| k.clone() let:key>
                {rows.with_value(|r| r.get(&key).cloned()).map(|job| view! { <PickRow job selected automatic=Signal::derive(automatic)/> })}
            </For>
        </ul>
        <p class="problem live" role="alert">{move || error.get()}</p>
        <div class="actions">
            <button type="button" class="button" id="gc-import-save" disabled=move || saving.get() on:click=save>
                {move || if saving.get() { "Saving…" } else { "Save" }}
            </button>
            <button type="button" class="button secondary" on:click=move |_| close.run(())>"Cancel"</button>
        </div>
    }
}

#[component]
fn PickRow(job: GreenhouseJob, selected: RwSignal<std::collections::BTreeSet<String>>, automatic: Signal<bool>) -> impl IntoView {
    let id = format!("gc-pick-{}", job.key);
    let meta_id = format!("{id}-meta");
    let badge = job.change.map(change_badge);
    let described = if badge.is_some() { format!("{id}-change {meta_id}") } else { meta_id.clone() };
    let key = job.key.clone();
    let k = key.clone();
    let meta = job_meta(&job);
    view! {
        <li class="pick">
            <input type="checkbox" id=id.clone() data-key=key aria-describedby=described
                prop:checked=move || selected.with(|s| s.contains(&k)) disabled=move || automatic.get()
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
