//! An answer as the person reads it: choices by their labels (joined the way the language lists
//! things), documents by what was done with them, blanks as "not answered".

use super::Words;
use crate::form::{Answer, Field, FieldKind, MaterialAnswer};

/// An answer as text for the check-answers page, the application page and native screens; with
/// its `field`, choices read by their labels (values unknown to the field are shown as they are).
pub fn answer_text(field: Option<&Field>, answer: Option<&Answer>, words: &Words) -> String {
    let options = match field.map(|f| &f.kind) {
        Some(FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options }) => {
            Some(options)
        }
        _ => None,
    };
    let name = |value: &str| {
        options
            .and_then(|o| o.iter().find(|c| c.value == value))
            .map(|c| words.label(&c.label))
            .unwrap_or_else(|| value.to_owned())
    };
    match answer {
        None => words.message("apply-not-answered"),
        Some(a) if a.is_empty() => words.message("apply-not-answered"),
        Some(Answer::Text(t)) if options.is_some() => name(t.trim()),
        Some(Answer::Text(t)) => t.clone(),
        Some(Answer::Choices(values)) => values
            .iter()
            .map(|v| name(v))
            .collect::<Vec<_>>()
            .join(&words.message("answer-list-separator")),
        Some(Answer::Material(MaterialAnswer::Uploaded { file_name, .. })) => {
            words.message_with("material-uploaded", "name", file_name.clone())
        }
        Some(Answer::Material(MaterialAnswer::SupplyLater)) => words.message("material-later"),
        Some(Answer::Material(MaterialAnswer::FromCertificate { .. })) => {
            words.message("material-from-certificate")
        }
    }
}

/// The values chosen in a choice answer (a single choice is one value).
pub fn chosen_values(answer: Option<&Answer>) -> Vec<String> {
    match answer {
        Some(Answer::Choices(values)) => values.clone(),
        Some(Answer::Text(value)) if !value.trim().is_empty() => vec![value.trim().to_owned()],
        _ => Vec::new(),
    }
}

/// An answer as data for a native shell: text as typed, choices' values joined by `,`, a
/// document by its file name (or `supply-later`, or the certificate's kind).
pub fn answer_value(answer: &Answer) -> String {
    match answer {
        Answer::Text(t) => t.clone(),
        Answer::Choices(c) => c.join(","),
        Answer::Material(MaterialAnswer::Uploaded { file_name, .. }) => file_name.clone(),
        Answer::Material(MaterialAnswer::SupplyLater) => "supply-later".into(),
        Answer::Material(MaterialAnswer::FromCertificate { certificate, .. }) => {
            certificate.clone()
        }
    }
}
