//! 帮办 (assisted filling): a helper — a hall clerk or a community helper, with their own account —
//! fills a draft for a person who is present and hands it over. The person's phone gets a code;
//! the person reads it out (or types it on the helper's screen); then the draft, its documents and
//! the application it becomes are the person's, with the helper kept as who filled it in.

use serde::{Deserialize, Serialize};

/// How long a hand-over code stays good.
pub const CODE_VALID_SECONDS: i64 = 10 * 60;
/// Wrong codes before the hand-over must be started again (a new code).
pub const MAX_TRIES: i64 = 5;

/// `POST /api/v1/drafts/{id}/handover`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewHandover {
    /// The person's mobile number (their account).
    pub phone: String,
}

/// The code is on its way to the person's phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverStarted {
    pub masked_phone: String,
    pub expires_at: i64,
}

/// `POST /api/v1/drafts/{id}/handover/confirm`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverCode {
    pub code: String,
}

/// The draft is the person's now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandedOver {
    pub draft_id: String,
    pub masked_phone: String,
}
