//! Drafts synced to the server, submission exactly once, and the documents they name (an
//! application's life with staff through a supplement is supplements.rs).

mod support;

use support::auth::AuthServer;
use support::drafting::{filled_draft, schema, verified_person, Device, MATTER};
use support::forms::{fill, PHONE_A};
use tongban_core::application::ApplicationStatus;
use tongban_core::draft::{submission_key, ChangeKind, ChangeReply};
use tongban_core::form::Answer;
use tongban_core::ApiError;

#[tokio::test]
async fn a_submission_repeated_in_any_way_makes_one_application() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let mut phone = Device {
        api: verified_person(&server, PHONE_A).await,
        id: "phone",
        ops: 0,
    };
    let version = filled_draft(&mut phone, "draft-1").await;

    let submit = phone.change(
        "draft-1",
        version,
        ChangeKind::Submit {
            idempotency_key: submission_key("draft-1"),
        },
    );
    let first = phone.api.send_change(&submit).await.unwrap();
    let ChangeReply::Submitted {
        application_id,
        receipt,
        ..
    } = &first
    else {
        panic!("not submitted: {first:?}");
    };
    assert!(
        receipt.starts_with("TB") && receipt.len() == 18,
        "{receipt}"
    );
    // The same request again (a retry) gets the very same answer.
    assert_eq!(phone.api.send_change(&submit).await.unwrap(), first);
    // A second tap (a new op with the draft's key) gets the same application.
    let again = phone
        .send(
            "draft-1",
            version,
            ChangeKind::Submit {
                idempotency_key: submission_key("draft-1"),
            },
        )
        .await;
    assert!(
        matches!(&again, ChangeReply::Submitted { application_id: a, .. } if a == application_id),
        "{again:?}"
    );
    // Many at once: still one.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let change = phone.change(
            "draft-1",
            version,
            ChangeKind::Submit {
                idempotency_key: submission_key("draft-1"),
            },
        );
        let api = phone.api.clone();
        tasks.push(tokio::spawn(async move { api.send_change(&change).await }));
    }
    for task in tasks {
        let reply = task.await.unwrap().unwrap();
        assert!(
            matches!(&reply, ChangeReply::Submitted { application_id: a, .. } if a == application_id),
            "{reply:?}"
        );
    }
    let apps = phone.api.applications().await.unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].status, ApplicationStatus::Submitted);
    // After submission the draft takes no more edits.
    let late = phone
        .send(
            "draft-1",
            version + 1,
            ChangeKind::Set {
                path: "applicant.name".into(),
                value: None,
            },
        )
        .await;
    assert_eq!(
        late,
        ChangeReply::Rejected {
            code: "draft-submitted".into()
        }
    );
}

#[tokio::test]
async fn a_used_op_id_with_another_payload_is_refused_clearly() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let mut phone = Device {
        api: verified_person(&server, PHONE_A).await,
        id: "phone",
        ops: 0,
    };
    phone
        .send(
            "d",
            0,
            ChangeKind::Create {
                form_id: MATTER.into(),
            },
        )
        .await;
    let mut change = phone.change(
        "d",
        1,
        ChangeKind::Set {
            path: "applicant.name".into(),
            value: Some(Answer::Text("张三".into())),
        },
    );
    phone.api.send_change(&change).await.unwrap();
    change.kind = ChangeKind::Set {
        path: "applicant.name".into(),
        value: Some(Answer::Text("李四".into())),
    };
    match phone.api.send_change(&change).await {
        Err(ApiError::Validation { code, .. }) => assert_eq!(code, "idempotency-key-reused"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn the_same_field_from_two_devices_is_a_conflict_not_an_overwrite() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let mut phone = Device {
        api: verified_person(&server, PHONE_A).await,
        id: "phone",
        ops: 0,
    };
    server.clock.advance(61);
    let (laptop_api, _) = server.login(PHONE_A).await;
    let mut laptop = Device {
        api: laptop_api,
        id: "laptop",
        ops: 0,
    };
    phone
        .send(
            "d",
            0,
            ChangeKind::Create {
                form_id: MATTER.into(),
            },
        )
        .await;
    let text = |s: &str| Some(Answer::Text(s.into()));
    // Both devices start from version 1.
    phone
        .send(
            "d",
            1,
            ChangeKind::Set {
                path: "applicant.address".into(),
                value: text("杭州市西湖区文三路 1 号"),
            },
        )
        .await;
    let merged = laptop
        .send(
            "d",
            1,
            ChangeKind::Set {
                path: "applicant.phone".into(),
                value: text(PHONE_A),
            },
        )
        .await;
    let ChangeReply::Applied { snapshot } = merged else {
        panic!("{merged:?}")
    };
    assert_eq!(snapshot.answers.len(), 2, "different fields merge");
    let clash = laptop
        .send(
            "d",
            1,
            ChangeKind::Set {
                path: "applicant.address".into(),
                value: text("杭州市上城区解放路 2 号"),
            },
        )
        .await;
    match clash {
        ChangeReply::Conflict {
            path,
            theirs,
            snapshot,
        } => {
            assert_eq!(path, "applicant.address");
            assert_eq!(theirs, text("杭州市西湖区文三路 1 号"));
            assert_eq!(
                snapshot.answers.get("applicant.address"),
                text("杭州市西湖区文三路 1 号").as_ref()
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let kept = phone.api.drafts().await.unwrap();
    assert_eq!(
        kept[0].answers.get("applicant.address"),
        text("杭州市西湖区文三路 1 号").as_ref(),
        "not overwritten"
    );
}

#[tokio::test]
async fn refused_answers_name_their_fields_and_keep_the_draft() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let mut phone = Device {
        api: verified_person(&server, PHONE_A).await,
        id: "phone",
        ops: 0,
    };
    phone
        .send(
            "d",
            0,
            ChangeKind::Create {
                form_id: MATTER.into(),
            },
        )
        .await;
    phone
        .send(
            "d",
            1,
            ChangeKind::Set {
                path: "applicant.phone".into(),
                value: Some(Answer::Text("12345".into())),
            },
        )
        .await;
    let reply = phone
        .send(
            "d",
            2,
            ChangeKind::Submit {
                idempotency_key: submission_key("d"),
            },
        )
        .await;
    let ChangeReply::Invalid { fields } = reply else {
        panic!("{reply:?}")
    };
    assert!(
        fields
            .iter()
            .any(|f| f.path == "applicant.phone" && f.code == "phone-length"),
        "{fields:?}"
    );
    assert!(
        fields
            .iter()
            .any(|f| f.path == "applicant.name" && f.code == "field-required"),
        "{fields:?}"
    );
    assert!(phone.api.applications().await.unwrap().is_empty());
    let draft = &phone.api.drafts().await.unwrap()[0];
    assert_eq!(
        draft.answers.get("applicant.phone"),
        Some(&Answer::Text("12345".into()))
    );

    // Without a verified identity the submission is refused, the draft kept.
    let (unverified, _) = server.login("13900139000").await;
    let mut other = Device {
        api: unverified,
        id: "other",
        ops: 0,
    };
    let version = filled_draft(&mut other, "e").await;
    let reply = other
        .send(
            "e",
            version,
            ChangeKind::Submit {
                idempotency_key: submission_key("e"),
            },
        )
        .await;
    assert_eq!(
        reply,
        ChangeReply::Rejected {
            code: "identity-required".into()
        }
    );
}

#[tokio::test]
async fn materials_are_checked_by_content_and_belong_to_their_uploader() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let a = verified_person(&server, PHONE_A).await;
    let renamed_exe = b"MZ\x90\x00 this is no photo".to_vec();
    match a.upload_material(renamed_exe).await {
        Err(ApiError::Validation { code, .. }) => assert_eq!(code, "material-type"),
        other => panic!("accepted a non-document: {other:?}"),
    }
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(20_000, b' ');
    let stored = a.upload_material(pdf).await.unwrap();
    assert_eq!(
        (stored.kind.as_str(), stored.size),
        ("application/pdf", 20_000)
    );
    let too_big = vec![0xFF; 10 * 1024 * 1024 + 1];
    assert!(a.upload_material(too_big).await.is_err());
    // A picture that is not one is refused in words, not stored.
    match a.upload_material(b"\xFF\xD8\xFF\xE0 broken".to_vec()).await {
        Err(ApiError::Validation { code, .. }) => assert_eq!(code, "material-unreadable"),
        other => panic!("stored a broken picture: {other:?}"),
    }

    // B cannot submit with A's document.
    server.clock.advance(61);
    let b_api = verified_person(&server, "13900139000").await;
    let mut b = Device {
        api: b_api,
        id: "b",
        ops: 0,
    };
    let schema = schema(&b.api).await;
    b.send(
        "bd",
        0,
        ChangeKind::Create {
            form_id: MATTER.into(),
        },
    )
    .await;
    let mut version = 1;
    for (path, value) in fill(&schema, &stored.object_id) {
        if let ChangeReply::Applied { snapshot } = b
            .send(
                "bd",
                version,
                ChangeKind::Set {
                    path,
                    value: Some(value),
                },
            )
            .await
        {
            version = snapshot.version;
        }
    }
    let reply = b
        .send(
            "bd",
            version,
            ChangeKind::Submit {
                idempotency_key: submission_key("bd"),
            },
        )
        .await;
    let ChangeReply::Invalid { fields } = reply else {
        panic!("{reply:?}")
    };
    assert!(
        fields.iter().all(|f| f.code == "material-missing") && !fields.is_empty(),
        "{fields:?}"
    );
}
