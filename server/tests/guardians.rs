//! Guardians (监护) against a real server: a mother declares her minor son; nothing acts until a
//! hall's staff confirm it with the code she shows; then she drafts and submits in his name, until
//! the day before he turns 18. Adults, mismatched names, staff away from a hall and repeated
//! declarations are refused.

mod support;

use support::auth::AuthServer;
use support::forms::{id_number, id_number_born, submit};
use tongban_core::case::StaffRole;
use tongban_core::mandate::{MandateKind, MandateStatus, NewGuardianship};
use tongban_core::message::MessageKind;
use tongban_core::{ApiClient, ApiError};

const MATTER: &str = "330000-GA-0001";
/// Wednesday 2026-12-02, 10:00 in Beijing.
const WEDNESDAY_10AM: i64 = 1_796_176_800;

/// A clerk of `department`, logged in.
async fn staff(server: &AuthServer, username: &str, department: &str) -> ApiClient {
    support::staff::staff(server, username, department, StaffRole::Clerk).await
}

fn code_of(result: Result<impl std::fmt::Debug, ApiError>) -> String {
    match result {
        Err(ApiError::Validation { code, fields, .. }) => {
            fields.first().map_or(code, |f| f.code.clone())
        }
        Err(ApiError::Conflict { code, .. }) | Err(ApiError::Forbidden { code }) => code,
        Err(other) => format!("{other:?}"),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

fn child(name: &str, born: &str, n: usize) -> NewGuardianship {
    NewGuardianship {
        child_name: name.into(),
        child_id_number: id_number_born(born, n),
    }
}

#[tokio::test]
async fn a_mother_acts_for_her_son_once_a_hall_confirms_it() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    server.clock.set(WEDNESDAY_10AM);
    let (mother, _) = server.login("13900000021").await;
    // Verified first.
    assert_eq!(
        code_of(
            mother
                .declare_guardianship(&child("李小明", "20150601", 1))
                .await
        ),
        "identity-required"
    );
    mother
        .verify_identity("王秀英", &id_number(71))
        .await
        .unwrap();
    // An adult, or a name the register does not know for that number: refused on the field.
    assert_eq!(
        code_of(
            mother
                .declare_guardianship(&child("李大明", "19900601", 2))
                .await
        ),
        "guardian-not-minor"
    );
    assert_eq!(
        code_of(
            mother
                .declare_guardianship(&child(
                    tongban_server::auth::verifier::DEV_MISMATCH_NAME,
                    "20150601",
                    3
                ))
                .await
        ),
        "identity-mismatch"
    );
    let declared = mother
        .declare_guardianship(&child("李小明", "20150601", 1))
        .await
        .unwrap();
    assert_eq!(declared.kind, MandateKind::Guardian);
    assert_eq!(declared.status, MandateStatus::Offered);
    assert_eq!(declared.to.to_string(), "2033-05-31");
    let code = declared.hall_code.clone().expect("a code for the hall");
    assert_eq!(code.len(), 8);
    assert_eq!(
        code_of(
            mother
                .declare_guardianship(&child("李小明", "20150601", 1))
                .await
        ),
        "guardianship-exists"
    );
    // She cannot confirm it herself, and it does not act yet.
    assert_eq!(
        code_of(mother.accept_mandate(&declared.id).await),
        "mandate-status"
    );
    let as_mother = mother.acting_for(&declared.id);
    assert_eq!(code_of(as_mother.drafts().await), "mandate-not-active");

    // Staff of a department without a hall cannot; a hall's clerk finds it by the code.
    let office = staff(&server, "jy-clerk", "330100-jy").await;
    assert_eq!(
        code_of(office.staff_guardianship(&code).await),
        "guardian-hall-only"
    );
    let desk = staff(&server, "mz-clerk", "330100-mz").await;
    assert!(matches!(
        desk.staff_guardianship("00000000").await,
        Err(ApiError::NotFound)
    ));
    let seen = desk.staff_guardianship(&code).await.unwrap();
    assert!(seen.child.starts_with("李*"), "{seen:?}");
    assert!(!seen.child.contains("20150601"), "masked: {seen:?}");
    assert_eq!(seen.child_born.to_string(), "2015-06-01");
    let confirmed = desk.staff_confirm_guardianship(&code).await.unwrap();
    assert_eq!(confirmed.status, MandateStatus::Accepted);
    // The code is spent.
    assert!(matches!(
        desk.staff_confirm_guardianship(&code).await,
        Err(ApiError::NotFound)
    ));
    let told = mother.messages().await.unwrap().items;
    assert!(told
        .iter()
        .any(|m| m.kind == MessageKind::GuardianConfirmed));

    // Now she applies in his name; it is his application, made by her.
    let (application, _) = submit(&as_mother, MATTER, &[]).await;
    let seen = as_mother.application(&application).await.unwrap();
    assert!(seen.submitted_by.is_some());
    assert!(mother.application(&application).await.is_err(), "not hers");
    let list = mother.mandates().await.unwrap();
    let mine = list.received.iter().find(|m| m.id == declared.id).unwrap();
    assert!(mine.active && mine.hall_code.is_none());
    assert!(mine.other_party.starts_with("李*"), "{mine:?}");

    // A teenager with an account of their own is the grantor of their guardianship, and cannot
    // end it; the parent can give it up.
    let (teen, _) = server.login("13900000023").await;
    teen.verify_identity("李小红", &id_number_born("20100301", 4))
        .await
        .unwrap();
    let theirs = mother
        .declare_guardianship(&child("李小红", "20100301", 4))
        .await
        .unwrap();
    let given = teen.mandates().await.unwrap().given;
    assert!(given
        .iter()
        .any(|m| m.id == theirs.id && m.hall_code.is_none()));
    assert_eq!(
        code_of(teen.revoke_mandate(&theirs.id).await),
        "mandate-status"
    );
    mother.revoke_mandate(&theirs.id).await.unwrap();

    // The day he turns 18 it stops.
    server.clock.set(2_001_171_600); // 2033-06-01 01:00 in Beijing
    let (mother, _) = server.login("13900000021").await;
    assert_eq!(
        code_of(mother.acting_for(&declared.id).drafts().await),
        "mandate-not-active"
    );
}
