//! The text of an HTML page from its bytes, with `encoding_rs` (the
//! WHATWG Encoding Standard's labels and decoders, as in Firefox).
//!
//! The encoding is chosen as browsers do (the standard's "encoding
//! sniffing algorithm"), simplified:
//!
//! 1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) wins;
//! 2. else the `charset` parameter of the HTTP `Content-Type` header, when
//!    the page came over HTTP and the label is known;
//! 3. else a `<meta charset=...>` or `<meta http-equiv="Content-Type"
//!    content="...; charset=...">` in the first [`PRESCAN`] bytes (a
//!    declared UTF-16 means UTF-8 and `x-user-defined` means windows-1252,
//!    as the standard says);
//! 4. else UTF-8.
//!
//! Unknown labels are ignored, as browsers ignore them. Unlike a browser,
//! nothing is guessed from the bytes (no locale default, no detector), and
//! bytes that are not valid in the chosen encoding are an error naming the
//! byte offset rather than replacement characters: a corrupted page must not
//! become plausible-looking text.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};

use super::decode::invalid_utf8_at;

/// How far from the top a `<meta charset>` is looked for. The HTML standard
/// asks pages to declare it within the first 1024 bytes; older pages put it
/// after long comments, so more is read.
const PRESCAN: usize = 4096;

/// Where the encoding of a page came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A UTF-8, UTF-16LE or UTF-16BE byte order mark at the start of the bytes.
    ByteOrderMark,
    /// The HTTP `Content-Type` header.
    HttpHeader,
    /// A `<meta>` in the page.
    Meta,
    /// Nothing declared: UTF-8.
    Default,
}

impl std::fmt::Display for CharsetSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CharsetSource::ByteOrderMark => "the byte order mark",
            CharsetSource::HttpHeader => "the HTTP Content-Type header",
            CharsetSource::Meta => "a <meta> of the page",
            CharsetSource::Default => "the default (nothing declared)",
        })
    }
}

/// Why a page's bytes are not text in the encoding chosen for them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CharsetError {
    /// `at` describes the position (see `decode::invalid_utf8_at`).
    #[error("{at}; the encoding is UTF-8 from {from} (a non-UTF-8 page must declare its charset)")]
    InvalidUtf8 {
        /// The byte offset, 1-based line and byte within the line, as a sentence.
        at: String,
        /// Why UTF-8 was chosen (a BOM, a declaration, or the default).
        from: CharsetSource,
    },
    /// Bytes that are not valid in a non-UTF-8 encoding the page or server declared.
    #[error("the bytes are not valid {encoding} (the encoding from {from}) near byte offset {offset}")]
    Malformed {
        /// The WHATWG name of the encoding (`Shift_JIS`, `windows-1256`).
        encoding: &'static str,
        /// Where that encoding came from.
        from: CharsetSource,
        /// Byte offset in the page's bytes (BOM included) where decoding stopped at malformed input.
        offset: usize,
    },
}

/// The encoding of a page and where it came from (see the module docs);
/// `content_type` is the HTTP header's value, if the page came over HTTP.
pub fn sniff(bytes: &[u8], content_type: Option<&str>) -> (&'static Encoding, CharsetSource) {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return (encoding, CharsetSource::ByteOrderMark);
    }
    if let Some(encoding) = content_type.and_then(http_charset) {
        return (encoding, CharsetSource::HttpHeader);
    }
    if let Some(encoding) = meta_charset(bytes) {
        return (encoding, CharsetSource::Meta);
    }
    (UTF_8, CharsetSource::Default)
}

/// The encoding named by the `charset` parameter of a `Content-Type`
/// header value, if it names a known one.
pub fn http_charset(content_type: &str) -> Option<&'static Encoding> {
    charset_param(content_type).and_then(|l| Encoding::for_label(l.as_bytes()))
}

/// The page's text, or why it cannot be read.
pub(crate) fn decode_page<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Result<Cow<'a, str>, CharsetError> {
    let (encoding, source) = sniff(bytes, content_type);
    decode_as(bytes, encoding, source)
}

/// `bytes` as text in `encoding` (chosen from `source`), skipping that
/// encoding's byte order mark; malformed bytes are an error, not replaced.
pub fn decode_as<'a>(
    bytes: &'a [u8],
    encoding: &'static Encoding,
    source: CharsetSource,
) -> Result<Cow<'a, str>, CharsetError> {
    let bom_len = match Encoding::for_bom(bytes) {
        Some((bom_encoding, len)) if bom_encoding == encoding => len,
        _ => 0,
    };
    let body = &bytes[bom_len..];
    if encoding == UTF_8 {
        return match std::str::from_utf8(body) {
            Ok(text) => Ok(Cow::Borrowed(text)),
            Err(e) => {
                Err(CharsetError::InvalidUtf8 { at: invalid_utf8_at(bytes, bom_len + e.valid_up_to()), from: source })
            }
        };
    }
    match encoding.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => Ok(text),
        None => Err(CharsetError::Malformed {
            encoding: encoding.name(),
            from: source,
            offset: bom_len + valid_up_to(encoding, body),
        }),
    }
}

/// How many bytes decode before the first malformed sequence.
fn valid_up_to(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(0));
    let (_, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    read
}

/// The `charset` parameter of a `Content-Type` value, unquoted.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// The encoding named by the first `<meta ... charset=...>` near the top
/// that names a known one: covers both `<meta charset="x">` and
/// `<meta http-equiv="Content-Type" content="text/html; charset=x">`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let top = bytes[..bytes.len().min(PRESCAN)].to_ascii_lowercase();
    let mut rest = &top[..];
    while let Some(start) = memchr::memmem::find(rest, b"<meta") {
        let tag = &rest[start..];
        let tag = &tag[..memchr::memchr(b'>', tag).unwrap_or(tag.len())];
        if let Some(encoding) = charset_in_tag(tag).and_then(Encoding::for_label) {
            return Some(if encoding == UTF_16BE || encoding == UTF_16LE {
                UTF_8
            } else if encoding == X_USER_DEFINED {
                WINDOWS_1252
            } else {
                encoding
            });
        }
        rest = &rest[start + tag.len()..];
    }
    None
}

fn charset_in_tag(tag: &[u8]) -> Option<&[u8]> {
    let at = memchr::memmem::find(tag, b"charset")?;
    let after = tag[at + "charset".len()..].trim_ascii_start();
    let value = after.strip_prefix(b"=")?.trim_ascii_start();
    let value = value.strip_prefix(b"\"").or_else(|| value.strip_prefix(b"'")).unwrap_or(value);
    let end = value.iter().position(|b| !(b.is_ascii_alphanumeric() || b"-_.:".contains(b))).unwrap_or(value.len());
    (end > 0).then(|| &value[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_pages_pass_through() {
        assert_eq!(decode_page("\u{FEFF}<p>Zürich</p>".as_bytes(), None).unwrap(), "<p>Zürich</p>");
        assert_eq!(decode_page("<p>Zürich</p>".as_bytes(), Some("text/html")).unwrap(), "<p>Zürich</p>");
    }

    #[test]
    fn declared_latin1_is_decoded() {
        let page = b"<html><head><META http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'></head><p>Z\xFCrich</p>";
        assert!(decode_page(page, None).unwrap().contains("<p>Zürich</p>"));
        let page = b"<meta charset=\"windows-1252\"><p>\x93Gen\xE8ve\x94</p>";
        assert!(decode_page(page, None).unwrap().contains("“Genève”"));
    }

    #[test]
    fn windows_1256_arabic_from_meta() {
        // "حلب" (Aleppo) in windows-1256.
        let page = b"<html><meta charset=\"windows-1256\"><p>\xCD\xE1\xC8</p></html>";
        assert_eq!(sniff(page, None), (encoding_rs::WINDOWS_1256, CharsetSource::Meta));
        assert!(decode_page(page, None).unwrap().contains("<p>حلب</p>"));
    }

    #[test]
    fn shift_jis_from_the_http_header() {
        // "東京" (Tokyo) in Shift_JIS; the page declares nothing.
        let page = b"<p>\x93\x8C\x8B\x9E</p>";
        assert_eq!(decode_page(page, Some("text/html; charset=Shift_JIS")).unwrap(), "<p>東京</p>");
        assert_eq!(decode_page(page, Some("text/html; charset=\"shift_jis\"")).unwrap(), "<p>東京</p>");
    }

    #[test]
    fn the_header_overrides_a_wrong_meta_and_the_bom_overrides_both() {
        // ISO-8859-1 bytes, a page that claims UTF-8, a server that knows better.
        let page = b"<meta charset=utf-8><p>Z\xFCrich</p>";
        assert!(decode_page(page, None).is_err());
        let text = decode_page(page, Some("text/html; charset=iso-8859-1")).unwrap();
        assert!(text.contains("<p>Zürich</p>"), "{text}");
        let page = "\u{FEFF}<p>Zürich</p>".as_bytes();
        assert_eq!(decode_page(page, Some("text/html; charset=shift_jis")).unwrap(), "<p>Zürich</p>");
        // An unknown label in the header is ignored: the meta decides.
        let page = b"<meta charset=windows-1252><p>Z\xFCrich</p>";
        assert_eq!(sniff(page, Some("text/html; charset=no-such-thing")).1, CharsetSource::Meta);
    }

    #[test]
    fn a_declared_utf16_meta_means_utf8() {
        let page = "<meta charset=utf-16><p>Zürich</p>".as_bytes();
        assert_eq!(sniff(page, None).0, UTF_8);
        assert!(decode_page(page, None).unwrap().contains("Zürich"));
    }

    #[test]
    fn undeclared_or_malformed_bytes_are_refused_with_the_position() {
        let message = decode_page(b"<html>\n<p>Z\xFCrich</p>", None).unwrap_err().to_string();
        assert!(message.starts_with("invalid UTF-8 at byte offset 11 (line 2"), "{message}");
        assert!(message.contains("must declare its charset"), "{message}");
        // A lone lead byte at the end is not Shift_JIS.
        let message = decode_page(b"<meta charset=shift_jis><p>\x82", None).unwrap_err().to_string();
        assert!(message.contains("not valid Shift_JIS (the encoding from a <meta> of the page)"), "{message}");
        let message = decode_page(b"<meta charset=utf-8><p>\xFF</p>", None).unwrap_err().to_string();
        assert!(message.contains("UTF-8 from a <meta> of the page"), "{message}");
    }
}
