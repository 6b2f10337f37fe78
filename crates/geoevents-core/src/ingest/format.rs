//! Which reader an input needs: from its extension, or by looking at its
//! first bytes when there is no extension to go by (standard input).

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use super::decode::strip_bom;

/// The input formats `geoevents` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// Plain UTF-8 text: the whole input is one document.
    Txt,
    /// An HTML page: the article is extracted from it.
    Html,
    /// JSON Lines: one document a line.
    Jsonl,
}

impl InputFormat {
    /// The format of a file with this extension (case-insensitive), if it is
    /// one that a directory scan picks up.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        InputFormat::from_extension(path.extension()?.to_str()?)
    }

    /// The format an extension (without the dot, any case) stands for.
    pub fn from_extension(ext: &str) -> Option<InputFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(InputFormat::Txt),
            "html" | "htm" => Some(InputFormat::Html),
            "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
            _ => None,
        }
    }

    /// Guesses from the first bytes: after an optional BOM and whitespace,
    /// `{` means JSONL, `<` means HTML, anything else plain text.
    pub fn sniff(head: &[u8]) -> InputFormat {
        match strip_bom(head).iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => InputFormat::Jsonl,
            Some(b'<') => InputFormat::Html,
            _ => InputFormat::Txt,
        }
    }
}

impl FromStr for InputFormat {
    type Err = String;
    /// Accepts the names of the extensions: `txt`, `text`, `html`, `htm`,
    /// `jsonl`, `ndjson`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InputFormat::from_extension(s)
            .ok_or_else(|| format!("unknown input format {s:?} (expected txt, html or jsonl)"))
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputFormat::Txt => "txt",
            InputFormat::Html => "html",
            InputFormat::Jsonl => "jsonl",
        })
    }
}

/// Why a file named directly is refused without reading it: types that are
/// certainly not text, with a hint of what to do instead.
pub(crate) fn refusal(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    let hint = match ext.as_str() {
        "gz" | "bz2" | "xz" | "zst" | "zip" | "7z" | "tar" | "tgz" => "decompress it first",
        "pdf" | "doc" | "docx" | "odt" | "rtf" | "epub" => "extract its text first",
        _ => return None,
    };
    Some(format!("unsupported file type .{ext}: {hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_map_to_formats_case_insensitively() {
        assert_eq!(InputFormat::from_path(Path::new("a/b.TXT")), Some(InputFormat::Txt));
        assert_eq!(InputFormat::from_path(Path::new("b.htm")), Some(InputFormat::Html));
        assert_eq!(InputFormat::from_path(Path::new("b.ndjson")), Some(InputFormat::Jsonl));
        assert_eq!(InputFormat::from_path(Path::new("b.json")), None);
        assert_eq!(InputFormat::from_path(Path::new("README")), None);
    }

    #[test]
    fn sniffing_looks_past_bom_and_whitespace() {
        assert_eq!(InputFormat::sniff(b"\xEF\xBB\xBF \n{\"text\":\"x\"}"), InputFormat::Jsonl);
        assert_eq!(InputFormat::sniff(b"\n\n  <!doctype html>"), InputFormat::Html);
        assert_eq!(InputFormat::sniff(b"Heavy rain in Lagos"), InputFormat::Txt);
        assert_eq!(InputFormat::sniff(b""), InputFormat::Txt);
    }

    #[test]
    fn names_parse() {
        assert_eq!("jsonl".parse::<InputFormat>(), Ok(InputFormat::Jsonl));
        assert_eq!("HTML".parse::<InputFormat>(), Ok(InputFormat::Html));
        assert!("csv".parse::<InputFormat>().is_err());
        assert_eq!(refusal(Path::new("x.PDF")).as_deref(), Some("unsupported file type .pdf: extract its text first"));
        assert_eq!(refusal(Path::new("x.txt")), None);
    }
}
