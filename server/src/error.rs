//! The API's error answers: a status and an `ErrorBody` a client maps onto `ApiError`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tongban_core::api::{ErrorBody, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such object — or not the caller's: the two are never told apart.
    #[error("not found")]
    NotFound,
    /// No session, or it ended (`session-expired`, `unauthorized`).
    #[error("unauthorized ({0})")]
    Unauthorized(&'static str),
    /// Logged in, but not allowed (`identity-required`, `wrong-role`, `origin-not-allowed`).
    #[error("forbidden ({0})")]
    Forbidden(&'static str),
    /// The input is wrong: a code for the whole, and what is wrong where.
    #[error("invalid ({code})")]
    Invalid {
        code: String,
        fields: Vec<FieldError>,
    },
    #[error("rate limited for {0} s")]
    RateLimited(u32),
    #[error("conflict ({0})")]
    Conflict(&'static str),
    /// A service the server depends on (the SMS gateway, the identity register) failed.
    #[error("unavailable ({code}): {detail}")]
    Unavailable { code: &'static str, detail: String },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    /// One field is wrong: `code` for it and for the whole answer.
    pub fn field(path: &str, code: impl Into<String>) -> Self {
        let code = code.into();
        Self::Invalid {
            fields: vec![FieldError::new(path, code.clone())],
            code,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorBody::new("not-found", "no such resource"),
            ),
            AppError::Unauthorized(code) => (
                StatusCode::UNAUTHORIZED,
                ErrorBody::new(code, "log in to continue"),
            ),
            AppError::Forbidden(code) => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(code, "not allowed for this account"),
            ),
            AppError::Invalid { code, fields } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody {
                    fields,
                    ..ErrorBody::new(code, "the input was refused; see fields")
                },
            ),
            AppError::RateLimited(seconds) => {
                debug_assert!(tongban_core::api::ERROR_CODES.contains(&"rate-limited"));
                let body = ErrorBody {
                    retry_after_seconds: Some(seconds),
                    ..ErrorBody::new("rate-limited", format!("try again in {seconds} s"))
                };
                let retry = HeaderValue::from(seconds);
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, retry)],
                    Json(body),
                )
                    .into_response();
            }
            AppError::Conflict(code) => (
                StatusCode::CONFLICT,
                ErrorBody::new(code, "conflicts with what is already there"),
            ),
            AppError::Unavailable { code, detail } => {
                tracing::error!(code, detail, "a service the server depends on failed");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody::new(code, "a service is unavailable; try again later"),
                )
            }
            AppError::Database(e) => {
                tracing::error!(error = %e, "database error");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody::new("server", "the database is unavailable"),
                )
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::new("server", "internal error"),
                )
            }
        };
        debug_assert!(
            tongban_core::api::ERROR_CODES.contains(&body.code.as_str()),
            "error code {:?} has no message: add it to core's ERROR_CODES and to locales/",
            body.code
        );
        (status, Json(body)).into_response()
    }
}
