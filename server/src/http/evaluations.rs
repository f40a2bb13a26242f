//! 好差评 from the person's side: rating an application (online indicators) or a visit to a hall
//! (the hall's indicators) — once, and once more after every department answered a bad rating —
//! and the invitation to rate when an application is done, again after 3 days if unrated. The
//! public statistics per department and hall are here too: no personal data, and nothing of a
//! group under `MIN_GROUP` ratings. The departments' side of a bad rating is `rectifications.rs`.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use tongban_core::application::ApplicationStatus;
use tongban_core::audit::AuditAction;
use tongban_core::calendar::Day;
use tongban_core::catalog::CatalogIndex;
use tongban_core::evaluation::{
    figures, is_overdue, may_rerate, rectified_on_time, Channel, Evaluation, EvaluationStats,
    GroupFacts, GroupStats, NewEvaluation, Rectification, RectificationStatus, MIN_GROUP,
};
use tongban_core::ids::AccountId;
use tongban_core::message::MessageKind;
use tongban_core::visit::AppointmentStatus;

use crate::access::Citizen;
use crate::audit::Outcome;
use crate::auth::new_id;
use crate::cases::{department_ref, params, tell};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{EvaluationRow, NewMessage, NewNotification, NewRating, RectificationRow};

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/applications/{id}/evaluation",
            get(application_evaluation).post(rate_application),
        )
        .route(
            "/me/appointments/{id}/evaluation",
            get(visit_evaluation).post(rate_visit),
        )
        .route("/evaluations/stats", get(stats))
}

/// How long after the invitation an unrated application is asked again.
pub const INVITE_AGAIN_SECONDS: i64 = 3 * 24 * 3600;

/// What the invitation's second asking is scheduled under (withdrawn once rated).
fn invite_prefix(application_id: &str) -> String {
    format!("{application_id}-rate-")
}

fn application_subject(id: &str) -> String {
    format!("application:{id}")
}

fn visit_subject(id: &str) -> String {
    format!("visit:{id}")
}

/// The invitation to rate an application that is done: now, and again after 3 days (withdrawn
/// when it is rated first). None when it was rated already (at intake, say).
pub async fn invitation(
    state: &AppState,
    owner: &AccountId,
    application_id: &str,
    receipt: &str,
    now: i64,
) -> Result<(Vec<NewMessage>, Vec<NewNotification>)> {
    if state
        .store
        .evaluation(&application_subject(application_id))
        .await?
        .is_some()
    {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut p = BTreeMap::new();
    p.insert("receipt".to_owned(), receipt.to_owned());
    let kind = MessageKind::EvaluationInvited;
    let (mut messages, mut notifications) =
        tell(state, owner, Some(application_id), kind, p.clone(), now).await?;
    let later = now + INVITE_AGAIN_SECONDS;
    let (again, again_notes) = tell(state, owner, Some(application_id), kind, p, later).await?;
    let prefix = invite_prefix(application_id);
    for (i, mut m) in again.into_iter().enumerate() {
        m.id = format!("{prefix}{i}");
        messages.push(m);
    }
    for (i, mut n) in again_notes.into_iter().enumerate() {
        n.id = format!("{prefix}sms-{i}");
        notifications.push(n);
    }
    Ok((messages, notifications))
}

/// What is rated and where it counts.
struct Subject {
    key: String,
    channel: Channel,
    application_id: Option<String>,
    appointment_id: Option<String>,
    hall_id: Option<String>,
    /// The departments it counts for (and that follow a bad rating up).
    departments: Vec<String>,
    withdraw: Option<String>,
}

/// A rectification as the person sees it.
pub fn rectification_view(index: &CatalogIndex, r: &RectificationRow, today: Day) -> Rectification {
    Rectification {
        id: r.id.clone(),
        department: department_ref(index, &r.department_id),
        status: r.status,
        callback_by: r.callback_by.to_string(),
        answer_by: r.answer_by.to_string(),
        called_back_at: r.called_back_at,
        answer: r.answer.clone(),
        answered_at: r.answered_at,
        overdue: is_overdue(r.status, r.callback_by, r.answer_by, today),
    }
}

async fn view(state: &AppState, e: &EvaluationRow) -> Result<Evaluation> {
    let rows = state.store.rectifications_of(&e.id).await?;
    let catalog = state.catalog.current(&state.store).await?;
    let today = Day::of_timestamp(state.auth.now());
    let statuses: Vec<RectificationStatus> = rows.iter().map(|r| r.status).collect();
    Ok(Evaluation {
        id: e.id.clone(),
        channel: e.channel,
        overall: e.overall,
        indicators: e.indicators.clone(),
        comment: e.comment.clone(),
        at: e.updated_at,
        first: e.first_overall,
        rectifications: rows
            .iter()
            .map(|r| rectification_view(&catalog.index, r, today))
            .collect(),
        may_rerate: may_rerate(e.first_overall.is_some(), &statuses),
    })
}

/// Rates `subject`, or rates it again when that is allowed.
async fn rate(
    state: &AppState,
    citizen: &Citizen,
    subject: Subject,
    new: NewEvaluation,
) -> Result<(StatusCode, Json<Evaluation>)> {
    let errors = new.check(subject.channel);
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let comment = new.comment.trim().to_owned();
    let existing = state.store.evaluation(&subject.key).await?;
    let (status, row) = match existing {
        None => {
            let row = EvaluationRow {
                id: new_id(),
                subject: subject.key.clone(),
                account_id: citizen.account_id.clone(),
                application_id: subject.application_id.clone(),
                appointment_id: subject.appointment_id.clone(),
                hall_id: subject.hall_id.clone(),
                channel: subject.channel,
                overall: new.overall,
                indicators: new.indicators,
                comment,
                first_overall: None,
                created_at: now,
                updated_at: now,
            };
            let rules = state.rectification;
            let rectifications: Vec<RectificationRow> = if new.overall.is_bad() {
                subject
                    .departments
                    .iter()
                    .map(|d| RectificationRow {
                        id: new_id(),
                        evaluation_id: row.id.clone(),
                        department_id: d.clone(),
                        status: RectificationStatus::Open,
                        callback_by: state
                            .calendar
                            .add_working_days(today, rules.callback_days)
                            .day,
                        answer_by: state
                            .calendar
                            .add_working_days(today, rules.answer_days)
                            .day,
                        callback_note: None,
                        called_back_at: None,
                        called_back_by: None,
                        answer: None,
                        answered_at: None,
                        answered_by: None,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let stored = state
                .store
                .put_evaluation(
                    NewRating {
                        row: &row,
                        departments: &subject.departments,
                        rectifications: &rectifications,
                        withdraw: subject.withdraw.as_deref(),
                    },
                    now,
                )
                .await?;
            if !stored {
                return Err(AppError::Conflict("evaluation-exists"));
            }
            (StatusCode::CREATED, row)
        }
        Some(mut row) => {
            let statuses: Vec<RectificationStatus> = state
                .store
                .rectifications_of(&row.id)
                .await?
                .iter()
                .map(|r| r.status)
                .collect();
            if !may_rerate(row.first_overall.is_some(), &statuses) {
                return Err(AppError::Conflict("evaluation-exists"));
            }
            row.first_overall = Some(row.overall);
            row.overall = new.overall;
            row.indicators = new.indicators;
            row.comment = comment;
            row.updated_at = now;
            if !state.store.rerate(&row, now).await? {
                return Err(AppError::Conflict("evaluation-exists"));
            }
            (StatusCode::OK, row)
        }
    };
    state
        .audit(
            &citizen.actor(),
            AuditAction::EvaluationGiven,
            &format!("{} {}", subject.key, row.overall.code()),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    Ok((status, Json(view(state, &row).await?)))
}

/// The rating of `key`, for its owner (checked by the caller).
async fn rating_of(state: &AppState, key: &str) -> Result<Json<Evaluation>> {
    let row = state
        .store
        .evaluation(key)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(view(state, &row).await?))
}

/// Rate an application (好差评): once; once more after every department answered a bad rating.
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/evaluation",
    tag = "evaluations",
    security(("session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    request_body = NewEvaluation,
    responses(
        (status = 201, description = "Rated; a bad rating opened a rectification in each department", body = Evaluation),
        (status = 200, description = "Rated again after the departments' answers", body = Evaluation),
        (status = 404, description = "No such application of this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Rated already (`evaluation-exists`)", body = tongban_core::api::ErrorBody),
        (status = 422, description = "A bad rating without its reason, or an indicator not of this channel", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn rate_application(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(new): Json<NewEvaluation>,
) -> Result<(StatusCode, Json<Evaluation>)> {
    let record = state.store.application(&id).await?;
    let record = citizen
        .owned(&state, AuditAction::EvaluationGiven, record)
        .await?;
    let mut departments: Vec<String> = Vec::new();
    for case in state.store.cases_of(&id).await? {
        if !departments.contains(&case.department_id) {
            departments.push(case.department_id);
        }
    }
    let subject = Subject {
        key: application_subject(&id),
        channel: Channel::Online,
        application_id: Some(record.application.id.clone()),
        appointment_id: None,
        hall_id: None,
        departments,
        withdraw: Some(invite_prefix(&id)),
    };
    rate(&state, &citizen, subject, new).await
}

/// The application's rating, with the departments' follow-up of a bad one.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/evaluation",
    tag = "evaluations",
    security(("session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The rating", body = Evaluation),
        (status = 404, description = "Not rated yet, or no such application of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn application_evaluation(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<Evaluation>> {
    let record = state.store.application(&id).await?;
    citizen
        .owned(&state, AuditAction::ApplicationRead, record)
        .await?;
    rating_of(&state, &application_subject(&id)).await
}

/// Rate a visit to a hall (服务效率, 服务水平, 服务态度): once the hall marked the person arrived.
#[utoipa::path(
    post,
    path = "/api/v1/me/appointments/{id}/evaluation",
    tag = "evaluations",
    security(("session" = [])),
    params(("id" = String, Path, description = "The booking's id")),
    request_body = NewEvaluation,
    responses(
        (status = 201, description = "Rated", body = Evaluation),
        (status = 200, description = "Rated again after the department's answer", body = Evaluation),
        (status = 404, description = "No such booking of this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Rated already, or the person was not served there (`evaluation-not-visited`)", body = tongban_core::api::ErrorBody),
        (status = 422, description = "A bad rating without its reason, or an indicator not of this channel", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn rate_visit(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(new): Json<NewEvaluation>,
) -> Result<(StatusCode, Json<Evaluation>)> {
    let row = state.store.appointment(&id).await?;
    let row = citizen
        .owned(&state, AuditAction::EvaluationGiven, row)
        .await?;
    if row.status(Day::of_timestamp(state.auth.now())) != AppointmentStatus::Arrived {
        return Err(AppError::Conflict("evaluation-not-visited"));
    }
    let subject = Subject {
        key: visit_subject(&id),
        channel: Channel::Hall,
        application_id: row.application_id.clone(),
        appointment_id: Some(row.id.clone()),
        hall_id: Some(row.hall_id.clone()),
        departments: vec![row.department_id.clone()],
        withdraw: None,
    };
    rate(&state, &citizen, subject, new).await
}

/// The visit's rating.
#[utoipa::path(
    get,
    path = "/api/v1/me/appointments/{id}/evaluation",
    tag = "evaluations",
    security(("session" = [])),
    params(("id" = String, Path, description = "The booking's id")),
    responses(
        (status = 200, description = "The rating", body = Evaluation),
        (status = 404, description = "Not rated yet, or no such booking of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn visit_evaluation(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<Evaluation>> {
    let row = state.store.appointment(&id).await?;
    citizen.owned(&state, AuditAction::AccountRead, row).await?;
    rating_of(&state, &visit_subject(&id)).await
}

/// How satisfied people are with each department and hall, how bad ratings were followed up and
/// how long matters took against their promise — for anyone, without personal data; a group
/// with fewer than `min_group` ratings shows no figures.
#[utoipa::path(
    get,
    path = "/api/v1/evaluations/stats",
    tag = "evaluations",
    responses((status = 200, description = "The public statistics", body = EvaluationStats))
)]
pub async fn stats(State(state): State<AppState>) -> Result<Json<EvaluationStats>> {
    let catalog = state.catalog.current(&state.store).await?;
    let today = Day::of_timestamp(state.auth.now());
    let mut departments: HashMap<String, GroupFacts> = HashMap::new();
    let mut halls: HashMap<String, GroupFacts> = HashMap::new();
    for (id, level, n) in state.store.ratings_by_department().await? {
        departments.entry(id).or_default().add_ratings(level, n);
    }
    for (id, level, n) in state.store.ratings_by_hall().await? {
        halls.entry(id).or_default().add_ratings(level, n);
    }
    for (department, hall, answer_by, answered_at) in state.store.rectification_outcomes().await? {
        let on_time = rectified_on_time(answered_at.map(Day::of_timestamp), answer_by, today);
        departments
            .entry(department)
            .or_default()
            .add_rectification(on_time);
        if let Some(hall) = hall {
            halls.entry(hall).or_default().add_rectification(on_time);
        }
    }
    for (department, created, completed, promised) in state.store.completed_cases().await? {
        let took = state
            .calendar
            .working_days_between(Day::of_timestamp(created), Day::of_timestamp(completed))
            .max(0);
        departments.entry(department).or_default().completed.push((
            u32::try_from(took).unwrap_or(u32::MAX),
            u32::try_from(promised.max(0)).unwrap_or(u32::MAX),
        ));
    }
    let group =
        |id: &str, name: &tongban_core::LocalizedText, facts: Option<&GroupFacts>| GroupStats {
            id: id.to_owned(),
            name: name.clone(),
            figures: facts.and_then(figures),
        };
    let departments_out = catalog
        .index
        .departments
        .iter()
        .map(|d| group(&d.id, &d.name, departments.get(&d.id)))
        .collect();
    let halls_out = state
        .store
        .all_halls()
        .await?
        .iter()
        .map(|h| group(&h.id, &h.name, halls.get(&h.id)))
        .collect();
    Ok(Json(EvaluationStats {
        departments: departments_out,
        halls: halls_out,
        min_group: MIN_GROUP,
        rules: state.rectification,
    }))
}

/// Whether the application is done once `case_id` moves to `to`: every other case is final.
pub fn completes(cases: &[crate::store::CaseRow], case_id: &str, to: ApplicationStatus) -> bool {
    to.is_final()
        && cases
            .iter()
            .filter(|c| c.id != case_id)
            .all(|c| c.status.is_final())
}

/// The params of a rectification's message: the receipt (when there is an application) and the
/// department.
pub fn rectification_params(
    index: &CatalogIndex,
    receipt: Option<&str>,
    department_id: &str,
) -> BTreeMap<String, String> {
    params(
        receipt.unwrap_or_default(),
        &department_ref(index, department_id),
        None,
        None,
    )
}
