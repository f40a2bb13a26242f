//! Working days (工作日): time limits are counted on a calendar held as data — weekends, public
//! holidays and the weekend days made working days (调休) — so "promised within 5 working days"
//! has a due date. The calendar file (`catalog/calendar.json`, format `tongban-calendar/1`)
//! names each year's holidays as published; a year known only by its statutory holidays, or not
//! at all, still counts, but its dates are marked provisional so nobody is promised a day that
//! may move.
//!
//! Counting: the day a case arrives is day 0; the due date is the `n`th working day after it
//! (0 days: the same day).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::LocalizedText;

/// A calendar day (days since 1970-01-01), in China's time zone when made from a timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Self {
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Self(era * 146_097 + doe - 719_468)
    }

    /// `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let y: i64 = parts.next()?.parse().ok()?;
        let m: u32 = parts.next()?.parse().ok()?;
        let d: u32 = parts.next()?.parse().ok()?;
        let day = Self::from_ymd(y, m, d);
        (parts.next().is_none() && day.ymd() == (y, m, d)).then_some(day)
    }

    /// The day a moment falls on in China (UTC+8).
    pub fn of_timestamp(unix_seconds: i64) -> Self {
        Self((unix_seconds + 8 * 3600).div_euclid(86_400))
    }

    pub fn ymd(self) -> (i64, u32, u32) {
        let (y, m, d) = crate::identity::china_date(self.0 * 86_400 - 8 * 3600 + 1);
        (i64::from(y), u32::from(m), u32::from(d))
    }

    /// Monday = 1 … Sunday = 7 (1970-01-01 was a Thursday).
    pub fn weekday(self) -> u32 {
        ((self.0 + 3).rem_euclid(7) + 1) as u32
    }

    pub fn is_weekend(self) -> bool {
        self.weekday() >= 6
    }

    /// The first moment of this day in China (00:00 UTC+8), as a Unix timestamp.
    pub fn start_timestamp(self) -> i64 {
        self.0 * 86_400 - 8 * 3600
    }

    /// The same day `months` calendar months later, or the month's last day when it has no
    /// such day (31 January + 1 month → 28 or 29 February).
    pub fn add_months(self, months: u32) -> Self {
        let (y, m, d) = self.ymd();
        let index = y * 12 + i64::from(m - 1) + i64::from(months);
        let (y, m) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        (1..=d)
            .rev()
            .map(|d| (d, Self::from_ymd(y, m, d)))
            .find(|&(d, day)| day.ymd() == (y, m, d))
            .map_or_else(|| Self::from_ymd(y, m, 1), |(_, day)| day)
    }
}

/// Written as `YYYY-MM-DD`.
impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a date (YYYY-MM-DD)")))
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// How far a year's calendar can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Certainty {
    /// Nothing known beyond weekends.
    WeekendsOnly,
    /// The statutory holidays are known; the year's arrangement (调休) is not published yet.
    Statutory,
    /// As the State Council published it.
    Published,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolidaySpan {
    pub name: LocalizedText,
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarYear {
    pub status: Certainty,
    #[serde(default)]
    pub source: String,
    pub holidays: Vec<HolidaySpan>,
    /// Weekend days that are working days (调休).
    #[serde(default)]
    pub make_up_workdays: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFile {
    pub format: String,
    #[serde(default)]
    pub note: String,
    pub years: BTreeMap<String, CalendarYear>,
}

pub const CALENDAR_FORMAT: &str = "tongban-calendar/1";

/// The demo deployment's calendar (2026 published, 2027 statutory).
pub const DEMO_CALENDAR: &str = include_str!("../../catalog/calendar.json");

/// A due date and how sure it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    pub day: Day,
    pub certainty: Certainty,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeSet<Day>,
    workdays: BTreeSet<Day>,
    years: BTreeMap<i64, Certainty>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("not a calendar file: {0}")]
    Syntax(String),
    #[error("the format must be {CALENDAR_FORMAT}, not {0:?}")]
    Format(String),
    #[error("{0}: not a date (YYYY-MM-DD)")]
    Date(String),
    #[error("{0} is in another year than its heading")]
    Year(String),
    #[error("{0} is a make-up working day but not a Saturday or Sunday")]
    NotWeekend(String),
}

impl WorkCalendar {
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let file: CalendarFile =
            serde_json::from_str(text).map_err(|e| CalendarError::Syntax(e.to_string()))?;
        Self::from_file(&file)
    }

    /// The calendar a file describes (as the server serves it to the apps).
    pub fn from_file(file: &CalendarFile) -> Result<Self, CalendarError> {
        if file.format != CALENDAR_FORMAT {
            return Err(CalendarError::Format(file.format.clone()));
        }
        let mut calendar = Self::default();
        for (year, data) in &file.years {
            let y: i64 = year
                .parse()
                .map_err(|_| CalendarError::Date(year.clone()))?;
            let day = |text: &str| {
                let day = Day::parse(text).ok_or_else(|| CalendarError::Date(text.to_owned()))?;
                if day.ymd().0 != y {
                    return Err(CalendarError::Year(text.to_owned()));
                }
                Ok(day)
            };
            for span in &data.holidays {
                let (from, to) = (day(&span.from)?, day(&span.to)?);
                for d in from.0..=to.0 {
                    calendar.holidays.insert(Day(d));
                }
            }
            for text in &data.make_up_workdays {
                let d = day(text)?;
                if !d.is_weekend() {
                    return Err(CalendarError::NotWeekend(text.clone()));
                }
                calendar.workdays.insert(d);
            }
            calendar.years.insert(y, data.status);
        }
        Ok(calendar)
    }

    pub fn demo() -> Self {
        Self::parse(DEMO_CALENDAR).expect("the demo calendar is valid")
    }

    pub fn certainty(&self, day: Day) -> Certainty {
        self.years
            .get(&day.ymd().0)
            .copied()
            .unwrap_or(Certainty::WeekendsOnly)
    }

    pub fn is_working_day(&self, day: Day) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !day.is_weekend() && !self.holidays.contains(&day)
    }

    /// A public holiday (not a make-up working day).
    pub fn is_holiday(&self, day: Day) -> bool {
        self.holidays.contains(&day) && !self.workdays.contains(&day)
    }

    /// The `n`th working day after `start` (`start` itself for 0), and how sure that is.
    pub fn add_working_days(&self, start: Day, n: u32) -> Due {
        let mut day = start;
        let mut certainty = self.certainty(start);
        let mut left = n;
        while left > 0 {
            day = Day(day.0 + 1);
            certainty = certainty.min(self.certainty(day));
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Due { day, certainty }
    }

    /// Working days from `from` (exclusive) to `to` (inclusive); negative when `to` is earlier.
    pub fn working_days_between(&self, from: Day, to: Day) -> i64 {
        let (a, b, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let count = ((a.0 + 1)..=b.0)
            .filter(|d| self.is_working_day(Day(*d)))
            .count() as i64;
        sign * count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    #[test]
    fn months_are_added_on_the_calendar() {
        assert_eq!(d("2026-03-15").add_months(12), d("2027-03-15"));
        assert_eq!(d("2026-11-30").add_months(3), d("2027-02-28"));
        assert_eq!(d("2028-01-31").add_months(1), d("2028-02-29"));
        assert_eq!(d("2028-02-29").add_months(12), d("2029-02-28"));
        assert_eq!(d("2026-12-31").add_months(0), d("2026-12-31"));
    }

    #[test]
    fn days_and_weekdays() {
        assert_eq!(d("1970-01-01").0, 0);
        assert_eq!(d("2026-10-01").weekday(), 4, "a Thursday");
        assert_eq!(d("2026-12-01").to_string(), "2026-12-01");
        assert_eq!(Day::parse("2026-02-30"), None);
        assert_eq!(
            Day::of_timestamp(d("2026-12-01").start_timestamp()),
            d("2026-12-01")
        );
        assert_eq!(
            Day::of_timestamp(d("2026-12-01").start_timestamp() - 1),
            d("2026-11-30")
        );
    }

    #[test]
    fn the_2026_national_day_holiday_and_its_make_up_days() {
        let calendar = WorkCalendar::demo();
        // 10-01 … 10-07 off; Sunday 09-20 and Saturday 10-10 are working days.
        assert!(calendar.is_working_day(d("2026-09-20")), "调休 Sunday");
        assert!(calendar.is_working_day(d("2026-10-10")), "调休 Saturday");
        for day in 1..=7 {
            assert!(!calendar.is_working_day(d(&format!("2026-10-0{day}"))));
        }
        assert!(
            !calendar.is_working_day(d("2026-10-11")),
            "an ordinary Sunday"
        );
        // Submitted Wednesday 09-30: five working days are 10-08, 10-09, 10-10 (Sat), 10-12, 10-13.
        let due = calendar.add_working_days(d("2026-09-30"), 5);
        assert_eq!(due.day, d("2026-10-13"));
        assert_eq!(due.certainty, Certainty::Published);
        // Over the 调休 Sunday before it: 09-18 (Fri) + 2 = 09-20 (Sun, worked) → 09-21.
        assert_eq!(
            calendar.add_working_days(d("2026-09-18"), 1).day,
            d("2026-09-20")
        );
        assert_eq!(
            calendar.add_working_days(d("2026-09-18"), 2).day,
            d("2026-09-21")
        );
        assert_eq!(
            calendar.add_working_days(d("2026-09-30"), 0).day,
            d("2026-09-30")
        );
        assert_eq!(
            calendar.working_days_between(d("2026-09-30"), d("2026-10-13")),
            5
        );
        assert_eq!(
            calendar.working_days_between(d("2026-10-13"), d("2026-09-30")),
            -5
        );
    }

    #[test]
    fn a_year_not_published_is_counted_but_marked_provisional() {
        let calendar = WorkCalendar::demo();
        // Over the new year into 2027, whose arrangement is not published yet.
        let due = calendar.add_working_days(d("2026-12-28"), 5);
        assert_eq!(due.certainty, Certainty::Statutory);
        assert!(
            !calendar.is_working_day(d("2027-01-01")),
            "statutory New Year"
        );
        assert_eq!(due.day, d("2027-01-05"));
        let far = calendar.add_working_days(d("2028-03-01"), 1);
        assert_eq!(far.certainty, Certainty::WeekendsOnly);
    }

    #[test]
    fn a_bad_calendar_is_refused_with_what_is_wrong() {
        let bad = |json: &str| WorkCalendar::parse(json).unwrap_err();
        assert!(matches!(bad("{"), CalendarError::Syntax(_)));
        let year = |body: &str| {
            format!(
                r#"{{"format":"tongban-calendar/1","years":{{"2026":{{"status":"published","holidays":[],{body}}}}}}}"#
            )
        };
        assert_eq!(
            bad(&year(r#""make_up_workdays":["2026-10-09"]"#)),
            CalendarError::NotWeekend("2026-10-09".into())
        );
        assert_eq!(
            bad(&year(r#""make_up_workdays":["2027-01-02"]"#)),
            CalendarError::Year("2027-01-02".into())
        );
    }
}
