//! JWS for certificates: a signer trait (a department's key, a device's key — or a province's
//! SM2 signer for its own profile), ES256 with RustCrypto's p256, and checking a compact JWS
//! against a JWK. The signature algorithms are the crates'; this file only frames them as
//! RFC 7515 compact serialisation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde_json::{Map, Value};

/// Signs JWS signing input with one key and one algorithm. The signature is returned in the
/// algorithm's JWS form (for ES256: the 64 bytes r ‖ s, never DER).
pub trait Signer: Send + Sync {
    /// The JWS `alg` (`ES256`).
    fn alg(&self) -> &str;
    /// The key id put in the JWS header, when the key has one (issuers' keys do).
    fn kid(&self) -> Option<String>;
    /// The public key as a JWK (for `cnf`, or a JWKS).
    fn public_jwk(&self) -> Value;
    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, String>;
}

/// An ES256 key held in memory (a department's in development, a device's wallet key).
pub struct Es256Key {
    key: SigningKey,
    kid: Option<String>,
}

impl Es256Key {
    /// The key of these 32 secret bytes (from the shell's randomness or the configuration);
    /// `None` if they are not a valid P-256 scalar.
    pub fn from_secret(secret: &[u8; 32], kid: Option<String>) -> Option<Self> {
        let key = SigningKey::from_bytes(secret.into()).ok()?;
        Some(Self { key, kid })
    }

    /// The private key as a JWK (`d` included): for tools that sign with it elsewhere, such
    /// as the interoperability test's independent issuer. Never sent anywhere.
    pub fn private_jwk(&self) -> Value {
        let secret = p256::SecretKey::from(&self.key);
        serde_json::from_str(&secret.to_jwk_string()).unwrap_or_default()
    }

    /// The secret bytes, to keep (sealed) and load again.
    pub fn secret(&self) -> [u8; 32] {
        self.key.to_bytes().into()
    }
}

impl Signer for Es256Key {
    fn alg(&self) -> &str {
        "ES256"
    }

    fn kid(&self) -> Option<String> {
        self.kid.clone()
    }

    fn public_jwk(&self) -> Value {
        let jwk = p256::PublicKey::from(self.key.verifying_key()).to_jwk_string();
        let mut jwk: Map<String, Value> = serde_json::from_str(&jwk).unwrap_or_default();
        if let Some(kid) = &self.kid {
            jwk.insert("kid".into(), kid.clone().into());
            jwk.insert("alg".into(), "ES256".into());
            jwk.insert("use".into(), "sig".into());
        }
        Value::Object(jwk)
    }

    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, String> {
        let signature: Signature = self.key.sign(signing_input);
        Ok(signature.to_bytes().to_vec())
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A compact JWS of `header` (with `alg`, and `kid` when the key has one) and `payload`.
pub fn compact(
    header: &Map<String, Value>,
    payload: &Map<String, Value>,
    signer: &dyn Signer,
) -> Result<String, String> {
    let mut header = header.clone();
    header.insert("alg".into(), signer.alg().into());
    if let Some(kid) = signer.kid() {
        header.entry("kid").or_insert(kid.into());
    }
    let head = b64(&serde_json::to_vec(&header).map_err(|e| e.to_string())?);
    let body = b64(&serde_json::to_vec(payload).map_err(|e| e.to_string())?);
    let input = format!("{head}.{body}");
    let signature = signer.sign(input.as_bytes())?;
    Ok(format!("{input}.{}", b64(&signature)))
}

/// A compact JWS taken apart: its header, its payload and whether it is well formed.
pub struct Parts {
    pub header: Map<String, Value>,
    pub payload: Map<String, Value>,
    signing_input: String,
    signature: Vec<u8>,
}

/// Splits a compact JWS; `None` if it is not one.
pub fn parts(jws: &str) -> Option<Parts> {
    let mut it = jws.split('.');
    let (h, p, s) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).ok()?).ok()?;
    let payload = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).ok()?).ok()?;
    Some(Parts {
        header,
        payload,
        signing_input: format!("{h}.{p}"),
        signature: URL_SAFE_NO_PAD.decode(s).ok()?,
    })
}

impl Parts {
    /// Whether the signature is good for this ES256 JWK (any other algorithm is not).
    pub fn verifies_with(&self, jwk: &Value) -> bool {
        if self.header.get("alg").and_then(Value::as_str) != Some("ES256") {
            return false;
        }
        let Ok(key) = p256::PublicKey::from_jwk_str(&key_members(jwk)) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(&self.signature) else {
            return false;
        };
        VerifyingKey::from(key)
            .verify(self.signing_input.as_bytes(), &signature)
            .is_ok()
    }
}

/// The members of a JWK that make the key (p256 refuses a JWK with others, such as `kid`).
fn key_members(jwk: &Value) -> String {
    let key_only: Map<String, Value> = ["kty", "crv", "x", "y"]
        .into_iter()
        .filter_map(|m| Some((m.to_owned(), jwk.get(m)?.clone())))
        .collect();
    Value::Object(key_only).to_string()
}

/// Whether `jwk` is a P-256 public key (what a wallet binds a certificate to), and no more:
/// a JWK carrying a private part (`d`) is refused too.
pub fn is_es256_public_key(jwk: &Value) -> bool {
    jwk.get("d").is_none() && p256::PublicKey::from_jwk_str(&key_members(jwk)).is_ok()
}

/// sd-jwt-payload's signer, from ours.
pub(super) struct Adapter<'a>(pub &'a dyn Signer);

#[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
#[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
impl sd_jwt_payload::JwsSigner for Adapter<'_> {
    type Error = String;

    async fn sign(
        &self,
        header: &sd_jwt_payload::JsonObject,
        payload: &sd_jwt_payload::JsonObject,
    ) -> Result<Vec<u8>, String> {
        compact(header, payload, self.0).map(String::into_bytes)
    }
}

/// SHA-256 for the disclosures' digests (`_sd_alg: sha-256`).
pub(super) struct Sha256;

impl sd_jwt_payload::Hasher for Sha256 {
    fn digest(&self, input: &[u8]) -> Vec<u8> {
        use sha2::Digest as _;
        sha2::Sha256::digest(input).to_vec()
    }

    fn alg_name(&self) -> &str {
        "sha-256"
    }
}
