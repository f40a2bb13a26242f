//! 数据使用记录 against a real server: the person's record lists, newest first, every use of
//! their data — the identity register at verification, a prefill, a benefit decided, the
//! department reading their case (by department and role, with the receipt, never a staff
//! member's name) — and the refused attempts: another department's clerk opening the case,
//! another account trying their ID number. Nobody else's record holds any of it. Consents are
//! listed with their receipts and withdrawn once; the whole record downloads as JSON.

mod support;

use support::auth::AuthServer;
use support::forms::id_number_in;
use support::staff::{case_in, staff};
use tongban_core::case::StaffRole;
use tongban_core::data_record::{DataCategory, DataUse, DataUser, UseOutcome, UsePurpose};
use tongban_core::{ApiClient, ApiError};

/// Thursday 2026-12-03, 10:00 in Beijing.
const THURSDAY_10AM: i64 = 1_796_263_200;
const GAOLING: &str = "330100-gaoling";

async fn server() -> AuthServer {
    let server = AuthServer::on_sqlite(|_| {}).await;
    server.clock.set(THURSDAY_10AM);
    server
}

fn find<'a>(uses: &'a [DataUse], action: &str, outcome: UseOutcome) -> &'a DataUse {
    uses.iter()
        .find(|u| u.action == action && u.outcome == outcome)
        .unwrap_or_else(|| panic!("no {action} {outcome:?} in {uses:#?}"))
}

async fn all_uses(person: &ApiClient) -> Vec<DataUse> {
    person.data_uses(None).await.unwrap().items
}

#[tokio::test]
async fn the_record_lists_every_use_and_every_refused_attempt_newest_first() {
    let server = server().await;
    let (grandpa, secrets) = server.login("13900000001").await;
    let id_number = id_number_in("330106", "19461203", 1);
    grandpa.verify_identity("钱老伯", &id_number).await.unwrap();
    grandpa.profile().await.unwrap();
    let claimed = grandpa.claim_benefit(GAOLING).await.unwrap();

    let clerk = staff(&server, "mz-clerk-wang", "330100-mz", StaffRole::Clerk).await;
    let case = case_in(&clerk, &claimed.application_id).await;
    clerk.staff_case(&case).await.unwrap();
    let elsewhere = staff(&server, "ga-clerk-li", "330100-ga", StaffRole::Clerk).await;
    assert_eq!(
        elsewhere.staff_case(&case).await.unwrap_err(),
        ApiError::NotFound
    );
    let (mallory, _) = server.login("13900000099").await;
    let taken = mallory
        .verify_identity("钱老伯", &id_number)
        .await
        .unwrap_err();
    assert_eq!(taken.message_id(), "error-identity-taken");

    let uses = all_uses(&grandpa).await;
    assert!(
        uses.windows(2).all(|w| w[0].id > w[1].id),
        "newest first: {uses:#?}"
    );
    assert_eq!(uses[0].action, "identity-verify", "the newest: the attempt");
    assert_eq!(
        (uses[0].by.clone(), uses[0].outcome),
        (DataUser::Other, UseOutcome::Denied)
    );

    let read = find(&uses, "case-read", UseOutcome::Ok);
    let DataUser::Department { id, name, role } = &read.by else {
        panic!("{read:?}")
    };
    assert_eq!((id.as_str(), *role), ("330100-mz", StaffRole::Clerk));
    assert!(!name.zh.is_empty());
    assert_eq!(read.receipt.as_deref(), Some(claimed.receipt.as_str()));
    assert_eq!(
        read.application_id.as_deref(),
        Some(claimed.application_id.as_str())
    );
    assert_eq!(read.purpose, UsePurpose::Processing);
    assert!(read.categories.contains(&DataCategory::Answers));

    let refused = find(&uses, "case-read", UseOutcome::Denied);
    assert!(
        matches!(&refused.by, DataUser::Department { id, .. } if id == "330100-ga"),
        "{refused:?}"
    );
    let prefill = find(&uses, "profile-read", UseOutcome::Ok);
    assert_eq!(
        (prefill.by.clone(), prefill.purpose),
        (DataUser::You, UsePurpose::Prefill)
    );
    let verified = find(&uses, "identity-verify", UseOutcome::Ok);
    assert_eq!(verified.by, DataUser::Register);
    let decided = uses
        .iter()
        .find(|u| u.action == "benefit-decided" && u.application_id.is_some())
        .expect("the claim, with its application");
    assert_eq!(decided.purpose, UsePurpose::Benefit);
    assert!(decided.categories.contains(&DataCategory::Household));

    // Roles, never names: neither clerk's name is anywhere in the record.
    let body = serde_json::to_string(&uses).unwrap();
    assert!(
        !body.contains("mz-clerk-wang") && !body.contains("ga-clerk-li"),
        "{body}"
    );

    // A page at a time: the next page goes on from where one stopped.
    let older = grandpa.data_uses(Some(uses[1].id)).await.unwrap().items;
    assert_eq!(older, uses[2..].to_vec());

    // Someone else's record holds none of it.
    let theirs = all_uses(&mallory).await;
    assert!(
        theirs.iter().all(|u| u.action != "case-read"),
        "{theirs:#?}"
    );
    // Opening the record is not itself a use of the data shown in it.
    assert_eq!(all_uses(&grandpa).await, uses);

    // The consent the claim gave: listed with its receipt, withdrawn once, by its owner only.
    let consents = grandpa.consents().await.unwrap().items;
    assert_eq!(consents.len(), 1);
    let consent = &consents[0];
    assert_eq!(consent.receipt, claimed.consent);
    assert_eq!(consent.kind, "benefit");
    assert!(consent.withdrawn_at.is_none());
    let not_theirs = mallory
        .withdraw_consent(&consent.receipt.id)
        .await
        .unwrap_err();
    assert_eq!(not_theirs, ApiError::NotFound);
    let withdrawn = grandpa.withdraw_consent(&consent.receipt.id).await.unwrap();
    assert_eq!(withdrawn.withdrawn_at, Some(THURSDAY_10AM));
    let again = grandpa
        .withdraw_consent(&consent.receipt.id)
        .await
        .unwrap_err();
    assert_eq!(again.message_id(), "error-consent-withdrawn");
    let activity = grandpa.activity().await.unwrap().items;
    assert_eq!(activity[0].action, "consent-withdrawn");

    // The whole record, to keep: the account in full, the application, the consent, the uses.
    let export = grandpa.data_export().await.unwrap();
    assert_eq!(
        export.profile.id_number.as_deref(),
        Some(id_number.as_str())
    );
    assert_eq!(export.household_region.as_deref(), Some("330106"));
    assert!(export
        .applications
        .iter()
        .any(|a| a.receipt == claimed.receipt));
    assert_eq!(export.consents[0].withdrawn_at, Some(THURSDAY_10AM));
    assert!(export.data_uses.len() >= uses.len());
    assert!(export
        .activity
        .iter()
        .any(|a| a.action == "consent-withdrawn"));
    let token = tongban_core::auth::SessionSecretStore::load(&*secrets).unwrap();
    let download = reqwest::Client::new()
        .get(server.url("/me/data-export"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"].to_str().unwrap();
    assert_eq!(
        disposition,
        "attachment; filename=\"tongban-data-2026-12-03.json\""
    );
    assert_eq!(download.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn a_page_size_out_of_range_is_refused_and_logged_out_callers_get_nothing() {
    let server = server().await;
    let (person, secrets) = server.login("13900000002").await;
    person.profile().await.unwrap();
    let token = tongban_core::auth::SessionSecretStore::load(&*secrets).unwrap();
    let http = reqwest::Client::new();
    for limit in ["0", "101"] {
        let refused = http
            .get(server.url(&format!("/me/data-uses?limit={limit}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422, "limit {limit}");
    }
    let one = http
        .get(server.url("/me/data-uses?limit=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(one.status(), 200);
    for path in ["/me/data-uses", "/me/consents", "/me/data-export"] {
        let anonymous = http.get(server.url(path)).send().await.unwrap();
        assert_eq!(anonymous.status(), 401, "{path}");
    }
}
