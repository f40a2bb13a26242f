//! 在线咨询 against a real server: a question goes to the matter's department (with the
//! application it is about), nobody else's; the department sees it waiting, then overdue past its
//! answer day; its answer reaches the person's message centre; the person asks again on the
//! thread; the answer becomes a FAQ entry of the guide for everyone, under a new catalog version,
//! and stays through a province's next import; the department sees its median answer time.

mod support;

use support::auth::AuthServer;
use support::forms::{id_number, submit};
use support::staff::staff;
use tongban_core::case::StaffRole;
use tongban_core::consultation::{Author, NewConsultation, NewFaq};
use tongban_core::message::MessageKind;
use tongban_core::{ApiClient, ApiError, LocalizedText};

const LOCAL_MATTER: &str = "330000-GA-0010";
const HOME_DEPT: &str = "330100-ga";
/// Wednesday 2026-12-02, 10:00 in Beijing.
const WEDNESDAY_10AM: i64 = 1_796_176_800;
const QUESTION: &str = "我在外地读书，户口迁移可以让父母代办吗？";
const ANSWER: &str = "可以。父母持您签字的委托书和双方身份证到窗口代办。";

async fn server() -> AuthServer {
    let server = AuthServer::on_sqlite(|c| {
        c.auth.session_idle_seconds = 40 * 86_400;
        c.auth.session_absolute_seconds = 40 * 86_400;
    })
    .await;
    server.clock.set(WEDNESDAY_10AM);
    server
}

async fn person(server: &AuthServer, n: usize) -> ApiClient {
    let (client, _) = server.login(&format!("139{n:08}")).await;
    client.verify_identity("赵六", &id_number(n)).await.unwrap();
    client
}

fn code_of(e: &ApiError) -> String {
    e.message_id()
}

#[tokio::test]
async fn a_question_is_answered_by_its_department_and_becomes_a_faq_entry() {
    let server = server().await;
    let me = person(&server, 1).await;
    let (application, _) = submit(&me, LOCAL_MATTER, &[]).await;

    // Refused in words, nothing sent: an empty question, a matter the catalog does not have.
    let e = me
        .ask_department(&NewConsultation {
            matter: LOCAL_MATTER.into(),
            application_id: None,
            question: "  ".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-validation");
    let ApiError::Validation { fields, .. } = me
        .ask_department(&NewConsultation {
            matter: "000000-XX-0000".into(),
            application_id: None,
            question: QUESTION.into(),
        })
        .await
        .unwrap_err()
    else {
        panic!("a field error")
    };
    assert_eq!(
        (fields[0].path.as_str(), fields[0].code.as_str()),
        ("matter", "field-choice")
    );

    let asked = me
        .ask_department(&NewConsultation {
            matter: LOCAL_MATTER.into(),
            application_id: Some(application.clone()),
            question: QUESTION.into(),
        })
        .await
        .unwrap();
    assert_eq!(asked.department.id, HOME_DEPT);
    assert!(!asked.answered);
    assert_eq!(
        asked.answer_by.as_deref(),
        Some("2026-12-03"),
        "one working day"
    );
    assert_eq!(asked.posts[0].text, QUESTION);

    // Nobody else reaches it: another person, another department.
    let stranger = person(&server, 2).await;
    assert!(matches!(
        stranger.consultation(&asked.id).await,
        Err(ApiError::NotFound)
    ));
    assert!(stranger.consultations().await.unwrap().items.is_empty());
    let other = staff(&server, "mz", "330100-mz", StaffRole::Clerk).await;
    assert!(other.staff_consultations().await.unwrap().items.is_empty());
    assert!(matches!(
        other.staff_answer_consultation(&asked.id, "x").await,
        Err(ApiError::NotFound)
    ));

    // The department has it waiting; on Friday it is overdue.
    let clerk = staff(&server, "ga", HOME_DEPT, StaffRole::Clerk).await;
    let list = clerk.staff_consultations().await.unwrap();
    assert_eq!((list.waiting, list.overdue), (1, 0));
    assert_eq!(list.median_hours_to_answer, None);
    assert!(list.items[0]
        .receipt
        .as_deref()
        .is_some_and(|r| r.starts_with("TB")));
    server.clock.advance(2 * 86_400);
    let list = clerk.staff_consultations().await.unwrap();
    assert_eq!(list.overdue, 1);
    assert!(list.items[0].overdue);

    // Not a FAQ entry before it is answered; the answer tells the person.
    let faq = NewFaq {
        question: LocalizedText::new("户口迁移可以让父母代办吗？", "Can my parents do it for me?"),
        answer: LocalizedText::new(
            ANSWER,
            "Yes, with your signed letter of authority and both IDs.",
        ),
    };
    let e = clerk
        .staff_consultation_faq(&asked.id, &faq)
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-status-move-not-allowed");
    let e = clerk
        .staff_answer_consultation(&asked.id, " ")
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-validation");
    let answered = clerk
        .staff_answer_consultation(&asked.id, ANSWER)
        .await
        .unwrap();
    assert!(answered.consultation.answered);
    assert!(!answered.overdue);
    let list = clerk.staff_consultations().await.unwrap();
    assert_eq!(list.median_hours_to_answer, Some(48.0));
    let messages = me.messages().await.unwrap();
    let told = messages
        .items
        .iter()
        .find(|m| m.kind == MessageKind::ConsultationAnswered)
        .expect("the answer is in the message centre");
    assert_eq!(told.params.get("consultation"), Some(&asked.id));
    assert_eq!(told.application_id.as_deref(), Some(application.as_str()));
    let thread = me.consultation(&asked.id).await.unwrap();
    assert_eq!(thread.posts.len(), 2);
    assert_eq!(thread.posts[1].author, Author::Department);
    assert_eq!(thread.posts[1].text, ANSWER);

    // The person asks again: waiting again.
    let again = me.ask_again(&asked.id, "委托书有模板吗？").await.unwrap();
    assert!(!again.answered);
    assert_eq!(again.posts.len(), 3);
    clerk
        .staff_answer_consultation(&asked.id, "窗口和网站都有模板下载。")
        .await
        .unwrap();

    // The answer becomes a FAQ entry of the guide, for everyone, once.
    let anyone = ApiClient::new(&server.base);
    let before = anyone.catalog_index().await.unwrap().version;
    let made = clerk.staff_consultation_faq(&asked.id, &faq).await.unwrap();
    assert!(made.in_faq);
    let e = clerk
        .staff_consultation_faq(&asked.id, &faq)
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-consultation-in-faq");
    let guide = anyone.matter_guide(LOCAL_MATTER).await.unwrap();
    assert!(
        guide.faq.iter().any(|f| f.answer.zh == ANSWER),
        "{:?}",
        guide.faq
    );
    let after = anyone.catalog_index().await.unwrap().version;
    assert_ne!(
        before, after,
        "a new catalog version: apps take the new guide"
    );
    // The next question like it is answered from the guide itself.
    let found = tongban_core::consultation::answer_from_guide(&guide, "父母可以代办户口迁移吗");
    assert!(
        found.first().is_some_and(|a| a.passage.text.zh == ANSWER),
        "{found:?}"
    );

    // A province's next import keeps it.
    tongban_server::seed::import_catalog(server.server.db(), tongban_server::seed::DEMO_CATALOG)
        .await
        .unwrap();
    server.clock.advance(5);
    let reimported = anyone.matter_guide(LOCAL_MATTER).await.unwrap();
    assert_eq!(
        reimported
            .faq
            .iter()
            .filter(|f| f.answer.zh == ANSWER)
            .count(),
        1,
        "kept once"
    );
}
