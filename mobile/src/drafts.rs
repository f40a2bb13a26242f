//! Drafts on the device: made and answered offline, kept encrypted (`draft_store`), asked
//! through core's `QuestionView`, checked with the server's rules, synced by core's step, and
//! submitted once.

use std::collections::HashMap;

use tongban_core::catalog::FormRef;
use tongban_core::draft_sync::{self, Step, SyncStop};
use tongban_core::form::{Answer, Answers, FormSchema, MaterialAnswer, MaterialUploaded};
use tongban_core::view::{answer_value, questions, QuestionView, Words};
use tongban_core::{ApiError, FieldError};

use crate::{new_id, now, TongbanClient};

/// A draft as a native screen shows it.
#[derive(uniffi::Record)]
pub struct DraftView {
    pub id: String,
    pub form_id: String,
    /// Each answer as text (a document answer as its file name, a choice list joined by `,`).
    pub answers: HashMap<String, String>,
    /// Changes made on this device the server has not acknowledged yet.
    pub pending_changes: u32,
    /// Fields changed on another device too: both answers, until the person chooses
    /// (`resolve_conflict`).
    pub conflicts: Vec<ConflictView>,
    /// Why the last submission was refused, field by field.
    pub submit_errors: Vec<FieldError>,
    pub application_id: Option<String>,
    pub receipt: Option<String>,
    pub updated_at: i64,
}

/// One field answered differently on two devices.
#[derive(uniffi::Record)]
pub struct ConflictView {
    pub path: String,
    /// This device's answer (as text; `None` = cleared).
    pub mine: Option<String>,
    /// The other device's answer.
    pub theirs: Option<String>,
}

/// Which answer the person keeps for a conflicting field.
#[derive(uniffi::Enum)]
pub enum Keep {
    Mine,
    Theirs,
}

/// How a sync run ended.
#[derive(uniffi::Record)]
pub struct SyncSummary {
    pub sent: u32,
    pub pending: u32,
    pub offline: bool,
    pub needs_login: bool,
    /// Codes of changes the server refused for good (message `error-<code>`).
    pub refused: Vec<String>,
}

#[uniffi::export]
impl TongbanClient {
    /// Starts a draft for a matter (its code) or a bundle (`bundle:<id>`); works offline. Online,
    /// what the account already knows (name, ID number, phone) is filled in, as on the web.
    pub async fn create_draft(&self, form_id: String) -> Result<String, ApiError> {
        let id = new_id();
        let draft = id.clone();
        let form = form_id.clone();
        self.with_drafts(move |s| s.create_draft(&draft, &form, new_id(), now()))
            .await?;
        // Prefilling is a convenience: offline, or without the guide, the person types instead.
        if let (Ok(profile), Ok(schema)) = (self.api.profile().await, self.form(&form_id).await) {
            let draft = id.clone();
            self.with_drafts(move |s| {
                let answered = s
                    .drafts
                    .get(&draft)
                    .map(|d| d.answers.clone())
                    .unwrap_or_default();
                for (path, value) in tongban_core::view::prefill(&schema, &profile, &answered) {
                    s.set_answer(&draft, &path, Some(Answer::Text(value)), new_id(), now());
                }
            })
            .await?;
        }
        Ok(id)
    }

    /// Sets (or clears, with `None`) a text answer; saved on the device at once, works offline.
    pub async fn set_text_answer(
        &self,
        draft_id: String,
        path: String,
        text: Option<String>,
    ) -> Result<(), ApiError> {
        self.set_answer(draft_id, path, text.map(Answer::Text))
            .await
    }

    /// Answers a multiple-choice question with the chosen option values (a single choice is a
    /// text answer: the option's value).
    pub async fn set_choices_answer(
        &self,
        draft_id: String,
        path: String,
        values: Vec<String>,
    ) -> Result<(), ApiError> {
        self.set_answer(draft_id, path, Some(Answer::Choices(values)))
            .await
    }

    /// Promises a document for later (容缺), where the matter allows it: the application is
    /// accepted now and the document handed in afterwards.
    pub async fn promise_material_later(
        &self,
        draft_id: String,
        path: String,
    ) -> Result<(), ApiError> {
        self.set_answer(
            draft_id,
            path,
            Some(Answer::Material(MaterialAnswer::SupplyLater)),
        )
        .await
    }

    /// Answers a document question with an uploaded file (see `upload_material`).
    pub async fn set_material_answer(
        &self,
        draft_id: String,
        path: String,
        uploaded: MaterialUploaded,
        file_name: String,
    ) -> Result<(), ApiError> {
        let answer = Answer::Material(MaterialAnswer::Uploaded {
            object_id: uploaded.object_id,
            file_name,
            size: uploaded.size,
        });
        self.set_answer(draft_id, path, Some(answer)).await
    }

    /// The questions of a draft's form that show with its current answers (conditions applied),
    /// in `language`, as core's view gives them to every shell. Works offline once the form's
    /// guides were opened on this device.
    pub async fn questions(
        &self,
        draft_id: String,
        language: String,
    ) -> Result<Vec<QuestionView>, ApiError> {
        let (schema, answers) = self.schema_and_answers(&draft_id).await?;
        let loader = tongban_core::i18n::loader_for_tag(&language);
        Ok(questions(
            &schema,
            &answers,
            &Words::new(&loader, &language),
        ))
    }

    /// Checks a draft's answers on the device with the same rules the server applies, before
    /// submitting: what is wrong where (messages `error-<code>`), empty when it can be sent.
    pub async fn check_answers(&self, draft_id: String) -> Result<Vec<FieldError>, ApiError> {
        let (schema, answers) = self.schema_and_answers(&draft_id).await?;
        let today = tongban_core::identity::china_date(now());
        Ok(schema.validate(&schema.submitted_answers(&answers), today))
    }

    /// Keeps one of two answers given on two devices; the other is gone once this syncs.
    pub async fn resolve_conflict(
        &self,
        draft_id: String,
        path: String,
        keep: Keep,
    ) -> Result<(), ApiError> {
        let known = self
            .with_drafts(move |s| {
                let chosen = s.drafts.get(&draft_id).and_then(|d| {
                    d.conflicts
                        .iter()
                        .find(|c| c.path == path)
                        .map(|c| match keep {
                            Keep::Mine => c.mine.clone(),
                            Keep::Theirs => c.theirs.clone(),
                        })
                });
                match chosen {
                    Some(value) => s.set_answer(&draft_id, &path, value, new_id(), now()),
                    None => false,
                }
            })
            .await?;
        if known {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// Deletes a draft here and, at the next sync, on the server (and so on other devices).
    pub async fn delete_draft(&self, draft_id: String) -> Result<(), ApiError> {
        let known = self
            .with_drafts(move |s| {
                let known = s.drafts.get(&draft_id).is_some_and(|d| !d.deleted);
                if known {
                    s.delete_draft(&draft_id, new_id());
                }
                known
            })
            .await?;
        if known {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// Queues the submission; `sync` sends it (once, however often this is called).
    pub async fn submit_draft(&self, draft_id: String) -> Result<(), ApiError> {
        let known = self
            .with_drafts(move |s| s.submit(&draft_id, new_id()))
            .await?;
        if known {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// The account's drafts on this device, newest first.
    pub async fn drafts(&self) -> Result<Vec<DraftView>, ApiError> {
        self.with_drafts(|s| {
            let mut list: Vec<DraftView> = s
                .drafts
                .values()
                .filter(|d| !d.deleted)
                .map(|d| DraftView {
                    id: d.id.clone(),
                    form_id: d.form_id.clone(),
                    answers: d
                        .answers
                        .iter()
                        .map(|(k, v)| (k.clone(), answer_value(v)))
                        .collect(),
                    pending_changes: s.outbox.iter().filter(|c| c.draft_id == d.id).count() as u32,
                    conflicts: d
                        .conflicts
                        .iter()
                        .map(|c| ConflictView {
                            path: c.path.clone(),
                            mine: c.mine.as_ref().map(answer_value),
                            theirs: c.theirs.as_ref().map(answer_value),
                        })
                        .collect(),
                    submit_errors: d.submit_errors.clone(),
                    application_id: d.submitted.as_ref().map(|x| x.application_id.clone()),
                    receipt: d.submitted.as_ref().map(|x| x.receipt.clone()),
                    updated_at: d.updated_at,
                })
                .collect();
            list.sort_by_key(|d| std::cmp::Reverse(d.updated_at));
            list
        })
        .await
    }

    /// Sends what waits, in order, until done or the network fails; call it after changes, when
    /// the network returns, and now and then.
    pub async fn sync(&self) -> Result<SyncSummary, ApiError> {
        let mut summary = SyncSummary {
            sent: 0,
            pending: 0,
            offline: false,
            needs_login: false,
            refused: Vec::new(),
        };
        loop {
            let head = self.with_drafts(|s| s.next_to_send().cloned()).await?;
            let Some(head) = head else { break };
            // The lock is not held while waiting for the network: typing goes on meanwhile.
            let step = draft_sync::send(&self.api, &head).await;
            match &step {
                Step::Stop(SyncStop::Offline) => summary.offline = true,
                Step::Stop(SyncStop::NeedsLogin) => summary.needs_login = true,
                _ => {}
            }
            if matches!(step, Step::Stop(_)) {
                break;
            }
            if let Some(code) = self
                .with_drafts(|s| s.take_step(&head.op_id, &step))
                .await?
            {
                summary.refused.push(code);
            }
            summary.sent += 1;
        }
        if !summary.offline && !summary.needs_login {
            // Drafts started or changed on another device join this one.
            if let Ok(remote) = self.api.drafts().await {
                let now = now();
                self.with_drafts(move |s| {
                    for snapshot in &remote {
                        s.adopt(snapshot, now);
                    }
                })
                .await?;
            }
        }
        summary.pending = self.with_drafts(|s| s.outbox.len() as u32).await?;
        Ok(summary)
    }
}

impl TongbanClient {
    /// Sets one answer in a draft on the device (queued for sync); NotFound for an unknown draft.
    async fn set_answer(
        &self,
        draft_id: String,
        path: String,
        answer: Option<Answer>,
    ) -> Result<(), ApiError> {
        let known = self
            .with_drafts(move |s| s.set_answer(&draft_id, &path, answer, new_id(), now()))
            .await?;
        if known {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// A draft's form — a matter's, or a bundle's from the cached catalog index — and its
    /// answers.
    async fn schema_and_answers(&self, draft_id: &str) -> Result<(FormSchema, Answers), ApiError> {
        let draft = draft_id.to_owned();
        let (form_id, answers) = self
            .with_drafts(move |s| {
                s.drafts
                    .get(&draft)
                    .filter(|d| !d.deleted)
                    .map(|d| (d.form_id.clone(), d.answers.clone()))
            })
            .await?
            .ok_or(ApiError::NotFound)?;
        Ok((self.form(&form_id).await?, answers))
    }

    /// A form by its id, resolved by core from the guides (kept on the device) and the cached
    /// index (for a bundle's matters).
    async fn form(&self, form_id: &str) -> Result<FormSchema, ApiError> {
        let form = FormRef::parse(form_id);
        let bundles = match &form {
            FormRef::Matter(_) => Vec::new(),
            FormRef::Bundle(_) => self.cached_index()?.bundles,
        };
        let codes = form.matter_codes(&bundles).ok_or(ApiError::NotFound)?;
        let mut matters = Vec::with_capacity(codes.len());
        for code in &codes {
            matters.push(self.matter(code).await?.0);
        }
        form.resolve(&bundles, &matters)
            .map(|f| f.schema)
            .ok_or(ApiError::NotFound)
    }
}
