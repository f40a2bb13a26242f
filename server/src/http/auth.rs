//! Logging in and out: a texted code for people, a password for department staff. Both run the
//! one login skeleton (`crate::session`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use tongban_core::audit::{Actor, AuditAction};
use tongban_core::auth::{
    CodeSent, LoginRequest, LoginResult, SendCodeRequest, StaffAccount, StaffLoginRequest,
    StaffLoginResult,
};
use tongban_core::identity::{check_api_mobile, mask_mobile};

use crate::access::ClientIp;
use crate::audit::Outcome;
use crate::auth::password::{password_matches, unknown_staff_hash};
use crate::auth::{code_hash, digest, new_code, secrets_match, Role};
use crate::error::AppError;
use crate::http::me::account_view;
use crate::session::{ip_subject, Checked, LoginAttempt, LoginOutcome};
use crate::state::AppState;

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/code", post(send_code))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/staff/login", post(staff_login))
        .route("/staff/logout", post(staff_logout))
}

/// The phone as typed, checked and normalized; a refusal names the field.
fn checked_phone(input: &str) -> Result<String> {
    check_api_mobile(input).map_err(|e| AppError::field("phone", format!("phone-{}", e.code())))
}

/// Counters are keyed by a hash of the phone, so the table holds no phone numbers.
fn phone_subject(phone: &str) -> String {
    format!("phone:{}", digest(&["phone", phone]))
}

/// Send a one-time login code by SMS.
#[utoipa::path(
    post,
    path = "/api/v1/auth/code",
    tag = "identity",
    request_body = SendCodeRequest,
    responses(
        (status = 200, description = "The code is on its way", body = CodeSent),
        (status = 422, description = "Not a mainland mobile number", body = tongban_core::api::ErrorBody),
        (status = 429, description = "Too many codes: wait `retry_after_seconds`", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn send_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(request): Json<SendCodeRequest>,
) -> Result<Json<CodeSent>> {
    let phone = checked_phone(&request.phone)?;
    let config = &state.auth.config;
    let now = state.auth.now();
    let subject = phone_subject(&phone);
    if let Some(last) = state.store.last_attempt("send", &subject).await? {
        let resend_at = last + i64::from(config.code_resend_seconds);
        if now < resend_at {
            return Err(AppError::RateLimited((resend_at - now) as u32));
        }
    }
    state
        .check_limit("send", &subject, config.max_sends_per_phone)
        .await?;
    state
        .check_limit("send", &ip_subject(&ip), config.max_sends_per_ip)
        .await?;
    state
        .store
        .prune_attempts(now - 2 * i64::from(config.limit_window_seconds).max(86_400))
        .await?;

    let code = new_code();
    let expires_at = now + i64::from(config.code_valid_seconds);
    state
        .store
        .put_code(&phone, &code_hash(&phone, &code), now, expires_at)
        .await?;
    state.store.record_attempt("send", &subject, now).await?;
    state
        .store
        .record_attempt("send", &ip_subject(&ip), now)
        .await?;
    let masked = mask_mobile(&phone);
    let actor = match state.store.account_by_phone(&phone).await? {
        Some(account) => Actor::Account(account.id),
        None => Actor::Anonymous,
    };
    let object = format!("phone:{masked}");
    if let Err(detail) = state.auth.services.sms.send(&phone, &code).await {
        state.store.drop_code(&phone).await?;
        state
            .audit(&actor, AuditAction::CodeSent, &object, Outcome::Failed, &ip)
            .await?;
        return Err(AppError::Unavailable {
            code: "sms-unavailable",
            detail,
        });
    }
    state
        .audit(&actor, AuditAction::CodeSent, &object, Outcome::Ok, &ip)
        .await?;
    Ok(Json(CodeSent {
        masked_phone: masked,
        valid_seconds: config.code_valid_seconds,
        expires_at,
        resend_at: now + i64::from(config.code_resend_seconds),
    }))
}

/// Log in with the phone and the code it received.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "identity",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; the session is in the `__Host-tongban` cookie, or in `token` when asked for", body = LoginResult),
        (status = 422, description = "Wrong or expired code", body = tongban_core::api::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Json(request): Json<LoginRequest>,
) -> Result<Response> {
    let phone = checked_phone(&request.phone)?;
    let code = request.code;
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::field("code", "code-format"));
    }
    let attempt = LoginAttempt {
        role: Role::Citizen,
        subject: phone_subject(&phone),
        ip: &ip,
        headers: &headers,
        action: AuditAction::Login,
        object: format!("phone:{}", mask_mobile(&phone)),
    };
    let check = async {
        let now = state.auth.now();
        let given = code_hash(&phone, &code);
        // Without a pending code the comparison still runs (against a hash nothing matches), so
        // the answer and its timing do not tell whether a code was sent to this phone.
        let (expected, expires_at) = state
            .store
            .pending_code(&phone)
            .await?
            .unwrap_or_else(|| (digest(&["no-code", &phone]), i64::MIN));
        let matches = secrets_match(&expected, &given);
        if !matches || now >= expires_at {
            let code = if matches {
                "code-expired"
            } else {
                "code-wrong"
            };
            return Ok(Checked::Refused(AppError::field("code", code)));
        }
        if !state.store.consume_code(&phone, &expected).await? {
            // Another request used this code a moment ago: single use.
            return Err(AppError::field("code", "code-wrong"));
        }
        let account = state.store.account_for_phone(&phone, now).await?;
        Ok(Checked::Passed {
            principal_id: account.id.to_string(),
            value: account,
        })
    };
    match state.log_in(attempt, check).await? {
        LoginOutcome::LoggedIn { value, token } => {
            let account = account_view(&value);
            Ok(
                state.session_response(Role::Citizen, token, request.delivery, |token| {
                    LoginResult { account, token }
                }),
            )
        }
        // The limit just reached ends the code too: guessing cannot go on with a new window.
        LoginOutcome::Refused {
            limit_reached: Some(limited),
            ..
        } => {
            state.store.drop_code(&phone).await?;
            Err(limited)
        }
        LoginOutcome::Refused { error, .. } => Err(error),
    }
}

/// End this session (the cookie is cleared too). Answers 204 whether or not a session was live.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "identity",
    responses((status = 204, description = "Logged out"))
)]
pub async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Result<Response> {
    state.end_session(Role::Citizen, &headers, &ip).await
}

/// Department staff log in with username and password.
#[utoipa::path(
    post,
    path = "/api/v1/staff/login",
    tag = "staff",
    request_body = StaffLoginRequest,
    responses(
        (status = 200, description = "Logged in; the session is in the `__Host-tongban-staff` cookie, or in `token`", body = StaffLoginResult),
        (status = 422, description = "Wrong username or password", body = tongban_core::api::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn staff_login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Json(request): Json<StaffLoginRequest>,
) -> Result<Response> {
    let username = request.username.trim().to_lowercase();
    let attempt = LoginAttempt {
        role: Role::Staff,
        subject: format!("staff:{}", digest(&["staff", &username])),
        ip: &ip,
        headers: &headers,
        action: AuditAction::StaffLogin,
        object: "staff".into(),
    };
    let check = async {
        let staff = state.store.staff_by_username(&username).await?;
        let hash = staff.as_ref().map_or_else(
            || unknown_staff_hash().to_owned(),
            |s| s.password_hash.clone(),
        );
        let password = request.password.clone();
        let ok = tokio::task::spawn_blocking(move || password_matches(&hash, &password))
            .await
            .map_err(AppError::internal)?;
        Ok(match staff {
            Some(staff) if ok => Checked::Passed {
                principal_id: staff.id.to_string(),
                value: staff,
            },
            _ => Checked::Refused(AppError::field("password", "staff-login-wrong")),
        })
    };
    match state.log_in(attempt, check).await? {
        LoginOutcome::LoggedIn {
            value: staff,
            token,
        } => {
            let view = StaffAccount {
                id: staff.id.into_string(),
                username: staff.username,
                display_name: staff.display_name,
                department: staff.department,
                department_id: staff.department_id,
                role: staff.role,
            };
            Ok(
                state.session_response(Role::Staff, token, request.delivery, |token| {
                    StaffLoginResult { staff: view, token }
                }),
            )
        }
        LoginOutcome::Refused { error, .. } => Err(error),
    }
}

/// End the staff session.
#[utoipa::path(
    post,
    path = "/api/v1/staff/logout",
    tag = "staff",
    responses((status = 204, description = "Logged out"))
)]
pub async fn staff_logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Result<Response> {
    state.end_session(Role::Staff, &headers, &ip).await
}
