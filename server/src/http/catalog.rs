//! The public catalog: the matter list, full guides, the downloadable index, search and
//! bundles. No login; any cache may keep these, checking they are current.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tongban_core::catalog::{Bundle, CatalogIndex, Matter};
use tongban_core::search::{SearchFilter, SearchHit};
use tongban_core::{Audience, MatterList, MatterSummary};

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

/// Public catalog data: any cache may keep it, but must check it is still current.
const PUBLIC_REVALIDATE: HeaderValue = HeaderValue::from_static("public, no-cache");

/// The catalog's matters, most used first.
#[utoipa::path(
    get,
    path = "/api/v1/matters",
    tag = "catalog",
    responses(
        (status = 200, description = "The matters, most used first", body = MatterList),
        (status = 503, description = "The database is unavailable", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn list_matters(State(state): State<AppState>) -> Result<Json<MatterList>, AppError> {
    Ok(Json(MatterList {
        items: state.store.list_matters().await?,
    }))
}

/// A matter's full service guide (办事指南).
#[utoipa::path(
    get,
    path = "/api/v1/matters/{code}",
    tag = "catalog",
    params(("code" = String, Path, description = "The matter's standard code")),
    responses(
        (status = 200, description = "The service guide", body = Matter),
        (status = 404, description = "No such matter", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn matter_guide(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let guide = state
        .store
        .matter_guide(&code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, PUBLIC_REVALIDATE),
        ],
        guide,
    )
        .into_response())
}

/// The compact catalog index clients keep for offline browsing and search.
#[utoipa::path(
    get,
    path = "/api/v1/catalog/index",
    tag = "catalog",
    responses(
        (status = 200, description = "The index; send its ETag back in If-None-Match", body = CatalogIndex),
        (status = 304, description = "The client's copy is current")
    )
)]
pub async fn catalog_index(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let catalog = state.catalog.current(&state.store).await?;
    let etag = HeaderValue::from_str(&catalog.etag).map_err(AppError::internal)?;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, PUBLIC_REVALIDATE),
    ];
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let json = HeaderValue::from_static("application/json");
    Ok((
        common,
        [(header::CONTENT_TYPE, json)],
        catalog.index_json.clone(),
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What the person typed (empty or left out: nothing to look for, `meaningful` false).
    pub q: Option<String>,
    pub audience: Option<Audience>,
    /// A region code: its matters, its cities' matters and national ones.
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
    responses((status = 200, description = "Best matches first", body = SearchResults))
)]
pub async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    let catalog = state.catalog.current(&state.store).await?;
    let limit = params.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::field("limit", "field-invalid"));
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
    Ok((
        [(header::CACHE_CONTROL, PUBLIC_REVALIDATE)],
        Json(SearchResults {
            query: params.q.unwrap_or_default(),
            results,
            places: read.places,
            unmatched: read.unmatched,
            meaningful: read.meaningful,
        }),
    )
        .into_response())
}

/// A bundle (一件事) and the matters it joins.
#[utoipa::path(
    get,
    path = "/api/v1/bundles/{id}",
    tag = "catalog",
    params(("id" = String, Path, description = "The bundle's id")),
    responses(
        (status = 200, description = "The bundle", body = Bundle),
        (status = 404, description = "No such bundle", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn bundle(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let catalog = state.catalog.current(&state.store).await?;
    let bundle = catalog
        .index
        .bundles
        .iter()
        .find(|b| b.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok(([(header::CACHE_CONTROL, PUBLIC_REVALIDATE)], Json(bundle)).into_response())
}
