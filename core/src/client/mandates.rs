//! The client's calls about mandates (亲友代办), acting under one, and handing a draft over (帮办).

use super::{encode_segment, ApiClient, Method};
use crate::api::ApiError;
use crate::handover::{HandedOver, HandoverCode, HandoverStarted, NewHandover};
use crate::mandate::{GuardianshipCheck, Mandate, MandateList, NewGuardianship, NewMandate};

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
        self.send_json(Method::Post, "/me/mandates", Some(new))
            .await
    }

    async fn move_mandate(&self, id: &str, verb: &str) -> Result<Mandate, ApiError> {
        let path = format!("/me/mandates/{}/{verb}", encode_segment(id));
        self.send_json(Method::Post, &path, None::<&()>).await
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

    /// Starts handing draft `id` over to the person with this phone (帮办): a code is texted.
    pub async fn start_handover(&self, id: &str, phone: &str) -> Result<HandoverStarted, ApiError> {
        let path = format!("/drafts/{}/handover", encode_segment(id));
        let body = NewHandover {
            phone: phone.to_owned(),
        };
        self.send_json(Method::Post, &path, Some(&body)).await
    }

    /// Completes the hand-over with the code the person received: the draft is theirs.
    pub async fn confirm_handover(&self, id: &str, code: &str) -> Result<HandedOver, ApiError> {
        let path = format!("/drafts/{}/handover/confirm", encode_segment(id));
        let body = HandoverCode {
            code: code.to_owned(),
        };
        self.send_json(Method::Post, &path, Some(&body)).await
    }

    /// Declares a minor child (监护): waits for a hall's staff to confirm it.
    pub async fn declare_guardianship(&self, new: &NewGuardianship) -> Result<Mandate, ApiError> {
        self.send_json(Method::Post, "/me/guardianships", Some(new))
            .await
    }

    /// Staff at a hall: the guardianship declared under the parent's code.
    pub async fn staff_guardianship(&self, code: &str) -> Result<GuardianshipCheck, ApiError> {
        self.get_json(&format!("/staff/guardianships/{}", encode_segment(code)))
            .await
    }

    /// Staff at a hall confirm it, having seen the household register.
    pub async fn staff_confirm_guardianship(
        &self,
        code: &str,
    ) -> Result<GuardianshipCheck, ApiError> {
        let path = format!("/staff/guardianships/{}/confirm", encode_segment(code));
        self.send_json(Method::Post, &path, None::<&()>).await
    }

    /// What was done under a mandate (either party asks).
    pub async fn mandate_record(&self, id: &str) -> Result<crate::mandate::ActedRecord, ApiError> {
        self.get_json(&format!("/me/mandates/{}/record", encode_segment(id)))
            .await
    }
}
