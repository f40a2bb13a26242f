//! The questions of a form as a screen asks them — in the person's language, conditions applied,
//! with the current answers — and the answers as the check-answers page lists them.

use super::answers::{answer_text, answer_value, chosen_values};
use super::Words;
use crate::form::{Answers, FieldKind, FormSchema, ProfileField};

/// Which input a question needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum QuestionKind {
    Text,
    Number,
    Date,
    SingleChoice,
    MultipleChoice,
    ResidentId,
    CreditCode,
    Mobile,
    Region,
    Address,
    Material,
}

impl QuestionKind {
    pub fn of(kind: &FieldKind) -> Self {
        match kind {
            FieldKind::Text { .. } => Self::Text,
            FieldKind::Number { .. } => Self::Number,
            FieldKind::Date { .. } => Self::Date,
            FieldKind::SingleChoice { .. } => Self::SingleChoice,
            FieldKind::MultipleChoice { .. } => Self::MultipleChoice,
            FieldKind::ResidentId => Self::ResidentId,
            FieldKind::CreditCode => Self::CreditCode,
            FieldKind::Mobile => Self::Mobile,
            FieldKind::Region => Self::Region,
            FieldKind::Address => Self::Address,
            FieldKind::Material { .. } => Self::Material,
        }
    }
}

/// One option of a choice.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ChoiceView {
    pub value: String,
    pub label: String,
}

/// One question as a screen asks it, in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QuestionView {
    /// Where the answer lives (`applicant.name`, `members.1.relation`).
    pub path: String,
    /// The title of the question's group (one group per screen on phones).
    pub group: String,
    /// The group's index in the form (its page).
    pub page: u32,
    /// The instance of a repeatable group (0 otherwise).
    pub instance: u32,
    pub label: String,
    pub hint: Option<String>,
    pub kind: QuestionKind,
    pub required: bool,
    /// For choices: the options, in order.
    pub choices: Vec<ChoiceView>,
    /// For a document: it may be handed in later (容缺).
    pub later_allowed: bool,
    /// For a document: the e-certificate kind that can stand in for it (免提交).
    pub certificate: Option<String>,
    /// The current answer as data (text as typed, choices' values joined by `,`).
    pub answer: Option<String>,
    /// The current answer as the person reads it ("not answered" when there is none).
    pub display: String,
    /// For choices: the values chosen now.
    pub chosen: Vec<String>,
    /// Filled from the person's verified profile when it is one of these.
    pub prefilled_from: Option<ProfileField>,
}

/// The questions that show with these answers, in order.
pub fn questions(schema: &FormSchema, answers: &Answers, words: &Words) -> Vec<QuestionView> {
    schema
        .questions(answers)
        .into_iter()
        .map(|q| {
            let answer = answers.get(&q.path);
            let (choices, later_allowed, certificate) = match &q.field.kind {
                FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } => (
                    options
                        .iter()
                        .map(|c| ChoiceView {
                            value: c.value.clone(),
                            label: words.label(&c.label),
                        })
                        .collect(),
                    false,
                    None,
                ),
                FieldKind::Material {
                    later_allowed,
                    certificates,
                } => (Vec::new(), *later_allowed, certificates.first().cloned()),
                _ => (Vec::new(), false, None),
            };
            QuestionView {
                group: words.label(&q.group.title),
                page: schema
                    .groups
                    .iter()
                    .position(|g| g.id == q.group.id)
                    .unwrap_or(0) as u32,
                instance: q.instance,
                label: words.label(&q.field.label),
                hint: q.field.hint.as_ref().map(|h| words.label(h)),
                kind: QuestionKind::of(&q.field.kind),
                required: q.field.required,
                choices,
                later_allowed,
                certificate,
                answer: answer.map(answer_value),
                display: answer_text(Some(q.field), answer, words),
                chosen: chosen_values(answer),
                prefilled_from: q.field.prefill,
                path: q.path,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::form::Answer;

    fn catalog() -> Catalog {
        serde_json::from_str(include_str!("../../../catalog/catalog.json")).unwrap()
    }

    #[test]
    fn a_multiple_choice_reads_by_its_labels_in_the_persons_language() {
        let catalog = catalog();
        let matter = catalog
            .matters
            .iter()
            .find(|m| m.code == "330000-GA-0001")
            .unwrap();
        let schema = FormSchema::for_matter(matter);
        let answers: Answers = [
            (
                "renewal.reason".to_owned(),
                Answer::Text("info_changed".into()),
            ),
            (
                "renewal.changed_items".to_owned(),
                Answer::Choices(vec!["name".into(), "address".into()]),
            ),
        ]
        .into_iter()
        .collect();
        for (tag, expected) in [("zh-CN", "姓名、住址"), ("en", "Name, Address")] {
            let loader = crate::i18n::loader_for_tag(tag);
            let words = Words::new(&loader, tag);
            let asked = questions(&schema, &answers, &words);
            let items = asked
                .iter()
                .find(|q| q.path == "renewal.changed_items")
                .expect("the condition shows the question");
            assert_eq!(items.kind, QuestionKind::MultipleChoice);
            assert_eq!(crate::i18n::plain(items.display.clone()), expected);
            assert_eq!(items.chosen, ["name", "address"]);
            assert_eq!(items.answer.as_deref(), Some("name,address"));
            let name = asked.iter().find(|q| q.path == "applicant.name").unwrap();
            assert_eq!(name.prefilled_from, Some(ProfileField::Name));
            assert_eq!(name.page, 0);
        }
    }
}
