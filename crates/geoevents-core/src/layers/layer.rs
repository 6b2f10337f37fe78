//! The typed layer model that every writer in [`crate::layers`] takes: a
//! schema (named, typed fields), a geometry type, and features whose values
//! follow the schema in order.
//!
//! The model is deliberately small and format-neutral. It knows nothing of
//! events or places: the records are built elsewhere and handed over as a
//! [`Layer`]. [`Layer::validate`] checks everything a reader would otherwise
//! discover late and silently, for instance one non-ISO value in a Date
//! column, which makes GDAL and QGIS type the whole column as text.

use std::collections::HashSet;
use std::fmt;

/// The type of one attribute column, as GDAL, QGIS and GeoPackage see it.
///
/// Date and time values travel as [`Value::Str`] in a fixed ISO 8601 form,
/// because that is how GeoJSON (RFC 7946 has no date type), CSV and
/// GeoPackage (Requirement 5: `DATE` and `DATETIME` are ISO 8601 TEXT) carry
/// them.
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
/// header and the GeoPackage column name), its type and a sentence of
/// documentation for READMEs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldType,
    pub doc: &'static str,
}

impl Field {
    pub const fn new(name: &'static str, kind: FieldType, doc: &'static str) -> Field {
        Field { name, kind, doc }
    }
}

/// One attribute value. [`FieldType::Date`] and [`FieldType::DateTime`]
/// values are [`Value::Str`] in ISO form; any column may hold [`Value::Null`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Str(String),
    Int(i64),
    Real(f64),
    Bool(bool),
}

impl Value {
    fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "Null",
            Value::Str(_) => "Str",
            Value::Int(_) => "Int",
            Value::Real(_) => "Real",
            Value::Bool(_) => "Bool",
        }
    }
}

/// The geometry type of a whole layer (RFC 7946 §3.1.2 Point, §3.1.7
/// MultiPolygon). A layer declares it so that empty layers still have one
/// where the format can carry it (GeoPackage, CSV sidecar types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeometryType {
    Point,
    MultiPolygon,
}

impl GeometryType {
    /// The GeoJSON `type` member (RFC 7946 §1.4).
    pub fn geojson_name(self) -> &'static str {
        match self {
            GeometryType::Point => "Point",
            GeometryType::MultiPolygon => "MultiPolygon",
        }
    }
}

/// A geometry in WGS 84 longitude/latitude degrees (RFC 7946 §4).
///
/// A multipolygon is a list of polygons; a polygon is a list of linear rings,
/// the first the exterior and the others holes; a ring is closed (first
/// position equals the last) and has at least four positions (RFC 7946
/// §3.1.6). The ring orientation given here does not matter: writers emit
/// exteriors counter-clockwise and holes clockwise.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Point { lon: f64, lat: f64 },
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

impl Geometry {
    pub fn geometry_type(&self) -> GeometryType {
        match self {
            Geometry::Point { .. } => GeometryType::Point,
            Geometry::MultiPolygon(_) => GeometryType::MultiPolygon,
        }
    }
}

/// One feature: a stable identifier, a geometry and one value per field.
///
/// The identifier becomes the GeoJSON Feature `"id"` (RFC 7946 §3.2), which
/// GDAL and QGIS expose as a String field named `id`; CSV and GeoPackage get
/// an `id` column. Schemas therefore must not declare a field named `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: String,
    pub geometry: Geometry,
    /// Same order and length as [`Layer::fields`].
    pub values: Vec<Value>,
}

/// A named layer: `events`, `places` or `areas` in geoevents, but any name
/// of lower-case ASCII letters, digits and `_` works. The name is the file
/// stem of every per-layer file and the GeoPackage table name.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub name: &'static str,
    pub geometry_type: GeometryType,
    pub fields: Vec<Field>,
    pub features: Vec<Feature>,
}

/// Column names the writers add themselves, which a schema must not use:
/// `id` (feature id), `fid` and `geom` (GeoPackage primary key and geometry),
/// `lon`, `lat` and `wkt` (CSV geometry columns).
pub const RESERVED_FIELD_NAMES: &[&str] = &["id", "fid", "geom", "lon", "lat", "wkt"];

/// Why a layer cannot be written. Every variant names the layer and, where
/// there is one, the feature and field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayerError {
    #[error("layer name {0:?} must be lower-case ASCII letters, digits and '_', starting with a letter")]
    BadLayerName(String),
    #[error("two layers are named {0:?}")]
    DuplicateLayer(String),
    #[error(
        "layer {layer}: field name {field:?} must be lower-case ASCII letters, digits and '_', starting with a letter"
    )]
    BadFieldName { layer: String, field: String },
    #[error("layer {layer}: field name {field:?} is reserved (the writers add it)")]
    ReservedFieldName { layer: String, field: String },
    #[error("layer {layer}: two fields are named {field:?}")]
    DuplicateField { layer: String, field: String },
    #[error("layer {layer}: a feature has an empty id")]
    EmptyId { layer: String },
    #[error("layer {layer}: two features have the id {id:?}")]
    DuplicateId { layer: String, id: String },
    #[error("layer {layer}, feature {id:?}: {got} values for {expected} fields")]
    WrongValueCount { layer: String, id: String, expected: usize, got: usize },
    #[error("layer {layer}, feature {id:?}, field {field}: a {expected} field cannot hold a {got} value")]
    TypeMismatch { layer: String, id: String, field: String, expected: FieldType, got: &'static str },
    #[error("layer {layer}, feature {id:?}, field {field}: {value:?} is not an ISO {expected} ({format}); one such value makes QGIS type the whole column as text")]
    NotIso { layer: String, id: String, field: String, value: String, expected: FieldType, format: &'static str },
    #[error("layer {layer}, feature {id:?}, field {field}: a Real value must be finite (JSON has no NaN or infinity)")]
    NonFiniteReal { layer: String, id: String, field: String },
    #[error("layer {layer}, feature {id:?}: a {got:?} geometry in a {expected:?} layer")]
    GeometryMismatch { layer: String, id: String, expected: GeometryType, got: GeometryType },
    #[error("layer {layer}, feature {id:?}: position [{lon}, {lat}] is not a WGS 84 longitude/latitude")]
    BadPosition { layer: String, id: String, lon: f64, lat: f64 },
    #[error("layer {layer}, feature {id:?}: {reason}")]
    BadPolygon { layer: String, id: String, reason: &'static str },
}

impl From<LayerError> for std::io::Error {
    fn from(e: LayerError) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e)
    }
}

impl Layer {
    /// An empty layer with the given schema.
    pub fn new(name: &'static str, geometry_type: GeometryType, fields: Vec<Field>) -> Layer {
        Layer { name, geometry_type, fields, features: Vec::new() }
    }

    /// The position of a field in [`fields`](Self::fields).
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The field of that name, if the schema has one.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// True when the layer has no features.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Checks the layer against its own schema: names, ids unique and
    /// non-empty, one value per field of the declared type, Date and
    /// DateTime values ISO 8601 or Null, Reals finite, geometries of the
    /// layer's type with WGS 84 positions (longitude in [-180, 180], latitude
    /// in [-90, 90]) and closed rings of at least four positions (RFC 7946
    /// §3.1.6). Writers call this before they write anything.
    pub fn validate(&self) -> Result<(), LayerError> {
        let layer = || self.name.to_string();
        if !is_identifier(self.name) {
            return Err(LayerError::BadLayerName(self.name.to_string()));
        }
        let mut names = HashSet::new();
        for f in &self.fields {
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
        let mut ids: HashSet<&str> = HashSet::with_capacity(self.features.len());
        for feat in &self.features {
            if feat.id.is_empty() {
                return Err(LayerError::EmptyId { layer: layer() });
            }
            if !ids.insert(feat.id.as_str()) {
                return Err(LayerError::DuplicateId { layer: layer(), id: feat.id.clone() });
            }
            self.validate_values(feat)?;
            self.validate_geometry(feat)?;
        }
        Ok(())
    }

    fn validate_values(&self, feat: &Feature) -> Result<(), LayerError> {
        if feat.values.len() != self.fields.len() {
            return Err(LayerError::WrongValueCount {
                layer: self.name.to_string(),
                id: feat.id.clone(),
                expected: self.fields.len(),
                got: feat.values.len(),
            });
        }
        for (field, value) in self.fields.iter().zip(&feat.values) {
            let ok = matches!(
                (field.kind, value),
                (_, Value::Null)
                    | (FieldType::String | FieldType::Date | FieldType::DateTime, Value::Str(_))
                    | (FieldType::Integer, Value::Int(_))
                    | (FieldType::Real, Value::Real(_))
                    | (FieldType::Boolean, Value::Bool(_))
            );
            if !ok {
                return Err(LayerError::TypeMismatch {
                    layer: self.name.to_string(),
                    id: feat.id.clone(),
                    field: field.name.to_string(),
                    expected: field.kind,
                    got: value.kind_name(),
                });
            }
            match (field.kind, value) {
                (FieldType::Date, Value::Str(s)) if !is_iso_date(s) => {
                    return Err(self.not_iso(feat, field, s, "YYYY-MM-DD"));
                }
                (FieldType::DateTime, Value::Str(s)) if !is_iso_datetime(s) => {
                    return Err(self.not_iso(feat, field, s, "YYYY-MM-DDTHH:MM:SSZ"));
                }
                (_, Value::Real(x)) if !x.is_finite() => {
                    return Err(LayerError::NonFiniteReal {
                        layer: self.name.to_string(),
                        id: feat.id.clone(),
                        field: field.name.to_string(),
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn not_iso(&self, feat: &Feature, field: &Field, value: &str, format: &'static str) -> LayerError {
        LayerError::NotIso {
            layer: self.name.to_string(),
            id: feat.id.clone(),
            field: field.name.to_string(),
            value: value.to_string(),
            expected: field.kind,
            format,
        }
    }

    fn validate_geometry(&self, feat: &Feature) -> Result<(), LayerError> {
        let got = feat.geometry.geometry_type();
        if got != self.geometry_type {
            return Err(LayerError::GeometryMismatch {
                layer: self.name.to_string(),
                id: feat.id.clone(),
                expected: self.geometry_type,
                got,
            });
        }
        let position = |lon: f64, lat: f64| {
            if lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
                Ok(())
            } else {
                Err(LayerError::BadPosition { layer: self.name.to_string(), id: feat.id.clone(), lon, lat })
            }
        };
        let bad = |reason| LayerError::BadPolygon { layer: self.name.to_string(), id: feat.id.clone(), reason };
        match &feat.geometry {
            Geometry::Point { lon, lat } => position(*lon, *lat),
            Geometry::MultiPolygon(polygons) => {
                if polygons.is_empty() {
                    return Err(bad("a multipolygon needs at least one polygon"));
                }
                for polygon in polygons {
                    if polygon.is_empty() {
                        return Err(bad("a polygon needs an exterior ring"));
                    }
                    for ring in polygon {
                        if ring.len() < 4 {
                            return Err(bad("a linear ring needs at least four positions (RFC 7946 §3.1.6)"));
                        }
                        if ring.first() != ring.last() {
                            return Err(bad(
                                "a linear ring must be closed: first and last positions equal (RFC 7946 §3.1.6)",
                            ));
                        }
                        for p in ring {
                            position(p[0], p[1])?;
                        }
                    }
                }
                Ok(())
            }
        }
    }
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
mod tests {
    use super::*;

    fn events() -> Layer {
        let mut l = Layer::new(
            "events",
            GeometryType::Point,
            vec![
                Field::new("event_date", FieldType::Date, "day"),
                Field::new("published_at", FieldType::DateTime, "instant"),
                Field::new("confidence", FieldType::Real, "score"),
            ],
        );
        l.features.push(Feature {
            id: "e1".into(),
            geometry: Geometry::Point { lon: 36.2, lat: 36.2 },
            values: vec![Value::Str("2024-11-30".into()), Value::Str("2024-11-30T10:00:00Z".into()), Value::Real(0.5)],
        });
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
    }

    #[test]
    fn output_layer_validate_rejects_partial_date() {
        let mut l = events();
        l.features[0].values[0] = Value::Str("2024-11".into());
        assert!(matches!(l.validate(), Err(LayerError::NotIso { .. })));
    }

    #[test]
    fn output_layer_validate_rejects_schema_errors() {
        let mut l = events();
        l.fields.push(Field::new("id", FieldType::String, ""));
        l.features[0].values.push(Value::Null);
        assert!(matches!(l.validate(), Err(LayerError::ReservedFieldName { .. })));

        let mut l = events();
        l.features[0].values[2] = Value::Int(1);
        assert!(matches!(l.validate(), Err(LayerError::TypeMismatch { .. })));

        let mut l = events();
        l.features[0].values.pop();
        assert!(matches!(l.validate(), Err(LayerError::WrongValueCount { .. })));

        let mut l = events();
        let dup = l.features[0].clone();
        l.features.push(dup);
        assert!(matches!(l.validate(), Err(LayerError::DuplicateId { .. })));

        let mut l = events();
        l.features[0].values[2] = Value::Real(f64::NAN);
        assert!(matches!(l.validate(), Err(LayerError::NonFiniteReal { .. })));

        let mut l = events();
        l.features[0].geometry = Geometry::Point { lon: 200.0, lat: 0.0 };
        assert!(matches!(l.validate(), Err(LayerError::BadPosition { .. })));

        let mut l = events();
        l.features[0].geometry =
            Geometry::MultiPolygon(vec![vec![vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]]);
        assert!(matches!(l.validate(), Err(LayerError::GeometryMismatch { .. })));
    }

    #[test]
    fn output_layer_validate_rejects_open_ring() {
        let mut l = Layer::new("areas", GeometryType::MultiPolygon, vec![]);
        l.features.push(Feature {
            id: "a".into(),
            geometry: Geometry::MultiPolygon(vec![vec![vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]]]),
            values: vec![],
        });
        assert!(matches!(l.validate(), Err(LayerError::BadPolygon { .. })));
    }
}
