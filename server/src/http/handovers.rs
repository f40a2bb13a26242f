//! 帮办: handing a draft over to the person it was filled in for. The helper (a hall clerk or a
//! community helper, verified, in their own account — not acting under a mandate) names the
//! person's phone; the person's phone gets a code; the helper enters the code the person reads
//! out; the draft and its documents become the person's, the helper kept as who filled it in.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use tongban_core::audit::AuditAction;
use tongban_core::auth::RealNameLevel;
use tongban_core::handover::{
    HandedOver, HandoverCode, HandoverStarted, NewHandover, CODE_VALID_SECONDS, MAX_TRIES,
};
use tongban_core::identity::{check_api_mobile, mask_mobile};
use tongban_core::message::MessageKind;

use crate::access::{account_label, Citizen};
use crate::audit::Outcome;
use crate::auth::{digest, new_code, secrets_match};
use crate::cases::tell;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{DraftRow, HandoverRow};

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/drafts/{id}/handover", post(start))
        .route("/drafts/{id}/handover/confirm", post(confirm))
}

fn handover_hash(draft_id: &str, code: &str) -> String {
    digest(&["handover-code", draft_id, code])
}

/// The helper's own draft, not yet submitted: anything else is a 404 (or a 403 to an agent).
async fn helpers_draft(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
    action: AuditAction,
) -> Result<DraftRow> {
    let row = state.store.draft(id).await?;
    let row = citizen.owned(state, action, row).await?;
    if citizen.agent.is_some() {
        return Err(AppError::Forbidden("not-for-agents"));
    }
    citizen.require_level(RealNameLevel::IdentityVerified)?;
    if row.state.deleted || row.state.submission.is_some() {
        return Err(AppError::Conflict("handover-not-open"));
    }
    Ok(row)
}

/// Starts handing a draft over: texts a code to the person's phone.
#[utoipa::path(
    post,
    path = "/api/v1/drafts/{id}/handover",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The helper's draft")),
    request_body = NewHandover,
    responses(
        (status = 200, description = "The code is on its way to the person's phone", body = HandoverStarted),
        (status = 403, description = "The helper is not verified, or acts under a mandate", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No such draft of this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Submitted or deleted (`handover-not-open`)", body = tongban_core::api::ErrorBody),
        (status = 422, description = "Not a mobile number, or one without an account (or the helper's own)", body = tongban_core::api::ErrorBody),
        (status = 429, description = "Too many codes: wait `retry_after_seconds`", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn start(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(new): Json<NewHandover>,
) -> Result<Json<HandoverStarted>> {
    let draft = helpers_draft(&state, &citizen, &id, AuditAction::HandoverStarted).await?;
    let phone = check_api_mobile(&new.phone)
        .map_err(|e| AppError::field("phone", format!("phone-{}", e.code())))?;
    let person = state
        .store
        .account_by_phone(&phone)
        .await?
        .filter(|a| a.id != citizen.account_id)
        .ok_or_else(|| AppError::field("phone", "handover-person-unknown"))?;
    let now = state.auth.now();
    let subject = format!("draft:{id}");
    state
        .check_limit(
            "handover-send",
            &subject,
            state.auth.config.max_sends_per_phone,
        )
        .await?;
    state
        .store
        .record_attempt("handover-send", &subject, now)
        .await?;
    let code = new_code();
    let row = HandoverRow {
        draft_id: draft.state.draft_id.clone(),
        helper_id: citizen.account_id.clone(),
        person_id: person.id.clone(),
        code_hash: handover_hash(&id, &code),
        expires_at: now + CODE_VALID_SECONDS,
        attempts: 0,
    };
    state.store.put_handover(&row, now).await?;
    let mut params = BTreeMap::new();
    params.insert("code".to_owned(), code);
    params.insert(
        "party".to_owned(),
        account_label(&state, &citizen.account_id)
            .await?
            .unwrap_or_default(),
    );
    let object = format!("draft:{id}");
    if let Err(detail) = state
        .auth
        .services
        .sms
        .notify(&phone, "handover-code", &params)
        .await
    {
        state.store.drop_handover(&id).await?;
        state
            .audit(
                &citizen.actor(),
                AuditAction::HandoverStarted,
                &object,
                Outcome::Failed,
                &citizen.ip,
            )
            .await?;
        return Err(AppError::Unavailable {
            code: "sms-unavailable",
            detail,
        });
    }
    state
        .audit(
            &citizen.actor(),
            AuditAction::HandoverStarted,
            &object,
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    Ok(Json(HandoverStarted {
        masked_phone: mask_mobile(&phone),
        expires_at: row.expires_at,
    }))
}

/// Completes the hand-over with the code the person received: the draft is theirs.
#[utoipa::path(
    post,
    path = "/api/v1/drafts/{id}/handover/confirm",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The helper's draft")),
    request_body = HandoverCode,
    responses(
        (status = 200, description = "The draft is the person's", body = HandedOver),
        (status = 403, description = "The helper is not verified, or acts under a mandate", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No such draft of this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "No hand-over under way, or it expired (`handover-not-started`, `handover-expired`)", body = tongban_core::api::ErrorBody),
        (status = 422, description = "A wrong code (`handover-code-wrong`)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(given): Json<HandoverCode>,
) -> Result<Json<HandedOver>> {
    let draft = helpers_draft(&state, &citizen, &id, AuditAction::HandoverConfirmed).await?;
    let now = state.auth.now();
    let object = format!("draft:{id}");
    let pending = state
        .store
        .handover(&id)
        .await?
        .filter(|h| h.helper_id == citizen.account_id)
        .ok_or(AppError::Conflict("handover-not-started"))?;
    if now >= pending.expires_at {
        state.store.drop_handover(&id).await?;
        return Err(AppError::Conflict("handover-expired"));
    }
    if !secrets_match(&pending.code_hash, &handover_hash(&id, given.code.trim())) {
        state.store.handover_missed(&id, MAX_TRIES).await?;
        state
            .audit(
                &citizen.actor(),
                AuditAction::HandoverConfirmed,
                &object,
                Outcome::Denied,
                &citizen.ip,
            )
            .await?;
        return Err(AppError::field("code", "handover-code-wrong"));
    }
    let documents: Vec<String> = tongban_core::form::uploaded_objects(&draft.state.answers)
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    if !state.store.hand_over(&pending, &documents, now).await? {
        return Err(AppError::Conflict("handover-not-started"));
    }
    state
        .audit(
            &citizen.actor(),
            AuditAction::HandoverConfirmed,
            &object,
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    // The person is told, with the way back to the draft, and who filled it in.
    let mut params = BTreeMap::new();
    params.insert(
        "party".to_owned(),
        account_label(&state, &citizen.account_id)
            .await?
            .unwrap_or_default(),
    );
    params.insert("draft".to_owned(), id.clone());
    params.insert("form".to_owned(), draft.state.form_id.clone());
    let (messages, notifications) = tell(
        &state,
        &pending.person_id,
        None,
        MessageKind::HandedOver,
        params,
        now,
    )
    .await?;
    state.store.put_messages(&messages, &notifications).await?;
    let person = state
        .store
        .account(&pending.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(HandedOver {
        draft_id: id,
        masked_phone: mask_mobile(&person.phone),
    }))
}
