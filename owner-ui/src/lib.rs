//! What the owner bundles share (the console, and the candidate components on a host's
//! pages): one call to the worker with the owner token as a bearer token, the error body read
//! leniently, and a fresh shadow root to mount into. Each bundle links its own copy; the code
//! lives once.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

/// A refused or failed call: the worker's message, and per-field problems.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub message: String,
    pub fields: Vec<(String, String)>,
}

pub fn problem(message: impl Into<String>) -> Problem {
    Problem { message: message.into(), fields: vec![] }
}

/// The error body every route answers with (`shared::api::ErrorBody`), read leniently: a
/// field problem's `code` is not needed here, so an unknown one cannot hide the message.
#[derive(Deserialize)]
struct WireError {
    error: WireInfo,
    #[serde(default)]
    fields: Vec<WireField>,
}

#[derive(Deserialize)]
struct WireInfo {
    message: String,
}

#[derive(Deserialize)]
struct WireField {
    field: String,
    message: String,
}

/// A body as JSON. JSON-compatible: `None` is sent as `null` (which clears optional fields).
pub fn json(body: &impl Serialize) -> Result<String, Problem> {
    body.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()
        .and_then(|v| js_sys::JSON::stringify(&v).ok())
        .and_then(|s| s.as_string())
        .ok_or_else(|| problem("Could not prepare the request."))
}

/// One request and its JSON answer. Not generic, so a bundle holds it once however many
/// routes and types use it.
pub async fn send(method: &str, url: &str, token: &str, body: Option<String>) -> Result<JsValue, Problem> {
    let auth = format!("Bearer {token}");
    let builder = match method {
        "PUT" => gloo_net::http::Request::put(url),
        "PATCH" => gloo_net::http::Request::patch(url),
        "DELETE" => gloo_net::http::Request::delete(url),
        "POST" => gloo_net::http::Request::post(url),
        _ => gloo_net::http::Request::get(url),
    }
    .header("Authorization", &auth);
    let req = match body {
        Some(json) => builder.header("Content-Type", "application/json").body(json).map_err(|e| problem(e.to_string()))?,
        None => builder.build().map_err(|e| problem(e.to_string()))?,
    };
    let resp = req.send().await.map_err(|_| problem("The server could not be reached."))?;
    let ok = resp.ok();
    let raw = web_sys::Response::from(resp);
    let value = match raw.json() {
        Ok(p) => wasm_bindgen_futures::JsFuture::from(p).await.map_err(|_| problem("The server sent an unreadable answer."))?,
        Err(_) => return Err(problem("The server sent an unreadable answer.")),
    };
    if ok {
        return Ok(value);
    }
    let e: WireError = serde_wasm_bindgen::from_value(value).map_err(|_| problem("The request failed."))?;
    Err(Problem { message: e.error.message, fields: e.fields.into_iter().map(|f| (f.field, f.message)).collect() })
}

/// A `GET` whose answer is text (a CSV download), with the owner token.
pub async fn text(url: &str, token: &str) -> Result<String, Problem> {
    let resp = gloo_net::http::Request::get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| problem("The server could not be reached."))?;
    if !resp.ok() {
        return Err(problem("The download failed."));
    }
    resp.text().await.map_err(|_| problem("The server sent an unreadable answer."))
}

/// [`send`], and the answer read as `T`.
pub async fn call<T: DeserializeOwned>(method: &str, url: &str, token: &str, body: Option<String>) -> Result<T, Problem> {
    let value = send(method, url, token, body).await?;
    serde_wasm_bindgen::from_value(value).map_err(|e| problem(e.to_string()))
}

/// A text option of the mount call (`options.key`), trimmed.
pub fn option(obj: &JsValue, key: &str) -> String {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).ok().and_then(|v| v.as_string()).unwrap_or_default().trim().to_string()
}

/// A fresh shadow root on `host` (emptied if it has one) with `style`, and the element of
/// class `class` to mount into.
pub fn shadow_mount(host: &HtmlElement, style: &str, class: &str) -> Result<HtmlElement, JsValue> {
    console_error_panic_hook::set_once();
    let shadow = match host.shadow_root() {
        Some(s) => {
            s.set_inner_html("");
            s
        }
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let sheet = document.create_element("style")?;
    sheet.set_text_content(Some(style));
    shadow.append_child(&sheet)?;
    let root: HtmlElement = document.create_element("div")?.unchecked_into();
    root.set_class_name(class);
    shadow.append_child(&root)?;
    Ok(root)
}
