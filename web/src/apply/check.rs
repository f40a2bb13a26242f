//! Check answers, then submit — once, however often it is pressed.

use leptos::prelude::*;
use tongban_core::draft::Draft;
use tongban_core::form::FormSchema;

use super::{
    current_answers, display_for, field_dom_id, focus_summary, label, today, ErrorSummary,
};
use crate::sync::use_drafts;
use crate::t;

#[component]
pub(super) fn CheckAnswers(
    schema: StoredValue<FormSchema>,
    draft: Draft,
    go: impl Fn(String) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let drafts = use_drafts();
    let errors = RwSignal::new(draft.submit_errors.clone());
    let waiting = RwSignal::new(drafts.state.with_untracked(|s| {
        s.as_ref().is_some_and(|s| {
            s.outbox.iter().any(|c| {
                c.draft_id == draft.id
                    && matches!(c.kind, tongban_core::draft::ChangeKind::Submit { .. })
            })
        })
    }));
    let rows: Vec<(usize, String, String, String)> = schema.with_value(|s| {
        s.questions(&draft.answers)
            .into_iter()
            .map(|q| {
                let index = s
                    .groups
                    .iter()
                    .position(|g| g.id == q.group.id)
                    .unwrap_or(0);
                (
                    index,
                    q.path.clone(),
                    label(&q.field.label),
                    display_for(Some(q.field), &draft.answers.get(&q.path).cloned()),
                )
            })
            .collect()
    });
    let draft_id = draft.id.clone();
    // Only one's own drafts are handed over (not one made in someone's name under a mandate).
    let handover = drafts.acting().is_none().then(|| draft.id.clone());
    // A submission the server refused for good (not this person's to submit, not now): said,
    // with the reason, instead of waiting for ever.
    let refusal = {
        let id = draft.id.clone();
        move || {
            drafts
                .refused
                .get()
                .filter(|(d, _)| *d == id)
                .map(|(_, code)| crate::i18n::loader().get(&format!("error-{code}")))
        }
    };
    let submit = move |_| {
        drafts.refused.set(None);
        drafts.fold_typed();
        let answers = current_answers(drafts, &draft_id);
        let found = schema.with_value(|s| s.validate(&s.submitted_answers(&answers), today()));
        if !found.is_empty() {
            errors.set(found);
            focus_summary();
            return;
        }
        waiting.set(true);
        drafts.record_submit(&draft_id);
    };
    view! {
        <h2>{t!("apply-check-heading")}</h2>
        <p class="intro">{t!("apply-check-intro")}</p>
        <ErrorSummary errors=errors/>
        <dl class="check-answers">
            {rows.into_iter().map(|(index, path, name, value)| {
                let go = go.clone();
                view! {
                    <div class="check-row" id=field_dom_id(&path)>
                        <dt>{name.clone()}</dt>
                        <dd>{value}</dd>
                        <dd class="check-change">
                            <button type="button" class="link-button" on:click=move |_| go(index.to_string())>
                                {t!("apply-change")}<span class="visually-hidden">" "{name.clone()}</span>
                            </button>
                        </dd>
                    </div>
                }
            }).collect_view()}
        </dl>
        {move || match refusal() {
            Some(text) => view! { <p class="notice notice-error submit-refused" role="alert">{text}</p> }.into_any(),
            None => waiting.get().then(|| view! { <p class="notice notice-info" role="status">{t!("apply-queued")}</p> }).into_any(),
        }}
        <p class="actions">
            <button type="button" class="button button-wide" on:click=submit>{t!("apply-submit")}</button>
        </p>
        {handover.map(|id| view! { <super::handover::Handover draft_id=id/> })}
    }
}
