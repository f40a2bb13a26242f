//! Single sign-on from host super-apps: a host's public description, and logging in with its
//! ticket. The person lands in the account a phone login reaches, with the identity the host
//! verified if the host is trusted to assert it.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::audit::{Actor, AuditAction};
use tongban_core::auth::{LoginResult, RealNameLevel};
use tongban_core::benefit::ConsentReceipt;
use tongban_core::host::{HostInfo, HostTicketRequest};
use tongban_core::identity::mask_mobile;
use tongban_core::ids::AccountId;
use tongban_core::LocalizedText;

use crate::access::ClientIp;
use crate::audit::{About, Outcome};
use crate::auth::{digest, embedded_session_cookie, Role};
use crate::clock::china_date;
use crate::error::AppError;
use crate::hosts::{check_signed, checked_user, CheckedTicket, TicketCheck, TicketError};
use crate::http::me::account_view;
use crate::session::ip_subject;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/hosts/{host}/login", post(host_login))
        .route("/hosts/{host}", get(host_info))
}

type Result<T> = std::result::Result<T, AppError>;

/// How long a validated ticket's hash is remembered against replay (hosts' tickets live minutes).
const VALIDATED_TICKET_MEMORY: i64 = 86_400;

/// A registered host's public side: name, bridge, origins, how it logs people in, its colours.
#[utoipa::path(
    get,
    path = "/api/v1/hosts/{host}",
    tag = "hosts",
    params(("host" = String, Path, description = "The host's id in the registry")),
    responses(
        (status = 200, description = "The host", body = HostInfo),
        (status = 404, description = "No such host", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn host_info(
    State(state): State<AppState>,
    Path(host): Path<String>,
) -> Result<Json<HostInfo>> {
    let host = state.hosts.registry.get(&host).ok_or(AppError::NotFound)?;
    Ok(Json(host.info()))
}

/// Log in with a ticket from a host super-app. A ticket is used once.
#[utoipa::path(
    post,
    path = "/api/v1/auth/hosts/{host}/login",
    tag = "hosts",
    params(("host" = String, Path, description = "The host's id in the registry")),
    request_body = HostTicketRequest,
    responses(
        (status = 200, description = "Logged in; the web gets its session in a cookie", body = LoginResult),
        (status = 404, description = "No such host", body = tongban_core::api::ErrorBody),
        (status = 409, description = "The host's identity differs from the account's (`host-identity-mismatch`)", body = tongban_core::api::ErrorBody),
        (status = 422, description = "The ticket is refused: `ticket-invalid`, `ticket-expired` or `ticket-used`", body = tongban_core::api::ErrorBody),
        (status = 429, description = "Too many refused tickets from this address", body = tongban_core::api::ErrorBody),
        (status = 503, description = "The host's validation service failed (`host-unavailable`)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn host_login(
    State(state): State<AppState>,
    Path(host_id): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Json(request): Json<HostTicketRequest>,
) -> Result<Response> {
    let host = state
        .hosts
        .registry
        .get(&host_id)
        .ok_or(AppError::NotFound)?
        .clone();
    let ip_key = ip_subject(&ip);
    state
        .check_limit("failure", &ip_key, state.auth.config.max_failures_per_ip)
        .await?;
    let now = state.auth.now();
    let checked = match &host.tickets {
        TicketCheck::Signed { .. } => {
            check_signed(&host, &state.hosts.registry.audience, &request.ticket, now)
        }
        TicketCheck::Validated { .. } => {
            let ticket_id = format!("ticket:{}", digest(&["host-ticket", &request.ticket]));
            // A replay is refused here, without troubling the host.
            if state.store.host_ticket_seen(&host.id, &ticket_id).await? {
                Err(TicketError::Used)
            } else {
                state
                    .hosts
                    .validator
                    .validate(&host, &request.ticket)
                    .await
                    .map(|user| CheckedTicket {
                        user,
                        ticket_id,
                        remember_until: now + VALIDATED_TICKET_MEMORY,
                    })
            }
        }
    }
    .and_then(|ticket| {
        Ok(CheckedTicket {
            user: checked_user(&host, ticket.user, china_date(now))?,
            ..ticket
        })
    });
    let object = format!("host:{}", host.id);
    let ticket = match checked {
        Ok(ticket) => ticket,
        Err(error) => return Err(refuse(&state, &object, &ip, now, error).await?),
    };
    if !state
        .store
        .use_host_ticket(&host.id, &ticket.ticket_id, ticket.remember_until, now)
        .await?
    {
        return Err(refuse(&state, &object, &ip, now, TicketError::Used).await?);
    }
    let user = ticket.user;
    let mut account = state
        .store
        .account_for_host_user(&host.id, &user.id, &user.phone, now)
        .await?;
    if let (Some(name), Some(number)) = (&user.name, &user.id_number) {
        match account.id_number.as_deref() {
            Some(known) if known != number => {
                tracing::warn!(host = %host.id, "a host asserted another identity than the account's");
                state
                    .audit_about(
                        About {
                            person: &account.id,
                            application: None,
                        },
                        &Actor::Account(account.id.clone()),
                        AuditAction::HostLogin,
                        &object,
                        Outcome::Failed,
                        &ip,
                    )
                    .await?;
                return Err(AppError::Conflict("host-identity-mismatch"));
            }
            Some(_) => {}
            None => {
                let taken = state.store.account_with_id_number(number).await?;
                if taken.is_some_and(|other| other != account.id) {
                    return Err(AppError::Conflict("host-identity-mismatch"));
                }
                state
                    .store
                    .set_identity(&account.id, name, number, now)
                    .await?;
                account.level = RealNameLevel::IdentityVerified;
                account.real_name = Some(name.clone());
                account.id_number = Some(number.clone());
            }
        }
    }
    let token = state
        .open_session_in(
            Role::Citizen,
            account.id.as_str(),
            &headers,
            &ip,
            Some(&host.id),
        )
        .await?;
    state
        .audit_about(
            About {
                person: &account.id,
                application: None,
            },
            &Actor::Account(account.id.clone()),
            AuditAction::HostLogin,
            &format!("{object} phone:{}", mask_mobile(&user.phone)),
            Outcome::Ok,
            &ip,
        )
        .await?;
    consent_to_host(&state, &account.id, &host, user.id_number.is_some(), now).await?;
    let account = account_view(&account);
    Ok(
        state.session_response_with(token, request.delivery, embedded_session_cookie, |token| {
            LoginResult { account, token }
        }),
    )
}

/// The consent kind of logging in through `host` (one receipt per host while not withdrawn).
fn host_consent_kind(host: &str) -> String {
    format!("host-login:{host}")
}

/// Opening Tongban inside a host super-app, the person lets it hand over their phone number
/// (and name and ID number, when it is trusted with identity): the first time, and again after
/// a withdrawal, that is a consent with its receipt. Withdrawing it ends the sessions opened
/// through that host.
async fn consent_to_host(
    state: &AppState,
    person: &AccountId,
    host: &crate::hosts::HostEntry,
    identity: bool,
    now: i64,
) -> Result<()> {
    let kind = host_consent_kind(&host.id);
    if state.store.has_consent(person, &kind).await? {
        return Ok(());
    }
    let name = &host.name;
    let mut categories = vec!["contact".to_owned()];
    if identity {
        categories.insert(0, "identity".to_owned());
    }
    let receipt = ConsentReceipt {
        id: crate::auth::new_id(),
        recipient: LocalizedText {
            zh: name.clone(),
            en: None,
        },
        categories,
        purpose: LocalizedText::new(
            format!("在「{name}」中登录通办：由{name}提供您的手机号{}，免去再次登录和核验", if identity { "和已核验的姓名、身份证号" } else { "" }),
            format!(
                "Logging in to Tongban inside “{name}”: {name} gives your phone number{} so you need not log in or verify again",
                if identity { " and your verified name and ID number" } else { "" }
            ),
        ),
        withdraw: LocalizedText::new(
            format!("在本页撤回：经「{name}」打开的通办会话立即结束；之后在{name}中打开通办，会重新登录并给出新的授权记录。"),
            format!("Withdraw it here: the Tongban sessions opened inside “{name}” end at once; opening Tongban in {name} later logs you in again, with a new receipt."),
        ),
        given_at: now,
    };
    state.store.put_consent(person, &kind, &receipt).await?;
    Ok(())
}

/// Counts and audits a refused ticket, and says why to the person.
async fn refuse(
    state: &AppState,
    object: &str,
    ip: &str,
    now: i64,
    error: TicketError,
) -> Result<AppError> {
    tracing::warn!(%object, %error, "refused a host ticket");
    if !matches!(error, TicketError::Unavailable(_)) {
        state
            .store
            .record_attempt("failure", &ip_subject(ip), now)
            .await?;
    }
    state
        .audit(
            &Actor::Anonymous,
            AuditAction::HostLogin,
            object,
            Outcome::Failed,
            ip,
        )
        .await?;
    Ok(match error {
        TicketError::Unavailable(detail) => AppError::Unavailable {
            code: "host-unavailable",
            detail,
        },
        other => AppError::field("ticket", other.code()),
    })
}
