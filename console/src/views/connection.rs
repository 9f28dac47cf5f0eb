//! The "Connection" tab: the org's connection (every credential, masked, with its health and
//! permission checklist) and one form per credential type with step-by-step help.

use crate::api::{Api, Problem};
use leptos::prelude::*;
use shared::owner::{ConnectInput, Connection, CredentialSummary, Health, Kind, Region};
use std::sync::Arc;

fn title(k: Kind) -> &'static str {
    match k {
        Kind::JobBoard => "Job Board",
        Kind::HarvestV3 => "Harvest v3 (OAuth)",
        Kind::HarvestV1 => "Harvest v1 key (legacy)",
        Kind::Ingestion => "Candidate Ingestion",
        Kind::WebHooks => "Web hooks",
    }
}

fn purpose(k: Kind) -> &'static str {
    match k {
        Kind::JobBoard => "Shows your public jobs and sends applications from your site.",
        Kind::HarvestV3 => "Lets the integration read jobs, posts and applications: Greenhouse's current API.",
        Kind::HarvestV1 => "Greenhouse retired Harvest v1/v2 keys on 31 August 2026: connect Harvest v3 instead where you can.",
        Kind::Ingestion => "Sends candidates and prospects into Greenhouse on behalf of a user.",
        Kind::WebHooks => "Greenhouse tells us the moment a job changes, so your site shows it at once.",
    }
}

fn steps(k: Kind) -> &'static [&'static str] {
    match k {
        Kind::JobBoard => &[
            "In Greenhouse, open Configure → Dev Center → API Credential Management.",
            "Choose Create New API Key, API type \"Job Board\", and copy the key.",
            "Your board token is the last part of your job board's address (job-boards.greenhouse.io/TOKEN).",
        ],
        Kind::HarvestV3 => &[
            "In Greenhouse, open Configure → Dev Center → API Credential Management.",
            "Choose Create New API Key, API type \"Harvest V3 (OAuth)\", and give it the scopes for jobs, job posts, applications, candidates, users, openings, stages, prospect pools and close reasons.",
            "Copy the client ID and the client secret (the secret is shown once).",
            "The user ID is the number in the Greenhouse user's profile address; the integration acts as that user.",
        ],
        Kind::HarvestV1 => &[
            "In Greenhouse, open Configure → Dev Center → API Credential Management.",
            "Open your Harvest key (or create one, API type \"Harvest\") and tick the endpoints listed below.",
            "Copy the key. The user ID (optional) is used as On-Behalf-Of for changes.",
        ],
        Kind::WebHooks => &[
            "In Greenhouse, open Configure → Dev Center → Web Hooks and create a web hook for each of: Job Post Created, Job Post Updated, Job Post Deleted, Job Updated.",
            "Endpoint URL: the address shown on this card. Secret key: choose a long random value.",
            "Enter the same secret key here; Greenhouse signs every delivery with it.",
        ],
        Kind::Ingestion => &[
            "In Greenhouse, open Configure → Dev Center → API Credential Management.",
            "Choose Create New API Key, API type \"Candidate Ingestion\", and copy the key.",
            "Enter the email of the Greenhouse user the key acts for: Greenhouse checks it on every call.",
        ],
    }
}

fn health_text(h: Health) -> &'static str {
    match h {
        Health::Connected => "Connected",
        Health::MissingPermissions => "Missing permissions",
        Health::CredentialsInvalid => "Credentials invalid",
        Health::GreenhouseUnreachable => "Greenhouse unreachable",
    }
}

fn when(ms: Option<u64>) -> String {
    ms.map(|ms| js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64)).to_locale_string("en", &wasm_bindgen::JsValue::UNDEFINED).into())
        .unwrap_or_else(|| "never".into())
}

/// A prefilled email to whoever can create the key in Greenhouse.
fn mail_admin(k: Kind) -> String {
    let subject = format!("Greenhouse {} credentials for our careers site", title(k));
    let body = format!(
        "Hi,\n\ncould you create {} credentials for our careers site in Greenhouse (Configure > Dev Center > API Credential Management)? \
         Creating them needs the permission \"Can manage ALL organization's API Credentials\".\n\nSteps:\n- {}\n\nThank you!",
        title(k),
        steps(k).join("\n- ")
    );
    let enc = |s: &str| js_sys::encode_uri_component(s).as_string().unwrap_or_default();
    format!("mailto:?subject={}&body={}", enc(&subject), enc(&body))
}

#[derive(Clone)]
struct State {
    api: Arc<Api>,
    connection: RwSignal<Option<Connection>>,
    problem: RwSignal<Option<String>>,
    editing: RwSignal<Option<Kind>>,
    notice: RwSignal<Option<String>>,
}

#[component]
pub fn ConnectionView(api: Arc<Api>) -> impl IntoView {
    let has_token = !api.token.is_empty();
    let org = api.org.clone();
    let st = State { api, connection: RwSignal::new(None), problem: RwSignal::new(None), editing: RwSignal::new(None), notice: RwSignal::new(None) };
    provide_context(st.clone());
    if has_token {
        let s = st.clone();
        leptos::task::spawn_local(async move {
            match s.api.get().await {
                Ok(c) => s.connection.set(Some(c)),
                Err(p) => s.problem.set(Some(p.message)),
            }
        });
    }
    view! {
        <section class="console" aria-labelledby="gc-title">
            <h2 id="gc-title">"Greenhouse connection"<span class="org">{format!(" · {org}")}</span></h2>
            {(!has_token).then(|| view! { <p class="problem" role="alert">"Sign in as an owner of this organisation to connect Greenhouse."</p> })}
            {move || st.problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            {move || st.notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
            {move || st.connection.get().map(|c| view! { <Overview c/> })}
            {move || st.editing.get().map(|k| view! { <ConnectForm kind=k/> })}
        </section>
    }
}

#[component]
fn Overview(c: Connection) -> impl IntoView {
    let cards = Kind::ALL
        .into_iter()
        .map(|k| {
            let cred = c.credentials.iter().find(|x| x.kind == k).cloned();
            view! { <Card kind=k cred/> }
        })
        .collect_view();
    let st = expect_context::<State>();
    let syncing = RwSignal::new(false);
    let sync_now = move |_| {
        let st = st.clone();
        syncing.set(true);
        leptos::task::spawn_local(async move {
            match st.api.sync().await {
                Ok(r) => {
                    st.notice.set(Some(format!(
                        "Synced {}: {} jobs, {} added, {} updated, {} removed{}.",
                        r.board,
                        r.jobs,
                        r.added.len(),
                        r.updated.len(),
                        r.removed.len(),
                        r.harvest_jobs.map(|n| format!("; Harvest lists {n} jobs")).unwrap_or_default()
                    )));
                    if let Ok(c) = st.api.get().await {
                        st.connection.set(Some(c));
                    }
                }
                Err(p) => st.problem.set(Some(p.message)),
            }
            syncing.set(false);
        });
    };
    let status = c.sync.clone().map(|s| {
        let ok = format!("Last sync: {}", when(s.last_success_at));
        let err = s.last_error.map(|e| format!(" · Last error ({}): {e}", when(s.last_error_at)));
        view! { <p class="sync-status">{ok}{err}</p> }
    });
    let has_board = c.board_token.is_some();
    // Applications Greenhouse does not have yet: a key problem, failures, or a queue.
    let pending = c.pending.notice().map(|n| view! { <p class="pending" id="gc-pending" role="status">{n}</p> });
    view! {
        <p class="board">{match c.board_token { Some(b) => format!("Job board: {b}"), None => "No job board connected yet.".into() }}</p>
        {pending}
        {status}
        {has_board.then(|| view! {
            <p><button type="button" class="button" id="gc-sync" disabled=move || syncing.get() on:click=sync_now>
                {move || if syncing.get() { "Syncing…" } else { "Sync now" }}
            </button></p>
        })}
        <ul class="cards" role="list">{cards}</ul>
    }
}

#[component]
fn Card(kind: Kind, cred: Option<CredentialSummary>) -> impl IntoView {
    let st = expect_context::<State>();
    let slug = kind.slug();
    let confirm = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let edit = {
        let st = st.clone();
        move |_| {
            st.notice.set(None);
            st.editing.set(Some(kind));
        }
    };
    let recheck = {
        let st = st.clone();
        move |_| {
            let st = st.clone();
            busy.set(true);
            leptos::task::spawn_local(async move {
                match st.api.check(kind).await {
                    Ok(c) => {
                        st.connection.set(Some(c));
                        st.notice.set(Some(format!("{} checked just now.", title(kind))));
                    }
                    Err(p) => st.problem.set(Some(p.message)),
                }
                busy.set(false);
            });
        }
    };
    let remove = {
        let st = st.clone();
        move |_| {
            if !confirm.get_untracked() {
                confirm.set(true);
                return;
            }
            let st = st.clone();
            leptos::task::spawn_local(async move {
                match st.api.remove(kind).await {
                    Ok(c) => {
                        st.connection.set(Some(c));
                        st.notice.set(Some(format!("{} removed.", title(kind))));
                    }
                    Err(p) => st.problem.set(Some(p.message)),
                }
            });
        }
    };
    let body = match cred {
        None => view! {
            <p class="state">"Not connected."</p>
            <button type="button" class="button" id=format!("gc-{slug}-connect") on:click=edit>"Connect"</button>
        }
        .into_any(),
        Some(c) => {
            let missing = c.permissions.iter().any(|p| !p.granted);
            let perms = (!c.permissions.is_empty()).then(|| {
                let items = c
                    .permissions
                    .iter()
                    .map(|p| {
                        let class = if p.granted { "granted" } else { "missing" };
                        let text = if p.granted { format!("✓ {}", p.label) } else { format!("✗ {} — without it: {}", p.label, p.disables) };
                        view! { <li class=class data-permission=serde_json_name(p.permission)>{text}</li> }
                    })
                    .collect_view();
                view! { <ul class="permissions" aria-label="Permissions">{items}</ul> }
            });
            view! {
                <p class=format!("health {}", health_class(c.health))>{health_text(c.health)}</p>
                <dl class="facts">
                    <dt>"Account"</dt><dd class="account">{c.account.clone()}</dd>
                    <dt>"Key"</dt><dd class="hint">{c.hint.clone()}</dd>
                    <dt>"Region"</dt><dd>{if c.region == Region::Eu { "EU" } else { "US" }}</dd>
                    <dt>"Verified"</dt><dd>{when(c.verified_at)}</dd>
                    <dt>"Last check"</dt><dd>{when(c.checked_at)}</dd>
                    <dt>"By"</dt><dd>{c.updated_by.clone()}</dd>
                </dl>
                {c.message.clone().map(|m| view! { <p class="message">{m}</p> })}
                {missing.then(|| view! { <p><a href=mail_admin(kind)>"Email my Greenhouse admin about the missing permissions"</a></p> })}
                {perms}
                <div class="actions">
                    <button type="button" class="button" id=format!("gc-{slug}-edit") on:click=edit>"Edit or rotate"</button>
                    <button type="button" class="button secondary" id=format!("gc-{slug}-check") disabled=move || busy.get() on:click=recheck>"Check now"</button>
                    <button type="button" class="button danger" id=format!("gc-{slug}-remove") on:click=remove>
                        {move || if confirm.get() { "Confirm removal" } else { "Remove" }}
                    </button>
                </div>
            }
            .into_any()
        }
    };
    let hook_url = (kind == Kind::WebHooks).then(|| format!("{}/hooks/greenhouse/{}", st.api.base.trim_end_matches("/api/v1"), st.api.org));
    view! {
        <li class="card" id=format!("gc-card-{slug}")>
            <h3>{title(kind)}</h3>
            <p class="purpose">{purpose(kind)}</p>
            {hook_url.map(|u| view! { <p class="hint">"Endpoint URL: "<code class="hook-url">{u}</code></p> })}
            {body}
        </li>
    }
}

fn health_class(h: Health) -> &'static str {
    match h {
        Health::Connected => "connected",
        Health::MissingPermissions => "missing_permissions",
        Health::CredentialsInvalid => "credentials_invalid",
        Health::GreenhouseUnreachable => "greenhouse_unreachable",
    }
}

fn serde_json_name(p: shared::owner::Permission) -> String {
    serde_wasm_bindgen::to_value(&p).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

#[component]
fn ConnectForm(kind: Kind) -> impl IntoView {
    let st = expect_context::<State>();
    let slug = kind.slug();
    let errors = RwSignal::new(Problem { message: String::new(), fields: vec![] });
    let sending = RwSignal::new(false);
    let fields: Vec<(&'static str, &'static str, bool)> = match kind {
        Kind::JobBoard => vec![("board_token", "Board token", false), ("api_key", "Job Board API key", true)],
        Kind::HarvestV3 => {
            vec![("client_id", "Client ID", false), ("client_secret", "Client secret", true), ("user_id", "Greenhouse user ID", false)]
        }
        Kind::HarvestV1 => vec![("api_key", "Harvest API key", true), ("user_id", "Greenhouse user ID (optional)", false)],
        Kind::Ingestion => vec![("api_key", "Candidate Ingestion API key", true), ("email", "The key user's email", false)],
        Kind::WebHooks => vec![("api_key", "Web hook secret key", true)],
    };
    let values: Vec<(&'static str, RwSignal<String>)> = fields.iter().map(|(n, _, _)| (*n, RwSignal::new(String::new()))).collect();
    let region = RwSignal::new("us".to_string());
    let inputs = fields
        .iter()
        .zip(values.iter())
        .map(|((name, label, secret), (_, sig))| {
            let id = format!("gc-{slug}-{name}");
            let err_id = format!("{id}-err");
            let n = name.to_string();
            let err = move || errors.with(|e| e.fields.iter().find(|(f, _)| *f == n).map(|(_, m)| m.clone()));
            let err2 = err.clone();
            let sig = *sig;
            let for_ = id.clone();
            view! {
                <div class="field">
                    <label for=for_>{*label}</label>
                    <input id=id type=if *secret { "password" } else { "text" } autocomplete="off" spellcheck="false"
                        aria-invalid=move || err2().is_some().then_some("true") aria-describedby=err_id.clone()
                        prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/>
                    <p class="field-error" id=err_id>{err}</p>
                </div>
            }
        })
        .collect_view();
    let submit = {
        let st = st.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let mut input = ConnectInput { region: if region.get_untracked() == "eu" { Region::Eu } else { Region::Us }, ..Default::default() };
            for (name, sig) in &values {
                let v = sig.get_untracked();
                match *name {
                    "board_token" => input.board_token = v,
                    "api_key" => input.api_key = v,
                    "client_id" => input.client_id = v,
                    "client_secret" => input.client_secret = v,
                    "user_id" => input.user_id = v,
                    _ => input.email = v,
                }
            }
            let st = st.clone();
            sending.set(true);
            leptos::task::spawn_local(async move {
                match st.api.connect(kind, &input).await {
                    Ok(summary) => {
                        st.editing.set(None);
                        let extra = if summary.health == Health::MissingPermissions { " Some permissions are missing: see the list." } else { "" };
                        // The card is updated first, so "saved" is never announced beside an old card.
                        if let Ok(c) = st.api.get().await {
                            st.connection.set(Some(c));
                        }
                        st.notice.set(Some(format!("{} verified and saved.{extra}", title(kind))));
                    }
                    Err(p) => errors.set(p),
                }
                sending.set(false);
            });
        }
    };
    let cancel = {
        let st = st.clone();
        move |_| st.editing.set(None)
    };
    let help = steps(kind).iter().map(|s| view! { <li>{*s}</li> }).collect_view();
    view! {
        <form class="connect" id=format!("gc-form-{slug}") on:submit=submit aria-labelledby=format!("gc-form-{slug}-title") novalidate>
            <h3 id=format!("gc-form-{slug}-title")>{format!("Connect {}", title(kind))}</h3>
            <ol class="help">{help}</ol>
            <p class="hint">"Creating keys needs the Greenhouse permission “Can manage ALL organization's API Credentials”. "
                <a href=mail_admin(kind) id=format!("gc-{slug}-mail")>"Email my Greenhouse admin"</a></p>
            <div class="field">
                <label for=format!("gc-{slug}-region")>"Greenhouse region"</label>
                <select id=format!("gc-{slug}-region") prop:value=move || region.get() on:change=move |ev| region.set(event_target_value(&ev))>
                    <option value="us">"United States (greenhouse.io)"</option>
                    <option value="eu">"Europe (eu.greenhouse.io)"</option>
                </select>
            </div>
            {inputs}
            <p class="problem" role="alert" hidden=move || errors.with(|e| e.message.is_empty())>{move || errors.with(|e| e.message.clone())}</p>
            <div class="actions">
                <button type="submit" class="button" id=format!("gc-{slug}-save") disabled=move || sending.get()>
                    {move || if sending.get() { "Verifying with Greenhouse…" } else { "Verify and save" }}
                </button>
                <button type="button" class="button secondary" on:click=cancel>"Cancel"</button>
            </div>
        </form>
    }
}
