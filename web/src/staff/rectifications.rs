//! 整改 in the workbench: the department's follow-up of bad ratings. The list puts overdue items
//! first (a supervisor sees how many at the top); an item shows the rating, the comment and — for
//! the callback — the person's phone, then takes the callback note and the answer, which the
//! person is told of and may rate again after.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tongban_core::evaluation::{RectificationStatus, StaffRectification};

use crate::account::error_text;
use crate::format::date_time;
use crate::i18n::loader;
use crate::store::api;
use crate::t;

fn status_badge(item: &StaffRectification) -> impl IntoView {
    let r = &item.rectification;
    let class = if r.overdue {
        "badge badge-error"
    } else if r.status.is_open() {
        "badge badge-later"
    } else {
        "badge badge-ok"
    };
    view! {
        <span class=class>{loader().get(r.status.message_id())}</span>
        {r.overdue.then(|| view! { " " <span class="badge badge-error">{t!("rectification-overdue")}</span> })}
    }
}

#[component]
pub fn Rectifications() -> impl IntoView {
    let list = LocalResource::new(|| async { api().staff_rectifications().await });
    let supervisor = super::session::use_staff()
        .me
        .get_untracked()
        .and_then(|r| r.ok())
        .is_some_and(|me| me.role.supervises());
    view! {
        <h1>{t!("workbench-rectifications")}</h1>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! {
                        <p class="intro">{t!("workbench-rectifications-intro", callback = list.rules.callback_days, answer = list.rules.answer_days)}</p>
                        {(list.overdue > 0).then(|| {
                            let class = if supervisor { "notice notice-error rectifications-overdue" } else { "notice rectifications-overdue" };
                            view! { <p class=class role="status">{t!("workbench-rectifications-overdue", count = list.overdue)}</p> }
                        })}
                        {if list.items.is_empty() {
                            view! { <p>{t!("workbench-rectifications-empty")}</p> }.into_any()
                        } else {
                            view! {
                                <table class="bench-table rectification-list">
                                    <thead><tr>
                                        <th scope="col">{t!("workbench-col-receipt")}</th>
                                        <th scope="col">{t!("evaluation-overall")}</th>
                                        <th scope="col">{t!("workbench-col-status")}</th>
                                        <th scope="col">{t!("rectification-answer-by")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.items.into_iter().map(|i| view! {
                                            <tr>
                                                <td><a href=format!("/staff/rectifications/{}", i.rectification.id)>{i.reference.clone()}</a></td>
                                                <td>{loader().get(i.overall.message_id())}</td>
                                                <td>{status_badge(&i)}</td>
                                                <td>{i.rectification.answer_by.clone()}</td>
                                            </tr>
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
pub fn RectificationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let item = RwSignal::new(None::<Result<StaffRectification, tongban_core::ApiError>>);
    Effect::new(move |_| {
        let id = id();
        leptos::task::spawn_local(
            async move { item.set(Some(api().staff_rectification(&id).await)) },
        );
    });
    view! {
        <p><a href="/staff/rectifications">{t!("workbench-rectifications")}</a></p>
        {move || match item.get() {
            None => view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
            Some(Ok(i)) => view! { <Item item=i on_change=move |i| item.set(Some(Ok(i)))/> }.into_any(),
        }}
    }
}

#[component]
fn Item(
    item: StaffRectification,
    on_change: impl Fn(StaffRectification) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let r = item.rectification.clone();
    let id = StoredValue::new(r.id.clone());
    let text = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let step = move |answer: bool| {
        let body = text.get_untracked();
        leptos::task::spawn_local(async move {
            let id = id.get_value();
            let done = if answer {
                api().staff_rectification_answer(&id, &body).await
            } else {
                api().staff_rectification_callback(&id, &body).await
            };
            match done {
                Ok(i) => {
                    text.set(String::new());
                    notice.set(None);
                    on_change(i)
                }
                Err(tongban_core::ApiError::Validation { fields, .. }) if !fields.is_empty() => {
                    notice.set(Some(crate::apply::field_message(&fields[0])))
                }
                Err(e) => notice.set(Some(error_text(&e))),
            }
        });
    };
    let open = r.status.is_open();
    let called = r.status == RectificationStatus::CalledBack;
    let indicators = item
        .indicators
        .iter()
        .map(|i| view! { <li>{loader().get(i.indicator.message_id())}": "{loader().get(i.level.message_id())}</li> })
        .collect_view();
    view! {
        <h1>{t!("workbench-rectification-heading", reference = item.reference.clone())}</h1>
        <section class="card" aria-labelledby="rating-heading">
            <h2 id="rating-heading">{t!("evaluation-heading")}</h2>
            <p>{status_badge(&item)}</p>
            <dl class="check-answers">
                <div class="check-row"><dt>{t!("evaluation-overall")}</dt><dd class="rectification-level">{loader().get(item.overall.message_id())}</dd></div>
                <div class="check-row"><dt>{t!("evaluation-comment")}</dt><dd class="rectification-comment">{item.comment.clone()}</dd></div>
                <div class="check-row"><dt>{t!("workbench-rectification-person")}</dt><dd>{item.person.clone()}" "{item.phone.clone().map(|p| view! { <a href=format!("tel:{p}")>{p.clone()}</a> })}</dd></div>
                <div class="check-row"><dt>{t!("workbench-rectification-rated-at")}</dt><dd>{date_time(item.rated_at)}</dd></div>
                <div class="check-row"><dt>{t!("rectification-deadlines-label")}</dt><dd>{t!("rectification-deadlines", callback = r.callback_by.clone(), answer = r.answer_by.clone())}</dd></div>
            </dl>
            <ul class="plain-list">{indicators}</ul>
            {item.application_id.clone().map(|_| view! { <p class="hint">{t!("workbench-rectification-find-case")}</p> })}
        </section>
        {item.callback_note.clone().map(|n| view! { <section class="card"><h2>{t!("workbench-rectification-callback-done")}</h2><p>{n}</p></section> })}
        {r.answer.clone().map(|a| view! {
            <section class="card"><h2>{t!("rectification-answer-label")}</h2><p class="rectification-answer">{a}</p>
            {item.answered_by.clone().map(|who| view! { <p class="hint">{who}</p> })}</section>
        })}
        {open.then(|| view! {
            <section class="card" aria-labelledby="handle-heading">
                <h2 id="handle-heading">{t!("workbench-rectification-handle")}</h2>
                <div class="form-field">
                    <label for="rectification-text">{if called { t!("workbench-rectification-answer-text") } else { t!("workbench-rectification-text") }}</label>
                    <textarea id="rectification-text" rows="4" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </div>
                {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
                <p class="actions">
                    {(!called).then(|| view! {
                        <button type="button" class="button button-secondary rectification-callback" on:click=move |_| step(false)>{t!("workbench-rectification-callback")}</button>
                    })}
                    <button type="button" class="button rectification-answer-send" on:click=move |_| step(true)>{t!("workbench-rectification-answer")}</button>
                </p>
            </section>
        })}
    }
}
