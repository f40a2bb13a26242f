//! The HTTP API's shared types: paths, list envelopes and the one error a caller can act on.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::MatterSummary;

/// Every API route lives under this prefix; the version changes only with a breaking change.
pub const API_PREFIX: &str = "/api/v1";

/// `GET /api/v1/matters`: the matters of the catalog, most used first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatterList {
    pub items: Vec<MatterSummary>,
}

/// Every code an error answer of the API can carry. Each has the message `error-<code>` in every
/// language (checked by the i18n tests), and the server refuses to answer with any other.
pub const ERROR_CODES: &[&str] = &[
    "not-found",
    "unauthorized",
    "session-expired",
    "forbidden",
    "wrong-role",
    "identity-required",
    "origin-not-allowed",
    "rate-limited",
    "validation",
    "conflict",
    "identity-taken",
    "sms-unavailable",
    "identity-unavailable",
    "server",
    "storage-full",
    "phone-length",
    "phone-characters",
    "phone-region",
    "code-format",
    "code-wrong",
    "code-expired",
    "name-invalid",
    "identity-mismatch",
    "identity-in-person",
    "id-length",
    "id-characters",
    "id-region",
    "id-birth-date",
    "id-checksum",
    "staff-login-wrong",
    // Form answers (FormSchema::validate), field by field.
    "field-required",
    "field-invalid",
    "field-too-long",
    "field-address-short",
    "field-number",
    "field-too-small",
    "field-too-large",
    "field-date",
    "field-date-future",
    "field-date-past",
    "field-choice",
    "field-region",
    "material-not-accepted",
    "material-certificate-invalid",
    "material-certificate-expired",
    "material-certificate-revoked",
    "material-certificate-not-yours",
    "group-too-many",
    "credit-code-length",
    "credit-code-characters",
    "credit-code-checksum",
    // Drafts and submissions.
    "draft-unknown",
    "draft-form-mismatch",
    "draft-deleted",
    "draft-submitted",
    "idempotency-key-reused",
    // The application's life.
    "status-move-not-allowed",
    "supplement-not-requested",
    "field-not-requested",
    "role-not-allowed",
    "reason-required",
    // Materials.
    "material-empty",
    "material-type",
    "material-too-many-pixels",
    "material-unreadable",
    "material-too-large",
    "material-missing",
    // Logging in through a host super-app.
    "ticket-invalid",
    "ticket-expired",
    "ticket-used",
    "host-unavailable",
    "host-identity-mismatch",
    // Appointments.
    "booking-not-bookable",
    "booking-outside-window",
    "booking-no-such-slot",
    "booking-full",
    "booking-one-a-day",
    "booking-blocked",
    "booking-online",
    "booking-too-late-to-cancel",
    "booking-not-booked",
    "booking-not-for-application",
    // Acting for someone.
    "mandate-agent-unknown",
    "mandate-matter-unknown",
    "mandate-starts-in-the-past",
    "mandate-ends-before-start",
    "mandate-too-long",
    "mandate-status",
    "mandate-scope",
    "mandate-not-active",
    "mandate-decide-together",
    "handover-not-open",
    "handover-person-unknown",
    "handover-not-started",
    "handover-expired",
    "handover-code-wrong",
    "guardian-not-minor",
    "guardianship-exists",
    "guardian-hall-only",
    "not-for-agents",
    // 好差评 and rectification.
    "evaluation-comment-required",
    "evaluation-exists",
    "evaluation-not-visited",
    "rectification-closed",
    // 在线咨询.
    "consultation-in-faq",
    // 免申即享.
    "benefit-not-qualified",
    "benefit-claimed",
    "consent-withdrawn",
    // 电子证照.
    "credentials-unavailable",
    "credential-not-valid",
    "credential-revoked",
    // 在线分享.
    "share-organisation-required",
    "share-organisation-invalid",
    "share-minutes-range",
    "share-not-yours",
    "share-used",
    "share-expired",
    "share-revoked",
    // The verifier's own check of a typed code before asking the server.
    "share-code-invalid",
    // The apps' own check before sending a rating (the server answers `validation` instead).
    "evaluation-choose-level",
    // Requests the server could not read (answered by `json_errors`, not a handler).
    "bad-request",
    "method-not-allowed",
    "unsupported-media-type",
    "payload-too-large",
];

/// The body of every error answer from the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable machine code, also the Fluent message id suffix (`error-<code>`).
    pub code: String,
    /// A human-readable hint for developers; shells show the localized message for `code`.
    pub detail: String,
    /// For a refused input: what is wrong with which field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// For a rate limit: seconds until trying again may succeed (also in `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u32>,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            detail: detail.into(),
            fields: Vec::new(),
            retry_after_seconds: None,
        }
    }
}

/// One problem with one field, as data: the shell renders `error-<code>` with `params`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FieldError {
    /// The field's path in the request (`phone`, `answers.applicant.id_number`).
    pub path: String,
    /// A stable code; the message id is `error-<code>`.
    pub code: String,
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub params: HashMap<String, String>,
}

impl FieldError {
    pub fn new(path: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            code: code.into(),
            params: HashMap::new(),
        }
    }

    /// With a parameter its message uses (`max` of `field-too-long`).
    pub fn with_param(mut self, name: &str, value: impl Into<String>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }
}

/// What can go wrong when a shell talks to the API, reduced to what a caller can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum ApiError {
    /// The server could not be reached (offline, DNS, refused, timed out).
    #[error("network: {detail}")]
    Network { detail: String },
    /// The session is missing or expired: log in again (what was typed is kept on the device).
    #[error("unauthorized")]
    Unauthorized,
    /// Logged in, but this needs more: a higher real-name level (`identity-required`) or another
    /// role (`wrong-role`).
    #[error("forbidden: {code}")]
    Forbidden { code: String },
    /// Too many attempts: try again after the given number of seconds.
    #[error("too many attempts, retry after {retry_after_seconds} s")]
    RateLimited { retry_after_seconds: u32 },
    /// The object does not exist, or is not the caller's.
    #[error("not found")]
    NotFound,
    /// The object changed elsewhere since the caller read it, or clashes with another one;
    /// `code` says which (message `error-<code>`).
    #[error("conflict ({code}): {detail}")]
    Conflict { code: String, detail: String },
    /// The server refused the input: `code` says why (message `error-<code>`), `fields` what to
    /// fix where.
    #[error("invalid request ({code}): {detail}")]
    Validation {
        code: String,
        detail: String,
        fields: Vec<FieldError>,
    },
    /// The device could not keep or read its own data (storage full, key gone).
    #[error("storage: {detail}")]
    Storage { detail: String },
    /// The server failed, or answered something this client does not understand.
    #[error("server error ({status}): {detail}")]
    Server { status: u16, detail: String },
}

impl ApiError {
    /// The Fluent message id a shell shows for this error (`error-<code>` for a refused input
    /// or a refusal that names its reason).
    pub fn message_id(&self) -> String {
        match self {
            Self::Network { .. } => "error-network".into(),
            Self::Unauthorized => "error-unauthorized".into(),
            Self::Forbidden { code } => format!("error-{code}"),
            Self::RateLimited { .. } => "error-rate-limited".into(),
            Self::NotFound => "error-not-found".into(),
            Self::Conflict { code, .. } => format!("error-{code}"),
            Self::Validation { code, .. } => format!("error-{code}"),
            Self::Storage { .. } => "error-storage".into(),
            Self::Server { .. } => "error-server".into(),
        }
    }

    /// A refused input's message for one field, if the server named that field.
    pub fn field_error(&self, path: &str) -> Option<&FieldError> {
        match self {
            Self::Validation { fields, .. } => fields.iter().find(|f| f.path == path),
            _ => None,
        }
    }

    /// Whether trying the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Network { .. })
            || matches!(self, Self::Server { status, .. } if *status >= 500)
    }

    /// Maps an HTTP error status and body to the error a caller acts on.
    pub fn from_status(status: u16, body: &str) -> Self {
        let parsed = serde_json::from_str::<ErrorBody>(body).ok();
        let detail = parsed
            .as_ref()
            .map(|b| b.detail.clone())
            .unwrap_or_else(|| body.chars().take(200).collect());
        let code = parsed.as_ref().map(|b| b.code.clone());
        match status {
            401 => Self::Unauthorized,
            403 => Self::Forbidden {
                code: code.unwrap_or_else(|| "forbidden".into()),
            },
            404 => Self::NotFound,
            409 | 412 => Self::Conflict {
                code: code.unwrap_or_else(|| "conflict".into()),
                detail,
            },
            429 => Self::RateLimited {
                retry_after_seconds: parsed.and_then(|b| b.retry_after_seconds).unwrap_or(60),
            },
            // Only document uploads send bodies large enough to be refused for their size.
            413 => Self::Validation {
                code: "material-too-large".into(),
                detail,
                fields: Vec::new(),
            },
            400 | 422 => Self::Validation {
                code: code.unwrap_or_else(|| "validation".into()),
                detail,
                fields: parsed.map(|b| b.fields).unwrap_or_default(),
            },
            _ => Self::Server { status, detail },
        }
    }
}
