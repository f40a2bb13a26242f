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
use tongban_core::host::{HostInfo, HostTicketRequest};
use tongban_core::identity::mask_mobile;

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
    let account = account_view(&account);
    Ok(
        state.session_response_with(token, request.delivery, embedded_session_cookie, |token| {
            LoginResult { account, token }
        }),
    )
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
