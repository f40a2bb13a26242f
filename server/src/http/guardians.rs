//! Guardians (监护): a parent declares a minor child; staff in a hall, having seen the household
//! register, confirm it by the code the parent shows; then the parent acts for the child like an
//! agent under an accepted mandate (`X-Tongban-Acting-For`, checked in `access.rs`) until the day
//! before the child turns 18. The household register from the wallet (#17) would confirm it
//! without the visit; the wallet does not exist yet.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::audit::AuditAction;
use tongban_core::auth::{mask_name, RealNameLevel};
use tongban_core::calendar::Day;
use tongban_core::identity::{check_resident_id, mask_id_number};
use tongban_core::mandate::{
    guardian_until, is_minor, GuardianshipCheck, Mandate, MandateKind, MandateStatus,
    NewGuardianship,
};
use tongban_core::message::MessageKind;

use crate::access::{account_label, Citizen, StaffMember};
use crate::audit::Outcome;
use crate::auth::new_id;
use crate::auth::verifier::Verdict;
use crate::cases::tell;
use crate::clock::china_date;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::MandateRow;

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/guardianships", post(declare))
        .route("/staff/guardianships/{code}", get(check))
        .route("/staff/guardianships/{code}/confirm", post(confirm))
}

/// A code a parent reads out or shows at the hall: 8 digits.
fn hall_code() -> String {
    format!(
        "{}{}",
        crate::auth::new_code(),
        &crate::auth::new_code()[..2]
    )
}

/// Declares a minor child: waits for a hall's staff to confirm it with the household register.
#[utoipa::path(
    post,
    path = "/api/v1/me/guardianships",
    tag = "mandates",
    security(("session" = [])),
    request_body = NewGuardianship,
    responses(
        (status = 201, description = "Declared: the code to show at a hall is in `hall_code`", body = Mandate),
        (status = 403, description = "The parent's identity is not verified", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Already declared (`guardianship-exists`)", body = tongban_core::api::ErrorBody),
        (status = 422, description = "A bad name or ID number, one that does not match, or a child who is not a minor (field errors)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn declare(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(new): Json<NewGuardianship>,
) -> Result<(StatusCode, Json<Mandate>)> {
    citizen.require_level(RealNameLevel::IdentityVerified)?;
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let name = new.child_name.trim();
    if !tongban_core::identity::is_plausible_name(name) {
        return Err(AppError::field("child_name", "name-invalid"));
    }
    let id = check_resident_id(&new.child_id_number, china_date(now))
        .map_err(|e| AppError::field("child_id_number", format!("id-{}", e.code())))?;
    if !is_minor(id.birth_date, today) {
        return Err(AppError::field("child_id_number", "guardian-not-minor"));
    }
    let verdict = state
        .auth
        .services
        .identity
        .verify(name, &id)
        .await
        .map_err(|detail| AppError::Unavailable {
            code: "identity-unavailable",
            detail,
        })?;
    if verdict == Verdict::Mismatch {
        return Err(AppError::field("child_id_number", "identity-mismatch"));
    }
    let child = state.store.minor_account(name, &id.number, now).await?;
    if child == citizen.account_id {
        return Err(AppError::field("child_id_number", "guardian-not-minor"));
    }
    let (_, received) = state.store.mandates_of(&citizen.account_id).await?;
    if received.iter().any(|m| {
        m.kind == MandateKind::Guardian
            && m.grantor_id == child
            && matches!(m.status, MandateStatus::Offered | MandateStatus::Accepted)
    }) {
        return Err(AppError::Conflict("guardianship-exists"));
    }
    let row = MandateRow {
        id: new_id(),
        grantor_id: child,
        agent_id: citizen.account_id.clone(),
        matters: Vec::new(),
        from: today,
        to: guardian_until(id.birth_date),
        decide_together: false,
        status: MandateStatus::Offered,
        created_at: now,
        kind: MandateKind::Guardian,
        hall_code: Some(hall_code()),
    };
    state.store.put_mandate(&row).await?;
    state
        .audit(
            &citizen.actor(),
            AuditAction::MandateGranted,
            &format!("mandate:{}", row.id),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    let view = super::mandates::view(&state, &row, false, today).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn check_of(state: &AppState, row: &MandateRow) -> Result<GuardianshipCheck> {
    let guardian = account_label(state, &row.agent_id)
        .await?
        .unwrap_or_default();
    let child = state
        .store
        .account(&row.grantor_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let number = child.id_number.clone().unwrap_or_default();
    let born = check_resident_id(&number, (9999, 12, 31))
        .map(|id| {
            let (y, m, d) = id.birth_date;
            Day::from_ymd(i64::from(y), u32::from(m), u32::from(d))
        })
        .unwrap_or(row.from);
    Ok(GuardianshipCheck {
        id: row.id.clone(),
        guardian,
        child: format!(
            "{} {}",
            mask_name(child.real_name.as_deref().unwrap_or_default()),
            mask_id_number(&number)
        ),
        child_born: born,
        until: row.to,
        status: row.status,
    })
}

/// Staff at a hall: only a department that serves at a hall confirms guardianships.
async fn at_a_hall(state: &AppState, staff: &StaffMember) -> Result<()> {
    if super::hall_desk::halls_of(state, staff).await?.is_empty() {
        return Err(AppError::Forbidden("guardian-hall-only"));
    }
    Ok(())
}

async fn waiting(state: &AppState, staff: &StaffMember, code: &str) -> Result<MandateRow> {
    at_a_hall(state, staff).await?;
    let row = state.store.guardianship_by_code(code.trim()).await?;
    match row {
        Some(row) if row.status == MandateStatus::Offered => Ok(row),
        _ => {
            state
                .audit(
                    &staff.actor(),
                    AuditAction::MandateAccepted,
                    "guardianship:code",
                    Outcome::Denied,
                    &staff.ip,
                )
                .await?;
            Err(AppError::NotFound)
        }
    }
}

/// Staff look up a declared guardianship by the parent's code, to check it against the papers.
#[utoipa::path(
    get,
    path = "/api/v1/staff/guardianships/{code}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("code" = String, Path, description = "The code the parent shows")),
    responses(
        (status = 200, description = "The declaration (masked)", body = GuardianshipCheck),
        (status = 403, description = "Not a department serving at a hall", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No declaration waiting under this code", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn check(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(code): Path<String>,
) -> Result<Json<GuardianshipCheck>> {
    let row = waiting(&state, &staff, &code).await?;
    Ok(Json(check_of(&state, &row).await?))
}

/// Staff confirm it (they saw the household register): the parent acts for the child from now.
#[utoipa::path(
    post,
    path = "/api/v1/staff/guardianships/{code}/confirm",
    tag = "staff",
    security(("staff_session" = [])),
    params(("code" = String, Path, description = "The code the parent shows")),
    responses(
        (status = 200, description = "Confirmed", body = GuardianshipCheck),
        (status = 403, description = "Not a department serving at a hall", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No declaration waiting under this code", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(code): Path<String>,
) -> Result<Json<GuardianshipCheck>> {
    let row = waiting(&state, &staff, &code).await?;
    let now = state.auth.now();
    if !state
        .store
        .confirm_guardianship(&row.id, staff.staff_id.as_str(), now)
        .await?
    {
        return Err(AppError::NotFound);
    }
    state
        .audit(
            &staff.actor(),
            AuditAction::MandateAccepted,
            &format!("mandate:{}", row.id),
            Outcome::Ok,
            &staff.ip,
        )
        .await?;
    let mut params = BTreeMap::new();
    params.insert(
        "party".to_owned(),
        account_label(&state, &row.grantor_id)
            .await?
            .unwrap_or_default(),
    );
    params.insert("mandate".to_owned(), row.id.clone());
    let (messages, notifications) = tell(
        &state,
        &row.agent_id,
        None,
        MessageKind::GuardianConfirmed,
        params,
        now,
    )
    .await?;
    state.store.put_messages(&messages, &notifications).await?;
    let row = state
        .store
        .mandate(&row.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(check_of(&state, &row).await?))
}
