//! Tongban for native shells: a thin uniffi facade over core. Shells render; core decides.
//!
//! Kotlin sees `uniffi.tongban_mobile.TongbanClient`; the API types and screen views it returns
//! are core's own (`uniffi.tongban_core.MatterSummary`, `QuestionView`, `ApiException`), defined
//! once for every shell. One file per feature, each with its own exported `impl` block:
//! `client` (construction, storage), `account`, `drafts`, `catalog`, `applications`, `benefits`,
//! `wallet`; `transport`, the shell's HTTP stack.

mod account;
mod applications;
mod benefits;
mod catalog;
mod client;
pub mod draft_store;
mod drafts;
mod transport;
mod wallet;

use std::collections::HashMap;
use std::sync::Arc;

pub use applications::ApplicationView;
pub use benefits::{BenefitClaim, BenefitItem};
pub use catalog::{MatterHit, Speaker};
pub use client::TongbanClient;
pub use drafts::{ConflictView, DraftView, Keep, SyncSummary};
use tongban_core::auth::SessionSecretStore;
pub use transport::{
    HttpHeader, HttpRequest, HttpResponse, HttpTransport, NoNetwork, TransportError,
};
pub use wallet::{CheckResult, Showing, WalletItem, WalletState};

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

/// Where the shell keeps the key of an account's drafts: 32 random bytes made once per account
/// and held by Android Keystore / the iOS Keychain. Drafts on the device are encrypted with it.
#[uniffi::export(with_foreign)]
pub trait DraftKeys: Send + Sync {
    fn draft_key(&self, account_id: String) -> Vec<u8>;
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A message in `language` (BCP 47; unknown languages fall back to Chinese), from the same Fluent
/// files every shell uses: native screens show the web's words (`error-<code>` for an error code).
/// `args` fill the message's placeholders.
#[uniffi::export]
pub fn message(id: String, language: String, args: HashMap<String, String>) -> String {
    let loader = tongban_core::i18n::loader_for_tag(&language);
    let text = if args.is_empty() {
        loader.get(&id)
    } else {
        loader.get_args(&id, args)
    };
    tongban_core::i18n::plain(text)
}
