//! What a feed can send must not stop or mislead the map (issue 11): entries
//! without links, failing articles, edits behind an unchanged feed, too many
//! entries, links to internal addresses or with credentials, articles that
//! take too long, a read-only state. Real HTTP servers on 127.0.0.1 (and
//! 127.0.0.2), as in `feeds.rs`; nothing is sent anywhere else.

// The articles' texts are written so that each reports an event of the
// ACLED ontology (a protest, an arrest): the layers draw only such events,
// and these tests read which articles reached the map from the events layer.
use crate::feeds::{config, event_keys, generated_site, places_of, Route, Server, Setup, FAST};
use crate::util::{geoevents, run_cmd};
use serde_json::Value;
use std::net::TcpListener;
use std::time::Duration;

fn rss(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>http://example.invalid/</link>\
         <description>d</description>\n{items}</channel></rss>"
    )
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><article>\
         <h1>{title}</h1><p>{body}</p><p>Officials said more would be known in the coming days, and crews \
         stayed out through the night to help the people who had been affected.</p></article></body></html>"
    )
}

fn html_route(title: &str, body: &str) -> Route {
    Route::ok(page(title, body), "text/html; charset=utf-8")
}

/// All the text `status` prints, both forms.
fn status_text(setup: &Setup) -> String {
    let mut cmd = geoevents();
    cmd.arg("status").arg("--config").arg(setup.config());
    let r = run_cmd(&mut cmd);
    r.ok();
    r.stdout.clone()
}

fn failed(status: &[Value], feed: &str) -> Vec<Value> {
    status.iter().find(|s| s["name"] == feed).unwrap()["failed_articles"].as_array().unwrap().clone()
}

#[test]
fn entries_without_a_link_are_geoparsed_from_their_text_with_the_guid_as_id() {
    let server = Server::start();
    let feed_url = server.url("/feed.xml");
    let items = format!(
        "<item><title>Floods</title><guid isPermaLink=\"false\">urn:news:1</guid>\
         <description>Floods cut the roads around Valparaiso on Monday.</description></item>\
         <item><title>Blank</title><link> </link><guid isPermaLink=\"false\">urn:news:2</guid>\
         <description>A storm hit the port of Antofagasta.</description></item>\
         <item><title>Self</title><link>{feed_url}</link><guid isPermaLink=\"false\">urn:news:3</guid>\
         <description>Fires burned near Concepcion all week.</description></item>"
    );
    server.route("/feed.xml", Route::ok(rss(&items), "application/rss+xml"));
    // The default (fetch_article = true) and the feed's own text alike.
    for extra in ["", "fetch_article = false\n"] {
        let mut cfg = config(&[("chile", &feed_url)], FAST);
        cfg.push_str(extra);
        let setup = Setup::new(&cfg);
        setup.run(&[]).ok();
        let events = setup.events();
        let ids: Vec<&str> = events.iter().map(|f| f["properties"]["doc_id"].as_str().unwrap()).collect();
        for (id, place) in [("urn:news:1", "Valparaíso"), ("urn:news:2", "Antofagasta"), ("urn:news:3", "Concepción")]
        {
            assert!(ids.contains(&id), "{id} missing: {:?}", event_keys(&events));
            let names: Vec<&str> = events
                .iter()
                .filter(|f| f["properties"]["doc_id"] == id)
                .map(|f| f["properties"]["place_name"].as_str().unwrap())
                .collect();
            assert!(names.iter().any(|n| n.starts_with(&place[..4])), "{id}: {names:?}");
        }
        assert!(events.iter().all(|f| f["properties"]["source_url"].is_null()), "no article URL to publish");
        let st = setup.status();
        assert_eq!(st[0]["last_status"], "ok");
        assert_eq!(st[0]["articles"], 3, "{st:?}");
    }
    // The blank link and the link to the feed never fetched the feed as an article.
    assert_eq!(server.seen("/feed.xml").len(), 2, "one request per run");
}

/// A feed with an ETag (answers 304 once seen) whose first article is
/// missing (404) and whose second is fine.
fn feed_with_a_missing_article(server: &Server) {
    let items = format!(
        "<item><title>Quake</title><link>{}</link></item><item><title>Fire</title><link>{}</link></item>",
        server.url("/missing.html"),
        server.url("/fine.html")
    );
    let mut feed = Route::ok(rss(&items), "application/rss+xml");
    feed.headers.push(("ETag".into(), "\"feed-1\"".into()));
    server.route("/feed.xml", feed);
    server.route("/fine.html", html_route("Fire", "A fire burned through the hills above Valencia on Sunday."));
}

#[test]
fn failed_articles_are_retried_while_the_feed_answers_304_and_status_lists_them() {
    let server = Server::start();
    feed_with_a_missing_article(&server);
    let extra = format!("{FAST}\narticle_retry = \"1ms\"");
    let setup = Setup::new(&config(&[("news", &server.url("/feed.xml"))], &extra));
    setup.run(&[]).ok();
    let st = setup.status();
    let f = failed(&st, "news");
    assert_eq!(f.len(), 1, "{st:?}");
    assert_eq!(f[0]["url"], server.url("/missing.html"));
    assert_eq!(f[0]["attempts"], 1);
    assert!(f[0]["error"].as_str().unwrap().contains("HTTP 404"), "{f:?}");
    assert!(f[0]["next_retry"].is_string());
    assert!(status_text(&setup).contains("HTTP 404"), "the table lists the failure too");

    // The feed is unchanged (304), the article still missing: tried again.
    setup.run(&[]).ok();
    assert_eq!(setup.status()[0]["last_status"], "not modified");
    assert_eq!(server.seen("/missing.html").len(), 2);
    assert_eq!(failed(&setup.status(), "news")[0]["attempts"], 2);

    // It appears: the next pass maps it, with the feed still unchanged.
    server.route("/missing.html", html_route("Quake", "An earthquake shook the city of Izmir on Tuesday."));
    setup.run(&[]).ok();
    assert!(failed(&setup.status(), "news").is_empty());
    assert!(!places_of(&setup.events(), "missing").is_empty(), "{:?}", event_keys(&setup.events()));
    assert_eq!(setup.status()[0]["articles"], 2);
    assert_eq!(server.seen("/feed.xml").len(), 3);
}

#[test]
fn a_failed_article_waits_for_its_backoff() {
    let server = Server::start();
    feed_with_a_missing_article(&server);
    let extra = format!("{FAST}\narticle_retry = \"1h\"");
    let setup = Setup::new(&config(&[("news", &server.url("/feed.xml"))], &extra));
    setup.run(&[]).ok();
    // The feed changes (new ETag): its entries come again, but the failed one waits.
    let items = format!("<item><title>Quake</title><link>{}</link></item>", server.url("/missing.html"));
    let mut feed = Route::ok(rss(&items), "application/rss+xml");
    feed.headers.push(("ETag".into(), "\"feed-2\"".into()));
    server.route("/feed.xml", feed);
    let r = setup.run(&["--log-format", "json"]);
    r.ok();
    assert_eq!(server.seen("/missing.html").len(), 1, "not retried before its time");
    let done = crate::util::json_lines(&r.stderr).into_iter().find(|l| l["message"] == "pass done").unwrap();
    assert_eq!(done["waiting_articles"], 1);
    let next = failed(&setup.status(), "news")[0]["next_retry"].as_str().unwrap().to_string();
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert!(next > now, "{next} should be about an hour after {now}");
}

#[test]
fn stored_articles_are_revalidated_so_edits_are_seen_behind_an_unchanged_feed() {
    let server = Server::start();
    let items = format!("<item><title>Storm</title><link>{}</link></item>", server.url("/storm.html"));
    let mut feed = Route::ok(rss(&items), "application/rss+xml");
    feed.headers.push(("ETag".into(), "\"feed\"".into()));
    server.route("/feed.xml", feed);
    let storm = |place: &str, etag: &str| {
        let mut r = html_route("Storm", &format!("A storm flooded the streets of {place} on Monday."));
        r.headers.push(("ETag".into(), etag.into()));
        r
    };
    server.route("/storm.html", storm("Lisbon", "\"v1\""));

    // The default schedule (every 6 hours): a 304 feed costs no article request.
    let default = Setup::new(&config(&[("news", &server.url("/feed.xml"))], FAST));
    default.run(&[]).ok();
    default.run(&[]).ok();
    assert_eq!(server.seen("/storm.html").len(), 1);

    let extra = format!("{FAST}\nrevalidate = \"0s\"");
    let setup = Setup::new(&config(&[("news", &server.url("/feed.xml"))], &extra));
    setup.run(&[]).ok();
    assert_eq!(places_of(&setup.events(), "storm"), ["Lisbon"]);
    let before = setup.layer_bytes();
    // Unchanged: a conditional GET answered 304, and no byte of the layers changes.
    setup.run(&[]).ok();
    let seen = server.seen("/storm.html");
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].headers.get("if-none-match").map(String::as_str), Some("\"v1\""));
    assert_eq!(before, setup.layer_bytes());
    // Edited, while the feed still answers 304.
    server.route("/storm.html", storm("Porto", "\"v2\""));
    setup.run(&[]).ok();
    assert_eq!(setup.status()[0]["last_status"], "not modified");
    assert_eq!(places_of(&setup.events(), "storm"), ["Porto"], "the edit replaced the events");
}

#[test]
fn a_feed_gives_at_most_200_articles_a_pass_by_default() {
    let server = Server::start();
    generated_site(&server, 230, Duration::ZERO);
    let setup = Setup::new(&config(&[("gen", &server.url("/gen.xml"))], "[fetch]\nper_host = 8"));
    setup.run(&[]).ok();
    assert_eq!(setup.status()[0]["articles"], 200);
    assert!(server.seen("/gen/0200.html").is_empty(), "the 201st entry is not fetched");
}

/// A second server: "internal" pages the feed's links must not reach.
fn internal_server() -> Server {
    let internal = Server::start();
    for path in std::iter::once("/".to_string())
        .chain(std::iter::once("/secret.html".to_string()))
        .chain((0..SECRETS).map(secret_path))
    {
        internal.route(&path, html_route("Internal", "Protesters marched through Reykjavik on Friday."));
    }
    internal
}

/// Distinct pages on the internal server: the URL parser writes
/// `2130706433`, `0x7f.1` and `0177.0.0.1` as `127.0.0.1`, and a feed's
/// entries with one URL are one entry, so each notation gets its own page.
const SECRETS: usize = 16;

fn secret_path(i: usize) -> String {
    format!("/secret/{i}.html")
}

/// Requests that reached the internal server, on any of its pages.
fn internal_hits(internal: &Server) -> usize {
    internal.seen("/secret.html").len() + (0..SECRETS).map(|i| internal.seen(&secret_path(i)).len()).sum::<usize>()
}

fn port(server: &Server) -> u16 {
    server.base.rsplit(':').next().unwrap().parse().unwrap()
}

#[test]
fn links_and_redirects_to_internal_addresses_are_refused_in_every_notation() {
    let server = Server::start();
    let internal = internal_server();
    let p2 = port(&internal);
    // A third server on another loopback address, same port as nothing else here.
    let other = TcpListener::bind("127.0.0.2:0").map(|l| l.local_addr().unwrap().port()).ok();
    server.route("/own.html", html_route("Own", "Heavy rain fell on Marseille on Friday."));
    server.route("/go.html", Route::redirect(&format!("http://127.0.0.1:{p2}/secret.html")));
    let hosts = ["127.0.0.1", "localhost", "2130706433", "0x7f.1", "0177.0.0.1", "[::1]", "[::ffff:127.0.0.1]"];
    let mut links: Vec<String> =
        hosts.iter().enumerate().map(|(i, h)| format!("http://{h}:{p2}{}", secret_path(i))).collect();
    let internal_test = format!("http://internal.test:{p2}{}", secret_path(hosts.len()));
    links.push(internal_test.clone());
    links.push(server.url("/go.html"));
    if let Some(p3) = other {
        links.push(format!("http://127.0.0.2:{p3}/secret.html"));
    }
    let items: String = links.iter().enumerate().fold(String::new(), |mut s, (i, l)| {
        s.push_str(&format!("<item><title>L{i}</title><link>{l}</link></item>"));
        s
    });
    let items = format!("{items}<item><title>Own</title><link>{}</link></item>", server.url("/own.html"));
    server.route("/feed.xml", Route::ok(rss(&items), "application/rss+xml"));
    // `internal.test` is a public-looking name that resolves to 127.0.0.1.
    let fetch = format!("{FAST}\n[fetch.resolve]\n\"internal.test\" = \"127.0.0.1\"\n");

    let setup = Setup::new(&config(&[("news", &server.url("/feed.xml"))], &fetch));
    let r = setup.run(&["--log-format", "json"]);
    r.ok();
    assert_eq!(internal_hits(&internal), 0, "a request reached the internal server");
    let places: Vec<String> = event_keys(&setup.events()).into_iter().map(|(_, p)| p).collect();
    assert!(places.contains(&"Marseille".to_string()), "{places:?}\n{:#?}\n{}", setup.status(), r.stderr);
    assert!(!places.iter().any(|p| p.contains("Reykjav")), "{places:?}");
    let f = failed(&setup.status(), "news");
    assert_eq!(f.len(), links.len(), "{f:#?}");
    for failure in &f {
        let error = failure["error"].as_str().unwrap();
        assert!(error.contains("refused") && error.contains("internal address"), "{error}");
        assert!(failure["next_retry"].is_null(), "a refused link is not retried on a schedule");
    }
    let error_of = |link: &str| {
        f.iter().find(|x| x["url"] == link).map(|x| x["error"].as_str().unwrap().to_string()).unwrap_or_default()
    };
    assert!(error_of(&internal_test).contains("resolves to the internal address 127.0.0.1"));
    assert!(
        error_of(&server.url("/go.html")).contains(&format!("redirect to http://127.0.0.1:{p2}/secret.html refused"))
    );
    assert!(r.stderr.contains("allow_private_addresses"), "the log says how to allow it");

    // Allowed by the configuration: the same links are followed.
    let allowed = Setup::new(&config(
        &[("news", &server.url("/feed.xml"))],
        &format!("{FAST}\nallow_private_addresses = true\n[fetch.resolve]\n\"internal.test\" = \"127.0.0.1\"\n"),
    ));
    allowed.run(&[]).ok();
    // Every notation of 127.0.0.1 and the redirect reach it (::1 may not listen).
    assert!(internal_hits(&internal) >= 6, "{}", internal_hits(&internal));
    let places: Vec<String> = event_keys(&allowed.events()).into_iter().map(|(_, p)| p).collect();
    assert!(places.iter().any(|p| p.contains("Reykjav")), "{places:?}");
}

#[test]
fn a_feed_on_a_name_may_reach_its_own_origin_only() {
    let server = Server::start();
    let internal = internal_server();
    let (p1, p2) = (port(&server), port(&internal));
    // news.test is the feed's host, resolving to loopback: its own articles
    // are fetched; the same name on another port, and another name that
    // resolves to loopback, are not.
    let items = format!(
        "<item><title>Own</title><link>http://news.test:{p1}/own.html</link></item>\
         <item><title>Port</title><link>http://news.test:{p2}/secret.html</link></item>\
         <item><title>Other</title><link>http://other.test:{p2}/secret.html</link></item>"
    );
    server.route("/feed.xml", Route::ok(rss(&items), "application/rss+xml"));
    server.route("/own.html", html_route("Own", "Protesters gathered in central Innsbruck on Saturday."));
    let fetch = format!("{FAST}\n[fetch.resolve]\n\"news.test\" = \"127.0.0.1\"\n\"other.test\" = [\"127.0.0.1\"]\n");
    let setup = Setup::new(&config(&[("news", &format!("http://news.test:{p1}/feed.xml"))], &fetch));
    setup.run(&[]).ok();
    assert_eq!(places_of(&setup.events(), "own.html"), ["Innsbruck"]);
    assert_eq!(internal_hits(&internal), 0);
    assert_eq!(failed(&setup.status(), "news").len(), 2);
}

#[test]
fn credentials_never_reach_the_state_the_layers_or_the_logs() {
    let server = Server::start();
    let p1 = port(&server);
    let items = format!(
        "<item><title>Relative</title><link>/own.html</link></item>\
         <item><title>Creds</title><link>http://reader:hunter2@127.0.0.1:{p1}/creds.html</link>\
         <description>Flooding in Galway.</description></item>"
    );
    server.route("/feed.xml", Route::ok(rss(&items), "application/rss+xml"));
    server.route("/own.html", html_route("Own", "Protesters marched through Kraków on Thursday."));
    server.route("/creds.html", html_route("Creds", "The river burst its banks in Galway."));
    // The feed itself is behind basic authentication: the user's own secret.
    let feed_url = format!("http://owner:s3cr3t@127.0.0.1:{p1}/feed.xml");
    for fetch_article in ["", "fetch_article = false\n"] {
        let mut cfg = config(&[("news", &feed_url)], FAST);
        cfg.push_str(fetch_article);
        let setup = Setup::new(&cfg);
        let r = setup.run(&["--log-format", "json"]);
        r.ok();
        let auth = server.seen("/feed.xml").last().unwrap().headers.get("authorization").cloned();
        assert!(auth.is_some_and(|a| a.starts_with("Basic ")), "the feed gets its credentials");
        assert!(server.seen("/creds.html").is_empty(), "a link with credentials is not followed");
        let mut written = r.stderr.clone();
        written.push_str(&status_text(&setup));
        for entry in crate::util::dir_entries(&setup.output()) {
            let path = setup.output().join(entry);
            if path.is_file() {
                written.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
            }
        }
        for secret in ["s3cr3t", "hunter2"] {
            if let Some(at) = written.find(secret) {
                panic!(
                    "{secret} was written down: {}",
                    &written[at.saturating_sub(300)..(at + 100).min(written.len())]
                );
            }
        }
        let st = setup.status();
        assert_eq!(st[0]["url"], server.url("/feed.xml"));
        let f = failed(&st, "news");
        assert_eq!(f.len(), 1);
        assert!(f[0]["error"].as_str().unwrap().contains("user name or password"), "{f:?}");
        if fetch_article.is_empty() {
            assert_eq!(places_of(&setup.events(), "own.html"), ["Kraków"], "a relative link is fetched");
            let own = server.seen("/own.html");
            assert!(!own.last().unwrap().headers.contains_key("authorization"), "articles get no credentials");
        }
    }
}

#[test]
fn an_article_over_its_processing_deadline_is_skipped_and_reported() {
    let server = Server::start();
    // 3 MB of place names and no sentence punctuation: seconds of work.
    let names = ["Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Madrid", "Seville", "Cairo", "Lima"];
    let mut big = String::with_capacity(3_100_000);
    let mut i = 0;
    while big.len() < 3_000_000 {
        big.push_str(names[i % names.len()]);
        big.push(' ');
        i += 1;
    }
    server.route("/big.html", html_route("Big", &big));
    server.route("/small.html", html_route("Small", "Police arrested two men in Hamburg on Wednesday."));
    let items = format!(
        "<item><title>Big</title><link>{}</link></item><item><title>Small</title><link>{}</link></item>",
        server.url("/big.html"),
        server.url("/small.html")
    );
    server.route("/feed.xml", Route::ok(rss(&items), "application/rss+xml"));
    let setup = Setup::new(&config(&[("news", &server.url("/feed.xml"))], "article_deadline = \"500ms\"\n"));
    let r = setup.run(&["--log-format", "json"]);
    r.ok();
    assert_eq!(places_of(&setup.events(), "small"), ["Hamburg"], "{}", r.stderr);
    assert!(places_of(&setup.events(), "big").is_empty());
    let skipped = crate::util::json_lines(&r.stderr)
        .into_iter()
        .find(|l| l["message"] == "article skipped")
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(skipped["error"].as_str().unwrap().contains("deadline of 0.5 s"), "{skipped}");
    let f = failed(&setup.status(), "news");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["url"], server.url("/big.html"));
    assert!(f[0]["next_retry"].is_string(), "retried later, with the backoff");
}

#[test]
fn status_reads_a_state_it_cannot_write() {
    let server = Server::start();
    server.standard();
    let setup = Setup::new(&config(&[("world", &server.url("/rss.xml"))], FAST));
    setup.run(&[]).ok();
    let want = setup.status();
    assert_eq!(want[0]["articles"], 2);
    let output = setup.output();
    let mode = |m: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&output, std::fs::Permissions::from_mode(m)).unwrap();
    };
    // Root ignores permission bits: then status runs as an unprivileged user.
    #[allow(unsafe_code)] // geteuid has no preconditions
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let mut c = assert_cmd::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(assert_cmd::cargo::cargo_bin("geoevents"));
        c
    } else {
        geoevents()
    };
    // The folders above must be enterable by that user.
    for dir in output.ancestors().skip(1) {
        use std::os::unix::fs::PermissionsExt;
        let m = std::fs::metadata(dir).unwrap().permissions().mode();
        if root && m & 0o001 == 0 && dir.starts_with(std::env::temp_dir()) {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(m | 0o005)).unwrap();
        }
    }
    mode(0o555);
    cmd.arg("status").arg("--config").arg(setup.config()).arg("--json");
    let r = run_cmd(&mut cmd);
    mode(0o755);
    r.ok();
    let got = r.json_lines();
    assert_eq!(got[0]["articles"], want[0]["articles"]);
    assert_eq!(got[0]["events"], want[0]["events"]);
    assert_eq!(got[0]["last_status"], "ok");
}

/// Bytes that are no page: a fixed pseudo-random sequence (xorshift), with
/// NULs and bytes that are never UTF-8.
fn junk(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn each_broken_article_costs_only_itself_and_is_listed_with_its_url_and_cause() {
    let server = Server::start();
    let good = html_route("Good", "A storm flooded the streets of Lisbon on Monday.");
    let mut invalid = page("Bad bytes", "Rain fell on Genoa.").into_bytes();
    invalid.splice(40..40, [0xff, 0xfe, 0xc3]);
    let mut dead = html_route("Dead", "Never seen.");
    dead.fail_first = 1000;
    let mut cut = good.clone();
    cut.cut_at = Some(120);
    // (path, route, what the failure says)
    let broken: Vec<(&str, Route, &str)> = vec![
        ("/missing.html", Route { status: 404, ..Route::default() }, "HTTP 404"),
        ("/dead.html", dead, "HTTP 500"),
        ("/hang.html", Route { hang: true, ..Route::default() }, "no answer within"),
        ("/invalid.html", Route::ok(invalid, "text/html; charset=utf-8"), "invalid UTF-8"),
        ("/junk.html", Route::ok(junk(4096), "text/html"), "invalid UTF-8 at byte offset"),
        ("/empty.html", Route::ok("", "text/html; charset=utf-8"), "no article text"),
        ("/blank.html", Route::ok("<html><body> \n </body></html>", "text/html"), "no article text"),
        ("/cut.html", cut, "response body"),
    ];
    let mut items = format!("<item><title>Good</title><link>{}</link></item>", server.url("/good.html"));
    server.route("/good.html", good);
    for (path, route, _) in &broken {
        items.push_str(&format!("<item><title>{path}</title><link>{}</link></item>", server.url(path)));
        server.route(path, route.clone());
    }
    server.route("/feed.xml", Route::ok(rss(&items), "application/rss+xml"));
    let extra = "[fetch]\ntimeout = \"1s\"\nretries = 1\nbackoff = \"10ms\"";
    let setup = Setup::new(&config(&[("news", &server.url("/feed.xml"))], extra));
    let r = setup.run(&["--log-format", "json"]);
    r.ok();
    assert_eq!(places_of(&setup.events(), "good.html"), ["Lisbon"], "{}", r.stderr);
    assert_eq!(event_keys(&setup.events()).iter().filter(|(u, _)| !u.contains("good.html")).count(), 0);
    let st = setup.status();
    assert_eq!(st[0]["last_status"], "ok", "a broken article is not a broken feed: {st:?}");
    let f = failed(&st, "news");
    assert_eq!(f.len(), broken.len(), "{f:#?}");
    for (path, _, cause) in &broken {
        let url = server.url(path);
        let failure = f.iter().find(|x| x["url"] == url).unwrap_or_else(|| panic!("{url} not listed: {f:#?}"));
        let error = failure["error"].as_str().unwrap();
        assert!(error.contains(&url) && error.contains(cause), "{url}: {error}");
        assert!(failure["next_retry"].is_string(), "{url} is retried later");
    }
    // The invalid bytes are located for the reader.
    let invalid = f.iter().find(|x| x["url"] == server.url("/invalid.html")).unwrap()["error"].as_str().unwrap();
    assert!(invalid.contains("byte offset 40 "), "{invalid}");
    // A 500 is retried within the pass, a 404 is not.
    assert_eq!(server.seen("/dead.html").len(), 2);
    assert_eq!(server.seen("/missing.html").len(), 1);
}

#[test]
fn broken_feeds_are_reported_one_by_one_and_the_good_one_is_mapped() {
    let server = Server::start();
    let items = "<item><title>Storm</title><description>A storm hit the docks of Gdansk on Friday.</description>\
         <guid isPermaLink=\"false\">urn:storm</guid></item><item><title>March</title><description>Protesters marched in";
    let whole = rss(&format!("{items} Tromso.</description></item>"));
    let mut cut = Route::ok(whole.clone(), "application/rss+xml");
    cut.cut_at = Some(whole.find("Protesters marched in").unwrap());
    let mut invalid = whole.clone().into_bytes();
    invalid.splice(60..60, [0xc0, 0xaf]);
    let mut dead = Route::ok("", "application/rss+xml");
    dead.fail_first = 1000;
    // (name, route, what the feed's error says)
    let bad: Vec<(&str, Route, &str)> = vec![
        ("truncated-xml", Route::ok(rss(items), "application/rss+xml"), "not a feed"),
        ("cut-transfer", cut, "response body"),
        ("missing", Route { status: 404, ..Route::default() }, "HTTP 404"),
        ("dead", dead, "HTTP 500"),
        ("hang", Route { hang: true, ..Route::default() }, "no answer within"),
        ("invalid-utf8", Route::ok(invalid, "application/rss+xml; charset=utf-8"), "invalid UTF-8 at byte offset 60"),
        ("junk", Route::ok(junk(4096), "application/octet-stream"), "invalid UTF-8 at byte offset"),
        ("empty", Route::ok("", "application/rss+xml"), "not a feed: the body is empty"),
    ];
    server.route("/good.xml", Route::ok(whole, "application/rss+xml"));
    let mut feeds = vec![("good".to_string(), server.url("/good.xml"))];
    for (name, route, _) in &bad {
        let path = format!("/{name}.xml");
        server.route(&path, route.clone());
        feeds.push(((*name).to_string(), server.url(&path)));
    }
    let feeds: Vec<(&str, &str)> = feeds.iter().map(|(n, u)| (n.as_str(), u.as_str())).collect();
    let setup = Setup::new(&config(&feeds, "[fetch]\ntimeout = \"1s\"\nretries = 1\nbackoff = \"10ms\""));
    let r = setup.run(&["--log-format", "json"]);
    r.ok();
    let events = setup.events();
    let places: Vec<&str> = events.iter().map(|f| f["properties"]["place_name"].as_str().unwrap()).collect();
    assert!(places.iter().any(|p| p.starts_with("Gda")), "{places:?}");
    assert!(places.iter().any(|p| p.starts_with("Troms")), "{places:?}");
    let st = setup.status();
    let feed = |name: &str| st.iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("{name}: {st:?}"));
    assert_eq!(feed("good")["last_status"], "ok");
    for (name, _, cause) in &bad {
        let s = feed(name);
        assert_eq!(s["last_status"], "error", "{name}: {s}");
        let logged = crate::util::json_lines(&r.stderr)
            .into_iter()
            .filter_map(|l| l["error"].as_str().map(str::to_string))
            .find(|e| e.contains(&format!("/{name}.xml")))
            .unwrap_or_else(|| panic!("no error logged for {name}:\n{}", r.stderr));
        assert!(logged.contains(cause), "{name}: {logged}");
        assert_eq!(s["articles"], 0, "{name}: {s}");
    }
}
