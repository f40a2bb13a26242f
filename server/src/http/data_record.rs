//! 数据使用记录 and consent: every use of the person's data (staff reads and document opens,
//! prefills, verifications, host logins, benefits decided; refused attempts too), the consents
//! they gave with withdrawal, and the whole record as one JSON download (PIPL Art. 45). The
//! person's own: an agent is refused these (they are not on the agent's paths).

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tongban_core::audit::AuditAction;
use tongban_core::data_record::{
    ConsentEntry, ConsentList, DataExport, DataUse, DataUseList, DataUser,
};

use crate::access::Citizen;
use crate::audit::Outcome;
use crate::error::AppError;
use crate::state::AppState;

type Result<T> = std::result::Result<T, AppError>;

/// A page of the record holds at most this many uses.
const PAGE_MAX: i64 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/data-uses", get(data_uses))
        .route("/me/consents", get(consents))
        .route("/me/consents/{id}/withdraw", post(withdraw))
        .route("/me/data-export", get(export))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsesParams {
    /// Only uses older than this one (the `next` of the page before).
    pub before: Option<i64>,
    /// At most this many (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Every use of the person's data, newest first: who (department and role, never a name),
/// when, for which application, what and why, and how it ended.
#[utoipa::path(
    get,
    path = "/api/v1/me/data-uses",
    tag = "identity",
    security(("session" = [])),
    params(UsesParams),
    responses(
        (status = 200, description = "Newest first, a page at a time", body = DataUseList),
        (status = 422, description = "A limit out of 1–100", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn data_uses(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(params): Query<UsesParams>,
) -> Result<Json<DataUseList>> {
    let limit = params.limit.unwrap_or(50);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(AppError::field("limit", "field-invalid"));
    }
    let (items, more) = state
        .store
        .data_uses(&citizen.account_id, params.before, limit)
        .await?;
    let next = more.then(|| items.last().map(|u| u.id)).flatten();
    let items = named(&state, items);
    state
        .audit(
            &citizen.actor(),
            AuditAction::DataRecordRead,
            "data-uses",
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    Ok(Json(DataUseList { items, next }))
}

/// Host super-apps by the names people know them by.
fn named(state: &AppState, mut uses: Vec<DataUse>) -> Vec<DataUse> {
    for u in &mut uses {
        if let DataUser::Host { id, name } = &mut u.by {
            if let Some(host) = state.hosts.registry.get(id) {
                name.clone_from(&host.name);
            }
        }
    }
    uses
}

/// The consents the person gave, each with its receipt, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/consents",
    tag = "identity",
    security(("session" = [])),
    responses((status = 200, description = "Newest first", body = ConsentList))
)]
pub async fn consents(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<ConsentList>> {
    let items = state.store.consents(&citizen.account_id).await?;
    Ok(Json(ConsentList { items }))
}

/// Withdraw a consent: from now on it no longer covers any use of the data.
#[utoipa::path(
    post,
    path = "/api/v1/me/consents/{id}/withdraw",
    tag = "identity",
    security(("session" = [])),
    params(("id" = String, Path, description = "The consent receipt's id")),
    responses(
        (status = 200, description = "Withdrawn", body = ConsentEntry),
        (status = 404, description = "No such consent of this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Withdrawn before", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn withdraw(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<ConsentEntry>> {
    let object = format!("consent:{id}");
    let withdrawn = state
        .store
        .withdraw_consent(&citizen.account_id, &id, state.auth.now())
        .await?;
    match withdrawn {
        None => {
            state
                .audit(
                    &citizen.actor(),
                    AuditAction::ConsentWithdrawn,
                    &object,
                    Outcome::Denied,
                    &citizen.ip,
                )
                .await?;
            return Err(AppError::NotFound);
        }
        Some(false) => return Err(AppError::Conflict("consent-withdrawn")),
        Some(true) => {}
    }
    state
        .audit(
            &citizen.actor(),
            AuditAction::ConsentWithdrawn,
            &object,
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    let entry = state
        .store
        .consents(&citizen.account_id)
        .await?
        .into_iter()
        .find(|c| c.receipt.id == id)
        .ok_or(AppError::NotFound)?;
    // What the consent covered stops: a share's code opens nothing (one id with the share);
    // the sessions opened inside a host end.
    let now = state.auth.now();
    if entry.kind == "share" {
        super::shares::take_back(&state, &citizen, &id, now).await?;
    } else if let Some(host) = entry.kind.strip_prefix("host-login:") {
        state
            .store
            .revoke_host_sessions(citizen.account_id.as_str(), host, now)
            .await?;
    }
    Ok(Json(entry))
}

/// Everything the service holds about the person, as one JSON file to keep (PIPL Art. 45).
#[utoipa::path(
    get,
    path = "/api/v1/me/data-export",
    tag = "identity",
    security(("session" = [])),
    responses((status = 200, description = "The whole record, as a download", body = DataExport))
)]
pub async fn export(State(state): State<AppState>, citizen: Citizen) -> Result<Response> {
    let person = &citizen.account_id;
    let account = state
        .store
        .account(person)
        .await?
        .ok_or(AppError::Unauthorized("unauthorized"))?;
    let mut applications = Vec::new();
    for summary in state.store.application_summaries(Some(person)).await? {
        if let Some(record) = state.store.application(&summary.id).await? {
            applications.push(record.application);
        }
    }
    let mut data_uses = Vec::new();
    let mut before = None;
    loop {
        let (page, more) = state.store.data_uses(person, before, PAGE_MAX).await?;
        before = page.last().map(|u| u.id);
        data_uses.extend(named(&state, page));
        if !more {
            break;
        }
    }
    let now = state.auth.now();
    let doc = DataExport {
        exported_at: now,
        profile: tongban_core::auth::Profile {
            phone: account.phone.clone(),
            name: account.real_name.clone(),
            id_number: account.id_number.clone(),
        },
        level: account.level,
        household_region: state.store.household_region(person).await?,
        applications,
        consents: state.store.consents(person).await?,
        shares: state
            .store
            .shares(person)
            .await?
            .iter()
            .map(|s| s.summary(now))
            .collect(),
        data_uses,
        activity: state.store.activity(&citizen.actor(), 1_000).await?,
    };
    state
        .audit(
            &citizen.actor(),
            AuditAction::DataExported,
            "data-export",
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    let day = tongban_core::calendar::Day::of_timestamp(now);
    let disposition = format!("attachment; filename=\"tongban-data-{day}.json\"");
    Ok((
        [
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Json(doc),
    )
        .into_response())
}
