//! The widget's first paint, rendered here: the board as the widget draws it (the same
//! elements, classes, parts, ids and words, with the widget's own style sheet), so `widget.js`
//! can show the jobs before any wasm arrives and the wasm can take over without a jump.
//!
//! Nothing in it needs script: job links go to the crawlable job pages and "show more" to the
//! crawlable board, so the board works as links if the wasm never runs. The filter bar is drawn
//! (so nothing moves when it comes alive) but `inert` until then.

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use shared::api::{hosted_board_url, BoardListing};
use shared::board::{resolve_scope, BoardIndex, Facet, Filters, GroupBy};
use shared::i18n::Lang;
use std::fmt::Write;

/// The widget's style sheet, the one the wasm applies.
pub const WIDGET_CSS: &str = include_str!("../../widget/src/style.css");

/// The embed's options as `widget.js` reads them from `data-*` (the same rules as the widget),
/// plus the host page's filter parameters for this widget.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub group_by: GroupBy,
    pub departments: String,
    pub offices: String,
    pub lang: Lang,
    pub page_size: usize,
    pub compact: bool,
    pub filters: bool,
    /// This widget's URL parameter prefix (`ghw_`, `ghw2_` …).
    pub prefix: String,
    /// What the host page's URL asks for now (search, facets), under `prefix`.
    pub state: Filters,
    /// Whether elements carry the widget's `part` names (in a shadow root, for `::part()`).
    pub parts: bool,
}

impl Options {
    /// From the fragment URL's query: `group_by`, `departments`, `offices`, `lang`, `page_size`,
    /// `layout`, `filters`, `index`, and the host page's own `{prefix}*` parameters.
    pub fn from_query(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
        let index: usize = get("index").and_then(|s| s.parse().ok()).unwrap_or(0);
        let prefix = if index == 0 { "ghw_".to_string() } else { format!("ghw{}_", index + 1) };
        let state = Filters::from_params(&prefix, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        Self {
            group_by: get("group_by").map(GroupBy::parse).unwrap_or_default(),
            departments: get("departments").unwrap_or_default().to_string(),
            offices: get("offices").unwrap_or_default().to_string(),
            lang: Lang::pick(get("lang")),
            page_size: get("page_size").and_then(|s| s.parse().ok()).unwrap_or(0).min(10_000),
            compact: get("layout") == Some("compact"),
            filters: get("filters") != Some("false"),
            prefix,
            state,
            parts: true,
        }
    }
}

fn facet_id(f: Facet) -> &'static str {
    match f {
        Facet::Department => "department",
        Facet::Office => "office",
        Facet::Location => "location",
        Facet::Workplace => "workplace",
    }
}

/// Whether `key` is the option a select shows: the facet's first choice, as in the widget.
fn is_selected(state: &Filters, facet: Facet, key: &str) -> bool {
    match facet {
        Facet::Department => state.departments.first().map(u64::to_string),
        Facet::Office => state.offices.first().map(u64::to_string),
        Facet::Location => state.locations.first().cloned(),
        Facet::Workplace => state.workplace.first().cloned(),
    }
    .is_some_and(|first| first == key)
}

/// The fragment: the widget's style sheet and its board, as the widget would draw it now.
/// `job_url(id)` and `board_url` are the crawlable pages the links lead to.
/// `stale`: the copy is Greenhouse's last good one (the widget then says so, and so does this).
pub fn render(listing: &BoardListing, o: &Options, stale: bool, job_url: &dyn Fn(u64) -> String, board_url: &str) -> String {
    format!("<style>{WIDGET_CSS}</style>{}", render_board(listing, o, stale, job_url, board_url))
}

/// The board alone (the `.ghw` root), as the fragment and the crawlable board page draw it.
/// The count and the stale notice are plain text here, not live regions: the live widget's
/// own announce changes once it has taken over (two copies would be read twice).
pub fn render_board(listing: &BoardListing, o: &Options, stale: bool, job_url: &dyn Fn(u64) -> String, board_url: &str) -> String {
    let t = o.lang.t();
    let scope = Filters {
        departments: resolve_scope(&o.departments, listing.departments.iter().map(|d| (d.id, d.name.as_str()))),
        offices: resolve_scope(&o.offices, listing.offices.iter().map(|x| (x.id, x.name.as_str()))),
        ..Default::default()
    };
    let index = BoardIndex::new(listing.clone(), &scope);
    let matches = index.select(&o.state);
    let total = index.scope_len();
    let p = &o.prefix;
    // Shadow parts, for hosts' ::part() theming (not on the crawlable page: no shadow root there).
    let part = |n: &str| if o.parts { format!(" part=\"{n}\"") } else { String::new() };
    let pt_clear = part("clear");
    let pt_featured = part("featured");
    let pt_filter = part("filter");
    let pt_filters = part("filters");
    let pt_group = part("group");
    let pt_job = part("job");
    let pt_more = part("more");
    let pt_notice = part("notice");
    let pt_root = part("root");
    let pt_search = part("search");
    let pt_tags = part("tags");
    let pt_title = part("title");
    let mut h = String::with_capacity(8 * 1024 + listing.jobs.len() * 200);
    let _ = write!(h, "<div class=\"ghw\"{pt_root} lang=\"{}\" data-fragment=\"\">", o.lang.tag());
    h.push_str(if o.compact { "<div class=\"compact\">" } else { "<div>" });
    if stale {
        let _ = write!(h, "<p class=\"notice\"{pt_notice}>{}</p>", text(t.stale));
    }
    let _ = write!(
        h,
        "<section class=\"board\" aria-labelledby=\"{p}title\"><h2 class=\"board-title\" id=\"{p}title\"{pt_title}>{}</h2>",
        text(&listing.board.name)
    );
    if o.filters && total > 0 {
        let _ = write!(
            h,
            "<div class=\"filters\" role=\"search\" aria-label=\"{}\"{pt_filters} inert=\"\"><div class=\"search\">\
             <label class=\"visually-hidden\" for=\"{p}search\">{}</label><input id=\"{p}search\" type=\"search\"{pt_search} \
             autocomplete=\"off\" placeholder=\"{}\" value=\"{}\"></div><div class=\"selects\">",
            attr(t.filters),
            text(t.search_label),
            attr(t.search_placeholder),
            attr(&o.state.query)
        );
        for (facet, label) in
            [(Facet::Department, t.department), (Facet::Office, t.office), (Facet::Location, t.location), (Facet::Workplace, t.workplace)]
        {
            let options = index.facet(facet, &Filters::default());
            if options.len() <= 1 {
                continue;
            }
            let counts = index.facet(facet, &o.state);
            let mut without = o.state.clone();
            match facet {
                Facet::Department => without.departments.clear(),
                Facet::Office => without.offices.clear(),
                Facet::Location => without.locations.clear(),
                Facet::Workplace => without.workplace.clear(),
            }
            let id = facet_id(facet);
            let _ = write!(
                h,
                "<div class=\"facet\"><label for=\"{p}{id}\">{}</label><select id=\"{p}{id}\"{pt_filter}><option value=\"\">{} ({})</option>",
                text(label),
                text(label),
                index.select(&without).len()
            );
            for (i, opt) in options.iter().enumerate() {
                let count = counts.get(i).map_or(0, |c| c.count);
                let _ = write!(
                    h,
                    "<option value=\"{}\"{}>{}{} ({count})</option>",
                    attr(&opt.key),
                    if is_selected(&o.state, facet, &opt.key) { " selected=\"\"" } else { "" },
                    "\u{a0}\u{a0}".repeat(opt.depth),
                    text(&opt.label)
                );
            }
            h.push_str("</select></div>");
        }
        let _ = write!(
            h,
            "</div><button type=\"button\" class=\"clear\"{pt_clear}{}>{}</button></div>",
            if o.state.is_empty() { " hidden=\"\"" } else { "" },
            text(t.clear_all)
        );
    }
    let _ = write!(h, "<p class=\"count\">{}</p>", text(&t.count(matches.len())));
    if total == 0 {
        let _ = write!(
            h,
            "<p class=\"empty\">{} <a href=\"{}\" target=\"_blank\" rel=\"noopener\">{}</a></p>",
            text(t.no_jobs),
            attr(&hosted_board_url(&listing.board.token)),
            text(t.see_hosted)
        );
    } else if matches.is_empty() {
        let _ = write!(h, "<p class=\"empty\">{}</p>", text(t.no_matches));
    }
    let _ = write!(h, "<div class=\"groups\" aria-label=\"{}\" role=\"region\">", attr(t.job_list));
    let label = if o.group_by == GroupBy::None { t.all_jobs_group } else { t.other_group };
    let mut budget = if o.page_size == 0 { usize::MAX } else { o.page_size };
    for g in index.group(&matches, o.group_by, label) {
        if budget == 0 {
            break;
        }
        let _ = write!(h, "<section class=\"group\"{pt_group}>");
        if !g.name.is_empty() {
            let _ = write!(h, "<h3>{}</h3>", text(g.name));
        }
        h.push_str("<ul role=\"list\">");
        for j in g.jobs.iter().take(budget) {
            budget -= 1;
            let _ = write!(
                h,
                "<li class=\"job\"{pt_job}><a class=\"job-title\" href=\"{}\" data-job-id=\"{}\">{}</a>",
                attr(&job_url(j.id)),
                j.id,
                text(&j.title)
            );
            if j.featured {
                let _ = write!(h, "<span class=\"badge featured\"{pt_featured}>{}</span>", text(t.featured));
            }
            if !j.tags.is_empty() {
                let _ = write!(h, "<ul class=\"tags\"{pt_tags}>");
                for tag in &j.tags {
                    let _ = write!(h, "<li>{}</li>", text(tag));
                }
                h.push_str("</ul>");
            }
            let _ = write!(h, "<span class=\"job-location\">{}</span></li>", text(&j.location));
        }
        h.push_str("</ul></section>");
    }
    h.push_str("</div>");
    if o.page_size > 0 && matches.len() > o.page_size {
        let _ = write!(h, "<a class=\"more\"{pt_more} href=\"{}\">{}</a>", attr(board_url), text(t.show_more));
    }
    h.push_str("</section></div></div>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Snapshot, Upstream};

    fn listing() -> BoardListing {
        let jobs = serde_json::from_str(
            r#"{"jobs":[
              {"id":11,"title":"Rust <Engineer>","location":{"name":"Berlin"},"departments":[{"id":1,"name":"Eng"}],"offices":[{"id":5,"name":"Berlin"}]},
              {"id":12,"title":"Designer","location":{"name":"Remote"},"departments":[{"id":2,"name":"Design"}],"offices":[{"id":6,"name":"Remote"}]},
              {"id":13,"title":"Go Engineer","location":{"name":"Berlin"},"departments":[{"id":1,"name":"Eng"}],"offices":[{"id":5,"name":"Berlin"}]}]}"#,
        )
        .unwrap();
        let s = Snapshot::build("acme", Upstream { jobs, departments: None, offices: None, board: None }, 0);
        s.listing.clone()
    }

    fn q(pairs: &[(&str, &str)]) -> Options {
        Options::from_query(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
    }

    fn render_with(o: &Options) -> String {
        render(&listing(), o, false, &|id| format!("https://w.example/boards/acme/jobs/{id}"), "https://w.example/boards/acme")
    }

    #[test]
    fn the_board_as_the_widget_draws_it_with_links_that_work_without_script() {
        let h = render_with(&q(&[]));
        assert!(h.starts_with("<style>") && h.contains("data-fragment"), "{h}");
        assert!(h.contains("<h3>Eng</h3>") && h.contains("<h3>Design</h3>"), "grouped by department");
        assert!(h.contains("href=\"https://w.example/boards/acme/jobs/11\" data-job-id=\"11\">Rust &lt;Engineer&gt;</a>"), "{h}");
        assert!(h.contains(">3 jobs</p>"));
        assert!(h.contains("part=\"filters\" inert=\"\""), "filters drawn but inert");
        assert!(h.contains("<option value=\"\">Department (3)</option>"));
        assert!(!h.contains("<script"), "nothing to run");
    }

    #[test]
    fn options_and_the_host_pages_state_are_honoured() {
        let h = render_with(&q(&[("lang", "de"), ("group_by", "none"), ("page_size", "1"), ("ghw_q", "engineer")]));
        assert!(h.contains(">2 Stellen</p>"), "German, searched: {h}");
        assert!(!h.contains("<h3>"), "no heading when not grouped");
        assert_eq!(h.matches("class=\"job\"").count(), 1, "one page");
        assert!(h.contains("class=\"more\" part=\"more\" href=\"https://w.example/boards/acme\""), "show more leads to the board page");
        assert!(h.contains("value=\"engineer\""));
        let second = render_with(&q(&[("index", "1"), ("ghw_q", "engineer"), ("filters", "false"), ("layout", "compact")]));
        assert!(second.contains("id=\"ghw2_title\"") && second.contains(">3 jobs</p>"), "another widget's prefix, not this one's state");
        assert!(!second.contains("class=\"filters\"") && second.contains("<div class=\"compact\">"));
        let scoped = render_with(&q(&[("departments", "Design")]));
        assert!(scoped.contains(">1 job</p>") && !scoped.contains("Go Engineer"));
    }
}
