//! The government side: departments own their cases (who reaches which: `staff_access.rs`). A
//! 一件事 bundle fans out into one case per department, a 跨省通办 case is received in one province and decided in the other,
//! promised dates are counted in working days, and every step comes back to the person.

mod support;

use std::collections::BTreeSet;

use reqwest::StatusCode;
use support::auth::AuthServer;
use support::forms::{submit, ID_A, PHONE_A};
use support::staff::{case_in, staff};
use tongban_core::application::ApplicationStatus;
use tongban_core::case::{CaseMove, DueState, Holder, StaffRole};
use tongban_core::form::Answer;
use tongban_core::message::MessageKind;
use tongban_core::{ApiClient, ApiError};

/// 户口迁移（市内）: 杭州市公安局 decides, within 5 working days, no cross-province handling.
const LOCAL_MATTER: &str = "330000-GA-0010";
const HOME_DEPT: &str = "330100-ga";

async fn person(server: &AuthServer) -> ApiClient {
    let (person, _) = server.login(PHONE_A).await;
    person.verify_identity("张三", ID_A).await.unwrap();
    person
}

fn move_to(status: ApplicationStatus) -> CaseMove {
    CaseMove {
        status,
        message: String::new(),
        fields: Vec::new(),
        reason: None,
    }
}

#[tokio::test]
async fn a_bundle_of_three_departments_is_done_only_when_all_three_are() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let person = person(&server).await;
    let (application, _) = submit(&person, "bundle:home-purchase", &[]).await;
    let app = person.application(&application).await.unwrap();
    let departments: BTreeSet<String> = app.cases.iter().map(|c| c.department.id.clone()).collect();
    assert_eq!(
        departments,
        ["330100-ga", "330100-gjj", "330100-gt"]
            .into_iter()
            .map(str::to_owned)
            .collect(),
        "one case per department"
    );
    assert_eq!(app.progress(), (0, 3));
    let mut done = 0;
    for department in &departments {
        let member = staff(
            &server,
            &format!("s.{department}"),
            department,
            StaffRole::Supervisor,
        )
        .await;
        let case = case_in(&member, &application).await;
        let opened = member.staff_case(&case).await.unwrap();
        // Only what its matter asks: the other departments' own questions are not here.
        let mine = &opened.summary.case.matters;
        assert!(opened.answers.keys().all(|p| !p.starts_with("details-")
            || mine.iter().any(|m| p.starts_with(&format!("details-{m}.")))));
        assert!(opened.answers.contains_key("applicant.name"));
        for status in [
            ApplicationStatus::Accepted,
            ApplicationStatus::InReview,
            ApplicationStatus::Approved,
            ApplicationStatus::Completed,
        ] {
            member
                .staff_move_case(&case, &move_to(status))
                .await
                .unwrap();
        }
        done += 1;
        let app = person.application(&application).await.unwrap();
        assert_eq!(app.progress(), (done, 3));
        let expected = if done == 3 {
            ApplicationStatus::Completed
        } else {
            ApplicationStatus::Submitted
        };
        assert_eq!(app.status, expected, "after {done} of 3");
    }
}

#[tokio::test]
async fn a_case_received_in_shanghai_is_decided_in_hangzhou_and_each_side_keeps_to_its_part() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let person = person(&server).await;
    // 居民身份证换领: 杭州市公安局 decides; 上海市公安局 receives it for someone living there.
    let (application, _) =
        submit(&person, "330000-GA-0001", &[("filing.office", "310000-ga")]).await;
    let receiving = staff(&server, "sh.clerk", "310000-ga", StaffRole::Supervisor).await;
    let deciding = staff(&server, "hz.supervisor", "330100-ga", StaffRole::Supervisor).await;

    let case = case_in(&receiving, &application).await;
    let app = person.application(&application).await.unwrap();
    assert_eq!(app.cases[0].holder, Holder::Receiving);
    assert_eq!(app.cases[0].receiving.as_ref().unwrap().id, "310000-ga");
    // Not the deciding department's yet: it cannot see or touch it.
    assert!(deciding
        .staff_cases("")
        .await
        .unwrap()
        .iter()
        .all(|c| c.id != case));
    assert_eq!(
        deciding.staff_case(&case).await.unwrap_err(),
        ApiError::NotFound
    );
    assert_eq!(
        deciding
            .staff_move_case(&case, &move_to(ApplicationStatus::Accepted))
            .await
            .unwrap_err(),
        ApiError::NotFound
    );
    // The receiving side checks and forwards; it cannot decide.
    receiving
        .staff_move_case(&case, &move_to(ApplicationStatus::Accepted))
        .await
        .unwrap();
    assert!(matches!(
        receiving
            .staff_move_case(&case, &move_to(ApplicationStatus::Approved))
            .await
            .unwrap_err(),
        ApiError::Conflict { .. }
    ));
    receiving
        .staff_move_case(&case, &move_to(ApplicationStatus::Forwarded))
        .await
        .unwrap();
    // Now the deciding department holds it; the receiving one only reads its part.
    let received = receiving.staff_case(&case).await.unwrap();
    assert!(!received.actionable && received.moves.is_empty());
    assert!(matches!(
        receiving
            .staff_move_case(&case, &move_to(ApplicationStatus::InReview))
            .await
            .unwrap_err(),
        ApiError::Conflict { .. }
    ));
    assert!(deciding
        .staff_cases("")
        .await
        .unwrap()
        .iter()
        .any(|c| c.id == case));
    for status in [
        ApplicationStatus::InReview,
        ApplicationStatus::Approved,
        ApplicationStatus::Completed,
    ] {
        deciding
            .staff_move_case(&case, &move_to(status))
            .await
            .unwrap();
    }
    // The person's timeline says who held it at each step.
    let app = person.application(&application).await.unwrap();
    assert_eq!(app.status, ApplicationStatus::Completed);
    let steps: Vec<(ApplicationStatus, Option<String>)> = app
        .timeline
        .iter()
        .map(|e| (e.status, e.department.as_ref().map(|d| d.zh.clone())))
        .collect();
    assert_eq!(
        steps,
        [
            (ApplicationStatus::Submitted, None),
            (ApplicationStatus::Accepted, Some("上海市公安局".to_owned())),
            (
                ApplicationStatus::Forwarded,
                Some("上海市公安局".to_owned())
            ),
            (ApplicationStatus::InReview, Some("杭州市公安局".to_owned())),
            (ApplicationStatus::Approved, Some("杭州市公安局".to_owned())),
            (
                ApplicationStatus::Completed,
                Some("杭州市公安局".to_owned())
            ),
        ]
    );
}

#[tokio::test]
async fn promised_dates_count_working_days_across_national_day_and_its_make_up_days() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    // Wednesday 2026-09-30, 10:00 in Beijing. (Sessions end when idle: after each jump in time
    // both sides log in again.)
    server.clock.set(1_790_733_600);
    let person = person(&server).await;
    let (application, _) = submit(&person, LOCAL_MATTER, &[]).await;
    let (supplemented, _) = submit(&person, LOCAL_MATTER, &[]).await;
    let app = person.application(&application).await.unwrap();
    // Five working days: 10-08, 10-09, 10-10 (a Saturday worked), 10-12, 10-13.
    assert_eq!(app.cases[0].due_date.as_deref(), Some("2026-10-13"));
    assert!(!app.cases[0].due_provisional);
    assert_eq!(app.cases[0].due_state, DueState::OnTime);
    // The person was told the date.
    let told = person.messages().await.unwrap();
    assert_eq!(told.items[0].kind, MessageKind::Submitted);
    assert_eq!(told.items[0].params["date"], "2026-10-13");

    // 10-08: the department asks for a supplement of the second one; its clock stops with four
    // working days left (10-09, 10-10, 10-12, 10-13).
    server.clock.set(1_791_424_800);
    let member = staff(&server, "hz", HOME_DEPT, StaffRole::Supervisor).await;
    let person = server.login(PHONE_A).await.0;
    let case = case_in(&member, &supplemented).await;
    for status in [ApplicationStatus::Accepted, ApplicationStatus::InReview] {
        member
            .staff_move_case(&case, &move_to(status))
            .await
            .unwrap();
    }
    member
        .staff_move_case(
            &case,
            &CaseMove {
                status: ApplicationStatus::SupplementRequested,
                message: "请补充完整地址".into(),
                fields: vec!["applicant.address".into()],
                reason: None,
            },
        )
        .await
        .unwrap();
    let paused = person.application(&supplemented).await.unwrap();
    assert_eq!(paused.cases[0].due_state, DueState::Paused);
    assert_eq!(paused.requested_fields(), ["applicant.address"]);

    // 10-12: one working day left for the first — due soon, in the "due soon" queue.
    server.clock.set(1_791_770_400);
    let member = staff(&server, "hz", HOME_DEPT, StaffRole::Supervisor).await;
    let soon = member.staff_cases("due=soon").await.unwrap();
    assert_eq!(soon.len(), 1, "the paused one is not due");
    assert_eq!(soon[0].application_id, application);
    assert_eq!(soon[0].case.due_state, DueState::DueSoon);
    assert!(member.staff_cases("due=overdue").await.unwrap().is_empty());
    // 10-14: overdue, for staff and honestly for the person.
    server.clock.set(1_791_943_200);
    let member = staff(&server, "hz", HOME_DEPT, StaffRole::Supervisor).await;
    let person = server.login(PHONE_A).await.0;
    let late = member.staff_cases("due=overdue").await.unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(
        person.application(&application).await.unwrap().cases[0].due_state,
        DueState::Overdue
    );

    // Supplied on Monday 10-19: the four days left run from then — due 10-23.
    server.clock.set(1_792_375_200);
    let person = server.login(PHONE_A).await.0;
    person
        .supply(
            &supplemented,
            [(
                "applicant.address".to_owned(),
                Answer::Text("浙江省杭州市西湖区文三路 1 号 3 幢 201 室".into()),
            )]
            .into_iter()
            .collect(),
        )
        .await
        .unwrap();
    let resumed = person.application(&supplemented).await.unwrap();
    assert_eq!(resumed.cases[0].status, ApplicationStatus::InReview);
    assert_eq!(resumed.cases[0].due_date.as_deref(), Some("2026-10-23"));
    let told = person.messages().await.unwrap();
    assert_eq!(told.items[0].kind, MessageKind::DueDateChanged);
    assert_eq!(told.items[0].params["date"], "2026-10-23");
}

#[tokio::test]
async fn every_step_comes_back_as_a_message_and_a_text_and_a_failed_text_never_blocks_the_case() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let person = person(&server).await;
    let (application, receipt) = submit(&person, LOCAL_MATTER, &[]).await;
    let member = staff(&server, "hz", HOME_DEPT, StaffRole::Supervisor).await;
    let case = case_in(&member, &application).await;
    member
        .staff_move_case(&case, &move_to(ApplicationStatus::Accepted))
        .await
        .unwrap();
    let messages = person.messages().await.unwrap();
    assert_eq!(messages.unread, 2, "submitted and accepted");
    assert_eq!(messages.items[0].kind, MessageKind::StatusChanged);
    assert_eq!(messages.items[0].params["status"], "accepted");
    assert_eq!(messages.items[0].params["department"], "杭州市公安局");
    person.read_message(&messages.items[0].id).await.unwrap();
    assert_eq!(person.messages().await.unwrap().unread, 1);

    // The texts arrive (from the outbox, in the background) with no personal data in them.
    let texts = wait_for_texts(&server, 2).await;
    assert_eq!(texts[1].0, "case-status");
    let masked = tongban_core::message::mask_receipt(&receipt);
    assert_eq!(texts[1].1["receipt"], masked);
    for (_, params) in &texts {
        let all = format!("{params:?}");
        assert!(!all.contains(&receipt) && !all.contains("张三") && !all.contains(ID_A));
    }

    // The gateway is down: the case moves anyway, the text waits, and goes once it is back.
    server.sms.set_failing(true);
    member
        .staff_move_case(&case, &move_to(ApplicationStatus::InReview))
        .await
        .unwrap();
    assert_eq!(
        person.application(&application).await.unwrap().cases[0].status,
        ApplicationStatus::InReview
    );
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let waiting = server
        .server
        .db()
        .undelivered_notifications()
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].2 >= 1, "tried and failed: {waiting:?}");
    server.sms.set_failing(false);
    server.clock.advance(3600); // past the back-off
    wait_for_texts(&server, 3).await;
    assert!(server
        .server
        .db()
        .undelivered_notifications()
        .await
        .unwrap()
        .is_empty());
}

async fn wait_for_texts(
    server: &AuthServer,
    n: usize,
) -> Vec<(String, std::collections::BTreeMap<String, String>)> {
    for _ in 0..100 {
        let texts = server.sms.notices(PHONE_A);
        if texts.len() >= n {
            return texts;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("only {:?} texts arrived", server.sms.notices(PHONE_A));
}

#[tokio::test]
async fn production_never_starts_as_development_by_accident() {
    let web = support::fake_web_dir();
    let dir = tempfile::tempdir().unwrap();
    let mut config = tongban_server::Config::for_tests(support::sqlite_url(dir.path()), web.path());
    config.dev = false;
    let error = tongban_server::start(config.clone())
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("SMS gateway") && error.contains("identity verification"),
        "{error}"
    );
    config.sms_gateway_url = Some("http://127.0.0.1:9/sms".into());
    let error = tongban_server::start(config.clone())
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(
        !error.contains("SMS gateway") && error.contains("identity verification"),
        "{error}"
    );
}

#[tokio::test]
async fn the_identity_verification_service_is_asked_and_its_answers_kept_apart() {
    use axum::{routing::post, Json, Router};
    // A stand-in for the population register's service: 王五 mismatches, 故障 is down.
    let app = Router::new().route(
        "/verify",
        post(|Json(body): Json<serde_json::Value>| async move {
            match body["name"].as_str() {
                Some("故障") => Err(StatusCode::SERVICE_UNAVAILABLE),
                Some("王五") => Ok(Json(serde_json::json!({ "result": "mismatch" }))),
                Some("李四") => Ok(Json(
                    serde_json::json!({ "result": "match", "household_region": "330102", "card_valid_until": "2031-05-01" }),
                )),
                _ => Ok(Json(serde_json::json!({ "result": "match" }))),
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/verify", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    use tongban_server::auth::verifier::{HttpVerifier, IdentityVerifier, Verdict};
    let verifier = HttpVerifier::new(url, Some("t".into()));
    let id = tongban_core::identity::check_resident_id(ID_A, (2026, 12, 1)).unwrap();
    assert_eq!(
        verifier.verify("张三", &id).await,
        Ok(Verdict::Match {
            household_region: None,
            card_valid_until: None,
        })
    );
    assert_eq!(
        verifier.verify("李四", &id).await,
        Ok(Verdict::Match {
            household_region: Some("330102".into()),
            card_valid_until: tongban_core::calendar::Day::parse("2031-05-01"),
        })
    );
    assert_eq!(verifier.verify("王五", &id).await, Ok(Verdict::Mismatch));
    assert!(
        verifier.verify("故障", &id).await.is_err(),
        "unavailable, not a mismatch"
    );
}
