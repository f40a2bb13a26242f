//! What every form is built from: labels from messages, plain fields, and the questions about who
//! applies, which every matter's form starts with.

use super::schema::{Field, FieldGroup, FieldKind, Label, ProfileField};
use crate::model::Audience;

pub(crate) fn message(id: &str) -> Label {
    Label::Message(id.to_owned())
}

pub(crate) fn field(id: &str, label: &str, kind: FieldKind, required: bool) -> Field {
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
pub(crate) fn applicant_group(audience: Audience) -> FieldGroup {
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
