//! The department side: a staff member's account, their department's queue of cases, a case
//! with its answers, documents and steps, and moving it along within their role (受理, 补正,
//! 转办, 审批, 办结); a supervisor reassigns and sees the department's numbers. A staff member
//! reaches only their own department's cases (`access::StaffMember::case`): another department's
//! answers like one that does not exist, and the attempt is audited. The CLI
//! (`tongban-server staff`) works through the application-level routes
//! (`staff_applications.rs`).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tongban_core::application::ApplicationStatus;
use tongban_core::audit::AuditAction;
use tongban_core::auth::StaffAccount;
use tongban_core::calendar::Day;
use tongban_core::case::{
    case_moves, due_state, AssignRequest, CaseDocument, CaseMove, DepartmentStats, DueState,
    StaffCase, StaffCaseList, StaffRef, StatusCount,
};
use tongban_core::catalog::{FormRef, Matter};
use tongban_core::form::{Answer, MaterialAnswer};

use crate::access::{CaseAccess, StaffMember};
use crate::audit::Outcome;
use crate::cases::{askable_fields, days_left, department_ref, requested_of, staff_summary};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{CaseRow, QueueQuery};

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/me", get(staff_me))
        .route("/staff/cases", get(queue))
        .route("/staff/cases/{id}", get(get_case))
        .route("/staff/cases/{id}/documents/{object}", get(document))
        .route("/staff/cases/{id}/status", post(move_case))
        .route("/staff/cases/{id}/assignee", post(assign))
        .route("/staff/stats", get(stats))
        .merge(super::staff_applications::router())
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
        department_id: row.department_id,
        role: row.role,
    }))
}

/// Cases by their promised date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DueFilter {
    /// Due within two working days, or overdue.
    Soon,
    Overdue,
}

/// Which of a department's cases the queue shows.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only cases at this status; without it, every open case (not completed or rejected).
    pub status: Option<ApplicationStatus>,
    /// `soon` (due within two working days, or overdue) or `overdue`.
    pub due: Option<DueFilter>,
    /// Only cases of this matter (its code).
    pub matter: Option<String>,
    /// Only cases given to me.
    #[serde(default)]
    pub mine: bool,
    /// At most this many (default 100, at most 500).
    pub limit: Option<i64>,
}

/// The department's queue: the cases it holds, oldest due first.
#[utoipa::path(
    get,
    path = "/api/v1/staff/cases",
    tag = "staff",
    security(("staff_session" = [])),
    params(QueueParams),
    responses((status = 200, description = "Oldest due first", body = StaffCaseList))
)]
pub async fn queue(
    State(state): State<AppState>,
    staff: StaffMember,
    Query(params): Query<QueueParams>,
) -> Result<Json<StaffCaseList>> {
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let due_by = match params.due {
        None => None,
        Some(DueFilter::Overdue) => Some(today.0 - 1),
        Some(DueFilter::Soon) => Some(
            state
                .calendar
                .add_working_days(today, tongban_core::case::DUE_SOON_DAYS as u32)
                .day
                .0,
        ),
    };
    let staff_id = staff.staff_id.to_string();
    let rows = state
        .store
        .queue(QueueQuery {
            department_id: &staff.department_id,
            status: params.status,
            due_by,
            matter: params.matter.as_deref(),
            assignee: params.mine.then_some(staff_id.as_str()),
            limit: params.limit.unwrap_or(100).clamp(1, 500),
        })
        .await?;
    let catalog = state.catalog.current(&state.store).await?;
    let colleagues = state.store.staff_of(&staff.department_id).await?;
    let items = rows
        .iter()
        .map(|row| {
            let assignee = assignee_ref(&colleagues, row.case.assignee.as_deref());
            staff_summary(
                &state,
                &catalog.index,
                &row.case,
                &row.receipt,
                &row.form_id,
                assignee,
                today,
            )
        })
        .collect();
    Ok(Json(StaffCaseList { items }))
}

fn assignee_ref(staff: &[crate::store::StaffRow], id: Option<&str>) -> Option<StaffRef> {
    let id = id?;
    Some(StaffRef {
        id: id.to_owned(),
        display_name: staff
            .iter()
            .find(|s| s.id.as_str() == id)
            .map(|s| s.display_name.clone())
            .unwrap_or_default(),
    })
}

/// A case as this staff member sees it, with the moves open to them.
async fn staff_case(
    state: &AppState,
    staff: &StaffMember,
    case: CaseRow,
    access: CaseAccess,
) -> Result<StaffCase> {
    let record = state
        .store
        .application(&case.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let catalog = state.catalog.current(&state.store).await?;
    let colleagues = state.store.staff_of(&staff.department_id).await?;
    let today = Day::of_timestamp(state.auth.now());
    let mut summary = staff_summary(
        state,
        &catalog.index,
        &case,
        &record.application.receipt,
        &record.application.form_id,
        assignee_ref(&colleagues, case.assignee.as_deref()),
        today,
    );
    summary.case.requested = requested_of(&case, &record.events);
    let mut documents = Vec::new();
    for (path, answer) in &case.answers {
        if let Answer::Material(MaterialAnswer::Uploaded {
            object_id,
            file_name,
            ..
        }) = answer
        {
            let kind = state
                .store
                .material(object_id)
                .await?
                .map(|m| m.kind)
                .unwrap_or_default();
            documents.push(CaseDocument {
                path: path.clone(),
                object_id: object_id.clone(),
                file_name: file_name.clone(),
                kind,
            });
        }
    }
    let timeline = record
        .events
        .iter()
        .filter(|e| e.case_id.as_deref() == Some(&case.id) || e.case_id.is_none())
        .map(|e| e.event.clone())
        .collect();
    let moves = match access {
        CaseAccess::Act => case_moves(case.status, case.holder)
            .iter()
            .copied()
            .filter(|to| staff.role.may_move_to(*to))
            .collect(),
        CaseAccess::Read => Vec::new(),
    };
    let askable = if moves.contains(&ApplicationStatus::SupplementRequested) {
        let schema = crate::forms::resolve(state, &record.application.form_id)
            .await?
            .schema;
        let matters = super::case_step::matters_of(state, &case).await?;
        let refs: Vec<&Matter> = matters.iter().collect();
        let form = FormRef::parse(&record.application.form_id);
        askable_fields(&schema, &form, &refs, &record.application.answers)
    } else {
        Vec::new()
    };
    let certificates = if case.status == ApplicationStatus::Completed {
        super::credentials::issued_for(
            state,
            &catalog.index,
            &record.owner,
            &case.department_id,
            &record.application.receipt,
        )
        .await?
    } else {
        Vec::new()
    };
    Ok(StaffCase {
        summary,
        askable,
        certificates,
        answers: case.answers.clone(),
        documents,
        timeline,
        moves,
        actionable: access == CaseAccess::Act,
    })
}

/// One case of the department: its answers, documents and steps. Every read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/staff/cases/{id}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The case", body = StaffCase),
        (status = 404, description = "No such case of this department", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn get_case(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
) -> Result<Json<StaffCase>> {
    let found = state.store.case(&id).await?;
    let (case, access) = staff.case(&state, AuditAction::CaseRead, found).await?;
    let object = format!("case:{}", case.id);
    staff
        .audit_case(&state, &case, AuditAction::CaseRead, &object, Outcome::Ok)
        .await?;
    Ok(Json(staff_case(&state, &staff, case, access).await?))
}

/// A document of a case, to view in the workbench (an image or PDF), audited. Only documents
/// the case holds can be opened.
#[utoipa::path(
    get,
    path = "/api/v1/staff/cases/{id}/documents/{object}",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("id" = String, Path, description = "The case's id"),
        ("object" = String, Path, description = "The document's object id")
    ),
    responses(
        (status = 200, description = "The document's bytes, with its content type"),
        (status = 404, description = "No such document in a case of this department", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn document(
    State(state): State<AppState>,
    staff: StaffMember,
    Path((id, object)): Path<(String, String)>,
) -> Result<Response> {
    let found = state.store.case(&id).await?;
    let (case, _) = staff
        .case(&state, AuditAction::DocumentOpened, found)
        .await?;
    let held = case.answers.values().any(|a| {
        matches!(a, Answer::Material(MaterialAnswer::Uploaded { object_id, .. }) if *object_id == object)
    });
    let record = state.store.material(&object).await?;
    let Some(record) = record.filter(|_| held) else {
        staff
            .refused(
                &state,
                AuditAction::DocumentOpened,
                &format!("material:{object}"),
            )
            .await?;
        return Err(AppError::NotFound);
    };
    let bytes = state.document_bytes(&record).await?;
    let opened = format!("case:{} material:{}", case.id, record.id);
    staff
        .audit_case(
            &state,
            &case,
            AuditAction::DocumentOpened,
            &opened,
            Outcome::Ok,
        )
        .await?;
    Ok(crate::objects::document_response(&record.kind, bytes))
}

/// Move a case along (受理, 补正, 转办, 审批, 办结 …) within the staff member's role.
#[utoipa::path(
    post,
    path = "/api/v1/staff/cases/{id}/status",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The case's id")),
    request_body = CaseMove,
    responses(
        (status = 200, description = "Moved", body = StaffCase),
        (status = 403, description = "Not a move this staff member's role makes", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No such case of this department", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Not a move allowed from where the case is", body = tongban_core::api::ErrorBody),
        (status = 422, description = "A supplement naming nothing it may ask, or a refusal without its reason", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn move_case(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Json(change): Json<CaseMove>,
) -> Result<Json<StaffCase>> {
    let found = state.store.case(&id).await?;
    let (case, access) = staff.case(&state, AuditAction::CaseMoved, found).await?;
    super::case_step::step(&state, &staff, case, access, &change).await?;
    let case = state.store.case(&id).await?.ok_or(AppError::NotFound)?;
    let access = staff.access(&case).unwrap_or(CaseAccess::Read);
    Ok(Json(staff_case(&state, &staff, case, access).await?))
}

/// A supervisor gives a case to a colleague of the department.
#[utoipa::path(
    post,
    path = "/api/v1/staff/cases/{id}/assignee",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The case's id")),
    request_body = AssignRequest,
    responses(
        (status = 200, description = "Given", body = StaffCase),
        (status = 403, description = "Only a supervisor reassigns", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No such case of this department", body = tongban_core::api::ErrorBody),
        (status = 422, description = "Not a staff member of this department", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn assign(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Json(request): Json<AssignRequest>,
) -> Result<Json<StaffCase>> {
    let found = state.store.case(&id).await?;
    let (case, access) = staff.case(&state, AuditAction::CaseAssigned, found).await?;
    if !staff.role.supervises() || access != CaseAccess::Act {
        staff
            .refused(&state, AuditAction::CaseAssigned, &format!("case:{id}"))
            .await?;
        return Err(AppError::Forbidden("role-not-allowed"));
    }
    let colleagues = state.store.staff_of(&staff.department_id).await?;
    if !colleagues.iter().any(|s| s.id.as_str() == request.staff_id) {
        return Err(AppError::field("staff_id", "field-invalid"));
    }
    state
        .store
        .assign_case(&case.id, &request.staff_id, state.auth.now())
        .await?;
    let object = format!("case:{} staff:{}", case.id, request.staff_id);
    staff
        .audit_case(
            &state,
            &case,
            AuditAction::CaseAssigned,
            &object,
            Outcome::Ok,
        )
        .await?;
    let case = state.store.case(&id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(staff_case(&state, &staff, case, access).await?))
}

/// The department's numbers, for its supervisor: open cases by status, due soon, overdue,
/// completed on time.
#[utoipa::path(
    get,
    path = "/api/v1/staff/stats",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The department's numbers", body = DepartmentStats),
        (status = 403, description = "Only a supervisor sees them", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn stats(
    State(state): State<AppState>,
    staff: StaffMember,
) -> Result<Json<DepartmentStats>> {
    if !staff.role.supervises() {
        staff
            .refused(
                &state,
                AuditAction::StatsRead,
                &format!("department:{}", staff.department_id),
            )
            .await?;
        return Err(AppError::Forbidden("role-not-allowed"));
    }
    let cases = state.store.department_cases(&staff.department_id).await?;
    let today = Day::of_timestamp(state.auth.now());
    let mut open: Vec<StatusCount> = Vec::new();
    let (mut due_soon, mut overdue, mut completed) = (0, 0, 0);
    let mut completed_ids = Vec::new();
    for case in &cases {
        if case.status == ApplicationStatus::Completed {
            completed += 1;
            completed_ids.push(case.id.clone());
            continue;
        }
        if case.status.is_final() {
            continue;
        }
        match open.iter_mut().find(|c| c.status == case.status) {
            Some(c) => c.count += 1,
            None => open.push(StatusCount {
                status: case.status,
                count: 1,
            }),
        }
        match due_state(days_left(&state, case, today), case.status) {
            DueState::DueSoon => due_soon += 1,
            DueState::Overdue => overdue += 1,
            _ => {}
        }
    }
    open.sort_by_key(|c| ApplicationStatus::ALL.iter().position(|s| *s == c.status));
    let rectifications_overdue = state
        .store
        .department_rectifications(&staff.department_id)
        .await?
        .iter()
        .filter(|(r, _)| {
            tongban_core::evaluation::is_overdue(r.status, r.callback_by, r.answer_by, today)
        })
        .count() as u32;
    let completed_at = state
        .store
        .case_step_times(&completed_ids, ApplicationStatus::Completed)
        .await?;
    let completed_on_time = completed_at
        .iter()
        .filter(|(id, at)| {
            cases
                .iter()
                .find(|c| c.id == *id)
                .and_then(|c| c.due_day)
                .is_some_and(|due| Day::of_timestamp(*at).0 <= due)
        })
        .count() as u32;
    let catalog = state.catalog.current(&state.store).await?;
    let colleagues = state.store.staff_of(&staff.department_id).await?;
    state
        .audit(
            &staff.actor(),
            AuditAction::StatsRead,
            &format!("department:{}", staff.department_id),
            Outcome::Ok,
            &staff.ip,
        )
        .await?;
    Ok(Json(DepartmentStats {
        department: department_ref(&catalog.index, &staff.department_id),
        open,
        due_soon,
        overdue,
        completed,
        completed_on_time,
        rectifications_overdue,
        staff: colleagues
            .into_iter()
            .map(|s| StaffRef {
                id: s.id.into_string(),
                display_name: s.display_name,
            })
            .collect(),
    }))
}
