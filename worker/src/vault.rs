//! Credentials at rest: AES-256-GCM with a key from a worker secret (`VAULT_KEY`, 32 bytes
//! base64), a fresh random 96-bit nonce per record, and the org (and credential kind) as
//! associated data, so a record copied to another org or kind does not decrypt.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("VAULT_KEY is missing or not 32 bytes of base64")]
    NoKey,
    #[error("no randomness available")]
    Random,
    #[error("the record does not decrypt (wrong key, org or kind, or tampered)")]
    Decrypt,
}

/// A sealed record as stored: base64 nonce and ciphertext (with its tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub nonce: String,
    pub ciphertext: String,
}

pub struct Vault {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(<key redacted>)")
    }
}

fn aad(org: &str, kind: &str) -> Vec<u8> {
    format!("org={org};kind={kind}").into_bytes()
}

impl Vault {
    pub fn from_base64(key: &str) -> Result<Self, VaultError> {
        let bytes = B64.decode(key.trim()).map_err(|_| VaultError::NoKey)?;
        if bytes.len() != 32 {
            return Err(VaultError::NoKey);
        }
        Ok(Self { cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)) })
    }

    pub fn seal(&self, org: &str, kind: &str, plaintext: &[u8]) -> Result<Sealed, VaultError> {
        let mut nonce = [0u8; 12];
        getrandom::getrandom(&mut nonce).map_err(|_| VaultError::Random)?;
        let ct = self.cipher.encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: &aad(org, kind) }).map_err(|_| VaultError::Decrypt)?;
        Ok(Sealed { nonce: B64.encode(nonce), ciphertext: B64.encode(ct) })
    }

    pub fn open(&self, org: &str, kind: &str, sealed: &Sealed) -> Result<Vec<u8>, VaultError> {
        let nonce = B64.decode(&sealed.nonce).map_err(|_| VaultError::Decrypt)?;
        let ct = B64.decode(&sealed.ciphertext).map_err(|_| VaultError::Decrypt)?;
        if nonce.len() != 12 {
            return Err(VaultError::Decrypt);
        }
        self.cipher.decrypt(Nonce::from_slice(&nonce), Payload { msg: &ct, aad: &aad(org, kind) }).map_err(|_| VaultError::Decrypt)
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
        let flipped = Sealed { nonce: s.nonce.clone(), ciphertext: B64.encode(raw) };
        assert_eq!(v.open("northwind", "harvest_v1", &flipped), Err(VaultError::Decrypt));
    }

    #[test]
    fn bad_keys_are_refused_and_debug_is_redacted() {
        assert_eq!(Vault::from_base64("short").unwrap_err(), VaultError::NoKey);
        assert_eq!(Vault::from_base64(&B64.encode([1u8; 16])).unwrap_err(), VaultError::NoKey);
        assert_eq!(format!("{:?}", vault()), "Vault(<key redacted>)");
    }
}
