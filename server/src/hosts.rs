//! Host super-apps: the registry (configuration), their tickets, and single sign-on.
//!
//! A host logs a person in with a ticket, checked one of two ways: signed by the host with its
//! Ed25519 key (a JWT, `alg: EdDSA`, with audience, expiry and a unique id), or validated by
//! calling the host's own validation service (the 浙里办-style flow). Either way a ticket is used
//! once, and the person lands in the same account a phone login reaches: hosts are linked by the
//! phone number they verified.

use std::collections::HashSet;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use base64::Engine;
use serde::{Deserialize, Serialize};
use tongban_core::host::{contrast_ratio, is_hex_colour, Bridge, HostInfo, HostTheme, SsoFlow};
use tongban_core::identity::{check_mobile, check_resident_id};

/// One registered host, as configured.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HostEntry {
    /// Short id in URLs and tickets (`zlb`, `demo`): lower-case letters, digits, `-`.
    pub id: String,
    /// The name people know (浙里办).
    pub name: String,
    #[serde(default)]
    pub bridge: Bridge,
    /// Origins of the host's pages: allowed to frame the app and to read the public API.
    pub origins: Vec<String>,
    pub tickets: TicketCheck,
    /// Whether the host's assertion of name and ID number counts as identity verification.
    #[serde(default)]
    pub trust_identity: bool,
    #[serde(default)]
    pub theme: HostTheme,
    /// Whether the host draws its own title bar (default: yes for the bridges, no for generic).
    #[serde(default)]
    pub has_own_header: Option<bool>,
    /// The host's message channel: `POST` JSON `{"host_user_id", "template", "params"}` for
    /// each step of a linked person's applications (docs/embedding.md).
    #[serde(default)]
    pub notify_url: Option<String>,
}

/// How this host's tickets are checked.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum TicketCheck {
    /// Tickets are JWTs signed with Ed25519 (`alg: EdDSA`); `public_key` is the raw 32-byte key in
    /// base64url (a JWK's `x`).
    Signed {
        public_key: String,
        /// The longest a ticket may live (`exp - iat`), in seconds.
        #[serde(default = "default_max_age")]
        max_age_seconds: u32,
    },
    /// Tickets are validated by the host's service (see `HttpTicketValidator`).
    Validated {
        /// Where the app sends a person to log in at the host.
        login_url: String,
        /// The host's ticket validation endpoint.
        validate_url: String,
        /// Tongban's service code at the host.
        service_code: String,
        /// The environment variable holding Tongban's secret at the host (never in the file).
        #[serde(default)]
        secret_env: Option<String>,
    },
}

fn default_max_age() -> u32 {
    300
}

impl HostEntry {
    pub fn has_own_header(&self) -> bool {
        self.has_own_header
            .unwrap_or(!matches!(self.bridge, Bridge::Generic))
    }

    pub fn info(&self) -> HostInfo {
        HostInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            bridge: self.bridge,
            origins: self.origins.clone(),
            sso: match &self.tickets {
                TicketCheck::Signed { .. } => SsoFlow::Signed,
                TicketCheck::Validated { login_url, .. } => SsoFlow::Validated {
                    login_url: login_url.clone(),
                },
            },
            theme: self.theme.clone(),
            has_own_header: self.has_own_header(),
        }
    }

    fn check(&self) -> anyhow::Result<()> {
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 32
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        anyhow::ensure!(
            id_ok,
            "host id {:?}: use lower-case letters, digits and '-'",
            self.id
        );
        anyhow::ensure!(
            !self.name.trim().is_empty(),
            "host {}: name is empty",
            self.id
        );
        anyhow::ensure!(
            !self.origins.is_empty(),
            "host {}: list the origins of its pages",
            self.id
        );
        for origin in &self.origins {
            check_origin(origin)?;
        }
        match &self.tickets {
            TicketCheck::Signed { public_key, .. } => {
                public_key_bytes(public_key)
                    .map_err(|e| anyhow::anyhow!("host {}: {e}", self.id))?;
            }
            TicketCheck::Validated {
                login_url,
                validate_url,
                ..
            } => {
                for url in [login_url, validate_url] {
                    anyhow::ensure!(
                        url.starts_with("https://") || url.starts_with("http://"),
                        "host {}: {url:?} is not an http(s) URL",
                        self.id
                    );
                }
            }
        }
        let theme = &self.theme;
        for colour in [&theme.primary, &theme.on_primary].into_iter().flatten() {
            anyhow::ensure!(
                is_hex_colour(colour),
                "host {}: theme colour {colour:?} is not #rrggbb",
                self.id
            );
        }
        if let (Some(primary), Some(on)) = (&theme.primary, &theme.on_primary) {
            let ratio = contrast_ratio(primary, on).unwrap_or(0.0);
            anyhow::ensure!(
                ratio >= 4.5,
                "host {}: text {on} on {primary} has contrast {ratio:.2}:1, below 4.5:1",
                self.id
            );
        } else {
            anyhow::ensure!(
                theme.primary.is_none(),
                "host {}: a theme primary colour needs on_primary (its text colour)",
                self.id
            );
        }
        Ok(())
    }
}

/// `https://host.example.gov.cn` (a port allowed, no path).
pub fn check_origin(origin: &str) -> anyhow::Result<()> {
    let ok = origin.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme, "https" | "http")
            && !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
    });
    anyhow::ensure!(
        ok,
        "host origin {origin:?} is not an origin like https://host.example.gov.cn"
    );
    Ok(())
}

/// The raw Ed25519 public key from its base64url form.
pub fn public_key_bytes(text: &str) -> Result<[u8; 32], String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .map_err(|_| "public_key is not base64url".to_owned())?;
    bytes
        .try_into()
        .map_err(|_| "public_key is not a 32-byte Ed25519 key".to_owned())
}

/// The registered hosts and the audience their tickets must name.
#[derive(Clone, Debug, Default)]
pub struct HostRegistry {
    hosts: Vec<HostEntry>,
    pub audience: String,
}

impl HostRegistry {
    pub fn new(hosts: Vec<HostEntry>, audience: impl Into<String>) -> anyhow::Result<Self> {
        let mut ids = HashSet::new();
        for host in &hosts {
            host.check()?;
            anyhow::ensure!(
                ids.insert(host.id.clone()),
                "host {} is listed twice",
                host.id
            );
        }
        Ok(Self {
            hosts,
            audience: audience.into(),
        })
    }

    /// The hosts file: a JSON array of `HostEntry`.
    pub fn read_file(path: &Path) -> anyhow::Result<Vec<HostEntry>> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read the hosts file {}: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("the hosts file {} is not valid: {e}", path.display()))
    }

    pub fn get(&self, id: &str) -> Option<&HostEntry> {
        self.hosts.iter().find(|h| h.id == id)
    }

    pub fn all(&self) -> &[HostEntry] {
        &self.hosts
    }

    /// Every registered host page origin.
    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.hosts
            .iter()
            .flat_map(|h| h.origins.iter().map(|o| o.trim_end_matches('/')))
    }
}

/// The person a host vouches for.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct HostUser {
    /// Their stable id at the host.
    pub id: String,
    /// The mobile number the host verified.
    pub phone: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub id_number: Option<String>,
}

/// Why a ticket was refused (the error code says it to the person).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    #[error("the ticket is not valid: {0}")]
    Invalid(String),
    #[error("the ticket has expired")]
    Expired,
    #[error("the ticket was already used")]
    Used,
    #[error("the host's validation service failed: {0}")]
    Unavailable(String),
}

impl TicketError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "ticket-invalid",
            Self::Expired => "ticket-expired",
            Self::Used => "ticket-used",
            Self::Unavailable(_) => "host-unavailable",
        }
    }
}

/// A ticket's claims after the checks, and until when its id must be remembered.
#[derive(Clone, Debug)]
pub struct CheckedTicket {
    pub user: HostUser,
    /// What makes the ticket unique (its `jti`, or a hash of a validated ticket).
    pub ticket_id: String,
    pub remember_until: i64,
}

/// Clock skew forgiven between the host and Tongban, in seconds.
const LEEWAY: i64 = 30;

/// Checks a signed ticket: signature with the host's key, issuer, audience, expiry (by `now`, the
/// server's clock), lifetime and the phone number. Replay is checked by the caller.
pub fn check_signed(
    host: &HostEntry,
    audience: &str,
    ticket: &str,
    now: i64,
) -> Result<CheckedTicket, TicketError> {
    use jsonwebtoken::errors::ErrorKind;
    use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
    use tongban_core::host::HostTicketClaims;

    let TicketCheck::Signed {
        public_key,
        max_age_seconds,
    } = &host.tickets
    else {
        return Err(TicketError::Invalid(
            "this host does not sign tickets".into(),
        ));
    };
    let key = public_key_bytes(public_key).map_err(TicketError::Invalid)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    // Time is checked below with the server's clock.
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["iss", "aud", "sub", "exp"]);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[&host.id]);
    let claims = decode::<HostTicketClaims>(ticket, &DecodingKey::from_ed_der(&key), &validation)
        .map_err(|e| {
            TicketError::Invalid(match e.kind() {
                ErrorKind::InvalidSignature => "forged: the signature does not match".into(),
                ErrorKind::InvalidAudience => "meant for another audience".into(),
                ErrorKind::InvalidIssuer => "issued by another host".into(),
                ErrorKind::InvalidAlgorithm => "not signed with EdDSA".into(),
                other => format!("{other:?}"),
            })
        })?
        .claims;
    if claims.exp + LEEWAY <= now {
        return Err(TicketError::Expired);
    }
    if claims.iat > now + LEEWAY {
        return Err(TicketError::Invalid("issued in the future".into()));
    }
    if claims.exp - claims.iat > i64::from(*max_age_seconds) {
        return Err(TicketError::Invalid(format!(
            "lives {} s, longer than the {max_age_seconds} s allowed",
            claims.exp - claims.iat
        )));
    }
    if claims.jti.trim().is_empty() || claims.sub.trim().is_empty() {
        return Err(TicketError::Invalid("no ticket id or subject".into()));
    }
    Ok(CheckedTicket {
        ticket_id: format!("jti:{}", claims.jti),
        remember_until: claims.exp + LEEWAY,
        user: HostUser {
            id: claims.sub,
            phone: claims.phone,
            name: claims.name,
            id_number: claims.id_number,
        },
    })
}

/// The user's phone checked, and their identity if the host may assert it and it is well formed.
pub fn checked_user(
    host: &HostEntry,
    user: HostUser,
    today: (u16, u8, u8),
) -> Result<HostUser, TicketError> {
    let phone = check_mobile(&user.phone)
        .map_err(|_| TicketError::Invalid("the phone number is not a mainland mobile".into()))?;
    let identity = match (host.trust_identity, user.name, user.id_number) {
        (true, Some(name), Some(number)) => {
            let id = check_resident_id(&number, today)
                .map_err(|_| TicketError::Invalid("the ID number is not valid".into()))?;
            let name = name.trim().to_owned();
            if name.is_empty() {
                None
            } else {
                Some((name, id.number))
            }
        }
        _ => None,
    };
    let (name, id_number) = identity.unzip();
    Ok(HostUser {
        id: user.id,
        phone,
        name,
        id_number,
    })
}

pub type ValidateFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HostUser, TicketError>> + Send + 'a>>;

/// A host's own ticket validation service.
pub trait TicketValidator: Send + Sync + 'static {
    fn validate<'a>(&'a self, host: &'a HostEntry, ticket: &'a str) -> ValidateFuture<'a>;
}

/// The validation protocol over HTTP: `POST validate_url` with JSON
/// `{"service_code", "ticket"}` and `Authorization: Bearer <secret>`; the host answers
/// `{"valid": true, "user": {"id", "phone", "name"?, "id_number"?}}` or
/// `{"valid": false, "reason": "expired" | "used" | "invalid"}`. A province whose host speaks
/// another dialect puts a small adapter in front, or implements `TicketValidator`.
pub struct HttpTicketValidator {
    http: reqwest::Client,
}

impl Default for HttpTicketValidator {
    fn default() -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
struct ValidationAnswer {
    valid: bool,
    #[serde(default)]
    user: Option<HostUser>,
    #[serde(default)]
    reason: Option<String>,
}

impl TicketValidator for HttpTicketValidator {
    fn validate<'a>(&'a self, host: &'a HostEntry, ticket: &'a str) -> ValidateFuture<'a> {
        Box::pin(async move {
            let TicketCheck::Validated {
                validate_url,
                service_code,
                secret_env,
                ..
            } = &host.tickets
            else {
                return Err(TicketError::Invalid(
                    "this host's tickets are signed, not validated".into(),
                ));
            };
            let mut request = self.http.post(validate_url).json(&serde_json::json!({
                "service_code": service_code,
                "ticket": ticket,
            }));
            if let Some(secret) = secret_env.as_deref().and_then(|v| std::env::var(v).ok()) {
                request = request.bearer_auth(secret);
            }
            let response = request
                .send()
                .await
                .map_err(|e| TicketError::Unavailable(format!("unreachable: {e}")))?;
            let status = response.status();
            if !status.is_success() {
                return Err(TicketError::Unavailable(format!("answered {status}")));
            }
            let answer: ValidationAnswer = response
                .json()
                .await
                .map_err(|e| TicketError::Unavailable(format!("unreadable answer: {e}")))?;
            match (answer.valid, answer.user, answer.reason.as_deref()) {
                (true, Some(user), _) => Ok(user),
                (true, None, _) => Err(TicketError::Unavailable("valid, but no user".into())),
                (false, _, Some("expired")) => Err(TicketError::Expired),
                (false, _, Some("used")) => Err(TicketError::Used),
                (false, _, reason) => Err(TicketError::Invalid(format!(
                    "the host refused it ({})",
                    reason.unwrap_or("no reason")
                ))),
            }
        })
    }
}

/// The shared pieces the SSO handlers need.
#[derive(Clone)]
pub struct Hosts {
    pub registry: Arc<HostRegistry>,
    pub validator: Arc<dyn TicketValidator>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(tickets: TicketCheck) -> HostEntry {
        HostEntry {
            id: "demo".into(),
            name: "Demo".into(),
            bridge: Bridge::Generic,
            origins: vec!["http://127.0.0.1:9".into()],
            tickets,
            trust_identity: true,
            theme: HostTheme::default(),
            has_own_header: None,
            notify_url: None,
        }
    }

    #[test]
    fn the_registry_refuses_what_would_break_later() {
        let good = entry(TicketCheck::Signed {
            public_key: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 32]),
            max_age_seconds: 60,
        });
        assert!(HostRegistry::new(vec![good.clone()], "tongban").is_ok());
        assert!(HostRegistry::new(vec![good.clone(), good.clone()], "tongban").is_err());
        let mut short_key = good.clone();
        short_key.tickets = TicketCheck::Signed {
            public_key: "AAAA".into(),
            max_age_seconds: 60,
        };
        assert!(HostRegistry::new(vec![short_key], "tongban").is_err());
        let mut bad_origin = good.clone();
        bad_origin.origins = vec!["https://host.example/path".into()];
        assert!(HostRegistry::new(vec![bad_origin], "tongban").is_err());
        let mut low_contrast = good.clone();
        low_contrast.theme = HostTheme {
            primary: Some("#ffcc00".into()),
            on_primary: Some("#ffffff".into()),
        };
        let err = HostRegistry::new(vec![low_contrast], "tongban").unwrap_err();
        assert!(err.to_string().contains("contrast"), "{err}");
        let mut fine_theme = good;
        fine_theme.theme = HostTheme {
            primary: Some("#1f4e99".into()),
            on_primary: Some("#ffffff".into()),
        };
        assert!(HostRegistry::new(vec![fine_theme], "tongban").is_ok());
    }

    #[test]
    fn bridges_have_their_own_header_and_generic_hosts_do_not() {
        let mut host = entry(TicketCheck::Signed {
            public_key: String::new(),
            max_age_seconds: 60,
        });
        assert!(!host.has_own_header());
        host.bridge = Bridge::Zlb;
        assert!(host.has_own_header());
        host.has_own_header = Some(false);
        assert!(!host.has_own_header());
    }
}
