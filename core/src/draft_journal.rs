//! The typing journal: what the person typed or chose that is not yet in the saved device state.
//!
//! A web page can be torn down at any moment — reloaded, its tab closed, the phone switching apps —
//! and the browser only guarantees what runs synchronously in the handler that is running then;
//! IndexedDB and WebCrypto are asynchronous and die with the page. So a shell records every
//! keystroke here at once and writes the journal synchronously (sealed with `crate::sealed`, never
//! in the clear). Entries are folded into the device state — becoming answers and outbox entries
//! — after a typing pause, on leaving a field or a page, and at the next start.
//!
//! Each entry has a sequence number and the device state remembers the last one folded into it
//! (`DeviceState::typed_through`, saved with the drafts in the same write). So an entry that
//! reached the saved state is never applied twice, and an older journal left behind by a killed
//! browser never overwrites newer saved answers.

use serde::{Deserialize, Serialize};

use crate::draft::DeviceState;
use crate::form::Answer;
use crate::sealed::{self, SealError, SealKey};

const MAGIC: &[u8; 4] = b"TBJ1";

/// What the person did that must not be lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "kebab-case")]
pub enum Intent {
    /// An answer typed, chosen or cleared (`None`).
    Answer { path: String, value: Option<Answer> },
    /// Submit was pressed.
    Submit,
    /// An answer typed into a supplement (补正) of the application `draft_id` names. Not part of
    /// a draft: kept until the supplement reached the server (`supplied`).
    Supplement { path: String, value: Option<Answer> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Typed {
    pub seq: u64,
    pub draft_id: String,
    /// The draft's form, so a draft whose creation was lost with the page is made again.
    pub form_id: String,
    pub intent: Intent,
    /// Folded into the in-memory state; dropped once a save holding it completed. Not stored: at
    /// the next start every entry newer than the saved state is folded again.
    #[serde(skip)]
    pub folded: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    next_seq: u64,
    entries: Vec<Typed>,
}

impl Journal {
    /// Continues numbering after what the loaded state already holds.
    pub fn resume(&mut self, state: &DeviceState) {
        self.next_seq = self.next_seq.max(state.typed_through + 1);
    }

    fn push(&mut self, draft_id: &str, form_id: &str, intent: Intent) -> u64 {
        self.next_seq = self.next_seq.max(1);
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.push(Typed {
            seq,
            draft_id: draft_id.to_owned(),
            form_id: form_id.to_owned(),
            intent,
            folded: false,
        });
        seq
    }

    /// Records an answer; an earlier unfolded one for the same question is replaced.
    pub fn record_answer(
        &mut self,
        draft_id: &str,
        form_id: &str,
        path: &str,
        value: Option<Answer>,
    ) -> u64 {
        self.entries.retain(|t| {
            t.folded
                || t.draft_id != draft_id
                || !matches!(&t.intent, Intent::Answer { path: p, .. } if p == path)
        });
        self.push(
            draft_id,
            form_id,
            Intent::Answer {
                path: path.to_owned(),
                value,
            },
        )
    }

    pub fn record_submit(&mut self, draft_id: &str, form_id: &str) -> u64 {
        self.push(draft_id, form_id, Intent::Submit)
    }

    /// Records an answer typed into the supplement of an application.
    pub fn record_supplement(
        &mut self,
        application_id: &str,
        path: &str,
        value: Option<Answer>,
    ) -> u64 {
        self.entries.retain(|t| {
            t.draft_id != application_id
                || !matches!(&t.intent, Intent::Supplement { path: p, .. } if p == path)
        });
        self.push(
            application_id,
            "",
            Intent::Supplement {
                path: path.to_owned(),
                value,
            },
        )
    }

    /// What was typed into an application's supplement and not yet sent.
    pub fn supplement(&self, application_id: &str) -> crate::form::Answers {
        self.entries
            .iter()
            .filter(|t| t.draft_id == application_id)
            .filter_map(|t| match &t.intent {
                Intent::Supplement {
                    path,
                    value: Some(v),
                } => Some((path.clone(), v.clone())),
                _ => None,
            })
            .collect()
    }

    /// The supplement reached the server: what was typed for it is no longer needed.
    pub fn supplied(&mut self, application_id: &str) {
        self.entries.retain(|t| {
            t.draft_id != application_id || !matches!(t.intent, Intent::Supplement { .. })
        });
    }

    /// The latest answer typed for a question and not yet folded into the state.
    pub fn typed(&self, draft_id: &str, path: &str) -> Option<&Option<Answer>> {
        self.entries
            .iter()
            .rev()
            .filter(|t| !t.folded && t.draft_id == draft_id)
            .find_map(|t| match &t.intent {
                Intent::Answer { path: p, value } if p == path => Some(value),
                _ => None,
            })
    }

    /// Whether something recorded for a draft is not yet in the in-memory state.
    pub fn has_unfolded(&self) -> bool {
        self.entries
            .iter()
            .any(|t| !t.folded && !matches!(t.intent, Intent::Supplement { .. }))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Of two stored copies of one journal, the one written last (the higher next number).
    pub fn newest(self, other: Self) -> Self {
        if other.next_seq > self.next_seq {
            other
        } else {
            self
        }
    }

    /// Applies every unfolded entry to the state, oldest first, as core's own transitions (so
    /// each becomes an outbox entry), and records how far the state now reaches. `new_id` gives
    /// fresh op ids. Returns whether the state changed.
    pub fn fold_into(
        &mut self,
        state: &mut DeviceState,
        new_id: &mut dyn FnMut() -> String,
        now: i64,
    ) -> bool {
        let mut changed = false;
        let drafts_only = |t: &&mut Typed| !matches!(t.intent, Intent::Supplement { .. });
        for entry in self
            .entries
            .iter_mut()
            .filter(|t| !t.folded)
            .filter(drafts_only)
        {
            entry.folded = true;
            if entry.seq <= state.typed_through {
                continue; // already in the state that was saved
            }
            state.typed_through = entry.seq;
            changed = true;
            if !state.drafts.contains_key(&entry.draft_id) {
                state.create_draft(&entry.draft_id, &entry.form_id, new_id(), now);
            }
            let draft = &state.drafts[&entry.draft_id];
            if draft.deleted || draft.submitted.is_some() {
                continue;
            }
            match &entry.intent {
                Intent::Answer { path, value } => {
                    if draft.answers.get(path) != value.as_ref() {
                        state.set_answer(&entry.draft_id, path, value.clone(), new_id(), now);
                    }
                }
                Intent::Submit => {
                    state.submit(&entry.draft_id, new_id());
                }
                Intent::Supplement { .. } => {}
            }
        }
        changed
    }

    /// A state holding everything up to `through` was saved: those entries are no longer needed.
    pub fn saved(&mut self, through: u64) {
        self.entries.retain(|t| !(t.folded && t.seq <= through));
    }

    /// The journal sealed for storage (`nonce`: fresh random bytes from the platform).
    pub fn seal(&self, key: &SealKey, nonce: [u8; 12]) -> Vec<u8> {
        let json = serde_json::to_vec(self).expect("a journal serializes");
        sealed::seal(MAGIC, key, nonce, &json)
    }

    /// A journal from what `seal` wrote.
    pub fn open(key: &SealKey, bytes: &[u8]) -> Result<Self, SealError> {
        let plain = sealed::open(MAGIC, key, bytes)?;
        serde_json::from_slice(&plain).map_err(|_| SealError::CannotOpen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Option<Answer> {
        Some(Answer::Text(s.into()))
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("op-{n}")
        }
    }

    /// The page dies after typing: only the journal was written. The next start folds it in.
    #[test]
    fn what_was_typed_before_the_page_died_is_in_the_draft_at_the_next_start() {
        let mut saved = DeviceState::new("web");
        saved.create_draft("d", "330000-GA-0001", "c".into(), 0);
        let mut journal = Journal::default();
        journal.resume(&saved);
        journal.record_answer("d", "330000-GA-0001", "applicant.address", text("文三"));
        journal.record_answer(
            "d",
            "330000-GA-0001",
            "applicant.address",
            text("文三路 1 号"),
        );
        journal.record_answer("d", "330000-GA-0001", "applicant.kind", text("self"));
        let stored = journal.seal(&[3; 32], [9; 12]);

        // Next start: the saved state and the stored journal.
        let mut state = saved.clone();
        let mut journal = Journal::open(&[3; 32], &stored).unwrap();
        journal.resume(&state);
        assert!(journal.fold_into(&mut state, &mut ids(), 5));
        let draft = &state.drafts["d"];
        assert_eq!(
            draft.answers.get("applicant.address"),
            text("文三路 1 号").as_ref()
        );
        assert_eq!(draft.answers.get("applicant.kind"), text("self").as_ref());
        // Both reach the server: two outbox entries besides the creation (the first keystrokes
        // of the address were replaced in the journal, not queued).
        assert_eq!(state.outbox.len(), 3);
        assert!(state.has_unsynced("d"));
    }

    #[test]
    fn an_old_journal_left_by_a_killed_browser_never_overwrites_newer_saved_answers() {
        let mut state = DeviceState::new("web");
        state.create_draft("d", "f", "c".into(), 0);
        let mut journal = Journal::default();
        journal.resume(&state);
        journal.record_answer("d", "f", "x", text("old"));
        let left_behind = journal.seal(&[1; 32], [0; 12]);
        journal.fold_into(&mut state, &mut ids(), 1);
        journal.record_answer("d", "f", "x", text("newer"));
        journal.fold_into(&mut state, &mut ids(), 2);
        let saved = state.clone(); // this state reached storage; clearing the journal did not
        journal.saved(saved.typed_through);
        assert!(journal.is_empty());

        let mut reopened = saved.clone();
        let mut stale = Journal::open(&[1; 32], &left_behind).unwrap();
        stale.resume(&reopened);
        assert!(!stale.fold_into(&mut reopened, &mut ids(), 3));
        assert_eq!(
            reopened, saved,
            "nothing applied twice, nothing older on top"
        );
        stale.saved(reopened.typed_through);
        assert!(stale.is_empty(), "the stale entries are dropped");
        // New typing numbers after what the state holds.
        assert!(stale.record_answer("d", "f", "x", text("n")) > saved.typed_through);
    }

    #[test]
    fn a_draft_whose_creation_was_lost_is_made_again_and_a_submit_is_kept() {
        let mut state = DeviceState::new("web");
        let mut journal = Journal::default();
        journal.record_answer("new", "bundle:newborn", "child.name", text("小明"));
        journal.record_submit("new", "bundle:newborn");
        journal.fold_into(&mut state, &mut ids(), 1);
        let draft = &state.drafts["new"];
        assert_eq!(draft.form_id, "bundle:newborn");
        assert_eq!(draft.answers.get("child.name"), text("小明").as_ref());
        assert!(state
            .outbox
            .iter()
            .any(|c| matches!(c.kind, crate::draft::ChangeKind::Submit { .. })));
    }

    #[test]
    fn typing_after_a_fold_is_kept_until_the_save_that_holds_it() {
        let mut state = DeviceState::new("web");
        state.create_draft("d", "f", "c".into(), 0);
        let mut journal = Journal::default();
        journal.record_answer("d", "f", "x", text("a"));
        journal.fold_into(&mut state, &mut ids(), 1);
        let saving = state.typed_through; // a save of this state starts…
        journal.record_answer("d", "f", "x", text("ab")); // …and the person keeps typing
        assert_eq!(journal.typed("d", "x"), Some(&text("ab")));
        journal.saved(saving);
        assert!(
            journal.has_unfolded(),
            "the newer keystroke is still recorded"
        );
        assert_eq!(journal.typed("d", "x"), Some(&text("ab")));
        journal.fold_into(&mut state, &mut ids(), 2);
        assert_eq!(state.drafts["d"].answers.get("x"), text("ab").as_ref());
        assert_eq!(journal.typed("d", "x"), None);
    }

    #[test]
    fn answers_to_a_submitted_or_deleted_draft_are_not_applied() {
        let mut state = DeviceState::new("web");
        state.create_draft("d", "f", "c".into(), 0);
        state.delete_draft("d", "del".into());
        let mut journal = Journal::default();
        journal.record_answer("d", "f", "x", text("late"));
        journal.fold_into(&mut state, &mut ids(), 1);
        assert_eq!(state.drafts["d"].answers.get("x"), None);
    }

    #[test]
    fn a_supplement_is_kept_apart_from_drafts_until_it_was_sent() {
        let mut state = DeviceState::new("web");
        let mut journal = Journal::default();
        journal.record_supplement("app-1", "applicant.address", text("文三路"));
        journal.record_supplement("app-1", "applicant.address", text("文三路 1 号 201 室"));
        assert!(
            !journal.has_unfolded(),
            "a supplement is not a draft's pending typing"
        );
        assert!(!journal.fold_into(&mut state, &mut ids(), 1));
        assert!(state.drafts.is_empty());
        let kept = Journal::open(&[4; 32], &journal.seal(&[4; 32], [0; 12])).unwrap();
        assert_eq!(
            kept.supplement("app-1").get("applicant.address"),
            text("文三路 1 号 201 室").as_ref()
        );
        let mut kept = kept;
        kept.saved(u64::MAX);
        assert_eq!(
            kept.supplement("app-1").len(),
            1,
            "saving drafts does not drop it"
        );
        kept.supplied("app-1");
        assert!(kept.is_empty());
    }

    #[test]
    fn the_stored_journal_is_sealed() {
        let mut journal = Journal::default();
        journal.record_answer("d", "f", "applicant.id_number", text("11010519491231002X"));
        let stored = journal.seal(&[5; 32], [2; 12]);
        assert!(!String::from_utf8_lossy(&stored).contains("11010519491231002X"));
        assert!(Journal::open(&[6; 32], &stored).is_err());
    }
}
