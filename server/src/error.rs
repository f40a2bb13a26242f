//! The API's error answers: a status and an `ErrorBody` a client maps onto `ApiError`.
//!
//! One table decides how each internal error is answered and logged: a database that cannot be
//! reached is 503 (try again later); any other database or internal error is a 500, logged with
//! its cause and never shown to the caller.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tongban_core::api::{ErrorBody, FieldError};

type Source = Box<dyn std::error::Error + Send + Sync>;

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
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A fault of the server itself, with what caused it.
    #[error("internal error: {0}")]
    Internal(#[source] Source),
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

    /// Several fields are wrong (`validation`), each with its code.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        Self::Invalid {
            code: "validation".into(),
            fields,
        }
    }

    /// An internal error keeping its cause.
    pub fn internal(cause: impl Into<Source>) -> Self {
        Self::Internal(cause.into())
    }
}

/// Whether a database error means the database cannot be reached now (a pool that timed out or
/// is closed, a connection that failed): 503, the client retries. Anything else is a fault.
pub fn database_unavailable(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed
    )
}

/// Whether the database refused a write for want of room: SQLite's `SQLITE_FULL` (13, or an I/O
/// error writing its journal, `SQLITE_IOERR_WRITE`), PostgreSQL's `disk_full` (53100). A 503
/// with `storage-full`: nothing was written, the apps keep what the person entered.
pub fn storage_full(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(d) = e else {
        return false;
    };
    let code = d.code();
    let message = d.message().to_ascii_lowercase();
    matches!(code.as_deref(), Some("13" | "778" | "53100"))
        || message.contains("database or disk is full")
        || message.contains("no space left on device")
}

/// The error with every cause below it, for the log.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
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
            AppError::Database(e) if storage_full(&e) => {
                tracing::error!(error = %with_causes(&e), "the database has no room to write");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody::new("storage-full", "no room to store this now; try again later"),
                )
            }
            AppError::Database(e) if database_unavailable(&e) => {
                tracing::error!(error = %with_causes(&e), "the database is unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody::new("server", "the database is unavailable"),
                )
            }
            AppError::Database(e) => {
                tracing::error!(error = %with_causes(&e), "database error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::new("server", "internal error"),
                )
            }
            AppError::Internal(e) => {
                tracing::error!(error = %with_causes(e.as_ref()), "internal error");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_503_and_any_other_fault_500() {
        let status = |e: AppError| e.into_response().status();
        assert_eq!(
            status(AppError::Database(sqlx::Error::PoolTimedOut)),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            status(AppError::Database(sqlx::Error::Io(std::io::Error::other(
                "refused"
            )))),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            status(AppError::Database(sqlx::Error::RowNotFound)),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            status(AppError::Database(sqlx::Error::ColumnDecode {
                index: "state_json".into(),
                source: "bad".into()
            })),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            status(AppError::internal("a broken invariant")),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn internal_errors_keep_their_cause() {
        let cause = serde_json::from_str::<u32>("x").unwrap_err();
        let error = AppError::internal(cause);
        let text = with_causes(&error);
        assert!(text.contains("expected value"), "{text}");
    }
}

/// Errors answered outside the handlers — axum's extractors (a body that is not JSON, a missing
/// query parameter), the body limit, a method a route does not take — answer like every other:
/// the JSON error body with a code the apps show in words, never plain text.
pub async fn json_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let detail = axum::body::to_bytes(body, 2048)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let code = match status {
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
        StatusCode::UNPROCESSABLE_ENTITY => "validation",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::TOO_MANY_REQUESTS => "rate-limited",
        s if s.is_server_error() => "server",
        _ => "bad-request",
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = serde_json::to_vec(&ErrorBody::new(code, detail.trim())).unwrap_or_default();
    Response::from_parts(parts, axum::body::Body::from(body))
}
