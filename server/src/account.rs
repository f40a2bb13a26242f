//! The identity endpoints: login codes, login and logout, the account, its identity check, its
//! devices and activity; staff login.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tongban_core::auth::{
    mask_name, Account, ActivityList, CodeSent, IdentityMethod, IdentityRequest, LoginRequest,
    LoginResult, SendCodeRequest, SessionDelivery, SessionInfo, SessionList, StaffAccount,
    StaffLoginRequest, StaffLoginResult,
};
use tongban_core::identity::{check_mobile, check_resident_id, mask_id_number, mask_mobile};

use crate::access::{Citizen, ClientIp, StaffMember};
use crate::audit::{Event, Outcome};
use crate::auth::store::{AccountRow, NewSession};
use crate::auth::verifier::Verdict;
use crate::auth::{
    cleared_cookie, code_hash, describe_device, digest, new_code, new_id, new_token,
    presented_token, secrets_match, session_cookie, token_hash, Role,
};
use crate::clock::china_date;
use crate::error::AppError;
use crate::routes::AppState;

type Result<T> = std::result::Result<T, AppError>;

pub(crate) fn account_view(row: &AccountRow) -> Account {
    Account {
        id: row.id.clone(),
        masked_phone: mask_mobile(&row.phone),
        level: row.level,
        masked_name: row.real_name.as_deref().map(mask_name),
        masked_id_number: row.id_number.as_deref().map(mask_id_number),
        created_at: row.created_at,
    }
}

/// The phone as typed, checked and normalized; a refusal names the field.
fn checked_phone(input: &str) -> Result<String> {
    check_mobile(input).map_err(|e| AppError::field("phone", format!("phone-{}", e.code())))
}

/// Counters are keyed by a hash of the phone, so the table holds no phone numbers.
fn phone_subject(phone: &str) -> String {
    format!("phone:{}", digest(&["phone", phone]))
}

pub(crate) fn ip_subject(ip: &str) -> String {
    format!("ip:{ip}")
}

impl AppState {
    pub(crate) async fn audit(
        &self,
        actor: &str,
        action: &str,
        object: &str,
        outcome: Outcome,
        ip: &str,
    ) -> Result<()> {
        self.db
            .audit(
                self.auth.now(),
                Event {
                    actor,
                    action,
                    object,
                    outcome,
                    ip,
                },
            )
            .await?;
        Ok(())
    }

    /// Refuses with the time to wait when `subject` already made `max` attempts of `kind` in the
    /// window.
    pub(crate) async fn check_limit(&self, kind: &str, subject: &str, max: u32) -> Result<()> {
        let now = self.auth.now();
        let window = i64::from(self.auth.config.limit_window_seconds);
        let (count, oldest) = self.db.count_attempts(kind, subject, now - window).await?;
        if count >= i64::from(max) {
            let wait = oldest.map_or(window, |oldest| oldest + window - now).max(1);
            return Err(AppError::RateLimited(wait as u32));
        }
        Ok(())
    }

    /// A new session for `principal`, replacing the one the request presented (rotation on login).
    async fn open_session(
        &self,
        role: Role,
        principal_id: &str,
        headers: &HeaderMap,
        ip: &str,
    ) -> Result<String> {
        // A phone login inside a host's page makes a session for that host.
        let host = headers
            .get(tongban_core::client::HOST_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|id| self.hosts.registry.get(id).is_some());
        self.open_session_in(role, principal_id, headers, ip, host)
            .await
    }

    /// `open_session`, for a session opened through host `host_id` (single sign-on).
    pub(crate) async fn open_session_in(
        &self,
        role: Role,
        principal_id: &str,
        headers: &HeaderMap,
        ip: &str,
        host_id: Option<&str>,
    ) -> Result<String> {
        let now = self.auth.now();
        if let Some(old) = presented_token(headers, role) {
            if let Some(old) = self.db.session_by_token(&token_hash(&old)).await? {
                if self.db.revoke_session(&old.id, now).await? {
                    let actor = format!("{}:{}", actor_kind(old.role), old.principal_id);
                    self.audit(
                        &actor,
                        "session-rotated",
                        &format!("session:{}", old.id),
                        Outcome::Ok,
                        ip,
                    )
                    .await?;
                }
            }
        }
        let token = new_token();
        self.db
            .create_session(NewSession {
                id: &new_id(),
                token_hash: &token_hash(&token),
                role,
                principal_id,
                device: &describe_device(headers),
                now,
                expires_at: now + i64::from(self.auth.config.session_absolute_seconds),
                host_id,
            })
            .await?;
        Ok(token)
    }

    /// The login answer: the token in a cookie (web) or in the body (native).
    fn session_response<T: serde::Serialize>(
        &self,
        role: Role,
        token: String,
        delivery: SessionDelivery,
        body: impl FnOnce(Option<String>) -> T,
    ) -> Response {
        self.session_response_with(token, delivery, |t, age| session_cookie(role, t, age), body)
    }

    /// `session_response` with the cookie made by `cookie(token, max_age)` (a host's frame
    /// needs another cookie than the app's own pages).
    pub(crate) fn session_response_with<T: serde::Serialize>(
        &self,
        token: String,
        delivery: SessionDelivery,
        cookie: impl FnOnce(&str, u32) -> axum::http::HeaderValue,
        body: impl FnOnce(Option<String>) -> T,
    ) -> Response {
        match delivery {
            SessionDelivery::Cookie => {
                let cookie = cookie(&token, self.auth.config.session_absolute_seconds);
                ([(header::SET_COOKIE, cookie)], Json(body(None))).into_response()
            }
            SessionDelivery::Token => Json(body(Some(token))).into_response(),
        }
    }
}

fn actor_kind(role: Role) -> &'static str {
    match role {
        Role::Citizen => "account",
        Role::Staff => "staff",
    }
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
    if let Some(last) = state.db.last_attempt("send", &subject).await? {
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
        .db
        .prune_attempts(now - 2 * i64::from(config.limit_window_seconds).max(86_400))
        .await?;

    let code = new_code();
    let expires_at = now + i64::from(config.code_valid_seconds);
    state
        .db
        .put_code(&phone, &code_hash(&phone, &code), now, expires_at)
        .await?;
    state.db.record_attempt("send", &subject, now).await?;
    state
        .db
        .record_attempt("send", &ip_subject(&ip), now)
        .await?;
    let masked = mask_mobile(&phone);
    let actor = match state.db.account_by_phone(&phone).await? {
        Some(account) => format!("account:{}", account.id),
        None => "anonymous".to_owned(),
    };
    if let Err(detail) = state.auth.services.sms.send(&phone, &code).await {
        state.db.drop_code(&phone).await?;
        state
            .audit(
                &actor,
                "code-sent",
                &format!("phone:{masked}"),
                Outcome::Failed,
                &ip,
            )
            .await?;
        return Err(AppError::Unavailable {
            code: "sms-unavailable",
            detail,
        });
    }
    state
        .audit(
            &actor,
            "code-sent",
            &format!("phone:{masked}"),
            Outcome::Ok,
            &ip,
        )
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
    let code = request.code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::field("code", "code-format"));
    }
    let config = state.auth.config.clone();
    let subject = phone_subject(&phone);
    state
        .check_limit("failure", &subject, config.max_failures_per_subject)
        .await?;
    state
        .check_limit("failure", &ip_subject(&ip), config.max_failures_per_ip)
        .await?;

    let now = state.auth.now();
    let given = code_hash(&phone, code);
    // Without a pending code the comparison still runs (against a hash nothing matches), so the
    // answer and its timing do not tell whether a code was sent to this phone.
    let (expected, expires_at) = state
        .db
        .pending_code(&phone)
        .await?
        .unwrap_or_else(|| (digest(&["no-code", &phone]), i64::MIN));
    let matches = secrets_match(&expected, &given);
    let masked = format!("phone:{}", mask_mobile(&phone));
    if !matches || now >= expires_at {
        state.db.record_attempt("failure", &subject, now).await?;
        state
            .db
            .record_attempt("failure", &ip_subject(&ip), now)
            .await?;
        state
            .audit("anonymous", "login", &masked, Outcome::Failed, &ip)
            .await?;
        // The limit just reached ends the code too: guessing cannot go on with a new window.
        if let Err(limited) = state
            .check_limit("failure", &subject, config.max_failures_per_subject)
            .await
        {
            state.db.drop_code(&phone).await?;
            return Err(limited);
        }
        let code = if matches {
            "code-expired"
        } else {
            "code-wrong"
        };
        return Err(AppError::field("code", code));
    }
    if !state.db.consume_code(&phone, &expected).await? {
        // Another request used this code a moment ago: single use.
        return Err(AppError::field("code", "code-wrong"));
    }
    let account = state.db.account_for_phone(&phone, now).await?;
    let token = state
        .open_session(Role::Citizen, &account.id, &headers, &ip)
        .await?;
    state
        .audit(
            &format!("account:{}", account.id),
            "login",
            &masked,
            Outcome::Ok,
            &ip,
        )
        .await?;
    let account = account_view(&account);
    Ok(
        state.session_response(Role::Citizen, token, request.delivery, |token| {
            LoginResult { account, token }
        }),
    )
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
    end_session(&state, Role::Citizen, &headers, &ip).await
}

async fn end_session(
    state: &AppState,
    role: Role,
    headers: &HeaderMap,
    ip: &str,
) -> Result<Response> {
    if let Some(token) = presented_token(headers, role) {
        if let Some(session) = state.db.session_by_token(&token_hash(&token)).await? {
            if session.role == role
                && state
                    .db
                    .revoke_session(&session.id, state.auth.now())
                    .await?
            {
                let actor = format!("{}:{}", actor_kind(role), session.principal_id);
                state
                    .audit(
                        &actor,
                        "logout",
                        &format!("session:{}", session.id),
                        Outcome::Ok,
                        ip,
                    )
                    .await?;
            }
        }
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cleared_cookie(role))],
    )
        .into_response())
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
        .db
        .account(&citizen.account_id)
        .await?
        .ok_or(AppError::Unauthorized("unauthorized"))?;
    state
        .audit(
            &citizen.actor(),
            "account-read",
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
        .db
        .account(&citizen.account_id)
        .await?
        .ok_or(AppError::Unauthorized("unauthorized"))?;
    state
        .audit(
            &citizen.actor(),
            "profile-read",
            "account",
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    Ok(Json(tongban_core::auth::Profile {
        phone: account.phone,
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
    let name_ok = (1..=30).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '·' | '•' | ' ' | '-'));
    if !name_ok {
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
        _ => {
            return Err(AppError::Invalid {
                code: "validation".into(),
                fields,
            })
        }
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
    if let Some(holder) = state.db.account_with_id_number(&id.number).await? {
        if holder != citizen.account_id {
            state
                .audit(
                    &citizen.actor(),
                    "identity-verify",
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
        state.db.record_attempt("failure", &subject, now).await?;
        state
            .audit(
                &citizen.actor(),
                "identity-verify",
                &object,
                Outcome::Failed,
                &citizen.ip,
            )
            .await?;
        return Err(AppError::field("name", "identity-mismatch"));
    }
    state
        .db
        .set_identity(&citizen.account_id, name, &id.number, now)
        .await?;
    state
        .audit(
            &citizen.actor(),
            "identity-verify",
            &object,
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    let account = state
        .db
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
        .db
        .live_sessions(Role::Citizen, &citizen.account_id, now, now - idle)
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
    let session = state.db.session(&id).await?;
    let session = citizen.owned(&state, "session-revoked", session).await?;
    if state
        .db
        .revoke_session(&session.id, state.auth.now())
        .await?
    {
        state
            .audit(
                &citizen.actor(),
                "session-revoked",
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
    let items = state.db.activity(&citizen.actor(), 20).await?;
    Ok(Json(ActivityList { items }))
}

/// A fixed Argon2 hash checked when a username is unknown, so the answer takes as long as for a
/// known one.
fn unknown_staff_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("no such staff member").unwrap_or_default())
}

/// An Argon2id hash (PHC string) of a staff password.
pub fn hash_password(password: &str) -> std::result::Result<String, String> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn password_matches(hash: &str, password: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
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
    let config = state.auth.config.clone();
    let subject = format!("staff:{}", digest(&["staff", &username]));
    state
        .check_limit("failure", &subject, config.max_failures_per_subject)
        .await?;
    state
        .check_limit("failure", &ip_subject(&ip), config.max_failures_per_ip)
        .await?;
    let staff = state.db.staff_by_username(&username).await?;
    let hash = staff.as_ref().map_or_else(
        || unknown_staff_hash().to_owned(),
        |s| s.password_hash.clone(),
    );
    let password = request.password.clone();
    let ok = tokio::task::spawn_blocking(move || password_matches(&hash, &password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let now = state.auth.now();
    let staff = match staff {
        Some(staff) if ok => staff,
        _ => {
            state.db.record_attempt("failure", &subject, now).await?;
            state
                .db
                .record_attempt("failure", &ip_subject(&ip), now)
                .await?;
            state
                .audit("anonymous", "staff-login", "staff", Outcome::Failed, &ip)
                .await?;
            return Err(AppError::field("password", "staff-login-wrong"));
        }
    };
    let token = state
        .open_session(Role::Staff, &staff.id, &headers, &ip)
        .await?;
    state
        .audit(
            &format!("staff:{}", staff.id),
            "staff-login",
            "staff",
            Outcome::Ok,
            &ip,
        )
        .await?;
    let view = StaffAccount {
        id: staff.id,
        username: staff.username,
        display_name: staff.display_name,
        department: staff.department,
    };
    Ok(
        state.session_response(Role::Staff, token, request.delivery, |token| {
            StaffLoginResult { staff: view, token }
        }),
    )
}

/// The logged-in staff member.
#[utoipa::path(
    get,
    path = "/api/v1/staff/me",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The staff member", body = StaffAccount),
        (status = 401, description = "Not logged in as staff", body = tongban_core::api::ErrorBody),
        (status = 403, description = "A person's session, not a staff one", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn staff_me(
    State(state): State<AppState>,
    staff: StaffMember,
) -> Result<Json<StaffAccount>> {
    let row = state
        .db
        .staff_member(&staff.staff_id)
        .await?
        .ok_or(AppError::Unauthorized("unauthorized"))?;
    Ok(Json(StaffAccount {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        department: row.department,
    }))
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
    end_session(&state, Role::Staff, &headers, &ip).await
}
