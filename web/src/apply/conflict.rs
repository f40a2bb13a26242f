//! Another device changed the same answer: both values shown, the person chooses.

use leptos::prelude::*;
use tongban_core::form::Answer;

use super::display_for;
use crate::sync::{use_drafts, Fold};
use crate::t;

/// Another device changed the same answer: both values shown, the person chooses.
#[component]
pub(super) fn ConflictChoice(
    draft_id: String,
    conflict: tongban_core::draft::Conflict,
) -> impl IntoView {
    let drafts = use_drafts();
    let theirs_text = display_for(None, &conflict.theirs);
    let choose = move |value: Option<Answer>| {
        let id = draft_id.clone();
        let path = conflict.path.clone();
        move |_| drafts.record_answer(&id, &path, value.clone(), Fold::Now)
    };
    view! {
        <div class="notice notice-info conflict" role="alert">
            <p>{t!("apply-conflict", theirs = theirs_text)}</p>
            <p class="actions">
                <button type="button" class="button" on:click=choose(conflict.mine.clone())>{t!("apply-keep-mine")}</button>
                <button type="button" class="button button-secondary" on:click=choose(conflict.theirs.clone())>{t!("apply-keep-theirs")}</button>
            </p>
        </div>
    }
}
