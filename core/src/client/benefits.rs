//! The client's calls about 免申即享: the "for you" inbox and confirming a benefit.

use super::{encode_segment, ApiClient, Method};
use crate::api::ApiError;

impl ApiClient {
    /// 免申即享: what I qualify for, or will soon, each with why.
    pub async fn benefits(&self) -> Result<crate::benefit::ForYou, ApiError> {
        self.get_json("/me/benefits").await
    }

    /// Confirms a benefit I qualify for (a consent receipt and an application, no form).
    pub async fn claim_benefit(&self, id: &str) -> Result<crate::benefit::Claimed, ApiError> {
        let path = format!("/me/benefits/{}/claim", encode_segment(id));
        self.send_json(Method::Post, &path, None::<&()>).await
    }
}
