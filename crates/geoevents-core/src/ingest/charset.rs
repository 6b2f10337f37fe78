//! The text of an HTML page from its bytes.
//!
//! Pages are taken as UTF-8. Older pages in Windows-1252 or ISO-8859-1 are
//! decoded as Windows-1252 (its superset, as browsers do) but only when the
//! bytes are not UTF-8 and a `<meta>` near the top declares such a charset:
//! guessing would turn a corrupted UTF-8 page into plausible-looking text.
//! Any other charset is refused with a message that says so.

use std::borrow::Cow;

use super::decode::{invalid_utf8_at, strip_bom, windows_1252};

/// How far from the top a `<meta charset>` is looked for; the HTML standard
/// asks pages to declare it within the first 1024 bytes.
const PRESCAN: usize = 4096;

/// Labels that browsers decode as Windows-1252 (WHATWG Encoding Standard).
const WINDOWS_1252_LABELS: &[&str] = &[
    "windows-1252",
    "cp1252",
    "x-cp1252",
    "iso-8859-1",
    "iso8859-1",
    "iso88591",
    "iso_8859-1",
    "iso_8859-1:1987",
    "iso-ir-100",
    "latin1",
    "l1",
    "csisolatin1",
    "ibm819",
    "cp819",
    "us-ascii",
    "ascii",
    "ansi_x3.4-1968",
];

/// The page's text, or why it cannot be read.
pub(crate) fn decode_page(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    let body = strip_bom(bytes);
    let error = match std::str::from_utf8(body) {
        Ok(text) => return Ok(Cow::Borrowed(text)),
        Err(e) => e,
    };
    let at = invalid_utf8_at(bytes, bytes.len() - body.len() + error.valid_up_to());
    match declared_charset(body) {
        Some(label) if WINDOWS_1252_LABELS.contains(&label.as_str()) => Ok(Cow::Owned(windows_1252(body))),
        Some(label) if label == "utf-8" || label == "utf8" => Err(format!("{at} (the page declares charset {label})")),
        Some(label) => Err(format!(
            "the page declares charset {label:?}, which is not supported (UTF-8, and Windows-1252/ISO-8859-1 when declared, are): {at}"
        )),
        None => Err(format!(
            "{at}; the page declares no charset (a non-UTF-8 page is read only if a <meta charset> declares Windows-1252 or ISO-8859-1)"
        )),
    }
}

/// The charset named in the first `<meta ... charset=...>` near the top,
/// lowercased: covers both `<meta charset="x">` and `<meta http-equiv=
/// "Content-Type" content="text/html; charset=x">`.
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let top = bytes[..bytes.len().min(PRESCAN)].to_ascii_lowercase();
    let mut rest = &top[..];
    while let Some(start) = memchr::memmem::find(rest, b"<meta") {
        let tag = &rest[start..];
        let tag = &tag[..memchr::memchr(b'>', tag).unwrap_or(tag.len())];
        if let Some(label) = charset_in_tag(tag) {
            return Some(label);
        }
        rest = &rest[start + tag.len()..];
    }
    None
}

fn charset_in_tag(tag: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(tag, b"charset")?;
    let after = tag[at + "charset".len()..].trim_ascii_start();
    let value = after.strip_prefix(b"=")?.trim_ascii_start();
    let value = value.strip_prefix(b"\"").or_else(|| value.strip_prefix(b"'")).unwrap_or(value);
    let end = value.iter().position(|b| !(b.is_ascii_alphanumeric() || b"-_.:".contains(b))).unwrap_or(value.len());
    let label = std::str::from_utf8(&value[..end]).ok()?;
    (!label.is_empty()).then(|| label.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_pages_pass_through() {
        assert_eq!(decode_page("\u{FEFF}<p>Zürich</p>".as_bytes()).unwrap(), "<p>Zürich</p>");
    }

    #[test]
    fn declared_latin1_is_decoded() {
        let page = b"<html><head><META http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'></head><p>Z\xFCrich</p>";
        assert!(decode_page(page).unwrap().contains("<p>Zürich</p>"));
        let page = b"<meta charset=\"windows-1252\"><p>\x93Gen\xE8ve\x94</p>";
        assert!(decode_page(page).unwrap().contains("“Genève”"));
    }

    #[test]
    fn undeclared_or_other_charsets_are_refused_with_the_position() {
        let message = decode_page(b"<html>\n<p>Z\xFCrich</p>").unwrap_err();
        assert!(message.starts_with("invalid UTF-8 at byte offset 11 (line 2"), "{message}");
        assert!(message.contains("declares no charset"), "{message}");
        let message = decode_page(b"<meta charset=shift_jis><p>\x82\xA0</p>").unwrap_err();
        assert!(message.contains("charset \"shift_jis\", which is not supported"), "{message}");
        let message = decode_page(b"<meta charset=utf-8><p>\xFF</p>").unwrap_err();
        assert!(message.contains("declares charset utf-8"), "{message}");
    }
}
