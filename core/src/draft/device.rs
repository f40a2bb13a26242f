//! The device's side: drafts as the person sees them, the outbox of unsent changes, and how the
//! server's replies are taken in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::*;
use crate::form::{Answer, Answers};

/// The same field changed on two devices: both values, until the person chooses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub path: String,
    pub mine: Option<Answer>,
    pub theirs: Option<Answer>,
}

/// Where a draft stands, as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub id: String,
    pub form_id: String,
    /// What the person sees: the server's answers with this device's unsent changes on top.
    pub answers: Answers,
    /// The server's answers at `version` (empty and 0 before the first sync).
    pub synced: Answers,
    pub version: u64,
    pub conflicts: Vec<Conflict>,
    pub updated_at: i64,
    pub deleted: bool,
    /// Set once the server made the application.
    #[serde(default)]
    pub submitted: Option<Submission>,
    /// Why the last submission was refused, field by field (the draft is kept to fix them).
    #[serde(default)]
    pub submit_errors: Vec<crate::api::FieldError>,
}

/// A draft and its outbox: what a device stores (in one transaction) after every change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceState {
    pub device_id: String,
    pub drafts: BTreeMap<String, Draft>,
    /// Changes not yet acknowledged, oldest first; sent one at a time.
    pub outbox: Vec<Change>,
    /// The last typing-journal entry folded into this state (`crate::draft_journal`).
    #[serde(default)]
    pub typed_through: u64,
}

/// What the sync step does with the outbox head's reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Acknowledged: the entry is gone, the draft rebased on the server's answers.
    Acknowledged,
    /// A duplicate or stale reply: nothing changes.
    Ignored,
    /// A field conflict is now shown to the person.
    Conflict,
    /// The application exists; the draft is done.
    Submitted,
    /// The submission was refused: field errors are on the draft, nothing else changed.
    Invalid,
    /// The server cannot apply it ever: the entry is dropped and the draft marked.
    Rejected(String),
}

impl DeviceState {
    pub fn new(device_id: impl Into<String>) -> Self {
        Self {
            device_id: device_id.into(),
            ..Self::default()
        }
    }

    fn push(&mut self, op_id: String, draft_id: &str, kind: ChangeKind) {
        let base_version = self.drafts.get(draft_id).map_or(0, |d| d.version);
        self.outbox.push(Change {
            op_id,
            draft_id: draft_id.to_owned(),
            device_id: self.device_id.clone(),
            base_version,
            kind,
        });
    }

    /// Starts a draft for a form; `draft_id` and `op_id` are fresh UUIDv7s from the shell.
    pub fn create_draft(&mut self, draft_id: &str, form_id: &str, op_id: String, now: i64) {
        self.drafts.insert(
            draft_id.to_owned(),
            Draft {
                id: draft_id.to_owned(),
                form_id: form_id.to_owned(),
                answers: Answers::new(),
                synced: Answers::new(),
                version: 0,
                conflicts: Vec::new(),
                updated_at: now,
                deleted: false,
                submitted: None,
                submit_errors: Vec::new(),
            },
        );
        self.push(
            op_id,
            draft_id,
            ChangeKind::Create {
                form_id: form_id.to_owned(),
            },
        );
    }

    /// Sets (or clears) one answer. Returns false for an unknown draft.
    pub fn set_answer(
        &mut self,
        draft_id: &str,
        path: &str,
        value: Option<Answer>,
        op_id: String,
        now: i64,
    ) -> bool {
        let Some(draft) = self.drafts.get_mut(draft_id) else {
            return false;
        };
        match &value {
            Some(v) => draft.answers.insert(path.to_owned(), v.clone()),
            None => draft.answers.remove(path),
        };
        draft.updated_at = now;
        // Choosing a value for a conflicting field resolves the conflict.
        draft.conflicts.retain(|c| c.path != path);
        self.push(
            op_id,
            draft_id,
            ChangeKind::Set {
                path: path.to_owned(),
                value,
            },
        );
        true
    }

    /// Queues the submission (after every pending edit, so the application has them all).
    pub fn submit(&mut self, draft_id: &str, op_id: String) -> bool {
        let Some(draft) = self.drafts.get_mut(draft_id) else {
            return false;
        };
        draft.submit_errors.clear();
        let queued = self
            .outbox
            .iter()
            .any(|c| c.draft_id == draft_id && matches!(c.kind, ChangeKind::Submit { .. }));
        if !queued && draft.submitted.is_none() {
            let idempotency_key = submission_key(draft_id);
            self.push(op_id, draft_id, ChangeKind::Submit { idempotency_key });
        }
        true
    }

    pub fn delete_draft(&mut self, draft_id: &str, op_id: String) {
        if let Some(d) = self.drafts.get_mut(draft_id) {
            d.deleted = true;
            self.push(op_id, draft_id, ChangeKind::Delete);
        }
    }

    /// Lets go of a draft that is no longer this account's (handed over to the person it was
    /// filled in for, 帮办): it leaves the device, with nothing of it left to send.
    pub fn release(&mut self, draft_id: &str) {
        self.drafts.remove(draft_id);
        self.outbox.retain(|c| c.draft_id != draft_id);
    }

    /// Takes in a draft as the server has it (started or continued on another device): a draft
    /// this device does not know is added; a known one without unsent changes here catches up.
    pub fn adopt(&mut self, snapshot: &DraftSnapshot, now: i64) {
        if snapshot.deleted {
            return;
        }
        if !self.drafts.contains_key(&snapshot.draft_id) {
            self.drafts.insert(
                snapshot.draft_id.clone(),
                Draft {
                    id: snapshot.draft_id.clone(),
                    form_id: snapshot.form_id.clone(),
                    answers: Answers::new(),
                    synced: Answers::new(),
                    version: 0,
                    conflicts: Vec::new(),
                    updated_at: now,
                    deleted: false,
                    submitted: None,
                    submit_errors: Vec::new(),
                },
            );
        }
        self.rebase(snapshot);
    }

    /// The entry to send next: always the oldest, so a device's changes apply in order.
    pub fn next_to_send(&self) -> Option<&Change> {
        self.outbox.first()
    }

    /// Whether a draft has changes the server has not acknowledged.
    pub fn has_unsynced(&self, draft_id: &str) -> bool {
        self.outbox.iter().any(|c| c.draft_id == draft_id)
    }

    /// Takes the server's reply to the change `op_id`.
    pub fn receive(&mut self, op_id: &str, reply: &ChangeReply) -> SyncOutcome {
        let Some(position) = self.outbox.iter().position(|c| c.op_id == op_id) else {
            return SyncOutcome::Ignored;
        };
        let change = self.outbox.remove(position);
        match reply {
            ChangeReply::Applied { snapshot } => {
                self.rebase(snapshot);
                SyncOutcome::Acknowledged
            }
            ChangeReply::Conflict {
                path,
                theirs,
                snapshot,
            } => {
                let mine = match &change.kind {
                    ChangeKind::Set { value, .. } => value.clone(),
                    _ => None,
                };
                self.rebase(snapshot);
                if let Some(draft) = self.drafts.get_mut(&change.draft_id) {
                    draft.conflicts.retain(|c| c.path != *path);
                    draft.conflicts.push(Conflict {
                        path: path.clone(),
                        mine: mine.clone(),
                        theirs: theirs.clone(),
                    });
                    // Until the person chooses, the screen keeps what they typed.
                    match mine {
                        Some(v) => draft.answers.insert(path.clone(), v),
                        None => draft.answers.remove(path),
                    };
                }
                SyncOutcome::Conflict
            }
            ChangeReply::Submitted {
                application_id,
                receipt,
                snapshot,
            } => {
                self.rebase(snapshot);
                if let Some(draft) = self.drafts.get_mut(&change.draft_id) {
                    let ChangeKind::Submit { idempotency_key } = &change.kind else {
                        return SyncOutcome::Ignored;
                    };
                    draft.submitted = Some(Submission {
                        idempotency_key: idempotency_key.clone(),
                        application_id: application_id.clone(),
                        receipt: receipt.clone(),
                    });
                }
                SyncOutcome::Submitted
            }
            ChangeReply::Invalid { fields } => {
                if let Some(draft) = self.drafts.get_mut(&change.draft_id) {
                    draft.submit_errors = fields.clone();
                }
                SyncOutcome::Invalid
            }
            // Later entries keep their own base version: the server tells this device's own
            // earlier changes apart by device id, so they never conflict with each other.
            ChangeReply::Rejected { code } => SyncOutcome::Rejected(code.clone()),
        }
    }

    /// Makes the server's snapshot the draft's base and replays this device's unsent changes.
    fn rebase(&mut self, snapshot: &DraftSnapshot) {
        let Some(draft) = self.drafts.get_mut(&snapshot.draft_id) else {
            return;
        };
        if snapshot.version < draft.version {
            return; // an older answer arriving late
        }
        draft.version = snapshot.version;
        draft.synced = snapshot.answers.clone();
        let mut answers = snapshot.answers.clone();
        for conflict in &draft.conflicts {
            match &conflict.mine {
                Some(v) => answers.insert(conflict.path.clone(), v.clone()),
                None => answers.remove(&conflict.path),
            };
        }
        for change in self
            .outbox
            .iter()
            .filter(|c| c.draft_id == snapshot.draft_id)
        {
            if let ChangeKind::Set { path, value } = &change.kind {
                match value {
                    Some(v) => answers.insert(path.clone(), v.clone()),
                    None => answers.remove(path),
                };
            }
        }
        draft.answers = answers;
        if snapshot.deleted {
            draft.deleted = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Option<Answer> {
        Some(Answer::Text(s.into()))
    }

    /// A server that applies each op id once, as the real one does with its table of replies.
    #[derive(Default)]
    struct Server {
        drafts: BTreeMap<String, ServerDraft>,
        replies: BTreeMap<String, ChangeReply>,
    }

    impl Server {
        fn handle(&mut self, change: &Change) -> ChangeReply {
            if let Some(reply) = self.replies.get(&change.op_id) {
                return reply.clone();
            }
            let reply = match self.drafts.get_mut(&change.draft_id) {
                Some(d) => d.apply(change, &mut |d| {
                    Ok(Submission {
                        idempotency_key: submission_key(&d.draft_id),
                        application_id: format!("app-{}", d.draft_id),
                        receipt: "R1".into(),
                    })
                }),
                None => match ServerDraft::create(change) {
                    Ok(d) => {
                        let reply = ChangeReply::Applied {
                            snapshot: d.snapshot(),
                        };
                        self.drafts.insert(change.draft_id.clone(), d);
                        reply
                    }
                    Err(reply) => reply,
                },
            };
            self.replies.insert(change.op_id.clone(), reply.clone());
            reply
        }
    }

    fn sync(device: &mut DeviceState, server: &mut Server) {
        while let Some(change) = device.next_to_send().cloned() {
            let reply = server.handle(&change);
            device.receive(&change.op_id, &reply);
        }
    }

    #[test]
    fn edits_sync_and_a_second_device_continues_the_draft() {
        let mut server = Server::default();
        let mut phone = DeviceState::new("phone");
        phone.create_draft("d1", "330000-GA-0001", "op1".into(), 0);
        phone.set_answer("d1", "applicant.name", text("张三"), "op2".into(), 1);
        phone.set_answer(
            "d1",
            "applicant.phone",
            text("13800138000"),
            "op3".into(),
            2,
        );
        assert!(phone.has_unsynced("d1"));
        sync(&mut phone, &mut server);
        assert!(!phone.has_unsynced("d1"));
        assert_eq!(phone.drafts["d1"].version, 3);

        let mut laptop = DeviceState::new("laptop");
        let snapshot = server.drafts["d1"].snapshot();
        laptop.drafts.insert(
            "d1".into(),
            Draft {
                id: "d1".into(),
                form_id: snapshot.form_id.clone(),
                answers: Answers::new(),
                synced: Answers::new(),
                version: 0,
                conflicts: vec![],
                updated_at: 0,
                deleted: false,
                submitted: None,
                submit_errors: vec![],
            },
        );
        laptop.rebase(&snapshot);
        assert_eq!(laptop.drafts["d1"].answers, phone.drafts["d1"].answers);
    }

    #[test]
    fn different_fields_merge_and_the_same_field_becomes_a_choice() {
        let mut server = Server::default();
        let mut a = DeviceState::new("a");
        a.create_draft("d", "f", "c".into(), 0);
        sync(&mut a, &mut server);
        let mut b = DeviceState::new("b");
        b.drafts.insert("d".into(), a.drafts["d"].clone());

        a.set_answer("d", "x", text("from a"), "a1".into(), 1);
        a.set_answer("d", "same", text("a's value"), "a2".into(), 1);
        b.set_answer("d", "y", text("from b"), "b1".into(), 1);
        b.set_answer("d", "same", text("b's value"), "b2".into(), 1);
        sync(&mut a, &mut server);
        sync(&mut b, &mut server);

        let draft = &b.drafts["d"];
        assert_eq!(
            draft.synced.get("x"),
            text("from a").as_ref(),
            "a's field merged into b"
        );
        assert_eq!(draft.synced.get("y"), text("from b").as_ref());
        assert_eq!(
            draft.conflicts,
            vec![Conflict {
                path: "same".into(),
                mine: text("b's value"),
                theirs: text("a's value")
            }]
        );
        assert_eq!(
            draft.answers.get("same"),
            text("b's value").as_ref(),
            "nothing typed is overwritten"
        );
        assert_eq!(
            server.drafts["d"].answers.get("same"),
            text("a's value").as_ref()
        );

        // The person keeps their own value: it is sent again, now on the newest base.
        b.set_answer("d", "same", text("b's value"), "b3".into(), 2);
        sync(&mut b, &mut server);
        assert!(b.drafts["d"].conflicts.is_empty());
        assert_eq!(
            server.drafts["d"].answers.get("same"),
            text("b's value").as_ref()
        );
    }

    #[test]
    fn a_draft_started_elsewhere_is_adopted_without_losing_local_edits() {
        let mut server = Server::default();
        let mut phone = DeviceState::new("phone");
        phone.create_draft("d", "f", "c".into(), 0);
        phone.set_answer("d", "x", text("from phone"), "p1".into(), 0);
        sync(&mut phone, &mut server);
        let mut laptop = DeviceState::new("laptop");
        laptop.adopt(&server.drafts["d"].snapshot(), 5);
        assert_eq!(
            laptop.drafts["d"].answers.get("x"),
            text("from phone").as_ref()
        );
        laptop.set_answer("d", "y", text("typed on laptop"), "l1".into(), 6);
        // The server moved on meanwhile; adopting again keeps the laptop's unsent edit on top.
        phone.set_answer("d", "x", text("changed"), "p2".into(), 7);
        sync(&mut phone, &mut server);
        laptop.adopt(&server.drafts["d"].snapshot(), 8);
        assert_eq!(
            laptop.drafts["d"].answers.get("x"),
            text("changed").as_ref()
        );
        assert_eq!(
            laptop.drafts["d"].answers.get("y"),
            text("typed on laptop").as_ref()
        );
        sync(&mut laptop, &mut server);
        assert_eq!(server.drafts["d"].answers.len(), 2);
    }

    #[test]
    fn a_repeated_op_is_applied_once_and_a_late_reply_is_ignored() {
        let mut server = Server::default();
        let mut device = DeviceState::new("p");
        device.create_draft("d", "f", "c".into(), 0);
        device.set_answer("d", "x", text("1"), "o1".into(), 0);
        device.set_answer("d", "x", text("2"), "o2".into(), 0);
        let first = device.outbox[1].clone();
        sync(&mut device, &mut server);
        let late = server.handle(&first);
        assert_eq!(device.receive(&first.op_id, &late), SyncOutcome::Ignored);
        assert_eq!(server.drafts["d"].answers.get("x"), text("2").as_ref());
        assert_eq!(device.drafts["d"].answers.get("x"), text("2").as_ref());
    }
}
