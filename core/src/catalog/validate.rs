//! Reading a catalog file and reporting every problem in it with its location; nothing is
//! imported unless the whole file is valid.

use serde::{Deserialize, Serialize};

use super::model::*;
use crate::model::LocalizedText;

/// One problem in a catalog file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogIssue {
    /// Where: a JSON path such as `matters[3].channels`, with line and column for syntax errors.
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for CatalogIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Reads a catalog file and checks it; on failure, every problem found with its location. A
/// `/2` file's department names become departments of their own (see `parse_catalog_with`), a
/// `/2` or `/3` file's in-matter halls the catalog's halls.
pub fn parse_catalog(text: &str) -> Result<Catalog, Vec<CatalogIssue>> {
    parse_catalog_with(text, &[])
}

/// Reads a catalog file and checks it. A `tongban-catalog/2` file names departments, not ids:
/// each name is resolved to one of the `known` departments (those already imported) — in the
/// matter's region when the name is used in several — or, if none has it, becomes a new
/// department; a name that still fits several is a located error. Department names are then
/// filled into the matters from their ids.
pub fn parse_catalog_with(text: &str, known: &[Department]) -> Result<Catalog, Vec<CatalogIssue>> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let mut catalog: Catalog = serde_path_to_error::deserialize(de).map_err(|e| {
        let inner = e.inner();
        vec![CatalogIssue {
            location: format!(
                "{} (line {}, column {})",
                e.path(),
                inner.line(),
                inner.column()
            ),
            message: inner.to_string(),
        }]
    })?;
    if catalog.format == CATALOG_FORMAT_V2 {
        upgrade_v2(&mut catalog, known)?;
    }
    if catalog.format == CATALOG_FORMAT_V3 {
        halls_from_service_points(&mut catalog);
    } else if catalog.format == CATALOG_FORMAT {
        let misplaced = misplaced_halls(&catalog);
        if !misplaced.is_empty() {
            return Err(misplaced);
        }
    }
    fill_department_names(&mut catalog);
    fill_matter_halls(&mut catalog);
    let issues = validate(&catalog);
    if issues.is_empty() {
        Ok(catalog)
    } else {
        Err(issues)
    }
}

fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The regions a code lies in, itself first (`330106` → `330106`, `330100`, `330000`).
fn region_chain(code: &str) -> Vec<String> {
    let mut out = vec![code.to_owned()];
    if code.len() == 6 && !code.ends_with("00") {
        out.push(format!("{}00", &code[..4]));
    }
    if code.len() == 6 && !code.ends_with("0000") {
        out.push(format!("{}0000", &code[..2]));
    }
    out
}

/// Gives a `/2` catalog departments with ids, as described at `parse_catalog_with`.
fn upgrade_v2(catalog: &mut Catalog, known: &[Department]) -> Result<(), Vec<CatalogIssue>> {
    let mut issues = Vec::new();
    let mut departments: Vec<Department> = Vec::new();
    for (i, m) in catalog.matters.iter_mut().enumerate() {
        let name = m.department.zh.trim().to_owned();
        let same_name: Vec<&Department> = known.iter().filter(|d| d.name.zh == name).collect();
        let chain = region_chain(&m.region_code);
        let chosen: Vec<&Department> = if same_name.len() > 1 {
            let in_region: Vec<&Department> = same_name
                .iter()
                .copied()
                .filter(|d| {
                    chain.contains(&d.region_code)
                        || region_chain(&d.region_code).contains(&m.region_code)
                })
                .collect();
            // None of them in the matter's region: still all of them, so it is ambiguous.
            if in_region.is_empty() {
                same_name
            } else {
                in_region
            }
        } else {
            same_name
        };
        let department = match chosen.as_slice() {
            [one] => (*one).clone(),
            [] => match departments.iter().find(|d| d.name.zh == name) {
                Some(d) => d.clone(),
                None => Department {
                    id: format!("{}-{:08x}", m.region_code, fnv1a(&name)),
                    name: m.department.clone(),
                    region_code: m.region_code.clone(),
                    phone: m.consultation_phone.clone(),
                    halls: Vec::new(),
                },
            },
            many => {
                let ids: Vec<&str> = many.iter().map(|d| d.id.as_str()).collect();
                issues.push(CatalogIssue {
                    location: format!("matters[{i}].department"),
                    message: format!(
                        "{name:?} names {} departments ({}): say which with department_id in a {CATALOG_FORMAT} file",
                        many.len(),
                        ids.join(", ")
                    ),
                });
                continue;
            }
        };
        for sp in &m.service_points {
            let hall = sp.name.zh.clone();
            if let Some(d) = departments.iter_mut().find(|d| d.id == department.id) {
                if !d.halls.contains(&hall) {
                    d.halls.push(hall);
                }
                continue;
            }
        }
        m.department_id = department.id.clone();
        if !departments.iter().any(|d| d.id == department.id) {
            let mut d = department;
            for sp in &m.service_points {
                if !d.halls.contains(&sp.name.zh) {
                    d.halls.push(sp.name.zh.clone());
                }
            }
            departments.push(d);
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    catalog.departments = departments;
    catalog.format = CATALOG_FORMAT_V3.into();
    Ok(())
}

/// Each matter's department name, and the names of the departments its cross-province handling
/// names, from the departments' own.
fn fill_department_names(catalog: &mut Catalog) {
    let name = |id: &str| {
        catalog
            .departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
    };
    let names: Vec<(Option<LocalizedText>, Vec<Option<LocalizedText>>)> = catalog
        .matters
        .iter()
        .map(|m| {
            (
                name(&m.department_id),
                m.cross_province
                    .iter()
                    .flat_map(|c| c.receiving.iter().map(|r| name(&r.id)))
                    .collect(),
            )
        })
        .collect();
    for (m, (own, receiving)) in catalog.matters.iter_mut().zip(names) {
        if let Some(own) = own {
            m.department = own;
        }
        if let Some(c) = m.cross_province.as_mut() {
            for (r, n) in c.receiving.iter_mut().zip(receiving) {
                if let Some(n) = n {
                    r.name = n;
                }
            }
        }
    }
}

/// Every rule a catalog must keep, checked at once so a province's engineer sees all problems.
pub fn validate(catalog: &Catalog) -> Vec<CatalogIssue> {
    let mut issues = Vec::new();
    let mut issue = |location: String, message: &str| {
        issues.push(CatalogIssue {
            location,
            message: message.to_owned(),
        })
    };
    if catalog.format != CATALOG_FORMAT {
        issue(
            "format".into(),
            &format!("must be {CATALOG_FORMAT:?}, found {:?}", catalog.format),
        );
    }
    if catalog.version.trim().is_empty() {
        issue("version".into(), "must not be empty");
    }
    let region_codes: Vec<&str> = catalog.regions.iter().map(|r| r.code.as_str()).collect();
    for (i, r) in catalog.regions.iter().enumerate() {
        if r.code.len() != 6 || !r.code.bytes().all(|b| b.is_ascii_digit()) {
            issue(
                format!("regions[{i}].code"),
                "must be a 6-digit GB/T 2260 code",
            );
        }
        if let Some(parent) = &r.parent {
            if !region_codes.contains(&parent.as_str()) {
                issue(
                    format!("regions[{i}].parent"),
                    &format!("unknown region {parent:?}"),
                );
            }
        }
        check_text(&mut issue, &format!("regions[{i}].name"), &r.name);
    }
    let event_ids: Vec<&str> = catalog.life_events.iter().map(|e| e.id.as_str()).collect();
    for (i, e) in catalog.life_events.iter().enumerate() {
        if event_ids.iter().filter(|id| **id == e.id).count() > 1 {
            issue(
                format!("life_events[{i}].id"),
                &format!("duplicate id {:?}", e.id),
            );
        }
        check_text(&mut issue, &format!("life_events[{i}].name"), &e.name);
    }
    let mut department_ids: Vec<&str> = Vec::new();
    for (i, d) in catalog.departments.iter().enumerate() {
        let at = |field: &str| format!("departments[{i}].{field}");
        if !is_region_slug(&d.id) {
            issue(
                at("id"),
                "must be a region code, a dash and lowercase letters, digits or dashes (330100-mz)",
            );
        }
        if department_ids.contains(&d.id.as_str()) {
            issue(at("id"), &format!("duplicate department id {:?}", d.id));
        }
        department_ids.push(&d.id);
        if d.region_code.len() != 6 || !d.region_code.bytes().all(|b| b.is_ascii_digit()) {
            issue(at("region_code"), "must be a 6-digit GB/T 2260 code");
        }
        check_text(&mut issue, &at("name"), &d.name);
    }
    let mut codes: Vec<&str> = Vec::new();
    for (i, m) in catalog.matters.iter().enumerate() {
        let at = |field: &str| format!("matters[{i}].{field}");
        for problem in crate::form::FormSchema::for_matter(m).problems() {
            issue(at("form"), &problem);
        }
        if m.code.trim().is_empty() {
            issue(at("code"), "must not be empty");
        } else if codes.contains(&m.code.as_str()) {
            issue(at("code"), &format!("duplicate matter code {:?}", m.code));
        }
        codes.push(&m.code);
        check_text(&mut issue, &at("name"), &m.name);
        if !department_ids.contains(&m.department_id.as_str()) {
            issue(
                at("department_id"),
                &format!("unknown department {:?}", m.department_id),
            );
        }
        if let Some(cross) = &m.cross_province {
            let needs_others = matches!(cross.mode, CrossMode::Proxy | CrossMode::MultiSite);
            if needs_others && cross.receiving.is_empty() {
                issue(
                    at("cross_province.receiving"),
                    &format!("{} needs at least one other department", cross.mode.code()),
                );
            }
            for (j, r) in cross.receiving.iter().enumerate() {
                if !department_ids.contains(&r.id.as_str()) {
                    issue(
                        at(&format!("cross_province.receiving[{j}]")),
                        &format!("unknown department {:?}", r.id),
                    );
                } else if r.id == m.department_id {
                    issue(
                        at(&format!("cross_province.receiving[{j}]")),
                        "is the deciding department itself",
                    );
                }
            }
        }
        if !region_codes.contains(&m.region_code.as_str()) {
            issue(
                at("region_code"),
                &format!("unknown region {:?}", m.region_code),
            );
        }
        if m.life_events.is_empty() {
            issue(at("life_events"), "must name at least one life event");
        }
        for (j, id) in m.life_events.iter().enumerate() {
            match catalog.life_events.iter().find(|e| &e.id == id) {
                None => issue(
                    at(&format!("life_events[{j}]")),
                    &format!("unknown life event {id:?}"),
                ),
                Some(e) if e.audience != m.audience => issue(
                    at(&format!("life_events[{j}]")),
                    &format!("life event {id:?} is for another audience"),
                ),
                Some(_) => {}
            }
        }
        for (field, list_len) in [
            ("legal_basis", m.legal_basis.len()),
            ("conditions", m.conditions.len()),
            ("materials", m.materials.len()),
            ("steps", m.steps.len()),
        ] {
            if list_len == 0 {
                issue(at(field), "must not be empty");
            }
        }
        for (j, material) in m.materials.iter().enumerate() {
            check_text(
                &mut issue,
                &at(&format!("materials[{j}].name")),
                &material.name,
            );
            if material.count == 0 {
                issue(at(&format!("materials[{j}].count")), "must be at least 1");
            }
        }
        if m.promised_days > m.legal_days {
            issue(at("promised_days"), "must not exceed legal_days");
        }
        if m.visits_needed > 1 {
            issue(at("visits_needed"), "must be 0 or 1");
        }
        if m.fully_online && m.visits_needed != 0 {
            issue(
                at("visits_needed"),
                "must be 0 for a matter handled fully online",
            );
        }
        let best = m.channels.iter().filter(|c| c.best).count();
        if m.channels.is_empty() || best != 1 {
            issue(at("channels"), "must have exactly one channel marked best");
        }
        if !m.fee.free && m.fee.description.is_none() {
            issue(at("fee.description"), "a fee needs its standard and basis");
        }
        if m.consultation_phone.trim().is_empty() {
            issue(at("consultation_phone"), "must not be empty");
        }
        if m.complaint_phone.trim().is_empty() {
            issue(at("complaint_phone"), "must not be empty");
        }
        if let Some(problem) = m.recurs.and_then(|r| r.problem()) {
            issue(at("recurs"), problem);
        }
    }
    for (i, b) in catalog.bundles.iter().enumerate() {
        if b.matters.len() < 2 {
            issue(
                format!("bundles[{i}].matters"),
                "a bundle joins at least two matters",
            );
        }
        for (j, code) in b.matters.iter().enumerate() {
            if !codes.contains(&code.as_str()) {
                issue(
                    format!("bundles[{i}].matters[{j}]"),
                    &format!("unknown matter {code:?}"),
                );
            }
        }
        if !event_ids.contains(&b.life_event.as_str()) {
            issue(
                format!("bundles[{i}].life_event"),
                &format!("unknown life event {:?}", b.life_event),
            );
        }
    }
    let names: Vec<&str> = catalog
        .matters
        .iter()
        .flat_map(|m| {
            std::iter::once(m.name.zh.as_str()).chain(m.keywords.iter().map(String::as_str))
        })
        .collect();
    for (i, s) in catalog.synonyms.iter().enumerate() {
        if s.phrase.trim().is_empty() || s.means.is_empty() {
            issue(
                format!("synonyms[{i}]"),
                "needs a phrase and at least one meaning",
            );
        }
        // A meaning no matter's name or keyword holds would never find anything.
        for (j, word) in s.means.iter().enumerate() {
            if !names.iter().any(|n| n.contains(word.as_str())) {
                issue(
                    format!("synonyms[{i}].means[{j}]"),
                    &format!("no matter's name or keyword holds {word:?}"),
                );
            }
        }
    }
    let mut place_regions: Vec<&str> = region_codes.clone();
    place_regions.extend(catalog.places.iter().map(|p| p.region.as_str()));
    for (i, p) in catalog.places.iter().enumerate() {
        if p.region.len() != 6 || !p.region.bytes().all(|b| b.is_ascii_digit()) {
            issue(
                format!("places[{i}].region"),
                &format!("{:?} is not a six-digit region code", p.region),
            );
        }
        if let Some(parent) = &p.parent {
            if !place_regions.contains(&parent.as_str()) {
                issue(
                    format!("places[{i}].parent"),
                    &format!("unknown region {parent:?}"),
                );
            }
        }
        if p.name.trim().is_empty() {
            issue(format!("places[{i}].name"), "must not be empty");
        }
    }
    validate_halls(catalog, &mut issue);
    let mut benefit_ids: Vec<&str> = Vec::new();
    for (i, b) in catalog.benefits.iter().enumerate() {
        let at = |field: &str| format!("benefits[{i}].{field}");
        if benefit_ids.contains(&b.id.as_str()) {
            issue(at("id"), &format!("another benefit has the id {:?}", b.id));
        }
        benefit_ids.push(&b.id);
        if !region_codes.contains(&b.region_code.as_str()) {
            issue(
                at("region_code"),
                &format!("unknown region {:?}", b.region_code),
            );
        }
        if !catalog.departments.iter().any(|d| d.id == b.department_id) {
            issue(
                at("department_id"),
                &format!("unknown department {:?}", b.department_id),
            );
        }
        if !catalog.matters.iter().any(|m| m.code == b.matter_code) {
            issue(
                at("matter_code"),
                &format!("unknown matter {:?}", b.matter_code),
            );
        }
        check_text(&mut issue, &at("name"), &b.name);
        check_text(&mut issue, &at("description"), &b.description);
        for (field, problem) in crate::benefit::rule_problems(b, &region_codes) {
            issue(at(&field), problem);
        }
    }
    issues
}

/// An id made of a region code, a dash and a short slug (`330100-mz`, `330102-scq`).
pub(super) fn is_region_slug(id: &str) -> bool {
    id.len() > 7
        && id.as_bytes()[6] == b'-'
        && id[..6].bytes().all(|b| b.is_ascii_digit())
        && id[7..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn check_text(issue: &mut impl FnMut(String, &str), location: &str, text: &LocalizedText) {
    if text.zh.trim().is_empty() {
        issue(
            format!("{location}.zh"),
            "the Chinese text must not be empty",
        );
    }
}
