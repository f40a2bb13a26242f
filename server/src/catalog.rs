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
use tongban_core::catalog::{CatalogIndex, Matter, ResolvedForm};
use tongban_core::search::SearchIndex;
use tongban_core::MatterList;

use crate::encoded::Encoded;
use crate::error::AppError;
use crate::store::Store;

/// Guides kept ready to send per catalog version (the most read ones come first by nature; a
/// province of 10,000 matters does not keep them all in memory).
const GUIDES_KEPT: usize = 2_000;

/// Search answers kept ready to send per catalog version. A query's answer is made ready to keep
/// (compressed at a high level) only when the query has been asked at least twice among the
/// `SEARCHES_SEEN` remembered, and — once `SEARCHES_KEPT` are kept — more than twice as often as
/// the answer it would push out, the least recently asked (TinyLFU's admission rule, with a
/// margin: right after the counts are halved, the next query asked in a steady round has one ask
/// more than a kept one not yet asked again, and "more often" alone let a whole kept set be
/// replaced each time). Asks are counted, kept answers sent too, and the counts halved every
/// `SEARCHES_SEEN` asks, so what was asked often long ago gives way to what is asked now.
/// Without the comparison, a round of more different queries than are kept (a client walking a
/// list) made each answer ready on its second ask only to push it out before a third.
///
/// One answer is made ready at a time — a burst of queries asked again made thousands at once,
/// each compressor holding megabytes, and took the server to 4.5 GB and 560 answers/s; an
/// answer not kept for that is kept when asked next.
const SEARCHES_KEPT: usize = 1_000;
const SEARCHES_SEEN: usize = 10_000;

struct SearchAnswers {
    /// By query, each with its hash (to find how often it was asked).
    kept: lru::LruCache<String, (u64, Arc<Encoded>)>,
    /// How often each remembered query (by hash) was asked, halved now and then.
    seen: lru::LruCache<u64, u32>,
    /// Asks since the counts were last halved.
    asks: usize,
    /// An answer is being made ready.
    busy: bool,
}

impl Default for SearchAnswers {
    fn default() -> Self {
        Self::new(SEARCHES_KEPT, SEARCHES_SEEN)
    }
}

impl SearchAnswers {
    fn new(kept: usize, seen: usize) -> Self {
        let size = |n: usize| std::num::NonZeroUsize::new(n).expect("not zero");
        Self {
            kept: lru::LruCache::new(size(kept)),
            seen: lru::LruCache::new(size(seen)),
            asks: 0,
            busy: false,
        }
    }

    /// The kept answer to `key`; an answer sent counts as an ask.
    fn answer(&mut self, key: &str) -> Option<Arc<Encoded>> {
        let (hash, answer) = self.kept.get(key).map(|(h, a)| (*h, a.clone()))?;
        self.count(hash);
        Some(answer)
    }

    /// Counts one ask of the query with `hash`; how often it was asked.
    fn count(&mut self, hash: u64) -> u32 {
        self.asks += 1;
        if self.asks >= self.seen.cap().get() {
            self.asks = 0;
            for (_, count) in self.seen.iter_mut() {
                *count /= 2;
            }
        }
        let count = self.seen.get_or_insert_mut(hash, || 0);
        *count = count.saturating_add(1);
        *count
    }

    /// Counts an ask of the query with `hash` that was not answered from what is kept, and
    /// says whether its answer should be made ready to keep now.
    fn asked(&mut self, hash: u64) -> bool {
        let count = self.count(hash);
        if count < 2 || self.busy {
            return false;
        }
        if self.kept.len() < self.kept.cap().get() {
            return true;
        }
        let victim = self.kept.peek_lru().map(|(_, (h, _))| *h);
        let victim_count = victim
            .and_then(|h| self.seen.peek(&h).copied())
            .unwrap_or(0);
        count > 2 * victim_count
    }

    fn keep(&mut self, key: String, hash: u64, answer: Arc<Encoded>) {
        self.kept.put(key, (hash, answer));
    }
}

fn query_hash(key: &str) -> u64 {
    use std::hash::{BuildHasher, RandomState};
    static HASHER: OnceLock<RandomState> = OnceLock::new();
    HASHER.get_or_init(RandomState::new).hash_one(key)
}

/// The answer being made ready to keep; dropped (kept or not, even by a panic), the next may be.
pub struct Keeping {
    catalog: Arc<LoadedCatalog>,
    key: String,
    hash: u64,
}

impl Keeping {
    /// Keeps the answer, to send as it is while this catalog version lasts.
    pub fn keep(self, answer: Encoded) {
        let mut searches = self.catalog.searches.lock().expect("not poisoned");
        searches.keep(self.key.clone(), self.hash, Arc::new(answer));
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
    /// Forms resolved with their matters' guides, by form id (every change to a draft and every
    /// submission resolves its form: read and parsed from the database each time before).
    forms: Mutex<HashMap<String, Arc<FormWithMatters>>>,
    searches: Mutex<SearchAnswers>,
}

/// A form resolved from this catalog, with the matters it was built from.
pub type FormWithMatters = (ResolvedForm, Vec<Matter>);

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
        self.searches.lock().expect("not poisoned").answer(key)
    }

    /// Notes that the search `key` was answered (not from what is kept). When its answer is to
    /// be kept (`SearchAnswers::asked`) and nothing else is being made ready, the `Keeping`
    /// says so.
    pub fn asked_again(self: &Arc<Self>, key: &str) -> Option<Keeping> {
        let hash = query_hash(key);
        let mut searches = self.searches.lock().expect("not poisoned");
        if !searches.asked(hash) {
            return None;
        }
        searches.busy = true;
        Some(Keeping {
            catalog: self.clone(),
            key: key.to_owned(),
            hash,
        })
    }

    /// The form `form_id` as resolved before from this catalog, if it is kept.
    pub fn resolved_form(&self, form_id: &str) -> Option<Arc<FormWithMatters>> {
        self.forms
            .lock()
            .expect("not poisoned")
            .get(form_id)
            .cloned()
    }

    /// Keeps a form resolved from this catalog, while fewer than `GUIDES_KEPT` are kept.
    pub fn keep_form(&self, form_id: &str, form: Arc<FormWithMatters>) {
        let mut forms = self.forms.lock().expect("not poisoned");
        if forms.len() < GUIDES_KEPT {
            forms.insert(form_id.to_owned(), form);
        }
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
                forms: Mutex::default(),
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

#[cfg(test)]
mod tests {
    use super::*;

    impl SearchAnswers {
        /// Whether `key` is kept (without counting an ask).
        fn holds(&self, key: &str) -> bool {
            self.kept.contains(key)
        }
    }

    fn answer() -> Arc<Encoded> {
        Arc::new(Encoded::with_levels("v1", b"{}".to_vec(), 1, 1))
    }

    /// Asks query `n` once; keeps its answer when told to, as the handler does.
    fn ask(searches: &mut SearchAnswers, n: u64) -> bool {
        let key = format!("q{n}");
        if searches.answer(&key).is_some() {
            return false;
        }
        let keep = searches.asked(n);
        if keep {
            searches.keep(key, n, answer());
        }
        keep
    }

    #[test]
    fn a_round_of_more_queries_than_are_kept_fills_the_kept_set_once_and_then_is_answered_from_it()
    {
        let mut searches = SearchAnswers::new(10, 100);
        let made: usize = (0..20)
            .map(|_| (0..40).filter(|&n| ask(&mut searches, n)).count())
            .sum();
        // Ten made ready on their second ask, and no more: none of the others is asked more
        // than twice as often as a kept one. Made ready on every ask after the first, it was all
        // 40 in each of the 19 later rounds (760).
        assert_eq!(made, 10);
        let answered = (0..40).filter(|n| searches.holds(&format!("q{n}"))).count();
        assert_eq!(answered, 10);
    }

    #[test]
    fn a_query_asked_more_often_than_the_least_recent_kept_one_takes_its_place() {
        let mut searches = SearchAnswers::new(2, 100);
        for _ in 0..2 {
            ask(&mut searches, 1);
            ask(&mut searches, 2);
        }
        assert!(searches.holds("q1") && searches.holds("q2"));
        // Query 3 asked as often as the kept ones (twice), or twice as often, is not kept.
        for _ in 0..4 {
            assert!(!ask(&mut searches, 3));
        }
        // A fifth ask: more than twice as often as q1 (the least recently asked), which gives
        // way.
        assert!(ask(&mut searches, 3));
        assert!(!searches.holds("q1"));
        assert!(searches.holds("q2") && searches.holds("q3"));
    }

    #[test]
    fn what_was_popular_long_ago_gives_way_as_its_count_is_halved() {
        let mut searches = SearchAnswers::new(1, 8);
        for _ in 0..30 {
            ask(&mut searches, 1);
        }
        assert!(searches.holds("q1"));
        // Query 1 is not asked any more; query 2 is, steadily. Counted for ever, query 2 would
        // need 61 asks to pass twice query 1's; with the counts halved every 8 asks, fewer.
        let kept_after = (1..=40).find(|_| ask(&mut searches, 2));
        assert!(
            kept_after.is_some_and(|n| n < 30),
            "query 2 kept after {kept_after:?}"
        );
        assert!(searches.holds("q2") && !searches.holds("q1"));
    }

    #[test]
    fn nothing_is_made_ready_while_another_answer_is() {
        let mut searches = SearchAnswers::new(10, 100);
        searches.asked(1);
        searches.busy = true;
        assert!(!searches.asked(1));
        searches.busy = false;
        assert!(searches.asked(1));
    }
}
