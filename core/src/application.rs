//! A submitted application (办件) and its life: submitted → accepted (受理) → in review →
//! supplement requested (补正) → approved / rejected → completed (办结). The allowed moves are
//! here, so staff pages, the server and the apps agree on them.

use serde::{Deserialize, Serialize};

use crate::form::Answers;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ApplicationStatus {
    Submitted,
    Accepted,
    InReview,
    SupplementRequested,
    Approved,
    Rejected,
    Completed,
}

impl ApplicationStatus {
    pub const ALL: [Self; 7] = [
        Self::Submitted,
        Self::Accepted,
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
            Self::InReview => "status-in-review",
            Self::SupplementRequested => "status-supplement-requested",
            Self::Approved => "status-approved",
            Self::Rejected => "status-rejected",
            Self::Completed => "status-completed",
        }
    }

    /// Where staff may move an application from here. A supplement goes back to review only
    /// when the person supplies it, not by staff.
    pub fn staff_moves(self) -> &'static [Self] {
        match self {
            Self::Submitted => &[Self::Accepted, Self::Rejected],
            Self::Accepted => &[Self::InReview],
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
}

/// An application as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Application {
    pub id: String,
    /// The receipt number (受理编号) the person quotes.
    pub receipt: String,
    pub form_id: String,
    pub draft_id: String,
    pub status: ApplicationStatus,
    pub answers: Answers,
    pub timeline: Vec<TimelineEvent>,
    pub created_at: i64,
}

impl Application {
    /// The fields a pending supplement asks for (empty unless one is requested).
    pub fn requested_fields(&self) -> &[String] {
        match (self.status, self.timeline.last()) {
            (ApplicationStatus::SupplementRequested, Some(e)) => &e.fields,
            _ => &[],
        }
    }
}

/// `GET /api/v1/applications`: one line per application, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ApplicationSummary {
    pub id: String,
    pub receipt: String,
    pub form_id: String,
    pub status: ApplicationStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationList {
    pub items: Vec<ApplicationSummary>,
}

/// Staff move an application: the new status, a message, and for a supplement the fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    pub status: ApplicationStatus,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// The person supplies what a supplement asked for: new answers for those fields only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Supplement {
    pub answers: Answers,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_and_finals_go_nowhere() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::from_code(s.code()), Some(s));
            assert_eq!(s.is_final(), s.staff_moves().is_empty());
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
    }

    #[test]
    fn every_status_is_reachable_from_submitted() {
        let mut reached = vec![ApplicationStatus::Submitted];
        let mut i = 0;
        while i < reached.len() {
            for next in reached[i].staff_moves() {
                if !reached.contains(next) {
                    reached.push(*next);
                }
            }
            i += 1;
        }
        assert_eq!(reached.len(), ApplicationStatus::ALL.len(), "{reached:?}");
    }
}
