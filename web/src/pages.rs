//! The pages. Each shows core's data in the person's language; none decides anything itself.

use leptos::prelude::*;
use tongban_core::{ApiClient, ApiError, Audience, MatterSummary};

use crate::i18n::{language, loader};
use crate::t;

/// The API at the origin the app was served from.
fn api() -> ApiClient {
    let origin = window().location().origin().unwrap_or_default();
    ApiClient::new(origin)
}

#[component]
pub fn Home() -> impl IntoView {
    let (attempt, set_attempt) = signal(0u32);
    let matters = LocalResource::new(move || {
        attempt.track();
        async move { api().list_matters().await }
    });
    view! {
        <h1>{t!("home-heading")}</h1>
        <p class="intro">{t!("home-intro")}</p>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("matters-loading")}</p> }>
            {move || Suspend::new(async move {
                match matters.await {
                    Ok(list) => view! { <MatterList matters=list/> }.into_any(),
                    Err(error) => view! {
                        <ErrorNotice error=error on_retry=move || set_attempt.update(|n| *n += 1)/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MatterList(matters: Vec<MatterSummary>) -> impl IntoView {
    if matters.is_empty() {
        return view! { <p class="status">{t!("matters-empty")}</p> }.into_any();
    }
    let count = matters.len();
    view! {
        <p class="count" id="matters-count">{t!("matters-count", count = count)}</p>
        <ul class="matters" aria-describedby="matters-count">
            {matters.into_iter().map(|m| view! { <MatterCard matter=m/> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn MatterCard(matter: MatterSummary) -> impl IntoView {
    let lang = language();
    let audience = match matter.audience {
        Audience::Person => t!("audience-person"),
        Audience::Business => t!("audience-business"),
    };
    let matter_type = loader().get(matter.matter_type.message_id());
    let days = matter.promised_days;
    view! {
        <li class="matter" data-code=matter.code.clone()>
            <h2 class="matter-name">{matter.name.for_language(&lang).to_owned()}</h2>
            <p class="matter-department">
                {t!("matter-department", department = matter.department.for_language(&lang).to_owned())}
            </p>
            <ul class="matter-facts">
                {matter.fully_online.then(|| view! { <li class="fact fact-online">{t!("matter-fully-online")}</li> })}
                <li class="fact">{t!("matter-visits", count = matter.visits_needed)}</li>
                <li class="fact">{t!("matter-promised-days", days = days)}</li>
                <li class="fact fact-muted">{matter_type}" · "{audience}</li>
            </ul>
        </li>
    }
}

#[component]
fn ErrorNotice(error: ApiError, on_retry: impl Fn() + 'static) -> impl IntoView {
    let message = loader().get(error.message_id());
    let retryable = error.is_retryable();
    view! {
        <div class="notice notice-error" role="alert">
            <p>{message}</p>
            {retryable.then(|| view! { <button type="button" class="button" on:click=move |_| on_retry()>{t!("retry")}</button> })}
        </div>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>{t!("not-found-heading")}</h1>
        <p><a class="button" href="/">{t!("not-found-back")}</a></p>
    }
}
