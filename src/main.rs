//! The `geoevents` program: the command line over the `geoevents-core`
//! library, plus what only a long-running program needs.
//!
//! - [`cli`]: one file a subcommand; arguments, output, exit codes.
//! - [`feeds`]: RSS/Atom feeds and articles over HTTP (`run`).
//! - [`state`]: what scheduled runs remember, in SQLite, and the run lock.

mod cli;
mod feeds;
mod state;

use clap::{Parser, Subcommand};
use cli::{Exit, GlobalArgs};
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: extraction allocates many small,
/// short-lived strings and vectors, and glibc's malloc/free were 12-18 % of
/// its profile (`perf record` on the de-duplicated dev texts).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "geoevents", version, about = "Find the places in news text, resolve them offline, map them")]
struct Args {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find and resolve the places in articles (text, HTML, JSONL).
    Extract(cli::extract::ExtractArgs),
    /// Score extraction against a gold corpus (precision, recall, F1, accuracy@161 km, AUC).
    Eval(cli::eval::EvalArgs),
    /// Look up place names (or a CSV column, or the places near a point).
    Geocode(cli::geocode::GeocodeArgs),
    /// Fetch news feeds and map their events, once or on a schedule.
    Run(cli::run::RunArgs),
    /// Print each feed's last fetch, result, article and event counts.
    Status(cli::status::StatusArgs),
    /// Describe or import gazetteers.
    #[command(subcommand)]
    Gazetteer(cli::gazetteer::GazetteerCommand),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let outcome = match &args.command {
        Command::Extract(a) => cli::extract::run(&args.global, a),
        Command::Eval(a) => cli::eval::run(&args.global, a),
        Command::Geocode(a) => cli::geocode::run(&args.global, a),
        Command::Run(a) => cli::run::run(&args.global, a),
        Command::Status(a) => cli::status::run(&args.global, a),
        Command::Gazetteer(c) => cli::gazetteer::run(&args.global, c),
    };
    match outcome {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            eprintln!("geoevents: {e}");
            ExitCode::from(if e.exit == Exit::Ok { Exit::Internal as u8 } else { e.exit as u8 })
        }
    }
}
