//! Number formatting and the little geometry the writers need: rounding to
//! six decimals, ring orientation (RFC 7946 §3.1.6), bounding boxes and a
//! representative point inside a multipolygon.

pub use crate::gazetteer::spatial::{micro, round6, DECIMALS};

/// Appends a coordinate with at most six decimals, trailing zeros trimmed,
/// never `-0` and never exponent notation: `36.2`, `-0.000001`, `180`.
pub fn push_coord(out: &mut Vec<u8>, x: f64) {
    use std::io::Write;
    let m = micro(x);
    if m < 0 {
        out.push(b'-');
    }
    let a = m.unsigned_abs();
    let int = a / 1_000_000;
    let mut frac = a % 1_000_000;
    let _ = write!(out, "{int}");
    if frac != 0 {
        let mut width = 6;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        let _ = write!(out, ".{frac:0width$}");
    }
}

/// Appends a finite attribute Real in the shortest form that reads back to
/// the same double, always with a decimal point (`3.0`, not `3`) so that GDAL
/// types the column Real, never `-0`, never exponent notation (Rust's
/// `Display` for f64 writes none).
pub fn push_real(out: &mut Vec<u8>, x: f64) {
    use std::io::Write;
    if x == 0.0 {
        out.extend_from_slice(b"0.0");
        return;
    }
    let start = out.len();
    let _ = write!(out, "{x}");
    if !out[start..].contains(&b'.') {
        out.extend_from_slice(b".0");
    }
}

/// Twice the signed area of a ring in the lon/lat plane (shoelace formula):
/// positive when the ring runs counter-clockwise.
pub fn signed_area2(ring: &[[f64; 2]]) -> f64 {
    ring.windows(2).map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1]).sum()
}

/// Whether a ring must be written backwards so that exteriors are
/// counter-clockwise and holes clockwise (RFC 7946 §3.1.6, the right-hand
/// rule). `is_exterior` is true for the first ring of a polygon.
pub fn needs_reverse(ring: &[[f64; 2]], is_exterior: bool) -> bool {
    let a = signed_area2(ring);
    if is_exterior {
        a < 0.0
    } else {
        a > 0.0
    }
}

/// The ring's positions in the written order (see [`needs_reverse`]).
pub fn oriented(ring: &[[f64; 2]], is_exterior: bool) -> impl Iterator<Item = &[f64; 2]> {
    let rev = needs_reverse(ring, is_exterior);
    let n = ring.len();
    (0..n).map(move |i| if rev { &ring[n - 1 - i] } else { &ring[i] })
}

/// `[min_lon, min_lat, max_lon, max_lat]` of rounded positions, or `None`
/// when there are none.
pub fn bbox(points: impl IntoIterator<Item = [f64; 2]>) -> Option<[f64; 4]> {
    let mut b: Option<[f64; 4]> = None;
    for p in points {
        let (x, y) = (round6(p[0]), round6(p[1]));
        b = Some(match b {
            None => [x, y, x, y],
            Some(b) => [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)],
        });
    }
    b
}

fn polygon_area(polygon: &[Vec<[f64; 2]>]) -> f64 {
    let mut rings = polygon.iter();
    let outer = rings.next().map_or(0.0, |r| signed_area2(r).abs());
    outer - rings.map(|r| signed_area2(r).abs()).sum::<f64>()
}

fn ring_contains(ring: &[[f64; 2]], p: [f64; 2]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            if p[0] < x {
                inside = !inside;
            }
        }
    }
    inside
}

fn polygon_contains(polygon: &[Vec<[f64; 2]>], p: [f64; 2]) -> bool {
    let mut rings = polygon.iter();
    rings.next().is_some_and(|outer| ring_contains(outer, p)) && rings.all(|hole| !ring_contains(hole, p))
}

/// A point inside the largest polygon of a multipolygon, for label
/// placement and for the `lon`/`lat` columns of polygon layers in CSV.
///
/// The area centroid of the largest polygon when it lies inside it (holes
/// excluded); otherwise the middle of the widest inside stretch of the
/// horizontal line through the centroid, which is always inside.
pub fn representative_point(polygons: &[Vec<Vec<[f64; 2]>>]) -> [f64; 2] {
    let Some(largest) =
        polygons.iter().filter(|p| !p.is_empty()).max_by(|a, b| polygon_area(a).total_cmp(&polygon_area(b)))
    else {
        return [0.0, 0.0];
    };
    let outer = &largest[0];
    // Area centroid of the exterior minus the holes.
    let (mut a_sum, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (i, ring) in largest.iter().enumerate() {
        let sign = if i == 0 { 1.0 } else { -1.0 };
        let a = signed_area2(ring);
        let s = sign * a.signum();
        for w in ring.windows(2) {
            let cross = w[0][0] * w[1][1] - w[1][0] * w[0][1];
            cx += s * (w[0][0] + w[1][0]) * cross;
            cy += s * (w[0][1] + w[1][1]) * cross;
        }
        a_sum += s * a;
    }
    let centroid = if a_sum.abs() > 0.0 { [cx / (3.0 * a_sum), cy / (3.0 * a_sum)] } else { outer[0] };
    if polygon_contains(largest, centroid) {
        return centroid;
    }
    // Scanline through the centroid's latitude (or the exterior's middle
    // latitude if the centroid is degenerate).
    let (lo, hi) = outer.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| (lo.min(p[1]), hi.max(p[1])));
    let y = if centroid[1] > lo && centroid[1] < hi { centroid[1] } else { f64::midpoint(lo, hi) };
    let mut xs: Vec<f64> = Vec::new();
    for ring in largest {
        for w in ring.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a[1] > y) != (b[1] > y) {
                xs.push(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
            }
        }
    }
    xs.sort_by(f64::total_cmp);
    xs.chunks_exact(2)
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
        .map_or(outer[0], |c| [f64::midpoint(c[0], c[1]), y])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coord(x: f64) -> String {
        let mut v = Vec::new();
        push_coord(&mut v, x);
        String::from_utf8(v).unwrap()
    }

    fn real(x: f64) -> String {
        let mut v = Vec::new();
        push_real(&mut v, x);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn output_geom_coordinates_fixed_six_decimals() {
        assert_eq!(coord(36.2), "36.2");
        assert_eq!(coord(-0.0), "0");
        assert_eq!(coord(-0.0000001), "0");
        assert_eq!(coord(-0.000001), "-0.000001");
        assert_eq!(coord(1e-7), "0");
        assert_eq!(coord(180.0), "180");
        assert_eq!(coord(-179.9999996), "-180");
        assert_eq!(coord(43.1234565001), "43.123457");
        assert_eq!(coord(0.05), "0.05");
        assert_eq!(coord(12.000_100), "12.0001");
        assert_eq!(round6(-0.0000001).to_bits(), 0.0f64.to_bits());
        assert_eq!(round6(36.2000004), 36.2);
    }

    #[test]
    fn output_geom_reals_keep_a_decimal_point() {
        assert_eq!(real(3.0), "3.0");
        assert_eq!(real(-0.0), "0.0");
        assert_eq!(real(0.1), "0.1");
        assert_eq!(real(1e-7), "0.0000001");
        assert_eq!(real(1e21), "1000000000000000000000.0");
        assert_eq!(real(-2.5), "-2.5");
    }

    #[test]
    fn output_geom_winding() {
        let cw = vec![[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]];
        assert!(signed_area2(&cw) < 0.0);
        assert!(needs_reverse(&cw, true));
        assert!(!needs_reverse(&cw, false));
        let fixed: Vec<[f64; 2]> = oriented(&cw, true).copied().collect();
        assert!(signed_area2(&fixed) > 0.0);
        assert_eq!(fixed.first(), fixed.last());
    }

    #[test]
    fn output_geom_representative_point_avoids_hole() {
        // A square with a square hole in the middle: the centroid is in the hole.
        let outer = vec![[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]];
        let hole = vec![[1.0, 1.0], [1.0, 3.0], [3.0, 3.0], [3.0, 1.0], [1.0, 1.0]];
        let poly = vec![outer, hole];
        let p = representative_point(std::slice::from_ref(&poly));
        assert!(polygon_contains(&poly, p), "{p:?}");
        // A C shape: the centroid falls outside.
        let c = vec![vec![
            [0.0, 0.0],
            [3.0, 0.0],
            [3.0, 1.0],
            [1.0, 1.0],
            [1.0, 2.0],
            [3.0, 2.0],
            [3.0, 3.0],
            [0.0, 3.0],
            [0.0, 0.0],
        ]];
        let p = representative_point(std::slice::from_ref(&c));
        assert!(polygon_contains(&c, p), "{p:?}");
        // The largest polygon wins.
        let small = vec![vec![[10.0, 10.0], [10.5, 10.0], [10.5, 10.5], [10.0, 10.0]]];
        let big = vec![vec![[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]];
        assert_eq!(representative_point(&[small, big]), [1.0, 1.0]);
    }
}
