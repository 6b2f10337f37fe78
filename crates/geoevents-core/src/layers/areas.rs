//! The built-in area shapes for the `areas` layer: countries and
//! first-level regions as simplified Natural Earth polygons
//! (`gazetteer/areas.tsv`, made by `gazetteer/build_areas.py`), found by the
//! gazetteer's country codes and GeoNames admin1 keys.
//!
//! Natural Earth cuts shapes at the antimeridian (RFC 7946 §3.1.9 asks the
//! same of GeoJSON): Russia, Fiji or the United States are multipolygons
//! with parts that end at +180 and parts that start at -180, never a ring
//! that jumps across. [`super::layer::Geometry::problem`] refuses such a jump.

use super::records::AreaShapes;
use crate::gazetteer::{Gazetteer, Kind};
use std::collections::HashMap;
use std::sync::OnceLock;

static AREAS_TSV: &str = include_str!("../../../../gazetteer/areas.tsv");

/// Parses one geometry of `areas.tsv`: polygons separated by `;`, rings by
/// `|` (the first the exterior, the others holes), positions by spaces, each
/// position `lon,lat`. `None` when a number does not parse or a polygon has
/// no exterior.
pub fn parse_geometry(text: &str) -> Option<geo::MultiPolygon> {
    let ring = |ring: &str| -> Option<geo::LineString> {
        ring.split(' ')
            .map(|p| {
                let (lon, lat) = p.split_once(',')?;
                Some(geo::coord! { x: lon.parse().ok()?, y: lat.parse().ok()? })
            })
            .collect::<Option<Vec<geo::Coord>>>()
            .map(geo::LineString)
    };
    text.split(';')
        .map(|polygon| {
            let mut rings = polygon.split('|').map(ring);
            let exterior = rings.next()??;
            Some(geo::Polygon::new(exterior, rings.collect::<Option<Vec<_>>>()?))
        })
        .collect::<Option<Vec<_>>>()
        .map(geo::MultiPolygon)
}

/// One line of `areas.tsv`: `(id, kind, name, geometry text)`.
fn area_lines() -> impl Iterator<Item = (&'static str, &'static str, &'static str, &'static str)> {
    AREAS_TSV.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).filter_map(|l| {
        let mut f = l.splitn(4, '\t');
        Some((f.next()?, f.next()?, f.next()?, f.next()?))
    })
}

/// Each area's geometry text, by gazetteer id (parsed on demand).
fn geometry_index() -> &'static HashMap<&'static str, &'static str> {
    static INDEX: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    INDEX.get_or_init(|| area_lines().map(|(id, _, _, geometry)| (id, geometry)).collect())
}

/// Countries and first-level regions of a gazetteer, with the built-in shapes.
pub struct BuiltinAreas {
    countries: HashMap<String, (String, String)>,
    admin1: HashMap<String, (String, String)>,
}

impl BuiltinAreas {
    /// Indexes `gaz`'s countries by ISO 3166-1 alpha-2 and its admin1 records by
    /// GeoNames admin1 key (`SY.09`), keeping the first record of each; one pass over every record.
    pub fn new(gaz: &Gazetteer) -> BuiltinAreas {
        let store = gaz.store();
        let (mut countries, mut admin1) = (HashMap::new(), HashMap::new());
        for i in 0..store.len() {
            match store.kind(i) {
                Kind::Country => {
                    let p = store.place(i);
                    countries
                        .entry(p.country_code.to_string())
                        .or_insert_with(|| (p.id.to_string(), p.name.to_string()));
                }
                Kind::Admin1 => {
                    let p = store.place(i);
                    if !p.admin1_code.is_empty() {
                        admin1
                            .entry(p.admin1_code.to_string())
                            .or_insert_with(|| (p.id.to_string(), p.name.to_string()));
                    }
                }
                _ => {}
            }
        }
        BuiltinAreas { countries, admin1 }
    }
}

impl AreaShapes for BuiltinAreas {
    fn country(&self, country_code: &str) -> Option<(String, String)> {
        self.countries.get(country_code).cloned()
    }
    fn admin1(&self, admin1_code: &str) -> Option<(String, String)> {
        self.admin1.get(admin1_code).cloned()
    }
    fn shape(&self, gazetteer_id: &str) -> Option<geo::MultiPolygon> {
        geometry_index().get(gazetteer_id).and_then(|g| parse_geometry(g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::layer::{Feature, Geometry};
    use rayon::prelude::*;

    /// An area's shape as the writers write it (rounded, oriented).
    fn written(geometry: &str) -> Option<Geometry> {
        let shape = parse_geometry(geometry)?;
        Some(Feature::new("x", Geometry::MultiPolygon(shape), ()).geometry().clone())
    }

    #[test]
    fn parses_polygons_with_holes() {
        let g = parse_geometry("0,0 1,0 1,1 0,0|0.2,0.2 0.3,0.2 0.3,0.3 0.2,0.2;5,5 6,5 6,6 5,5").unwrap();
        assert_eq!(g.0.len(), 2);
        assert_eq!(g.0[0].interiors().len(), 1);
        assert_eq!(g.0[1].exterior().0[2], geo::coord! {x: 6.0, y: 6.0});
        assert!(parse_geometry("0,0 x,1").is_none());
    }

    #[test]
    fn every_shipped_area_polygon_is_valid() {
        let lines: Vec<_> = area_lines().collect();
        assert!(lines.len() > 4000, "{} areas", lines.len());
        let mut invalid: Vec<String> = lines
            .par_iter()
            .filter_map(|(id, _, name, geometry)| {
                let problem = match written(geometry) {
                    None => Some("does not parse".to_string()),
                    Some(g) => g.problem(),
                };
                problem.map(|p| format!("{id} {name}: {p}"))
            })
            .collect();
        invalid.sort();
        assert!(
            invalid.is_empty(),
            "{} of {} area polygons are invalid:\n{}",
            invalid.len(),
            lines.len(),
            invalid.join("\n")
        );
    }

    #[test]
    fn antimeridian_areas_are_cut_not_jumping() {
        // Russia, Fiji and the United States reach across ±180: as Natural
        // Earth gives them, parts end at +180 and others start at -180.
        for (id, name) in
            [("geonames:2017370", "Russia"), ("geonames:2205218", "Fiji"), ("geonames:6252001", "United States")]
        {
            let text = geometry_index().get(id).unwrap_or_else(|| panic!("no shape for {name}"));
            let Some(Geometry::MultiPolygon(m)) = written(text) else { panic!("{name} does not parse") };
            let xs = || m.0.iter().flat_map(|p| p.exterior().0.iter().map(|c| c.x));
            assert!(xs().any(|x| x > 179.0) && xs().any(|x| x < -179.0), "{name} does not reach both sides of ±180");
            for (i, polygon) in m.0.iter().enumerate() {
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    for w in ring.0.windows(2) {
                        assert!(
                            (w[1].x - w[0].x).abs() <= 180.0,
                            "{name} polygon {i} jumps across the antimeridian: {w:?}"
                        );
                    }
                }
            }
        }
    }
}
