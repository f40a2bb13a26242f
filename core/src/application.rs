//! A submitted application (办件) and its life: submitted → accepted (受理) → in review →
//! supplement requested (补正) → approved / rejected → completed (办结). The allowed moves are
//! here, so staff pages, the server and the apps agree on them.

use serde::{Deserialize, Serialize};

use crate::form::Answers;
pub use crate::status::{ApplicationStatus, TimelineEvent};

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
    /// Who submitted it for the person under a mandate (亲友代办): masked name and phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
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
