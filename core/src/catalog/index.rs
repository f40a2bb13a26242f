//! The compact index clients download to browse and search the catalog offline.

use serde::{Deserialize, Serialize};

use super::model::*;

/// What clients download to browse and search the catalog offline: everything a list, a search
/// result or a bundle page shows, without the full guides (fetched per matter and cached).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogIndex {
    pub version: String,
    pub regions: Vec<Region>,
    /// The departments: names, regions, phones and halls.
    #[serde(default)]
    pub departments: Vec<Department>,
    pub life_events: Vec<LifeEvent>,
    pub bundles: Vec<Bundle>,
    pub synonyms: Vec<Synonym>,
    /// Places search recognises in a query.
    #[serde(default)]
    pub places: Vec<Place>,
    /// Every matter, most popular first.
    pub documents: Vec<crate::search::SearchDocument>,
}

impl CatalogIndex {
    /// Builds the index, computing the pinyin of every name and keyword.
    #[cfg(feature = "pinyin")]
    pub fn from_catalog(catalog: &Catalog) -> Self {
        use crate::search::{pinyin_tokens, SearchDocument};
        let mut documents: Vec<SearchDocument> = catalog
            .matters
            .iter()
            .map(|m| SearchDocument {
                summary: m.summary(),
                life_events: m.life_events.clone(),
                keywords: m.keywords.clone(),
                name_pinyin: pinyin_tokens(&m.name.zh),
                keyword_pinyin: m.keywords.iter().map(|k| pinyin_tokens(k)).collect(),
                popularity: m.popularity,
            })
            .collect();
        documents.sort_by(|a, b| {
            b.popularity
                .cmp(&a.popularity)
                .then_with(|| a.summary.code.cmp(&b.summary.code))
        });
        Self {
            version: catalog.version.clone(),
            regions: catalog.regions.clone(),
            departments: catalog.departments.clone(),
            life_events: catalog.life_events.clone(),
            bundles: catalog.bundles.clone(),
            synonyms: catalog.synonyms.clone(),
            places: catalog.places.clone(),
            documents,
        }
    }

    /// A department by id.
    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    /// A search index over these documents.
    pub fn search_index(&self) -> crate::search::SearchIndex {
        let parents = self
            .regions
            .iter()
            .filter_map(|r| Some((r.code.clone(), r.parent.clone()?)))
            .collect();
        crate::search::SearchIndex::new(
            self.documents.clone(),
            &self.synonyms,
            &self.places,
            parents,
        )
    }
}
