//! The article in an HTML page: its text without navigation, comment forms
//! or footers, and what the page says about it (title, canonical URL,
//! publication time, site name).
//!
//! The text comes from Readability-style extraction (crate `dom_smoothie`),
//! which scores blocks by their text and links. When that finds too little
//! (short pages), the text of `<body>` is taken instead, without scripts,
//! styles, navigation, header, footer, forms and asides. Either way
//! paragraphs are separated by a blank line and entities are decoded.
//!
//! [`article_from_html`] works on a string so that pages fetched from feeds
//! can use it too; [`document`] is the file reader.

use std::panic::{catch_unwind, AssertUnwindSafe};

use dom_query::Document as Dom;
use dom_smoothie::{Config, Readability, TextMode};

use super::charset::decode_page;
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

/// Elements that are never article text, dropped by the body fallback.
const NOT_ARTICLE: &str = "script, style, noscript, template, nav, header, footer, aside, iframe, \
    svg, button, select, textarea, [hidden], [role=navigation], [role=banner], \
    [role=contentinfo], [role=complementary], [role=search]";

/// The article in `html`. `url` is where the page came from: it makes a
/// relative canonical link absolute and stands in when there is none.
/// Fails when the page has no text at all.
pub fn article_from_html(html: &str, url: Option<&str>) -> Result<Article, String> {
    // A malformed page must cost one document, never the run.
    catch_unwind(AssertUnwindSafe(|| extract(html, url)))
        .unwrap_or_else(|_| Err("the HTML parser failed on this page".to_string()))
}

fn extract(html: &str, url: Option<&str>) -> Result<Article, String> {
    let page_url = url.map(str::trim).filter(|u| is_http_url(u));
    let dom = Dom::from(html);
    let own = page_meta(&dom, page_url);

    let config = Config { text_mode: TextMode::Formatted, ..Config::default() };
    let mut readability = Readability::with_document(dom, page_url, Some(config)).map_err(|e| e.to_string())?;
    let found = readability.get_article_metadata(readability.parse_json_ld());
    let mut text = readability.parse().map(|a| tidy(&a.text_content)).unwrap_or_default();
    if text.chars().count() < MIN_ARTICLE_CHARS {
        let body = body_text(&Dom::from(html));
        if body.chars().count() > text.chars().count() {
            text = body;
        }
    }
    if text.is_empty() {
        return Err("no article text found in the page".to_string());
    }
    Ok(Article {
        title: own.og_title.or_else(|| clean(&found.title)).or(own.title_element),
        text,
        published_at: own.published_meta.or_else(|| found.published_time.as_deref().and_then(clean)).or(own.time_element),
        url: own.url.or_else(|| page_url.map(str::to_string)),
        site_name: own.site_name.or_else(|| found.site_name.as_deref().and_then(clean)),
    })
}

/// The text of `<body>` without the parts that are never the article. A form
/// goes unless it holds most of the page: some sites wrap everything in one.
fn body_text(dom: &Dom) -> String {
    if let Some(junk) = dom.try_select(NOT_ARTICLE) {
        junk.remove();
    }
    let root = dom.body().unwrap_or_else(|| dom.root());
    let total = root.text().len();
    if let Some(forms) = dom.try_select("form") {
        for form in forms.nodes() {
            if form.text().len() * 2 < total {
                form.remove_from_parent();
            }
        }
    }
    tidy(&root.formatted_text())
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
    let page = decode_page(bytes).map_err(|m| input.bad_file(m))?;
    if page.trim().is_empty() {
        return Err(input.bad_file("empty file"));
    }
    let article = article_from_html(&page, None).map_err(|m| input.bad_file(m))?;
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
