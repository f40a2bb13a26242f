//! The catalog as the API serves it: the downloadable index, search and full guides.
//!
//! The index and its search structures are built from the database and kept per catalog
//! version. The version is checked (one small query) at most once per `VERSION_CHECK` and
//! instance, so an import, whichever instance or command made it, is served by every instance
//! within a second — and a public read costs no database round trip in between.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::RwLock;
use tongban_core::catalog::CatalogIndex;
use tongban_core::search::SearchIndex;
use tongban_core::MatterList;

use crate::encoded::Encoded;
use crate::error::AppError;
use crate::store::Store;

/// Guides kept ready to send per catalog version (the most read ones come first by nature; a
/// province of 10,000 matters does not keep them all in memory).
const GUIDES_KEPT: usize = 2_000;

/// Search answers kept ready to send per catalog version, the least recently asked dropped
/// first. An answer is kept the second time its query is asked: queries asked once (most of
/// them) cost only a hash among the `SEARCHES_SEEN` remembered. One answer is made ready at a
/// time — a burst of queries asked again (a client repeating its list) made thousands at once,
/// each compressor holding megabytes, and took the server to 4.5 GB and 560 answers/s; an
/// answer not kept for that is kept when asked next.
const SEARCHES_KEPT: usize = 1_000;
const SEARCHES_SEEN: usize = 10_000;

struct SearchAnswers {
    kept: lru::LruCache<String, Arc<Encoded>>,
    /// Hashes of the queries answered.
    seen: lru::LruCache<u64, ()>,
    /// An answer is being made ready.
    busy: bool,
}

impl Default for SearchAnswers {
    fn default() -> Self {
        let size = |n: usize| std::num::NonZeroUsize::new(n).expect("not zero");
        Self {
            kept: lru::LruCache::new(size(SEARCHES_KEPT)),
            seen: lru::LruCache::new(size(SEARCHES_SEEN)),
            busy: false,
        }
    }
}

/// The answer being made ready to keep; dropped (kept or not, even by a panic), the next may be.
pub struct Keeping {
    catalog: Arc<LoadedCatalog>,
    key: String,
}

impl Keeping {
    /// Keeps the answer, to send as it is while this catalog version lasts.
    pub fn keep(self, answer: Encoded) {
        let mut searches = self.catalog.searches.lock().expect("not poisoned");
        searches.kept.put(self.key.clone(), Arc::new(answer));
    }
}

impl Drop for Keeping {
    fn drop(&mut self) {
        self.catalog.searches.lock().expect("not poisoned").busy = false;
    }
}

pub struct LoadedCatalog {
    pub version: String,
    /// The whole index, ready to send.
    pub index_doc: Arc<Encoded>,
    /// The matter list (`GET /matters`), ready to send.
    pub matters_doc: Encoded,
    /// Each bundle by id, ready to send.
    pub bundle_docs: HashMap<String, Encoded>,
    pub index: CatalogIndex,
    pub search: SearchIndex,
    /// Per-region indexes, cut on first request (at most one per region of the catalog).
    scoped: Mutex<HashMap<String, Made>>,
    guides: Mutex<HashMap<String, Made>>,
    searches: Mutex<SearchAnswers>,
}

impl LoadedCatalog {
    /// The index a region's app downloads (`CatalogIndex::for_region`); None for a region the
    /// catalog does not have.
    pub async fn index_for(&self, region: &str) -> Result<Option<Arc<Encoded>>, AppError> {
        // Kept without a bound: only the catalog's regions stay (others give NotFound).
        let cell = slot(&self.scoped, region, usize::MAX).expect("no bound");
        let made = cell
            .get_or_try_init(|| async {
                let scoped = self.index.for_region(region).ok_or(AppError::NotFound)?;
                let tag = format!("{}.{region}", self.version);
                let doc = tokio::task::spawn_blocking(move || {
                    Encoded::new(
                        &tag,
                        serde_json::to_vec(&scoped).expect("an index serializes"),
                    )
                })
                .await
                .map_err(AppError::internal)?;
                Ok(Arc::new(doc))
            })
            .await;
        found(&self.scoped, region, made)
    }

    /// The kept answer to a search (`key`: the query and everything else that shapes it).
    pub fn search_answer(&self, key: &str) -> Option<Arc<Encoded>> {
        let mut searches = self.searches.lock().expect("not poisoned");
        searches.kept.get(key).cloned()
    }

    /// Notes that the search `key` was answered. When it was asked before and nothing else is
    /// being made ready, its answer is to be kept: the `Keeping` says so.
    pub fn asked_again(self: &Arc<Self>, key: &str) -> Option<Keeping> {
        use std::hash::{BuildHasher, RandomState};
        static HASHER: OnceLock<RandomState> = OnceLock::new();
        let hash = HASHER.get_or_init(RandomState::new).hash_one(key);
        let mut searches = self.searches.lock().expect("not poisoned");
        // Asked before (still remembered: one not kept now is kept when asked next).
        if searches.seen.put(hash, ()).is_none() || searches.busy {
            return None;
        }
        searches.busy = true;
        Some(Keeping {
            catalog: self.clone(),
            key: key.to_owned(),
        })
    }

    /// A matter's guide ready to send, read from the database once per catalog version.
    pub async fn guide(&self, db: &Store, code: &str) -> Result<Option<Arc<Encoded>>, AppError> {
        let cell = slot(&self.guides, code, GUIDES_KEPT).unwrap_or_default();
        let made = cell
            .get_or_try_init(|| async {
                let json = db.matter_guide(code).await?.ok_or(AppError::NotFound)?;
                let tag = self.version.clone();
                let doc =
                    tokio::task::spawn_blocking(move || Encoded::new(&tag, json.into_bytes()))
                        .await
                        .map_err(AppError::internal)?;
                Ok(Arc::new(doc))
            })
            .await;
        found(&self.guides, code, made)
    }
}

/// A document made once however many ask for it at the same moment: the first request makes
/// it, the others wait for it (a cold cache under load made it once per waiting request).
type Made = Arc<tokio::sync::OnceCell<Arc<Encoded>>>;

/// The slot for `key`, added while fewer than `most` are kept; None when full.
fn slot(kept: &Mutex<HashMap<String, Made>>, key: &str, most: usize) -> Option<Made> {
    let mut kept = kept.lock().expect("not poisoned");
    if let Some(cell) = kept.get(key) {
        return Some(cell.clone());
    }
    if kept.len() >= most {
        return None;
    }
    Some(kept.entry(key.to_owned()).or_default().clone())
}

/// What making gave: the document, None for what does not exist (its slot let go, so unknown
/// keys take no room), or the error (the slot left empty for the next request to try).
fn found(
    kept: &Mutex<HashMap<String, Made>>,
    key: &str,
    made: Result<&Arc<Encoded>, AppError>,
) -> Result<Option<Arc<Encoded>>, AppError> {
    match made {
        Ok(doc) => Ok(Some(doc.clone())),
        Err(AppError::NotFound) => {
            let mut kept = kept.lock().expect("not poisoned");
            if kept.get(key).is_some_and(|cell| !cell.initialized()) {
                kept.remove(key);
            }
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

/// How long a checked catalog version is taken as current.
const VERSION_CHECK: Duration = Duration::from_secs(1);

/// Milliseconds since the first call in this process (a monotonic clock that fits an atomic).
fn monotonic_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

#[derive(Clone, Default)]
pub struct CatalogCache {
    loaded: Arc<RwLock<Option<Arc<LoadedCatalog>>>>,
    /// When (`monotonic_ms`) the loaded catalog's version was last found current; 0: never.
    checked_ms: Arc<AtomicU64>,
}

impl CatalogCache {
    /// Looks at the database's version on the next read (this instance changed the catalog;
    /// the others see it within `VERSION_CHECK`).
    pub fn changed(&self) {
        self.checked_ms.store(0, Ordering::Relaxed);
    }

    /// The current catalog, rebuilt only when the database holds another version.
    pub async fn current(&self, db: &Store) -> Result<Arc<LoadedCatalog>, AppError> {
        let now = monotonic_ms().max(1);
        let checked = self.checked_ms.load(Ordering::Relaxed);
        if checked != 0 && now.saturating_sub(checked) < VERSION_CHECK.as_millis() as u64 {
            if let Some(loaded) = self.loaded.read().await.as_ref() {
                return Ok(loaded.clone());
            }
        }
        let version = db.catalog_version().await?.ok_or(AppError::NotFound)?;
        let current = self.current_at(db, version).await?;
        self.checked_ms.store(now, Ordering::Relaxed);
        Ok(current)
    }

    async fn current_at(
        &self,
        db: &Store,
        version: String,
    ) -> Result<Arc<LoadedCatalog>, AppError> {
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
        // Parsing, the search structures and compressing are CPU work: off the async threads.
        let loaded = tokio::task::spawn_blocking(move || {
            let index: CatalogIndex = serde_json::from_str(&index_json)?;
            let search = index.search_index();
            let list = MatterList {
                items: (index.documents.iter())
                    .map(|d| d.summary.clone())
                    .collect(),
            };
            let matters = serde_json::to_vec(&list)?;
            let bundle_docs = (index.bundles.iter())
                .map(|b| Ok((b.id.clone(), Encoded::new(&version, serde_json::to_vec(b)?))))
                .collect::<Result<_, serde_json::Error>>()?;
            Ok::<_, serde_json::Error>(LoadedCatalog {
                index_doc: Arc::new(Encoded::new(&version, index_json.into_bytes())),
                matters_doc: Encoded::new(&version, matters),
                bundle_docs,
                version,
                index,
                search,
                scoped: Mutex::default(),
                guides: Mutex::default(),
                searches: Mutex::default(),
            })
        })
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
        let loaded = Arc::new(loaded);
        *slot = Some(loaded.clone());
        Ok(loaded)
    }
}
