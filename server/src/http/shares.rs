//! 在线分享 on the server: the person shares a certificate with an organisation they name — the
//! presentation their device made is verified, kept sealed behind a one-time code that holds
//! for the minutes they chose, with a consent receipt — and the organisation opens it once with
//! the code, without an account: the verdict is the verifier's as of that moment. A second
//! opening, an expired or a taken-back share is refused, and every opening (refused ones too)
//! is in the person's data record under the organisation's name.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use tongban_core::audit::{Actor, AuditAction};
use tongban_core::benefit::ConsentReceipt;
use tongban_core::credential::share::{
    normalize_code, share_code, NewShare, ShareCreated, ShareList, ShareState, ShareSummary,
    SharedCertificate, CODE_LEN,
};
use tongban_core::credential::Verdict;
use tongban_core::LocalizedText;

use crate::access::{Citizen, ClientIp};
use crate::audit::{About, Outcome};
use crate::auth::{digest, new_id, random_bytes};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::ShareRow;

type Result<T> = std::result::Result<T, AppError>;

/// Openings of unknown codes one address may try per window (guessing a code is hopeless at
/// 50 bits; this keeps it so).
const MAX_MISSES: u32 = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/shares", get(mine).post(create))
        .route("/me/shares/{id}", delete(revoke))
        .route("/shares/{code}", get(open))
}

fn code_hash(code: &str) -> String {
    digest(&["share-code", code])
}

/// The consent a share gives: to whom, what, why, and how to take it back.
fn consent(share: &ShareRow, minutes: u64) -> ConsentReceipt {
    let org = &share.organisation;
    let mut categories = vec!["certificates".to_owned()];
    if share.claims.iter().any(|c| c == "name" || c == "id_number") {
        categories.push("identity".to_owned());
    }
    ConsentReceipt {
        id: share.id.clone(),
        recipient: LocalizedText {
            zh: org.clone(),
            en: None,
        },
        categories,
        purpose: LocalizedText::new(
            format!("在线分享电子证照给「{org}」：一次性分享码，{minutes} 分钟内打开一次有效"),
            format!(
                "An e-certificate shared online with “{org}”: a one-time code, opened once within {minutes} minutes"
            ),
        ),
        withdraw: LocalizedText::new(
            "在卡包或本页撤回：未打开的分享码立即失效；已打开的，对方已看到分享的内容。",
            "Withdraw it in the wallet or here: a code not yet opened stops working at once; once opened, the organisation has seen what was shared.",
        ),
        given_at: share.created_at,
    }
}

/// Share a certificate with an organisation: a one-time code for what the device disclosed.
#[utoipa::path(
    post,
    path = "/api/v1/me/shares",
    tag = "credentials",
    security(("session" = [])),
    request_body = NewShare,
    responses(
        (status = 200, description = "Shared: the code, given this once", body = ShareCreated),
        (status = 401, description = "Not logged in", body = tongban_core::api::ErrorBody),
        (status = 422, description = "No organisation, a time out of range, or a presentation that does not hold or is not the person's", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn create(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(new): Json<NewShare>,
) -> Result<Json<ShareCreated>> {
    let errors = new.check();
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let now = state.auth.now();
    let bundle = super::credentials::bundle(&state).await?;
    let (kind, issuer, claims) = match bundle.verify_shared(&new.presentation, now) {
        Verdict::Valid {
            kind,
            issuer,
            claims,
            ..
        } => (kind, issuer, claims),
        _ => return Err(AppError::field("presentation", "credential-not-valid")),
    };
    let own = super::credentials::issued_to(
        &state,
        &bundle,
        &issuer,
        &new.presentation,
        &citizen.account_id,
    )
    .await?;
    if !own {
        return Err(AppError::field("presentation", "share-not-yours"));
    }
    let minutes = new.minutes;
    let share = ShareRow {
        id: new_id(),
        account_id: citizen.account_id.clone(),
        organisation: new.organisation.trim().to_owned(),
        kind,
        claims: claims.keys().cloned().collect(),
        presentation: new.presentation.trim().to_owned(),
        created_at: now,
        expires_at: now + i64::try_from(minutes * 60).unwrap_or(i64::MAX),
        opened_at: None,
        revoked_at: None,
    };
    let code = share_code(random_bytes::<CODE_LEN>());
    state
        .store
        .put_share(&share, &code_hash(&code), &consent(&share, minutes))
        .await?;
    state
        .audit_about(
            About {
                person: &citizen.account_id,
                application: None,
            },
            &citizen.actor(),
            AuditAction::ShareCreated,
            &format!("share:{}", share.id),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    Ok(Json(ShareCreated {
        code,
        share: share.summary(now),
    }))
}

/// The person's shares, newest first, each with where it stands (never its code).
#[utoipa::path(
    get,
    path = "/api/v1/me/shares",
    tag = "credentials",
    security(("session" = [])),
    responses(
        (status = 200, description = "The shares", body = ShareList),
        (status = 401, description = "Not logged in", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn mine(State(state): State<AppState>, citizen: Citizen) -> Result<Json<ShareList>> {
    let now = state.auth.now();
    let items = state
        .store
        .shares(&citizen.account_id)
        .await?
        .iter()
        .map(|s| s.summary(now))
        .collect();
    Ok(Json(ShareList { items }))
}

/// Take a share back: its code opens nothing from now on, and its consent is withdrawn. One
/// already opened stays opened (the organisation has seen it); its consent is withdrawn all
/// the same.
#[utoipa::path(
    delete,
    path = "/api/v1/me/shares/{id}",
    tag = "credentials",
    security(("session" = [])),
    params(("id" = String, Path, description = "The share's id")),
    responses(
        (status = 200, description = "Taken back (or opened before)", body = ShareSummary),
        (status = 401, description = "Not logged in", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No such share of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<ShareSummary>> {
    let now = state.auth.now();
    if take_back(&state, &citizen, &id, now).await?.is_none() {
        // Not theirs (or no such share): as if it did not exist, and the attempt audited.
        state
            .audit(
                &citizen.actor(),
                AuditAction::ShareRevoked,
                &format!("share:{id}"),
                Outcome::Denied,
                &citizen.ip,
            )
            .await?;
        return Err(AppError::NotFound);
    }
    let share = state
        .store
        .share(&citizen.account_id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(share.summary(now)))
}

/// Takes back one of the person's shares (and withdraws its consent), audited when it was
/// still open. `None`: no such share of theirs; `Some(false)`: opened or taken back before.
pub(crate) async fn take_back(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
    now: i64,
) -> Result<Option<bool>> {
    let revoked = state
        .store
        .revoke_share(&citizen.account_id, id, now)
        .await?;
    if revoked == Some(true) {
        state
            .audit(
                &citizen.actor(),
                AuditAction::ShareRevoked,
                &format!("share:{id}"),
                Outcome::Ok,
                &citizen.ip,
            )
            .await?;
    }
    Ok(revoked)
}

/// Open a share with its code, once: the certificate as the verifier finds it now.
#[utoipa::path(
    get,
    path = "/api/v1/shares/{code}",
    tag = "credentials",
    params(("code" = String, Path, description = "The share code the person gave (`ABCDE-FGHJK`)")),
    responses(
        (status = 200, description = "The shared certificate's verdict and disclosed claims", body = SharedCertificate),
        (status = 404, description = "No such share code", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Opened before (`share-used`), run out (`share-expired`) or taken back (`share-revoked`)", body = tongban_core::api::ErrorBody),
        (status = 429, description = "Too many unknown codes from this address: wait `retry_after_seconds`", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn open(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> Result<Response> {
    let subject = format!("ip:{ip}");
    state
        .check_limit("share-miss", &subject, MAX_MISSES)
        .await?;
    let now = state.auth.now();
    let found = match normalize_code(&code) {
        Some(code) => state.store.share_by_code(&code_hash(&code)).await?,
        None => None,
    };
    let Some(share) = found else {
        state
            .store
            .record_attempt("share-miss", &subject, now)
            .await?;
        return Err(AppError::NotFound);
    };
    let state_then = ShareState::of(share.expires_at, share.opened_at, share.revoked_at, now);
    let opened =
        state_then == ShareState::Waiting && state.store.open_share(&share.id, now).await?;
    let verdict = if opened {
        // Checked now: a certificate revoked since it was shared reads as revoked.
        let bundle = super::credentials::bundle(&state).await?;
        Some(bundle.verify_shared(&share.presentation, now))
    } else {
        None
    };
    let outcome = match &verdict {
        Some(Verdict::Valid { .. }) => Outcome::Ok,
        Some(_) => Outcome::Failed,
        None => Outcome::Denied,
    };
    state
        .audit_about(
            About {
                person: &share.account_id,
                application: None,
            },
            &Actor::Anonymous,
            AuditAction::ShareOpened,
            &format!("share:{}", share.id),
            outcome,
            &ip,
        )
        .await?;
    let Some(verdict) = verdict else {
        return Err(AppError::Conflict(match state_then {
            ShareState::Revoked => "share-revoked",
            ShareState::Expired => "share-expired",
            // Opened before, or by another request just now.
            _ => "share-used",
        }));
    };
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(SharedCertificate {
            organisation: share.organisation.clone(),
            shared_at: share.created_at,
            verdict,
        }),
    )
        .into_response())
}
