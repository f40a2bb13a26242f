//! 卡包 for native shells: the wallet kept by the shell (encrypted at rest with its Keystore /
//! Keychain key, as `WalletState::kept`), brought up to date online, shown (亮证) and checked
//! offline — core's wallet and verifier, with the device key's 32 secret bytes handed in by the
//! shell from its secure storage for each call and dropped after it.

use std::collections::HashMap;

use serde_json::Value;
use tongban_core::credential::jws::Es256Key;
use tongban_core::credential::wallet::Wallet;
use tongban_core::credential::{CredentialError, TrustBundle, Verdict};
use tongban_core::{ApiError, LocalizedText};

use crate::TongbanClient;

/// One certificate in the wallet, as a screen shows it.
#[derive(uniffi::Record)]
pub struct WalletItem {
    pub id: String,
    /// `resident-id-card`, … (message `credential-<kind>`).
    pub kind: String,
    pub issuer: LocalizedText,
    /// Each claim's value as text (`true`/`false` for the age elements).
    pub claims: HashMap<String, String>,
    /// `valid`, `revoked` or `suspended`, as its issuer last said.
    pub status: String,
    /// Collected to this device and usable now: it can be shown.
    pub showable: bool,
    /// How many times it was shown from this device.
    pub times_shown: u32,
}

/// The wallet: what the shell keeps (`kept`, JSON to store encrypted) and its certificates.
#[derive(uniffi::Record)]
pub struct WalletState {
    pub kept: String,
    pub items: Vec<WalletItem>,
    /// When it was last brought up to date from the server (Unix seconds).
    pub synced_at: Option<i64>,
}

/// A verifier's verdict on a shown certificate: `valid`, `invalid`, `revoked`, `suspended` or
/// `expired`; on `valid` only the disclosed claims.
#[derive(uniffi::Record)]
pub struct CheckResult {
    pub verdict: String,
    /// Why it is invalid (`tampered`, `wrong-holder`, …) or what expired (`presentation`,
    /// `certificate`).
    pub reason: Option<String>,
    pub kind: Option<String>,
    pub issuer: Option<LocalizedText>,
    pub claims: HashMap<String, String>,
    /// When the status list it was checked against was made; `None`: not known.
    pub status_checked_at: Option<i64>,
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn read(kept: &str) -> Result<Wallet, ApiError> {
    if kept.is_empty() {
        return Ok(Wallet::default());
    }
    serde_json::from_str(kept).map_err(|e| ApiError::Storage {
        detail: format!("the kept wallet is unreadable: {e}"),
    })
}

fn device(secret: &[u8]) -> Result<Es256Key, ApiError> {
    <&[u8; 32]>::try_from(secret)
        .ok()
        .and_then(|s| Es256Key::from_secret(s, None))
        .ok_or_else(|| ApiError::Storage {
            detail: "the device key is not 32 bytes of a P-256 key".into(),
        })
}

fn state(wallet: &Wallet, now: i64) -> WalletState {
    WalletState {
        kept: serde_json::to_string(wallet).unwrap_or_default(),
        items: wallet
            .items
            .iter()
            .map(|h| WalletItem {
                id: h.summary.id.clone(),
                kind: h.summary.kind.code().into(),
                issuer: h.summary.issuer.name.clone(),
                claims: h
                    .summary
                    .claims
                    .iter()
                    .map(|(k, v)| (k.clone(), text(v)))
                    .collect(),
                status: h.summary.status.code().into(),
                showable: h.showable(now),
                times_shown: wallet.history(&h.summary.id).count() as u32,
            })
            .collect(),
        synced_at: wallet.synced_at,
    }
}

#[uniffi::export]
impl TongbanClient {
    /// Brings the kept wallet (empty for none yet) up to date: the person's certificates, each
    /// new or expiring one collected bound to the device key, and the issuers' trust bundle.
    pub async fn sync_wallet(
        &self,
        kept: String,
        device_secret: Vec<u8>,
    ) -> Result<WalletState, ApiError> {
        let mut wallet = read(&kept)?;
        let key = device(&device_secret)?;
        let now = crate::now();
        self.api.sync_wallet(&mut wallet, &key, now).await?;
        Ok(state(&wallet, now))
    }
}

/// The kept wallet read back, offline.
#[uniffi::export]
pub fn wallet_state(kept: String) -> Result<WalletState, ApiError> {
    Ok(state(&read(&kept)?, crate::now()))
}

/// A certificate shown: the QR payload, and the wallet with the showing in its history.
#[derive(uniffi::Record)]
pub struct Showing {
    pub payload: String,
    pub wallet: WalletState,
}

/// 亮证, offline: the QR payload showing certificate `id` with only `claims`, fresh for five
/// minutes; the showing is recorded in the returned wallet (keep its `kept`).
#[uniffi::export]
pub fn show_certificate(
    kept: String,
    id: String,
    claims: Vec<String>,
    device_secret: Vec<u8>,
) -> Result<Showing, ApiError> {
    let mut wallet = read(&kept)?;
    let key = device(&device_secret)?;
    let now = crate::now();
    let claims: Vec<&str> = claims.iter().map(String::as_str).collect();
    // Signing is synchronous underneath (the future sd-jwt-payload builds is ready at once, and
    // not `Send`): run it here rather than on the runtime.
    let payload =
        futures_executor::block_on(wallet.show(&id, &claims, &crate::new_id(), now, &key))
            .map_err(|e| match e {
                CredentialError::NotShowable => ApiError::Conflict {
                    code: "credential-not-valid".into(),
                    detail: e.to_string(),
                },
                other => ApiError::Storage {
                    detail: other.to_string(),
                },
            })?;
    Ok(Showing {
        payload,
        wallet: state(&wallet, now),
    })
}

/// Checks a shown certificate against a trust bundle the device keeps (the wallet's own, from
/// `kept`, or one fetched for a verifier), offline.
#[uniffi::export]
pub fn check_shown(kept: String, presentation: String) -> CheckResult {
    let bundle: Option<TrustBundle> = read(&kept).ok().and_then(|w| w.bundle);
    let verdict = match &bundle {
        Some(b) => b.verify_shown(&presentation, crate::now()),
        None => Verdict::Invalid {
            reason: tongban_core::credential::Invalid::UnknownIssuer,
        },
    };
    let mut result = CheckResult {
        verdict: String::new(),
        reason: None,
        kind: None,
        issuer: None,
        claims: HashMap::new(),
        status_checked_at: None,
    };
    result.verdict = match verdict {
        Verdict::Valid {
            kind,
            issuer,
            claims,
            status_checked_at,
        } => {
            result.kind = kind.map(|k| k.code().to_owned());
            result.issuer = bundle
                .as_ref()
                .and_then(|b| b.department(&issuer))
                .map(|d| d.name.clone());
            result.claims = claims.iter().map(|(k, v)| (k.clone(), text(v))).collect();
            result.status_checked_at = status_checked_at;
            "valid"
        }
        Verdict::Invalid { reason } => {
            result.reason = serde_json::to_value(reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned));
            "invalid"
        }
        Verdict::Expired { presentation } => {
            result.reason = Some(
                if presentation {
                    "presentation"
                } else {
                    "certificate"
                }
                .into(),
            );
            "expired"
        }
        Verdict::Revoked => "revoked",
        Verdict::Suspended => "suspended",
    }
    .into();
    result
}
