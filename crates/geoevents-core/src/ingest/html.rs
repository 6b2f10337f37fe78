//! The article in an HTML page: its text without navigation, comment forms
//! or footers, and what the page says about it (title, canonical URL,
//! publication time, site name).
//!
//! First the parts that are never the article are dropped: scripts, styles,
//! navigation, headers, footers, asides, forms (see [`NOT_ARTICLE`]). Then
//! Readability-style extraction (crate `dom_smoothie`) scores the remaining
//! blocks by their text and links. When that finds too little (short pages),
//! all the text left in `<body>` is taken instead. Either way paragraphs are
//! separated by a blank line and entities are decoded.
//!
//! Before any of that, a byte-level pass ([`super::html_guard`]) measures
//! the page's nesting depth and its largest attribute count: a page nested
//! deeper than [`MAX_NESTING`] elements or with a tag of more than
//! [`MAX_ATTRIBUTES`] attributes is never parsed as HTML (the parser's cost
//! grows with the square of both); its text is taken with the tags stripped
//! instead, and its title from `<title>`. The cost of a page is then linear
//! in its size, whatever its shape.
//!
//! [`article_from_html`] works on a string so that pages fetched from feeds
//! can use it too; [`document`] is the file reader.

use std::panic::{catch_unwind, AssertUnwindSafe};

use dom_query::Document as Dom;
use dom_smoothie::{Config, Readability, TextMode};

use super::charset::decode_page;
use super::html_guard::{shape, stripped_text};
pub use super::html_guard::{MAX_ATTRIBUTES, MAX_NESTING};
use super::html_meta::{clean, is_http_url, page_meta};
use super::{Document, IngestError, Input};

/// An article extracted from a page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Article {
    /// `og:title`, else the title in the page's metadata (JSON-LD, Dublin
    /// Core...), else `<title>`.
    pub title: Option<String>,
    /// Paragraphs separated by blank lines.
    pub text: String,
    /// `article:published_time`, JSON-LD `datePublished` and the like, else a
    /// `<time datetime>`; as written in the page.
    pub published_at: Option<String>,
    /// The canonical URL (`<link rel=canonical>`, `og:url`), else the URL the
    /// page was fetched from.
    pub url: Option<String>,
    /// `og:site_name`, or the publisher in JSON-LD.
    pub site_name: Option<String>,
}

/// Below this many characters, what Readability found is not trusted to be
/// the article, and the page body is tried as well (the longer text wins).
const MIN_ARTICLE_CHARS: usize = 140;

/// Real pages nest elements a few dozen deep; past this, a page is
/// pathological and Readability is skipped.
const MAX_READABLE_DEPTH: usize = 256;

/// Elements that are never article text.
const NOT_ARTICLE: &str = "script, style, noscript, template, nav, header, footer, aside, iframe, \
    svg, button, select, textarea, [hidden], [role=navigation], [role=banner], \
    [role=contentinfo], [role=complementary], [role=search]";

/// The article in `html`. `url` is where the page came from: it makes a
/// relative canonical link absolute and stands in when there is none.
/// Fails when the page has no text at all.
pub fn article_from_html(html: &str, url: Option<&str>) -> Result<Article, ArticleError> {
    // A malformed page must cost one document, never the run.
    catch_unwind(AssertUnwindSafe(|| extract(html, url))).unwrap_or(Err(ArticleError::ParserFailed))
}

/// Why a page gave no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArticleError {
    /// Neither Readability nor the page body gave any text.
    #[error("no article text found in the page")]
    NoText,
    /// The parser or extractor panicked on the page (caught, so one page costs one document).
    #[error("the HTML parser failed on this page")]
    ParserFailed,
    /// `dom_smoothie` refused the page; its message.
    #[error("the article extraction failed: {0}")]
    Readability(String),
}

fn extract(html: &str, url: Option<&str>) -> Result<Article, ArticleError> {
    let page_url = url.map(str::trim).filter(|u| is_http_url(u));
    if shape(html).pathological() {
        return stripped_article(html, page_url);
    }
    let dom = Dom::from(html);
    let own = page_meta(&dom, page_url);

    let config = Config { text_mode: TextMode::Formatted, ..Config::default() };
    let mut readability = Readability::with_document(dom, page_url, Some(config))
        .map_err(|e| ArticleError::Readability(e.to_string()))?;
    // Metadata first: JSON-LD sits in a <script>, which the cleaning drops.
    let found = readability.get_article_metadata(readability.parse_json_ld());
    drop_non_article(&readability.doc);
    let text = article_text(&mut readability, html);
    if text.is_empty() {
        return Err(ArticleError::NoText);
    }
    Ok(Article {
        title: own.og_title.or_else(|| clean(&found.title)).or(own.title_element),
        text,
        published_at: own
            .published_meta
            .or_else(|| found.published_time.as_deref().and_then(clean))
            .or(own.time_element),
        url: own.url.or_else(|| page_url.map(str::to_string)),
        site_name: own.site_name.or_else(|| found.site_name.as_deref().and_then(clean)),
    })
}

/// The article of a page too deep or with too many attributes to parse:
/// its text without tags (see [`super::html_guard`]).
fn stripped_article(html: &str, page_url: Option<&str>) -> Result<Article, ArticleError> {
    let (text, title) = stripped_text(html);
    let text = tidy(&text);
    if text.is_empty() {
        return Err(ArticleError::NoText);
    }
    Ok(Article { title, text, published_at: None, url: page_url.map(str::to_string), site_name: None })
}

/// Readability's text, or all the body text when that is too short. A page
/// nested deeper than any real one goes straight to the body text:
/// Readability's cost grows with the square of the depth.
fn article_text(readability: &mut Readability, html: &str) -> String {
    if deeper_than(&readability.doc, MAX_READABLE_DEPTH) {
        return body_text(&readability.doc);
    }
    let text = readability.parse().map(|a| tidy(&a.text_content)).unwrap_or_default();
    if text.chars().count() >= MIN_ARTICLE_CHARS {
        return text;
    }
    // Extraction rewrote the document: start again from the source.
    let body = body_text(&Dom::from(html));
    if body.chars().count() > text.chars().count() {
        body
    } else {
        text
    }
}

/// Whether elements nest more than `limit` deep.
fn deeper_than(dom: &Dom, limit: usize) -> bool {
    let mut stack = vec![(dom.root(), 0)];
    while let Some((node, depth)) = stack.pop() {
        if depth > limit {
            return true;
        }
        stack.extend(node.children_it(false).filter(dom_query::NodeRef::is_element).map(|c| (c, depth + 1)));
    }
    false
}

/// Removes what is never article text. A form goes unless it holds most of
/// the page: some sites wrap everything in one.
fn drop_non_article(dom: &Dom) {
    if let Some(junk) = dom.try_select(NOT_ARTICLE) {
        junk.remove();
    }
    let total = dom.root().text().len();
    if let Some(forms) = dom.try_select("form") {
        for form in forms.nodes() {
            if form.text().len() * 2 < total {
                form.remove_from_parent();
            }
        }
    }
}

/// All the text of `<body>` that can be article text.
fn body_text(dom: &Dom) -> String {
    drop_non_article(dom);
    tidy(&dom.body().unwrap_or_else(|| dom.root()).formatted_text())
}

/// Trims every line and leaves at most one blank line between paragraphs.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_pending = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_pending { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        blank_pending = false;
    }
    out
}

/// The document in an HTML file's bytes.
pub(crate) fn document(bytes: &[u8], input: &Input) -> Result<Document, IngestError> {
    let page = decode_page(bytes, None).map_err(|e| input.bad_file(e.to_string()))?;
    if page.trim().is_empty() {
        return Err(input.bad_file("empty file"));
    }
    let article = article_from_html(&page, None).map_err(|e| input.bad_file(e.to_string()))?;
    Ok(Document {
        id: input.id.clone(),
        text: article.text,
        title: article.title,
        url: article.url,
        source: article.site_name,
        published_at: article.published_at,
        origin: input.origin(None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/../../tests/fixtures/ingest/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn the_article_is_kept_and_the_page_furniture_dropped() {
        let article = article_from_html(&fixture("news_page.html"), None).unwrap();
        let text = &article.text;
        for sentence in [
            "Shipping on the Rhine came to a standstill on Tuesday",
            "moorings between Bonn and Düsseldorf.",
            "Low-lying streets in the old town of Koblenz",
            "farmers near Nijmegen in the Netherlands",
            "said the dikes were “holding well” and",
            "snowmelt in the Swiss Alps could keep the river high well into next week & delay",
        ] {
            assert!(text.contains(sentence), "missing {sentence:?} in:\n{text}");
        }
        for marker in ["NAV-MARKER", "COMMENT-MARKER", "FOOTER-MARKER", "SCRIPT-MARKER", "ASIDE-MARKER", "Post comment"]
        {
            assert!(!text.contains(marker), "{marker} leaked into:\n{text}");
        }
        assert!(text.contains("Düsseldorf.\n\nThe river authority"), "paragraphs not separated:\n{text}");
        assert!(!text.contains("\n\n\n"));
    }

    #[test]
    fn metadata_is_taken_from_the_page() {
        let article = article_from_html(&fixture("news_page.html"), Some("https://mirror.example/x")).unwrap();
        assert_eq!(article.title.as_deref(), Some("River barges halted as the Rhine rises"));
        assert_eq!(article.url.as_deref(), Some("https://courier.example/news/rhine-barges-halted"));
        assert_eq!(article.published_at.as_deref(), Some("2024-01-09T06:30:00+01:00"));
        assert_eq!(article.site_name.as_deref(), Some("The Riverside Courier"));
    }

    #[test]
    fn a_short_page_falls_back_to_the_body_without_nav_or_footer() {
        let article = article_from_html(&fixture("short_page.html"), Some("https://news.example/brief")).unwrap();
        assert_eq!(article.text, "The coast road near Split is closed after a rockfall.\n\nDetours run via Kaštela.");
        assert_eq!(article.title.as_deref(), Some("Brief: road closed"));
        assert_eq!(article.url.as_deref(), Some("https://news.example/brief"));
        assert_eq!(article.published_at, None);
    }

    #[test]
    fn body_fallback_keeps_a_form_that_wraps_the_page() {
        let dom = Dom::from(
            "<body><form id=page><p>Ferries to Hvar are cancelled.</p><p>Check again tomorrow.</p></form>\
             <form><label>Search</label><input></form><footer>bye</footer></body>",
        );
        assert_eq!(body_text(&dom), "Ferries to Hvar are cancelled.\n\nCheck again tomorrow.");
    }

    #[test]
    fn pages_without_text_and_odd_input_are_errors_not_panics() {
        for html in ["", "<html></html>", "<script>x()</script>", "<<<>>>&&&;;", "<div>", "\u{0}\u{FFFF}"] {
            let _ = article_from_html(html, Some("not a url"));
        }
        assert_eq!(article_from_html("<html><body><nav>Menu</nav></body></html>", None), Err(ArticleError::NoText));
        let deep = "<div>".repeat(5_000) + "Deep text in Oslo." + &"</div>".repeat(5_000);
        assert_eq!(article_from_html(&deep, None).map(|a| a.text), Ok("Deep text in Oslo.".to_string()));
    }

    /// The probe's pathological pages: before the byte-level guard, 200,000
    /// nested `<div>` took more than 60 s and one tag with 500,000 attributes
    /// too (the parser's cost is quadratic in both). The test checks that such
    /// pages take the linear pass (`pathological`) and still give their text.
    #[test]
    fn deep_nesting_and_huge_attribute_lists_take_the_linear_path() {
        let deep = format!(
            "<html><body>{}Deep text in Oslo.{}</body></html>",
            "<div>".repeat(200_000),
            "</div>".repeat(200_000)
        );
        let attrs = (0..500_000).fold(String::new(), |mut s, i| {
            use std::fmt::Write as _;
            let _ = write!(s, " a{i}=x");
            s
        });
        let wide =
            format!("<html><head><title>Wide</title></head><body><p{attrs}>Wide text in Bergen.</p></body></html>");
        for (page, want, title) in [(&deep, "Deep text in Oslo.", None), (&wide, "Wide text in Bergen.", Some("Wide"))]
        {
            assert!(shape(page).pathological());
            let article = article_from_html(page, Some("https://news.example/x")).unwrap();
            assert_eq!(article.text, want);
            assert_eq!(article.title.as_deref(), title);
            assert_eq!(article.url.as_deref(), Some("https://news.example/x"));
        }
        // Just under the caps, the page is parsed as usual (the nav is dropped).
        let nested = format!(
            "<html><body><nav>Menu</nav>{}<p>Shallow text in Tromsø.</p>{}</body></html>",
            "<div>".repeat(MAX_NESTING - 4),
            "</div>".repeat(MAX_NESTING - 4)
        );
        assert!(!shape(&nested).pathological());
        assert_eq!(article_from_html(&nested, None).unwrap().text, "Shallow text in Tromsø.");
    }

    #[test]
    fn tidy_trims_lines_and_squeezes_blank_runs() {
        assert_eq!(tidy("\n  a  \n\n\n\n b\nc \n\n"), "a\n\nb\nc");
    }
}
