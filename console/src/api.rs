//! The owner routes of the worker, with the owner token as a bearer token.

use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::api::ErrorBody;
use shared::owner::{ConnectInput, Connection, CredentialSummary, Kind, SyncReport};

#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub message: String,
    pub fields: Vec<(String, String)>,
}

fn problem(message: impl Into<String>) -> Problem {
    Problem { message: message.into(), fields: vec![] }
}

async fn call<T: DeserializeOwned>(method: &str, url: &str, token: &str, body: Option<&impl Serialize>) -> Result<T, Problem> {
    let auth = format!("Bearer {token}");
    let builder = match method {
        "PUT" => gloo_net::http::Request::put(url),
        "DELETE" => gloo_net::http::Request::delete(url),
        "POST" => gloo_net::http::Request::post(url),
        _ => gloo_net::http::Request::get(url),
    }
    .header("Authorization", &auth);
    let req = match body {
        Some(b) => {
            let json = serde_wasm_bindgen::to_value(b)
                .ok()
                .and_then(|v| js_sys::JSON::stringify(&v).ok())
                .and_then(|s| s.as_string())
                .ok_or_else(|| problem("Could not prepare the request."))?;
            builder.header("Content-Type", "application/json").body(json).map_err(|e| problem(e.to_string()))?
        }
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
        return serde_wasm_bindgen::from_value(value).map_err(|e| problem(e.to_string()));
    }
    let e: ErrorBody = serde_wasm_bindgen::from_value(value).map_err(|_| problem("The request failed."))?;
    Err(Problem { message: e.error.message, fields: e.fields.into_iter().map(|f| (f.field, f.message)).collect() })
}

pub struct Api {
    pub base: String,
    pub org: String,
    pub token: String,
}

impl Api {
    fn url(&self, tail: &str) -> String {
        format!("{}/orgs/{}/connection{tail}", self.base, self.org)
    }

    pub async fn get(&self) -> Result<Connection, Problem> {
        call::<Connection>("GET", &self.url(""), &self.token, None::<&()>).await
    }

    pub async fn connect(&self, kind: Kind, input: &ConnectInput) -> Result<CredentialSummary, Problem> {
        call("PUT", &self.url(&format!("/{}", kind.slug())), &self.token, Some(input)).await
    }

    pub async fn remove(&self, kind: Kind) -> Result<Connection, Problem> {
        call("DELETE", &self.url(&format!("/{}", kind.slug())), &self.token, None::<&()>).await
    }

    pub async fn sync(&self) -> Result<SyncReport, Problem> {
        call("POST", &format!("{}/orgs/{}/sync", self.base, self.org), &self.token, None::<&()>).await
    }

    pub async fn check(&self, kind: Kind) -> Result<Connection, Problem> {
        call("POST", &self.url(&format!("/{}/check", kind.slug())), &self.token, None::<&()>).await
    }
}
