//! 补正: staff ask for a supplement, the person can change only what was asked, and what is
//! supplied passes what a submission passes — documents that are the person's own uploads and
//! certificates the server verifies.

mod support;

use support::auth::AuthServer;
use support::drafting::{filled_draft, schema, verified_person, Device};
use support::forms::{fill, PHONE_A};
use tongban_core::application::{ApplicationStatus, StatusChange};
use tongban_core::draft::{submission_key, ChangeKind, ChangeReply};
use tongban_core::form::{Answer, Answers};
use tongban_core::ApiError;

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
