//! The one object a native shell holds: its construction, the app's storage folder, and the
//! drafts of the logged-in account (loaded once, saved after every change).

use std::path::PathBuf;
use std::sync::Arc;

use tongban_core::auth::Account;
use tongban_core::draft::DeviceState;
use tongban_core::draft_store::DraftStore;
use tongban_core::{ApiClient, ApiError};

use crate::draft_store::FileDraftStore;
use crate::transport::{HttpTransport, ShellTransport};
use crate::{new_id, DraftKeys, SecretStore, ShellSecrets};

/// The app's own storage folder and the keys for the drafts kept in it.
pub(crate) struct Storage {
    pub dir: PathBuf,
    pub keys: Arc<dyn DraftKeys>,
}

/// The one object a native shell holds: a client of the Tongban API.
#[derive(uniffi::Object)]
pub struct TongbanClient {
    pub(crate) api: ApiClient,
    pub(crate) storage: Option<Storage>,
    /// The logged-in account's drafts and outbox, loaded on first use.
    pub(crate) drafts: tokio::sync::Mutex<Option<(String, DeviceState)>>,
    /// The catalog's search structures, built once from the cached index.
    pub(crate) search: std::sync::Mutex<Option<Arc<tongban_core::search::SearchIndex>>>,
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

/// Core's client of the API at `base_url`, its requests sent by the shell's `transport`.
fn api_client(base_url: &str, transport: Arc<dyn HttpTransport>) -> Result<ApiClient, ApiError> {
    Ok(ApiClient::with_transport(
        checked_base_url(base_url)?,
        Arc::new(ShellTransport(transport)),
    ))
}

#[uniffi::export]
impl TongbanClient {
    /// A client of the API at `base_url` (`https://…`, or `http://` for development) that keeps
    /// a session only in memory (gone when the app stops). Requests go through `transport`, the
    /// platform's HTTP stack.
    #[uniffi::constructor]
    pub fn new(base_url: String, transport: Arc<dyn HttpTransport>) -> Result<Arc<Self>, ApiError> {
        Ok(Arc::new(Self {
            api: api_client(&base_url, transport)?,
            storage: None,
            drafts: Default::default(),
            search: Default::default(),
        }))
    }

    /// A client that keeps its session token in the shell's secure store, so a restarted app
    /// is still logged in.
    #[uniffi::constructor]
    pub fn with_secret_store(
        base_url: String,
        secrets: Arc<dyn SecretStore>,
        transport: Arc<dyn HttpTransport>,
    ) -> Result<Arc<Self>, ApiError> {
        let api =
            api_client(&base_url, transport)?.with_secret_store(Arc::new(ShellSecrets(secrets)));
        Ok(Arc::new(Self {
            api,
            storage: None,
            drafts: Default::default(),
            search: Default::default(),
        }))
    }

    /// The full client of an app: the session in the secure store, drafts kept encrypted in
    /// `storage_dir` (the app's private files folder) with keys from `keys`. A new client over
    /// the same folder (the app restarted) finds everything again, offline too.
    #[uniffi::constructor]
    pub fn with_storage(
        base_url: String,
        secrets: Arc<dyn SecretStore>,
        keys: Arc<dyn DraftKeys>,
        storage_dir: String,
        transport: Arc<dyn HttpTransport>,
    ) -> Result<Arc<Self>, ApiError> {
        let api =
            api_client(&base_url, transport)?.with_secret_store(Arc::new(ShellSecrets(secrets)));
        Ok(Arc::new(Self {
            api,
            storage: Some(Storage {
                dir: PathBuf::from(storage_dir),
                keys,
            }),
            drafts: Default::default(),
            search: Default::default(),
        }))
    }

    /// The base URL this client talks to.
    pub fn base_url(&self) -> String {
        self.api.base_url().to_owned()
    }

    /// Whether a session token is held (the person may still need to log in if it expired).
    pub fn holds_session(&self) -> bool {
        self.api.holds_session()
    }
}

impl TongbanClient {
    pub(crate) fn storage(&self) -> Result<&Storage, ApiError> {
        self.storage.as_ref().ok_or_else(|| ApiError::Storage {
            detail: "this client was made without storage (use with_storage)".into(),
        })
    }

    pub(crate) fn store_for(&self, account: &str) -> Result<FileDraftStore, ApiError> {
        let storage = self.storage()?;
        let key = storage.keys.draft_key(account.to_owned());
        Ok(FileDraftStore::new(
            storage.dir.join(format!("drafts-{account}.bin")),
            &key,
        )?)
    }

    /// The account whose drafts this device holds (kept so drafts open offline).
    pub(crate) fn known_account(&self) -> Result<Option<String>, ApiError> {
        let path = self.storage()?.dir.join("account");
        match std::fs::read_to_string(path) {
            Ok(id) => Ok(Some(id.trim().to_owned()).filter(|i| !i.is_empty())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ApiError::Storage {
                detail: e.to_string(),
            }),
        }
    }

    fn device_id(&self) -> Result<String, ApiError> {
        let path = self.storage()?.dir.join("device");
        if let Ok(id) = std::fs::read_to_string(&path) {
            return Ok(id.trim().to_owned());
        }
        let id = new_id();
        std::fs::create_dir_all(&self.storage()?.dir)
            .and_then(|_| std::fs::write(&path, &id))
            .map_err(|e| ApiError::Storage {
                detail: e.to_string(),
            })?;
        Ok(id)
    }

    /// Runs `f` on the account's drafts, then saves them (one step: draft and outbox together).
    pub(crate) async fn with_drafts<R>(
        &self,
        f: impl FnOnce(&mut DeviceState) -> R,
    ) -> Result<R, ApiError> {
        let mut slot = self.drafts.lock().await;
        if slot.is_none() {
            let account = self.known_account()?.ok_or(ApiError::Unauthorized)?;
            let state = self.store_for(&account)?.load().await?;
            let state = match state {
                Some(s) => s,
                None => DeviceState::new(self.device_id()?),
            };
            *slot = Some((account, state));
        }
        let (account, state) = slot.as_mut().expect("loaded above");
        let result = f(state);
        self.store_for(account)?.save(state).await?;
        Ok(result)
    }

    /// After a login: remember the account, and work on its drafts (not another account's).
    pub(crate) async fn switch_to(&self, account: Account) -> Result<Account, ApiError> {
        if let Some(storage) = &self.storage {
            std::fs::create_dir_all(&storage.dir)
                .and_then(|_| std::fs::write(storage.dir.join("account"), &account.id))
                .map_err(|e| ApiError::Storage {
                    detail: e.to_string(),
                })?;
            let mut slot = self.drafts.lock().await;
            if slot.as_ref().is_some_and(|(a, _)| *a != account.id) {
                *slot = None;
            }
        }
        Ok(account)
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
                    TongbanClient::new(bad.into(), Arc::new(crate::transport::NoNetwork)),
                    Err(ApiError::Validation { .. })
                ),
                "{bad:?} accepted"
            );
        }
        let ok = TongbanClient::new(
            " https://x.gov.cn/ ".into(),
            Arc::new(crate::transport::NoNetwork),
        )
        .unwrap();
        assert_eq!(ok.base_url(), "https://x.gov.cn");
    }
}
