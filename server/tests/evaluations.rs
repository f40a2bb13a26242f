//! 好差评 against a real server: a done application invites a rating (and again after 3 days
//! unless rated); a bad rating needs its reason and opens a rectification item in the department
//! — not in another — with the region's deadlines; the callback and the answer reach the person,
//! who may rate once more, and only once; a visit is rated once the hall marked the person in;
//! the public statistics hide a group until it has 5 ratings.

mod support;

use support::auth::AuthServer;
use support::forms::{id_number, submit};
use support::staff::{complete, staff};
use tongban_core::calendar::Day;
use tongban_core::case::StaffRole;
use tongban_core::evaluation::{
    Channel, Indicator, IndicatorRating, Level, NewEvaluation, RectificationStatus,
};
use tongban_core::message::MessageKind;
use tongban_core::visit::NewAppointment;
use tongban_core::{ApiClient, ApiError};

/// 户口迁移（市内）: 杭州市公安局 decides.
const LOCAL_MATTER: &str = "330000-GA-0010";
const HOME_DEPT: &str = "330100-ga";
/// Wednesday 2026-12-02, 10:00 in Beijing.
const WEDNESDAY_10AM: i64 = 1_796_176_800;

async fn server() -> AuthServer {
    let server = AuthServer::on_sqlite(|c| {
        c.auth.max_sends_per_ip = 10_000;
        c.auth.session_idle_seconds = 40 * 86_400;
        c.auth.session_absolute_seconds = 40 * 86_400;
    })
    .await;
    server.clock.set(WEDNESDAY_10AM);
    server
}

async fn person(server: &AuthServer, n: usize) -> ApiClient {
    let (client, _) = server.login(&format!("139{n:08}")).await;
    client.verify_identity("王五", &id_number(n)).await.unwrap();
    client
}

fn code_of(e: &ApiError) -> String {
    e.message_id()
}

fn rating(overall: Level, comment: &str) -> NewEvaluation {
    NewEvaluation {
        overall,
        indicators: vec![IndicatorRating {
            indicator: Indicator::Efficiency,
            level: overall,
        }],
        comment: comment.to_owned(),
    }
}

/// Submits the local matter and takes it to completed in the department.
async fn completed(person: &ApiClient, clerk: &ApiClient) -> String {
    let (application, _) = submit(person, LOCAL_MATTER, &[]).await;
    complete(clerk, &application).await;
    application
}

async fn invitations(person: &ApiClient, application: &str) -> usize {
    person
        .messages()
        .await
        .unwrap()
        .items
        .iter()
        .filter(|m| {
            m.kind == MessageKind::EvaluationInvited
                && m.application_id.as_deref() == Some(application)
        })
        .count()
}

#[tokio::test]
async fn a_bad_rating_is_followed_up_by_its_department_and_rated_again_once() {
    let server = server().await;
    let me = person(&server, 1).await;
    let supervisor = staff(&server, "ga-boss", HOME_DEPT, StaffRole::Supervisor).await;
    let application = completed(&me, &supervisor).await;

    // Done: invited now; unrated, invited again 3 days later.
    assert_eq!(invitations(&me, &application).await, 1);
    assert!(matches!(
        me.application_evaluation(&application).await,
        Err(ApiError::NotFound)
    ));
    server.clock.advance(3 * 86_400 + 60);
    assert_eq!(invitations(&me, &application).await, 2, "asked again");

    // A bad rating needs its reason; an indicator of the hall is not the application's.
    let e = me
        .rate_application(&application, &rating(Level::VeryDissatisfied, "  "))
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-validation");
    let ApiError::Validation { fields, .. } = e else {
        unreachable!()
    };
    assert_eq!(fields[0].path, "comment");
    assert_eq!(fields[0].code, "evaluation-comment-required");
    let mut hall_indicator = rating(Level::Satisfied, "");
    hall_indicator.indicators[0].indicator = Indicator::Attitude;
    let e = me
        .rate_application(&application, &hall_indicator)
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-validation");

    let rated = me
        .rate_application(
            &application,
            &rating(Level::VeryDissatisfied, "材料退回三次，没人解释"),
        )
        .await
        .unwrap();
    assert_eq!(rated.channel, Channel::Online);
    assert_eq!(rated.rectifications.len(), 1);
    let item = &rated.rectifications[0];
    assert_eq!(item.department.id, HOME_DEPT);
    assert_eq!(item.status, RectificationStatus::Open);
    // Saturday 2026-12-05: rated then, the callback is due Monday and the answer on Friday.
    let today = Day::of_timestamp(WEDNESDAY_10AM + 3 * 86_400 + 60);
    assert_eq!(today, Day::from_ymd(2026, 12, 5));
    assert_eq!(item.callback_by, "2026-12-07");
    assert_eq!(item.answer_by, "2026-12-11");
    assert!(!rated.may_rerate);
    let e = me
        .rate_application(&application, &rating(Level::Satisfied, ""))
        .await
        .unwrap_err();
    assert_eq!(
        code_of(&e),
        "error-evaluation-exists",
        "one rating per application"
    );

    // Another department sees nothing of it.
    let other = staff(&server, "mz-clerk", "330100-mz", StaffRole::Clerk).await;
    assert!(other.staff_rectifications().await.unwrap().items.is_empty());
    assert!(matches!(
        other.staff_rectification(&item.id).await,
        Err(ApiError::NotFound)
    ));

    // The department's clerk finds it, with the comment, and the phone for the callback.
    let clerk = staff(&server, "ga-clerk", HOME_DEPT, StaffRole::Clerk).await;
    let list = clerk.staff_rectifications().await.unwrap();
    assert_eq!(list.items.len(), 1);
    assert_eq!(list.overdue, 0);
    assert_eq!(list.items[0].phone, None, "the list does not carry phones");
    assert_eq!(list.items[0].comment, "材料退回三次，没人解释");
    let opened = clerk.staff_rectification(&item.id).await.unwrap();
    assert_eq!(opened.phone.as_deref(), Some("13900000001"));
    assert_eq!(opened.person, "王*");
    assert!(opened.reference.starts_with("TB"));

    // Past Monday without a callback: overdue, flagged in the list.
    server.clock.advance(3 * 86_400);
    let list = clerk.staff_rectifications().await.unwrap();
    assert_eq!(list.overdue, 1);
    // Flagged in the supervisor's figures too.
    assert_eq!(
        supervisor
            .staff_stats()
            .await
            .unwrap()
            .rectifications_overdue,
        1
    );
    assert!(list.items[0].rectification.overdue);
    let e = clerk
        .staff_rectification_callback(&item.id, " ")
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-validation");
    clerk
        .staff_rectification_callback(&item.id, "已电话联系，申请人同意补办说明")
        .await
        .unwrap();
    let e = clerk
        .staff_rectification_callback(&item.id, "again")
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-rectification-closed");
    let answered = clerk
        .staff_rectification_answer(&item.id, "已向经办人核实并改进退件说明，今后一次性告知。")
        .await
        .unwrap();
    assert_eq!(answered.rectification.status, RectificationStatus::Answered);
    assert_eq!(answered.answered_by.as_deref(), Some("ga-clerk"));

    // The person is told, sees the answer and may rate once more — only once.
    let told = me.messages().await.unwrap();
    assert!(told
        .items
        .iter()
        .any(|m| m.kind == MessageKind::RectificationAnswered
            && m.application_id.as_deref() == Some(application.as_str())));
    let seen = me.application_evaluation(&application).await.unwrap();
    assert!(seen.may_rerate);
    assert_eq!(
        seen.rectifications[0].answer.as_deref(),
        Some("已向经办人核实并改进退件说明，今后一次性告知。")
    );
    let again = me
        .rate_application(&application, &rating(Level::Satisfied, "回访及时"))
        .await
        .unwrap();
    assert_eq!(again.overall, Level::Satisfied);
    assert_eq!(again.first, Some(Level::VeryDissatisfied));
    assert_eq!(again.rectifications[0].status, RectificationStatus::Closed);
    assert!(!again.may_rerate);
    let e = me
        .rate_application(&application, &rating(Level::VerySatisfied, ""))
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-evaluation-exists");
    let e = clerk
        .staff_rectification_answer(&item.id, "again")
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-rectification-closed");
}

#[tokio::test]
async fn rating_first_withdraws_the_second_invitation() {
    let server = server().await;
    let me = person(&server, 2).await;
    let clerk = staff(&server, "ga-boss", HOME_DEPT, StaffRole::Supervisor).await;
    let application = completed(&me, &clerk).await;
    let rated = me
        .rate_application(&application, &rating(Level::VerySatisfied, ""))
        .await
        .unwrap();
    assert!(
        rated.rectifications.is_empty(),
        "a good rating opens nothing"
    );
    assert!(!rated.may_rerate);
    server.clock.advance(4 * 86_400);
    assert_eq!(invitations(&me, &application).await, 1, "not asked again");
    // Someone else's application is not theirs to rate.
    let stranger = person(&server, 3).await;
    assert!(matches!(
        stranger
            .rate_application(&application, &rating(Level::VeryDissatisfied, "x"))
            .await,
        Err(ApiError::NotFound)
    ));
}

#[tokio::test]
async fn a_visit_is_rated_once_the_hall_marked_the_person_in() {
    const MARRIAGE: &str = "330100-MZ-0001";
    const REGISTRY: &str = "330102-hydj";
    let server = server().await;
    let me = person(&server, 4).await;
    let booked = me
        .book(&NewAppointment {
            hall_id: REGISTRY.into(),
            matter_code: MARRIAGE.into(),
            day: Day::from_ymd(2026, 12, 3),
            start: 540,
            application_id: None,
        })
        .await
        .unwrap();
    let e = me
        .rate_visit(&booked.id, &rating(Level::Satisfied, ""))
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-evaluation-not-visited");
    // Thursday 9:00, at the registry.
    server.clock.set(WEDNESDAY_10AM + 23 * 3600);
    let clerk = staff(&server, "mz-clerk", "330100-mz", StaffRole::Clerk).await;
    clerk
        .staff_mark_arrived(REGISTRY, &booked.code)
        .await
        .unwrap();
    let mut online = rating(Level::Satisfied, "");
    let e = me.rate_visit(&booked.id, &online).await.unwrap_err();
    assert_eq!(
        code_of(&e),
        "error-validation",
        "efficiency is online's indicator"
    );
    online.indicators[0].indicator = Indicator::Attitude;
    online.overall = Level::Dissatisfied;
    online.comment = "窗口人员态度冷淡".into();
    let rated = me.rate_visit(&booked.id, &online).await.unwrap();
    assert_eq!(rated.channel, Channel::Hall);
    assert_eq!(rated.rectifications[0].department.id, "330100-mz");
    let list = clerk.staff_rectifications().await.unwrap();
    assert_eq!(
        list.items[0].reference, booked.code,
        "a visit is named by its booking code"
    );
    assert_eq!(
        me.visit_evaluation(&booked.id).await.unwrap().overall,
        Level::Dissatisfied
    );
}

#[tokio::test]
async fn statistics_show_a_department_from_five_ratings_and_never_a_person() {
    let server = server().await;
    let me = person(&server, 5).await;
    let clerk = staff(&server, "ga-boss", HOME_DEPT, StaffRole::Supervisor).await;
    let anyone = ApiClient::new(&server.base);
    let mut applications = Vec::new();
    for _ in 0..5 {
        applications.push(completed(&me, &clerk).await);
    }
    let levels = [
        Level::VerySatisfied,
        Level::Satisfied,
        Level::Satisfied,
        Level::Basic,
    ];
    for (app, level) in applications.iter().zip(levels) {
        me.rate_application(app, &rating(level, "")).await.unwrap();
    }
    let department = |stats: &tongban_core::evaluation::EvaluationStats| {
        stats
            .departments
            .iter()
            .find(|d| d.id == HOME_DEPT)
            .cloned()
            .expect("every department is listed")
    };
    let before = anyone.evaluation_stats().await.unwrap();
    assert_eq!(before.min_group, 5);
    assert_eq!(department(&before).figures, None, "4 ratings: hidden");
    me.rate_application(&applications[4], &rating(Level::VeryDissatisfied, "太慢"))
        .await
        .unwrap();
    let after = anyone.evaluation_stats().await.unwrap();
    let shown = department(&after).figures.expect("5 ratings: shown");
    assert_eq!(shown.ratings, 5);
    assert_eq!(shown.satisfied_percent, 80);
    assert_eq!(shown.by_level[4].count, 1);
    assert_eq!(shown.median_promised_days, Some(5.0));
    assert_eq!(shown.median_days, Some(0.0), "completed the day it came");
    assert!(after
        .departments
        .iter()
        .filter(|d| d.id != HOME_DEPT)
        .all(|d| d.figures.is_none()));
    assert!(!after.halls.is_empty());
    let body = reqwest::get(server.url("/evaluations/stats"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains("太慢"), "no comment is public");
    assert!(!body.contains("13900000005"), "no phone is public");
    assert!(!body.contains(&id_number(5)), "no ID number is public");
}
