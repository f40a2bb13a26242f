//! Deciding one change of a draft with core's rules (`ServerDraft::apply`), and what a submission
//! must pass first: the real-name level its form needs, documents that are the person's own
//! uploads, and the form's validation — the same `FormSchema::validate` the phone ran.

use std::collections::BTreeMap;

use tongban_core::calendar::Day;
use tongban_core::catalog::FormRef;
use tongban_core::draft::{Change, ChangeKind, ChangeReply, ServerDraft, Submission};
use tongban_core::form::Answers;
use tongban_core::message::MessageKind;
use tongban_core::FieldError;

use crate::access::Citizen;
use crate::auth::new_id;
use crate::cases::{plan_cases, tell};
use crate::clock::china_date;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{CaseRow, NewMessage, NewNotification};

/// What a change comes to.
pub enum Decision {
    /// Answered at once, nothing stored (the person cannot submit this form yet).
    Answer(ChangeReply),
    /// The draft's new state and the reply, to store together.
    Write(Decided),
}

pub struct Decided {
    pub draft: ServerDraft,
    pub reply: ChangeReply,
    /// The application a submission made, with the answers it holds.
    pub submitted: Option<(Submission, Answers)>,
    /// The certificates presented instead of documents (免提交), as checked.
    pub presented: Vec<crate::presented::Checked>,
    /// Its cases, and what the person is told.
    pub cases: Vec<CaseRow>,
    pub messages: Vec<NewMessage>,
    pub notifications: Vec<NewNotification>,
}

impl Decided {
    fn plain(draft: ServerDraft, reply: ChangeReply) -> Self {
        Self {
            draft,
            reply,
            submitted: None,
            presented: Vec::new(),
            cases: Vec::new(),
            messages: Vec::new(),
            notifications: Vec::new(),
        }
    }
}

/// A receipt number people can read out on the phone: `TB` + date + 8 digits.
pub fn new_receipt(now: i64) -> String {
    let (y, m, d) = china_date(now);
    let mut bytes = [0u8; 4];
    getrandom::getrandom(&mut bytes).expect("random source");
    format!(
        "TB{y:04}{m:02}{d:02}{:08}",
        u32::from_le_bytes(bytes) % 100_000_000
    )
}

/// The fields of `answers` naming a document that is not one of `person`'s uploads, each with
/// `material-missing` (at submission and at 补正).
pub async fn not_owned(
    state: &AppState,
    person: &tongban_core::ids::AccountId,
    answers: &Answers,
) -> Result<Vec<FieldError>, AppError> {
    let uploads = tongban_core::form::uploaded_objects(answers);
    let ids: Vec<String> = uploads.iter().map(|(_, id)| id.clone()).collect();
    let missing = state.store.not_owned_materials(person, &ids).await?;
    Ok(uploads
        .iter()
        .filter(|(_, id)| missing.contains(id))
        .map(|(path, _)| FieldError::new(path.as_str(), "material-missing"))
        .collect())
}

/// Applies `change` to `draft` (`created`: the change just made it).
pub async fn decide(
    state: &AppState,
    citizen: &Citizen,
    mut draft: ServerDraft,
    change: &Change,
    created: bool,
) -> Result<Decision, AppError> {
    if created {
        let reply = ChangeReply::Applied {
            snapshot: draft.snapshot(),
        };
        return Ok(Decision::Write(Decided::plain(draft, reply)));
    }
    let ChangeKind::Submit { .. } = change.kind else {
        let reply = draft.apply(change, &mut |_| Err(Vec::new()));
        return Ok(Decision::Write(Decided::plain(draft, reply)));
    };
    let kept = crate::forms::resolve_with_matters(state, &draft.form_id).await?;
    let (form, matters) = &*kept;
    if citizen.level < form.level {
        return Ok(Decision::Answer(ChangeReply::Rejected {
            code: "identity-required".into(),
        }));
    }
    let missing_fields = not_owned(state, &citizen.account_id, &draft.answers).await?;
    // Certificates used instead of documents (免提交): verified now, for this draft.
    let presented =
        crate::presented::check(state, &citizen.account_id, &draft.draft_id, &draft.answers)
            .await?;
    let now = state.auth.now();
    let schema = &form.schema;
    // Deciding together (一起决定): what the agent prepared, complete, goes to the grantor to
    // check and submit themself; an incomplete one is answered with its errors as usual.
    if citizen.agent.as_ref().is_some_and(|a| a.decide_together) {
        let answers = schema.submitted_answers(&draft.answers);
        let complete = schema.validate(&answers, china_date(now)).is_empty()
            && crate::presented::errors(&presented, &answers).is_empty()
            && !missing_fields.iter().any(|f| answers.contains_key(&f.path));
        if complete {
            let mut params = BTreeMap::new();
            if let Some(agent) = citizen.agent_label(state).await? {
                params.insert("party".to_owned(), agent);
            }
            params.insert("draft".to_owned(), draft.draft_id.clone());
            params.insert("form".to_owned(), draft.form_id.clone());
            let (messages, notifications) = tell(
                state,
                &citizen.account_id,
                None,
                MessageKind::ConfirmRequested,
                params,
                now,
            )
            .await?;
            state.store.put_messages(&messages, &notifications).await?;
            return Ok(Decision::Answer(ChangeReply::Rejected {
                code: "mandate-decide-together".into(),
            }));
        }
    }
    let mut submitted = None;
    let reply = draft.apply(change, &mut |d| {
        let mut answers = schema.submitted_answers(&d.answers);
        let mut errors = schema.validate(&answers, china_date(now));
        // A field already wrong is answered once (its own error first).
        let certificates: Vec<FieldError> = crate::presented::errors(&presented, &answers)
            .into_iter()
            .filter(|f| !errors.iter().any(|e| e.path == f.path))
            .collect();
        errors.extend(certificates);
        errors.extend(
            missing_fields
                .iter()
                .filter(|f| answers.contains_key(&f.path))
                .cloned(),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        crate::presented::record(&presented, &mut answers);
        let done = Submission {
            idempotency_key: tongban_core::draft::submission_key(&d.draft_id),
            application_id: new_id(),
            receipt: new_receipt(now),
        };
        submitted = Some((done.clone(), answers));
        Ok(done)
    });
    let mut decided = Decided::plain(draft, reply);
    if let Some((done, answers)) = &submitted {
        let form_ref = FormRef::parse(&decided.draft.form_id);
        decided.cases = plan_cases(
            state,
            &done.application_id,
            &form_ref,
            &matters,
            answers,
            now,
        );
        let promised = decided.cases.iter().filter_map(|c| c.due_day).max();
        let mut params = BTreeMap::new();
        params.insert("receipt".to_owned(), done.receipt.clone());
        if let Some(day) = promised {
            params.insert("date".to_owned(), Day(day).to_string());
        }
        // Done in the person's name by an agent: the message says who.
        if let Some(agent) = citizen.agent_label(state).await? {
            params.insert("agent".to_owned(), agent);
        }
        let (messages, notifications) = tell(
            state,
            &citizen.account_id,
            Some(&done.application_id),
            MessageKind::Submitted,
            params,
            now,
        )
        .await?;
        decided.messages = messages;
        decided.notifications = notifications;
    }
    decided.submitted = submitted;
    decided.presented = presented;
    Ok(Decision::Write(decided))
}
