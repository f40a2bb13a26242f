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
    /// Each deciding department's part, with its progress and promised date.
    #[serde(default)]
    pub cases: Vec<crate::case::CaseView>,
    pub created_at: i64,
}

impl Application {
    /// The fields pending supplements ask for, every department's together (empty unless one is
    /// requested).
    pub fn requested_fields(&self) -> Vec<String> {
        if self.cases.is_empty() {
            return match (self.status, self.timeline.last()) {
                (ApplicationStatus::SupplementRequested, Some(e)) => e.fields.clone(),
                _ => Vec::new(),
            };
        }
        let mut fields: Vec<String> = Vec::new();
        for case in &self.cases {
            for f in &case.requested {
                if !fields.contains(f) {
                    fields.push(f.clone());
                }
            }
        }
        fields
    }

    /// How many of its departments are done, of how many.
    pub fn progress(&self) -> (usize, usize) {
        let done = self.cases.iter().filter(|c| c.status.is_final()).count();
        (done, self.cases.len())
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
    /// For a refusal: its reason (`case::REJECT_REASONS`); `other` when none is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
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
            let moves = crate::case::case_moves(s, crate::case::Holder::Receiving).len()
                + s.staff_moves().len();
            assert_eq!(s.is_final(), moves == 0);
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
    }

    #[test]
    fn every_status_is_reachable_from_submitted() {
        use crate::case::{case_moves, Holder};
        let mut reached = vec![ApplicationStatus::Submitted];
        let mut i = 0;
        while i < reached.len() {
            let moves = [Holder::Receiving, Holder::Deciding]
                .into_iter()
                .flat_map(|h| case_moves(reached[i], h).iter());
            for next in moves.collect::<Vec<_>>() {
                if !reached.contains(next) {
                    reached.push(*next);
                }
            }
            i += 1;
        }
        assert_eq!(reached.len(), ApplicationStatus::ALL.len(), "{reached:?}");
    }
}
