//! Each benefit rule of the demo catalog decided for people on both sides of each boundary: the
//! birthday that brings the age (that day, and the day before), and the region (the region
//! itself, a district inside it, a neighbour outside). Run natively and in wasm32.

use tongban_core::benefit::{decide, Condition, Decision, Facts};
use tongban_core::calendar::Day;

fn outside(region: &str) -> String {
    if region.ends_with("0000") {
        if region == "110000" {
            "120000"
        } else {
            "110000"
        }
        .to_owned()
    } else {
        let city = if &region[2..4] == "01" { "02" } else { "01" };
        format!("{}{city}00", &region[..2])
    }
}

fn inside(region: &str) -> String {
    if region.ends_with("0000") {
        format!("{}0104", &region[..2])
    } else {
        format!("{}02", &region[..4])
    }
}

pub fn demo_rules_hold_on_both_sides_of_each_boundary() {
    let catalog =
        tongban_core::catalog::parse_catalog(include_str!("../../../catalog/catalog.json"))
            .unwrap();
    assert!(
        catalog.benefits.len() >= 3,
        "the demo catalog has its benefits"
    );
    let today = Day::from_ymd(2026, 12, 3);
    let (y, m, d) = today.ymd();
    for b in &catalog.benefits {
        let years = b
            .rule
            .iter()
            .find_map(|c| match c {
                Condition::AgeAtLeast { years } => Some(*years),
                _ => None,
            })
            .expect("an age");
        let region = b
            .rule
            .iter()
            .find_map(|c| match c {
                Condition::RegisteredIn { region } => Some(region.clone()),
                _ => None,
            })
            .expect("a region");
        let born_today = ((y - i64::from(years)) as u16, m as u8, d as u8);
        let tomorrow = Day(today.0 + 1).ymd();
        let born_tomorrow = (
            (tomorrow.0 - i64::from(years)) as u16,
            tomorrow.1 as u8,
            tomorrow.2 as u8,
        );
        for at in [region.clone(), inside(&region)] {
            let on_birthday = Facts {
                born: Some(born_today),
                registered_in: Some(at.clone()),
            };
            assert!(
                matches!(decide(b, &on_birthday, today), Decision::Qualifies { .. }),
                "{}: {years} today in {at}",
                b.id
            );
            let eve = Facts {
                born: Some(born_tomorrow),
                registered_in: Some(at.clone()),
            };
            match decide(b, &eve, today) {
                Decision::From { date, .. } => {
                    assert_eq!(date, Day(today.0 + 1).to_string(), "{}", b.id)
                }
                other => panic!("{}: {years} tomorrow in {at}: {other:?}", b.id),
            }
        }
        let elsewhere = Facts {
            born: Some(born_today),
            registered_in: Some(outside(&region)),
        };
        assert!(
            matches!(decide(b, &elsewhere, today), Decision::No { .. }),
            "{}: registered in {}",
            b.id,
            outside(&region)
        );
    }
}
