//! 电子证照 against a real server: identity verification issues the resident ID card (by the
//! police department of the person's city); the wallet collects it as an SD-JWT VC bound to its
//! device key; a presentation of it verifies with the issuer's published keys and status list
//! (the verdict of core's verifier), and shows only what was disclosed; the issuing department's
//! supervisor (not its clerk) revoking it shows in the list; another person cannot collect it; a bad key is refused; the issuance is
//! in the person's data record.

mod support;

use serde_json::json;
use support::auth::AuthServer;
use support::forms::id_number_in;
use support::staff::{complete, staff};
use tongban_core::case::StaffRole;
use tongban_core::credential::jws::{Es256Key, Signer};
use tongban_core::credential::status::{CheckedList, Status};
use tongban_core::credential::{
    present, show, verify, CredentialKind, CredentialStatusChange, Trust, Verdict,
};
use tongban_core::ApiError;

/// Thursday 2026-12-03, 10:00 in Beijing.
const THURSDAY_10AM: i64 = 1_796_263_200;

#[tokio::test]
async fn the_id_card_is_issued_at_verification_collected_bound_and_verifiable() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    server.clock.set(THURSDAY_10AM);
    let (person, _) = server.login("13900000011").await;
    // Born 1966-12-10: 59 today, 60 in a week.
    let number = id_number_in("330106", "19661210", 11);
    person.verify_identity("钱大伯", &number).await.unwrap();
    let list = person.credentials().await.unwrap().items;
    assert_eq!(list.len(), 1, "{list:?}");
    let card = &list[0];
    assert_eq!(card.kind, CredentialKind::ResidentIdCard);
    assert_eq!(card.issuer.id, "330100-ga");
    assert_eq!(card.claims["id_number"], json!(number));
    assert_eq!(card.status, Status::Valid);
    // Verifying again issues no second card.
    person.verify_identity("钱大伯", &number).await.unwrap();
    assert_eq!(person.credentials().await.unwrap().items.len(), 1);

    // Collected with the device's key; a bad key or someone else is refused.
    let device = Es256Key::from_secret(&[21; 32], None).unwrap();
    let refused = person
        .collect_credential(
            &card.id,
            json!({ "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA" }),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, ApiError::Validation { fields, .. } if fields[0].path == "holder_jwk"),
        "{refused:?}"
    );
    let private = person
        .collect_credential(&card.id, device.private_jwk())
        .await
        .unwrap_err();
    assert!(
        matches!(private, ApiError::Validation { .. }),
        "a private key is never sent"
    );
    let (other, _) = server.login("13900000012").await;
    assert_eq!(
        other
            .collect_credential(&card.id, device.public_jwk())
            .await
            .unwrap_err(),
        ApiError::NotFound
    );
    let collected = person
        .collect_credential(&card.id, device.public_jwk())
        .await
        .unwrap();
    assert_eq!(
        collected.issuer,
        "http://127.0.0.1:8080/api/v1/issuers/330100-ga"
    );

    // What a verifier does: the issuer's keys and status list, then the presentation.
    let jwks = person.issuer_jwks("330100-ga").await.unwrap();
    let token = reqwest::get(server.url("/issuers/330100-ga/status"))
        .await
        .unwrap();
    assert_eq!(
        token.headers()["content-type"],
        "application/statuslist+jwt"
    );
    let token = token.text().await.unwrap();
    let lists = [CheckedList::check(&token, &jwks.keys).expect("signed by the issuer")];
    let issuers = [(collected.issuer.clone(), jwks.keys.clone())];
    let shown = present(
        &collected.sd_jwt,
        &["age_over_18", "age_over_60"],
        "tongban-verify",
        "n",
        THURSDAY_10AM,
        &device,
    )
    .await
    .unwrap();
    let verdict = verify(
        &shown,
        &Trust {
            issuers: &issuers,
            lists: &lists,
            now: THURSDAY_10AM + 20,
            audience: "tongban-verify",
            max_age: 300,
        },
    );
    let Verdict::Valid { claims, kind, .. } = verdict else {
        panic!("{verdict:?}")
    };
    assert_eq!(kind, Some(CredentialKind::ResidentIdCard));
    assert_eq!(
        serde_json::Value::Object(claims),
        json!({ "age_over_18": true, "age_over_60": false }),
        "59 today: the age elements as of the day it was collected, nothing else"
    );
    assert!(!shown.contains(&number));

    // The trust bundle a verifier keeps for offline: the same keys and list, in one document,
    // with the department's name; a QR shown in person checks against it.
    let bundle = person.trust_bundle().await.unwrap();
    assert_eq!(
        bundle.issuers.len(),
        1,
        "only departments that issued: {bundle:?}"
    );
    assert_eq!(bundle.issuers[0].issuer, collected.issuer);
    assert_eq!(bundle.issuers[0].keys, jwks.keys);
    assert_eq!(bundle.issuers[0].department.name.zh, "杭州市公安局");
    let qr = show(&collected.sd_jwt, &["name"], "q", THURSDAY_10AM, &device)
        .await
        .unwrap();
    let Verdict::Valid {
        claims,
        status_checked_at,
        ..
    } = bundle.verify_shown(&qr, THURSDAY_10AM + 60)
    else {
        panic!("a QR checks against the bundle")
    };
    assert_eq!(
        serde_json::Value::Object(claims),
        json!({ "name": "钱大伯" })
    );
    assert_eq!(status_checked_at, Some(THURSDAY_10AM));

    // Revoked by its issuer: the next list says so, and it cannot be collected again.
    let stored = server
        .server
        .db()
        .credentials(&card_owner(&server, &card.id).await)
        .await
        .unwrap();
    assert_eq!(stored[0].status_idx, 0);
    // Only the issuing department's supervisor: its clerk may not.
    let clerk = staff(&server, "ga-clerk", "330100-ga", StaffRole::Clerk).await;
    let change = CredentialStatusChange {
        status: Status::Revoked,
    };
    assert_eq!(
        clerk
            .set_credential_status(&card.id, &change)
            .await
            .unwrap_err(),
        ApiError::Forbidden {
            code: "role-not-allowed".into()
        }
    );
    let supervisor = staff(&server, "ga-head", "330100-ga", StaffRole::Supervisor).await;
    let revoked = supervisor
        .set_credential_status(&card.id, &change)
        .await
        .unwrap();
    assert_eq!(revoked.status, Status::Revoked);
    // A revocation is final: neither reinstated nor suspended.
    for status in [Status::Valid, Status::Suspended] {
        let refused = supervisor
            .set_credential_status(&card.id, &CredentialStatusChange { status })
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, ApiError::Conflict { code, .. } if code == "credential-revoked"),
            "{refused:?}"
        );
    }
    let token = reqwest::get(server.url("/issuers/330100-ga/status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let revoked = [CheckedList::check(&token, &jwks.keys).unwrap()];
    let verdict = verify(
        &shown,
        &Trust {
            issuers: &issuers,
            lists: &revoked,
            now: THURSDAY_10AM + 20,
            audience: "tongban-verify",
            max_age: 300,
        },
    );
    assert_eq!(verdict, Verdict::Revoked);
    let bundle = person.trust_bundle().await.unwrap();
    assert_eq!(
        bundle.verify_shown(&qr, THURSDAY_10AM + 60),
        Verdict::Revoked
    );
    // The holder is told, by the issuer's name, with the way into the wallet.
    let told: Vec<_> = person
        .messages()
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|m| m.kind == tongban_core::message::MessageKind::CertificateStatusChanged)
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");
    let loader = tongban_core::i18n::loader_for_tag("zh-CN");
    let words = tongban_core::view::Words::new(&loader, "zh-CN");
    let text = tongban_core::view::message_text(&told[0], &words);
    assert_eq!(text, "杭州市公安局：您卡包里的居民身份证已被发证部门注销。");
    assert_eq!(
        person
            .collect_credential(&card.id, device.public_jwk())
            .await
            .unwrap_err()
            .message_id(),
        "error-credential-not-valid"
    );

    // In the person's data record: the issuance into the wallet.
    let uses = person.data_uses(None).await.unwrap().items;
    assert!(
        uses.iter().any(|u| u.action == "credential-issued"),
        "{uses:#?}"
    );
    // Unknown issuers answer 404.
    assert_eq!(
        person.issuer_jwks("no-such-department").await.unwrap_err(),
        ApiError::NotFound
    );
}

async fn card_owner(server: &AuthServer, id: &str) -> tongban_core::ids::AccountId {
    server
        .server
        .db()
        .credential(id)
        .await
        .unwrap()
        .unwrap()
        .account_id
}

/// A case of a matter that produces a certificate (结婚登记 → 结婚证): completed by the
/// department, the certificate is in the applicant's wallet, issued by that department under
/// their verified identity with the receipt as its number, once; it collects, shows and checks
/// against the trust bundle like the ID card, and the issuance is in the person's data record.
#[tokio::test]
async fn completing_a_marriage_registration_issues_the_marriage_certificate() {
    use support::forms::submit;
    use support::staff::case_in;
    use tongban_core::application::ApplicationStatus;
    use tongban_core::case::CaseMove;

    let server = AuthServer::on_sqlite(|_| {}).await;
    server.clock.set(THURSDAY_10AM);
    let (person, _) = server.login("13900000021").await;
    let number = id_number_in("330106", "19950305", 21);
    person.verify_identity("林小满", &number).await.unwrap();
    let (application, receipt) = submit(&person, "330100-MZ-0001", &[]).await;

    let head = staff(&server, "mz-head", "330100-mz", StaffRole::Supervisor).await;
    let case = case_in(&head, &application).await;
    let to = |status| CaseMove {
        status,
        message: String::new(),
        fields: Vec::new(),
        reason: None,
    };
    for status in [
        ApplicationStatus::Accepted,
        ApplicationStatus::InReview,
        ApplicationStatus::Approved,
    ] {
        head.staff_move_case(&case, &to(status)).await.unwrap();
    }
    let before = person.credentials().await.unwrap().items;
    assert!(
        before
            .iter()
            .all(|c| c.kind != CredentialKind::MarriageCertificate),
        "approved is not yet completed: {before:?}"
    );
    head.staff_move_case(&case, &to(ApplicationStatus::Completed))
        .await
        .unwrap();

    let items = person.credentials().await.unwrap().items;
    let marriage: Vec<_> = items
        .iter()
        .filter(|c| c.kind == CredentialKind::MarriageCertificate)
        .collect();
    assert_eq!(marriage.len(), 1, "{items:?}");
    let certificate = marriage[0];
    assert_eq!(certificate.issuer.id, "330100-mz");
    assert_eq!(certificate.claims["name"], json!("林小满"));
    assert_eq!(certificate.claims["id_number"], json!(number));
    assert_eq!(certificate.claims["certificate_number"], json!(receipt));
    assert_eq!(certificate.claims["registered_on"], json!("2026-12-03"));

    // Into a wallet, shown "identity only", checked offline against the bundle.
    let device = Es256Key::from_secret(&[33; 32], None).unwrap();
    let mut wallet = tongban_core::credential::wallet::Wallet::default();
    person
        .sync_wallet(&mut wallet, &device, THURSDAY_10AM)
        .await
        .unwrap();
    let qr = wallet
        .show(
            &certificate.id,
            &["name", "certificate_number"],
            "n",
            THURSDAY_10AM,
            &device,
        )
        .await
        .unwrap();
    let bundle = wallet.bundle.clone().expect("the trust bundle");
    let Verdict::Valid { kind, claims, .. } = bundle.verify_shown(&qr, THURSDAY_10AM + 30) else {
        panic!("the marriage certificate checks")
    };
    assert_eq!(kind, Some(CredentialKind::MarriageCertificate));
    assert_eq!(claims.len(), 2, "{claims:?}");
    assert_eq!(
        bundle
            .department(
                &bundle
                    .issuers
                    .iter()
                    .find(|i| i.issuer.ends_with("/330100-mz"))
                    .unwrap()
                    .issuer
            )
            .map(|d| d.name.zh.as_str()),
        Some("杭州市民政局")
    );

    // In the record, by the department.
    let uses = person.data_uses(None).await.unwrap().items;
    assert!(
        uses.iter().any(|u| u.action == "credential-issued"
            && matches!(&u.by, tongban_core::data_record::DataUser::Department { id, .. } if id == "330100-mz")),
        "{uses:#?}"
    );
}

/// A certificate that expires (a driving licence renewed for ten years) brings its reminder
/// (主动服务): nothing now; from 90 days before it expires, a message saying when, with the
/// matter that renews it — once.
#[tokio::test]
async fn a_driving_licence_is_issued_for_ten_years_and_its_renewal_is_reminded_90_days_ahead() {
    use support::forms::submit;
    use tongban_core::message::MessageKind;

    let server = AuthServer::on_sqlite(|_| {}).await;
    server.clock.set(THURSDAY_10AM);
    let (person, _) = server.login("13900000031").await;
    let number = id_number_in("330106", "19800704", 31);
    person.verify_identity("周师傅", &number).await.unwrap();
    let (application, receipt) = submit(&person, "100000-GA-0101", &[]).await;
    let head = staff(&server, "jg-head", "100000-jg", StaffRole::Supervisor).await;
    complete(&head, &application).await;
    let licence = person
        .credentials()
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|c| c.kind == CredentialKind::DrivingLicence)
        .expect("the driving licence");
    assert_eq!(licence.claims["certificate_number"], json!(receipt));
    let until = licence.expires_at.expect("a driving licence expires");
    assert_eq!(until, THURSDAY_10AM + 10 * 365 * 86_400);
    let reminders = |list: tongban_core::message::MessageList| -> Vec<_> {
        list.items
            .into_iter()
            .filter(|m| m.kind == MessageKind::CertificateExpiring)
            .collect()
    };
    assert!(reminders(person.messages().await.unwrap()).is_empty());

    // Ten years on the session has long lapsed: the person logs in again.
    server.clock.set(until - 91 * 86_400);
    let (person, _) = server.login("13900000031").await;
    assert!(
        reminders(person.messages().await.unwrap()).is_empty(),
        "not yet"
    );
    server.clock.set(until - 89 * 86_400);
    let (person, _) = server.login("13900000031").await;
    let due = reminders(person.messages().await.unwrap());
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].params["renew"], "100000-GA-0101");
    assert_eq!(due[0].params["credential"], "driving-licence");
    assert_eq!(
        due[0].params["date"],
        tongban_core::calendar::Day::of_timestamp(until).to_string()
    );
    let loader = tongban_core::i18n::loader_for_tag("zh-CN");
    let words = tongban_core::view::Words::new(&loader, "zh-CN");
    let text = tongban_core::view::message_text(&due[0], &words);
    assert!(
        text.contains("机动车驾驶证") && text.contains("到期"),
        "{text}"
    );
}

/// A population register whose every card holds until the given day (居民身份证有效期限).
struct CardsUntil(tongban_core::calendar::Day);

impl tongban_server::auth::verifier::IdentityVerifier for CardsUntil {
    fn verify<'a>(
        &'a self,
        _name: &'a str,
        id: &'a tongban_core::identity::ResidentId,
    ) -> tongban_server::auth::verifier::VerifyFuture<'a> {
        let until = self.0;
        Box::pin(async move {
            Ok(tongban_server::auth::verifier::Verdict::Match {
                household_region: Some(id.region_code.clone()),
                card_valid_until: Some(until),
            })
        })
    }
}

/// The ID card certificate holds as long as the card does, as the register says; 90 days
/// before its last day the person is told, with the catalog's matter that renews the cards of
/// the issuing police department (居民身份证换领), prefilled from the verified identity.
#[tokio::test]
async fn an_id_card_holds_as_long_as_the_card_and_its_renewal_is_reminded_90_days_ahead() {
    use std::sync::Arc;
    use tongban_core::calendar::Day;
    use tongban_core::message::MessageKind;

    let last_day = Day::parse("2027-03-31").unwrap();
    let server = AuthServer::on_sqlite_verified_by(Arc::new(CardsUntil(last_day)), |_| {}).await;
    server.clock.set(THURSDAY_10AM);
    let (person, _) = server.login("13900000051").await;
    person
        .verify_identity("周阿姨", &id_number_in("330106", "19700315", 51))
        .await
        .unwrap();
    let card = person
        .credentials()
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|c| c.kind == CredentialKind::ResidentIdCard)
        .expect("the ID card");
    assert_eq!(card.claims["valid_until"], json!("2027-03-31"));
    assert_eq!(
        card.expires_at,
        Some(Day(last_day.0 + 1).start_timestamp()),
        "to the end of its last day"
    );
    let reminders = |list: tongban_core::message::MessageList| -> Vec<_> {
        list.items
            .into_iter()
            .filter(|m| m.kind == MessageKind::CertificateExpiring)
            .collect()
    };
    assert!(
        reminders(person.messages().await.unwrap()).is_empty(),
        "118 days ahead: not yet"
    );

    // 90 days before 2027-03-31 is 2026-12-31: told at 9:00.
    let told = Day::parse("2026-12-31").unwrap().start_timestamp() + 9 * 3600;
    server.clock.set(told - 60);
    let (person, _) = server.login("13900000051").await;
    assert!(
        reminders(person.messages().await.unwrap()).is_empty(),
        "not yet"
    );
    server.clock.set(told);
    let (person, _) = server.login("13900000051").await;
    let due = reminders(person.messages().await.unwrap());
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].params["credential"], "resident-id-card");
    assert_eq!(due[0].params["date"], "2027-03-31");
    assert_eq!(due[0].params["renew"], "330000-GA-0001");
    let loader = tongban_core::i18n::loader_for_tag("zh-CN");
    let words = tongban_core::view::Words::new(&loader, "zh-CN");
    let text = tongban_core::view::message_text(&due[0], &words);
    assert!(
        text.contains("居民身份证") && text.contains("2027-03-31"),
        "{text}"
    );
}
