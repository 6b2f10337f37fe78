//! The command line: one module per subcommand. `main.rs` only parses
//! arguments and turns the outcome into a process exit code.

pub mod eval;
pub mod extract;
pub mod gazetteer;
pub mod geocode;
pub mod output;
pub mod run;
pub mod status;

use std::fmt;
use std::path::PathBuf;

/// Process exit codes, documented in the README ("Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    Ok = 0,
    /// A bug or an unexpected system failure.
    Internal = 1,
    /// Wrong arguments (clap uses 2 too).
    Usage = 2,
    /// An input file or gazetteer is missing or unreadable.
    InputUnreadable = 3,
    /// Input that is not what it should be: malformed line, missing column, invalid UTF-8.
    BadInput = 4,
    /// Output could not be written; nothing partial was left behind.
    OutputFailed = 5,
    /// A name had no candidate at all (single-name geocoding).
    NotFound = 6,
    /// `run`: every feed failed (none could be fetched and parsed).
    AllFeedsFailed = 7,
    /// `run`, `status`: the configuration file is missing, unreadable or invalid.
    Config = 8,
    /// `run`: another run holds the lock on the same state file.
    Locked = 9,
}

/// An error that knows its exit code and says what went wrong, naming the
/// file, line or value.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError { exit, message: message.into() }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(Exit::Usage, message)
    }
    pub fn bad_input(message: impl Into<String>) -> Self {
        CliError::new(Exit::BadInput, message)
    }
    pub fn output(path: &std::path::Path, e: impl fmt::Display) -> Self {
        CliError::new(Exit::OutputFailed, format!("cannot write {}: {e}", path.display()))
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<geoevents_core::gazetteer::GazetteerError> for CliError {
    fn from(e: geoevents_core::gazetteer::GazetteerError) -> Self {
        use geoevents_core::gazetteer::GazetteerError as G;
        let exit = match e {
            G::Unreadable { .. } => Exit::InputUnreadable,
            G::Format { .. } | G::BadLine { .. } | G::NotText { .. } | G::NoDump | G::NoPlaces { .. } => Exit::BadInput,
            G::Write { .. } => Exit::OutputFailed,
        };
        CliError::new(exit, e.to_string())
    }
}

/// The exit code of an input problem: 3 when it cannot be read, 4 when what
/// was read is not a document.
pub fn ingest_exit(e: &geoevents_core::ingest::IngestError) -> Exit {
    use geoevents_core::ingest::IngestError as I;
    match e {
        I::Unreadable { .. } => Exit::InputUnreadable,
        I::BadLine { .. } | I::BadFile { .. } | I::DuplicateId { .. } => Exit::BadInput,
    }
}

impl From<geoevents_core::ingest::IngestError> for CliError {
    fn from(e: geoevents_core::ingest::IngestError) -> Self {
        CliError::new(ingest_exit(&e), e.to_string())
    }
}

/// `run`'s state errors: the state cannot be written (5), or another run
/// holds its lock (9). `status` reads the state and maps its errors to 3.
impl From<crate::state::StateError> for CliError {
    fn from(e: crate::state::StateError) -> Self {
        use crate::state::{lock::LockError, StateError};
        match e {
            StateError::Lock(LockError::Held { .. }) => {
                CliError::new(Exit::Locked, format!("{e}; not starting a second run on the same state"))
            }
            StateError::Lock(LockError::Io { .. }) | StateError::Database { .. } => {
                CliError::new(Exit::OutputFailed, e.to_string())
            }
        }
    }
}

impl From<crate::state::lock::LockError> for CliError {
    fn from(e: crate::state::lock::LockError) -> Self {
        crate::state::StateError::Lock(e).into()
    }
}

pub type CliResult = Result<Exit, CliError>;

/// Options every subcommand shares.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Gazetteer file written by `geoevents gazetteer import` (default: the built-in one).
    #[arg(long, global = true, env = geoevents_core::gazetteer::ENV_VAR, value_name = "PATH")]
    pub gazetteer: Option<PathBuf>,
}
