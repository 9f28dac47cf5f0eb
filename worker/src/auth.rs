//! Owner tokens: the host site proves "this user owns org X" with a short-lived HS256 JWT,
//! signed with that host's secret (the worker holds one secret per issuer). Owner routes
//! refuse missing, malformed, forged, expired, overlong, wrong-audience and other-org tokens.
//!
//! Tenancy: each issuer (host site) may speak only for the orgs configuration lists for it
//! (`{"acme-site": {"secret": "…", "orgs": ["acme", "acme-*"]}}`). The older form
//! `{"site": "secret"}` still works for a deployment with one signer, which may then speak
//! for any org; among several signers, one without an org list speaks for none.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::HashMap;

/// The audience every owner token must name: this product.
pub const DEFAULT_AUDIENCE: &str = "greenhouse-edge";
/// Tokens may live at most this long ("short-lived").
pub const MAX_LIFETIME_SECS: u64 = 24 * 3600;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnerClaims {
    /// The host site that signed it; selects the secret.
    pub iss: String,
    pub aud: String,
    /// The organisation the subject owns.
    pub org: String,
    pub sub: String,
    #[serde(default)]
    pub email: String,
    pub exp: u64,
    #[serde(default)]
    pub iat: u64,
    /// Empty (or `owner`): a person who owns the org, in the console. `server`: the host
    /// site's own server, which may read the org's jobs and register its callback only.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
}

/// The `scope` of a host server's token.
pub const SCOPE_SERVER: &str = "server";

impl OwnerClaims {
    pub fn is_server(&self) -> bool {
        self.scope == SCOPE_SERVER
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("an owner token is required")]
    Missing,
    #[error("the owner token is malformed")]
    Malformed,
    #[error("the owner token's issuer is unknown")]
    UnknownIssuer,
    #[error("the owner token's signature is invalid")]
    BadSignature,
    #[error("the owner token has expired")]
    Expired,
    #[error("the owner token lives too long")]
    TooLong,
    #[error("the owner token is for another audience")]
    WrongAudience,
    #[error("the owner token is for another organisation")]
    WrongOrg,
    #[error("the owner token's issuer may not act for this organisation")]
    IssuerNotAllowed,
    #[error("a host server's token cannot do this; use an owner's token")]
    WrongScope,
}

/// One host site that may sign owner tokens, and the orgs it may sign them for.
#[derive(Clone, PartialEq, Eq)]
pub struct Signer {
    pub secret: String,
    /// `None`: any org (only for a deployment's single signer). Patterns are exact ids or a
    /// prefix ending in `*`.
    pub orgs: Option<Vec<String>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("secret", &"<redacted>").field("orgs", &self.orgs).finish()
    }
}

impl Signer {
    pub fn may_act_for(&self, org: &str) -> bool {
        match &self.orgs {
            None => true,
            Some(patterns) => patterns.iter().any(|p| match p.strip_suffix('*') {
                Some(prefix) => !prefix.is_empty() && org.starts_with(prefix),
                None => p == org,
            }),
        }
    }
}

/// Parses `OWNER_TOKEN_SECRETS`: issuer → secret, or issuer → `{secret, orgs}`. With more
/// than one signer, a signer without `orgs` may act for no org (a safe default, logged).
pub fn parse_signers(json: &str) -> HashMap<String, Signer> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Entry {
        Secret(String),
        Scoped { secret: String, orgs: Vec<String> },
    }
    let Ok(entries) = serde_json::from_str::<HashMap<String, Entry>>(json) else { return HashMap::new() };
    let single = entries.len() == 1;
    entries
        .into_iter()
        .map(|(iss, e)| {
            let signer = match e {
                Entry::Secret(secret) if single => Signer { secret, orgs: None },
                Entry::Secret(secret) => Signer { secret, orgs: Some(vec![]) },
                Entry::Scoped { secret, orgs } => Signer { secret, orgs: Some(orgs.into_iter().map(|o| o.trim().to_string()).collect()) },
            };
            (iss, signer)
        })
        .collect()
}

fn sign(secret: &str, data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Mints a token (for the host site's side; the xtask and tests use it).
pub fn mint(claims: &OwnerClaims, secret: &str) -> String {
    let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = B64.encode(serde_json::to_vec(claims).unwrap_or_default());
    let data = format!("{header}.{payload}");
    let sig = B64.encode(sign(secret, &data));
    format!("{data}.{sig}")
}

/// Verifies a token for `org` at `now` (seconds). `signers` maps issuer → secret and orgs.
pub fn verify(token: Option<&str>, signers: &HashMap<String, Signer>, audience: &str, org: &str, now: u64) -> Result<OwnerClaims, AuthError> {
    let token = token.map(str::trim).filter(|t| !t.is_empty()).ok_or(AuthError::Missing)?;
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(AuthError::Malformed);
    };
    let header: serde_json::Value = B64.decode(h).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or(AuthError::Malformed)?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
        return Err(AuthError::Malformed); // never "none", never another algorithm
    }
    let claims: OwnerClaims = B64.decode(p).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or(AuthError::Malformed)?;
    let signer = signers.get(&claims.iss).filter(|s| !s.secret.is_empty()).ok_or(AuthError::UnknownIssuer)?;
    let secret = &signer.secret;
    let sig = B64.decode(s).map_err(|_| AuthError::Malformed)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| AuthError::BadSignature)?;
    mac.update(format!("{h}.{p}").as_bytes());
    mac.verify_slice(&sig).map_err(|_| AuthError::BadSignature)?; // constant time
    if claims.exp <= now {
        return Err(AuthError::Expired);
    }
    if claims.exp > now + MAX_LIFETIME_SECS {
        return Err(AuthError::TooLong);
    }
    if claims.aud != audience {
        return Err(AuthError::WrongAudience);
    }
    if claims.org != org {
        return Err(AuthError::WrongOrg);
    }
    if !signer.may_act_for(&claims.org) {
        return Err(AuthError::IssuerNotAllowed);
    }
    if !(claims.scope.is_empty() || claims.scope == "owner" || claims.is_server()) {
        return Err(AuthError::Malformed);
    }
    Ok(claims)
}

/// The bearer token of an `Authorization` header.
pub fn bearer(header: Option<&str>) -> Option<&str> {
    header?.strip_prefix("Bearer ").map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn secrets() -> HashMap<String, Signer> {
        parse_signers(r#"{"acme-site": "host-secret-1"}"#)
    }

    fn claims() -> OwnerClaims {
        OwnerClaims {
            iss: "acme-site".into(),
            aud: DEFAULT_AUDIENCE.into(),
            org: "northwind".into(),
            sub: "user-1".into(),
            email: "owner@northwind.example".into(),
            exp: NOW + 600,
            iat: NOW,
            scope: String::new(),
        }
    }

    fn check(token: &str, org: &str) -> Result<OwnerClaims, AuthError> {
        verify(Some(token), &secrets(), DEFAULT_AUDIENCE, org, NOW)
    }

    #[test]
    fn a_valid_token_passes() {
        assert_eq!(check(&mint(&claims(), "host-secret-1"), "northwind").unwrap(), claims());
    }

    #[test]
    fn every_bad_token_is_refused_for_its_reason() {
        let ok = mint(&claims(), "host-secret-1");
        assert_eq!(verify(None, &secrets(), DEFAULT_AUDIENCE, "northwind", NOW), Err(AuthError::Missing));
        assert_eq!(check("not-a-jwt", "northwind"), Err(AuthError::Malformed));
        assert_eq!(check(&mint(&claims(), "wrong-secret"), "northwind"), Err(AuthError::BadSignature));
        let mut tampered: Vec<&str> = ok.split('.').collect();
        let other = mint(&OwnerClaims { org: "evil".into(), ..claims() }, "x");
        let evil_payload = other.split('.').nth(1).unwrap().to_string();
        tampered[1] = &evil_payload;
        assert_eq!(check(&tampered.join("."), "evil"), Err(AuthError::BadSignature), "payload swapped");
        assert_eq!(check(&mint(&OwnerClaims { exp: NOW - 1, ..claims() }, "host-secret-1"), "northwind"), Err(AuthError::Expired));
        assert_eq!(check(&mint(&OwnerClaims { exp: NOW + 90 * 86400, ..claims() }, "host-secret-1"), "northwind"), Err(AuthError::TooLong));
        assert_eq!(check(&mint(&OwnerClaims { aud: "other".into(), ..claims() }, "host-secret-1"), "northwind"), Err(AuthError::WrongAudience));
        assert_eq!(check(&mint(&OwnerClaims { iss: "nobody".into(), ..claims() }, "host-secret-1"), "northwind"), Err(AuthError::UnknownIssuer));
        assert_eq!(check(&ok, "other-org"), Err(AuthError::WrongOrg));
        let none_alg = format!("{}.{}.", B64.encode(br#"{"alg":"none"}"#), ok.split('.').nth(1).unwrap());
        assert_eq!(check(&none_alg, "northwind"), Err(AuthError::Malformed), "alg none is refused");
    }

    #[test]
    fn each_host_site_speaks_only_for_its_orgs() {
        let signers = parse_signers(
            r#"{"acme-site": {"secret": "s-acme", "orgs": ["acme", "acme-*"]},
                "globex-site": {"secret": "s-globex", "orgs": ["globex"]},
                "legacy": "s-legacy"}"#,
        );
        let token = |iss: &str, secret: &str, org: &str| mint(&OwnerClaims { iss: iss.into(), org: org.into(), ..claims() }, secret);
        let check = |t: &str, org: &str| verify(Some(t), &signers, DEFAULT_AUDIENCE, org, NOW).map(|c| c.org);
        assert_eq!(check(&token("acme-site", "s-acme", "acme"), "acme"), Ok("acme".into()));
        assert_eq!(check(&token("acme-site", "s-acme", "acme-eu"), "acme-eu"), Ok("acme-eu".into()), "prefix pattern");
        assert_eq!(check(&token("acme-site", "s-acme", "globex"), "globex"), Err(AuthError::IssuerNotAllowed), "a cross-signer token");
        assert_eq!(check(&token("globex-site", "s-globex", "acme"), "acme"), Err(AuthError::IssuerNotAllowed));
        assert_eq!(check(&token("globex-site", "s-acme", "globex"), "globex"), Err(AuthError::BadSignature), "acme's secret cannot sign for globex");
        assert_eq!(check(&token("acme-site", "s-acme", "acmeish"), "acmeish"), Err(AuthError::IssuerNotAllowed), "acme-* is not acme*");
        assert_eq!(check(&token("legacy", "s-legacy", "acme"), "acme"), Err(AuthError::IssuerNotAllowed), "unscoped among several: no org");
        // The old one-signer form keeps working for every org.
        let one = parse_signers(r#"{"site": "s"}"#);
        assert!(verify(Some(&token("site", "s", "anything")), &one, DEFAULT_AUDIENCE, "anything", NOW).is_ok());
        assert!(parse_signers("not json").is_empty());
        assert!(!format!("{:?}", signers).contains("s-acme"), "Debug redacts secrets");
        let bare = Signer { secret: "x".into(), orgs: Some(vec!["*".into()]) };
        assert!(!bare.may_act_for("acme"), "a bare * is not a wildcard for every org");
    }

    #[test]
    fn scopes_are_owner_or_server_and_nothing_else() {
        let server = mint(&OwnerClaims { scope: SCOPE_SERVER.into(), ..claims() }, "host-secret-1");
        assert!(check(&server, "northwind").unwrap().is_server());
        assert!(!check(&mint(&claims(), "host-secret-1"), "northwind").unwrap().is_server());
        assert_eq!(check(&mint(&OwnerClaims { scope: "admin".into(), ..claims() }, "host-secret-1"), "northwind"), Err(AuthError::Malformed));
        assert_eq!(check(&server, "other-org"), Err(AuthError::WrongOrg), "a host token is bound to its org too");
    }

    #[test]
    fn bearer_header_parsing() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(None), None);
    }
}
