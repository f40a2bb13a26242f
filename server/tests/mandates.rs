//! Acting for someone (亲友代办) against a real server: a mother grants her son a mandate for one
//! matter; once he accepts he drafts, submits and books in her name — for that matter only, and
//! nothing of hers beyond it; she sees all of it; her revocation ends his access on his very next
//! request, his draft in progress included. Dates, parties and the person's own endpoints are
//! kept out of an agent's reach.

mod support;

use sqlx::Row;
use support::auth::AuthServer;
use support::forms::{id_number, submit};
use tongban_core::calendar::Day;
use tongban_core::draft::{Change, ChangeKind};
use tongban_core::mandate::{MandateStatus, NewMandate};
use tongban_core::message::MessageKind;
use tongban_core::visit::NewAppointment;
use tongban_core::{ApiClient, ApiError};

/// 结婚登记 (the mandate's matter) and 居民身份证换领 (not in it).
const COVERED: &str = "330100-MZ-0001";
const NOT_COVERED: &str = "330000-GA-0001";
const MOTHER_PHONE: &str = "13900000001";
const SON_PHONE: &str = "13900000002";
/// Wednesday 2026-12-02, 10:00 in Beijing.
const WEDNESDAY_10AM: i64 = 1_796_176_800;

async fn server() -> AuthServer {
    let server = AuthServer::on_sqlite(|c| {
        c.auth.session_idle_seconds = 40 * 86_400;
        c.auth.session_absolute_seconds = 40 * 86_400;
    })
    .await;
    server.clock.set(WEDNESDAY_10AM);
    server
}

async fn verified(server: &AuthServer, phone: &str, name: &str, n: usize) -> ApiClient {
    let (client, _) = server.login(phone).await;
    client.verify_identity(name, &id_number(n)).await.unwrap();
    client
}

fn for_days(matters: &[&str], from: Day, to: Day) -> NewMandate {
    NewMandate {
        agent_phone: SON_PHONE.into(),
        matters: matters.iter().map(|m| m.to_string()).collect(),
        from,
        to,
        decide_together: false,
    }
}

fn forbidden(result: Result<impl std::fmt::Debug, ApiError>) -> String {
    match result {
        Err(ApiError::Forbidden { code }) => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn create(draft: &str, form: &str) -> Change {
    Change {
        op_id: format!("{draft}-create"),
        draft_id: draft.into(),
        device_id: "son-phone".into(),
        base_version: 0,
        kind: ChangeKind::Create {
            form_id: form.into(),
        },
    }
}

#[tokio::test]
async fn a_son_acts_for_his_mother_within_the_mandate_until_she_revokes_it() {
    let server = server().await;
    let mother = verified(&server, MOTHER_PHONE, "王秀英", 31).await;
    let son = verified(&server, SON_PHONE, "李明", 32).await;
    let today = Day::from_ymd(2026, 12, 2);

    // Bad grants are refused with the field, nothing is created.
    let mut to_self = for_days(&[COVERED], today, Day(today.0 + 30));
    to_self.agent_phone = MOTHER_PHONE.into();
    let e = mother.grant_mandate(&to_self).await.unwrap_err();
    assert_eq!(e.message_id(), "error-mandate-agent-unknown");
    let mut nobody = for_days(&[COVERED], today, Day(today.0 + 30));
    nobody.agent_phone = "13900000099".into();
    assert!(mother
        .grant_mandate(&nobody)
        .await
        .unwrap_err()
        .field_error("agent_phone")
        .is_some());
    let too_long = for_days(&[COVERED], today, Day::from_ymd(2027, 12, 2));
    let e = mother.grant_mandate(&too_long).await.unwrap_err();
    assert_eq!(e.message_id(), "error-mandate-too-long");
    assert!(e.field_error("to").is_some());
    let past = for_days(&[COVERED], Day(today.0 - 1), Day(today.0 + 3));
    assert!(mother
        .grant_mandate(&past)
        .await
        .unwrap_err()
        .field_error("from")
        .is_some());
    let unknown = for_days(&["NO-SUCH-MATTER"], today, Day(today.0 + 3));
    assert!(mother
        .grant_mandate(&unknown)
        .await
        .unwrap_err()
        .field_error("matters[0]")
        .is_some());
    assert!(mother.mandates().await.unwrap().given.is_empty());

    // Granted for one matter, up to a year; offered until the son accepts.
    let mandate = mother
        .grant_mandate(&for_days(&[COVERED], today, Day::from_ymd(2027, 12, 1)))
        .await
        .unwrap();
    assert_eq!(mandate.status, MandateStatus::Offered);
    assert!(!mandate.active);
    let as_son = son.acting_for(&mandate.id);
    assert_eq!(forbidden(as_son.drafts().await), "mandate-not-active");
    // Only the agent accepts; a stranger cannot even see it.
    let stranger = verified(&server, "13900000003", "赵六", 33).await;
    assert!(matches!(
        stranger.accept_mandate(&mandate.id).await,
        Err(ApiError::NotFound)
    ));
    assert!(matches!(
        stranger.revoke_mandate(&mandate.id).await,
        Err(ApiError::NotFound)
    ));
    assert!(matches!(
        mother.accept_mandate(&mandate.id).await,
        Err(ApiError::NotFound)
    ));
    let received = son.mandates().await.unwrap().received;
    assert_eq!(received.len(), 1);
    assert!(
        received[0].other_party.contains("139****0001"),
        "{:?}",
        received[0]
    );
    assert!(!received[0].other_party.contains(MOTHER_PHONE));
    let offered = son.messages().await.unwrap().items;
    assert!(offered.iter().any(|m| m.kind == MessageKind::MandateOffered
        && m.params.get("mandate") == Some(&mandate.id)
        && m.params.get("party").is_some_and(|p| p.contains("王*"))));
    let accepted = son.accept_mandate(&mandate.id).await.unwrap();
    assert!(accepted.active);

    // Her own draft of another matter stays out of his reach.
    mother
        .send_change(&create("mother-own", NOT_COVERED))
        .await
        .unwrap();
    assert!(matches!(
        as_son.draft("mother-own").await,
        Err(ApiError::NotFound)
    ));
    assert!(as_son
        .drafts()
        .await
        .unwrap()
        .iter()
        .all(|d| d.draft_id != "mother-own"));
    assert_eq!(
        forbidden(as_son.send_change(&create("son-other", NOT_COVERED)).await),
        "mandate-scope"
    );

    // In her name: he submits an application of the covered matter and books its visit.
    let (application, receipt) = submit(&as_son, COVERED, &[]).await;
    let hers = mother.applications().await.unwrap();
    assert!(hers.iter().any(|a| a.id == application), "she sees it");
    assert!(
        son.applications()
            .await
            .unwrap()
            .iter()
            .all(|a| a.id != application),
        "not his"
    );
    let db = server.server.db().pool();
    let agent: Option<String> = sqlx::query("SELECT agent_id FROM applications WHERE id = $1")
        .bind(&application)
        .fetch_one(db)
        .await
        .unwrap()
        .try_get("agent_id")
        .unwrap();
    let seen = mother.application(&application).await.unwrap();
    assert!(
        seen.submitted_by
            .as_deref()
            .is_some_and(|s| s.contains("李*")),
        "{:?}",
        seen.submitted_by
    );
    let son_id = son.me().await.unwrap().id;
    assert_eq!(
        agent.as_deref(),
        Some(son_id.as_str()),
        "the application records the agent"
    );
    let slots = as_son.hall_slots("330102-hydj", COVERED).await.unwrap();
    let booked = as_son
        .book(&NewAppointment {
            hall_id: "330102-hydj".into(),
            matter_code: COVERED.into(),
            day: slots.days[0].day,
            start: slots.days[0].slots[0].start,
            application_id: Some(application.clone()),
        })
        .await
        .unwrap();
    assert!(mother
        .appointments()
        .await
        .unwrap()
        .items
        .iter()
        .any(|a| a.id == booked.id));
    assert!(son.appointments().await.unwrap().items.is_empty());
    // She is told of both in her message centre; the audit log names him as who did it.
    let messages = mother.messages().await.unwrap().items;
    let by_son = |m: &&tongban_core::message::Message| {
        m.params
            .get("agent")
            .is_some_and(|a| a.contains("李*") && a.contains("139****0002"))
    };
    assert!(messages
        .iter()
        .filter(by_son)
        .any(|m| m.params.get("receipt") == Some(&receipt)));
    assert!(messages
        .iter()
        .filter(by_son)
        .any(|m| m.params.get("code") == Some(&booked.code)));
    let zh = tongban_core::i18n::loader_for_tag("zh-CN");
    let words = tongban_core::view::Words::new(&zh, "zh-CN");
    let told = messages
        .iter()
        .find(|m| m.params.get("receipt") == Some(&receipt))
        .unwrap();
    let text = tongban_core::view::message_text(told, &words);
    assert!(text.contains("由 李* 139****0002 代办"), "{text}");
    // She was told when he started the draft, and the mandate's record lists what he did.
    assert!(messages.iter().any(|m| m.kind == MessageKind::DraftStarted
        && m.params
            .get("party")
            .is_some_and(|p| p.contains("139****0002"))
        && m.params
            .get("matter")
            .is_some_and(|t| t.contains("结婚登记"))));
    let record = mother.mandate_record(&mandate.id).await.unwrap().items;
    assert!(record
        .iter()
        .any(|a| a.kind == tongban_core::mandate::ActedKind::Submitted
            && a.receipt.as_deref() == Some(receipt.as_str())));
    assert!(record
        .iter()
        .any(|a| a.kind == tongban_core::mandate::ActedKind::Booked && a.form_id == COVERED));
    // He sees the same record; she does not see his own drafts in it.
    assert_eq!(son.mandate_record(&mandate.id).await.unwrap().items, record);
    let lines = server.server.db().audit_lines().await.unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("account:{son_id}"))
                && l.contains(" application-submitted "))
    );

    // The person's own things are never an agent's.
    for refused in [
        forbidden(as_son.messages().await),
        forbidden(as_son.sessions().await),
        forbidden(as_son.mandates().await),
        forbidden(as_son.activity().await),
    ] {
        assert_eq!(refused, "not-for-agents");
    }

    // A draft in progress; then she revokes, and his next request is refused.
    as_son
        .send_change(&create("son-draft", COVERED))
        .await
        .unwrap();
    assert!(as_son.draft("son-draft").await.is_ok());
    mother.revoke_mandate(&mandate.id).await.unwrap();
    assert_eq!(
        forbidden(as_son.draft("son-draft").await),
        "mandate-not-active"
    );
    assert_eq!(forbidden(as_son.applications().await), "mandate-not-active");
    assert!(
        mother.draft("son-draft").await.is_ok(),
        "the draft is hers and stays"
    );
    let told = son.messages().await.unwrap().items;
    assert!(told.iter().any(|m| m.kind == MessageKind::MandateEnded));
    assert!(matches!(
        son.revoke_mandate(&mandate.id).await,
        Err(ApiError::Conflict { .. })
    ));
}

#[tokio::test]
async fn a_mandate_acts_only_between_its_dates() {
    let server = server().await;
    let mother = verified(&server, MOTHER_PHONE, "王秀英", 41).await;
    let son = verified(&server, SON_PHONE, "李明", 42).await;
    let today = Day::from_ymd(2026, 12, 2);
    let later = mother
        .grant_mandate(&for_days(&[], Day(today.0 + 2), Day(today.0 + 4)))
        .await
        .unwrap();
    son.accept_mandate(&later.id).await.unwrap();
    let as_son = son.acting_for(&later.id);
    assert_eq!(forbidden(as_son.drafts().await), "mandate-not-active");
    server.clock.set(WEDNESDAY_10AM + 2 * 86_400);
    // Every matter (none listed), from its first day.
    as_son
        .send_change(&create("any", NOT_COVERED))
        .await
        .unwrap();
    server.clock.set(WEDNESDAY_10AM + 5 * 86_400);
    assert_eq!(forbidden(as_son.drafts().await), "mandate-not-active");
}

#[tokio::test]
async fn deciding_together_the_son_prepares_and_his_mother_submits_herself() {
    let server = server().await;
    let mother = verified(&server, MOTHER_PHONE, "王秀英", 51).await;
    let son = verified(&server, SON_PHONE, "李明", 52).await;
    let today = Day::from_ymd(2026, 12, 2);
    let mut new = for_days(&[NOT_COVERED], today, Day(today.0 + 30));
    new.decide_together = true;
    let mandate = mother.grant_mandate(&new).await.unwrap();
    son.accept_mandate(&mandate.id).await.unwrap();
    let as_son = son.acting_for(&mandate.id);

    // Incomplete, his submission gets its errors as anyone's would.
    let bare = format!("bare-{}", mandate.id);
    let tongban_core::draft::ChangeReply::Applied { snapshot } = as_son
        .send_change(&create(&bare, NOT_COVERED))
        .await
        .unwrap()
    else {
        panic!("not created")
    };
    let reply = support::forms::submit_draft(&as_son, &bare, snapshot.version).await;
    assert!(
        matches!(reply, tongban_core::draft::ChangeReply::Invalid { .. }),
        "{reply:?}"
    );

    // Complete, it goes to her to check: nothing is submitted in her name by him.
    let (draft, base) = support::forms::prepare(&as_son, NOT_COVERED, &[]).await;
    let reply = support::forms::submit_draft(&as_son, &draft, base).await;
    assert_eq!(
        reply,
        tongban_core::draft::ChangeReply::Rejected {
            code: "mandate-decide-together".into()
        }
    );
    assert!(mother.applications().await.unwrap().is_empty());
    let told = mother.messages().await.unwrap().items;
    let ask = told
        .iter()
        .find(|m| m.kind == MessageKind::ConfirmRequested)
        .expect("she is asked to confirm");
    assert_eq!(ask.params.get("draft"), Some(&draft));
    assert_eq!(
        ask.params.get("form").map(String::as_str),
        Some(NOT_COVERED)
    );
    assert!(
        ask.params["party"].contains("139****0002"),
        "{:?}",
        ask.params
    );

    // She finds his draft among hers and submits it herself.
    let hers = mother.drafts().await.unwrap();
    let snapshot = hers
        .iter()
        .find(|d| d.draft_id == draft)
        .expect("his draft is hers");
    let reply = support::forms::submit_draft(&mother, &draft, snapshot.version).await;
    let tongban_core::draft::ChangeReply::Submitted { application_id, .. } = reply else {
        panic!("{reply:?}")
    };
    let seen = mother.application(&application_id).await.unwrap();
    assert_eq!(seen.submitted_by, None, "she submitted it herself");
}
