//! The pages. Each shows core's data in the person's language; none decides anything itself.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tongban_core::catalog::{ChannelKind, MaterialForm, Matter, Requirement};
use tongban_core::search::SearchFilter;
use tongban_core::{ApiError, Audience, LocalizedText, MatterSummary};
use wasm_bindgen::JsCast;

use crate::host::PhoneLink;
use crate::i18n::{language, loader};
use crate::prefs::use_care;
use crate::store::{self, api, use_catalog, use_reload, CatalogStore};
use crate::t;

fn local(text: &LocalizedText) -> String {
    text.for_language(&language()).to_owned()
}

/// Shows `render(store)` once the catalog is loaded; a clear message and a retry button otherwise.
fn with_catalog<V: IntoView + 'static>(
    render: impl Fn(Arc<CatalogStore>) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let catalog = use_catalog();
    let reload = use_reload();
    view! {
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("catalog-loading")}</p> }>
            {
                let render = render.clone();
                move || {
                    let render = render.clone();
                    Suspend::new(async move {
                        match catalog.await {
                            Ok(store) => render(store).into_any(),
                            Err(error) => view! {
                                <ErrorNotice error=error on_retry=move || reload.update(|n| *n += 1)/>
                            }
                            .into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let (query, set_query) = signal(String::new());
    view! {
        <CarePrompt/>
        <h1>{t!("home-heading")}</h1>
        <p class="intro">{t!("home-intro")}</p>
        <form role="search" class="search" on:submit=|ev| ev.prevent_default()>
            <label for="search-input" class="search-label">{t!("search-label")}</label>
            <input
                id="search-input"
                class="search-input"
                type="search"
                autocomplete="off"
                enterkeyhint="search"
                aria-describedby="search-hint"
                placeholder=t!("search-placeholder")
                prop:value=query
                on:input=move |ev| set_query.set(event_target_value(&ev))
            />
            <p id="search-hint" class="hint">{t!("search-hint")}</p>
        </form>
        {with_catalog(move |store| view! { <HomeBody store=store query=query/> })}
    }
}

#[component]
fn HomeBody(store: Arc<CatalogStore>, query: ReadSignal<String>) -> impl IntoView {
    let (region, set_region) = signal(store::saved_region());
    let (audience, set_audience) = signal(Audience::Person);
    let results_store = store.clone();
    let browse_store = store.clone();
    view! {
        <RegionSelect store=store.clone() region=region set_region=set_region/>
        {move || {
            let q = query.get();
            if q.trim().is_empty() && use_care().on.get() {
                view! { <CareBrowse store=browse_store.clone() region=region/> }.into_any()
            } else if q.trim().is_empty() {
                view! {
                    <Browse store=browse_store.clone() region=region audience=audience set_audience=set_audience/>
                }
                .into_any()
            } else {
                let hits = results_store.search.search(&q, &store::filter_for(&region.get()), 20);
                let count = hits.len();
                let cards = hits
                    .into_iter()
                    .filter_map(|hit| {
                        let doc = results_store.search.document(&hit.code)?;
                        Some(view! {
                            <MatterCard matter=doc.summary.clone() highlight_zh=hit.highlight_zh highlight_en=hit.highlight_en/>
                        })
                    })
                    .collect_view();
                view! {
                    <section class="results" aria-labelledby="results-count">
                        <p id="results-count" class="count" role="status" aria-live="polite">
                            {if count == 0 { t!("search-no-results") } else { t!("search-results-count", count = count) }}
                        </p>
                        <ul class="matters">{cards}</ul>
                    </section>
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn RegionSelect(
    store: Arc<CatalogStore>,
    region: ReadSignal<String>,
    set_region: WriteSignal<String>,
) -> impl IntoView {
    let mut regions = store.index.regions.clone();
    // Provinces, each followed by its cities.
    regions.sort_by(|a, b| {
        let key = |r: &tongban_core::catalog::Region| {
            (
                r.parent.clone().unwrap_or_else(|| r.code.clone()),
                r.parent.is_some(),
                r.code.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let options = regions
        .into_iter()
        .filter(|r| r.code != tongban_core::search::NATIONAL)
        .map(|r| {
            let label = if r.parent.is_some() {
                format!("　{}", local(&r.name))
            } else {
                local(&r.name)
            };
            let code = r.code.clone();
            view! { <option value=r.code selected=move || region.get() == code>{label}</option> }
        })
        .collect_view();
    view! {
        <div class="field region">
            <label for="region-select">{t!("region-label")}</label>
            <select
                id="region-select"
                on:change=move |ev| {
                    let code = event_target_value(&ev);
                    store::save_region(&code);
                    set_region.set(code);
                }
            >
                <option value="" selected=move || region.get().is_empty()>{t!("region-all")}</option>
                {options}
            </select>
        </div>
    }
}

/// The first-run question: care mode or standard. Inline, never a pop-up over the page.
#[component]
fn CarePrompt() -> impl IntoView {
    let care = use_care();
    move || {
        (!care.chosen.get()).then(|| {
            view! {
                <section class="notice care-prompt" aria-labelledby="care-prompt-heading">
                    <h2 id="care-prompt-heading">{t!("care-prompt-heading")}</h2>
                    <p>{t!("care-prompt-body")}</p>
                    <p class="actions">
                        <button type="button" class="button" on:click=move |_| care.set(true)>{t!("care-mode-enter")}</button>
                        <button type="button" class="button button-secondary" on:click=move |_| care.set(false)>
                            {t!("care-prompt-keep")}
                        </button>
                    </p>
                </section>
            }
        })
    }
}

/// Words in the names of the matters seniors handle most (养老金资格认证, 社保卡, 医保, 高龄津贴 …).
const SENIOR_MATTERS: [&str; 7] = [
    "资格认证",
    "养老",
    "高龄",
    "老年",
    "社会保障卡",
    "医保",
    "异地就医",
];

/// Care mode's home: fewer choices, the matters seniors handle most, help by phone, and family.
#[component]
fn CareBrowse(store: Arc<CatalogStore>, region: ReadSignal<String>) -> impl IntoView {
    let common = move || {
        let filter = SearchFilter {
            audience: Some(Audience::Person),
            ..store::filter_for(&region.get())
        };
        store
            .search
            .browse(&filter)
            .filter(|d| SENIOR_MATTERS.iter().any(|w| d.summary.name.zh.contains(w)))
            .take(8)
            .map(|d| view! { <MatterCard matter=d.summary.clone()/> })
            .collect_view()
    };
    view! {
        <section aria-labelledby="care-common-heading">
            <h2 id="care-common-heading">{t!("care-common-heading")}</h2>
            <ul class="matters">{common}</ul>
        </section>
        <section aria-labelledby="care-help-heading" class="care-help">
            <h2 id="care-help-heading">{t!("care-help-heading")}</h2>
            <p><PhoneLink class="button button-wide" number="12345".to_owned()>{t!("care-call-help")}</PhoneLink></p>
            <p><a class="button button-secondary button-wide" href="/help/proxy">{t!("care-proxy")}</a></p>
        </section>
    }
}

#[component]
fn Browse(
    store: Arc<CatalogStore>,
    region: ReadSignal<String>,
    audience: ReadSignal<Audience>,
    set_audience: WriteSignal<Audience>,
) -> impl IntoView {
    let tab = move |a: Audience, label: String| {
        view! {
            <button
                type="button"
                class="tab"
                aria-pressed=move || (audience.get() == a).to_string()
                on:click=move |_| set_audience.set(a)
            >
                {label}
            </button>
        }
    };
    let events_store = store.clone();
    let popular_store = store.clone();
    view! {
        <div class="tabs" role="group" aria-label=t!("audience-switch-label")>
            {tab(Audience::Person, t!("audience-person"))}
            {tab(Audience::Business, t!("audience-business"))}
        </div>
        <section aria-labelledby="events-heading">
            <h2 id="events-heading">{t!("life-events-heading")}</h2>
            <ul class="event-grid">
                {move || {
                    events_store
                        .index
                        .life_events
                        .iter()
                        .filter(|e| e.audience == audience.get())
                        .map(|e| view! { <li><a class="event" href=format!("/event/{}", e.id)>{local(&e.name)}</a></li> })
                        .collect_view()
                }}
            </ul>
        </section>
        <section aria-labelledby="popular-heading">
            <h2 id="popular-heading">{t!("popular-heading")}</h2>
            <ul class="matters">
                {move || {
                    let filter = SearchFilter { audience: Some(audience.get()), ..store::filter_for(&region.get()) };
                    popular_store
                        .search
                        .browse(&filter)
                        .take(6)
                        .map(|d| view! { <MatterCard matter=d.summary.clone()/> })
                        .collect_view()
                }}
            </ul>
        </section>
        <section aria-labelledby="bundles-heading">
            <h2 id="bundles-heading">{t!("bundles-heading")}</h2>
            <ul class="links">
                {move || {
                    store
                        .index
                        .bundles
                        .iter()
                        .filter(|b| b.audience == audience.get())
                        .map(|b| {
                            view! {
                                <li>
                                    <a class="link-card" href=format!("/bundle/{}", b.id)>
                                        <strong>{local(&b.name)}</strong>
                                        <span>{t!("bundle-matters-count", count = b.matters.len())}</span>
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

/// A text with some character ranges marked.
fn highlighted(text: &str, ranges: &[(usize, usize)]) -> impl IntoView {
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut at = 0;
    let mut sorted = ranges.to_vec();
    sorted.sort();
    for (start, end) in sorted {
        let (start, end) = (start.min(chars.len()).max(at), end.min(chars.len()));
        if start >= end {
            continue;
        }
        parts.push(view! { {chars[at..start].iter().collect::<String>()} }.into_any());
        parts
            .push(view! { <mark>{chars[start..end].iter().collect::<String>()}</mark> }.into_any());
        at = end;
    }
    parts.push(view! { {chars[at..].iter().collect::<String>()} }.into_any());
    parts
}

#[component]
fn MatterCard(
    matter: MatterSummary,
    #[prop(optional)] highlight_zh: Vec<(usize, usize)>,
    #[prop(optional)] highlight_en: Vec<(usize, usize)>,
) -> impl IntoView {
    let lang = language();
    let english = lang.starts_with("en") && matter.name.en.is_some();
    let name = matter.name.for_language(&lang).to_owned();
    let marks = if english { highlight_en } else { highlight_zh };
    let audience = match matter.audience {
        Audience::Person => t!("audience-person"),
        Audience::Business => t!("audience-business"),
    };
    let matter_type = loader().get(matter.matter_type.message_id());
    view! {
        <li class="matter" data-code=matter.code.clone()>
            <h3 class="matter-name">
                <a href=format!("/matter/{}", matter.code)>{highlighted(&name, &marks)}</a>
            </h3>
            <p class="matter-department">{t!("matter-department", department = local(&matter.department))}</p>
            <ul class="matter-facts">
                {matter.fully_online.then(|| view! { <li class="fact fact-online">{t!("matter-fully-online")}</li> })}
                <li class="fact">{t!("matter-visits", count = matter.visits_needed)}</li>
                <li class="fact">{t!("matter-promised-days", days = matter.promised_days)}</li>
                <li class="fact fact-muted">{matter_type}" · "{audience}</li>
            </ul>
        </li>
    }
}

#[component]
fn ErrorNotice(error: ApiError, on_retry: impl Fn() + 'static) -> impl IntoView {
    let message = crate::account::error_text(&error);
    let retryable = error.is_retryable();
    view! {
        <div class="notice notice-error" role="alert">
            <p>{message}</p>
            {retryable.then(|| view! { <button type="button" class="button" on:click=move |_| on_retry()>{t!("retry")}</button> })}
        </div>
    }
}

#[component]
pub fn MatterPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let (attempt, set_attempt) = signal(0u32);
    let guide = LocalResource::new(move || {
        attempt.track();
        let code = code();
        async move { api().matter_guide(&code).await }
    });
    view! {
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("guide-loading")}</p> }>
            {move || Suspend::new(async move {
                match guide.await {
                    Ok(matter) => view! { <Guide matter=matter/> }.into_any(),
                    Err(error) => view! {
                        <ErrorNotice error=error on_retry=move || set_attempt.update(|n| *n += 1)/>
                        <p><a class="button" href="/">{t!("not-found-back")}</a></p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

fn channel_label(kind: ChannelKind) -> String {
    match kind {
        ChannelKind::Online => t!("channel-online"),
        ChannelKind::Mobile => t!("channel-mobile"),
        ChannelKind::Hall => t!("channel-hall"),
        ChannelKind::SelfService => t!("channel-self-service"),
        ChannelKind::Post => t!("channel-post"),
    }
}

fn form_label(form: MaterialForm) -> String {
    match form {
        MaterialForm::Original => t!("material-form-original"),
        MaterialForm::Copy => t!("material-form-copy"),
        MaterialForm::OriginalAndCopy => t!("material-form-original-and-copy"),
        MaterialForm::Electronic => t!("material-form-electronic"),
    }
}

/// A service guide in the order people need it: what to bring, how long, how many visits,
/// where, then the rest.
#[component]
fn Guide(matter: Matter) -> impl IntoView {
    let channels = matter
        .channels_best_first()
        .into_iter()
        .map(|c| {
            view! {
                <li class="channel" class:channel-best=c.best>
                    <strong>{channel_label(c.kind)}</strong>
                    {c.best.then(|| view! { " " <span class="badge badge-best">{t!("guide-channel-best")}</span> })}
                    <p>{local(&c.description)}</p>
                </li>
            }
        })
        .collect_view();
    let materials = matter
        .materials
        .iter()
        .map(|m| {
            let requirement = match m.requirement {
                Requirement::Required => view! { <span class="badge">{t!("material-required")}</span> }.into_any(),
                Requirement::Optional => view! { <span class="badge badge-muted">{t!("material-optional")}</span> }.into_any(),
                Requirement::MaySupplyLater => view! { <span class="badge badge-later">{t!("material-later")}</span> }.into_any(),
            };
            view! {
                <li class="material">
                    <strong>{local(&m.name)}</strong>
                    <p class="material-facts">
                        {requirement}" "
                        {(!m.replaced_by_certificates.is_empty())
                            .then(|| view! { <span class="badge badge-ok">{t!("material-certificate")}</span> " " })}
                        <span>{form_label(m.form)}" · "{t!("material-count", count = m.count)}</span>
                    </p>
                    <p class="muted">{t!("material-source", source = local(&m.source))}</p>
                    {m.note.as_ref().map(|n| view! { <p class="muted">{local(n)}</p> })}
                </li>
            }
        })
        .collect_view();
    let list = |items: &[LocalizedText]| {
        items
            .iter()
            .map(|i| view! { <li>{local(i)}</li> })
            .collect_view()
    };
    let points = matter
        .service_points
        .iter()
        .map(|p| {
            let map = format!("geo:{},{}", p.latitude, p.longitude);
            let call_label = t!("service-point-call", phone = p.phone.clone());
            view! {
                <li class="service-point">
                    <strong>{local(&p.name)}</strong>
                    <p>{local(&p.address)}</p>
                    <p class="muted">{t!("service-point-hours", hours = local(&p.hours))}</p>
                    <p class="actions">
                        <PhoneLink class="button button-secondary" number=p.phone.clone()>{call_label}</PhoneLink>
                        <a class="button button-secondary" href=map>{t!("service-point-map")}</a>
                    </p>
                </li>
            }
        })
        .collect_view();
    let faq = matter
        .faq
        .iter()
        .map(|f| view! { <details class="faq"><summary>{local(&f.question)}</summary><p>{local(&f.answer)}</p></details> })
        .collect_view();
    let fee = if matter.fee.free {
        t!("guide-fee-free")
    } else {
        matter
            .fee
            .description
            .as_ref()
            .map(local)
            .unwrap_or_default()
    };
    let apply_href = format!("/apply/{}", matter.code);
    let bundles = move || {
        use_catalog().get().and_then(|r| r.ok()).map(|store| {
            store
                .index
                .bundles
                .iter()
                .filter(|b| b.matters.contains(&matter.code))
                .map(
                    |b| view! { <li><a href=format!("/bundle/{}", b.id)>{local(&b.name)}</a></li> },
                )
                .collect_view()
        })
    };
    let has_points = !matter.service_points.is_empty();
    let has_faq = !matter.faq.is_empty();
    view! {
        <article class="guide">
            <h1>{local(&matter.name)}</h1>
            <ReadAloud/>
            <p class="muted">{local(&matter.department)}</p>
            <p class="actions">
                <a class="button button-wide apply-link" href=apply_href>{t!("apply-start")}</a>
            </p>
            <ul class="matter-facts">
                {matter.fully_online.then(|| view! { <li class="fact fact-online">{t!("matter-fully-online")}</li> })}
                {matter.cross_province.then(|| view! { <li class="fact">{t!("guide-cross-province")}</li> })}
                {(matter.real_name_level >= tongban_core::auth::RealNameLevel::IdentityVerified)
                    .then(|| view! { <li class="fact">{t!("guide-needs-identity")}</li> })}
            </ul>
            <section aria-labelledby="glance">
                <h2 id="glance">{t!("guide-at-a-glance")}</h2>
                <dl class="glance">
                    <dt>{t!("guide-time")}</dt>
                    <dd>{t!("matter-promised-days", days = matter.promised_days)}" · "{t!("guide-legal-days", days = matter.legal_days)}</dd>
                    <dt>{t!("guide-visits")}</dt>
                    <dd>{t!("matter-visits", count = matter.visits_needed)}</dd>
                    <dt>{t!("guide-fee")}</dt>
                    <dd>{fee}</dd>
                </dl>
            </section>
            <section aria-labelledby="materials">
                <h2 id="materials">{t!("guide-materials")}</h2>
                <ul class="materials">{materials}</ul>
            </section>
            <section aria-labelledby="channels">
                <h2 id="channels">{t!("guide-channels")}</h2>
                <ul class="channels">{channels}</ul>
            </section>
            {has_points.then(|| view! {
                <section aria-labelledby="points">
                    <h2 id="points">{t!("guide-service-points")}</h2>
                    <ul class="service-points">{points}</ul>
                </section>
            })}
            <section aria-labelledby="conditions">
                <h2 id="conditions">{t!("guide-conditions")}</h2>
                <ul>{list(&matter.conditions)}</ul>
            </section>
            <section aria-labelledby="steps">
                <h2 id="steps">{t!("guide-steps")}</h2>
                <ol class="steps">
                    {matter.steps.iter().map(|s| view! { <li><strong>{local(&s.name)}</strong><p>{local(&s.description)}</p></li> }).collect_view()}
                </ol>
            </section>
            {has_faq.then(|| view! {
                <section aria-labelledby="faq">
                    <h2 id="faq">{t!("guide-faq")}</h2>
                    {faq}
                </section>
            })}
            <section aria-labelledby="basis">
                <h2 id="basis">{t!("guide-basis")}</h2>
                <ul>{list(&matter.legal_basis)}</ul>
            </section>
            <section aria-labelledby="contact">
                <h2 id="contact">{t!("guide-contact")}</h2>
                <p><PhoneLink number=matter.consultation_phone.clone()>{t!("guide-consultation", phone = matter.consultation_phone.clone())}</PhoneLink></p>
                <p><PhoneLink number=matter.complaint_phone.clone()>{t!("guide-complaint", phone = matter.complaint_phone.clone())}</PhoneLink></p>
            </section>
            <section aria-labelledby="in-bundles">
                <h2 id="in-bundles">{t!("guide-in-bundles")}</h2>
                <ul>{bundles}</ul>
            </section>
        </article>
    }
}

#[component]
pub fn BundlePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    with_catalog(move |store| {
        let Some(bundle) = store.index.bundles.iter().find(|b| b.id == id()).cloned() else {
            return view! { <NotFound/> }.into_any();
        };
        let matters = bundle
            .matters
            .iter()
            .filter_map(|code| store.search.document(code))
            .map(|d| view! { <MatterCard matter=d.summary.clone()/> })
            .collect_view();
        // The bundle as a task list: where this person's one application for it stands.
        let form_id = format!("bundle:{}", bundle.id);
        let drafts = crate::sync::use_drafts();
        let progress = {
            let form_id = form_id.clone();
            move || {
                drafts.state.with(|s| {
                    let mut mine: Vec<_> = s
                        .as_ref()
                        .map(|s| {
                            s.drafts
                                .values()
                                .filter(|d| d.form_id == form_id && !d.deleted)
                                .cloned()
                                .collect()
                        })
                        .unwrap_or_default();
                    mine.sort_by_key(|d| std::cmp::Reverse(d.updated_at));
                    mine.into_iter().next()
                })
            }
        };
        let task = move || {
            match progress() {
            None => view! { <p class="task-state"><span class="badge badge-muted">{t!("bundle-not-started")}</span></p> }.into_any(),
            Some(d) => match d.submitted {
                Some(done) => view! {
                    <p class="task-state">
                        <span class="badge badge-ok">{t!("status-submitted")}</span>" "
                        <a href=format!("/applications/{}", done.application_id)>{t!("application-receipt", receipt = done.receipt)}</a>
                    </p>
                }
                .into_any(),
                None => view! { <p class="task-state"><span class="badge badge-later">{t!("bundle-in-progress")}</span></p> }.into_any(),
            },
        }
        };
        view! {
            <article class="bundle">
                <h1>{local(&bundle.name)}</h1>
                {task}
                <p class="actions">
                    <a class="button button-wide apply-link" href=format!("/apply/{form_id}")>{t!("bundle-apply")}</a>
                </p>
                <p>{local(&bundle.description)}</p>
                <p class="count">{t!("bundle-matters-count", count = bundle.matters.len())}</p>
                <section aria-labelledby="shared">
                    <h2 id="shared">{t!("bundle-shared")}</h2>
                    <ul>{bundle.shared_information.iter().map(|i| view! { <li>{local(i)}</li> }).collect_view()}</ul>
                </section>
                <section aria-labelledby="included">
                    <h2 id="included">{t!("bundle-matters")}</h2>
                    <ol class="matters">{matters}</ol>
                </section>
            </article>
        }
        .into_any()
    })
}

#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    with_catalog(move |store| {
        let id = id();
        let Some(event) = store.index.life_events.iter().find(|e| e.id == id).cloned() else {
            return view! { <NotFound/> }.into_any();
        };
        let filter = SearchFilter {
            life_event: Some(id.clone()),
            ..store::filter_for(&store::saved_region())
        };
        let matters = store
            .search
            .browse(&filter)
            .map(|d| view! { <MatterCard matter=d.summary.clone()/> })
            .collect_view();
        let bundles = store
            .index
            .bundles
            .iter()
            .filter(|b| b.life_event == id)
            .map(|b| view! { <li><a class="link-card" href=format!("/bundle/{}", b.id)><strong>{local(&b.name)}</strong></a></li> })
            .collect_view();
        view! {
            <h1>{local(&event.name)}</h1>
            <ul class="links">{bundles}</ul>
            <h2>{t!("event-matters")}</h2>
            <ul class="matters">{matters}</ul>
        }
        .into_any()
    })
}

/// How a family member can handle a matter for someone (代办). The consent grant itself comes
/// with accounts; until then this page says plainly what can be done today.
#[component]
pub fn ProxyHelp() -> impl IntoView {
    view! {
        <article class="guide">
            <h1>{t!("proxy-heading")}</h1>
            <p>{t!("proxy-intro")}</p>
            <section aria-labelledby="proxy-today">
                <h2 id="proxy-today">{t!("proxy-today-heading")}</h2>
                <ul>
                    <li>{t!("proxy-today-hall")}</li>
                    <li>{t!("proxy-today-phone")}</li>
                </ul>
                <p><PhoneLink class="button" number="12345".to_owned()>{t!("care-call-help")}</PhoneLink></p>
            </section>
            <section aria-labelledby="proxy-soon">
                <h2 id="proxy-soon">{t!("proxy-soon-heading")}</h2>
                <p>{t!("proxy-soon-body")}</p>
            </section>
        </article>
    }
}

/// Reads the guide aloud in the page's language with the browser's speech synthesis; shown only
/// where the browser has it, so it is never a dead button.
#[component]
pub fn ReadAloud(
    /// What to read: the guide, or a form page's questions (labels, hints, choices).
    #[prop(default = "article.guide")]
    target: &'static str,
) -> impl IntoView {
    let synth = window().speech_synthesis().ok();
    let (speaking, set_speaking) = signal(false);
    synth.map(|synth| {
        let toggle = move |_| {
            if speaking.get_untracked() {
                synth.cancel();
                set_speaking.set(false);
                return;
            }
            let text = document()
                .query_selector(target)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                .map(|e| e.inner_text())
                .unwrap_or_default();
            if let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(&text) {
                utterance.set_lang(&language());
                let done = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || set_speaking.set(false));
                utterance.set_onend(Some(done.as_ref().unchecked_ref()));
                done.forget();
                synth.speak(&utterance);
                set_speaking.set(true);
            }
        };
        view! {
            <button type="button" class="button button-secondary read-aloud" aria-pressed=move || speaking.get().to_string() on:click=toggle>
                {move || if speaking.get() { t!("read-aloud-stop") } else { t!("read-aloud") }}
            </button>
        }
    })
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>{t!("not-found-heading")}</h1>
        <p><a class="button" href="/">{t!("not-found-back")}</a></p>
    }
}
