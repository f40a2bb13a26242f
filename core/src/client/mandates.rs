//! The client's calls about mandates (亲友代办), and acting under one.

use reqwest::Method;

use super::{encode_segment, ApiClient};
use crate::api::ApiError;
use crate::mandate::{Mandate, MandateList, NewMandate};

impl ApiClient {
    /// The same client acting for someone under mandate `id`: every call is in their name.
    pub fn acting_for(&self, id: impl Into<String>) -> Self {
        let mut acting = self.clone();
        acting.acting_for = Some(id.into());
        acting
    }

    /// The mandates I gave and those I received.
    pub async fn mandates(&self) -> Result<MandateList, ApiError> {
        self.get_json("/me/mandates").await
    }

    /// Grants a mandate to the account with this phone number.
    pub async fn grant_mandate(&self, new: &NewMandate) -> Result<Mandate, ApiError> {
        self.send_json(Method::POST, "/me/mandates", Some(new))
            .await
    }

    async fn move_mandate(&self, id: &str, verb: &str) -> Result<Mandate, ApiError> {
        let path = format!("/me/mandates/{}/{verb}", encode_segment(id));
        self.send_json(Method::POST, &path, None::<&()>).await
    }

    /// The agent accepts a mandate offered to them.
    pub async fn accept_mandate(&self, id: &str) -> Result<Mandate, ApiError> {
        self.move_mandate(id, "accept").await
    }

    /// The agent declines it.
    pub async fn decline_mandate(&self, id: &str) -> Result<Mandate, ApiError> {
        self.move_mandate(id, "decline").await
    }

    /// Either side ends it at once.
    pub async fn revoke_mandate(&self, id: &str) -> Result<Mandate, ApiError> {
        self.move_mandate(id, "revoke").await
    }
}
