//! 好差评 in public: how satisfied people are with each department and hall, how bad ratings were
//! followed up and how long matters took against their promise. Anyone may open it; it holds no
//! personal data, and a department or hall with fewer than 5 ratings shows no figures.

use leptos::prelude::*;
use tongban_core::evaluation::{GroupFigures, GroupStats};

use crate::i18n::loader;
use crate::store::api;
use crate::t;

fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |d| format!("{d}"))
}

#[component]
fn Figures(figures: GroupFigures) -> impl IntoView {
    let f = figures;
    let levels = f
        .by_level
        .iter()
        .map(|c| view! { <li>{loader().get(c.level.message_id())}": "{c.count}</li> })
        .collect_view();
    view! {
        <dl class="check-answers">
            <div class="check-row"><dt>{t!("ratings-count")}</dt><dd>{f.ratings}</dd></div>
            <div class="check-row"><dt>{t!("ratings-satisfied")}</dt><dd class="ratings-satisfied">{format!("{} %", f.satisfied_percent)}</dd></div>
            <div class="check-row"><dt>{t!("ratings-rectified")}</dt><dd>{t!("ratings-rectified-value", on_time = f.rectified_on_time, all = f.rectifications)}</dd></div>
            <div class="check-row"><dt>{t!("ratings-days")}</dt><dd>{t!("ratings-days-value", took = days(f.median_days), promised = days(f.median_promised_days))}</dd></div>
        </dl>
        <ul class="plain-list ratings-levels">{levels}</ul>
    }
}

#[component]
fn Groups(groups: Vec<GroupStats>, min_group: u32, class: &'static str) -> impl IntoView {
    let language = crate::i18n::language();
    let (shown, hidden): (Vec<GroupStats>, Vec<GroupStats>) =
        groups.into_iter().partition(|g| g.figures.is_some());
    let hidden_names: Vec<String> = hidden
        .iter()
        .map(|g| g.name.for_language(&language).to_owned())
        .collect();
    view! {
        {shown.into_iter().map(|g| view! {
            <section class=format!("card {class}") data-id=g.id.clone()>
                <h3>{g.name.for_language(&language).to_owned()}</h3>
                {g.figures.map(|f| view! { <Figures figures=f/> })}
            </section>
        }).collect_view()}
        {(!hidden_names.is_empty()).then(|| view! {
            <details class={format!("card {class}-hidden")}>
                <summary>{t!("ratings-hidden", count = hidden_names.len(), min = min_group)}</summary>
                <ul class="plain-list">{hidden_names.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            </details>
        })}
    }
}

#[component]
pub fn RatingsPage() -> impl IntoView {
    let (attempt, set_attempt) = signal(0u32);
    let stats = LocalResource::new(move || {
        attempt.track();
        async move { api().evaluation_stats().await }
    });
    view! {
        <h1>{t!("ratings-title")}</h1>
        <p class="intro">{t!("ratings-intro")}</p>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match stats.await {
                    Ok(s) => view! {
                        <p class="hint">{t!("ratings-rules", min = s.min_group, callback = s.rules.callback_days, answer = s.rules.answer_days)}</p>
                        <h2>{t!("ratings-departments")}</h2>
                        <Groups groups=s.departments min_group=s.min_group class="ratings-department"/>
                        <h2>{t!("ratings-halls")}</h2>
                        <Groups groups=s.halls min_group=s.min_group class="ratings-hall"/>
                    }.into_any(),
                    Err(error) => view! {
                        <super::ErrorNotice error=error on_retry=move || set_attempt.update(|n| *n += 1)/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
