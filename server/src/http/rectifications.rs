//! 整改 in the workbench: the department's follow-up of a bad rating. Any of its staff sees the
//! items, overdue ones first (the supervisor's flag); opens one (the person's phone, for the
//! callback — an audited read); records the callback; answers with what was done, which tells
//! the person, who may then rate once more. Another department's item answers like one that
//! does not exist. The deadlines are the region's configuration (`RectificationOptions`).

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::audit::AuditAction;
use tongban_core::auth::mask_name;
use tongban_core::calendar::Day;
use tongban_core::catalog::CatalogIndex;
use tongban_core::evaluation::{
    RectificationNote, RectificationRules, RectificationStatus, StaffRectification,
    StaffRectificationList,
};
use tongban_core::message::MessageKind;

use crate::access::StaffMember;
use crate::audit::Outcome;
use crate::cases::tell;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{EvaluationRow, RectificationRow, RectificationStep};

use super::evaluations::{rectification_params, rectification_view};

type Result<T> = std::result::Result<T, AppError>;

/// The region's deadlines for a bad rating (local rules: 1 to 15 working days are published).
#[derive(Clone, Debug, clap::Args)]
pub struct RectificationOptions {
    /// Working days the department has to call the person back after a bad rating.
    #[arg(long, env = "TONGBAN_RECTIFY_CALLBACK_DAYS", default_value_t = RectificationRules::default().callback_days)]
    pub rectify_callback_days: u32,
    /// Working days the department has to fix it and answer.
    #[arg(long, env = "TONGBAN_RECTIFY_ANSWER_DAYS", default_value_t = RectificationRules::default().answer_days)]
    pub rectify_answer_days: u32,
}

impl Default for RectificationOptions {
    fn default() -> Self {
        let r = RectificationRules::default();
        Self {
            rectify_callback_days: r.callback_days,
            rectify_answer_days: r.answer_days,
        }
    }
}

impl RectificationOptions {
    pub fn rules(&self) -> anyhow::Result<RectificationRules> {
        let rules = RectificationRules {
            callback_days: self.rectify_callback_days,
            answer_days: self.rectify_answer_days,
        };
        match rules.problem() {
            Some(problem) => anyhow::bail!("the rectification deadlines: {problem}"),
            None => Ok(rules),
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/rectifications", get(list))
        .route("/staff/rectifications/{id}", get(item))
        .route("/staff/rectifications/{id}/callback", post(callback))
        .route("/staff/rectifications/{id}/answer", post(answer))
}

/// The item as the workbench shows it; the phone only when `with_phone` (the item itself).
async fn staff_view(
    state: &AppState,
    index: &CatalogIndex,
    r: &RectificationRow,
    e: &EvaluationRow,
    today: Day,
    with_phone: bool,
) -> Result<StaffRectification> {
    let account = state.store.account(&e.account_id).await?;
    let person = account
        .as_ref()
        .and_then(|a| a.real_name.as_deref())
        .map(mask_name)
        .unwrap_or_default();
    let phone = account
        .filter(|a| with_phone && !a.phone.starts_with(crate::store::MINOR_PHONE_PREFIX))
        .map(|a| a.phone);
    let reference = match &e.application_id {
        Some(id) => state
            .store
            .application(id)
            .await?
            .map(|a| a.application.receipt)
            .unwrap_or_default(),
        None => match &e.appointment_id {
            Some(id) => state
                .store
                .appointment(id)
                .await?
                .map(|a| a.code)
                .unwrap_or_default(),
            None => String::new(),
        },
    };
    let answered_by = match &r.answered_by {
        Some(id) => state
            .store
            .staff_member(&tongban_core::ids::StaffId::new(id.clone()))
            .await?
            .map(|s| s.display_name),
        None => None,
    };
    Ok(StaffRectification {
        rectification: rectification_view(index, r, today),
        channel: e.channel,
        overall: e.overall,
        indicators: e.indicators.clone(),
        comment: e.comment.clone(),
        rated_at: e.created_at,
        reference,
        application_id: e.application_id.clone(),
        person,
        phone,
        callback_note: r.callback_note.clone(),
        answered_by,
    })
}

/// The department's rectification items: overdue first, then open ones by deadline, then the
/// answered and closed ones, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/staff/rectifications",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The department's rectification items", body = StaffRectificationList),
        (status = 401, description = "Not logged in as staff", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<AppState>,
    staff: StaffMember,
) -> Result<Json<StaffRectificationList>> {
    let rows = state
        .store
        .department_rectifications(&staff.department_id)
        .await?;
    let catalog = state.catalog.current(&state.store).await?;
    let today = Day::of_timestamp(state.auth.now());
    let mut items = Vec::with_capacity(rows.len());
    for (r, e) in &rows {
        items.push(staff_view(&state, &catalog.index, r, e, today, false).await?);
    }
    items.sort_by_key(|i| {
        let r = &i.rectification;
        (
            !r.overdue,
            !r.status.is_open(),
            if r.status.is_open() {
                r.answer_by.clone()
            } else {
                String::new()
            },
            if r.status.is_open() { 0 } else { -i.rated_at },
        )
    });
    let overdue = items.iter().filter(|i| i.rectification.overdue).count() as u32;
    state
        .audit(
            &staff.actor(),
            AuditAction::RectificationRead,
            &format!("department:{}", staff.department_id),
            Outcome::Ok,
            &staff.ip,
        )
        .await?;
    Ok(Json(StaffRectificationList {
        items,
        overdue,
        rules: state.rectification,
    }))
}

/// The item if it is this staff member's department's; `NotFound`, audited as refused, otherwise.
async fn mine(
    state: &AppState,
    staff: &StaffMember,
    action: AuditAction,
    id: &str,
) -> Result<(RectificationRow, EvaluationRow)> {
    match state.store.rectification(id).await? {
        Some((r, e)) if r.department_id == staff.department_id => Ok((r, e)),
        Some((_, e)) => {
            let object = format!("rectification:{id}");
            rated(state, staff, &e, action, &object, Outcome::Denied).await?;
            Err(AppError::NotFound)
        }
        None => Err(AppError::NotFound),
    }
}

/// Records what a staff member did with a rating's item: in the rater's data record too.
async fn rated(
    state: &AppState,
    staff: &StaffMember,
    e: &EvaluationRow,
    action: AuditAction,
    object: &str,
    outcome: Outcome,
) -> Result<()> {
    let application = e.application_id.as_deref();
    staff
        .audit_for(
            state,
            Some(&e.account_id),
            application,
            action,
            object,
            outcome,
        )
        .await
}

async fn item_view(
    state: &AppState,
    staff: &StaffMember,
    id: &str,
) -> Result<(StaffRectification, EvaluationRow)> {
    let (r, e) = mine(state, staff, AuditAction::RectificationRead, id).await?;
    let catalog = state.catalog.current(&state.store).await?;
    let today = Day::of_timestamp(state.auth.now());
    Ok((
        staff_view(state, &catalog.index, &r, &e, today, true).await?,
        e,
    ))
}

/// One item, with the person's phone for the callback (an audited read).
#[utoipa::path(
    get,
    path = "/api/v1/staff/rectifications/{id}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The rectification's id")),
    responses(
        (status = 200, description = "The item", body = StaffRectification),
        (status = 404, description = "No such item of this department", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn item(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
) -> Result<Json<StaffRectification>> {
    let (view, e) = item_view(&state, &staff, &id).await?;
    let object = format!("rectification:{id}");
    rated(
        &state,
        &staff,
        &e,
        AuditAction::RectificationRead,
        &object,
        Outcome::Ok,
    )
    .await?;
    Ok(Json(view))
}

/// Moves the item to `to` with `note`; the answer tells the person.
async fn handle(
    state: &AppState,
    staff: &StaffMember,
    id: &str,
    to: RectificationStatus,
    note: &RectificationNote,
) -> Result<Json<StaffRectification>> {
    let (r, e) = mine(state, staff, AuditAction::RectificationHandled, id).await?;
    let errors = note.check();
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let now = state.auth.now();
    let (messages, notifications) = if to == RectificationStatus::Answered {
        let catalog = state.catalog.current(&state.store).await?;
        let receipt = match &e.application_id {
            Some(app) => state
                .store
                .application(app)
                .await?
                .map(|a| a.application.receipt),
            None => None,
        };
        let mut params = rectification_params(&catalog.index, receipt.as_deref(), &r.department_id);
        // A visit's rating: the message leads to the bookings, where the visit is.
        if let (None, Some(visit)) = (&e.application_id, &e.appointment_id) {
            params.insert("appointment".into(), visit.clone());
        }
        tell(
            state,
            &e.account_id,
            e.application_id.as_deref(),
            MessageKind::RectificationAnswered,
            params,
            now,
        )
        .await?
    } else {
        (Vec::new(), Vec::new())
    };
    let moved = state
        .store
        .rectification_step(RectificationStep {
            id,
            to,
            text: note.text.trim(),
            staff_id: staff.staff_id.as_str(),
            at: now,
            messages: &messages,
            notifications: &notifications,
        })
        .await?;
    if !moved {
        return Err(AppError::Conflict("rectification-closed"));
    }
    let object = format!("rectification:{id} {}", to.code());
    rated(
        state,
        staff,
        &e,
        AuditAction::RectificationHandled,
        &object,
        Outcome::Ok,
    )
    .await?;
    Ok(Json(item_view(state, staff, id).await?.0))
}

/// Record the callback to the person (what they said), within the first deadline.
#[utoipa::path(
    post,
    path = "/api/v1/staff/rectifications/{id}/callback",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The rectification's id")),
    request_body = RectificationNote,
    responses(
        (status = 200, description = "Recorded", body = StaffRectification),
        (status = 404, description = "No such item of this department", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Called back or answered already (`rectification-closed`)", body = tongban_core::api::ErrorBody),
        (status = 422, description = "An empty or too long note", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn callback(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Json(note): Json<RectificationNote>,
) -> Result<Json<StaffRectification>> {
    handle(&state, &staff, &id, RectificationStatus::CalledBack, &note).await
}

/// Answer the person with what was done: they are told, and may rate once more.
#[utoipa::path(
    post,
    path = "/api/v1/staff/rectifications/{id}/answer",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The rectification's id")),
    request_body = RectificationNote,
    responses(
        (status = 200, description = "Answered; the person is told", body = StaffRectification),
        (status = 404, description = "No such item of this department", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Answered already (`rectification-closed`)", body = tongban_core::api::ErrorBody),
        (status = 422, description = "An empty or too long answer", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn answer(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Json(note): Json<RectificationNote>,
) -> Result<Json<StaffRectification>> {
    handle(&state, &staff, &id, RectificationStatus::Answered, &note).await
}
