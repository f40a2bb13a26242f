//! The catalog as stored: matters with their guides, the current index, replaced whole.

use super::*;

pub(super) async fn catalog(store: Store) {
    assert_eq!(
        store.catalog_version().await.unwrap(),
        None,
        "empty at first"
    );
    let mut catalog =
        parse_catalog(include_str!("../../../catalog/catalog.json")).expect("the demo catalog");
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
