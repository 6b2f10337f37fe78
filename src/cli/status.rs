//! `geoevents status --config feeds.toml`: each feed's last fetch, result,
//! its article and event counts, and the articles that failed (with the
//! error, the attempts and the next retry), from the state file, opened
//! read-only (nothing is written, so a read-only state folder is fine).

use super::run::load_config;
use super::{CliError, CliResult, Exit, GlobalArgs};
use crate::state::State;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The configuration `run` uses.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Print one JSON object a feed instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_global: &GlobalArgs, args: &StatusArgs) -> CliResult {
    let settings = load_config(&args.config)?;
    let state =
        State::open_existing(&settings.state).map_err(|e| CliError::new(Exit::InputUnreadable, e.to_string()))?;
    let unreadable = |e: crate::state::StateError| CliError::new(Exit::InputUnreadable, e.to_string());
    let (stored, failures) = match &state {
        Some(s) => (s.feed_statuses().map_err(unreadable)?, s.failures().map_err(unreadable)?),
        None => (Vec::new(), Vec::new()),
    };
    let mut rows = Vec::new();
    for feed in &settings.config.feeds {
        let s = stored.iter().find(|s| s.name == feed.name).cloned().unwrap_or(crate::state::FeedStatus {
            name: feed.name.clone(),
            url: feed.url.clone(),
            last_fetch: None,
            last_status: Some("never fetched".into()),
            last_error: None,
            articles: 0,
            events: 0,
            failed_articles: Vec::new(),
        });
        let mut s = s;
        s.failed_articles = failures.iter().filter(|f| f.feed == feed.name).cloned().collect();
        rows.push(s);
    }
    if args.json {
        for r in &rows {
            println!("{}", serde_json::to_string(r).map_err(|e| CliError::new(Exit::Internal, e.to_string()))?);
        }
        return Ok(Exit::Ok);
    }
    let name_w = rows.iter().map(|r| r.name.chars().count()).max().unwrap_or(4).max(4);
    println!(
        "{:name_w$}  {:20}  {:12}  {:>8}  {:>7}  {:>6}  ERROR",
        "FEED", "LAST FETCH", "RESULT", "ARTICLES", "EVENTS", "FAILED"
    );
    for r in &rows {
        println!(
            "{:name_w$}  {:20}  {:12}  {:>8}  {:>7}  {:>6}  {}",
            r.name,
            r.last_fetch.as_deref().unwrap_or("-"),
            r.last_status.as_deref().unwrap_or("-"),
            r.articles,
            r.events,
            r.failed_articles.len(),
            r.last_error.as_deref().unwrap_or("")
        );
    }
    let failed: Vec<_> = rows.iter().flat_map(|r| &r.failed_articles).collect();
    if !failed.is_empty() {
        println!("\nFAILED ARTICLES (feed, article, attempts, next retry, error)");
        for f in failed {
            println!(
                "{}  {}  {}  {}  {}",
                f.feed,
                f.url.as_deref().unwrap_or(&f.key),
                f.attempts,
                f.next_retry.as_deref().unwrap_or("not retried (refused)"),
                f.error
            );
        }
    }
    if state.is_none() {
        println!("(no state yet at {})", settings.state.display());
    }
    Ok(Exit::Ok)
}
