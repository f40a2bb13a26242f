//! 电子证照: certificates as SD-JWT VCs (RFC 9901 selective disclosure, the IETF SD-JWT VC
//! profile) — issued by a department's key with every claim selectively disclosable and bound
//! to the holder's device key; shown (亮证) as a presentation that discloses only what the person
//! chose, signed by that device key for one audience, fresh for a few minutes; verified
//! against the issuer's published keys and its token status list — the same code on the server,
//! in the browser and through the native library.

pub mod jws;
mod sd_jwt;
pub mod share;
pub mod status;
mod trust;
pub mod wallet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use sd_jwt::{held_claims, issue, present, status_index, verify, Issue, Trust};
pub use trust::{
    present_for_application, show, TrustBundle, TrustedIssuer, APPLY_AUDIENCE, APPLY_MAX_AGE,
    SHOW_AUDIENCE, SHOW_MAX_AGE,
};

/// The claims certificates here carry, each with a label for people (`credential-claim-<name>`
/// with `-` for `_`).
pub const CLAIMS: [&str; 10] = [
    "name",
    "id_number",
    "birth_date",
    "sex",
    "household_region",
    "age_over_18",
    "age_over_60",
    "certificate_number",
    "registered_on",
    "valid_until",
];

/// The claims a certificate gives a department when it stands in for a document (免提交):
/// what the paper shows — all it holds but the age elements, which are for showing in person.
pub fn document_claims(held: &Map<String, Value>) -> Vec<&str> {
    held.keys()
        .map(String::as_str)
        .filter(|c| !c.starts_with("age_over_"))
        .collect()
}

/// The kinds of certificate (`vct` = `urn:cn:tongban:vct:<code>`). Message `credential-<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CredentialKind {
    /// 居民身份证.
    ResidentIdCard,
    /// 户口簿.
    HouseholdRegister,
    /// 机动车驾驶证.
    DrivingLicence,
    /// 结婚证.
    MarriageCertificate,
    /// 营业执照.
    BusinessLicence,
}

const VCT_PREFIX: &str = "urn:cn:tongban:vct:";

impl CredentialKind {
    pub const ALL: [Self; 5] = [
        Self::ResidentIdCard,
        Self::HouseholdRegister,
        Self::DrivingLicence,
        Self::MarriageCertificate,
        Self::BusinessLicence,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::ResidentIdCard => "resident-id-card",
            Self::HouseholdRegister => "household-register",
            Self::DrivingLicence => "driving-licence",
            Self::MarriageCertificate => "marriage-certificate",
            Self::BusinessLicence => "business-licence",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The SD-JWT VC type.
    pub fn vct(self) -> String {
        format!("{VCT_PREFIX}{}", self.code())
    }

    pub fn from_vct(vct: &str) -> Option<Self> {
        Self::from_code(vct.strip_prefix(VCT_PREFIX)?)
    }
}

/// What a disclosure preset shows (亮证): the claims it discloses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Preset {
    /// Name and ID number (and the photo-free card's validity).
    Identity,
    /// Only that the holder is 60 or older.
    AgeOver60,
    /// Only the region the holder's household is registered in.
    LivesIn,
}

impl Preset {
    /// The claims it discloses.
    pub fn claims(self) -> &'static [&'static str] {
        match self {
            Self::Identity => &["name", "id_number"],
            Self::AgeOver60 => &["age_over_60"],
            Self::LivesIn => &["household_region"],
        }
    }
}

/// Why a presentation is not valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Invalid {
    /// Not an SD-JWT presentation at all.
    Malformed,
    /// No key of a known issuer signed it.
    UnknownIssuer,
    /// The issuer's signature does not hold: something in it was changed.
    BadSignature,
    /// A disclosure is not one the issuer signed (a changed claim).
    Tampered,
    /// Not signed by the key the certificate is bound to (a copied QR).
    WrongHolder,
    /// Made for someone else (another audience).
    WrongAudience,
}

/// What a verifier concludes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Verdict {
    /// Signed by the issuer, held by the presenter, fresh, not revoked: the disclosed claims.
    Valid {
        kind: Option<CredentialKind>,
        issuer: String,
        claims: Map<String, Value>,
        /// When the status list it was checked against was made; `None`: no list known
        /// (offline with nothing cached), so its status is not known.
        status_checked_at: Option<i64>,
    },
    Invalid {
        reason: Invalid,
    },
    /// The certificate expired, or the presentation is older than a verifier accepts.
    Expired {
        presentation: bool,
    },
    Revoked,
    Suspended,
}

/// Why a certificate could not be issued or shown.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("not a certificate: {0}")]
    Malformed(String),
    #[error("no such claim: {0}")]
    NoSuchClaim(String),
    #[error("signing failed: {0}")]
    Signing(String),
    /// Not in the wallet, not collected to this device, expired, revoked or suspended.
    #[error("this certificate cannot be shown now")]
    NotShowable,
}

/// One certificate in the person's list (`GET /api/v1/me/credentials`): what it is, who issued
/// it, its data, and its status as the issuer holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialSummary {
    pub id: String,
    pub kind: CredentialKind,
    pub issuer: crate::catalog::DepartmentRef,
    pub claims: Map<String, Value>,
    pub issued_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    pub status: status::Status,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialList {
    pub items: Vec<CredentialSummary>,
}

/// `POST /api/v1/me/credentials/{id}/sd-jwt`: the device's public key (an ES256 JWK) the
/// certificate is to be bound to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub holder_jwk: Value,
}

/// The certificate as an SD-JWT VC for the wallet, and where its issuer's keys and status list
/// are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Collected {
    pub id: String,
    pub sd_jwt: String,
    /// The issuer (`iss`); its keys are at `<iss>/jwks`.
    pub issuer: String,
    /// The status list's URI.
    pub status_list: String,
}

/// An issuer's public keys (RFC 7517 JWK Set).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jwks {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub keys: Vec<Value>,
}

/// `POST /api/v1/staff/credentials/{id}/status`: the issuer revokes, suspends or reinstates a
/// certificate (its supervisor). Wallets and verifiers see it in the next status list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialStatusChange {
    pub status: status::Status,
}
