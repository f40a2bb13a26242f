//! The person's message centre (消息中心): what happened to their applications, newest first.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::message::MessageList;

use crate::access::Citizen;
use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/messages", get(list))
        .route("/me/messages/{id}/read", post(read))
}

/// The person's messages, newest first (at most 200), and how many are unread.
#[utoipa::path(
    get,
    path = "/api/v1/me/messages",
    tag = "messages",
    security(("session" = [])),
    responses(
        (status = 200, description = "Newest first", body = MessageList),
        (status = 401, description = "Not logged in", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<MessageList>, AppError> {
    let (items, unread) = state
        .store
        .messages_of(&citizen.account_id, 200, state.auth.now())
        .await?;
    Ok(Json(MessageList { items, unread }))
}

/// Marks one message read.
#[utoipa::path(
    post,
    path = "/api/v1/me/messages/{id}/read",
    tag = "messages",
    security(("session" = [])),
    params(("id" = String, Path, description = "The message's id")),
    responses(
        (status = 204, description = "Read"),
        (status = 404, description = "No such message of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn read(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    if state
        .store
        .mark_read(&citizen.account_id, &id, state.auth.now())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
}
