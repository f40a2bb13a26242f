//! What a hall's opening hours mean at a moment: open until when, or when it opens next —
//! counted on the working-day calendar, so a public holiday is closed and a make-up working day
//! (调休) keeps working-day hours.

use serde::{Deserialize, Serialize};

use crate::calendar::{Day, WorkCalendar};
use crate::catalog::{DayKind, OpeningHours};

/// A moment in China's time (UTC+8): a day and the minute of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Moment {
    pub day: Day,
    /// Minutes since midnight, 0‥1439 (1440 only as an end).
    pub minute: u16,
}

impl Moment {
    pub fn new(day: Day, minute: u16) -> Self {
        Self { day, minute }
    }

    pub fn of_timestamp(unix_seconds: i64) -> Self {
        let day = Day::of_timestamp(unix_seconds);
        let minute = ((unix_seconds - day.start_timestamp()) / 60) as u16;
        Self { day, minute }
    }

    pub fn timestamp(self) -> i64 {
        self.day.start_timestamp() + i64::from(self.minute) * 60
    }

    /// Minutes since the epoch, for arithmetic.
    fn total(self) -> i64 {
        self.day.0 * 1440 + i64::from(self.minute)
    }

    fn from_total(total: i64) -> Self {
        Self {
            day: Day(total.div_euclid(1440)),
            minute: total.rem_euclid(1440) as u16,
        }
    }

    pub fn plus_minutes(self, minutes: i64) -> Self {
        Self::from_total(self.total() + minutes)
    }

    pub fn minutes_until(self, later: Moment) -> i64 {
        later.total() - self.total()
    }
}

/// `HH:MM`.
pub fn clock(minute: u16) -> String {
    format!("{}:{:02}", minute / 60, minute % 60)
}

/// Which hours a day has.
pub fn day_kind(calendar: &WorkCalendar, day: Day) -> DayKind {
    if calendar.is_holiday(day) {
        DayKind::Holiday
    } else if calendar.is_working_day(day) {
        DayKind::Working
    } else if day.weekday() == 6 {
        DayKind::Saturday
    } else {
        DayKind::Sunday
    }
}

/// A day's opening intervals in minutes.
pub fn intervals_on(hours: &OpeningHours, day: Day, calendar: &WorkCalendar) -> Vec<(u16, u16)> {
    hours.intervals(day_kind(calendar, day))
}

/// How far ahead opening times are looked for.
pub const LOOK_AHEAD_DAYS: i64 = 14;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum OpenState {
    /// Open now; closes at `until` (none: it does not close in the next two weeks).
    Open { until: Option<Moment> },
    /// Closed now; opens at `at`.
    Closed { opens: Moment },
    /// Not open at all in the next two weeks.
    ClosedForNow,
    /// The publisher gave the hours only as text.
    Unknown,
}

/// The open intervals from `from` on, as moments, merged across midnight (`00:00-24:00` every
/// day is one long interval).
fn open_spans(
    hours: &OpeningHours,
    from: Moment,
    calendar: &WorkCalendar,
) -> Vec<(Moment, Moment)> {
    let mut spans: Vec<(Moment, Moment)> = Vec::new();
    for d in 0..=LOOK_AHEAD_DAYS {
        let day = Day(from.day.0 + d);
        for (a, b) in intervals_on(hours, day, calendar) {
            let (start, end) = (
                Moment::new(day, 0).plus_minutes(i64::from(a)),
                Moment::new(day, 0).plus_minutes(i64::from(b)),
            );
            if end <= from {
                continue;
            }
            match spans.last_mut() {
                Some(last) if last.1 >= start => last.1 = last.1.max(end),
                _ => spans.push((start, end)),
            }
        }
    }
    spans
}

/// Whether the hall is open at `now`, and until when — or when it opens.
pub fn open_state(hours: Option<&OpeningHours>, now: Moment, calendar: &WorkCalendar) -> OpenState {
    let Some(hours) = hours else {
        return OpenState::Unknown;
    };
    let spans = open_spans(hours, now, calendar);
    let horizon = Moment::new(Day(now.day.0 + LOOK_AHEAD_DAYS), 1440);
    match spans.first() {
        None => OpenState::ClosedForNow,
        Some(&(start, end)) if start <= now => OpenState::Open {
            until: (end < horizon).then_some(end),
        },
        Some(&(start, _)) => OpenState::Closed { opens: start },
    }
}

/// The first moment at or after `from` when the hall is open with at least `stay` minutes left
/// before it closes (time to be served); none in the next two weeks or with unknown hours.
pub fn ready_at(
    hours: Option<&OpeningHours>,
    from: Moment,
    stay: i64,
    calendar: &WorkCalendar,
) -> Option<Moment> {
    open_spans(hours?, from, calendar)
        .into_iter()
        .find_map(|(start, end)| {
            let at = start.max(from);
            (at.minutes_until(end) >= stay).then_some(at)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hall_hours() -> OpeningHours {
        OpeningHours {
            working_days: vec!["09:00-12:00".into(), "13:30-17:00".into()],
            saturday: vec!["09:00-12:00".into()],
            sunday: vec![],
            holidays: vec![],
        }
    }

    fn at(y: i64, m: u32, d: u32, h: u16, min: u16) -> Moment {
        Moment::new(Day::from_ymd(y, m, d), h * 60 + min)
    }

    #[test]
    fn moments_round_trip_timestamps_in_china_time() {
        // 2026-12-02 09:30 in Beijing is 01:30 UTC.
        let m = Moment::of_timestamp(1_796_175_000);
        assert_eq!(m, at(2026, 12, 2, 9, 30));
        assert_eq!(m.timestamp(), 1_796_175_000);
        assert_eq!(
            at(2026, 12, 2, 23, 50).plus_minutes(20),
            at(2026, 12, 3, 0, 10)
        );
        assert_eq!(clock(570), "9:30");
    }

    #[test]
    fn open_closing_lunch_and_tomorrow_around_the_calendar() {
        let cal = WorkCalendar::demo();
        let h = hall_hours();
        // Wednesday 2026-12-02.
        assert_eq!(
            open_state(Some(&h), at(2026, 12, 2, 10, 0), &cal),
            OpenState::Open {
                until: Some(at(2026, 12, 2, 12, 0))
            }
        );
        assert_eq!(
            open_state(Some(&h), at(2026, 12, 2, 12, 15), &cal),
            OpenState::Closed {
                opens: at(2026, 12, 2, 13, 30)
            }
        );
        assert_eq!(
            open_state(Some(&h), at(2026, 12, 2, 17, 0), &cal),
            OpenState::Closed {
                opens: at(2026, 12, 3, 9, 0)
            }
        );
        // Saturday morning only; Sunday closed → Monday.
        assert_eq!(
            open_state(Some(&h), at(2026, 12, 5, 11, 0), &cal),
            OpenState::Open {
                until: Some(at(2026, 12, 5, 12, 0))
            }
        );
        assert_eq!(
            open_state(Some(&h), at(2026, 12, 6, 10, 0), &cal),
            OpenState::Closed {
                opens: at(2026, 12, 7, 9, 0)
            }
        );
        assert_eq!(
            open_state(None, at(2026, 12, 6, 10, 0), &cal),
            OpenState::Unknown
        );
        assert_eq!(
            open_state(Some(&OpeningHours::default()), at(2026, 12, 6, 10, 0), &cal),
            OpenState::ClosedForNow
        );
    }

    #[test]
    fn holidays_close_and_make_up_days_open_with_working_hours() {
        let cal = WorkCalendar::demo();
        let h = hall_hours();
        // National Day 2026: 10-01 … 10-07 off; Sunday 09-20 and Saturday 10-10 are worked.
        let oct1 = Day::from_ymd(2026, 10, 1);
        assert_eq!(day_kind(&cal, oct1), DayKind::Holiday);
        assert_eq!(
            open_state(Some(&h), at(2026, 10, 1, 10, 0), &cal),
            OpenState::Closed {
                opens: at(2026, 10, 8, 9, 0)
            }
        );
        let saturday = Day::from_ymd(2026, 10, 10);
        assert_eq!(saturday.weekday(), 6);
        assert_eq!(day_kind(&cal, saturday), DayKind::Working);
        assert_eq!(
            open_state(Some(&h), at(2026, 10, 10, 15, 0), &cal),
            OpenState::Open {
                until: Some(at(2026, 10, 10, 17, 0))
            }
        );
    }

    #[test]
    fn round_the_clock_terminals_never_close_and_ready_needs_time_to_be_served() {
        let cal = WorkCalendar::demo();
        let day = vec!["00:00-24:00".to_string()];
        let terminal = OpeningHours {
            working_days: day.clone(),
            saturday: day.clone(),
            sunday: day.clone(),
            holidays: day,
        };
        assert_eq!(
            open_state(Some(&terminal), at(2026, 10, 1, 3, 0), &cal),
            OpenState::Open { until: None }
        );
        let h = hall_hours();
        // At 11:50 ten minutes are left before lunch: a 30-minute visit starts at 13:30.
        assert_eq!(
            ready_at(Some(&h), at(2026, 12, 2, 11, 50), 30, &cal),
            Some(at(2026, 12, 2, 13, 30))
        );
        assert_eq!(
            ready_at(Some(&h), at(2026, 12, 2, 10, 0), 30, &cal),
            Some(at(2026, 12, 2, 10, 0))
        );
        assert_eq!(ready_at(None, at(2026, 12, 2, 10, 0), 30, &cal), None);
    }
}
