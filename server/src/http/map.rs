//! The working-day calendar the apps use, and the map provider (configuration): maps shown in China must come from a reviewed provider, in
//! GCJ-02, with its review number (审图号) shown. None is configured by default, and the app then
//! draws its own schematic of the halls around the person.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use tongban_core::visit::tiles::{provider, MapConfig, MapProvider, ProviderError};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/map", get(map))
        .route("/calendar", get(calendar))
}

/// The working-day calendar this server counts with (tongban-calendar/1), so the apps evaluate
/// hall hours on the same days off and make-up working days.
#[utoipa::path(
    get,
    path = "/api/v1/calendar",
    tag = "catalog",
    responses((status = 200, description = "The calendar file", body = tongban_core::calendar::CalendarFile))
)]
pub async fn calendar(State(state): State<AppState>) -> Json<tongban_core::calendar::CalendarFile> {
    Json((*state.calendar_file).clone())
}

/// The map provider's options, from the command line or the environment.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct MapOptions {
    /// Tile URL template of a reviewed map provider (GCJ-02 tiles), with `{z}`, `{x}`, `{y}` and
    /// optionally `{key}`: `https://…`, or a path on this server. None: the schematic.
    #[arg(long, env = "TONGBAN_MAP_TILES")]
    pub map_tiles: Option<String>,
    /// The provider's key, put in for `{key}`.
    #[arg(long, env = "TONGBAN_MAP_KEY", hide_env_values = true)]
    pub map_key: Option<String>,
    /// The attribution the provider requires, with its review number (审图号), e.g.
    /// `© 某地图 GS(2024)1234号`. Required with --map-tiles.
    #[arg(long, env = "TONGBAN_MAP_ATTRIBUTION")]
    pub map_attribution: Option<String>,
    /// The provider's highest zoom level.
    #[arg(long, env = "TONGBAN_MAP_MAX_ZOOM", default_value_t = 18)]
    pub map_max_zoom: u8,
}

impl MapOptions {
    /// The provider, checked (a bad configuration stops the server at start).
    pub fn provider(&self) -> anyhow::Result<Option<MapProvider>> {
        let Some(tiles) = &self.map_tiles else {
            return Ok(None);
        };
        provider(
            tiles,
            self.map_key.as_deref(),
            self.map_attribution.as_deref().unwrap_or_default(),
            self.map_max_zoom,
        )
        .map(Some)
        .map_err(|e| {
            anyhow::anyhow!(match e {
                ProviderError::NotHttps =>
                    "--map-tiles must be an https:// URL (or a path on this server)",
                ProviderError::Placeholders => "--map-tiles needs {z}, {x} and {y}",
                ProviderError::NoAttribution =>
                    "--map-tiles needs --map-attribution with the provider's review number (审图号)",
            })
        })
    }

    /// The origin the tiles come from (for the Content-Security-Policy), when not this server.
    pub fn tile_origin(&self) -> Option<String> {
        let tiles = self.map_tiles.as_deref()?.trim();
        let rest = tiles.strip_prefix("https://")?;
        let host = rest.split(['/', '?', '#']).next()?;
        (!host.is_empty() && !host.contains('{')).then(|| format!("https://{host}"))
    }
}

/// The map provider the app draws tiles from, if one is configured.
#[utoipa::path(
    get,
    path = "/api/v1/map",
    tag = "catalog",
    responses((status = 200, description = "The provider, or none (the app draws a schematic)", body = MapConfig))
)]
pub async fn map(State(state): State<AppState>) -> Json<MapConfig> {
    Json(MapConfig {
        provider: state.map.clone(),
    })
}
