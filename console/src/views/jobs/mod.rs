//! The "Jobs" tab: the org's jobs with their visibility and local fields, a sync button, and
//! (in the submodules) the import dialog and the job editor.

mod editor;
mod import;
mod list;
mod logic;
mod modal;

use crate::api::{Api, Problem};
use editor::Editor;
use import::ImportDialog;
use leptos::html::H2;
use leptos::prelude::*;
use list::job_table;
use logic::{mode_label, sync_summary};
use shared::jobs::{GreenhouseJobs, OrgJobs};
use std::sync::Arc;

/// What every part of the Jobs view shares once the jobs are loaded.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub api: Arc<Api>,
    pub jobs: RwSignal<OrgJobs>,
    /// The last outcome, in the view's polite status region.
    pub notice: RwSignal<Option<String>>,
    pub problem: RwSignal<Option<String>>,
    /// The open dialog, if any.
    pub dialog: RwSignal<Option<Dialog>>,
    /// Where focus goes when the element that opened a dialog is gone.
    pub heading: NodeRef<H2>,
    /// The Greenhouse jobs last loaded, for the editor's post options (cleared by a sync).
    pub posts: StoredValue<Option<GreenhouseJobs>>,
}

#[derive(Clone, PartialEq)]
pub(crate) enum Dialog {
    Import,
    /// The editor of the job with this key.
    Edit(String),
    /// The editor, empty, for a new local job.
    New,
}

impl Ctx {
    pub fn open(&self, d: Dialog) {
        self.notice.set(None);
        self.problem.set(None);
        self.dialog.set(Some(d));
    }
}

/// A request's outcome as a view shows it: `None` while loading, then the value or why not.
///
/// A signal filled by `spawn_local` rather than a `LocalResource` inside `<Transition>`: the same
/// states for a fraction of the bundle, which is measured.
pub(crate) type Loaded<T> = RwSignal<Option<Result<T, String>>>;

/// Starts `request`, showing "loading" in `into` until it answers. `try_set`: the view may be
/// gone by then.
pub(crate) fn load<T: Send + Sync + 'static>(into: Loaded<T>, request: impl std::future::Future<Output = Result<T, Problem>> + 'static) {
    into.set(None);
    leptos::task::spawn_local(async move {
        into.try_set(Some(request.await.map_err(|p| p.message)));
    });
}

pub(crate) fn loading(text: &'static str) -> impl IntoView {
    view! { <p class="state" role="status">{text}</p> }
}

#[component]
pub fn JobsView(api: Arc<Api>) -> impl IntoView {
    let heading = NodeRef::<H2>::new();
    let has_token = !api.token.is_empty();
    let loaded: Loaded<OrgJobs> = RwSignal::new(None);
    let fetch = {
        let api = api.clone();
        move || {
            let api = api.clone();
            load(loaded, async move {
                if api.token.is_empty() {
                    return Err(Problem { message: "Sign in as an owner of this organisation to manage its jobs.".into(), fields: vec![] });
                }
                api.jobs().await
            })
        }
    };
    fetch();
    let retry = move |_| fetch();
    view! {
        <section class="jobs-view" aria-labelledby="gc-jobs-title">
            <h2 id="gc-jobs-title" tabindex="-1" node_ref=heading>"Manage jobs"</h2>
            {move || match loaded.get() {
                None => loading("Loading jobs…").into_any(),
                Some(Ok(initial)) => view! { <JobsPanel api=api.clone() initial heading/> }.into_any(),
                Some(Err(message)) => view! {
                    <div class="problem" role="alert">
                        <p>{message}</p>
                        {has_token.then(|| view! { <button type="button" class="button secondary" on:click=retry.clone()>"Try again"</button> })}
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn JobsPanel(api: Arc<Api>, initial: OrgJobs, heading: NodeRef<H2>) -> impl IntoView {
    let ctx = Ctx {
        api,
        jobs: RwSignal::new(initial),
        notice: RwSignal::new(None),
        problem: RwSignal::new(None),
        dialog: RwSignal::new(None),
        heading,
        posts: StoredValue::new(None),
    };
    provide_context(ctx.clone());
    let syncing = RwSignal::new(false);
    let sync_now = {
        let ctx = ctx.clone();
        move |_| {
            let ctx = ctx.clone();
            syncing.set(true);
            ctx.notice.set(None);
            ctx.problem.set(None);
            leptos::task::spawn_local(async move {
                match ctx.api.sync().await {
                    Ok(r) => {
                        ctx.posts.set_value(None);
                        ctx.notice.set(Some(format!("Synced: {}.", sync_summary(&r))));
                        match ctx.api.jobs().await {
                            Ok(j) => ctx.jobs.set(j),
                            Err(p) => ctx.problem.set(Some(p.message)),
                        }
                    }
                    Err(p) => ctx.problem.set(Some(p.message)),
                }
                syncing.set(false);
            });
        }
    };
    let jobs = ctx.jobs;
    view! {
        <p class="mode" id="gc-jobs-mode">"Import mode: "<strong>{move || jobs.with(|j| mode_label(j.mode))}</strong></p>
        <div class="toolbar">
            <button type="button" class="button" id="gc-import-open" on:click={
                let ctx = ctx.clone();
                move |_| ctx.open(Dialog::Import)
            }>"Import jobs"</button>
            <button type="button" class="button secondary" id="gc-new-local" on:click={
                let ctx = ctx.clone();
                move |_| ctx.open(Dialog::New)
            }>"New local job"</button>
            <button type="button" class="button secondary" id="gc-jobs-sync" disabled=move || syncing.get() on:click=sync_now>
                <span aria-hidden="true">"↻ "</span>{move || if syncing.get() { "Syncing…" } else { "Sync now" }}
            </button>
        </div>
        <div role="status" class="live">{move || ctx.notice.get().map(|n| view! { <p class="notice" id="gc-jobs-notice">{n}</p> })}</div>
        <div role="alert" class="live">{move || ctx.problem.get().map(|p| view! { <p class="problem" id="gc-jobs-problem">{p}</p> })}</div>
        {job_table()}
        {move || ctx.dialog.get().map(|d| match d {
            Dialog::Import => view! { <ImportDialog/> }.into_any(),
            Dialog::Edit(key) => {
                let job = jobs.with_untracked(|j| j.jobs.iter().find(|x| x.key == key).cloned());
                job.map(|j| view! { <Editor job=Some(j)/> }).into_any()
            }
            Dialog::New => view! { <Editor job=None/> }.into_any(),
        })}
    }
}
