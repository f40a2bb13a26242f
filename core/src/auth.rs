//! Accounts, login by phone and one-time code, sessions and real-name levels: the API's types, and
//! the one place a native shell keeps its session secret (`SessionSecretStore`).
//!
//! The web shell never sees its session token (the server keeps it in an HttpOnly cookie); native
//! shells ask for it in the login answer and hand it to the platform's secure store.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// How far the server knows who a person is. A matter may require a level; higher includes lower.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RealNameLevel {
    /// The person proved they hold the phone number (every logged-in account).
    PhoneVerified,
    /// Name and resident ID number were checked against the population register.
    IdentityVerified,
}

impl RealNameLevel {
    pub fn code(self) -> &'static str {
        match self {
            Self::PhoneVerified => "phone-verified",
            Self::IdentityVerified => "identity-verified",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::PhoneVerified, Self::IdentityVerified]
            .into_iter()
            .find(|l| l.code() == code)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Self::PhoneVerified => "level-phone-verified",
            Self::IdentityVerified => "level-identity-verified",
        }
    }
}

/// How the person proves their identity. Face recognition is never the only way: every level can
/// be reached with a method that needs no face.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum IdentityMethod {
    /// Name and ID number matched against the population register.
    IdNumberCheck,
    /// At a service hall, by staff looking at the ID card.
    InPerson,
}

/// Where the login answer puts the new session: a cookie script cannot read (web), or the body
/// (native shells, which keep it in the platform's secure store).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SessionDelivery {
    #[default]
    Cookie,
    Token,
}

/// `POST /api/v1/auth/code`: send a one-time code to this phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendCodeRequest {
    /// A mainland mobile number as `identity::check_api_mobile` takes it (the apps send it
    /// normalized: no spaces, ASCII digits).
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^(\+86)?(0086)?1[3-9][0-9]{9}$")
    )]
    pub phone: String,
}

/// A code is on its way. Times are Unix seconds; shells show them as clock times, not countdowns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CodeSent {
    pub masked_phone: String,
    /// How long the code can be used, in seconds.
    pub valid_seconds: u32,
    pub expires_at: i64,
    /// From when a new code can be asked for.
    pub resend_at: i64,
}

/// `POST /api/v1/auth/login`: the phone and the code it received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^(\+86)?(0086)?1[3-9][0-9]{9}$")
    )]
    pub phone: String,
    /// The six digits the text gave.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{6}$"))]
    pub code: String,
    #[serde(default)]
    pub delivery: SessionDelivery,
}

/// The logged-in person as the app shows them: personal numbers only masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Account {
    pub id: String,
    pub masked_phone: String,
    pub level: RealNameLevel,
    /// `张*`-style, once the identity is verified.
    pub masked_name: Option<String>,
    /// At most the first 3 and last 4 characters.
    pub masked_id_number: Option<String>,
    pub created_at: i64,
}

/// The answer to a login: the account, and the session token only if it was asked for in the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResult {
    pub account: Account,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// What a form may be filled from (`GET /api/v1/me/profile`): the full values, for this person
/// only, never cached, each read audited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub phone: String,
    pub name: Option<String>,
    pub id_number: Option<String>,
}

/// `POST /api/v1/me/identity`: verify the account's identity with name and resident ID number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityRequest {
    pub name: String,
    pub id_number: String,
    #[serde(default = "default_method")]
    pub method: IdentityMethod,
}

fn default_method() -> IdentityMethod {
    IdentityMethod::IdNumberCheck
}

/// One signed-in device of the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionInfo {
    /// A public id (not the token): used to sign that device out.
    pub id: String,
    /// What the device said it is, shortened (`Android · Chrome`).
    pub device: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    pub items: Vec<SessionInfo>,
}

/// One line of the account's activity: what happened to it, when, and whether it succeeded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ActivityEntry {
    pub at: i64,
    /// A stable code (`login`, `logout`, `identity-verified` …); message `activity-<action>`.
    pub action: String,
    pub ok: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityList {
    pub items: Vec<ActivityEntry>,
}

/// `POST /api/v1/staff/login`: department staff log in with their own accounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffLoginRequest {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub delivery: SessionDelivery,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// The department's name.
    pub department: String,
    #[serde(default)]
    pub department_id: String,
    #[serde(default = "default_role")]
    pub role: crate::case::StaffRole,
}

fn default_role() -> crate::case::StaffRole {
    crate::case::StaffRole::Clerk
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffLoginResult {
    pub staff: StaffAccount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// A name for display where the full value is not needed: the family name, the rest masked
/// (`张*`, `欧阳**`-style lengths kept; a Latin name keeps its first letter).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        n => std::iter::once(chars[0])
            .chain(std::iter::repeat_n('*', n - 1))
            .collect(),
    }
}

/// Where a native shell keeps its session token: the platform's secure store (Android Keystore,
/// iOS Keychain) behind this trait. Core calls it; the shell implements it.
pub trait SessionSecretStore: Send + Sync {
    fn load(&self) -> Option<String>;
    fn save(&self, token: &str);
    fn clear(&self);
}

/// A store that forgets on exit: for tests and for shells that must not persist a session.
#[derive(Default)]
pub struct MemorySecretStore(Mutex<Option<String>>);

impl SessionSecretStore for MemorySecretStore {
    fn load(&self) -> Option<String> {
        self.0.lock().ok()?.clone()
    }
    fn save(&self, token: &str) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(token.to_owned());
        }
    }
    fn clear(&self) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = None;
        }
    }
}

impl std::fmt::Debug for dyn SessionSecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.load().is_some() {
            "SessionSecretStore(holding a session)"
        } else {
            "SessionSecretStore(empty)"
        })
    }
}

pub type SharedSecretStore = Arc<dyn SessionSecretStore>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_and_round_trip_their_codes() {
        assert!(RealNameLevel::IdentityVerified > RealNameLevel::PhoneVerified);
        for level in [
            RealNameLevel::PhoneVerified,
            RealNameLevel::IdentityVerified,
        ] {
            assert_eq!(RealNameLevel::from_code(level.code()), Some(level));
            assert_eq!(
                serde_json::to_string(&level).unwrap(),
                format!("\"{}\"", level.code())
            );
        }
        assert_eq!(RealNameLevel::from_code("face"), None);
    }

    #[test]
    fn names_keep_only_their_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name(" 欧阳娜娜 "), "欧***");
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn the_memory_store_holds_one_token_until_cleared() {
        let store = MemorySecretStore::default();
        assert_eq!(store.load(), None);
        store.save("a");
        store.save("b");
        assert_eq!(store.load().as_deref(), Some("b"));
        store.clear();
        assert_eq!(store.load(), None);
    }
}
