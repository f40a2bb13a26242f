//! Acting for someone (亲友代办): a person grants another account a mandate — for chosen matters or
//! all, from a start date to an end date at most a year later, optionally deciding together — and
//! the agent accepts. While it is accepted and today lies in its dates, the agent may make
//! drafts, submit, follow applications and book visits in the grantor's name, for those matters
//! only; the grantor sees all of it and can revoke at once.

use serde::{Deserialize, Serialize};

use crate::calendar::Day;

/// The header an agent's requests carry to act under a mandate (its id).
pub const ACTING_HEADER: &str = "x-tongban-acting-for";

/// The longest a mandate may run: a year (to the same date next year, the day before).
pub fn latest_end(from: Day) -> Day {
    let (y, m, d) = from.ymd();
    // 29 February: a year later is 28 February.
    let next = Day::parse(&format!("{:04}-{m:02}-{d:02}", y + 1))
        .unwrap_or_else(|| Day::from_ymd(y + 1, m, 28));
    Day(next.0 - 1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MandateStatus {
    /// Granted, waiting for the agent.
    Offered,
    Accepted,
    Declined,
    /// Ended by the grantor (or given back by the agent).
    Revoked,
}

impl MandateStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Offered => "offered",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Revoked => "revoked",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Offered, Self::Accepted, Self::Declined, Self::Revoked]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// What a mandate is: a family member's (granted by the person, accepted by the agent), or a
/// guardian's for a minor child (监护: declared by the parent, confirmed in a hall by staff who
/// saw the household register, running until the child turns 18).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MandateKind {
    #[default]
    Family,
    Guardian,
}

impl MandateKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Family => "family",
            Self::Guardian => "guardian",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Family, Self::Guardian]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// The last day a guardian acts for a child born on `birth`: the day before their 18th
/// birthday (born 29 February: 28 February is the birthday in common years).
pub fn guardian_until(birth: (u16, u8, u8)) -> Day {
    Day(crate::identity::nth_birthday(birth, 18).0 - 1)
}

/// Whether a person born on `birth` is a minor (under 18) on `today`.
pub fn is_minor(birth: (u16, u8, u8), today: Day) -> bool {
    today <= guardian_until(birth)
}

/// `POST /api/v1/me/guardianships`: a parent declares a minor child.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewGuardianship {
    pub child_name: String,
    pub child_id_number: String,
}

/// What a hall's staff see to confirm a guardianship (the papers in front of them say the rest).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardianshipCheck {
    pub id: String,
    /// The parent: masked name and phone.
    pub guardian: String,
    /// The child: masked name and masked ID number.
    pub child: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub child_born: Day,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub until: Day,
    pub status: MandateStatus,
}

/// Why a new mandate is refused (each an error code `mandate-<…>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodRefusal {
    /// It would start before today.
    StartsInThePast,
    /// It would end before it starts.
    EndsBeforeStart,
    /// Longer than a year.
    TooLong,
}

impl PeriodRefusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::StartsInThePast => "mandate-starts-in-the-past",
            Self::EndsBeforeStart => "mandate-ends-before-start",
            Self::TooLong => "mandate-too-long",
        }
    }

    /// The field it is about.
    pub fn field(self) -> &'static str {
        match self {
            Self::StartsInThePast => "from",
            Self::EndsBeforeStart | Self::TooLong => "to",
        }
    }
}

pub fn check_period(from: Day, to: Day, today: Day) -> Result<(), PeriodRefusal> {
    if from < today {
        return Err(PeriodRefusal::StartsInThePast);
    }
    if to < from {
        return Err(PeriodRefusal::EndsBeforeStart);
    }
    if to > latest_end(from) {
        return Err(PeriodRefusal::TooLong);
    }
    Ok(())
}

/// Whether a mandate lets its agent act today.
pub fn is_active(status: MandateStatus, from: Day, to: Day, today: Day) -> bool {
    status == MandateStatus::Accepted && from <= today && today <= to
}

/// Whether a mandate's matters (none listed: all) cover every one of `codes`.
pub fn covers(matters: &[String], codes: &[String]) -> bool {
    matters.is_empty() || codes.iter().all(|c| matters.contains(c))
}

/// `POST /api/v1/me/mandates`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMandate {
    /// The agent's mobile number (their account).
    pub agent_phone: String,
    /// Matter codes; empty for every matter.
    #[serde(default)]
    pub matters: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: Day,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub to: Day,
    /// Applications that need the grantor's confirmation wait for it.
    #[serde(default)]
    pub decide_together: bool,
}

/// A mandate as either side sees it: the other party only masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mandate {
    pub id: String,
    /// The other party: their masked phone (and masked name when verified).
    pub other_party: String,
    pub matters: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: Day,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub to: Day,
    pub decide_together: bool,
    pub status: MandateStatus,
    /// Accepted and today within its dates.
    pub active: bool,
    #[serde(default)]
    pub kind: MandateKind,
    /// A guardianship waiting for a hall: the code its parent shows there (to the parent only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hall_code: Option<String>,
}

/// One thing done in the grantor's name under a mandate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ActedKind {
    /// A draft made (its last change at `at`).
    Drafted,
    /// An application submitted (with its receipt).
    Submitted,
    /// A visit booked (its day and time in `when`).
    Booked,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Acted {
    pub kind: ActedKind,
    /// When it was done (Unix seconds).
    pub at: i64,
    /// The matter or bundle (its code or bundle id).
    pub form_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

/// `GET /api/v1/me/mandates/{id}/record`: what was done under a mandate, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActedRecord {
    pub items: Vec<Acted>,
}

/// `GET /api/v1/me/mandates`: those I gave and those I received, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MandateList {
    pub given: Vec<Mandate>,
    pub received: Vec<Mandate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i64, m: u32, day: u32) -> Day {
        Day::from_ymd(y, m, day)
    }

    #[test]
    fn a_mandate_runs_at_most_a_year_from_today_on() {
        let today = d(2026, 12, 2);
        assert_eq!(latest_end(today), d(2027, 12, 1));
        assert_eq!(latest_end(d(2028, 2, 29)), d(2029, 2, 27));
        assert_eq!(check_period(today, d(2027, 12, 1), today), Ok(()));
        assert_eq!(
            check_period(today, d(2027, 12, 2), today),
            Err(PeriodRefusal::TooLong)
        );
        assert_eq!(
            check_period(d(2026, 12, 1), d(2026, 12, 5), today),
            Err(PeriodRefusal::StartsInThePast)
        );
        assert_eq!(
            check_period(d(2026, 12, 5), d(2026, 12, 4), today),
            Err(PeriodRefusal::EndsBeforeStart)
        );
        assert_eq!(check_period(today, today, today), Ok(()));
    }

    #[test]
    fn a_guardian_acts_until_the_day_before_the_eighteenth_birthday() {
        assert_eq!(guardian_until((2010, 3, 2)), d(2028, 3, 1));
        assert!(is_minor((2010, 3, 2), d(2028, 3, 1)));
        assert!(!is_minor((2010, 3, 2), d(2028, 3, 2)));
        // Born on 29 February: 18 on 28 February of a common year (the day before is the last).
        assert_eq!(guardian_until((2008, 2, 29)), d(2026, 2, 27));
        assert!(!is_minor((2008, 2, 29), d(2026, 2, 28)));
        assert_eq!(
            MandateKind::from_code("guardian"),
            Some(MandateKind::Guardian)
        );
    }

    #[test]
    fn only_an_accepted_mandate_in_its_dates_acts_and_only_for_its_matters() {
        let (from, to) = (d(2026, 12, 2), d(2026, 12, 31));
        assert!(is_active(
            MandateStatus::Accepted,
            from,
            to,
            d(2026, 12, 10)
        ));
        assert!(!is_active(MandateStatus::Accepted, from, to, d(2027, 1, 1)));
        assert!(!is_active(
            MandateStatus::Accepted,
            from,
            to,
            d(2026, 12, 1)
        ));
        for s in [
            MandateStatus::Offered,
            MandateStatus::Declined,
            MandateStatus::Revoked,
        ] {
            assert!(!is_active(s, from, to, d(2026, 12, 10)));
            assert_eq!(MandateStatus::from_code(s.code()), Some(s));
        }
        let some = vec!["A".to_string(), "B".to_string()];
        assert!(covers(&some, &["A".into()]));
        assert!(!covers(&some, &["A".into(), "C".into()]));
        assert!(covers(&[], &["anything".into()]));
    }
}
