//! The audit log: entries, the append-only rule and the hash chain.

use super::*;

pub(super) async fn audit(store: Store) {
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
                    about: None,
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

pub(super) async fn append(store: &Store, at: i64, object: &str) {
    let clerk = Actor::Account("acc-2".into());
    // Every other entry names the person it is about (and so is in their data record).
    let person = AccountId::from("acc-3");
    let event = Event {
        actor: &clerk,
        action: AuditAction::ProfileRead,
        object,
        outcome: Outcome::Ok,
        ip: "10.0.0.9",
        about: (at % 2 == 0).then_some(About {
            person: &person,
            application: Some("app-1"),
        }),
    };
    store.audit(at, event).await.unwrap();
}

/// The chain holds under concurrent appends, and whoever gets past the triggers is still found:
/// a changed entry by its own hash, a removed one by the entry after it.
pub(super) async fn audit_chain(store: Store) {
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
    // Whom an entry is about is in its hash: moving it to another person's record is found,
    // and so is naming a person on an entry that named none.
    for id in [ids[6], ids[7]] {
        let subject: String = sqlx::query_scalar("SELECT subject FROM audit_log WHERE id = $1")
            .bind(id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        let set_subject = |subject: String| {
            sqlx::query("UPDATE audit_log SET subject = $1 WHERE id = $2")
                .bind(subject)
                .bind(id)
        };
        set_subject("acc-9".into())
            .execute(store.pool())
            .await
            .unwrap();
        let broken = store.verify_audit_chain().await.unwrap().broken.unwrap();
        assert_eq!((broken.id, broken.reason), (id, Break::Changed));
        set_subject(subject).execute(store.pool()).await.unwrap();
    }
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
