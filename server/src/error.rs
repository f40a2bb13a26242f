//! The API's error answers: a status and an `ErrorBody` a client maps onto `ApiError`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tongban_core::api::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, detail) = match &self {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "not-found",
                "no such resource".to_owned(),
            ),
            AppError::Database(e) => {
                tracing::error!(error = %e, "database error");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "server",
                    "the database is unavailable".to_owned(),
                )
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server",
                    "internal error".to_owned(),
                )
            }
        };
        (
            status,
            Json(ErrorBody {
                code: code.into(),
                detail,
            }),
        )
            .into_response()
    }
}
