//! Helpers shared by the integration tests: running the binary, temporary
//! directories, fixture paths and JSON lines.

#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The outcome of one run of `geoevents`.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`-1` if the process was killed by a signal).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with both output streams unless the exit code is `want`.
    pub fn expect_code(&self, want: i32) -> &Self {
        assert_eq!(
            self.code, want,
            "expected exit code {want}, got {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Panics unless the run succeeded.
    pub fn ok(&self) -> &Self {
        self.expect_code(0)
    }

    /// Standard output as JSON lines.
    pub fn json_lines(&self) -> Vec<Value> {
        json_lines(&self.stdout)
    }

    /// Standard output as one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}):\n{}", self.stdout))
    }
}

/// The `geoevents` binary built by cargo for this test run, with
/// `$GEOEVENTS_GAZETTEER` cleared so that the caller's environment cannot
/// change which gazetteer is used.
pub fn geoevents() -> Command {
    let mut cmd = Command::cargo_bin("geoevents").expect("the geoevents binary is built by cargo test");
    cmd.env_remove("GEOEVENTS_GAZETTEER");
    cmd
}

/// Runs a prepared command to completion.
pub fn run_cmd(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("geoevents could be started");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `geoevents ARGS...`.
pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_cmd(geoevents().args(args))
}

/// Runs `geoevents ARGS...` with `input` on standard input.
pub fn run_stdin<I, S>(args: I, input: impl Into<Vec<u8>>) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_cmd(geoevents().args(args).write_stdin(input))
}

/// Parses every non-blank line of `s` as JSON.
pub fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("output line {} is not JSON ({e}): {l}", i + 1))
        })
        .collect()
}

/// A fresh temporary directory, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("geoevents-it-").tempdir().expect("a temporary directory")
}

/// A file under `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(relative);
    assert!(p.exists(), "missing fixture {}", p.display());
    p
}

/// The names of the entries of `dir`, sorted (hidden ones included, so that
/// leftover temporary files are seen).
pub fn dir_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the directory can be listed")
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A string field of a JSON object, or a panic naming it.
pub fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("no string {key:?} in {v}"))
}

/// A number field of a JSON object, or a panic naming it.
pub fn f64_field(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(Value::as_f64).unwrap_or_else(|| panic!("no number {key:?} in {v}"))
}

/// The candidates `geocode --format json NAME` prints (one line, one array).
pub fn geocode_candidates(name: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["geocode", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(name);
    let r = run(&args);
    r.ok();
    let lines = r.json_lines();
    assert_eq!(lines.len(), 1, "one JSON line for one name: {}", r.stdout);
    lines[0].as_array().unwrap_or_else(|| panic!("not a JSON array: {}", lines[0])).clone()
}

/// The first candidate for `name`, or a panic saying there was none.
pub fn geocode_first(name: &str) -> Value {
    geocode_candidates(name, &[]).into_iter().next().unwrap_or_else(|| panic!("no candidate for {name:?}"))
}

/// Mixed arguments (string literals, paths) as one argument list:
/// `argv(&[&"extract", &path, &"-o", &out])`.
pub fn argv(parts: &[&dyn AsRef<OsStr>]) -> Vec<std::ffi::OsString> {
    parts.iter().map(|p| p.as_ref().to_os_string()).collect()
}
