//! Tongban for native shells: a thin uniffi facade over core. Shells render; core decides.
//!
//! Kotlin sees `uniffi.tongban_mobile.TongbanClient`; the API types it returns are core's own
//! (`uniffi.tongban_core.MatterSummary`, `ApiException`), defined once for every shell.

pub mod draft_store;

use std::sync::Arc;

use tongban_core::auth::{Account, CodeSent, SessionInfo, SessionSecretStore};
use tongban_core::{ApiClient, ApiError, MatterSummary};

uniffi::setup_scaffolding!();

/// Where the shell keeps the session token: Android Keystore-backed storage, the iOS Keychain.
/// The shell implements it; the token never leaves it except to be sent to the API.
#[uniffi::export(with_foreign)]
pub trait SecretStore: Send + Sync {
    fn load(&self) -> Option<String>;
    fn save(&self, token: String);
    fn clear(&self);
}

/// Core's secret-store contract, served by the shell's implementation.
struct ShellSecrets(Arc<dyn SecretStore>);

impl SessionSecretStore for ShellSecrets {
    fn load(&self) -> Option<String> {
        self.0.load()
    }
    fn save(&self, token: &str) {
        self.0.save(token.to_owned())
    }
    fn clear(&self) {
        self.0.clear()
    }
}

/// The one object a native shell holds: a client of the Tongban API.
#[derive(uniffi::Object)]
pub struct TongbanClient {
    api: ApiClient,
}

fn checked_base_url(base_url: &str) -> Result<String, ApiError> {
    let trimmed = base_url.trim();
    let scheme_ok = trimmed.starts_with("https://") || trimmed.starts_with("http://");
    let has_host = trimmed
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.trim_matches('/').is_empty());
    if !scheme_ok || !has_host {
        return Err(ApiError::Validation {
            code: "validation".into(),
            fields: Vec::new(),
            detail: format!("not an http(s) base URL: {base_url:?}"),
        });
    }
    Ok(trimmed.to_owned())
}

#[uniffi::export(async_runtime = "tokio")]
impl TongbanClient {
    /// A client of the API at `base_url` (`https://…`, or `http://` for development) that keeps
    /// a session only in memory (gone when the app stops).
    #[uniffi::constructor]
    pub fn new(base_url: String) -> Result<Arc<Self>, ApiError> {
        Ok(Arc::new(Self {
            api: ApiClient::new(checked_base_url(&base_url)?),
        }))
    }

    /// A client that keeps its session token in the shell's secure store, so a restarted app
    /// is still logged in.
    #[uniffi::constructor]
    pub fn with_secret_store(
        base_url: String,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Arc<Self>, ApiError> {
        let api = ApiClient::new(checked_base_url(&base_url)?)
            .with_secret_store(Arc::new(ShellSecrets(secrets)));
        Ok(Arc::new(Self { api }))
    }

    /// The base URL this client talks to.
    pub fn base_url(&self) -> String {
        self.api.base_url().to_owned()
    }

    /// The catalog's matters, most used first.
    pub async fn list_matters(&self) -> Result<Vec<MatterSummary>, ApiError> {
        self.api.list_matters().await
    }

    /// Whether a session token is held (the person may still need to log in if it expired).
    pub fn holds_session(&self) -> bool {
        self.api.holds_session()
    }

    /// Texts a one-time login code to `phone`.
    pub async fn send_login_code(&self, phone: String) -> Result<CodeSent, ApiError> {
        self.api.send_login_code(&phone).await
    }

    /// Logs in with the texted code; the token goes to the secure store.
    pub async fn login(&self, phone: String, code: String) -> Result<Account, ApiError> {
        self.api.login(&phone, &code).await
    }

    /// Ends the session on the server and clears the secure store.
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.api.logout().await
    }

    /// The logged-in person (personal numbers masked).
    pub async fn me(&self) -> Result<Account, ApiError> {
        self.api.me().await
    }

    /// Verifies identity with name and resident ID number (no face needed).
    pub async fn verify_identity(
        &self,
        name: String,
        id_number: String,
    ) -> Result<Account, ApiError> {
        self.api.verify_identity(&name, &id_number).await
    }

    /// The account's signed-in devices.
    pub async fn sessions(&self) -> Result<Vec<SessionInfo>, ApiError> {
        self.api.sessions().await
    }

    /// Signs one of the account's devices out.
    pub async fn revoke_session(&self, id: String) -> Result<(), ApiError> {
        self.api.revoke_session(&id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_an_http_base_url() {
        for bad in ["", "ftp://x.gov.cn", "x.gov.cn", "https://", "http:///"] {
            assert!(
                matches!(
                    TongbanClient::new(bad.into()),
                    Err(ApiError::Validation { .. })
                ),
                "{bad:?} accepted"
            );
        }
        let ok = TongbanClient::new(" https://x.gov.cn/ ".into()).unwrap();
        assert_eq!(ok.base_url(), "https://x.gov.cn");
    }
}
