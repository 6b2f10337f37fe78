//! QGIS layer styles (QML), written beside the layer files.
//!
//! QGIS applies `NAME.qml` automatically when it opens `NAME.geojson` (or
//! `NAME.csv`, `NAME.geojsons`): the file is its "default style". The XML
//! follows what QGIS 3.22 itself saves (`QgsMapLayer::saveNamedStyle`),
//! trimmed to the style categories written here: Symbology, Labeling and
//! Temporal. Symbol layers carry their properties twice, as the `Option` map
//! of QGIS 3.20+ and as the older `prop` list, so older 3.x releases read
//! them too.
//!
//! What each layer gets, decided from its schema ([`style_for`]):
//! - a field `event_class`: a categorized renderer with one colour per type
//!   and a grey "all other values" class;
//! - a field `event_date` (Date or DateTime): Temporal Controller settings,
//!   mode "Single field with date/time", each feature shown for one day;
//! - a point layer with `place_name` and no `event_class`: labels on
//!   `place_name`, and the marker size growing with `mention_count` when
//!   there is one;
//! - a polygon layer with `mention_count`: a graduated fill (a choropleth)
//!   in five fixed classes, 1 / 2-5 / 6-20 / 21-100 / more than 100, so the
//!   legend means the same thing from one run to the next; a line layer gets
//!   the same classes as line colours.

use super::layer::{AnyLayer, FieldType, GeometryType, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;

/// Colours given to event types when the caller names none: Tableau 10
/// without its grey, which marks "other".
pub const PALETTE: &[&str] =
    &["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"];
/// The colour of events whose type has no class of its own.
pub const OTHER_COLOUR: &str = "#8c8c8c";

const AREA_CLASSES: &[(f64, f64, &str, &str)] = &[
    (0.5, 1.5, "1", "#fee5d9"),
    (1.5, 5.5, "2 - 5", "#fcae91"),
    (5.5, 20.5, "6 - 20", "#fb6a4a"),
    (20.5, 100.5, "21 - 100", "#de2d26"),
    (100.5, 1_000_000_000.0, "more than 100", "#a50f15"),
];

/// `#rrggbb` as QGIS's `r,g,b,255`.
fn qgis_colour(hex: &str) -> io::Result<String> {
    let h = hex.strip_prefix('#').unwrap_or(hex);
    let bad = || io::Error::new(io::ErrorKind::InvalidInput, format!("colour {hex:?} is not #rrggbb"));
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).map_err(|_| bad());
    Ok(format!("{},{},{},255", c(0)?, c(2)?, c(4)?))
}

/// XML attribute escaping.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            _ => out.push(ch),
        }
    }
    out
}

const NO_DD: &str = r#"<data_defined_properties><Option type="Map"><Option name="name" type="QString" value=""/><Option name="properties"/><Option name="type" type="QString" value="collection"/></Option></data_defined_properties>"#;

/// A data-defined property collection with one expression-based property
/// (`type` 3 is `QgsProperty::ExpressionBasedProperty`).
fn dd_expression(key: &str, expression: &str) -> String {
    format!(
        r#"<data_defined_properties><Option type="Map"><Option name="name" type="QString" value=""/><Option name="properties" type="Map"><Option name="{key}" type="Map"><Option name="active" type="bool" value="true"/><Option name="expression" type="QString" value="{}"/><Option name="type" type="int" value="3"/></Option></Option><Option name="type" type="QString" value="collection"/></Option></data_defined_properties>"#,
        esc(expression)
    )
}

fn symbol_layer(class: &str, props: &[(&str, String)], dd: &str) -> String {
    let mut s = format!(
        "\n        <layer enabled=\"1\" pass=\"0\" class=\"{class}\" locked=\"0\">\n          <Option type=\"Map\">"
    );
    for (k, v) in props {
        let _ = write!(s, "\n            <Option name=\"{k}\" type=\"QString\" value=\"{}\"/>", esc(v));
    }
    s.push_str("\n          </Option>");
    for (k, v) in props {
        let _ = write!(s, "\n          <prop k=\"{k}\" v=\"{}\"/>", esc(v));
    }
    let _ = write!(s, "\n          {dd}\n        </layer>");
    s
}

fn marker_symbol(name: &str, colour: &str, size_expression: Option<&str>) -> String {
    let props = [
        ("angle", "0".to_string()),
        ("color", colour.to_string()),
        ("horizontal_anchor_point", "1".into()),
        ("joinstyle", "bevel".into()),
        ("name", "circle".into()),
        ("offset", "0,0".into()),
        ("offset_unit", "MM".into()),
        ("outline_color", "255,255,255,255".into()),
        ("outline_style", "solid".into()),
        ("outline_width", "0.2".into()),
        ("outline_width_unit", "MM".into()),
        ("scale_method", "diameter".into()),
        ("size", "2.4".into()),
        ("size_unit", "MM".into()),
        ("vertical_anchor_point", "1".into()),
    ];
    let dd = size_expression.map_or_else(|| NO_DD.to_string(), |e| dd_expression("size", e));
    format!(
        "\n      <symbol name=\"{}\" type=\"marker\" alpha=\"0.9\" clip_to_extent=\"1\" force_rhr=\"0\">\n        {NO_DD}{}\n      </symbol>",
        esc(name),
        symbol_layer("SimpleMarker", &props, &dd)
    )
}

fn line_symbol(name: &str, colour: &str) -> String {
    let props = [
        ("align_dash_pattern", "0".to_string()),
        ("capstyle", "round".into()),
        ("customdash", "5;2".into()),
        ("customdash_unit", "MM".into()),
        ("draw_inside_polygon", "0".into()),
        ("joinstyle", "round".into()),
        ("line_color", colour.to_string()),
        ("line_style", "solid".into()),
        ("line_width", "0.66".into()),
        ("line_width_unit", "MM".into()),
        ("offset", "0".into()),
        ("offset_unit", "MM".into()),
        ("ring_filter", "0".into()),
        ("use_custom_dash", "0".into()),
    ];
    format!(
        "\n      <symbol name=\"{}\" type=\"line\" alpha=\"0.9\" clip_to_extent=\"1\" force_rhr=\"0\">\n        {NO_DD}{}\n      </symbol>",
        esc(name),
        symbol_layer("SimpleLine", &props, NO_DD)
    )
}

fn fill_symbol(name: &str, colour: &str) -> String {
    let props = [
        ("color", colour.to_string()),
        ("joinstyle", "bevel".into()),
        ("offset", "0,0".into()),
        ("offset_unit", "MM".into()),
        ("outline_color", "110,110,110,255".into()),
        ("outline_style", "solid".into()),
        ("outline_width", "0.2".into()),
        ("outline_width_unit", "MM".into()),
        ("style", "solid".into()),
    ];
    format!(
        "\n      <symbol name=\"{}\" type=\"fill\" alpha=\"0.85\" clip_to_extent=\"1\" force_rhr=\"0\">\n        {NO_DD}{}\n      </symbol>",
        esc(name),
        symbol_layer("SimpleFill", &props, NO_DD)
    )
}

/// What a style holds; built by [`style_for`] or by hand.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Style {
    /// Marker, line or fill symbols.
    pub geometry: GeometryType,
    /// Categorized renderer: the field and `(value, #rrggbb)` classes, in
    /// legend order; values not listed are drawn in [`OTHER_COLOUR`].
    pub categories: Option<(String, Vec<(String, String)>)>,
    /// Graduated renderer on this field, in the fixed classes of the module docs.
    pub graduated: Option<String>,
    /// Marker size grows with the square root of this field.
    pub size_field: Option<String>,
    /// Labels from this field.
    pub label_field: Option<String>,
    /// Temporal Controller on this Date/DateTime field.
    pub temporal_field: Option<String>,
}

/// The style QGIS should apply to `layer` (see the module docs), with
/// `event_colours` as the classes of `event_class` (`(type, "#rrggbb")`);
/// when that list is empty, the types present in the layer, sorted, take
/// the colours of [`PALETTE`] in turn.
pub fn style_for(layer: &dyn AnyLayer, event_colours: &[(&str, &str)]) -> io::Result<Style> {
    let geometry = layer.geometry_type();
    let shapes = geometry != GeometryType::Point;
    let has = |name: &str| layer.field(name).is_some();
    let mut style = Style { geometry, ..Style::default() };
    if let Some(i) = layer.fields().iter().position(|f| f.name == "event_class") {
        let classes: Vec<(String, String)> = if event_colours.is_empty() {
            let mut types: BTreeSet<String> = BTreeSet::new();
            for k in 0..layer.len() {
                if let Value::Str(s) = layer.values(k)?.swap_remove(i) {
                    types.insert(s);
                }
            }
            types.into_iter().enumerate().map(|(k, t)| (t, PALETTE[k % PALETTE.len()].to_string())).collect()
        } else {
            let mut seen = BTreeSet::new();
            event_colours
                .iter()
                .filter(|(t, _)| seen.insert(*t))
                .map(|(t, c)| ((*t).to_string(), (*c).to_string()))
                .collect()
        };
        style.categories = Some(("event_class".into(), classes));
    } else if shapes && has("mention_count") {
        style.graduated = Some("mention_count".into());
    }
    if !shapes && style.categories.is_none() {
        if has("place_name") {
            style.label_field = Some("place_name".into());
        }
        if layer.field("mention_count").is_some_and(|f| f.kind == FieldType::Integer) {
            style.size_field = Some("mention_count".into());
        }
    }
    if layer.field("event_date").is_some_and(|f| matches!(f.kind, FieldType::Date | FieldType::DateTime)) {
        style.temporal_field = Some("event_date".into());
    }
    Ok(style)
}

/// The QML document of a style. Fails only on a colour that is not `#rrggbb`.
pub fn to_qml(style: &Style) -> io::Result<String> {
    let mut q = String::with_capacity(16 * 1024);
    q.push_str("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    let _ = writeln!(
        q,
        "<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling|Temporal\" labelsEnabled=\"{}\">",
        u8::from(style.label_field.is_some())
    );
    match &style.temporal_field {
        Some(field) => {
            // mode 1: QgsVectorLayerTemporalProperties::ModeFeatureDateTimeInstantFromField
            let _ = write!(
                q,
                "  <temporal enabled=\"1\" mode=\"1\" startField=\"{}\" endField=\"\" durationField=\"\" startExpression=\"\" endExpression=\"\" fixedDuration=\"1\" durationUnit=\"d\" accumulate=\"0\" limitMode=\"0\">\n    <fixedRange>\n      <start></start>\n      <end></end>\n    </fixedRange>\n  </temporal>\n",
                esc(field)
            );
        }
        None => q.push_str("  <temporal enabled=\"0\" mode=\"0\" startField=\"\" endField=\"\" durationField=\"\" startExpression=\"\" endExpression=\"\" fixedDuration=\"0\" durationUnit=\"min\" accumulate=\"0\" limitMode=\"0\">\n    <fixedRange>\n      <start></start>\n      <end></end>\n    </fixedRange>\n  </temporal>\n"),
    }
    let size_expression = style
        .size_field
        .as_ref()
        .map(|f| format!("coalesce(scale_exp(\"{f}\", 1, max(2, maximum(\"{f}\")), 2, 8, 0.5), 2)"));
    let symbol = |name: &str, colour: &str| -> String {
        match style.geometry {
            GeometryType::MultiPolygon => fill_symbol(name, colour),
            GeometryType::MultiLineString => line_symbol(name, colour),
            GeometryType::Point => marker_symbol(name, colour, size_expression.as_deref()),
        }
    };
    if let Some((field, classes)) = &style.categories {
        let _ = write!(
            q,
            "  <renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"0\" referencescale=\"-1\">\n    <categories>",
            esc(field)
        );
        for (k, (value, _)) in classes.iter().enumerate() {
            let _ =
                write!(q, "\n      <category render=\"true\" symbol=\"{k}\" value=\"{0}\" label=\"{0}\"/>", esc(value));
        }
        let _ =
            write!(q, "\n      <category render=\"true\" symbol=\"{}\" value=\"\" label=\"other\"/>", classes.len());
        q.push_str("\n    </categories>\n    <symbols>");
        for (k, (_, colour)) in classes.iter().enumerate() {
            q.push_str(&symbol(&k.to_string(), &qgis_colour(colour)?));
        }
        q.push_str(&symbol(&classes.len().to_string(), &qgis_colour(OTHER_COLOUR)?));
        q.push_str("\n    </symbols>\n    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n");
    } else if let Some(field) = &style.graduated {
        let _ = write!(
            q,
            "  <renderer-v2 type=\"graduatedSymbol\" attr=\"{}\" graduatedMethod=\"GraduatedColor\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"0\" referencescale=\"-1\">\n    <ranges>",
            esc(field)
        );
        for (k, (lower, upper, label, _)) in AREA_CLASSES.iter().enumerate() {
            let _ = write!(q, "\n      <range render=\"true\" symbol=\"{k}\" lower=\"{lower:.1}\" upper=\"{upper:.1}\" label=\"{label}\"/>");
        }
        q.push_str("\n    </ranges>\n    <symbols>");
        for (k, (_, _, _, colour)) in AREA_CLASSES.iter().enumerate() {
            q.push_str(&symbol(&k.to_string(), &qgis_colour(colour)?));
        }
        q.push_str("\n    </symbols>\n    <classificationMethod id=\"Custom\">\n      <symmetricMode enabled=\"0\" symmetrypoint=\"0\" astride=\"0\"/>\n      <labelFormat format=\"%1 - %2\" labelprecision=\"0\" trimtrailingzeroes=\"1\"/>\n      <parameters>\n        <Option/>\n      </parameters>\n      <extraInformation/>\n    </classificationMethod>\n    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n");
    } else {
        q.push_str("  <renderer-v2 type=\"singleSymbol\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"0\" referencescale=\"-1\">\n    <symbols>");
        let colour = match style.geometry {
            GeometryType::MultiPolygon => "#fcae91",
            GeometryType::MultiLineString => "#2b8cbe",
            GeometryType::Point => "#525252",
        };
        q.push_str(&symbol("0", &qgis_colour(colour)?));
        q.push_str("\n    </symbols>\n    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n");
    }
    if let Some(field) = &style.label_field {
        // placement 6: QgsPalLayerSettings::OrderedPositionsAroundPoint
        let _ = write!(
            q,
            r#"  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="{}" isExpression="0" fontFamily="Sans Serif" namedStyle="Regular" fontWeight="50" fontItalic="0" fontSize="9" fontSizeUnit="Point" textColor="40,40,40,255" textOpacity="1" multilineHeight="1" capitalization="0" allowHtml="0" blendMode="0" previewBkgrdColor="255,255,255,255">
        <text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.85" bufferNoFill="1" bufferJoinStyle="128" bufferBlendMode="0"/>
      </text-style>
      <text-format wrapChar="" autoWrapLength="0" multilineAlign="3" formatNumbers="0" decimals="3" plussign="0"/>
      <placement placement="6" dist="1" distUnits="MM" offsetType="0" quadOffset="4" xOffset="0" yOffset="0" offsetUnits="MM" priority="5" predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR" centroidWhole="0" centroidInside="0" fitInPolygonOnly="0" placementFlags="10"/>
      <rendering drawLabels="1" obstacle="1" obstacleFactor="1" obstacleType="1" displayAll="0" upsidedownLabels="0" scaleVisibility="0" scaleMin="0" scaleMax="0" limitNumLabels="0" maxNumLabels="2000" minFeatureSize="0" labelPerPart="0" mergeLines="0" zIndex="0" fontLimitPixelSize="0" fontMinPixelSize="0" fontMaxPixelSize="10000" unplacedVisibility="0"/>
    </settings>
  </labeling>
"#,
            esc(field)
        );
    }
    // QgsWkbTypes::GeometryType: 0 point, 1 line, 2 polygon.
    let geometry_code = match style.geometry {
        GeometryType::Point => 0,
        GeometryType::MultiLineString => 1,
        GeometryType::MultiPolygon => 2,
    };
    let _ = write!(q, "  <layerGeometryType>{geometry_code}</layerGeometryType>\n</qgis>\n");
    Ok(q)
}

/// The QML of the events layer: categorized on `event_class` with the given
/// `(type, "#rrggbb")` classes and an "other" class, Temporal Controller on
/// `event_date`.
pub fn events_qml(event_colours: &[(&str, &str)]) -> io::Result<String> {
    to_qml(&Style {
        categories: Some((
            "event_class".into(),
            event_colours.iter().map(|(t, c)| ((*t).to_string(), (*c).to_string())).collect(),
        )),
        temporal_field: Some("event_date".into()),
        ..Style::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::layer::{Field, Geometry, Layer, Row};

    #[test]
    fn output_qml_events_categories_and_temporal() {
        let q = events_qml(&[("attack", "#e41a1c"), ("protest & march", "#377EB8")]).unwrap();
        assert!(q.contains("type=\"categorizedSymbol\" attr=\"event_class\""));
        assert!(q.contains("value=\"protest &amp; march\""));
        assert!(q.contains("value=\"228,26,28,255\""));
        assert!(q.contains("value=\"55,126,184,255\""));
        assert!(q.contains("<temporal enabled=\"1\" mode=\"1\" startField=\"event_date\""));
        assert!(q.contains("label=\"other\""));
        assert!(events_qml(&[("x", "red")]).is_err());
    }

    #[test]
    fn output_qml_style_from_schema() {
        #[derive(serde::Serialize)]
        struct Ev {
            event_class: String,
            event_date: Option<String>,
        }
        impl Row for Ev {
            const FIELDS: &'static [Field] =
                &[Field::new("event_class", FieldType::String, ""), Field::new("event_date", FieldType::Date, "")];
        }
        #[derive(serde::Serialize)]
        struct Pl {
            place_name: String,
            mention_count: i64,
        }
        impl Row for Pl {
            const FIELDS: &'static [Field] =
                &[Field::new("place_name", FieldType::String, ""), Field::new("mention_count", FieldType::Integer, "")];
        }
        #[derive(serde::Serialize)]
        struct Ar {
            mention_count: i64,
        }
        impl Row for Ar {
            const FIELDS: &'static [Field] = &[Field::new("mention_count", FieldType::Integer, "")];
        }
        let mut events = Layer::new("events", GeometryType::Point);
        for (i, t) in ["protest", "attack", "protest"].iter().enumerate() {
            events.push(i.to_string(), Geometry::point(0.0, 0.0), Ev { event_class: (*t).into(), event_date: None });
        }
        let s = style_for(&events, &[]).unwrap();
        assert_eq!(
            s.categories,
            Some((
                "event_class".into(),
                vec![("attack".into(), PALETTE[0].into()), ("protest".into(), PALETTE[1].into())]
            ))
        );
        assert_eq!(s.temporal_field.as_deref(), Some("event_date"));
        assert_eq!(s.label_field, None);

        let places: Layer<Pl> = Layer::new("places", GeometryType::Point);
        let s = style_for(&places, &[]).unwrap();
        assert_eq!(s.label_field.as_deref(), Some("place_name"));
        assert_eq!(s.size_field.as_deref(), Some("mention_count"));
        let q = to_qml(&s).unwrap();
        assert!(q.contains("labelsEnabled=\"1\""));
        assert!(q.contains("<labeling type=\"simple\">"));
        assert!(q.contains("scale_exp(&quot;mention_count&quot;"));

        let areas: Layer<Ar> = Layer::new("areas", GeometryType::MultiPolygon);
        let q = to_qml(&style_for(&areas, &[]).unwrap()).unwrap();
        assert!(q.contains("type=\"graduatedSymbol\" attr=\"mention_count\""));
        assert_eq!(q.matches("<range ").count(), 5);
        assert!(q.contains("<layerGeometryType>2</layerGeometryType>"));

        let rivers: Layer<Ar> = Layer::new("rivers", GeometryType::MultiLineString);
        let q = to_qml(&style_for(&rivers, &[]).unwrap()).unwrap();
        assert!(q.contains("type=\"graduatedSymbol\" attr=\"mention_count\""));
        assert_eq!(q.matches("class=\"SimpleLine\"").count(), 5);
        assert!(q.contains("<layerGeometryType>1</layerGeometryType>"));
    }
}
