//! One run at a time on a state file: an exclusive OS file lock (`flock` on
//! Unix, `LockFileEx` on Windows, through `fs4`) on `STATE.lock`, held for
//! the whole run.
//!
//! The system releases the lock when its holder ends, however it ends, so a
//! lock file left by a killed run, an empty one (a full disk), one with
//! garbage or with the pid of some other live process never blocks: only a
//! live lock does. The pid written into the file is there for the message of
//! the run that is refused, and nothing else reads it. The file is removed
//! when the run ends; a run that takes the lock checks that the file it
//! locked is still the one at that path, so that two runs never both go on
//! (one locking the old file just as the other removes it and a third creates
//! a new one).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// A held lock, released (and the file removed) when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    /// Holds the OS lock while open.
    file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds the lock; `pid` is what its file says, if legible.
    #[error("another geoevents run ({}) holds the lock {}", holder(*.pid), .path.display())]
    Held { path: PathBuf, pid: Option<u32> },
    #[error("cannot lock {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

fn holder(pid: Option<u32>) -> String {
    pid.map_or_else(|| "pid unknown".to_string(), |p| format!("pid {p}"))
}

/// How many times a lock is retried when its file was replaced under us.
const ATTEMPTS: usize = 16;

impl Lock {
    /// Takes the lock at `path`, creating the file if needed; never waits.
    pub fn acquire(path: &Path) -> Result<Lock, LockError> {
        let io = |source| LockError::Io { path: path.to_path_buf(), source };
        for _ in 0..ATTEMPTS {
            let mut file =
                OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).map_err(io)?;
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(fs4::TryLockError::WouldBlock) => {
                    return Err(LockError::Held { path: path.to_path_buf(), pid: pid_in(&mut file) });
                }
                Err(fs4::TryLockError::Error(e)) => return Err(io(e)),
            }
            if !still_named(&file, path).map_err(io)? {
                // Removed by the run that just ended (or replaced): lock the new file.
                continue;
            }
            // The pid is only for the message of a refused run: a lock is
            // held even if it cannot be written (a full disk).
            if let Err(e) = write_pid(&mut file) {
                tracing::warn!(lock = %path.display(), error = %e, "cannot write the pid into the lock file");
            }
            return Ok(Lock { path: path.to_path_buf(), file });
        }
        Err(io(io::Error::other("the lock file keeps being replaced by other processes")))
    }
}

fn pid_in(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok().filter(|p| *p != 0)
}

fn write_pid(file: &mut File) -> io::Result<()> {
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "{}", std::process::id())?;
    file.flush()
}

#[cfg(unix)]
fn still_named(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let open = file.metadata()?;
    match std::fs::metadata(path) {
        Ok(named) => Ok(named.dev() == open.dev() && named.ino() == open.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Windows refuses to remove an open file, so the name is still the file's.
#[cfg(not(unix))]
fn still_named(_file: &File, _path: &Path) -> io::Result<bool> {
    Ok(true)
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked (see the module docs); Windows keeps
        // the file, which is harmless: only the OS lock counts.
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        let _ = fs4::FileExt::unlock(&self.file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock_path() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state.sqlite.lock");
        (dir, p)
    }

    #[test]
    fn a_held_lock_refuses_a_second_run_with_the_holders_pid() {
        let (_dir, p) = lock_path();
        let held = Lock::acquire(&p).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap().trim(), std::process::id().to_string());
        match Lock::acquire(&p) {
            Err(LockError::Held { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Held, got {other:?}"),
        }
        drop(held);
        assert!(!p.exists(), "the lock file is removed when the run ends");
        let again = Lock::acquire(&p).unwrap();
        drop(again);
    }

    #[test]
    fn left_over_lock_files_never_block() {
        let (_dir, p) = lock_path();
        // Empty (a full disk), garbage, a stale pid, a live but unrelated pid
        // (1 is init: a reused pid looks like this), pid 0.
        for content in ["", "garbage\n", "999999999\n", "1\n", "0\n", "\u{0}\u{0}\u{0}"] {
            std::fs::write(&p, content).unwrap();
            let lock = Lock::acquire(&p).unwrap_or_else(|e| panic!("{content:?} blocked: {e}"));
            assert_eq!(std::fs::read_to_string(&p).unwrap().trim(), std::process::id().to_string());
            drop(lock);
        }
    }

    #[test]
    fn a_held_lock_with_an_unreadable_pid_says_so() {
        let (_dir, p) = lock_path();
        let held = Lock::acquire(&p).unwrap();
        std::fs::write(&p, "not a pid").unwrap();
        let err = Lock::acquire(&p).unwrap_err();
        assert!(matches!(err, LockError::Held { pid: None, .. }), "{err:?}");
        assert!(err.to_string().contains("pid unknown"), "{err}");
        drop(held);
    }

    #[test]
    fn racing_runs_never_both_hold_the_lock() {
        let (_dir, p) = lock_path();
        let holders = std::sync::atomic::AtomicUsize::new(0);
        let overlap = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..200 {
                        if let Ok(lock) = Lock::acquire(&p) {
                            if holders.fetch_add(1, std::sync::atomic::Ordering::SeqCst) != 0 {
                                overlap.store(true, std::sync::atomic::Ordering::SeqCst);
                            }
                            std::thread::yield_now();
                            holders.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                            drop(lock);
                        }
                    }
                });
            }
        });
        assert!(!overlap.load(std::sync::atomic::Ordering::SeqCst), "two holders at once");
    }
}
