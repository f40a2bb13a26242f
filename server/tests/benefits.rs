//! 免申即享 against a real server: the population register's household region and the verified
//! birth date decide the demo catalog's benefits; the inbox lists what the person qualifies for
//! (with why) or will soon (from when), and nothing for a neighbour city's resident; confirming
//! is one tap — an application of the benefit's matter in the department's queue, a consent
//! receipt, a message — once only; nothing is decided for someone unverified; every decision
//! shown is in the audit log.

mod support;

use support::auth::AuthServer;
use support::forms::id_number_in;
use support::staff::{case_in, complete, staff};
use tongban_core::benefit::{Decision, Missing, Reason};
use tongban_core::case::StaffRole;
use tongban_core::message::MessageKind;
use tongban_core::{ApiClient, ApiError};

/// Thursday 2026-12-03, 10:00 in Beijing.
const THURSDAY_10AM: i64 = 1_796_263_200;
const GAOLING: &str = "330100-gaoling";

async fn server() -> AuthServer {
    let server = AuthServer::on_sqlite(|c| {
        c.auth.session_idle_seconds = 40 * 86_400;
        c.auth.session_absolute_seconds = 40 * 86_400;
    })
    .await;
    server.clock.set(THURSDAY_10AM);
    server
}

async fn person(server: &AuthServer, n: usize, region: &str, born: &str) -> ApiClient {
    let (client, _) = server.login(&format!("139{n:08}")).await;
    client
        .verify_identity("钱老伯", &id_number_in(region, born, n))
        .await
        .unwrap();
    client
}

fn code_of(e: &ApiError) -> String {
    e.message_id()
}

#[tokio::test]
async fn a_hangzhou_resident_of_80_is_offered_the_allowance_and_confirms_it_in_one_tap() {
    let server = server().await;
    // 80 today, registered in 西湖区 (inside 杭州市).
    let grandpa = person(&server, 1, "330106", "19461203").await;
    let inbox = grandpa.benefits().await.unwrap();
    assert!(inbox.missing.is_empty());
    let offer = inbox
        .items
        .iter()
        .find(|o| o.id == GAOLING)
        .expect("the allowance is offered");
    assert_eq!(
        offer.decision,
        Decision::Qualifies {
            because: vec![
                Reason::Born {
                    date: "1946-12-03".into()
                },
                Reason::RegisteredIn {
                    region: "330106".into()
                }
            ]
        }
    );
    assert_eq!(offer.department.id, "330100-mz");
    assert!(
        inbox.items.iter().all(|o| o.id != "330200-youdai"),
        "not Ningbo's"
    );

    // Told at once, when the identity was verified (主动服务), with the way to confirm it.
    let told = grandpa.messages().await.unwrap();
    let available: Vec<_> = told
        .items
        .iter()
        .filter(|m| m.kind == MessageKind::BenefitAvailable)
        .collect();
    assert_eq!(available.len(), 1, "{:?}", told.items);
    assert_eq!(
        available[0].params.get("benefit").map(String::as_str),
        Some(GAOLING)
    );
    // Verifying again does not tell it twice.
    grandpa
        .verify_identity("钱老伯", &id_number_in("330106", "19461203", 1))
        .await
        .unwrap();
    let again = grandpa.messages().await.unwrap();
    assert_eq!(
        again
            .items
            .iter()
            .filter(|m| m.kind == MessageKind::BenefitAvailable)
            .count(),
        1
    );

    let claimed = grandpa.claim_benefit(GAOLING).await.unwrap();
    assert!(claimed.receipt.starts_with("TB"));
    assert_eq!(claimed.consent.categories, ["identity", "household"]);
    assert!(claimed.consent.withdraw.zh.contains("撤回"));
    let e = grandpa.claim_benefit(GAOLING).await.unwrap_err();
    assert_eq!(code_of(&e), "error-benefit-claimed", "once");
    // Followed like any application: in the department's queue, with a message.
    let app = grandpa.application(&claimed.application_id).await.unwrap();
    assert_eq!(app.form_id, "330000-MZ-0030");
    assert_eq!(app.cases[0].department.id, "330100-mz");
    let clerk = staff(&server, "mz", "330100-mz", StaffRole::Clerk).await;
    case_in(&clerk, &claimed.application_id).await;
    let messages = grandpa.messages().await.unwrap();
    assert!(messages
        .items
        .iter()
        .any(|m| m.kind == MessageKind::Submitted
            && m.application_id.as_deref() == Some(claimed.application_id.as_str())));
    let inbox = grandpa.benefits().await.unwrap();
    assert_eq!(
        inbox
            .items
            .iter()
            .find(|o| o.id == GAOLING)
            .unwrap()
            .application_id
            .as_deref(),
        Some(claimed.application_id.as_str())
    );
    // Each decision shown and the confirmation are in the audit log.
    let lines = server.server.db().audit_lines().await.unwrap();
    assert!(
        lines
            .iter()
            .filter(|l| l.contains("benefit-decided") && l.contains(GAOLING))
            .count()
            >= 3
    );
}

#[tokio::test]
async fn one_day_short_is_told_from_when_and_a_neighbour_is_offered_nothing() {
    let server = server().await;
    // 80 tomorrow.
    let almost = person(&server, 2, "330106", "19461204").await;
    let inbox = almost.benefits().await.unwrap();
    let offer = inbox.items.iter().find(|o| o.id == GAOLING).unwrap();
    match &offer.decision {
        Decision::From { date, .. } => assert_eq!(date, "2026-12-04"),
        other => panic!("{other:?}"),
    }
    let e = almost.claim_benefit(GAOLING).await.unwrap_err();
    assert_eq!(code_of(&e), "error-benefit-not-qualified");
    let available = |list: &tongban_core::message::MessageList| {
        list.items
            .iter()
            .filter(|m| m.kind == MessageKind::BenefitAvailable)
            .count()
    };
    assert_eq!(
        available(&almost.messages().await.unwrap()),
        0,
        "not before the day"
    );
    server.clock.advance(86_400);
    assert_eq!(
        available(&almost.messages().await.unwrap()),
        1,
        "on the birthday, at 9:00"
    );
    assert!(
        almost.claim_benefit(GAOLING).await.is_ok(),
        "on the birthday"
    );

    // 90 and registered in 宁波: Ningbo's card, not Hangzhou's allowance.
    let ningbo = person(&server, 3, "330203", "19361203").await;
    let inbox = ningbo.benefits().await.unwrap();
    let ids: Vec<&str> = inbox.items.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["330200-youdai"]);
    let e = ningbo.claim_benefit(GAOLING).await.unwrap_err();
    assert_eq!(code_of(&e), "error-benefit-not-qualified");

    // Not verified: nothing is decided, and the inbox says what is missing.
    let (unverified, _) = server.login("13900000099").await;
    let inbox = unverified.benefits().await.unwrap();
    assert!(inbox.items.is_empty());
    assert_eq!(inbox.missing, [Missing::Identity, Missing::Household]);
    assert!(matches!(
        unverified.claim_benefit("no-such").await,
        Err(ApiError::NotFound)
    ));
}

/// A check the person repeats (养老保险待遇资格认证, every 12 months): completing one schedules the
/// reminder of the next — at 9:00, 30 days before it is due a year on, with the matter to do it
/// in — and completing another before then replaces it, so the person is told once, of the
/// right day.
#[tokio::test]
async fn a_completed_yearly_check_is_reminded_a_month_before_the_next_is_due() {
    use std::sync::Arc;
    use support::forms::submit;
    use tongban_core::auth::MemorySecretStore;

    let server = server().await;
    let person = person(&server, 41, "330106", "19500310").await;
    let head = staff(&server, "rs-head", "330000-rs", StaffRole::Supervisor).await;
    let (first, _) = submit(&person, "330000-RS-0020", &[]).await;
    complete(&head, &first).await;
    let checks = |list: tongban_core::message::MessageList| -> Vec<_> {
        list.items
            .into_iter()
            .filter(|m| m.kind == MessageKind::CheckDue)
            .collect()
    };
    assert!(
        checks(person.messages().await.unwrap()).is_empty(),
        "not now"
    );

    // Ten days on, the check is done again (for a relative, say): the next is due from then.
    server.clock.set(THURSDAY_10AM + 10 * 86_400);
    let (person, _) = server.login("13900000041").await;
    let (second, _) = submit(&person, "330000-RS-0020", &[]).await;
    let head =
        ApiClient::new(&server.base).with_secret_store(Arc::new(MemorySecretStore::default()));
    head.staff_login("rs-head", support::staff::PASSWORD)
        .await
        .unwrap();
    complete(&head, &second).await;

    // 2027-11-03 would have been the first one's reminder: it was replaced.
    server.clock.set(THURSDAY_10AM + (365 - 29) * 86_400);
    let (person, _) = server.login("13900000041").await;
    assert!(
        checks(person.messages().await.unwrap()).is_empty(),
        "replaced"
    );

    // Due 2027-12-13, a year after the second: told on 2027-11-13 at 9:00, not before.
    let remind_day = tongban_core::calendar::Day::parse("2027-11-13").unwrap();
    server
        .clock
        .set(remind_day.start_timestamp() + 9 * 3600 - 60);
    let (person, _) = server.login("13900000041").await;
    assert!(
        checks(person.messages().await.unwrap()).is_empty(),
        "not yet"
    );
    server.clock.set(remind_day.start_timestamp() + 9 * 3600);
    let (person, _) = server.login("13900000041").await;
    let due = checks(person.messages().await.unwrap());
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].params["renew"], "330000-RS-0020");
    assert_eq!(due[0].params["date"], "2027-12-13");
    assert_eq!(due[0].application_id.as_deref(), Some(second.as_str()));
    let loader = tongban_core::i18n::loader_for_tag("zh-CN");
    let words = tongban_core::view::Words::new(&loader, "zh-CN");
    let text = tongban_core::view::message_text(&due[0], &words);
    assert!(
        text.contains("养老保险待遇资格认证")
            && text.contains("12 个月")
            && text.contains("2027-12-13"),
        "{text}"
    );
}
