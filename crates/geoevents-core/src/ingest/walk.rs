//! Finding the input files in a directory, in an order that does not depend
//! on the file system, so that runs are reproducible.
//!
//! The walk is recursive and depth-first with the entries of each directory
//! sorted by name, which is the order of their paths. Only files with an
//! input extension are taken (`.txt`, `.text`, `.html`, `.htm`, `.jsonl`,
//! `.ndjson`, any case). Hidden entries (names starting with `.`) are
//! skipped, and so are symbolic links to directories, which could loop;
//! symbolic links to files are followed.

use std::fs;
use std::path::{Path, PathBuf};

use super::{IngestError, InputFormat};

/// An input file found under a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub path: PathBuf,
    /// The path relative to the directory walked, with `/` separators.
    pub relative: String,
    pub format: InputFormat,
}

/// The input files under `root` in path order, with an error for each
/// directory that could not be listed.
pub(crate) fn input_files(root: &Path) -> Vec<Result<Found, IngestError>> {
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Result<Found, IngestError>>) {
    let unreadable = |source| IngestError::Unreadable { path: dir.display().to_string(), source };
    let mut entries: Vec<fs::DirEntry> = match fs::read_dir(dir) {
        Ok(entries) => match entries.collect() {
            Ok(entries) => entries,
            Err(e) => return out.push(Err(unreadable(e))),
        },
        Err(e) => return out.push(Err(unreadable(e))),
    };
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            walk(root, &path, out);
            continue;
        }
        // A link is taken if it leads to a file; a broken link is not an input.
        let is_file = kind.is_file() || (kind.is_symlink() && path.is_file());
        if let (true, Some(format)) = (is_file, InputFormat::from_path(&path)) {
            out.push(Ok(Found { relative: relative(root, &path), path, format }));
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    let inner = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = inner.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_come_sorted_by_path_and_filtered_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (name, content) in [
            ("b.txt", "b"),
            ("a/z.jsonl", "{}"),
            ("a/c.HTM", "<p>c</p>"),
            ("a.txt", "a"),
            ("notes.md", "ignored"),
            ("data.json", "ignored"),
            (".hidden/x.txt", "ignored"),
            (".y.txt", "ignored"),
            ("c/d/e.ndjson", "{}"),
        ] {
            let path = root.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, content).unwrap();
        }
        let found: Vec<(String, InputFormat)> =
            input_files(root).into_iter().map(|f| f.map(|f| (f.relative, f.format)).unwrap()).collect();
        assert_eq!(
            found,
            [
                ("a/c.HTM".to_string(), InputFormat::Html),
                ("a/z.jsonl".to_string(), InputFormat::Jsonl),
                ("a.txt".to_string(), InputFormat::Txt),
                ("b.txt".to_string(), InputFormat::Txt),
                ("c/d/e.ndjson".to_string(), InputFormat::Jsonl),
            ]
        );
    }

    #[test]
    fn a_missing_directory_is_reported() {
        let found = input_files(Path::new("/nonexistent/geoevents-ingest"));
        assert!(matches!(&found[..], [Err(IngestError::Unreadable { .. })]));
    }
}
