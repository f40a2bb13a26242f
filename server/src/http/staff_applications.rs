//! The application-level routes of the department side: the applications the department has a
//! case of, one of them as the department sees it, and moving its case — what the CLI
//! (`tongban-server staff`) and older clients use. The case itself moves through `case_step::step`,
//! with the same role and department checks as the workbench's routes.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::application::{
    Application, ApplicationList, ApplicationStatus, ApplicationSummary, StatusChange,
};
use tongban_core::audit::AuditAction;
use tongban_core::calendar::Day;
use tongban_core::case::CaseMove;

use super::case_step::step;
use crate::access::{CaseAccess, StaffMember};
use crate::audit::Outcome;
use crate::cases::{case_view, requested_of};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{CaseRow, QueueQuery};

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/applications", get(staff_list))
        .route("/staff/applications/{id}", get(staff_get))
        .route("/staff/applications/{id}/status", post(staff_move))
}

/// The department's case of an application (the one it holds, or received).
async fn my_case_of(
    state: &AppState,
    staff: &StaffMember,
    application_id: &str,
    action: AuditAction,
) -> Result<(CaseRow, CaseAccess)> {
    let cases = state.store.cases_of(application_id).await?;
    if cases.is_empty() {
        return Err(AppError::NotFound);
    }
    let mine = cases
        .iter()
        .find(|c| staff.access(c) == Some(CaseAccess::Act))
        .or_else(|| cases.iter().find(|c| staff.access(c).is_some()))
        .cloned();
    match mine {
        Some(case) => {
            let access = staff.access(&case).unwrap_or(CaseAccess::Read);
            Ok((case, access))
        }
        None => {
            let object = format!("application:{application_id}");
            staff
                .audit_case(state, &cases[0], action, &object, Outcome::Denied)
                .await?;
            Err(AppError::NotFound)
        }
    }
}

/// The applications the department has a case of, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/staff/applications",
    tag = "staff",
    security(("staff_session" = [])),
    responses((status = 200, description = "Newest first", body = ApplicationList))
)]
pub async fn staff_list(
    State(state): State<AppState>,
    staff: StaffMember,
) -> Result<Json<ApplicationList>> {
    let rows = state
        .store
        .queue(QueueQuery {
            department_id: &staff.department_id,
            limit: 500,
            ..Default::default()
        })
        .await?;
    let mut items: Vec<ApplicationSummary> = rows
        .iter()
        .map(|r| ApplicationSummary {
            id: r.case.application_id.clone(),
            receipt: r.receipt.clone(),
            form_id: r.form_id.clone(),
            status: r.case.status,
            created_at: r.case.created_at,
            updated_at: r.case.updated_at,
        })
        .collect();
    items.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    Ok(Json(ApplicationList { items }))
}

/// An application as the department sees it: its case's part of the answers and its steps.
#[utoipa::path(
    get,
    path = "/api/v1/staff/applications/{id}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The application, with this department's part", body = Application),
        (status = 404, description = "No case of this department for it", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn staff_get(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
) -> Result<Json<Application>> {
    let (case, _) = my_case_of(&state, &staff, &id, AuditAction::ApplicationRead).await?;
    let record = state
        .store
        .application(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    let object = format!("application:{id} case:{}", case.id);
    staff
        .audit_for(
            &state,
            Some(&record.owner),
            Some(&id),
            AuditAction::ApplicationRead,
            &object,
            Outcome::Ok,
        )
        .await?;
    let catalog = state.catalog.current(&state.store).await?;
    let today = Day::of_timestamp(state.auth.now());
    let mut app = record.application.clone();
    app.status = case.status;
    app.answers = case.answers.clone();
    app.timeline = record
        .events
        .iter()
        .filter(|e| e.case_id.is_none() || e.case_id.as_deref() == Some(&case.id))
        .map(|e| e.event.clone())
        .collect();
    app.cases = vec![case_view(
        &state,
        &catalog.index,
        &case,
        requested_of(&case, &record.events),
        today,
    )];
    Ok(Json(app))
}

/// Moves the department's case of an application (the CLI's and older clients' way).
#[utoipa::path(
    post,
    path = "/api/v1/staff/applications/{id}/status",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "Moved", body = Application),
        (status = 403, description = "Not a move this staff member's role makes", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No case of this department for it", body = tongban_core::api::ErrorBody),
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
    let (case, access) = my_case_of(&state, &staff, &id, AuditAction::CaseMoved).await?;
    let change = CaseMove {
        status: change.status,
        message: change.message,
        fields: change.fields,
        reason: change
            .reason
            .or_else(|| (change.status == ApplicationStatus::Rejected).then(|| "other".to_owned())),
    };
    step(&state, &staff, case, access, &change).await?;
    staff_get(State(state), staff, Path(id)).await
}
