//! `geoevents run` and `status` against a real HTTP server on 127.0.0.1
//! started by each test (std::net, one thread a connection), serving the
//! fixture feeds in `tests/fixtures/feeds/` and fault routes.

use crate::util::{fixture, geoevents, run_cmd, temp_dir, Run};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the server answers on one path.
#[derive(Clone, Default)]
pub struct Route {
    pub status: u16,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Answer 500 to this many requests first.
    pub fail_first: u32,
    /// Never answer (hold the connection open for a minute).
    pub hang: bool,
    /// Send no Content-Length (the body ends when the connection closes).
    pub no_length: bool,
    /// Send a body of this many bytes instead of `body`, in 64 KiB writes.
    pub huge: usize,
    /// Announce the whole body's length but close the connection after
    /// this many bytes of it (a transfer cut short).
    pub cut_at: Option<usize>,
}

impl Route {
    pub fn ok(body: impl Into<Vec<u8>>, content_type: &str) -> Route {
        Route {
            status: 200,
            body: body.into(),
            headers: vec![("Content-Type".into(), content_type.into())],
            ..Route::default()
        }
    }
    pub fn redirect(to: &str) -> Route {
        Route { status: 302, headers: vec![("Location".into(), to.into())], ..Route::default() }
    }
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub headers: HashMap<String, String>,
}

#[derive(Default)]
struct Shared {
    routes: HashMap<String, Route>,
    seen: Vec<Seen>,
}

pub struct Server {
    pub base: String,
    shared: Arc<Mutex<Shared>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Mutex::new(Shared::default()));
        let s = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || serve(stream, &s));
            }
        });
        Server { base, shared }
    }

    pub fn route(&self, path: &str, route: Route) {
        self.shared.lock().unwrap().routes.insert(path.to_string(), route);
    }

    /// A fixture from `tests/fixtures/feeds/`, `{BASE}` replaced.
    pub fn fixture(&self, name: &str) -> String {
        std::fs::read_to_string(fixture(&format!("feeds/{name}"))).unwrap().replace("{BASE}", &self.base)
    }

    /// Serves the fixture `name` at `path`.
    pub fn serve_fixture(&self, path: &str, name: &str) {
        let ct = if name.ends_with(".html") { "text/html; charset=utf-8" } else { "application/xml" };
        self.route(path, Route::ok(self.fixture(name), ct));
    }

    /// The usual site: /rss.xml, /atom.xml and their articles.
    pub fn standard(&self) {
        self.serve_fixture("/rss.xml", "rss.xml");
        self.serve_fixture("/atom.xml", "atom.xml");
        for a in ["flood-valencia", "quake-izmir", "protest-nairobi", "fire-adelaide"] {
            self.serve_fixture(&format!("/articles/{a}.html"), &format!("{a}.html"));
        }
    }

    pub fn seen(&self, path: &str) -> Vec<Seen> {
        self.shared.lock().unwrap().seen.iter().filter(|s| s.path == path).cloned().collect()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn serve(mut stream: TcpStream, shared: &Mutex<Shared>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let route = {
        let mut s = shared.lock().unwrap();
        s.seen.push(Seen { path: path.clone(), headers: headers.clone() });
        let r = s.routes.get_mut(&path).map(|r| {
            let copy = r.clone();
            if r.fail_first > 0 {
                r.fail_first -= 1;
            }
            copy
        });
        r
    };
    let Some(route) = route else {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    if route.hang {
        std::thread::sleep(Duration::from_secs(60));
        return;
    }
    std::thread::sleep(route.delay);
    if route.fail_first > 0 {
        let _ =
            stream.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    // Conditional GET: an ETag route answers 304 to a matching If-None-Match.
    let etag = route.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("etag")).map(|(_, v)| v.clone());
    if etag.is_some() && headers.get("if-none-match") == etag.as_ref() {
        let _ = stream.write_all(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    let mut head = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", route.status);
    for (k, v) in &route.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !route.no_length {
        let len = if route.huge > 0 { route.huge } else { route.body.len() };
        head.push_str(&format!("Content-Length: {len}\r\n"));
    }
    head.push_str("\r\n");
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    if route.huge > 0 {
        let chunk = vec![b'a'; 64 * 1024];
        let mut left = route.huge;
        while left > 0 {
            let n = left.min(chunk.len());
            if stream.write_all(&chunk[..n]).is_err() {
                return;
            }
            left -= n;
        }
    } else {
        let end = route.cut_at.unwrap_or(route.body.len()).min(route.body.len());
        let _ = stream.write_all(&route.body[..end]);
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
}

/// A working directory with a configuration.
pub struct Setup {
    pub dir: tempfile::TempDir,
}

impl Setup {
    pub fn new(config: &str) -> Setup {
        let dir = temp_dir();
        std::fs::write(dir.path().join("feeds.toml"), config).unwrap();
        Setup { dir }
    }
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("feeds.toml")
    }
    pub fn output(&self) -> PathBuf {
        self.dir.path().join("output")
    }
    pub fn run(&self, extra: &[&str]) -> Run {
        let mut cmd = geoevents();
        cmd.arg("run").arg("--config").arg(self.config()).arg("--once").args(extra).timeout(Duration::from_secs(120));
        run_cmd(&mut cmd)
    }
    pub fn status(&self) -> Vec<Value> {
        let mut cmd = geoevents();
        cmd.arg("status").arg("--config").arg(self.config()).arg("--json");
        let r = run_cmd(&mut cmd);
        r.ok();
        r.json_lines()
    }
    /// The events layer's features.
    pub fn events(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.output().join("events.geojson")).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("events.geojson is not JSON ({e})"));
        v["features"].as_array().unwrap().clone()
    }
    pub fn layer_bytes(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for name in ["events.geojson", "places.geojson", "areas.geojson", "index.html", "events.qml"] {
            let p = self.output().join(name);
            if p.exists() {
                out.push((name.to_string(), std::fs::read(p).unwrap()));
            }
        }
        assert!(out.len() >= 4, "layers missing in {}", self.output().display());
        out
    }
}

pub(crate) fn config(feeds: &[(&str, &str)], extra: &str) -> String {
    let mut c = format!("output = \"output\"\n{extra}\n");
    for (name, url) in feeds {
        c.push_str(&format!("\n[[feed]]\nname = \"{name}\"\nurl = \"{url}\"\n"));
    }
    c
}

/// `(source_url, place_name)` of every event, sorted.
pub(crate) fn event_keys(events: &[Value]) -> Vec<(String, String)> {
    let mut k: Vec<(String, String)> = events
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (p["source_url"].as_str().unwrap_or("").to_string(), p["place_name"].as_str().unwrap_or("").to_string())
        })
        .collect();
    k.sort();
    k
}

pub(crate) fn places_of(events: &[Value], url_part: &str) -> Vec<String> {
    let mut v: Vec<String> =
        event_keys(events).into_iter().filter(|(u, _)| u.contains(url_part)).map(|(_, p)| p).collect();
    v.dedup();
    v
}

pub(crate) const FAST: &str = "[fetch]\ntimeout = \"3s\"\nretries = 3\nbackoff = \"50ms\"";

#[test]
fn minimal_config_first_run_maps_events_and_rerun_changes_nothing() {
    let server = Server::start();
    server.standard();
    // Exactly the minimal configuration from the issue.
    let setup = Setup::new(&format!(
        "output = \"output\"\n[[feed]]\nname = \"example\"\nurl = \"{}\"\n",
        server.url("/rss.xml")
    ));
    setup.run(&[]).ok();
    let events = setup.events();
    assert!(places_of(&events, "flood-valencia").iter().any(|p| p == "Valencia"), "{:?}", event_keys(&events));
    assert!(
        places_of(&events, "quake-izmir").iter().any(|p| p.contains("Izmir") || p.contains("İzmir")),
        "{:?}",
        event_keys(&events)
    );
    assert!(setup.output().join("geoevents-state.sqlite").exists());
    assert!(!setup.output().join("geoevents-state.sqlite.lock").exists(), "the lock is released");
    let ua = &server.seen("/rss.xml")[0].headers["user-agent"];
    assert!(ua.starts_with("geoevents/"), "{ua}");

    let before = setup.layer_bytes();
    setup.run(&[]).ok();
    assert_eq!(before, setup.layer_bytes(), "a second run with nothing new changes no byte of the layers");
    let st = setup.status();
    assert_eq!(st[0]["name"], "example");
    assert_eq!(st[0]["last_status"], "ok");
    assert_eq!(st[0]["articles"], 2);
    // The state counts every event, the layer only those drawn (resolved, not metonyms).
    assert!(st[0]["events"].as_i64().unwrap() >= events.len() as i64, "{st:?}");
}

#[test]
fn feed_gaining_an_article_adds_exactly_its_events_and_edit_replaces() {
    let server = Server::start();
    server.standard();
    let setup = Setup::new(&config(&[("world", &server.url("/rss.xml")), ("africa", &server.url("/atom.xml"))], FAST));
    setup.run(&[]).ok();
    let first = event_keys(&setup.events());
    assert!(first.iter().any(|(u, _)| u.contains("protest-nairobi")), "Atom entries are mapped: {first:?}");

    // The feed gains one article.
    server.serve_fixture("/rss.xml", "rss-plus.xml");
    setup.run(&[]).ok();
    let second = event_keys(&setup.events());
    let added: Vec<_> = second.iter().filter(|k| !first.contains(k)).cloned().collect();
    assert!(!added.is_empty());
    assert!(added.iter().all(|(u, _)| u.contains("fire-adelaide")), "only the new article's events: {added:?}");
    assert_eq!(second.len(), first.len() + added.len(), "nothing else changed or duplicated");
    assert!(added.iter().any(|(_, p)| p == "Adelaide"), "{added:?}");

    // An edited article replaces its events.
    server.serve_fixture("/articles/flood-valencia.html", "flood-valencia-edited.html");
    setup.run(&[]).ok();
    let third = event_keys(&setup.events());
    let valencia = places_of(&setup.events(), "flood-valencia");
    assert!(valencia.iter().any(|p| p == "Seville" || p == "Sevilla"), "{valencia:?}");
    assert!(!valencia.iter().any(|p| p == "Madrid"), "old events are gone: {valencia:?}");
    let others = |k: &Vec<(String, String)>| {
        k.iter().filter(|(u, _)| !u.contains("flood-valencia")).cloned().collect::<Vec<_>>()
    };
    assert_eq!(others(&second), others(&third));
}

#[test]
fn conditional_get_uses_etag_and_304() {
    let server = Server::start();
    server.standard();
    let mut feed = Route::ok(server.fixture("rss.xml"), "application/rss+xml");
    feed.headers.push(("ETag".into(), "\"v1\"".into()));
    server.route("/rss.xml", feed);
    let setup = Setup::new(&config(&[("world", &server.url("/rss.xml"))], FAST));
    setup.run(&[]).ok();
    setup.run(&[]).ok();
    let seen = server.seen("/rss.xml");
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].headers.get("if-none-match").map(String::as_str), Some("\"v1\""));
    assert_eq!(setup.status()[0]["last_status"], "not modified");
    assert_eq!(server.seen("/articles/flood-valencia.html").len(), 1, "a 304 feed fetches no article");
}

#[test]
fn feed_own_text_option() {
    let server = Server::start();
    server.standard();
    let setup = Setup::new(&format!(
        "output = \"output\"\n[[feed]]\nname = \"africa\"\nurl = \"{}\"\nlanguage = \"en\"\nfetch_article = false\n",
        server.url("/atom.xml")
    ));
    setup.run(&[]).ok();
    assert!(server.seen("/articles/protest-nairobi.html").is_empty(), "the article page is not fetched");
    let places = places_of(&setup.events(), "protest-nairobi");
    assert!(places.iter().any(|p| p == "Nairobi") && places.iter().any(|p| p == "Mombasa"), "{places:?}");
}

/// One good feed and one bad one: the run completes (0), the good feed is
/// mapped, the bad one is reported in `status`.
fn one_bad_feed(server: &Server, bad_path: &str, extra: &str) -> (Setup, Run) {
    server.standard();
    let setup = Setup::new(&config(&[("good", &server.url("/rss.xml")), ("bad", &server.url(bad_path))], extra));
    let r = setup.run(&[]);
    r.ok();
    assert!(!places_of(&setup.events(), "flood-valencia").is_empty());
    let st = setup.status();
    let bad = st.iter().find(|s| s["name"] == "bad").unwrap();
    assert_eq!(bad["last_status"], "error", "{st:?}");
    let good = st.iter().find(|s| s["name"] == "good").unwrap();
    assert_eq!(good["last_status"], "ok");
    (setup, r)
}

#[test]
fn http_500_then_success_on_retry() {
    let server = Server::start();
    server.standard();
    let mut r = Route::ok(server.fixture("atom.xml"), "application/atom+xml");
    r.fail_first = 2;
    server.route("/flaky.xml", r);
    let setup = Setup::new(&config(&[("flaky", &server.url("/flaky.xml"))], FAST));
    setup.run(&[]).ok();
    assert_eq!(server.seen("/flaky.xml").len(), 3, "two 500s, then the retry that worked");
    assert!(!places_of(&setup.events(), "protest-nairobi").is_empty());
    // Always 500: retried 3 times, then reported, and the run is a failure of every feed.
    let mut dead = Route::ok("", "text/plain");
    dead.fail_first = 1000;
    server.route("/dead.xml", dead);
    let setup = Setup::new(&config(&[("dead", &server.url("/dead.xml"))], FAST));
    let r = setup.run(&[]);
    r.expect_code(7);
    assert_eq!(server.seen("/dead.xml").len(), 4);
    assert!(r.stderr.contains("HTTP 500"), "{}", r.stderr);
}

#[test]
fn server_that_never_answers_times_out() {
    let server = Server::start();
    server.route("/hang.xml", Route { hang: true, ..Route::default() });
    let started = Instant::now();
    let (_setup, r) = one_bad_feed(&server, "/hang.xml", "[fetch]\ntimeout = \"1s\"\nretries = 1\nbackoff = \"10ms\"");
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    assert!(r.stderr.contains("no answer within"), "{}", r.stderr);
}

#[test]
fn body_larger_than_the_cap() {
    let server = Server::start();
    // 2 GB announced and streamed without Content-Length: the cap stops it early.
    server.route("/huge.xml", Route { status: 200, huge: 2 << 30, no_length: true, ..Route::default() });
    server.route("/huge-announced.xml", Route { status: 200, huge: 2 << 30, ..Route::default() });
    let started = Instant::now();
    let (setup, r) = one_bad_feed(&server, "/huge.xml", "[fetch]\nmax_bytes = 1000000");
    assert!(r.stderr.contains("larger than the limit"), "{}", r.stderr);
    assert!(started.elapsed() < Duration::from_secs(20));
    let _ = setup;
    let (_s, r) = one_bad_feed(&server, "/huge-announced.xml", "[fetch]\nmax_bytes = 1000000");
    assert!(r.stderr.contains("larger than the limit"), "{}", r.stderr);
}

#[test]
fn malformed_xml_is_reported_and_skipped() {
    let server = Server::start();
    server.serve_fixture("/malformed.xml", "malformed.xml");
    let (_s, r) = one_bad_feed(&server, "/malformed.xml", FAST);
    assert!(r.stderr.contains("not a feed"), "{}", r.stderr);
}

#[test]
fn redirect_loop_is_reported_and_skipped() {
    let server = Server::start();
    server.route("/loop-a.xml", Route::redirect("/loop-b.xml"));
    server.route("/loop-b.xml", Route::redirect("/loop-a.xml"));
    let (_s, r) = one_bad_feed(&server, "/loop-a.xml", FAST);
    assert!(r.stderr.contains("redirect loop"), "{}", r.stderr);
    assert!(server.seen("/loop-a.xml").len() <= 2);
}

#[test]
fn unreachable_host_is_reported_and_skipped() {
    let server = Server::start();
    // A port nobody listens on.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/feed.xml", closed.local_addr().unwrap());
    drop(closed);
    server.standard();
    let setup = Setup::new(&config(
        &[("good", &server.url("/rss.xml")), ("bad", &url)],
        "[fetch]\nretries = 1\nbackoff = \"10ms\"",
    ));
    setup.run(&[]).ok();
}

#[test]
fn configuration_errors_and_lock() {
    let setup = Setup::new("output = \"output\"\n[[feed]]\nname = \"x\"\n");
    let r = setup.run(&[]);
    r.expect_code(8);
    assert!(r.stderr.contains("feeds.toml"), "{}", r.stderr);
    let setup = Setup::new("output = \"output\"\n[[feed]]\nname = \"x\"\nurl = \"ftp://example.org/\"\n");
    setup.run(&[]).expect_code(8);
    let setup = Setup::new("output = \"output\"\nbogus = 1\n[[feed]]\nname = \"x\"\nurl = \"http://127.0.0.1:9/\"\n");
    setup.run(&[]).expect_code(8);
    let mut cmd = geoevents();
    cmd.args(["run", "--config", "/nonexistent/feeds.toml", "--once"]);
    run_cmd(&mut cmd).expect_code(8);

    // Another run holds the lock: this test process locks the file as a run does.
    let server = Server::start();
    server.standard();
    let setup = Setup::new(&config(&[("world", &server.url("/rss.xml"))], ""));
    std::fs::create_dir_all(setup.output()).unwrap();
    let lock = setup.output().join("geoevents-state.sqlite.lock");
    let held = std::fs::File::create(&lock).unwrap();
    fs4::FileExt::try_lock(&held).unwrap();
    std::fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
    let r = setup.run(&[]);
    r.expect_code(9);
    assert!(r.stderr.contains("another geoevents run"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("pid {}", std::process::id())), "{}", r.stderr);
    assert!(server.seen("/rss.xml").is_empty());
    drop(held);
    // A lock file nobody holds never blocks, whatever it says: a killed
    // run's pid, an empty file (a full disk), garbage, the pid of an
    // unrelated live process (1, as a reused pid would be), pid 0.
    for content in ["999999999\n", "", "garbage", "1\n", "0\n"] {
        std::fs::write(&lock, content).unwrap();
        let r = setup.run(&[]);
        r.ok();
        assert!(!lock.exists(), "the lock file is removed when the run ends ({content:?})");
    }
}

#[test]
fn two_runs_started_together_never_both_go_on() {
    let server = Server::start();
    generated_site(&server, 10, Duration::from_secs(1));
    let setup = Setup::new(&config(&[("gen", &server.url("/gen.xml"))], ""));
    let bin = assert_cmd::cargo::cargo_bin("geoevents");
    for _ in 0..3 {
        let children: Vec<std::process::Child> = (0..4)
            .map(|_| {
                std::process::Command::new(&bin)
                    .args(["run", "--once", "--config"])
                    .arg(setup.config())
                    .env_remove("GEOEVENTS_GAZETTEER")
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let codes: Vec<i32> =
            children.into_iter().map(|c| c.wait_with_output().unwrap().status.code().unwrap()).collect();
        // A run that starts after another has finished could go on too, but
        // the articles take 3 s to fetch (10 at 1 s, 4 at a time): of four
        // runs started together exactly one goes on.
        assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
        assert!(codes.iter().all(|c| *c == 0 || *c == 9), "{codes:?}");
    }
    assert_eq!(setup.status()[0]["articles"], 10);
}

pub(crate) fn generated_site(server: &Server, n: usize, delay: Duration) {
    let places =
        ["Paris", "Berlin", "Madrid", "Nairobi", "Lima", "Cairo", "Oslo", "Hanoi", "Quito", "Dakar", "Kyiv", "Manila"];
    let mut items = String::new();
    for i in 0..n {
        let (a, b) = (places[i % places.len()], places[(i * 7 + 3) % places.len()]);
        let page = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Report {i}</title>\
             <meta property=\"article:published_time\" content=\"2024-10-{:02}T10:00:00Z\"></head><body><article><h1>Report {i} from {a}</h1>\
             <p>Crowds gathered in {a} on Monday after a storm knocked out power to several districts, and repair crews worked through the night to restore it. Report number {i}.</p>\
             <p>Officials in {b} said they would send engineers and generators, and schools in both cities stayed closed while the damage was assessed.</p></article></body></html>",
            1 + i % 28
        );
        let path = format!("/gen/{i:04}.html");
        server.route(&path, Route { delay, ..Route::ok(page, "text/html; charset=utf-8") });
        items.push_str(&format!("<item><title>Report {i}</title><link>{}</link></item>\n", server.url(&path)));
    }
    let feed = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>gen</title><link>{}</link><description>d</description>\n{items}</channel></rss>", server.base);
    server.route("/gen.xml", Route::ok(feed, "application/rss+xml"));
}

#[test]
fn sigkill_mid_run_then_rerun_has_no_duplicates_and_valid_layers() {
    let server = Server::start();
    generated_site(&server, 40, Duration::from_millis(150));
    let cfg = config(&[("gen", &server.url("/gen.xml"))], "[fetch]\nper_host = 2");
    // A clean run for reference.
    let clean = Setup::new(&cfg);
    clean.run(&[]).ok();
    let clean_events = clean.events();
    let want = event_keys(&clean_events);
    // Each article reports a storm in its first city, one of 12, dated "on Monday" before its
    // publication day; reports of one city dated the same or adjacent days are one event
    // (events::merge), so the features number fewer than the articles and their count says
    // little. What must hold: each of the 12 cities has its storm drawn, and every article is
    // counted once in the drawn events' `num_articles`.
    assert_eq!(distinct_places(&want), 12, "{want:?}");
    assert_eq!(articles_reported(&clean_events), 40, "{want:?}");

    let killed = Setup::new(&cfg);
    let bin = assert_cmd::cargo::cargo_bin("geoevents");
    let mut child = std::process::Command::new(bin)
        .args(["run", "--once", "--config"])
        .arg(killed.config())
        .env_remove("GEOEVENTS_GAZETTEER")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some but not all articles are stored, then SIGKILL.
    let state = killed.output().join("geoevents-state.sqlite");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let n = stored_articles(&state);
        if n >= 5 || Instant::now() > deadline {
            assert!(n < 40, "the run finished before it could be killed ({n})");
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(killed.output().join("geoevents-state.sqlite.lock").exists(), "the killed run left its lock");
    killed.run(&[]).ok();
    assert_eq!(event_keys(&killed.events()), want, "same events as a clean run, none twice");
    for l in ["places.geojson", "areas.geojson"] {
        let t = std::fs::read_to_string(killed.output().join(l)).unwrap();
        serde_json::from_str::<Value>(&t).unwrap();
    }
    let tmp: Vec<_> = crate::util::dir_entries(&killed.output()).into_iter().filter(|n| n.contains("tmp")).collect();
    assert!(tmp.is_empty(), "no temporary files left: {tmp:?}");
    let st = killed.status();
    assert_eq!(st[0]["articles"], 40);
}

fn distinct_places(keys: &[(String, String)]) -> usize {
    keys.iter().map(|(_, place)| place).collect::<std::collections::BTreeSet<_>>().len()
}

/// The articles the drawn events stand for (`num_articles` summed over the merged events).
fn articles_reported(events: &[Value]) -> u64 {
    events.iter().map(|f| f["properties"]["num_articles"].as_u64().unwrap_or(0)).sum()
}

fn stored_articles(state: &Path) -> i64 {
    if !state.exists() {
        return 0;
    }
    let Ok(c) = rusqlite::Connection::open_with_flags(state, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return 0;
    };
    c.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0)).unwrap_or(0)
}

/// 1,000 articles served from 127.0.0.1, fetched, processed and mapped.
#[test]
fn benchmark_1000_articles() {
    let server = Server::start();
    generated_site(&server, 1000, Duration::ZERO);
    let mut cfg = config(&[("gen", &server.url("/gen.xml"))], "[fetch]\nper_host = 8");
    cfg.push_str("max_articles = 1000\n"); // over the default of 200
    let setup = Setup::new(&cfg);
    let started = Instant::now();
    setup.run(&[]).ok();
    let secs = started.elapsed().as_secs_f64();
    eprintln!("benchmark: 1000 articles fetched, processed and mapped in {secs:.2} s");
    assert_eq!(setup.status()[0]["articles"], 1000);
    // As in the SIGKILL test: one storm an article in one of 12 cities, merged across articles
    // (events::merge); every one of the 1,000 articles is counted once in a drawn event.
    let events = setup.events();
    assert_eq!(distinct_places(&event_keys(&events)), 12);
    assert_eq!(articles_reported(&events), 1000);
    let limit: f64 = std::env::var("GEOEVENTS_BENCH_LIMIT").ok().and_then(|s| s.parse().ok()).unwrap_or(10.0);
    assert!(secs < limit, "{secs:.2} s");
}

#[test]
fn json_logs_and_retention_window() {
    let server = Server::start();
    server.standard();
    let setup = Setup::new(&config(&[("world", &server.url("/rss.xml"))], ""));
    let r = setup.run(&["--log-format", "json"]);
    r.ok();
    let lines = crate::util::json_lines(&r.stderr);
    let done = lines.iter().find(|l| l["message"] == "pass done").unwrap_or_else(|| panic!("{}", r.stderr));
    assert_eq!(done["new_articles"], 2);
    assert!(done["layer_events"].as_u64().unwrap() > 0);
    // The fixture events are from 2024: a 30-day window leaves them out of
    // the layers, but not out of the state.
    let r = setup.run(&["--keep", "30d"]);
    r.ok();
    assert!(setup.events().is_empty(), "{:?}", event_keys(&setup.events()));
    assert_eq!(setup.status()[0]["articles"], 2);
    setup.run(&[]).ok();
    assert!(!setup.events().is_empty());
}

#[test]
fn every_loops_until_sigterm_then_stops_cleanly() {
    let server = Server::start();
    server.standard();
    let setup = Setup::new(&config(&[("world", &server.url("/rss.xml"))], ""));
    let bin = assert_cmd::cargo::cargo_bin("geoevents");
    let mut child = std::process::Command::new(bin)
        .args(["run", "--every", "1s", "--config"])
        .arg(setup.config())
        .env_remove("GEOEVENTS_GAZETTEER")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.seen("/rss.xml").len() < 2 {
        assert!(Instant::now() < deadline, "no second pass");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A second run while this one loops is refused.
    setup.run(&[]).expect_code(9);
    #[allow(unsafe_code)] // the test sends a real SIGTERM to the child
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM)
    };
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    assert!(!setup.output().join("geoevents-state.sqlite.lock").exists());
    assert!(!places_of(&setup.events(), "quake-izmir").is_empty());
}

#[test]
fn cron_option_is_checked() {
    let setup = Setup::new(
        "output = \"output\"\ncron = \"not a cron\"\n[[feed]]\nname = \"x\"\nurl = \"http://127.0.0.1:9/\"\n",
    );
    setup.run(&[]).expect_code(8);
}

/// Temporaries our writers make: `.NAME.geoevents-XXXXXX.tmp` (and any
/// other leftover with "tmp" in its name).
fn temporaries(dir: &Path) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    crate::util::dir_entries(dir).into_iter().filter(|n| n.contains(".geoevents-") || n.contains("tmp")).collect()
}

#[test]
fn twenty_sigkills_in_a_row_then_one_pass_leaves_no_temporary_and_no_duplicate() {
    let server = Server::start();
    generated_site(&server, 60, Duration::from_millis(20));
    let cfg = config(
        &[("gen", &server.url("/gen.xml"))],
        "formats = [\"geojson\", \"geojsonseq\", \"csv\", \"gpkg\"]\n[fetch]\nper_host = 4",
    );
    let clean = Setup::new(&cfg);
    clean.run(&[]).ok();
    let clean_events = clean.events();
    let want = event_keys(&clean_events);
    // As in the SIGKILL test above: 12 cities, every article counted in a drawn event.
    assert_eq!(distinct_places(&want), 12, "{want:?}");
    assert_eq!(articles_reported(&clean_events), 60, "{want:?}");

    // A looping run rewrites every layer at each pass: kills land in
    // fetching, geoparsing and layer writing alike.
    let killed = Setup::new(&cfg);
    let bin = assert_cmd::cargo::cargo_bin("geoevents");
    let mut left_behind = 0;
    for i in 0..20u64 {
        let mut child = std::process::Command::new(&bin)
            .args(["run", "--every", "10ms", "--config"])
            .arg(killed.config())
            .env_remove("GEOEVENTS_GAZETTEER")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(150 + (i * 173) % 1100));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        if !temporaries(&killed.output()).is_empty() {
            left_behind += 1;
        }
    }
    eprintln!("sigkill loop: {left_behind} of 20 kills left temporary files for the next pass to sweep");
    killed.run(&[]).ok();
    assert_eq!(temporaries(&killed.output()), Vec::<String>::new(), "temporaries left after the next pass");
    assert_eq!(event_keys(&killed.events()), want, "same events as a clean run, none twice");
    assert_eq!(killed.status()[0]["articles"], 60);
    // Every layer opens: JSON, JSON sequences, CSV rows, the GeoPackage.
    for layer in ["events", "places", "areas"] {
        let text = std::fs::read_to_string(killed.output().join(format!("{layer}.geojson"))).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{layer}.geojson: {e}"));
        let n = v["features"].as_array().unwrap().len();
        let csv = std::fs::read_to_string(killed.output().join(format!("{layer}.csv"))).unwrap();
        assert_eq!(csv.lines().count(), n + 1, "{layer}.csv has a header and one row a feature");
        let seq = killed.output().join(format!("{layer}.geojsons"));
        if n > 0 {
            let text = std::fs::read_to_string(seq).unwrap();
            for line in text.lines() {
                serde_json::from_str::<Value>(line.trim_start_matches('\u{1e}')).unwrap();
            }
        }
    }
    let gpkg = rusqlite::Connection::open_with_flags(
        killed.output().join("layers.gpkg"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let check: String = gpkg.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let events: i64 = gpkg.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0)).unwrap();
    assert_eq!(events as usize, want.len());
}

#[test]
fn the_http_charset_decides_over_a_wrong_meta() {
    let server = Server::start();
    // An ISO-8859-1 page that claims UTF-8; the server says what it is.
    let page = b"<html><head><meta charset=\"utf-8\"><title>Storm</title></head><body><article>\
<h1>Storm in Z\xFCrich</h1><p>A storm flooded the old town of Z\xFCrich on Monday, and the river rose \
through the night while crews worked to keep the bridges open to traffic.</p>\
<p>Officials said the damage would be assessed when the water fell again.</p></article></body></html>";
    server.route("/latin1.html", Route::ok(page.to_vec(), "text/html; charset=ISO-8859-1"));
    // Shift_JIS with no declaration in the page at all: only the header says so.
    let sjis = encoding_rs::SHIFT_JIS.encode(
        "<html><head><title>大阪</title></head><body><article><p>Floods reached Osaka (大阪) on Monday after heavy \
         rain, and trains between Osaka and Kyoto stopped for the night while the river stayed high.</p></article></body></html>",
    ).0.into_owned();
    server.route("/sjis.html", Route::ok(sjis, "text/html; charset=Shift_JIS"));
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>{0}</link><description>d</description>\
<item><title>Storm</title><link>{0}/latin1.html</link></item><item><title>Floods</title><link>{0}/sjis.html</link></item></channel></rss>",
        server.base
    );
    server.route("/feed.xml", Route::ok(feed, "application/rss+xml"));
    let setup = Setup::new(&config(&[("charsets", &server.url("/feed.xml"))], ""));
    setup.run(&[]).ok();
    let events = setup.events();
    assert_eq!(places_of(&events, "latin1"), ["Zürich"], "{:?}", event_keys(&events));
    assert!(places_of(&events, "sjis").contains(&"Osaka".to_string()), "{:?}", event_keys(&events));
    assert_eq!(setup.status()[0]["articles"], 2);
}
