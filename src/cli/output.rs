//! Where a command's main output goes: standard output, or a file replaced
//! atomically when the command succeeds.

use geoevents_core::atomic::AtomicFile;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The folder a file is written in (`.` for a bare file name).
pub fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Removes our stale temporaries in `folder` (those no live process holds:
/// see `geoevents_core::atomic`) and returns them. A folder that cannot be
/// swept is logged and left: writing goes on all the same.
pub fn sweep_stale_temporaries(folder: &Path) -> Vec<PathBuf> {
    match geoevents_core::atomic::sweep_stale_temporaries(folder) {
        Ok(sweep) => sweep.removed,
        Err(e) => {
            tracing::warn!(folder = %folder.display(), error = %e, "cannot sweep stale temporary files");
            Vec::new()
        }
    }
}

/// Standard output, or a file replaced atomically when [`finish`](Sink::finish)ed.
pub enum Sink {
    File(AtomicFile),
    Stdout(io::StdoutLock<'static>),
}

impl Sink {
    pub fn open(path: Option<&Path>) -> io::Result<Sink> {
        Ok(match path {
            Some(p) => Sink::File(AtomicFile::create(p)?),
            None => Sink::Stdout(io::stdout().lock()),
        })
    }

    pub fn finish(self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.commit(),
            Sink::Stdout(mut s) => s.flush(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Stdout(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Stdout(s) => s.flush(),
        }
    }
}
