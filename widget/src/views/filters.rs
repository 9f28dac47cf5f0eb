//! Search box and one select per facet. The option lists are fixed per board so focus and
//! selection never jump; only the counts beside each option change as filters compose.

use crate::app::Ctx;
use leptos::prelude::*;
use shared::board::{BoardIndex, Facet, Filters};
use std::sync::Arc;

pub fn filter_bar(index: Arc<BoardIndex>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.t;
    let filters = ctx.filters;
    let id = |name: &str| format!("{}{name}", ctx.opts.prefix);
    let facets = [
        (Facet::Department, t.department, "department"),
        (Facet::Office, t.office, "office"),
        (Facet::Location, t.location, "location"),
        (Facet::Workplace, t.workplace, "workplace"),
    ];
    let selects = facets
        .into_iter()
        .filter(|(facet, _, _)| index.facet(*facet, &Filters::default()).len() > 1)
        .map(|(facet, label, name)| facet_select(index.clone(), facet, label, id(name)))
        .collect_view();
    view! {
        <div class="filters" role="search" aria-label=t.filters part="filters">
            <div class="search">
                <label class="visually-hidden" for=id("search")>{t.search_label}</label>
                <input id=id("search") type="search" part="search" autocomplete="off"
                    placeholder=t.search_placeholder
                    prop:value=move || filters.with(|f| f.query.clone())
                    on:input=move |ev| filters.update(|f| f.query = event_target_value(&ev))/>
            </div>
            <div class="selects">{selects}</div>
            <button type="button" class="clear" part="clear"
                hidden=move || filters.with(Filters::is_empty)
                on:click=move |_| filters.set(Filters::default())>{t.clear_all}</button>
        </div>
    }
}

fn facet_select(index: Arc<BoardIndex>, facet: Facet, label: &'static str, id: String) -> impl IntoView {
    let filters = expect_context::<Ctx>().filters;
    let options = index.facet(facet, &Filters::default());
    let counts = {
        let index = index.clone();
        Memo::new(move |_| filters.with(|f| index.facet(facet, f).into_iter().map(|o| o.count).collect::<Vec<_>>()))
    };
    let all = index.clone();
    let all_count = Memo::new(move |_| {
        filters.with(|f| {
            let mut without = f.clone();
            match facet {
                Facet::Department => without.departments.clear(),
                Facet::Office => without.offices.clear(),
                Facet::Location => without.locations.clear(),
                Facet::Workplace => without.workplace.clear(),
            }
            all.select(&without).len()
        })
    });
    let current = move || {
        filters
            .with(|f| match facet {
                Facet::Department => f.departments.first().map(u64::to_string),
                Facet::Office => f.offices.first().map(u64::to_string),
                Facet::Location => f.locations.first().cloned(),
                Facet::Workplace => f.workplace.first().cloned(),
            })
            .unwrap_or_default()
    };
    let on_change = move |ev| {
        let key = event_target_value(&ev);
        filters.update(|f| {
            match facet {
                Facet::Department => f.departments.clear(),
                Facet::Office => f.offices.clear(),
                Facet::Location => f.locations.clear(),
                Facet::Workplace => f.workplace.clear(),
            }
            if !key.is_empty() {
                f.toggle(facet, &key);
            }
        })
    };
    let items = options
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            let indent = "\u{00a0}\u{00a0}".repeat(o.depth);
            let label = o.label.clone();
            view! { <option value=o.key>{move || format!("{indent}{label} ({})", counts.with(|c| c.get(i).copied().unwrap_or(0)))}</option> }
        })
        .collect_view();
    view! {
        <div class="facet">
            <label for=id.clone()>{label}</label>
            <select id=id part="filter" prop:value=current on:change=on_change>
                <option value="">{move || format!("{label} ({})", all_count.get())}</option>
                {items}
            </select>
        </div>
    }
}
