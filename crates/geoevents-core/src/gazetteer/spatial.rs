//! Nearest places: an R-tree over points on the unit sphere, so distances
//! near the poles and across the antimeridian come out right.

use super::store::Store;
use rstar::{primitives::GeomWithData, RTree};

/// Mean Earth radius in km (the one the evaluation protocol uses).
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// Coordinates are kept to 6 decimal places (about 0.1 m), as RFC 7946 §11.2
/// suggests: more digits only add bytes.
pub const DECIMALS: u32 = 6;
const SCALE: f64 = 1e6;

/// The coordinate rounded to six decimals, as a number of millionths.
/// `-0.0000001` becomes `0`, so no writer can print `-0`.
#[inline]
pub fn micro(x: f64) -> i64 {
    (x * SCALE).round() as i64
}

/// The coordinate rounded to six decimals: the double nearest to the decimal
/// that the layer writers print (IEEE division is correctly rounded), so the
/// GeoPackage and the text formats hold the same numbers.
#[inline]
pub fn round6(x: f64) -> f64 {
    let m = micro(x);
    if m == 0 {
        0.0
    } else {
        m as f64 / SCALE
    }
}

type Entry = GeomWithData<[f64; 3], u32>;

/// Every record of a store as a unit vector in an R-tree, for nearest-place
/// queries ([`SpatialIndex::nearest`]); record indices are the store's.
pub struct SpatialIndex {
    tree: RTree<Entry>,
}

/// Degrees to a point on the unit sphere.
pub fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (la, lo) = (lat.to_radians(), lon.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

/// Great-circle distance in km by the haversine formula, on a sphere of
/// radius [`EARTH_RADIUS_KM`] (the evaluation protocol uses the same).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let half_dphi = (phi2 - phi1) / 2.0;
    let half_dlambda = (lon2 - lon1).to_radians() / 2.0;
    let h = (half_dphi.sin().powi(2) + phi1.cos() * phi2.cos() * half_dlambda.sin().powi(2)).clamp(0.0, 1.0);
    // atan2 rather than asin: well conditioned near antipodes too.
    2.0 * EARTH_RADIUS_KM * h.sqrt().atan2((1.0 - h).sqrt())
}

impl SpatialIndex {
    /// Bulk-loads every record of `store`; [`Gazetteer::spatial`](super::Gazetteer::spatial) does it once, on first use.
    pub fn build(store: &Store) -> SpatialIndex {
        let entries: Vec<Entry> = (0..store.len())
            .map(|i| {
                let (lat, lon) = store.lat_lon(i);
                GeomWithData::new(unit_vector(lat, lon), i)
            })
            .collect();
        SpatialIndex { tree: RTree::bulk_load(entries) }
    }

    /// Records nearest to (lat, lon), closest first, that pass `keep`;
    /// at most `limit`. Returns (record, km).
    pub fn nearest(&self, lat: f64, lon: f64, limit: usize, mut keep: impl FnMut(u32) -> bool) -> Vec<(u32, f64)> {
        let q = unit_vector(lat, lon);
        let mut out = Vec::with_capacity(limit);
        for e in self.tree.nearest_neighbor_iter(q) {
            if out.len() >= limit {
                break;
            }
            if keep(e.data) {
                let [x, y, z] = *e.geom();
                let chord = ((x - q[0]).powi(2) + (y - q[1]).powi(2) + (z - q[2]).powi(2)).sqrt();
                let km = 2.0 * (chord / 2.0).min(1.0).asin() * EARTH_RADIUS_KM;
                out.push((e.data, km));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        // Aleppo to Damascus is about 310 km.
        let d = distance_km(36.20, 37.16, 33.51, 36.29);
        assert!((d - 310.0).abs() < 15.0, "{d}");
        // Across the antimeridian: two points 0.2 degrees of longitude apart.
        assert!(distance_km(0.0, 179.9, 0.0, -179.9) < 25.0);
    }
}
