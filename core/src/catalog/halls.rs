//! Halls (办事大厅) and self-service terminals (自助终端) as catalog data: where each is, when it
//! is open (by kind of day, so the working-day calendar decides), which matters it handles, and
//! whether it takes bookings. A matter's guide carries a copy of the halls that handle it, filled
//! in on import, so a guide read offline still says where to go.
//!
//! Files before `tongban-catalog/4` listed halls inside each matter (`service_points`, opening
//! hours as text): they are read and turned into halls whose hours are shown, not evaluated.

use serde::{Deserialize, Serialize};

use super::model::{Catalog, CATALOG_FORMAT};
use super::validate::CatalogIssue;
use crate::model::LocalizedText;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum HallKind {
    /// A hall with counters and staff (办事大厅, 便民服务中心).
    #[default]
    Hall,
    /// A self-service terminal (政务服务自助终端), often open round the clock.
    Terminal,
}

/// Opening hours by kind of day, each a list of `HH:MM-HH:MM` intervals (`24:00` ends a day).
/// Which kind a date is comes from the working-day calendar: a make-up working day (调休) has
/// the working-day hours, a public holiday the holiday hours (none unless listed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningHours {
    pub working_days: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saturday: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sunday: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<String>,
}

/// Which kind of day's hours apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayKind {
    Working,
    Saturday,
    Sunday,
    Holiday,
}

impl OpeningHours {
    pub fn for_kind(&self, kind: DayKind) -> &[String] {
        match kind {
            DayKind::Working => &self.working_days,
            DayKind::Saturday => &self.saturday,
            DayKind::Sunday => &self.sunday,
            DayKind::Holiday => &self.holidays,
        }
    }

    /// The intervals of a kind of day, in minutes from midnight; unreadable ones are skipped
    /// (import refuses them, so none are left in a valid catalog).
    pub fn intervals(&self, kind: DayKind) -> Vec<(u16, u16)> {
        self.for_kind(kind)
            .iter()
            .filter_map(|i| parse_interval(i))
            .collect()
    }
}

/// `09:00-17:00` → (540, 1020).
pub fn parse_interval(text: &str) -> Option<(u16, u16)> {
    let (from, to) = text.split_once('-')?;
    let (from, to) = (parse_minute(from.trim())?, parse_minute(to.trim())?);
    (from < to).then_some((from, to))
}

/// `09:30` → 570; `24:00` is the end of the day.
pub fn parse_minute(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minute = h * 60 + m;
    (m < 60 && minute <= 24 * 60).then_some(minute)
}

/// A hall's appointments (预约): every half hour it is open on a day, `per_half_hour` people
/// for each matter it handles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingOffer {
    pub per_half_hour: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hall {
    /// Stable id: the region code, a dash, a short slug (`330102-scq`).
    pub id: String,
    #[serde(default)]
    pub kind: HallKind,
    pub name: LocalizedText,
    pub address: LocalizedText,
    /// GB/T 2260 code of the region (district or city) it stands in.
    pub region_code: String,
    #[serde(default)]
    pub phone: String,
    /// WGS-84 coordinates (what a device's location gives; maps in China convert to GCJ-02).
    pub latitude: f64,
    pub longitude: f64,
    /// Hours the app can evaluate; none when the publisher gave only text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<OpeningHours>,
    /// What people should also know about the hours (special weekend openings, a text-only
    /// timetable from an older file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_note: Option<LocalizedText>,
    /// Codes of the matters it handles (empty in the copy a guide carries).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matters: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<BookingOffer>,
}

impl Hall {
    pub fn handles(&self, matter: &str) -> bool {
        self.matters.iter().any(|m| m == matter)
    }

    /// Whether a person can book a time here for this matter.
    pub fn takes_bookings(&self) -> bool {
        self.booking.is_some() && self.hours.is_some()
    }
}

/// A hall as a matter listed it inside itself before `/4` (read, never written).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServicePoint {
    pub name: LocalizedText,
    pub address: LocalizedText,
    /// Opening hours (办公时间) as people read them.
    pub hours: LocalizedText,
    pub phone: String,
    /// WGS-84 coordinates.
    pub latitude: f64,
    pub longitude: f64,
}

fn slug_of(name: &str) -> String {
    let hash = name.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("h{hash:08x}")
}

/// Turns an older file's in-matter halls into the catalog's halls (merged by name), and the
/// departments' hall names into hall ids.
pub(super) fn halls_from_service_points(catalog: &mut Catalog) {
    let mut halls: Vec<Hall> = Vec::new();
    for m in &mut catalog.matters {
        for sp in std::mem::take(&mut m.service_points) {
            if let Some(h) = halls.iter_mut().find(|h| h.name.zh == sp.name.zh) {
                if !h.handles(&m.code) {
                    h.matters.push(m.code.clone());
                }
                continue;
            }
            halls.push(Hall {
                id: format!("{}-{}", m.region_code, slug_of(&sp.name.zh)),
                kind: HallKind::Hall,
                name: sp.name,
                address: sp.address,
                region_code: m.region_code.clone(),
                phone: sp.phone,
                latitude: sp.latitude,
                longitude: sp.longitude,
                hours: None,
                hours_note: Some(sp.hours),
                matters: vec![m.code.clone()],
                booking: None,
            });
        }
    }
    for d in &mut catalog.departments {
        for name in &mut d.halls {
            if let Some(h) = halls.iter().find(|h| h.name.zh == *name) {
                *name = h.id.clone();
            }
        }
    }
    catalog.halls.extend(halls);
    catalog.format = CATALOG_FORMAT.into();
}

/// Problems a `/4` file has with halls listed in the wrong place.
pub(super) fn misplaced_halls(catalog: &Catalog) -> Vec<CatalogIssue> {
    let mut issues = Vec::new();
    for (i, m) in catalog.matters.iter().enumerate() {
        if !m.service_points.is_empty() || !m.halls.is_empty() {
            issues.push(CatalogIssue {
                location: format!("matters[{i}]"),
                message: format!(
                    "in a {CATALOG_FORMAT} file halls are listed in the catalog's `halls`, each with the matters it handles"
                ),
            });
        }
    }
    issues
}

/// Each matter's copy of the halls that handle it.
pub(super) fn fill_matter_halls(catalog: &mut Catalog) {
    let halls = &catalog.halls;
    for m in &mut catalog.matters {
        m.halls = halls
            .iter()
            .filter(|h| h.handles(&m.code))
            .map(|h| Hall {
                matters: Vec::new(),
                ..h.clone()
            })
            .collect();
    }
}

/// The rules halls keep: ids, places, hours, matters, bookings, and the departments naming them.
pub(super) fn validate_halls(catalog: &Catalog, issue: &mut impl FnMut(String, &str)) {
    let regions: Vec<&str> = catalog.regions.iter().map(|r| r.code.as_str()).collect();
    let mut ids: Vec<&str> = Vec::new();
    for (i, h) in catalog.halls.iter().enumerate() {
        let at = |field: &str| format!("halls[{i}].{field}");
        if !super::validate::is_region_slug(&h.id) {
            issue(
                at("id"),
                "must be a region code, a dash and lowercase letters, digits or dashes (330102-scq)",
            );
        }
        if ids.contains(&h.id.as_str()) {
            issue(at("id"), &format!("duplicate hall id {:?}", h.id));
        }
        ids.push(&h.id);
        if h.name.zh.trim().is_empty() {
            issue(at("name.zh"), "the Chinese text must not be empty");
        }
        if !regions.contains(&h.region_code.as_str()) {
            issue(
                at("region_code"),
                &format!("unknown region {:?}", h.region_code),
            );
        }
        let in_range = (-90.0..=90.0).contains(&h.latitude)
            && (-180.0..=180.0).contains(&h.longitude)
            && !(h.latitude == 0.0 && h.longitude == 0.0);
        if !in_range {
            issue(at("latitude"), "coordinates out of range (WGS-84 degrees)");
        }
        if let Some(hours) = &h.hours {
            for (field, list) in [
                ("working_days", &hours.working_days),
                ("saturday", &hours.saturday),
                ("sunday", &hours.sunday),
                ("holidays", &hours.holidays),
            ] {
                let mut last_end = 0u16;
                for (j, text) in list.iter().enumerate() {
                    match parse_interval(text) {
                        None => issue(
                            at(&format!("hours.{field}[{j}]")),
                            &format!("{text:?} is not an interval like \"09:00-17:00\""),
                        ),
                        Some((from, _)) if j > 0 && from < last_end => issue(
                            at(&format!("hours.{field}[{j}]")),
                            "intervals must be in order and must not overlap",
                        ),
                        Some((_, to)) => last_end = to,
                    }
                }
            }
        }
        if h.matters.is_empty() {
            issue(at("matters"), "must name at least one matter it handles");
        }
        for (j, code) in h.matters.iter().enumerate() {
            if !catalog.matters.iter().any(|m| m.code == *code) {
                issue(
                    at(&format!("matters[{j}]")),
                    &format!("unknown matter {code:?}"),
                );
            }
        }
        if let Some(b) = &h.booking {
            if !(1..=200).contains(&b.per_half_hour) {
                issue(at("booking.per_half_hour"), "must be from 1 to 200");
            }
            if h.hours.is_none() {
                issue(at("booking"), "a hall that takes bookings needs its hours");
            }
        }
    }
    for (i, d) in catalog.departments.iter().enumerate() {
        for (j, hall) in d.halls.iter().enumerate() {
            if !ids.contains(&hall.as_str()) {
                issue(
                    format!("departments[{i}].halls[{j}]"),
                    &format!("unknown hall {hall:?}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::parse_catalog;

    const DEMO: &str = include_str!("../../../catalog/catalog.json");

    #[test]
    fn guides_carry_their_halls_and_older_files_still_read() {
        let catalog = parse_catalog(DEMO).unwrap();
        let m = catalog.matters.iter().find(|m| m.halls.len() > 1).unwrap();
        assert!(
            m.halls.iter().all(|h| h.matters.is_empty()),
            "the copy drops the list"
        );
        assert!(catalog.halls.iter().any(|h| h.kind == HallKind::Terminal));

        // The same catalog written the `/3` way: halls inside matters, hours as text.
        let mut v: serde_json::Value = serde_json::from_str(DEMO).unwrap();
        let halls = v.as_object_mut().unwrap().remove("halls").unwrap();
        v["format"] = "tongban-catalog/3".into();
        for m in v["matters"].as_array_mut().unwrap() {
            let code = m["code"].as_str().unwrap().to_owned();
            let points: Vec<serde_json::Value> = halls
                .as_array()
                .unwrap()
                .iter()
                .filter(|h| {
                    h["matters"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|c| c == code.as_str())
                })
                .map(|h| {
                    serde_json::json!({
                        "name": h["name"], "address": h["address"], "phone": h["phone"],
                        "latitude": h["latitude"], "longitude": h["longitude"],
                        "hours": {"zh": "周一至周五 9:00-17:00"},
                    })
                })
                .collect();
            m["service_points"] = points.into();
        }
        for d in v["departments"].as_array_mut().unwrap() {
            let ids: Vec<String> = d["halls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_str().unwrap().to_owned())
                .collect();
            d["halls"] = ids
                .iter()
                .map(|id| {
                    halls
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|h| h["id"] == id.as_str())
                        .unwrap()["name"]["zh"]
                        .clone()
                })
                .collect::<Vec<_>>()
                .into();
        }
        let old = parse_catalog(&v.to_string()).unwrap();
        assert_eq!(old.format, CATALOG_FORMAT);
        assert_eq!(old.halls.len(), catalog.halls.len());
        let first = &old.halls[0];
        assert!(
            first.hours.is_none() && first.hours_note.is_some(),
            "text hours are shown, not evaluated"
        );
        assert!(old.matters.iter().all(|m| m.service_points.is_empty()));
        let same = old.matters.iter().find(|x| x.code == m.code).unwrap();
        assert_eq!(same.halls.len(), m.halls.len());
    }

    #[test]
    fn bad_halls_are_located_errors() {
        let mut v: serde_json::Value = serde_json::from_str(DEMO).unwrap();
        v["halls"][0]["hours"]["working_days"] = serde_json::json!(["09:00-12:00", "11:00-17:00"]);
        v["halls"][1]["hours"]["saturday"] = serde_json::json!(["9 to 5"]);
        v["halls"][2]["matters"] = serde_json::json!(["NO-SUCH"]);
        v["halls"][3]["latitude"] = serde_json::json!(123.0);
        v["halls"][4]["id"] = v["halls"][5]["id"].clone();
        v["halls"][6]["booking"] = serde_json::json!({"per_half_hour": 0});
        v["departments"][3]["halls"] = serde_json::json!(["330100-nowhere"]);
        v["matters"][0]["service_points"] = serde_json::json!([]);
        v["matters"][1]["halls"] = serde_json::json!([v["halls"][0].clone()]);
        let issues = parse_catalog(&v.to_string()).unwrap_err();
        assert_eq!(
            issues.len(),
            1,
            "misplaced halls are reported first: {issues:?}"
        );
        assert_eq!(issues[0].location, "matters[1]");
        v["matters"][1]["halls"] = serde_json::json!([]);
        let issues = parse_catalog(&v.to_string()).unwrap_err();
        let at: Vec<&str> = issues.iter().map(|i| i.location.as_str()).collect();
        for want in [
            "halls[0].hours.working_days[1]",
            "halls[1].hours.saturday[0]",
            "halls[2].matters[0]",
            "halls[3].latitude",
            "halls[5].id",
            "halls[6].booking.per_half_hour",
            "departments[3].halls[0]",
        ] {
            assert!(at.contains(&want), "{want} missing from {at:?}");
        }
    }

    #[test]
    fn intervals_are_read_strictly() {
        assert_eq!(parse_interval("09:00-17:00"), Some((540, 1020)));
        assert_eq!(parse_interval("8:30 - 12:00"), Some((510, 720)));
        assert_eq!(parse_interval("00:00-24:00"), Some((0, 1440)));
        for bad in [
            "17:00-09:00",
            "9-17",
            "09:60-10:00",
            "09:00-24:30",
            "09:00",
            "",
            "9:00-9:00",
        ] {
            assert_eq!(parse_interval(bad), None, "{bad}");
        }
    }
}
