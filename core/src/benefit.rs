//! 免申即享 (主动服务): benefits whose eligibility the government can already decide, held as
//! rules in the catalog (versioned, per region) and decided here — the same code on the server
//! and on the device — against what the person has verified: the birth date of their verified ID
//! number and the household registration (户籍) the population register answered with. A person
//! who qualifies is told exactly why ("born 1945-03-02, registered in 杭州市"); one who will
//! qualify soon is told from when; one whose data does not tell is told what is missing, never
//! guessed at.

use serde::{Deserialize, Serialize};

use crate::calendar::Day;
use crate::identity::nth_birthday;
use crate::LocalizedText;

/// One condition of a benefit's rule (every one must hold).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "kebab-case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = BenefitCondition))]
pub enum Condition {
    /// Aged `years` or more: from the birthday itself.
    AgeAtLeast { years: u32 },
    /// Younger than `years`: until the day before that birthday.
    AgeUnder { years: u32 },
    /// Household registered (户籍) in this region or in one inside it (GB/T 2260 code).
    RegisteredIn { region: String },
}

/// A benefit granted without an application (免申即享).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Benefit {
    /// Stable id: the region code, a dash, a short slug (`330100-gaoling`).
    pub id: String,
    /// The rule's version: a changed rule is a new version (decisions name the one they used).
    pub version: u32,
    pub name: LocalizedText,
    /// What the person receives.
    pub description: LocalizedText,
    /// The region that offers it (GB/T 2260).
    pub region_code: String,
    /// The department that grants it.
    pub department_id: String,
    /// The matter it is (confirming it makes an application of this matter, followed like any).
    pub matter_code: String,
    pub rule: Vec<Condition>,
}

/// What the person has verified, as a rule reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// From the verified resident ID number.
    pub born: Option<(u16, u8, u8)>,
    /// The household registration's region, as the population register answered.
    pub registered_in: Option<String>,
}

/// What a decision rests on, in words the person reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Reason {
    /// Born on this day (from the verified ID number).
    Born { date: String },
    /// Household registered in this region.
    RegisteredIn { region: String },
}

/// What is not known to decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Missing {
    /// A verified identity (its birth date).
    Identity,
    /// The household registration.
    Household,
}

/// A benefit decided for a person on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Decision {
    /// Qualifies now, because of these.
    Qualifies { because: Vec<Reason> },
    /// Will qualify from `date` (`YYYY-MM-DD`), within `NEAR_DAYS`; the rest holds already.
    From { date: String, because: Vec<Reason> },
    /// Does not qualify (and will not soon): which facts say so.
    No { because: Vec<Reason> },
    /// The person's verified data does not tell.
    Unknown { missing: Vec<Missing> },
}

/// How far ahead "will qualify from" is told.
pub const NEAR_DAYS: i64 = 366;

/// Whether GB/T 2260 region `code` is `area` or inside it (`330102` is in `330100` and
/// `330000`; `100000` is everywhere).
pub fn region_within(code: &str, area: &str) -> bool {
    if area == "100000" {
        return true;
    }
    if code.len() != 6 || area.len() != 6 {
        return false;
    }
    if let Some(province) = area.strip_suffix("0000") {
        code.starts_with(province)
    } else if let Some(city) = area.strip_suffix("00") {
        code.starts_with(city)
    } else {
        code == area
    }
}

fn born_text(born: (u16, u8, u8)) -> String {
    format!("{:04}-{:02}-{:02}", born.0, born.1, born.2)
}

/// Decides `benefit` for `facts` on `today`.
pub fn decide(benefit: &Benefit, facts: &Facts, today: Day) -> Decision {
    let mut missing = Vec::new();
    let mut holds = Vec::new();
    let mut fails = Vec::new();
    // The day age conditions would all hold (when only they fail).
    let mut from: Option<Day> = None;
    let mut never = false;
    for c in &benefit.rule {
        match c {
            Condition::AgeAtLeast { years } | Condition::AgeUnder { years } => {
                let Some(born) = facts.born else {
                    if !missing.contains(&Missing::Identity) {
                        missing.push(Missing::Identity);
                    }
                    continue;
                };
                let reason = Reason::Born {
                    date: born_text(born),
                };
                let birthday = nth_birthday(born, *years);
                let ok = match c {
                    Condition::AgeAtLeast { .. } => today >= birthday,
                    _ => today < birthday,
                };
                if ok {
                    if !holds.contains(&reason) {
                        holds.push(reason);
                    }
                } else {
                    if matches!(c, Condition::AgeAtLeast { .. }) {
                        from = Some(from.map_or(birthday, |f: Day| f.max(birthday)));
                    } else {
                        never = true;
                    }
                    if !fails.contains(&reason) {
                        fails.push(reason);
                    }
                }
            }
            Condition::RegisteredIn { region } => match &facts.registered_in {
                None => {
                    if !missing.contains(&Missing::Household) {
                        missing.push(Missing::Household);
                    }
                }
                Some(code) => {
                    let reason = Reason::RegisteredIn {
                        region: code.clone(),
                    };
                    if region_within(code, region) {
                        holds.push(reason);
                    } else {
                        never = true;
                        fails.push(reason);
                    }
                }
            },
        }
    }
    if !missing.is_empty() && fails.is_empty() {
        return Decision::Unknown { missing };
    }
    if fails.is_empty() {
        return Decision::Qualifies { because: holds };
    }
    match from {
        Some(day) if !never && missing.is_empty() && day.0 - today.0 <= NEAR_DAYS => {
            // Every age condition holds from that day, if an upper one still does then.
            let later = Day(day.0);
            let still = benefit.rule.iter().all(|c| match (c, facts.born) {
                (Condition::AgeUnder { years }, Some(born)) => later < nth_birthday(born, *years),
                _ => true,
            });
            if still {
                Decision::From {
                    date: day.to_string(),
                    because: holds.into_iter().chain(fails).collect(),
                }
            } else {
                Decision::No { because: fails }
            }
        }
        _ => Decision::No { because: fails },
    }
}

/// Why a benefit's rule cannot be used, if it cannot: (field, message).
pub fn rule_problems(benefit: &Benefit, regions: &[&str]) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    if benefit.rule.is_empty() {
        out.push(("rule".to_owned(), "a rule needs at least one condition"));
    }
    let mut at_least = 0u32;
    let mut under = u32::MAX;
    let mut areas: Vec<&str> = Vec::new();
    for (i, c) in benefit.rule.iter().enumerate() {
        let at = format!("rule[{i}]");
        match c {
            Condition::AgeAtLeast { years } => at_least = at_least.max(*years),
            Condition::AgeUnder { years } => {
                if *years == 0 {
                    out.push((at, "nobody is younger than 0: this can never be true"));
                }
                under = under.min(*years);
            }
            Condition::RegisteredIn { region } => {
                if !regions.contains(&region.as_str()) {
                    out.push((format!("{at}.region"), "not a region of the catalog"));
                }
                areas.push(region);
            }
        }
    }
    if at_least >= under {
        out.push((
            "rule".to_owned(),
            "the age conditions exclude each other: this can never be true",
        ));
    }
    for (i, a) in areas.iter().enumerate() {
        for b in &areas[i + 1..] {
            if !region_within(a, b) && !region_within(b, a) {
                out.push((
                    "rule".to_owned(),
                    "registered in two regions that do not overlap: this can never be true",
                ));
            }
        }
    }
    out
}

/// A benefit as the person's "for you" inbox shows it (`GET /api/v1/me/benefits`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BenefitOffer {
    pub id: String,
    pub version: u32,
    pub name: LocalizedText,
    pub description: LocalizedText,
    pub department: crate::case::DepartmentRef,
    pub decision: Decision,
    /// Confirmed already: the application it made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
}

/// `GET /api/v1/me/benefits`: what the person qualifies for, or will soon, and what could not be
/// decided for want of verified data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForYou {
    pub items: Vec<BenefitOffer>,
    /// What the person has not verified, without which some benefits cannot be decided.
    pub missing: Vec<Missing>,
}

/// `POST /api/v1/me/benefits/{id}/claim`: confirmed, with its consent receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Claimed {
    pub application_id: String,
    pub receipt: String,
    pub consent: ConsentReceipt,
}

/// A consent the person gave: who receives what, for what, when, and how to withdraw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentReceipt {
    pub id: String,
    /// The department (or organisation) that receives the data.
    pub recipient: LocalizedText,
    /// Categories of data shared (`identity`, `household`).
    pub categories: Vec<String>,
    /// What it is for.
    pub purpose: LocalizedText,
    pub given_at: i64,
    /// How to withdraw it.
    pub withdraw: LocalizedText,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaoling() -> Benefit {
        Benefit {
            id: "330100-gaoling".into(),
            version: 1,
            name: LocalizedText::new("高龄津贴", "Old-age allowance"),
            description: LocalizedText::new("每月100元", "100 yuan a month"),
            region_code: "330100".into(),
            department_id: "330100-mz".into(),
            matter_code: "330000-MZ-0030".into(),
            rule: vec![
                Condition::AgeAtLeast { years: 80 },
                Condition::RegisteredIn {
                    region: "330100".into(),
                },
            ],
        }
    }

    fn facts(born: (u16, u8, u8), region: &str) -> Facts {
        Facts {
            born: Some(born),
            registered_in: Some(region.into()),
        }
    }

    #[test]
    fn an_age_rule_holds_from_the_birthday_itself() {
        let b = gaoling();
        let born = (1946, 3, 2);
        let eve = Day::from_ymd(2026, 3, 1);
        let day = Day::from_ymd(2026, 3, 2);
        assert_eq!(
            decide(&b, &facts(born, "330102"), day),
            Decision::Qualifies {
                because: vec![
                    Reason::Born {
                        date: "1946-03-02".into()
                    },
                    Reason::RegisteredIn {
                        region: "330102".into()
                    }
                ]
            }
        );
        match decide(&b, &facts(born, "330102"), eve) {
            Decision::From { date, because } => {
                assert_eq!(date, "2026-03-02");
                assert_eq!(because.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        // More than a year ahead: not "soon".
        assert!(matches!(
            decide(&b, &facts((1948, 3, 2), "330102"), eve),
            Decision::No { .. }
        ));
    }

    #[test]
    fn born_on_29_february_turns_80_on_28_february_of_a_common_year() {
        let b = gaoling();
        // Born in a leap year: 80 in 2024 (a leap year) on the 29th itself.
        assert!(matches!(
            decide(
                &b,
                &facts((1944, 2, 29), "330100"),
                Day::from_ymd(2024, 2, 29)
            ),
            Decision::Qualifies { .. }
        ));
        assert!(matches!(
            decide(
                &b,
                &facts((1944, 2, 29), "330100"),
                Day::from_ymd(2024, 2, 28)
            ),
            Decision::From { .. }
        ));
        // Born on 29 February 1960: 65 in 2025, a common year, on 28 February.
        let mut at_65 = gaoling();
        at_65.rule[0] = Condition::AgeAtLeast { years: 65 };
        assert!(matches!(
            decide(
                &at_65,
                &facts((1960, 2, 29), "330100"),
                Day::from_ymd(2025, 2, 28)
            ),
            Decision::Qualifies { .. }
        ));
        match decide(
            &at_65,
            &facts((1960, 2, 29), "330100"),
            Day::from_ymd(2025, 2, 27),
        ) {
            Decision::From { date, .. } => assert_eq!(date, "2025-02-28"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_region_boundary_is_the_registration_not_a_neighbour() {
        let b = gaoling();
        let day = Day::from_ymd(2026, 12, 1);
        for inside in ["330100", "330102", "330106"] {
            assert!(
                matches!(
                    decide(&b, &facts((1940, 1, 1), inside), day),
                    Decision::Qualifies { .. }
                ),
                "{inside}"
            );
        }
        for outside in ["330200", "330000", "310104", "331000"] {
            match decide(&b, &facts((1940, 1, 1), outside), day) {
                Decision::No { because } => assert_eq!(
                    because,
                    [Reason::RegisteredIn {
                        region: outside.into()
                    }]
                ),
                other => panic!("{outside}: {other:?}"),
            }
        }
        // Registered elsewhere and turning 80 next month: not "soon", it never will here.
        assert!(matches!(
            decide(&b, &facts((1947, 1, 1), "330200"), day),
            Decision::No { .. }
        ));
    }

    #[test]
    fn what_is_not_verified_is_not_guessed() {
        let b = gaoling();
        let day = Day::from_ymd(2026, 12, 1);
        assert_eq!(
            decide(&b, &Facts::default(), day),
            Decision::Unknown {
                missing: vec![Missing::Identity, Missing::Household]
            }
        );
        let no_household = Facts {
            born: Some((1940, 1, 1)),
            registered_in: None,
        };
        assert_eq!(
            decide(&b, &no_household, day),
            Decision::Unknown {
                missing: vec![Missing::Household]
            }
        );
        // Too young decides it even without the household.
        let young = Facts {
            born: Some((1990, 1, 1)),
            registered_in: None,
        };
        assert!(matches!(decide(&b, &young, day), Decision::No { .. }));
    }

    #[test]
    fn an_upper_age_bound_ends_it_the_day_before_that_birthday() {
        let mut b = gaoling();
        b.rule = vec![
            Condition::AgeAtLeast { years: 60 },
            Condition::AgeUnder { years: 70 },
        ];
        let f = Facts {
            born: Some((1966, 6, 1)),
            registered_in: None,
        };
        assert!(matches!(
            decide(&b, &f, Day::from_ymd(2026, 5, 31)),
            Decision::From { .. }
        ));
        assert!(matches!(
            decide(&b, &f, Day::from_ymd(2026, 6, 1)),
            Decision::Qualifies { .. }
        ));
        assert!(matches!(
            decide(&b, &f, Day::from_ymd(2036, 5, 31)),
            Decision::Qualifies { .. }
        ));
        assert!(matches!(
            decide(&b, &f, Day::from_ymd(2036, 6, 1)),
            Decision::No { .. }
        ));
    }

    #[test]
    fn rules_that_can_never_be_true_are_found() {
        let regions = ["100000", "330000", "330100", "330200"];
        assert!(rule_problems(&gaoling(), &regions).is_empty());
        let mut b = gaoling();
        b.rule = vec![
            Condition::AgeAtLeast { years: 80 },
            Condition::AgeUnder { years: 60 },
        ];
        assert_eq!(rule_problems(&b, &regions)[0].0, "rule");
        b.rule = vec![
            Condition::RegisteredIn {
                region: "330100".into(),
            },
            Condition::RegisteredIn {
                region: "330200".into(),
            },
        ];
        assert!(!rule_problems(&b, &regions).is_empty());
        b.rule = vec![Condition::RegisteredIn {
            region: "999999".into(),
        }];
        assert_eq!(rule_problems(&b, &regions)[0].0, "rule[0].region");
        b.rule = vec![];
        assert!(!rule_problems(&b, &regions).is_empty());
    }

    #[test]
    fn regions_nest_by_their_codes() {
        assert!(region_within("330102", "330100"));
        assert!(region_within("330102", "330000"));
        assert!(region_within("330102", "100000"));
        assert!(!region_within("330200", "330100"));
        assert!(!region_within("330100", "330102"));
        assert!(region_within("330102", "330102"));
    }

    #[test]
    fn an_unknown_field_or_fact_is_refused_with_its_place() {
        let text = r#"{"id":"x","version":1,"name":{"zh":"a"},"description":{"zh":"b"},
            "region_code":"330100","department_id":"d","matter_code":"m",
            "rule":[{"fact":"age-at-least","years":80,"month":3}]}"#;
        let de = &mut serde_json::Deserializer::from_str(text);
        let e = serde_path_to_error::deserialize::<_, Benefit>(de).unwrap_err();
        assert_eq!(e.path().to_string(), "rule[0]");
        let text = text
            .replace(r#","month":3"#, "")
            .replace("age-at-least", "income-below");
        let de = &mut serde_json::Deserializer::from_str(&text);
        assert!(serde_path_to_error::deserialize::<_, Benefit>(de).is_err());
    }

    #[test]
    fn import_names_the_place_of_a_bad_rule() {
        let demo: serde_json::Value =
            serde_json::from_str(include_str!("../../catalog/catalog.json")).unwrap();
        let with = |rule: serde_json::Value| {
            let mut c = demo.clone();
            c["benefits"][0]["rule"] = rule;
            crate::catalog::parse_catalog(&c.to_string()).unwrap_err()
        };
        let issues =
            with(serde_json::json!([{ "fact": "age-at-least", "years": 80, "gender": "f" }]));
        assert!(
            issues[0].location.starts_with("benefits[0].rule[0]"),
            "{issues:?}"
        );
        let issues = with(serde_json::json!([
            { "fact": "age-at-least", "years": 80 },
            { "fact": "age-under", "years": 70 }
        ]));
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].location, "benefits[0].rule");
        assert!(issues[0].message.contains("never"), "{issues:?}");
        let issues = with(serde_json::json!([{ "fact": "registered-in", "region": "990000" }]));
        assert_eq!(issues[0].location, "benefits[0].rule[0].region");
    }
}
