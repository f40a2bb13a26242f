//! The best way to get a matter done for this person now: online when the whole matter can be,
//! else the hall where they could be served soonest — counting the trip there (when we know
//! where they are) and its opening hours on the working-day calendar.

use serde::{Deserialize, Serialize};

use super::geo::{distance_m, Point};
use super::hours::{open_state, ready_at, Moment, OpenState};
use crate::calendar::WorkCalendar;
use crate::catalog::{Hall, Matter};

/// Time to be served once there (the hall must stay open this long).
pub const SERVICE_MINUTES: i64 = 30;

/// A trip's estimate: 10 minutes to set off and park, then 3 minutes a kilometre (20 km/h in a
/// city, by bus or car). Good enough to rank halls, never shown as a promise.
pub fn travel_minutes(distance_m: f64) -> i64 {
    10 + (distance_m / 1000.0 * 3.0).ceil() as i64
}

/// One hall as the person sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HallChoice {
    pub hall: Hall,
    /// Metres from the person (or the region they chose); none when neither is known.
    pub distance_m: Option<f64>,
    pub state: OpenState,
    /// When they could be served there, setting off now; none with unknown hours.
    pub ready: Option<Moment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "way", rename_all = "kebab-case")]
pub enum BestWay {
    /// 全程网办: apply here, no visit.
    Online,
    /// Go to `halls[index]`.
    Hall { index: usize },
    /// No hall is known for it: the guide's phone numbers are the way.
    Ask,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ways {
    pub best: BestWay,
    /// Nearest first when a place is known, else soonest ready first.
    pub halls: Vec<HallChoice>,
}

/// The ways to do `matter` from `from` (none: the person shared no place) at `now`.
pub fn ways(matter: &Matter, from: Option<Point>, now: Moment, calendar: &WorkCalendar) -> Ways {
    let mut halls: Vec<HallChoice> = matter
        .halls
        .iter()
        .map(|hall| {
            let distance_m =
                from.map(|p| distance_m(p, super::geo::Point::new(hall.latitude, hall.longitude)));
            let travel = distance_m.map_or(0, travel_minutes);
            HallChoice {
                state: open_state(hall.hours.as_ref(), now, calendar),
                ready: ready_at(
                    hall.hours.as_ref(),
                    now.plus_minutes(travel),
                    SERVICE_MINUTES,
                    calendar,
                ),
                distance_m,
                hall: hall.clone(),
            }
        })
        .collect();
    let far = |c: &HallChoice| c.distance_m.unwrap_or(f64::MAX);
    if from.is_some() {
        halls.sort_by(|a, b| far(a).total_cmp(&far(b)));
    } else {
        halls.sort_by_key(|c| c.ready.is_none());
        halls.sort_by_key(|c| c.ready);
        halls.sort_by_key(|c| c.ready.is_none());
    }
    let best = if matter.fully_online {
        BestWay::Online
    } else {
        let soonest = halls
            .iter()
            .enumerate()
            .filter(|(_, c)| c.ready.is_some())
            .min_by(|(_, a), (_, b)| a.ready.cmp(&b.ready).then(far(a).total_cmp(&far(b))))
            .map(|(i, _)| i);
        match (soonest, halls.is_empty()) {
            (Some(index), _) => BestWay::Hall { index },
            // Hours unknown everywhere: the nearest (or first) hall.
            (None, false) => BestWay::Hall { index: 0 },
            (None, true) => BestWay::Ask,
        }
    };
    Ways { best, halls }
}

/// The first slot with a place left in a hall's published days (they come in order).
pub fn first_free_slot(slots: &super::api::HallSlots) -> Option<Moment> {
    slots.days.iter().find_map(|d| {
        d.slots
            .iter()
            .find(|s| s.left > 0)
            .map(|s| Moment::new(d.day, s.start))
    })
}

/// The hall with the soonest free slot to book (预约), nearest on a tie: among `halls` (as
/// `ways` ranked them), those with a known first free slot in `first_slots` (hall id, when).
pub fn soonest_booking(
    halls: &[HallChoice],
    first_slots: &[(String, Moment)],
) -> Option<(usize, Moment)> {
    halls
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            first_slots
                .iter()
                .find(|(id, _)| *id == c.hall.id)
                .map(|(_, at)| (i, *at, c.distance_m.unwrap_or(f64::MAX)))
        })
        .min_by(|a, b| a.1.cmp(&b.1).then(a.2.total_cmp(&b.2)))
        .map(|(i, at, _)| (i, at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Day;
    use crate::catalog::{HallKind, OpeningHours};

    fn hall(id: &str, lat: f64, lon: f64, hours: Option<OpeningHours>) -> Hall {
        Hall {
            id: id.into(),
            kind: HallKind::Hall,
            name: crate::model::LocalizedText {
                zh: id.into(),
                en: None,
            },
            address: crate::model::LocalizedText {
                zh: String::new(),
                en: None,
            },
            region_code: "330100".into(),
            phone: String::new(),
            latitude: lat,
            longitude: lon,
            hours,
            hours_note: None,
            matters: vec![],
            booking: None,
        }
    }

    fn weekdays(from: &str) -> Option<OpeningHours> {
        Some(OpeningHours {
            working_days: vec![from.into()],
            ..Default::default()
        })
    }

    fn matter_with(halls: Vec<Hall>, online: bool) -> Matter {
        let catalog =
            crate::catalog::parse_catalog(include_str!("../../../catalog/catalog.json")).unwrap();
        let mut m = catalog
            .matters
            .into_iter()
            .find(|m| !m.fully_online)
            .unwrap();
        m.fully_online = online;
        m.halls = halls;
        m
    }

    fn at(y: i64, mo: u32, d: u32, h: u16, mi: u16) -> Moment {
        Moment::new(Day::from_ymd(y, mo, d), h * 60 + mi)
    }

    #[test]
    fn online_first_then_the_hall_that_serves_soonest() {
        let cal = WorkCalendar::demo();
        let me = Point::new(30.2446, 120.2107);
        // Near: 1.4 km, opens 13:30. Far: 15 km, open all day.
        let near = hall("near", 30.2512, 120.1985, weekdays("13:30-17:00"));
        let far = hall("far", 30.38, 120.2107, weekdays("09:00-17:00"));
        let ways_at = |now| {
            ways(
                &matter_with(vec![far.clone(), near.clone()], false),
                Some(me),
                now,
                &cal,
            )
        };

        // At 10:00 the far hall (about 55 minutes away, ready by 11:00) beats waiting until 13:30.
        let w = ways_at(at(2026, 12, 2, 10, 0));
        assert_eq!(w.halls[0].hall.id, "near", "nearest first");
        assert_eq!(w.best, BestWay::Hall { index: 1 });
        // At 12:50 the near one (ready 13:30) beats the far one (reached at 13:45).
        let w = ways_at(at(2026, 12, 2, 12, 50));
        assert_eq!(w.best, BestWay::Hall { index: 0 });
        assert_eq!(w.halls[0].ready, Some(at(2026, 12, 2, 13, 30)));
        // On a Sunday both open on Monday, the far one at 9:00, the near one only at 13:30.
        let w = ways_at(at(2026, 12, 6, 10, 0));
        assert_eq!(w.best, BestWay::Hall { index: 1 });
        assert_eq!(w.halls[1].ready, Some(at(2026, 12, 7, 9, 0)));

        let online = ways(
            &matter_with(vec![near.clone()], true),
            Some(me),
            at(2026, 12, 2, 10, 0),
            &cal,
        );
        assert_eq!(online.best, BestWay::Online);
        assert_eq!(
            online.halls.len(),
            1,
            "halls still listed for those who prefer them"
        );

        let nowhere = ways(
            &matter_with(vec![], false),
            None,
            at(2026, 12, 2, 10, 0),
            &cal,
        );
        assert_eq!(nowhere.best, BestWay::Ask);
    }

    #[test]
    fn without_a_place_halls_rank_by_when_they_serve() {
        let cal = WorkCalendar::demo();
        let a = hall("afternoon", 30.25, 120.2, weekdays("13:30-17:00"));
        let b = hall("unknown", 30.25, 120.2, None);
        let c = hall("morning", 30.25, 120.2, weekdays("09:00-17:00"));
        let w = ways(
            &matter_with(vec![a, b, c], false),
            None,
            at(2026, 12, 2, 10, 0),
            &cal,
        );
        let order: Vec<&str> = w.halls.iter().map(|c| c.hall.id.as_str()).collect();
        assert_eq!(order, ["morning", "afternoon", "unknown"]);
        assert_eq!(w.best, BestWay::Hall { index: 0 });
        assert!(w.halls.iter().all(|c| c.distance_m.is_none()));
        // Nothing evaluable: the first hall is still shown as the way, with its note.
        let w = ways(
            &matter_with(vec![hall("x", 30.2, 120.2, None)], false),
            None,
            at(2026, 12, 2, 10, 0),
            &cal,
        );
        assert_eq!(w.best, BestWay::Hall { index: 0 });
    }

    #[test]
    fn the_soonest_free_slot_wins_and_the_nearer_hall_on_a_tie() {
        use crate::visit::api::{HallSlots, SlotPlaces, SlotsOfDay};
        let cal = WorkCalendar::demo();
        let me = Point::new(30.2446, 120.2107);
        let near = hall("near", 30.2512, 120.1985, weekdays("09:00-17:00"));
        let far = hall("far", 30.38, 120.2107, weekdays("09:00-17:00"));
        let w = ways(
            &matter_with(vec![far, near], false),
            Some(me),
            at(2026, 12, 2, 10, 0),
            &cal,
        );
        let thursday = Day::from_ymd(2026, 12, 3);
        let friday = Day::from_ymd(2026, 12, 4);
        // The near hall's Thursday is full: its first free place is Friday 9:30.
        let near_slots = HallSlots {
            hall_id: "near".into(),
            matter_code: "m".into(),
            days: vec![
                SlotsOfDay {
                    day: thursday,
                    slots: vec![SlotPlaces {
                        start: 540,
                        left: 0,
                    }],
                },
                SlotsOfDay {
                    day: friday,
                    slots: vec![
                        SlotPlaces {
                            start: 540,
                            left: 0,
                        },
                        SlotPlaces {
                            start: 570,
                            left: 2,
                        },
                    ],
                },
            ],
        };
        let near_first = first_free_slot(&near_slots).unwrap();
        assert_eq!(near_first, Moment::new(friday, 570));
        let full = HallSlots {
            days: vec![SlotsOfDay {
                day: thursday,
                slots: vec![SlotPlaces {
                    start: 540,
                    left: 0,
                }],
            }],
            ..near_slots.clone()
        };
        assert_eq!(first_free_slot(&full), None);
        let far_thursday = Moment::new(thursday, 600);
        let slots = vec![
            ("near".to_string(), near_first),
            ("far".to_string(), far_thursday),
        ];
        // The far hall has Thursday 10:00: sooner than the near one's Friday.
        assert_eq!(soonest_booking(&w.halls, &slots), Some((1, far_thursday)));
        // The same time at both: the nearer one.
        let tie = vec![
            ("near".to_string(), far_thursday),
            ("far".to_string(), far_thursday),
        ];
        assert_eq!(soonest_booking(&w.halls, &tie), Some((0, far_thursday)));
        assert_eq!(soonest_booking(&w.halls, &[]), None);
    }
}
