//! Checks on raw bytes shared by the readers: byte order mark, binary
//! content, UTF-8 validity with a position a user can find. Other
//! encodings are `encoding_rs`'s (see `charset.rs`).

/// The UTF-8 byte order mark, which some editors put at the start of a file.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How far into an input NUL bytes are looked for: text never has them.
pub(crate) const BINARY_PROBE: usize = 8 * 1024;

/// The bytes after a leading byte order mark, if any.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// The message for input that is binary rather than text, if it is.
pub(crate) fn binary_message(head: &[u8]) -> Option<String> {
    let probe = &head[..head.len().min(BINARY_PROBE)];
    memchr::memchr(0, probe).map(|at| format!("looks binary (NUL byte at byte offset {at}), not text"))
}

/// Describes invalid UTF-8 at byte `offset` of `bytes`: offset and 1-based line.
pub(crate) fn invalid_utf8_at(bytes: &[u8], offset: usize) -> String {
    let before = &bytes[..offset.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |nl| nl + 1);
    let column = before.len() - line_start + 1;
    format!(
        "invalid UTF-8 at byte offset {offset} (line {line}, byte {column} of the line); the input must be UTF-8 text"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_offset_line_and_column() {
        let bytes = b"first line\nsecond \xFF line\n";
        let message = invalid_utf8_at(bytes, 18);
        assert!(message.contains("byte offset 18"), "{message}");
        assert!(message.contains("line 2, byte 8 of the line"), "{message}");
    }

    #[test]
    fn binary_is_found_by_nul() {
        assert!(binary_message(b"plain text").is_none());
        let message = binary_message(b"PK\x03\x04\x00\x00").unwrap();
        assert!(message.contains("byte offset 4"), "{message}");
    }

    #[test]
    fn bom_is_stripped_once() {
        assert_eq!(strip_bom(b"\xEF\xBB\xBFabc"), b"abc");
        assert_eq!(strip_bom(b"abc"), b"abc");
    }
}
