//! Acting for someone (亲友代办) on the web: grant a family member a mandate by their phone
//! number (all matters or chosen ones, from–to at most a year), see who acts for me and revoke
//! at once; as the agent, accept or decline, then act in the grantor's name (`acting.rs`). A
//! mandate that ended takes what was drafted under it off this device.

use leptos::prelude::*;
use tongban_core::calendar::Day;
use tongban_core::mandate::{latest_end, Mandate, MandateKind, MandateStatus, NewMandate};
use tongban_core::ApiError;

use super::error_text;
use crate::i18n::language;
use crate::store::{api, use_catalog};
use crate::t;

fn status_text(status: MandateStatus, active: bool) -> String {
    match status {
        MandateStatus::Offered => t!("mandate-status-offered"),
        MandateStatus::Accepted if active => t!("mandate-status-active"),
        MandateStatus::Accepted => t!("mandate-status-not-now"),
        MandateStatus::Declined => t!("mandate-status-declined"),
        MandateStatus::Revoked => t!("mandate-status-revoked"),
    }
}

fn today() -> Day {
    Day::of_timestamp((js_sys::Date::now() / 1000.0) as i64)
}

#[component]
pub fn MandatesPage() -> impl IntoView {
    view! { <crate::apply::NeedsAccount><Mandates/></crate::apply::NeedsAccount> }
}

#[component]
fn Mandates() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        refresh.track();
        async move {
            let list = api().mandates().await?;
            // What was drafted under a mandate that no longer acts leaves this device.
            for m in list.received.iter().filter(|m| !m.active) {
                crate::acting::forget_acting(Some(&m.id)).await;
            }
            Ok::<_, ApiError>(list)
        }
    });
    let notice = RwSignal::new(None::<String>);
    view! {
        <h1>{t!("mandates-title")}</h1>
        <p class="intro">{t!("mandates-intro")}</p>
        <p class="live-note" role="status">{move || notice.get()}</p>
        <GrantForm on_done=move || { notice.set(Some(t!("mandates-granted"))); refresh.update(|n| *n += 1); }/>
        <super::guardians::GuardianForm on_done=move || { notice.set(Some(t!("guardians-declared"))); refresh.update(|n| *n += 1); }/>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(l) => view! {
                        <section class="card" aria-labelledby="mandates-given">
                            <h2 id="mandates-given">{t!("mandates-given")}</h2>
                            {l.given.is_empty().then(|| view! { <p>{t!("mandates-none")}</p> })}
                            <ul class="plain-list mandates-given">
                                {l.given.into_iter().map(|m| view! { <MandateItem mandate=m given=true notice refresh/> }).collect_view()}
                            </ul>
                        </section>
                        <section class="card" aria-labelledby="mandates-received">
                            <h2 id="mandates-received">{t!("mandates-received")}</h2>
                            {l.received.is_empty().then(|| view! { <p>{t!("mandates-none")}</p> })}
                            <ul class="plain-list mandates-received">
                                {l.received.into_iter().map(|m| view! { <MandateItem mandate=m given=false notice refresh/> }).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn GrantForm(on_done: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let phone = RwSignal::new(String::new());
    // The matters chosen (none: every matter); each picked from the list adds one.
    let chosen = RwSignal::new(Vec::<String>::new());
    let from = RwSignal::new(today().to_string());
    let to = RwSignal::new(Day(today().0 + 30).to_string());
    let together = RwSignal::new(false);
    let error = RwSignal::new(None::<(String, String)>);
    let catalog = use_catalog();
    let matters = move || {
        catalog
            .get()
            .and_then(|r| r.ok())
            .map(|store| {
                store
                    .index
                    .documents
                    .iter()
                    .map(|d| {
                        (
                            d.summary.code.clone(),
                            d.summary.name.for_language(&language()).to_owned(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let field_error = move |field: &'static str| {
        move || {
            error.get().filter(|(f, _)| f == field).map(
                |(_, m)| view! { <p class="field-error" id=format!("grant-{field}-error")>{m}</p> },
            )
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(f), Some(t)) = (
            Day::parse(&from.get_untracked()),
            Day::parse(&to.get_untracked()),
        ) else {
            error.set(Some(("to".into(), t!("error-field-date"))));
            return;
        };
        let new = NewMandate {
            agent_phone: phone.get_untracked().trim().to_owned(),
            matters: chosen.get_untracked(),
            from: f,
            to: t,
            decide_together: together.get_untracked(),
        };
        let on_done = on_done.clone();
        leptos::task::spawn_local(async move {
            match api().grant_mandate(&new).await {
                Ok(_) => {
                    error.set(None);
                    phone.set(String::new());
                    on_done();
                }
                Err(e) => {
                    let field = match &e {
                        ApiError::Validation { fields, .. } => {
                            fields.first().map(|f| f.path.clone()).unwrap_or_default()
                        }
                        _ => String::new(),
                    };
                    let field = if field.starts_with("matters") {
                        "matter".to_owned()
                    } else {
                        field
                    };
                    error.set(Some((
                        if field.is_empty() {
                            "agent_phone".into()
                        } else {
                            field
                        },
                        error_text(&e),
                    )));
                }
            }
        });
    };
    let latest = move || {
        Day::parse(&from.get())
            .map(|f| latest_end(f).to_string())
            .unwrap_or_default()
    };
    view! {
        <form class="card grant" on:submit=submit>
            <h2>{t!("mandates-grant")}</h2>
            <div class="form-field">
                <label for="grant-agent_phone">{t!("mandates-agent-phone")}</label>
                <p class="hint">{t!("mandates-agent-phone-hint")}</p>
                <input id="grant-agent_phone" type="tel" inputmode="numeric" autocomplete="off" maxlength="11"
                    prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev))/>
                {field_error("agent_phone")}
            </div>
            <div class="form-field">
                <label for="grant-matter">{t!("mandates-matters")}</label>
                <p class="hint" id="grant-matter-hint">{t!("mandates-matters-hint")}</p>
                <select id="grant-matter" aria-describedby="grant-matter-hint" on:change=move |ev| {
                    let code = event_target_value(&ev);
                    if code.is_empty() {
                        chosen.set(Vec::new());
                    } else if !chosen.get_untracked().contains(&code) {
                        chosen.update(|c| c.push(code));
                    }
                }>
                    <option value="">{t!("mandates-all-matters")}</option>
                    {move || matters().into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                </select>
                <ul class="chosen-matters">
                    {move || {
                        let names = matters();
                        chosen.get().into_iter().map(|code| {
                            let name = names.iter().find(|(c, _)| *c == code).map(|(_, n)| n.clone()).unwrap_or_else(|| code.clone());
                            let label = t!("mandates-matter-remove", name = name.clone());
                            view! {
                                <li>
                                    <span>{name}</span>" "
                                    <button type="button" class="link-button" aria-label=label on:click=move |_| chosen.update(|c| c.retain(|x| *x != code))>"×"</button>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
                {field_error("matter")}
            </div>
            <div class="form-field">
                <label for="grant-from">{t!("mandates-from")}</label>
                <input id="grant-from" type="date" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))/>
                {field_error("from")}
            </div>
            <div class="form-field">
                <label for="grant-to">{t!("mandates-to")}</label>
                <p class="hint">{move || t!("mandates-to-hint", date = latest())}</p>
                <input id="grant-to" type="date" prop:max=latest prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))/>
                {field_error("to")}
            </div>
            <label class="setting">
                <input type="checkbox" prop:checked=move || together.get() on:change=move |ev| together.set(event_target_checked(&ev))/>
                <span>{t!("mandates-decide-together")}</span>
            </label>
            <p class="actions"><button type="submit" class="button grant-submit">{t!("mandates-grant-submit")}</button></p>
        </form>
    }
}

#[component]
fn MandateItem(
    mandate: Mandate,
    given: bool,
    notice: RwSignal<Option<String>>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let id = StoredValue::new(mandate.id.clone());
    let act = move |verb: &'static str| {
        move |_| {
            let id = id.get_value();
            leptos::task::spawn_local(async move {
                let r = match verb {
                    "accept" => api().accept_mandate(&id).await,
                    "decline" => api().decline_mandate(&id).await,
                    _ => api().revoke_mandate(&id).await,
                };
                match r {
                    Ok(m) => notice.set(Some(status_text(m.status, m.active))),
                    Err(e) => notice.set(Some(error_text(&e))),
                }
                refresh.update(|n| *n += 1);
            });
        }
    };
    let catalog = use_catalog();
    let matters = mandate.matters.clone();
    let scope = move || {
        if matters.is_empty() {
            return t!("mandates-all-matters");
        }
        let store = catalog.get().and_then(|r| r.ok());
        matters
            .iter()
            .map(|code| {
                store
                    .as_ref()
                    .and_then(|s| s.index.documents.iter().find(|d| &d.summary.code == code))
                    .map(|d| d.summary.name.for_language(&language()).to_owned())
                    .unwrap_or_else(|| code.clone())
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    let guardian = mandate.kind == MandateKind::Guardian;
    let scope = move || {
        if guardian {
            t!("mandate-kind-guardian")
        } else {
            scope()
        }
    };
    // A guardianship waits for a hall, not for the parent: its code (and a QR of it) to show.
    let hall_code = mandate.hall_code.clone().map(|code| {
        let qr = tongban_core::view::code_qr_svg(&code, 168);
        view! {
            <div class="hall-code">
                <p>{t!("guardians-hall-code", code = code.clone())}</p>
                <div class="qr" role="img" aria-label=t!("guardians-hall-code", code = code.clone()) inner_html=qr></div>
            </div>
        }
    });
    // What was done in the grantor's name under it (both sides may look).
    let record_id = mandate.id.clone();
    let record = LocalResource::new(move || {
        let id = record_id.clone();
        async move { api().mandate_record(&id).await }
    });
    let catalog_names = use_catalog();
    let acted = move || {
        let items = record.get().and_then(|r| r.ok())?.items;
        if items.is_empty() {
            return None;
        }
        let store = catalog_names.get().and_then(|r| r.ok());
        let name = |code: &str| {
            store
                .as_ref()
                .and_then(|s| s.index.documents.iter().find(|d| d.summary.code == code))
                .map(|d| d.summary.name.for_language(&language()).to_owned())
                .unwrap_or_else(|| code.to_owned())
        };
        Some(view! {
            <details class="acted">
                <summary>{t!("mandates-record", count = items.len())}</summary>
                <ul class="plain-list">
                    {items.into_iter().map(|a| {
                        let what = match a.kind {
                            tongban_core::mandate::ActedKind::Drafted => t!("mandates-record-drafted", matter = name(&a.form_id)),
                            tongban_core::mandate::ActedKind::Submitted => t!("mandates-record-submitted", matter = name(&a.form_id), receipt = a.receipt.clone().unwrap_or_default()),
                            tongban_core::mandate::ActedKind::Booked => t!("mandates-record-booked", matter = name(&a.form_id)),
                        };
                        view! { <li><span>{what}</span>" · "<span class="hint">{crate::format::date_time(a.at)}</span></li> }
                    }).collect_view()}
                </ul>
            </details>
        })
    };
    let offered = mandate.status == MandateStatus::Offered && !guardian;
    let live = matches!(
        mandate.status,
        MandateStatus::Offered | MandateStatus::Accepted
    );
    let act_href = format!("/for/{}", mandate.id);
    view! {
        <li class="mandate">
            <p><strong>{mandate.other_party.clone()}</strong>" · "<span class="badge">{status_text(mandate.status, mandate.active)}</span></p>
            <p>{scope}</p>
            <p class="hint">{t!("mandates-period", from = mandate.from.to_string(), to = mandate.to.to_string())}</p>
            {hall_code}
            {acted}
            <p class="actions">
                {(!given && offered).then(|| view! {
                    <button type="button" class="button accept-mandate" on:click=act("accept")>{t!("mandates-accept")}</button>
                    <button type="button" class="button button-secondary" on:click=act("decline")>{t!("mandates-decline")}</button>
                })}
                {(!given && mandate.active).then(|| view! {
                    <a class="button act-for" href=act_href>{t!("mandates-act")}</a>
                })}
                // A child cannot end their guardianship; the parent can give it up.
                {(live && !(given && guardian)).then(|| view! {
                    <button type="button" class="button button-secondary revoke-mandate" on:click=act("revoke")>
                        {if given { t!("mandates-revoke") } else { t!("mandates-give-back") }}
                    </button>
                })}
            </p>
        </li>
    }
}
