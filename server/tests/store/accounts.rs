//! Accounts and their identity, sessions, and department staff.

use super::*;

pub(super) async fn identity(store: Store) {
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

pub(super) async fn sessions(store: Store) {
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

pub(super) async fn staff(store: Store) {
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
