//! A byte-level look at a page before any HTML parser sees it, so that the
//! work per page stays linear in its size whatever its shape.
//!
//! The HTML parser (html5ever, under `dom_query` and `dom_smoothie`) does
//! work that grows with the square of two things real pages keep small:
//! - the nesting depth: each start tag checks the stack of open elements
//!   ("has a `p` element in button scope"), so 200,000 nested `<div>` cost
//!   200,000² steps;
//! - the attributes of one tag: each new attribute is compared with the ones
//!   before it (duplicates are dropped), so one tag with 500,000 attributes
//!   costs 500,000² steps.
//!
//! [`shape`] measures both in one pass. A page over [`MAX_NESTING`] or
//! [`MAX_ATTRIBUTES`] is never parsed as HTML: [`stripped_text`] takes its
//! text with the tags removed (the content of `script`, `style` and the other
//! raw-text elements dropped, entities decoded, block elements starting new
//! lines), also in one pass.
//!
//! Hand-written rather than a crate: the only tokenizers at hand are the
//! parser's own, which have the quadratic attribute check this guards
//! against. It is a measurement, not a parser: its depth is opens minus
//! closes of elements that nest (void elements and those whose end tag may
//! be left out, such as `p` and `li`, are not counted), which is what the
//! parser's stack holds on the pages that matter here.

use memchr::memchr;

/// Elements nested deeper than this (counted as in the module documentation)
/// make a page pathological. Real news pages nest a few dozen deep.
pub const MAX_NESTING: usize = 256;

/// A tag with more attributes than this makes a page pathological. Real
/// tags have a handful (a few dozen with data attributes).
pub const MAX_ATTRIBUTES: usize = 256;

/// What [`shape`] measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// The deepest nesting of counted elements.
    pub depth: usize,
    /// The most attributes on one tag.
    pub attributes: usize,
}

impl Shape {
    /// Whether the page is past a cap and must not go to the HTML parser.
    pub fn pathological(&self) -> bool {
        self.depth > MAX_NESTING || self.attributes > MAX_ATTRIBUTES
    }
}

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
    b"plaintext",
];

/// Elements that never nest: void ones and those whose end tag may be left
/// out (the parser closes them itself).
const NOT_NESTING: &[&[u8]] = &[
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"source",
    b"track",
    b"wbr",
    b"param",
    b"keygen",
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"option",
    b"optgroup",
    b"tr",
    b"td",
    b"th",
    b"thead",
    b"tbody",
    b"tfoot",
    b"colgroup",
    b"caption",
    b"rb",
    b"rt",
    b"rp",
    b"rtc",
    b"html",
    b"head",
    b"body",
];

/// Elements that start a new line of text in [`stripped_text`].
const BLOCK: &[&[u8]] = &[
    b"p",
    b"div",
    b"br",
    b"li",
    b"ul",
    b"ol",
    b"dl",
    b"dt",
    b"dd",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"tr",
    b"table",
    b"section",
    b"article",
    b"blockquote",
    b"pre",
    b"header",
    b"footer",
    b"nav",
    b"aside",
    b"form",
    b"hr",
    b"main",
    b"figure",
    b"figcaption",
    b"body",
];

/// One piece of markup or text.
enum Token<'a> {
    Text(&'a str),
    /// A start tag: its lower-cased name, attribute count, whether it closes itself.
    Start {
        name: String,
        attributes: usize,
        self_closing: bool,
    },
    End {
        name: String,
    },
    /// Comments, doctypes, processing instructions, and raw text already skipped.
    Other,
}

/// Walks `html` once, token by token. Raw-text elements are skipped whole
/// (their start tag is reported, their content and end tag are not).
fn for_each_token<'a>(html: &'a str, mut visit: impl FnMut(Token<'a>)) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let Some(lt) = memchr(b'<', &bytes[i..]).map(|p| i + p) else {
            visit(Token::Text(&html[i..]));
            return;
        };
        if lt > i {
            visit(Token::Text(&html[i..lt]));
        }
        let rest = &bytes[lt..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, lt + 4, b"-->").map_or(bytes.len(), |p| p + 3);
            visit(Token::Other);
        } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = memchr(b'>', &bytes[lt..]).map_or(bytes.len(), |p| lt + p + 1);
            visit(Token::Other);
        } else if rest.starts_with(b"</") && rest.get(2).is_some_and(u8::is_ascii_alphabetic) {
            let (name, after) = tag_name(bytes, lt + 2);
            i = memchr(b'>', &bytes[after..]).map_or(bytes.len(), |p| after + p + 1);
            visit(Token::End { name });
        } else if rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            let (name, after) = tag_name(bytes, lt + 1);
            let (attributes, self_closing, end) = attributes(bytes, after);
            i = end;
            let raw = RAW_TEXT.contains(&name.as_bytes()) && !self_closing;
            if raw {
                // The content runs to `</name`, matched without regard to case.
                i = find_end_tag(bytes, i, name.as_bytes()).unwrap_or(bytes.len());
            }
            visit(Token::Start { name, attributes, self_closing });
            if raw {
                visit(Token::Other);
            }
        } else {
            // A lone `<` is text.
            visit(Token::Text(&html[lt..=lt]));
            i = lt + 1;
        }
        // Every token ends on an ASCII byte or at the end: `i` is a char boundary.
    }
}

/// The tag name at `at`, lower-cased, and where it ends.
fn tag_name(bytes: &[u8], at: usize) -> (String, usize) {
    let end = bytes[at..]
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
        .map_or(bytes.len(), |p| at + p);
    (String::from_utf8_lossy(&bytes[at..end]).to_ascii_lowercase(), end)
}

/// Counts the attributes of the tag whose name ends at `at`: (count,
/// self-closing, the byte after `>`). Quoted values may hold `>`.
fn attributes(bytes: &[u8], mut at: usize) -> (usize, bool, usize) {
    let mut count = 0;
    let mut self_closing = false;
    while at < bytes.len() {
        match bytes[at] {
            b'>' => return (count, self_closing, at + 1),
            b'/' => {
                self_closing = true;
                at += 1;
            }
            b if b.is_ascii_whitespace() => at += 1,
            _ => {
                self_closing = false;
                count += 1;
                // The name, then maybe `= value`.
                while at < bytes.len() && !bytes[at].is_ascii_whitespace() && !matches!(bytes[at], b'>' | b'=' | b'/') {
                    at += 1;
                }
                while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                if bytes.get(at) != Some(&b'=') {
                    continue;
                }
                at += 1;
                while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                match bytes.get(at) {
                    Some(&q @ (b'"' | b'\'')) => {
                        at = memchr(q, &bytes[at + 1..]).map_or(bytes.len(), |p| at + 1 + p + 1);
                    }
                    _ => {
                        while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'>' {
                            at += 1;
                        }
                    }
                }
            }
        }
    }
    (count, self_closing, bytes.len())
}

/// Where `needle` first occurs in `bytes` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&bytes[from..], needle).map(|p| from + p)
}

/// Where the end tag `</name` starts, at or after `from` (any case).
fn find_end_tag(bytes: &[u8], mut from: usize, name: &[u8]) -> Option<usize> {
    while let Some(p) = find(bytes, from, b"</") {
        let candidate = &bytes[p + 2..];
        if candidate.len() >= name.len() && candidate[..name.len()].eq_ignore_ascii_case(name) {
            return Some(p);
        }
        from = p + 2;
    }
    None
}

/// The nesting depth and the largest attribute count of `html`, in one pass.
pub fn shape(html: &str) -> Shape {
    let mut shape = Shape::default();
    let mut depth = 0usize;
    for_each_token(html, |token| match token {
        Token::Start { name, attributes, self_closing } => {
            shape.attributes = shape.attributes.max(attributes);
            if !self_closing && !NOT_NESTING.contains(&name.as_bytes()) && !RAW_TEXT.contains(&name.as_bytes()) {
                depth += 1;
                shape.depth = shape.depth.max(depth);
            }
        }
        Token::End { name } => {
            if !NOT_NESTING.contains(&name.as_bytes()) {
                depth = depth.saturating_sub(1);
            }
        }
        Token::Text(_) | Token::Other => {}
    });
    shape
}

/// The text of `html` without its tags, and the text of its first `<title>`:
/// raw-text elements dropped, entities decoded, runs of whitespace made one
/// space, a blank line at each block element.
pub fn stripped_text(html: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(html.len() / 2);
    let mut has_title = false;
    // Raw text is skipped by the walk; the title is taken from the source.
    for_each_token(html, |token| match token {
        Token::Text(t) => push_text(&mut out, t),
        Token::Start { name, .. } if name == "title" => has_title = true,
        Token::Start { name, .. } | Token::End { name } => {
            if BLOCK.contains(&name.as_bytes()) {
                out.push_str("\n\n");
            }
        }
        Token::Other => {}
    });
    (out, if has_title { title_text(html) } else { None })
}

/// Appends text with its entities decoded and its whitespace runs collapsed.
fn push_text(out: &mut String, text: &str) {
    let decoded = html_escape::decode_html_entities(text);
    for (n, word) in decoded.split_whitespace().enumerate() {
        let joined_to_previous = n == 0 && !decoded.starts_with(char::is_whitespace);
        if !joined_to_previous && !out.is_empty() && !out.ends_with(char::is_whitespace) {
            out.push(' ');
        }
        out.push_str(word);
    }
    if decoded.ends_with(char::is_whitespace) && !out.is_empty() && !out.ends_with(char::is_whitespace) {
        out.push(' ');
    }
}

/// The text inside the first `<title>`, entities decoded and trimmed.
fn title_text(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(p) = memchr(b'<', &bytes[from..]).map(|p| from + p) {
        let rest = &bytes[p + 1..];
        if rest.len() >= 5
            && rest[..5].eq_ignore_ascii_case(b"title")
            && rest.get(5).is_some_and(|b| matches!(b, b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/'))
        {
            let open_end = memchr(b'>', &bytes[p..]).map(|q| p + q + 1)?;
            let close = find_end_tag(bytes, open_end, b"title").unwrap_or(bytes.len());
            let text = html_escape::decode_html_entities(&html[open_end..close]);
            let title = text.split_whitespace().collect::<Vec<_>>().join(" ");
            return Some(title).filter(|t| !t.is_empty());
        }
        from = p + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_nesting_elements_only() {
        assert_eq!(shape("<div><div><span>x</span></div></div>").depth, 3);
        // Unclosed paragraphs and list items do not nest; void elements never do.
        assert_eq!(shape("<div><p>a<p>b<p>c<ul><li>x<li>y</ul><br><img src=x></div>").depth, 2);
        // Siblings do not add up.
        assert_eq!(shape(&"<div>x</div>".repeat(10_000)).depth, 1);
        assert_eq!(shape(&"<div>".repeat(MAX_NESTING + 1)).depth, MAX_NESTING + 1);
        assert!(shape(&"<div>".repeat(MAX_NESTING + 1)).pathological());
        assert!(!shape(&"<div>".repeat(MAX_NESTING)).pathological());
    }

    #[test]
    fn attributes_are_counted_with_quoted_values() {
        assert_eq!(shape(r#"<a href="x>y" title='q"' data-x=1 hidden>t</a>"#).attributes, 4);
        assert_eq!(shape("<img/>").attributes, 0);
        let many = format!("<div {}>text</div>", "a ".repeat(MAX_ATTRIBUTES + 1));
        assert_eq!(shape(&many).attributes, MAX_ATTRIBUTES + 1);
        assert!(shape(&many).pathological());
        let enough = format!("<div {}>text</div>", "a=1 ".repeat(MAX_ATTRIBUTES));
        assert!(!shape(&enough).pathological());
    }

    #[test]
    fn raw_text_and_comments_are_skipped() {
        // A `<div>` inside a script or a comment is not markup.
        let page = "<script>var s = '<div><div><div>';</SCRIPT><!-- <div><div> --><div>x</div>";
        assert_eq!(shape(page).depth, 1);
        let (text, _) = stripped_text(page);
        assert_eq!(text.trim(), "x");
    }

    #[test]
    fn stripped_text_keeps_words_and_blocks() {
        let (text, title) = stripped_text(
            "<html><head><title>Floods &amp; storms</title><style>p{}</style></head>\
             <body><p>Rain in <b>Porto</b>&nbsp;today.</p><div>Roads   closed\n near Braga.</div></body></html>",
        );
        assert_eq!(title.as_deref(), Some("Floods & storms"));
        let lines: Vec<&str> = text.split("\n\n").map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(lines, ["Rain in Porto today.", "Roads closed near Braga."]);
    }

    #[test]
    fn odd_input_ends_cleanly() {
        for page in ["<", "<a", "</", "</a", "<a b=\"", "<!--", "<!", "<script>", "a < b > c", "<é>", "<a\u{e9}=1>"] {
            let _ = shape(page);
            let _ = stripped_text(page);
        }
        assert_eq!(stripped_text("a < b").0, "a < b");
    }
}
