//! The Tongban API server: configuration, start-up (database, migrations, seed) and shutdown.
//!
//! It keeps no state between requests beyond the database, so more instances behind a load
//! balancer scale it out.

/// The allocator the server runs with: mimalloc instead of glibc's malloc — per-thread free
/// lists, and freed memory kept for reuse where glibc handed each answer's large compression
/// buffers back to the system (to fault them in again, zeroed). Measured with it: 20–50 % less
/// CPU for an uncached search answer (by encoding), ~35 % less for a cached guide. Set by
/// `main.rs`, and by the benches that start the server in their own process so they measure
/// it as it ships.
pub use mimalloc::MiMalloc as Allocator;

pub mod access;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod catalog;
pub mod clock;
pub mod demo_host;
pub mod documents;
pub mod encoded;
pub mod error;
pub mod forms;
pub mod hosts;
pub mod http;
pub mod images;
pub mod issuance;
pub mod issuers;
pub mod notify;
pub mod objects;
pub mod presented;
pub mod rotation;
pub mod seed;
pub mod session;
pub mod state;
pub mod store;
pub mod submission;
pub mod vault;
pub mod web;

use std::net::SocketAddr;
use std::path::PathBuf;

use std::sync::Arc;

use anyhow::Context;
use auth::sms::{CodeSender, DevLogSender, HttpGateway};
use auth::verifier::DevVerifier;
use auth::{Auth, AuthConfig, AuthServices};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How to run the server. Every option has a flag and an environment variable.
#[derive(Clone, Debug, clap::Parser)]
#[command(
    name = "tongban-server",
    version,
    about = "Tongban's HTTP API and PWA host"
)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "TONGBAN_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Database URL: `sqlite://path/to/file.db` (created if missing) or `postgres://…`.
    #[arg(
        long,
        env = "TONGBAN_DATABASE_URL",
        default_value = "sqlite://data/tongban.db"
    )]
    pub database_url: String,
    /// Folder holding the built PWA (made by `cargo xtask build`).
    #[arg(long, env = "TONGBAN_WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,
    /// Folder for uploaded materials (the local object store).
    #[arg(long, env = "TONGBAN_OBJECT_DIR", default_value = "data/objects")]
    pub object_dir: PathBuf,
    /// Keep uploaded materials in an S3-compatible bucket instead, `s3://bucket[/prefix]` (what
    /// several instances share); endpoint, region and keys below.
    #[arg(long, env = "TONGBAN_OBJECT_STORE")]
    pub object_store: Option<String>,
    #[command(flatten)]
    pub s3: objects::S3Options,
    /// Seed the demo catalog into an empty database.
    #[arg(long, env = "TONGBAN_SEED_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    pub seed_demo: bool,
    /// More origins allowed to frame the app (CSP frame-ancestors), beside the registered hosts';
    /// comma-separated.
    #[arg(
        long = "host-origin",
        env = "TONGBAN_HOST_ORIGINS",
        value_delimiter = ','
    )]
    pub host_origins: Vec<String>,
    /// Take the client's IP address from `X-Forwarded-For`: only behind a proxy that sets it.
    #[arg(long, env = "TONGBAN_TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_forwarded_for: bool,
    /// Development mode: without an SMS gateway, texts (login codes included) are written to
    /// the log; without an identity verification service, any valid ID number matches. Without
    /// it the server refuses to start unless both services are configured.
    #[arg(long, env = "TONGBAN_DEV", default_value_t = false, action = clap::ArgAction::SetTrue)]
    pub dev: bool,
    /// The SMS gateway that sends login codes and notices (`POST` JSON, docs/operations.md).
    #[arg(long, env = "TONGBAN_SMS_GATEWAY_URL")]
    pub sms_gateway_url: Option<String>,
    /// Bearer token for the SMS gateway.
    #[arg(long, env = "TONGBAN_SMS_GATEWAY_TOKEN", hide_env_values = true)]
    pub sms_gateway_token: Option<String>,
    /// The identity verification service (name + resident ID number → match or mismatch;
    /// `POST` JSON, docs/operations.md).
    #[arg(long, env = "TONGBAN_IDENTITY_VERIFIER_URL")]
    pub identity_verifier_url: Option<String>,
    /// Bearer token for the identity verification service.
    #[arg(long, env = "TONGBAN_IDENTITY_VERIFIER_TOKEN", hide_env_values = true)]
    pub identity_verifier_token: Option<String>,
    /// How often the outbox of notifications is looked at, in milliseconds.
    #[arg(long, env = "TONGBAN_NOTIFY_INTERVAL_MS", default_value_t = 1000)]
    pub notify_interval_ms: u64,
    /// The registry of host super-apps that embed the app and log people in (a JSON array; see
    /// docs/embedding.md).
    #[arg(long, env = "TONGBAN_HOSTS_FILE")]
    pub hosts_file: Option<PathBuf>,
    /// The working-day calendar (format tongban-calendar/1); without it, the built-in one
    /// (2026 as published, 2027's statutory holidays).
    #[arg(long, env = "TONGBAN_CALENDAR_FILE")]
    pub calendar_file: Option<PathBuf>,
    /// The departments' certificate-signing keys (电子证照), a JSON file (docs/operations.md).
    /// Without it, development uses demo keys; otherwise no certificates are issued.
    #[arg(long, env = "TONGBAN_ISSUER_KEYS_FILE")]
    pub issuer_keys_file: Option<PathBuf>,
    /// Where the service is reached from outside (`https://…`, no path): certificates name
    /// their issuer and status list under it.
    #[arg(
        long,
        env = "TONGBAN_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// The audience host tickets must name (`aud`).
    #[arg(long, env = "TONGBAN_HOST_AUDIENCE", default_value = "tongban")]
    pub host_audience: String,
    /// The data keys that seal personal data at rest, `ID:ALGORITHM:BASE64KEY`, comma-separated:
    /// the first seals, the others only open (rotation re-seals with the first). ALGORITHM is
    /// aes-256-gcm (32-byte key) or sm4-gcm (16-byte key). Required unless --dev.
    #[arg(
        long = "data-key",
        env = "TONGBAN_DATA_KEYS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub data_keys: Vec<String>,
    /// The key of the keyed hashes that find rows by a sealed value (an ID number), base64, at
    /// least 32 bytes; never rotated with the data keys. Required with --data-key.
    #[arg(long, env = "TONGBAN_LOOKUP_KEY", hide_env_values = true)]
    pub lookup_key: Option<String>,
    /// Development without data keys: the generated keys are kept in this file.
    #[arg(long, env = "TONGBAN_DEV_KEY_FILE", default_value = "data/dev-keys")]
    pub dev_key_file: PathBuf,
    /// How often key rotation looks for values not sealed with the active key, in seconds.
    #[arg(long, env = "TONGBAN_ROTATION_INTERVAL_S", default_value_t = 300)]
    pub rotation_interval_s: u64,
    /// Hosts registered by code (tests, the development demo host), beside the hosts file's.
    #[arg(skip)]
    pub hosts: Vec<hosts::HostEntry>,
    #[command(flatten)]
    pub auth: AuthConfig,
    #[command(flatten)]
    pub booking: http::appointments::BookingOptions,
    #[command(flatten)]
    pub map: http::map::MapOptions,
    #[command(flatten)]
    pub rectification: http::rectifications::RectificationOptions,
    #[command(flatten)]
    pub consultation: http::consultations::ConsultationOptions,
}

impl Config {
    /// A configuration for tests: a free port on loopback, the given database and web folder.
    pub fn for_tests(database_url: impl Into<String>, web_dir: impl Into<PathBuf>) -> Self {
        Self {
            addr: "127.0.0.1:0".parse().expect("loopback address"),
            database_url: database_url.into(),
            web_dir: web_dir.into(),
            object_dir: std::env::temp_dir().join(format!("tongban-objects-{}", auth::new_id())),
            object_store: None,
            s3: objects::S3Options {
                region: objects::DEFAULT_REGION.into(),
                ..Default::default()
            },
            seed_demo: true,
            host_origins: Vec::new(),
            trust_forwarded_for: false,
            dev: true,
            sms_gateway_url: None,
            sms_gateway_token: None,
            identity_verifier_url: None,
            identity_verifier_token: None,
            notify_interval_ms: 200,
            hosts_file: None,
            calendar_file: None,
            host_audience: "tongban".into(),
            issuer_keys_file: None,
            public_url: "http://127.0.0.1:8080".into(),
            data_keys: Vec::new(),
            lookup_key: None,
            dev_key_file: std::env::temp_dir().join(format!("tongban-keys-{}", auth::new_id())),
            rotation_interval_s: 300,
            booking: Default::default(),
            map: Default::default(),
            rectification: Default::default(),
            consultation: Default::default(),
            hosts: Vec::new(),
            auth: AuthConfig::default(),
        }
    }

    /// The vault of data keys: from the configuration, or in development generated once and
    /// kept in the development key file. Production never runs without configured keys.
    pub fn vault(&self) -> anyhow::Result<vault::Vault> {
        match (&self.data_keys[..], &self.lookup_key) {
            ([], None) if self.dev => vault::Vault::development(&self.dev_key_file),
            ([], _) => anyhow::bail!(
                "refusing to start in production without data keys: set TONGBAN_DATA_KEYS \
                 (ID:aes-256-gcm:BASE64 of 32 random bytes, or ID:sm4-gcm:BASE64 of 16) and \
                 TONGBAN_LOOKUP_KEY (BASE64 of 32 random bytes) — docs/operations.md; --dev \
                 generates development keys"
            ),
            (_, None) => anyhow::bail!("TONGBAN_DATA_KEYS needs TONGBAN_LOOKUP_KEY as well"),
            (keys, Some(lookup)) => vault::Vault::from_config(keys, lookup)
                .context("the data keys in the configuration are not usable"),
        }
    }

    /// The services this configuration asks for: the system clock, the SMS gateway and the
    /// identity verification service. Without one of them the development stand-in is used —
    /// only in development mode (`--dev`): production is never development by accident.
    pub fn services(&self) -> anyhow::Result<AuthServices> {
        let mut missing = Vec::new();
        if self.sms_gateway_url.is_none() {
            missing.push("an SMS gateway (--sms-gateway-url, TONGBAN_SMS_GATEWAY_URL)");
        }
        if self.identity_verifier_url.is_none() {
            missing.push(
                "an identity verification service (--identity-verifier-url, TONGBAN_IDENTITY_VERIFIER_URL)",
            );
        }
        if !self.dev && !missing.is_empty() {
            anyhow::bail!(
                "refusing to start in production without {}; pass --dev to run with the development stand-ins (texts in the log, any valid ID number matches)",
                missing.join(" and ")
            );
        }
        let sms: Arc<dyn CodeSender> = match &self.sms_gateway_url {
            Some(url) => Arc::new(HttpGateway::new(
                url.clone(),
                self.sms_gateway_token.clone(),
            )),
            None => {
                tracing::warn!("development mode: no SMS gateway, texts are written to this log");
                Arc::new(DevLogSender::default())
            }
        };
        let identity: Arc<dyn auth::verifier::IdentityVerifier> = match &self.identity_verifier_url
        {
            Some(url) => Arc::new(auth::verifier::HttpVerifier::new(
                url.clone(),
                self.identity_verifier_token.clone(),
            )),
            None => {
                tracing::warn!(
                    "development mode: no identity verification service, any valid ID number matches"
                );
                Arc::new(DevVerifier)
            }
        };
        Ok(AuthServices {
            clock: Arc::new(clock::SystemClock),
            sms,
            identity,
        })
    }
}

/// A server that is listening; dropping it does not stop it, `shutdown` does.
pub struct RunningServer {
    local_addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    store: store::Store,
    stop_notifier: tokio::sync::watch::Sender<bool>,
    notifier: JoinHandle<()>,
    rotation: JoinHandle<()>,
}

impl RunningServer {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The store the server uses (tests look into it as an operator would).
    pub fn db(&self) -> &store::Store {
        &self.store
    }

    /// Stops accepting connections, lets requests in flight finish, and closes the database.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.task.await.context("server task")?.context("server")?;
        let _ = self.stop_notifier.send(true);
        let _ = self.notifier.await;
        let _ = self.rotation.await;
        self.store.close().await;
        Ok(())
    }
}

/// Opens the database (creating and migrating it as needed), seeds the demo catalog into an empty
/// one, binds the address and starts serving.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    let services = config.services()?;
    start_with(config, services).await
}

/// `start`, with the clock, SMS sender and identity verifier given (tests, embedders).
pub async fn start_with(config: Config, services: AuthServices) -> anyhow::Result<RunningServer> {
    for origin in &config.host_origins {
        hosts::check_origin(origin.trim_end_matches('/'))?;
    }
    let mut entries = config.hosts.clone();
    if let Some(path) = &config.hosts_file {
        entries.extend(hosts::HostRegistry::read_file(path)?);
    }
    let registry = hosts::HostRegistry::new(entries, config.host_audience.clone())?;
    for host in registry.all() {
        tracing::info!(host = %host.id, name = %host.name, "host super-app registered");
    }
    let calendar_text = match &config.calendar_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the calendar {}", path.display()))?,
        None => tongban_core::calendar::DEMO_CALENDAR.to_owned(),
    };
    let calendar =
        tongban_core::calendar::WorkCalendar::parse(&calendar_text).with_context(|| {
            format!(
                "the calendar {} is not valid",
                config
                    .calendar_file
                    .as_ref()
                    .map_or_else(|| "built in".into(), |p| p.display().to_string())
            )
        })?;
    // The same file the apps use for hall hours (it parsed, so it reads).
    let calendar_file: tongban_core::calendar::CalendarFile =
        serde_json::from_str(&calendar_text).context("the calendar")?;
    let store = store::Store::connect(&config.database_url, config.vault()?).await?;
    store.migrate().await?;
    if config.seed_demo {
        let added = seed::seed_demo_catalog(&store).await?;
        if added > 0 {
            tracing::info!(added, "seeded the demo catalog");
        }
    }
    if !config.web_dir.join("index.html").is_file() {
        tracing::warn!(
            web_dir = %config.web_dir.display(),
            "the PWA is not built here: run `cargo xtask serve` (or `cargo xtask build`) to build it"
        );
    }
    let auth = Auth {
        config: config.auth.clone(),
        services,
    };
    let state = state::AppState::new(state::Shared {
        store: store.clone(),
        catalog: catalog::CatalogCache::default(),
        auth,
        trust_forwarded_for: config.trust_forwarded_for,
        objects: match &config.object_store {
            None => Arc::new(objects::LocalFolder(config.object_dir.clone())),
            Some(url) => Arc::new(
                objects::Bucket::connect(url, &config.s3)
                    .map_err(|e| anyhow::anyhow!("the object store: {e}"))?,
            ),
        },
        hosts: hosts::Hosts {
            registry: Arc::new(registry),
            validator: Arc::new(hosts::HttpTicketValidator::default()),
        },
        calendar: Arc::new(calendar),
        calendar_file: Arc::new(calendar_file),
        booking: config.booking.rules(),
        map: config.map.provider()?,
        rectification: config.rectification.rules()?,
        consultation_answer_days: config.consultation.consultation_answer_days.max(1),
        issuers: match &config.issuer_keys_file {
            Some(file) => issuers::Issuers::read_file(file)
                .map_err(|e| anyhow::anyhow!("the issuer keys file {}: {e}", file.display()))?,
            None if config.dev => issuers::Issuers::Demo,
            None => issuers::Issuers::None,
        },
        public_url: config.public_url.trim_end_matches('/').to_owned(),
    });
    let (stop_notifier, notifier_stopped) = tokio::sync::watch::channel(false);
    let notifier = notify::spawn(
        state.clone(),
        std::time::Duration::from_millis(config.notify_interval_ms.max(10)),
        notifier_stopped,
    );
    let rotation = rotation::spawn(
        store.clone(),
        std::time::Duration::from_secs(config.rotation_interval_s.max(1)),
        stop_notifier.subscribe(),
    );
    let app = http::router(state, &config);
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (is another server running?)",
                config.addr
            )
        })?;
    let local_addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
    });
    tracing::info!(%local_addr, backend = store.backend().name(), "listening");
    Ok(RunningServer {
        local_addr,
        stop,
        task,
        store,
        stop_notifier,
        notifier,
        rotation,
    })
}
