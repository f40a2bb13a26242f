//! Login by phone and one-time code, staff login, sessions and rate limits.
//!
//! Secrets are random, kept only hashed, and compared in constant time. Every limit is
//! configuration. Session tokens reach the web app only in a `__Host-` cookie script cannot read;
//! native shells ask for them in the body and keep them in the platform's secure store.

pub mod password;
pub mod sms;
pub mod verifier;

use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderValue};
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::clock::SharedClock;
use sms::CodeSender;
use verifier::IdentityVerifier;

/// The cookie holding a person's session.
pub const CITIZEN_COOKIE: &str = "__Host-tongban";
/// The cookie holding a staff member's session: a separate name, so the two never mix.
pub const STAFF_COOKIE: &str = "__Host-tongban-staff";

/// Limits and lifetimes of codes and sessions.
#[derive(Clone, Debug, clap::Args)]
pub struct AuthConfig {
    /// How long a login code can be used, in seconds.
    #[arg(long, env = "TONGBAN_CODE_VALID_SECONDS", default_value_t = 300)]
    pub code_valid_seconds: u32,
    /// The least time between two codes sent to one phone, in seconds.
    #[arg(long, env = "TONGBAN_CODE_RESEND_SECONDS", default_value_t = 60)]
    pub code_resend_seconds: u32,
    /// The window the following counts are taken over, in seconds.
    #[arg(long, env = "TONGBAN_LIMIT_WINDOW_SECONDS", default_value_t = 900)]
    pub limit_window_seconds: u32,
    /// Codes sent to one phone per window.
    #[arg(long, env = "TONGBAN_MAX_SENDS_PER_PHONE", default_value_t = 5)]
    pub max_sends_per_phone: u32,
    /// Codes sent from one IP address per window.
    #[arg(long, env = "TONGBAN_MAX_SENDS_PER_IP", default_value_t = 30)]
    pub max_sends_per_ip: u32,
    /// Failed logins (or identity checks) for one phone (account, staff name) per window.
    #[arg(long, env = "TONGBAN_MAX_FAILURES_PER_SUBJECT", default_value_t = 10)]
    pub max_failures_per_subject: u32,
    /// Failed logins from one IP address per window (carrier NAT puts many people on one IP).
    #[arg(long, env = "TONGBAN_MAX_FAILURES_PER_IP", default_value_t = 30)]
    pub max_failures_per_ip: u32,
    /// A session unused this long ends, in seconds.
    #[arg(long, env = "TONGBAN_SESSION_IDLE_SECONDS", default_value_t = 1800)]
    pub session_idle_seconds: u32,
    /// A session ends this long after login however much it is used, in seconds.
    #[arg(
        long,
        env = "TONGBAN_SESSION_ABSOLUTE_SECONDS",
        default_value_t = 43_200
    )]
    pub session_absolute_seconds: u32,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            code_valid_seconds: 300,
            code_resend_seconds: 60,
            limit_window_seconds: 900,
            max_sends_per_phone: 5,
            max_sends_per_ip: 30,
            max_failures_per_subject: 10,
            max_failures_per_ip: 30,
            session_idle_seconds: 1800,
            session_absolute_seconds: 43_200,
        }
    }
}

/// The pieces of authentication that differ between production, development and tests.
#[derive(Clone)]
pub struct AuthServices {
    pub clock: SharedClock,
    pub sms: Arc<dyn CodeSender>,
    pub identity: Arc<dyn IdentityVerifier>,
}

/// What the handlers need: configuration and services.
#[derive(Clone)]
pub struct Auth {
    pub config: AuthConfig,
    pub services: AuthServices,
}

impl Auth {
    pub fn now(&self) -> i64 {
        self.services.clock.now()
    }
}

/// Who a session belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Citizen,
    Staff,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Staff => "staff",
        }
    }

    pub fn cookie(self) -> &'static str {
        match self {
            Self::Citizen => CITIZEN_COOKIE,
            Self::Staff => STAFF_COOKIE,
        }
    }
}

/// `n` random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    bytes
}

/// A new session token: 256 random bits, URL-safe.
pub fn new_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// A new six-digit login code, uniform over 000000–999999.
pub fn new_code() -> String {
    loop {
        let n = u32::from_le_bytes(random_bytes::<4>());
        // Reject the top sliver so every code is equally likely.
        if n < u32::MAX - u32::MAX % 1_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// A new public id (sessions, accounts, staff): UUIDv7, sortable by creation.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// SHA-256 of the parts, hex: what is stored instead of a token, a code or a phone in a counter.
pub fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn token_hash(token: &str) -> String {
    digest(&["session-token", token])
}

pub fn code_hash(phone: &str, code: &str) -> String {
    digest(&["login-code", phone, code])
}

/// Compares two secrets' hashes in time that does not depend on where they differ.
pub fn secrets_match(expected: &str, given: &str) -> bool {
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

/// The session token a request carries: `Authorization: Bearer` (native) or the role's cookie.
pub fn presented_token(headers: &HeaderMap, role: Role) -> Option<String> {
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(token) = value.strip_prefix("Bearer ") {
            return Some(token.trim().to_owned()).filter(|t| !t.is_empty());
        }
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == role.cookie())
        .map(|(_, value)| value.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The cookie that carries a new session: only over HTTPS (or localhost), never to script,
/// never on requests from other sites.
pub fn session_cookie(role: Role, token: &str, max_age: u32) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age}",
        role.cookie()
    ))
    .expect("tokens are URL-safe base64")
}

/// The cookie of a session opened inside a host super-app's frame: sent in that frame too
/// (`SameSite=None`), and kept in a jar partitioned by the host's site (`Partitioned`), so
/// one host's page never carries another host's session.
pub fn embedded_session_cookie(token: &str, max_age: u32) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{CITIZEN_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=None; Partitioned; Max-Age={max_age}"
    ))
    .expect("tokens are URL-safe base64")
}

/// The cookie that removes a session from the browser.
pub fn cleared_cookie(role: Role) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
        role.cookie()
    ))
    .expect("static cookie")
}

/// A short, non-identifying description of the device from its User-Agent (`Android · Chrome`).
pub fn describe_device(headers: &HeaderMap) -> String {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if ua.starts_with("tongban-") {
        return ua.split('/').next().unwrap_or("tongban").to_owned();
    }
    let system = [
        ("HarmonyOS", "HarmonyOS"),
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| name);
    let app = [
        ("MicroMessenger", "WeChat"),
        ("AlipayClient", "Alipay"),
        ("ZWJSBridge", "浙里办"),
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| name);
    match (system, app) {
        (Some(s), Some(a)) => format!("{s} · {a}"),
        (Some(s), None) => s.to_owned(),
        (None, Some(a)) => a.to_owned(),
        (None, None) => "?".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        // 32 bytes → 43 base64 characters: 256 bits, well over the 128 required.
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn codes_are_six_digits_and_spread_out() {
        let codes: std::collections::HashSet<String> = (0..200).map(|_| new_code()).collect();
        assert!(codes
            .iter()
            .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
        assert!(codes.len() > 190, "codes repeat too often: {}", codes.len());
    }

    #[test]
    fn secrets_match_only_when_equal() {
        let expected = code_hash("13800138000", "123456");
        assert!(secrets_match(
            &expected,
            &code_hash("13800138000", "123456")
        ));
        assert!(!secrets_match(
            &expected,
            &code_hash("13800138000", "123457")
        ));
        assert!(!secrets_match(
            &expected,
            &code_hash("13800138001", "123456")
        ));
        assert!(!secrets_match(&expected, ""));
        // The digest separates its parts: no two splits of the same characters collide.
        assert_ne!(digest(&["ab", "c"]), digest(&["a", "bc"]));
    }

    #[test]
    fn the_token_comes_from_bearer_or_the_roles_own_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static(
                "a=1; __Host-tongban=citizen-token; __Host-tongban-staff=staff-token",
            ),
        );
        assert_eq!(
            presented_token(&headers, Role::Citizen).as_deref(),
            Some("citizen-token")
        );
        assert_eq!(
            presented_token(&headers, Role::Staff).as_deref(),
            Some("staff-token")
        );
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer native-token"),
        );
        assert_eq!(
            presented_token(&headers, Role::Citizen).as_deref(),
            Some("native-token")
        );
        assert_eq!(presented_token(&HeaderMap::new(), Role::Citizen), None);
    }

    #[test]
    fn the_session_cookie_is_host_only_secure_and_hidden_from_script() {
        let cookie = session_cookie(Role::Citizen, "t", 60);
        let cookie = cookie.to_str().unwrap();
        for part in [
            "__Host-tongban=t",
            "Path=/",
            "Secure",
            "HttpOnly",
            "SameSite=Strict",
        ] {
            assert!(cookie.contains(part), "{cookie} lacks {part}");
        }
        assert!(!cookie.contains("Domain"));
    }

    #[test]
    fn devices_are_described_without_identifying_details() {
        let mut headers = HeaderMap::new();
        headers.insert(header::USER_AGENT, HeaderValue::from_static(
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
        ));
        assert_eq!(describe_device(&headers), "Android · Chrome");
        headers.insert(header::USER_AGENT, HeaderValue::from_static(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0",
        ));
        assert_eq!(describe_device(&headers), "iPhone · WeChat");
    }
}
