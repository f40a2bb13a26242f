//! Where to go, as a screen says it in one language: a hall's state now ("open · closes at
//! 17:00", "opens tomorrow at 9:00"), its distance, its weekly hours, a booking's status and its
//! code as a QR. The same words on the web and in the native shells.

use std::collections::HashMap;

use super::Words;
use crate::calendar::Day;
use crate::catalog::{DayKind, Hall, OpeningHours};
use crate::visit::{clock, AppointmentStatus, Moment, OpenState};

fn args<'a>(pairs: &[(&'a str, String)]) -> HashMap<&'a str, String> {
    pairs.iter().cloned().collect()
}

fn say(words: &Words, id: &str, pairs: &[(&str, String)]) -> String {
    crate::i18n::plain(words.loader.get_args(id, args(pairs)))
}

/// `周一` / `Mon`.
pub fn weekday_name(day: Day, words: &Words) -> String {
    words.message(match day.weekday() {
        1 => "weekday-1",
        2 => "weekday-2",
        3 => "weekday-3",
        4 => "weekday-4",
        5 => "weekday-5",
        6 => "weekday-6",
        _ => "weekday-7",
    })
}

/// A hall's state at `now`, as one line.
pub fn open_state_text(state: &OpenState, now: Moment, words: &Words) -> String {
    match state {
        OpenState::Open { until: None } => words.message("hall-open-always"),
        OpenState::Open { until: Some(end) } if end.day == now.day => {
            say(words, "hall-open-until", &[("time", clock(end.minute))])
        }
        OpenState::Open { until: Some(end) } => say(
            words,
            "hall-open-until-day",
            &[
                ("time", clock(end.minute)),
                ("weekday", weekday_name(end.day, words)),
            ],
        ),
        OpenState::Closed { opens } if opens.day == now.day => {
            say(words, "hall-opens-today", &[("time", clock(opens.minute))])
        }
        OpenState::Closed { opens } if opens.day.0 == now.day.0 + 1 => say(
            words,
            "hall-opens-tomorrow",
            &[("time", clock(opens.minute))],
        ),
        OpenState::Closed { opens } => say(
            words,
            "hall-opens-on",
            &[
                ("time", clock(opens.minute)),
                ("weekday", weekday_name(opens.day, words)),
                ("date", opens.day.to_string()),
            ],
        ),
        OpenState::ClosedForNow => words.message("hall-closed-for-now"),
        OpenState::Unknown => words.message("hall-hours-unknown"),
    }
}

/// `850 米` / `1.2 公里`.
pub fn distance_text(metres: f64, words: &Words) -> String {
    if metres < 1000.0 {
        let rounded = ((metres / 10.0).round() * 10.0).max(10.0) as u32;
        say(words, "hall-distance-m", &[("metres", rounded.to_string())])
    } else if metres < 100_000.0 {
        say(
            words,
            "hall-distance-km",
            &[("km", format!("{:.1}", metres / 1000.0))],
        )
    } else {
        say(
            words,
            "hall-distance-km",
            &[("km", format!("{:.0}", metres / 1000.0))],
        )
    }
}

/// One line per kind of day with hours: "工作日：8:30–12:00、13:30–17:00", and "休息" for the
/// kinds without.
pub fn hours_lines(hours: &OpeningHours, words: &Words) -> Vec<String> {
    [
        (DayKind::Working, "hall-hours-working"),
        (DayKind::Saturday, "hall-hours-saturday"),
        (DayKind::Sunday, "hall-hours-sunday"),
        (DayKind::Holiday, "hall-hours-holidays"),
    ]
    .into_iter()
    .map(|(kind, label)| {
        let spans = hours.intervals(kind);
        let times = if spans.is_empty() {
            words.message("hall-hours-closed")
        } else {
            spans
                .iter()
                .map(|(a, b)| format!("{}–{}", clock(*a), clock(*b)))
                .collect::<Vec<_>>()
                .join(&words.message("answer-list-separator"))
        };
        say(
            words,
            "hall-hours-line",
            &[("days", words.message(label)), ("times", times)],
        )
    })
    .collect()
}

/// A hall's kind for a badge (none for an ordinary hall).
pub fn hall_kind_text(hall: &Hall, words: &Words) -> Option<String> {
    (hall.kind == crate::catalog::HallKind::Terminal).then(|| words.message("hall-kind-terminal"))
}

pub fn appointment_status_text(status: AppointmentStatus, words: &Words) -> String {
    words.message(status.message_id())
}

/// A booking's day and time: "12-03 周四 9:00".
pub fn slot_text(day: Day, start: u16, words: &Words) -> String {
    say(
        words,
        "book-slot",
        &[
            ("date", day.to_string()),
            ("weekday", weekday_name(day, words)),
            ("time", clock(start)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WorkCalendar;

    #[test]
    fn states_read_as_people_say_them() {
        let zh = crate::i18n::loader_for_tag("zh-CN");
        let w = Words::new(&zh, "zh-CN");
        let wed = Day::from_ymd(2026, 12, 2);
        let now = Moment::new(wed, 600);
        let text = |s| open_state_text(&s, now, &w);
        assert!(text(OpenState::Open {
            until: Some(Moment::new(wed, 1020))
        })
        .contains("17:00"));
        let tomorrow = text(OpenState::Closed {
            opens: Moment::new(Day(wed.0 + 1), 540),
        });
        assert!(
            tomorrow.contains("明天") && tomorrow.contains("9:00"),
            "{tomorrow}"
        );
        let monday = text(OpenState::Closed {
            opens: Moment::new(Day(wed.0 + 5), 540),
        });
        assert!(monday.contains("周一"), "{monday}");
        assert!(text(OpenState::Open { until: None }).contains("24"));
        assert_eq!(distance_text(853.0, &w), "850 米");
        assert_eq!(distance_text(1_240.0, &w), "1.2 公里");
        let en = crate::i18n::loader_for_tag("en");
        let w = Words::new(&en, "en");
        assert_eq!(distance_text(1_240.0, &w), "1.2 km");
        let lines = hours_lines(
            &OpeningHours {
                working_days: vec!["08:30-12:00".into(), "13:30-17:00".into()],
                ..Default::default()
            },
            &w,
        );
        assert_eq!(lines.len(), 4);
        assert!(
            lines[0].contains("8:30–12:00") && lines[0].contains("13:30–17:00"),
            "{lines:?}"
        );
        assert!(lines[1].contains("Closed"), "{lines:?}");
        let _ = WorkCalendar::demo();
    }
}
