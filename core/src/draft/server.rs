//! The server's side of a draft: applying each change once, merging fields changed on
//! different devices and reporting a conflict when the same field was changed on two.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::*;
use crate::form::Answers;

/// Who last wrote a field, and at which version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMeta {
    pub version: u64,
    pub device_id: String,
}

/// The server's state of one draft (persisted by the server; `replies` too, for idempotency).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerDraft {
    pub draft_id: String,
    pub form_id: String,
    pub version: u64,
    pub answers: Answers,
    pub fields: BTreeMap<String, FieldMeta>,
    pub deleted: bool,
    #[serde(default)]
    pub submission: Option<Submission>,
}

impl ServerDraft {
    pub fn snapshot(&self) -> DraftSnapshot {
        DraftSnapshot {
            draft_id: self.draft_id.clone(),
            form_id: self.form_id.clone(),
            version: self.version,
            answers: self.answers.clone(),
            deleted: self.deleted,
        }
    }

    /// A draft the server has not seen, made by a `Create` change.
    pub fn create(change: &Change) -> Result<Self, ChangeReply> {
        match &change.kind {
            ChangeKind::Create { form_id } => Ok(Self {
                draft_id: change.draft_id.clone(),
                form_id: form_id.clone(),
                version: 1,
                ..Self::default()
            }),
            _ => Err(ChangeReply::Rejected {
                code: "draft-unknown".into(),
            }),
        }
    }

    /// Applies one change not applied before (the caller looked up its op id first).
    /// `submit` makes the application from the answers (validating them with the form) when the
    /// change is a submission.
    pub fn apply(
        &mut self,
        change: &Change,
        submit: &mut dyn FnMut(&ServerDraft) -> Result<Submission, Vec<crate::api::FieldError>>,
    ) -> ChangeReply {
        if self.submission.is_some() && !matches!(change.kind, ChangeKind::Submit { .. }) {
            return ChangeReply::Rejected {
                code: "draft-submitted".into(),
            };
        }
        match &change.kind {
            ChangeKind::Submit { idempotency_key } => {
                if self.deleted {
                    return ChangeReply::Rejected {
                        code: "draft-deleted".into(),
                    };
                }
                if let Some(done) = &self.submission {
                    return if done.idempotency_key == *idempotency_key {
                        ChangeReply::Submitted {
                            application_id: done.application_id.clone(),
                            receipt: done.receipt.clone(),
                            snapshot: self.snapshot(),
                        }
                    } else {
                        ChangeReply::Rejected {
                            code: "idempotency-key-reused".into(),
                        }
                    };
                }
                return match submit(self) {
                    Ok(done) => {
                        self.version += 1;
                        let reply = ChangeReply::Submitted {
                            application_id: done.application_id.clone(),
                            receipt: done.receipt.clone(),
                            snapshot: self.snapshot(),
                        };
                        self.submission = Some(done);
                        reply
                    }
                    Err(fields) => ChangeReply::Invalid { fields },
                };
            }
            ChangeKind::Create { form_id } => {
                if *form_id != self.form_id {
                    return ChangeReply::Rejected {
                        code: "draft-form-mismatch".into(),
                    };
                }
            }
            ChangeKind::Delete => {
                if !self.deleted {
                    self.deleted = true;
                    self.version += 1;
                }
            }
            ChangeKind::Set { path, value } => {
                if self.deleted {
                    return ChangeReply::Rejected {
                        code: "draft-deleted".into(),
                    };
                }
                let current = self.answers.get(path).cloned();
                if let Some(meta) = self.fields.get(path) {
                    let changed_elsewhere =
                        meta.version > change.base_version && meta.device_id != change.device_id;
                    if changed_elsewhere && current != *value {
                        return ChangeReply::Conflict {
                            path: path.clone(),
                            theirs: current,
                            snapshot: self.snapshot(),
                        };
                    }
                }
                if current != *value {
                    match value {
                        Some(v) => self.answers.insert(path.clone(), v.clone()),
                        None => self.answers.remove(path),
                    };
                    self.version += 1;
                    self.fields.insert(
                        path.clone(),
                        FieldMeta {
                            version: self.version,
                            device_id: change.device_id.clone(),
                        },
                    );
                }
            }
        }
        ChangeReply::Applied {
            snapshot: self.snapshot(),
        }
    }
}
