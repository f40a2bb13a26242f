//! The logged-in person's own account: who they are (masked), their data to fill forms with,
//! verifying their identity (name and ID number, never a face), their devices and activity.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use tongban_core::audit::AuditAction;
use tongban_core::auth::{
    mask_name, Account, ActivityList, IdentityMethod, IdentityRequest, SessionInfo, SessionList,
};
use tongban_core::identity::{check_resident_id, mask_id_number, mask_mobile};

use crate::access::{Citizen, OwnedSession};
use crate::audit::Outcome;
use crate::auth::verifier::Verdict;
use crate::auth::Role;
use crate::clock::china_date;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::AccountRow;

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/me/profile", get(profile))
        .route("/me/identity", post(verify_identity))
        .route("/me/sessions", get(sessions))
        .route("/me/sessions/{id}", delete(revoke_session))
        .route("/me/activity", get(activity))
}

/// An account as the person sees it: personal numbers masked.
pub fn account_view(row: &AccountRow) -> Account {
    Account {
        id: row.id.to_string(),
        masked_phone: mask_mobile(&row.phone),
        level: row.level,
        masked_name: row.real_name.as_deref().map(mask_name),
        masked_id_number: row.id_number.as_deref().map(mask_id_number),
        created_at: row.created_at,
    }
}

/// The logged-in person (personal numbers masked).
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "identity",
    security(("session" = [])),
    responses(
        (status = 200, description = "The account", body = Account),
        (status = 401, description = "Not logged in, or the session ended", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn me(State(state): State<AppState>, citizen: Citizen) -> Result<Json<Account>> {
    let account = state
        .store
        .account(&citizen.account_id)
        .await?
        .ok_or(AppError::Unauthorized("unauthorized"))?;
    state
        .audit(
            &citizen.actor(),
            AuditAction::AccountRead,
            "account",
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    Ok(Json(account_view(&account)))
}

/// The full name, ID number and phone, to fill forms with (the app shows where they came from).
#[utoipa::path(
    get,
    path = "/api/v1/me/profile",
    tag = "identity",
    security(("session" = [])),
    responses((status = 200, description = "The person's own data", body = tongban_core::auth::Profile))
)]
pub async fn profile(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<tongban_core::auth::Profile>> {
    let account = state
        .store
        .account(&citizen.account_id)
        .await?
        .ok_or(AppError::Unauthorized("unauthorized"))?;
    citizen
        .audit_use(
            &state,
            AuditAction::ProfileRead,
            "account",
            Outcome::Ok,
            None,
        )
        .await?;
    // A child's account has no phone of its own: the guardian acting for them is the contact.
    let phone = if account.phone.starts_with(crate::store::MINOR_PHONE_PREFIX) {
        match citizen.agent_id() {
            Some(agent) => state
                .store
                .account(agent)
                .await?
                .map(|a| a.phone)
                .unwrap_or_default(),
            None => String::new(),
        }
    } else {
        account.phone
    };
    Ok(Json(tongban_core::auth::Profile {
        phone,
        name: account.real_name,
        id_number: account.id_number,
    }))
}

/// Verify the account's identity with name and resident ID number — no face needed.
#[utoipa::path(
    post,
    path = "/api/v1/me/identity",
    tag = "identity",
    security(("session" = [])),
    request_body = IdentityRequest,
    responses(
        (status = 200, description = "Verified: the account with its new level", body = Account),
        (status = 409, description = "The ID number belongs to another account", body = tongban_core::api::ErrorBody),
        (status = 422, description = "Malformed, or name and number do not match", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn verify_identity(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(request): Json<IdentityRequest>,
) -> Result<Json<Account>> {
    if request.method == IdentityMethod::InPerson {
        // Done by staff at a hall with the card in hand; nothing to check here.
        return Err(AppError::field("method", "identity-in-person"));
    }
    let now = state.auth.now();
    let name = request.name.trim();
    let mut fields = Vec::new();
    if !tongban_core::identity::is_plausible_name(name) {
        fields.push(tongban_core::FieldError::new("name", "name-invalid"));
    }
    let id = check_resident_id(&request.id_number, china_date(now));
    if let Err(e) = &id {
        fields.push(tongban_core::FieldError::new(
            "id_number",
            format!("id-{}", e.code()),
        ));
    }
    let id = match id {
        Ok(id) if fields.is_empty() => id,
        _ => return Err(AppError::fields(fields)),
    };
    let subject = format!("identity:{}", citizen.account_id);
    state
        .check_limit(
            "failure",
            &subject,
            state.auth.config.max_failures_per_subject,
        )
        .await?;
    let object = format!("id:{}", mask_id_number(&id.number));
    if let Some(holder) = state.store.account_with_id_number(&id.number).await? {
        if holder != citizen.account_id {
            // An attempt on the holder's identity: in the holder's data record.
            state
                .audit_about(
                    crate::audit::About {
                        person: &holder,
                        application: None,
                    },
                    &citizen.actor(),
                    AuditAction::IdentityVerify,
                    &object,
                    Outcome::Denied,
                    &citizen.ip,
                )
                .await?;
            return Err(AppError::Conflict("identity-taken"));
        }
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
        state.store.record_attempt("failure", &subject, now).await?;
        citizen
            .audit_use(
                &state,
                AuditAction::IdentityVerify,
                &object,
                Outcome::Failed,
                None,
            )
            .await?;
        return Err(AppError::field("name", "identity-mismatch"));
    }
    state
        .store
        .set_identity(&citizen.account_id, name, &id.number, now)
        .await?;
    let card_valid_until = match &verdict {
        Verdict::Match {
            card_valid_until, ..
        } => *card_valid_until,
        Verdict::Mismatch => None,
    };
    if let Verdict::Match {
        household_region: Some(region),
        ..
    } = &verdict
    {
        state
            .store
            .set_household_region(&citizen.account_id, region)
            .await?;
    }
    citizen
        .audit_use(
            &state,
            AuditAction::IdentityVerify,
            &object,
            Outcome::Ok,
            None,
        )
        .await?;
    // 电子证照: the resident ID card, for the wallet.
    let household = state.store.household_region(&citizen.account_id).await?;
    crate::issuance::issue_id_card(
        &state,
        &citizen.account_id,
        name,
        &id,
        household.as_deref(),
        card_valid_until,
    )
    .await?;
    // 主动服务: what the verified data now says the person may receive.
    super::benefits::tell_benefits(&state, &citizen).await?;
    let account = state
        .store
        .account(&citizen.account_id)
        .await?
        .ok_or(AppError::Unauthorized("unauthorized"))?;
    Ok(Json(account_view(&account)))
}

/// The account's signed-in devices.
#[utoipa::path(
    get,
    path = "/api/v1/me/sessions",
    tag = "identity",
    security(("session" = [])),
    responses((status = 200, description = "Live sessions, most recently used first", body = SessionList))
)]
pub async fn sessions(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<SessionList>> {
    let now = state.auth.now();
    let idle = i64::from(state.auth.config.session_idle_seconds);
    let items = state
        .store
        .live_sessions(Role::Citizen, citizen.account_id.as_str(), now, now - idle)
        .await?
        .into_iter()
        .map(|s| SessionInfo {
            current: s.id == citizen.session_id,
            id: s.id,
            device: s.device,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
        })
        .collect();
    Ok(Json(SessionList { items }))
}

/// Sign one of the account's devices out.
#[utoipa::path(
    delete,
    path = "/api/v1/me/sessions/{id}",
    tag = "identity",
    security(("session" = [])),
    params(("id" = String, Path, description = "The session's public id")),
    responses(
        (status = 204, description = "That device is signed out"),
        (status = 404, description = "No such session of this account", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn revoke_session(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let session = state.store.session(&id).await?.map(OwnedSession::from);
    let session = citizen
        .owned(&state, AuditAction::SessionRevoked, session)
        .await?
        .row;
    if state
        .store
        .revoke_session(&session.id, state.auth.now())
        .await?
    {
        state
            .audit(
                &citizen.actor(),
                AuditAction::SessionRevoked,
                &format!("session:{}", session.id),
                Outcome::Ok,
                &citizen.ip,
            )
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// What happened to the account lately.
#[utoipa::path(
    get,
    path = "/api/v1/me/activity",
    tag = "identity",
    security(("session" = [])),
    responses((status = 200, description = "Newest first, at most 20", body = ActivityList))
)]
pub async fn activity(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<ActivityList>> {
    let items = state.store.activity(&citizen.actor(), 20).await?;
    Ok(Json(ActivityList { items }))
}
