//! Recording what was done, from a request: the one way handlers write the audit log (append-
//! only; the database refuses updates and deletes). Objects are named by ids or masked values
//! only — never a full ID or phone number, here or in the server log.

use tongban_core::audit::{Actor, AuditAction};

use crate::error::AppError;
use crate::state::AppState;
pub use crate::store::{About, Event, Outcome};

impl AppState {
    pub async fn audit(
        &self,
        actor: &Actor,
        action: AuditAction,
        object: &str,
        outcome: Outcome,
        ip: &str,
    ) -> Result<(), AppError> {
        self.audit_event(Event {
            actor,
            action,
            object,
            outcome,
            ip,
            about: None,
        })
        .await
    }

    /// Appends an entry as given, now: one naming the person whose data it used (`about`) is
    /// in that person's data record.
    pub async fn audit_event(&self, event: Event<'_>) -> Result<(), AppError> {
        self.store.audit(self.auth.now(), event).await?;
        Ok(())
    }

    /// Appends an entry about a person's data.
    pub async fn audit_about(
        &self,
        about: About<'_>,
        actor: &Actor,
        action: AuditAction,
        object: &str,
        outcome: Outcome,
        ip: &str,
    ) -> Result<(), AppError> {
        self.audit_event(Event {
            actor,
            action,
            object,
            outcome,
            ip,
            about: Some(about),
        })
        .await
    }
}
