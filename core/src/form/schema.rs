//! What an application asks (`FormSchema`: groups of fields, conditions, repeatable groups) and
//! the answers (`Answers`).
//!
//! Answers are a flat map from a field's path to its value: `applicant.name`, or
//! `members.1.name` inside a repeatable group. Flat paths let two devices' edits to different
//! fields merge, and a conflict name exactly one field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::LocalizedText;

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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
        #[serde(deserialize_with = "crate::whole::u64")]
        size: u64,
    },
    /// 容缺: promised, to be supplied after acceptance.
    SupplyLater,
    /// 免提交: an e-certificate of this kind stands in for the document — presented from the
    /// wallet (an SD-JWT VC presentation for this draft), and once submitted, what the server
    /// verified of it.
    FromCertificate {
        certificate: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        presentation: Option<String>,
        /// Set by the server at submission (anything sent here is replaced).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        verified: Option<VerifiedCertificate>,
    },
}

/// What the server verified of a certificate used instead of a document (免提交): who issued
/// it, the claims it disclosed, and when it was checked against its issuer's key and status
/// list. The department relies on this instead of a photo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifiedCertificate {
    pub issuer: crate::catalog::DepartmentRef,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub claims: serde_json::Map<String, serde_json::Value>,
    #[serde(deserialize_with = "crate::whole::i64")]
    pub checked_at: i64,
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
    /// Blank text or no choice: the same as not answered.
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Text(t) => t.trim().is_empty(),
            Self::Choices(c) => c.is_empty(),
            Self::Material(_) => false,
        }
    }

    /// The text of a text answer, trimmed.
    pub fn text(&self) -> Option<&str> {
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

    /// The answers that count: those of questions asked (an answer to a field hidden by a later
    /// choice stays in the draft but is not submitted).
    pub fn submitted_answers(&self, answers: &Answers) -> Answers {
        self.questions(answers)
            .into_iter()
            .filter_map(|q| Some((q.path.clone(), answers.get(&q.path)?.clone())))
            .collect()
    }
}
