//! The map of halls around the person from the configured map provider (GCJ-02 tiles, the
//! provider's review number under it). Shown only when a provider is configured; otherwise the
//! schematic sketch (`visit.rs`) is drawn instead.

use leptos::prelude::*;
use tongban_core::visit::tiles::{tile_view, MapProvider};
use tongban_core::visit::{HallChoice, Point};

use super::local;
use crate::t;

/// The map's size in CSS px (it fits a 360 px phone screen with the page's margins).
const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 240.0;

#[component]
pub(super) fn TileMap(
    provider: MapProvider,
    origin: Point,
    halls: Vec<HallChoice>,
) -> impl IntoView {
    let points: Vec<Point> = halls
        .iter()
        .map(|c| Point::new(c.hall.latitude, c.hall.longitude))
        .collect();
    let view = tile_view(origin, &points, WIDTH, HEIGHT, provider.max_zoom);
    let tiles = view
        .tiles
        .iter()
        .map(|tile| {
            // Placed through the CSSOM (`style:`), which the page's CSP allows; style attributes
            // it does not.
            view! {
                <img class="map-tile" src=tile.url(&provider.tiles) alt="" width="256" height="256"
                    style:left=format!("{:.1}px", tile.left) style:top=format!("{:.1}px", tile.top)/>
            }
        })
        .collect_view();
    let markers = view
        .points
        .iter()
        .zip(&halls)
        .enumerate()
        .map(|(i, ((x, y), c))| {
            view! {
                <span class="map-hall" title=local(&c.hall.name)
                    style:left=format!("{x:.1}px") style:top=format!("{y:.1}px")>{i + 1}</span>
            }
        })
        .collect_view();
    let (you_x, you_y) = view.centre;
    view! {
        <figure class="tile-map">
            <div class="map-frame" role="img" aria-label=t!("visit-map-label")>
                {tiles}
                <span class="map-you" style:left=format!("{you_x:.1}px") style:top=format!("{you_y:.1}px")>{t!("visit-map-you")}</span>
                {markers}
            </div>
            <figcaption class="muted map-attribution">{provider.attribution.clone()}</figcaption>
        </figure>
    }
}
