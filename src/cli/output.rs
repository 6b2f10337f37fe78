//! Where a command's main output goes: standard output, or a file replaced
//! atomically when the command succeeds.

use geoevents_core::atomic::AtomicFile;
use std::io::{self, Write};
use std::path::Path;

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
