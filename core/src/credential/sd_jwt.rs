//! Issuing, presenting and verifying an SD-JWT VC with sd-jwt-payload: the encoding, the
//! disclosures' digests and the key-binding JWT are the crate's; the checks a verifier owes
//! (RFC 9901 §7, SD-JWT VC §3) are made here in order — the issuer's signature, the holder's
//! key binding for this audience, freshness, the disclosures, the certificate's expiry, its
//! status.

use sd_jwt_payload::{Hasher as _, KeyBindingJwt, RequiredKeyBinding, SdJwt, SdJwtBuilder};
use serde_json::{Map, Value};

use super::jws::{self, Adapter, Sha256, Signer};
use super::status::{CheckedList, Status};
use super::{CredentialError, CredentialKind, Invalid, Verdict};

/// The claims a verifier reads from the issuer's own part, not the person's data.
const REGISTERED: [&str; 8] = [
    "iss", "iat", "exp", "nbf", "vct", "cnf", "status", "_sd_alg",
];

/// A certificate to issue.
pub struct Issue<'a> {
    pub kind: CredentialKind,
    /// The issuer's identifier (`iss`): where its keys are published.
    pub issuer: &'a str,
    /// The person's data, each claim selectively disclosable.
    pub claims: Map<String, Value>,
    /// The holder's device key (`cnf.jwk`): only it can present the certificate.
    pub holder_jwk: Value,
    pub iat: i64,
    pub exp: Option<i64>,
    /// Its entry in the issuer's status list: index and the list's URI.
    pub status: Option<(u64, String)>,
}

fn malformed(e: impl std::fmt::Display) -> CredentialError {
    CredentialError::Malformed(e.to_string())
}

/// A JSON pointer to a top-level claim.
fn pointer(claim: &str) -> String {
    format!("/{}", claim.replace('~', "~0").replace('/', "~1"))
}

/// The issued SD-JWT (`<issuer-signed JWT>~<disclosure>~…~`), signed by `signer`.
pub async fn issue(i: Issue<'_>, signer: &dyn Signer) -> Result<String, CredentialError> {
    let concealable: Vec<String> = i.claims.keys().cloned().collect();
    let mut object = i.claims;
    object.insert("iss".into(), i.issuer.into());
    object.insert("iat".into(), i.iat.into());
    if let Some(exp) = i.exp {
        object.insert("exp".into(), exp.into());
    }
    object.insert("vct".into(), i.kind.vct().into());
    if let Some((idx, uri)) = i.status {
        object.insert(
            "status".into(),
            serde_json::json!({ "status_list": { "idx": idx, "uri": uri } }),
        );
    }
    let Value::Object(jwk) = i.holder_jwk else {
        return Err(malformed("the holder's key is not a JWK"));
    };
    let mut builder =
        SdJwtBuilder::new_with_hasher(Value::Object(object), Sha256).map_err(malformed)?;
    for claim in &concealable {
        builder = builder
            .make_concealable(&pointer(claim))
            .map_err(malformed)?;
    }
    let sd_jwt = builder
        .header("typ", "dc+sd-jwt")
        .require_key_binding(RequiredKeyBinding::Jwk(jwk))
        .finish(&Adapter(signer), signer.alg())
        .await
        .map_err(|e| CredentialError::Signing(e.to_string()))?;
    Ok(sd_jwt.presentation())
}

/// A presentation of `credential` disclosing only `disclose`, bound to `audience` and `nonce`
/// at `iat` by the holder's key.
pub async fn present(
    credential: &str,
    disclose: &[&str],
    audience: &str,
    nonce: &str,
    iat: i64,
    holder: &dyn Signer,
) -> Result<String, CredentialError> {
    let sd_jwt = SdJwt::parse(credential).map_err(malformed)?;
    let mut builder = sd_jwt
        .into_presentation(&Sha256)
        .map_err(malformed)?
        .conceal_all();
    for claim in disclose {
        builder = builder
            .disclose(&pointer(claim))
            .map_err(|_| CredentialError::NoSuchClaim((*claim).to_owned()))?;
    }
    let (mut sd_jwt, _) = builder.finish();
    let kb = KeyBindingJwt::builder()
        .iat(iat)
        .aud(audience)
        .nonce(nonce)
        .finish(&sd_jwt, &Sha256, holder.alg(), &Adapter(holder))
        .await
        .map_err(|e| CredentialError::Signing(e.to_string()))?;
    sd_jwt.attach_key_binding_jwt(kb);
    Ok(sd_jwt.presentation())
}

/// Every claim of an SD-JWT VC as its holder reads it (all disclosures), without the issuer's
/// registered claims; `None` if it is not one.
pub fn held_claims(credential: &str) -> Option<Map<String, Value>> {
    let sd_jwt = SdJwt::parse(credential).ok()?;
    let mut claims = sd_jwt.into_disclosed_object(&Sha256).ok()?;
    for registered in REGISTERED {
        claims.remove(registered);
    }
    Some(claims)
}

/// What a verifier trusts and knows.
pub struct Trust<'a> {
    /// Issuers' public keys (JWKs), by `iss`.
    pub issuers: &'a [(String, Vec<Value>)],
    /// The status lists it holds, checked against their issuers' keys.
    pub lists: &'a [CheckedList],
    pub now: i64,
    /// Whom presentations must be made for (`aud` of the key binding).
    pub audience: &'a str,
    /// How old a presentation may be, in seconds.
    pub max_age: i64,
}

/// The index in its issuer's status list that the certificate of `presentation` carries
/// (`status.status_list.idx`), read without checking anything: only for a presentation
/// [`verify`] found valid. With the issuer it names the one certificate, and so its holder,
/// whatever claims were disclosed.
pub fn status_index(presentation: &str) -> Option<u64> {
    let issuer_jwt = jws::parts(presentation.trim().split('~').next()?)?;
    issuer_jwt
        .payload
        .get("status")?
        .get("status_list")?
        .get("idx")?
        .as_u64()
}

/// Checks a presentation; the verdict says what holds, and on `Valid` only the disclosed claims.
pub fn verify(presentation: &str, trust: &Trust<'_>) -> Verdict {
    let invalid = |reason| Verdict::Invalid { reason };
    let presentation = presentation.trim();
    let Some((issued, kb_part)) = presentation.rsplit_once('~') else {
        return invalid(Invalid::Malformed);
    };
    let Some(issuer_jwt) = issued.split('~').next().and_then(jws::parts) else {
        return invalid(Invalid::Malformed);
    };
    let typ = issuer_jwt.header.get("typ").and_then(Value::as_str);
    if !matches!(typ, Some("dc+sd-jwt" | "vc+sd-jwt")) {
        return invalid(Invalid::Malformed);
    }
    let iss = issuer_jwt
        .payload
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let Some((_, keys)) = trust.issuers.iter().find(|(i, _)| *i == iss) else {
        return invalid(Invalid::UnknownIssuer);
    };
    if !keys.iter().any(|k| issuer_jwt.verifies_with(k)) {
        return invalid(Invalid::BadSignature);
    }

    // The holder: a key-binding JWT signed by the certificate's `cnf` key, over exactly what
    // is presented, for this audience, fresh.
    let Some(kb) = jws::parts(kb_part) else {
        return invalid(Invalid::WrongHolder);
    };
    let holder_key = issuer_jwt.payload.get("cnf").and_then(|c| c.get("jwk"));
    if kb.header.get("typ").and_then(Value::as_str) != Some("kb+jwt")
        || !holder_key.is_some_and(|k| kb.verifies_with(k))
    {
        return invalid(Invalid::WrongHolder);
    }
    let sd_hash = Sha256.encoded_digest(&format!("{issued}~"));
    if kb.payload.get("sd_hash").and_then(Value::as_str) != Some(sd_hash.as_str()) {
        return invalid(Invalid::Tampered);
    }
    if kb.payload.get("aud").and_then(Value::as_str) != Some(trust.audience) {
        return invalid(Invalid::WrongAudience);
    }
    let made = kb
        .payload
        .get("iat")
        .and_then(Value::as_i64)
        .unwrap_or(i64::MIN);
    if made > trust.now + 60 || trust.now.saturating_sub(made) > trust.max_age {
        return Verdict::Expired { presentation: true };
    }

    // The disclosures: each one the issuer signed a digest of.
    let Ok(sd_jwt) = SdJwt::parse(&format!("{issued}~")) else {
        return invalid(Invalid::Malformed);
    };
    let Ok(mut claims) = sd_jwt.into_disclosed_object(&Sha256) else {
        return invalid(Invalid::Tampered);
    };
    if issuer_jwt
        .payload
        .get("exp")
        .and_then(Value::as_i64)
        .is_some_and(|exp| exp <= trust.now)
    {
        return Verdict::Expired {
            presentation: false,
        };
    }
    let entry = issuer_jwt
        .payload
        .get("status")
        .and_then(|s| s.get("status_list"));
    let status_checked_at = match entry {
        Some(entry) => {
            let idx = entry.get("idx").and_then(Value::as_u64);
            let uri = entry.get("uri").and_then(Value::as_str);
            let list = trust.lists.iter().find(|l| Some(l.uri.as_str()) == uri);
            match (list, idx) {
                (Some(list), Some(idx)) => match list.status(idx) {
                    Some(Status::Valid) => Some(list.iat),
                    Some(Status::Suspended) => return Verdict::Suspended,
                    Some(Status::Revoked) | None => return Verdict::Revoked,
                },
                _ => None,
            }
        }
        None => None,
    };
    let kind = issuer_jwt
        .payload
        .get("vct")
        .and_then(Value::as_str)
        .and_then(CredentialKind::from_vct);
    for registered in REGISTERED {
        claims.remove(registered);
    }
    Verdict::Valid {
        kind,
        issuer: iss,
        claims,
        status_checked_at,
    }
}
