//! The HTTP API's shared types: paths, list envelopes and the one error a caller can act on.

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

/// The body of every error answer from the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable machine code, also the Fluent message id suffix (`error-<code>`).
    pub code: String,
    /// A human-readable hint for developers; shells show the localized message for `code`.
    pub detail: String,
}

/// What can go wrong when a shell talks to the API, reduced to what a caller can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum ApiError {
    /// The server could not be reached (offline, DNS, refused, timed out).
    #[error("network: {detail}")]
    Network { detail: String },
    /// The session is missing or expired: log in again.
    #[error("unauthorized")]
    Unauthorized,
    /// The object does not exist, or is not the caller's.
    #[error("not found")]
    NotFound,
    /// The object changed elsewhere since the caller read it.
    #[error("conflict: {detail}")]
    Conflict { detail: String },
    /// The server refused the input; the detail names what to fix.
    #[error("invalid request: {detail}")]
    Validation { detail: String },
    /// The server failed, or answered something this client does not understand.
    #[error("server error ({status}): {detail}")]
    Server { status: u16, detail: String },
}

impl ApiError {
    /// The Fluent message id a shell shows for this error.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Network { .. } => "error-network",
            Self::Unauthorized => "error-unauthorized",
            Self::NotFound => "error-not-found",
            Self::Conflict { .. } => "error-conflict",
            Self::Validation { .. } => "error-validation",
            Self::Server { .. } => "error-server",
        }
    }

    /// Whether trying the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Network { .. })
            || matches!(self, Self::Server { status, .. } if *status >= 500)
    }

    /// Maps an HTTP error status and body to the error a caller acts on.
    pub fn from_status(status: u16, body: &str) -> Self {
        let detail = serde_json::from_str::<ErrorBody>(body)
            .map(|b| b.detail)
            .unwrap_or_else(|_| body.chars().take(200).collect());
        match status {
            401 => Self::Unauthorized,
            404 => Self::NotFound,
            409 | 412 => Self::Conflict { detail },
            400 | 422 => Self::Validation { detail },
            _ => Self::Server { status, detail },
        }
    }
}
