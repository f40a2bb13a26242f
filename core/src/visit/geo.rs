//! Distances on the earth and map coordinates. Catalog and device coordinates are WGS-84 (what
//! GPS gives); maps in mainland China (Amap, Baidu, Apple's map there) draw GCJ-02, so a point
//! is converted before it is handed to them — with a well-kept crate, not our own formula.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

/// A point in WGS-84 degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub latitude: f64,
    pub longitude: f64,
}

impl Point {
    pub fn new(latitude: f64, longitude: f64) -> Self {
        Self {
            latitude,
            longitude,
        }
    }

    /// Whether it is a real place (finite, in range).
    pub fn is_valid(self) -> bool {
        (-90.0..=90.0).contains(&self.latitude) && (-180.0..=180.0).contains(&self.longitude)
    }
}

/// The mean earth radius (IUGG, metres) the great-circle distance uses.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres (haversine), good to a few metres in a city and ~0.5 %
/// across the country.
pub fn distance_m(a: Point, b: Point) -> f64 {
    let (la1, la2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dla = la2 - la1;
    let dlo = (b.longitude - a.longitude).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// The point in GCJ-02, as maps in mainland China expect (unchanged outside it).
pub fn to_gcj02(p: Point) -> Point {
    let (lon, lat) = coordtransform::wgs84_to_gcj02(p.longitude, p.latitude);
    Point::new(lat, lon)
}

/// A GCJ-02 point (from a map in China) back in WGS-84.
pub fn from_gcj02(p: Point) -> Point {
    let (lon, lat) = coordtransform::gcj02_to_wgs84(p.longitude, p.latitude);
    Point::new(lat, lon)
}

/// Links that open a hall in the person's map app, each in the coordinates that app reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapLinks {
    /// Amap (高德), GCJ-02.
    pub amap: String,
    /// Baidu Maps, given GCJ-02 and told so (`coord_type=gcj02`).
    pub baidu: String,
    /// Apple Maps, which draws GCJ-02 in mainland China.
    pub apple: String,
    /// RFC 5870 `geo:` URI (Android's chooser), WGS-84 by definition.
    pub geo: String,
}

pub fn map_links(p: Point, name: &str) -> MapLinks {
    let g = to_gcj02(p);
    let q = utf8_percent_encode(name, NON_ALPHANUMERIC).to_string();
    MapLinks {
        amap: format!(
            "https://uri.amap.com/marker?position={:.6},{:.6}&name={q}&coordinate=gaode&callnative=1",
            g.longitude, g.latitude
        ),
        baidu: format!(
            "https://api.map.baidu.com/marker?location={:.6},{:.6}&title={q}&content={q}&output=html&coord_type=gcj02&src=webapp.tongban",
            g.latitude, g.longitude
        ),
        apple: format!(
            "https://maps.apple.com/?ll={:.6},{:.6}&q={q}",
            g.latitude, g.longitude
        ),
        geo: format!(
            "geo:{:.6},{:.6}?q={:.6},{:.6}({q})",
            p.latitude, p.longitude, p.latitude, p.longitude
        ),
    }
}

/// Where a point lies from `origin`, in metres east and north (a flat projection, right for
/// the few kilometres a schematic map of nearby halls shows).
pub fn offset_m(origin: Point, p: Point) -> (f64, f64) {
    let north = (p.latitude - origin.latitude).to_radians() * EARTH_RADIUS_M;
    let east = (p.longitude - origin.longitude).to_radians()
        * EARTH_RADIUS_M
        * origin.latitude.to_radians().cos();
    (east, north)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() < eps
    }

    #[test]
    fn great_circle_distances_match_published_figures() {
        // Against the WGS-84 ellipsoid's geodesic (Karney's GeographicLib, WGS84.Inverse):
        // PEK → PVG 1,098,042.7 m; two Hangzhou halls 1,383.5 m; London → Paris 343,923.1 m.
        let pek = Point::new(40.0801, 116.5846);
        let pvg = Point::new(31.1434, 121.8052);
        for (a, b, geodesic) in [
            (pek, pvg, 1_098_042.7),
            (
                Point::new(30.2446, 120.2107),
                Point::new(30.2512, 120.1985),
                1_383.5,
            ),
            (
                Point::new(51.5074, -0.1278),
                Point::new(48.8566, 2.3522),
                343_923.1,
            ),
        ] {
            let d = distance_m(a, b);
            assert!((d - geodesic).abs() / geodesic < 0.005, "{d} vs {geodesic}");
        }
        // One degree of latitude on the mean sphere: 111.195 km.
        let d = distance_m(Point::new(30.0, 120.0), Point::new(31.0, 120.0));
        assert!(close(d, 111_195.0, 1.0), "{d}");
        assert_eq!(distance_m(pek, pek), 0.0);
        // Symmetric, and the antipode is half the circumference.
        assert!(close(distance_m(pek, pvg), distance_m(pvg, pek), 1e-6));
        let d = distance_m(Point::new(0.0, 0.0), Point::new(0.0, 180.0));
        assert!(close(d, std::f64::consts::PI * EARTH_RADIUS_M, 1.0));
    }

    #[test]
    fn gcj02_conversion_matches_published_points() {
        // The pair the reference implementations publish (wandergis/coordtransform's README):
        // WGS-84 (116.404, 39.915) → GCJ-02 (116.41024449916938, 39.91640428150164).
        let g = to_gcj02(Point::new(39.915, 116.404));
        assert!(close(g.longitude, 116.410_244_499_169_38, 1e-6), "{g:?}");
        assert!(close(g.latitude, 39.916_404_281_501_64, 1e-6), "{g:?}");
        // And back, to well under a metre.
        let w = from_gcj02(g);
        assert!(distance_m(w, Point::new(39.915, 116.404)) < 0.5, "{w:?}");
        // Hangzhou: the offset is a few hundred metres, as everyone who has pinned a WGS point
        // on Amap has seen.
        let hz = Point::new(30.2446, 120.2107);
        let shift = distance_m(hz, to_gcj02(hz));
        assert!((300.0..700.0).contains(&shift), "{shift}");
        // Outside mainland China nothing moves.
        let london = Point::new(51.5074, -0.1278);
        assert_eq!(to_gcj02(london), london);
    }

    #[test]
    fn map_links_carry_each_apps_coordinates() {
        let p = Point::new(30.2446, 120.2107);
        let g = to_gcj02(p);
        let links = map_links(p, "杭州市民中心");
        assert!(links
            .amap
            .contains(&format!("position={:.6},{:.6}", g.longitude, g.latitude)));
        assert!(links
            .baidu
            .contains(&format!("location={:.6},{:.6}", g.latitude, g.longitude)));
        assert!(links.baidu.contains("coord_type=gcj02"));
        assert!(links
            .apple
            .contains(&format!("ll={:.6},{:.6}", g.latitude, g.longitude)));
        assert!(links.geo.starts_with("geo:30.244600,120.210700?q="));
        assert!(links.amap.contains("name=%E6%9D%AD"), "{}", links.amap);
    }

    #[test]
    fn offsets_are_metres_east_and_north() {
        let o = Point::new(30.0, 120.0);
        let (e, n) = offset_m(o, Point::new(30.01, 120.0));
        assert!(close(e, 0.0, 1e-6) && close(n, 1_111.95, 0.1), "{e} {n}");
        let (e, _) = offset_m(o, Point::new(30.0, 120.01));
        assert!(close(e, 1_111.95 * 30f64.to_radians().cos(), 0.1), "{e}");
    }
}
