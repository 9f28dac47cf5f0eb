//! The export button: "Export to Greenhouse" opens a small form (a job from the org's open
//! Greenhouse jobs, or "as a prospect"; a job ID field when the job list is not available),
//! sends the export, then shows where it is and polls it until Greenhouse has it (or refused
//! it), stopping when the element leaves the page.

use crate::api::{problem, Api, Problem};
use crate::text::{settled, state_label, state_slug, web_link};
use leptos::html::{Button, Form};
use leptos::prelude::*;
use shared::candidates::{Export, ExportInput, Prospect};
use shared::jobs::GreenhouseStatus;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// How often a pending export is read again.
const POLL_MS: i32 = 3_000;
/// Failed reads in a row before polling gives up and says why.
const MAX_FAILURES: u32 = 5;
const PROSPECT: &str = "prospect";

type Jobs = Option<Result<Vec<(u64, String)>, String>>;

/// The host page's candidate (`data-candidate`), without any job or prospect part.
fn parse_candidate(json: &str) -> Result<ExportInput, String> {
    let bad = |_| "This export button has no valid candidate (data-candidate must be the candidate's JSON).".to_string();
    let value = js_sys::JSON::parse(json).map_err(|_| bad(()))?;
    let mut input: ExportInput = serde_wasm_bindgen::from_value(value).map_err(|_| bad(()))?;
    input.job_id = None;
    input.prospect = None;
    Ok(input)
}

/// Which job the form chose: `Ok(None)` a prospect; an error names what is missing.
fn chosen(list_mode: bool, choice: &str, manual: &str) -> Result<Option<u64>, String> {
    let v = if list_mode { choice } else { manual.trim() };
    match v {
        "" if list_mode => Err("Choose a job, or export as a prospect.".into()),
        "" | PROSPECT => Ok(None),
        n => n.parse::<u64>().map(Some).map_err(|_| "A Greenhouse job ID is a number.".into()),
    }
}

#[derive(Clone, Copy)]
struct Poll {
    export: RwSignal<Option<Export>>,
    problem: RwSignal<Option<Problem>>,
    generation: StoredValue<u32>,
    host: StoredValue<HtmlElement, LocalStorage>,
}

/// Reads the export again every few seconds until it settles, the element leaves the page, or
/// a newer export replaces it.
fn poll(api: Arc<Api>, p: Poll) {
    let mine = p.generation.get_value().wrapping_add(1);
    p.generation.set_value(mine);
    leptos::task::spawn_local(async move {
        let mut failures = 0;
        loop {
            crate::sleep(POLL_MS).await;
            let on_page = p.host.try_with_value(|h| h.is_connected()).unwrap_or(false);
            if !on_page || p.generation.try_get_value() != Some(mine) {
                return;
            }
            let Some((id, job)) = p.export.try_with_untracked(|e| e.as_ref().map(|e| (e.external_id.clone(), e.job_id))).flatten() else {
                return;
            };
            match api.export_status(&id, job).await {
                Ok(e) => {
                    failures = 0;
                    let done = settled(e.state);
                    if p.export.try_set(Some(e)).is_some() || done {
                        return;
                    }
                }
                Err(problem) => {
                    failures += 1;
                    if failures >= MAX_FAILURES {
                        p.problem.try_set(Some(problem));
                        return;
                    }
                }
            }
        }
    });
}

#[component]
pub fn ExportButton(api: Api, candidate: String, host: HtmlElement) -> impl IntoView {
    let api = Arc::new(api);
    let input = StoredValue::new(if api.token.is_empty() {
        Err("Sign in as an owner of this organisation to export to Greenhouse.".to_string())
    } else {
        parse_candidate(&candidate)
    });
    let unusable = input.with_value(|i| i.as_ref().err().cloned());
    let open = RwSignal::new(false);
    let jobs: RwSignal<Jobs> = RwSignal::new(None);
    let choice = RwSignal::new(String::new());
    let manual = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let p = Poll { export: RwSignal::new(None), problem: RwSignal::new(None), generation: StoredValue::new(0), host: StoredValue::new_local(host) };
    let opener = NodeRef::<Button>::new();
    let form = NodeRef::<Form>::new();
    let list_mode = move || jobs.with(|j| matches!(j, Some(Ok(l)) if !l.is_empty()));

    let focus_first = move || {
        request_animation_frame(move || {
            let first = form.get_untracked().and_then(|f| f.query_selector("select, input").ok().flatten());
            if let Some(el) = first.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                let _ = el.focus();
            }
        })
    };
    let close = move || {
        open.set(false);
        if let Some(b) = opener.get_untracked() {
            let _ = b.focus();
        }
    };
    let load_api = api.clone();
    let toggle = move |_| {
        let now_open = !open.get_untracked();
        open.set(now_open);
        p.problem.set(None);
        if now_open && jobs.with_untracked(Option::is_none) {
            let api = load_api.clone();
            leptos::task::spawn_local(async move {
                let list = api.jobs().await.map(|g| {
                    g.jobs.into_iter().filter(|j| j.status == GreenhouseStatus::Open).filter_map(|j| j.job_id.map(|id| (id, j.title))).collect()
                });
                jobs.try_set(Some(list.map_err(|e| e.message)));
                focus_first();
            });
        } else if now_open {
            focus_first();
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let job = match chosen(list_mode(), &choice.get_untracked(), &manual.get_untracked()) {
            Ok(j) => j,
            Err(m) => return p.problem.set(Some(problem(m))),
        };
        let Some(mut body) = input.with_value(|i| i.as_ref().ok().cloned()) else { return };
        body.job_id = job;
        body.prospect = job.is_none().then(Prospect::default);
        busy.set(true);
        p.problem.set(None);
        let api = api.clone();
        leptos::task::spawn_local(async move {
            let result = api.export(&body).await;
            if busy.try_set(false).is_some() {
                return;
            }
            match result {
                Ok(e) => {
                    let pending = !settled(e.state);
                    p.export.set(Some(e));
                    close();
                    if pending {
                        poll(api, p);
                    } else {
                        p.generation.update_value(|g| *g = g.wrapping_add(1));
                    }
                }
                Err(problem) => p.problem.set(Some(problem)),
            }
        });
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
    };
    let job_title = move |id: Option<u64>| match id.filter(|i| *i != 0) {
        None => "As a prospect".to_string(),
        Some(id) => {
            let title =
                jobs.with(|j| j.as_ref().and_then(|l| l.as_ref().ok()).and_then(|l| l.iter().find(|(i, _)| *i == id).map(|(_, t)| t.clone())));
            title.unwrap_or_else(|| format!("Job {id}"))
        }
    };

    view! {
        <div class="export">
            <button type="button" class="button" id="gx-open" node_ref=opener aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls="gx-form" disabled=unusable.is_some() on:click=toggle>"Export to Greenhouse"</button>
            {unusable.map(|m| view! { <p class="problem" role="alert">{m}</p> })}
            <form id="gx-form" class="picker" aria-label="Export to Greenhouse" novalidate node_ref=form hidden=move || !open.get()
                on:submit=submit on:keydown=on_key>
                {move || match jobs.get() {
                    None => view! { <p class="hint">"Loading Greenhouse jobs…"</p> }.into_any(),
                    Some(Ok(list)) if !list.is_empty() => view! {
                        <div class="field">
                            <label for="gx-job">"Greenhouse job"</label>
                            <select id="gx-job" name="job" prop:value=move || choice.get() on:change=move |ev| choice.set(event_target_value(&ev))>
                                <option value="">"Choose a job…"</option>
                                <For each=move || list.clone() key=|(id, _)| *id let:job>
                                    <option value=job.0.to_string()>{job.1}</option>
                                </For>
                                <option value=PROSPECT>"As a prospect (no job)"</option>
                            </select>
                        </div>
                    }
                    .into_any(),
                    Some(other) => view! {
                        <div class="field">
                            <label for="gx-job-id">"Greenhouse job ID"</label>
                            <input id="gx-job-id" name="job_id" inputmode="numeric" autocomplete="off" aria-describedby="gx-job-id-hint"
                                prop:value=move || manual.get() on:input=move |ev| manual.set(event_target_value(&ev))/>
                            <p class="hint" id="gx-job-id-hint">
                                {other.err().map(|m| format!("The job list is not available ({m}) "))}
                                "Enter the job's ID (the number in its Greenhouse address), or leave it empty to export as a prospect."
                            </p>
                        </div>
                    }
                    .into_any(),
                }}
                <div class="problem live" role="alert">
                    {move || p.problem.get().map(|pr| view! {
                        {pr.message}
                        {(!pr.fields.is_empty()).then(|| view! {
                            <ul>{pr.fields.into_iter().map(|(f, m)| view! { <li>{f.replace('_', " ")}": "{m}</li> }).collect_view()}</ul>
                        })}
                    })}
                </div>
                <div class="actions">
                    <button type="submit" class="button" id="gx-submit" disabled=move || busy.get() || jobs.with(Option::is_none)>
                        {move || if busy.get() { "Exporting…" } else { "Export" }}
                    </button>
                    <button type="button" class="button secondary" on:click=move |_| close()>"Cancel"</button>
                </div>
            </form>
            <div class="status" role="status">
                {move || p.export.get().map(|e| {
                    let app = e.application.clone().map(|a| {
                        let stage = a.stage.map(|s| format!("{s} · ")).unwrap_or_default();
                        format!("Application: {stage}{}", a.status)
                    });
                    view! {
                        <p class="state" data-state=state_slug(e.state)><strong>{job_title(e.job_id)}</strong>": "{state_label(e.state)}</p>
                        {e.reason.map(|r| view! { <p class="reason">{r}</p> })}
                        {app.map(|a| view! { <p class="application">{a}</p> })}
                        {e.profile_url.filter(|u| web_link(u)).map(|u| view! { <p><a href=u target="_blank" rel="noopener">"Open in Greenhouse"</a></p> })}
                    }
                })}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::chosen;

    #[test]
    fn the_form_chooses_a_job_or_a_prospect() {
        assert_eq!(chosen(true, "4200000000", ""), Ok(Some(4_200_000_000)));
        assert_eq!(chosen(true, "prospect", ""), Ok(None));
        assert!(chosen(true, "", "").is_err(), "nothing chosen yet");
        assert_eq!(chosen(false, "", " 42 "), Ok(Some(42)));
        assert_eq!(chosen(false, "", ""), Ok(None), "an empty job ID is a prospect");
        assert!(chosen(false, "", "abc").is_err());
    }
}
