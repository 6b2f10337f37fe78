//! What a page says about itself in its markup: title, canonical URL,
//! publication time, site name. Read before the article is extracted,
//! because extraction rewrites the document.

use dom_query::Document;

/// Metadata found in the markup; each field is trimmed and non-empty.
#[derive(Debug, Default)]
pub(crate) struct PageMeta {
    /// `og:title`.
    pub og_title: Option<String>,
    /// The `<title>` element, as it is (often with the site name appended).
    pub title_element: Option<String>,
    /// `<link rel=canonical>`, else `og:url`, made absolute against the
    /// page URL when it is relative.
    pub url: Option<String>,
    /// `article:published_time`.
    pub published_meta: Option<String>,
    /// A `<time datetime>`: marked as the publication date, else the first
    /// inside `<article>`, else the first on the page.
    pub time_element: Option<String>,
    /// `og:site_name`.
    pub site_name: Option<String>,
}

pub(crate) fn page_meta(doc: &Document, page_url: Option<&str>) -> PageMeta {
    let link = |selector: &str| first_attr(doc, selector, "href").and_then(|href| absolute(&href, page_url));
    PageMeta {
        og_title: meta(doc, "og:title"),
        title_element: first_text(doc, "title"),
        url: link("link[rel~=canonical][href]").or_else(|| meta(doc, "og:url").and_then(|u| absolute(&u, page_url))),
        published_meta: meta(doc, "article:published_time"),
        time_element: [
            "time[pubdate][datetime]",
            "time[itemprop=datePublished][datetime]",
            "article time[datetime]",
            "time[datetime]",
        ]
        .iter()
        .find_map(|selector| first_attr(doc, selector, "datetime")),
        site_name: meta(doc, "og:site_name"),
    }
}

/// The `content` of `<meta property=key>` or `<meta name=key>`.
fn meta(doc: &Document, key: &str) -> Option<String> {
    first_attr(doc, &format!("meta[property=\"{key}\"][content], meta[name=\"{key}\"][content]"), "content")
}

/// The first non-blank value of `attr` among the elements matching `selector`.
fn first_attr(doc: &Document, selector: &str, attr: &str) -> Option<String> {
    let selection = doc.try_select(selector)?;
    selection.nodes().iter().find_map(|node| clean(&node.attr(attr)?))
}

fn first_text(doc: &Document, selector: &str) -> Option<String> {
    let selection = doc.try_select(selector)?;
    selection.nodes().iter().find_map(|node| clean(&node.text()))
}

/// Whitespace runs collapsed to one space; `None` when nothing is left.
pub(crate) fn clean(value: &str) -> Option<String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// `href` as an absolute http(s) URL: as it is if it already is one, else
/// resolved against `base` when it is scheme- or host-relative (`//host/x`,
/// `/x`). Other relative forms are rare for canonical links and are dropped.
pub(crate) fn absolute(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if is_http_url(href) {
        return Some(href.to_string());
    }
    let base = base.filter(|b| is_http_url(b))?;
    let scheme_end = base.find("://")?;
    if href.starts_with("//") {
        return Some(format!("{}:{href}", &base[..scheme_end]));
    }
    if href.starts_with('/') {
        let host_end = base[scheme_end + 3..].find(['/', '?', '#']).map_or(base.len(), |i| scheme_end + 3 + i);
        return Some(format!("{}{href}", &base[..host_end]));
    }
    None
}

/// `http://host...` or `https://host...`, any case.
pub(crate) fn is_http_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    !rest.is_empty() && !rest.starts_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_comes_from_its_usual_places() {
        let doc = Document::from(
            r#"<html><head><title> Flood  warning | Daily </title>
            <meta property="og:title" content="Flood warning &amp; more">
            <meta property="og:site_name" content="The Daily">
            <meta name="article:published_time" content="2024-03-01T08:00:00Z">
            <link rel="alternate canonical" href="/news/flood"></head>
            <body><nav><time datetime="2030-01-01">today</time></nav>
            <article><time datetime="2024-03-01">1 March</time></article></body></html>"#,
        );
        let meta = page_meta(&doc, Some("https://example.org/amp/flood?x=1"));
        assert_eq!(meta.og_title.as_deref(), Some("Flood warning & more"));
        assert_eq!(meta.title_element.as_deref(), Some("Flood warning | Daily"));
        assert_eq!(meta.url.as_deref(), Some("https://example.org/news/flood"));
        assert_eq!(meta.published_meta.as_deref(), Some("2024-03-01T08:00:00Z"));
        assert_eq!(meta.time_element.as_deref(), Some("2024-03-01"));
        assert_eq!(meta.site_name.as_deref(), Some("The Daily"));
    }

    #[test]
    fn urls_are_made_absolute_or_dropped() {
        assert_eq!(absolute("HTTPS://a.example/x", None).as_deref(), Some("HTTPS://a.example/x"));
        assert_eq!(absolute("//cdn.example/x", Some("https://a.example/y")).as_deref(), Some("https://cdn.example/x"));
        assert_eq!(absolute("/x", Some("http://a.example")).as_deref(), Some("http://a.example/x"));
        assert_eq!(absolute("x.html", Some("http://a.example/")), None);
        assert_eq!(absolute("/x", None), None);
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("ftp://a.example"));
        assert!(!is_http_url("http:"));
    }
}
