//! Finding the input files in a directory (with `walkdir`), in an order that
//! does not depend on the file system, so that runs are reproducible.
//!
//! The walk is recursive and depth-first with the entries of each directory
//! sorted by name, which is the order of their paths. Only files with an
//! input extension are taken (`.txt`, `.text`, `.html`, `.htm`, `.jsonl`,
//! `.ndjson`, any case). Hidden entries (names starting with `.`) are
//! skipped, and so are symbolic links to directories, which could loop;
//! symbolic links to files are followed.

use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use super::{IngestError, InputFormat};

/// An input file found under a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub path: PathBuf,
    /// The path relative to the directory walked, with `/` separators.
    pub relative: String,
    pub format: InputFormat,
}

/// The input files under `root` in path order, with an error, in its place,
/// for each directory that could not be listed.
pub(crate) fn input_files(root: &Path) -> Vec<Result<Found, IngestError>> {
    let is_hidden = |e: &DirEntry| e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
    let walk = WalkDir::new(root).follow_links(false).sort_by_file_name().into_iter().filter_entry(|e| !is_hidden(e));
    let mut out = Vec::new();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(root).display().to_string();
                let source = e.into_io_error().unwrap_or_else(|| std::io::Error::other("file system loop"));
                out.push(Err(IngestError::Unreadable { path, source }));
                continue;
            }
        };
        let kind = entry.file_type();
        // A link is taken if it leads to a file; a broken link is not an
        // input, and a link to a directory is not followed (it could loop).
        let is_file = kind.is_file() || (kind.is_symlink() && entry.path().is_file());
        if let (true, Some(format)) = (is_file, InputFormat::from_path(entry.path())) {
            out.push(Ok(Found { relative: relative(root, entry.path()), path: entry.into_path(), format }));
        }
    }
    out
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
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
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

    #[cfg(unix)]
    #[test]
    fn links_to_files_are_followed_and_links_to_directories_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.txt"), "a").unwrap();
        std::os::unix::fs::symlink(root.join("sub/a.txt"), root.join("link.txt")).unwrap();
        // A loop back to the top, and a broken link.
        std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("missing.txt"), root.join("broken.txt")).unwrap();
        let found: Vec<String> = input_files(root).into_iter().map(|f| f.unwrap().relative).collect();
        assert_eq!(found, ["link.txt", "sub/a.txt"]);
    }

    #[test]
    fn a_missing_directory_is_reported() {
        let found = input_files(Path::new("/nonexistent/geoevents-ingest"));
        assert!(matches!(&found[..], [Err(IngestError::Unreadable { .. })]));
    }
}
