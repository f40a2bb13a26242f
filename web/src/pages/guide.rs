//! A matter's service guide (办事指南): every standard element, the best channel first, where
//! to go (`visit`), phones, FAQ, 跨省通办, read-aloud, and "apply online".

use super::*;

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
    let where_to_go = matter.clone();
    let ask_matter = matter.clone();
    // Opened to act for someone (`?for=` a mandate): the application is made in their name.
    let acting = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("for");
    let apply_href = crate::store::app_path(acting.as_deref(), &format!("/apply/{}", matter.code));
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
                {matter.cross_province.clone().map(|c| view! {
                    <li class="fact">
                        {t!("guide-cross-province")}"："{loader().get(c.mode.message_id())}
                        {c.note.as_ref().map(|n| view! { <span class="hint">" "{local(n)}</span> })}
                    </li>
                })}
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
            <super::visit::WhereToGo matter=where_to_go/>
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
            <super::ask::AskBox matter=ask_matter/>
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
