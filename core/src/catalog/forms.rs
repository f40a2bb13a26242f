//! The application forms of the catalog's matters and bundles (一件事): who applies, each
//! matter's own questions, and its materials; a bundle asks what its matters share once.

use super::model::{Bundle, CrossMode, Matter, Requirement};
use crate::auth::RealNameLevel;
use crate::form::standard::{applicant_group, field, message};
use crate::form::{Choice, Field, FieldGroup, FieldKind, FormSchema, Label};
use crate::model::LocalizedText;

/// The path of the answer naming where a 跨省通办 application is handed in.
pub const FILING_OFFICE: &str = "filing.office";

/// For a matter received away from home (异地代收代办): where the person hands it in — the
/// deciding department, or one that receives it for them where they are.
fn filing_group(matter: &Matter) -> Option<FieldGroup> {
    let cross = matter.cross_province.as_ref()?;
    if cross.mode != CrossMode::Proxy {
        return None;
    }
    let mut options = vec![Choice {
        value: matter.department_id.clone(),
        label: Label::Text(matter.department.clone()),
    }];
    options.extend(cross.receiving.iter().map(|r| Choice {
        value: r.id.clone(),
        label: Label::Text(r.name.clone()),
    }));
    let mut office = field(
        "office",
        "form-filing-office",
        FieldKind::SingleChoice { options },
        true,
    );
    office.hint = Some(message("form-filing-office-hint"));
    Some(FieldGroup {
        id: "filing".into(),
        title: message("form-group-filing"),
        fields: vec![office],
        repeat: None,
        show_when: None,
    })
}

/// A stable id for a material from its name, so the same document asked by two matters of a
/// bundle is one question.
fn material_id(name: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("m{:08x}", hash as u32)
}

fn materials_group(matters: &[&Matter]) -> Option<FieldGroup> {
    let mut fields: Vec<Field> = Vec::new();
    for matter in matters {
        for material in &matter.materials {
            let id = material_id(&material.name.zh);
            if fields.iter().any(|f| f.id == id) {
                continue;
            }
            fields.push(Field {
                id,
                label: Label::Text(material.name.clone()),
                hint: material.note.clone().map(Label::Text),
                kind: FieldKind::Material {
                    later_allowed: material.requirement == Requirement::MaySupplyLater,
                    certificates: material.replaced_by_certificates.clone(),
                },
                required: material.requirement != Requirement::Optional,
                show_when: None,
                prefill: None,
            });
        }
    }
    (!fields.is_empty()).then(|| FieldGroup {
        id: "materials".into(),
        title: message("form-group-materials"),
        fields,
        repeat: None,
        show_when: None,
    })
}

/// A matter's own questions from the catalog, or one free-text question when it has none.
fn details_groups(matter: &Matter) -> Vec<FieldGroup> {
    if !matter.form.is_empty() {
        return matter.form.clone();
    }
    vec![FieldGroup {
        id: "details".into(),
        title: message("form-group-details"),
        fields: vec![Field {
            hint: Some(message("form-request-hint")),
            ..field(
                "request",
                "form-request",
                FieldKind::Text { max_length: 500 },
                false,
            )
        }],
        repeat: None,
        show_when: None,
    }]
}

impl FormSchema {
    /// The application form of one matter: who applies, the matter's own questions, materials.
    pub fn for_matter(matter: &Matter) -> Self {
        let own = details_groups(matter);
        // A matter may ask about the applicant its own way (a business not yet registered has
        // no credit code): its `applicant` group replaces the usual one.
        let applicant = own
            .iter()
            .find(|g| g.id == "applicant")
            .cloned()
            .unwrap_or_else(|| applicant_group(matter.audience));
        let mut groups = vec![applicant];
        groups.extend(filing_group(matter));
        groups.extend(own.into_iter().filter(|g| g.id != "applicant"));
        groups.extend(materials_group(&[matter]));
        Self {
            id: matter.code.clone(),
            groups,
        }
    }

    /// One form for a bundle (一件事): who applies asked once, each matter's questions (a group
    /// two matters share — same id — asked once), every material asked once.
    pub fn for_bundle(bundle: &Bundle, matters: &[&Matter]) -> Self {
        let audience = matters.first().map_or(bundle.audience, |m| m.audience);
        let own_applicant = matters
            .iter()
            .flat_map(|m| m.form.iter())
            .find(|g| g.id == "applicant")
            .cloned();
        let mut groups = vec![own_applicant.unwrap_or_else(|| applicant_group(audience))];
        for matter in matters {
            for mut group in details_groups(matter) {
                if group.id == "details" {
                    group.id = format!("details-{}", matter.code);
                    group.title = Label::Text(matter.name.clone());
                }
                if !groups.iter().any(|g| g.id == group.id) {
                    groups.push(group);
                }
            }
        }
        groups.extend(materials_group(matters));
        Self {
            id: FormRef::Bundle(bundle.id.clone()).to_string(),
            groups,
        }
    }
}

/// What a draft or an application fills: one matter's form (by its code) or a bundle's (一件事;
/// `bundle:<id>` on the wire, where forms are named by their string). The one resolver the
/// server, the web and the native shells use.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FormRef {
    Matter(String),
    Bundle(String),
}

/// A form ready to fill: its schema, its title, and the real-name level submitting it needs.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedForm {
    pub schema: FormSchema,
    pub title: LocalizedText,
    pub level: RealNameLevel,
}

const BUNDLE_PREFIX: &str = "bundle:";

impl FormRef {
    /// A form id as drafts and applications carry it.
    pub fn parse(id: &str) -> Self {
        match id.strip_prefix(BUNDLE_PREFIX) {
            Some(bundle) => Self::Bundle(bundle.to_owned()),
            None => Self::Matter(id.to_owned()),
        }
    }

    /// The matters whose guides make this form, in order; `None` for a bundle not among
    /// `bundles` (a matter needs none).
    pub fn matter_codes(&self, bundles: &[Bundle]) -> Option<Vec<String>> {
        match self {
            Self::Matter(code) => Some(vec![code.clone()]),
            Self::Bundle(id) => bundles
                .iter()
                .find(|b| b.id == *id)
                .map(|b| b.matters.clone()),
        }
    }

    /// The form built from the guides of `matter_codes` (any order; others are ignored);
    /// `None` when one is missing.
    pub fn resolve(&self, bundles: &[Bundle], matters: &[Matter]) -> Option<ResolvedForm> {
        let codes = self.matter_codes(bundles)?;
        let picked: Vec<&Matter> = codes
            .iter()
            .map(|code| matters.iter().find(|m| m.code == *code))
            .collect::<Option<_>>()?;
        let level = picked
            .iter()
            .map(|m| m.real_name_level)
            .max()
            .unwrap_or(RealNameLevel::PhoneVerified);
        match self {
            Self::Matter(_) => Some(ResolvedForm {
                schema: FormSchema::for_matter(picked[0]),
                title: picked[0].name.clone(),
                level,
            }),
            Self::Bundle(id) => {
                let bundle = bundles.iter().find(|b| b.id == *id)?;
                Some(ResolvedForm {
                    schema: FormSchema::for_bundle(bundle, &picked),
                    title: bundle.name.clone(),
                    level,
                })
            }
        }
    }
}

impl std::fmt::Display for FormRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Matter(code) => f.write_str(code),
            Self::Bundle(id) => write!(f, "{BUNDLE_PREFIX}{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_ids_round_trip_and_resolve_from_the_catalog() {
        let catalog: super::super::Catalog =
            serde_json::from_str(include_str!("../../../catalog/catalog.json")).unwrap();
        for id in ["330000-GA-0001", "bundle:newborn"] {
            assert_eq!(FormRef::parse(id).to_string(), id);
        }
        let bundle = FormRef::parse("bundle:newborn");
        let codes = bundle.matter_codes(&catalog.bundles).unwrap();
        assert!(codes.len() > 1);
        let form = bundle.resolve(&catalog.bundles, &catalog.matters).unwrap();
        assert_eq!(form.schema.id, "bundle:newborn");
        assert_eq!(form.title.zh, "新生儿出生一件事");
        assert_eq!(form.level, RealNameLevel::IdentityVerified);
        let matter = FormRef::parse("330000-GA-0001")
            .resolve(&[], &catalog.matters)
            .unwrap();
        assert_eq!(matter.title.zh, "居民身份证换领");
        assert_eq!(
            FormRef::parse("bundle:none").matter_codes(&catalog.bundles),
            None
        );
        assert_eq!(FormRef::parse("330000-GA-0001").resolve(&[], &[]), None);
    }
}
