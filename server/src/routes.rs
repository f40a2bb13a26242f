//! The HTTP routes: the API under `/api/v1`, its OpenAPI document, and the PWA at `/`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use tongban_core::{MatterList, API_PREFIX};

use crate::db::Db;
use crate::error::AppError;
use crate::{web, Config};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
}

pub fn router(db: Db, config: &Config) -> Router {
    let api = Router::new()
        .route("/matters", get(list_matters))
        .fallback(|| async { AppError::NotFound });
    let app = Router::new()
        .nest(API_PREFIX, api)
        .route(
            "/api/openapi.json",
            get(|| async { Json(crate::openapi::document()) }),
        )
        .route("/api/{*rest}", get(|| async { AppError::NotFound }))
        .with_state(AppState { db });
    web::with_pwa(app, &config.web_dir)
}

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
        items: state.db.list_matters().await?,
    }))
}
