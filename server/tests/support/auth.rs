//! A server with a clock the test moves and the development SMS sender the test reads, and a
//! person who logs in through it.

use std::sync::Arc;

use tongban_core::auth::{MemorySecretStore, SessionSecretStore};
use tongban_core::ApiClient;
use tongban_server::auth::sms::DevLogSender;
use tongban_server::auth::verifier::{DevVerifier, IdentityVerifier};
use tongban_server::auth::{AuthConfig, AuthServices};
use tongban_server::clock::ManualClock;
use tongban_server::{start_with, Config, RunningServer};

use super::{fake_web_dir, sqlite_url};

pub struct AuthServer {
    pub server: RunningServer,
    pub clock: ManualClock,
    pub sms: DevLogSender,
    pub base: String,
    _dirs: Vec<tempfile::TempDir>,
}

impl AuthServer {
    pub async fn on_sqlite(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(dir.path());
        Self::on(url, vec![dir], tweak).await
    }

    /// On SQLite, with `identity` answering identity verification (the population register).
    pub async fn on_sqlite_verified_by(
        identity: Arc<dyn IdentityVerifier>,
        tweak: impl FnOnce(&mut Config),
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(dir.path());
        Self::on_with(url, vec![dir], identity, tweak).await
    }

    pub async fn on(
        database_url: String,
        dirs: Vec<tempfile::TempDir>,
        tweak: impl FnOnce(&mut Config),
    ) -> Self {
        Self::on_with(database_url, dirs, Arc::new(DevVerifier), tweak).await
    }

    async fn on_with(
        database_url: String,
        mut dirs: Vec<tempfile::TempDir>,
        identity: Arc<dyn IdentityVerifier>,
        tweak: impl FnOnce(&mut Config),
    ) -> Self {
        let web = fake_web_dir();
        let mut config = Config::for_tests(database_url, web.path());
        config.auth = AuthConfig::default();
        tweak(&mut config);
        let clock = ManualClock::starting_now();
        let sms = DevLogSender::default();
        let services = AuthServices {
            clock: Arc::new(clock.clone()),
            sms: Arc::new(sms.clone()),
            identity,
        };
        let server = start_with(config, services).await.unwrap();
        dirs.push(web);
        Self {
            base: server.base_url(),
            server,
            clock,
            sms,
            _dirs: dirs,
        }
    }

    /// A native-style client holding its session token in memory.
    pub fn client(&self) -> (ApiClient, Arc<MemorySecretStore>) {
        let secrets = Arc::new(MemorySecretStore::default());
        let client = ApiClient::new(&self.base).with_secret_store(secrets.clone());
        (client, secrets)
    }

    /// Sends a code to `phone` and logs in with it; the client then holds the session.
    pub async fn login(&self, phone: &str) -> (ApiClient, Arc<MemorySecretStore>) {
        let (client, secrets) = self.client();
        client.send_login_code(phone).await.unwrap();
        let code = self
            .sms
            .last_code(phone)
            .expect("the development sender got a code");
        client.login(phone, &code).await.unwrap();
        assert!(secrets.load().is_some());
        (client, secrets)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{}", self.base, path)
    }
}
