//! The catalog as the API serves it: the downloadable index, search and full guides.
//!
//! The index and its search structures are built from the database and kept per catalog
//! version: every request checks the version (one small query), so an import on any instance
//! is seen by all instances at their next request.

use std::sync::Arc;

use tokio::sync::RwLock;
use tongban_core::catalog::CatalogIndex;
use tongban_core::search::SearchIndex;

use crate::error::AppError;
use crate::store::Store;

pub struct LoadedCatalog {
    pub version: String,
    /// Strong validator for the index document: changes with any byte of it.
    pub etag: String,
    pub index_json: String,
    pub index: CatalogIndex,
    pub search: SearchIndex,
}

#[derive(Clone, Default)]
pub struct CatalogCache {
    loaded: Arc<RwLock<Option<Arc<LoadedCatalog>>>>,
}

impl CatalogCache {
    /// The current catalog, rebuilt only when the database holds another version.
    pub async fn current(&self, db: &Store) -> Result<Arc<LoadedCatalog>, AppError> {
        let version = db.catalog_version().await?.ok_or(AppError::NotFound)?;
        if let Some(loaded) = self.loaded.read().await.as_ref() {
            if loaded.version == version {
                return Ok(loaded.clone());
            }
        }
        let mut slot = self.loaded.write().await;
        if let Some(loaded) = slot.as_ref() {
            if loaded.version == version {
                return Ok(loaded.clone());
            }
        }
        let (version, index_json) = db.catalog_index().await?.ok_or(AppError::NotFound)?;
        let index: CatalogIndex = serde_json::from_str(&index_json).map_err(AppError::internal)?;
        let search = index.search_index();
        let etag = format!("\"{}-{:016x}\"", version, fnv1a(index_json.as_bytes()));
        let loaded = Arc::new(LoadedCatalog {
            version,
            etag,
            index_json,
            index,
            search,
        });
        *slot = Some(loaded.clone());
        Ok(loaded)
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}
