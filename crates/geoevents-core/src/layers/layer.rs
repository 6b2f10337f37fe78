//! The typed layer model that every writer in [`crate::layers`] takes: a
//! row type whose fields are the layer's columns ([`Row`]), a geometry type,
//! and features that pair an id and a [`geo`] geometry with one row.
//!
//! The model knows nothing of events or places: the rows are built in
//! [`super::records`] and handed over as a [`Layer`]. Writers see a layer
//! through [`AnyLayer`], whatever its row type, and take every value by its
//! field name from the row's serde form ([`AnyLayer::values`]), never by
//! position. [`AnyLayer::validate`] checks everything a reader would
//! otherwise discover late and silently: one non-ISO value in a Date column
//! (GDAL and QGIS then type the whole column as text), a row that does not
//! serialise to its schema, or a polygon that GEOS and QGIS call invalid.

use super::geojson;
use crate::gazetteer::spatial::round6;
use geo::algorithm::orient::{Direction, Orient};
use geo::{BoundingRect, InteriorPoint, MapCoordsInPlace, Validation};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;
use std::fmt;
use std::io;

/// The type of one attribute column, as GDAL, QGIS and GeoPackage see it.
///
/// Date and time values travel as strings in a fixed ISO 8601 form, because
/// that is how GeoJSON (RFC 7946 has no date type), CSV and GeoPackage
/// (Requirement 5: `DATE` and `DATETIME` are ISO 8601 TEXT) carry them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// UTF-8 text.
    String,
    /// A signed 64-bit integer.
    Integer,
    /// A finite double; written with a decimal point so readers never
    /// mistake the column for an integer one.
    Real,
    /// `true` / `false`.
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An instant in UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    DateTime,
}

impl FieldType {
    /// The name used in messages and documentation.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::String => "String",
            FieldType::Integer => "Integer",
            FieldType::Real => "Real",
            FieldType::Boolean => "Boolean",
            FieldType::Date => "Date",
            FieldType::DateTime => "DateTime",
        }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One attribute column: its name (also the GeoJSON property key, the CSV
/// header and the GeoPackage column), its type and what it means (the text
/// of `output/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Lower-case ASCII letters, digits and `_`, starting with a letter; not one of [`RESERVED_FIELD_NAMES`].
    pub name: &'static str,
    /// The column type that readers (GDAL, QGIS) should see.
    pub kind: FieldType,
    /// What the column means (units, codes), as the table in `output/README.md` gives it.
    pub doc: &'static str,
}

impl Field {
    /// A field; `const` so that [`Row::FIELDS`] can be a static table (names are checked on write).
    pub const fn new(name: &'static str, kind: FieldType, doc: &'static str) -> Field {
        Field { name, kind, doc }
    }
}

/// One attribute value, as the writers that bind values one by one (CSV,
/// GeoPackage) receive it from [`AnyLayer::values`]. Date and DateTime
/// values are [`Value::Str`] in ISO form; any column may hold [`Value::Null`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value (`None` in the row): empty in CSV, SQL NULL, JSON `null`.
    Null,
    /// A String, Date or DateTime value (UTF-8).
    Str(String),
    /// An Integer value.
    Int(i64),
    /// A Real value, finite (rows refuse NaN and infinity, see [`finite`]).
    Real(f64),
    /// A Boolean value.
    Bool(bool),
}

/// A layer's attribute row: a `#[derive(Serialize)]` struct whose fields are
/// the layer's columns, each a string, an integer, a finite `f64`, a bool
/// or an `Option` of one (`None` is Null).
///
/// The schema is declared once, beside the struct: one [`Field`] per struct
/// field, same names, same order (checked by [`AnyLayer::validate`] on every
/// write, and by a unit test per row type).
pub trait Row: Serialize + Sync {
    /// The columns, in the order the struct declares them.
    const FIELDS: &'static [Field];
}

/// `#[serde(serialize_with = "finite")]` for `f64` row fields: JSON has no
/// NaN or infinity (serde_json would quietly write `null`), so a non-finite
/// Real fails the row instead, and [`AnyLayer::validate`] names it.
pub fn finite<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        s.serialize_f64(*x)
    } else {
        Err(serde::ser::Error::custom(format!("the Real value {x} is not finite (JSON has no NaN or infinity)")))
    }
}

/// The geometry type of a whole layer (RFC 7946 §3.1.2 Point, §3.1.5
/// MultiLineString, §3.1.7 MultiPolygon). A layer declares it so that empty
/// layers still have one where the format can carry it (GeoPackage, QML).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GeometryType {
    /// One position a feature (`events`, `places`); the default.
    #[default]
    Point,
    /// Lines; none of the built-in layers uses it today.
    MultiLineString,
    /// Areas with holes, one or more polygons a feature (`areas`).
    MultiPolygon,
}

impl GeometryType {
    /// The GeoJSON `type` member (RFC 7946 §1.4).
    pub fn geojson_name(self) -> &'static str {
        match self {
            GeometryType::Point => "Point",
            GeometryType::MultiLineString => "MultiLineString",
            GeometryType::MultiPolygon => "MultiPolygon",
        }
    }
}

/// A geometry in WGS 84 longitude/latitude degrees (RFC 7946 §4), x the
/// longitude and y the latitude.
///
/// [`Feature::new`] rounds every coordinate to six decimals
/// ([`round6`]) and orients polygons the RFC 7946 §3.1.6 way (exteriors
/// counter-clockwise, holes clockwise, [`Orient`]), so that every writer
/// writes the same, valid, geometry.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    /// One position, x longitude and y latitude.
    Point(geo::Point),
    /// Lines; empty when every line has no positions.
    MultiLineString(geo::MultiLineString),
    /// Polygons, each an exterior ring and any holes; empty when no polygon has an exterior position.
    MultiPolygon(geo::MultiPolygon),
}

impl Geometry {
    /// A point at `lon`, `lat`.
    pub fn point(lon: f64, lat: f64) -> Geometry {
        Geometry::Point(geo::Point::new(lon, lat))
    }

    /// The [`GeometryType`] of this variant, to compare with a layer's.
    pub fn geometry_type(&self) -> GeometryType {
        match self {
            Geometry::Point(_) => GeometryType::Point,
            Geometry::MultiLineString(_) => GeometryType::MultiLineString,
            Geometry::MultiPolygon(_) => GeometryType::MultiPolygon,
        }
    }

    /// True for a multi-geometry without parts (a point is never empty).
    pub fn is_empty(&self) -> bool {
        match self {
            Geometry::Point(_) => false,
            Geometry::MultiLineString(m) => m.0.iter().all(|l| l.0.is_empty()),
            Geometry::MultiPolygon(m) => m.0.iter().all(|p| p.exterior().0.is_empty()),
        }
    }

    /// The point that stands for the geometry in point-only places (the
    /// `lon`/`lat` columns of CSV, labels): the point itself, or a point
    /// inside the polygons (on the lines) from [`InteriorPoint`], rounded to
    /// six decimals. `None` for an empty geometry: never a made-up 0,0.
    pub fn label_point(&self) -> Option<geo::Point> {
        let p = match self {
            Geometry::Point(p) => Some(*p),
            Geometry::MultiLineString(m) => m.interior_point(),
            Geometry::MultiPolygon(m) => m.interior_point(),
        }?;
        Some(geo::Point::new(round6(p.x()), round6(p.y())))
    }

    /// The bounding box ([`BoundingRect`]); `None` when empty.
    pub fn bounding_rect(&self) -> Option<geo::Rect> {
        match self {
            Geometry::Point(p) => Some(p.bounding_rect()),
            Geometry::MultiLineString(m) => m.bounding_rect(),
            Geometry::MultiPolygon(m) => m.bounding_rect(),
        }
    }

    /// As a `geo` geometry (a copy), for the crates that take one.
    pub fn to_geo(&self) -> geo::Geometry {
        match self {
            Geometry::Point(p) => geo::Geometry::Point(*p),
            Geometry::MultiLineString(m) => geo::Geometry::MultiLineString(m.clone()),
            Geometry::MultiPolygon(m) => geo::Geometry::MultiPolygon(m.clone()),
        }
    }

    /// Rounded to six decimals, then oriented (after rounding, so that the
    /// orientation is that of the coordinates written).
    fn normalized(mut self) -> Geometry {
        let round = |c: geo::Coord| geo::Coord { x: round6(c.x), y: round6(c.y) };
        match &mut self {
            Geometry::Point(p) => p.map_coords_in_place(round),
            Geometry::MultiLineString(m) => m.map_coords_in_place(round),
            Geometry::MultiPolygon(m) => {
                m.map_coords_in_place(round);
                *m = m.orient(Direction::Default);
            }
        }
        self
    }

    /// Every position, in order.
    fn coords(&self) -> Box<dyn Iterator<Item = geo::Coord> + '_> {
        use geo::CoordsIter;
        match self {
            Geometry::Point(p) => Box::new(std::iter::once(p.0)),
            Geometry::MultiLineString(m) => Box::new(m.coords_iter()),
            Geometry::MultiPolygon(m) => Box::new(m.coords_iter()),
        }
    }

    /// The lines and rings, for the antimeridian check.
    fn paths(&self) -> Vec<&geo::LineString> {
        match self {
            Geometry::Point(_) => Vec::new(),
            Geometry::MultiLineString(m) => m.0.iter().collect(),
            Geometry::MultiPolygon(m) => {
                m.0.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())).collect()
            }
        }
    }

    /// Why a reader would refuse or misdraw the geometry, if it would: empty,
    /// a position outside WGS 84 longitude/latitude, a segment that jumps
    /// across the antimeridian, or invalid in the OGC Simple Features sense
    /// ([`Validation`]). Checked on the geometry as written, i.e. that of a
    /// [`Feature`].
    pub fn problem(&self) -> Option<String> {
        if self.is_empty() {
            return Some(format!("an empty {}", self.geometry_type().geojson_name()));
        }
        if let Some(c) = self.coords().find(|c| !is_wgs84(c.x, c.y)) {
            return Some(format!("position [{}, {}] is not a WGS 84 longitude/latitude", c.x, c.y));
        }
        // Natural Earth and RFC 7946 §3.1.9 cut shapes at ±180; a segment
        // longer than half the world is a jump across it, which QGIS and
        // Leaflet draw as a band around the globe. Along a pole it is not a
        // jump but the edge of the map (Antarctica closes along -90).
        let jumps = |w: &[geo::Coord]| {
            let along_pole = w[0].y == w[1].y && w[0].y.abs() == 90.0;
            (w[1].x - w[0].x).abs() > 180.0 && !along_pole
        };
        for path in self.paths() {
            if let Some(w) = path.0.windows(2).find(|w| jumps(w)) {
                return Some(format!(
                    "the segment from [{}, {}] to [{}, {}] jumps across the antimeridian; cut the shape at ±180 (RFC 7946 §3.1.9)",
                    w[0].x, w[0].y, w[1].x, w[1].y
                ));
            }
        }
        let invalid = match self {
            Geometry::Point(_) => None,
            Geometry::MultiLineString(m) => m.check_validation().err().map(|e| e.to_string()),
            Geometry::MultiPolygon(m) => multipolygon_problem(m),
        };
        invalid.map(|e| format!("invalid geometry (OGC Simple Features): {e}"))
    }
}

/// `geo`'s `MultiPolygon` validation, made fast enough for every write.
/// geo 0.32 relates every pair of polygons and builds both relate graphs
/// (noding, an R-tree of segments) for each pair, even for pairs whose boxes
/// are apart: for Canada (412 polygons) that is 85,000 graphs of its
/// mainland, and validating the areas layer tripled the layer write time.
/// Here each polygon's graph is built once (`PreparedGeometry`) and only
/// pairs whose bounding boxes meet are related, with geo's own checks and
/// messages; each polygon is checked by geo's `Polygon` validation.
fn multipolygon_problem(m: &geo::MultiPolygon) -> Option<String> {
    use geo::coordinate_position::CoordPos;
    use geo::dimensions::Dimensions;
    use geo::{Intersects, PreparedGeometry, Relate};
    for (i, polygon) in m.0.iter().enumerate() {
        if let Err(e) = polygon.check_validation() {
            return Some(format!("polygon at index {i} is invalid: {e}"));
        }
    }
    let boxes: Vec<Option<geo::Rect>> = m.0.iter().map(BoundingRect::bounding_rect).collect();
    let mut prepared: Vec<Option<PreparedGeometry<'_, &geo::Polygon, f64>>> = m.0.iter().map(|_| None).collect();
    for i in 0..m.0.len() {
        for j in i + 1..m.0.len() {
            let (Some(a), Some(b)) = (boxes[i], boxes[j]) else { continue };
            if !a.intersects(&b) {
                continue;
            }
            for k in [i, j] {
                if prepared[k].is_none() {
                    prepared[k] = Some(PreparedGeometry::from(&m.0[k]));
                }
            }
            let (Some(pi), Some(pj)) = (&prepared[i], &prepared[j]) else { continue };
            let im = pi.relate(pj);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Some(format!("polygons at indices {i} and {j} overlap"));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                return Some(format!("polygons at indices {i} and {j} touch on a line"));
            }
        }
    }
    None
}

fn is_wgs84(lon: f64, lat: f64) -> bool {
    lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)
}

/// One feature: a stable identifier, a geometry and its row.
///
/// The identifier becomes the GeoJSON Feature `"id"` (RFC 7946 §3.2), which
/// GDAL and QGIS expose as a String field named `id`; CSV and GeoPackage get
/// an `id` column. Schemas therefore must not declare a field named `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature<R> {
    id: String,
    geometry: Geometry,
    /// The attribute values; its type's [`Row::FIELDS`] is the layer's schema.
    pub row: R,
}

impl<R> Feature<R> {
    /// A feature; its geometry is rounded and oriented (see [`Geometry`]).
    pub fn new(id: impl Into<String>, geometry: Geometry, row: R) -> Feature<R> {
        Feature { id: id.into(), geometry: geometry.normalized(), row }
    }

    /// The feature id (written as the GeoJSON `"id"` and the `id` column); unique and non-empty in a valid layer.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The geometry as written: rounded to six decimals and oriented.
    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }
}

/// A named layer of rows of one type: `events`, `places` or `areas` in
/// geoevents, but any name of lower-case ASCII letters, digits and `_`
/// works. The name is the file stem of every per-layer file and the
/// GeoPackage table name.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer<R> {
    /// `[a-z][a-z0-9_]*`: the file stem and GeoPackage table name.
    pub name: &'static str,
    /// What every feature's geometry must be (checked by [`AnyLayer::validate`]).
    pub geometry_type: GeometryType,
    /// The features in output order, built by [`Feature::new`] or [`Layer::push`] (so normalized).
    pub features: Vec<Feature<R>>,
}

impl<R: Row> Layer<R> {
    /// An empty layer.
    pub fn new(name: &'static str, geometry_type: GeometryType) -> Layer<R> {
        Layer { name, geometry_type, features: Vec::new() }
    }

    /// Adds a feature (see [`Feature::new`]).
    pub fn push(&mut self, id: impl Into<String>, geometry: Geometry, row: R) {
        self.features.push(Feature::new(id, geometry, row));
    }
}

/// Column names the writers add themselves, which a schema must not use:
/// `id` (feature id), `fid` and `geom` (GeoPackage primary key and geometry),
/// `lon`, `lat` and `wkt` (CSV geometry columns).
pub const RESERVED_FIELD_NAMES: &[&str] = &["id", "fid", "geom", "lon", "lat", "wkt"];

/// Why a layer cannot be written. Every variant names the layer and, where
/// there is one, the feature and field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayerError {
    /// A layer name that is not `[a-z][a-z0-9_]*` (the name given).
    #[error("layer name {0:?} must be lower-case ASCII letters, digits and '_', starting with a letter")]
    BadLayerName(String),
    /// Two layers of one output with the same name, which would share files and a table.
    #[error("two layers are named {0:?}")]
    DuplicateLayer(String),
    /// A schema field name that is not `[a-z][a-z0-9_]*`.
    #[error(
        "layer {layer}: field name {field:?} must be lower-case ASCII letters, digits and '_', starting with a letter"
    )]
    BadFieldName {
        /// The layer's name.
        layer: String,
        /// The field name as declared.
        field: String,
    },
    /// A schema field named like a column the writers add ([`RESERVED_FIELD_NAMES`]).
    #[error("layer {layer}: field name {field:?} is reserved (the writers add it)")]
    ReservedFieldName {
        /// The layer's name.
        layer: String,
        /// The reserved name.
        field: String,
    },
    /// Two schema fields with one name.
    #[error("layer {layer}: two fields are named {field:?}")]
    DuplicateField {
        /// The layer's name.
        layer: String,
        /// The repeated name.
        field: String,
    },
    /// A feature whose id is the empty string.
    #[error("layer {layer}: a feature has an empty id")]
    EmptyId {
        /// The layer's name.
        layer: String,
    },
    /// Two features with one id.
    #[error("layer {layer}: two features have the id {id:?}")]
    DuplicateId {
        /// The layer's name.
        layer: String,
        /// The repeated feature id.
        id: String,
    },
    /// A row whose serde form has other keys, or another order, than the schema.
    #[error("layer {layer}, feature {id:?}: the row serialises to the fields [{got}], the schema says [{expected}]")]
    RowFields {
        /// The layer's name.
        layer: String,
        /// The feature's id.
        id: String,
        /// The schema's field names, comma-separated.
        expected: String,
        /// The row's keys, comma-separated.
        got: String,
    },
    /// A row that serde cannot serialise, or not to a JSON object (e.g. a non-finite Real).
    #[error("layer {layer}, feature {id:?}: the row cannot be serialised: {problem}")]
    BadRow {
        /// The layer's name.
        layer: String,
        /// The feature's id.
        id: String,
        /// The serialiser's message.
        problem: String,
    },
    /// A value its field's type cannot hold: another JSON type, or an Integer that is fractional or outside i64.
    #[error("layer {layer}, feature {id:?}, field {field}: a {expected} field cannot hold {got}")]
    TypeMismatch {
        /// The layer's name.
        layer: String,
        /// The feature's id.
        id: String,
        /// The field's name.
        field: String,
        /// The type the schema declares.
        expected: FieldType,
        /// The value as JSON.
        got: String,
    },
    /// A Date or DateTime value that is not in the one ISO 8601 form the field requires.
    #[error("layer {layer}, feature {id:?}, field {field}: {value:?} is not an ISO {expected} ({format}); one such value makes QGIS type the whole column as text")]
    NotIso {
        /// The layer's name.
        layer: String,
        /// The feature's id.
        id: String,
        /// The field's name.
        field: String,
        /// The value as given.
        value: String,
        /// [`FieldType::Date`] or [`FieldType::DateTime`].
        expected: FieldType,
        /// The required form: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`.
        format: &'static str,
    },
    /// A feature geometry of another type than the layer declares.
    #[error("layer {layer}, feature {id:?}: a {got:?} geometry in a {expected:?} layer")]
    GeometryMismatch {
        /// The layer's name.
        layer: String,
        /// The feature's id.
        id: String,
        /// The layer's geometry type.
        expected: GeometryType,
        /// The feature's geometry type.
        got: GeometryType,
    },
    /// A geometry that readers would refuse or misdraw ([`Geometry::problem`]).
    #[error("layer {layer}, feature {id:?}: {problem}")]
    BadGeometry {
        /// The layer's name.
        layer: String,
        /// The feature's id.
        id: String,
        /// What is wrong, with the position or polygon indices.
        problem: String,
    },
}

impl From<LayerError> for io::Error {
    fn from(e: LayerError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidInput, e)
    }
}

/// A layer as the writers see it, whatever its row type: the schema, and
/// for every feature its id, geometry and values by field name.
pub trait AnyLayer: Sync {
    /// The layer name ([`Layer::name`]): file stem and GeoPackage table name.
    fn name(&self) -> &'static str;
    /// The geometry type every feature must have, declared even when the layer is empty.
    fn geometry_type(&self) -> GeometryType;
    /// The schema ([`Row::FIELDS`]).
    fn fields(&self) -> &'static [Field];
    /// The number of features.
    fn len(&self) -> usize;
    /// Feature `i`'s id (`i` below [`len`](Self::len), else a panic).
    fn id(&self, i: usize) -> &str;
    /// Feature `i`'s geometry, already rounded and oriented (`i` below [`len`](Self::len)).
    fn geometry(&self, i: usize) -> &Geometry;
    /// The values of feature `i`, one per schema field in schema order,
    /// each taken by its field name from the row's serde form.
    fn values(&self, i: usize) -> Result<Vec<Value>, LayerError>;
    /// Appends feature `i` as one RFC 7946 Feature object ([`geojson`]).
    fn push_geojson_feature(&self, i: usize, buf: &mut Vec<u8>) -> io::Result<()>;

    /// True when the layer has no features.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The field of that name, if the schema has one.
    fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// Checks the layer: names, ids unique and non-empty, every row
    /// serialising to exactly the schema's fields in order with values of
    /// the declared types (Date and DateTime ISO 8601 or Null), geometries of
    /// the layer's type, non-empty, with WGS 84 positions (longitude in
    /// [-180, 180], latitude in [-90, 90]), no segment jumping across the
    /// antimeridian, and valid in the OGC Simple Features sense
    /// ([`Validation`]: rings closed and simple, holes inside, polygons of a
    /// multipolygon not overlapping). Writers call this before they write
    /// anything; the first bad feature (in layer order) is reported.
    fn validate(&self) -> Result<(), LayerError> {
        let layer = || self.name().to_string();
        if !is_identifier(self.name()) {
            return Err(LayerError::BadLayerName(layer()));
        }
        let mut names = HashSet::new();
        for f in self.fields() {
            if !is_identifier(f.name) {
                return Err(LayerError::BadFieldName { layer: layer(), field: f.name.to_string() });
            }
            if RESERVED_FIELD_NAMES.contains(&f.name) {
                return Err(LayerError::ReservedFieldName { layer: layer(), field: f.name.to_string() });
            }
            if !names.insert(f.name) {
                return Err(LayerError::DuplicateField { layer: layer(), field: f.name.to_string() });
            }
        }
        let mut ids: HashSet<&str> = HashSet::with_capacity(self.len());
        for i in 0..self.len() {
            let id = self.id(i);
            if id.is_empty() {
                return Err(LayerError::EmptyId { layer: layer() });
            }
            if !ids.insert(id) {
                return Err(LayerError::DuplicateId { layer: layer(), id: id.to_string() });
            }
        }
        // Polygon validation is the costly part: features in parallel, the
        // first failure in layer order reported so messages are stable.
        match (0..self.len()).into_par_iter().find_map_first(|i| check_feature(self, i).err()) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

fn check_feature<L: AnyLayer + ?Sized>(layer: &L, i: usize) -> Result<(), LayerError> {
    let id = || layer.id(i).to_string();
    let name = || layer.name().to_string();
    for (field, value) in layer.fields().iter().zip(layer.values(i)?) {
        match (field.kind, &value) {
            (FieldType::Date, Value::Str(s)) if !is_iso_date(s) => {
                return Err(not_iso(layer, i, field, s, "YYYY-MM-DD"));
            }
            (FieldType::DateTime, Value::Str(s)) if !is_iso_datetime(s) => {
                return Err(not_iso(layer, i, field, s, "YYYY-MM-DDTHH:MM:SSZ"));
            }
            _ => {}
        }
    }
    let geometry = layer.geometry(i);
    if geometry.geometry_type() != layer.geometry_type() {
        return Err(LayerError::GeometryMismatch {
            layer: name(),
            id: id(),
            expected: layer.geometry_type(),
            got: geometry.geometry_type(),
        });
    }
    match geometry.problem() {
        Some(problem) => Err(LayerError::BadGeometry { layer: name(), id: id(), problem }),
        None => Ok(()),
    }
}

fn not_iso<L: AnyLayer + ?Sized>(layer: &L, i: usize, field: &Field, value: &str, format: &'static str) -> LayerError {
    LayerError::NotIso {
        layer: layer.name().to_string(),
        id: layer.id(i).to_string(),
        field: field.name.to_string(),
        value: value.to_string(),
        expected: field.kind,
        format,
    }
}

impl<R: Row> AnyLayer for Layer<R> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn geometry_type(&self) -> GeometryType {
        self.geometry_type
    }
    fn fields(&self) -> &'static [Field] {
        R::FIELDS
    }
    fn len(&self) -> usize {
        self.features.len()
    }
    fn id(&self, i: usize) -> &str {
        &self.features[i].id
    }
    fn geometry(&self, i: usize) -> &Geometry {
        &self.features[i].geometry
    }
    fn values(&self, i: usize) -> Result<Vec<Value>, LayerError> {
        row_values(self.name, &self.features[i])
    }
    fn push_geojson_feature(&self, i: usize, buf: &mut Vec<u8>) -> io::Result<()> {
        geojson::push_feature(buf, &self.features[i])
    }
}

/// The row's values by field name: serialised through serde into a JSON
/// object, whose keys must be the schema's names in order, then each value
/// typed by the field of its name.
fn row_values<R: Row>(layer: &str, feature: &Feature<R>) -> Result<Vec<Value>, LayerError> {
    let bad = |problem: String| LayerError::BadRow { layer: layer.to_string(), id: feature.id.clone(), problem };
    let object = match serde_json::to_value(&feature.row).map_err(|e| bad(e.to_string()))? {
        serde_json::Value::Object(o) => o,
        other => return Err(bad(format!("a row must serialise to an object, not {other}"))),
    };
    if object.len() != R::FIELDS.len() || object.keys().zip(R::FIELDS).any(|(k, f)| k != f.name) {
        return Err(LayerError::RowFields {
            layer: layer.to_string(),
            id: feature.id.clone(),
            expected: R::FIELDS.iter().map(|f| f.name).collect::<Vec<_>>().join(", "),
            got: object.keys().map(String::as_str).collect::<Vec<_>>().join(", "),
        });
    }
    // The keys are the schema's names in schema order (checked above), so
    // each entry is its field's value.
    R::FIELDS
        .iter()
        .zip(object.values())
        .map(|(field, json)| {
            use serde_json::Value as J;
            let value = match (field.kind, json) {
                (_, J::Null) => Some(Value::Null),
                (FieldType::String | FieldType::Date | FieldType::DateTime, J::String(s)) => {
                    Some(Value::Str(s.clone()))
                }
                (FieldType::Integer, J::Number(n)) => n.as_i64().map(Value::Int),
                (FieldType::Real, J::Number(n)) => n.as_f64().map(Value::Real),
                (FieldType::Boolean, J::Bool(b)) => Some(Value::Bool(*b)),
                _ => None,
            };
            value.ok_or_else(|| LayerError::TypeMismatch {
                layer: layer.to_string(),
                id: feature.id.clone(),
                field: field.name.to_string(),
                expected: field.kind,
                got: json.to_string(),
            })
        })
        .collect()
}

/// `[a-z][a-z0-9_]*`: safe as a file stem, an SQL identifier, a JSON key and
/// a CSV header without quoting.
fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z')) && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// True for a real calendar date written `YYYY-MM-DD` (ISO 8601 calendar
/// date, extended format; years 0001-9999), the form GDAL and QGIS type as Date.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10])) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

/// True for a UTC instant written `YYYY-MM-DDTHH:MM:SSZ` (ISO 8601 /
/// RFC 3339 with the `Z` designator; QGIS 3.22 ignores numeric offsets).
pub fn is_iso_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (digits(&b[11..13]), digits(&b[14..16]), digits(&b[17..19])) else {
        return false;
    };
    is_iso_date(&s[..10]) && h < 24 && m < 60 && sec < 60
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use geo::{polygon, Contains};

    /// A row type for the model's own tests.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct TestRow {
        pub event_date: Option<String>,
        pub published_at: Option<String>,
        #[serde(serialize_with = "finite")]
        pub confidence: f64,
    }

    impl Row for TestRow {
        const FIELDS: &'static [Field] = &[
            Field::new("event_date", FieldType::Date, "day"),
            Field::new("published_at", FieldType::DateTime, "instant"),
            Field::new("confidence", FieldType::Real, "score"),
        ];
    }

    pub fn row(date: &str) -> TestRow {
        TestRow { event_date: Some(date.into()), published_at: Some("2024-11-30T10:00:00Z".into()), confidence: 0.5 }
    }

    fn events() -> Layer<TestRow> {
        let mut l = Layer::new("events", GeometryType::Point);
        l.push("e1", Geometry::point(36.2, 36.2), row("2024-11-30"));
        l
    }

    fn square(x: f64, y: f64, size: f64) -> geo::Polygon {
        polygon![(x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size)]
    }

    fn areas(geometry: Geometry) -> Layer<TestRow> {
        let mut l = Layer::new("areas", geometry.geometry_type());
        l.push("a", geometry, row("2024-11-30"));
        l
    }

    #[test]
    fn output_layer_iso_dates() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
        assert!(!is_iso_date("2024-13-01"));
        assert!(!is_iso_date("2024-11"));
        assert!(!is_iso_date("2024-1-01"));
        assert!(!is_iso_date("0000-01-01"));
        assert!(is_iso_datetime("2024-11-30T23:59:59Z"));
        assert!(!is_iso_datetime("2024-11-30T24:00:00Z"));
        assert!(!is_iso_datetime("2024-11-30T10:00:00+03:00"));
        assert!(!is_iso_datetime("2024-11-30 10:00:00Z"));
    }

    #[test]
    fn output_layer_validate_accepts_good_layer() {
        events().validate().unwrap();
        assert_eq!(
            events().values(0).unwrap(),
            [Value::Str("2024-11-30".into()), Value::Str("2024-11-30T10:00:00Z".into()), Value::Real(0.5)]
        );
    }

    #[test]
    fn output_layer_validate_rejects_bad_values() {
        let mut l = events();
        l.features[0].row.event_date = Some("2024-11".into());
        assert!(matches!(l.validate(), Err(LayerError::NotIso { .. })), "{:?}", l.validate());

        let mut l = events();
        l.features[0].row.confidence = f64::NAN;
        let e = l.validate().unwrap_err();
        assert!(matches!(e, LayerError::BadRow { .. }), "{e}");
        assert!(e.to_string().contains("not finite"), "{e}");

        let mut l = events();
        let dup = l.features[0].clone();
        l.features.push(dup);
        assert!(matches!(l.validate(), Err(LayerError::DuplicateId { .. })));

        let mut l = events();
        l.push("e2", Geometry::point(200.0, 0.0), row("2024-11-30"));
        let e = l.validate().unwrap_err();
        assert!(e.to_string().starts_with("layer events, feature \"e2\": position [200, 0]"), "{e}");

        let mut l = events();
        l.push("e3", Geometry::MultiPolygon(square(0.0, 0.0, 1.0).into()), row("2024-11-30"));
        assert!(matches!(l.validate(), Err(LayerError::GeometryMismatch { .. })));
    }

    #[test]
    fn output_layer_row_must_match_its_schema() {
        #[derive(Serialize)]
        struct Swapped {
            published_at: Option<String>,
            event_date: Option<String>,
            confidence: f64,
        }
        impl Row for Swapped {
            const FIELDS: &'static [Field] = TestRow::FIELDS;
        }
        let mut l = Layer::new("events", GeometryType::Point);
        l.push("e1", Geometry::point(0.0, 0.0), Swapped { published_at: None, event_date: None, confidence: 1.0 });
        let e = l.validate().unwrap_err();
        assert!(matches!(e, LayerError::RowFields { .. }), "{e}");
        assert!(e.to_string().contains("[published_at, event_date, confidence]"), "{e}");

        #[derive(Serialize)]
        struct WrongType {
            event_date: Option<String>,
            published_at: Option<String>,
            confidence: &'static str,
        }
        impl Row for WrongType {
            const FIELDS: &'static [Field] = TestRow::FIELDS;
        }
        let mut l = Layer::new("events", GeometryType::Point);
        l.push("e1", Geometry::point(0.0, 0.0), WrongType { event_date: None, published_at: None, confidence: "high" });
        let e = l.validate().unwrap_err();
        assert_eq!(e.to_string(), "layer events, feature \"e1\", field confidence: a Real field cannot hold \"high\"");
    }

    #[test]
    fn output_layer_polygons_are_oriented_and_rounded() {
        // Exterior clockwise, hole counter-clockwise: both the wrong way round.
        let outer = geo::LineString::from(vec![(0.0, 0.0), (0.0, 4.0), (4.0, 4.0), (4.0, 0.0), (0.0, 0.0)]);
        let hole = geo::LineString::from(vec![(1.0, 1.0), (3.0, 1.0), (3.0, 3.0), (1.0, 3.000_000_4), (1.0, 1.0)]);
        let l = areas(Geometry::MultiPolygon(geo::Polygon::new(outer, vec![hole]).into()));
        l.validate().unwrap();
        let Geometry::MultiPolygon(m) = l.geometry(0) else { panic!() };
        use geo::orient::Orient;
        assert_eq!(m, &m.orient(Direction::Default), "already RFC 7946 oriented");
        assert_eq!(m.0[0].interiors()[0].0[1], geo::coord! {x: 1.0, y: 3.0}, "reversed, rounded");
        assert!(geo::Winding::is_ccw(m.0[0].exterior()));
        assert!(geo::Winding::is_cw(&m.0[0].interiors()[0]));
    }

    #[test]
    fn output_layer_rejects_invalid_polygons() {
        // A bow tie: the exterior crosses itself.
        let bow = geo::Polygon::new(
            geo::LineString::from(vec![(0.0, 0.0), (2.0, 2.0), (2.0, 0.0), (0.0, 2.0), (0.0, 0.0)]),
            vec![],
        );
        let e = areas(Geometry::MultiPolygon(bow.into())).validate().unwrap_err();
        assert!(matches!(e, LayerError::BadGeometry { .. }));
        assert!(e.to_string().starts_with("layer areas, feature \"a\": invalid geometry"), "{e}");
        assert!(e.to_string().contains("self-intersection") || e.to_string().contains("intersect"), "{e}");

        // Two overlapping polygons in one multipolygon.
        let overlap = geo::MultiPolygon(vec![square(0.0, 0.0, 2.0), square(1.0, 1.0, 2.0)]);
        let e = areas(Geometry::MultiPolygon(overlap)).validate().unwrap_err();
        assert!(e.to_string().contains("overlap"), "{e}");

        // Two squares sharing an edge: valid polygons, an invalid multipolygon (as geo says too).
        let touching = geo::MultiPolygon(vec![square(0.0, 0.0, 1.0), square(1.0, 0.0, 1.0)]);
        assert!(!touching.is_valid());
        let e = areas(Geometry::MultiPolygon(touching)).validate().unwrap_err();
        assert!(e.to_string().ends_with("polygons at indices 0 and 1 touch on a line"), "{e}");
        // Touching at a corner only: valid.
        areas(Geometry::MultiPolygon(geo::MultiPolygon(vec![square(0.0, 0.0, 1.0), square(1.0, 1.0, 1.0)])))
            .validate()
            .unwrap();

        // Empty: no polygon at all.
        let e = areas(Geometry::MultiPolygon(geo::MultiPolygon(vec![]))).validate().unwrap_err();
        assert!(e.to_string().ends_with("an empty MultiPolygon"), "{e}");
        assert_eq!(Geometry::MultiPolygon(geo::MultiPolygon(vec![])).label_point(), None);
    }

    #[test]
    fn output_layer_rejects_antimeridian_jumps() {
        // A ring from 179 to -179 the short way round: drawn as a band around the world.
        let jump = geo::Polygon::new(
            geo::LineString::from(vec![(179.0, 60.0), (-179.0, 60.0), (-179.0, 62.0), (179.0, 62.0), (179.0, 60.0)]),
            vec![],
        );
        let e = areas(Geometry::MultiPolygon(jump.into())).validate().unwrap_err();
        assert!(e.to_string().contains("antimeridian"), "{e}");
        // The same area cut at ±180, as Natural Earth gives it: valid.
        let east = geo::Polygon::new(
            geo::LineString::from(vec![(179.0, 60.0), (180.0, 60.0), (180.0, 62.0), (179.0, 62.0), (179.0, 60.0)]),
            vec![],
        );
        let west = geo::Polygon::new(
            geo::LineString::from(vec![(-180.0, 60.0), (-179.0, 60.0), (-179.0, 62.0), (-180.0, 62.0), (-180.0, 60.0)]),
            vec![],
        );
        areas(Geometry::MultiPolygon(geo::MultiPolygon(vec![east, west]))).validate().unwrap();
        // Antarctica as Natural Earth closes it: along the south pole from -180 to 180.
        let pole = geo::Polygon::new(
            geo::LineString::from(vec![
                (-180.0, -90.0),
                (180.0, -90.0),
                (180.0, -70.0),
                (90.0, -66.0),
                (0.0, -70.0),
                (-90.0, -72.0),
                (-180.0, -70.0),
                (-180.0, -90.0),
            ]),
            vec![],
        );
        areas(Geometry::MultiPolygon(pole.into())).validate().unwrap();
    }

    #[test]
    fn output_layer_label_point_inside() {
        // A C shape: its centroid lies outside it.
        let c = geo::Polygon::new(
            geo::LineString::from(vec![
                (0.0, 0.0),
                (3.0, 0.0),
                (3.0, 1.0),
                (1.0, 1.0),
                (1.0, 2.0),
                (3.0, 2.0),
                (3.0, 3.0),
                (0.0, 3.0),
                (0.0, 0.0),
            ]),
            vec![],
        );
        let g = Geometry::MultiPolygon(geo::MultiPolygon(vec![c.clone(), square(10.0, 10.0, 0.5)]));
        let p = g.label_point().unwrap();
        assert!(c.contains(&p), "{p:?}");
        // A line layer gets a point on its line.
        let line = geo::MultiLineString(vec![geo::LineString::from(vec![(0.0, 0.0), (2.0, 0.0)])]);
        let p = Geometry::MultiLineString(line).label_point().unwrap();
        assert_eq!(p.y(), 0.0);
    }

    #[test]
    fn output_layer_lines_are_validated() {
        let mut l: Layer<TestRow> = Layer::new("rivers", GeometryType::MultiLineString);
        let ok = geo::MultiLineString(vec![geo::LineString::from(vec![(30.0, 10.0), (31.0, 11.0), (31.5, 10.0)])]);
        l.push("r1", Geometry::MultiLineString(ok), row("2024-11-30"));
        l.validate().unwrap();
        let one = geo::MultiLineString(vec![geo::LineString::from(vec![(30.0, 10.0), (30.0, 10.0)])]);
        l.push("r2", Geometry::MultiLineString(one), row("2024-11-30"));
        let e = l.validate().unwrap_err();
        assert!(e.to_string().starts_with("layer rivers, feature \"r2\": invalid geometry"), "{e}");
    }
}
