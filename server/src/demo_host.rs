//! A demo host super-app for development and tests: a page on its own origin that frames Tongban
//! at 360×640 and plays the host — it issues Ed25519-signed tickets, offers its elder style,
//! shows the title the app sets and logs every message it receives.
//!
//! It is registered as host `demo` only when asked for (`--demo-host`); its key pair is made at
//! start and never leaves the process.

use std::net::SocketAddr;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::Deserialize;
use tokio::sync::oneshot;
use tongban_core::host::{Bridge, HostTheme, HostTicketClaims};

use crate::hosts::{HostEntry, TicketCheck};

/// A host's signing key: what a province's backend holds to sign tickets.
#[derive(Clone)]
pub struct TicketSigner {
    host_id: String,
    pkcs8: Vec<u8>,
    public_key: Vec<u8>,
}

impl TicketSigner {
    pub fn generate(host_id: &str) -> Self {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
            .expect("the operating system's random source")
            .as_ref()
            .to_vec();
        let public_key = Ed25519KeyPair::from_pkcs8(&pkcs8)
            .expect("a key just made")
            .public_key()
            .as_ref()
            .to_vec();
        Self {
            host_id: host_id.to_owned(),
            pkcs8,
            public_key,
        }
    }

    /// The public key as a hosts file holds it (base64url, a JWK's `x`).
    pub fn public_key(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&self.public_key)
    }

    /// A signed ticket with these claims (`iss` is this host).
    pub fn sign(&self, claims: &HostTicketClaims) -> String {
        encode(
            &Header::new(Algorithm::EdDSA),
            claims,
            &EncodingKey::from_ed_der(&self.pkcs8),
        )
        .expect("Ed25519 signing does not fail")
    }

    /// A ticket for a person at this host: valid `lifetime` seconds from `now`, a fresh id.
    pub fn ticket_for(
        &self,
        person: &DemoPerson,
        audience: &str,
        now: i64,
        lifetime: i64,
    ) -> String {
        self.sign(&HostTicketClaims {
            iss: self.host_id.clone(),
            aud: audience.to_owned(),
            sub: format!(
                "{}-user-{}",
                self.host_id,
                &crate::auth::digest(&["demo", &person.phone])[..12]
            ),
            iat: now,
            exp: now + lifetime,
            jti: crate::auth::new_id(),
            phone: person.phone.clone(),
            name: person.name.clone().filter(|n| !n.trim().is_empty()),
            id_number: person.id_number.clone().filter(|n| !n.trim().is_empty()),
        })
    }
}

/// Who the demo host says is using it.
#[derive(Clone, Debug, Deserialize)]
pub struct DemoPerson {
    pub phone: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub id_number: Option<String>,
}

/// The demo host, bound but not yet serving (its origin must be registered before the app
/// starts, and it must know the app's address to frame it).
pub struct DemoHost {
    listener: tokio::net::TcpListener,
    signer: TicketSigner,
    id: String,
}

impl DemoHost {
    /// Binds `addr` for a host registered as `id`.
    pub async fn bind(addr: SocketAddr, id: &str) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("the demo host cannot listen on {addr}: {e}"))?;
        Ok(Self {
            listener,
            signer: TicketSigner::generate(id),
            id: id.to_owned(),
        })
    }

    pub fn origin(&self) -> String {
        format!("http://{}", self.listener.local_addr().expect("bound"))
    }

    /// This host's registry entry: signed tickets, trusted to assert identity, its own colours.
    pub fn entry(&self) -> HostEntry {
        let addr = self.listener.local_addr().expect("bound");
        let mut origins = vec![self.origin()];
        if addr.ip().is_loopback() {
            origins.push(format!("http://localhost:{}", addr.port()));
        }
        HostEntry {
            id: self.id.clone(),
            name: "演示宿主 Demo host".into(),
            bridge: Bridge::Generic,
            origins,
            tickets: TicketCheck::Signed {
                public_key: self.signer.public_key(),
                max_age_seconds: 300,
            },
            trust_identity: true,
            theme: HostTheme {
                primary: Some("#8a1c1c".into()),
                on_primary: Some("#ffffff".into()),
            },
            has_own_header: Some(true),
            notify_url: Some(format!("{}/notify", self.origin())),
        }
    }

    /// Serves the demo host page, framing the app at `app_url`, until the returned handle is
    /// dropped or stopped.
    pub fn serve(self, app_url: &str, audience: &str) -> RunningDemoHost {
        let origin = self.origin();
        let state = DemoState {
            signer: self.signer,
            app_url: app_url.trim_end_matches('/').to_owned(),
            audience: audience.to_owned(),
            host_id: self.id,
            received: Default::default(),
        };
        let received = state.received.clone();
        let csp = HeaderValue::from_str(&format!(
            "default-src 'self'; frame-src {}; style-src 'self'; script-src 'self'; base-uri 'none'",
            state.app_url
        ))
        .expect("an ASCII URL");
        let app = Router::new()
            .route(
                "/",
                get(|| async {
                    page(
                        "text/html; charset=utf-8",
                        include_str!("../demo-host/index.html"),
                    )
                }),
            )
            .route(
                "/host.js",
                get(|| async {
                    page(
                        "text/javascript; charset=utf-8",
                        include_str!("../demo-host/host.js"),
                    )
                }),
            )
            .route(
                "/host.css",
                get(|| async {
                    page(
                        "text/css; charset=utf-8",
                        include_str!("../demo-host/host.css"),
                    )
                }),
            )
            .route("/config.json", get(config))
            .route("/ticket", post(ticket))
            .route("/notify", post(notify).get(notifications))
            .with_state(state)
            .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
                header::CONTENT_SECURITY_POLICY,
                csp,
            ));
        let (stop, stopped) = oneshot::channel::<()>();
        let listener = self.listener;
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        RunningDemoHost {
            origin,
            received,
            _stop: stop,
        }
    }
}

/// A serving demo host; dropping it stops it.
pub struct RunningDemoHost {
    pub origin: String,
    /// What reached the host's message channel (`POST /notify`), oldest first.
    pub received: Received,
    _stop: oneshot::Sender<()>,
}

pub type Received = std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>;

#[derive(Clone)]
struct DemoState {
    signer: TicketSigner,
    app_url: String,
    audience: String,
    host_id: String,
    received: Received,
}

/// Plays the host's message channel: what Tongban sends for a linked person's applications.
async fn notify(State(state): State<DemoState>, Json(body): Json<serde_json::Value>) -> StatusCode {
    tracing::info!(%body, "the demo host received a message for its user");
    if let Ok(mut list) = state.received.lock() {
        list.push(body);
    }
    StatusCode::NO_CONTENT
}

/// What the message channel received, for the demo page to show.
async fn notifications(State(state): State<DemoState>) -> Json<Vec<serde_json::Value>> {
    Json(state.received.lock().map(|l| l.clone()).unwrap_or_default())
}

fn page(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn config(State(state): State<DemoState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "app_url": state.app_url, "host_id": state.host_id }))
}

#[derive(Deserialize)]
struct TicketRequest {
    #[serde(flatten)]
    person: DemoPerson,
    /// Issue one that expired ten minutes ago (to try the refusal).
    #[serde(default)]
    expired: bool,
}

/// Plays the host's backend: signs a ticket for the person the page names.
async fn ticket(State(state): State<DemoState>, Json(request): Json<TicketRequest>) -> Response {
    if request.person.phone.trim().is_empty() {
        return (StatusCode::UNPROCESSABLE_ENTITY, "phone is required").into_response();
    }
    let now = crate::clock::Clock::now(&crate::clock::SystemClock);
    let issued = if request.expired { now - 900 } else { now };
    let ticket = state
        .signer
        .ticket_for(&request.person, &state.audience, issued, 120);
    Json(serde_json::json!({ "ticket": ticket })).into_response()
}
