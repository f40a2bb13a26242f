//! Declaring a minor child (监护) on the web: the child's name and ID number; the app answers with
//! a code to show at any hall with the household register. Once staff confirm it, the child
//! appears among the mandates received, to act for like any other (`acting.rs`).

use leptos::prelude::*;
use tongban_core::mandate::NewGuardianship;
use tongban_core::ApiError;

use super::{error_text, TextField};
use crate::store::api;
use crate::t;

#[component]
pub(super) fn GuardianForm(on_done: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let number_error = RwSignal::new(None::<String>);
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
                    name.set(String::new());
                    number.set(String::new());
                    on_done();
                }
                Err(e) => {
                    let on_name = matches!(&e, ApiError::Validation { fields, .. }
                        if fields.first().is_some_and(|f| f.path == "child_name"));
                    let field = if on_name { name_error } else { number_error };
                    field.set(Some(error_text(&e)));
                }
            }
        });
    };
    view! {
        <details class="card guardian-declare">
            <summary>{t!("guardians-title")}</summary>
            <form on:submit=submit>
                <p class="hint">{t!("guardians-intro")}</p>
                <TextField id="guardian-child_name" label=t!("guardians-child-name") value=name error=name_error maxlength=30/>
                <TextField id="guardian-child_id_number" label=t!("guardians-child-id") value=number error=number_error maxlength=18/>
                <button type="submit" class="button guardian-submit">{t!("guardians-declare")}</button>
            </form>
        </details>
    }
}
