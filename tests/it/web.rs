//! The web page (`index.html`), opened in headless Chromium (Debian's
//! `chromium` package) from disk and from a local HTTP server: what it draws,
//! that data stays text, that it loads nothing from outside.
//!
//! These tests need `/usr/bin/chromium` (`apt-get install chromium`), or the
//! browser named by `$GEOEVENTS_CHROMIUM`; without it they fail. Chromium runs
//! one at a time, with a proxy that only counts: any request the page made to
//! another host would reach it. The screenshot is kept as
//! `target/test-artifacts/index.png`, beside the page it shows.

use dom_query::Document;
use geoevents_core::layers::web::write_index_html;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const XSS: &str = "<img src=x onerror=alert(1)>";
/// Would mark the page if data could end its script element.
const BREAKOUT: &str = "</script><script>document.documentElement.setAttribute('data-pwned','1')</script><!--<script>";

fn point(id: &str, lon: f64, lat: f64, properties: Value) -> Value {
    json!({"type": "Feature", "id": id, "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties})
}

fn event(id: &str, lon: f64, lat: f64, event_type: &str, date: Option<&str>, title: &str, metonym: bool) -> Value {
    point(
        id,
        lon,
        lat,
        json!({
            "id": id, "doc_id": "doc-1", "event_date": date, "date_precision": date.map(|_| "day"),
            "event_type": event_type, "event_type_cues": [], "actors": ["rebels"], "place_name": "Aleppo",
            "mention_text": "Aleppo", "country_code": "SY", "is_metonym": metonym, "lat": lat, "lon": lon,
            "source_url": "javascript:alert(2)", "source_name": "The Paper", "title": title,
            "snippet": format!("Something happened. {BREAKOUT}")
        }),
    )
}

fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// Three events of two types at distinct points (one titled [`XSS`]), two
/// places, one area.
fn sample() -> (String, String, String) {
    let events = collection(vec![
        event("ev-aleppo", 37.16, 36.20, "territorial_change", Some("2024-11-29"), "Rebels enter Aleppo", false),
        event("ev-xss", 36.72, 34.73, "attack", Some("2024-11-30"), XSS, false),
        event("ev-damascus", 36.29, 33.51, "attack", Some("2024-12-01"), "Strikes near Damascus", false),
    ]);
    let places = collection(vec![
        point("geonames:170063", 37.16, 36.20, json!({"place_name": "Aleppo", "mention_count": 3})),
        point(
            "geonames:95446",
            44.01,
            36.19,
            json!({"place_name": format!("Erbil {XSS}\u{2028}"), "mention_count": 1}),
        ),
    ]);
    let areas = collection(vec![json!({
        "type": "Feature", "id": "geonames:170015",
        "geometry": {"type": "MultiPolygon", "coordinates": [[[[36.2, 34.6], [37.9, 34.6], [37.9, 35.7], [36.2, 35.7], [36.2, 34.6]]]]},
        "properties": {"place_name": "Hama Governorate", "mention_count": 2}
    })]);
    (events, places, areas)
}

fn write_sample(dir: &Path) -> PathBuf {
    let (events, places, areas) = sample();
    let path = dir.join("index.html");
    write_index_html(&path, &events, &places, &areas).unwrap();
    path
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("geoevents-web-").tempdir().unwrap()
}

/// `target/test-artifacts`, found from this test binary (`target/<profile>/deps/it-...`).
fn artifacts_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).expect("the test binary lives in target/<profile>/deps").to_path_buf();
    let dir = target.join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ---------------------------------------------------------------- Chromium

/// Chromium is heavy on two cores and its virtual time is only reliable when
/// it has the machine: one at a time.
static CHROMIUM: Mutex<()> = Mutex::new(());

fn chromium_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("GEOEVENTS_CHROMIUM") {
        return PathBuf::from(p);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("the web page tests need headless Chromium and found none on PATH: apt-get install chromium (Debian's package), or set GEOEVENTS_CHROMIUM")
    })
}

/// A listener that stands as Chromium's HTTP proxy and only counts who calls.
struct ProxyTrap {
    port: u16,
    hits: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ProxyTrap {
    fn start() -> ProxyTrap {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s) = (hits.clone(), stop.clone());
        let thread = thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => h.lock().unwrap().push(first_line(stream)),
                    Err(_) => thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        ProxyTrap { port, hits, stop, thread: Some(thread) }
    }

    fn hits(&self) -> Vec<String> {
        self.hits.lock().unwrap().clone()
    }
}

impl Drop for ProxyTrap {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn first_line(stream: TcpStream) -> String {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut line = String::new();
    let _ = BufReader::new(stream).read_line(&mut line);
    line.trim_end().to_string()
}

/// What one Chromium run gave.
struct Browsed {
    stdout: String,
    /// Requests that reached the proxy trap (should be none).
    proxied: Vec<String>,
}

/// Runs headless Chromium on `url` with `extra` arguments, offline but for
/// 127.0.0.1, and returns its standard output.
fn chromium(url: &str, extra: &[String]) -> Browsed {
    let bin = chromium_binary();
    let _one_at_a_time = CHROMIUM.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let profile = tempdir();
    let trap = ProxyTrap::start();
    let mut cmd = Command::new(&bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--hide-scrollbars",
        "--mute-audio",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg(format!("--proxy-server=http://127.0.0.1:{}", trap.port))
    .args(extra)
    .arg(url)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!(
            "could not start {} ({e}): apt-get install chromium (Debian's package), or set GEOEVENTS_CHROMIUM",
            bin.display()
        )
    });
    // Read both pipes while waiting, so that a full pipe cannot stall Chromium.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            // It takes a second or two; hanging is what an open alert() dialog
            // does to headless Chromium, e.g. when data ran as script.
            panic!(
                "chromium did not finish within 60 s on {url} (an alert() left open by data run as script hangs it):\n{}",
                err_reader.join().unwrap()
            );
        }
        thread::sleep(Duration::from_millis(50));
    };
    let stdout = out_reader.join().unwrap();
    let stderr = err_reader.join().unwrap();
    assert!(status.success(), "chromium failed ({status}) on {url}:\n{stderr}");
    Browsed { stdout, proxied: trap.hits() }
}

/// The DOM after the page's scripts ran.
fn dump_dom(url: &str) -> (Document, Browsed) {
    let b = chromium(url, &["--virtual-time-budget=5000".to_string(), "--dump-dom".to_string()]);
    assert!(b.stdout.contains("id=\"map\""), "no page in chromium's output for {url}:\n{}", b.stdout);
    (Document::from(b.stdout.as_str()), b)
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

fn status(doc: &Document, name: &str) -> String {
    doc.select("#status").attr(&format!("data-{name}")).map(|v| v.to_string()).unwrap_or_default()
}

/// What the page drew, to compare two loads of it.
fn drawn(doc: &Document) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = [
        "ready",
        "events-total",
        "events-shown",
        "event-types",
        "places-shown",
        "areas-shown",
        "countries",
        "popup-open",
        "blocked",
        "resources",
        "zoom",
    ]
    .iter()
    .map(|k| (k.to_string(), status(doc, k)))
    .collect();
    for class in ["ge-event", "ge-place", "ge-area", "ge-country"] {
        v.push((class.to_string(), doc.select(&format!("path.{class}")).length().to_string()));
    }
    v.push(("popup".into(), doc.select(".leaflet-popup-content h3").text().to_string()));
    v
}

/// Chromium's own background traffic (component updates, network time,
/// sign-in), which flags do not silence fully in headless mode: it goes to
/// the trap like everything else, and is told apart by its hosts.
const CHROMIUM_SERVICES: &[&str] = &["google.com", "googleapis.com", "gstatic.com", "gvt1.com"];

fn is_chromium_service(request_line: &str) -> bool {
    // "CONNECT host:443 HTTP/1.1" or "GET http://host/path HTTP/1.1".
    let target = request_line.split(' ').nth(1).unwrap_or("");
    let authority = target.split("://").nth(1).unwrap_or(target);
    let host = authority.split(['/', ':']).next().unwrap_or("");
    CHROMIUM_SERVICES.iter().any(|s| host == *s || host.ends_with(&format!(".{s}")))
}

/// No request went out to any host but Chromium's own services, and the page
/// itself neither tried to load anything (its CSP would have refused it and
/// counted it) nor loaded anything (Resource Timing entries).
fn assert_offline(b: &Browsed, doc: Option<&Document>) {
    let page_requests: Vec<&String> = b.proxied.iter().filter(|r| !is_chromium_service(r)).collect();
    assert!(page_requests.is_empty(), "the page made network requests: {page_requests:?}");
    if let Some(doc) = doc {
        assert_eq!(status(doc, "blocked"), "0", "the Content-Security-Policy refused a load");
        assert_eq!(status(doc, "resources"), "0", "the page loaded resources");
    }
}

/// The sample as a rendered DOM must show: every layer, data as text.
fn assert_sample_drawn(doc: &Document) {
    assert_eq!(status(doc, "ready"), "1", "the page's script did not finish");
    assert_eq!(status(doc, "events-total"), "3");
    assert_eq!(status(doc, "events-shown"), "3");
    assert_eq!(status(doc, "event-types"), "2");
    assert_eq!(status(doc, "places-shown"), "2");
    assert_eq!(status(doc, "areas-shown"), "1");
    // SVG paths: one per marker, the area, and the 177 countries of world-atlas 110m.
    assert_eq!(doc.select("path.ge-event.leaflet-interactive").length(), 3);
    assert_eq!(doc.select("path.ge-place.leaflet-interactive").length(), 2);
    assert_eq!(doc.select("path.ge-area.leaflet-interactive").length(), 1);
    let countries = doc.select("path.ge-country").length();
    assert!(countries >= 170, "{countries} country outlines");
    assert_eq!(status(doc, "countries"), countries.to_string());
    // The legend: two types with their colours; the count.
    let legend: Vec<String> = doc.select(".ge-legend label").iter().map(|l| l.text().trim().to_string()).collect();
    assert_eq!(legend, ["attack", "territorial_change"]);
    assert_eq!(doc.select(".ge-count").text().trim(), "3 of 3 events shown");
    assert!(!doc.select(".ge-note").exists(), "{}", doc.select(".ge-note").text());
    // The layer switches.
    let switches: Vec<String> =
        doc.select(".leaflet-control-layers-overlays label").iter().map(|l| l.text().trim().to_string()).collect();
    assert_eq!(switches, ["Events", "Places", "Areas", "Countries"]);
    // No data became markup, and no data ended its script element.
    assert_eq!(doc.select("img").length(), 0, "an <img> element was made from data");
    assert!(doc.select("html").attr("data-pwned").is_none(), "data broke out of its script element");
    assert_eq!(doc.select("title").text().trim(), "geoevents map");
}

// ------------------------------------------------------------------ tests

#[test]
#[ignore = "needs Chromium (headless): see README"]
fn web_page_from_disk_draws_markers_and_escapes_popups() {
    let dir = tempdir();
    let page = write_sample(dir.path());
    let (doc, b) = dump_dom(&format!("{}#open=ev-xss", file_url(&page)));
    assert_offline(&b, Some(&doc));
    assert_sample_drawn(&doc);
    // The popup of the event titled <img ...> shows the title as text.
    assert_eq!(status(&doc, "popup-open"), "ev-xss");
    let popup = doc.select(".leaflet-popup-content");
    assert_eq!(popup.length(), 1);
    assert_eq!(popup.select("h3").text().to_string(), XSS);
    let text = popup.text().to_string();
    assert!(text.contains(BREAKOUT), "the snippet shows as text: {text}");
    assert!(text.contains("source: The Paper"), "{text}");
    // A javascript: source URL gives no link.
    assert_eq!(popup.select("a").length(), 0);
    assert!(!b.stdout.contains("<img"), "the dumped DOM holds an img tag");
}

#[test]
#[ignore = "needs Chromium (headless): see README"]
fn web_page_served_renders_the_same_as_from_disk() {
    let dir = tempdir();
    let page = write_sample(dir.path());
    let (from_disk, b) = dump_dom(&format!("{}#open=ev-xss", file_url(&page)));
    assert_offline(&b, Some(&from_disk));
    let server = Server::start(std::fs::read(&page).unwrap());
    let (served, b) = dump_dom(&format!("http://127.0.0.1:{}/index.html#open=ev-xss", server.port));
    assert_offline(&b, Some(&served));
    assert_sample_drawn(&served);
    assert_eq!(drawn(&served), drawn(&from_disk));
    // The page was the only thing fetched (a browser may ask for a favicon on its own).
    let requests = server.requests();
    let pages: Vec<&String> = requests.iter().filter(|r| !r.starts_with("GET /favicon.ico ")).collect();
    assert_eq!(pages, ["GET /index.html HTTP/1.1"], "{requests:?}");
}

#[test]
#[ignore = "needs Chromium (headless): see README"]
fn web_page_screenshot_shows_the_map() {
    let page = write_sample(&artifacts_dir());
    let png = artifacts_dir().join("index.png");
    let _ = std::fs::remove_file(&png);
    let b = chromium(
        &file_url(&page),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1200,800".into(),
            "--virtual-time-budget=5000".into(),
        ],
    );
    assert_offline(&b, None);
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", png.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h) =
        (u32::from_be_bytes(bytes[16..20].try_into().unwrap()), u32::from_be_bytes(bytes[20..24].try_into().unwrap()));
    assert_eq!((w, h), (1200, 800));
    assert!(bytes.len() > 10_000, "the screenshot is only {} bytes: a blank page?", bytes.len());
}

#[test]
#[ignore = "needs Chromium (headless): see README"]
fn web_page_filters_events_by_date_and_hides_metonyms() {
    let dir = tempdir();
    let events = collection(vec![
        event("a", 37.16, 36.20, "attack", Some("2024-11-28"), "a", false),
        event("b", 36.72, 34.73, "attack", Some("2024-11-29"), "b", false),
        event("c", 36.29, 33.51, "armed_clash", Some("2024-12-01"), "c", false),
        event("m", 35.50, 33.89, "armed_clash", Some("2024-11-29"), "metonym", true),
        event("u", 38.99, 35.95, "aid", None, "undated", false),
    ]);
    let path = dir.path().join("index.html");
    write_index_html(&path, &events, "", "").unwrap();
    let url = file_url(&path);
    // By default metonyms are hidden; undated events show while no range is set.
    let (doc, b) = dump_dom(&url);
    assert_offline(&b, Some(&doc));
    assert_eq!((status(&doc, "events-total"), status(&doc, "events-shown")), ("5".into(), "4".into()));
    assert_eq!(doc.select("path.ge-event").length(), 4);
    assert_eq!(doc.select(".ge-count").text().trim(), "4 of 5 events shown");
    assert_eq!(doc.select("#ge-date-from").attr("min").as_deref(), Some("2024-11-28"));
    assert_eq!(doc.select("#ge-date-to").attr("max").as_deref(), Some("2024-12-01"));
    // A range keeps the dated events inside it (bounds included) and drops the undated one.
    let (doc, _) = dump_dom(&format!("{url}#from=2024-11-29&to=2024-11-30"));
    assert_eq!(status(&doc, "events-shown"), "1");
    assert_eq!(doc.select("path.ge-event").length(), 1);
    let (doc, _) = dump_dom(&format!("{url}#from=2024-11-29&metonyms=1"));
    assert_eq!(status(&doc, "events-shown"), "3");
}

#[test]
#[ignore = "needs Chromium (headless): see README"]
fn web_page_without_events_says_so_over_the_world() {
    let dir = tempdir();
    let path = dir.path().join("index.html");
    write_index_html(&path, "", "", "").unwrap();
    let (doc, b) = dump_dom(&file_url(&path));
    assert_offline(&b, Some(&doc));
    assert_eq!(status(&doc, "ready"), "1");
    assert_eq!(status(&doc, "events-total"), "0");
    assert_eq!(status(&doc, "zoom"), "2", "a world view");
    assert_eq!(doc.select(".ge-note").text().trim(), "no events");
    assert_eq!(doc.select(".ge-count").text().trim(), "0 of 0 events shown");
    assert!(doc.select("path.ge-country").length() >= 170);
    assert_eq!(doc.select("path.leaflet-interactive").length(), 0);
    // At zoom 2 the world is 1024 px wide. Only Antarctica, which goes round
    // the pole, may span most of it: a country crossing the antimeridian
    // (Russia, Fiji) must not be drawn as a band around the world.
    let wide: Vec<f64> = doc
        .select("path.ge-country")
        .iter()
        .map(|p| path_width(&p.attr("d").unwrap_or_default()))
        .filter(|w| *w > 600.0)
        .collect();
    assert_eq!(wide.len(), 1, "country outlines wider than 600 px: {wide:?}");
}

/// The areas layer of the built-in shapes of these areas, as the layer writers write it.
fn builtin_areas_geojson(ids: &[(&str, &str, &str)]) -> String {
    use geoevents_core::layers::areas::BuiltinAreas;
    use geoevents_core::layers::records::{AreaRow, AreaShapes};
    use geoevents_core::layers::{Geometry, GeometryType, Layer};
    let gaz = geoevents_core::gazetteer::Gazetteer::builtin();
    let shapes = BuiltinAreas::new(&gaz);
    let mut layer = Layer::new("areas", GeometryType::MultiPolygon);
    for (id, name, cc) in ids {
        let shape = shapes.shape(id).unwrap_or_else(|| panic!("no built-in shape for {name}"));
        let row = AreaRow {
            area_name: (*name).to_string(),
            gazetteer_id: (*id).to_string(),
            kind: geoevents_core::gazetteer::Kind::Country,
            country_code: (*cc).to_string(),
            admin1_code: None,
            mention_count: 3,
            place_mention_count: 3,
            event_count: 0,
            first_event_date: None,
            last_event_date: None,
        };
        layer.push(*id, Geometry::MultiPolygon(shape), row);
    }
    let mut text = Vec::new();
    geoevents_core::layers::geojson::write_geojson(&mut text, &layer).unwrap();
    String::from_utf8(text).unwrap()
}

/// The horizontal extent of each subpath (from one M to the next) of an SVG path.
fn subpath_widths(d: &str) -> Vec<f64> {
    d.split('M').filter(|p| !p.trim().is_empty()).map(path_width).collect()
}

#[test]
#[ignore = "needs Chromium (headless): see README"]
fn web_page_draws_antimeridian_areas_whole() {
    // Russia and Fiji reach across ±180 and the United States (Aleutians)
    // too: Natural Earth cuts them there, and the page must draw every part
    // on its side, never a ring that runs around the world.
    let areas = builtin_areas_geojson(&[
        ("geonames:2017370", "Russia", "RU"),
        ("geonames:2205218", "Fiji", "FJ"),
        ("geonames:6252001", "United States", "US"),
    ]);
    let page = artifacts_dir().join("antimeridian.html");
    write_index_html(&page, "", "", &areas).unwrap();
    let (doc, b) = dump_dom(&file_url(&page));
    assert_offline(&b, Some(&doc));
    assert_eq!(status(&doc, "ready"), "1");
    assert_eq!(status(&doc, "areas-shown"), "3");
    let zoom: f64 = status(&doc, "zoom").parse().unwrap();
    let world = 256.0 * 2f64.powf(zoom);
    let paths: Vec<String> =
        doc.select("path.ge-area").iter().map(|p| p.attr("d").unwrap_or_default().to_string()).collect();
    assert_eq!(paths.len(), 3, "one path per area");
    for (d, name) in paths.iter().zip(["Russia", "Fiji", "United States"]) {
        let widths = subpath_widths(d);
        assert!(widths.len() > 1, "{name} is drawn in one part only");
        let widest = widths.iter().copied().fold(0.0, f64::max);
        assert!(
            widest < world / 2.0,
            "{name}: a part {widest:.0} px wide on a {world:.0} px world crosses the antimeridian"
        );
    }
    // Each drawn whole: the page moves the parts cut off at ±180 beside the
    // rest (Chukotka east of Siberia, the Fiji islands together, the western
    // Aleutians beside Alaska), so no area is split to both edges of the map.
    let extent = |d: &str| {
        let (min, max) = d
            .split('M')
            .filter(|p| !p.trim().is_empty())
            .flat_map(|p| {
                let n: Vec<f64> = p
                    .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                    .filter_map(|t| t.parse().ok())
                    .collect();
                n.chunks(2).map(|c| c[0]).collect::<Vec<_>>()
            })
            .fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
        max - min
    };
    for (d, name) in paths.iter().zip(["Russia", "Fiji", "United States"]) {
        assert!(
            extent(d) < world / 2.0,
            "{name} is split across the map: {:.0} px wide on a {world:.0} px world",
            extent(d)
        );
    }
    // Kaliningrad (19.6 E) to Chukotka's tip (169.6 W): 171 degrees; without Chukotka, 160.
    let russia = extent(&paths[0]) / world * 360.0;
    assert!(russia > 165.0, "Russia spans {russia:.0} degrees: Chukotka (east of 180) is not drawn beside Siberia");

    // And a picture of it, to look at: target/test-artifacts/antimeridian.png.
    let png = artifacts_dir().join("antimeridian.png");
    let _ = std::fs::remove_file(&png);
    let b = chromium(
        &file_url(&page),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1200,800".into(),
            "--virtual-time-budget=5000".into(),
        ],
    );
    assert_offline(&b, None);
    assert!(std::fs::metadata(&png).map_or(0, |m| m.len()) > 10_000, "no screenshot at {}", png.display());
}

/// The horizontal extent of an SVG path made of M/L/z commands (as Leaflet writes them).
fn path_width(d: &str) -> f64 {
    let numbers: Vec<f64> =
        d.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).filter_map(|t| t.parse().ok()).collect();
    let xs = numbers.chunks(2).map(|p| p[0]);
    let (min, max) = xs.fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    max - min
}

#[test]
fn web_page_is_byte_identical_for_identical_input() {
    let (a, b) = (tempdir(), tempdir());
    let first = std::fs::read(write_sample(a.path())).unwrap();
    let second = std::fs::read(write_sample(b.path())).unwrap();
    assert!(first == second, "two writes of the same layers differ");
    // Written again over itself: same bytes, no temporary file left.
    let again = std::fs::read(write_sample(a.path())).unwrap();
    assert!(first == again);
    let names: Vec<_> = std::fs::read_dir(a.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["index.html"]);
    // Self-contained: no element of the page loads anything by URL.
    let html = String::from_utf8(first).unwrap();
    let doc = Document::from(html.as_str());
    for sel in ["script[src]", "link[href]", "img", "iframe", "object", "embed", "base"] {
        assert_eq!(doc.select(sel).length(), 0, "{sel}");
    }
    assert_eq!(doc.select("script[type=\"application/json\"]").length(), 4);
}

// ------------------------------------------------------- a tiny HTTP server

/// Serves one page for any path ending in `/` or `/index.html` on
/// 127.0.0.1, 404 for the rest, and records each request line.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(body: Vec<u8>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (requests.clone(), stop.clone());
        let thread = thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let _ = serve(stream, &body, &r);
                    }
                    Err(_) => thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Server { port, requests, stop, thread: Some(thread) }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, body: &[u8], log: &Mutex<Vec<String>>) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    let request = request.trim_end().to_string();
    if request.is_empty() {
        // A connection opened ahead of need and closed unused (Chromium preconnects).
        return Ok(());
    }
    // The rest of the head.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    log.lock().unwrap().push(request.clone());
    let path = request.split(' ').nth(1).unwrap_or("");
    let mut stream = stream;
    if path == "/" || path == "/index.html" {
        write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )?;
        stream.write_all(body)?;
    } else {
        stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
    }
    stream.flush()
}
