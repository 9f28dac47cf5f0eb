//! One job's editor: Greenhouse-owned fields read-only (edited in Greenhouse), the local
//! fields, the Greenhouse job post its applications go to, and for a local job its title,
//! location and description. The same dialog creates a new local job.

use super::logic::{post_options, EditForm, FieldProblem};
use super::modal::Modal;
use super::{load, loading, Ctx, Loaded};
use leptos::html::Div;
use leptos::prelude::*;
use shared::jobs::{GreenhouseJobs, ManagedJob, Source};
use wasm_bindgen::JsCast;

/// The form, its per-field problems and the alert's message, shared by every input.
#[derive(Clone, Copy)]
struct Form {
    values: RwSignal<EditForm>,
    problems: RwSignal<Vec<FieldProblem>>,
}

impl Form {
    fn problem(&self, name: &'static str) -> Option<String> {
        self.problems.with(|p| p.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone()))
    }
}

/// Input names with a visible input in this editor; other fields' problems go in the alert.
fn inputs(local: bool) -> &'static [&'static str] {
    if local {
        &["title", "location", "description", "featured", "position", "tags", "hidden", "intro", "apply_url", "post_id"]
    } else {
        &["featured", "position", "tags", "hidden", "intro", "apply_url", "post_id"]
    }
}

/// Ids an input is described by: its hint (when it has one) and its error.
fn described(name: &str, hint: bool) -> String {
    if hint {
        format!("gc-edit-{name}-hint gc-edit-{name}-err")
    } else {
        format!("gc-edit-{name}-err")
    }
}

fn error_slot(form: Form, name: &'static str) -> impl IntoView {
    view! { <p class="field-error" id=format!("gc-edit-{name}-err")>{move || form.problem(name)}</p> }
}

fn hint_slot(name: &'static str, hint: &'static str) -> impl IntoView {
    (!hint.is_empty()).then(|| view! { <p class="hint" id=format!("gc-edit-{name}-hint")>{hint}</p> })
}

/// A text input, text area (`kind` "textarea") or other `<input type=kind>`.
fn text_field(
    form: Form,
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    hint: &'static str,
    get: fn(&EditForm) -> &String,
    set: fn(&mut EditForm, String),
) -> impl IntoView {
    let id = format!("gc-edit-{name}");
    let value = move || form.values.with(|f| get(f).clone());
    let invalid = move || form.problem(name).is_some().then_some("true");
    let on_input = move |ev: leptos::ev::Event| form.values.update(|f| set(f, event_target_value(&ev)));
    let input = if kind == "textarea" {
        view! {
            <textarea id=id.clone() name=name rows="5" aria-describedby=described(name, !hint.is_empty()) aria-invalid=invalid
                prop:value=value on:input=on_input></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name type=kind autocomplete="off" aria-describedby=described(name, !hint.is_empty()) aria-invalid=invalid
                required=name == "title" step=(kind == "number").then_some("1") prop:value=value on:input=on_input/>
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            {hint_slot(name, hint)}
            {error_slot(form, name)}
        </div>
    }
}

fn check_field(
    form: Form,
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    get: fn(&EditForm) -> bool,
    set: fn(&mut EditForm, bool),
) -> impl IntoView {
    let id = format!("gc-edit-{name}");
    view! {
        <div class="field check">
            <input id=id.clone() name=name type="checkbox" aria-describedby=described(name, true)
                prop:checked=move || form.values.with(get) on:change=move |ev| form.values.update(|f| set(f, event_target_checked(&ev)))/>
            <label for=id>{label}</label>
            {hint_slot(name, hint)}
            {error_slot(form, name)}
        </div>
    }
}

#[component]
pub fn Editor(job: Option<ManagedJob>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let key = job.as_ref().map(|j| j.key.clone());
    let local = job.as_ref().is_none_or(|j| j.source == Source::Local);
    let title = match &job {
        Some(j) => format!("Edit “{}”", j.title),
        None => "New local job".to_string(),
    };
    let initial = job.as_ref().map(EditForm::from_job).unwrap_or_default();
    let current_post = job.as_ref().and_then(|j| j.fields.post_id);
    let form = Form { values: RwSignal::new(initial), problems: RwSignal::new(vec![]) };
    let message = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let body = NodeRef::<Div>::new();
    let close = {
        let ctx = ctx.clone();
        Callback::new(move |()| ctx.dialog.set(None))
    };
    let known = inputs(local);
    // Problems of fields without an input here (say a Greenhouse-owned one) are listed in the alert.
    let others = move || {
        form.problems.with(|p| p.iter().filter(|(f, _)| !known.contains(&f.as_str())).map(|(_, m)| view! { <li>{m.clone()}</li> }).collect_view())
    };
    // `try_`: the dialog may have been closed while a request was on its way.
    let show_problems = move |msg: String, problems: Vec<FieldProblem>| {
        message.try_set(Some(msg));
        form.problems.try_set(problems);
        // Focus the first invalid input once it is marked, else the alert's message.
        request_animation_frame(move || {
            let find = |css: &str| body.try_get_untracked().flatten().and_then(|b| b.query_selector(css).ok().flatten());
            if let Some(el) = find("[aria-invalid=true]").or_else(|| find("#gc-editor-problem")) {
                let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        });
    };
    let save = {
        let ctx = ctx.clone();
        let key = key.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let edit = match form.values.with_untracked(|f| f.to_edit(local)) {
                Ok(e) => e,
                Err(p) => return show_problems("Check the highlighted fields.".into(), p),
            };
            let (ctx, key) = (ctx.clone(), key.clone());
            saving.set(true);
            message.set(None);
            leptos::task::spawn_local(async move {
                let result = match &key {
                    Some(k) => ctx.api.edit_job(k, &edit).await,
                    None => ctx.api.create_job(&edit).await,
                };
                let open = saving.try_set(false).is_none();
                match result {
                    Ok(saved) => {
                        ctx.notice.set(Some(format!("Saved “{}”.", saved.title)));
                        ctx.jobs.update(|j| match j.jobs.iter_mut().find(|x| x.key == saved.key) {
                            Some(x) => *x = saved,
                            None => j.jobs.push(saved),
                        });
                        if open {
                            close.run(());
                        }
                    }
                    Err(p) => show_problems(p.message, p.fields),
                }
            });
        }
    };
    let delete = {
        let ctx = ctx.clone();
        let key = key.clone();
        move |_| {
            if !confirm.get_untracked() {
                confirm.set(true);
                return;
            }
            let Some(k) = key.clone() else { return };
            let ctx = ctx.clone();
            saving.set(true);
            leptos::task::spawn_local(async move {
                match ctx.api.delete_job(&k).await {
                    Ok(j) => {
                        let name = form.values.try_with_untracked(|f| f.title.clone()).unwrap_or_default();
                        ctx.jobs.set(j);
                        ctx.notice.set(Some(format!("Deleted “{name}”.")));
                        if !saving.is_disposed() {
                            close.run(());
                        }
                    }
                    Err(p) => {
                        saving.try_set(false);
                        confirm.try_set(false);
                        show_problems(p.message, p.fields);
                    }
                }
            });
        }
    };
    let owned = job.as_ref().filter(|j| j.source == Source::Greenhouse).cloned().map(greenhouse_facts);
    let local_fields = local.then(|| {
        view! {
            {text_field(form, "title", "Title", "text", "", |f| &f.title, |f, v| f.title = v)}
            {text_field(form, "location", "Location", "text", "", |f| &f.location, |f, v| f.location = v)}
            {text_field(form, "description", "Description", "textarea", "Plain text or Markdown: **bold**, *italic*, lists, links", |f| &f.description, |f, v| f.description = v)}
        }
    });
    let deletable = local && key.is_some();
    view! {
        <Modal title_id="gc-editor-title" title=title testid="job-editor" on_close=close fallback=ctx.heading>
            <form class="editor" novalidate on:submit=save>
                <div class="editor-body" node_ref=body>
                    {owned}
                    {local_fields}
                    <fieldset>
                        <legend>"On your site"</legend>
                        {check_field(form, "featured", "Featured", "Shown first, with a badge.", |f| f.featured, |f, v| f.featured = v)}
                        {text_field(form, "position", "Position", "number", "Smaller numbers first; empty keeps Greenhouse's order.", |f| &f.position, |f, v| f.position = v)}
                        {text_field(form, "tags", "Tags", "text", "Comma-separated, for example: Remote, Senior", |f| &f.tags, |f, v| f.tags = v)}
                        {check_field(form, "hidden", "Hidden", "Hidden jobs are not on your site.", |f| f.hidden, |f, v| f.hidden = v)}
                        {text_field(form, "intro", "Intro", "textarea", "Plain text or Markdown: **bold**, *italic*, lists, links", |f| &f.intro, |f, v| f.intro = v)}
                        {text_field(form, "apply_url", "External apply URL", "url", "Leave empty to use the application form on your site.", |f| &f.apply_url, |f, v| f.apply_url = v)}
                    </fieldset>
                    {post_choice(form, current_post)}
                    <div role="alert" class="live">
                        {move || message.get().map(|m| view! { <div class="problem" id="gc-editor-problem" tabindex="-1"><p>{m}</p><ul>{others}</ul></div> })}
                    </div>
                </div>
                <div class="actions">
                    <button type="submit" class="button" id="gc-editor-save" disabled=move || saving.get()>{move || if saving.get() { "Saving…" } else { "Save" }}</button>
                    <button type="button" class="button secondary" on:click=move |_| close.run(())>"Cancel"</button>
                    {deletable.then(|| view! {
                        <button type="button" class="button danger" id="gc-editor-delete" disabled=move || saving.get() on:click=delete>
                            {move || if confirm.get() { "Confirm delete" } else { "Delete" }}
                        </button>
                    })}
                </div>
            </form>
        </Modal>
    }
}

/// What Greenhouse owns, read-only, and where to change it.
fn greenhouse_facts(j: ManagedJob) -> impl IntoView {
    let dash = |s: String| if s.is_empty() { "—".to_string() } else { s };
    view! {
        <section class="owned" aria-labelledby="gc-owned-title">
            <h3 id="gc-owned-title">"From Greenhouse"</h3>
            <dl class="facts">
                <dt>"Title"</dt><dd class="owned-title">{j.title}</dd>
                <dt>"Location"</dt><dd>{dash(j.location)}</dd>
                <dt>"Departments"</dt><dd>{dash(j.departments.join(", "))}</dd>
                <dt>"Offices"</dt><dd>{dash(j.offices.join(", "))}</dd>
            </dl>
            {j.edit_url.map(|u| view! {
                <p>
                    <a href=u target="_blank" rel="noopener" id="gc-edit-in-greenhouse" aria-describedby="gc-new-tab">"Edit in Greenhouse"</a>
                    <span class="visually-hidden" id="gc-new-tab">"Opens in a new tab"</span>
                </p>
            })}
        </section>
    }
}

/// "Connect Greenhouse job": the job post this job's applications go to. The options come from
/// the Greenhouse jobs (cached once loaded); if they cannot load, the current choice is kept.
fn post_choice(form: Form, current: Option<u64>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let cache = ctx.posts;
    let loaded: Loaded<GreenhouseJobs> = RwSignal::new(cache.get_value().map(Ok));
    if loaded.with_untracked(Option::is_none) {
        let api = ctx.api.clone();
        load(loaded, async move {
            let g = api.greenhouse_jobs().await?;
            cache.set_value(Some(g.clone()));
            Ok(g)
        });
    }
    let select = move |g: GreenhouseJobs| {
        let initial = form.values.with_untracked(|f| f.post_id.clone());
        let options = post_options(&g, current)
            .into_iter()
            .map(|(value, label)| {
                let selected = value == initial;
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for="gc-edit-post_id">"Send applications to"</label>
                <select id="gc-edit-post_id" name="post_id" aria-describedby=described("post_id", true)
                    aria-invalid=move || form.problem("post_id").is_some().then_some("true")
                    on:change=move |ev| form.values.update(|f| f.post_id = event_target_value(&ev))>
                    {options}
                </select>
                {hint_slot("post_id", "Applications made on your site go to this Greenhouse job post.")}
                {error_slot(form, "post_id")}
            </div>
        }
    };
    view! {
        <fieldset class="post-choice">
            <legend>"Connect Greenhouse job"</legend>
            {move || match loaded.get() {
                None => loading("Loading job posts…").into_any(),
                Some(Ok(g)) => select(g).into_any(),
                Some(Err(message)) => view! {
                    <p class="problem" id="gc-edit-posts-problem">{format!("Job posts could not be loaded: {message} The current connection is kept.")}</p>
                }
                .into_any(),
            }}
        </fieldset>
    }
}
