//! Drafts and their changes, submissions and the applications they become.

use super::*;

pub(super) fn change(op: &str, kind: ChangeKind) -> Change {
    Change {
        op_id: op.into(),
        draft_id: "d1".into(),
        device_id: "phone".into(),
        base_version: 0,
        kind,
    }
}

pub(super) async fn drafts_and_applications(store: Store) {
    let owner = AccountId::new("acc-1");
    let actor = Actor::Account(owner.clone());
    let create = change(
        "op-1",
        ChangeKind::Create {
            form_id: "330000-GA-0001".into(),
        },
    );
    let mut draft = ServerDraft::create(&create).unwrap();
    let reply = ChangeReply::Applied {
        snapshot: draft.snapshot(),
    };
    fn write<'a>(
        draft: &'a ServerDraft,
        owner: &'a AccountId,
        reply: &'a ChangeReply,
        read_version: Option<i64>,
        op_id: &'a str,
    ) -> DraftWrite<'a> {
        DraftWrite {
            draft,
            owner,
            agent: None,
            read_version,
            op_id,
            fingerprint: "fp",
            reply,
            application: None,
            at: 10,
        }
    }
    assert_eq!(
        store
            .write_change(write(&draft, &owner, &reply, None, "op-1"))
            .await
            .unwrap(),
        Written::Committed
    );
    assert_eq!(
        store
            .write_change(write(&draft, &owner, &reply, None, "op-x"))
            .await
            .unwrap(),
        Written::Raced,
        "a second creation of the same draft"
    );
    let stored = store.stored_op("op-1").await.unwrap().unwrap();
    assert_eq!(stored.reply, reply);
    assert_eq!(stored.draft_id, "d1");

    let row = store.draft("d1").await.unwrap().unwrap();
    assert_eq!(row.owner, owner);
    let set = change(
        "op-2",
        ChangeKind::Set {
            path: "applicant.name".into(),
            value: Some(Answer::Text("张三".into())),
        },
    );
    draft.apply(&set, &mut |_| Err(Vec::new()));
    // Two writers read the same version: the first commits, the second is told it raced.
    assert_eq!(
        store
            .write_change(write(&draft, &owner, &reply, Some(row.version), "op-2"))
            .await
            .unwrap(),
        Written::Committed
    );
    assert_eq!(
        store
            .write_change(write(&draft, &owner, &reply, Some(row.version), "op-3"))
            .await
            .unwrap(),
        Written::Raced
    );
    assert!(
        store.stored_op("op-3").await.unwrap().is_none(),
        "nothing of it stayed"
    );
    let after = store.draft("d1").await.unwrap().unwrap();
    assert_eq!(after.state, draft);
    assert_eq!(store.drafts_of(&owner).await.unwrap(), [draft.clone()]);
    assert!(store.drafts_of(&"acc-2".into()).await.unwrap().is_empty());

    // A submission writes the application and its first event with the change, and the
    // person's message and its text (all of it in one statement on PostgreSQL).
    let answers: Answers = draft.answers.clone();
    let message = tongban_server::store::NewMessage {
        id: "msg-1".into(),
        account_id: owner.clone(),
        application_id: Some("app-1".into()),
        kind: tongban_core::message::MessageKind::Submitted,
        params: [("receipt".to_owned(), "TB2026120100000001".to_owned())].into(),
        at: 20,
    };
    let text = tongban_server::store::NewNotification {
        id: "note-1".into(),
        channel: tongban_server::store::Channel::Sms,
        account_id: owner.clone(),
        template: "submitted".into(),
        params: Default::default(),
        at: 20,
    };
    let submitted = DraftWrite {
        application: Some(NewApplication {
            id: "app-1",
            receipt: "TB2026120100000001",
            owner: &owner,
            agent: None,
            draft_id: "d1",
            form_id: "330000-GA-0001",
            answers: &answers,
            actor: &actor,
            at: 20,
            cases: &[],
            messages: std::slice::from_ref(&message),
            notifications: std::slice::from_ref(&text),
        }),
        ..write(&draft, &owner, &reply, Some(after.version), "op-4")
    };
    assert_eq!(
        store.write_change(submitted).await.unwrap(),
        Written::Committed
    );
    let record = store.application("app-1").await.unwrap().unwrap();
    assert_eq!(record.owner, owner);
    assert_eq!(record.application.status, ApplicationStatus::Submitted);
    assert_eq!(record.application.answers, answers);
    assert_eq!(record.application.timeline.len(), 1);
    let (messages, unread) = store.messages_of(&owner, 10, 20).await.unwrap();
    assert_eq!(unread, 1);
    assert_eq!(messages[0].id, "msg-1");
    assert_eq!(messages[0].application_id.as_deref(), Some("app-1"));
    assert_eq!(messages[0].params, message.params);
    let texts = store.undelivered_notifications().await.unwrap();
    assert_eq!(
        texts,
        [("sms".to_owned(), "submitted".to_owned(), 0, false)]
    );

    // Moves happen only from the status they were decided on.
    let to_accepted = |from| StatusMove {
        id: "app-1",
        from,
        to: ApplicationStatus::Accepted,
        message: "受理",
        fields: &[],
        answers: None,
        actor: &actor,
        at: 30,
    };
    assert_eq!(
        store
            .move_application(to_accepted(ApplicationStatus::Submitted))
            .await
            .unwrap(),
        Moved::Done
    );
    assert_eq!(
        store
            .move_application(to_accepted(ApplicationStatus::Submitted))
            .await
            .unwrap(),
        Moved::StatusChanged,
        "someone moved it first"
    );
    let fields = vec!["applicant.address".to_owned()];
    let mut supplied = answers.clone();
    supplied.insert(
        "applicant.address".into(),
        Answer::Text("文三路 1 号".into()),
    );
    store
        .move_application(StatusMove {
            to: ApplicationStatus::InReview,
            fields: &fields,
            answers: Some(&supplied),
            ..to_accepted(ApplicationStatus::Accepted)
        })
        .await
        .unwrap();
    let record = store.application("app-1").await.unwrap().unwrap();
    assert_eq!(record.application.answers, supplied);
    let statuses: Vec<ApplicationStatus> = record
        .application
        .timeline
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(
        statuses,
        [
            ApplicationStatus::Submitted,
            ApplicationStatus::Accepted,
            ApplicationStatus::InReview
        ]
    );
    assert_eq!(record.application.timeline[2].fields, fields);
    let mine = store.application_summaries(Some(&owner)).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(store
        .application_summaries(Some(&"acc-2".into()))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.application_summaries(None).await.unwrap().len(), 1);
    assert!(store.application("app-2").await.unwrap().is_none());
    support::at_rest::nothing_plain(&store, "张三").await;
    support::at_rest::nothing_plain(&store, "文三路").await;
}
