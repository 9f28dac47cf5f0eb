//! The "Analytics" tab: the funnel (views → job views → starts → applications) and daily
//! charts per source and per job over the last 30 days, as inline SVG with the numbers in
//! tables too, and a CSV download. Counts only: see the README's "Analytics".

mod chart;

use crate::api::Api;
use crate::views::jobs::{load, loading, Loaded};
use leptos::prelude::*;
use shared::analytics::{Funnel, Kind, Report};
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// The period the view shows.
const DAYS: u32 = 30;
/// Series drawn per chart (the tables list every one).
const LINES: usize = chart::COLOURS.len();

#[component]
pub fn AnalyticsView(api: Arc<Api>) -> impl IntoView {
    let loaded: Loaded<Report> = RwSignal::new(None);
    let fetch = {
        let api = api.clone();
        move || {
            let api = api.clone();
            load(loaded, async move { api.analytics(DAYS).await })
        }
    };
    fetch();
    view! {
        <section class="analytics-view" aria-labelledby="gc-analytics-title">
            <h2 id="gc-analytics-title">"Analytics"</h2>
            <p class="hint">"The last "{DAYS}" days (UTC). Counts only: no cookies, IP addresses or user agents are kept, and bots are not counted."</p>
            {move || match loaded.get() {
                None => loading("Loading analytics…").into_any(),
                Some(Ok(r)) => report_view(api.clone(), r).into_any(),
                Some(Err(message)) => view! {
                    <div class="problem" role="alert">
                        <p>{message}</p>
                        <button type="button" class="button secondary" on:click={
                            let fetch = fetch.clone();
                            move |_| fetch()
                        }>"Try again"</button>
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}

fn report_view(api: Arc<Api>, r: Report) -> impl IntoView {
    let t = r.all.totals;
    let funnel = chart::funnel_svg("gc-funnel", &format!("Funnel, last {DAYS} days"), &t);
    let sources: Vec<(String, Vec<u64>)> =
        r.sources.iter().take(LINES).map(|s| (s.source.clone(), s.series.daily.iter().map(|f| f.list_views).collect())).collect();
    let jobs: Vec<(String, Vec<u64>)> =
        r.jobs.iter().take(LINES).map(|j| (job_name(j.job_id, &j.title), j.series.daily.iter().map(|f| f.job_views).collect())).collect();
    let by_source = chart::daily_svg("gc-by-source", "Views per day, by source", &r.days, &sources);
    let by_job = chart::daily_svg("gc-by-job", "Job views per day, by job", &r.days, &jobs);
    let source_rows: Vec<(String, Funnel)> = r.sources.iter().map(|s| (s.source.clone(), s.series.totals)).collect();
    let job_rows: Vec<(String, Funnel)> = r.jobs.iter().map(|j| (job_name(j.job_id, &j.title), j.series.totals)).collect();
    let days = r.days.clone();
    view! {
        {r.board.is_none().then(|| view! { <p class="notice">"Connect a job board to count its visitors."</p> })}
        <h3>"Funnel"</h3>
        <div class="chart-wrap" inner_html=funnel></div>
        <p class="delivered" id="gc-delivered">{format!("{} delivered to Greenhouse.", t.delivered)}</p>
        <CsvButton api/>
        <h3>"Views per day, by source"</h3>
        <div class="chart-wrap" inner_html=by_source></div>
        {legend(&sources)}
        {daily_table("gc-table-sources", "Views per day, by source", &days, &sources)}
        <h3>"Job views per day, by job"</h3>
        <div class="chart-wrap" inner_html=by_job></div>
        {legend(&jobs)}
        {daily_table("gc-table-jobs", "Job views per day, by job", &days, &jobs)}
        {totals_table("gc-sources", "Source", "Totals per source", source_rows)}
        {totals_table("gc-jobs-totals", "Job", "Totals per job", job_rows)}
    }
}

fn job_name(id: u64, title: &str) -> String {
    if title.is_empty() {
        format!("Job {id}")
    } else {
        title.to_string()
    }
}

/// Which line is which: the same colour and dash as the chart, and the name as text.
fn legend(series: &[(String, Vec<u64>)]) -> impl IntoView {
    let items = series
        .iter()
        .take(LINES)
        .enumerate()
        .map(|(i, (name, _))| {
            let swatch = format!(
                "<svg width=\"28\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"{}\" stroke-width=\"3\" stroke-dasharray=\"{}\"></line></svg>",
                chart::COLOURS[i],
                chart::DASHES[i]
            );
            view! { <li><span inner_html=swatch></span>" "{name.clone()}</li> }
        })
        .collect_view();
    view! { <ul class="legend" aria-hidden="true">{items}</ul> }
}

/// A chart's numbers for screen readers: one row per day, one column per series.
fn daily_table(id: &'static str, caption: &'static str, days: &[String], series: &[(String, Vec<u64>)]) -> impl IntoView {
    let heads = series.iter().map(|(name, _)| view! { <th scope="col">{name.clone()}</th> }).collect_view();
    let rows = days
        .iter()
        .enumerate()
        .map(|(d, day)| {
            let cells = series.iter().map(|(_, v)| view! { <td>{v.get(d).copied().unwrap_or(0)}</td> }).collect_view();
            view! { <tr><th scope="row">{day.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <table class="visually-hidden" id=id>
            <caption>{caption}</caption>
            <thead><tr><th scope="col">"Day"</th>{heads}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The funnel of each source or job over the period, visible.
fn totals_table(id: &'static str, what: &'static str, caption: &'static str, rows: Vec<(String, Funnel)>) -> impl IntoView {
    let empty = rows.is_empty();
    let body = rows
        .into_iter()
        .map(|(name, f)| {
            let cells = Kind::ALL.iter().map(|k| view! { <td>{f.get(*k)}</td> }).collect_view();
            view! { <tr><th scope="row">{name}</th>{cells}</tr> }
        })
        .collect_view();
    let heads = Kind::ALL.iter().map(|k| view! { <th scope="col">{k.label()}</th> }).collect_view();
    view! {
        <h3>{caption}</h3>
        {empty.then(|| view! { <p class="empty">"Nothing counted yet."</p> })}
        <div class="table-wrap" hidden=empty>
            <table class="jobs" id=id>
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr><th scope="col">{what}</th>{heads}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// "Download CSV": the owner routes need the token, so the file is fetched, then handed to the
/// browser as a Blob URL.
#[component]
fn CsvButton(api: Arc<Api>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let download = move |_| {
        let api = api.clone();
        busy.set(true);
        problem.set(None);
        done.set(None);
        leptos::task::spawn_local(async move {
            match api.analytics_csv(DAYS).await {
                Ok(text) => {
                    let name = format!("analytics-{}.csv", api.org);
                    match save(&text, &name) {
                        Ok(()) => done.set(Some(format!("Downloaded {name} ({} lines).", text.lines().count()))),
                        Err(_) => problem.set(Some("The file could not be saved.".into())),
                    }
                }
                Err(p) => problem.set(Some(p.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="toolbar">
            <button type="button" class="button secondary" id="gc-analytics-csv" disabled=move || busy.get() on:click=download>
                {move || if busy.get() { "Preparing…" } else { "Download CSV" }}
            </button>
        </div>
        <div role="status" class="live">{move || done.get().map(|d| view! { <p class="notice" id="gc-analytics-downloaded">{d}</p> })}</div>
        <div role="alert" class="live">{move || problem.get().map(|p| view! { <p class="problem">{p}</p> })}</div>
    }
}

fn save(text: &str, name: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&text.into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/csv");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let doc = window().document().ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.set_attribute("data-csv", "")?;
    doc.body().ok_or("no body")?.append_child(&a)?;
    a.click();
    a.remove();
    // The click has started the download; the URL can go a little later.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}
