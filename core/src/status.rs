//! Where an application or one of its cases stands: its status, the moves allowed from each,
//! and the steps of its timeline. Shared by `application` (what the person follows) and `case`
//! (what a department works), which both build on it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ApplicationStatus {
    Submitted,
    Accepted,
    /// Checked where it was received and forwarded to the department that decides (跨省通办).
    Forwarded,
    InReview,
    SupplementRequested,
    Approved,
    Rejected,
    Completed,
}

impl ApplicationStatus {
    pub const ALL: [Self; 8] = [
        Self::Submitted,
        Self::Accepted,
        Self::Forwarded,
        Self::InReview,
        Self::SupplementRequested,
        Self::Approved,
        Self::Rejected,
        Self::Completed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::Forwarded => "forwarded",
            Self::InReview => "in-review",
            Self::SupplementRequested => "supplement-requested",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Completed => "completed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The message naming this status (`status-<code>`).
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Submitted => "status-submitted",
            Self::Accepted => "status-accepted",
            Self::Forwarded => "status-forwarded",
            Self::InReview => "status-in-review",
            Self::SupplementRequested => "status-supplement-requested",
            Self::Approved => "status-approved",
            Self::Rejected => "status-rejected",
            Self::Completed => "status-completed",
        }
    }

    /// Where the deciding department's staff may move a case from here (for a case received
    /// away from home, see `case::case_moves`). A supplement goes back to review only when the
    /// person supplies it, not by staff.
    pub fn staff_moves(self) -> &'static [Self] {
        match self {
            Self::Submitted => &[Self::Accepted, Self::Rejected],
            Self::Accepted => &[Self::InReview],
            Self::Forwarded => &[Self::InReview],
            Self::InReview => &[Self::SupplementRequested, Self::Approved, Self::Rejected],
            Self::SupplementRequested => &[Self::Rejected],
            Self::Approved => &[Self::Completed],
            Self::Rejected | Self::Completed => &[],
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, Self::Rejected | Self::Completed)
    }
}

/// One step of the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TimelineEvent {
    pub at: i64,
    pub status: ApplicationStatus,
    /// What the department says (reasons, what to bring), in its own words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// For a supplement request: the answers (paths) to give again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// The department that made this step (none for the person's own steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<crate::model::LocalizedText>,
    /// For a refusal: its reason (`case::REJECT_REASONS`, message `reject-reason-<code>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
