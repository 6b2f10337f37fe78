//! Writing result files safely: a temporary file in the destination folder,
//! renamed over the target only when everything was written. Every stage
//! that writes files (gazetteer import, layers) goes through here.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The temporary name `.NAME.PID.tmp` in the target's own folder, so the
/// final rename never crosses file systems.
pub fn temp_path_beside(target: &Path) -> io::Result<PathBuf> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().ok_or_else(|| io::Error::other("output path has no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    Ok(dir.join(tmp_name))
}

/// A file being written; it appears under its name only on [`commit`](Self::commit).
/// Dropped without commit, it leaves nothing behind.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let tmp = temp_path_beside(target)?;
        let file = File::create(&tmp)?;
        Ok(AtomicFile { target: target.to_path_buf(), tmp, writer: Some(BufWriter::with_capacity(1 << 16, file)) })
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(mut self) -> io::Result<()> {
        if let Some(w) = self.writer.take() {
            let file = w.into_inner().map_err(std::io::IntoInnerError::into_error)?;
            file.sync_all()?;
        }
        std::fs::rename(&self.tmp, &self.target)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.as_mut().ok_or_else(|| io::Error::other("file already committed"))?.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        match self.writer.as_mut() {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A file built under a temporary name beside its target; renamed into
/// place by [`commit`](Self::commit), removed if dropped uncommitted.
#[derive(Debug)]
pub struct StagedPath {
    tmp: PathBuf,
    target: PathBuf,
    done: bool,
}

impl StagedPath {
    /// Reserves `.NAME.PID.tmp` in the target's folder (the naming of
    /// [`AtomicFile`]), removing a leftover of that name.
    pub fn new(target: &Path) -> io::Result<StagedPath> {
        let tmp = temp_path_beside(target)?;
        match std::fs::remove_file(&tmp) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        Ok(StagedPath { tmp, target: target.to_path_buf(), done: false })
    }

    /// Where to build the file.
    pub fn tmp(&self) -> &Path {
        &self.tmp
    }

    /// Syncs the built file to disk and renames it over the target.
    pub fn commit(mut self) -> io::Result<()> {
        std::fs::File::open(&self.tmp)?.sync_all()?;
        std::fs::rename(&self.tmp, &self.target)?;
        self.done = true;
        Ok(())
    }
}

impl Drop for StagedPath {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
