//! The relevance table: what citizens type, and the matter that must come in the top 3, over the
//! real demo catalog. (Needs the `pinyin` feature, on in the workspace build through the server.)
#![cfg(feature = "pinyin")]

use serde::Deserialize;
use tongban_core::catalog::{parse_catalog, CatalogIndex};
use tongban_core::search::SearchFilter;

#[derive(Deserialize)]
struct Case {
    query: String,
    expected: String,
}

#[test]
fn citizens_queries_find_the_expected_matter_in_the_top_three() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let catalog = parse_catalog(&std::fs::read_to_string(root.join("catalog.json")).unwrap())
        .expect("valid catalog");
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string(root.join("relevance.json")).unwrap())
            .unwrap();
    assert!(cases.len() >= 40, "only {} relevance cases", cases.len());
    let index = CatalogIndex::from_catalog(&catalog).search_index();
    let mut misses = Vec::new();
    for case in &cases {
        let hits = index.search(&case.query, &SearchFilter::default(), 3);
        if !hits.iter().any(|h| h.code == case.expected) {
            let got: Vec<String> = hits
                .iter()
                .map(|h| {
                    format!(
                        "{} {}",
                        h.code,
                        index
                            .document(&h.code)
                            .map(|d| d.summary.name.zh.as_str())
                            .unwrap_or("")
                    )
                })
                .collect();
            misses.push(format!(
                "{:?}: expected {} — got {:?}",
                case.query, case.expected, got
            ));
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {} queries missed:\n{}",
        misses.len(),
        cases.len(),
        misses.join("\n")
    );
}
