//! Checks on raw bytes shared by the readers: byte order mark, binary
//! content, UTF-8 validity with a position a user can find, Windows-1252.

/// The UTF-8 byte order mark, which some editors put at the start of a file.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How far into an input NUL bytes are looked for: text never has them.
pub(crate) const BINARY_PROBE: usize = 8 * 1024;

/// The bytes after a leading byte order mark, if any.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// The message for input that is binary rather than text, if it is.
pub(crate) fn binary_check(head: &[u8]) -> Result<(), String> {
    let probe = &head[..head.len().min(BINARY_PROBE)];
    match memchr::memchr(0, probe) {
        Some(at) => Err(format!("looks binary (NUL byte at byte offset {at}), not text")),
        None => Ok(()),
    }
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

/// Windows-1252 to text. Its bytes 0x80-0x9F are the typographic characters
/// it is known for; the rest are Latin-1, i.e. the same code point. The five
/// unassigned bytes map to the C1 controls, as browsers do.
pub(crate) fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2C6}',
        '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}',
        '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}',
        '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
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
        assert!(binary_check(b"plain text").is_ok());
        let message = binary_check(b"PK\x03\x04\x00\x00").unwrap_err();
        assert!(message.contains("byte offset 4"), "{message}");
    }

    #[test]
    fn windows_1252_maps_the_high_range() {
        assert_eq!(windows_1252(b"caf\xE9 \x93quoted\x94 \x80"), "café “quoted” €");
    }

    #[test]
    fn bom_is_stripped_once() {
        assert_eq!(strip_bom(b"\xEF\xBB\xBFabc"), b"abc");
        assert_eq!(strip_bom(b"abc"), b"abc");
    }
}
