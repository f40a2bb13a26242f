//! 好差评 end to end: a person's application is completed; the message centre invites a rating;
//! on the phone (care mode) the person rates 非常不满意 — first without a reason, which is
//! refused, then with one; the department's clerk finds the item in the workbench, records the
//! callback and answers; the person sees the answer and rates once more. The public statistics
//! page shows the department once it has 5 ratings and hides one with fewer. Every page passes
//! axe-core.

use std::sync::Arc;

use tokio::sync::Mutex;
use tongban_core::application::ApplicationStatus;
use tongban_core::auth::MemorySecretStore;
use tongban_core::case::{CaseMove, StaffRole};
use tongban_core::evaluation::{Channel, Level};
use tongban_core::ids::AccountId;
use tongban_core::ApiClient;
use tongban_server::store::{EvaluationRow, NewRating};
use tongban_tests::{
    add_staff, axe, axe_source, fill_to_check_answers, staff_desk, submit_twice, verified_person,
    Browser, TestApp, STAFF_PASSWORD, WCAG_AA,
};

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const PHONE: &str = "13800138061";
const MATTER: &str = "330000-GA-0001";
const DEPARTMENT: &str = "330100-ga";
/// Another department, with a single rating: never shown.
const FEW: &str = "330100-mz";
const COMMENT: &str = "材料退回了三次，每次只说一个问题";
const ANSWER: &str = "已核实：今后退件一次性列明全部问题，并安排专人回访。";

/// Ratings other people gave earlier (straight into the database: they are not this test's).
async fn earlier_ratings(app: &TestApp, department: &str, levels: &[Level]) {
    let db = app.server().db();
    for (i, level) in levels.iter().enumerate() {
        let row = EvaluationRow {
            id: format!("seed-{department}-{i}"),
            subject: format!("application:seed-{department}-{i}"),
            account_id: AccountId::new(format!("seed-person-{i}")),
            application_id: None,
            appointment_id: None,
            hall_id: None,
            channel: Channel::Online,
            overall: *level,
            indicators: Vec::new(),
            comment: String::new(),
            first_overall: None,
            created_at: 1,
            updated_at: 1,
        };
        let departments = [department.to_owned()];
        let rating = NewRating {
            row: &row,
            departments: &departments,
            rectifications: &[],
            withdraw: None,
        };
        assert!(db.put_evaluation(rating, 1).await.unwrap());
    }
}

async fn assert_accessible(browser: &Browser, source: &str, page: &str) {
    let violations = axe(browser, source, WCAG_AA).await;
    assert!(violations.is_empty(), "{page}: {violations:?}");
}

/// The public page: whether the department shows figures (else it is in the hidden list).
async fn shown_on_ratings_page(browser: &Browser, app: &TestApp, department: &str) -> bool {
    browser
        .client
        .goto(&format!("{}/ratings", app.base_url))
        .await
        .unwrap();
    browser
        .wait_until(
            "return !!document.querySelector('.ratings-department-hidden')",
            "the statistics",
        )
        .await
        .unwrap();
    browser
        .eval(&format!(
            "return !!document.querySelector('.ratings-department[data-id=\"{department}\"]')"
        ))
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

/// The department completes the case (its supervisor, through the API).
async fn complete(app: &TestApp, supervisor: &str, application: &str) {
    let staff =
        ApiClient::new(&app.base_url).with_secret_store(Arc::new(MemorySecretStore::default()));
    staff.staff_login(supervisor, STAFF_PASSWORD).await.unwrap();
    let case = staff
        .staff_cases("limit=50")
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.application_id == application)
        .unwrap()
        .id;
    for status in [
        ApplicationStatus::Accepted,
        ApplicationStatus::InReview,
        ApplicationStatus::Approved,
        ApplicationStatus::Completed,
    ] {
        let step = CaseMove {
            status,
            message: String::new(),
            fields: Vec::new(),
            reason: None,
        };
        staff.staff_move_case(&case, &step).await.unwrap();
    }
}

/// Chooses a level in the rating form and sends it.
async fn send_rating(phone: &Browser, level_index: usize) {
    phone.tap(&format!("#overall-{level_index}")).await.unwrap();
    phone.tap(".rate-submit").await.unwrap();
}

#[tokio::test]
async fn a_bad_rating_is_answered_by_the_department_and_rated_again() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let source = axe_source();
    add_staff(&app, "ga.boss", DEPARTMENT, StaffRole::Supervisor).await;
    add_staff(&app, "ga.clerk", DEPARTMENT, StaffRole::Clerk).await;
    earlier_ratings(
        &app,
        DEPARTMENT,
        &[
            Level::Satisfied,
            Level::VerySatisfied,
            Level::Basic,
            Level::Satisfied,
        ],
    )
    .await;
    earlier_ratings(&app, FEW, &[Level::VeryDissatisfied]).await;

    // The person applies on the phone; the department completes it.
    let phone = verified_person(&app, PHONE, "周敏", "11010519491231002X").await;
    phone
        .client
        .goto(&format!("{}/matter/{MATTER}", app.base_url))
        .await
        .unwrap();
    phone.texts("a.apply-link").await.unwrap();
    phone.click("a.apply-link").await.unwrap();
    phone
        .wait_until(
            "return !!document.getElementById('f-applicant-name')",
            "the form",
        )
        .await
        .unwrap();
    fill_to_check_answers(&phone).await;
    submit_twice(&phone).await;
    let db = app.server().db().pool().clone();
    let (application, receipt): (String, String) =
        sqlx::query_as("SELECT id, receipt FROM applications")
            .fetch_one(&db)
            .await
            .unwrap();

    // Four ratings: the department is not on the public page yet, nor the one with one rating.
    assert!(!shown_on_ratings_page(&phone, &app, DEPARTMENT).await);
    assert!(!shown_on_ratings_page(&phone, &app, FEW).await);
    assert_accessible(&phone, &source, "the statistics page").await;

    complete(&app, "ga.boss", &application).await;

    // The message centre invites a rating; its link opens the rating card.
    phone
        .client
        .goto(&format!("{}/messages", app.base_url))
        .await
        .unwrap();
    phone
        .wait_until(
            &format!("return [...document.querySelectorAll('.message-text')].some(m => m.textContent.includes('{receipt}') && m.textContent.includes('满意吗'))"),
            "the invitation",
        )
        .await
        .unwrap();
    phone
        .tap(&format!("a[href='/applications/{application}#rate']"))
        .await
        .unwrap();
    phone
        .wait_until(
            "return !!document.getElementById('overall-4')",
            "the rating form",
        )
        .await
        .unwrap();
    assert_accessible(&phone, &source, "the rating form, care mode").await;
    phone.screenshot("rating-form").await.unwrap();

    // 非常不满意 without a reason: refused on the spot, nothing lost.
    send_rating(&phone, 4).await;
    phone
        .wait_until(
            "return !!document.getElementById('rate-comment-error')",
            "the missing reason",
        )
        .await
        .unwrap();
    let error = phone.texts("#rate-comment-error").await.unwrap();
    assert!(error[0].contains("哪里不满意"), "{error:?}");
    assert_accessible(&phone, &source, "the rating form with its error").await;
    phone.type_into("#rate-comment", COMMENT).await.unwrap();
    phone.tap(".rate-submit").await.unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.rating-given') && document.querySelector('.rectifications') !== null",
            "the rating and its follow-up",
        )
        .await
        .unwrap();
    let given = phone.texts(".rating-given").await.unwrap();
    assert!(given[0].contains("非常不满意"), "{given:?}");
    let follow_up = phone.texts(".rectification").await.unwrap();
    assert!(follow_up[0].contains("待回访"), "{follow_up:?}");
    let no_rerate = phone
        .eval("return !document.querySelector('.rate-again')")
        .await
        .unwrap();
    assert_eq!(
        no_rerate,
        serde_json::json!(true),
        "no second rating before the answer"
    );

    // Five ratings now: the department is on the public page; the one with a single rating is not.
    assert!(shown_on_ratings_page(&phone, &app, DEPARTMENT).await);
    let figures = phone
        .texts(&format!(
            ".ratings-department[data-id='{DEPARTMENT}'] .ratings-satisfied"
        ))
        .await
        .unwrap();
    assert_eq!(figures, ["80 %"], "4 of 5 basic or better");
    assert!(!shown_on_ratings_page(&phone, &app, FEW).await);
    phone.screenshot("ratings-page").await.unwrap();

    // The clerk finds it in the workbench, calls back and answers.
    let desk = staff_desk(&app, "ga.clerk").await;
    desk.client
        .goto(&format!("{}/staff/rectifications", app.base_url))
        .await
        .unwrap();
    desk.wait_until(
        "return !!document.querySelector('.rectification-list a')",
        "the item",
    )
    .await
    .unwrap();
    assert_accessible(&desk, &source, "the workbench's rectifications").await;
    desk.click(".rectification-list a").await.unwrap();
    desk.wait_until(
        "return !!document.querySelector('.rectification-comment')",
        "the item page",
    )
    .await
    .unwrap();
    assert_eq!(
        desk.texts(".rectification-comment").await.unwrap(),
        [COMMENT]
    );
    let phone_link = desk
        .eval(&format!(
            "return !!document.querySelector('a[href=\"tel:{PHONE}\"]')"
        ))
        .await
        .unwrap();
    assert_eq!(
        phone_link,
        serde_json::json!(true),
        "the phone for the callback"
    );
    assert_accessible(&desk, &source, "a rectification item").await;
    desk.type_into("#rectification-text", "已电话联系周女士，了解退件经过")
        .await
        .unwrap();
    desk.click(".rectification-callback").await.unwrap();
    desk.wait_until(
        "return document.body.textContent.includes('已回访，整改中') && !document.querySelector('.rectification-callback')",
        "the callback recorded",
    )
    .await
    .unwrap();
    desk.type_into("#rectification-text", ANSWER).await.unwrap();
    desk.click(".rectification-answer-send").await.unwrap();
    desk.wait_until(
        "return !!document.querySelector('.rectification-answer') && !document.getElementById('rectification-text')",
        "the answer sent",
    )
    .await
    .unwrap();
    desk.screenshot("rectification-answered").await.unwrap();
    desk.close().await;

    // The person is told, sees the answer, and rates once more.
    phone
        .client
        .goto(&format!("{}/messages", app.base_url))
        .await
        .unwrap();
    phone
        .wait_until(
            "return [...document.querySelectorAll('.message-text')].some(m => m.textContent.includes('答复了您的评价'))",
            "the department's answer",
        )
        .await
        .unwrap();
    phone
        .tap(&format!("a[href='/applications/{application}#rate']"))
        .await
        .unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.rate-again')",
            "rate again",
        )
        .await
        .unwrap();
    let answer = phone.texts(".rectification-answer").await.unwrap();
    assert!(answer[0].contains(ANSWER), "{answer:?}");
    phone.tap(".rate-again").await.unwrap();
    phone
        .wait_until(
            "return !!document.getElementById('overall-1')",
            "the form again",
        )
        .await
        .unwrap();
    send_rating(&phone, 1).await;
    phone
        .wait_until(
            "return !!document.querySelector('.rating-given') && !document.querySelector('.rate-again')",
            "the second rating",
        )
        .await
        .unwrap();
    let given = phone.texts(".rating-given").await.unwrap();
    assert!(
        given[0].ends_with("满意") && !given[0].contains("不满意"),
        "{given:?}"
    );
    let body = phone.texts("#rate").await.unwrap();
    assert!(body[0].contains("第一次评价：非常不满意"), "{body:?}");
    assert!(body[0].contains("已再评价"), "{body:?}");
    phone.close().await;
}
