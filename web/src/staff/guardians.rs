//! Confirming a guardian (监护) at the hall: the parent shows the code the app gave them and the
//! household register; the clerk finds the declaration by the code, checks it against the paper
//! and confirms. From then on the parent acts for the child in the app.

use leptos::prelude::*;
use tongban_core::mandate::{GuardianshipCheck, MandateStatus};

use crate::account::error_text;
use crate::store::api;
use crate::t;

#[component]
pub fn Guardians() -> impl IntoView {
    let code = RwSignal::new(String::new());
    let found = RwSignal::new(None::<GuardianshipCheck>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let find = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = code.get_untracked().trim().to_owned();
        if c.is_empty() {
            return;
        }
        notice.set(None);
        found.set(None);
        leptos::task::spawn_local(async move {
            match api().staff_guardianship(&c).await {
                Ok(check) => found.set(Some(check)),
                Err(e) => notice.set(Some((false, error_text(&e)))),
            }
        });
    };
    let confirm = move |_| {
        let c = code.get_untracked().trim().to_owned();
        leptos::task::spawn_local(async move {
            match api().staff_confirm_guardianship(&c).await {
                Ok(check) => {
                    found.set(Some(check));
                    notice.set(Some((true, t!("workbench-guardian-confirmed"))));
                    code.set(String::new());
                }
                Err(e) => notice.set(Some((false, error_text(&e)))),
            }
        });
    };
    view! {
        <h1>{t!("workbench-guardians")}</h1>
        <p class="intro">{t!("workbench-guardians-intro")}</p>
        <form class="card guardian-find" on:submit=find>
            <div class="form-field">
                <label for="guardian-code">{t!("workbench-guardian-code")}</label>
                <input id="guardian-code" type="text" inputmode="numeric" autocomplete="off" maxlength="8"
                    prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class="button">{t!("workbench-guardian-find")}</button>
        </form>
        {move || notice.get().map(|(ok, text)| {
            let class = if ok { "notice notice-info" } else { "notice notice-error" };
            view! { <p class=class role="status">{text}</p> }
        })}
        {move || found.get().map(|g| {
            let waiting = g.status == MandateStatus::Offered;
            view! {
                <section class="card guardian-check" aria-labelledby="guardian-check">
                    <h2 id="guardian-check">{t!("workbench-guardian-check-heading")}</h2>
                    <p>{t!("workbench-guardian-check", guardian = g.guardian.clone(), child = g.child.clone(), born = g.child_born.to_string(), until = g.until.to_string())}</p>
                    {waiting.then(|| view! {
                        <button type="button" class="button guardian-confirm" on:click=confirm>{t!("workbench-guardian-confirm")}</button>
                    })}
                </section>
            }
        })}
    }
}
