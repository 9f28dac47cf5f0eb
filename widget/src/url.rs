//! The widget's state in the host page's URL: filters under this widget's prefix (replaced
//! in place as they change), the open job as Greenhouse's `gh_jid` (pushed, so back and
//! forward work), and source tracking (`gh_src`, `utm_*`) kept for the apply step.

use shared::board::Filters;
use web_sys::UrlSearchParams;

fn params() -> Option<UrlSearchParams> {
    let search = web_sys::window()?.location().search().ok()?;
    UrlSearchParams::new_with_str(&search).ok()
}

fn pairs(p: &UrlSearchParams) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let entries = js_sys::try_iter(p).ok().flatten();
    for entry in entries.into_iter().flatten().flatten() {
        let pair = js_sys::Array::from(&entry);
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            out.push((k, v));
        }
    }
    out
}

pub fn read_filters(prefix: &str) -> Filters {
    let Some(p) = params() else { return Filters::default() };
    let all = pairs(&p);
    Filters::from_params(prefix, all.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

pub fn read_job() -> Option<u64> {
    params()?.get("gh_jid")?.trim().parse().ok()
}

/// `gh_src` and `utm_*` from the host page, to carry into the apply step.
pub fn tracking() -> Vec<(String, String)> {
    params().map(|p| pairs(&p)).unwrap_or_default().into_iter().filter(|(k, _)| k == "gh_src" || k.starts_with("utm_")).collect()
}

/// Whether the URL changed.
fn write(edit: impl FnOnce(&UrlSearchParams), push: bool) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let Some(p) = params() else { return false };
    edit(&p);
    let loc = window.location();
    let query = p.to_string().as_string().unwrap_or_default();
    let url = format!("{}{}{}", loc.pathname().unwrap_or_default(), if query.is_empty() { "" } else { "?" }, query);
    let url = format!("{url}{}", loc.hash().unwrap_or_default());
    // Nothing to write when the URL says it already: an app's router keeps its history state.
    let now = format!("{}{}{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default(), loc.hash().unwrap_or_default());
    if url == now {
        return false;
    }
    let Ok(history) = window.history() else { return false };
    {
        let _ = if push {
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        } else {
            // A replaced entry keeps the state an app's router put on it.
            let state = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
            history.replace_state_with_url(&state, "", Some(&url))
        };
    }
    true
}

/// Writes this widget's filters into the URL, leaving every other parameter as it was.
pub fn write_filters(prefix: &str, f: &Filters) {
    let _ = write(
        |p| {
            for name in Filters::param_names(prefix) {
                p.delete(&name);
            }
            for (k, v) in f.to_params(prefix) {
                p.set(&k, &v);
            }
        },
        false,
    );
}

/// Opens (`Some`) or closes (`None`) a job in the URL as a new history entry; whether it
/// made one (not when the URL already says so).
pub fn push_job(job: Option<u64>) -> bool {
    write(
        |p| match job {
            Some(id) => p.set("gh_jid", &id.to_string()),
            None => p.delete("gh_jid"),
        },
        true,
    )
}

/// Appends `gh_src` (and `utm_*`) to an apply URL so Greenhouse credits the source.
pub fn with_tracking(url: &str, tracking: &[(String, String)]) -> String {
    if tracking.is_empty() {
        return url.to_string();
    }
    let Ok(u) = web_sys::Url::new(url) else { return url.to_string() };
    let sp = u.search_params();
    for (k, v) in tracking {
        sp.set(k, v);
    }
    u.href()
}
