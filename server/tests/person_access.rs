//! The person access matrix over HTTP: every personal endpoint that takes an id (read it from
//! the OpenAPI document) answers another person and an anonymous caller as if the object did not
//! exist, and the attempt is audited.

mod support;

use std::collections::BTreeSet;

use reqwest::StatusCode;
use support::auth::AuthServer;
use tongban_core::auth::SessionSecretStore;
use tongban_core::ApiError;

const PHONE_A: &str = "13800138000";
const PHONE_B: &str = "13900139000";
/// GB 11643's own example number.
const ID_A: &str = "11010519491231002X";

/// For every endpoint that takes an object id, the second person gets 404 for the first one's
/// objects, reading and writing, and the object is untouched. The list of endpoints comes from
/// the OpenAPI document, so a new endpoint without a case here fails this test.
#[tokio::test]
async fn nobody_reaches_another_persons_objects() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let (a, a_secrets) = server.login(PHONE_A).await;
    let (b, b_secrets) = server.login(PHONE_B).await;
    let a_session = a.sessions().await.unwrap().remove(0).id;
    // A draft of A's, and an application of A's (B gets 404 for both, reading and writing).
    a.verify_identity("张三", ID_A).await.unwrap();
    let matter = "330000-GA-0001";
    let schema = tongban_core::form::FormSchema::for_matter(&a.matter_guide(matter).await.unwrap());
    let change = |op: &str, draft: &str, base, kind| tongban_core::draft::Change {
        op_id: op.into(),
        draft_id: draft.into(),
        device_id: "a".into(),
        base_version: base,
        kind,
    };
    use tongban_core::draft::{ChangeKind, ChangeReply};
    a.send_change(&change(
        "a0",
        "a-draft",
        0,
        ChangeKind::Create {
            form_id: matter.into(),
        },
    ))
    .await
    .unwrap();
    a.send_change(&change(
        "b0",
        "a-submitted",
        0,
        ChangeKind::Create {
            form_id: matter.into(),
        },
    ))
    .await
    .unwrap();
    let mut base = 1;
    let upload = a
        .upload_material(support::forms::JPEG.to_vec())
        .await
        .unwrap();
    for (i, (path, value)) in support::forms::fill(&schema, &upload.object_id)
        .into_iter()
        .enumerate()
    {
        let reply = a
            .send_change(&change(
                &format!("b{}", i + 1),
                "a-submitted",
                base,
                ChangeKind::Set {
                    path,
                    value: Some(value),
                },
            ))
            .await
            .unwrap();
        if let ChangeReply::Applied { snapshot } = reply {
            base = snapshot.version;
        }
    }
    let submitted = a
        .send_change(&change(
            "bs",
            "a-submitted",
            base,
            ChangeKind::Submit {
                idempotency_key: tongban_core::draft::submission_key("a-submitted"),
            },
        ))
        .await
        .unwrap();
    let application = match submitted {
        ChangeReply::Submitted { application_id, .. } => application_id,
        other => panic!("A could not submit: {other:?}"),
    };

    // A rated the application (at intake): B can neither read nor change the rating.
    a.rate_application(
        &application,
        &tongban_core::evaluation::NewEvaluation {
            overall: tongban_core::evaluation::Level::Satisfied,
            indicators: vec![],
            comment: String::new(),
        },
    )
    .await
    .unwrap();
    // A asked the department a question about it.
    let consultation = a
        .ask_department(&tongban_core::consultation::NewConsultation {
            matter: "330000-GA-0001".into(),
            application_id: Some(application.clone()),
            question: "照片可以自己带吗？".into(),
        })
        .await
        .unwrap()
        .id;
    // The submission told A in the message centre.
    let message = a.messages().await.unwrap().items.remove(0).id;
    // A mandate between A and a third person C (B is no party to it).
    server.login("13800138333").await;
    let today =
        tongban_core::calendar::Day::of_timestamp(tongban_server::clock::Clock::now(&server.clock));
    let mandate = a
        .grant_mandate(&tongban_core::mandate::NewMandate {
            agent_phone: "13800138333".into(),
            matters: vec![],
            from: today,
            to: tongban_core::calendar::Day(today.0 + 7),
            decide_together: false,
        })
        .await
        .unwrap()
        .id;
    // A books a time at a hall.
    let slots = a.hall_slots("330102-hydj", "330100-MZ-0001").await.unwrap();
    let booking = a
        .book(&tongban_core::visit::NewAppointment {
            hall_id: "330102-hydj".into(),
            matter_code: "330100-MZ-0001".into(),
            day: slots.days[0].day,
            start: slots.days[0].slots[0].start,
            application_id: None,
        })
        .await
        .unwrap()
        .id;

    let doc: serde_json::Value = reqwest::get(format!("{}/api/openapi.json", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut personal = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // A person's endpoints (staff ones have their own role check, tested separately).
            let secured = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("session").is_some()));
            if secured && path.contains('{') {
                personal.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    // How to find one of A's objects for each such endpoint.
    let b_change = serde_json::json!({
        "op_id": "b-attempt", "draft_id": "a-draft", "device_id": "b", "base_version": 1,
        "kind": { "op": "set", "path": "applicant.name", "value": { "type": "text", "value": "B" } }
    });
    // A share of A's (as `POST /me/shares` keeps one), for B to try taking back.
    let a_id = a.me().await.unwrap().id;
    let share = tongban_server::store::ShareRow {
        id: "a-share".into(),
        account_id: tongban_core::ids::AccountId::new(a_id.clone()),
        organisation: "杭州银行".into(),
        kind: None,
        claims: vec!["name".into()],
        presentation: "x~y~".into(),
        created_at: 0,
        expires_at: i64::MAX,
        opened_at: None,
        revoked_at: None,
    };
    let receipt = tongban_core::benefit::ConsentReceipt {
        id: share.id.clone(),
        recipient: tongban_core::LocalizedText::new("杭州银行", "Bank of Hangzhou"),
        categories: vec!["certificates".into()],
        purpose: tongban_core::LocalizedText::new("分享", "sharing"),
        given_at: 0,
        withdraw: tongban_core::LocalizedText::new("撤回", "withdraw"),
    };
    server
        .server
        .db()
        .put_share(&share, "a-share-code", &receipt)
        .await
        .unwrap();
    let cases: Vec<(&str, String, Option<serde_json::Value>)> = vec![
        (
            "DELETE /api/v1/me/shares/{id}",
            "/api/v1/me/shares/a-share".into(),
            None,
        ),
        (
            "DELETE /api/v1/me/sessions/{id}",
            format!("/api/v1/me/sessions/{a_session}"),
            None,
        ),
        (
            "GET /api/v1/drafts/{id}",
            "/api/v1/drafts/a-draft".into(),
            None,
        ),
        (
            "POST /api/v1/drafts/{id}/changes",
            "/api/v1/drafts/a-draft/changes".into(),
            Some(b_change),
        ),
        (
            "POST /api/v1/drafts/{id}/handover",
            "/api/v1/drafts/a-draft/handover".into(),
            Some(serde_json::json!({ "phone": "13800138000" })),
        ),
        (
            "POST /api/v1/drafts/{id}/handover/confirm",
            "/api/v1/drafts/a-draft/handover/confirm".into(),
            Some(serde_json::json!({ "code": "123456" })),
        ),
        (
            "GET /api/v1/applications/{id}",
            format!("/api/v1/applications/{application}"),
            None,
        ),
        (
            "GET /api/v1/materials/{id}",
            format!("/api/v1/materials/{}", upload.object_id),
            None,
        ),
        (
            "POST /api/v1/applications/{id}/supplement",
            format!("/api/v1/applications/{application}/supplement"),
            Some(serde_json::json!({ "answers": {} })),
        ),
        (
            "POST /api/v1/me/messages/{id}/read",
            format!("/api/v1/me/messages/{message}/read"),
            None,
        ),
        (
            "POST /api/v1/me/mandates/{id}/accept",
            format!("/api/v1/me/mandates/{mandate}/accept"),
            None,
        ),
        (
            "POST /api/v1/me/mandates/{id}/decline",
            format!("/api/v1/me/mandates/{mandate}/decline"),
            None,
        ),
        (
            "GET /api/v1/me/mandates/{id}/record",
            format!("/api/v1/me/mandates/{mandate}/record"),
            None,
        ),
        (
            "POST /api/v1/me/mandates/{id}/revoke",
            format!("/api/v1/me/mandates/{mandate}/revoke"),
            None,
        ),
        (
            "POST /api/v1/me/appointments/{id}/cancel",
            format!("/api/v1/me/appointments/{booking}/cancel"),
            None,
        ),
        (
            "GET /api/v1/me/consultations/{id}",
            format!("/api/v1/me/consultations/{consultation}"),
            None,
        ),
        (
            "POST /api/v1/me/consultations/{id}/posts",
            format!("/api/v1/me/consultations/{consultation}/posts"),
            Some(serde_json::json!({ "text": "B" })),
        ),
        // A benefit is the catalog's, not A's: a claim is only ever the caller's own (decided on
        // their own verified data, `benefits.rs`); an unknown one answers like any.
        (
            "POST /api/v1/me/benefits/{id}/claim",
            "/api/v1/me/benefits/no-such-benefit/claim".into(),
            None,
        ),
        // A's consents come from benefits A qualifies for (A does not here): another person's
        // consent answering 404 is in `data_record.rs`; an unknown one answers like any.
        (
            "POST /api/v1/me/consents/{id}/withdraw",
            "/api/v1/me/consents/no-such-consent/withdraw".into(),
            None,
        ),
        // A's ID card would come from a police department of Beijing, not in the demo catalog:
        // another person's certificate answering 404 is in `credentials.rs`.
        (
            "POST /api/v1/me/credentials/{id}/sd-jwt",
            "/api/v1/me/credentials/no-such-certificate/sd-jwt".into(),
            Some(serde_json::json!({ "holder_jwk": { "kty": "EC" } })),
        ),
        (
            "GET /api/v1/applications/{id}/evaluation",
            format!("/api/v1/applications/{application}/evaluation"),
            None,
        ),
        (
            "POST /api/v1/applications/{id}/evaluation",
            format!("/api/v1/applications/{application}/evaluation"),
            Some(serde_json::json!({ "overall": "very-dissatisfied", "comment": "B" })),
        ),
        (
            "GET /api/v1/me/appointments/{id}/evaluation",
            format!("/api/v1/me/appointments/{booking}/evaluation"),
            None,
        ),
        (
            "POST /api/v1/me/appointments/{id}/evaluation",
            format!("/api/v1/me/appointments/{booking}/evaluation"),
            Some(serde_json::json!({ "overall": "very-dissatisfied", "comment": "B" })),
        ),
    ];
    let covered: BTreeSet<String> = cases.iter().map(|(e, _, _)| e.to_string()).collect();
    assert_eq!(
        personal, covered,
        "every personal endpoint with an id needs a case here"
    );
    assert!(!personal.is_empty());

    let http = reqwest::Client::new();
    for (endpoint, path, body) in &cases {
        let method: reqwest::Method = endpoint.split(' ').next().unwrap().parse().unwrap();
        let mut request = http
            .request(method.clone(), format!("{}{path}", server.base))
            .bearer_auth(b_secrets.load().unwrap());
        if let Some(body) = body {
            request = request.json(body);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(
            answer.status(),
            StatusCode::NOT_FOUND,
            "B reached {endpoint}"
        );
        let anonymous = http
            .request(method, format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            anonymous.status(),
            StatusCode::UNAUTHORIZED,
            "anonymous reached {endpoint}"
        );
    }
    // A's share is still open.
    let shares = a.shares().await.unwrap().items;
    assert_eq!(
        shares[0].state,
        tongban_core::credential::share::ShareState::Waiting
    );
    // A's session survived B's attempt, and the attempt is in the audit log.
    a.me().await.unwrap();
    assert!(a_secrets.load().is_some());
    b.me().await.unwrap();
    let lines = server.server.db().audit_lines().await.unwrap();
    for action in [" session-revoked ", " share-revoked "] {
        assert!(
            lines
                .iter()
                .any(|l| l.contains(action) && l.contains(" denied ")),
            "{action} refused and audited"
        );
    }
    // A can sign out its own device by id.
    a.revoke_session(&a_session).await.unwrap();
    assert_eq!(a.me().await.unwrap_err(), ApiError::Unauthorized);
}
