//! 帮办 against a real server: a helper fills in a draft for a person who is present and hands
//! it over with the code texted to the person's phone; the draft and its documents become the
//! person's, who submits it. Wrong, used-up and expired codes, strangers and agents get nothing.

mod support;

use support::auth::AuthServer;
use support::forms::{id_number, prepare, submit_draft};
use tongban_core::draft::ChangeReply;
use tongban_core::mandate::NewMandate;
use tongban_core::message::MessageKind;
use tongban_core::{ApiClient, ApiError};

const MATTER: &str = "330000-GA-0001";
const HELPER_PHONE: &str = "13900000011";
const PERSON_PHONE: &str = "13900000012";
/// Wednesday 2026-12-02, 10:00 in Beijing.
const WEDNESDAY_10AM: i64 = 1_796_176_800;

async fn server() -> AuthServer {
    let server = AuthServer::on_sqlite(|_| {}).await;
    server.clock.set(WEDNESDAY_10AM);
    server
}

async fn verified(server: &AuthServer, phone: &str, name: &str, n: usize) -> ApiClient {
    let (client, _) = server.login(phone).await;
    client.verify_identity(name, &id_number(n)).await.unwrap();
    client
}

/// The last hand-over code texted to `phone`.
fn texted_code(server: &AuthServer, phone: &str) -> String {
    server
        .sms
        .notices(phone)
        .into_iter()
        .rev()
        .find(|(template, _)| template == "handover-code")
        .map(|(_, params)| params["code"].clone())
        .expect("a hand-over code was texted")
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

#[tokio::test]
async fn a_clerk_fills_in_a_draft_and_hands_it_over_with_the_texted_code() {
    let server = server().await;
    let helper = verified(&server, HELPER_PHONE, "张帮办", 61).await;
    let person = verified(&server, PERSON_PHONE, "王秀英", 65).await;
    let (draft, _) = prepare(&helper, MATTER, &[]).await;

    // Nobody with that number, or the helper themself: refused on the field.
    assert_eq!(
        code_of(helper.start_handover(&draft, "13900000099").await),
        "handover-person-unknown"
    );
    assert_eq!(
        code_of(helper.start_handover(&draft, HELPER_PHONE).await),
        "handover-person-unknown"
    );
    assert_eq!(
        code_of(helper.start_handover(&draft, "1390000001").await),
        "phone-length"
    );
    let started = helper.start_handover(&draft, PERSON_PHONE).await.unwrap();
    assert_eq!(started.masked_phone, "139****0012");
    let code = texted_code(&server, PERSON_PHONE);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        code_of(helper.confirm_handover(&draft, wrong).await),
        "handover-code-wrong"
    );
    // The person cannot take it themself: it is not theirs until the helper hands it over.
    assert!(matches!(
        person.confirm_handover(&draft, &code).await,
        Err(ApiError::NotFound)
    ));
    let done = helper.confirm_handover(&draft, &code).await.unwrap();
    assert_eq!(done.masked_phone, "139****0012");

    // Gone from the helper, the person's now: they are told, and submit it (the documents the
    // helper uploaded went with it).
    assert!(matches!(
        helper.draft(&draft).await,
        Err(ApiError::NotFound)
    ));
    assert!(matches!(
        helper.confirm_handover(&draft, &code).await,
        Err(ApiError::NotFound)
    ));
    let told = person.messages().await.unwrap().items;
    let message = told
        .iter()
        .find(|m| m.kind == MessageKind::HandedOver)
        .expect("the person is told");
    assert_eq!(message.params.get("draft"), Some(&draft));
    assert!(message.params["party"].contains("139****0011"));
    let snapshot = person.draft(&draft).await.unwrap();
    let reply = submit_draft(&person, &draft, snapshot.version).await;
    assert!(matches!(reply, ChangeReply::Submitted { .. }), "{reply:?}");
}

#[tokio::test]
async fn wrong_expired_and_used_up_codes_hand_nothing_over() {
    let server = server().await;
    let helper = verified(&server, HELPER_PHONE, "张帮办", 62).await;
    let _ = server.login(PERSON_PHONE).await;
    let (draft, _) = prepare(&helper, MATTER, &[]).await;

    // No code sent yet.
    assert_eq!(
        code_of(helper.confirm_handover(&draft, "123456").await),
        "handover-not-started"
    );
    // Five wrong codes use the hand-over up: even the right one then needs a new code.
    helper.start_handover(&draft, PERSON_PHONE).await.unwrap();
    let code = texted_code(&server, PERSON_PHONE);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..tongban_core::handover::MAX_TRIES {
        assert_eq!(
            code_of(helper.confirm_handover(&draft, wrong).await),
            "handover-code-wrong"
        );
    }
    assert_eq!(
        code_of(helper.confirm_handover(&draft, &code).await),
        "handover-not-started"
    );
    // A new code, too late.
    helper.start_handover(&draft, PERSON_PHONE).await.unwrap();
    let code = texted_code(&server, PERSON_PHONE);
    server
        .clock
        .set(WEDNESDAY_10AM + tongban_core::handover::CODE_VALID_SECONDS + 1);
    assert_eq!(
        code_of(helper.confirm_handover(&draft, &code).await),
        "handover-expired"
    );
    assert!(helper.draft(&draft).await.is_ok(), "still the helper's");
}

#[tokio::test]
async fn an_agent_or_an_unverified_helper_cannot_hand_over() {
    let server = server().await;
    let helper = verified(&server, HELPER_PHONE, "张帮办", 63).await;
    let (person, _) = server.login(PERSON_PHONE).await;
    // Unverified: no hand-over from them.
    let (draft, _) = prepare(&person, MATTER, &[]).await;
    assert_eq!(
        code_of(person.start_handover(&draft, HELPER_PHONE).await),
        "identity-required"
    );
    // Acting for someone under a mandate: their drafts are not the agent's to give away.
    let today = tongban_core::calendar::Day::from_ymd(2026, 12, 2);
    person
        .verify_identity("王秀英", &id_number(64))
        .await
        .unwrap();
    let mandate = person
        .grant_mandate(&NewMandate {
            agent_phone: HELPER_PHONE.into(),
            matters: Vec::new(),
            from: today,
            to: tongban_core::calendar::Day(today.0 + 10),
            decide_together: false,
        })
        .await
        .unwrap();
    helper.accept_mandate(&mandate.id).await.unwrap();
    assert_eq!(
        code_of(
            helper
                .acting_for(&mandate.id)
                .start_handover(&draft, HELPER_PHONE)
                .await
        ),
        "not-for-agents"
    );
}
