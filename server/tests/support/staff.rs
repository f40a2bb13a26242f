//! Department staff for tests: added straight to the database, logged in through the API.

use std::sync::Arc;

use tongban_core::auth::{MemorySecretStore, SessionSecretStore};
use tongban_core::case::StaffRole;
use tongban_core::ApiClient;
use tongban_server::store::NewStaff;

use super::auth::AuthServer;

/// The password every test staff member has.
pub const PASSWORD: &str = "correct horse battery";

/// Adds a staff member of `department` with `role` and logs them in.
pub async fn staff(
    server: &AuthServer,
    username: &str,
    department: &str,
    role: StaffRole,
) -> ApiClient {
    let hash = tongban_server::auth::password::hash_password(PASSWORD).unwrap();
    server
        .server
        .db()
        .put_staff(NewStaff::new(username, username, department, role, &hash))
        .await
        .unwrap();
    let client =
        ApiClient::new(&server.base).with_secret_store(Arc::new(MemorySecretStore::default()));
    client.staff_login(username, PASSWORD).await.unwrap();
    client
}

/// A fresh staff token (as the workbench holds one), by logging in again.
pub async fn staff_token(server: &AuthServer, username: &str) -> String {
    let secrets = Arc::new(MemorySecretStore::default());
    let client = ApiClient::new(&server.base).with_secret_store(secrets.clone());
    client.staff_login(username, PASSWORD).await.unwrap();
    secrets.load().unwrap()
}

/// The case an application has in a department (as that department's staff see it).
pub async fn case_in(staff: &ApiClient, application: &str) -> String {
    staff
        .staff_cases("limit=500")
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.application_id == application)
        .map(|c| c.id)
        .expect("the department's queue holds the case")
}

/// Takes an application's case in `staff`'s department through to completed (受理, 审查, 批准,
/// 办结), as a supervisor may.
pub async fn complete(staff: &ApiClient, application: &str) {
    use tongban_core::application::ApplicationStatus;
    use tongban_core::case::CaseMove;
    let case = case_in(staff, application).await;
    for status in [
        ApplicationStatus::Accepted,
        ApplicationStatus::InReview,
        ApplicationStatus::Approved,
        ApplicationStatus::Completed,
    ] {
        let to = CaseMove {
            status,
            message: String::new(),
            fields: Vec::new(),
            reason: None,
        };
        staff.staff_move_case(&case, &to).await.unwrap();
    }
}
