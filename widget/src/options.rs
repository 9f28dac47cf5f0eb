//! Embed options, read from the script tag's `data-*` attributes by the loader and passed to
//! `mount` as a plain object.

use crate::i18n::Lang;
use shared::board::GroupBy;
use wasm_bindgen::JsValue;

#[derive(Clone, Debug)]
pub struct Options {
    pub board: String,
    /// The worker's `/api/v1` URL.
    pub api_base: String,
    /// `data-group-by`: `department` (default), `office` or `none`.
    pub group_by: GroupBy,
    /// `data-departments` / `data-offices`: names or ids this embed is limited to.
    pub departments: String,
    pub offices: String,
    /// `data-lang`, else the host page's `lang`, else English.
    pub lang: Lang,
    /// `data-page-size`: how many jobs before "Show more" (0 = all).
    pub page_size: usize,
    /// `data-layout="compact"`: denser rows.
    pub compact: bool,
    /// `data-filters="false"` hides the filter panel.
    pub filters: bool,
    /// Prefix of this widget's URL parameters (`ghw_`, `ghw2_` for a second widget…).
    pub prefix: String,
    /// Owner analytics (set by the loader): the host page's `gh_src` / `utm_source` as a query,
    /// and whether this widget's listing request stands for the page's list view.
    pub track: String,
    pub count_list: bool,
}

fn get(obj: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).ok()?.as_string().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl Options {
    pub fn from_js(obj: &JsValue) -> Self {
        let page_lang = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()).and_then(|e| e.get_attribute("lang"));
        let index: usize = get(obj, "index").and_then(|s| s.parse().ok()).unwrap_or(0);
        Self {
            board: get(obj, "board").unwrap_or_default(),
            api_base: get(obj, "apiBase").unwrap_or_default(),
            group_by: get(obj, "groupBy").map(|s| GroupBy::parse(&s)).unwrap_or_default(),
            departments: get(obj, "departments").unwrap_or_default(),
            offices: get(obj, "offices").unwrap_or_default(),
            lang: Lang::pick(get(obj, "lang").as_deref().or(page_lang.as_deref())),
            page_size: get(obj, "pageSize").and_then(|s| s.parse().ok()).unwrap_or(0),
            compact: get(obj, "layout").is_some_and(|l| l == "compact"),
            filters: get(obj, "filters").is_none_or(|f| f != "false"),
            prefix: if index == 0 { "ghw_".into() } else { format!("ghw{}_", index + 1) },
            track: get(obj, "track").unwrap_or_default(),
            count_list: get(obj, "countList").is_some(),
        }
    }
}
