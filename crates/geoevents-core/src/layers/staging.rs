//! A set of files that replaces the set in a folder as a whole.
//!
//! The scheme (also in `output/README.md`):
//! 1. [`recover`]: a staging folder left in the target folder by a run that
//!    died is rolled forward if it holds its [`COMPLETE`] marker (that run
//!    had finished writing) and deleted if not.
//! 2. [`StagedSet::begin`]: a new staging folder `.geoevents-staging-XXXXXX`
//!    is made inside the target folder (`tempfile`; inside, so that the
//!    renames never cross file systems), and every file of the set is
//!    written there and fsynced.
//! 3. [`StagedSet::commit`]: the marker `COMPLETE` lists the files to put in
//!    place and the stale ones to remove; it is written under a temporary
//!    name, fsynced and renamed, and the staging folder fsynced. From here on
//!    the set is decided.
//! 4. Each file is renamed into the target folder, stale files are removed,
//!    the target folder is fsynced and the staging folder deleted.
//!
//! A failure before step 3 (a full disk, an unwritable folder) drops the
//! staging folder and leaves the previous set as it was; a crash before
//! step 3 leaves a staging folder without marker, which the next run
//! deletes; a crash after it leaves one with the marker, which the next run
//! finishes. So a mixed set never outlives the next run. One writer per
//! folder at a time: a second process writing the same folder at the same
//! moment would see the first one's staging folder as a leftover.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The name prefix of staging folders.
pub const STAGING_PREFIX: &str = ".geoevents-staging-";
/// The marker file of a staging folder whose set is complete.
pub const COMPLETE: &str = "COMPLETE";
/// The first line of a marker.
const MARKER_HEADER: &str = "geoevents layer set 1";

/// What [`recover`] did with leftovers.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// Staging folders with a marker, finished.
    pub rolled_forward: Vec<PathBuf>,
    /// Staging folders without one, deleted.
    pub discarded: Vec<PathBuf>,
}

/// One line of the marker.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// `put NAME`: rename the staged file NAME into the target folder.
    Put(String),
    /// `remove NAME`: delete the target folder's NAME (a stale file).
    Remove(String),
}

/// A plain file name: no separator, not `.` or `..`, not empty. Markers
/// are read back from disk, so their names are checked before use.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0', '\n', '\r'])
}

fn bad_marker(path: &Path, what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{}: {what}", path.display()))
}

fn read_marker(path: &Path) -> io::Result<Vec<Step>> {
    let text = fs::read_to_string(path)?;
    let mut lines = text.lines();
    if lines.next() != Some(MARKER_HEADER) {
        return Err(bad_marker(path, "not a geoevents layer set marker"));
    }
    lines
        .map(|line| {
            let step = match line.split_once(' ') {
                Some(("put", name)) => Step::Put(name.to_string()),
                Some(("remove", name)) => Step::Remove(name.to_string()),
                _ => return Err(bad_marker(path, &format!("bad line {line:?}"))),
            };
            let (Step::Put(name) | Step::Remove(name)) = &step;
            if is_plain_name(name) && name != COMPLETE {
                Ok(step)
            } else {
                Err(bad_marker(path, &format!("bad file name {name:?}")))
            }
        })
        .collect()
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Steps 4 of the module docs: everything the marker says, idempotent (a
/// file already renamed by an earlier, interrupted attempt is skipped).
fn apply(staging: &Path, target: &Path, steps: &[Step]) -> io::Result<()> {
    for step in steps {
        match step {
            Step::Put(name) => {
                let from = staging.join(name);
                if from.exists() {
                    fs::rename(&from, target.join(name))?;
                }
            }
            Step::Remove(name) => remove_if_present(&target.join(name))?,
        }
    }
    sync_dir(target)?;
    fs::remove_dir_all(staging)
}

/// Step 1 of the module docs: finishes or deletes every staging folder left
/// in `target` by a run that stopped half-way.
pub fn recover(target: &Path) -> io::Result<Recovered> {
    let mut done = Recovered::default();
    let entries = match fs::read_dir(target) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(done),
        Err(e) => return Err(e),
    };
    let mut leftovers: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(STAGING_PREFIX) && entry.file_type()?.is_dir() {
            leftovers.push(entry.path());
        }
    }
    leftovers.sort();
    for staging in leftovers {
        let marker = staging.join(COMPLETE);
        if marker.is_file() {
            apply(&staging, target, &read_marker(&marker)?)?;
            done.rolled_forward.push(staging);
        } else {
            fs::remove_dir_all(&staging)?;
            done.discarded.push(staging);
        }
    }
    Ok(done)
}

/// A set of files being staged for a target folder (steps 2 to 4 of the
/// module docs). Dropped without [`commit`](Self::commit), it deletes its
/// staging folder and the target folder is as it was.
#[derive(Debug)]
pub struct StagedSet {
    target: PathBuf,
    staging: tempfile::TempDir,
    steps: Vec<Step>,
}

impl StagedSet {
    /// Recovers leftovers ([`recover`]), then makes a staging folder in
    /// `target` (created if missing).
    pub fn begin(target: &Path) -> io::Result<StagedSet> {
        fs::create_dir_all(target)?;
        recover(target)?;
        let staging = tempfile::Builder::new().prefix(STAGING_PREFIX).tempdir_in(target)?;
        Ok(StagedSet { target: target.to_path_buf(), staging, steps: Vec::new() })
    }

    /// The staging folder.
    pub fn staging_dir(&self) -> &Path {
        self.staging.path()
    }

    fn check_name(&self, name: &str) -> io::Result<()> {
        if !is_plain_name(name) || name == COMPLETE {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{name:?} is not a plain file name")));
        }
        if self.steps.iter().any(|s| matches!(s, Step::Put(n) | Step::Remove(n) if n == name)) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{name} is twice in the layer set")));
        }
        // A folder in the way would make the rename fail after the marker.
        if self.target.join(name).is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} is a folder, not a file", self.target.join(name).display()),
            ));
        }
        Ok(())
    }

    /// Writes the file `name` of the set with `write`, then fsyncs it.
    pub fn write_file(&mut self, name: &str, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
        self.check_name(name)?;
        let file = File::create(self.staging.path().join(name))?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;
        self.steps.push(Step::Put(name.to_string()));
        Ok(())
    }

    /// Adds the file `name` that `build` makes at the path it is given (for
    /// writers that open their own file, such as SQLite), then fsyncs it.
    pub fn build_file(&mut self, name: &str, build: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
        self.check_name(name)?;
        let path = self.staging.path().join(name);
        build(&path)?;
        File::open(&path)?.sync_all()?;
        self.steps.push(Step::Put(name.to_string()));
        Ok(())
    }

    /// Marks `name` in the target folder as stale: removed on commit.
    pub fn remove_file(&mut self, name: &str) -> io::Result<()> {
        self.check_name(name)?;
        self.steps.push(Step::Remove(name.to_string()));
        Ok(())
    }

    /// Steps 3 and 4 of the module docs; returns the paths put in place, in
    /// the order they were added.
    pub fn commit(self) -> io::Result<Vec<PathBuf>> {
        let staging = self.staging.path();
        let mut marker = String::from(MARKER_HEADER);
        for step in &self.steps {
            match step {
                Step::Put(name) => marker.push_str(&format!("\nput {name}")),
                Step::Remove(name) => marker.push_str(&format!("\nremove {name}")),
            }
        }
        marker.push('\n');
        let part = staging.join(".COMPLETE.part");
        let mut file = File::create(&part)?;
        file.write_all(marker.as_bytes())?;
        file.sync_all()?;
        fs::rename(&part, staging.join(COMPLETE))?;
        sync_dir(staging)?;
        // The set is decided: from here a crash is finished by `recover`.
        let staging = self.staging.keep();
        apply(&staging, &self.target, &self.steps)?;
        Ok(self
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Put(name) => Some(self.target.join(name)),
                Step::Remove(_) => None,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        v.sort();
        v
    }

    #[test]
    fn staged_set_replaces_and_removes() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let mut set = StagedSet::begin(&dir).unwrap();
        set.write_file("a.txt", |w| w.write_all(b"one")).unwrap();
        set.write_file("b.txt", |w| w.write_all(b"two")).unwrap();
        assert_eq!(set.commit().unwrap(), [dir.join("a.txt"), dir.join("b.txt")]);
        let mut set = StagedSet::begin(&dir).unwrap();
        set.write_file("a.txt", |w| w.write_all(b"three")).unwrap();
        set.remove_file("b.txt").unwrap();
        assert!(set.write_file("a.txt", |_| Ok(())).is_err(), "a name is in a set once");
        assert!(set.write_file("../x", |_| Ok(())).is_err());
        set.commit().unwrap();
        assert_eq!(entries(&dir), ["a.txt"]);
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"three");
    }

    #[test]
    fn staged_set_dropped_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("a.txt"), "old").unwrap();
        {
            let mut set = StagedSet::begin(dir).unwrap();
            set.write_file("a.txt", |w| w.write_all(b"new")).unwrap();
            assert!(set.write_file("b.txt", |_| Err(io::Error::other("disk full"))).is_err());
        }
        assert_eq!(entries(dir), ["a.txt"]);
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"old");
    }

    #[test]
    fn recover_rolls_forward_or_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("a.txt"), "old a").unwrap();
        fs::write(dir.join("b.txt"), "old b").unwrap();
        fs::write(dir.join("stale.txt"), "stale").unwrap();
        // A run that died after its marker, with a.txt already renamed.
        let done = dir.join(format!("{STAGING_PREFIX}done"));
        fs::create_dir(&done).unwrap();
        fs::write(dir.join("a.txt"), "new a").unwrap();
        fs::write(done.join("b.txt"), "new b").unwrap();
        fs::write(done.join(COMPLETE), format!("{MARKER_HEADER}\nput a.txt\nput b.txt\nremove stale.txt\n")).unwrap();
        // A run that died before its marker.
        let half = dir.join(format!("{STAGING_PREFIX}half"));
        fs::create_dir(&half).unwrap();
        fs::write(half.join("a.txt"), "half a").unwrap();
        let r = recover(dir).unwrap();
        assert_eq!((r.rolled_forward, r.discarded), (vec![done], vec![half]));
        assert_eq!(entries(dir), ["a.txt", "b.txt"]);
        assert_eq!(fs::read_to_string(dir.join("a.txt")).unwrap(), "new a");
        assert_eq!(fs::read_to_string(dir.join("b.txt")).unwrap(), "new b");
    }

    #[test]
    fn recover_refuses_a_marker_that_leaves_the_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = tmp.path().join(format!("{STAGING_PREFIX}evil"));
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join(COMPLETE), format!("{MARKER_HEADER}\nremove ../victim\n")).unwrap();
        let e = recover(tmp.path()).unwrap_err();
        assert!(e.to_string().contains("bad file name"), "{e}");
    }
}
