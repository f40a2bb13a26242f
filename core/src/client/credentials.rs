//! 电子证照: my certificates, collecting one into the wallet, and an issuer's keys and status
//! list (public, for wallets and verifiers to cache).

use super::{encode_segment, ApiClient, Method};
use crate::api::ApiError;
use crate::credential::jws::Signer;
use crate::credential::share::{
    NewShare, ShareCreated, ShareList, ShareSummary, SharedCertificate,
};
use crate::credential::wallet::Wallet;
use crate::credential::{
    CollectRequest, Collected, CredentialList, CredentialStatusChange, CredentialSummary, Jwks,
    TrustBundle,
};

impl ApiClient {
    /// Brings a device's wallet up to date: the person's certificates as their issuers hold
    /// them, each new or expiring one collected bound to `device`'s key (one revoked meanwhile,
    /// or whose issuer has no key here now, is left), and the issuers' trust bundle.
    pub async fn sync_wallet(
        &self,
        wallet: &mut Wallet,
        device: &dyn Signer,
        now: i64,
    ) -> Result<(), ApiError> {
        let list = self.credentials().await?;
        for id in wallet.update(list, now) {
            match self.collect_credential(&id, device.public_jwk()).await {
                Ok(collected) => wallet.collected(collected),
                Err(ApiError::Conflict { .. } | ApiError::Server { status: 503, .. }) => {}
                Err(e) => return Err(e),
            }
        }
        wallet.bundle = Some(self.trust_bundle().await?);
        Ok(())
    }

    pub async fn credentials(&self) -> Result<CredentialList, ApiError> {
        self.get_json("/me/credentials").await
    }

    /// The certificate as an SD-JWT VC bound to this device's key (`holder_jwk`).
    pub async fn collect_credential(
        &self,
        id: &str,
        holder_jwk: serde_json::Value,
    ) -> Result<Collected, ApiError> {
        let path = format!("/me/credentials/{}/sd-jwt", encode_segment(id));
        self.send_json(Method::Post, &path, Some(&CollectRequest { holder_jwk }))
            .await
    }

    /// Every issuer's keys and status list, to keep for checking offline.
    pub async fn trust_bundle(&self) -> Result<TrustBundle, ApiError> {
        self.get_json("/issuers").await
    }

    pub async fn issuer_jwks(&self, department: &str) -> Result<Jwks, ApiError> {
        self.get_json(&format!("/issuers/{}/jwks", encode_segment(department)))
            .await
    }

    /// Staff: revoke, suspend or reinstate a certificate the department issued (its supervisor).
    pub async fn set_credential_status(
        &self,
        id: &str,
        change: &CredentialStatusChange,
    ) -> Result<CredentialSummary, ApiError> {
        let path = format!("/staff/credentials/{}/status", encode_segment(id));
        self.send_json(Method::Post, &path, Some(change)).await
    }

    /// Shares a certificate online with an organisation: the presentation the device made for
    /// it is kept behind a one-time code (given in the answer only).
    pub async fn create_share(&self, share: &NewShare) -> Result<ShareCreated, ApiError> {
        self.send_json(Method::Post, "/me/shares", Some(share))
            .await
    }

    /// The person's shares, newest first.
    pub async fn shares(&self) -> Result<ShareList, ApiError> {
        self.get_json("/me/shares").await
    }

    /// Takes a share back: its code opens nothing from now on (its consent is withdrawn).
    pub async fn revoke_share(&self, id: &str) -> Result<ShareSummary, ApiError> {
        let path = format!("/me/shares/{}", encode_segment(id));
        self.send_json(Method::Delete, &path, None::<&()>).await
    }

    /// The organisation's side: opens a share by its code, once (no account needed).
    pub async fn open_share(&self, code: &str) -> Result<SharedCertificate, ApiError> {
        self.get_json(&format!("/shares/{}", encode_segment(code)))
            .await
    }
}
