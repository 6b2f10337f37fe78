//! The web page: one self-contained `index.html` that shows the layers on a
//! Leaflet map over an offline basemap of country outlines.
//!
//! Everything the page needs is inlined, so it works opened straight from
//! disk (`file://`) and served, with no network request at all: its
//! Content-Security-Policy (`default-src 'none'`) forbids every fetch.
//!
//! What goes into `web/index.template.html`:
//! - Leaflet 1.9.4 (CSS and JS) and topojson-client 3.1.0, from `web/vendor/`
//!   (see `web/README.md` for versions, licences and how to refresh them),
//!   inside `<style>`/`<script>` elements;
//! - world-atlas 2.0.2 `countries-110m.json` (Natural Earth, 1:110m) and the
//!   three layers (`events`, `places`, `areas` GeoJSON FeatureCollections)
//!   inside `<script type="application/json">` blocks, escaped by
//!   [`escape_script_json`] so that no data can end the element early.
//!
//! The page (its script is in the template):
//! - layer switches for events, places, areas and the countries basemap;
//! - a date range (two `<input type="date">`) that filters events by
//!   `event_date` (the first day of the period for week, month and year
//!   precision); undated events show only while no bound is set; places and
//!   areas are aggregates over all events and are not filtered;
//! - events with `is_metonym: true` (places mentioned in passing) are hidden
//!   until "metonyms" is ticked, as the events module asks of map writers;
//! - a legend of event classes (`event_class`), each with its fixed colour
//!   (`EventClass::colour`, as in the QGIS styles) and label, in the order of
//!   `EventClass::ALL`, each with its own switch, and a count of the events
//!   shown; "no events" and a world view when there are none;
//! - popups built with DOM text nodes, never markup from data: a title such
//!   as `<img src=x onerror=alert(1)>` shows as text; links only for
//!   `http(s)` source URLs;
//! - the URL fragment `#open=ID&from=YYYY-MM-DD&to=YYYY-MM-DD&metonyms=1`
//!   opens an event's popup and presets the filters on load;
//! - a hidden `<div id="status">` whose `data-*` attributes report what was
//!   drawn (`data-events-shown`, `data-events-total`, `data-places-shown`,
//!   `data-areas-shown`, `data-countries`, `data-popup-open`, `data-blocked`
//!   for requests the CSP refused, `data-ready="1"` when done).
//!
//! The bytes depend only on the three layer texts: no clock, no paths.

use crate::atomic::AtomicFile;
use std::io::{self, Write};
use std::path::Path;

/// The page, with `@@NAME@@` slots.
pub const TEMPLATE: &str = include_str!("../../../../web/index.template.html");
/// Leaflet 1.9.4 `dist/leaflet.css` (BSD-2-Clause).
pub const LEAFLET_CSS: &str = include_str!("../../../../web/vendor/leaflet/leaflet.css");
/// Leaflet 1.9.4 `dist/leaflet.js` (BSD-2-Clause).
pub const LEAFLET_JS: &str = include_str!("../../../../web/vendor/leaflet/leaflet.js");
/// topojson-client 3.1.0 `dist/topojson-client.min.js` (ISC).
pub const TOPOJSON_JS: &str = include_str!("../../../../web/vendor/topojson-client/topojson-client.min.js");
/// world-atlas 2.0.2 `countries-110m.json` (ISC; Natural Earth data, public domain).
pub const COUNTRIES_TOPOJSON: &str = include_str!("../../../../web/vendor/world-atlas/countries-110m.json");

/// What a missing layer stands for.
pub const EMPTY_COLLECTION: &str = "{\"type\":\"FeatureCollection\",\"features\":[]}";

/// Writes the page to `path` (replaced atomically: a temporary file in the
/// same folder, renamed at the end) from the three layers as GeoJSON
/// FeatureCollection texts. An empty (or all-whitespace) text stands for an
/// empty layer. Text that is not a FeatureCollection is refused with
/// [`io::ErrorKind::InvalidData`], naming the layer, and nothing is written.
pub fn write_index_html(path: &Path, events: &str, places: &str, areas: &str) -> io::Result<()> {
    let page = render(events, places, areas)?;
    let mut file = AtomicFile::create(path)?;
    file.write_all(page.as_bytes())?;
    file.commit()
}

/// The page as a string (what [`write_index_html`] writes).
pub fn render(events: &str, places: &str, areas: &str) -> io::Result<String> {
    let events = layer_text("events", events)?;
    let places = layer_text("places", places)?;
    let areas = layer_text("areas", areas)?;
    let countries = escape_script_json(COUNTRIES_TOPOJSON.trim_end());
    let events = escape_script_json(events);
    let places = escape_script_json(places);
    let areas = escape_script_json(areas);
    // In the order the slots appear in the template; each is filled once, so
    // data that happens to contain "@@EVENTS@@" is never filled again.
    let slots: [(&str, &str); 7] = [
        ("@@LEAFLET_CSS@@", LEAFLET_CSS.trim_end()),
        ("@@COUNTRIES@@", &countries),
        ("@@EVENTS@@", &events),
        ("@@PLACES@@", &places),
        ("@@AREAS@@", &areas),
        ("@@LEAFLET_JS@@", without_source_map(LEAFLET_JS)),
        ("@@TOPOJSON_JS@@", without_source_map(TOPOJSON_JS)),
    ];
    let mut out = String::with_capacity(TEMPLATE.len() + slots.iter().map(|(_, s)| s.len()).sum::<usize>());
    let mut rest = TEMPLATE;
    for (slot, content) in slots {
        let at =
            rest.find(slot).ok_or_else(|| io::Error::other(format!("the web page template has no {slot} slot")))?;
        out.push_str(&rest[..at]);
        out.push_str(content);
        rest = &rest[at + slot.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Checks that `text` is a GeoJSON FeatureCollection (its `type` and a
/// `features` array; the features themselves are the page's business).
fn layer_text<'a>(name: &str, text: &'a str) -> io::Result<&'a str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(EMPTY_COLLECTION);
    }
    #[derive(serde::Deserialize)]
    struct Collection {
        #[serde(rename = "type")]
        kind: String,
        #[allow(dead_code)]
        features: Vec<serde::de::IgnoredAny>,
    }
    let bad = |what: String| io::Error::new(io::ErrorKind::InvalidData, format!("{name} layer: {what}"));
    let c: Collection = serde_json::from_str(text).map_err(|e| bad(format!("not a GeoJSON FeatureCollection: {e}")))?;
    if c.kind != "FeatureCollection" {
        return Err(bad(format!("type is {:?}, not \"FeatureCollection\"", c.kind)));
    }
    Ok(text)
}

/// JSON text made safe to sit inside a `<script>` element: every `<` becomes
/// `\u003c` (so neither `</script>` nor `<!--` can appear, which covers
/// escaping `</` as `<\/`), and U+2028 and U+2029 become `\u2028` and
/// `\u2029`. In valid JSON these characters occur only inside strings, where
/// the escapes mean the same characters: `JSON.parse` gives the same value.
pub fn escape_script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The script without its last `//# sourceMappingURL=` line: the map files
/// are not shipped, and a page should name no file it does not have.
fn without_source_map(js: &str) -> &str {
    let js = js.trim_end();
    match js.rfind('\n') {
        Some(i) if js[i + 1..].starts_with("//# sourceMappingURL=") => js[..i].trim_end(),
        _ => js,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fc(title: &str) -> String {
        serde_json::json!({
            "type": "FeatureCollection",
            "features": [{
                "type": "Feature", "id": "e1",
                "geometry": {"type": "Point", "coordinates": [37.16, 36.2]},
                "properties": {"title": title}
            }]
        })
        .to_string()
    }

    /// The text of the `<script type="application/json" id=ID>` element, as
    /// an HTML parser would end it: at the first `</script`.
    fn script_json<'a>(page: &'a str, id: &str) -> &'a str {
        let open = format!("<script type=\"application/json\" id=\"{id}\">");
        let start = page.find(&open).unwrap() + open.len();
        let len = page[start..].to_ascii_lowercase().find("</script").unwrap();
        &page[start..start + len]
    }

    #[test]
    fn web_script_end_tag_in_data_is_escaped() {
        let title = "</script><script>alert(1)</script><!--<script>";
        let page = render(&fc(title), "", "").unwrap();
        let data = script_json(&page, "ge-events");
        assert!(!data.contains('<'), "{data}");
        assert!(
            data.contains("\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\\u003c!--\\u003cscript>"),
            "{data}"
        );
        // The element ends where it should, and the data means the same.
        let v: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(v["features"][0]["properties"]["title"], title);
        // Upper case end tags too.
        let page = render(&fc("</SCRIPT >"), "", "").unwrap();
        assert!(!script_json(&page, "ge-events").contains('<'));
    }

    #[test]
    fn web_line_separators_are_escaped() {
        let title = "a\u{2028}b\u{2029}c";
        let page = render(&fc(title), "", "").unwrap();
        assert!(!page.contains('\u{2028}') && !page.contains('\u{2029}'));
        let data = script_json(&page, "ge-events");
        assert!(data.contains("a\\u2028b\\u2029c"), "{data}");
        let v: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(v["features"][0]["properties"]["title"], title);
        assert_eq!(escape_script_json("\"\u{2028}<\""), "\"\\u2028\\u003c\"");
    }

    #[test]
    fn web_every_slot_is_filled_once() {
        let page = render(&fc("@@AREAS@@"), "", "").unwrap();
        for slot in ["@@LEAFLET_CSS@@", "@@COUNTRIES@@", "@@PLACES@@", "@@LEAFLET_JS@@", "@@TOPOJSON_JS@@"] {
            assert!(!page.contains(slot), "{slot} left in the page");
            assert_eq!(TEMPLATE.matches(slot).count(), 1, "{slot}");
        }
        // The data's own "@@AREAS@@" is kept as data, and the areas slot got the empty layer.
        assert_eq!(page.matches("@@AREAS@@").count(), 1);
        assert_eq!(script_json(&page, "ge-areas"), EMPTY_COLLECTION);
        assert_eq!(script_json(&page, "ge-places"), EMPTY_COLLECTION);
        assert!(!page.contains("sourceMappingURL"));
        assert!(page.contains("t.version=\"1.9.4\""));
    }

    #[test]
    fn web_vendored_scripts_cannot_end_their_elements() {
        // Scripts and styles are inlined verbatim: they must not hold an end
        // tag or a comment opener of their own (checked when refreshing them).
        for (name, text) in
            [("leaflet.css", LEAFLET_CSS), ("leaflet.js", LEAFLET_JS), ("topojson-client.min.js", TOPOJSON_JS)]
        {
            let lower = text.to_ascii_lowercase();
            for bad in ["</script", "</style", "<!--", "<script"] {
                assert!(!lower.contains(bad), "{name} holds {bad}");
            }
        }
    }

    #[test]
    fn web_output_is_byte_identical() {
        let a = render(&fc("x"), EMPTY_COLLECTION, "").unwrap();
        let b = render(&fc("x"), EMPTY_COLLECTION, "").unwrap();
        assert_eq!(a, b);
        let dir = std::env::temp_dir().join(format!("geoevents-web-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("index.html");
        write_index_html(&path, &fc("x"), "", "").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), a);
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("index.html")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn web_refuses_what_is_not_a_feature_collection() {
        let e = render("{\"type\":\"Feature\",\"features\":[]}", "", "").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().starts_with("events layer: type is \"Feature\""), "{e}");
        let e = render("", "[1,2", "").unwrap_err();
        assert!(e.to_string().starts_with("places layer: not a GeoJSON FeatureCollection"), "{e}");
        let e = render("", "", "{\"type\":\"FeatureCollection\"}").unwrap_err();
        assert!(e.to_string().starts_with("areas layer:"), "{e}");
    }

    #[test]
    fn web_page_loads_nothing_from_outside() {
        let page = render(&fc("x"), "", "").unwrap();
        assert!(page.contains("content=\"default-src 'none';"));
        // No element of the page's own markup points anywhere.
        let markup: String = {
            let mut m = String::new();
            let mut rest = TEMPLATE;
            while let Some(i) = rest.find("<script") {
                m.push_str(&rest[..i]);
                let end = rest[i..].find("</script>").unwrap() + i + "</script>".len();
                rest = &rest[end..];
            }
            m.push_str(rest);
            m
        };
        for bad in ["src=", "href=", "url(", "http:", "https:", "@import"] {
            assert!(!markup.contains(bad), "the template's markup holds {bad}");
        }
    }
}
