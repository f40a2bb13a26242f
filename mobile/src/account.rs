//! Logging in and out (texted code, or a host super-app's ticket), the account, its identity
//! check and its devices.

use tongban_core::auth::{Account, CodeSent, SessionInfo};
use tongban_core::draft_store::DraftStore;
use tongban_core::ApiError;

use crate::TongbanClient;

#[uniffi::export]
impl TongbanClient {
    /// Texts a one-time login code to `phone`.
    pub async fn send_login_code(&self, phone: String) -> Result<CodeSent, ApiError> {
        self.api.send_login_code(&phone).await
    }

    /// Logs in with the texted code; the token goes to the secure store, and this account's
    /// drafts become the ones the client works on.
    pub async fn login(&self, phone: String, code: String) -> Result<Account, ApiError> {
        let account = self.api.login(&phone, &code).await?;
        self.switch_to(account).await
    }

    /// Logs in with a ticket from the host super-app this library is embedded in (single
    /// sign-on, docs/embedding.md): the same account as a phone login.
    pub async fn host_login(&self, host_id: String, ticket: String) -> Result<Account, ApiError> {
        let account = self.api.host_login(&host_id, &ticket).await?;
        self.switch_to(account).await
    }

    /// Ends the session on the server and clears the secure store. The account's drafts are
    /// cleared from the device too: check `drafts()` for pending changes and warn first.
    pub async fn logout(&self) -> Result<(), ApiError> {
        let result = self.api.logout().await;
        if self.storage.is_some() {
            if let Some(account) = self.known_account()? {
                self.store_for(&account)?.clear().await?;
            }
            let _ = std::fs::remove_file(self.storage()?.dir.join("account"));
            *self.drafts.lock().await = None;
        }
        result
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
