//! 免申即享: the person's "for you" inbox — what they qualify for, or will soon, each with why,
//! decided by core on their verified data — and confirming one in one tap.

use tongban_core::benefit::Decision;
use tongban_core::{ApiError, LocalizedText};

use crate::TongbanClient;

/// A benefit offered to the person.
#[derive(uniffi::Record)]
pub struct BenefitItem {
    pub id: String,
    pub name: LocalizedText,
    pub description: LocalizedText,
    /// The department that grants it.
    pub department: LocalizedText,
    /// Why (or from when): the facts it rests on.
    pub decision: Decision,
    /// Confirmed already: the application it made.
    pub application_id: Option<String>,
}

/// A confirmed benefit: its application, and what the consent receipt says.
#[derive(uniffi::Record)]
pub struct BenefitClaim {
    pub application_id: String,
    pub receipt: String,
    pub consent_id: String,
    pub consent_recipient: LocalizedText,
    pub consent_categories: Vec<String>,
    pub consent_purpose: LocalizedText,
    pub consent_withdraw: LocalizedText,
}

#[uniffi::export]
impl TongbanClient {
    /// What the person qualifies for, or will soon.
    pub async fn benefits(&self) -> Result<Vec<BenefitItem>, ApiError> {
        Ok(self
            .api
            .benefits()
            .await?
            .items
            .into_iter()
            .map(|o| BenefitItem {
                id: o.id,
                name: o.name,
                description: o.description,
                department: o.department.name,
                decision: o.decision,
                application_id: o.application_id,
            })
            .collect())
    }

    /// Confirms a benefit the person qualifies for: no form.
    pub async fn claim_benefit(&self, id: String) -> Result<BenefitClaim, ApiError> {
        let c = self.api.claim_benefit(&id).await?;
        Ok(BenefitClaim {
            application_id: c.application_id,
            receipt: c.receipt,
            consent_id: c.consent.id,
            consent_recipient: c.consent.recipient,
            consent_categories: c.consent.categories,
            consent_purpose: c.consent.purpose,
            consent_withdraw: c.consent.withdraw,
        })
    }
}
