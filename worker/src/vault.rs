//! Secrets at rest (credentials, application bodies and files): AES-256-GCM with keys from
//! worker secrets, a fresh random 96-bit nonce per record, and associated data naming what
//! the record is (org and credential kind, or application id and part), so a record copied
//! to another row does not decrypt.
//!
//! Keys rotate: `VAULT_KEYS` (`{"active": "2026-11", "keys": {"2026-11": "…", "k0": "…"}}`)
//! holds every key still needed to read, and names the one new records are sealed with.
//! The single `VAULT_KEY` of older deployments is the key id `k0`. Every sealed row stores
//! its key id; a row read under a retired key is sealed again under the active one.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use std::collections::HashMap;

/// The key id of the single `VAULT_KEY` (and of rows sealed before key ids existed).
pub const LEGACY_KEY_ID: &str = "k0";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("VAULT_KEY / VAULT_KEYS is missing or not 32 bytes of base64")]
    NoKey,
    #[error("no randomness available")]
    Random,
    #[error("the record's key id is not among VAULT_KEYS")]
    UnknownKey,
    #[error("the record does not decrypt (wrong key, org or kind, or tampered)")]
    Decrypt,
}

/// A sealed record as stored: the key id, base64 nonce and ciphertext (with its tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub nonce: String,
    pub ciphertext: String,
}

pub struct Vault {
    active: String,
    keys: HashMap<String, Aes256Gcm>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault(active={}, <keys redacted>)", self.active)
    }
}

/// Associated data of a credential record.
pub fn credential_aad(org: &str, kind: &str) -> String {
    format!("org={org};kind={kind}")
}

/// Associated data of an application's part (`body`, or `file:{field}`).
pub fn application_aad(id: &str, part: &str) -> String {
    format!("application={id};part={part}")
}

fn cipher(b64: &str) -> Result<Aes256Gcm, VaultError> {
    let bytes = B64.decode(b64.trim()).map_err(|_| VaultError::NoKey)?;
    if bytes.len() != 32 {
        return Err(VaultError::NoKey);
    }
    Ok(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)))
}

impl Vault {
    /// One key (the `VAULT_KEY` form), id `k0`.
    pub fn from_base64(key: &str) -> Result<Self, VaultError> {
        Ok(Self { active: LEGACY_KEY_ID.into(), keys: HashMap::from([(LEGACY_KEY_ID.to_string(), cipher(key)?)]) })
    }

    /// Several keys and the active one. Every key must be valid: a typo in a retired key
    /// would otherwise surface only when its rows are read.
    pub fn from_keys(active: &str, keys: &HashMap<String, String>) -> Result<Self, VaultError> {
        let keys: HashMap<String, Aes256Gcm> = keys.iter().map(|(id, k)| Ok((id.clone(), cipher(k)?))).collect::<Result<_, VaultError>>()?;
        if !keys.contains_key(active) {
            return Err(VaultError::NoKey);
        }
        Ok(Self { active: active.to_string(), keys })
    }

    pub fn active_key_id(&self) -> &str {
        &self.active
    }

    /// Whether a row sealed under `key_id` should be sealed again under the active key.
    pub fn needs_reseal(&self, key_id: &str) -> bool {
        key_id != self.active
    }

    pub fn seal_aad(&self, aad: &str, plaintext: &[u8]) -> Result<Sealed, VaultError> {
        let mut nonce = [0u8; 12];
        getrandom::getrandom(&mut nonce).map_err(|_| VaultError::Random)?;
        let cipher = self.keys.get(&self.active).ok_or(VaultError::NoKey)?;
        let ct = cipher.encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: aad.as_bytes() }).map_err(|_| VaultError::Decrypt)?;
        Ok(Sealed { key_id: self.active.clone(), nonce: B64.encode(nonce), ciphertext: B64.encode(ct) })
    }

    pub fn open_aad(&self, aad: &str, sealed: &Sealed) -> Result<Vec<u8>, VaultError> {
        let cipher = self.keys.get(&sealed.key_id).ok_or(VaultError::UnknownKey)?;
        let nonce = B64.decode(&sealed.nonce).map_err(|_| VaultError::Decrypt)?;
        let ct = B64.decode(&sealed.ciphertext).map_err(|_| VaultError::Decrypt)?;
        if nonce.len() != 12 {
            return Err(VaultError::Decrypt);
        }
        cipher.decrypt(Nonce::from_slice(&nonce), Payload { msg: &ct, aad: aad.as_bytes() }).map_err(|_| VaultError::Decrypt)
    }

    pub fn seal(&self, org: &str, kind: &str, plaintext: &[u8]) -> Result<Sealed, VaultError> {
        self.seal_aad(&credential_aad(org, kind), plaintext)
    }

    pub fn open(&self, org: &str, kind: &str, sealed: &Sealed) -> Result<Vec<u8>, VaultError> {
        self.open_aad(&credential_aad(org, kind), sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Vault {
        Vault::from_base64(&B64.encode([7u8; 32])).unwrap()
    }

    #[test]
    fn sealing_round_trips_and_hides_the_plaintext() {
        let v = vault();
        let s = v.seal("northwind", "harvest_v1", b"secret-harvest-key").unwrap();
        assert!(!s.ciphertext.contains("secret") && !B64.decode(&s.ciphertext).unwrap().windows(6).any(|w| w == b"secret"));
        assert_eq!(s.key_id, LEGACY_KEY_ID);
        assert_eq!(v.open("northwind", "harvest_v1", &s).unwrap(), b"secret-harvest-key");
    }

    #[test]
    fn every_record_gets_a_fresh_nonce() {
        let v = vault();
        let a = v.seal("o", "k", b"same").unwrap();
        let b = v.seal("o", "k", b"same").unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }

    #[test]
    fn another_org_kind_key_or_a_flipped_bit_does_not_decrypt() {
        let v = vault();
        let s = v.seal("northwind", "harvest_v1", b"k").unwrap();
        assert_eq!(v.open("evil", "harvest_v1", &s), Err(VaultError::Decrypt));
        assert_eq!(v.open("northwind", "ingestion", &s), Err(VaultError::Decrypt));
        let other = Vault::from_base64(&B64.encode([8u8; 32])).unwrap();
        assert_eq!(other.open("northwind", "harvest_v1", &s), Err(VaultError::Decrypt));
        let mut raw = B64.decode(&s.ciphertext).unwrap();
        raw[0] ^= 1;
        let flipped = Sealed { ciphertext: B64.encode(raw), ..s.clone() };
        assert_eq!(v.open("northwind", "harvest_v1", &flipped), Err(VaultError::Decrypt));
    }

    #[test]
    fn application_parts_are_bound_to_their_row() {
        let v = vault();
        let s = v.seal_aad(&application_aad("sub-1", "body"), b"{}").unwrap();
        assert_eq!(v.open_aad(&application_aad("sub-1", "body"), &s).unwrap(), b"{}");
        assert_eq!(v.open_aad(&application_aad("sub-2", "body"), &s), Err(VaultError::Decrypt));
        assert_eq!(v.open_aad(&application_aad("sub-1", "file:resume"), &s), Err(VaultError::Decrypt));
    }

    #[test]
    fn rotation_reads_old_rows_and_seals_new_ones_under_the_active_key() {
        let old = vault();
        let sealed_before = old.seal("o", "job_board", b"key-1").unwrap();
        let keys = HashMap::from([("k0".to_string(), B64.encode([7u8; 32])), ("2026-11".to_string(), B64.encode([9u8; 32]))]);
        let v = Vault::from_keys("2026-11", &keys).unwrap();
        assert_eq!(v.open("o", "job_board", &sealed_before).unwrap(), b"key-1", "old rows still open");
        assert!(v.needs_reseal(&sealed_before.key_id));
        let resealed = v.seal("o", "job_board", b"key-1").unwrap();
        assert_eq!(resealed.key_id, "2026-11");
        assert!(!v.needs_reseal(&resealed.key_id));
        assert_eq!(old.open("o", "job_board", &resealed), Err(VaultError::UnknownKey), "the old keyring cannot read new rows");
        let retired = Vault::from_keys("2026-11", &HashMap::from([("2026-11".to_string(), B64.encode([9u8; 32]))])).unwrap();
        assert_eq!(retired.open("o", "job_board", &sealed_before), Err(VaultError::UnknownKey));
        assert_eq!(Vault::from_keys("missing", &keys).unwrap_err(), VaultError::NoKey, "the active key must exist");
        let bad = HashMap::from([("a".to_string(), "short".to_string())]);
        assert_eq!(Vault::from_keys("a", &bad).unwrap_err(), VaultError::NoKey);
    }

    #[test]
    fn bad_keys_are_refused_and_debug_is_redacted() {
        assert_eq!(Vault::from_base64("short").unwrap_err(), VaultError::NoKey);
        assert_eq!(Vault::from_base64(&B64.encode([1u8; 16])).unwrap_err(), VaultError::NoKey);
        assert_eq!(format!("{:?}", vault()), "Vault(active=k0, <keys redacted>)");
    }
}
