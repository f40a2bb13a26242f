//! Personal data at rest: the sensitive columns (answers, names, ID numbers, the keys of stored
//! documents) are sealed with a data key from configuration before they reach the database —
//! AES-256-GCM by default, SM4-GCM (GB/T 32907, RFC 8998) for provinces that need the national
//! algorithms — with RustCrypto's `aes-gcm` and `sm4`. Lookups that must still find a row by such
//! a value (an ID number already verified on another account) go through a keyed hash
//! (HMAC-SHA256 with the lookup key), never through the value itself.
//!
//! A stored value is `tb1:<key id>:<base64url(nonce · ciphertext · tag)>`, sealed with the column's
//! name as associated data, so a value moved into another column does not open. Several keys can
//! be configured: the first seals, all open; the rotation task (`rotation.rs`) re-seals whatever
//! is not under the first one (values from older keys, and plain values from before encryption).

use std::collections::HashMap;
use std::path::Path;

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, AesGcm};
use anyhow::{bail, Context};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

const PREFIX: &str = "tb1:";

/// The authenticated cipher a data key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Aes256Gcm,
    /// SM4 in GCM mode (RFC 8998), for the national-algorithm profile (国密).
    Sm4Gcm,
}

impl Algorithm {
    pub fn code(self) -> &'static str {
        match self {
            Self::Aes256Gcm => "aes-256-gcm",
            Self::Sm4Gcm => "sm4-gcm",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "aes-256-gcm" => Some(Self::Aes256Gcm),
            "sm4-gcm" => Some(Self::Sm4Gcm),
            _ => None,
        }
    }

    fn key_len(self) -> usize {
        match self {
            Self::Aes256Gcm => 32,
            Self::Sm4Gcm => 16,
        }
    }
}

#[derive(Clone)]
enum Sealer {
    Aes(Box<Aes256Gcm>),
    Sm4(Box<Sm4Gcm>),
}

#[derive(Clone)]
struct DataKey {
    id: String,
    algorithm: Algorithm,
    sealer: Sealer,
}

impl DataKey {
    fn new(id: &str, algorithm: Algorithm, bytes: &[u8]) -> anyhow::Result<Self> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            bail!("data key id {id:?}: use letters, digits and '-'");
        }
        if bytes.len() != algorithm.key_len() {
            bail!(
                "data key {id:?}: {} needs {} bytes, not {}",
                algorithm.code(),
                algorithm.key_len(),
                bytes.len()
            );
        }
        let sealer = match algorithm {
            Algorithm::Aes256Gcm => Sealer::Aes(Box::new(
                Aes256Gcm::new_from_slice(bytes).expect("length checked"),
            )),
            Algorithm::Sm4Gcm => Sealer::Sm4(Box::new(
                Sm4Gcm::new_from_slice(bytes).expect("length checked"),
            )),
        };
        Ok(Self {
            id: id.to_owned(),
            algorithm,
            sealer,
        })
    }

    fn seal(&self, nonce: &[u8; 12], payload: Payload<'_, '_>) -> Vec<u8> {
        let nonce = aes_gcm::Nonce::from_slice(nonce);
        match &self.sealer {
            Sealer::Aes(c) => c.encrypt(nonce, payload),
            Sealer::Sm4(c) => c.encrypt(nonce, payload),
        }
        .expect("GCM sealing of an in-memory value does not fail")
    }

    fn open(&self, nonce: &[u8], payload: Payload<'_, '_>) -> Option<Vec<u8>> {
        let nonce = aes_gcm::Nonce::from_slice(nonce);
        match &self.sealer {
            Sealer::Aes(c) => c.decrypt(nonce, payload),
            Sealer::Sm4(c) => c.decrypt(nonce, payload),
        }
        .ok()
    }
}

/// A stored value that does not open.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("sealed with key {0:?}, which is not configured")]
    UnknownKey(String),
    #[error("does not open: damaged, moved from another column, or sealed with another key")]
    CannotOpen,
}

/// The configured data keys (the first seals) and the lookup key.
#[derive(Clone)]
pub struct Vault {
    keys: Vec<DataKey>,
    by_id: HashMap<String, usize>,
    lookup: Hmac<Sha256>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("active", &self.active_id())
            .field("algorithm", &self.keys[0].algorithm.code())
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

/// `N` bytes from the system's random source (nonces, keys).
pub(crate) fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the system's random source");
    bytes
}

impl Vault {
    /// From `ID:ALGORITHM:BASE64KEY` entries (the first seals) and a base64 lookup key of at
    /// least 32 bytes.
    pub fn from_config(keys: &[String], lookup_key: &str) -> anyhow::Result<Self> {
        let mut parsed = Vec::new();
        for entry in keys {
            let mut parts = entry.trim().splitn(3, ':');
            let (Some(id), Some(alg), Some(key)) = (parts.next(), parts.next(), parts.next())
            else {
                bail!("a data key is ID:ALGORITHM:BASE64 (e.g. k2026:aes-256-gcm:…)");
            };
            let algorithm = Algorithm::from_code(alg).with_context(|| {
                format!("data key {id:?}: unknown algorithm {alg:?} (aes-256-gcm or sm4-gcm)")
            })?;
            let bytes = STANDARD
                .decode(key.trim())
                .with_context(|| format!("data key {id:?} is not base64"))?;
            parsed.push(DataKey::new(id, algorithm, &bytes)?);
        }
        let lookup = STANDARD
            .decode(lookup_key.trim())
            .context("the lookup key is not base64")?;
        if lookup.len() < 32 {
            bail!("the lookup key needs at least 32 bytes");
        }
        Self::new(parsed, &lookup)
    }

    fn new(keys: Vec<DataKey>, lookup: &[u8]) -> anyhow::Result<Self> {
        if keys.is_empty() {
            bail!("no data key configured");
        }
        let mut by_id = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            if by_id.insert(k.id.clone(), i).is_some() {
                bail!("data key id {:?} is configured twice", k.id);
            }
        }
        Ok(Self {
            keys,
            by_id,
            lookup: <Hmac<Sha256> as Mac>::new_from_slice(lookup)
                .expect("HMAC takes keys of any length"),
        })
    }

    /// Fresh random keys (tests, and development's first start).
    pub fn generate(algorithm: Algorithm) -> Self {
        let bytes: [u8; 32] = random();
        let key = DataKey::new("dev", algorithm, &bytes[..algorithm.key_len()]).expect("valid");
        Self::new(vec![key], &random::<32>()).expect("one key")
    }

    /// Development: the keys kept in `path`, made on first start (the file holds the two
    /// configuration values, one per line, and is readable by its owner only).
    pub fn development(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            let text = format!(
                "dev:aes-256-gcm:{}\n{}\n",
                STANDARD.encode(random::<32>()),
                STANDARD.encode(random::<32>())
            );
            write_private(path, &text).with_context(|| {
                format!("cannot write the development key file {}", path.display())
            })?;
            tracing::warn!(file = %path.display(), "development: generated a data key; never use it in production");
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the development key file {}", path.display()))?;
        let mut lines = text.lines();
        let (Some(key), Some(lookup)) = (lines.next(), lines.next()) else {
            bail!(
                "{}: expected a data key and a lookup key, one per line",
                path.display()
            );
        };
        Self::from_config(&[key.to_owned()], lookup)
    }

    /// The id of the key that seals.
    pub fn active_id(&self) -> &str {
        &self.keys[0].id
    }

    /// The start every value sealed with the active key has.
    pub fn active_prefix(&self) -> String {
        format!("{PREFIX}{}:", self.active_id())
    }

    /// Seals `plain` for `column` (e.g. `accounts.id_number`) with the active key.
    pub fn seal(&self, column: &str, plain: &str) -> String {
        let key = &self.keys[0];
        let nonce: [u8; 12] = random();
        let sealed = key.seal(
            &nonce,
            Payload {
                msg: plain.as_bytes(),
                aad: column.as_bytes(),
            },
        );
        let mut bytes = Vec::with_capacity(12 + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}:{}", key.id, URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The plain value of what `seal` made for the same column with any configured key; a value
    /// stored before encryption (no `tb1:` start) is returned as it is, until rotation seals it.
    pub fn open(&self, column: &str, stored: &str) -> Result<String, VaultError> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let (id, body) = rest.split_once(':').ok_or(VaultError::CannotOpen)?;
        let key = self
            .by_id
            .get(id)
            .map(|&i| &self.keys[i])
            .ok_or_else(|| VaultError::UnknownKey(id.to_owned()))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| VaultError::CannotOpen)?;
        if bytes.len() < 12 + 16 {
            return Err(VaultError::CannotOpen);
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = key
            .open(
                nonce,
                Payload {
                    msg: sealed,
                    aad: column.as_bytes(),
                },
            )
            .ok_or(VaultError::CannotOpen)?;
        String::from_utf8(plain).map_err(|_| VaultError::CannotOpen)
    }

    /// Whether a stored value is already sealed with the active key.
    pub fn is_current(&self, stored: &str) -> bool {
        stored.starts_with(&self.active_prefix())
    }

    /// A keyed hash of a value for finding rows by it (`purpose` keeps lookups apart), hex.
    pub fn lookup(&self, purpose: &str, value: &str) -> String {
        let mut mac = self.lookup.clone();
        mac.update(&(purpose.len() as u64).to_le_bytes());
        mac.update(purpose.as_bytes());
        mac.update(value.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 8998, appendix A.1 (SM4-GCM), checked independently with Python's `cryptography`.
    #[test]
    fn sm4_gcm_gives_the_published_test_vector() {
        let key = DataKey::new(
            "t",
            Algorithm::Sm4Gcm,
            &hex("0123456789ABCDEFFEDCBA9876543210"),
        )
        .unwrap();
        let nonce: [u8; 12] = hex("00001234567800000000ABCD").try_into().unwrap();
        let sealed = key.seal(
            &nonce,
            Payload {
                msg: &hex(
                    "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD\
                           EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
                ),
                aad: &hex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2"),
            },
        );
        assert_eq!(
            sealed,
            hex(
                "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735\
                 D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D\
                 83DE3541E4C2B58177E065A9BF7B62EC"
            )
        );
    }

    #[test]
    fn a_sealed_value_opens_only_in_its_column_with_a_configured_key() {
        for algorithm in [Algorithm::Aes256Gcm, Algorithm::Sm4Gcm] {
            let vault = Vault::generate(algorithm);
            let sealed = vault.seal("accounts.id_number", "11010519491231002X");
            assert!(sealed.starts_with("tb1:dev:"), "{sealed}");
            assert!(!sealed.contains("1101"));
            assert_ne!(
                sealed,
                vault.seal("accounts.id_number", "11010519491231002X")
            );
            assert_eq!(
                vault.open("accounts.id_number", &sealed).unwrap(),
                "11010519491231002X"
            );
            assert!(matches!(
                vault.open("accounts.real_name", &sealed),
                Err(VaultError::CannotOpen)
            ));
            assert!(Vault::generate(algorithm)
                .open("accounts.id_number", &sealed)
                .is_err());
            assert_eq!(
                vault.open("x", "plain from before").unwrap(),
                "plain from before"
            );
        }
    }

    #[test]
    fn rotation_keeps_old_keys_for_opening_and_seals_with_the_first() {
        let old = STANDARD.encode([1u8; 32]);
        let new = STANDARD.encode([2u8; 16]);
        let lookup = STANDARD.encode([3u8; 32]);
        let before = Vault::from_config(&[format!("k1:aes-256-gcm:{old}")], &lookup).unwrap();
        let sealed = before.seal("drafts.state_json", "{}");
        let after = Vault::from_config(
            &[format!("k2:sm4-gcm:{new}"), format!("k1:aes-256-gcm:{old}")],
            &lookup,
        )
        .unwrap();
        assert_eq!(after.open("drafts.state_json", &sealed).unwrap(), "{}");
        assert!(!after.is_current(&sealed));
        assert!(after.is_current(&after.seal("drafts.state_json", "{}")));
        assert_eq!(before.lookup("id", "1"), after.lookup("id", "1"));
        assert_ne!(after.lookup("id", "1"), after.lookup("phone", "1"));
        let only_new = Vault::from_config(&[format!("k2:sm4-gcm:{new}")], &lookup).unwrap();
        assert!(matches!(
            only_new.open("drafts.state_json", &sealed),
            Err(VaultError::UnknownKey(id)) if id == "k1"
        ));
        for bad in [
            "k1:aes-256-gcm:AAAA",
            "k1:rot13:AAAA",
            "nonsense",
            "k 1:sm4-gcm:AAAA",
        ] {
            assert!(Vault::from_config(&[bad.into()], &lookup).is_err(), "{bad}");
        }
        assert!(Vault::from_config(&[format!("k1:aes-256-gcm:{old}")], "c2hvcnQ=").is_err());
    }

    #[test]
    fn development_keeps_its_generated_keys_across_starts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/dev.key");
        let first = Vault::development(&path).unwrap();
        let sealed = first.seal("c", "张三");
        let again = Vault::development(&path).unwrap();
        assert_eq!(again.open("c", &sealed).unwrap(), "张三");
    }
}
