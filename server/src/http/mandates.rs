//! Mandates (亲友代办): a person grants another account the right to act for them (by the
//! agent's phone number), the agent accepts or declines, either side ends it. Acting itself is
//! the `X-Tongban-Acting-For` header, checked in `access.rs` on every request.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::audit::AuditAction;
use tongban_core::auth::RealNameLevel;
use tongban_core::calendar::Day;
use tongban_core::identity::check_api_mobile;
use tongban_core::mandate::{
    check_period, is_active, Mandate, MandateKind, MandateList, MandateStatus, NewMandate,
};
use tongban_core::message::MessageKind;

use crate::access::{account_label, Citizen, Owned};
use crate::audit::Outcome;
use crate::auth::new_id;
use crate::cases::tell;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::MandateRow;

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/mandates", get(list).post(grant))
        .route("/me/mandates/{id}/accept", post(accept))
        .route("/me/mandates/{id}/decline", post(decline))
        .route("/me/mandates/{id}/revoke", post(revoke))
        .route("/me/mandates/{id}/record", get(record))
}

/// A mandate is "owned" by both its parties; each endpoint says which side may use it.
struct Party<'a> {
    row: MandateRow,
    side: &'a tongban_core::ids::AccountId,
}

impl Owned for Party<'_> {
    fn owner(&self) -> Option<&tongban_core::ids::AccountId> {
        (self.row.grantor_id == *self.side || self.row.agent_id == *self.side).then_some(self.side)
    }
    fn audit_name(&self) -> String {
        format!("mandate:{}", self.row.id)
    }
}

pub(crate) async fn view(
    state: &AppState,
    row: &MandateRow,
    mine_given: bool,
    today: Day,
) -> Result<Mandate> {
    let other = if mine_given {
        &row.agent_id
    } else {
        &row.grantor_id
    };
    let other_party = account_label(state, other).await?.unwrap_or_default();
    Ok(Mandate {
        id: row.id.clone(),
        other_party,
        matters: row.matters.clone(),
        from: row.from,
        to: row.to,
        decide_together: row.decide_together,
        status: row.status,
        active: is_active(row.status, row.from, row.to, today),
        kind: row.kind,
        // The parent's code for the hall; never shown to the child's side.
        hall_code: if mine_given {
            None
        } else {
            row.hall_code.clone()
        },
    })
}

/// The mandates I gave and those I received.
#[utoipa::path(
    get,
    path = "/api/v1/me/mandates",
    tag = "mandates",
    security(("session" = [])),
    responses((status = 200, description = "Given and received, newest first", body = MandateList))
)]
pub async fn list(State(state): State<AppState>, citizen: Citizen) -> Result<Json<MandateList>> {
    let today = Day::of_timestamp(state.auth.now());
    let (given, received) = state.store.mandates_of(&citizen.account_id).await?;
    let mut list = MandateList {
        given: Vec::new(),
        received: Vec::new(),
    };
    for m in &given {
        list.given.push(view(&state, m, true, today).await?);
    }
    for m in &received {
        list.received.push(view(&state, m, false, today).await?);
    }
    Ok(Json(list))
}

/// Grants a mandate to the account with this phone number; it waits for the agent to accept.
#[utoipa::path(
    post,
    path = "/api/v1/me/mandates",
    tag = "mandates",
    security(("session" = [])),
    request_body = NewMandate,
    responses(
        (status = 201, description = "Offered to the agent", body = Mandate),
        (status = 403, description = "The grantor's identity is not verified", body = tongban_core::api::ErrorBody),
        (status = 422, description = "A phone without an account (or one's own), an unknown matter, or dates out of bounds (field errors)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn grant(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(new): Json<NewMandate>,
) -> Result<(StatusCode, Json<Mandate>)> {
    citizen.require_level(RealNameLevel::IdentityVerified)?;
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let phone = check_api_mobile(&new.agent_phone)
        .map_err(|e| AppError::field("agent_phone", format!("phone-{}", e.code())))?;
    let agent = state
        .store
        .account_by_phone(&phone)
        .await?
        .filter(|a| a.id != citizen.account_id)
        .ok_or_else(|| AppError::field("agent_phone", "mandate-agent-unknown"))?;
    check_period(new.from, new.to, today).map_err(|r| AppError::field(r.field(), r.code()))?;
    let catalog = state.catalog.current(&state.store).await?;
    let mut matters = new.matters.clone();
    matters.sort();
    matters.dedup();
    for (i, code) in matters.iter().enumerate() {
        if !catalog
            .index
            .documents
            .iter()
            .any(|d| d.summary.code == *code)
        {
            return Err(AppError::field(
                &format!("matters[{i}]"),
                "mandate-matter-unknown",
            ));
        }
    }
    let row = MandateRow {
        id: new_id(),
        grantor_id: citizen.account_id.clone(),
        agent_id: agent.id,
        matters,
        from: new.from,
        to: new.to,
        decide_together: new.decide_together,
        status: MandateStatus::Offered,
        created_at: now,
        kind: MandateKind::Family,
        hall_code: None,
    };
    state.store.put_mandate(&row).await?;
    tell_party(
        &state,
        &row.agent_id,
        &citizen.account_id,
        &row.id,
        MessageKind::MandateOffered,
        now,
    )
    .await?;
    state
        .audit(
            &citizen.actor(),
            AuditAction::MandateGranted,
            &format!("mandate:{}", row.id),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state, &row, true, today).await?),
    ))
}

/// Moves a mandate the caller is party to, on the side that may; a 404 for anyone else, a 409
/// when it is no longer at a status the move starts from.
async fn move_it(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
    as_agent: bool,
    from: &[MandateStatus],
    to: MandateStatus,
    action: AuditAction,
) -> Result<Json<Mandate>> {
    let now = state.auth.now();
    let row = state.store.mandate(id).await?;
    let party = citizen
        .owned(
            state,
            action,
            row.map(|row| Party {
                row,
                side: &citizen.account_id,
            }),
        )
        .await?;
    let row = party.row;
    let is_agent = row.agent_id == citizen.account_id;
    // Accepting and declining are the agent's; revoking either side's.
    if as_agent && !is_agent {
        return Err(AppError::NotFound);
    }
    // A guardianship is confirmed by a hall's staff, never accepted by the parent themself; the
    // parent may give it up, the child (a teenager with an account) cannot end it.
    if row.kind == MandateKind::Guardian
        && (to == MandateStatus::Accepted || (to == MandateStatus::Revoked && !is_agent))
    {
        return Err(AppError::Conflict("mandate-status"));
    }
    // Accepting means acting in someone's name: a verified identity first.
    if to == MandateStatus::Accepted {
        citizen.require_level(RealNameLevel::IdentityVerified)?;
    }
    if !state.store.move_mandate(id, from, to, now).await? {
        return Err(AppError::Conflict("mandate-status"));
    }
    state
        .audit(
            &citizen.actor(),
            action,
            &format!("mandate:{id}"),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    let row = state.store.mandate(id).await?.ok_or(AppError::NotFound)?;
    // An ended mandate is told to the other side (he learns she revoked it, she that he gave it back).
    if to == MandateStatus::Revoked {
        let other = if is_agent {
            &row.grantor_id
        } else {
            &row.agent_id
        };
        tell_party(
            state,
            other,
            &citizen.account_id,
            id,
            MessageKind::MandateEnded,
            now,
        )
        .await?;
    }
    let today = Day::of_timestamp(now);
    Ok(Json(view(state, &row, !is_agent, today).await?))
}

/// A message (and text) to `to` about a mandate with `party`.
async fn tell_party(
    state: &AppState,
    to: &tongban_core::ids::AccountId,
    party: &tongban_core::ids::AccountId,
    mandate_id: &str,
    kind: MessageKind,
    now: i64,
) -> Result<()> {
    let mut params = std::collections::BTreeMap::new();
    params.insert(
        "party".to_owned(),
        account_label(state, party).await?.unwrap_or_default(),
    );
    params.insert("mandate".to_owned(), mandate_id.to_owned());
    let (messages, notifications) = tell(state, to, None, kind, params, now).await?;
    state.store.put_messages(&messages, &notifications).await?;
    Ok(())
}

/// What was done under a mandate, for either party to see: each draft, application and booking
/// made in the grantor's name by its agent.
#[utoipa::path(
    get,
    path = "/api/v1/me/mandates/{id}/record",
    tag = "mandates",
    security(("session" = [])),
    params(("id" = String, Path, description = "The mandate's id")),
    responses(
        (status = 200, description = "Newest first", body = tongban_core::mandate::ActedRecord),
        (status = 404, description = "No such mandate of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn record(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<tongban_core::mandate::ActedRecord>> {
    let row = state.store.mandate(&id).await?;
    let party = citizen
        .owned(
            &state,
            AuditAction::MandateUsed,
            row.map(|row| Party {
                row,
                side: &citizen.account_id,
            }),
        )
        .await?;
    let items = state
        .store
        .acted_for(&party.row.grantor_id, &party.row.agent_id)
        .await?;
    Ok(Json(tongban_core::mandate::ActedRecord { items }))
}

/// The agent accepts (needs a verified identity: they will act in someone's name).
#[utoipa::path(
    post,
    path = "/api/v1/me/mandates/{id}/accept",
    tag = "mandates",
    security(("session" = [])),
    params(("id" = String, Path, description = "The mandate's id")),
    responses(
        (status = 200, description = "Accepted", body = Mandate),
        (status = 403, description = "The agent's identity is not verified", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No such mandate offered to this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "No longer offered (`mandate-status`)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn accept(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<Mandate>> {
    move_it(
        &state,
        &citizen,
        &id,
        true,
        &[MandateStatus::Offered],
        MandateStatus::Accepted,
        AuditAction::MandateAccepted,
    )
    .await
}

/// The agent declines.
#[utoipa::path(
    post,
    path = "/api/v1/me/mandates/{id}/decline",
    tag = "mandates",
    security(("session" = [])),
    params(("id" = String, Path, description = "The mandate's id")),
    responses(
        (status = 200, description = "Declined", body = Mandate),
        (status = 404, description = "No such mandate offered to this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "No longer offered (`mandate-status`)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn decline(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<Mandate>> {
    move_it(
        &state,
        &citizen,
        &id,
        true,
        &[MandateStatus::Offered],
        MandateStatus::Declined,
        AuditAction::MandateDeclined,
    )
    .await
}

/// Ends a mandate at once (the grantor, or the agent giving it back): the agent's next request
/// under it is refused, drafts in progress included.
#[utoipa::path(
    post,
    path = "/api/v1/me/mandates/{id}/revoke",
    tag = "mandates",
    security(("session" = [])),
    params(("id" = String, Path, description = "The mandate's id")),
    responses(
        (status = 200, description = "Revoked", body = Mandate),
        (status = 404, description = "No such mandate of this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Already ended (`mandate-status`)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<Mandate>> {
    move_it(
        &state,
        &citizen,
        &id,
        false,
        &[MandateStatus::Offered, MandateStatus::Accepted],
        MandateStatus::Revoked,
        AuditAction::MandateRevoked,
    )
    .await
}
