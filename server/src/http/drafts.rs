//! Drafts synced from devices: each change applied once (its op id is the idempotency key), in
//! order, with an optimistic version check, so concurrent requests for one draft apply one after
//! the other and a repeat gets the first reply; a submission makes one application.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::audit::AuditAction;
use tongban_core::draft::{Change, ChangeReply, DraftSnapshot, ServerDraft};

use crate::access::Citizen;
use crate::audit::Outcome;
use crate::auth::digest;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{DraftWrite, NewApplication, Written};
use crate::submission::{decide, Decision};

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/drafts", get(list_drafts))
        .route("/drafts/{id}", get(get_draft))
        .route("/drafts/{id}/changes", post(apply_change))
}

/// The HTTP status that goes with a reply; the body is the reply either way.
fn reply_response(reply: &ChangeReply) -> Response {
    let status = match reply {
        ChangeReply::Applied { .. } | ChangeReply::Submitted { .. } => StatusCode::OK,
        ChangeReply::Conflict { .. } => StatusCode::CONFLICT,
        ChangeReply::Invalid { .. } | ChangeReply::Rejected { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    (status, Json(reply.clone())).into_response()
}

/// Apply one change of a draft (its op id is the idempotency key).
#[utoipa::path(
    post,
    path = "/api/v1/drafts/{id}/changes",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The draft's id (UUIDv7 made on the device)")),
    request_body = Change,
    responses(
        (status = 200, description = "Applied (or submitted): the draft's new state", body = ChangeReply),
        (status = 409, description = "Another device changed the same field: both values", body = ChangeReply),
        (status = 422, description = "Refused answers on submission, or a change that cannot apply", body = ChangeReply),
        (status = 404, description = "No such draft of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn apply_change(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(change): Json<Change>,
) -> Result<Response> {
    if change.draft_id != id || change.op_id.is_empty() || change.op_id.len() > 64 {
        return Err(AppError::field("op_id", "field-invalid"));
    }
    let fingerprint = digest(&[&serde_json::to_string(&change).map_err(AppError::internal)?]);
    for _attempt in 0..8 {
        // A repeat: the first reply, if it is this person's draft and the same change.
        if let Some(stored) = state.store.stored_op(&change.op_id).await? {
            let owner = state.store.draft(&stored.draft_id).await?.map(|d| d.owner);
            if owner.as_ref() != Some(&citizen.account_id) {
                return Err(AppError::NotFound);
            }
            if stored.fingerprint != fingerprint {
                return Err(AppError::field("op_id", "idempotency-key-reused"));
            }
            return Ok(reply_response(&stored.reply));
        }
        let (draft, read_version) = match state.store.draft(&id).await? {
            Some(row) => {
                let row = citizen
                    .owned(&state, AuditAction::DraftChange, Some(row))
                    .await?;
                (row.state, Some(row.version))
            }
            None => match ServerDraft::create(&change) {
                Ok(draft) => {
                    // An agent starts drafts only for the mandate's matters.
                    citizen
                        .require_scope(&state, AuditAction::DraftChange, &draft.form_id)
                        .await?;
                    (draft, None)
                }
                Err(reply) => return Ok(reply_response(&reply)),
            },
        };
        let decided = match decide(&state, &citizen, draft, &change, read_version.is_none()).await?
        {
            Decision::Answer(reply) => return Ok(reply_response(&reply)),
            Decision::Write(decided) => decided,
        };
        let now = state.auth.now();
        let actor = citizen.actor();
        let written = state
            .store
            .write_change(DraftWrite {
                draft: &decided.draft,
                owner: &citizen.account_id,
                agent: citizen.agent_id(),
                read_version,
                op_id: &change.op_id,
                fingerprint: &fingerprint,
                reply: &decided.reply,
                application: decided
                    .submitted
                    .as_ref()
                    .map(|(done, answers)| NewApplication {
                        id: &done.application_id,
                        receipt: &done.receipt,
                        owner: &citizen.account_id,
                        agent: citizen.agent_id(),
                        draft_id: &id,
                        form_id: &decided.draft.form_id,
                        answers,
                        actor: &actor,
                        at: now,
                        cases: &decided.cases,
                        messages: &decided.messages,
                        notifications: &decided.notifications,
                    }),
                at: now,
            })
            .await?;
        if written == Written::Raced {
            continue; // another request changed the draft first: read it again
        }
        // A draft started in the person's name by someone acting for them: they are told at
        // once (and by text), so nothing is done in their name unseen.
        if read_version.is_none() {
            if let Some(agent) = citizen.agent_label(&state).await? {
                let title = crate::forms::resolve(&state, &decided.draft.form_id)
                    .await
                    .map(|f| f.title)
                    .ok();
                let mut params = std::collections::BTreeMap::new();
                params.insert("party".to_owned(), agent);
                if let Some(title) = title {
                    params.insert("matter".to_owned(), title.zh.clone());
                    if let Some(en) = title.en {
                        params.insert("matter_en".to_owned(), en);
                    }
                }
                let (messages, notifications) = crate::cases::tell(
                    &state,
                    &citizen.account_id,
                    None,
                    tongban_core::message::MessageKind::DraftStarted,
                    params,
                    now,
                )
                .await?;
                state.store.put_messages(&messages, &notifications).await?;
            }
        }
        crate::presented::note(
            &state,
            &citizen,
            decided
                .submitted
                .as_ref()
                .map(|(done, _)| (done, decided.cases.as_slice())),
            &decided.presented,
        )
        .await?;
        if let Some((done, _)) = &decided.submitted {
            state
                .audit(
                    &actor,
                    AuditAction::ApplicationSubmitted,
                    &format!("application:{}", done.application_id),
                    Outcome::Ok,
                    &citizen.ip,
                )
                .await?;
        }
        return Ok(reply_response(&decided.reply));
    }
    Err(AppError::Conflict("conflict"))
}

/// The person's drafts on the server (to continue on another device).
#[utoipa::path(
    get,
    path = "/api/v1/drafts",
    tag = "applications",
    security(("session" = [])),
    responses((status = 200, description = "Drafts neither deleted nor submitted, newest first", body = [DraftSnapshot]))
)]
pub async fn list_drafts(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<Vec<DraftSnapshot>>> {
    let drafts = state.store.drafts_of(&citizen.account_id).await?;
    // A submitted draft is an application now; it is listed there. An agent sees those of the
    // mandate's matters only.
    let mut out = Vec::new();
    for d in drafts
        .iter()
        .filter(|d| !d.deleted && d.submission.is_none())
    {
        if citizen.may_act_on(&state, &d.form_id).await? {
            out.push(d.snapshot());
        }
    }
    Ok(Json(out))
}

/// One draft as the server has it.
#[utoipa::path(
    get,
    path = "/api/v1/drafts/{id}",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The draft's id")),
    responses(
        (status = 200, description = "The draft", body = DraftSnapshot),
        (status = 404, description = "No such draft of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn get_draft(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<DraftSnapshot>> {
    let row = state.store.draft(&id).await?;
    let row = citizen.owned(&state, AuditAction::DraftRead, row).await?;
    Ok(Json(row.state.snapshot()))
}
