//! The store's contract, run against SQLite and a throwaway PostgreSQL cluster alike (as core's
//! draft-store contract runs against every device store): whatever the backend, each method does
//! what its name says, writes are all-or-nothing, and races are reported, not lost.

mod support;

use std::future::Future;

use support::postgres::TempPostgres;
use tongban_core::application::ApplicationStatus;
use tongban_core::audit::{Actor, AuditAction};
use tongban_core::auth::RealNameLevel;
use tongban_core::case::Holder;
use tongban_core::case::StaffRole;
use tongban_core::catalog::{parse_catalog, CatalogIndex};
use tongban_core::draft::{Change, ChangeKind, ChangeReply, ServerDraft};
use tongban_core::form::{Answer, Answers};
use tongban_core::ids::AccountId;
use tongban_server::auth::Role;
use tongban_server::store::{
    Backend, Break, CaseRow, DraftWrite, Event, Moved, NewApplication, NewMaterial, NewSession,
    NewStaff, Outcome, QueueQuery, StatusMove, Store, Written,
};
use tongban_server::vault::{Algorithm, Vault};

async fn open(url: String) -> Store {
    let store = Store::connect(&url, vault()).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// Every case, each on a fresh, empty store from `make`.
async fn contract<F: Future<Output = Store>>(make: impl Fn() -> F) {
    catalog(make().await).await;
    identity(make().await).await;
    sessions(make().await).await;
    staff(make().await).await;
    audit(make().await).await;
    drafts_and_applications(make().await).await;
    materials(make().await).await;
    queue(make().await).await;
}

#[tokio::test]
async fn the_store_keeps_its_contract_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let n = std::sync::atomic::AtomicU32::new(0);
    contract(|| {
        let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        open(format!(
            "sqlite://{}",
            dir.path().join(format!("s{i}.db")).display()
        ))
    })
    .await;
}

#[tokio::test]
async fn the_store_keeps_its_contract_on_postgres() {
    let pg = TempPostgres::start();
    contract(|| open(pg.new_database())).await;
    // Two servers on one database append to one chain.
    let url = pg.new_database();
    let (a, b) = (open(url.clone()).await, open(url).await);
    let mut appends = tokio::task::JoinSet::new();
    for i in 0..40 {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        appends.spawn(async move { append(&store, i, "shared").await });
    }
    appends.join_all().await;
    let report = a.verify_audit_chain().await.unwrap();
    assert_eq!((report.chained, report.broken), (40, None));
}

async fn catalog(store: Store) {
    assert_eq!(
        store.catalog_version().await.unwrap(),
        None,
        "empty at first"
    );
    let mut catalog =
        parse_catalog(include_str!("../../catalog/catalog.json")).expect("the demo catalog");
    let index = serde_json::to_string(&CatalogIndex::from_catalog(&catalog)).unwrap();
    let added = store.replace_catalog(&catalog, &index).await.unwrap();
    assert_eq!(added as usize, catalog.matters.len());
    assert_eq!(
        store.count_matters().await.unwrap() as usize,
        catalog.matters.len()
    );
    let first = &catalog.matters[0];
    let guide = store.matter_guide(&first.code).await.unwrap().unwrap();
    assert_eq!(
        serde_json::from_str::<tongban_core::catalog::Matter>(&guide).unwrap(),
        *first
    );
    assert_eq!(store.matter_guide("no-such-code").await.unwrap(), None);
    // A replacement replaces everything at once.
    catalog.version = "next".into();
    catalog.matters.truncate(3);
    store.replace_catalog(&catalog, "{}").await.unwrap();
    assert_eq!(store.count_matters().await.unwrap(), 3);
    assert_eq!(
        store.catalog_index().await.unwrap(),
        Some(("next".into(), "{}".into()))
    );
}

async fn identity(store: Store) {
    // Two first logins of one phone at once: one account.
    let (a, b) = tokio::join!(
        store.account_for_phone("13800138000", 1),
        store.account_for_phone("13800138000", 1)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.id, b.id);
    assert_eq!(a.level, RealNameLevel::PhoneVerified);
    assert_eq!(
        store.account(&a.id).await.unwrap().unwrap().phone,
        "13800138000"
    );
    assert_eq!(
        store
            .account_with_id_number("11010519491231002X")
            .await
            .unwrap(),
        None
    );
    store
        .set_identity(&a.id, "张三", "11010519491231002X", 2)
        .await
        .unwrap();
    let verified = store.account(&a.id).await.unwrap().unwrap();
    support::at_rest::nothing_plain(&store, "11010519491231002X").await;
    assert_eq!(verified.level, RealNameLevel::IdentityVerified);
    assert_eq!(verified.real_name.as_deref(), Some("张三"));
    assert_eq!(
        store
            .account_with_id_number("11010519491231002X")
            .await
            .unwrap(),
        Some(a.id.clone())
    );

    // One pending code per phone; a code is used once.
    store.put_code("13800138000", "h1", 10, 310).await.unwrap();
    store.put_code("13800138000", "h2", 20, 320).await.unwrap();
    assert_eq!(
        store.pending_code("13800138000").await.unwrap(),
        Some(("h2".into(), 320))
    );
    assert!(
        !store.consume_code("13800138000", "h1").await.unwrap(),
        "an earlier code is gone"
    );
    assert!(store.consume_code("13800138000", "h2").await.unwrap());
    assert!(
        !store.consume_code("13800138000", "h2").await.unwrap(),
        "single use"
    );

    // Attempts are counted in their window and pruned after it.
    for at in [100, 200, 300] {
        store
            .record_attempt("failure", "phone:x", at)
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .count_attempts("failure", "phone:x", 150)
            .await
            .unwrap(),
        (2, Some(200))
    );
    assert_eq!(
        store.last_attempt("failure", "phone:x").await.unwrap(),
        Some(300)
    );
    store.prune_attempts(250).await.unwrap();
    assert_eq!(
        store.count_attempts("failure", "phone:x", 0).await.unwrap(),
        (1, Some(300))
    );

    // A host's ticket is used once; its user is linked to one account.
    assert!(store.use_host_ticket("zlb", "t1", 1000, 10).await.unwrap());
    assert!(store.host_ticket_seen("zlb", "t1").await.unwrap());
    assert!(
        !store.use_host_ticket("zlb", "t1", 1000, 11).await.unwrap(),
        "a replay"
    );
    let linked = store
        .account_for_host_user("zlb", "user-1", "13900139000", 12)
        .await
        .unwrap();
    let again = store
        .account_for_host_user("zlb", "user-1", "13700137000", 13)
        .await
        .unwrap();
    assert_eq!(
        linked.id, again.id,
        "the link holds, whatever phone comes later"
    );
}

async fn sessions(store: Store) {
    let new = |id: &'static str, hash: &'static str, expires_at| NewSession {
        id,
        token_hash: hash,
        role: Role::Citizen,
        principal_id: "acc-1",
        device: "Android · Chrome",
        now: 100,
        expires_at,
        host_id: None,
    };
    store
        .create_session(new("s1", "hash-1", 10_000))
        .await
        .unwrap();
    store
        .create_session(new("s2", "hash-2", 150))
        .await
        .unwrap();
    store
        .create_session(new("s3", "hash-3", 10_000))
        .await
        .unwrap();
    assert_eq!(
        store.session_by_token("hash-1").await.unwrap().unwrap().id,
        "s1"
    );
    assert!(store.session_by_token("nothing").await.unwrap().is_none());
    assert!(store.revoke_session("s3", 120).await.unwrap());
    assert!(
        !store.revoke_session("s3", 121).await.unwrap(),
        "already ended"
    );
    store.touch_session("s1", 500).await.unwrap();
    let live = store
        .live_sessions(Role::Citizen, "acc-1", 200, 50)
        .await
        .unwrap();
    let ids: Vec<&str> = live.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["s1"], "not the expired one, not the revoked one");
    assert_eq!(live[0].last_seen_at, 500);
    assert!(store
        .live_sessions(Role::Staff, "acc-1", 200, 50)
        .await
        .unwrap()
        .is_empty());
}

async fn staff(store: Store) {
    store
        .put_staff(NewStaff {
            department_name: "杭州市民政局",
            now: 1,
            ..NewStaff::new("wang.li", "王丽", "330100-mz", StaffRole::Clerk, "hash-a")
        })
        .await
        .unwrap();
    let first = store.staff_by_username("wang.li").await.unwrap().unwrap();
    store
        .put_staff(NewStaff {
            department_name: "杭州市公安局",
            now: 2,
            ..NewStaff::new(
                "wang.li",
                "王丽丽",
                "330100-ga",
                StaffRole::Supervisor,
                "hash-b",
            )
        })
        .await
        .unwrap();
    let changed = store.staff_member(&first.id).await.unwrap().unwrap();
    assert_eq!(changed.id, first.id, "the same staff member, changed");
    assert_eq!(changed.display_name, "王丽丽");
    assert_eq!(changed.department, "杭州市公安局");
    assert_eq!(changed.department_id, "330100-ga");
    assert_eq!(changed.role, StaffRole::Supervisor);
    assert_eq!(store.staff_of("330100-ga").await.unwrap().len(), 1);
    assert!(store.staff_of("330100-mz").await.unwrap().is_empty());
    assert_eq!(changed.password_hash, "hash-b");
    assert!(store.staff_by_username("nobody").await.unwrap().is_none());
}

async fn audit(store: Store) {
    let person = Actor::Account("acc-1".into());
    for (at, action, outcome) in [
        (1, AuditAction::Login, Outcome::Ok),
        (2, AuditAction::ProfileRead, Outcome::Ok),
        (3, AuditAction::IdentityVerify, Outcome::Failed),
    ] {
        store
            .audit(
                at,
                Event {
                    actor: &person,
                    action,
                    object: "account",
                    outcome,
                    ip: "127.0.0.1",
                },
            )
            .await
            .unwrap();
    }
    let shown = store.activity(&person, 10).await.unwrap();
    let actions: Vec<(&str, bool)> = shown.iter().map(|e| (e.action.as_str(), e.ok)).collect();
    assert_eq!(
        actions,
        [("identity-verify", false), ("login", true)],
        "newest first, only what a person is shown"
    );
    assert_eq!(store.audit_lines().await.unwrap().len(), 3);
    // Append-only: the database itself refuses to change or remove an entry.
    assert!(sqlx::query("UPDATE audit_log SET outcome = 'ok'")
        .execute(store.pool())
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit_log")
        .execute(store.pool())
        .await
        .is_err());
    assert_eq!(store.audit_lines().await.unwrap().len(), 3);
    audit_chain(store).await;
}

async fn append(store: &Store, at: i64, object: &str) {
    let clerk = Actor::Account("acc-2".into());
    let event = Event {
        actor: &clerk,
        action: AuditAction::ProfileRead,
        object,
        outcome: Outcome::Ok,
        ip: "10.0.0.9",
    };
    store.audit(at, event).await.unwrap();
}

/// The chain holds under concurrent appends, and whoever gets past the triggers is still found:
/// a changed entry by its own hash, a removed one by the entry after it.
async fn audit_chain(store: Store) {
    let mut appends = tokio::task::JoinSet::new();
    for i in 0..24 {
        let store = store.clone();
        appends.spawn(async move { append(&store, 10 + i, &format!("object-{i}")).await });
    }
    appends.join_all().await;
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(
        (report.chained, report.broken.clone()),
        (27, None),
        "{report:?}"
    );
    assert_eq!(report.head.len(), 64);

    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM audit_log ORDER BY id")
        .fetch_all(store.pool())
        .await
        .unwrap();
    let drop_triggers = match store.backend() {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ][..],
        Backend::Postgres => &["DROP TRIGGER audit_log_append_only ON audit_log"][..],
    };
    for sql in drop_triggers {
        sqlx::query(sql).execute(store.pool()).await.unwrap();
    }
    let set_outcome = |outcome: &'static str| {
        sqlx::query("UPDATE audit_log SET outcome = $1 WHERE id = $2")
            .bind(outcome)
            .bind(ids[5])
    };
    set_outcome("denied").execute(store.pool()).await.unwrap();
    let broken = store.verify_audit_chain().await.unwrap().broken.unwrap();
    assert_eq!((broken.id, broken.reason), (ids[5], Break::Changed));

    set_outcome("ok").execute(store.pool()).await.unwrap();
    assert_eq!(store.verify_audit_chain().await.unwrap().broken, None);
    sqlx::query("DELETE FROM audit_log WHERE id = $1")
        .bind(ids[9])
        .execute(store.pool())
        .await
        .unwrap();
    let report = store.verify_audit_chain().await.unwrap();
    let broken = report.broken.unwrap();
    assert_eq!(broken.id, ids[10], "the entry after the removed one");
    assert!(matches!(broken.reason, Break::CutOff { .. }), "{broken}");
    assert_eq!(report.chained, 9, "the entries before the cut are good");
}

fn change(op: &str, kind: ChangeKind) -> Change {
    Change {
        op_id: op.into(),
        draft_id: "d1".into(),
        device_id: "phone".into(),
        base_version: 0,
        kind,
    }
}

async fn drafts_and_applications(store: Store) {
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

    // A submission writes the application and its first event with the change.
    let answers: Answers = draft.answers.clone();
    let submitted = DraftWrite {
        application: Some(NewApplication {
            id: "app-1",
            receipt: "TB2026120100000001",
            owner: &owner,
            draft_id: "d1",
            form_id: "330000-GA-0001",
            answers: &answers,
            actor: &actor,
            at: 20,
            cases: &[],
            messages: &[],
            notifications: &[],
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

fn vault() -> Vault {
    Vault::generate(Algorithm::Aes256Gcm)
}

async fn materials(store: Store) {
    let owner = AccountId::new("acc-1");
    store
        .add_material(NewMaterial {
            id: "m1",
            owner: &owner,
            kind: "image/jpeg",
            size: 11,
            doc_key: "a2V5IG9mIHRoZSBkb2N1bWVudA==",
            at: 1,
        })
        .await
        .unwrap();
    let row = store.material("m1").await.unwrap().unwrap();
    assert_eq!(
        (row.owner.as_str(), row.kind.as_str()),
        ("acc-1", "image/jpeg")
    );
    assert_eq!(row.doc_key.as_deref(), Some("a2V5IG9mIHRoZSBkb2N1bWVudA=="));
    support::at_rest::nothing_plain(&store, "a2V5IG9mIHRoZSBkb2N1bWVudA").await;
    assert_eq!(
        store
            .not_owned_materials(&owner, &["m1".into(), "m2".into()])
            .await
            .unwrap(),
        ["m2"]
    );
    assert_eq!(
        store
            .not_owned_materials(&"acc-2".into(), &["m1".into()])
            .await
            .unwrap(),
        ["m1"],
        "another person's upload is not theirs"
    );
}

/// A department's queue: the open cases it decides and those it received and still holds, oldest
/// due first and paused ones last; filters narrow it, and nothing of another department is in it.
async fn queue(store: Store) {
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
            read_version: None,
            op_id: &create.op_id,
            fingerprint: "fp",
            reply: &reply,
            application: Some(NewApplication {
                id: &c.application_id,
                receipt: &receipt,
                owner: &owner,
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
