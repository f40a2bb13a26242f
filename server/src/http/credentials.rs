//! 电子证照 on the server: the certificates departments issued to a person (the resident ID card
//! at identity verification), collected into the wallet as SD-JWT VCs bound to the device's key;
//! each issuer's public keys (JWKS) and token status list, public, for wallets and verifiers to
//! cache.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Map, Value};
use tongban_core::audit::AuditAction;
use tongban_core::calendar::Day;
use tongban_core::credential::jws::Signer;
use tongban_core::credential::{
    issue, status, CollectRequest, Collected, CredentialList, CredentialStatusChange,
    CredentialSummary, Issue, Jwks, TrustBundle, TrustedIssuer,
};
use tongban_core::identity::nth_birthday;
use tongban_core::ids::AccountId;
use tongban_core::message::MessageKind;

use crate::access::{Citizen, Owned, StaffMember};
use crate::audit::Outcome;
use crate::cases::department_ref;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::CredentialRow;

type Result<T> = std::result::Result<T, AppError>;

/// How long a collected certificate holds before the wallet collects it again (a year).
const VALID_FOR: i64 = 365 * 86_400;
/// How long verifiers may keep a status list before fetching it again.
const STATUS_TTL: i64 = 3_600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/issuers", get(trust_bundle))
        .route("/issuers/{department}/jwks", get(jwks))
        .route("/issuers/{department}/status", get(status_list))
        .route("/me/credentials", get(mine))
        .route("/me/credentials/{id}/sd-jwt", post(collect))
        .route("/staff/credentials/{id}/status", post(set_status))
}

/// The issuer identifier of a department (`iss`): its keys and status list are under it.
pub fn issuer_of(state: &AppState, department: &str) -> String {
    format!("{}/api/v1/issuers/{department}", state.public_url)
}

impl Owned for CredentialRow {
    fn owner(&self) -> Option<&AccountId> {
        Some(&self.account_id)
    }
    fn audit_name(&self) -> String {
        format!("credential:{}", self.id)
    }
}

async fn signer_of(state: &AppState, department: &str) -> Result<std::sync::Arc<dyn Signer>> {
    if state.store.department(department).await?.is_none() {
        return Err(AppError::NotFound);
    }
    state
        .issuers
        .signer(department)
        .ok_or(AppError::Unavailable {
            code: "credentials-unavailable",
            detail: format!("no signing key for {department}"),
        })
}

/// A department's certificate-signing keys.
#[utoipa::path(
    get,
    path = "/api/v1/issuers/{department}/jwks",
    tag = "credentials",
    params(("department" = String, Path, description = "The issuing department's id")),
    responses(
        (status = 200, description = "The JWK Set", body = Jwks),
        (status = 404, description = "No such department", body = tongban_core::api::ErrorBody),
        (status = 503, description = "The department has no key here", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn jwks(
    State(state): State<AppState>,
    Path(department): Path<String>,
) -> Result<Json<Jwks>> {
    let signer = signer_of(&state, &department).await?;
    Ok(Json(Jwks {
        keys: vec![signer.public_jwk()],
    }))
}

/// A department's token status list (`application/statuslist+jwt`): 2 bits per certificate,
/// signed by the department.
#[utoipa::path(
    get,
    path = "/api/v1/issuers/{department}/status",
    tag = "credentials",
    params(("department" = String, Path, description = "The issuing department's id")),
    responses(
        (status = 200, description = "The signed status list", content_type = "application/statuslist+jwt", body = String),
        (status = 404, description = "No such department", body = tongban_core::api::ErrorBody),
        (status = 503, description = "The department has no key here", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn status_list(
    State(state): State<AppState>,
    Path(department): Path<String>,
) -> Result<Response> {
    let signer = signer_of(&state, &department).await?;
    let token = status_token(&state, &department, &*signer).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/statuslist+jwt".to_owned(),
            ),
            (
                header::CACHE_CONTROL,
                format!("public, max-age={}", STATUS_TTL / 60),
            ),
        ],
        token,
    )
        .into_response())
}

/// The department's status list, signed now.
async fn status_token(state: &AppState, department: &str, signer: &dyn Signer) -> Result<String> {
    let statuses = state.store.status_list(department).await?;
    let uri = format!("{}/status", issuer_of(state, department));
    status::token(&uri, &statuses, state.auth.now(), STATUS_TTL, signer)
        .map_err(|e| AppError::Internal(format!("signing the status list: {e}").into()))
}

/// Every department that has issued certificates here: its issuer identifier, keys and status
/// list, in one document for verifiers and wallets to keep and check with offline.
#[utoipa::path(
    get,
    path = "/api/v1/issuers",
    tag = "credentials",
    responses((status = 200, description = "The trust bundle", body = TrustBundle))
)]
pub async fn trust_bundle(State(state): State<AppState>) -> Result<Response> {
    Ok((
        // Revocations must reach verifiers the next time they open the page online.
        [(header::CACHE_CONTROL, "no-cache")],
        Json(bundle(&state).await?),
    )
        .into_response())
}

/// Whether the certificate of `presentation` — one `bundle` found valid, from `issuer` — was
/// issued to `person`. Its index in the department's status list names the one certificate
/// this server issued, and so its holder, whichever claims it discloses (a certificate that
/// shows only a name is checked as surely as one that shows the ID number).
pub async fn issued_to(
    state: &AppState,
    bundle: &TrustBundle,
    issuer: &str,
    presentation: &str,
    person: &AccountId,
) -> Result<bool> {
    let (Some(department), Some(idx)) = (
        bundle.department(issuer),
        tongban_core::credential::status_index(presentation),
    ) else {
        return Ok(false);
    };
    let holder = state.store.credential_holder(&department.id, idx).await?;
    Ok(holder.as_ref() == Some(person))
}

/// The trust bundle as of now: what verifiers are given, and what the server checks
/// presentations against itself (免提交).
pub async fn bundle(state: &AppState) -> Result<TrustBundle> {
    let catalog = state.catalog.current(&state.store).await?;
    let mut issuers = Vec::new();
    for department in state.store.issuing_departments().await? {
        // A department whose key is not configured here cannot be vouched for.
        let Some(signer) = state.issuers.signer(&department) else {
            continue;
        };
        issuers.push(TrustedIssuer {
            issuer: issuer_of(state, &department),
            department: department_ref(&catalog.index, &department),
            keys: vec![signer.public_jwk()],
            status_list: status_token(state, &department, &*signer).await?,
        });
    }
    Ok(TrustBundle {
        made_at: state.auth.now(),
        issuers,
    })
}

/// The claims as collected today: the stored ones, and for an ID card the age elements
/// (`age_over_18`, `age_over_60`) as of today, with the day one of them next changes.
fn claims_today(row: &CredentialRow, today: Day) -> (Map<String, Value>, Option<Day>) {
    let mut claims = row.claims.clone();
    let born = claims
        .get("birth_date")
        .and_then(Value::as_str)
        .and_then(Day::parse)
        .map(|d| d.ymd());
    let Some((y, m, d)) = born else {
        return (claims, None);
    };
    let birth = (y as u16, m as u8, d as u8);
    let mut changes = None;
    for years in [18, 60] {
        let birthday = nth_birthday(birth, years);
        claims.insert(format!("age_over_{years}"), (birthday <= today).into());
        if birthday > today && changes.is_none_or(|c| birthday < c) {
            changes = Some(birthday);
        }
    }
    (claims, changes)
}

/// The certificates the case of `department` for application `receipt` issued to `owner`
/// (numbered with the receipt), for the workbench.
pub(super) async fn issued_for(
    state: &AppState,
    index: &tongban_core::catalog::CatalogIndex,
    owner: &AccountId,
    department: &str,
    receipt: &str,
) -> Result<Vec<CredentialSummary>> {
    Ok(state
        .store
        .credentials(owner)
        .await?
        .into_iter()
        .filter(|c| {
            c.department_id == department
                && c.claims.get("certificate_number").and_then(Value::as_str) == Some(receipt)
        })
        .map(|row| summary(index, row))
        .collect())
}

fn summary(index: &tongban_core::catalog::CatalogIndex, row: CredentialRow) -> CredentialSummary {
    CredentialSummary {
        issuer: department_ref(index, &row.department_id),
        id: row.id,
        kind: row.kind,
        claims: row.claims,
        issued_at: row.issued_at,
        expires_at: row.expires_at,
        status: row.status,
    }
}

/// The person's certificates.
#[utoipa::path(
    get,
    path = "/api/v1/me/credentials",
    tag = "credentials",
    security(("session" = [])),
    responses((status = 200, description = "Newest first", body = CredentialList))
)]
pub async fn mine(State(state): State<AppState>, citizen: Citizen) -> Result<Json<CredentialList>> {
    let catalog = state.catalog.current(&state.store).await?;
    let items = state
        .store
        .credentials(&citizen.account_id)
        .await?
        .into_iter()
        .map(|row| summary(&catalog.index, row))
        .collect();
    Ok(Json(CredentialList { items }))
}

/// Collect a certificate into the wallet: an SD-JWT VC of it, every claim selectively
/// disclosable, bound to this device's key.
#[utoipa::path(
    post,
    path = "/api/v1/me/credentials/{id}/sd-jwt",
    tag = "credentials",
    security(("session" = [])),
    params(("id" = String, Path, description = "The certificate's id")),
    request_body = CollectRequest,
    responses(
        (status = 200, description = "The certificate for the wallet", body = Collected),
        (status = 404, description = "No such certificate of this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Revoked or suspended by its issuer", body = tongban_core::api::ErrorBody),
        (status = 422, description = "Not an ES256 public key", body = tongban_core::api::ErrorBody),
        (status = 503, description = "The issuer has no key here", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn collect(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(request): Json<CollectRequest>,
) -> Result<Json<Collected>> {
    let row = state.store.credential(&id).await?;
    let row = citizen
        .owned(&state, AuditAction::CredentialIssued, row)
        .await?;
    if !tongban_core::credential::jws::is_es256_public_key(&request.holder_jwk) {
        return Err(AppError::field("holder_jwk", "field-invalid"));
    }
    if row.status != status::Status::Valid {
        return Err(AppError::Conflict("credential-not-valid"));
    }
    let signer = signer_of(&state, &row.department_id).await?;
    let now = state.auth.now();
    let (claims, changes) = claims_today(&row, Day::of_timestamp(now));
    let mut exp = now + VALID_FOR;
    if let Some(day) = changes {
        exp = exp.min(day.start_timestamp());
    }
    if let Some(until) = row.expires_at {
        exp = exp.min(until);
    }
    let iss = issuer_of(&state, &row.department_id);
    let status_uri = format!("{iss}/status");
    let sd_jwt = issue(
        Issue {
            kind: row.kind,
            issuer: &iss,
            claims,
            holder_jwk: request.holder_jwk,
            iat: now,
            exp: Some(exp),
            status: Some((row.status_idx, status_uri.clone())),
        },
        &*signer,
    )
    .await
    .map_err(|e| AppError::Internal(format!("issuing {}: {e}", row.id).into()))?;
    citizen
        .audit_use(
            &state,
            AuditAction::CredentialIssued,
            &format!("credential:{} {}", row.id, row.kind.code()),
            Outcome::Ok,
            None,
        )
        .await?;
    Ok(Json(Collected {
        id: row.id,
        sd_jwt,
        issuer: iss,
        status_list: status_uri,
    }))
}

/// The issuing department's supervisor revokes, suspends or reinstates a certificate; wallets
/// and verifiers see it in the department's next status list.
#[utoipa::path(
    post,
    path = "/api/v1/staff/credentials/{id}/status",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The certificate's id")),
    request_body = CredentialStatusChange,
    responses(
        (status = 200, description = "Its status now", body = CredentialSummary),
        (status = 403, description = "Only the department's supervisor", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No certificate this department issued", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Revoked: that is final (`credential-revoked`)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn set_status(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Json(change): Json<CredentialStatusChange>,
) -> Result<Json<CredentialSummary>> {
    let row = state.store.credential(&id).await?;
    let object = format!("credential:{id}");
    let Some(row) = row else {
        return Err(AppError::NotFound);
    };
    let person = Some(&row.account_id);
    let action = AuditAction::CredentialStatusSet;
    if row.department_id != staff.department_id {
        staff
            .audit_for(&state, person, None, action, &object, Outcome::Denied)
            .await?;
        return Err(AppError::NotFound);
    }
    if !staff.role.supervises() {
        staff
            .audit_for(&state, person, None, action, &object, Outcome::Denied)
            .await?;
        return Err(AppError::Forbidden("role-not-allowed"));
    }
    // A revocation is final: a certificate revoked in error is issued anew.
    if row.status == status::Status::Revoked && change.status != status::Status::Revoked {
        return Err(AppError::Conflict("credential-revoked"));
    }
    state
        .store
        .set_credential_status(&id, change.status)
        .await?;
    let catalog = state.catalog.current(&state.store).await?;
    if row.status != change.status {
        // The holder hears of it from the issuer, with a way into the wallet.
        let department = department_ref(&catalog.index, &row.department_id);
        let mut params = crate::cases::params("", &department, None, None);
        params.insert("credential".into(), row.kind.code().into());
        params.insert("credential_status".into(), change.status.code().into());
        let (messages, notifications) = crate::cases::tell(
            &state,
            &row.account_id,
            None,
            MessageKind::CertificateStatusChanged,
            params,
            state.auth.now(),
        )
        .await?;
        state
            .store
            .put_messages_once(&messages, &notifications)
            .await?;
    }
    let done = format!("{object} {}", change.status.code());
    staff
        .audit_for(&state, person, None, action, &done, Outcome::Ok)
        .await?;
    let row = state
        .store
        .credential(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(summary(&catalog.index, row)))
}
