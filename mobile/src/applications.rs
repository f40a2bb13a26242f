//! Applications: the list, one with its timeline, supplying what a supplement asked for, and
//! uploading documents.

use std::collections::HashMap;

use tongban_core::application::ApplicationSummary;
use tongban_core::form::{Answer, MaterialUploaded};
use tongban_core::ApiError;

use crate::TongbanClient;

/// An application with its status timeline (受理 → 审查 → 补正 → 办结 …).
#[derive(uniffi::Record)]
pub struct ApplicationView {
    pub id: String,
    pub receipt: String,
    pub form_id: String,
    pub status: tongban_core::application::ApplicationStatus,
    /// Oldest first: each status with its time and the department's message.
    pub timeline: Vec<tongban_core::application::TimelineEvent>,
    /// For a supplement: the answers the department asks for again.
    pub requested_fields: Vec<String>,
    pub created_at: i64,
}

#[uniffi::export]
impl TongbanClient {
    /// The account's applications, newest first.
    pub async fn applications(&self) -> Result<Vec<ApplicationSummary>, ApiError> {
        self.api.applications().await
    }

    /// One application with its timeline.
    pub async fn application(&self, id: String) -> Result<ApplicationView, ApiError> {
        Ok(application_view(self.api.application(&id).await?))
    }

    /// Answers what a supplement request (补正) asked for: new text answers for those fields only
    /// (`requested_fields`). A refused answer comes back as a validation error naming its field.
    pub async fn supply(
        &self,
        application_id: String,
        answers: HashMap<String, String>,
    ) -> Result<ApplicationView, ApiError> {
        let answers = answers
            .into_iter()
            .map(|(path, text)| (path, Answer::Text(text)))
            .collect();
        Ok(application_view(
            self.api.supply(&application_id, answers).await?,
        ))
    }

    /// Uploads a photo or scan (JPEG, PNG, HEIC, WebP or PDF, at most 10 MiB).
    pub async fn upload_material(&self, bytes: Vec<u8>) -> Result<MaterialUploaded, ApiError> {
        self.api.upload_material(bytes).await
    }
}

fn application_view(application: tongban_core::application::Application) -> ApplicationView {
    ApplicationView {
        requested_fields: application.requested_fields().to_vec(),
        id: application.id,
        receipt: application.receipt,
        form_id: application.form_id,
        status: application.status,
        timeline: application.timeline,
        created_at: application.created_at,
    }
}
