//! A person's applications: the list, one with its timeline, and supplying what a supplement
//! (补正) asked for — only those answers can change.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::application::{Application, ApplicationList, ApplicationStatus, Supplement};
use tongban_core::audit::AuditAction;
use tongban_core::FieldError;

use crate::access::Citizen;
use crate::audit::Outcome;
use crate::clock::china_date;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{Moved, StatusMove};

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/applications", get(list_applications))
        .route("/applications/{id}", get(get_application))
        .route("/applications/{id}/supplement", post(supply))
}

/// The person's applications, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/applications",
    tag = "applications",
    security(("session" = [])),
    responses((status = 200, description = "Newest first", body = ApplicationList))
)]
pub async fn list_applications(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<ApplicationList>> {
    Ok(Json(ApplicationList {
        items: state
            .store
            .application_summaries(Some(&citizen.account_id))
            .await?,
    }))
}

/// One application with its answers and timeline.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The application", body = Application),
        (status = 404, description = "No such application of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn get_application(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<Application>> {
    let record = state.store.application(&id).await?;
    let app = citizen
        .owned(&state, AuditAction::ApplicationRead, record)
        .await?
        .application;
    state
        .audit(
            &citizen.actor(),
            AuditAction::ApplicationRead,
            &format!("application:{}", app.id),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    Ok(Json(app))
}

/// Supply what a supplement (补正) asked for: new answers for those fields only.
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/supplement",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    request_body = Supplement,
    responses(
        (status = 200, description = "Supplied: back in review", body = Application),
        (status = 409, description = "No supplement is requested now", body = tongban_core::api::ErrorBody),
        (status = 422, description = "Answers outside the request, or refused", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn supply(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(supplement): Json<Supplement>,
) -> Result<Json<Application>> {
    let record = state.store.application(&id).await?;
    let app = citizen
        .owned(&state, AuditAction::ApplicationSupplement, record)
        .await?
        .application;
    let requested = app.requested_fields().to_vec();
    if requested.is_empty() {
        return Err(AppError::Conflict("supplement-not-requested"));
    }
    let outside: Vec<FieldError> = supplement
        .answers
        .keys()
        .filter(|p| !requested.contains(p))
        .map(|p| FieldError::new(p.as_str(), "field-not-requested"))
        .collect();
    if !outside.is_empty() {
        return Err(AppError::Invalid {
            code: "field-not-requested".into(),
            fields: outside,
        });
    }
    let schema = crate::forms::resolve(&state, &app.form_id).await?.schema;
    let mut answers = app.answers.clone();
    answers.extend(supplement.answers.clone());
    let answers = schema.submitted_answers(&answers);
    let errors = schema.validate(&answers, china_date(state.auth.now()));
    if !errors.is_empty() {
        return Err(AppError::Invalid {
            code: "validation".into(),
            fields: errors,
        });
    }
    let moved = state
        .store
        .move_application(StatusMove {
            id: &app.id,
            from: app.status,
            to: ApplicationStatus::InReview,
            message: "",
            fields: &requested,
            answers: Some(&answers),
            actor: &citizen.actor(),
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
