//! Showing a certificate in person (亮证) and checking it: the audience and freshness every
//! QR presentation is made for, and the trust bundle a verifier keeps — each issuing
//! department's keys and signed status list in one document, fetched when online and used from
//! its cache when not, its age said with every verdict.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::jws::Signer;
use super::status::CheckedList;
use super::{present, verify, CredentialError, Trust, Verdict};
use crate::catalog::DepartmentRef;

/// The audience of a presentation shown as a QR code to whoever checks it in person (no online
/// verifier to name): the key binding is for this, and `/verify` accepts only this.
pub const SHOW_AUDIENCE: &str = "urn:cn:tongban:show";

/// How long a shown QR code holds, in seconds: a copy or a photo of it is useless after this.
pub const SHOW_MAX_AGE: i64 = 300;

/// One issuer a verifier trusts: its identifier (`iss`), which department it is, its public
/// keys and its latest status list (`statuslist+jwt`, signed by one of those keys).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrustedIssuer {
    pub issuer: String,
    pub department: DepartmentRef,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub keys: Vec<Value>,
    pub status_list: String,
}

/// `GET /api/v1/issuers`: every department that issues certificates here, for verifiers and
/// wallets to cache.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrustBundle {
    /// When the server put it together (Unix seconds).
    pub made_at: i64,
    pub issuers: Vec<TrustedIssuer>,
}

impl TrustBundle {
    /// Checks a presentation shown in person (`SHOW_AUDIENCE`, at most `SHOW_MAX_AGE` old)
    /// against these issuers and their status lists. A status list that does not carry its
    /// issuer's signature is not used (the certificate's status is then unknown).
    pub fn verify_shown(&self, presentation: &str, now: i64) -> Verdict {
        let issuers: Vec<(String, Vec<Value>)> = self
            .issuers
            .iter()
            .map(|i| (i.issuer.clone(), i.keys.clone()))
            .collect();
        let lists: Vec<CheckedList> = self
            .issuers
            .iter()
            .filter_map(|i| CheckedList::check(&i.status_list, &i.keys))
            .collect();
        verify(
            presentation,
            &Trust {
                issuers: &issuers,
                lists: &lists,
                now,
                audience: SHOW_AUDIENCE,
                max_age: SHOW_MAX_AGE,
            },
        )
    }

    /// The department behind an issuer identifier, when this bundle knows it.
    pub fn department(&self, issuer: &str) -> Option<&DepartmentRef> {
        self.issuers
            .iter()
            .find(|i| i.issuer == issuer)
            .map(|i| &i.department)
    }
}

/// The QR payload that shows `credential` disclosing only `claims`, made now by the holder's
/// key, for anyone checking in person.
pub async fn show(
    credential: &str,
    claims: &[&str],
    nonce: &str,
    now: i64,
    holder: &dyn Signer,
) -> Result<String, CredentialError> {
    present(credential, claims, SHOW_AUDIENCE, nonce, now, holder).await
}

/// The claims of an SD-JWT VC as its holder sees them (every disclosure), without the
/// issuer's registered claims; `None` if it is not one.
pub fn held_claims(credential: &str) -> Option<serde_json::Map<String, Value>> {
    super::sd_jwt::disclosed(credential)
}
