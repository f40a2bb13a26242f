//! Recording what was done, from a request: the one way handlers write the audit log (append-
//! only; the database refuses updates and deletes). Objects are named by ids or masked values
//! only — never a full ID or phone number, here or in the server log.

use tongban_core::audit::{Actor, AuditAction};

use crate::error::AppError;
use crate::state::AppState;
pub use crate::store::{Event, Outcome};

impl AppState {
    pub async fn audit(
        &self,
        actor: &Actor,
        action: AuditAction,
        object: &str,
        outcome: Outcome,
        ip: &str,
    ) -> Result<(), AppError> {
        self.store
            .audit(
                self.auth.now(),
                Event {
                    actor,
                    action,
                    object,
                    outcome,
                    ip,
                },
            )
            .await?;
        Ok(())
    }
}
