//! The HTTP side: each module owns its routes (`router()`), merged here under `/api/v1`, beside
//! the OpenAPI document and the PWA. Handlers decode the request, ask `access` who is calling,
//! call the store and core's rules, and answer; they hold no SQL.

pub mod applications;
pub mod appointments;
pub mod auth;
pub mod benefits;
pub mod case_step;
pub mod catalog;
pub mod consultations;
pub mod credentials;
pub mod data_record;
pub mod drafts;
pub mod evaluations;
pub mod guardians;
pub mod hall_desk;
pub mod handovers;
pub mod hosts;
pub mod mandates;
pub mod map;
pub mod materials;
pub mod me;
pub mod messages;
pub mod openapi;
pub mod rectifications;
pub mod shares;
pub mod staff;
pub mod staff_applications;

use axum::routing::get;
use axum::{Json, Router};
use tongban_core::API_PREFIX;

use crate::error::AppError;
use crate::state::AppState;
use crate::Config;

/// A reply to a request that may have written is sent once the writes are on the disk
/// (`Store::flush`: the requests of one moment share one sync). A read (`GET`, `HEAD`) waits
/// only if it wrote something its reply stands on, such as its audit entry.
async fn durable_replies(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let reads = matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    let (response, wrote) = crate::store::noting_writes(next.run(request)).await;
    if reads && !wrote {
        return response;
    }
    match state.store.flush().await {
        Ok(()) => response,
        Err(e) => {
            // Not known to be on the disk: the reply must not say it is done.
            tracing::error!(error = %e, "the database log could not be synced");
            axum::response::IntoResponse::into_response(AppError::internal(e))
        }
    }
}

/// Every route of the server, the PWA included.
pub fn router(state: AppState, config: &Config) -> Router {
    let api = Router::new()
        .merge(catalog::router())
        .merge(auth::router())
        .merge(me::router())
        .merge(messages::router())
        .merge(drafts::router())
        .merge(applications::router())
        .merge(appointments::router())
        .merge(hall_desk::router())
        .merge(materials::router())
        .merge(mandates::router())
        .merge(handovers::router())
        .merge(guardians::router())
        .merge(map::router())
        .merge(evaluations::router())
        .merge(consultations::router())
        .merge(benefits::router())
        .merge(data_record::router())
        .merge(credentials::router())
        .merge(shares::router())
        .merge(rectifications::router())
        .merge(staff::router())
        .merge(hosts::router())
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            durable_replies,
        ))
        .layer(axum::middleware::from_fn(crate::error::json_errors));
    let host_origins: Vec<String> = state
        .hosts
        .registry
        .origins()
        .chain(config.host_origins.iter().map(|o| o.trim_end_matches('/')))
        .map(str::to_owned)
        .collect();
    let app = Router::new()
        .nest(API_PREFIX, api)
        .route(
            "/api/openapi.json",
            get(|| async { Json(openapi::document_json()) }),
        )
        .route("/api/{*rest}", get(|| async { AppError::NotFound }))
        .with_state(state);
    crate::web::with_pwa(app, config, &host_origins)
}
