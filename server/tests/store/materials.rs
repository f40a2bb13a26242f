//! Uploaded materials: recorded per owner, never another person's.

use super::*;

pub(super) async fn materials(store: Store) {
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
    // One document used by several fields, and several unknown ones: each answered in order.
    let ids: Vec<String> = ["m3", "m1", "m2", "m1", "m3"].map(String::from).into();
    assert_eq!(
        store.not_owned_materials(&owner, &ids).await.unwrap(),
        ["m3", "m2", "m3"]
    );
    assert!(store
        .not_owned_materials(&owner, &[])
        .await
        .unwrap()
        .is_empty());
}
