//! The command line: one module per subcommand. `main.rs` only parses
//! arguments and turns the outcome into a process exit code.

pub mod eval;
pub mod eval_events;
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

impl From<geoevents_core::gazetteer::OpenError> for CliError {
    fn from(e: geoevents_core::gazetteer::OpenError) -> Self {
        let exit = match e {
            geoevents_core::gazetteer::OpenError::Io { .. } => Exit::InputUnreadable,
            geoevents_core::gazetteer::OpenError::Format { .. } => Exit::BadInput,
        };
        CliError::new(exit, e.to_string())
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
