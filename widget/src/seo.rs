//! Puts the open job's schema.org `JobPosting` into the host page's `<head>` and takes it out
//! again when the view changes.

use shared::api::JobDetail;
use wasm_bindgen::JsCast;

fn selector(prefix: &str) -> String {
    format!("script[data-ghw-jsonld='{prefix}']")
}

pub fn remove(prefix: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Ok(Some(old)) = doc.query_selector(&selector(prefix)) {
        old.remove();
    }
}

pub fn set(prefix: &str, detail: &JobDetail, page_url: &str) {
    remove(prefix);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let (Some(head), Ok(script)) = (doc.head(), doc.create_element("script")) else { return };
    let _ = script.set_attribute("type", "application/ld+json");
    let _ = script.set_attribute("data-ghw-jsonld", prefix);
    let posting = shared::seo::job_posting(detail, Some(page_url), false);
    // Serialised by the browser's JSON, keeping serde_json out of the visitor bundle.
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    let Ok(value) = serde::Serialize::serialize(&posting, &ser) else { return };
    let Some(json) = js_sys::JSON::stringify(&value).ok().and_then(|s| s.as_string()) else { return };
    script.set_text_content(Some(&shared::seo::script_safe(&json)));
    let _ = head.append_child(script.unchecked_ref());
}
