//! The home page: search as you type, browse by life event and region; in care mode, the
//! matters seniors handle most, the 12345 hotline and how a family member can help.

use super::*;

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
                view! { <Results store=results_store.clone() query=q region=region.get()/> }.into_any()
            }
        }}
    }
}

/// Results as the query was read: the matters that explain it best, an honest line for what
/// was not understood or which places filtered them, and — when nothing could be looked for —
/// the ways that still lead somewhere (life events, the 12345 hotline).
#[component]
fn Results(store: Arc<CatalogStore>, query: String, region: String) -> impl IntoView {
    let results = store
        .search
        .search_explained(&query, &store::filter_for(&region), 20);
    let count = results.hits.len();
    let separator = t!("answer-list-separator");
    let places: Vec<String> = results
        .places
        .iter()
        .filter_map(|code| places_name(&store, code))
        .collect();
    // Places outside the region this device's index was cut for: their matters are not here.
    let outside: Vec<String> = results
        .places
        .iter()
        .filter(|code| !store.index.covers(code))
        .filter_map(|code| places_name(&store, code))
        .collect();
    let unmatched = results.unmatched.join(&separator);
    let cards = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let doc = store.search.document(&hit.code)?;
            Some(view! {
                <MatterCard matter=doc.summary.clone() highlight_zh=hit.highlight_zh highlight_en=hit.highlight_en/>
            })
        })
        .collect_view();
    let status = if !results.meaningful && places.is_empty() {
        t!("search-nothing")
    } else if count == 0 {
        t!("search-no-results")
    } else {
        t!("search-results-count", count = count)
    };
    view! {
        <section class="results" aria-labelledby="results-count">
            <p id="results-count" class="count" role="status" aria-live="polite">{status}</p>
            {(!places.is_empty()).then(|| view! {
                <p class="hint" id="results-places">{t!("search-in-places", places = places.join(&separator))}</p>
            })}
            {(!outside.is_empty()).then(|| {
                let reload = store::use_reload();
                view! {
                    <div class="notice notice-info" id="results-other-region">
                        <p>{t!("search-other-region", places = outside.join(&separator))}</p>
                        <button type="button" class="button button-secondary" on:click=move |_| {
                            store::save_region("");
                            reload.update(|n| *n += 1);
                        }>{t!("search-all-regions")}</button>
                    </div>
                }
            })}
            {(!unmatched.is_empty()).then(|| view! {
                <p class="notice notice-info" id="results-unmatched">{t!("search-not-understood", words = unmatched)}</p>
            })}
            <ul class="matters">{cards}</ul>
            {(count == 0).then(|| view! { <EmptyHelp store=store.clone()/> })}
        </section>
    }
}

/// Where to go when search found nothing: the life events, and a person on the phone.
/// A region's or place's name as the person reads it.
fn places_name(store: &CatalogStore, code: &str) -> Option<String> {
    let region = (store.index.regions.iter())
        .find(|r| r.code == code)
        .map(|r| local(&r.name));
    region.or_else(|| {
        (store.index.places.iter())
            .find(|p| p.region == code)
            .map(|p| p.name.clone())
    })
}

#[component]
fn EmptyHelp(store: Arc<CatalogStore>) -> impl IntoView {
    let events = store
        .index
        .life_events
        .iter()
        .map(|e| view! { <li><a class="event" href=format!("/event/{}", e.id)>{local(&e.name)}</a></li> })
        .collect_view();
    view! {
        <div class="empty-help" id="search-help">
            <p>{t!("search-empty-help")}</p>
            <ul class="event-grid">{events}</ul>
            <p><PhoneLink class="button button-secondary button-wide" number="12345".to_owned()>{t!("care-call-help")}</PhoneLink></p>
        </div>
    }
}

thread_local! {
    static REGION_CHANGED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
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
    let reload = store::use_reload();
    let select = NodeRef::<leptos::html::Select>::new();
    // Back after the index of the region just chosen arrived: the focus where the person left it.
    select.on_load(|el| {
        if REGION_CHANGED.take() {
            let _ = el.focus();
        }
    });
    view! {
        <div class="field region">
            <label for="region-select">{t!("region-label")}</label>
            <select
                id="region-select"
                node_ref=select
                on:change=move |ev| {
                    let code = event_target_value(&ev);
                    store::save_region(&code);
                    set_region.set(code);
                    // The index is cut per region: fetch the one for the region chosen.
                    REGION_CHANGED.set(true);
                    reload.update(|n| *n += 1);
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
