//! The department side: a staff member's account, the applications, and moving one along its
//! life (受理, 补正, 办结 …). The CLI (`tongban-server staff`) works through these too.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::application::{Application, ApplicationList, ApplicationStatus, StatusChange};
use tongban_core::audit::AuditAction;
use tongban_core::auth::StaffAccount;

use crate::access::StaffMember;
use crate::audit::Outcome;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{Moved, StatusMove};

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/me", get(staff_me))
        .route("/staff/applications", get(staff_list))
        .route("/staff/applications/{id}", get(staff_get))
        .route("/staff/applications/{id}/status", post(staff_move))
}

/// The logged-in staff member.
#[utoipa::path(
    get,
    path = "/api/v1/staff/me",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The staff member", body = StaffAccount),
        (status = 401, description = "Not logged in as staff", body = tongban_core::api::ErrorBody),
        (status = 403, description = "A person's session, not a staff one", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn staff_me(
    State(state): State<AppState>,
    staff: StaffMember,
) -> Result<Json<StaffAccount>> {
    let row = state
        .store
        .staff_member(&staff.staff_id)
        .await?
        .ok_or(AppError::Unauthorized("unauthorized"))?;
    Ok(Json(StaffAccount {
        id: row.id.into_string(),
        username: row.username,
        display_name: row.display_name,
        department: row.department,
    }))
}

/// Every application, for department staff, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/staff/applications",
    tag = "staff",
    security(("staff_session" = [])),
    responses((status = 200, description = "Newest first", body = ApplicationList))
)]
pub async fn staff_list(
    State(state): State<AppState>,
    _staff: StaffMember,
) -> Result<Json<ApplicationList>> {
    Ok(Json(ApplicationList {
        items: state.store.application_summaries(None).await?,
    }))
}

/// One application, for department staff.
#[utoipa::path(
    get,
    path = "/api/v1/staff/applications/{id}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses((status = 200, description = "The application", body = Application))
)]
pub async fn staff_get(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
) -> Result<Json<Application>> {
    let record = state
        .store
        .application(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .audit(
            &staff.actor(),
            AuditAction::ApplicationRead,
            &format!("application:{id}"),
            Outcome::Ok,
            &staff.ip,
        )
        .await?;
    Ok(Json(record.application))
}

/// Staff move an application along its life (受理, 补正, 办结 …).
#[utoipa::path(
    post,
    path = "/api/v1/staff/applications/{id}/status",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "Moved", body = Application),
        (status = 409, description = "Not a move allowed from the current status", body = tongban_core::api::ErrorBody),
        (status = 422, description = "A supplement that names no field of the application", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn staff_move(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Json(change): Json<StatusChange>,
) -> Result<Json<Application>> {
    let app = state
        .store
        .application(&id)
        .await?
        .ok_or(AppError::NotFound)?
        .application;
    if !app.status.staff_moves().contains(&change.status) {
        return Err(AppError::Conflict("status-move-not-allowed"));
    }
    let fields = if change.status == ApplicationStatus::SupplementRequested {
        let schema = crate::forms::resolve(&state, &app.form_id).await?.schema;
        let asked: Vec<String> = schema
            .questions(&app.answers)
            .into_iter()
            .map(|q| q.path)
            .collect();
        if change.fields.is_empty() || change.fields.iter().any(|f| !asked.contains(f)) {
            return Err(AppError::field("fields", "field-not-requested"));
        }
        change.fields.clone()
    } else {
        Vec::new()
    };
    let moved = state
        .store
        .move_application(StatusMove {
            id: &app.id,
            from: app.status,
            to: change.status,
            message: change.message.trim(),
            fields: &fields,
            answers: None,
            actor: &staff.actor(),
            at: state.auth.now(),
        })
        .await?;
    if moved == Moved::StatusChanged {
        return Err(AppError::Conflict("conflict"));
    }
    let record = state
        .store
        .application(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(record.application))
}
