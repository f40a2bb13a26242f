//! A map of the halls near the person from a reviewed map provider (maps shown in China must use
//! one, in GCJ-02, with its 审图号 shown): which Web Mercator tiles to draw and where each hall
//! falls on them. The provider is configuration; without one the app draws its own schematic.

use serde::{Deserialize, Serialize};

use super::geo::{to_gcj02, Point};

/// Tiles are 256 px squares.
pub const TILE_PX: f64 = 256.0;

/// A configured map provider, as the server tells the app (`GET /api/v1/map`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapProvider {
    /// The tile URL with `{z}`, `{x}` and `{y}` (the key already in it), GCJ-02 tiles.
    pub tiles: String,
    /// The provider's attribution with its map review number (审图号), shown under the map.
    pub attribution: String,
    pub max_zoom: u8,
}

/// `GET /api/v1/map`: the provider, or none (the schematic is drawn).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapConfig {
    pub provider: Option<MapProvider>,
}

/// Why a provider's configuration is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderError {
    /// Not `https://…` (nor a path on this server).
    NotHttps,
    /// `{z}`, `{x}` or `{y}` is missing.
    Placeholders,
    /// Tiles without the attribution and review number they must show.
    NoAttribution,
}

/// Checks a provider's configuration and puts the key into its template (`{key}`).
pub fn provider(
    template: &str,
    key: Option<&str>,
    attribution: &str,
    max_zoom: u8,
) -> Result<MapProvider, ProviderError> {
    let template = template.trim();
    if !(template.starts_with("https://") || template.starts_with('/')) {
        return Err(ProviderError::NotHttps);
    }
    if !["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p)) {
        return Err(ProviderError::Placeholders);
    }
    if attribution.trim().is_empty() {
        return Err(ProviderError::NoAttribution);
    }
    Ok(MapProvider {
        tiles: template.replace("{key}", key.unwrap_or_default()),
        attribution: attribution.trim().to_owned(),
        max_zoom: max_zoom.clamp(1, 20),
    })
}

/// Where a point falls in the world at `zoom`, in pixels (Web Mercator, as tiles are cut).
pub fn world_px(p: Point, zoom: u8) -> (f64, f64) {
    let size = TILE_PX * f64::from(1u32 << zoom);
    let lat = p.latitude.clamp(-85.051_128, 85.051_128).to_radians();
    let x = (p.longitude + 180.0) / 360.0 * size;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * size;
    (x, y)
}

/// One tile to draw: its address and where its top-left corner goes in the view.
#[derive(Clone, Debug, PartialEq)]
pub struct Tile {
    pub z: u8,
    pub x: u32,
    pub y: u32,
    pub left: f64,
    pub top: f64,
}

impl Tile {
    pub fn url(&self, template: &str) -> String {
        template
            .replace("{z}", &self.z.to_string())
            .replace("{x}", &self.x.to_string())
            .replace("{y}", &self.y.to_string())
    }
}

/// A view `width`×`height` px centred on `centre`, at the largest zoom (up to `max_zoom`) that
/// keeps every one of `points` inside it (with a margin): the tiles, and each point's place.
#[derive(Clone, Debug, PartialEq)]
pub struct TileView {
    pub zoom: u8,
    pub tiles: Vec<Tile>,
    /// The centre's place, then each of `points`, in view pixels.
    pub centre: (f64, f64),
    pub points: Vec<(f64, f64)>,
}

/// Points are WGS-84 (as the catalog and the device give them); the tiles are GCJ-02, so each
/// point is converted before it is placed.
pub fn tile_view(
    centre: Point,
    points: &[Point],
    width: f64,
    height: f64,
    max_zoom: u8,
) -> TileView {
    let centre_g = to_gcj02(centre);
    let points_g: Vec<Point> = points.iter().map(|p| to_gcj02(*p)).collect();
    let margin = 24.0;
    let mut zoom = max_zoom.min(20);
    while zoom > 1 {
        let (cx, cy) = world_px(centre_g, zoom);
        let fits = points_g.iter().all(|p| {
            let (x, y) = world_px(*p, zoom);
            (x - cx).abs() <= width / 2.0 - margin && (y - cy).abs() <= height / 2.0 - margin
        });
        if fits {
            break;
        }
        zoom -= 1;
    }
    let (cx, cy) = world_px(centre_g, zoom);
    let (left, top) = (cx - width / 2.0, cy - height / 2.0);
    let count = 1u32 << zoom;
    let first_x = (left / TILE_PX).floor() as i64;
    let last_x = ((left + width) / TILE_PX).floor() as i64;
    let first_y = (top / TILE_PX).floor().max(0.0) as i64;
    let last_y = (((top + height) / TILE_PX).floor() as i64).min(i64::from(count) - 1);
    let mut tiles = Vec::new();
    for ty in first_y..=last_y {
        for tx in first_x..=last_x {
            tiles.push(Tile {
                z: zoom,
                x: tx.rem_euclid(i64::from(count)) as u32,
                y: ty as u32,
                left: tx as f64 * TILE_PX - left,
                top: ty as f64 * TILE_PX - top,
            });
        }
    }
    let place = |p: Point| {
        let (x, y) = world_px(p, zoom);
        (x - left, y - top)
    };
    TileView {
        zoom,
        tiles,
        centre: place(centre_g),
        points: points_g.into_iter().map(place).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_are_cut_as_web_mercator_tiles_are() {
        // The world's centre is the middle of the one tile at zoom 0.
        assert_eq!(world_px(Point::new(0.0, 0.0), 0), (128.0, 128.0));
        // West Lake in Hangzhou (WGS-84): the slippy-map tile (z 12) is 3415/1686.
        let (x, y) = world_px(Point::new(30.25, 120.15), 12);
        assert_eq!(((x / TILE_PX) as u32, (y / TILE_PX) as u32), (3415, 1686));
    }

    #[test]
    fn the_view_holds_every_hall_and_places_them_in_gcj02() {
        let me = Point::new(30.2446, 120.2107);
        let halls = [Point::new(30.2512, 120.1985), Point::new(30.2749, 120.1551)];
        let v = tile_view(me, &halls, 320.0, 240.0, 18);
        assert!(v.zoom < 18 && v.zoom > 10, "{}", v.zoom);
        for (x, y) in &v.points {
            assert!(
                (0.0..=320.0).contains(x) && (0.0..=240.0).contains(y),
                "{x},{y}"
            );
        }
        assert!((v.centre.0 - 160.0).abs() < 1e-6 && (v.centre.1 - 120.0).abs() < 1e-6);
        // The tiles cover the whole view.
        let covers = |x: f64, y: f64| {
            v.tiles
                .iter()
                .any(|t| t.left <= x && x < t.left + TILE_PX && t.top <= y && y < t.top + TILE_PX)
        };
        assert!(covers(0.0, 0.0) && covers(319.0, 239.0) && covers(160.0, 120.0));
        // GCJ-02 shifts Hangzhou by some hundreds of metres: a point placed in WGS-84 would be
        // off by pixels at this zoom.
        let (wx, _) = world_px(halls[0], v.zoom);
        let (gx, _) = world_px(to_gcj02(halls[0]), v.zoom);
        assert!((gx - wx).abs() > 2.0);
        assert_eq!(
            v.tiles[0].url("https://t.example/{z}/{x}/{y}.png"),
            format!(
                "https://t.example/{}/{}/{}.png",
                v.zoom, v.tiles[0].x, v.tiles[0].y
            )
        );
    }

    #[test]
    fn a_provider_needs_https_placeholders_and_its_review_number() {
        let ok = provider(
            "https://tiles.example/{z}/{x}/{y}.png?key={key}",
            Some("K1"),
            "© 某地图 GS(2024)1234号",
            18,
        )
        .unwrap();
        assert_eq!(ok.tiles, "https://tiles.example/{z}/{x}/{y}.png?key=K1");
        assert_eq!(
            provider("http://t/{z}/{x}/{y}", None, "x", 18),
            Err(ProviderError::NotHttps)
        );
        assert_eq!(
            provider("https://t/{z}/{x}", None, "x", 18),
            Err(ProviderError::Placeholders)
        );
        assert_eq!(
            provider("https://t/{z}/{x}/{y}", None, " ", 18),
            Err(ProviderError::NoAttribution)
        );
    }
}
