//! The departments' certificate-signing keys (电子证照): from the configured file
//! (`--issuer-keys-file`, JSON `{"<department>": {"kid": "…", "secret": "<base64url 32 bytes>"}}`),
//! or in development demo keys derived from each department's id (anyone can derive them: they
//! sign nothing real). Signing goes through core's `Signer`, so a province can put an HSM or
//! an SM2 (GB/T 32918) signer behind the same trait.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use tongban_core::credential::jws::{Es256Key, Signer};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyEntry {
    kid: String,
    secret: String,
}

/// Where the departments' keys come from.
#[derive(Clone)]
pub enum Issuers {
    /// The configured keys, by department.
    Configured(Arc<BTreeMap<String, Arc<dyn Signer>>>),
    /// Development: a demo key for any department.
    Demo,
    /// Neither: no certificates are issued (the endpoints say so).
    None,
}

impl Issuers {
    /// The keys of `file`, checked: each a valid P-256 secret with a key id.
    pub fn read_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        let entries: BTreeMap<String, KeyEntry> = serde_json::from_str(&text)?;
        let mut keys: BTreeMap<String, Arc<dyn Signer>> = BTreeMap::new();
        for (department, entry) in entries {
            let secret: [u8; 32] = URL_SAFE_NO_PAD
                .decode(entry.secret.trim())
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| {
                    anyhow::anyhow!("{department}: the secret is not 32 bytes of base64url")
                })?;
            let key = Es256Key::from_secret(&secret, Some(entry.kid))
                .ok_or_else(|| anyhow::anyhow!("{department}: not a P-256 key"))?;
            keys.insert(department, Arc::new(key));
        }
        Ok(Self::Configured(Arc::new(keys)))
    }

    /// The department's signing key, if it has one.
    pub fn signer(&self, department: &str) -> Option<Arc<dyn Signer>> {
        match self {
            Self::Configured(keys) => keys.get(department).cloned(),
            Self::Demo => Some(Arc::new(demo_key(department))),
            Self::None => None,
        }
    }
}

/// A department's demo key: SHA-256 of its id (again, in the rare case that is no P-256
/// scalar).
fn demo_key(department: &str) -> Es256Key {
    let mut seed: [u8; 32] = Sha256::digest(format!("tongban demo issuer {department}")).into();
    loop {
        if let Some(key) = Es256Key::from_secret(&seed, Some(format!("{department}-demo"))) {
            return key;
        }
        seed = Sha256::digest(seed).into();
    }
}
