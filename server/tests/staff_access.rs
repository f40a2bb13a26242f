//! Who among staff reaches what: staff reach only their own department's cases, applications,
//! halls and documents, within their role — a matrix over every staff endpoint of the API
//! document, each refusal answered like a missing object (404) and audited.

mod support;

use std::collections::BTreeSet;

use reqwest::StatusCode;
use support::auth::AuthServer;
use support::forms::{submit, ID_A, PHONE_A};
use support::staff::{case_in, staff, staff_token};
use tongban_core::application::ApplicationStatus;
use tongban_core::case::{CaseMove, StaffRole};
use tongban_core::{ApiClient, ApiError};

/// 户口迁移（市内）: 杭州市公安局 decides, within 5 working days, no cross-province handling.
const LOCAL_MATTER: &str = "330000-GA-0010";
const HOME_DEPT: &str = "330100-ga";
const OTHER_DEPT: &str = "330100-mz";
/// 上城区政务服务中心（户籍窗口）: the police department serves there, civil affairs does not.
const HOME_ONLY_HALL: &str = "330102-zwzx";

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

fn denied_lines(lines: &[String], actor: &str) -> usize {
    lines
        .iter()
        .filter(|l| l.contains(&format!(" {actor} ")) && l.contains(" denied "))
        .count()
}

async fn staff_id(c: &ApiClient) -> String {
    c.staff_me().await.unwrap().id
}

#[tokio::test]
async fn staff_reach_only_their_departments_cases_within_their_role() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let person = person(&server).await;
    let mut home = Vec::new();
    let mut other = Vec::new();
    for role in StaffRole::ALL {
        home.push((
            role,
            staff(&server, &format!("home.{}", role.code()), HOME_DEPT, role).await,
        ));
        other.push((
            role,
            staff(&server, &format!("other.{}", role.code()), OTHER_DEPT, role).await,
        ));
    }

    // Every staff endpoint of the API document has a row in this matrix.
    let doc: serde_json::Value = reqwest::get(format!("{}/api/openapi.json", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut endpoints = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let staff_only = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("staff_session").is_some()));
            if staff_only {
                endpoints.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let covered: BTreeSet<String> = [
        "GET /api/v1/staff/me",
        "GET /api/v1/staff/cases",
        "GET /api/v1/staff/cases/{id}",
        "GET /api/v1/staff/cases/{id}/documents/{object}",
        "POST /api/v1/staff/cases/{id}/status",
        "POST /api/v1/staff/cases/{id}/assignee",
        "GET /api/v1/staff/stats",
        "GET /api/v1/staff/applications",
        "GET /api/v1/staff/applications/{id}",
        "POST /api/v1/staff/applications/{id}/status",
        "GET /api/v1/staff/halls",
        "GET /api/v1/staff/halls/{id}/appointments",
        "POST /api/v1/staff/halls/{id}/arrivals",
        "GET /api/v1/staff/guardianships/{code}",
        "POST /api/v1/staff/guardianships/{code}/confirm",
        "GET /api/v1/staff/rectifications",
        "GET /api/v1/staff/rectifications/{id}",
        "POST /api/v1/staff/rectifications/{id}/callback",
        "POST /api/v1/staff/rectifications/{id}/answer",
        "GET /api/v1/staff/consultations",
        "GET /api/v1/staff/consultations/{id}",
        "POST /api/v1/staff/consultations/{id}/answer",
        "POST /api/v1/staff/consultations/{id}/faq",
        "POST /api/v1/staff/credentials/{id}/status",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(endpoints, covered, "every staff endpoint needs a row here");

    let http = reqwest::Client::new();
    let (application, _) = submit(&person, LOCAL_MATTER, &[]).await;
    let home_supervisor = &home[2].1;
    let case = case_in(home_supervisor, &application).await;
    let document = home_supervisor.staff_case(&case).await.unwrap().documents[0]
        .object_id
        .clone();
    // A bad rating of the application: a rectification item of the home department.
    let rectification = person
        .rate_application(
            &application,
            &tongban_core::evaluation::NewEvaluation {
                overall: tongban_core::evaluation::Level::VeryDissatisfied,
                indicators: vec![],
                comment: "没人接电话".into(),
            },
        )
        .await
        .unwrap()
        .rectifications[0]
        .id
        .clone();

    // A question to the home department about the application.
    let consultation = person
        .ask_department(&tongban_core::consultation::NewConsultation {
            matter: LOCAL_MATTER.into(),
            application_id: Some(application.clone()),
            question: "可以代办吗？".into(),
        })
        .await
        .unwrap()
        .id;

    // A resident ID card the home department (杭州市公安局) issued to someone of Hangzhou.
    let (holder, _) = server.login("13900000077").await;
    holder
        .verify_identity(
            "钱大伯",
            &support::forms::id_number_in("330106", "19661210", 77),
        )
        .await
        .unwrap();
    let card = holder.credentials().await.unwrap().items[0].id.clone();

    let mut cross_department_successes = 0;
    for (role, other_staff) in &other {
        // Lists: nothing of the other department's.
        let queue = other_staff.staff_cases("limit=500").await.unwrap();
        assert!(queue.iter().all(|c| c.application_id != application));
        let list = other_staff.staff_applications().await.unwrap();
        assert!(list.iter().all(|a| a.id != application));
        let threads = other_staff.staff_consultations().await.unwrap().items;
        assert!(threads.iter().all(|t| t.consultation.id != consultation));
        let items = other_staff.staff_rectifications().await.unwrap().items;
        assert!(items.iter().all(|i| i.rectification.id != rectification));
        // Reads and writes by id: as if it did not exist.
        let attempts: Vec<(reqwest::Method, String, Option<serde_json::Value>)> = vec![
            (reqwest::Method::GET, format!("/staff/cases/{case}"), None),
            (
                reqwest::Method::GET,
                format!("/staff/cases/{case}/documents/{document}"),
                None,
            ),
            (
                reqwest::Method::POST,
                format!("/staff/cases/{case}/status"),
                Some(serde_json::json!({ "status": "accepted" })),
            ),
            (
                reqwest::Method::POST,
                format!("/staff/cases/{case}/assignee"),
                Some(serde_json::json!({ "staff_id": staff_id(other_staff).await })),
            ),
            (
                reqwest::Method::GET,
                format!("/staff/applications/{application}"),
                None,
            ),
            (
                reqwest::Method::POST,
                format!("/staff/applications/{application}/status"),
                Some(serde_json::json!({ "status": "accepted" })),
            ),
            // A hall only the home department serves at (its day of bookings, its arrivals).
            (
                reqwest::Method::GET,
                format!("/staff/halls/{HOME_ONLY_HALL}/appointments"),
                None,
            ),
            (
                reqwest::Method::POST,
                format!("/staff/halls/{HOME_ONLY_HALL}/arrivals"),
                Some(serde_json::json!({ "code": "ABCDEFGH" })),
            ),
            // A guardianship code nobody declared (any hall's staff reach a real one: the
            // parent brings it there; `guardians.rs`).
            (
                reqwest::Method::GET,
                "/staff/guardianships/00000000".into(),
                None,
            ),
            (
                reqwest::Method::POST,
                "/staff/guardianships/00000000/confirm".into(),
                None,
            ),
            (
                reqwest::Method::GET,
                format!("/staff/rectifications/{rectification}"),
                None,
            ),
            (
                reqwest::Method::POST,
                format!("/staff/rectifications/{rectification}/callback"),
                Some(serde_json::json!({ "text": "called" })),
            ),
            (
                reqwest::Method::POST,
                format!("/staff/rectifications/{rectification}/answer"),
                Some(serde_json::json!({ "text": "fixed" })),
            ),
            (
                reqwest::Method::GET,
                format!("/staff/consultations/{consultation}"),
                None,
            ),
            (
                reqwest::Method::POST,
                format!("/staff/consultations/{consultation}/answer"),
                Some(serde_json::json!({ "text": "yes" })),
            ),
            (
                reqwest::Method::POST,
                format!("/staff/consultations/{consultation}/faq"),
                Some(serde_json::json!({ "question": { "zh": "问" }, "answer": { "zh": "答" } })),
            ),
            (
                reqwest::Method::POST,
                format!("/staff/credentials/{card}/status"),
                Some(serde_json::json!({ "status": "revoked" })),
            ),
        ];
        let halls = other_staff.staff_halls().await.unwrap();
        assert!(halls.iter().all(|h| h.id != HOME_ONLY_HALL), "{halls:?}");
        let me = other_staff.staff_me().await.unwrap();
        let before = server.server.db().audit_lines().await.unwrap();
        for (method, path, body) in &attempts {
            let token = staff_token(&server, &me.username).await;
            let mut request = http
                .request(method.clone(), server.url(path))
                .bearer_auth(&token);
            if let Some(body) = body {
                request = request.json(body);
            }
            let status = request.send().await.unwrap().status();
            if status.is_success() {
                cross_department_successes += 1;
            }
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{} {path} as {role:?} of another department",
                method
            );
        }
        let after = server.server.db().audit_lines().await.unwrap();
        let actor = format!("staff:{}", me.id);
        assert_eq!(
            denied_lines(&after, &actor) - denied_lines(&before, &actor),
            attempts.len(),
            "every refusal of {role:?} is audited"
        );
        // Their own department's numbers hold nothing of the other's.
        match other_staff.staff_stats().await {
            Ok(stats) => {
                assert_eq!(*role, StaffRole::Supervisor);
                assert_eq!(stats.department.id, OTHER_DEPT);
                assert!(stats.open.is_empty(), "{stats:?}");
            }
            Err(e) => {
                assert_ne!(*role, StaffRole::Supervisor);
                assert_eq!(
                    e,
                    ApiError::Forbidden {
                        code: "role-not-allowed".into()
                    }
                );
            }
        }
    }
    assert_eq!(cross_department_successes, 0);
    // The certificate was not revoked.
    let still = holder.credentials().await.unwrap().items[0].status;
    assert_eq!(still, tongban_core::credential::status::Status::Valid);
    // The case did not move.
    let untouched = home_supervisor.staff_case(&case).await.unwrap();
    assert_eq!(untouched.summary.case.status, ApplicationStatus::Submitted);

    // Within the department, each role makes only its moves; each refusal is audited.
    for (role, member) in &home {
        let (app, _) = submit(&person, LOCAL_MATTER, &[]).await;
        let case = case_in(member, &app).await;
        // Everyone of the department reads it, and opens its documents.
        let opened = member.staff_case(&case).await.unwrap();
        assert!(!opened.answers.is_empty());
        let token = staff_token(&server, &member.staff_me().await.unwrap().username).await;
        let doc = http
            .get(server.url(&format!(
                "/staff/cases/{case}/documents/{}",
                opened.documents[0].object_id
            )))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(doc.status(), StatusCode::OK);
        assert_eq!(doc.headers()["x-content-type-options"], "nosniff");
        let accept = member
            .staff_move_case(&case, &move_to(ApplicationStatus::Accepted))
            .await;
        let may_accept = *role != StaffRole::Approver;
        assert_eq!(accept.is_ok(), may_accept, "{role:?} accepting: {accept:?}");
        if !may_accept {
            assert_eq!(
                accept.unwrap_err(),
                ApiError::Forbidden {
                    code: "role-not-allowed".into()
                }
            );
            home_supervisor
                .staff_move_case(&case, &move_to(ApplicationStatus::Accepted))
                .await
                .unwrap();
        }
        home_supervisor
            .staff_move_case(&case, &move_to(ApplicationStatus::InReview))
            .await
            .unwrap();
        let approve = member
            .staff_move_case(&case, &move_to(ApplicationStatus::Approved))
            .await;
        assert_eq!(
            approve.is_ok(),
            *role != StaffRole::Clerk,
            "{role:?} approving: {approve:?}"
        );
        let assign = member.staff_assign(&case, &staff_id(member).await).await;
        assert_eq!(
            assign.is_ok(),
            *role == StaffRole::Supervisor,
            "{role:?} reassigning"
        );
        assert_eq!(
            member.staff_stats().await.is_ok(),
            *role == StaffRole::Supervisor
        );
    }
    // A document the case does not hold is not opened, even by its department.
    let stranger = person
        .upload_material(support::forms::JPEG.to_vec())
        .await
        .unwrap();
    let token = staff_token(&server, "home.supervisor").await;
    let refused = http
        .get(server.url(&format!(
            "/staff/cases/{case}/documents/{}",
            stranger.object_id
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
}
