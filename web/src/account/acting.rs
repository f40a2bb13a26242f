//! Acting in someone's name under a mandate (亲友代办): the `/for/{mandate}/…` pages. The same
//! pages as one's own — the form, drafts, applications — under a banner naming the person, with
//! the drafts kept apart on this device and every request made under the mandate.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_params_map;
use tongban_core::ApiError;

use super::error_text;
use crate::i18n::language;
use crate::store::{api, api_for, use_catalog, Acting};
use crate::t;

/// The parent of every page in someone's name: names the mandate and its drafts for the pages
/// below (contexts given here reach the `Outlet`), and says whose name it is.
#[component]
pub fn ActingFor() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("mandate")
        .unwrap_or_default();
    provide_context(Acting(Some(id.clone())));
    if let Some(drafts) = crate::acting::acting_drafts(&id) {
        provide_context(drafts);
    }
    let mandate = LocalResource::new({
        let id = id.clone();
        move || {
            let id = id.clone();
            async move {
                api()
                    .mandates()
                    .await
                    .map(|l| l.received.into_iter().find(|m| m.id == id))
            }
        }
    });
    let banner = move || {
        mandate.get().map(|found| match found {
            Ok(Some(m)) if m.active => view! {
                <p class="notice acting-for">
                    {t!("mandates-acting-banner", name = m.other_party.clone())}" "
                    <a href=format!("/for/{}", m.id)>{t!("mandates-act-home")}</a>
                </p>
            }
            .into_any(),
            // Revoked, declined, out of its dates or never this person's: nothing under it works.
            Ok(_) => {
                let id = id.clone();
                leptos::task::spawn_local(async move {
                    crate::acting::forget_acting(Some(&id)).await;
                });
                view! { <p class="notice notice-error acting-ended" role="alert">{t!("mandates-acting-ended")}</p> }.into_any()
            }
            Err(ApiError::Network { .. }) => ().into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
        })
    };
    view! {
        {banner}
        <Outlet/>
    }
}

/// Acting for the grantor: their drafts and applications, their bookings, and the matters of
/// the mandate — online ones to apply for, ones that need a visit to book.
#[component]
pub fn ActingHome() -> impl IntoView {
    view! { <crate::apply::NeedsAccount><ActingHub/></crate::apply::NeedsAccount> }
}

#[component]
fn ActingHub() -> impl IntoView {
    let id = crate::store::use_acting().unwrap_or_default();
    let data = LocalResource::new({
        let id = id.clone();
        move || {
            let id = id.clone();
            async move {
                let mandate = api()
                    .mandates()
                    .await?
                    .received
                    .into_iter()
                    .find(|m| m.id == id)
                    .ok_or(ApiError::NotFound)?;
                let bookings = api_for(Some(&id)).appointments().await?;
                Ok::<_, ApiError>((mandate, bookings))
            }
        }
    });
    let catalog = use_catalog();
    view! {
        <h1>{t!("mandates-act")}</h1>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((mandate, bookings)) => {
                        let id = mandate.id.clone();
                        let in_scope = |code: &str| mandate.matters.is_empty() || mandate.matters.iter().any(|m| m == code);
                        let (online, visits) = catalog.get().and_then(|r| r.ok()).map(|store| {
                            let mut online = Vec::new();
                            let mut visits = Vec::new();
                            for d in store.index.documents.iter().filter(|d| in_scope(&d.summary.code)) {
                                let name = d.summary.name.for_language(&language()).to_owned();
                                if d.summary.visits_needed > 0 && !d.summary.fully_online {
                                    visits.push(view! { <li><a class="link-card" href=format!("/matter/{}?for={}#where", d.summary.code, id)>{name}</a></li> });
                                } else {
                                    online.push(view! { <li><a class="link-card apply-for" href=format!("/for/{}/apply/{}", id, d.summary.code)>{name}</a></li> });
                                }
                            }
                            (online, visits)
                        }).unwrap_or_default();
                        view! {
                            <nav class="card" aria-labelledby="acting-theirs">
                                <h2 id="acting-theirs">{t!("mandates-act-theirs")}</h2>
                                <ul class="links">
                                    <li><a class="link-card acting-drafts" href=format!("/for/{id}/drafts")>{t!("drafts-heading")}</a></li>
                                    <li><a class="link-card acting-applications" href=format!("/for/{id}/applications")>{t!("applications-heading")}</a></li>
                                </ul>
                            </nav>
                            <section class="card" aria-labelledby="acting-bookings">
                                <h2 id="acting-bookings">{t!("appointments-title")}</h2>
                                {bookings.items.is_empty().then(|| view! { <p>{t!("appointments-empty")}</p> })}
                                <ul class="plain-list acting-bookings">
                                    {bookings.items.into_iter().map(|a| view! {
                                        <li>
                                            <p><strong>{a.matter.for_language(&language()).to_owned()}</strong></p>
                                            <p>{tongban_core::view::slot_text(a.day, a.start, &crate::i18n::words())}" · "{a.hall.for_language(&language()).to_owned()}</p>
                                            <p class="code">{a.code}</p>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                            {(!online.is_empty()).then(|| view! {
                                <nav class="card" aria-labelledby="acting-apply">
                                    <h2 id="acting-apply">{t!("mandates-act-apply")}</h2>
                                    <ul class="links">{online}</ul>
                                </nav>
                            })}
                            {(!visits.is_empty()).then(|| view! {
                                <nav class="card" aria-labelledby="acting-matters">
                                    <h2 id="acting-matters">{t!("mandates-act-matters")}</h2>
                                    <ul class="links">{visits}</ul>
                                </nav>
                            })}
                        }.into_any()
                    }
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
