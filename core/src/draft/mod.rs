//! Drafts and their sync: plain transitions over plain data, no I/O.
//!
//! A draft lives on the device first. Every change the person makes becomes an outbox entry
//! (`Change`) with its own id; the shell saves draft and entry in one transaction, and the sync
//! step sends the outbox head, one entry at a time, with the op id as idempotency key and the
//! draft version it was based on. The server side of the protocol (`ServerDraft::apply`) is here
//! too, so the real server and the deterministic simulation run the same rules:
//!
//! - an op id is applied once; a repeat gets the first answer;
//! - a change to a field nobody else changed since the base version merges;
//! - a change to a field another device changed since then, to another value, is a conflict:
//!   both values are kept and the person chooses (never a silent overwrite).
//!
//! `server` holds the server's side of the protocol, `device` the device's (drafts, outbox,
//! conflicts); this module the messages between them.

mod device;
mod server;

pub use device::*;
pub use server::*;

use serde::{Deserialize, Serialize};

use crate::form::{Answer, Answers};

/// What one outbox entry asks the server to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum ChangeKind {
    /// The draft exists (for this form); the first entry of every draft.
    Create { form_id: String },
    /// One answer set (`None` clears it).
    Set { path: String, value: Option<Answer> },
    /// The draft is thrown away.
    Delete,
    /// Submit the draft as an application. The key is derived from the draft, so however often
    /// this is sent, one application results.
    Submit { idempotency_key: String },
}

/// One outbox entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// UUIDv7 made on the device: the idempotency key.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub op_id: String,
    /// The draft of the path it is sent to.
    pub draft_id: String,
    /// The device that made it (its own earlier changes never conflict with it).
    pub device_id: String,
    /// The server version the device had when it made the change.
    #[serde(deserialize_with = "crate::whole::u64")]
    pub base_version: u64,
    pub kind: ChangeKind,
}

/// The server's copy of a draft as it answers: version and answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftSnapshot {
    pub draft_id: String,
    pub form_id: String,
    pub version: u64,
    pub answers: Answers,
    pub deleted: bool,
}

/// The server's answer to one change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum ChangeReply {
    Applied {
        snapshot: DraftSnapshot,
    },
    /// Another device set this field to `theirs` since the change's base version.
    Conflict {
        path: String,
        theirs: Option<Answer>,
        snapshot: DraftSnapshot,
    },
    /// Submitted: the application made from the draft (the same one for every repeat).
    Submitted {
        application_id: String,
        receipt: String,
        snapshot: DraftSnapshot,
    },
    /// The server refused the answers on submission; the draft is kept, the fields named.
    Invalid {
        fields: Vec<crate::api::FieldError>,
    },
    /// No such draft for this person (or the change does not fit it): the entry cannot apply.
    Rejected {
        code: String,
    },
}

/// The application a submitted draft became.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub idempotency_key: String,
    pub application_id: String,
    pub receipt: String,
}

/// The idempotency key of a draft's submission: one draft, one application.
pub fn submission_key(draft_id: &str) -> String {
    format!("submit:{draft_id}")
}
