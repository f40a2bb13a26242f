//! 在线咨询 in the workbench: the department's questions, waiting ones first (overdue first), with
//! how fast the department answers; a question with its thread, the answer box, and turning a
//! good answer into a FAQ entry of the matter's guide for everyone.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tongban_core::consultation::{Author, NewFaq, StaffConsultation};
use tongban_core::LocalizedText;

use super::local;
use crate::account::error_text;
use crate::format::date_time;
use crate::store::api;
use crate::t;

fn state_badge(item: &StaffConsultation) -> impl IntoView {
    let (class, text) = if item.overdue {
        ("badge badge-error", t!("due-overdue"))
    } else if item.consultation.answered {
        ("badge badge-ok", t!("consultation-answered"))
    } else {
        (
            "badge badge-later",
            t!(
                "consultation-waiting",
                date = item.consultation.answer_by.clone().unwrap_or_default()
            ),
        )
    };
    view! { <span class=class>{text}</span> }
}

#[component]
pub fn Consultations() -> impl IntoView {
    let list = LocalResource::new(|| async { api().staff_consultations().await });
    view! {
        <h1>{t!("workbench-consultations")}</h1>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! {
                        <dl class="bench-figures" id="consultation-figures">
                            <div><dt>{t!("workbench-consultations-waiting")}</dt><dd>{list.waiting}</dd></div>
                            <div><dt>{t!("workbench-filter-overdue")}</dt><dd class="consultations-overdue">{list.overdue}</dd></div>
                            <div><dt>{t!("workbench-consultations-median")}</dt><dd>{list.median_hours_to_answer.map_or_else(|| "—".to_owned(), |h| t!("workbench-hours", hours = h.to_string()))}</dd></div>
                        </dl>
                        <p class="hint">{t!("workbench-consultations-rule", days = list.answer_days)}</p>
                        {if list.items.is_empty() {
                            view! { <p>{t!("workbench-consultations-empty")}</p> }.into_any()
                        } else {
                            view! {
                                <table class="bench-table consultation-list">
                                    <thead><tr>
                                        <th scope="col">{t!("workbench-consultations-question")}</th>
                                        <th scope="col">{t!("workbench-consultations-matter")}</th>
                                        <th scope="col">{t!("workbench-col-status")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.items.into_iter().map(|i| {
                                            let first: String = i.consultation.posts.first().map(|p| p.text.chars().take(40).collect()).unwrap_or_default();
                                            view! {
                                                <tr>
                                                    <td><a href=format!("/staff/consultations/{}", i.consultation.id)>{first}</a></td>
                                                    <td>{local(&i.consultation.matter_name)}</td>
                                                    <td>{state_badge(&i)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any(),
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ConsultationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let item = RwSignal::new(None::<Result<StaffConsultation, tongban_core::ApiError>>);
    Effect::new(move |_| {
        let id = id();
        leptos::task::spawn_local(
            async move { item.set(Some(api().staff_consultation(&id).await)) },
        );
    });
    view! {
        <p><a href="/staff/consultations">{t!("workbench-consultations")}</a></p>
        {move || match item.get() {
            None => view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
            Some(Ok(i)) => view! { <Thread item=i on_change=move |i| item.set(Some(Ok(i)))/> }.into_any(),
        }}
    }
}

#[component]
fn Thread(
    item: StaffConsultation,
    on_change: impl Fn(StaffConsultation) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let c = item.consultation.clone();
    let id = StoredValue::new(c.id.clone());
    let answer = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let first_question = c
        .posts
        .iter()
        .find(|p| p.author == Author::Person)
        .map(|p| p.text.clone())
        .unwrap_or_default();
    let last_answer = c
        .posts
        .iter()
        .rev()
        .find(|p| p.author == Author::Department)
        .map(|p| p.text.clone())
        .unwrap_or_default();
    let faq_q = RwSignal::new(first_question);
    let faq_q_en = RwSignal::new(String::new());
    let faq_a = RwSignal::new(last_answer);
    let faq_a_en = RwSignal::new(String::new());
    let show = move |e: tongban_core::ApiError| match e {
        tongban_core::ApiError::Validation { fields, .. } if !fields.is_empty() => {
            notice.set(Some(crate::apply::field_message(&fields[0])))
        }
        e => notice.set(Some(error_text(&e))),
    };
    let send_answer = move |_| {
        let text = answer.get_untracked();
        leptos::task::spawn_local(async move {
            match api()
                .staff_answer_consultation(&id.get_value(), &text)
                .await
            {
                Ok(i) => {
                    answer.set(String::new());
                    notice.set(None);
                    on_change(i)
                }
                Err(e) => show(e),
            }
        });
    };
    let send_faq = move |_| {
        let en = |s: String| if s.trim().is_empty() { None } else { Some(s) };
        let faq = NewFaq {
            question: LocalizedText {
                zh: faq_q.get_untracked(),
                en: en(faq_q_en.get_untracked()),
            },
            answer: LocalizedText {
                zh: faq_a.get_untracked(),
                en: en(faq_a_en.get_untracked()),
            },
        };
        leptos::task::spawn_local(async move {
            match api().staff_consultation_faq(&id.get_value(), &faq).await {
                Ok(i) => {
                    notice.set(None);
                    on_change(i)
                }
                Err(e) => show(e),
            }
        });
    };
    let field = |id: &'static str, label: String, value: RwSignal<String>| {
        view! {
            <div class="form-field">
                <label for=id>{label}</label>
                <textarea id=id rows="2" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
            </div>
        }
    };
    let can_faq = c.answered && !item.in_faq;
    view! {
        <h1>{local(&c.matter_name)}</h1>
        <p>{state_badge(&item)}{item.receipt.clone().map(|r| view! { " " <span class="hint">{t!("workbench-consultations-receipt", receipt = r)}</span> })}</p>
        <ol class="plain-list posts">
            {c.posts.iter().map(|p| {
                let who = match p.author { Author::Person => t!("workbench-consultations-person"), Author::Department => local(&c.department.name) };
                view! { <li class="card post"><p class="hint">{who}" · "{date_time(p.at)}</p><p class="post-text">{p.text.clone()}</p></li> }
            }).collect_view()}
        </ol>
        <section class="card" aria-labelledby="answer-heading">
            <h2 id="answer-heading">{t!("workbench-consultations-answer")}</h2>
            {field("consultation-answer-text", t!("workbench-consultations-answer-label"), answer)}
            <p class="actions"><button type="button" class="button consultation-answer-send" on:click=send_answer>{t!("workbench-consultations-answer-send")}</button></p>
        </section>
        {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
        {item.in_faq.then(|| view! { <p class="notice notice-info consultation-in-faq">{t!("workbench-consultations-in-faq")}</p> })}
        {can_faq.then(|| view! {
            <section class="card" aria-labelledby="faq-heading">
                <h2 id="faq-heading">{t!("workbench-consultations-faq")}</h2>
                <p class="hint">{t!("workbench-consultations-faq-hint")}</p>
                {field("faq-question", t!("workbench-consultations-faq-question"), faq_q)}
                {field("faq-question-en", t!("workbench-consultations-faq-question-en"), faq_q_en)}
                {field("faq-answer", t!("workbench-consultations-faq-answer"), faq_a)}
                {field("faq-answer-en", t!("workbench-consultations-faq-answer-en"), faq_a_en)}
                <p class="actions"><button type="button" class="button button-secondary consultation-faq-send" on:click=send_faq>{t!("workbench-consultations-faq-send")}</button></p>
            </section>
        })}
    }
}
