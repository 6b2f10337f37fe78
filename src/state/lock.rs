//! One run at a time: a lock file created with O_EXCL holding the pid of
//! its owner. A lock whose pid is no longer running (a run killed with
//! SIGKILL) is stale and taken over.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

/// A held lock, released (the file removed) when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another geoevents run (pid {pid}) holds the lock {path}")]
    Held { path: String, pid: u32 },
    #[error("cannot create the lock file {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

fn alive(pid: u32) -> bool {
    if pid == 0 || pid > i32::MAX as u32 {
        return false;
    }
    #[cfg(unix)]
    {
        // Signal 0 checks existence; EPERM means it exists under another user.
        #[allow(unsafe_code)] // replaced by an OS file lock (issue 8)
        let r = unsafe { libc::kill(pid as i32, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

impl Lock {
    pub fn acquire(path: &Path) -> Result<Lock, LockError> {
        let io = |source| LockError::Io { path: path.display().to_string(), source };
        for _ in 0..3 {
            match OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut f) => {
                    writeln!(f, "{}", std::process::id()).map_err(io)?;
                    f.sync_all().map_err(io)?;
                    return Ok(Lock { path: path.to_path_buf() });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    let mut text = String::new();
                    if let Ok(mut f) = std::fs::File::open(path) {
                        let _ = f.read_to_string(&mut text);
                    }
                    match text.trim().parse::<u32>() {
                        Ok(pid) if alive(pid) && pid != std::process::id() => {
                            return Err(LockError::Held { path: path.display().to_string(), pid })
                        }
                        Err(_) if text.is_empty() && recently_created(path) => {
                            // Being written by its owner this instant.
                            std::thread::sleep(std::time::Duration::from_millis(100));
                        }
                        _ => {
                            tracing::warn!(lock = %path.display(), "removing a stale lock");
                            let _ = std::fs::remove_file(path);
                        }
                    }
                }
                Err(e) => return Err(io(e)),
            }
        }
        Err(LockError::Held { path: path.display().to_string(), pid: 0 })
    }
}

fn recently_created(path: &Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() < 2)
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_and_stale_lock_taken() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state.lock");
        let held = Lock::acquire(&p).unwrap();
        // Same pid counts as ours (a re-entrant call), so fake another live pid: 1 (init).
        std::fs::write(&p, "1\n").unwrap();
        assert!(matches!(Lock::acquire(&p), Err(LockError::Held { pid: 1, .. })));
        std::fs::write(&p, "999999999\n").unwrap();
        drop(held);
        std::fs::write(&p, "999999999\n").unwrap();
        let again = Lock::acquire(&p).unwrap();
        drop(again);
        assert!(!p.exists());
    }
}
