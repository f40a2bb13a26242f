//! A person's applications: the list, one with its timeline, and supplying what a supplement
//! (补正) asked for — only those answers can change.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::application::{Application, ApplicationList, ApplicationStatus, Supplement};
use tongban_core::audit::AuditAction;
use tongban_core::calendar::Day;
use tongban_core::case::after_supplement;
use tongban_core::catalog::FormRef;
use tongban_core::message::MessageKind;
use tongban_core::FieldError;

use crate::access::Citizen;
use crate::audit::Outcome;
use crate::cases::{department_ref, params, tell, with_cases};
use crate::clock::china_date;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{CaseStep, Moved, StatusMove, Supplied};

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
    let mut items = Vec::new();
    for a in state
        .store
        .application_summaries(Some(&citizen.account_id))
        .await?
    {
        // An agent sees those of the mandate's matters only.
        if citizen.may_act_on(&state, &a.form_id).await? {
            items.push(a);
        }
    }
    Ok(Json(ApplicationList { items }))
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
    Ok(Json(application_view(&state, &id).await?))
}

/// An application with each department's part, as its owner sees it.
async fn application_view(state: &AppState, id: &str) -> Result<Application> {
    let record = state
        .store
        .application(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cases = state.store.cases_of(id).await?;
    let catalog = state.catalog.current(&state.store).await?;
    let mut application = record.application;
    if let Some(agent) = &record.agent_id {
        application.submitted_by = crate::access::account_label(state, agent).await?;
    }
    Ok(with_cases(
        state,
        &catalog.index,
        application,
        &record.events,
        &cases,
        state.auth.now(),
    ))
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
    let record = citizen
        .owned(&state, AuditAction::ApplicationSupplement, record)
        .await?;
    let cases = state.store.cases_of(&id).await?;
    let catalog = state.catalog.current(&state.store).await?;
    let app = with_cases(
        &state,
        &catalog.index,
        record.application.clone(),
        &record.events,
        &cases,
        state.auth.now(),
    );
    let requested = app.requested_fields();
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
    // What is supplied passes what a submission passes: documents that are the person's own
    // uploads, and certificates (免提交) verified now, made for this application's draft —
    // never a "verified" block the client wrote itself.
    let (supplied, presented) = checked_supply(&state, &citizen, &app, supplement.answers).await?;
    let kept = crate::forms::resolve_with_matters(&state, &app.form_id).await?;
    let (resolved, matters) = &*kept;
    let schema = &resolved.schema;
    let mut answers = app.answers.clone();
    answers.extend(supplied);
    let answers = schema.submitted_answers(&answers);
    let errors = schema.validate(&answers, china_date(state.auth.now()));
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    if !cases.is_empty() {
        supply_cases(
            &state,
            &citizen,
            &app,
            &record.owner,
            &cases,
            &matters,
            &answers,
        )
        .await?;
        note_supplied(&state, &citizen, &app, &cases, &presented).await?;
        return Ok(Json(application_view(&state, &id).await?));
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
    note_supplied(&state, &citizen, &app, &cases, &presented).await?;
    let record = state
        .store
        .application(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(record.application))
}

/// The supplied answers as they may be kept, and the certificates among them as checked:
/// refused (each field with its error, the refused certificates in the person's data record)
/// if a document is not one of the person's uploads or a certificate does not hold; else each
/// certificate with what the server verified of it.
async fn checked_supply(
    state: &AppState,
    citizen: &Citizen,
    app: &Application,
    mut supplied: tongban_core::form::Answers,
) -> Result<(tongban_core::form::Answers, Vec<crate::presented::Checked>)> {
    let mut errors = crate::submission::not_owned(state, &citizen.account_id, &supplied).await?;
    let presented =
        crate::presented::check(state, &citizen.account_id, &app.draft_id, &supplied).await?;
    let certificates: Vec<FieldError> = crate::presented::errors(&presented, &supplied)
        .into_iter()
        .filter(|f| !errors.iter().any(|e| e.path == f.path))
        .collect();
    errors.extend(certificates);
    if !errors.is_empty() {
        crate::presented::note(state, citizen, None, &presented).await?;
        return Err(AppError::fields(errors));
    }
    crate::presented::record(&presented, &mut supplied);
    Ok((supplied, presented))
}

/// After a supplement was taken: each certificate in it in the data record, with a consent
/// receipt naming the department, as at submission.
async fn note_supplied(
    state: &AppState,
    citizen: &Citizen,
    app: &Application,
    cases: &[crate::store::CaseRow],
    presented: &[crate::presented::Checked],
) -> Result<()> {
    let done = tongban_core::draft::Submission {
        idempotency_key: tongban_core::draft::submission_key(&app.draft_id),
        application_id: app.id.clone(),
        receipt: app.receipt.clone(),
    };
    crate::presented::note(state, citizen, Some((&done, cases)), presented).await
}

/// Every case that asked for a supplement goes back to work with the new answers; its clock
/// runs again from today with the working days it had left, and the person hears of the new date.
async fn supply_cases(
    state: &AppState,
    citizen: &Citizen,
    app: &Application,
    owner: &tongban_core::ids::AccountId,
    cases: &[crate::store::CaseRow],
    matters: &[tongban_core::catalog::Matter],
    answers: &tongban_core::form::Answers,
) -> Result<()> {
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let form = FormRef::parse(&app.form_id);
    let catalog = state.catalog.current(&state.store).await?;
    let actor = citizen.actor();
    let asking: Vec<&crate::store::CaseRow> = cases
        .iter()
        .filter(|c| c.status == ApplicationStatus::SupplementRequested)
        .collect();
    let mut told = Vec::new();
    let mut dues = Vec::new();
    for case in &asking {
        let due = state
            .calendar
            .add_working_days(today, case.paused_days_left.unwrap_or(0).max(0) as u32);
        let department = department_ref(&catalog.index, &case.department_id);
        let told_here = tell(
            state,
            owner,
            Some(&app.id),
            MessageKind::DueDateChanged,
            params(&app.receipt, &department, None, Some(due.day.to_string())),
            now,
        )
        .await?;
        told.push(told_here);
        dues.push(due);
    }
    let fields: Vec<Vec<String>> = asking
        .iter()
        .map(|c| {
            app.cases
                .iter()
                .find(|v| v.id == c.id)
                .map(|v| v.requested.clone())
                .unwrap_or_default()
        })
        .collect();
    let steps = asking
        .iter()
        .zip(&dues)
        .zip(&told)
        .zip(&fields)
        .map(
            |(((case, due), (messages, notifications)), fields)| CaseStep {
                case_id: &case.id,
                application_id: &app.id,
                from: ApplicationStatus::SupplementRequested,
                to: after_supplement(case.holder),
                holder: case.holder,
                due_day: Some(due.day.0),
                due_certainty: Some(due.certainty),
                paused_days_left: None,
                message: "",
                reason: None,
                fields,
                department_id: &case.department_id,
                actor: &actor,
                at: now,
                messages,
                notifications,
            },
        )
        .collect();
    let case_answers: Vec<(&str, tongban_core::form::Answers)> = asking
        .iter()
        .map(|case| {
            let mine: Vec<&tongban_core::catalog::Matter> = matters
                .iter()
                .filter(|m| case.matters.contains(&m.code))
                .collect();
            (
                case.id.as_str(),
                tongban_core::case::case_answers(&form, &mine, answers),
            )
        })
        .collect();
    let moved = state
        .store
        .supply(Supplied {
            application_id: &app.id,
            answers,
            steps,
            case_answers,
        })
        .await?;
    if moved == Moved::StatusChanged {
        return Err(AppError::Conflict("conflict"));
    }
    Ok(())
}
