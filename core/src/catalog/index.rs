//! The compact index clients download to browse and search the catalog offline.

use serde::{Deserialize, Serialize};

use std::collections::HashMap;

use super::model::*;

/// Whether `region`'s matters belong in `scope`'s index: national, in it or around it.
fn related(parents: &HashMap<&str, &str>, region: &str, scope: &str) -> bool {
    let up = |code: &str| parents.get(code).copied();
    region == crate::search::NATIONAL
        || crate::search::lies_in(up, region, scope)
        || crate::search::lies_in(up, scope, region)
}

/// What clients download to browse and search the catalog offline: everything a list, a search
/// result or a bundle page shows, without the full guides (fetched per matter and cached).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogIndex {
    pub version: String,
    /// The region this index was cut for (`for_region`): its matters, those of the regions in
    /// it and around it, and national ones. None: the whole catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
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
    /// Benefits granted without an application (免申即享): their rules are decided on the device
    /// too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benefits: Vec<crate::benefit::Benefit>,
    /// Which matter renews which department's certificates (from the matters' `renews`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renewals: Vec<Renewal>,
}

/// A matter that renews the certificates of a kind its department issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Renewal {
    pub credential: crate::credential::CredentialKind,
    pub department_id: String,
    pub matter: String,
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
            scope: None,
            regions: catalog.regions.clone(),
            departments: catalog.departments.clone(),
            life_events: catalog.life_events.clone(),
            bundles: catalog.bundles.clone(),
            synonyms: catalog.synonyms.clone(),
            places: catalog.places.clone(),
            documents,
            benefits: catalog.benefits.clone(),
            renewals: (catalog.matters.iter())
                .filter_map(|m| {
                    Some(Renewal {
                        credential: m.renews?,
                        department_id: m.department_id.clone(),
                        matter: m.code.clone(),
                    })
                })
                .collect(),
        }
    }

    /// The index a region's app downloads: the matters decided in `region`, in the regions it
    /// contains and in those that contain it (a city's residents use their province's matters),
    /// and national ones; the departments of those regions and the bundles whose every matter is
    /// in it. Regions, life events, synonyms and places stay whole (the region picker and search
    /// need them). None when the catalog has no such region.
    pub fn for_region(&self, region: &str) -> Option<CatalogIndex> {
        self.regions.iter().find(|r| r.code == region)?;
        let parents = self.parents();
        let in_scope = |code: &str| related(&parents, code, region);
        let documents: Vec<_> = self
            .documents
            .iter()
            .filter(|d| in_scope(&d.summary.region_code))
            .cloned()
            .collect();
        let codes: std::collections::HashSet<&str> =
            documents.iter().map(|d| d.summary.code.as_str()).collect();
        let has = |code: &String| codes.contains(code.as_str());
        let renewals = (self.renewals.iter())
            .filter(|r| has(&r.matter))
            .cloned()
            .collect();
        let bundles = (self.bundles.iter())
            .filter(|b| b.matters.iter().all(has))
            .cloned()
            .collect();
        Some(CatalogIndex {
            version: self.version.clone(),
            scope: Some(region.to_owned()),
            regions: self.regions.clone(),
            departments: (self.departments.iter())
                .filter(|d| in_scope(&d.region_code))
                .cloned()
                .collect(),
            life_events: self.life_events.clone(),
            bundles,
            synonyms: self.synonyms.clone(),
            places: self.places.clone(),
            documents,
            benefits: (self.benefits.iter())
                .filter(|b| in_scope(&b.region_code))
                .cloned()
                .collect(),
            renewals,
        })
    }

    /// The matter that renews a certificate of `kind` issued by `department`, if the catalog
    /// has one.
    pub fn renewal(
        &self,
        kind: crate::credential::CredentialKind,
        department: &str,
    ) -> Option<&str> {
        self.renewals
            .iter()
            .find(|r| r.credential == kind && r.department_id == department)
            .map(|r| r.matter.as_str())
    }

    /// Whether this index holds the matters of `region` (always, for the whole catalog): false
    /// when it was cut for a region `region` is neither in nor around.
    pub fn covers(&self, region: &str) -> bool {
        self.scope
            .as_deref()
            .is_none_or(|scope| related(&self.parents(), region, scope))
    }

    /// Each region's enclosing one, from the regions and then the places (as search reads them).
    fn parents(&self) -> HashMap<&str, &str> {
        let mut parents: HashMap<&str, &str> = (self.regions.iter())
            .filter_map(|r| Some((r.code.as_str(), r.parent.as_deref()?)))
            .collect();
        for place in &self.places {
            if let Some(parent) = &place.parent {
                parents
                    .entry(place.region.as_str())
                    .or_insert(parent.as_str());
            }
        }
        parents
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

#[cfg(all(test, feature = "pinyin"))]
mod tests {
    use super::*;

    fn demo() -> CatalogIndex {
        let catalog = crate::catalog::parse_catalog(include_str!("../../../catalog/catalog.json"))
            .expect("the demo catalog is valid");
        CatalogIndex::from_catalog(&catalog)
    }

    fn regions_of(index: &CatalogIndex) -> std::collections::BTreeSet<&str> {
        (index.documents.iter())
            .map(|d| d.summary.region_code.as_str())
            .collect()
    }

    #[test]
    fn a_city_gets_its_own_its_province_and_national_matters() {
        let all = demo();
        let city = all
            .for_region("330100")
            .expect("Hangzhou is in the demo catalog");
        assert_eq!(city.scope.as_deref(), Some("330100"));
        assert_eq!(
            regions_of(&city).into_iter().collect::<Vec<_>>(),
            ["100000", "330000", "330100"]
        );
        let expected = (all.documents.iter())
            .filter(|d| ["100000", "330000", "330100"].contains(&d.summary.region_code.as_str()))
            .count();
        assert_eq!(city.documents.len(), expected);
        // Most popular first, as in the whole index.
        let order: Vec<_> = (all.documents.iter())
            .filter(|d| city.documents.contains(d))
            .collect();
        assert_eq!(order, city.documents.iter().collect::<Vec<_>>());
        // A bundle of Hangzhou and Zhejiang matters stays; Shanghai's and Ningbo's do not.
        let bundles: Vec<_> = city.bundles.iter().map(|b| b.id.as_str()).collect();
        assert!(bundles.contains(&"newborn"), "{bundles:?}");
        assert!(!bundles.contains(&"business-start") && !bundles.contains(&"after-death"));
        assert!(city
            .departments
            .iter()
            .all(|d| !d.region_code.starts_with("31")));
        assert!(city.departments.iter().any(|d| d.region_code == "330100"));
        // The picker still lists every region.
        assert_eq!(city.regions, all.regions);
    }

    #[test]
    fn a_province_gets_its_cities_and_a_district_its_city() {
        let all = demo();
        let province = all.for_region("330000").unwrap();
        assert_eq!(
            regions_of(&province).into_iter().collect::<Vec<_>>(),
            ["100000", "330000", "330100", "330200"]
        );
        let district = all.for_region("310104").unwrap();
        assert_eq!(
            regions_of(&district).into_iter().collect::<Vec<_>>(),
            ["100000", "310000"]
        );
        assert!(all.for_region("999999").is_none());
        assert!(all.for_region("").is_none());
    }
}
