//! Opening and ending sessions, and the rate limits around logins: the one skeleton every login
//! (phone code, staff password) runs — limits checked, the credential checked, a failure counted
//! and audited, a success turned into a rotated session and audited.

use std::future::Future;

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tongban_core::audit::{Actor, AuditAction};
use tongban_core::auth::SessionDelivery;

use crate::audit::Outcome;
use crate::auth::{
    cleared_cookie, describe_device, new_id, new_token, presented_token, session_cookie,
    token_hash, Role,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::NewSession;

type Result<T> = std::result::Result<T, AppError>;

/// The rate-limit subject of an IP address.
pub fn ip_subject(ip: &str) -> String {
    format!("ip:{ip}")
}

/// Who a session's principal is, as the audit log names them.
pub fn session_actor(role: Role, principal_id: &str) -> Actor {
    match role {
        Role::Citizen => Actor::Account(principal_id.into()),
        Role::Staff => Actor::Staff(principal_id.into()),
    }
}

/// What differs between logins.
pub struct LoginAttempt<'a> {
    pub role: Role,
    /// The rate-limit subject: a hash of the phone, or of the staff username.
    pub subject: String,
    pub ip: &'a str,
    pub headers: &'a HeaderMap,
    pub action: AuditAction,
    /// How the audit log names what was logged into (a masked phone, `staff`).
    pub object: String,
}

/// What checking the credential found.
pub enum Checked<P> {
    /// Right: the session is for `principal_id`.
    Passed { principal_id: String, value: P },
    /// Wrong: counted as a failure, answered with `error`.
    Refused(AppError),
}

/// How a login ended.
pub enum LoginOutcome<P> {
    LoggedIn {
        value: P,
        token: String,
    },
    /// Refused; `limit_reached` when this failure used up the subject's allowance.
    Refused {
        error: AppError,
        limit_reached: Option<AppError>,
    },
}

impl AppState {
    /// Refuses with the time to wait when `subject` already made `max` attempts of `kind` in the
    /// window.
    pub async fn check_limit(&self, kind: &str, subject: &str, max: u32) -> Result<()> {
        let now = self.auth.now();
        let window = i64::from(self.auth.config.limit_window_seconds);
        let (count, oldest) = self
            .store
            .count_attempts(kind, subject, now - window)
            .await?;
        if count >= i64::from(max) {
            let wait = oldest.map_or(window, |oldest| oldest + window - now).max(1);
            return Err(AppError::RateLimited(wait as u32));
        }
        Ok(())
    }

    /// The login skeleton: limits, then `check` (an `Err` from it is answered as it is, without
    /// counting a failure), then a failure counted and audited, or a session opened and audited.
    pub async fn log_in<P>(
        &self,
        attempt: LoginAttempt<'_>,
        check: impl Future<Output = Result<Checked<P>>>,
    ) -> Result<LoginOutcome<P>> {
        let config = &self.auth.config;
        let ip_key = ip_subject(attempt.ip);
        self.check_limit("failure", &attempt.subject, config.max_failures_per_subject)
            .await?;
        self.check_limit("failure", &ip_key, config.max_failures_per_ip)
            .await?;
        match check.await? {
            Checked::Refused(error) => {
                let now = self.auth.now();
                self.store
                    .record_attempt("failure", &attempt.subject, now)
                    .await?;
                self.store.record_attempt("failure", &ip_key, now).await?;
                self.audit(
                    &Actor::Anonymous,
                    attempt.action,
                    &attempt.object,
                    Outcome::Failed,
                    attempt.ip,
                )
                .await?;
                let limit_reached = self
                    .check_limit("failure", &attempt.subject, config.max_failures_per_subject)
                    .await
                    .err();
                Ok(LoginOutcome::Refused {
                    error,
                    limit_reached,
                })
            }
            Checked::Passed {
                principal_id,
                value,
            } => {
                let token = self
                    .open_session(attempt.role, &principal_id, attempt.headers, attempt.ip)
                    .await?;
                self.audit(
                    &session_actor(attempt.role, &principal_id),
                    attempt.action,
                    &attempt.object,
                    Outcome::Ok,
                    attempt.ip,
                )
                .await?;
                Ok(LoginOutcome::LoggedIn { value, token })
            }
        }
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
    pub async fn open_session_in(
        &self,
        role: Role,
        principal_id: &str,
        headers: &HeaderMap,
        ip: &str,
        host_id: Option<&str>,
    ) -> Result<String> {
        let now = self.auth.now();
        if let Some(old) = presented_token(headers, role) {
            if let Some(old) = self.store.session_by_token(&token_hash(&old)).await? {
                if self.store.revoke_session(&old.id, now).await? {
                    self.audit(
                        &session_actor(old.role, &old.principal_id),
                        AuditAction::SessionRotated,
                        &format!("session:{}", old.id),
                        Outcome::Ok,
                        ip,
                    )
                    .await?;
                }
            }
        }
        let token = new_token();
        self.store
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
    pub fn session_response<T: serde::Serialize>(
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
    pub fn session_response_with<T: serde::Serialize>(
        &self,
        token: String,
        delivery: SessionDelivery,
        cookie: impl FnOnce(&str, u32) -> HeaderValue,
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

    /// Ends the session the request presents for `role` (and clears its cookie); 204 whether or
    /// not one was live.
    pub async fn end_session(&self, role: Role, headers: &HeaderMap, ip: &str) -> Result<Response> {
        if let Some(token) = presented_token(headers, role) {
            if let Some(session) = self.store.session_by_token(&token_hash(&token)).await? {
                if session.role == role
                    && self
                        .store
                        .revoke_session(&session.id, self.auth.now())
                        .await?
                {
                    self.audit(
                        &session_actor(role, &session.principal_id),
                        AuditAction::Logout,
                        &format!("session:{}", session.id),
                        Outcome::Ok,
                        ip,
                    )
                    .await?;
                }
            }
        }
        Ok((
            axum::http::StatusCode::NO_CONTENT,
            [(header::SET_COOKIE, cleared_cookie(role))],
        )
            .into_response())
    }
}
