//! One question's input: label, hint, error, and the control its kind needs. Every keystroke and
//! choice is recorded on the device at once (`Drafts::record_answer`); no timer belongs to a field.

use leptos::prelude::*;
use tongban_core::form::{Answer, Field, FieldKind, ProfileField};
use tongban_core::FieldError;

use super::material::MaterialInput;
use super::{field_dom_id, field_message, label, text_of};
use crate::sync::{use_drafts, Fold};
use crate::t;

fn value_attr(v: &str) -> String {
    v.to_owned()
}

/// One question: its label, hint, error and the control its kind needs. Typing is committed to
/// the draft after a short pause or on leaving the field.
#[component]
pub(super) fn FieldInput(
    draft_id: String,
    path: String,
    field: Field,
    value: Signal<Option<Answer>>,
    errors: RwSignal<Vec<FieldError>>,
    prefilled: RwSignal<Vec<String>>,
) -> impl IntoView {
    let drafts = use_drafts();
    let id = field_dom_id(&path);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = {
        let path = path.clone();
        Memo::new(move |_| {
            errors.with(|list| list.iter().find(|e| e.path == path).map(field_message))
        })
    };
    // Every answer is on the device before the handler returns (the journal); a choice or a
    // finished field becomes an outbox entry at once, typing after a pause. No timer belongs to
    // the field, so nothing outlives it.
    let record = {
        let draft_id = draft_id.clone();
        let path = path.clone();
        move |answer: Option<Answer>, fold: Fold| {
            errors.update(|list| list.retain(|e| e.path != path));
            drafts.record_answer(&draft_id, &path, answer, fold);
        }
    };
    let commit = {
        let record = record.clone();
        move |answer: Option<Answer>| record(answer, Fold::Now)
    };
    let typed = {
        let record = record.clone();
        move |text: String| {
            let answer = (!text.is_empty()).then_some(Answer::Text(text));
            record(answer, Fold::AfterPause)
        }
    };
    let described = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            if error.get().is_some() {
                format!("{error_id} {hint_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    let invalid = move || error.get().is_some().to_string();
    let is_prefilled = {
        let path = path.clone();
        move || prefilled.with(|p| p.contains(&path))
    };
    let required = field.required;
    let label_text = label(&field.label);
    let hint = field.hint.as_ref().map(label);
    let text = move || value.with(text_of);
    let control = match &field.kind {
        FieldKind::SingleChoice { options } => {
            let name = id.clone();
            return view! {
                <fieldset class="form-field choice-field" id=id.clone() aria-describedby=described aria-invalid=invalid>
                    <legend>{label_text}{(!required).then(|| view! { " " <span class="muted">{t!("apply-optional")}</span> })}</legend>
                    {hint.map(|h| view! { <p id=hint_id.clone() class="hint">{h}</p> })}
                    {move || error.get().map(|e| view! { <p id=error_id.clone() class="field-error">{e}</p> })}
                    {options.iter().enumerate().map(|(i, o)| {
                        let value_of = o.value.clone();
                        let option_value = o.value.clone();
                        let commit = commit.clone();
                        let option_id = format!("{name}-{i}");
                        let label_for = option_id.clone();
                        view! {
                            <label class="choice" for=label_for>
                                <input
                                    type="radio"
                                    id=option_id
                                    name=name.clone()
                                    value=value_attr(&value_of)
                                    prop:checked=move || text() == value_of
                                    on:change=move |_| commit(Some(Answer::Text(option_value.clone())))
                                />
                                <span>{label(&o.label)}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
            .into_any();
        }
        FieldKind::MultipleChoice { options } => {
            let chosen: Vec<String> = match value.get_untracked() {
                Some(Answer::Choices(c)) => c,
                _ => Vec::new(),
            };
            let selected = StoredValue::new(chosen.clone());
            return view! {
                <fieldset class="form-field choice-field" id=id.clone() aria-describedby=described aria-invalid=invalid>
                    <legend>{label_text}</legend>
                    {hint.map(|h| view! { <p id=hint_id.clone() class="hint">{h}</p> })}
                    {move || error.get().map(|e| view! { <p id=error_id.clone() class="field-error">{e}</p> })}
                    {options.iter().enumerate().map(|(i, o)| {
                        let value = o.value.clone();
                        let commit = commit.clone();
                        let option_id = format!("{id}-{i}");
                        let label_for = option_id.clone();
                        view! {
                            <label class="choice" for=label_for>
                                <input
                                    type="checkbox"
                                    id=option_id
                                    checked=chosen.contains(&value)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        selected.update_value(|s| {
                                            s.retain(|v| *v != value);
                                            if on { s.push(value.clone()); }
                                        });
                                        let now = selected.get_value();
                                        commit((!now.is_empty()).then_some(Answer::Choices(now)));
                                    }
                                />
                                <span>{label(&o.label)}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
            .into_any();
        }
        FieldKind::Material {
            later_allowed,
            certificates,
        } => {
            return view! {
                <MaterialInput
                    id=id.clone()
                    label_text=label_text
                    hint=hint
                    value=value
                    later_allowed=*later_allowed
                    certificates=certificates.clone()
                    draft_id=Some(draft_id.clone())
                    error=error
                    commit=commit.clone()
                />
            }
            .into_any();
        }
        FieldKind::Address => {
            let typed = typed.clone();
            let commit = commit.clone();
            view! {
                <textarea
                    id=id.clone()
                    rows="3"
                    autocomplete="street-address"
                    aria-invalid=invalid
                    aria-describedby=described
                    on:input=move |ev| typed(event_target_value(&ev))
                    on:change=move |ev| { let v = event_target_value(&ev); commit((!v.is_empty()).then_some(Answer::Text(v))); }
                    prop:value=text
                ></textarea>
            }
            .into_any()
        }
        kind => {
            let (input_type, inputmode, autocomplete, maxlength) = match kind {
                FieldKind::Number { .. } => ("text", "decimal", "off", None),
                FieldKind::Date { .. } => ("date", "text", "off", None),
                FieldKind::ResidentId => ("text", "text", "off", Some(18)),
                FieldKind::CreditCode => ("text", "text", "off", Some(18)),
                FieldKind::Mobile => ("tel", "tel", "tel-national", Some(14)),
                FieldKind::Region => ("text", "numeric", "off", Some(6)),
                _ => (
                    "text",
                    "text",
                    if field.prefill == Some(ProfileField::Name) {
                        "name"
                    } else {
                        "off"
                    },
                    None,
                ),
            };
            let typed = typed.clone();
            let commit = commit.clone();
            view! {
                <input
                    id=id.clone()
                    type=input_type
                    inputmode=inputmode
                    autocomplete=autocomplete
                    maxlength=maxlength
                    aria-invalid=invalid
                    aria-describedby=described
                    prop:value=text
                    on:input=move |ev| typed(event_target_value(&ev))
                    on:change=move |ev| { let v = event_target_value(&ev); commit((!v.is_empty()).then_some(Answer::Text(v))); }
                />
            }
            .into_any()
        }
    };
    view! {
        <div class="form-field">
            <label for=id.clone()>{label_text}{(!required).then(|| view! { " " <span class="muted">{t!("apply-optional")}</span> })}</label>
            <p id=hint_id.clone() class="hint">
                {hint.clone()}
                {move || is_prefilled().then(|| view! { " " <span class="source">{t!("apply-prefilled")}</span> })}
            </p>
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="field-error">{e}</p> })}
            {control}
        </div>
    }
    .into_any()
}
