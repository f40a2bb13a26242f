//! A bundle (一件事: several matters, one application) and a life event's matters.

use super::*;

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
        let form_id = tongban_core::catalog::FormRef::Bundle(bundle.id.clone()).to_string();
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
                    <crate::apply::BundleProgress application_id=done.application_id.clone()/>
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
