//! The console's shell: a tab list switching between the views. Each panel stays mounted once
//! shown, so switching back keeps its state; the Jobs and Analytics views load only when first
//! opened.

use crate::api::Api;
use crate::views::analytics::AnalyticsView;
use crate::views::connection::ConnectionView;
use crate::views::jobs::JobsView;
use leptos::html::Button;
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Connection,
    Jobs,
    Analytics,
}

const TABS: [Tab; 3] = [Tab::Connection, Tab::Jobs, Tab::Analytics];

impl Tab {
    fn slug(self) -> &'static str {
        match self {
            Tab::Connection => "connection",
            Tab::Jobs => "jobs",
            Tab::Analytics => "analytics",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Connection => "Connection",
            Tab::Jobs => "Jobs",
            Tab::Analytics => "Analytics",
        }
    }
}

/// The tab an arrow, Home or End key moves to (wrapping around), if the key moves at all.
fn next_tab(current: Tab, key: &str) -> Option<Tab> {
    let i = TABS.iter().position(|t| *t == current).unwrap_or(0);
    let n = TABS.len();
    Some(match key {
        "ArrowRight" => TABS[(i + 1) % n],
        "ArrowLeft" => TABS[(i + n - 1) % n],
        "Home" => TABS[0],
        "End" => TABS[n - 1],
        _ => return None,
    })
}

#[component]
pub fn Console(api: Api) -> impl IntoView {
    let api = Arc::new(api);
    let selected = RwSignal::new(Tab::Connection);
    let jobs_opened = RwSignal::new(false);
    let analytics_opened = RwSignal::new(false);
    let refs = TABS.map(|_| NodeRef::<Button>::new());
    let choose = move |t: Tab| {
        selected.set(t);
        // Once: setting it again would mount the Jobs view afresh.
        if t == Tab::Jobs && !jobs_opened.get_untracked() {
            jobs_opened.set(true);
        }
        if t == Tab::Analytics && !analytics_opened.get_untracked() {
            analytics_opened.set(true);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if let Some(t) = next_tab(selected.get_untracked(), &ev.key()) {
            ev.prevent_default();
            choose(t);
            let i = TABS.iter().position(|x| *x == t).unwrap_or(0);
            if let Some(b) = refs[i].get_untracked() {
                let _ = b.focus();
            }
        }
    };
    let tabs = TABS
        .into_iter()
        .zip(refs)
        .map(|(t, node)| {
            let slug = t.slug();
            let on = move || selected.get() == t;
            view! {
                <button type="button" role="tab" class="tab" id=format!("gc-tab-{slug}") aria-controls=format!("gc-panel-{slug}")
                    aria-selected=move || if on() { "true" } else { "false" } tabindex=move || if on() { "0" } else { "-1" }
                    node_ref=node on:click=move |_| choose(t)>{t.label()}</button>
            }
        })
        .collect_view();
    let jobs_api = api.clone();
    let analytics_api = api.clone();
    view! {
        <div class="tabs" role="tablist" aria-label="Console" on:keydown=on_key>{tabs}</div>
        <div role="tabpanel" id="gc-panel-connection" aria-labelledby="gc-tab-connection" hidden=move || selected.get() != Tab::Connection>
            <ConnectionView api/>
        </div>
        <div role="tabpanel" id="gc-panel-jobs" aria-labelledby="gc-tab-jobs" hidden=move || selected.get() != Tab::Jobs>
            {move || jobs_opened.get().then(|| view! { <JobsView api=jobs_api.clone()/> })}
        </div>
        <div role="tabpanel" id="gc-panel-analytics" aria-labelledby="gc-tab-analytics" hidden=move || selected.get() != Tab::Analytics>
            {move || analytics_opened.get().then(|| view! { <AnalyticsView api=analytics_api.clone()/> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_keys_wrap_around_the_tabs() {
        assert!(next_tab(Tab::Connection, "ArrowRight") == Some(Tab::Jobs));
        assert!(next_tab(Tab::Jobs, "ArrowRight") == Some(Tab::Analytics));
        assert!(next_tab(Tab::Analytics, "ArrowRight") == Some(Tab::Connection));
        assert!(next_tab(Tab::Connection, "ArrowLeft") == Some(Tab::Analytics));
        assert!(next_tab(Tab::Jobs, "Home") == Some(Tab::Connection));
        assert!(next_tab(Tab::Connection, "End") == Some(Tab::Analytics));
        assert!(next_tab(Tab::Connection, "Enter").is_none());
    }
}
