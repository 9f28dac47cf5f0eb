//! Search box and one select per facet. The option lists are fixed per board so focus and
//! selection never jump; only the counts beside each option change as filters compose.

use crate::views::dom::{attrs, button, el, listen, texted};
use leptos::prelude::*;
use shared::board::{BoardIndex, Facet, Filters};
use std::sync::Arc;
use wasm_bindgen::JsCast;

pub fn filter_bar(index: Arc<BoardIndex>) -> web_sys::HtmlElement {
    let ctx = crate::app::ctx();
    let t = ctx.t;
    let filters = ctx.filters;
    let id = |name: &str| {
        let mut id = ctx.opts.prefix.clone();
        id.push_str(name);
        id
    };
    let facets: Vec<(Facet, &'static str, &'static str)> = [
        (Facet::Department, t.department, "department"),
        (Facet::Office, t.office, "office"),
        (Facet::Location, t.location, "location"),
        (Facet::Workplace, t.workplace, "workplace"),
    ]
    .into_iter()
    .filter(|(facet, _, _)| index.facet(*facet, &Filters::default()).len() > 1)
    .collect();
    // The selects are written with plain DOM calls once, then only their values and counts
    // change (one effect for all of them, instead of a reactive closure per option).
    let selects = el("div", "selects", None);
    for (facet, label, name) in &facets {
        let _ = selects.append_with_node_1(&facet_select(&index, *facet, label, &id(name)));
    }
    {
        let (facets, div) = (facets.clone(), selects.clone());
        Effect::new(move |_| {
            filters.with(|f| {
                let children = div.children();
                for (i, (facet, label, _)) in facets.iter().enumerate() {
                    let Some(select) = children.item(i as u32).and_then(|d| d.last_element_child()) else { continue };
                    let select: web_sys::HtmlSelectElement = select.unchecked_into();
                    let options = select.children();
                    let mut without = f.clone();
                    clear(&mut without, *facet);
                    let _ = options.item(0).map(|o| o.set_text_content(Some(&with_count("", label, index.select(&without).len()))));
                    for (j, o) in index.facet(*facet, f).into_iter().enumerate() {
                        let text = with_count(&"\u{00a0}\u{00a0}".repeat(o.depth), &o.label, o.count);
                        let _ = options.item(j as u32 + 1).map(|el| el.set_text_content(Some(&text)));
                    }
                    let current = match facet {
                        Facet::Department => f.departments.first().map(u64::to_string),
                        Facet::Office => f.offices.first().map(u64::to_string),
                        Facet::Location => f.locations.first().cloned(),
                        Facet::Workplace => f.workplace.first().cloned(),
                    };
                    select.set_value(current.as_deref().unwrap_or_default());
                }
            });
        });
    }
    let prefix = ctx.opts.prefix.clone();
    listen(&selects, "change", move |ev| {
        let Some(select) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) else { return };
        let Some(name) = select.id().strip_prefix(prefix.as_str()).map(str::to_string) else { return };
        let Some(&(facet, _, _)) = facets.iter().find(|(_, _, n)| *n == name) else { return };
        let key = select.value();
        filters.update(|f| {
            clear(f, facet);
            if !key.is_empty() {
                f.toggle(facet, &key);
            }
        })
    });

    let bar = el("div", "filters", Some("filters"));
    attrs(&bar, &[("role", "search"), ("aria-label", t.filters)]);
    let search = el("div", "search", None);
    let label = texted("label", "visually-hidden", None, t.search_label);
    let _ = label.set_attribute("for", &id("search"));
    let input: web_sys::HtmlInputElement = el("input", "", Some("search")).unchecked_into();
    input.set_id(&id("search"));
    attrs(&input, &[("type", "search"), ("autocomplete", "off"), ("placeholder", t.search_placeholder)]);
    listen(&input, "input", move |ev| {
        let value = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default();
        filters.update(|f| f.query = value);
    });
    {
        // What the URL or "Clear all" says; left alone while it already matches, so the caret stays.
        let input = input.clone();
        Effect::new(move |_| {
            filters.with(|f| {
                if input.value() != f.query {
                    input.set_value(&f.query);
                }
            })
        });
    }
    let _ = search.append_with_node_2(&label, &input);
    let clear_all = button("clear", Some("clear"), t.clear_all, move |_| filters.set(Filters::default()));
    {
        let b = clear_all.clone();
        Effect::new(move |_| b.set_hidden(filters.with(Filters::is_empty)));
    }
    let _ = bar.append_with_node_3(&search, &selects, &clear_all);
    bar
}

fn clear(f: &mut Filters, facet: Facet) {
    match facet {
        Facet::Department => f.departments.clear(),
        Facet::Office => f.offices.clear(),
        Facet::Location => f.locations.clear(),
        Facet::Workplace => f.workplace.clear(),
    }
}

/// "Engineering (16)".
fn with_count(indent: &str, label: &str, count: usize) -> String {
    let mut s = String::from(indent);
    s.push_str(label);
    s.push_str(" (");
    s.push_str(&count.to_string());
    s.push(')');
    s
}

/// One facet's label and select, with its options (texts and values are set by the effect).
fn facet_select(index: &BoardIndex, facet: Facet, label: &str, id: &str) -> web_sys::HtmlElement {
    let wrap = el("div", "facet", None);
    let l = texted("label", "", None, label);
    let _ = l.set_attribute("for", id);
    let select = el("select", "", Some("filter"));
    select.set_id(id);
    let _ = select.append_with_node_1(&option(""));
    for o in index.facet(facet, &Filters::default()) {
        let _ = select.append_with_node_1(&option(&o.key));
    }
    let _ = wrap.append_with_node_2(&l, &select);
    wrap
}

fn option(value: &str) -> web_sys::HtmlElement {
    let o = el("option", "", None);
    let _ = o.set_attribute("value", value);
    o
}
