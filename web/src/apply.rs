//! Applying: the form one question group per page, check answers, submit once; my drafts; my
//! applications with their timeline and supplements. Every answer goes through core's draft
//! transitions and is saved on the device before anything is sent.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use tongban_core::application::{Application, ApplicationStatus};
use tongban_core::draft::Draft;
use tongban_core::form::{
    Answer, Answers, Field, FieldGroup, FieldKind, FormSchema, Label, MaterialAnswer,
    MaterialUploaded, ProfileField,
};
use tongban_core::{ApiError, FieldError, LocalizedText};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::account::{error_text, login_path};
use crate::format::date_time;
use crate::i18n::{language, loader};
use crate::store::api;
use crate::sync::{known_account, use_drafts, uuid_v7, DeviceSave, Fold, SyncStatus};
use crate::t;

fn label(l: &Label) -> String {
    match l {
        Label::Message(id) => loader().get(id),
        Label::Text(t) => t.for_language(&language()).to_owned(),
    }
}

fn today() -> (u16, u8, u8) {
    let now = js_sys::Date::new_0();
    (
        now.get_full_year() as u16,
        (now.get_month() + 1) as u8,
        now.get_date() as u8,
    )
}

/// A field error in the person's language, with its parameters (`{ $max }` …).
pub fn field_message(e: &FieldError) -> String {
    let args: std::collections::HashMap<&str, String> = e
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    loader().get_args(&format!("error-{}", e.code), args)
}

fn current_answers(drafts: crate::sync::Drafts, draft_id: &str) -> Answers {
    drafts.state.with_untracked(|s| {
        s.as_ref()
            .and_then(|s| s.drafts.get(draft_id))
            .map(|d| d.answers.clone())
            .unwrap_or_default()
    })
}

fn focus_summary() {
    request_animation_frame(|| {
        if let Some(el) = document()
            .get_element_by_id("error-summary")
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// The form a draft fills, and its title: a matter's guide (kept offline by the service worker),
/// or a bundle's matters.
async fn load_form(form_id: &str) -> Result<(FormSchema, LocalizedText), ApiError> {
    if let Some(bundle_id) = form_id.strip_prefix("bundle:") {
        let index = api().catalog_index().await?;
        let bundle = index
            .bundles
            .iter()
            .find(|b| b.id == bundle_id)
            .cloned()
            .ok_or(ApiError::NotFound)?;
        let mut matters = Vec::new();
        for code in &bundle.matters {
            matters.push(api().matter_guide(code).await?);
        }
        let refs: Vec<_> = matters.iter().collect();
        Ok((FormSchema::for_bundle(&bundle, &refs), bundle.name.clone()))
    } else {
        let matter = api().matter_guide(form_id).await?;
        Ok((FormSchema::for_matter(&matter), matter.name.clone()))
    }
}

/// Shows its children once the device knows whose drafts it holds (at once, or after reading
/// IndexedDB when localStorage lost it); a person without an account here is sent to log in and
/// back afterwards.
#[component]
fn NeedsAccount(children: ChildrenFn) -> impl IntoView {
    let drafts = use_drafts();
    move || {
        if !drafts.account_known.get() {
            return view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any();
        }
        if drafts.account().is_none() {
            require_login_now();
            return view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any();
        }
        children().into_any()
    }
}

#[component]
pub fn ApplyPage() -> impl IntoView {
    view! { <NeedsAccount><ApplyForm/></NeedsAccount> }
}

#[component]
fn ApplyForm() -> impl IntoView {
    let params = use_params_map();
    let form_id = move || params.read().get("form").unwrap_or_default();
    let form = LocalResource::new(move || {
        let id = form_id();
        async move { load_form(&id).await }
    });
    view! {
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok((schema, title)) => view! { <FormFlow schema=schema title=title form_id=form_id()/> }.into_any(),
                    Err(e) => view! { <h1>{t!("apply-start")}</h1><p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn FormFlow(schema: FormSchema, title: LocalizedText, form_id: String) -> impl IntoView {
    let drafts = use_drafts();
    let query = use_query_map();
    let navigate = use_navigate();
    let schema = StoredValue::new(schema);
    let prefilled = RwSignal::new(Vec::<String>::new());

    // Which draft: the one named in the address, else the open one for this form, else a new one.
    let form_for_effect = form_id.clone();
    let nav = navigate.clone();
    Effect::new(move |_| {
        if query.read().get("draft").is_some() {
            return;
        }
        let Some(state) = drafts.state.get() else {
            return;
        };
        let open = state
            .drafts
            .values()
            .filter(|d| d.form_id == form_for_effect && !d.deleted && d.submitted.is_none())
            .max_by_key(|d| d.updated_at)
            .map(|d| d.id.clone());
        let id = match open {
            Some(id) => id,
            None => {
                let id = uuid_v7();
                let form = form_for_effect.clone();
                let new_id = id.clone();
                drafts.change(move |s| s.create_draft(&new_id, &form, uuid_v7(), now()));
                prefill(drafts, id.clone(), schema.get_value(), prefilled);
                id
            }
        };
        let path = format!(
            "/apply/{}?draft={id}&step=0",
            js_sys::encode_uri_component(&form_for_effect)
        );
        nav(
            &path,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });

    let draft_id = Memo::new(move |_| query.read().get("draft"));
    let step = Memo::new(move |_| query.read().get("step").unwrap_or_else(|| "0".into()));
    // What decides which page shows: the draft being there, and whether it was submitted. The
    // answers themselves are read by each field, so typing never rebuilds the page.
    let ready = Memo::new(move |_| {
        let id = draft_id.get()?;
        drafts.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.drafts.get(&id).map(|d| d.id.clone()))
        })
    });
    let submitted = Memo::new(move |_| {
        let id = draft_id.get()?;
        drafts.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.drafts.get(&id).and_then(|d| d.submitted.clone()))
        })
    });
    // Typing is recorded on the device at every keystroke (`Drafts::record_answer`); leaving the
    // form folds it into the draft. Hiding or closing the page is handled for the whole app.
    on_cleanup(move || drafts.fold_typed());

    let go = {
        let form_id = form_id.clone();
        move |to: String| {
            drafts.fold_typed();
            let Some(id) = draft_id.get_untracked() else {
                return;
            };
            let path = format!(
                "/apply/{}?draft={id}&step={to}",
                js_sys::encode_uri_component(&form_id)
            );
            navigate(&path, NavigateOptions::default());
            let _ = window().scroll_to_with_x_and_y(0.0, 0.0);
        }
    };
    let title = title.for_language(&language()).to_owned();

    view! {
        <h1>{title}</h1>
        <SyncNotice/>
        {move || {
            let Some(d) = ready.get() else {
                return view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any();
            };
            if let Some(done) = submitted.get() {
                return view! {
                    <section class="notice notice-info" role="status">
                        <h2>{t!("apply-submitted")}</h2>
                        <p>{t!("application-receipt", receipt = done.receipt.clone())}</p>
                        <p><a class="button" href=format!("/applications/{}", done.application_id)>{t!("apply-see-application")}</a></p>
                    </section>
                }.into_any();
            }
            let groups = schema.with_value(|s| s.groups.len());
            let current = step.get();
            if current == "check" {
                let draft = drafts.state.with_untracked(|s| s.as_ref().and_then(|s| s.drafts.get(&d).cloned()));
                match draft {
                    Some(draft) => view! { <CheckAnswers schema=schema draft=draft go=go.clone()/> }.into_any(),
                    None => ().into_any(),
                }
            } else {
                let index = current.parse::<usize>().unwrap_or(0).min(groups.saturating_sub(1));
                view! { <GroupPage schema=schema draft_id=d index=index go=go.clone() prefilled=prefilled/> }.into_any()
            }
        }}
    }
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Fills the fields the account knows (name, ID number, phone), marking them so the source
/// is shown.
fn prefill(
    drafts: crate::sync::Drafts,
    draft_id: String,
    schema: FormSchema,
    prefilled: RwSignal<Vec<String>>,
) {
    leptos::task::spawn_local(async move {
        let Ok(profile) = api().profile().await else {
            return;
        };
        let mut filled = Vec::new();
        for group in &schema.groups {
            for field in &group.fields {
                let value = match field.prefill {
                    Some(ProfileField::Name) => profile.name.clone(),
                    Some(ProfileField::IdNumber) => profile.id_number.clone(),
                    Some(ProfileField::Phone) => Some(profile.phone.clone()),
                    None => None,
                };
                if let Some(v) = value {
                    filled.push((FormSchema::path(group, 0, &field.id), v));
                }
            }
        }
        prefilled.set(filled.iter().map(|(p, _)| p.clone()).collect());
        drafts.change(move |s| {
            for (path, value) in filled {
                let empty = s
                    .drafts
                    .get(&draft_id)
                    .is_some_and(|d| !d.answers.contains_key(&path));
                if empty {
                    s.set_answer(
                        &draft_id,
                        &path,
                        Some(Answer::Text(value)),
                        uuid_v7(),
                        now(),
                    );
                }
            }
        });
    });
}

/// Where the draft stands — saving, saved here, synced, offline, or waiting for a login — and
/// never "saved" before the device holds it.
#[component]
fn SyncNotice() -> impl IntoView {
    let drafts = use_drafts();
    move || {
        match (drafts.device.get(), drafts.status.get()) {
        (DeviceSave::Failed(reason), _) => view! {
            <p class="notice notice-error" role="alert">{t!("apply-save-failed", reason = reason)}</p>
        }
        .into_any(),
        (DeviceSave::Saving, _) => {
            view! { <p class="sync-state" role="status">{t!("apply-saving")}</p> }.into_any()
        }
        (DeviceSave::Saved, SyncStatus::Synced) => {
            view! { <p class="sync-state" role="status">{t!("apply-synced")}</p> }.into_any()
        }
        (DeviceSave::Saved, SyncStatus::Pending) => {
            view! { <p class="sync-state" role="status">{t!("apply-saved")}</p> }.into_any()
        }
        (DeviceSave::Saved, SyncStatus::Offline) => {
            view! { <p class="notice notice-info" role="status">{t!("apply-offline")}</p> }
                .into_any()
        }
        (DeviceSave::Saved, SyncStatus::NeedsLogin) => {
            let location = window().location();
            let here = format!(
                "{}{}",
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            );
            view! {
                <p class="notice notice-info" role="status">
                    {t!("apply-needs-login")}" "
                    <a href=login_path(&here)>{t!("apply-login-again")}</a>
                </p>
            }
            .into_any()
        }
    }
    }
}

/// The errors of one group's questions in these answers.
fn group_errors(schema: &FormSchema, group: &FieldGroup, answers: &Answers) -> Vec<FieldError> {
    let prefix = format!("{}.", group.id);
    schema
        .validate(answers, today())
        .into_iter()
        .filter(|e| e.path.starts_with(&prefix) || e.path == group.id)
        .collect()
}

#[component]
fn GroupPage(
    schema: StoredValue<FormSchema>,
    draft_id: String,
    index: usize,
    go: impl Fn(String) + Clone + Send + Sync + 'static,
    prefilled: RwSignal<Vec<String>>,
) -> impl IntoView {
    let drafts = use_drafts();
    let (group, total) = schema.with_value(|s| (s.groups[index].clone(), s.groups.len()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let answers = {
        let id = draft_id.clone();
        Memo::new(move |_| {
            drafts.state.with(|s| {
                s.as_ref()
                    .and_then(|s| s.drafts.get(&id))
                    .map(|d| d.answers.clone())
                    .unwrap_or_default()
            })
        })
    };
    let group_for_memo = group.clone();
    let instances =
        Memo::new(move |_| schema.with_value(|s| s.instances(&group_for_memo, &answers.get())));
    // The questions shown change only when a choice reveals or hides one.
    let group_id = group.id.clone();
    let questions = Memo::new(move |_| {
        schema.with_value(|s| {
            s.questions(&answers.get())
                .into_iter()
                .filter(|q| q.group.id == group_id)
                .map(|q| (q.path.clone(), q.field.clone(), q.instance))
                .collect::<Vec<_>>()
        })
    });
    let next = {
        let go = go.clone();
        let group = group.clone();
        let draft_id = draft_id.clone();
        move |_| {
            drafts.fold_typed();
            let current = current_answers(drafts, &draft_id);
            let found = schema.with_value(|s| group_errors(s, &group, &current));
            if found.is_empty() {
                go(if index + 1 >= total {
                    "check".into()
                } else {
                    (index + 1).to_string()
                });
            } else {
                errors.set(found);
                focus_summary();
            }
        }
    };
    let back = {
        let go = go.clone();
        move |_| {
            go(if index == 0 {
                "0".into()
            } else {
                (index - 1).to_string()
            })
        }
    };
    let repeat = group.repeat;
    let step_number = (index + 1) as u64;
    let step_total = (total + 1) as u64;
    let add_instance = {
        let draft_id = draft_id.clone();
        let group = group.clone();
        move |_| {
            // An instance exists once one of its answers does: start it with an empty first answer.
            let path = FormSchema::path(&group, instances.get_untracked(), &group.fields[0].id);
            drafts.record_answer(
                &draft_id,
                &path,
                Some(Answer::Text(String::new())),
                Fold::Now,
            );
        }
    };
    let remove_last = {
        let draft_id = draft_id.clone();
        let group_id = group.id.clone();
        move |_| {
            let prefix = format!(
                "{group_id}.{}.",
                instances.get_untracked().saturating_sub(1)
            );
            let paths: Vec<String> = answers.with_untracked(|a| {
                a.keys()
                    .filter(|k| k.starts_with(&prefix))
                    .cloned()
                    .collect()
            });
            for p in paths {
                drafts.record_answer(&draft_id, &p, None, Fold::Now);
            }
        }
    };
    let first_field = group.fields[0].id.clone();
    view! {
        <p class="muted">{t!("apply-step", step = step_number, total = step_total)}</p>
        <h2 class="group-title">{label(&group.title)}</h2>
        <crate::pages::ReadAloud target="main form.form"/>
        <ErrorSummary errors=errors/>
        <form class="form" novalidate on:submit=move |ev| ev.prevent_default()>
            <For
                each=move || questions.get()
                key=|(path, _, _)| path.clone()
                children=move |(path, field, instance)| {
                    let show_instance = repeat.is_some() && field.id == first_field;
                    let instance_number = u64::from(instance) + 1;
                    let value = {
                        let path = path.clone();
                        Signal::derive(move || answers.with(|a| a.get(&path).cloned()))
                    };
                    let conflict = {
                        let path = path.clone();
                        let id = draft_id.clone();
                        move || {
                            drafts.state.with(|s| {
                                s.as_ref()
                                    .and_then(|s| s.drafts.get(&id))
                                    .and_then(|d| d.conflicts.iter().find(|c| c.path == path).cloned())
                            })
                        }
                    };
                    let id = draft_id.clone();
                    view! {
                        {show_instance.then(|| view! { <h3 class="instance">{t!("apply-instance", n = instance_number)}</h3> })}
                        <FieldInput
                            draft_id=draft_id.clone()
                            path=path.clone()
                            field=field
                            value=value
                            errors=errors
                            prefilled=prefilled
                        />
                        {move || conflict().map(|c| view! { <ConflictChoice draft_id=id.clone() conflict=c/> })}
                    }
                }
            />
            {repeat.map(|r| view! {
                <p class="actions">
                    {move || (instances.get() < r.max).then(|| view! { <button type="button" class="button button-secondary" on:click=add_instance.clone()>{t!("apply-add-another")}</button> })}
                    {move || (instances.get() > r.min).then(|| view! { <button type="button" class="button button-secondary" on:click=remove_last.clone()>{t!("apply-remove-last")}</button> })}
                </p>
            })}
            <p class="actions">
                {(index > 0).then(|| view! { <button type="button" class="button button-secondary" on:click=back.clone()>{t!("apply-back")}</button> })}
                <button type="submit" class="button" on:click=next>{t!("apply-next")}</button>
            </p>
        </form>
    }
}

/// The errors at the top of a page, each a link to its field (GOV.UK's error summary).
#[component]
fn ErrorSummary(errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    move || {
        let list = errors.get();
        let count = list.len() as u64;
        (!list.is_empty()).then(|| {
            view! {
                <div id="error-summary" class="notice notice-error error-summary" role="alert" tabindex="-1">
                    <h2>{t!("apply-error-summary", count = count)}</h2>
                    <ul>
                        {list.into_iter().map(|e| {
                            let href = format!("#{}", field_dom_id(&e.path));
                            view! { <li><a href=href>{field_message(&e)}</a></li> }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// A DOM id for a field path (`applicant.name` → `f-applicant-name`).
fn field_dom_id(path: &str) -> String {
    format!("f-{}", path.replace('.', "-"))
}

fn value_attr(v: &str) -> String {
    v.to_owned()
}

fn text_of(value: &Option<Answer>) -> String {
    match value {
        Some(Answer::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

/// One question: its label, hint, error and the control its kind needs. Typing is committed to
/// the draft after a short pause or on leaving the field.
#[component]
fn FieldInput(
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
                    certificate=certificates.first().cloned()
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

/// A document: upload (with progress), promise it for later (容缺) or use an e-certificate (免提交).
#[component]
fn MaterialInput(
    id: String,
    label_text: String,
    hint: Option<String>,
    #[prop(into)] value: Signal<Option<Answer>>,
    later_allowed: bool,
    certificate: Option<String>,
    error: Memo<Option<String>>,
    commit: impl Fn(Option<Answer>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let progress = RwSignal::new(None::<u32>);
    let failed = RwSignal::new(None::<String>);
    let current = move || match value.get() {
        Some(Answer::Material(MaterialAnswer::Uploaded { file_name, .. })) => {
            Some(t!("material-uploaded", name = file_name))
        }
        Some(Answer::Material(MaterialAnswer::SupplyLater)) => Some(t!("material-later")),
        Some(Answer::Material(MaterialAnswer::FromCertificate { .. })) => {
            Some(t!("material-from-certificate"))
        }
        _ => None,
    };
    let error_id = format!("{id}-error");
    let described_by = error_id.clone();
    let upload = {
        let commit = commit.clone();
        move |ev: leptos::ev::Event| {
            let Some(file) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            failed.set(None);
            progress.set(Some(0));
            let commit = commit.clone();
            leptos::task::spawn_local(async move {
                let name = file.name();
                match upload_with_progress(&file, progress).await {
                    Ok(done) => commit(Some(Answer::Material(MaterialAnswer::Uploaded {
                        object_id: done.object_id,
                        file_name: name,
                        size: done.size,
                    }))),
                    Err(message) => failed.set(Some(message)),
                }
                progress.set(None);
            });
        }
    };
    view! {
        <fieldset class="form-field material" id=id.clone() aria-describedby=described_by>
            <legend>{label_text}</legend>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="field-error">{e}</p> })}
            {move || current().map(|c| view! { <p class="material-state"><span class="badge badge-ok">{c}</span></p> })}
            <label class="button button-secondary file-button">
                {t!("material-upload")}
                <input class="file-input" id=format!("{id}-file") type="file" accept="image/*,application/pdf" on:change=upload/>
            </label>
            {move || progress.get().map(|p| {
                let percent = u64::from(p);
                view! { <p role="status">{t!("material-uploading", percent = percent)}<progress max="100" value=p></progress></p> }
            })}
            {move || failed.get().map(|f| view! { <p class="field-error" role="alert">{f}</p> })}
            {later_allowed.then(|| {
                let commit = commit.clone();
                view! { <button type="button" class="button button-secondary" on:click=move |_| commit(Some(Answer::Material(MaterialAnswer::SupplyLater)))>{t!("material-later")}</button> }
            })}
            {certificate.map(|c| {
                let commit = commit.clone();
                view! { <button type="button" class="button button-secondary" on:click=move |_| commit(Some(Answer::Material(MaterialAnswer::FromCertificate { certificate: c.clone() })))>{t!("material-from-certificate")}</button> }
            })}
        </fieldset>
    }
}

/// Uploads a file with XMLHttpRequest (fetch cannot report upload progress).
async fn upload_with_progress(
    file: &web_sys::File,
    progress: RwSignal<Option<u32>>,
) -> Result<MaterialUploaded, String> {
    let failed = || t!("material-upload-failed");
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| failed())?;
    xhr.open("POST", &api().url("/materials"))
        .map_err(|_| failed())?;
    let _ = xhr.set_request_header("Accept", "application/json");
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(Some((e.loaded() / e.total() * 100.0) as u32));
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        let on_end = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        xhr.set_onloadend(Some(on_end.unchecked_ref()));
    });
    xhr.send_with_opt_blob(Some(file)).map_err(|_| failed())?;
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(on_progress);
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    match status {
        200..=299 => serde_json::from_str(&body).map_err(|_| failed()),
        0 => Err(failed()),
        _ => Err(error_text(&ApiError::from_status(status, &body))),
    }
}

/// Another device changed the same answer: both values shown, the person chooses.
#[component]
fn ConflictChoice(draft_id: String, conflict: tongban_core::draft::Conflict) -> impl IntoView {
    let drafts = use_drafts();
    let theirs_text = display(&conflict.theirs);
    let choose = move |value: Option<Answer>| {
        let id = draft_id.clone();
        let path = conflict.path.clone();
        move |_| drafts.record_answer(&id, &path, value.clone(), Fold::Now)
    };
    view! {
        <div class="notice notice-info conflict" role="alert">
            <p>{t!("apply-conflict", theirs = theirs_text)}</p>
            <p class="actions">
                <button type="button" class="button" on:click=choose(conflict.mine.clone())>{t!("apply-keep-mine")}</button>
                <button type="button" class="button button-secondary" on:click=choose(conflict.theirs.clone())>{t!("apply-keep-theirs")}</button>
            </p>
        </div>
    }
}

/// An answer as the check-answers page and the application page show it.
fn display(value: &Option<Answer>) -> String {
    match value {
        None => t!("apply-not-answered"),
        Some(Answer::Text(t)) if t.trim().is_empty() => t!("apply-not-answered"),
        Some(Answer::Text(t)) => t.clone(),
        Some(Answer::Choices(c)) => c.join("、"),
        Some(Answer::Material(MaterialAnswer::Uploaded { file_name, .. })) => {
            t!("material-uploaded", name = file_name.clone())
        }
        Some(Answer::Material(MaterialAnswer::SupplyLater)) => t!("material-later"),
        Some(Answer::Material(MaterialAnswer::FromCertificate { .. })) => {
            t!("material-from-certificate")
        }
    }
}

/// A choice's label instead of its value, where the field has options.
fn display_for(field: &Field, value: &Option<Answer>) -> String {
    let options = match &field.kind {
        FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } => options,
        _ => return display(value),
    };
    let name = |v: &str| {
        options
            .iter()
            .find(|o| o.value == v)
            .map(|o| label(&o.label))
            .unwrap_or_else(|| v.to_owned())
    };
    match value {
        Some(Answer::Text(v)) => name(v),
        Some(Answer::Choices(c)) => c.iter().map(|v| name(v)).collect::<Vec<_>>().join("、"),
        other => display(other),
    }
}

#[component]
fn CheckAnswers(
    schema: StoredValue<FormSchema>,
    draft: Draft,
    go: impl Fn(String) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let drafts = use_drafts();
    let errors = RwSignal::new(draft.submit_errors.clone());
    let waiting = RwSignal::new(drafts.state.with_untracked(|s| {
        s.as_ref().is_some_and(|s| {
            s.outbox.iter().any(|c| {
                c.draft_id == draft.id
                    && matches!(c.kind, tongban_core::draft::ChangeKind::Submit { .. })
            })
        })
    }));
    let rows: Vec<(usize, String, String, String)> = schema.with_value(|s| {
        s.questions(&draft.answers)
            .into_iter()
            .map(|q| {
                let index = s
                    .groups
                    .iter()
                    .position(|g| g.id == q.group.id)
                    .unwrap_or(0);
                (
                    index,
                    q.path.clone(),
                    label(&q.field.label),
                    display_for(q.field, &draft.answers.get(&q.path).cloned()),
                )
            })
            .collect()
    });
    let draft_id = draft.id.clone();
    let submit = move |_| {
        drafts.fold_typed();
        let answers = current_answers(drafts, &draft_id);
        let found = schema.with_value(|s| s.validate(&s.submitted_answers(&answers), today()));
        if !found.is_empty() {
            errors.set(found);
            focus_summary();
            return;
        }
        waiting.set(true);
        drafts.record_submit(&draft_id);
    };
    view! {
        <h2>{t!("apply-check-heading")}</h2>
        <p class="intro">{t!("apply-check-intro")}</p>
        <ErrorSummary errors=errors/>
        <dl class="check-answers">
            {rows.into_iter().map(|(index, path, name, value)| {
                let go = go.clone();
                view! {
                    <div class="check-row" id=field_dom_id(&path)>
                        <dt>{name.clone()}</dt>
                        <dd>{value}</dd>
                        <dd class="check-change">
                            <button type="button" class="link-button" on:click=move |_| go(index.to_string())>
                                {t!("apply-change")}<span class="visually-hidden">" "{name.clone()}</span>
                            </button>
                        </dd>
                    </div>
                }
            }).collect_view()}
        </dl>
        {move || waiting.get().then(|| view! { <p class="notice notice-info" role="status">{t!("apply-queued")}</p> })}
        <p class="actions">
            <button type="button" class="button button-wide" on:click=submit>{t!("apply-submit")}</button>
        </p>
    }
}

#[component]
pub fn DraftsPage() -> impl IntoView {
    view! { <NeedsAccount><DraftsList/></NeedsAccount> }
}

#[component]
fn DraftsList() -> impl IntoView {
    let drafts = use_drafts();
    let catalog = crate::store::use_catalog();
    view! {
        <h1>{t!("drafts-heading")}</h1>
        <SyncNotice/>
        {move || {
            let list: Vec<Draft> = drafts.state.with(|s| {
                let mut v: Vec<Draft> = s.as_ref().map(|s| s.drafts.values().filter(|d| !d.deleted && d.submitted.is_none()).cloned().collect()).unwrap_or_default();
                v.sort_by_key(|d| std::cmp::Reverse(d.updated_at));
                v
            });
            if list.is_empty() {
                return view! { <p class="intro">{t!("drafts-empty")}</p> }.into_any();
            }
            let names = catalog.get().and_then(|c| c.ok());
            view! {
                <ul class="plain-list drafts">
                    {list.into_iter().map(|d| {
                        let unsynced = drafts.state.with_untracked(|s| s.as_ref().is_some_and(|s| s.has_unsynced(&d.id)));
                        let name = names.as_ref().and_then(|c| {
                            c.index.documents.iter().find(|m| m.summary.code == d.form_id).map(|m| m.summary.name.for_language(&language()).to_owned())
                                .or_else(|| c.index.bundles.iter().find(|b| format!("bundle:{}", b.id) == d.form_id).map(|b| b.name.for_language(&language()).to_owned()))
                        }).unwrap_or_else(|| d.form_id.clone());
                        let href = format!("/apply/{}?draft={}&step=0", js_sys::encode_uri_component(&d.form_id), d.id);
                        view! {
                            <li>
                                <p class="device-name"><a href=href>{name}</a></p>
                                <p class="hint">{t!("drafts-updated", time = date_time(d.updated_at))}</p>
                                {unsynced.then(|| view! { <p class="hint">{t!("drafts-unsynced")}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
    .into_any()
}

fn status_text(status: ApplicationStatus) -> String {
    loader().get(status.message_id())
}

#[component]
pub fn ApplicationsPage() -> impl IntoView {
    view! { <NeedsAccount><ApplicationsList/></NeedsAccount> }
}

#[component]
fn ApplicationsList() -> impl IntoView {
    let list = LocalResource::new(|| async { api().applications().await });
    view! {
        <h1>{t!("applications-heading")}</h1>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! { <p class="intro">{t!("applications-empty")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="plain-list">
                            {items.into_iter().map(|a| view! {
                                <li>
                                    <p class="device-name"><a href=format!("/applications/{}", a.id)>{t!("application-receipt", receipt = a.receipt.clone())}</a></p>
                                    <p><span class="badge">{status_text(a.status)}</span></p>
                                    <p class="hint">{date_time(a.created_at)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(ApiError::Unauthorized) => {
                        require_login_now();
                        ().into_any()
                    }
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

fn require_login_now() {
    crate::sync::remember_account(known_account().as_deref());
    let navigate = use_navigate();
    let location = window().location();
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    request_animation_frame(move || {
        navigate(
            &login_path(&here),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    });
}

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let (version, set_version) = signal(0u32);
    let app = LocalResource::new(move || {
        version.track();
        let id = id();
        async move {
            let app = api().application(&id).await?;
            let form = load_form(&app.form_id).await?;
            Ok::<_, ApiError>((app, form.0))
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match app.await {
                    Ok((app, schema)) => view! { <ApplicationView app=app schema=schema reload=set_version/> }.into_any(),
                    Err(ApiError::Unauthorized) => {
                        require_login_now();
                        ().into_any()
                    }
                    Err(e) => view! { <h1>{t!("applications-heading")}</h1><p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ApplicationView(
    app: Application,
    schema: FormSchema,
    reload: WriteSignal<u32>,
) -> impl IntoView {
    let requested = app.requested_fields().to_vec();
    let questions: Vec<(String, Field)> = schema
        .questions(&app.answers)
        .into_iter()
        .map(|q| (q.path.clone(), q.field.clone()))
        .collect();
    let answers_rows: Vec<(String, String)> = questions
        .iter()
        .map(|(p, f)| {
            (
                label(&f.label),
                display_for(f, &app.answers.get(p).cloned()),
            )
        })
        .collect();
    let supplement = (!requested.is_empty()).then(|| {
        let fields: Vec<(String, Field)> = questions.iter().filter(|(p, _)| requested.contains(p)).cloned().collect();
        view! { <SupplementForm app_id=app.id.clone() fields=fields answers=app.answers.clone() reload=reload/> }
    });
    view! {
        <h1>{t!("application-heading")}</h1>
        <section class="card receipt" aria-labelledby="receipt-heading">
            <h2 id="receipt-heading">{t!("application-receipt", receipt = app.receipt.clone())}</h2>
            <p><span class="badge badge-ok">{status_text(app.status)}</span></p>
        </section>
        {supplement}
        <section class="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{t!("application-timeline")}</h2>
            <ol class="timeline">
                {app.timeline.iter().map(|e| view! {
                    <li>
                        <p class="device-name">{status_text(e.status)}</p>
                        <p class="hint">{date_time(e.at)}</p>
                        {(!e.message.is_empty()).then(|| view! { <p>{e.message.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <section class="card" aria-labelledby="answers-heading">
            <h2 id="answers-heading">{t!("application-answers")}</h2>
            <dl class="check-answers">
                {answers_rows.into_iter().map(|(n, v)| view! { <div class="check-row"><dt>{n}</dt><dd>{v}</dd></div> }).collect_view()}
            </dl>
        </section>
    }
}

/// Only what the department asked for can be changed.
#[component]
fn SupplementForm(
    app_id: String,
    fields: Vec<(String, Field)>,
    answers: Answers,
    reload: WriteSignal<u32>,
) -> impl IntoView {
    let drafts = use_drafts();
    // What was typed here before a reload or a closed tab comes back (kept like drafts' typing).
    let values: RwSignal<Answers> = RwSignal::new(drafts.supplement(&app_id));
    {
        // The device's copy may finish loading after this page: take it in then.
        let app_id = app_id.clone();
        Effect::new(move |_| {
            if drafts.state.with(|s| s.is_some()) && values.with_untracked(|v| v.is_empty()) {
                let kept = drafts.supplement(&app_id);
                if !kept.is_empty() {
                    values.set(kept);
                }
            }
        });
    }
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let notice = RwSignal::new(None::<String>);
    let app = app_id.clone();
    let submit = move |_| {
        let id = app.clone();
        let answers = values.get_untracked();
        leptos::task::spawn_local(async move {
            match api().supply(&id, answers).await {
                Ok(_) => {
                    drafts.supplied(&id);
                    reload.update(|n| *n += 1)
                }
                Err(ApiError::Validation { fields, .. }) if !fields.is_empty() => {
                    errors.set(fields);
                    focus_summary();
                }
                Err(e) => notice.set(Some(error_text(&e))),
            }
        });
    };
    view! {
        <section class="card notice-info" aria-labelledby="supplement-heading">
            <h2 id="supplement-heading">{t!("application-supplement-heading")}</h2>
            <ErrorSummary errors=errors/>
            {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
            {fields.into_iter().map(|(path, field)| {
                let current = answers.get(&path).cloned();
                let p = path.clone();
                view! {
                    <SupplementField app_id=app_id.clone() path=p field=field value=current values=values errors=errors/>
                }
            }).collect_view()}
            <button type="button" class="button button-wide" on:click=submit>{t!("application-supplement-submit")}</button>
        </section>
    }
}

/// A supplement's field: text-like answers typed again, documents uploaded again.
#[component]
fn SupplementField(
    app_id: String,
    path: String,
    field: Field,
    value: Option<Answer>,
    values: RwSignal<Answers>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let id = field_dom_id(&path);
    let error = {
        let path = path.clone();
        Memo::new(move |_| {
            errors.with(|list| list.iter().find(|e| e.path == path).map(field_message))
        })
    };
    let drafts = use_drafts();
    let set = {
        let path = path.clone();
        move |answer: Option<Answer>| {
            drafts.record_supplement(&app_id, &path, answer.clone());
            values.update(|v| match answer {
                Some(a) => {
                    v.insert(path.clone(), a);
                }
                None => {
                    v.remove(&path);
                }
            })
        }
    };
    if let FieldKind::Material {
        later_allowed,
        certificates,
    } = &field.kind
    {
        let chosen = {
            let path = path.clone();
            move || values.with(|v| v.get(&path).cloned())
        };
        let before = value.clone();
        let value_now = Memo::new(move |_| chosen().or_else(|| before.clone()));
        return view! {
            <MaterialInput id=id label_text=label(&field.label) hint=None value=Signal::derive(move || value_now.get()) later_allowed=*later_allowed certificate=certificates.first().cloned() error=error commit=set/>
        }
        .into_any();
    }
    let error_id = format!("{id}-error");
    view! {
        <div class="form-field">
            <label for=id.clone()>{label(&field.label)}</label>
            <p class="hint">{t!("application-was", value = display(&value))}</p>
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="field-error">{e}</p> })}
            <input id=id.clone() type="text" aria-invalid=move || error.get().is_some().to_string() prop:value={
                let path = path.clone();
                let before = value.clone();
                move || text_of(&values.with(|v| v.get(&path).cloned()).or(before.clone()))
            } on:input=move |ev| { let v = event_target_value(&ev); set((!v.is_empty()).then_some(Answer::Text(v))); }/>
        </div>
    }
    .into_any()
}
