//! Writing result files safely: a temporary file in the destination folder,
//! renamed over the target only when everything was written. Every stage
//! that writes files (gazetteer import, layers, `-o` outputs) goes through here.
//!
//! # Our temporaries
//!
//! A temporary is named `.NAME.geoevents-XXXXXX.tmp` in the target's own
//! folder (so the final rename never crosses file systems), where NAME is the
//! target's file name and XXXXXX six random letters and digits
//! ([`tempfile`] picks them and retries on a clash). Its permissions are
//! those of an ordinary new file (umask applies), so that the renamed result
//! is readable like any other output.
//!
//! The process writing a temporary holds an exclusive OS file lock (`flock`
//! on Unix, `LockFileEx` on Windows) on it for as long as the temporary
//! exists. The system drops the locks of a process when it ends, however it
//! ends (SIGKILL, a crash, power loss), so a temporary of ours that nobody
//! has locked belongs to no live process: [`sweep_stale_temporaries`]
//! removes exactly those, and leaves alone the ones being written. No age
//! threshold is needed, and no process id is trusted (ids are reused).
//! (File locks on network file systems may be advisory or missing: there,
//! a sweep may find every temporary unlocked, so do not share an output
//! folder on NFS between concurrent writers.)

use std::ffi::{OsStr, OsString};
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tempfile::NamedTempFile;

/// What follows NAME in the name of one of our temporaries, before the random part.
pub const TEMP_MARK: &str = ".geoevents-";
/// The end of the name of one of our temporaries.
pub const TEMP_SUFFIX: &str = ".tmp";
/// How many random characters a temporary's name carries.
const RANDOM_CHARS: usize = 6;

/// Temporaries of geoevents 0.2 and before (`.NAME.PID.tmp`, unlocked) are
/// swept once they are this old: no writer keeps a file open that long
/// without writing to it, and none of this version makes such names.
pub const LEGACY_MIN_AGE: Duration = Duration::from_secs(3600);

fn folder_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Creates a locked temporary beside `target` (see the module docs).
/// Fails at once, before anything is written, when `target` is a directory.
pub fn temporary_beside(target: &Path) -> io::Result<NamedTempFile> {
    if target.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            format!("{} is a directory; give the name of a file to write", target.display()),
        ));
    }
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{} has no file name", target.display())))?;
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(TEMP_MARK);
    tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(RANDOM_CHARS)
        .make_in(folder_of(target), create_locked)
}

/// Creates `path` (it must not exist) and locks it. A sweep may have removed
/// the new file between its creation and the lock: then the name is not ours
/// any more and the caller ([`tempfile`]) tries another one.
fn create_locked(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().read(true).write(true).create_new(true).open(path)?;
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(fs4::TryLockError::WouldBlock) => return Err(io::ErrorKind::AlreadyExists.into()),
        Err(fs4::TryLockError::Error(e)) => return Err(e),
    }
    if !still_named(&file, path)? {
        return Err(io::ErrorKind::AlreadyExists.into());
    }
    Ok(file)
}

/// Whether `path` still names the open `file` (not removed, not replaced).
#[cfg(unix)]
fn still_named(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let open = file.metadata()?;
    match std::fs::symlink_metadata(path) {
        Ok(named) => Ok(named.dev() == open.dev() && named.ino() == open.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether `path` still names the open `file`. Windows does not let a locked
/// open file be removed or replaced, so the name is still the file's.
#[cfg(not(unix))]
fn still_named(_file: &File, path: &Path) -> io::Result<bool> {
    Ok(path.exists())
}

/// Makes a rename in `folder` durable. Best effort: some file systems cannot
/// sync a directory, and the file itself is already on disk.
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

fn persist(tmp: NamedTempFile, target: &Path) -> io::Result<()> {
    tmp.as_file().sync_all()?;
    // On failure the temporary comes back inside the error and is removed with it.
    let file = tmp.persist(target).map_err(|e| e.error)?;
    drop(file);
    sync_folder(&folder_of(target));
    Ok(())
}

/// A file being written; it appears under its name only on [`commit`](Self::commit).
/// Dropped without commit, it leaves nothing behind.
///
/// A target that exists and is neither a regular file nor a folder (a
/// character device such as `/dev/null` or `/dev/stdout`, a FIFO, a socket)
/// is written directly: such a target is a stream, not a file to replace,
/// and renaming a temporary over it would put a regular file where the
/// device was.
pub struct AtomicFile {
    target: PathBuf,
    writer: Option<Writer>,
}

enum Writer {
    /// A temporary beside the target, renamed over it on commit.
    Staged(BufWriter<NamedTempFile>),
    /// A device, FIFO or socket, written in place.
    Stream(BufWriter<File>),
}

/// Whether `target` exists and is something other than a regular file or
/// a folder (symbolic links followed).
fn is_stream(target: &Path) -> bool {
    std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

impl AtomicFile {
    /// Starts writing `target` under a temporary name beside it (or directly,
    /// for a device, FIFO or socket).
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let writer = if is_stream(target) {
            Writer::Stream(BufWriter::with_capacity(1 << 16, OpenOptions::new().write(true).open(target)?))
        } else {
            Writer::Staged(BufWriter::with_capacity(1 << 16, temporary_beside(target)?))
        };
        Ok(AtomicFile { target: target.to_path_buf(), writer: Some(writer) })
    }

    /// Flushes, syncs and renames into place (a stream is only flushed).
    pub fn commit(mut self) -> io::Result<()> {
        match self.writer.take().ok_or_else(|| io::Error::other("file already committed"))? {
            Writer::Staged(writer) => {
                let tmp = writer.into_inner().map_err(io::IntoInnerError::into_error)?;
                persist(tmp, &self.target)
            }
            Writer::Stream(mut writer) => writer.flush(),
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.writer.as_mut().ok_or_else(|| io::Error::other("file already committed"))? {
            Writer::Staged(w) => w.write(buf),
            Writer::Stream(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self.writer.as_mut() {
            Some(Writer::Staged(w)) => w.flush(),
            Some(Writer::Stream(w)) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(Writer::Staged(writer)) = self.writer.take() {
            // Not flushed: the temporary is removed with the handle.
            let (tmp, _unwritten) = writer.into_parts();
            drop(tmp);
        }
    }
}

/// A file built by path (SQLite) under a temporary name beside its target;
/// renamed into place by [`commit`](Self::commit), removed if dropped
/// uncommitted. The temporary exists (empty) from the start and stays
/// locked by this process (see the module docs); SQLite's own locks are of
/// another kind and do not conflict with it.
#[derive(Debug)]
pub struct StagedPath {
    target: PathBuf,
    tmp: Option<NamedTempFile>,
}

impl StagedPath {
    /// Reserves a temporary `.NAME.geoevents-XXXXXX.tmp` in the target's folder.
    pub fn new(target: &Path) -> io::Result<StagedPath> {
        Ok(StagedPath { target: target.to_path_buf(), tmp: Some(temporary_beside(target)?) })
    }

    /// Where to build the file.
    pub fn tmp(&self) -> &Path {
        self.tmp.as_ref().map_or_else(|| self.target.as_path(), NamedTempFile::path)
    }

    /// Syncs the built file to disk and renames it over the target.
    pub fn commit(mut self) -> io::Result<()> {
        let tmp = self.tmp.take().ok_or_else(|| io::Error::other("file already committed"))?;
        persist(tmp, &self.target)
    }
}

/// Whether `name` is one of our temporaries (see the module docs).
pub fn is_temporary_name(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else { return false };
    let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(TEMP_SUFFIX)) else { return false };
    let Some(split) = stem.len().checked_sub(RANDOM_CHARS) else { return false };
    let (head, random) = stem.split_at_checked(split).unwrap_or((stem, ""));
    random.len() == RANDOM_CHARS
        && random.bytes().all(|b| b.is_ascii_alphanumeric())
        && head.strip_suffix(TEMP_MARK).is_some_and(|n| !n.is_empty())
}

/// Whether `name` is a temporary of geoevents 0.2 and before: `.NAME.PID.tmp`.
fn is_legacy_temporary_name(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else { return false };
    let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(TEMP_SUFFIX)) else { return false };
    match stem.rsplit_once('.') {
        Some((head, pid)) => !head.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// What [`sweep_stale_temporaries`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sweep {
    /// The stale temporaries removed.
    pub removed: Vec<PathBuf>,
    /// Temporaries left because a live process is writing them.
    pub in_use: usize,
}

/// Removes our stale temporaries in `folder` (not below it): those that no
/// process holds locked (see the module docs), SQLite's `-journal`, `-wal`
/// and `-shm` files of temporaries that are gone, and those of geoevents 0.2
/// and before once older than [`LEGACY_MIN_AGE`]. Temporaries being written
/// are left alone. A missing folder has nothing to sweep.
pub fn sweep_stale_temporaries(folder: &Path) -> io::Result<Sweep> {
    let mut sweep = Sweep::default();
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(sweep),
        Err(e) => return Err(e),
    };
    let mut sidecars = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if sidecar_of(&name).is_some() {
            sidecars.push(entry.path());
            continue;
        }
        let ours = is_temporary_name(&name);
        if !(ours || is_legacy_temporary_name(&name)) || !entry.file_type()?.is_file() {
            continue;
        }
        let path = entry.path();
        let removed = if ours { remove_if_unlocked(&path)? } else { remove_if_older(&path, LEGACY_MIN_AGE)? };
        match removed {
            Some(true) => sweep.removed.push(path),
            Some(false) => sweep.in_use += 1,
            None => {}
        }
    }
    // SQLite's files beside a temporary being built (a journal, say) go
    // with it: kept while it is, removed once it is gone.
    for path in sidecars {
        let main = path.file_name().and_then(sidecar_of).map(|m| path.with_file_name(m));
        if main.is_some_and(|m| !m.exists()) {
            match std::fs::remove_file(&path) {
                Ok(()) => sweep.removed.push(path),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    sweep.removed.sort();
    Ok(sweep)
}

/// SQLite's names for the files beside a database.
const SQLITE_SIDECARS: [&str; 3] = ["-journal", "-wal", "-shm"];

/// The temporary that `name` is an SQLite sidecar of, if it is one of ours.
fn sidecar_of(name: &OsStr) -> Option<&str> {
    let name = name.to_str()?;
    SQLITE_SIDECARS.iter().find_map(|s| name.strip_suffix(s)).filter(|main| is_temporary_name(OsStr::new(main)))
}

/// Some(true) when removed, Some(false) when a live process holds it, None
/// when it went away on its own (committed or removed by its writer).
fn remove_if_unlocked(path: &Path) -> io::Result<Option<bool>> {
    let file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(fs4::TryLockError::WouldBlock) => return Ok(Some(false)),
        Err(fs4::TryLockError::Error(e)) => return Err(e),
    }
    // Its writer may have renamed it into place just before we locked it:
    // then the name is gone (or taken by a new temporary) and nothing is removed.
    if !still_named(&file, path)? {
        return Ok(None);
    }
    // Removed while we hold the lock, so no writer can take it over meanwhile.
    match std::fs::remove_file(path) {
        Ok(()) => Ok(Some(true)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn remove_if_older(path: &Path, min_age: Duration) -> io::Result<Option<bool>> {
    let age = std::fs::metadata(path)?.modified()?.elapsed().unwrap_or_default();
    if age < min_age {
        return Ok(Some(false));
    }
    match std::fs::remove_file(path) {
        Ok(()) => Ok(Some(true)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn commit_renames_and_drop_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("events.geojson");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"{}").unwrap();
        let tmp_names = names(dir.path());
        assert_eq!(tmp_names.len(), 1);
        assert!(is_temporary_name(OsStr::new(&tmp_names[0])), "{tmp_names:?}");
        assert!(tmp_names[0].starts_with(".events.geojson.geoevents-"), "{tmp_names:?}");
        f.commit().unwrap();
        assert_eq!(names(dir.path()), ["events.geojson"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"{}");

        let mut g = AtomicFile::create(&target).unwrap();
        g.write_all(b"partial").unwrap();
        drop(g);
        assert_eq!(names(dir.path()), ["events.geojson"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"{}");
    }

    #[test]
    #[cfg(unix)]
    fn a_device_as_target_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        let mut f = AtomicFile::create(null).unwrap();
        f.write_all(b"nothing to keep").unwrap();
        f.commit().unwrap();
        assert!(std::fs::metadata(null).unwrap().file_type().is_char_device(), "/dev/null is still a device");
        assert!(names(Path::new("/dev")).iter().all(|n| !n.contains(".null.")), "no temporary left in /dev");
    }

    #[test]
    fn a_directory_as_target_fails_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("out");
        std::fs::create_dir(&sub).unwrap();
        let err = AtomicFile::create(&sub).err().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
        assert!(err.to_string().contains("is a directory"), "{err}");
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn staged_path_exists_locked_and_commits() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("layers.gpkg");
        let staged = StagedPath::new(&target).unwrap();
        std::fs::write(staged.tmp(), b"SQLite").unwrap();
        // Being written: a sweep keeps it.
        let sweep = sweep_stale_temporaries(dir.path()).unwrap();
        assert_eq!((sweep.removed.len(), sweep.in_use), (0, 1));
        staged.commit().unwrap();
        assert_eq!(names(dir.path()), ["layers.gpkg"]);
        let dropped = StagedPath::new(&target).unwrap();
        drop(dropped);
        assert_eq!(names(dir.path()), ["layers.gpkg"]);
    }

    #[test]
    fn names_of_temporaries() {
        for ours in [".events.geojson.geoevents-a1B2c3.tmp", ".x.geoevents-000000.tmp"] {
            assert!(is_temporary_name(OsStr::new(ours)), "{ours}");
        }
        for other in [
            "events.geojson",
            ".geoevents-a1B2c3.tmp",
            ".x.geoevents-a1B2c.tmp",
            ".x.geoevents-a1B2c3.tmp.bak",
            "x.geoevents-a1B2c3.tmp",
            ".x.geoevents-a1B2_3.tmp",
        ] {
            assert!(!is_temporary_name(OsStr::new(other)), "{other}");
        }
        assert!(is_legacy_temporary_name(OsStr::new(".events.geojson.4242.tmp")));
        assert!(!is_legacy_temporary_name(OsStr::new(".events.geojson.tmp")));
        assert!(!is_legacy_temporary_name(OsStr::new(".events.geojson.42a.tmp")));
    }

    #[test]
    fn sweep_removes_unlocked_temporaries_only() {
        let dir = tempfile::tempdir().unwrap();
        // A temporary left by a killed writer: the name, but no lock.
        let stale = dir.path().join(".events.geojson.geoevents-Zz9Yy8.tmp");
        std::fs::write(&stale, b"half").unwrap();
        // An old-style leftover: swept only when old.
        let legacy = dir.path().join(".events.csv.12345.tmp");
        std::fs::write(&legacy, b"half").unwrap();
        // Files that are not ours are never touched.
        std::fs::write(dir.path().join(".hidden.tmp"), b"x").unwrap();
        std::fs::write(dir.path().join("events.geojson"), b"{}").unwrap();
        let live = AtomicFile::create(&dir.path().join("places.csv")).unwrap();
        // A journal SQLite left beside a temporary that is gone.
        let journal = dir.path().join(".layers.gpkg.geoevents-Qq1Ww2.tmp-journal");
        std::fs::write(&journal, b"j").unwrap();

        let sweep = sweep_stale_temporaries(dir.path()).unwrap();
        assert_eq!(sweep.removed, [stale.clone(), journal]);
        assert_eq!(sweep.in_use, 2, "the live temporary and the young legacy one");
        assert!(legacy.exists());

        let old = std::time::SystemTime::now() - LEGACY_MIN_AGE - Duration::from_secs(60);
        File::options().write(true).open(&legacy).unwrap().set_modified(old).unwrap();
        let sweep = sweep_stale_temporaries(dir.path()).unwrap();
        assert_eq!(sweep.removed, [legacy]);
        live.commit().unwrap();
        assert_eq!(names(dir.path()), [".hidden.tmp", "events.geojson", "places.csv"]);
        assert_eq!(sweep_stale_temporaries(&dir.path().join("missing")).unwrap(), Sweep::default());
    }
}
