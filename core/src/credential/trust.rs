//! Showing a certificate in person (亮证) and checking it: the audience and freshness every
//! QR presentation is made for, and the trust bundle a verifier keeps — each issuing
//! department's keys and signed status list in one document, fetched when online and used from
//! its cache when not, its age said with every verdict.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::jws::{self, Signer};
use super::share::{SHARE_AUDIENCE, SHARE_MAX_MINUTES};
use super::status::CheckedList;
use super::{present, verify, CredentialError, Invalid, Trust, Verdict};
use crate::catalog::DepartmentRef;

/// The audience of a presentation shown as a QR code to whoever checks it in person (no online
/// verifier to name): the key binding is for this, and `/verify` accepts only this.
pub const SHOW_AUDIENCE: &str = "urn:cn:tongban:show";

/// How long a shown QR code holds, in seconds: a copy or a photo of it is useless after this.
pub const SHOW_MAX_AGE: i64 = 300;

/// The audience of a presentation made for an application (免提交): the key binding is for
/// this, with the draft's id as its nonce, so it serves that one application only.
pub const APPLY_AUDIENCE: &str = "urn:cn:tongban:apply";

/// How old a presentation for an application may be when it is submitted, in seconds: a form
/// filled offline is submitted days later (30 days).
pub const APPLY_MAX_AGE: i64 = 30 * 86_400;

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
        self.verify_for(presentation, now, SHOW_AUDIENCE, SHOW_MAX_AGE)
    }

    /// Checks a presentation made for the application of draft `draft_id` (`APPLY_AUDIENCE`,
    /// that nonce, at most `APPLY_MAX_AGE` old). One made for another draft is refused as made
    /// for someone else.
    pub fn verify_for_application(&self, presentation: &str, draft_id: &str, now: i64) -> Verdict {
        let verdict = self.verify_for(presentation, now, APPLY_AUDIENCE, APPLY_MAX_AGE);
        let nonce = presentation
            .trim()
            .rsplit('~')
            .next()
            .and_then(jws::parts)
            .and_then(|kb| kb.payload.get("nonce")?.as_str().map(str::to_owned));
        match verdict {
            Verdict::Valid { .. } if nonce.as_deref() != Some(draft_id) => Verdict::Invalid {
                reason: Invalid::WrongAudience,
            },
            other => other,
        }
    }

    /// Checks a presentation made for an online share (`SHARE_AUDIENCE`): the server keeps it
    /// until it is opened or expires, so it may be as old as the longest share.
    pub fn verify_shared(&self, presentation: &str, now: i64) -> Verdict {
        let max_age = i64::try_from(SHARE_MAX_MINUTES * 60).unwrap_or(i64::MAX);
        self.verify_for(presentation, now, SHARE_AUDIENCE, max_age)
    }

    fn verify_for(&self, presentation: &str, now: i64, audience: &str, max_age: i64) -> Verdict {
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
                audience,
                max_age,
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

/// The presentation of `credential` disclosing `claims` for the application of draft
/// `draft_id` (免提交), made now by the holder's key.
pub async fn present_for_application(
    credential: &str,
    claims: &[&str],
    draft_id: &str,
    now: i64,
    holder: &dyn Signer,
) -> Result<String, CredentialError> {
    present(credential, claims, APPLY_AUDIENCE, draft_id, now, holder).await
}
