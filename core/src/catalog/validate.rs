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

/// Reads a catalog file and checks it; on failure, every problem found with its location.
pub fn parse_catalog(text: &str) -> Result<Catalog, Vec<CatalogIssue>> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let catalog: Catalog = serde_path_to_error::deserialize(de).map_err(|e| {
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
    let issues = validate(&catalog);
    if issues.is_empty() {
        Ok(catalog)
    } else {
        Err(issues)
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
        check_text(&mut issue, &at("department"), &m.department);
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
        for (j, sp) in m.service_points.iter().enumerate() {
            if !(-90.0..=90.0).contains(&sp.latitude) || !(-180.0..=180.0).contains(&sp.longitude) {
                issue(
                    at(&format!("service_points[{j}]")),
                    "coordinates out of range",
                );
            }
        }
        if m.consultation_phone.trim().is_empty() {
            issue(at("consultation_phone"), "must not be empty");
        }
        if m.complaint_phone.trim().is_empty() {
            issue(at("complaint_phone"), "must not be empty");
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
    for (i, s) in catalog.synonyms.iter().enumerate() {
        if s.phrase.trim().is_empty() || s.means.is_empty() {
            issue(
                format!("synonyms[{i}]"),
                "needs a phrase and at least one meaning",
            );
        }
    }
    issues
}

fn check_text(issue: &mut impl FnMut(String, &str), location: &str, text: &LocalizedText) {
    if text.zh.trim().is_empty() {
        issue(
            format!("{location}.zh"),
            "the Chinese text must not be empty",
        );
    }
}
