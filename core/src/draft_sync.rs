//! The sync step every shell runs: send the outbox head, take the reply, save, repeat — until
//! the outbox is empty, the network fails or the session has ended. Shells decide only when to
//! run it (after a change, when the network returns, now and then) and hold their state between
//! the steps, so a person typing during a sync never loses a keystroke.

use crate::api::ApiError;
use crate::client::ApiClient;
use crate::draft::{Change, ChangeReply, DeviceState, SyncOutcome};

/// Why a sync run stopped before the outbox was empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncStop {
    /// The server could not be reached (or failed); the rest waits.
    Offline,
    /// The session ended; the rest waits for a new login.
    NeedsLogin,
}

/// What sending one outbox entry gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The server answered (applied, conflict, submitted, refused answers …).
    Reply(ChangeReply),
    /// The request itself was refused for good (not this person's draft, malformed): the entry
    /// is dropped and the code shown.
    Refused(String),
    /// Stop syncing for now; the entry stays.
    Stop(SyncStop),
}

/// Sends one entry.
pub async fn send(api: &ApiClient, change: &Change) -> Step {
    match api.send_change(change).await {
        Ok(reply) => Step::Reply(reply),
        Err(ApiError::Unauthorized) => Step::Stop(SyncStop::NeedsLogin),
        Err(e) if e.is_retryable() => Step::Stop(SyncStop::Offline),
        // The code alone, as a rejection carries it (its message is `error-<code>`).
        Err(e) => Step::Refused(
            e.message_id()
                .strip_prefix("error-")
                .unwrap_or("server")
                .to_owned(),
        ),
    }
}

impl DeviceState {
    /// Takes the result of sending `op_id`. Returns the code to show (message `error-<code>`)
    /// when the server refused the change for good.
    pub fn take_step(&mut self, op_id: &str, step: &Step) -> Option<String> {
        match step {
            Step::Reply(reply) => match self.receive(op_id, reply) {
                SyncOutcome::Rejected(code) => Some(code),
                _ => None,
            },
            Step::Refused(code) => {
                self.outbox.retain(|c| c.op_id != op_id);
                Some(code.clone())
            }
            Step::Stop(_) => None,
        }
    }
}
