//! The match badge: one line saying whether (and where) the person with this email is in
//! Greenhouse, and a disclosure with their emails, phones, attachments and applications.
//! Attachment links are the worker's short-lived ones: opening the details after they expired
//! asks again, so the links shown work.

use crate::api::{problem, Api, Problem};
use crate::text::{application_line, found_label, summary, web_link};
use leptos::prelude::*;
use shared::candidates::{Found, MatchResult, MatchedCandidate};
use std::sync::Arc;

type Answer = Option<Result<MatchResult, Problem>>;

fn ask(api: Arc<Api>, email: String, answer: RwSignal<Answer>, keep_on_error: bool) {
    leptos::task::spawn_local(async move {
        let r = api.matches(&email).await;
        if r.is_ok() || !keep_on_error {
            answer.try_set(Some(r));
        }
    });
}

#[component]
pub fn MatchBadge(api: Api, email: String) -> impl IntoView {
    let api = Arc::new(api);
    let answer: RwSignal<Answer> = RwSignal::new(None);
    let expanded = RwSignal::new(false);
    if api.token.is_empty() {
        answer.set(Some(Err(problem("Sign in as an owner of this organisation to see Greenhouse status."))));
    } else if email.is_empty() {
        answer.set(Some(Err(problem("No email to look up in Greenhouse."))));
    } else {
        ask(api.clone(), email.clone(), answer, false);
    }
    let toggle = move |_| {
        let open = !expanded.get_untracked();
        expanded.set(open);
        let stale = answer.with_untracked(|a| {
            let now = crate::now();
            matches!(a, Some(Ok(r)) if r.candidates.iter().flat_map(|c| &c.attachments).any(|f| (f.expires_at as f64) <= now))
        });
        if open && stale {
            ask(api.clone(), email.clone(), answer, true);
        }
    };
    let found = move || answer.with(|a| a.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.found));
    let line = move || match answer.get() {
        None => "Checking Greenhouse…".to_string(),
        Some(Ok(r)) => summary(&r, crate::now(), crate::parse_time),
        Some(Err(_)) => "Greenhouse status unavailable".to_string(),
    };
    let error = move || answer.with(|a| a.as_ref().and_then(|r| r.as_ref().err()).map(|p| p.message.clone()));
    let people = move || answer.with(|a| a.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.candidates.clone()).unwrap_or_default());
    view! {
        <div class="match" data-found=move || found().map(found_label).unwrap_or("")>
            <p class="line">
                <span class="summary" role="status">{line}</span>
                {move || found().filter(|f| *f != Found::NotFound).map(|_| view! {
                    " "<button type="button" class="toggle" aria-expanded=move || if expanded.get() { "true" } else { "false" }
                        aria-controls="gx-details" on:click=toggle.clone()>"Details"</button>
                })}
            </p>
            <p class="problem live" role="alert">{error}</p>
            <div class="details" id="gx-details" hidden=move || !expanded.get() || found().is_none_or(|f| f == Found::NotFound)>
                <For each=people key=|c| c.id let:c>
                    <Person c/>
                </For>
            </div>
        </div>
    }
}

fn kind_label(kind: &str) -> String {
    kind.replace('_', " ")
}

#[component]
fn Person(c: MatchedCandidate) -> impl IntoView {
    let role = [c.title.clone(), c.company.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ");
    let MatchedCandidate { name, emails, phones, attachments, applications, profile_url, .. } = c;
    let profile = profile_url.filter(|u| web_link(u));
    let (has_emails, has_phones, has_files, has_apps) = (!emails.is_empty(), !phones.is_empty(), !attachments.is_empty(), !applications.is_empty());
    view! {
        <div class="person">
            <p class="name"><strong>{name}</strong>{(!role.is_empty()).then(|| format!(" · {role}"))}</p>
            <dl class="facts">
                {has_emails.then(|| view! {
                    <dt>"Emails"</dt>
                    <dd><ul class="plain">
                        <For each=move || emails.clone() key=|e| e.clone() let:e>
                            <li><a href=format!("mailto:{e}")>{e.clone()}</a></li>
                        </For>
                    </ul></dd>
                })}
                {has_phones.then(|| view! {
                    <dt>"Phones"</dt>
                    <dd><ul class="plain">
                        <For each=move || phones.clone() key=|p| p.clone() let:p>
                            <li><a href=format!("tel:{}", p.replace(' ', ""))>{p.clone()}</a></li>
                        </For>
                    </ul></dd>
                })}
                {has_files.then(|| view! {
                    <dt>"Attachments"</dt>
                    <dd><ul class="plain attachments">
                        <For each=move || attachments.clone() key=|f| f.url.clone() let:f>
                            <li>
                                {web_link(&f.url).then(|| view! { <a href=f.url.clone() download=f.filename.clone()>{f.filename.clone()}</a> })}
                                " "<span class="kind">{format!("({})", kind_label(&f.kind))}</span>
                            </li>
                        </For>
                    </ul></dd>
                })}
                {has_apps.then(|| view! {
                    <dt>"Applications"</dt>
                    <dd><ul class="plain applications">
                        <For each=move || applications.clone() key=|a| a.id let:a>
                            <li data-application=a.id.to_string()>{application_line(&a)}</li>
                        </For>
                    </ul></dd>
                })}
            </dl>
            {profile.map(|u| view! { <p><a href=u target="_blank" rel="noopener">"Open in Greenhouse"</a></p> })}
        </div>
    }
}
