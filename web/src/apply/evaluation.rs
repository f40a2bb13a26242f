//! 好差评 on the person's side: rating a done application (or a visit to a hall) on the five
//! levels, with the channel's indicators folded away and a comment that a bad rating needs; then
//! the rating, each department's follow-up of a bad one (callback and answer dates, the answer)
//! and, once every department answered, the one chance to rate again.

use leptos::prelude::*;
use tongban_core::evaluation::{
    Channel, Evaluation, IndicatorRating, Level, NewEvaluation, COMMENT_MAX,
};
use tongban_core::{ApiClient, ApiError, FieldError};

use super::field_message;
use crate::account::{error_text, focus};
use crate::format::date_time;
use crate::i18n::loader;
use crate::t;

/// What is rated.
#[derive(Clone, Debug, PartialEq)]
pub enum Rated {
    Application(String),
    Visit(String),
}

impl Rated {
    fn channel(&self) -> Channel {
        match self {
            Self::Application(_) => Channel::Online,
            Self::Visit(_) => Channel::Hall,
        }
    }

    async fn load(&self, api: &ApiClient) -> Result<Evaluation, ApiError> {
        match self {
            Self::Application(id) => api.application_evaluation(id).await,
            Self::Visit(id) => api.visit_evaluation(id).await,
        }
    }

    async fn rate(&self, api: &ApiClient, rating: &NewEvaluation) -> Result<Evaluation, ApiError> {
        match self {
            Self::Application(id) => api.rate_application(id, rating).await,
            Self::Visit(id) => api.rate_visit(id, rating).await,
        }
    }
}

fn level_text(level: Level) -> String {
    loader().get(level.message_id())
}

/// The rating card (`#rate`): the form while unrated, else the rating and its follow-up.
#[component]
pub fn RateCard(subject: Rated) -> impl IntoView {
    let subject = StoredValue::new(subject);
    let api = StoredValue::new(crate::store::use_api());
    let (version, set_version) = signal(0u32);
    let rated = RwSignal::new(None::<Evaluation>);
    let loaded = LocalResource::new(move || {
        version.track();
        async move { subject.get_value().load(&api.get_value()).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(e)) = loaded.get() {
            rated.set(Some(e));
        }
    });
    // Opened from the message centre (`#rate`): the card, not the top of the page.
    Effect::new(move |_| {
        if loaded.get().is_some() && window().location().hash().ok().as_deref() == Some("#rate") {
            request_animation_frame(|| {
                if let Some(card) = document().get_element_by_id("rate") {
                    card.scroll_into_view();
                }
            });
        }
    });
    let again = RwSignal::new(false);
    view! {
        <section class="card rate-card" id="rate" aria-labelledby="rate-heading">
            <h2 id="rate-heading">{t!("evaluation-heading")}</h2>
            {move || match (loaded.get(), rated.get()) {
                (_, Some(e)) if !again.get() => view! {
                    <RatingShown evaluation=e again=again/>
                }.into_any(),
                (_, Some(_)) => view! {
                    <p class="intro">{t!("evaluation-rerate-intro")}</p>
                    <RateForm subject=subject.get_value() on_rated=move |e| { again.set(false); rated.set(Some(e)); }/>
                }.into_any(),
                (Some(Err(ApiError::NotFound)), None) => view! {
                    <p class="intro">{t!("evaluation-intro")}</p>
                    <RateForm subject=subject.get_value() on_rated=move |e| rated.set(Some(e))/>
                }.into_any(),
                (Some(Err(e)), None) => view! {
                    <p class="notice notice-error" role="alert">{error_text(&e)}</p>
                    <button type="button" class="button button-secondary" on:click=move |_| set_version.update(|n| *n += 1)>{t!("retry")}</button>
                }.into_any(),
                _ => view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn RatingShown(evaluation: Evaluation, again: RwSignal<bool>) -> impl IntoView {
    let e = evaluation;
    let indicators = e
        .indicators
        .iter()
        .map(|r| {
            view! {
                <div class="check-row"><dt>{loader().get(r.indicator.message_id())}</dt><dd>{level_text(r.level)}</dd></div>
            }
        })
        .collect_view();
    let follow_up = e
        .rectifications
        .iter()
        .map(|r| {
            let department = r.department.name.for_language(&crate::i18n::language()).to_owned();
            view! {
                <li class="rectification">
                    <p>
                        <strong>{department}</strong>" "
                        <span class="badge">{loader().get(r.status.message_id())}</span>
                        {r.overdue.then(|| view! { " " <span class="badge badge-error">{t!("rectification-overdue")}</span> })}
                    </p>
                    {r.status.is_open().then(|| view! {
                        <p class="hint">{t!("rectification-deadlines", callback = r.callback_by.clone(), answer = r.answer_by.clone())}</p>
                    })}
                    {r.answer.clone().map(|a| view! {
                        <p class="rectification-answer">{t!("rectification-answer-label")}" "{a}</p>
                        {r.answered_at.map(|at| view! { <p class="hint">{date_time(at)}</p> })}
                    })}
                </li>
            }
        })
        .collect_view();
    let has_follow_up = !e.rectifications.is_empty();
    view! {
        <p class="rating-given">{t!("evaluation-given", level = level_text(e.overall))}</p>
        {e.first.map(|first| view! { <p class="hint">{t!("evaluation-first", level = level_text(first))}</p> })}
        {(!e.indicators.is_empty()).then(|| view! { <dl class="check-answers">{indicators}</dl> })}
        {(!e.comment.is_empty()).then(|| view! { <p class="rating-comment">{e.comment.clone()}</p> })}
        {has_follow_up.then(|| view! {
            <h3>{t!("rectification-heading")}</h3>
            <ul class="plain-list rectifications">{follow_up}</ul>
        })}
        {e.may_rerate.then(|| view! {
            <button type="button" class="button rate-again" on:click=move |_| again.set(true)>{t!("evaluation-rerate")}</button>
        })}
    }
}

/// Five levels as radio buttons (`name`), best first.
#[component]
fn Levels(
    name: String,
    legend: String,
    chosen: RwSignal<Option<Level>>,
    #[prop(optional)] error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let described = error_id.clone();
    view! {
        <fieldset class="form-field choice-field" id=name.clone()
            aria-describedby=move || error.and_then(|e| e.get()).map(|_| described.clone())>
            <legend>{legend}</legend>
            {move || error.and_then(|e| e.get()).map(|e| view! { <p id=error_id.clone() class="field-error">{e}</p> })}
            {Level::ALL.into_iter().enumerate().map(|(i, level)| {
                let id = format!("{name}-{i}");
                let label_for = id.clone();
                view! {
                    <label class="choice" for=label_for>
                        <input type="radio" id=id name=name.clone() value=level.code()
                            prop:checked=move || chosen.get() == Some(level)
                            on:change=move |_| chosen.set(Some(level))/>
                        <span>{level_text(level)}</span>
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn RateForm(
    subject: Rated,
    on_rated: impl Fn(Evaluation) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let channel = subject.channel();
    let subject = StoredValue::new(subject);
    let api = StoredValue::new(crate::store::use_api());
    let overall = RwSignal::new(None::<Level>);
    let indicators: Vec<(tongban_core::evaluation::Indicator, RwSignal<Option<Level>>)> = channel
        .indicators()
        .iter()
        .map(|i| (*i, RwSignal::new(None)))
        .collect();
    let indicators = StoredValue::new(indicators);
    let comment = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let error_at = move |path: &'static str| {
        Signal::derive(move || {
            errors.with(|list| list.iter().find(|e| e.path == path).map(field_message))
        })
    };
    let bad = move || overall.get().is_some_and(Level::is_bad);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(level) = overall.get_untracked() else {
            errors.set(vec![FieldError::new("overall", "evaluation-choose-level")]);
            focus("overall-0");
            return;
        };
        let rating = NewEvaluation {
            overall: level,
            indicators: indicators.with_value(|list| {
                list.iter()
                    .filter_map(|(indicator, chosen)| {
                        chosen.get_untracked().map(|level| IndicatorRating {
                            indicator: *indicator,
                            level,
                        })
                    })
                    .collect()
            }),
            comment: comment.get_untracked(),
        };
        // The same check as the server's, before the network.
        let local = rating.check(channel);
        if !local.is_empty() {
            errors.set(local);
            focus("rate-comment");
            return;
        }
        errors.set(Vec::new());
        notice.set(None);
        busy.set(true);
        let on_rated = on_rated.clone();
        leptos::task::spawn_local(async move {
            match subject.get_value().rate(&api.get_value(), &rating).await {
                Ok(e) => on_rated(e),
                Err(ApiError::Validation { fields, .. }) if !fields.is_empty() => {
                    errors.set(fields)
                }
                Err(e) => notice.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="rate-form" on:submit=submit novalidate>
            <Levels name="overall".into() legend=t!("evaluation-overall") chosen=overall error=error_at("overall")/>
            <details class="rate-details">
                <summary>{t!("evaluation-more")}</summary>
                {indicators.get_value().into_iter().map(|(indicator, chosen)| view! {
                    <Levels name=format!("indicator-{}", indicator.code()) legend=loader().get(indicator.message_id()) chosen=chosen/>
                }).collect_view()}
            </details>
            <div class="form-field">
                <label for="rate-comment">
                    {t!("evaluation-comment")}
                    {move || (!bad()).then(|| view! { " " <span class="muted">{t!("apply-optional")}</span> })}
                </label>
                <p class="hint" id="rate-comment-hint">{move || if bad() { t!("evaluation-comment-needed") } else { t!("evaluation-comment-hint") }}</p>
                {move || error_at("comment").get().map(|e| view! { <p id="rate-comment-error" class="field-error">{e}</p> })}
                <textarea id="rate-comment" rows="4" maxlength=COMMENT_MAX.to_string()
                    aria-describedby=move || if error_at("comment").get().is_some() { "rate-comment-hint rate-comment-error" } else { "rate-comment-hint" }
                    aria-invalid=move || error_at("comment").get().is_some().to_string()
                    prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </div>
            {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
            <button type="submit" class="button rate-submit" disabled=move || busy.get()>{t!("evaluation-submit")}</button>
        </form>
    }
}
