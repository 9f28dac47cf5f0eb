//! Puts the open job's schema.org `JobPosting` into the host page's `<head>` and takes it out
//! again when the view changes.

use wasm_bindgen::{JsCast, JsValue};

fn selector(prefix: &str) -> String {
    format!("script[data-ghw-jsonld='{prefix}']")
}

pub fn remove(prefix: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Ok(Some(old)) = doc.query_selector(&selector(prefix)) {
        old.remove();
    }
}

/// `posting` is the job's `JobPosting` as the worker built it (`json_ld` of its job answer);
/// only the host page's URL and the description (the answer's `content_html`) are added here,
/// and the browser's JSON writes it out.
pub fn set(prefix: &str, posting: &JsValue, description: &str, page_url: &str) {
    remove(prefix);
    if !posting.is_object() {
        return;
    }
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let (Some(head), Ok(script)) = (doc.head(), doc.create_element("script")) else { return };
    let _ = script.set_attribute("type", "application/ld+json");
    let _ = script.set_attribute("data-ghw-jsonld", prefix);
    let _ = js_sys::Reflect::set(posting, &"url".into(), &page_url.into());
    let _ = js_sys::Reflect::set(posting, &"description".into(), &description.into());
    let Ok(json) = js_sys::JSON::stringify(posting) else { return };
    // `<` escaped, so no `</script>` in a job's text can end the element.
    let json: String = json.replace_all("<", "\\u003c").into();
    script.set_text_content(Some(&json));
    let _ = head.append_child(script.unchecked_ref());
}
