//! The form's flow: which draft, one question group per page, moving between pages (folding
//! typing into the draft first), the account's data filled in, where saving stands, the errors.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use tongban_core::form::{Answer, Answers, FieldGroup, FormSchema};
use tongban_core::{FieldError, LocalizedText};

use super::check::CheckAnswers;
use super::conflict::ConflictChoice;
use super::fields::FieldInput;
use super::{
    current_answers, focus_summary, label, load_form, now, today, ErrorSummary, NeedsAccount,
};
use crate::account::{error_text, login_path};
use crate::i18n::language;
use crate::random::uuid_v7;
use crate::store::app_path;
use crate::sync::{use_drafts, DeviceSave, Fold, SyncStatus};
use crate::t;

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
    let acting = drafts.acting();
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
        let path = app_path(
            acting.as_deref(),
            &format!(
                "/apply/{}?draft={id}&step=0",
                js_sys::encode_uri_component(&form_for_effect)
            ),
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
    // A draft named in the address that this device has not seen (made by someone acting for
    // the person, or on another device since this one loaded): fetched once.
    let fetched = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(id) = draft_id.get() else {
            return;
        };
        let missing = drafts
            .state
            .with(|s| s.as_ref().is_some_and(|s| !s.drafts.contains_key(&id)));
        if missing && !fetched.get_value() {
            fetched.set_value(true);
            leptos::task::spawn_local(async move { drafts.take_in_remote().await });
        }
    });
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
        let acting = drafts.acting();
        move |to: String| {
            drafts.fold_typed();
            let Some(id) = draft_id.get_untracked() else {
                return;
            };
            let path = app_path(
                acting.as_deref(),
                &format!(
                    "/apply/{}?draft={id}&step={to}",
                    js_sys::encode_uri_component(&form_id)
                ),
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
                        <p><a class="button" href=app_path(drafts.acting().as_deref(), &format!("/applications/{}", done.application_id))>{t!("apply-see-application")}</a></p>
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

/// Fills the fields the account knows (name, ID number, phone) with core's prefill, marking
/// them so the source is shown.
fn prefill(
    drafts: crate::sync::Drafts,
    draft_id: String,
    schema: FormSchema,
    prefilled: RwSignal<Vec<String>>,
) {
    leptos::task::spawn_local(async move {
        let Ok(profile) = drafts.api().profile().await else {
            return;
        };
        let filled = tongban_core::view::prefill(&schema, &profile, &Answers::new());
        prefilled.set(filled.iter().map(|(p, _)| p.clone()).collect());
        drafts.change(move |s| {
            let answered = s
                .drafts
                .get(&draft_id)
                .map(|d| d.answers.clone())
                .unwrap_or_default();
            for (path, value) in filled {
                if !answered.contains_key(&path) {
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
pub(super) fn SyncNotice() -> impl IntoView {
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
