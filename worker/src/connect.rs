//! Connecting an org's Greenhouse credentials: verify against Greenhouse, seal in the vault,
//! store in D1, summarise (masked) for owners, re-check health. Credentials go inward only:
//! nothing here returns a secret to a caller outside the worker.

use crate::config::Config;
use crate::error::ApiError;
use crate::upstream::greenhouse_api::{self as gh, probe, Verified, V1, V3};
use crate::vault::{Sealed, Vault};
use serde::Deserialize;
use shared::owner::{checklist, hint, ConnectInput, CredentialSummary, Health, Kind, Permission, Region};
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::db;

pub fn vault(cfg: &Config) -> Result<Vault, ApiError> {
    let k = cfg.vault_keys.expose();
    Vault::from_keys(&k.active, &k.keys).map_err(|_| ApiError::NotConfigured)
}

/// Asks Greenhouse whether the credentials work (and with which Harvest permissions).
pub async fn verify(cfg: &Config, org: Option<&str>, kind: Kind, i: &ConnectInput, now: u64) -> Verified {
    let t = cfg.upstream_timeout_ms;
    match kind {
        Kind::JobBoard => gh::verify_job_board(cfg, i.region, i.board_token.trim(), i.api_key.trim()).await,
        Kind::Ingestion => gh::verify_ingestion(cfg, i.region, i.api_key.trim(), i.email.trim()).await,
        // Greenhouse proves a web hook secret by signing its first delivery (a ping).
        Kind::WebHooks => Verified::Ok(vec![]),
        Kind::HarvestV1 => {
            let on_behalf_of = Some(i.user_id.trim().to_string()).filter(|u| !u.is_empty());
            probe(&V1 { base: cfg.hosts.harvest(i.region).to_string(), key: i.api_key.trim().to_string(), on_behalf_of, timeout_ms: t }).await
        }
        Kind::HarvestV3 => match gh::v3_token(cfg, i.region, org, i.client_id.trim(), i.client_secret.trim(), i.user_id.trim(), now).await {
            Ok(token) => probe(&V3 { base: cfg.hosts.harvest(i.region).to_string(), token, timeout_ms: t }).await,
            Err(v) => v,
        },
    }
}

/// Health from a verification: all permissions, some missing, refused, or unreachable.
pub fn health(kind: Kind, v: &Verified) -> (Health, Vec<Permission>, Option<String>) {
    match v {
        Verified::Ok(granted) if matches!(kind, Kind::HarvestV1 | Kind::HarvestV3) && granted.len() < Permission::ALL.len() => {
            (Health::MissingPermissions, granted.clone(), Some("Some permissions are missing; the features that need them are off.".into()))
        }
        Verified::Ok(granted) => (Health::Connected, granted.clone(), None),
        Verified::Invalid(m) => (Health::CredentialsInvalid, vec![], Some(m.clone())),
        Verified::Unreachable(m) => (Health::GreenhouseUnreachable, vec![], Some(m.clone())),
    }
}

/// The non-secret identifier and the hint of the secret, per kind.
pub fn account_and_hint(kind: Kind, i: &ConnectInput) -> (String, String) {
    match kind {
        Kind::JobBoard => (i.board_token.trim().into(), hint(&i.api_key)),
        Kind::HarvestV3 => (format!("{} (user {})", i.client_id.trim(), i.user_id.trim()), hint(&i.client_secret)),
        Kind::HarvestV1 => (if i.user_id.trim().is_empty() { "API key".into() } else { format!("user {}", i.user_id.trim()) }, hint(&i.api_key)),
        Kind::Ingestion => (i.email.trim().into(), hint(&i.api_key)),
        Kind::WebHooks => ("web hook secret".into(), hint(&i.api_key)),
    }
}

#[derive(Deserialize)]
struct Row {
    kind: String,
    region: String,
    account: String,
    hint: String,
    nonce: String,
    ciphertext: String,
    #[serde(default)]
    key_id: Option<String>,
    health: String,
    permissions: String,
    message: Option<String>,
    verified_at: Option<f64>,
    checked_at: Option<f64>,
    updated_by: String,
}

fn region_name(r: Region) -> &'static str {
    match r {
        Region::Us => "us",
        Region::Eu => "eu",
    }
}

fn health_name(h: Health) -> &'static str {
    match h {
        Health::Connected => "connected",
        Health::MissingPermissions => "missing_permissions",
        Health::CredentialsInvalid => "credentials_invalid",
        Health::GreenhouseUnreachable => "greenhouse_unreachable",
    }
}

impl Row {
    fn summary(&self) -> Option<CredentialSummary> {
        let kind = Kind::parse(&self.kind)?;
        let granted: Vec<Permission> = serde_json::from_str(&self.permissions).unwrap_or_default();
        Some(CredentialSummary {
            kind,
            region: if self.region == "eu" { Region::Eu } else { Region::Us },
            account: self.account.clone(),
            hint: self.hint.clone(),
            health: serde_json::from_value(serde_json::Value::from(self.health.clone())).unwrap_or(Health::GreenhouseUnreachable),
            permissions: if matches!(kind, Kind::HarvestV1 | Kind::HarvestV3) { checklist(&granted) } else { vec![] },
            verified_at: self.verified_at.map(|v| v as u64),
            checked_at: self.checked_at.map(|v| v as u64),
            updated_by: self.updated_by.clone(),
            message: self.message.clone(),
        })
    }
}

const COLUMNS: &str = "kind, region, account, hint, nonce, ciphertext, key_id, health, permissions, message, verified_at, checked_at, updated_by";

/// The org that has connected `board`, if any (board tokens compare case-insensitively).
pub async fn board_owner(db: &D1Database, board: &str) -> Result<Option<String>, ApiError> {
    #[derive(Deserialize)]
    struct Org {
        org: String,
    }
    let row: Option<Org> =
        db::first(db, "SELECT org FROM credentials WHERE kind = 'job_board' AND lower(account) = lower(?1) LIMIT 1", &[board.into()]).await?;
    Ok(row.map(|r| r.org))
}

/// The board an org connected, if any.
pub async fn org_board(db: &D1Database, org: &str) -> Result<Option<String>, ApiError> {
    #[derive(Deserialize)]
    struct Board {
        account: String,
    }
    let row: Option<Board> = db::first(db, "SELECT account FROM credentials WHERE org = ?1 AND kind = 'job_board' LIMIT 1", &[org.into()]).await?;
    Ok(row.map(|r| r.account.to_ascii_lowercase()))
}

/// Every credential of an org, masked.
pub async fn list(db: &D1Database, org: &str) -> Result<Vec<CredentialSummary>, ApiError> {
    let rows: Vec<Row> = db::all(db, &format!("SELECT {COLUMNS} FROM credentials WHERE org = ?1 ORDER BY kind"), &[org.into()]).await?;
    Ok(rows.iter().filter_map(Row::summary).collect())
}

/// Seals and stores (or replaces) a verified credential.
#[allow(clippy::too_many_arguments)]
pub async fn store(
    db: &D1Database,
    vault: &Vault,
    org: &str,
    kind: Kind,
    i: &ConnectInput,
    v: &Verified,
    by: &str,
    now: u64,
) -> Result<CredentialSummary, ApiError> {
    let mut input = i.clone();
    if kind == Kind::JobBoard {
        // One board, one org: another org's board cannot be taken over (or shadowed).
        input.board_token = i.board_token.trim().to_ascii_lowercase();
        if board_owner(db, &input.board_token).await?.is_some_and(|o| o != org) {
            return Err(ApiError::BoardAlreadyConnected);
        }
    }
    let i = &input;
    let plaintext = serde_json::to_vec(i).map_err(|e| ApiError::Internal(e.to_string()))?;
    let sealed = vault.seal(org, kind.slug(), &plaintext).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (account, hint) = account_and_hint(kind, i);
    let (health, granted, message) = health(kind, v);
    let perms = serde_json::to_string(&granted).unwrap_or_else(|_| "[]".into());
    let now_js = JsValue::from_f64(now as f64);
    let stored = db::run(
        db,
        "INSERT INTO credentials (org, kind, region, account, hint, nonce, ciphertext, health, permissions, message, verified_at, checked_at, updated_by, updated_at, key_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?11, ?13) \
         ON CONFLICT (org, kind) DO UPDATE SET region = ?3, account = ?4, hint = ?5, nonce = ?6, ciphertext = ?7, health = ?8, \
         permissions = ?9, message = ?10, verified_at = ?11, checked_at = ?11, updated_by = ?12, updated_at = ?11, key_id = ?13",
        &[
        org.into(),
        kind.slug().into(),
        region_name(i.region).into(),
        account.clone().into(),
        hint.clone().into(),
        sealed.nonce.into(),
        sealed.ciphertext.into(),
        health_name(health).into(),
        perms.into(),
        message.clone().map(JsValue::from).unwrap_or(JsValue::NULL),
            now_js,
            by.into(),
            sealed.key_id.into(),
        ],
    )
    .await;
    // The unique index settles a race between two orgs connecting the same board.
    if let Err(e) = stored {
        if kind == Kind::JobBoard && board_owner(db, &i.board_token).await?.is_some_and(|o| o != org) {
            return Err(ApiError::BoardAlreadyConnected);
        }
        return Err(e);
    }
    if kind == Kind::JobBoard {
        // Applications that waited for a working key go out at the next cron run.
        crate::outbox::key_changed(db, &i.board_token).await?;
    }
    let row = Row {
        kind: kind.slug().into(),
        region: region_name(i.region).into(),
        account,
        hint,
        nonce: String::new(),
        ciphertext: String::new(),
        key_id: None,
        health: health_name(health).into(),
        permissions: serde_json::to_string(&granted).unwrap_or_default(),
        message,
        verified_at: Some(now as f64),
        checked_at: Some(now as f64),
        updated_by: by.into(),
    };
    row.summary().ok_or_else(|| ApiError::Internal("summary".into()))
}

/// Opens a stored credential (for re-checks and for sending applications).
pub async fn open(db: &D1Database, vault: &Vault, org: &str, kind: Kind) -> Result<Option<ConnectInput>, ApiError> {
    let row: Option<Row> =
        db::first(db, &format!("SELECT {COLUMNS} FROM credentials WHERE org = ?1 AND kind = ?2"), &[org.into(), kind.slug().into()]).await?;
    let Some(row) = row else { return Ok(None) };
    let key_id = row.key_id.clone().unwrap_or_else(|| crate::vault::LEGACY_KEY_ID.into());
    let sealed = Sealed { key_id: key_id.clone(), nonce: row.nonce, ciphertext: row.ciphertext };
    let plain = vault.open(org, kind.slug(), &sealed).map_err(|e| ApiError::Internal(e.to_string()))?;
    if vault.needs_reseal(&key_id) {
        // Rotation: sealed again under the active key the first time it is read.
        let fresh = vault.seal(org, kind.slug(), &plain).map_err(|e| ApiError::Internal(e.to_string()))?;
        db::run(
            db,
            "UPDATE credentials SET nonce = ?3, ciphertext = ?4, key_id = ?5 WHERE org = ?1 AND kind = ?2 AND key_id = ?6",
            &[org.into(), kind.slug().into(), fresh.nonce.into(), fresh.ciphertext.into(), fresh.key_id.into(), key_id.into()],
        )
        .await?;
    }
    Ok(serde_json::from_slice(&plain).ok())
}

/// Records a re-check's result without touching the sealed secret.
pub async fn record_check(db: &D1Database, org: &str, kind: Kind, v: &Verified, now: u64) -> Result<(), ApiError> {
    let (health, granted, message) = health(kind, v);
    db::run(
        db,
        "UPDATE credentials SET health = ?3, permissions = ?4, message = ?5, checked_at = ?6 WHERE org = ?1 AND kind = ?2",
        &[
            org.into(),
            kind.slug().into(),
            health_name(health).into(),
            serde_json::to_string(&granted).unwrap_or_default().into(),
            message.map(JsValue::from).unwrap_or(JsValue::NULL),
            db::num(now),
        ],
    )
    .await?;
    Ok(())
}

/// Removes a credential: its ciphertext and any cached token.
pub async fn remove(db: &D1Database, org: &str, kind: Kind) -> Result<bool, ApiError> {
    let removed = db::run(db, "DELETE FROM credentials WHERE org = ?1 AND kind = ?2", &[org.into(), kind.slug().into()]).await?;
    if kind == Kind::HarvestV3 {
        gh::forget_token(org);
    }
    Ok(removed > 0)
}

/// The Job Board API key for a board and the region its org connected it in: configured
/// (`JOB_BOARD_API_KEYS`, US), or connected by the board's org.
pub async fn job_board_key(cfg: &Config, db: Option<&D1Database>, board: &str) -> Option<(String, Region)> {
    if let Some(k) = cfg.job_board_key(board) {
        return Some((k.to_string(), Region::Us));
    }
    let db = db?;
    let org = board_owner(db, board).await.ok()??;
    let vault = vault(cfg).ok()?;
    open(db, &vault, &org, Kind::JobBoard).await.ok()?.map(|i| (i.api_key.trim().to_string(), i.region))
}

/// The region of a connected board (US for boards no org has connected).
pub async fn board_region(db: &D1Database, board: &str) -> Region {
    #[derive(Deserialize)]
    struct R {
        region: String,
    }
    let row: Option<R> =
        db::first(db, "SELECT region FROM credentials WHERE kind = 'job_board' AND lower(account) = lower(?1) LIMIT 1", &[board.into()])
            .await
            .ok()
            .flatten();
    if row.is_some_and(|r| r.region == "eu") {
        Region::Eu
    } else {
        Region::Us
    }
}

/// How often one credential is re-checked against Greenhouse at most.
pub const RECHECK_EVERY_MS: u64 = 3600 * 1000;

/// Re-checks every stored credential (the cron), oldest check first, a few per run.
pub async fn recheck_some(db: &D1Database, cfg: &Config, now: u64, limit: u32) -> Result<usize, ApiError> {
    #[derive(Deserialize)]
    struct Key {
        org: String,
        kind: String,
    }
    let keys: Vec<Key> = db::all(
        db,
        "SELECT org, kind FROM credentials WHERE checked_at IS NULL OR checked_at < ?2 ORDER BY checked_at LIMIT ?1",
        &[db::num(limit.into()), db::num(now.saturating_sub(RECHECK_EVERY_MS))],
    )
    .await?;
    let vault = vault(cfg)?;
    let mut n = 0;
    for k in keys {
        let Some(kind) = Kind::parse(&k.kind) else { continue };
        if let Some(input) = open(db, &vault, &k.org, kind).await? {
            let v = verify(cfg, Some(&k.org), kind, &input, now).await;
            record_check(db, &k.org, kind, &v, now).await?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_follows_the_verification() {
        let all = Permission::ALL.to_vec();
        assert_eq!(health(Kind::HarvestV1, &Verified::Ok(all.clone())).0, Health::Connected);
        assert_eq!(health(Kind::HarvestV3, &Verified::Ok(vec![Permission::Jobs])).0, Health::MissingPermissions);
        assert_eq!(health(Kind::Ingestion, &Verified::Ok(vec![])).0, Health::Connected, "no permissions to check");
        assert_eq!(health(Kind::JobBoard, &Verified::Invalid("no".into())).0, Health::CredentialsInvalid);
        assert_eq!(health(Kind::JobBoard, &Verified::Unreachable("down".into())).0, Health::GreenhouseUnreachable);
    }

    #[test]
    fn summaries_carry_identifiers_and_hints_only() {
        let i = ConnectInput { board_token: "northwind".into(), api_key: "0d031d8227eafa61dc375a6c2e067e24".into(), ..Default::default() };
        assert_eq!(account_and_hint(Kind::JobBoard, &i), ("northwind".to_string(), "••••7e24".to_string()));
        let v3 = ConnectInput { client_id: "cid-1".into(), client_secret: "very-secret-value".into(), user_id: "42".into(), ..Default::default() };
        assert_eq!(account_and_hint(Kind::HarvestV3, &v3), ("cid-1 (user 42)".to_string(), "••••alue".to_string()));
        let short = ConnectInput { email: "ops@northwind.example".into(), api_key: "abcd1234efgh".into(), ..Default::default() };
        assert_eq!(account_and_hint(Kind::Ingestion, &short), ("ops@northwind.example".to_string(), String::new()), "account only");
    }
}
