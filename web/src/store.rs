//! The catalog the app browses and searches: the index from the API (the service worker keeps a
//! copy, so it also loads offline), with its search structures built once in wasm.

use std::sync::Arc;

use leptos::prelude::*;
use tongban_core::catalog::CatalogIndex;
use tongban_core::search::{SearchFilter, SearchIndex};
use tongban_core::{ApiClient, ApiError};

pub struct CatalogStore {
    pub index: CatalogIndex,
    pub search: SearchIndex,
}

pub type Catalog = LocalResource<Result<Arc<CatalogStore>, ApiError>>;

thread_local! {
    static HOST: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Names the host super-app the app runs in, on every API call from now on.
pub fn set_host(id: &str) {
    HOST.with(|h| *h.borrow_mut() = Some(id.to_owned()));
}

/// The client acting for someone under mandate `id` (亲友代办), or the person's own.
pub fn api_for(acting: Option<&str>) -> ApiClient {
    match acting {
        Some(id) => api().acting_for(id),
        None => api(),
    }
}

/// The mandate the pages below act under (the `/for/{mandate}/…` routes), when they do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acting(pub Option<String>);

/// The mandate this page acts under: read once when the page is set up.
pub fn use_acting() -> Option<String> {
    use_context::<Acting>().and_then(|a| a.0)
}

/// The API as this page uses it: in the grantor's name while acting, else the person's own.
pub fn use_api() -> ApiClient {
    api_for(use_acting().as_deref())
}

/// An address inside the app for `acting`: under `/for/{mandate}` while acting for someone.
pub fn app_path(acting: Option<&str>, path: &str) -> String {
    match acting {
        Some(id) => format!("/for/{id}{path}"),
        None => path.to_owned(),
    }
}

/// The API at the origin the app was served from (naming the host, inside one).
pub fn api() -> ApiClient {
    let client = ApiClient::new(window().location().origin().unwrap_or_default());
    match HOST.with(|h| h.borrow().clone()) {
        Some(host) => client.in_host(host),
        None => client,
    }
}

/// Loads the catalog once for the whole app; `reload` tries again after a failure.
pub fn provide_catalog() -> (Catalog, WriteSignal<u32>) {
    let (attempt, set_attempt) = signal(0u32);
    let catalog: Catalog = LocalResource::new(move || {
        attempt.track();
        async move {
            // A region chosen: only what that region's people use (the service worker keeps it
            // for offline visits too); none: the whole catalog.
            let region = saved_region();
            let index = if region.is_empty() {
                api().catalog_index().await?
            } else {
                match api().region_index(&region).await {
                    Ok(index) => index,
                    // A region the catalog no longer has: the whole catalog, not an error page.
                    Err(ApiError::Validation { .. } | ApiError::NotFound) => {
                        api().catalog_index().await?
                    }
                    Err(e) => return Err(e),
                }
            };
            let search = index.search_index();
            Ok(Arc::new(CatalogStore { index, search }))
        }
    });
    provide_context(catalog);
    provide_context(set_attempt);
    (catalog, set_attempt)
}

pub fn use_catalog() -> Catalog {
    expect_context::<Catalog>()
}

pub fn use_reload() -> WriteSignal<u32> {
    expect_context::<WriteSignal<u32>>()
}

const REGION_KEY: &str = "tongban.region";

/// The region the person chose (a GB/T 2260 code), remembered on the device; empty = everywhere.
pub fn saved_region() -> String {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(REGION_KEY).ok().flatten())
        .unwrap_or_default()
}

pub fn save_region(code: &str) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(REGION_KEY, code);
    }
}

pub fn filter_for(region: &str) -> SearchFilter {
    SearchFilter {
        regions: if region.is_empty() {
            Vec::new()
        } else {
            vec![region.to_owned()]
        },
        ..Default::default()
    }
}
