//! 好差评 (GB/T 39734-2020, GB/T 39735-2020): the person rates an application — or a visit to a
//! hall — on the five national levels, with the standard's indicators for the channel and a
//! comment. A bad rating (不满意, 非常不满意) opens a rectification item (整改) in each department
//! involved, with a callback and an answer due within the region's working days; once every
//! department has answered, the person may rate once more. Public statistics show each
//! department and hall without personal data, and only groups of at least `MIN_GROUP` ratings.
//!
//! The rules are here so the server, the workbench and the apps agree on them.

use serde::{Deserialize, Serialize};

use crate::api::FieldError;
use crate::calendar::Day;
use crate::case::DepartmentRef;

mod stats;
pub use stats::*;

/// The five levels (五级评价), best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Level {
    /// 非常满意
    VerySatisfied,
    /// 满意
    Satisfied,
    /// 基本满意
    Basic,
    /// 不满意
    Dissatisfied,
    /// 非常不满意
    VeryDissatisfied,
}

impl Level {
    pub const ALL: [Self; 5] = [
        Self::VerySatisfied,
        Self::Satisfied,
        Self::Basic,
        Self::Dissatisfied,
        Self::VeryDissatisfied,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::VerySatisfied => "very-satisfied",
            Self::Satisfied => "satisfied",
            Self::Basic => "basic",
            Self::Dissatisfied => "dissatisfied",
            Self::VeryDissatisfied => "very-dissatisfied",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// 5 (非常满意) down to 1 (非常不满意).
    pub fn score(self) -> u8 {
        match self {
            Self::VerySatisfied => 5,
            Self::Satisfied => 4,
            Self::Basic => 3,
            Self::Dissatisfied => 2,
            Self::VeryDissatisfied => 1,
        }
    }

    /// The bottom two levels count as 差评 and open a rectification.
    pub fn is_bad(self) -> bool {
        matches!(self, Self::Dissatisfied | Self::VeryDissatisfied)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Self::VerySatisfied => "evaluation-level-very-satisfied",
            Self::Satisfied => "evaluation-level-satisfied",
            Self::Basic => "evaluation-level-basic",
            Self::Dissatisfied => "evaluation-level-dissatisfied",
            Self::VeryDissatisfied => "evaluation-level-very-dissatisfied",
        }
    }
}

/// Where the service was given: online (the application) or at a hall (a visit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = EvaluationChannel))]
pub enum Channel {
    Online,
    Hall,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Hall => "hall",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Online, Self::Hall]
            .into_iter()
            .find(|c| c.code() == code)
    }

    /// The standard's indicators for the channel, beside the overall level (整体满意度).
    pub fn indicators(self) -> &'static [Indicator] {
        match self {
            Self::Online => &[
                Indicator::Efficiency,
                Indicator::GuideAccuracy,
                Indicator::Convenience,
                Indicator::Operability,
            ],
            Self::Hall => &[
                Indicator::ServiceEfficiency,
                Indicator::ServiceLevel,
                Indicator::Attitude,
            ],
        }
    }
}

/// An indicator rated beside the overall level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Indicator {
    /// 办事效率 (online)
    Efficiency,
    /// 办事指南精确度 (online)
    GuideAccuracy,
    /// 办事便捷度 (online)
    Convenience,
    /// 平台操作性 (online)
    Operability,
    /// 服务效率 (at a hall)
    ServiceEfficiency,
    /// 服务水平 (at a hall)
    ServiceLevel,
    /// 服务态度 (at a hall)
    Attitude,
}

impl Indicator {
    pub const ALL: [Self; 7] = [
        Self::Efficiency,
        Self::GuideAccuracy,
        Self::Convenience,
        Self::Operability,
        Self::ServiceEfficiency,
        Self::ServiceLevel,
        Self::Attitude,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Efficiency => "efficiency",
            Self::GuideAccuracy => "guide-accuracy",
            Self::Convenience => "convenience",
            Self::Operability => "operability",
            Self::ServiceEfficiency => "service-efficiency",
            Self::ServiceLevel => "service-level",
            Self::Attitude => "attitude",
        }
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Self::Efficiency => "evaluation-indicator-efficiency",
            Self::GuideAccuracy => "evaluation-indicator-guide-accuracy",
            Self::Convenience => "evaluation-indicator-convenience",
            Self::Operability => "evaluation-indicator-operability",
            Self::ServiceEfficiency => "evaluation-indicator-service-efficiency",
            Self::ServiceLevel => "evaluation-indicator-service-level",
            Self::Attitude => "evaluation-indicator-attitude",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorRating {
    pub indicator: Indicator,
    pub level: Level,
}

/// The longest comment, in characters.
pub const COMMENT_MAX: usize = 500;

/// `POST /api/v1/applications/{id}/evaluation` (and a visit's): a rating, or the one re-rating
/// after the departments answered a bad one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEvaluation {
    pub overall: Level,
    /// Any of the channel's indicators, each at most once.
    #[serde(default)]
    pub indicators: Vec<IndicatorRating>,
    /// What went well or wrong; required with a bad rating, so the department knows what to fix.
    #[serde(default)]
    pub comment: String,
}

impl NewEvaluation {
    /// What is wrong with it for `channel`, field by field.
    pub fn check(&self, channel: Channel) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let allowed = channel.indicators();
        for (i, r) in self.indicators.iter().enumerate() {
            let path = format!("indicators[{i}].indicator");
            if !allowed.contains(&r.indicator) {
                errors.push(FieldError::new(path, "field-choice"));
            } else if self.indicators[..i]
                .iter()
                .any(|o| o.indicator == r.indicator)
            {
                errors.push(FieldError::new(path, "field-invalid"));
            }
        }
        let comment = self.comment.trim();
        if comment.chars().count() > COMMENT_MAX {
            errors.push(
                FieldError::new("comment", "field-too-long")
                    .with_param("max", COMMENT_MAX.to_string()),
            );
        } else if self.overall.is_bad() && comment.is_empty() {
            errors.push(FieldError::new("comment", "evaluation-comment-required"));
        }
        errors
    }
}

/// Where a rectification stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RectificationStatus {
    /// Waiting for the department to call the person back.
    Open,
    /// Called back; the fix and its answer are due.
    CalledBack,
    /// The department answered; the person may re-rate.
    Answered,
    /// The person re-rated.
    Closed,
}

impl RectificationStatus {
    pub const ALL: [Self; 4] = [Self::Open, Self::CalledBack, Self::Answered, Self::Closed];

    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::CalledBack => "called-back",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Self::Open => "rectification-status-open",
            Self::CalledBack => "rectification-status-called-back",
            Self::Answered => "rectification-status-answered",
            Self::Closed => "rectification-status-closed",
        }
    }

    /// Still the department's to do.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::CalledBack)
    }
}

/// The region's deadlines for a bad rating, in working days from the rating (local rules set
/// them, not the national standard).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RectificationRules {
    /// Call the person back within this many working days.
    pub callback_days: u32,
    /// Fix it and answer within this many working days.
    pub answer_days: u32,
}

impl Default for RectificationRules {
    fn default() -> Self {
        Self {
            callback_days: 1,
            answer_days: 5,
        }
    }
}

impl RectificationRules {
    /// Why the configuration cannot be used, if it cannot.
    pub fn problem(&self) -> Option<&'static str> {
        if self.answer_days == 0 {
            Some("the answer must be due at least one working day after the rating")
        } else if self.callback_days > self.answer_days {
            Some("the callback cannot be due after the answer")
        } else {
            None
        }
    }
}

/// Whether an open item has passed a deadline (`callback_by`, `answer_by` are the last days).
pub fn is_overdue(
    status: RectificationStatus,
    callback_by: Day,
    answer_by: Day,
    today: Day,
) -> bool {
    match status {
        RectificationStatus::Open => today > callback_by || today > answer_by,
        RectificationStatus::CalledBack => today > answer_by,
        _ => false,
    }
}

/// Whether the person may rate again: once, after every department answered their bad rating.
pub fn may_rerate(revised: bool, rectifications: &[RectificationStatus]) -> bool {
    !revised
        && !rectifications.is_empty()
        && rectifications
            .iter()
            .all(|s| *s == RectificationStatus::Answered)
}

/// One department's follow-up of a bad rating, as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rectification {
    pub id: String,
    pub department: DepartmentRef,
    pub status: RectificationStatus,
    /// The last day for the callback (`YYYY-MM-DD`).
    pub callback_by: String,
    /// The last day for the answer.
    pub answer_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub called_back_at: Option<i64>,
    /// What the department did about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<i64>,
    /// Past a deadline and not done.
    pub overdue: bool,
}

/// A rating as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub id: String,
    pub channel: Channel,
    pub overall: Level,
    pub indicators: Vec<IndicatorRating>,
    pub comment: String,
    pub at: i64,
    /// The first rating, when this one replaced it after the departments' answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Level>,
    pub rectifications: Vec<Rectification>,
    /// The person may rate once more now.
    pub may_rerate: bool,
}

/// A rectification item in the department's workbench.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffRectification {
    pub rectification: Rectification,
    pub channel: Channel,
    pub overall: Level,
    pub indicators: Vec<IndicatorRating>,
    pub comment: String,
    pub rated_at: i64,
    /// The application's receipt (a visit's booking code when it has none).
    pub reference: String,
    /// The application, for opening its case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    /// The person, masked (`张*`), and — for the callback, in the item itself only — their phone.
    pub person: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_note: Option<String>,
    /// Who answered (a staff member's display name; the person sees only the department).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
}

/// `GET /api/v1/staff/rectifications`: the department's items, overdue first, then by deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffRectificationList {
    pub items: Vec<StaffRectification>,
    /// Open items past a deadline (the supervisor's flag).
    pub overdue: u32,
    pub rules: RectificationRules,
}

/// `POST /api/v1/staff/rectifications/{id}/callback` and `/answer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RectificationNote {
    pub text: String,
}

/// The longest note or answer, in characters.
pub const NOTE_MAX: usize = 2000;

impl RectificationNote {
    pub fn check(&self) -> Vec<FieldError> {
        let text = self.text.trim();
        if text.is_empty() {
            vec![FieldError::new("text", "field-required")]
        } else if text.chars().count() > NOTE_MAX {
            vec![FieldError::new("text", "field-too-long").with_param("max", NOTE_MAX.to_string())]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(overall: Level, comment: &str) -> NewEvaluation {
        NewEvaluation {
            overall,
            indicators: Vec::new(),
            comment: comment.to_owned(),
        }
    }

    #[test]
    fn a_bad_rating_needs_its_reason_and_a_good_one_does_not() {
        assert!(rating(Level::VerySatisfied, "")
            .check(Channel::Online)
            .is_empty());
        assert!(rating(Level::Basic, "  ").check(Channel::Online).is_empty());
        for bad in [Level::Dissatisfied, Level::VeryDissatisfied] {
            let errors = rating(bad, " ").check(Channel::Online);
            assert_eq!(errors[0].path, "comment");
            assert_eq!(errors[0].code, "evaluation-comment-required");
            assert!(rating(bad, "等了两周没人理")
                .check(Channel::Online)
                .is_empty());
        }
        let long = "很".repeat(COMMENT_MAX + 1);
        assert_eq!(
            rating(Level::Satisfied, &long).check(Channel::Online)[0].code,
            "field-too-long"
        );
        assert!(rating(Level::Satisfied, &"很".repeat(COMMENT_MAX))
            .check(Channel::Online)
            .is_empty());
    }

    #[test]
    fn indicators_are_the_channels_own_each_once() {
        let mut r = rating(Level::Satisfied, "");
        r.indicators = vec![
            IndicatorRating {
                indicator: Indicator::Efficiency,
                level: Level::Basic,
            },
            IndicatorRating {
                indicator: Indicator::Attitude,
                level: Level::Basic,
            },
            IndicatorRating {
                indicator: Indicator::Efficiency,
                level: Level::Satisfied,
            },
        ];
        let errors = r.check(Channel::Online);
        assert_eq!(errors.len(), 2);
        assert_eq!(
            (errors[0].path.as_str(), errors[0].code.as_str()),
            ("indicators[1].indicator", "field-choice")
        );
        assert_eq!(
            (errors[1].path.as_str(), errors[1].code.as_str()),
            ("indicators[2].indicator", "field-invalid")
        );
        let hall = r.check(Channel::Hall);
        assert_eq!(
            hall[0].path, "indicators[0].indicator",
            "efficiency is online's"
        );
        assert_eq!(Channel::Online.indicators().len(), 4);
        assert_eq!(Channel::Hall.indicators().len(), 3);
    }

    #[test]
    fn only_the_bottom_two_levels_are_bad_and_codes_round_trip() {
        let bad: Vec<Level> = Level::ALL.into_iter().filter(|l| l.is_bad()).collect();
        assert_eq!(bad, [Level::Dissatisfied, Level::VeryDissatisfied]);
        for l in Level::ALL {
            assert_eq!(Level::from_code(l.code()), Some(l));
            assert_eq!(
                serde_json::to_string(&l).unwrap(),
                format!("\"{}\"", l.code())
            );
        }
        assert_eq!(Level::ALL.map(Level::score), [5, 4, 3, 2, 1], "best first");
        for s in RectificationStatus::ALL {
            assert_eq!(RectificationStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn deadlines_pass_on_the_day_after_the_last_day() {
        let (cb, ans) = (Day::from_ymd(2026, 12, 4), Day::from_ymd(2026, 12, 10));
        let open = RectificationStatus::Open;
        assert!(!is_overdue(open, cb, ans, Day::from_ymd(2026, 12, 4)));
        assert!(is_overdue(open, cb, ans, Day::from_ymd(2026, 12, 5)));
        let called = RectificationStatus::CalledBack;
        assert!(!is_overdue(called, cb, ans, Day::from_ymd(2026, 12, 10)));
        assert!(is_overdue(called, cb, ans, Day::from_ymd(2026, 12, 11)));
        assert!(!is_overdue(
            RectificationStatus::Answered,
            cb,
            ans,
            Day::from_ymd(2027, 1, 1)
        ));
        assert_eq!(
            rectified_on_time(Some(ans), ans, Day(ans.0 + 9)),
            Some(true)
        );
        assert_eq!(
            rectified_on_time(Some(Day(ans.0 + 1)), ans, ans),
            Some(false)
        );
        assert_eq!(rectified_on_time(None, ans, ans), None);
        assert_eq!(rectified_on_time(None, ans, Day(ans.0 + 1)), Some(false));
    }

    #[test]
    fn the_person_rates_again_once_and_only_after_every_answer() {
        use RectificationStatus::*;
        assert!(
            !may_rerate(false, &[]),
            "a good rating has nothing to follow"
        );
        assert!(!may_rerate(false, &[Answered, CalledBack]));
        assert!(may_rerate(false, &[Answered, Answered]));
        assert!(!may_rerate(true, &[Answered]), "only once");
    }

    #[test]
    fn rules_are_checked() {
        assert_eq!(RectificationRules::default().problem(), None);
        let r = RectificationRules {
            callback_days: 3,
            answer_days: 2,
        };
        assert!(r.problem().is_some());
        let r = RectificationRules {
            callback_days: 0,
            answer_days: 0,
        };
        assert!(r.problem().is_some());
    }
}
