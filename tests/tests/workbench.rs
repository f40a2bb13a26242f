//! The department workbench at /staff/, end to end, desktop-sized: a person applies on a phone;
//! their department's clerk accepts, reviews and asks for a supplement; the person supplies it;
//! the approver approves and completes — the person's phone shows each message arrive. A clerk
//! of another department sees nothing of it. Every workbench page passes axe-core in Chinese and
//! English.

use tokio::sync::Mutex;
use tongban_core::case::StaffRole;
use tongban_server::store::NewStaff;
use tongban_tests::{
    ask_supplement, axe, axe_source, fill_to_check_answers, make_move, submit_twice, Browser,
    TestApp, WCAG_AA,
};

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const PHONE: &str = "13800138001";
const MATTER: &str = "330000-GA-0001";
const DEPARTMENT: &str = "330100-ga";
const PASSWORD: &str = "correct horse battery";
const DESK: (u32, u32) = (1280, 800);

async fn add_staff(app: &TestApp, username: &str, name: &str, department: &str, role: StaffRole) {
    let hash = tongban_server::auth::password::hash_password(PASSWORD).unwrap();
    app.server()
        .db()
        .put_staff(NewStaff::new(username, name, department, role, &hash))
        .await
        .unwrap();
}

async fn staff_log_in(desk: &Browser, app: &TestApp, username: &str) {
    desk.client
        .goto(&format!("{}/staff/", app.base_url))
        .await
        .unwrap();
    desk.type_into("#staff-username", username).await.unwrap();
    desk.type_into("#staff-password", PASSWORD).await.unwrap();
    desk.click("form.bench-login button[type=submit]")
        .await
        .unwrap();
    desk.wait_until(
        "return !!document.querySelector('.bench-who')",
        "logged in at the workbench",
    )
    .await
    .unwrap();
}

async fn staff_log_out(desk: &Browser) {
    // The header knows who is logged in once the page has asked.
    desk.texts(".bench-nav button").await.unwrap();
    desk.click(".bench-nav button").await.unwrap();
    desk.wait_until(
        "return !!document.getElementById('staff-username')",
        "the login form again",
    )
    .await
    .unwrap();
}

async fn moves_offered(desk: &Browser) -> Vec<String> {
    let value = desk
        .eval("return [...document.querySelectorAll('input[name=move]')].map(i => i.value)")
        .await
        .unwrap();
    serde_json::from_value(value).unwrap()
}

async fn assert_accessible(desk: &Browser, source: &str, page: &str) {
    let violations = axe(desk, source, WCAG_AA).await;
    assert!(violations.is_empty(), "{page}: {violations:?}");
}

#[tokio::test]
async fn a_department_takes_a_case_to_the_end_while_the_person_follows_it() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let source = axe_source();
    add_staff(&app, "li.na", "李娜", DEPARTMENT, StaffRole::Clerk).await;
    add_staff(&app, "zhao.lei", "赵磊", DEPARTMENT, StaffRole::Approver).await;
    add_staff(&app, "sun.mei", "孙梅", DEPARTMENT, StaffRole::Supervisor).await;
    add_staff(&app, "qian.feng", "钱峰", "330100-mz", StaffRole::Clerk).await;

    // The person applies on their phone.
    let phone = Browser::phone("zh-CN,zh").await.unwrap();
    phone
        .client
        .goto(&format!("{}/login?next=%2Faccount", app.base_url))
        .await
        .unwrap();
    app.log_in(&phone, PHONE).await.unwrap();
    phone.type_into("#name", "李四").await.unwrap();
    phone
        .type_into("#id-number", "11010519491231002X")
        .await
        .unwrap();
    phone
        .click("section[aria-labelledby=verify-heading] button[type=submit]")
        .await
        .unwrap();
    phone
        .wait_until(
            "return document.body.textContent.includes('已实名认证')",
            "verified",
        )
        .await
        .unwrap();
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
    let (application_id, receipt): (String, String) =
        sqlx::query_as("SELECT id, receipt FROM applications")
            .fetch_one(&db)
            .await
            .unwrap();
    let case_id: String = sqlx::query_scalar("SELECT id FROM cases")
        .fetch_one(&db)
        .await
        .unwrap();
    // The message centre has the submission, and the application page the department's part.
    phone
        .client
        .goto(&format!("{}/messages", app.base_url))
        .await
        .unwrap();
    let first = phone.texts("#messages .message-text").await.unwrap();
    assert!(first[0].contains(&receipt), "{first:?}");
    phone
        .client
        .goto(&format!("{}/applications/{application_id}", app.base_url))
        .await
        .unwrap();
    let part = phone.texts("#cases .case-item").await.unwrap();
    assert!(
        part[0].contains("杭州市公安局") && part[0].contains("承诺"),
        "{part:?}"
    );
    phone.screenshot("application-cases").await.unwrap();

    // The clerk of the department finds it in the queue and opens it.
    let desk = Browser::with_viewport("zh-CN,zh", DESK).await.unwrap();
    desk.client
        .goto(&format!("{}/staff/", app.base_url))
        .await
        .unwrap();
    desk.texts("#staff-username").await.unwrap();
    assert_accessible(&desk, &source, "workbench login").await;
    desk.screenshot("workbench-login").await.unwrap();
    staff_log_in(&desk, &app, "li.na").await;
    let rows = desk.texts("table.queue tbody tr").await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains(&receipt) && rows[0].contains("已提交"),
        "{rows:?}"
    );
    assert_accessible(&desk, &source, "workbench queue").await;
    desk.screenshot("workbench-queue").await.unwrap();
    desk.click("a.case-link").await.unwrap();
    desk.texts("#case-status").await.unwrap();
    // The person's photo opens in place (stored without its metadata).
    desk.wait_until(
        "const i = document.querySelector('.bench-documents img'); return !!i && i.complete && i.naturalWidth === 8",
        "the document shown",
    )
    .await
    .unwrap();
    let answers = desk.texts("#case-answers .check-row").await.unwrap();
    assert!(answers.iter().any(|a| a.contains("李四")), "{answers:?}");
    // A clerk accepts and reviews; deciding is the approver's.
    let offered = moves_offered(&desk).await;
    assert!(offered.contains(&"accepted".to_owned()), "{offered:?}");
    assert!(
        !offered.contains(&"approved".to_owned()),
        "a clerk is offered {offered:?}"
    );
    assert_accessible(&desk, &source, "workbench case").await;
    desk.screenshot("workbench-case").await.unwrap();
    make_move(&desk, "accepted", "材料齐全，已受理。").await;
    assert_eq!(desk.texts("#case-status").await.unwrap(), ["已受理"]);

    // The person's phone shows the message arrive, without reloading.
    phone
        .wait_until(
            "const u = document.getElementById('messages-unread'); return !!u && u.textContent.includes('1')",
            "the unread message on the phone",
        )
        .await
        .unwrap();
    phone.click("#messages-link").await.unwrap();
    let messages = phone
        .texts("#messages .message-unread .message-text")
        .await
        .unwrap();
    assert!(
        messages[0].contains("杭州市公安局") && messages[0].contains("已受理"),
        "{messages:?}"
    );
    phone.screenshot("messages").await.unwrap();

    // Review, then ask for the address again: the form says what is missing when nothing is picked.
    make_move(&desk, "in-review", "").await;
    desk.click("#move-supplement-requested").await.unwrap();
    desk.click("#move-submit").await.unwrap();
    assert_eq!(
        desk.texts("#move-error").await.unwrap(),
        ["请至少选择一项需要补正的内容。"]
    );
    ask_supplement(&desk, "#ask-applicant-address", "请补充完整的门牌号").await;

    // The person supplies it.
    phone
        .client
        .goto(&format!("{}/applications/{application_id}", app.base_url))
        .await
        .unwrap();
    assert_eq!(
        phone.texts("#supplement-heading").await.unwrap(),
        ["需要补正"]
    );
    let paused = phone.texts("#cases .case-item").await.unwrap();
    assert!(paused[0].contains("暂停计时"), "{paused:?}");
    phone
        .type_into(
            "#f-applicant-address",
            "浙江省杭州市西湖区文三路 1 号 3 幢 201 室",
        )
        .await
        .unwrap();
    phone
        .click("section[aria-labelledby=supplement-heading] button")
        .await
        .unwrap();
    phone
        .wait_until(
            "return !document.getElementById('supplement-heading') && document.body.textContent.includes('审核中')",
            "back in review",
        )
        .await
        .unwrap();

    // The approver decides and completes.
    staff_log_out(&desk).await;
    staff_log_in(&desk, &app, "zhao.lei").await;
    // The queue comes after the header: wait for the case before opening it.
    desk.texts("a.case-link").await.unwrap();
    desk.click("a.case-link").await.unwrap();
    desk.texts("#case-status").await.unwrap();
    let offered = moves_offered(&desk).await;
    assert!(
        offered.contains(&"approved".to_owned())
            && !offered.contains(&"supplement-requested".to_owned()),
        "an approver is offered {offered:?}"
    );
    // A refusal needs its reason.
    desk.click("#move-rejected").await.unwrap();
    desk.click("#move-submit").await.unwrap();
    assert_eq!(
        desk.texts("#move-error").await.unwrap(),
        ["请选择不予办理的理由。"]
    );
    make_move(&desk, "approved", "审核通过，请按时领取。").await;
    make_move(&desk, "completed", "").await;
    assert_eq!(desk.texts("#case-status").await.unwrap(), ["已办结"]);
    let steps = desk.texts("#case-timeline li .device-name").await.unwrap();
    assert_eq!(
        steps.first().map(String::as_str),
        Some("已办结"),
        "{steps:?}"
    );

    phone
        .client
        .goto(&format!("{}/messages", app.base_url))
        .await
        .unwrap();
    let all = phone.texts("#messages .message-text").await.unwrap();
    assert!(all[0].contains("已办结"), "{all:?}");
    assert!(all.iter().any(|m| m.contains("审核通过")), "{all:?}");
    assert!(all.iter().any(|m| m.contains("补充")), "{all:?}");

    // The supervisor's numbers, and the workbench in English.
    staff_log_out(&desk).await;
    staff_log_in(&desk, &app, "sun.mei").await;
    desk.client
        .goto(&format!("{}/staff/stats", app.base_url))
        .await
        .unwrap();
    let on_time = desk.texts("#stats-on-time").await.unwrap();
    assert!(on_time[0].contains("100%"), "{on_time:?}");
    assert_accessible(&desk, &source, "workbench statistics").await;
    desk.screenshot("workbench-stats").await.unwrap();
    desk.click(".bench-languages button[lang=en]")
        .await
        .unwrap();
    desk.wait_until(
        "return document.documentElement.lang === 'en' && !!document.querySelector('.bench-who')",
        "the workbench in English",
    )
    .await
    .unwrap();
    assert_accessible(&desk, &source, "workbench statistics (en)").await;
    desk.client
        .goto(&format!("{}/staff/", app.base_url))
        .await
        .unwrap();
    desk.texts("#filter-status").await.unwrap();
    assert_eq!(desk.texts("h1").await.unwrap(), ["Your department's cases"]);
    assert_accessible(&desk, &source, "workbench queue (en)").await;
    desk.client
        .goto(&format!("{}/staff/cases/{case_id}", app.base_url))
        .await
        .unwrap();
    assert_eq!(desk.texts("#case-status").await.unwrap(), ["Completed"]);
    assert_accessible(&desk, &source, "workbench case (en)").await;
    desk.click(".bench-languages button[lang=zh-CN]")
        .await
        .unwrap();
    desk.wait_until(
        "return document.documentElement.lang === 'zh-CN'",
        "Chinese again",
    )
    .await
    .unwrap();

    // A clerk of another department: an empty queue, and the case is not there for them.
    staff_log_out(&desk).await;
    staff_log_in(&desk, &app, "qian.feng").await;
    desk.texts("#queue-empty").await.unwrap();
    desk.client
        .goto(&format!("{}/staff/cases/{case_id}", app.base_url))
        .await
        .unwrap();
    let refused = desk.texts("main .notice-error").await.unwrap();
    assert!(!refused[0].is_empty(), "{refused:?}");
    assert!(
        desk.errors().await.unwrap().is_empty(),
        "the workbench crashed"
    );

    desk.close().await;
    phone.close().await;
}
