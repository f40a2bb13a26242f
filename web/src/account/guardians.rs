//! Declaring a minor child (监护) on the web: the child's name and ID number; the app answers with
//! a code to show at any hall with the household register. Once staff confirm it, the child
//! appears among the mandates received, to act for like any other (`acting.rs`).

use leptos::prelude::*;
use tongban_core::mandate::NewGuardianship;
use tongban_core::ApiError;

use super::error_text;
use crate::store::api;
use crate::t;

#[component]
pub(super) fn GuardianForm(on_done: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let error = RwSignal::new(None::<(String, String)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewGuardianship {
            child_name: name.get_untracked().trim().to_owned(),
            child_id_number: number.get_untracked().trim().to_owned(),
        };
        let on_done = on_done.clone();
        leptos::task::spawn_local(async move {
            match api().declare_guardianship(&new).await {
                Ok(_) => {
                    error.set(None);
                    name.set(String::new());
                    number.set(String::new());
                    on_done();
                }
                Err(e) => {
                    let field = match &e {
                        ApiError::Validation { fields, .. } => fields
                            .first()
                            .map(|f| f.path.clone())
                            .unwrap_or_else(|| "child_id_number".into()),
                        _ => "child_id_number".into(),
                    };
                    error.set(Some((field, error_text(&e))));
                }
            }
        });
    };
    let field_error = move |field: &'static str| {
        move || {
            error.get().filter(|(f, _)| f == field).map(|(_, m)| {
                view! { <p class="field-error" id=format!("guardian-{field}-error") role="alert">{m}</p> }
            })
        }
    };
    let described = move |field: &'static str| {
        move || {
            error
                .get()
                .filter(|(f, _)| f == field)
                .map(|_| format!("guardian-{field}-error"))
        }
    };
    view! {
        <details class="card guardian-declare">
            <summary>{t!("guardians-title")}</summary>
            <form on:submit=submit>
                <p class="hint">{t!("guardians-intro")}</p>
                <div class="form-field">
                    <label for="guardian-child_name">{t!("guardians-child-name")}</label>
                    <input id="guardian-child_name" type="text" autocomplete="off" maxlength="30"
                        aria-describedby=described("child_name")
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    {field_error("child_name")}
                </div>
                <div class="form-field">
                    <label for="guardian-child_id_number">{t!("guardians-child-id")}</label>
                    <input id="guardian-child_id_number" type="text" autocomplete="off" maxlength="18"
                        aria-describedby=described("child_id_number")
                        prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev))/>
                    {field_error("child_id_number")}
                </div>
                <button type="submit" class="button guardian-submit">{t!("guardians-declare")}</button>
            </form>
        </details>
    }
}
