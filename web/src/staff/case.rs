//! One case as its department works it: what it is and where it stands, the moves this staff
//! member may make (with what to tell the person, the answers to give again for a supplement,
//! the reason for a refusal), the supervisor's reassigning, the department's part of the answers,
//! the documents opened in place, and the case's steps.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tongban_core::application::{ApplicationStatus, TimelineEvent};
use tongban_core::case::{
    reject_reason_message_id, CaseDocument, CaseMove, StaffCase, REJECT_REASONS,
};
use tongban_core::credential::CredentialKind;
use tongban_core::form::{Answer, FormSchema, MaterialAnswer};
use tongban_core::{ApiClient, ApiError};

use super::session::use_staff;
use super::{due_text, local, status_text};
use crate::account::error_text;
use crate::apply::{display_for, label, load_form};
use crate::format::date_time;
use crate::store::api;
use crate::t;

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let loaded = LocalResource::new(move || {
        let id = id();
        async move {
            let case = api().staff_case(&id).await?;
            let (schema, _) = load_form(&case.summary.form_id).await?;
            Ok::<_, ApiError>((case, schema))
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((case, schema)) => view! { <CaseView case=case schema=schema/> }.into_any(),
                    Err(e) => view! {
                        <h1>{t!("workbench-case-heading")}</h1>
                        <p class="notice notice-error" role="alert">{error_text(&e)}</p>
                        <p><a href="/staff/">{t!("workbench-back")}</a></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CaseView(case: StaffCase, schema: FormSchema) -> impl IntoView {
    let case = RwSignal::new(case);
    let done = RwSignal::new(None::<String>);
    let schema = StoredValue::new(schema);
    view! {
        <p class="bench-back"><a href="/staff/">{t!("workbench-back")}</a></p>
        {move || {
            let c = case.get();
            view! {
                <h1>{t!("workbench-case-receipt", receipt = c.summary.receipt.clone())}</h1>
                {done.get().map(|text| view! { <p id="case-done" class="notice notice-ok" role="status">{text}</p> })}
                <div class="bench-columns">
                    <div class="bench-main">
                        <Summary case=c.clone()/>
                        <Answers case=c.clone() schema=schema.get_value()/>
                        <Documents case=c.clone()/>
                    </div>
                    <aside class="bench-side">
                        <Actions case=c.clone() schema=schema.get_value() on_moved=move |next: StaffCase, text: String| {
                            case.set(next);
                            done.set(Some(text));
                        }/>
                        <Reassign case=c.clone() on_assigned=move |next: StaffCase| {
                            done.set(Some(t!("workbench-assigned")));
                            case.set(next);
                        }/>
                        <super::certificates::Certificates certificates=c.certificates.clone()/>
                        <Timeline events=c.timeline.clone()/>
                    </aside>
                </div>
            }
        }}
    }
}

#[component]
fn Summary(case: StaffCase) -> impl IntoView {
    let view_of = &case.summary.case;
    let (due, due_class) = due_text(
        view_of.due_date.as_deref(),
        view_of.due_state,
        view_of.due_provisional,
    );
    let mode = view_of
        .mode
        .map(|m| crate::i18n::loader().get(m.message_id()));
    let receiving = view_of.receiving.as_ref().map(|r| local(&r.name));
    view! {
        <section class="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading">{t!("workbench-case-summary")}</h2>
            <dl class="check-answers">
                <div class="check-row"><dt>{t!("workbench-col-status")}</dt><dd><span class="badge" id="case-status">{status_text(view_of.status)}</span></dd></div>
                <div class="check-row"><dt>{t!("workbench-col-due")}</dt><dd><span class=due_class>{due}</span></dd></div>
                <div class="check-row"><dt>{t!("workbench-case-department")}</dt><dd>{local(&view_of.department.name)}</dd></div>
                {receiving.map(|r| view! { <div class="check-row"><dt>{t!("workbench-case-receiving")}</dt><dd>{r}</dd></div> })}
                {mode.map(|m| view! { <div class="check-row"><dt>{t!("workbench-case-mode")}</dt><dd>{m}</dd></div> })}
                <div class="check-row"><dt>{t!("workbench-col-assignee")}</dt><dd>{case.summary.assignee.clone().map(|a| a.display_name).unwrap_or_else(|| t!("workbench-unassigned"))}</dd></div>
                <div class="check-row"><dt>{t!("workbench-col-submitted")}</dt><dd>{date_time(case.summary.created_at)}</dd></div>
            </dl>
            {(!case.actionable).then(|| view! { <p class="hint">{t!("workbench-case-read-only")}</p> })}
        </section>
    }
}

/// The department's part of the answers, as the person gave them; certificates used instead of
/// paper show as data the department can rely on, documents link to where they open.
#[component]
fn Answers(case: StaffCase, schema: FormSchema) -> impl IntoView {
    let rows = schema
        .questions(&case.answers)
        .into_iter()
        .filter(|q| case.answers.contains_key(&q.path))
        .map(|q| {
            let answer = case.answers.get(&q.path).cloned();
            let (text, verified) = match &answer {
                Some(Answer::Material(MaterialAnswer::FromCertificate {
                    certificate,
                    verified,
                    ..
                })) => (
                    t!(
                        "workbench-from-certificate",
                        kind = crate::wallet::kind_name(CredentialKind::from_code(certificate))
                    ),
                    verified.clone(),
                ),
                _ => (display_for(Some(&q.field), &answer), None),
            };
            // What the server verified: the department relies on these claims, not a photo.
            let verified = verified.map(|v| {
                view! {
                    <div class="verified-certificate">
                        <p><span class="badge badge-ok">{t!("workbench-verified-certificate", issuer = local(&v.issuer.name), time = date_time(v.checked_at))}</span></p>
                        <crate::wallet::Claims claims=v.claims/>
                    </div>
                }
            });
            let requested = case.summary.case.requested.contains(&q.path);
            view! {
                <div class="check-row">
                    <dt>{label(&q.field.label)}</dt>
                    <dd>{text}{verified}{requested.then(|| view! { " " <span class="badge badge-later">{t!("workbench-requested")}</span> })}</dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="answers-heading">
            <h2 id="answers-heading">{t!("application-answers")}</h2>
            <dl class="check-answers" id="case-answers">{rows}</dl>
        </section>
    }
}

/// Documents open in place: pictures shown, PDFs in a viewer, anything else to download.
#[component]
fn Documents(case: StaffCase) -> impl IntoView {
    if case.documents.is_empty() {
        return ().into_any();
    }
    let case_id = case.summary.id.clone();
    let items = case
        .documents
        .iter()
        .map(|d| document_view(&case_id, d))
        .collect_view();
    view! {
        <section class="card" aria-labelledby="documents-heading">
            <h2 id="documents-heading">{t!("workbench-documents")}</h2>
            <ul class="bench-documents">{items}</ul>
        </section>
    }
    .into_any()
}

fn document_view(case_id: &str, document: &CaseDocument) -> impl IntoView {
    let src = ApiClient::staff_document_path(case_id, &document.object_id);
    let name = document.file_name.clone();
    let shown = if document.kind.starts_with("image/") {
        view! { <img class="bench-document" src=src.clone() alt=name.clone()/> }.into_any()
    } else if document.kind == "application/pdf" {
        view! { <PdfView src=src.clone() title=name.clone()/> }.into_any()
    } else {
        ().into_any()
    };
    view! {
        <li>
            <p class="device-name">{name.clone()}</p>
            {shown}
            <p><a href=src target="_blank" rel="noopener">{t!("workbench-document-open", name = name)}</a></p>
        </li>
    }
}

/// A PDF shown in place. The server gives PDFs only as attachments (they can carry scripts), so
/// the workbench fetches it and shows its own copy, which the browser's PDF viewer renders in a
/// frame of its own.
#[component]
fn PdfView(src: String, title: String) -> impl IntoView {
    let copy = LocalResource::new(move || {
        let src = src.clone();
        async move { local_copy(&src).await }
    });
    move || match copy.get().flatten() {
        Some(url) => view! { <iframe class="bench-document" src=url title=title.clone()></iframe> }
            .into_any(),
        None => ().into_any(),
    }
}

/// An object URL of the document at `src` (fetched with the staff member's session).
async fn local_copy(src: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str(src))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let blob: web_sys::Blob = JsFuture::from(response.blob().ok()?)
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The moves this staff member may make now, one form: which move, what to tell the person, and
/// what the move needs (answers for a supplement, a reason for a refusal).
#[component]
fn Actions(
    case: StaffCase,
    schema: FormSchema,
    on_moved: impl Fn(StaffCase, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if case.moves.is_empty() {
        return ().into_any();
    }
    let case_id = StoredValue::new(case.summary.id.clone());
    let first = case.moves[0];
    let chosen = RwSignal::new(first);
    let message = RwSignal::new(String::new());
    let fields = RwSignal::new(Vec::<String>::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let questions: Vec<(String, String)> = schema
        .questions(&case.answers)
        .into_iter()
        .filter(|q| case.askable.contains(&q.path))
        .map(|q| (q.path.clone(), label(&q.field.label)))
        .collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let status = chosen.get_untracked();
        let change = CaseMove {
            status,
            message: message.get_untracked().trim().to_owned(),
            fields: if status == ApplicationStatus::SupplementRequested {
                fields.get_untracked()
            } else {
                Vec::new()
            },
            reason: (status == ApplicationStatus::Rejected)
                .then(|| reason.get_untracked())
                .filter(|r| !r.is_empty()),
        };
        if status == ApplicationStatus::SupplementRequested && change.fields.is_empty() {
            error.set(Some(t!("workbench-pick-fields")));
            return;
        }
        if status == ApplicationStatus::Rejected && change.reason.is_none() {
            error.set(Some(t!("workbench-pick-reason")));
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api().staff_move_case(&case_id.get_value(), &change).await {
                Ok(next) => {
                    let text = t!("workbench-moved", status = status_text(status));
                    on_moved(next, text);
                }
                Err(e) => error.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    let moves = case
        .moves
        .iter()
        .map(|&m| {
            let id = format!("move-{}", m.code());
            view! {
                <div class="choice">
                    <input type="radio" name="move" id=id.clone() value=m.code()
                        prop:checked=move || chosen.get() == m
                        on:change=move |_| chosen.set(m)/>
                    <label for=id>{crate::i18n::loader().get(move_message(m))}</label>
                </div>
            }
        })
        .collect_view();
    let field_picker = questions
        .into_iter()
        .map(|(path, name)| {
            let id = format!("ask-{}", path.replace('.', "-"));
            let p = path.clone();
            view! {
                <div class="choice">
                    <input type="checkbox" id=id.clone() value=path.clone()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            fields.update(|f| {
                                f.retain(|x| *x != p);
                                if on { f.push(p.clone()); }
                            });
                        }/>
                    <label for=id>{name}</label>
                </div>
            }
        })
        .collect_view();
    let reasons = REJECT_REASONS
        .iter()
        .map(|r| view! { <option value=*r>{crate::i18n::loader().get(&reject_reason_message_id(r))}</option> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="actions-heading">
            <h2 id="actions-heading">{t!("workbench-actions")}</h2>
            {move || error.get().map(|e| view! { <p id="move-error" class="notice notice-error" role="alert">{e}</p> })}
            <form class="form" on:submit=submit>
                <fieldset>
                    <legend>{t!("workbench-next-step")}</legend>
                    {moves}
                </fieldset>
                <fieldset hidden=move || chosen.get() != ApplicationStatus::SupplementRequested>
                    <legend>{t!("workbench-ask-fields")}</legend>
                    {field_picker}
                </fieldset>
                <div class="form-field" hidden=move || chosen.get() != ApplicationStatus::Rejected>
                    <label for="reject-reason">{t!("workbench-reject-reason")}</label>
                    <select id="reject-reason" on:change=move |ev| reason.set(event_target_value(&ev))>
                        <option value="">{t!("workbench-choose")}</option>
                        {reasons}
                    </select>
                </div>
                <div class="form-field">
                    <label for="move-message">{t!("workbench-message")}</label>
                    <p class="hint" id="move-message-hint">{t!("workbench-message-hint")}</p>
                    <textarea id="move-message" rows="4" aria-describedby="move-message-hint"
                        prop:value=move || message.get()
                        on:input=move |ev| message.set(event_target_value(&ev))></textarea>
                </div>
                <p class="actions">
                    <button type="submit" class="button" id="move-submit" disabled=move || busy.get()>{t!("workbench-do-move")}</button>
                </p>
            </form>
        </section>
    }
    .into_any()
}

/// How a move reads as a choice ("Accept", "Ask for a supplement" …).
fn move_message(to: ApplicationStatus) -> &'static str {
    use ApplicationStatus::*;
    match to {
        Accepted => "workbench-move-accept",
        InReview => "workbench-move-review",
        SupplementRequested => "workbench-move-supplement",
        Forwarded => "workbench-move-forward",
        Approved => "workbench-move-approve",
        Rejected => "workbench-move-reject",
        Completed => "workbench-move-complete",
        Submitted => "workbench-move-review",
    }
}

/// A supervisor gives the case to a colleague.
#[component]
fn Reassign(
    case: StaffCase,
    on_assigned: impl Fn(StaffCase) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let staff = use_staff();
    let supervises = move || staff.supervises();
    let colleagues = LocalResource::new(move || async move {
        if supervises() {
            api().staff_stats().await.map(|s| s.staff)
        } else {
            Ok(Vec::new())
        }
    });
    let case_id = StoredValue::new(case.summary.id.clone());
    let current = case
        .summary
        .assignee
        .as_ref()
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let pick = RwSignal::new(current.clone());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let to = pick.get_untracked();
        if to.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match api().staff_assign(&case_id.get_value(), &to).await {
                Ok(next) => on_assigned(next),
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    };
    move || {
        let list = colleagues.get().and_then(|r| r.ok()).unwrap_or_default();
        if list.is_empty() {
            return ().into_any();
        }
        let current = current.clone();
        view! {
            <section class="card" aria-labelledby="assign-heading">
                <h2 id="assign-heading">{t!("workbench-assign")}</h2>
                {move || error.get().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
                <form class="form" on:submit=submit>
                    <div class="form-field">
                        <label for="assignee">{t!("workbench-assign-to")}</label>
                        <select id="assignee" on:change=move |ev| pick.set(event_target_value(&ev))>
                            <option value="">{t!("workbench-choose")}</option>
                            {list.into_iter().map(|s| {
                                let selected = s.id == current;
                                view! { <option value=s.id.clone() selected=selected>{s.display_name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <p class="actions"><button type="submit" class="button button-secondary">{t!("workbench-assign-do")}</button></p>
                </form>
            </section>
        }
        .into_any()
    }
}

#[component]
fn Timeline(events: Vec<TimelineEvent>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{t!("application-timeline")}</h2>
            <ol class="timeline" id="case-timeline">
                {events.into_iter().rev().map(|e| {
                    let reason = e.reason.as_ref().map(|r| crate::i18n::loader().get(&reject_reason_message_id(r)));
                    view! {
                        <li>
                            <p class="device-name">{status_text(e.status)}</p>
                            <p class="hint">{date_time(e.at)}{e.department.as_ref().map(|d| format!(" · {}", local(d)))}</p>
                            {reason.map(|r| view! { <p>{r}</p> })}
                            {(!e.message.is_empty()).then(|| view! { <p>{e.message.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
