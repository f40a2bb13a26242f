//! Loading a catalog file into the database: the built-in demo catalog on first start, or a
//! province's file through `tongban-server import-catalog FILE`.

use tongban_core::catalog::{parse_catalog_with, Catalog, CatalogIndex, CatalogIssue};

use crate::store::Store;

/// The demo catalog shipped with the server (`catalog/catalog.json`), embedded at build time.
pub const DEMO_CATALOG: &str = include_str!("../../catalog/catalog.json");

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the catalog has {} problem(s)", .0.len())]
    Invalid(Vec<CatalogIssue>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Checks a catalog file and, if it is valid, replaces the database's catalog with it.
pub async fn import_catalog(db: &Store, text: &str) -> Result<Catalog, ImportError> {
    // A `/2` file's department names are resolved against the departments already imported.
    let known = db.departments().await?;
    let catalog = parse_catalog_with(text, &known).map_err(ImportError::Invalid)?;
    let index = CatalogIndex::from_catalog(&catalog);
    let index_json = serde_json::to_string(&index).expect("an index always serializes");
    db.replace_catalog(&catalog, &index_json).await?;
    Ok(catalog)
}

/// Seeds the demo catalog if no catalog was imported yet; returns how many matters were added.
pub async fn seed_demo_catalog(db: &Store) -> anyhow::Result<usize> {
    if db.catalog_version().await?.is_some() {
        return Ok(0);
    }
    match import_catalog(db, DEMO_CATALOG).await {
        Ok(catalog) => Ok(catalog.matters.len()),
        Err(ImportError::Invalid(issues)) => {
            let list: Vec<String> = issues.iter().map(ToString::to_string).collect();
            anyhow::bail!("the built-in demo catalog is invalid:\n{}", list.join("\n"))
        }
        Err(ImportError::Database(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_core::catalog::parse_catalog;

    #[test]
    fn the_demo_catalog_is_valid_and_complete() {
        let catalog = parse_catalog(DEMO_CATALOG).unwrap_or_else(|issues| {
            panic!(
                "{}",
                issues
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(
            catalog.matters.len() >= 60,
            "{} matters",
            catalog.matters.len()
        );
        assert!(
            catalog.bundles.len() >= 4,
            "{} bundles",
            catalog.bundles.len()
        );
        let events_used = |audience| {
            let mut ids: Vec<&str> = catalog
                .matters
                .iter()
                .filter(|m| m.audience == audience)
                .flat_map(|m| m.life_events.iter().map(String::as_str))
                .collect();
            ids.sort();
            ids.dedup();
            ids.len()
        };
        assert!(events_used(tongban_core::Audience::Person) >= 8);
        assert!(events_used(tongban_core::Audience::Business) >= 4);
        let provinces: Vec<&str> = catalog
            .matters
            .iter()
            .map(|m| &m.region_code[..2])
            .collect();
        assert!(
            provinces.contains(&"33") && provinces.contains(&"31") && provinces.contains(&"10")
        );
        // The matters people handle most (the issue's list), each by the words its name holds.
        let most_handled: [&[&str]; 14] = [
            &["身份证", "申领"],
            &["身份证换领"],
            &["身份证补领"],
            &["户口迁移"],
            &["出生医学证明"],
            &["社会保障卡申领"],
            &["住房公积金提取"],
            &["驾驶证", "换证"],
            &["结婚登记"],
            &["养老保险待遇申领"],
            &["异地就医备案"],
            &["个体工商户", "登记"],
            &["企业设立登记"],
            &["高龄津贴"],
        ];
        for words in most_handled {
            assert!(
                catalog
                    .matters
                    .iter()
                    .any(|m| words.iter().all(|w| m.name.zh.contains(w))),
                "no matter named with {words:?}"
            );
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_location() {
        let mut catalog: serde_json::Value = serde_json::from_str(DEMO_CATALOG).unwrap();
        catalog["matters"][2]["region_code"] = "999999".into();
        catalog["matters"][5]["channels"] = serde_json::json!([]);
        catalog["bundles"][0]["matters"][0] = "NO-SUCH-CODE".into();
        let issues = parse_catalog(&catalog.to_string()).unwrap_err();
        let text: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|t| t.starts_with("matters[2].region_code")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.starts_with("matters[5].channels")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.starts_with("bundles[0].matters[0]")),
            "{text:?}"
        );
    }

    #[test]
    fn a_type_error_names_its_path_and_line() {
        let bad = DEMO_CATALOG.replacen("\"visits_needed\": 1", "\"visits_needed\": \"one\"", 1);
        let issues = parse_catalog(&bad).unwrap_err();
        assert_eq!(issues.len(), 1);
        assert!(
            issues[0].location.contains("visits_needed") && issues[0].location.contains("line"),
            "{:?}",
            issues[0]
        );
    }
}
