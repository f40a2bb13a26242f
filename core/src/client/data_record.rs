//! 数据使用记录 and consents: who used my data, what I consented to, and the whole record.

use super::{encode_segment, ApiClient, Method};
use crate::api::ApiError;
use crate::data_record::{ConsentEntry, ConsentList, DataExport, DataUseList};

impl ApiClient {
    /// Uses of my data, newest first; `before` is the `next` of the page before.
    pub async fn data_uses(&self, before: Option<i64>) -> Result<DataUseList, ApiError> {
        match before {
            Some(before) => {
                self.get_json(&format!("/me/data-uses?before={before}"))
                    .await
            }
            None => self.get_json("/me/data-uses").await,
        }
    }

    /// The consents I gave, newest first.
    pub async fn consents(&self) -> Result<ConsentList, ApiError> {
        self.get_json("/me/consents").await
    }

    /// Withdraws one of my consents.
    pub async fn withdraw_consent(&self, id: &str) -> Result<ConsentEntry, ApiError> {
        let path = format!("/me/consents/{}/withdraw", encode_segment(id));
        self.send_json(Method::Post, &path, None::<&()>).await
    }

    /// My whole record, as the download holds it.
    pub async fn data_export(&self) -> Result<DataExport, ApiError> {
        self.get_json("/me/data-export").await
    }
}
