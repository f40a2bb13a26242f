//! Drafts synced to the server, submission exactly once, and an application's life with staff.

mod support;

use support::auth::AuthServer;
use support::forms::fill;
use tongban_core::application::{ApplicationStatus, StatusChange};
use tongban_core::draft::{submission_key, Change, ChangeKind, ChangeReply};
use tongban_core::form::{Answer, Answers, FormSchema};
use tongban_core::{ApiClient, ApiError};

const MATTER: &str = "330000-GA-0001";
const PHONE_A: &str = "13800138000";
const ID_A: &str = "11010519491231002X";

struct Device {
    api: ApiClient,
    id: &'static str,
    ops: u32,
}

impl Device {
    fn change(&mut self, draft: &str, base_version: u64, kind: ChangeKind) -> Change {
        self.ops += 1;
        Change {
            op_id: format!("{}-{}-{}", self.id, draft, self.ops),
            draft_id: draft.to_owned(),
            device_id: self.id.to_owned(),
            base_version,
            kind,
        }
    }

    async fn send(&mut self, draft: &str, base: u64, kind: ChangeKind) -> ChangeReply {
        let change = self.change(draft, base, kind);
        self.api.send_change(&change).await.unwrap()
    }
}

async fn verified_person(server: &AuthServer, phone: &str) -> ApiClient {
    let (client, _) = server.login(phone).await;
    // One ID number verifies one account: each phone gets its own.
    let id = if phone == PHONE_A {
        ID_A
    } else {
        "330106198503120028"
    };
    client.verify_identity("张三", id).await.unwrap();
    client
}

async fn schema(api: &ApiClient) -> FormSchema {
    FormSchema::for_matter(&api.matter_guide(MATTER).await.unwrap())
}

/// Creates a draft and fills it completely; returns its version.
async fn filled_draft(device: &mut Device, draft: &str) -> u64 {
    let schema = schema(&device.api).await;
    let mut version = match device
        .send(
            draft,
            0,
            ChangeKind::Create {
                form_id: MATTER.into(),
            },
        )
        .await
    {
        ChangeReply::Applied { snapshot } => snapshot.version,
        other => panic!("create: {other:?}"),
    };
    let upload = device
        .api
        .upload_material(support::forms::JPEG.to_vec())
        .await
        .unwrap();
    assert_eq!(upload.kind, "image/jpeg");
    for (path, value) in fill(&schema, &upload.object_id) {
        match device
            .send(
                draft,
                version,
                ChangeKind::Set {
                    path,
                    value: Some(value),
                },
            )
            .await
        {
            ChangeReply::Applied { snapshot } => version = snapshot.version,
            other => panic!("set: {other:?}"),
        }
    }
    version
}

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
async fn staff_move_an_application_to_the_end_through_a_supplement() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let mut phone = Device {
        api: verified_person(&server, PHONE_A).await,
        id: "phone",
        ops: 0,
    };
    let version = filled_draft(&mut phone, "d").await;
    let reply = phone
        .send(
            "d",
            version,
            ChangeKind::Submit {
                idempotency_key: submission_key("d"),
            },
        )
        .await;
    let ChangeReply::Submitted {
        application_id: id, ..
    } = reply
    else {
        panic!("{reply:?}")
    };

    let hash = tongban_server::auth::password::hash_password("correct horse battery").unwrap();
    server
        .server
        .db()
        .put_staff(tongban_server::store::NewStaff::new(
            "wang.li",
            "王丽",
            "330100-ga",
            tongban_core::case::StaffRole::Supervisor,
            &hash,
        ))
        .await
        .unwrap();
    let (staff, _) = server.client();
    staff
        .staff_login("wang.li", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(staff.staff_applications().await.unwrap().len(), 1);
    let step = |status, message: &str, fields: &[&str]| StatusChange {
        status,
        message: message.into(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
        reason: None,
    };
    match staff
        .staff_move(&id, &step(ApplicationStatus::Completed, "", &[]))
        .await
    {
        Err(ApiError::Conflict { code, .. }) => assert_eq!(code, "status-move-not-allowed"),
        other => panic!("skipped the steps: {other:?}"),
    }
    staff
        .staff_move(&id, &step(ApplicationStatus::Accepted, "已受理", &[]))
        .await
        .unwrap();
    staff
        .staff_move(&id, &step(ApplicationStatus::InReview, "", &[]))
        .await
        .unwrap();
    assert!(staff
        .staff_move(
            &id,
            &step(ApplicationStatus::SupplementRequested, "?", &["no.such"])
        )
        .await
        .is_err());
    let asked = staff
        .staff_move(
            &id,
            &step(
                ApplicationStatus::SupplementRequested,
                "请提供完整的门牌号",
                &["applicant.address"],
            ),
        )
        .await
        .unwrap();
    assert_eq!(asked.requested_fields(), ["applicant.address"]);

    // The person sees what is asked, and can change only that.
    let mine = phone.api.application(&id).await.unwrap();
    assert_eq!(mine.status, ApplicationStatus::SupplementRequested);
    assert_eq!(mine.timeline.last().unwrap().message, "请提供完整的门牌号");
    let other_field: Answers = [("applicant.name".to_owned(), Answer::Text("李四".into()))].into();
    match phone.api.supply(&id, other_field).await {
        Err(ApiError::Validation { fields, .. }) => {
            assert_eq!(fields[0].code, "field-not-requested")
        }
        other => panic!("changed a field not asked for: {other:?}"),
    }
    let address: Answers = [(
        "applicant.address".to_owned(),
        Answer::Text("杭州市西湖区文三路 1 号 3 幢 201 室".into()),
    )]
    .into();
    let supplied = phone.api.supply(&id, address).await.unwrap();
    assert_eq!(supplied.status, ApplicationStatus::InReview);
    assert!(
        phone.api.supply(&id, Answers::new()).await.is_err(),
        "nothing is asked any more"
    );

    staff
        .staff_move(&id, &step(ApplicationStatus::Approved, "", &[]))
        .await
        .unwrap();
    let done = staff
        .staff_move(&id, &step(ApplicationStatus::Completed, "证件已寄出", &[]))
        .await
        .unwrap();
    let statuses: Vec<ApplicationStatus> = done.timeline.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            ApplicationStatus::Submitted,
            ApplicationStatus::Accepted,
            ApplicationStatus::InReview,
            ApplicationStatus::SupplementRequested,
            ApplicationStatus::InReview,
            ApplicationStatus::Approved,
            ApplicationStatus::Completed,
        ]
    );
    assert_eq!(
        phone
            .api
            .application(&id)
            .await
            .unwrap()
            .answers
            .get("applicant.address"),
        Some(&Answer::Text("杭州市西湖区文三路 1 号 3 幢 201 室".into()))
    );
    // A person is not staff.
    assert!(matches!(
        phone.api.staff_applications().await,
        Err(ApiError::Forbidden { .. })
    ));
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

/// A supplement passes what a submission passes: a document must be the person's own upload,
/// and a certificate instead of a document is verified by the server (a "verified" block the
/// client wrote itself is never kept).
#[tokio::test]
async fn a_supplemented_document_is_checked_as_at_submission() {
    use tongban_core::form::{MaterialAnswer, VerifiedCertificate};

    let server = AuthServer::on_sqlite(|_| {}).await;
    let mut phone = Device {
        api: verified_person(&server, PHONE_A).await,
        id: "phone",
        ops: 0,
    };
    let version = filled_draft(&mut phone, "s").await;
    let ChangeReply::Submitted {
        application_id: id, ..
    } = phone
        .send(
            "s",
            version,
            ChangeKind::Submit {
                idempotency_key: submission_key("s"),
            },
        )
        .await
    else {
        panic!("not submitted")
    };
    // A document field of the form, asked for again.
    let material = fill(&schema(&phone.api).await, "x")
        .into_iter()
        .find(|(_, a)| matches!(a, Answer::Material(_)))
        .map(|(path, _)| path)
        .expect("the form asks for a document");
    let clerk = support::staff::staff(
        &server,
        "zhao",
        "330100-ga",
        tongban_core::case::StaffRole::Supervisor,
    )
    .await;
    for (status, fields) in [
        (ApplicationStatus::Accepted, vec![]),
        (ApplicationStatus::InReview, vec![]),
        (
            ApplicationStatus::SupplementRequested,
            vec![material.clone()],
        ),
    ] {
        clerk
            .staff_move(
                &id,
                &StatusChange {
                    status,
                    message: "请重新上传清晰的照片".into(),
                    fields,
                    reason: None,
                },
            )
            .await
            .unwrap();
    }
    let refused = |r: Result<tongban_core::application::Application, ApiError>| match r {
        Err(ApiError::Validation { fields, .. }) => {
            (fields[0].path.clone(), fields[0].code.clone())
        }
        other => panic!("taken: {other:?}"),
    };

    // Someone else's upload.
    let stranger = verified_person(&server, "13800138001").await;
    let theirs = stranger
        .upload_material(support::forms::JPEG.to_vec())
        .await
        .unwrap();
    let uploaded = |object_id: &str| -> Answers {
        [(
            material.clone(),
            Answer::Material(MaterialAnswer::Uploaded {
                object_id: object_id.into(),
                file_name: "photo.jpg".into(),
                size: 1000,
            }),
        )]
        .into()
    };
    assert_eq!(
        refused(phone.api.supply(&id, uploaded(&theirs.object_id)).await),
        (material.clone(), "material-missing".to_owned())
    );

    // A certificate "verified" by the client, with a presentation that is none.
    let forged: Answers = [(
        material.clone(),
        Answer::Material(MaterialAnswer::FromCertificate {
            certificate: "resident-id-card".into(),
            presentation: Some("eyJhbGciOiJFUzI1NiJ9.e30.c2ln~".into()),
            verified: Some(VerifiedCertificate {
                issuer: tongban_core::catalog::DepartmentRef {
                    id: "330100-ga".into(),
                    name: tongban_core::LocalizedText::new("杭州市公安局", "Hangzhou PSB"),
                },
                claims: serde_json::from_value(serde_json::json!({"name": "张三"})).unwrap(),
                checked_at: 1,
            }),
        }),
    )]
    .into();
    assert_eq!(
        refused(phone.api.supply(&id, forged).await),
        (material.clone(), "material-certificate-invalid".to_owned())
    );
    let still = phone.api.application(&id).await.unwrap();
    assert_eq!(still.status, ApplicationStatus::SupplementRequested);

    // Their own new upload is taken.
    let mine = phone
        .api
        .upload_material(support::forms::JPEG.to_vec())
        .await
        .unwrap();
    let taken = phone
        .api
        .supply(&id, uploaded(&mine.object_id))
        .await
        .unwrap();
    assert_eq!(taken.status, ApplicationStatus::InReview);
    assert!(matches!(
        &taken.answers[&material],
        Answer::Material(MaterialAnswer::Uploaded { object_id, .. }) if *object_id == mine.object_id
    ));
}
