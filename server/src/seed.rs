//! The demo catalog: read from `catalog/demo-matters.json` (a file a province can replace) and
//! written into an empty database.

use anyhow::Context;
use serde::Deserialize;
use tongban_core::MatterSummary;

use crate::db::Db;

/// The demo catalog shipped with the server, embedded at build time.
pub const DEMO_CATALOG: &str = include_str!("../../catalog/demo-matters.json");

#[derive(Debug, Deserialize)]
struct CatalogFile {
    format: String,
    matters: Vec<CatalogMatter>,
}

#[derive(Debug, Deserialize)]
struct CatalogMatter {
    #[serde(flatten)]
    summary: MatterSummary,
    #[serde(default)]
    popularity: u32,
}

/// Parses a catalog file into matters with their popularity.
pub fn parse_catalog(text: &str) -> anyhow::Result<Vec<(MatterSummary, u32)>> {
    let file: CatalogFile = serde_json::from_str(text).context("the catalog file is not valid")?;
    anyhow::ensure!(
        file.format == "tongban-catalog/1",
        "unknown catalog format {:?}",
        file.format
    );
    Ok(file
        .matters
        .into_iter()
        .map(|m| (m.summary, m.popularity))
        .collect())
}

/// Seeds the demo catalog if the database has no matters yet; returns how many were added.
pub async fn seed_demo_catalog(db: &Db) -> anyhow::Result<u64> {
    if db.count_matters().await? > 0 {
        return Ok(0);
    }
    let matters = parse_catalog(DEMO_CATALOG)?;
    Ok(db.insert_matters(&matters).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalog_parses_and_has_a_dozen_distinct_matters() {
        let matters = parse_catalog(DEMO_CATALOG).unwrap();
        assert!(matters.len() >= 12, "{}", matters.len());
        let mut codes: Vec<_> = matters.iter().map(|(m, _)| m.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), matters.len(), "duplicate matter codes");
        assert!(matters
            .iter()
            .all(|(m, _)| m.name.en.is_some() && m.visits_needed <= 1));
    }

    #[test]
    fn a_wrong_format_is_refused_with_its_name() {
        let err = parse_catalog(r#"{"format":"other/9","matters":[]}"#).unwrap_err();
        assert!(err.to_string().contains("other/9"), "{err}");
    }
}
