//! Filling a new draft from what the person's account already knows (name, ID number, phone),
//! so they are never asked again (WCAG 3.3.7); the screens say where each value came from.

use crate::auth::Profile;
use crate::form::{Answers, FormSchema, ProfileField};

/// The answers a profile gives this form, for the questions not answered yet.
pub fn prefill(
    schema: &FormSchema,
    profile: &Profile,
    answered: &Answers,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for group in &schema.groups {
        for field in &group.fields {
            let value = match field.prefill {
                Some(ProfileField::Name) => profile.name.clone(),
                Some(ProfileField::IdNumber) => profile.id_number.clone(),
                Some(ProfileField::Phone) => Some(profile.phone.clone()),
                None => None,
            };
            let path = FormSchema::path(group, 0, &field.id);
            if let Some(value) = value.filter(|_| !answered.contains_key(&path)) {
                out.push((path, value));
            }
        }
    }
    out
}
