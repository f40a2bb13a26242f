//! The person's questions to departments (我的咨询): each thread with the department's answers,
//! and asking again on it.

use leptos::prelude::*;
use tongban_core::consultation::{Author, Consultation};

use super::{local, ErrorNotice};
use crate::account::error_text;
use crate::apply::NeedsAccount;
use crate::format::date_time;
use crate::store::api;
use crate::t;

#[component]
pub fn ConsultationsPage() -> impl IntoView {
    view! { <NeedsAccount><Consultations/></NeedsAccount> }
}

#[component]
fn Consultations() -> impl IntoView {
    let (attempt, set_attempt) = signal(0u32);
    let list = LocalResource::new(move || {
        attempt.track();
        async move { api().consultations().await }
    });
    view! {
        <h1>{t!("consultations-title")}</h1>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.items.is_empty() => view! { <p class="intro">{t!("consultations-empty")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="plain-list consultations">
                            {list.items.into_iter().map(|c| view! { <Thread consultation=c/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error=error on_retry=move || set_attempt.update(|n| *n += 1)/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Thread(consultation: Consultation) -> impl IntoView {
    let thread = RwSignal::new(consultation);
    let text = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let field_id = format!("again-{}", thread.get_untracked().id);
    let label_for = field_id.clone();
    let again = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = thread.get_untracked().id;
        let body = text.get_untracked();
        leptos::task::spawn_local(async move {
            match api().ask_again(&id, &body).await {
                Ok(c) => {
                    thread.set(c);
                    text.set(String::new());
                    notice.set(None);
                }
                Err(tongban_core::ApiError::Validation { fields, .. }) if !fields.is_empty() => {
                    notice.set(Some(crate::apply::field_message(&fields[0])))
                }
                Err(e) => notice.set(Some(error_text(&e))),
            }
        });
    };
    view! {
        <li class="card consultation" id=move || thread.get().id>
            {move || {
                let c = thread.get();
                view! {
                    <h2>{local(&c.matter_name)}</h2>
                    <p class="hint">{local(&c.department.name)}" · "
                        {if c.answered { t!("consultation-answered") } else { t!("consultation-waiting", date = c.answer_by.clone().unwrap_or_default()) }}
                    </p>
                    <ol class="plain-list posts">
                        {c.posts.iter().map(|p| {
                            let who = match p.author { Author::Person => t!("consultation-me"), Author::Department => local(&c.department.name) };
                            let class = match p.author { Author::Person => "post post-person", Author::Department => "post post-department" };
                            view! { <li class=class><p class="hint">{who}" · "{date_time(p.at)}</p><p class="post-text">{p.text.clone()}</p></li> }
                        }).collect_view()}
                    </ol>
                }
            }}
            <form on:submit=again novalidate>
                <div class="form-field">
                    <label for=label_for>{t!("consultation-ask-again")}</label>
                    <textarea id=field_id rows="2" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </div>
                {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
                <button type="submit" class="button button-secondary">{t!("consultation-send")}</button>
            </form>
        </li>
    }
}
