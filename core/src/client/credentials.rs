//! 电子证照: my certificates, collecting one into the wallet, and an issuer's keys and status
//! list (public, for wallets and verifiers to cache).

use reqwest::Method;

use super::{encode_segment, ApiClient};
use crate::api::ApiError;
use crate::credential::{
    CollectRequest, Collected, CredentialList, CredentialStatusChange, CredentialSummary, Jwks,
};

impl ApiClient {
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
        self.send_json(Method::POST, &path, Some(&CollectRequest { holder_jwk }))
            .await
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
        self.send_json(Method::POST, &path, Some(change)).await
    }
}
