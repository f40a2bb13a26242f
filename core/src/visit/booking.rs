//! Booking a time at a hall (预约), as one hall's published rules have it: from tomorrow up to 5
//! working days ahead, for one's own matters, one booking per person per hall per day, cancel
//! at least 2 hours before, and repeated no-shows block booking for a while. Slots are the half
//! hours a hall is open; the server counts who holds them.

use serde::{Deserialize, Serialize};

use super::hours::{intervals_on, Moment};
use crate::calendar::{Day, WorkCalendar};
use crate::catalog::Hall;

pub const SLOT_MINUTES: u16 = 30;

/// The limits a region sets (configuration on the server; these are the defaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRules {
    /// The last bookable day, in working days after today.
    pub working_days_ahead: u32,
    /// Cancelling closes this many minutes before the slot.
    pub cancel_before_minutes: i64,
    /// This many missed bookings within `missed_within_days` block booking…
    pub missed_limit: u32,
    pub missed_within_days: i64,
    /// …for this many days after the last one.
    pub blocked_days: i64,
}

impl Default for BookingRules {
    fn default() -> Self {
        Self {
            working_days_ahead: 5,
            cancel_before_minutes: 120,
            missed_limit: 3,
            missed_within_days: 90,
            blocked_days: 30,
        }
    }
}

/// The half hours that start a slot on `day` (each ends by closing time).
pub fn slot_starts(hall: &Hall, day: Day, calendar: &WorkCalendar) -> Vec<u16> {
    let Some(hours) = hall.hours.as_ref().filter(|_| hall.booking.is_some()) else {
        return Vec::new();
    };
    intervals_on(hours, day, calendar)
        .into_iter()
        .flat_map(|(from, to)| {
            // Slots start on the half hour (an 8:45 opening starts them at 9:00).
            let first = from.div_ceil(SLOT_MINUTES) * SLOT_MINUTES;
            (first..to)
                .step_by(usize::from(SLOT_MINUTES))
                .filter(move |s| s + SLOT_MINUTES <= to)
        })
        .collect()
}

/// The days a person may book at this hall, seen from `today`: tomorrow to the last bookable
/// working day, those with slots.
pub fn booking_days(
    hall: &Hall,
    today: Day,
    calendar: &WorkCalendar,
    rules: &BookingRules,
) -> Vec<Day> {
    let last = calendar
        .add_working_days(today, rules.working_days_ahead)
        .day;
    ((today.0 + 1)..=last.0)
        .map(Day)
        .filter(|d| !slot_starts(hall, *d, calendar).is_empty())
        .collect()
}

/// Why a booking is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum BookingRefusal {
    /// The hall takes no bookings, or not for this matter.
    NotBookable,
    /// Not between tomorrow and the last bookable day.
    OutsideWindow,
    /// The hall has no slot at that time that day.
    NoSuchSlot,
    /// Every place in the slot is taken.
    Full,
    /// The person already holds a booking at this hall that day.
    OneADay,
    /// Too many missed bookings: booking is blocked until `until` (inclusive).
    Blocked { until: Day },
    /// The matter needs no visit: it is done online.
    Online,
}

impl BookingRefusal {
    /// The API's error code; its message is `error-<code>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotBookable => "booking-not-bookable",
            Self::OutsideWindow => "booking-outside-window",
            Self::NoSuchSlot => "booking-no-such-slot",
            Self::Full => "booking-full",
            Self::OneADay => "booking-one-a-day",
            Self::Blocked { .. } => "booking-blocked",
            Self::Online => "booking-online",
        }
    }
}

/// What can be checked before the count of places: the matter, the hall among those handling
/// it (the guide's copies), the day and the slot. The hall, when all is well.
pub fn check_slot<'a>(
    matter: &'a crate::catalog::Matter,
    hall_id: &str,
    slot: Moment,
    today: Day,
    calendar: &WorkCalendar,
    rules: &BookingRules,
) -> Result<&'a Hall, BookingRefusal> {
    if matter.fully_online {
        return Err(BookingRefusal::Online);
    }
    let hall = matter
        .halls
        .iter()
        .find(|h| h.id == hall_id && h.takes_bookings())
        .ok_or(BookingRefusal::NotBookable)?;
    let last = calendar
        .add_working_days(today, rules.working_days_ahead)
        .day;
    if slot.day <= today || slot.day > last {
        return Err(BookingRefusal::OutsideWindow);
    }
    if !slot_starts(hall, slot.day, calendar).contains(&slot.minute) {
        return Err(BookingRefusal::NoSuchSlot);
    }
    Ok(hall)
}

/// Whether a booking for `slot` can still be cancelled at `now`.
pub fn can_cancel(slot: Moment, now: Moment, rules: &BookingRules) -> bool {
    now.minutes_until(slot) >= rules.cancel_before_minutes
}

/// Until when missed bookings block booking (inclusive), given the days of the person's missed
/// bookings; none when they do not.
pub fn blocked_until(missed: &[Day], today: Day, rules: &BookingRules) -> Option<Day> {
    let mut recent: Vec<Day> = missed
        .iter()
        .copied()
        .filter(|d| d.0 <= today.0 && today.0 - d.0 < rules.missed_within_days)
        .collect();
    recent.sort();
    if rules.missed_limit == 0 || (recent.len() as u32) < rules.missed_limit {
        return None;
    }
    let until = Day(recent.last()?.0 + rules.blocked_days);
    (until >= today).then_some(until)
}

/// The short code a person shows at the hall's queue machine: 8 characters from a 31-letter
/// alphabet without look-alikes (0/O, 1/I/L), made from a random number the server draws.
pub fn booking_code(random: u64) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut n = random;
    (0..8)
        .map(|_| {
            let c = ALPHABET[(n % ALPHABET.len() as u64) as usize] as char;
            n /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::parse_catalog;

    fn demo_hall(id: &str) -> (Hall, crate::catalog::Catalog) {
        let c = parse_catalog(include_str!("../../../catalog/catalog.json")).unwrap();
        (c.halls.iter().find(|h| h.id == id).unwrap().clone(), c)
    }

    #[test]
    fn slots_are_the_open_half_hours_on_the_calendar() {
        let cal = WorkCalendar::demo();
        let (marriage, _) = demo_hall("330102-hydj"); // 08:30-12:00, 13:30-17:00 working days
        let wed = Day::from_ymd(2026, 12, 2);
        let slots = slot_starts(&marriage, wed, &cal);
        assert_eq!(slots.first(), Some(&510));
        assert!(
            slots.contains(&690) && !slots.contains(&720),
            "11:30 is the last morning slot"
        );
        assert!(slots.contains(&810) && slots.contains(&990) && !slots.contains(&1020));
        assert_eq!(slots.len(), 7 + 7);
        assert!(
            slot_starts(&marriage, Day::from_ymd(2026, 12, 5), &cal).is_empty(),
            "Saturday"
        );
        assert!(
            slot_starts(&marriage, Day::from_ymd(2026, 10, 1), &cal).is_empty(),
            "holiday"
        );
        // A make-up Saturday has working-day slots.
        assert_eq!(
            slot_starts(&marriage, Day::from_ymd(2026, 10, 10), &cal).len(),
            14
        );
    }

    #[test]
    fn the_window_is_tomorrow_to_five_working_days_ahead() {
        let cal = WorkCalendar::demo();
        let rules = BookingRules::default();
        let (marriage, _) = demo_hall("330102-hydj");
        // From Wednesday 2026-12-02: Thu 3, Fri 4, Mon 7, Tue 8, Wed 9.
        let days: Vec<String> = booking_days(&marriage, Day::from_ymd(2026, 12, 2), &cal, &rules)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            days,
            [
                "2026-12-03",
                "2026-12-04",
                "2026-12-07",
                "2026-12-08",
                "2026-12-09"
            ]
        );
        // Before National Day the window jumps the holiday.
        let days = booking_days(&marriage, Day::from_ymd(2026, 9, 30), &cal, &rules);
        assert_eq!(days.first().unwrap().to_string(), "2026-10-08");
        // A hall open on Saturdays offers Saturday in the window too.
        let (centre, _) = demo_hall("330100-smzx");
        let days = booking_days(&centre, Day::from_ymd(2026, 12, 2), &cal, &rules);
        assert!(days.contains(&Day::from_ymd(2026, 12, 5)));
    }

    #[test]
    fn a_slot_is_checked_for_matter_window_and_time() {
        let cal = WorkCalendar::demo();
        let rules = BookingRules::default();
        let (hall, catalog) = demo_hall("330102-hydj");
        let matter = catalog
            .matters
            .iter()
            .find(|m| m.code == hall.matters[0])
            .unwrap();
        let other = catalog
            .matters
            .iter()
            .find(|m| !hall.handles(&m.code) && !m.fully_online)
            .unwrap();
        let online = catalog.matters.iter().find(|m| m.fully_online).unwrap();
        let today = Day::from_ymd(2026, 12, 2);
        let thu = |minute| Moment::new(Day::from_ymd(2026, 12, 3), minute);
        let check =
            |m, slot| check_slot(m, &hall.id, slot, today, &cal, &rules).map(|h| h.id.clone());
        assert_eq!(check(matter, thu(510)), Ok(hall.id.clone()));
        assert_eq!(check(matter, thu(525)), Err(BookingRefusal::NoSuchSlot));
        assert_eq!(check(matter, thu(720)), Err(BookingRefusal::NoSuchSlot));
        assert_eq!(
            check(matter, Moment::new(today, 900)),
            Err(BookingRefusal::OutsideWindow)
        );
        assert_eq!(
            check(matter, Moment::new(Day::from_ymd(2026, 12, 10), 510)),
            Err(BookingRefusal::OutsideWindow)
        );
        assert_eq!(check(other, thu(510)), Err(BookingRefusal::NotBookable));
        assert_eq!(check(online, thu(510)), Err(BookingRefusal::Online));
        // A hall without bookings handling the matter.
        let (rs, _) = demo_hall("310104-rs");
        let rs_matter = catalog
            .matters
            .iter()
            .find(|m| m.code == rs.matters[0])
            .unwrap();
        assert_eq!(
            check_slot(rs_matter, &rs.id, thu(540), today, &cal, &rules).map(|h| h.id.clone()),
            Err(BookingRefusal::NotBookable)
        );
    }

    #[test]
    fn cancelling_closes_two_hours_before_and_no_shows_block() {
        let rules = BookingRules::default();
        let slot = Moment::new(Day::from_ymd(2026, 12, 3), 600);
        assert!(can_cancel(
            slot,
            Moment::new(Day::from_ymd(2026, 12, 3), 480),
            &rules
        ));
        assert!(!can_cancel(
            slot,
            Moment::new(Day::from_ymd(2026, 12, 3), 481),
            &rules
        ));
        let today = Day::from_ymd(2026, 12, 2);
        let d = |n: i64| Day(today.0 - n);
        assert_eq!(blocked_until(&[d(1), d(10)], today, &rules), None);
        assert_eq!(
            blocked_until(&[d(1), d(10), d(40)], today, &rules),
            Some(Day(today.0 - 1 + 30))
        );
        // Old misses fall out of the window; a block ends.
        assert_eq!(blocked_until(&[d(1), d(10), d(95)], today, &rules), None);
        assert_eq!(blocked_until(&[d(31), d(40), d(50)], today, &rules), None);
    }

    #[test]
    fn booking_codes_avoid_look_alikes() {
        let a = booking_code(0x1234_5678_9abc_def0);
        assert_eq!(a.len(), 8);
        assert!(a.chars().all(|c| !"01OIL".contains(c)));
        assert_ne!(a, booking_code(0x1234_5678_9abc_def1));
    }
}
