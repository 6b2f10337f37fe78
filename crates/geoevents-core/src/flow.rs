//! The order of the stages, and a test that keeps the dependencies pointing
//! one way: a module may use the stages before it, never one after it.

/// The library's modules in the order data flows through them
/// ([`crate::atomic`] is a utility below them all).
pub const STAGES: &[&str] =
    &["atomic", "ingest", "text", "gazetteer", "mentions", "resolve", "events", "pipeline", "layers"];

#[cfg(test)]
mod tests {
    use super::STAGES;
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The stages a source file refers to as `crate::STAGE`, outside comments.
    fn uses(source: &str) -> Vec<&'static str> {
        let mut found = Vec::new();
        for line in source.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + "crate::".len()..];
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if let Some(stage) = STAGES.iter().find(|s| **s == name) {
                    found.push(*stage);
                }
            }
        }
        found
    }

    #[test]
    fn dependencies_follow_the_flow() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut back_edges = Vec::new();
        for (rank, stage) in STAGES.iter().enumerate() {
            let mut files = Vec::new();
            let dir = src.join(stage);
            if dir.is_dir() {
                rust_files(&dir, &mut files);
            }
            let file = src.join(format!("{stage}.rs"));
            if file.is_file() {
                files.push(file);
            }
            assert!(!files.is_empty(), "stage {stage} has no source under {}", src.display());
            for f in files {
                let text = std::fs::read_to_string(&f).unwrap();
                for used in uses(&text) {
                    let used_rank = STAGES.iter().position(|s| *s == used).unwrap();
                    if used_rank > rank {
                        back_edges.push(format!("{} uses crate::{used}", f.strip_prefix(&src).unwrap().display()));
                    }
                }
            }
        }
        assert!(back_edges.is_empty(), "lower stages import higher ones:\n{}", back_edges.join("\n"));
    }

    #[test]
    fn every_module_is_a_stage() {
        let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
        let declared: Vec<&str> =
            lib.lines().filter_map(|l| l.strip_prefix("pub mod ")).map(|l| l.trim_end_matches(';')).collect();
        let staged: Vec<&str> = declared.iter().copied().filter(|m| *m != "flow").collect();
        assert_eq!(staged, STAGES, "lib.rs declares the stages in flow order");
    }

    #[test]
    fn the_check_sees_a_back_edge() {
        assert_eq!(
            uses("use crate::layers::Layer;\n// crate::events in a comment\nlet x = crate::text::fold;"),
            ["layers", "text"]
        );
    }
}
