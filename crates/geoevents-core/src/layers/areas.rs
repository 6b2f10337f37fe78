//! The built-in area shapes for the `areas` layer: countries and
//! first-level regions as simplified Natural Earth polygons
//! (`gazetteer/areas.tsv`, made by `gazetteer/build_areas.py`), found by the
//! gazetteer's country codes and GeoNames admin1 keys.

use super::records::AreaShapes;
use crate::gazetteer::{Gazetteer, Kind};
use std::collections::HashMap;
use std::sync::OnceLock;

static AREAS_TSV: &str = include_str!("../../../../gazetteer/areas.tsv");

type MultiPolygon = Vec<Vec<Vec<[f64; 2]>>>;

/// Parses one geometry of `areas.tsv`: polygons separated by `;`, rings by
/// `|`, positions by spaces, each position `lon,lat`.
pub fn parse_geometry(text: &str) -> Option<MultiPolygon> {
    text.split(';')
        .map(|polygon| {
            polygon
                .split('|')
                .map(|ring| {
                    ring.split(' ')
                        .map(|p| {
                            let (lon, lat) = p.split_once(',')?;
                            Some([lon.parse().ok()?, lat.parse().ok()?])
                        })
                        .collect::<Option<Vec<[f64; 2]>>>()
                })
                .collect::<Option<Vec<_>>>()
        })
        .collect()
}

/// Byte ranges of each area's geometry text, by gazetteer id (parsed on demand).
fn geometry_index() -> &'static HashMap<&'static str, &'static str> {
    static INDEX: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    INDEX.get_or_init(|| {
        AREAS_TSV
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.splitn(4, '\t');
                let id = f.next()?;
                let _kind = f.next()?;
                let _name = f.next()?;
                Some((id, f.next()?))
            })
            .collect()
    })
}

/// Countries and first-level regions of a gazetteer, with the built-in shapes.
pub struct BuiltinAreas {
    countries: HashMap<String, (String, String)>,
    admin1: HashMap<String, (String, String)>,
}

impl BuiltinAreas {
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
    fn polygon(&self, gazetteer_id: &str) -> Option<MultiPolygon> {
        geometry_index().get(gazetteer_id).and_then(|g| parse_geometry(g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_polygons_with_holes() {
        let g = parse_geometry("0,0 1,0 1,1 0,0|0.2,0.2 0.3,0.2 0.3,0.3 0.2,0.2;5,5 6,5 6,6 5,5").unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].len(), 2);
        assert_eq!(g[1][0][2], [6.0, 6.0]);
        assert!(parse_geometry("0,0 x,1").is_none());
    }
}
