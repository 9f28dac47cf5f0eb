//! Request bodies read as streams with a hard cap, so a chunked upload (no Content-Length)
//! or a lying Content-Length cannot make the worker buffer more than the cap.

use crate::error::ApiError;
use futures_util::StreamExt;
use worker::Request;

/// Adds a chunk to `buf` unless that would pass `cap`. Pure, so the rule is tested natively.
pub fn push_capped(buf: &mut Vec<u8>, chunk: &[u8], cap: usize) -> Result<(), ApiError> {
    if buf.len().saturating_add(chunk.len()) > cap {
        return Err(ApiError::PayloadTooLarge);
    }
    buf.extend_from_slice(chunk);
    Ok(())
}

/// Reads the whole body, refusing it (413) as soon as it passes `cap` bytes.
pub async fn read_capped(req: &mut Request, cap: usize) -> Result<Vec<u8>, ApiError> {
    let declared: Option<u64> = req.headers().get("Content-Length").ok().flatten().and_then(|l| l.trim().parse().ok());
    if declared.is_some_and(|l| l > cap as u64) {
        return Err(ApiError::PayloadTooLarge);
    }
    let mut buf = Vec::new();
    let Ok(mut stream) = req.stream() else { return Ok(buf) }; // no body
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::BadRequest("The request body could not be read.".into()))?;
        push_capped(&mut buf, &chunk, cap)?;
    }
    Ok(buf)
}

/// The most entries a form may have: a Greenhouse form has dozens; thousands of tiny fields
/// are only a way to make parsing expensive.
pub const MAX_FORM_ENTRIES: usize = 500;

/// A parsed multipart form: the runtime's FormData, and the names of its fields in order.
pub struct Form {
    pub data: worker::FormData,
    pub names: Vec<String>,
}

/// Parses a multipart body already read (and capped) with the runtime's own parser.
pub async fn form_data(req: &Request, body: Vec<u8>) -> Result<Form, ApiError> {
    let bad = || ApiError::BadRequest("Send the application as multipart/form-data.".into());
    let content_type = req.headers().get("Content-Type").ok().flatten().ok_or_else(bad)?;
    if !content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(bad());
    }
    let headers = worker::Headers::new();
    headers.set("Content-Type", &content_type).map_err(|_| bad())?;
    let array = js_sys::Uint8Array::from(body.as_slice());
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post).with_headers(headers).with_body(Some(array.into()));
    let copy = Request::new_with_init("https://body.internal/", &init).map_err(|_| bad())?;
    let promise = copy.inner().form_data().map_err(|_| bad())?;
    let js = js_sys::futures::JsFuture::from(promise).await.map_err(|_| bad())?;
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut entries = 0;
    if let Ok(Some(iter)) = js_sys::try_iter(&js) {
        for entry in iter.flatten() {
            entries += 1;
            if entries > MAX_FORM_ENTRIES {
                return Err(ApiError::BadRequest(format!("A form has at most {MAX_FORM_ENTRIES} fields.")));
            }
            let name = js_sys::Array::from(&entry).get(0).as_string().unwrap_or_default();
            if seen.insert(name.clone()) {
                names.push(name);
            }
        }
    }
    Ok(Form { data: worker::FormData::from(js), names })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_holds_across_chunks() {
        let mut buf = Vec::new();
        assert!(push_capped(&mut buf, &[0; 6], 10).is_ok());
        assert!(push_capped(&mut buf, &[0; 4], 10).is_ok(), "exactly at the cap");
        assert!(matches!(push_capped(&mut buf, &[0; 1], 10), Err(ApiError::PayloadTooLarge)));
        assert_eq!(buf.len(), 10, "nothing past the cap is kept");
    }
}
