//! 好差评 in public: each department's and hall's figures, made only of counts, and none for a
//! group under `MIN_GROUP` ratings.

use serde::{Deserialize, Serialize};

use super::{Level, RectificationRules};
use crate::calendar::Day;
use crate::LocalizedText;

/// Groups smaller than this show no figures (no rating can be traced to a person).
pub const MIN_GROUP: u32 = 5;

/// What one department's or hall's figures are made of.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupFacts {
    /// Ratings at each level as they stand (the re-rating, when there was one), in
    /// `Level::ALL` order.
    pub levels: [u32; 5],
    /// Rectifications answered by their deadline, and answered late or still open past it.
    pub rectified_on_time: u32,
    pub rectified_late: u32,
    /// Each completed case: (working days it took, working days promised).
    pub completed: Vec<(u32, u32)>,
}

impl GroupFacts {
    pub fn add_ratings(&mut self, level: Level, count: u32) {
        if let Some(i) = Level::ALL.iter().position(|l| *l == level) {
            self.levels[i] += count;
        }
    }

    /// Counts a rectification by how it stands (`rectified_on_time`).
    pub fn add_rectification(&mut self, on_time: Option<bool>) {
        match on_time {
            Some(true) => self.rectified_on_time += 1,
            Some(false) => self.rectified_late += 1,
            None => {}
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelCount {
    pub level: Level,
    pub count: u32,
}

/// A group's figures, when it has enough ratings to show them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupFigures {
    pub ratings: u32,
    /// Every level, best first, with its count.
    pub by_level: Vec<LevelCount>,
    /// Share rated 基本满意 or better, in whole percent (rounded down).
    pub satisfied_percent: u32,
    /// Rectifications decided (answered, late or overdue) and of those answered on time.
    pub rectifications: u32,
    pub rectified_on_time: u32,
    /// Median working days from submission to completion, and median promised (none completed: absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_promised_days: Option<f64>,
}

/// One department or hall on the public page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupStats {
    pub id: String,
    pub name: LocalizedText,
    /// Absent while the group has fewer than `min_group` ratings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figures: Option<GroupFigures>,
}

/// `GET /api/v1/evaluations/stats`: anyone may read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationStats {
    pub departments: Vec<GroupStats>,
    pub halls: Vec<GroupStats>,
    pub min_group: u32,
    pub rules: RectificationRules,
}

fn median(mut values: Vec<u32>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        f64::from(values[n / 2])
    } else {
        (f64::from(values[n / 2 - 1]) + f64::from(values[n / 2])) / 2.0
    })
}

/// A group's figures, or none when it has fewer than `MIN_GROUP` ratings.
pub fn figures(facts: &GroupFacts) -> Option<GroupFigures> {
    let ratings: u32 = facts.levels.iter().sum();
    if ratings < MIN_GROUP {
        return None;
    }
    let by_level: Vec<LevelCount> = Level::ALL
        .into_iter()
        .zip(facts.levels)
        .map(|(level, count)| LevelCount { level, count })
        .collect();
    let satisfied: u32 = by_level
        .iter()
        .filter(|c| !c.level.is_bad())
        .map(|c| c.count)
        .sum();
    Some(GroupFigures {
        ratings,
        by_level,
        satisfied_percent: satisfied * 100 / ratings,
        rectifications: facts.rectified_on_time + facts.rectified_late,
        rectified_on_time: facts.rectified_on_time,
        median_days: median(facts.completed.iter().map(|(d, _)| *d).collect()),
        median_promised_days: median(facts.completed.iter().map(|(_, p)| *p).collect()),
    })
}

/// How a rectification counts: on time when answered by `answer_by`; late when answered after
/// it or still open past it; undecided while open within it.
pub fn rectified_on_time(answered_on: Option<Day>, answer_by: Day, today: Day) -> Option<bool> {
    match answered_on {
        Some(day) => Some(day <= answer_by),
        None if today > answer_by => Some(false),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(levels: &[Level]) -> GroupFacts {
        let mut f = GroupFacts::default();
        for l in levels {
            f.add_ratings(*l, 1);
        }
        f
    }

    #[test]
    fn groups_under_five_ratings_show_nothing() {
        let mut f = facts(&[Level::VeryDissatisfied; 4]);
        f.add_rectification(Some(true));
        f.completed.push((3, 10));
        assert_eq!(figures(&f), None);
        f.add_ratings(Level::Satisfied, 1);
        let shown = figures(&f).expect("five ratings show");
        assert_eq!(shown.ratings, 5);
        assert_eq!(shown.satisfied_percent, 20);
        assert_eq!(shown.by_level.len(), 5);
        assert_eq!(shown.by_level[4].count, 4);
        assert_eq!(shown.by_level[1].count, 1);
        assert_eq!((shown.rectifications, shown.rectified_on_time), (1, 1));
        assert_eq!(shown.median_days, Some(3.0));
    }

    #[test]
    fn medians_and_on_time_counts() {
        use Level::*;
        let mut f = facts(&[
            Satisfied,
            Basic,
            Dissatisfied,
            Satisfied,
            VerySatisfied,
            Satisfied,
        ]);
        for r in [Some(true), Some(false), None] {
            f.add_rectification(r);
        }
        f.completed = vec![(2, 10), (5, 10), (1, 3), (8, 20)];
        let shown = figures(&f).unwrap();
        assert_eq!(shown.satisfied_percent, 83, "5 of 6, rounded down");
        assert_eq!(
            (shown.rectifications, shown.rectified_on_time),
            (2, 1),
            "the open one within its time is not counted"
        );
        assert_eq!(shown.median_days, Some(3.5));
        assert_eq!(shown.median_promised_days, Some(10.0));
        assert_eq!(figures(&facts(&[Basic; 5])).unwrap().median_days, None);
    }
}
