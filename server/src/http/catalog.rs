//! The public catalog: the matter list, full guides, the downloadable index, search and
//! bundles. No login; any cache may keep these, checking they are current.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};
use tongban_core::catalog::{Bundle, CatalogIndex, Matter};
use tongban_core::search::{SearchFilter, SearchHit};
use tongban_core::{Audience, MatterList, MatterSummary};

use crate::encoded::{self, Encoded};
use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/matters", get(list_matters))
        .route("/matters/{code}", get(matter_guide))
        .route("/catalog/index", get(catalog_index))
        .route("/search", get(search))
        .route("/bundles/{id}", get(bundle))
}

/// The catalog's matters, most used first.
#[utoipa::path(
    get,
    path = "/api/v1/matters",
    tag = "catalog",
    responses(
        (status = 200, description = "The matters, most used first; send its ETag back in If-None-Match", body = MatterList),
        (status = 304, description = "The client's copy is current"),
        (status = 503, description = "The database is unavailable", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn list_matters(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let catalog = state.catalog.current(&state.store).await?;
    Ok(catalog.matters_doc.respond(&headers))
}

/// A matter's full service guide (办事指南).
#[utoipa::path(
    get,
    path = "/api/v1/matters/{code}",
    tag = "catalog",
    params(("code" = String, Path, description = "The matter's standard code")),
    responses(
        (status = 200, description = "The service guide; send its ETag back in If-None-Match", body = Matter),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No such matter", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn matter_guide(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let catalog = state.catalog.current(&state.store).await?;
    let guide = catalog
        .guide(&state.store, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(guide.respond(&headers))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndexParams {
    /// A region code (GB/T 2260, six digits): only the matters of that region, of the regions
    /// in it and around it, and national ones (what a region's app needs). Left out: the whole
    /// catalog.
    #[param(pattern = "^[0-9]{6}$")]
    pub region: Option<String>,
}

/// The compact catalog index clients keep for offline browsing and search.
#[utoipa::path(
    get,
    path = "/api/v1/catalog/index",
    tag = "catalog",
    params(IndexParams),
    responses(
        (status = 200, description = "The index; send its ETag back in If-None-Match", body = CatalogIndex),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "The catalog has no such region", body = tongban_core::api::ErrorBody),
        (status = 422, description = "Not a region code", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn catalog_index(
    State(state): State<AppState>,
    Query(params): Query<IndexParams>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let catalog = state.catalog.current(&state.store).await?;
    let doc = match params.region.as_deref() {
        None => catalog.index_doc.clone(),
        Some(region) if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(AppError::field("region", "field-invalid"));
        }
        Some(region) => catalog.index_for(region).await?.ok_or(AppError::NotFound)?,
    };
    Ok(doc.respond(&headers))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What the person typed (empty or left out: nothing to look for, `meaningful` false).
    pub q: Option<String>,
    pub audience: Option<Audience>,
    /// A region code: its matters, those of the regions in it and around it, and national ones.
    pub region: Option<String>,
    pub life_event: Option<String>,
    /// At most this many results (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// One search result: the matter and how it matched.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResult {
    pub matter: MatterSummary,
    pub hit: SearchHit,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub results: Vec<SearchResult>,
    /// The regions of the places the query names (they filtered the results).
    pub places: Vec<String>,
    /// Words of the query no result explains, as typed.
    pub unmatched: Vec<String>,
    /// Whether the query had anything to look for beyond fillers, places and punctuation.
    pub meaningful: bool,
}

/// Search the catalog the way the apps do offline: Chinese, pinyin, initials, phrases, English.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "catalog",
    params(SearchParams),
    responses(
        (status = 200, description = "Best matches first; send its ETag back in If-None-Match", body = SearchResults),
        (status = 304, description = "The client's copy is current")
    )
)]
pub async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let catalog = state.catalog.current(&state.store).await?;
    let limit = params.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::field("limit", "field-invalid"));
    }
    // Everything the answer depends on besides the catalog version.
    let key = format!(
        "{limit}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{}",
        params.audience,
        params.region,
        params.life_event,
        params.q.as_deref().unwrap_or_default()
    );
    if let Some(answer) = catalog.search_answer(&key) {
        return Ok(answer.respond(&headers));
    }
    let filter = SearchFilter {
        audience: params.audience,
        regions: params.region.into_iter().collect(),
        life_event: params.life_event,
    };
    let read = catalog.search.search_explained(
        params.q.as_deref().unwrap_or_default(),
        &filter,
        limit as usize,
    );
    let results = read
        .hits
        .into_iter()
        .filter_map(|hit| {
            Some(SearchResult {
                matter: catalog.search.document(&hit.code)?.summary.clone(),
                hit,
            })
        })
        .collect();
    let json = serde_json::to_vec(&SearchResults {
        query: params.q.unwrap_or_default(),
        results,
        places: read.places,
        unmatched: read.unmatched,
        meaningful: read.meaningful,
    })
    .map_err(AppError::internal)?;
    if let Some(keeping) = catalog.asked_again(&key) {
        // Asked before: kept compressed (off the async threads), sent as it is from now on.
        let (version, json) = (catalog.version.clone(), json.clone());
        tokio::task::spawn_blocking(move || {
            keeping.keep(Encoded::with_levels(&version, json, 5, 6));
        });
    }
    Ok(encoded::respond_fresh(&headers, &catalog.version, json))
}

/// A bundle (一件事) and the matters it joins.
#[utoipa::path(
    get,
    path = "/api/v1/bundles/{id}",
    tag = "catalog",
    params(("id" = String, Path, description = "The bundle's id")),
    responses(
        (status = 200, description = "The bundle; send its ETag back in If-None-Match", body = Bundle),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No such bundle", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn bundle(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let catalog = state.catalog.current(&state.store).await?;
    let bundle = catalog.bundle_docs.get(&id).ok_or(AppError::NotFound)?;
    Ok(bundle.respond(&headers))
}
