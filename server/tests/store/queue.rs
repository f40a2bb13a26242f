//! A department's queue of cases.

use super::*;

/// A department's queue: the open cases it decides and those it received and still holds, oldest
/// due first and paused ones last; filters narrow it, and nothing of another department is in it.
pub(super) async fn queue(store: Store) {
    let owner = AccountId::new("acc-q");
    let actor = Actor::Account(owner.clone());
    let case =
        |id: &str, department: &str, receiving: Option<&str>, holder, status, due: Option<i64>| {
            CaseRow {
                id: id.into(),
                application_id: format!("app-{id}"),
                department_id: department.into(),
                receiving_department_id: receiving.map(str::to_owned),
                holder,
                mode: None,
                matters: vec![if department == "x" {
                    "330000-GA-0001".into()
                } else {
                    "330000-GA-0002".into()
                }],
                answers: Answers::new(),
                status,
                promised_days: 20,
                due_day: due,
                due_certainty: None,
                paused_days_left: due.is_none().then_some(5),
                assignee: None,
                created_at: 10,
                updated_at: 10,
            }
        };
    use ApplicationStatus::*;
    let cases = [
        case("a", "x", None, Holder::Deciding, InReview, Some(105)),
        case("b", "x", None, Holder::Deciding, Submitted, Some(100)),
        case("c", "x", None, Holder::Deciding, SupplementRequested, None),
        case("d", "x", None, Holder::Deciding, Completed, Some(90)),
        case("e", "y", Some("x"), Holder::Receiving, Accepted, Some(102)),
        case("f", "y", None, Holder::Deciding, Submitted, Some(101)),
        case("g", "x", Some("y"), Holder::Receiving, Submitted, Some(99)),
    ];
    for c in &cases {
        let draft_id = format!("draft-{}", c.id);
        let create = Change {
            op_id: format!("op-{}", c.id),
            draft_id: draft_id.clone(),
            device_id: "phone".into(),
            base_version: 0,
            kind: ChangeKind::Create {
                form_id: "330000-GA-0001".into(),
            },
        };
        let draft = ServerDraft::create(&create).unwrap();
        let reply = ChangeReply::Applied {
            snapshot: draft.snapshot(),
        };
        let receipt = format!("TBQ{}", c.id);
        let write = DraftWrite {
            draft: &draft,
            owner: &owner,
            agent: None,
            read_version: None,
            op_id: &create.op_id,
            fingerprint: "fp",
            reply: &reply,
            application: Some(NewApplication {
                id: &c.application_id,
                receipt: &receipt,
                owner: &owner,
                agent: None,
                draft_id: &draft_id,
                form_id: "330000-GA-0001",
                answers: &Answers::new(),
                actor: &actor,
                at: 10,
                cases: std::slice::from_ref(c),
                messages: &[],
                notifications: &[],
            }),
            at: 10,
        };
        assert_eq!(store.write_change(write).await.unwrap(), Written::Committed);
    }
    assert!(store.assign_case("a", "staff-1", 11).await.unwrap());
    let ids = |rows: Vec<tongban_server::store::QueueRow>| -> Vec<String> {
        rows.into_iter().map(|r| r.case.id).collect()
    };
    let all = |department| QueueQuery {
        department_id: department,
        status: None,
        due_by: None,
        matter: None,
        assignee: None,
        limit: 100,
    };
    assert_eq!(
        ids(store.queue(all("x")).await.unwrap()),
        ["b", "e", "a", "c"]
    );
    assert_eq!(ids(store.queue(all("y")).await.unwrap()), ["g", "f"]);
    assert!(store.queue(all("z")).await.unwrap().is_empty());
    let with = |f: fn(&mut QueueQuery<'static>)| {
        let mut q = all("x");
        f(&mut q);
        q
    };
    assert_eq!(
        ids(store.queue(with(|q| q.limit = 2)).await.unwrap()),
        ["b", "e"]
    );
    assert_eq!(
        ids(store.queue(with(|q| q.due_by = Some(102))).await.unwrap()),
        ["b", "e"]
    );
    assert_eq!(
        ids(store
            .queue(with(|q| q.status = Some(Completed)))
            .await
            .unwrap()),
        ["d"]
    );
    assert_eq!(
        ids(store
            .queue(with(|q| q.assignee = Some("staff-1")))
            .await
            .unwrap()),
        ["a"]
    );
    assert_eq!(
        ids(store
            .queue(with(|q| q.matter = Some("330000-GA-0002")))
            .await
            .unwrap()),
        ["e"]
    );
    let row = store.queue(with(|q| q.limit = 1)).await.unwrap().remove(0);
    assert_eq!((row.receipt.as_str(), row.owner), ("TBQb", owner));
}
