//! Property tests over arbitrary input (issue 11): whatever bytes arrive,
//! reading them (plain text, HTML, JSONL, sniffed), extracting the article
//! from a page and geoparsing what was read never panic; every error names
//! the input; every mention's offsets point at its text.
//!
//! Inputs are either raw bytes or a mix of fragments that reach deeper
//! paths (tags, entities, JSON, place names, broken UTF-8). A few hundred
//! cases, so the test stays in plain `cargo test --release`.

use geoevents_core::gazetteer::Gazetteer;
use geoevents_core::ingest::{article_from_html, decode_html, read_inputs, read_stdin, InputFormat, ReadOptions};
use geoevents_core::pipeline::extract;
use proptest::prelude::*;
use std::ops::ControlFlow;
use std::sync::OnceLock;

fn gazetteer() -> &'static Gazetteer {
    static GAZ: OnceLock<Gazetteer> = OnceLock::new();
    GAZ.get_or_init(Gazetteer::builtin)
}

/// Pieces of pages, feeds, JSON and text, some of them malformed.
const FRAGMENTS: &[&[u8]] = &[
    b"<html>",
    b"<body>",
    b"<div>",
    b"</div>",
    b"<p>",
    b"</p>",
    b"<article>",
    b"<script>",
    b"</script>",
    b"<meta charset=\"utf-16\">",
    b"<meta charset=\"shift_jis\">",
    b"<a href=\"/x\" a=1 a=2>",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"&amp;",
    b"&#x0;",
    b"&#99999999;",
    b"<",
    b">",
    b"\"",
    b"'",
    b"{\"text\":\"",
    b"\"}",
    b"{\"id\":1,\"text\":",
    b"null",
    b"\n",
    b"\r\n",
    b"\0",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98\x80",
    b" ",
    b".",
    b"?",
    b"Paris",
    b"Aleppo",
    b"S\xc3\xa3o Paulo",
    b"New York",
    b"Georgia",
    b"in ",
    b"near ",
    b"floods hit ",
    b"on Monday",
    b"2024-03-01",
    b"Mr. ",
    b"U.S.",
    b"\xd9\x82\xd8\xa7",
];

/// Raw bytes, or a concatenation of fragments.
fn input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..120).prop_map(|parts| parts.concat()),
    ]
}

fn formats() -> impl Strategy<Value = Option<InputFormat>> {
    prop_oneof![Just(None), Just(Some(InputFormat::Txt)), Just(Some(InputFormat::Html)), Just(Some(InputFormat::Jsonl))]
}

/// Every mention's offsets are within the text, on character boundaries,
/// and name what it says (code points and bytes agree).
fn check_offsets(text: &str, what: &str) {
    let doc = geoevents_core::ingest::Document { text: text.to_string(), ..document_stub(what) };
    let x = extract(gazetteer(), &doc);
    for t in &x.toponyms {
        assert!(t.byte_start <= t.byte_end && t.byte_end <= text.len(), "{what}: {t:?}");
        assert_eq!(text.get(t.byte_start..t.byte_end), Some(t.name.as_str()), "{what}: {t:?}");
        assert_eq!(text[..t.byte_start].chars().count(), t.start, "{what}: {t:?}");
        assert_eq!(t.end - t.start, t.name.chars().count(), "{what}: {t:?}");
    }
}

fn document_stub(id: &str) -> geoevents_core::ingest::Document {
    geoevents_core::ingest::Document {
        id: id.to_string(),
        text: String::new(),
        title: None,
        url: None,
        source: None,
        published_at: None,
        origin: geoevents_core::ingest::Origin { path: id.to_string(), line: None },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn reading_and_geoparsing_arbitrary_stdin(bytes in input(), format in formats()) {
        let opts = ReadOptions { format, ..ReadOptions::default() };
        let _ = read_stdin(bytes.as_slice(), &opts, |read| {
            match read {
                Ok(doc) => {
                    let x = extract(gazetteer(), &doc);
                    for t in &x.toponyms {
                        assert_eq!(doc.text.get(t.byte_start..t.byte_end), Some(t.name.as_str()), "{t:?}");
                    }
                }
                Err(e) => assert!(e.to_string().starts_with("<stdin>"), "unnamed: {e}"),
            }
            ControlFlow::Continue(())
        });
    }

    #[test]
    fn pages_of_arbitrary_bytes(bytes in input(), header in prop_oneof![Just(None), Just(Some("text/html; charset=windows-1252")), Just(Some("text/html; charset=utf-8"))]) {
        // Decoding either gives text or says where it is not; the article
        // extraction either gives text or says there is none.
        match decode_html(&bytes, header) {
            Ok(html) => {
                if let Ok(article) = article_from_html(&html, Some("http://news.test/a.html")) {
                    prop_assert!(!article.text.trim().is_empty());
                    check_offsets(&article.text, "page");
                }
            }
            Err(e) => prop_assert!(e.to_string().contains("byte offset"), "{e}"),
        }
    }

    #[test]
    fn arbitrary_text_geoparses_with_true_offsets(text in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..150)
        .prop_map(|parts| String::from_utf8_lossy(&parts.concat()).into_owned()))
    {
        check_offsets(&text, "text");
    }
}

proptest! {
    // Files cost a write each: fewer cases.
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn errors_name_the_file(bytes in input(), ext in prop::sample::select(&["txt", "html", "jsonl", "dat"][..])) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("input.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        let _ = read_inputs(std::slice::from_ref(&path), &ReadOptions::default(), |read| {
            match read {
                Ok(doc) => check_offsets(&doc.text, &doc.id),
                Err(e) => assert!(e.to_string().contains(&path.display().to_string()), "unnamed: {e}"),
            }
            ControlFlow::Continue(())
        });
    }
}
