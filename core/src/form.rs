//! What an application asks (`FormSchema`), the answers (`Answers`) and their validation — the
//! same code on the phone (instant feedback) and on the server (the authority).
//!
//! Answers are a flat map from a field's path to its value: `applicant.name`, or
//! `members.1.name` inside a repeatable group. Flat paths let two devices' edits to different
//! fields merge, and a conflict name exactly one field. Errors are data (`FieldError`: path,
//! code, params); their words are the Fluent messages `error-<code>`.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::api::FieldError;
use crate::catalog::{Bundle, Matter, Requirement};
use crate::identity::{check_credit_code, check_mobile, check_resident_id, normalize_number};
use crate::model::{Audience, LocalizedText};

/// A label or hint: a Fluent message (the fields every form has) or text from the catalog (a
/// matter's own questions), so that every word shown comes from `locales/` or from the data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Label {
    Message(String),
    Text(LocalizedText),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormSchema {
    /// The matter's code, or `bundle:<id>`.
    pub id: String,
    pub groups: Vec<FieldGroup>,
}

/// One page of questions on a phone; repeatable when `repeat` is set (family members …).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldGroup {
    pub id: String,
    pub title: Label,
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Repeat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_when: Option<Condition>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Repeat {
    pub min: u32,
    pub max: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Field {
    pub id: String,
    pub label: Label,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Label>,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_when: Option<Condition>,
    /// Filled from the account (the verified identity) with the source shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<ProfileField>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FieldKind {
    Text {
        #[serde(default = "default_text_length")]
        max_length: u32,
    },
    Number {
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
        #[serde(default)]
        integer: bool,
    },
    /// `YYYY-MM-DD`; `past_only` for birth dates, `future_only` for appointments.
    Date {
        #[serde(default)]
        past_only: bool,
        #[serde(default)]
        future_only: bool,
    },
    SingleChoice {
        options: Vec<Choice>,
    },
    MultipleChoice {
        options: Vec<Choice>,
    },
    /// Chinese resident ID number (GB 11643): checksum, birth date and region checked.
    ResidentId,
    /// Unified social credit code (GB 32100).
    CreditCode,
    Mobile,
    /// A GB/T 2260 region code (six digits).
    Region,
    Address,
    /// A document: uploaded, promised for later (容缺) or fetched from an e-certificate (免提交).
    Material {
        #[serde(default)]
        later_allowed: bool,
        #[serde(default)]
        certificates: Vec<String>,
    },
}

fn default_text_length() -> u32 {
    100
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    pub value: String,
    pub label: Label,
}

/// Show a field or group only when another answer has a value: `field` is a field of the same
/// group (instance) or an absolute path (`group.field`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    pub field: String,
    pub equals: String,
}

/// What the account knows and a form may be filled from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProfileField {
    Name,
    IdNumber,
    Phone,
}

/// One answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum Answer {
    Text(String),
    Choices(Vec<String>),
    Material(MaterialAnswer),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "how", rename_all = "kebab-case")]
pub enum MaterialAnswer {
    /// Uploaded: the server's name for the stored file.
    Uploaded {
        object_id: String,
        file_name: String,
        size: u64,
    },
    /// 容缺: promised, to be supplied after acceptance.
    SupplyLater,
    /// 免提交: the department fetches it from the person's e-certificate of this type.
    FromCertificate { certificate: String },
}

pub type Answers = BTreeMap<String, Answer>;

/// The server's answer to an upload: how to refer to the stored document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MaterialUploaded {
    pub object_id: String,
    /// The content type found in the bytes (`image/jpeg`, `application/pdf` …).
    pub kind: String,
    pub size: u64,
}

/// The uploaded documents' ids among the answers.
pub fn uploaded_objects(answers: &Answers) -> Vec<(String, String)> {
    answers
        .iter()
        .filter_map(|(path, a)| match a {
            Answer::Material(MaterialAnswer::Uploaded { object_id, .. }) => {
                Some((path.clone(), object_id.clone()))
            }
            _ => None,
        })
        .collect()
}

impl Answer {
    fn is_empty(&self) -> bool {
        match self {
            Self::Text(t) => t.trim().is_empty(),
            Self::Choices(c) => c.is_empty(),
            Self::Material(_) => false,
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t.trim()),
            _ => None,
        }
    }
}

/// One question as asked: where its answer lives and what it is.
#[derive(Clone, Debug)]
pub struct Question<'a> {
    pub path: String,
    pub group: &'a FieldGroup,
    /// The instance of a repeatable group (0 otherwise).
    pub instance: u32,
    pub field: &'a Field,
}

fn field_error(path: &str, code: &str, params: &[(&str, String)]) -> FieldError {
    FieldError {
        path: path.to_owned(),
        code: code.to_owned(),
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<HashMap<_, _>>(),
    }
}

impl FormSchema {
    /// How many instances a group has in these answers: at least `min`, and every index answered.
    pub fn instances(&self, group: &FieldGroup, answers: &Answers) -> u32 {
        let Some(repeat) = group.repeat else {
            return 1;
        };
        let prefix = format!("{}.", group.id);
        let answered = answers
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .filter_map(|rest| rest.split('.').next()?.parse::<u32>().ok())
            .map(|i| i + 1)
            .max()
            .unwrap_or(0);
        answered.max(repeat.min)
    }

    /// The path of a field in a group instance.
    pub fn path(group: &FieldGroup, instance: u32, field: &str) -> String {
        if group.repeat.is_some() {
            format!("{}.{instance}.{field}", group.id)
        } else {
            format!("{}.{field}", group.id)
        }
    }

    fn condition_holds(
        &self,
        condition: &Condition,
        group: &FieldGroup,
        instance: u32,
        answers: &Answers,
    ) -> bool {
        let path = if condition.field.contains('.') {
            condition.field.clone()
        } else {
            Self::path(group, instance, &condition.field)
        };
        match answers.get(&path) {
            Some(Answer::Text(t)) => t.trim() == condition.equals,
            Some(Answer::Choices(c)) => c.iter().any(|v| *v == condition.equals),
            _ => false,
        }
    }

    /// The questions asked with these answers, in order: hidden groups and fields left out.
    pub fn questions<'a>(&'a self, answers: &Answers) -> Vec<Question<'a>> {
        let mut out = Vec::new();
        for group in &self.groups {
            let shown = group
                .show_when
                .as_ref()
                .is_none_or(|c| self.condition_holds(c, group, 0, answers));
            if !shown {
                continue;
            }
            for instance in 0..self.instances(group, answers) {
                for field in &group.fields {
                    let visible = field
                        .show_when
                        .as_ref()
                        .is_none_or(|c| self.condition_holds(c, group, instance, answers));
                    if visible {
                        out.push(Question {
                            path: Self::path(group, instance, &field.id),
                            group,
                            instance,
                            field,
                        });
                    }
                }
            }
        }
        out
    }

    /// Every problem with these answers; empty when the application can be submitted.
    /// `today` (year, month, day) bounds dates and birth dates.
    pub fn validate(&self, answers: &Answers, today: (u16, u8, u8)) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for group in &self.groups {
            if let Some(repeat) = group.repeat {
                let n = self.instances(group, answers);
                if n > repeat.max {
                    errors.push(field_error(
                        &group.id,
                        "group-too-many",
                        &[("max", repeat.max.to_string())],
                    ));
                }
            }
        }
        for q in self.questions(answers) {
            let answer = answers.get(&q.path).filter(|a| !a.is_empty());
            match answer {
                None if q.field.required => {
                    errors.push(field_error(&q.path, "field-required", &[]))
                }
                None => {}
                Some(answer) => {
                    if let Some(e) = check_answer(&q.path, &q.field.kind, answer, today) {
                        errors.push(e);
                    }
                }
            }
        }
        errors
    }

    /// The answers that count: those of questions asked (an answer to a field hidden by a later
    /// choice stays in the draft but is not submitted).
    pub fn submitted_answers(&self, answers: &Answers) -> Answers {
        self.questions(answers)
            .into_iter()
            .filter_map(|q| Some((q.path.clone(), answers.get(&q.path)?.clone())))
            .collect()
    }
}

fn parse_date(text: &str) -> Option<(u16, u8, u8)> {
    let mut parts = text.split('-');
    let y: u16 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    (d <= days[usize::from(m - 1)]).then_some((y, m, d))
}

fn check_answer(
    path: &str,
    kind: &FieldKind,
    answer: &Answer,
    today: (u16, u8, u8),
) -> Option<FieldError> {
    let wrong_type = || Some(field_error(path, "field-invalid", &[]));
    match kind {
        FieldKind::Text { max_length } => {
            let text = answer.text()?;
            (text.chars().count() > *max_length as usize)
                .then(|| field_error(path, "field-too-long", &[("max", max_length.to_string())]))
        }
        FieldKind::Address => {
            let text = answer.text()?;
            if text.chars().count() < 5 {
                Some(field_error(path, "field-address-short", &[]))
            } else if text.chars().count() > 200 {
                Some(field_error(
                    path,
                    "field-too-long",
                    &[("max", "200".into())],
                ))
            } else {
                None
            }
        }
        FieldKind::Number { min, max, integer } => {
            let Some(text) = answer.text() else {
                return wrong_type();
            };
            let Ok(n) = normalize_number(text).parse::<f64>() else {
                return Some(field_error(path, "field-number", &[]));
            };
            if !n.is_finite() || (*integer && n.fract() != 0.0) {
                return Some(field_error(path, "field-number", &[]));
            }
            if let Some(min) = min.filter(|m| n < *m) {
                return Some(field_error(
                    path,
                    "field-too-small",
                    &[("min", min.to_string())],
                ));
            }
            max.filter(|m| n > *m)
                .map(|max| field_error(path, "field-too-large", &[("max", max.to_string())]))
        }
        FieldKind::Date {
            past_only,
            future_only,
        } => {
            let Some(date) = answer.text().and_then(parse_date) else {
                return Some(field_error(path, "field-date", &[]));
            };
            if *past_only && date > today {
                Some(field_error(path, "field-date-future", &[]))
            } else if *future_only && date < today {
                Some(field_error(path, "field-date-past", &[]))
            } else {
                None
            }
        }
        FieldKind::SingleChoice { options } => {
            let Some(text) = answer.text() else {
                return wrong_type();
            };
            (!options.iter().any(|o| o.value == text))
                .then(|| field_error(path, "field-choice", &[]))
        }
        FieldKind::MultipleChoice { options } => {
            let Answer::Choices(chosen) = answer else {
                return wrong_type();
            };
            chosen
                .iter()
                .any(|c| !options.iter().any(|o| o.value == *c))
                .then(|| field_error(path, "field-choice", &[]))
        }
        FieldKind::ResidentId => check_resident_id(answer.text()?, today)
            .err()
            .map(|e| field_error(path, &format!("id-{}", e.code()), &[])),
        FieldKind::CreditCode => check_credit_code(answer.text()?)
            .err()
            .map(|e| field_error(path, &format!("credit-code-{}", e.code()), &[])),
        FieldKind::Mobile => check_mobile(answer.text()?)
            .err()
            .map(|e| field_error(path, &format!("phone-{}", e.code()), &[])),
        FieldKind::Region => {
            let text = answer.text()?;
            let ok = text.len() == 6
                && text.bytes().all(|b| b.is_ascii_digit())
                && text.as_bytes()[0] != b'0';
            (!ok).then(|| field_error(path, "field-region", &[]))
        }
        FieldKind::Material {
            later_allowed,
            certificates,
        } => match answer {
            Answer::Material(MaterialAnswer::Uploaded { .. }) => None,
            Answer::Material(MaterialAnswer::SupplyLater) if *later_allowed => None,
            Answer::Material(MaterialAnswer::FromCertificate { certificate })
                if certificates.contains(certificate) =>
            {
                None
            }
            _ => Some(field_error(path, "material-not-accepted", &[])),
        },
    }
}

fn message(id: &str) -> Label {
    Label::Message(id.to_owned())
}

fn field(id: &str, label: &str, kind: FieldKind, required: bool) -> Field {
    Field {
        id: id.to_owned(),
        label: message(label),
        hint: None,
        kind,
        required,
        show_when: None,
        prefill: None,
    }
}

/// The questions about who applies: a person, or a business and the person acting for it.
fn applicant_group(audience: Audience) -> FieldGroup {
    let mut fields = Vec::new();
    if audience == Audience::Business {
        fields.push(field(
            "company_name",
            "form-company-name",
            FieldKind::Text { max_length: 100 },
            true,
        ));
        fields.push(field(
            "credit_code",
            "form-credit-code",
            FieldKind::CreditCode,
            true,
        ));
    }
    let mut name = field(
        "name",
        "form-name",
        FieldKind::Text { max_length: 30 },
        true,
    );
    name.prefill = Some(ProfileField::Name);
    let mut id_number = field("id_number", "form-id-number", FieldKind::ResidentId, true);
    id_number.prefill = Some(ProfileField::IdNumber);
    id_number.hint = Some(message("form-id-number-hint"));
    let mut phone = field("phone", "form-phone", FieldKind::Mobile, true);
    phone.prefill = Some(ProfileField::Phone);
    let mut address = field("address", "form-address", FieldKind::Address, true);
    address.hint = Some(message("form-address-hint"));
    fields.extend([name, id_number, phone, address]);
    FieldGroup {
        id: "applicant".into(),
        title: message(if audience == Audience::Business {
            "form-group-business"
        } else {
            "form-group-applicant"
        }),
        fields,
        repeat: None,
        show_when: None,
    }
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
            id: format!("bundle:{}", bundle.id),
            groups,
        }
    }

    /// Problems with the schema itself (catalog checks): duplicate ids, conditions pointing at
    /// nothing, choices without options.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut groups = std::collections::BTreeSet::new();
        for group in &self.groups {
            if !groups.insert(&group.id) {
                out.push(format!("group {} appears twice", group.id));
            }
            if group.id.contains('.') || group.fields.is_empty() {
                out.push(format!(
                    "group {} needs an id without '.' and fields",
                    group.id
                ));
            }
            let mut fields = std::collections::BTreeSet::new();
            for f in &group.fields {
                if !fields.insert(&f.id) || f.id.contains('.') {
                    out.push(format!(
                        "field {}.{} is repeated or has a '.'",
                        group.id, f.id
                    ));
                }
                if let FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } =
                    &f.kind
                {
                    if options.is_empty() {
                        out.push(format!("field {}.{} has no options", group.id, f.id));
                    }
                }
            }
            for (owner, condition) in group
                .fields
                .iter()
                .filter_map(|f| Some((f.id.as_str(), f.show_when.as_ref()?)))
                .chain(group.show_when.as_ref().map(|c| (group.id.as_str(), c)))
            {
                let target_exists = match condition.field.split_once('.') {
                    Some((g, f)) => self
                        .groups
                        .iter()
                        .any(|x| x.id == g && x.fields.iter().any(|y| y.id == f)),
                    None => group.fields.iter().any(|y| y.id == condition.field),
                };
                if !target_exists {
                    out.push(format!(
                        "{owner} shows when {} — no such field",
                        condition.field
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (u16, u8, u8) = (2026, 11, 28);

    fn text(s: &str) -> Answer {
        Answer::Text(s.into())
    }

    fn schema() -> FormSchema {
        let yes_no = vec![
            Choice {
                value: "yes".into(),
                label: Label::Text(LocalizedText::new("是", "Yes")),
            },
            Choice {
                value: "no".into(),
                label: Label::Text(LocalizedText::new("否", "No")),
            },
        ];
        FormSchema {
            id: "test".into(),
            groups: vec![
                applicant_group(Audience::Person),
                FieldGroup {
                    id: "family".into(),
                    title: message("form-group-details"),
                    fields: vec![
                        field(
                            "married",
                            "form-request",
                            FieldKind::SingleChoice { options: yes_no },
                            true,
                        ),
                        Field {
                            show_when: Some(Condition {
                                field: "married".into(),
                                equals: "yes".into(),
                            }),
                            ..field("spouse_id", "form-id-number", FieldKind::ResidentId, true)
                        },
                        field(
                            "moved_in",
                            "form-request",
                            FieldKind::Date {
                                past_only: true,
                                future_only: false,
                            },
                            false,
                        ),
                        field(
                            "rooms",
                            "form-request",
                            FieldKind::Number {
                                min: Some(1.0),
                                max: Some(20.0),
                                integer: true,
                            },
                            false,
                        ),
                    ],
                    repeat: None,
                    show_when: None,
                },
                FieldGroup {
                    id: "children".into(),
                    title: message("form-group-details"),
                    fields: vec![field(
                        "name",
                        "form-name",
                        FieldKind::Text { max_length: 4 },
                        true,
                    )],
                    repeat: Some(Repeat { min: 1, max: 2 }),
                    show_when: Some(Condition {
                        field: "family.married".into(),
                        equals: "yes".into(),
                    }),
                },
            ],
        }
    }

    fn complete() -> Answers {
        [
            ("applicant.name", text("张三")),
            ("applicant.id_number", text("11010519491231002X")),
            ("applicant.phone", text("13800138000")),
            ("applicant.address", text("杭州市西湖区文三路 1 号")),
            ("family.married", text("no")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    fn codes(errors: &[FieldError]) -> Vec<(String, String)> {
        errors
            .iter()
            .map(|e| (e.path.clone(), e.code.clone()))
            .collect()
    }

    #[test]
    fn a_complete_form_has_no_errors_and_a_blank_one_names_every_required_field() {
        let s = schema();
        assert_eq!(s.validate(&complete(), TODAY), vec![]);
        let blank = codes(&s.validate(&Answers::new(), TODAY));
        assert!(blank.contains(&("applicant.name".into(), "field-required".into())));
        assert!(blank.contains(&("family.married".into(), "field-required".into())));
        // Hidden until married = yes: not asked, not required.
        assert!(!blank
            .iter()
            .any(|(p, _)| p.starts_with("family.spouse") || p.starts_with("children")));
    }

    #[test]
    fn conditions_show_fields_and_groups_and_hidden_answers_are_not_submitted() {
        let s = schema();
        let mut a = complete();
        a.insert("family.spouse_id".into(), text("not checked while hidden"));
        assert_eq!(s.validate(&a, TODAY), vec![]);
        assert!(!s.submitted_answers(&a).contains_key("family.spouse_id"));
        a.insert("family.married".into(), text("yes"));
        let errors = codes(&s.validate(&a, TODAY));
        assert!(
            errors.contains(&("family.spouse_id".into(), "id-length".into())),
            "{errors:?}"
        );
        assert!(
            errors.contains(&("children.0.name".into(), "field-required".into())),
            "{errors:?}"
        );
    }

    #[test]
    fn repeatable_groups_count_their_instances_and_keep_to_the_maximum() {
        let s = schema();
        let mut a = complete();
        a.insert("family.married".into(), text("yes"));
        a.insert("family.spouse_id".into(), text("11010519491231002X"));
        a.insert("children.0.name".into(), text("小明"));
        a.insert("children.1.name".into(), text("小红"));
        assert_eq!(s.validate(&a, TODAY), vec![]);
        assert_eq!(s.instances(&s.groups[2], &a), 2);
        a.insert("children.2.name".into(), text("小刚"));
        assert_eq!(
            codes(&s.validate(&a, TODAY)),
            vec![("children".into(), "group-too-many".into())]
        );
        a.insert("children.1.name".into(), text("太长的名字了"));
        let errors = s.validate(&a, TODAY);
        let long = errors.iter().find(|e| e.path == "children.1.name").unwrap();
        assert_eq!(
            (long.code.as_str(), long.params["max"].as_str()),
            ("field-too-long", "4")
        );
    }

    #[test]
    fn every_kind_checks_its_values() {
        let s = schema();
        let cases = [
            (
                "applicant.id_number",
                text("110105194912310021"),
                "id-checksum",
            ),
            ("applicant.phone", text("23800138000"), "phone-region"),
            ("applicant.address", text("杭州"), "field-address-short"),
            ("family.married", text("maybe"), "field-choice"),
            ("family.moved_in", text("2026-02-30"), "field-date"),
            ("family.moved_in", text("2027-01-01"), "field-date-future"),
            ("family.rooms", text("2.5"), "field-number"),
            ("family.rooms", text("0"), "field-too-small"),
            ("family.rooms", text("21"), "field-too-large"),
        ];
        for (path, value, code) in cases {
            let mut a = complete();
            a.insert(path.into(), value.clone());
            assert_eq!(
                codes(&s.validate(&a, TODAY)),
                vec![(path.to_owned(), code.to_owned())],
                "{path} = {value:?}"
            );
        }
        let mut a = complete();
        a.insert("family.rooms".into(), text("３"));
        a.insert("family.moved_in".into(), text("2024-02-29"));
        assert_eq!(
            s.validate(&a, TODAY),
            vec![],
            "full-width digits and a leap day are fine"
        );
    }

    #[test]
    fn materials_accept_an_upload_a_promise_only_when_allowed_and_only_their_certificates() {
        let kind = FieldKind::Material {
            later_allowed: false,
            certificates: vec!["resident-id-card".into()],
        };
        let upload = Answer::Material(MaterialAnswer::Uploaded {
            object_id: "o".into(),
            file_name: "a.jpg".into(),
            size: 1,
        });
        assert_eq!(check_answer("m", &kind, &upload, TODAY), None);
        let later = Answer::Material(MaterialAnswer::SupplyLater);
        assert_eq!(
            check_answer("m", &kind, &later, TODAY).unwrap().code,
            "material-not-accepted"
        );
        let cert = |c: &str| {
            Answer::Material(MaterialAnswer::FromCertificate {
                certificate: c.into(),
            })
        };
        assert_eq!(
            check_answer("m", &kind, &cert("resident-id-card"), TODAY),
            None
        );
        assert!(check_answer("m", &kind, &cert("driving-licence"), TODAY).is_some());
        let later_ok = FieldKind::Material {
            later_allowed: true,
            certificates: vec![],
        };
        assert_eq!(check_answer("m", &later_ok, &later, TODAY), None);
    }

    #[test]
    fn the_test_schema_is_well_formed_and_a_broken_one_is_caught() {
        assert_eq!(schema().problems(), Vec::<String>::new());
        let mut broken = schema();
        broken.groups[1].fields[1].show_when = Some(Condition {
            field: "nothing".into(),
            equals: "x".into(),
        });
        broken.groups.push(broken.groups[0].clone());
        assert_eq!(broken.problems().len(), 2, "{:?}", broken.problems());
    }
}
