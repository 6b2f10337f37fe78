//! RSS, Atom and JSON Feed documents to entries, with `feed-rs` (which
//! reads the XML declaration's encoding itself).

use super::FeedError;

/// One entry of a feed: what `geoevents run` needs of it (kept in the state
/// as JSON while the entry waits for a retry).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeedEntry {
    /// The article's link, absolute (the first `alternate` link, else the
    /// first link, else the entry id when it is an http(s) URL). `None` when
    /// the entry has none, or only a blank one or the feed's own URL: such
    /// an entry is geoparsed from the feed's own text.
    pub url: Option<String>,
    /// The entry's id (RSS `guid`, Atom `id`; feed-rs makes one from the
    /// link and title when the feed gives none), unique within the feed.
    pub id: String,
    pub title: Option<String>,
    /// RFC 3339 in UTC; `updated` when there is no `published`.
    pub published: Option<String>,
    /// The feed's own text of the article, HTML or plain: the content, else the summary.
    pub content: Option<String>,
}

/// The entries of a feed, in feed order, without duplicate URLs or ids.
/// `base` is where the feed came from (without credentials: see
/// `policy::redact`): relative links are made absolute against it.
///
/// `content_type` is the HTTP header the feed came with. Its charset is used
/// when the document itself says nothing: no byte order mark and no
/// `encoding` in the XML declaration (XML's default would be UTF-8);
/// otherwise the document's own declaration, which feed-rs reads, decides.
pub fn parse_feed(bytes: &[u8], base: &str, content_type: Option<&str>) -> Result<Vec<FeedEntry>, FeedError> {
    if bytes.trim_ascii().is_empty() {
        return Err(FeedError::NotAFeed { url: base.to_string(), message: "the body is empty".into() });
    }
    let bytes = with_http_charset(bytes, base, content_type)?;
    // quick-xml 0.42 (under feed-rs) asserts on some malformed documents
    // (an encoding declared after its prefix was read; found by the property
    // test below): a bad feed must cost that feed, never the run.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        feed_rs::parser::Builder::new().base_uri(Some(base)).build().parse(bytes.as_ref())
    }))
    .map_err(|_| FeedError::NotAFeed { url: base.to_string(), message: "the XML parser failed on it".into() })?;
    let feed = parsed.map_err(|e| {
        not_utf8(&bytes, base, content_type)
            .unwrap_or_else(|| FeedError::NotAFeed { url: base.to_string(), message: e.to_string() })
    })?;
    let base_url = reqwest::Url::parse(base).ok();
    let mut seen = std::collections::HashSet::new();
    let mut entries = Vec::new();
    for e in feed.entries {
        let link = e
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| e.links.first())
            .map(|l| l.href.trim().to_string())
            .or_else(|| Some(e.id.clone()).filter(|id| id.starts_with("http://") || id.starts_with("https://")))
            .filter(|l| !l.is_empty());
        let url = link
            .map(|link| match &base_url {
                Some(b) => b.join(&link).map(|u| u.to_string()).unwrap_or(link),
                None => link,
            })
            .filter(|u| !same_url(u, base));
        // The key that makes an entry unique: its link, else its id.
        let mut id = e.id.trim().to_string();
        if id.is_empty() {
            id = format!("entry-{}", entries.len() + 1);
        }
        let key = url.clone().unwrap_or_else(|| format!("id:{id}"));
        if !seen.insert(key) {
            if url.is_some() {
                continue;
            }
            // Two entries without a link and with one id (feed-rs's id made
            // from an identical title): both are kept.
            id = format!("{id}#{}", entries.len() + 1);
        }
        let published = e.published.or(e.updated).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        let content =
            e.content.and_then(|c| c.body).filter(|b| !b.trim().is_empty()).or_else(|| e.summary.map(|s| s.content));
        entries.push(FeedEntry { url, id, title: e.title.map(|t| t.content.trim().to_string()), published, content });
    }
    Ok(entries)
}

/// Whether two URLs are the same once parsed (a link back to the feed itself
/// is not an article).
fn same_url(a: &str, b: &str) -> bool {
    match (reqwest::Url::parse(a), reqwest::Url::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.trim() == b.trim(),
    }
}

/// The feed's bytes in UTF-8 when only the HTTP header names their charset
/// (see [`parse_feed`]), else as they are.
fn with_http_charset<'a>(
    bytes: &'a [u8],
    url: &str,
    content_type: Option<&str>,
) -> Result<std::borrow::Cow<'a, [u8]>, FeedError> {
    use geoevents_core::ingest::charset::{decode_as, http_charset, CharsetSource};
    let Some(encoding) = content_type.and_then(http_charset) else { return Ok(bytes.into()) };
    if encoding == encoding_rs::UTF_8 || encoding_rs::Encoding::for_bom(bytes).is_some() || declares_encoding(bytes) {
        return Ok(bytes.into());
    }
    let text = decode_as(bytes, encoding, CharsetSource::HttpHeader)
        .map_err(|source| FeedError::Charset { url: url.to_string(), source })?;
    Ok(text.into_owned().into_bytes().into())
}

/// Why a feed that failed to parse did: its bytes are meant to be UTF-8 (no
/// byte order mark, no `encoding` declared) and are not. feed-rs then only
/// says it found no root element; this names the offending byte.
fn not_utf8(bytes: &[u8], url: &str, content_type: Option<&str>) -> Option<FeedError> {
    use geoevents_core::ingest::charset::{decode_as, http_charset, CharsetSource};
    if encoding_rs::Encoding::for_bom(bytes).is_some() || declares_encoding(bytes) {
        return None;
    }
    let from =
        if content_type.and_then(http_charset).is_some() { CharsetSource::HttpHeader } else { CharsetSource::Default };
    decode_as(bytes, encoding_rs::UTF_8, from).err().map(|source| FeedError::Charset { url: url.to_string(), source })
}

/// Whether the XML declaration at the top names an encoding.
fn declares_encoding(bytes: &[u8]) -> bool {
    let top = bytes.trim_ascii_start();
    if !top.starts_with(b"<?xml") {
        return false;
    }
    let decl = &top[..declaration_end(top)];
    decl.windows(8).any(|w| w == b"encoding")
}

/// Where the XML declaration ends (`?>`), or the first 256 bytes.
fn declaration_end(top: &[u8]) -> usize {
    top.windows(2).position(|w| w == b"?>").unwrap_or(top.len().min(256))
}

/// Plain text of a feed's HTML (or plain) content.
pub fn content_text(content: &str) -> String {
    if !content.contains('<') {
        return content.trim().to_string();
    }
    let page = format!("<html><body><article>{content}</article></body></html>");
    match geoevents_core::ingest::article_from_html(&page, None) {
        Ok(a) => a.text,
        Err(_) => content.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_and_atom_entries() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>A</title><link>/a.html</link><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate><description>Floods in Mosul.</description></item>
<item><title>A again</title><link>http://x.test/a.html</link></item></channel></rss>"#;
        let e = parse_feed(rss, "http://x.test/feed.xml", None).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].url.as_deref(), Some("http://x.test/a.html"));
        assert_eq!(e[0].published.as_deref(), Some("2024-03-05T10:00:00Z"));
        assert_eq!(e[0].content.as_deref(), Some("Floods in Mosul."));
        let atom = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id><updated>2024-03-05T10:00:00Z</updated>
<entry><title>B</title><id>b</id><link href="http://x.test/b"/><updated>2024-03-05T10:00:00Z</updated></entry></feed>"#;
        let e = parse_feed(atom, "http://x.test/atom.xml", Some("application/atom+xml")).unwrap();
        assert_eq!(e[0].url.as_deref(), Some("http://x.test/b"));
        assert_eq!(e[0].id, "b");
        assert!(parse_feed(b"<rss><channel><item>", "http://x.test/", None).is_err());
    }

    #[test]
    fn entries_without_a_usable_link_are_kept_with_their_id() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://x.test/</link>
<item><title>No link</title><guid isPermaLink="false">urn:x:1</guid><description>Floods in Mosul.</description></item>
<item><title>Blank link</title><link>  </link><guid isPermaLink="false">urn:x:2</guid><description>Rain in Basra.</description></item>
<item><title>Back to the feed</title><link>http://x.test/feed.xml</link><guid isPermaLink="false">urn:x:3</guid><description>Snow in Erbil.</description></item>
<item><title>Same title</title><description>Dust in Kirkuk.</description></item>
<item><title>Same title</title><description>Heat in Najaf.</description></item>
<item><title>Linked</title><link>/a.html</link></item></channel></rss>"#;
        let e = parse_feed(rss, "http://x.test/feed.xml", None).unwrap();
        assert_eq!(e.len(), 6, "{e:#?}");
        assert_eq!(e[0].url, None);
        assert_eq!(e[0].id, "urn:x:1");
        assert_eq!(e[0].content.as_deref(), Some("Floods in Mosul."));
        assert_eq!((e[1].url.as_deref(), e[1].id.as_str()), (None, "urn:x:2"));
        assert_eq!((e[2].url.as_deref(), e[2].id.as_str()), (None, "urn:x:3"));
        assert_ne!(e[3].id, e[4].id, "entries without link or guid keep distinct ids");
        assert_eq!(e[4].content.as_deref(), Some("Heat in Najaf."));
        assert_eq!(e[5].url.as_deref(), Some("http://x.test/a.html"));
    }

    #[test]
    fn the_http_charset_is_used_when_the_feed_declares_none() {
        // windows-1251 Cyrillic: "Киев" (Kyiv) in the title.
        let rss = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\
<item><title>\xCA\xE8\xE5\xE2</title><link>http://x.test/a</link></item></channel></rss>";
        let e = parse_feed(rss, "http://x.test/feed.xml", Some("application/rss+xml; charset=windows-1251")).unwrap();
        assert_eq!(e[0].title.as_deref(), Some("Киев"));
        // A declaration in the document wins: here it is ISO-8859-1.
        let rss = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>t</title>\
<item><title>Z\xFCrich</title><link>http://x.test/z</link></item></channel></rss>";
        let e = parse_feed(rss, "http://x.test/feed.xml", Some("application/rss+xml; charset=windows-1251")).unwrap();
        assert_eq!(e[0].title.as_deref(), Some("Zürich"));
    }

    /// Pieces of RSS, Atom and JSON Feed documents, some of them malformed.
    const FRAGMENTS: &[&[u8]] = &[
        b"<?xml version=\"1.0\"?>",
        b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>",
        b"<rss version=\"2.0\">",
        b"<channel>",
        b"</channel>",
        b"</rss>",
        b"<item>",
        b"</item>",
        b"<title>",
        b"</title>",
        b"<link>",
        b"</link>",
        b"<guid>",
        b"</guid>",
        b"<description>",
        b"</description>",
        b"<feed xmlns=\"http://www.w3.org/2005/Atom\">",
        b"<entry>",
        b"</entry>",
        b"<link href=\"",
        b"\"/>",
        b"<content type=\"html\">",
        b"</content>",
        b"</feed>",
        b"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[",
        b"{\"id\":\"1\",\"content_text\":\"",
        b"\"}",
        b"]}",
        b"http://x.test/a",
        b"/rel",
        b"javascript:x",
        b"http://u:p@x.test/",
        b"&lt;p&gt;",
        b"&amp;",
        b"&bogus;",
        b"<![CDATA[",
        b"]]>",
        b"Floods in Lyon",
        b"\xff",
        b"\xc3",
        b"\0",
        b"\n",
        b" ",
    ];

    fn feed_bytes() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..600),
            prop::collection::vec(prop::sample::select(FRAGMENTS), 0..100).prop_map(|parts| parts.concat()),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 256, failure_persistence: None, ..Default::default() })]

        /// Whatever a server sends as a feed: entries or an error naming the
        /// feed's URL, never a panic; links are absolute, never the feed itself.
        #[test]
        fn arbitrary_feed_bytes(bytes in feed_bytes(), content_type in proptest::prop_oneof![
            proptest::strategy::Just(None),
            proptest::strategy::Just(Some("application/rss+xml; charset=windows-1252")),
            proptest::strategy::Just(Some("application/json")),
        ]) {
            let url = "http://x.test/feed.xml";
            match parse_feed(&bytes, url, content_type) {
                Ok(entries) => {
                    for e in entries {
                        if let Some(link) = &e.url {
                            proptest::prop_assert!(reqwest::Url::parse(link).is_ok(), "{link}");
                            proptest::prop_assert_ne!(link.as_str(), url);
                        }
                        if let Some(content) = &e.content {
                            let _ = content_text(content);
                        }
                    }
                }
                Err(e) => proptest::prop_assert!(e.to_string().starts_with(url), "unnamed: {e}"),
            }
        }
    }
}
