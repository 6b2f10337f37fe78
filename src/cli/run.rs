//! `geoevents run --config feeds.toml`: fetch news feeds, geoparse new and
//! changed articles, keep what was found in a SQLite state file and rebuild
//! the map layers from it; once (`--once`, for cron and systemd timers) or
//! on a schedule (`--every 15m`, `--cron "*/15 * * * *"`) until SIGINT or
//! SIGTERM, which stop the run after the articles being processed.
//!
//! A failing feed (DNS, HTTP error, timeout, malformed XML, an oversized
//! body, a redirect loop) is reported and skipped; the others go on. A
//! failing article (HTTP error, timeout, no text, over its processing
//! deadline, refused by the outbound policy) is recorded in the state and
//! retried on later passes with a backoff, even while its feed answers 304.
//! Stored articles are revalidated (conditional GET) on a schedule, so that
//! edits are seen while the feed is unchanged.

use super::extract::write_map_layers;
use super::{CliError, CliResult, Exit, GlobalArgs};
use crate::feeds::feed::{content_text, parse_feed, FeedEntry};
use crate::feeds::fetch::{FeedClient, FetchError, FetchOptions, Fetched, Fetcher, Target, Validators};
use crate::feeds::policy::{has_credentials, redact, Refusal};
use crate::feeds::FeedError;
use crate::state::lock::Lock;
use crate::state::{NewArticle, State};
use geoevents_core::events::Modality;
use geoevents_core::gazetteer::Gazetteer;
use geoevents_core::ingest::{article_from_html, decode_html, Document, Origin};
use geoevents_core::layers::LayerFormat;
use geoevents_core::pipeline::{extract_until, Extraction};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The TOML configuration: feeds, output directory and formats, state file, schedule.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// One pass, then exit (for cron and systemd timers). The default when
    /// neither the command line nor the configuration sets a schedule.
    #[arg(long, conflicts_with_all = ["every", "cron"])]
    pub once: bool,
    /// Run a pass every DURATION (`15m`, `1h`) until stopped.
    #[arg(long, value_name = "DURATION", conflicts_with = "cron")]
    pub every: Option<String>,
    /// Run a pass at each time of a 5-field cron expression (UTC) until stopped.
    #[arg(long, value_name = "EXPR")]
    pub cron: Option<String>,
    /// Leave events older than this (`30d`) out of the layers (they stay in the state).
    #[arg(long, value_name = "DURATION")]
    pub keep: Option<String>,
    /// Logs on standard error: text, or one JSON object a line.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// The configuration file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the layers go; relative paths are relative to the configuration file.
    pub output: PathBuf,
    /// Layer formats (default: geojson), as `extract --format`.
    #[serde(default)]
    pub formats: Vec<String>,
    /// The state database (default: `<output>/geoevents-state.sqlite`).
    pub state: Option<PathBuf>,
    pub every: Option<String>,
    pub cron: Option<String>,
    pub keep: Option<String>,
    /// Which event modalities the layers draw, as `extract --draw`
    /// (default `["reported"]`).
    #[serde(default)]
    pub draw: Vec<String>,
    /// Longest processing of one article (default 60s); over it, the article is skipped.
    pub article_deadline: Option<String>,
    #[serde(default)]
    pub fetch: FetchConfig,
    #[serde(default, rename = "feed")]
    pub feeds: Vec<FeedConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchConfig {
    /// Per request, body included (default 30s).
    pub timeout: Option<String>,
    /// Largest response body in bytes (default 10 MiB).
    pub max_bytes: Option<usize>,
    /// Retries after a timeout, connection error or 5xx (default 3).
    pub retries: Option<u32>,
    /// First backoff, doubled at each retry (default 500ms).
    pub backoff: Option<String>,
    /// Concurrent requests to one host (default 4).
    pub per_host: Option<usize>,
    pub user_agent: Option<String>,
    /// Let article links and redirects reach internal addresses (default false).
    pub allow_private_addresses: Option<bool>,
    /// Host names resolved to fixed addresses (`"news.test" = "127.0.0.1"`).
    #[serde(default)]
    pub resolve: std::collections::HashMap<String, Addresses>,
    /// First wait before a failed article is tried again (default 5m); doubles, at most 1d.
    pub article_retry: Option<String>,
    /// How often a stored article is revalidated while its feed is unchanged (default 6h).
    pub revalidate: Option<String>,
    /// Articles first seen longer ago than this are no longer revalidated (default 3d).
    pub revalidate_for: Option<String>,
}

/// One address or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Addresses {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    pub name: String,
    pub url: String,
    /// The feed's language: accepted so configurations can say it, but
    /// extraction is language-independent and nothing reads it yet.
    #[expect(dead_code, reason = "a documented configuration key that nothing reads yet")]
    pub language: Option<String>,
    /// Fetch each linked article page (default), or use the feed's own text.
    #[serde(default = "yes")]
    pub fetch_article: bool,
    /// Only the first N entries of the feed (default [`DEFAULT_MAX_ARTICLES`]).
    pub max_articles: Option<usize>,
    /// Let this feed's links reach internal addresses (default: `[fetch]`'s).
    pub allow_private_addresses: Option<bool>,
}

/// Entries taken from a feed at each pass when `max_articles` is not given.
pub const DEFAULT_MAX_ARTICLES: usize = 200;

/// When `article_deadline` is not given.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// The longest wait between two attempts at a failed article.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(24 * 3600);

fn yes() -> bool {
    true
}

/// A configuration checked and with paths resolved.
pub struct Settings {
    pub config: Config,
    pub output: PathBuf,
    pub state: PathBuf,
    pub formats: Vec<LayerFormat>,
    /// The modalities drawn (never empty).
    pub draw: Vec<Modality>,
    pub fetch: FetchOptions,
    pub schedule: ArticleSchedule,
}

/// When articles are processed, retried and revalidated.
#[derive(Debug, Clone, Copy)]
pub struct ArticleSchedule {
    /// Longest processing of one article.
    pub deadline: Duration,
    /// First wait before a failed article is retried; doubled at each failure, at most [`MAX_RETRY_WAIT`].
    pub retry: Duration,
    /// A stored article is revalidated when last checked longer ago than this.
    pub revalidate: Duration,
    /// ... and first seen less long ago than this.
    pub revalidate_for: Duration,
}

impl ArticleSchedule {
    /// The wait before the attempt after `attempts` failures.
    fn retry_wait(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
        self.retry.saturating_mul(factor).min(MAX_RETRY_WAIT)
    }
}

fn config_error(path: &Path, message: impl std::fmt::Display) -> CliError {
    CliError::new(Exit::Config, format!("configuration {}: {message}", path.display()))
}

fn duration(path: &Path, what: &str, s: &str) -> Result<Duration, CliError> {
    humantime::parse_duration(s.trim())
        .map_err(|e| config_error(path, format!("{what} {s:?}: {e} (write e.g. 30s, 15m, 1h, 30d)")))
}

/// Reads and checks the configuration file.
pub fn load_config(path: &Path) -> Result<Settings, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| config_error(path, e))?;
    let config: Config = toml::from_str(&text).map_err(|e| config_error(path, e))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let output = base.join(&config.output);
    let state = config.state.as_ref().map_or_else(|| output.join("geoevents-state.sqlite"), |s| base.join(s));
    let mut formats = Vec::new();
    for f in &config.formats {
        formats.push(f.parse::<LayerFormat>().map_err(|_| {
            config_error(path, format!("unknown format {f:?}: expected {}", geoevents_core::layers::FORMAT_NAMES))
        })?);
    }
    if formats.is_empty() {
        formats.push(LayerFormat::Geojson);
    }
    formats.sort();
    formats.dedup();
    let mut draw = Vec::new();
    for m in &config.draw {
        let modality = Modality::parse(m).ok_or_else(|| {
            config_error(
                path,
                format!("draw: unknown modality {m:?}: expected reported, planned, threatened, hypothetical or denied"),
            )
        })?;
        if !draw.contains(&modality) {
            draw.push(modality);
        }
    }
    if draw.is_empty() {
        draw.push(Modality::Reported);
    }
    let mut names = std::collections::HashSet::new();
    for f in &config.feeds {
        if f.name.trim().is_empty() {
            return Err(config_error(path, "a [[feed]] has an empty name"));
        }
        if !names.insert(f.name.as_str()) {
            return Err(config_error(path, format!("two feeds are named {:?}", f.name)));
        }
        match reqwest::Url::parse(&f.url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => return Err(config_error(path, format!("feed {:?}: url {:?} is not an http(s) URL", f.name, f.url))),
        }
    }
    if config.feeds.is_empty() {
        return Err(config_error(path, "no [[feed]] given"));
    }
    let mut fetch = FetchOptions::default();
    let fc = &config.fetch;
    if let Some(t) = &fc.timeout {
        fetch.timeout = duration(path, "fetch.timeout", t)?;
    }
    if let Some(b) = &fc.backoff {
        fetch.backoff = duration(path, "fetch.backoff", b)?;
    }
    if let Some(m) = fc.max_bytes {
        fetch.max_bytes = m;
    }
    if let Some(r) = fc.retries {
        fetch.retries = r;
    }
    if let Some(p) = fc.per_host {
        fetch.per_host = p.max(1);
    }
    if let Some(ua) = &fc.user_agent {
        fetch.user_agent = ua.clone();
    }
    fetch.allow_private_addresses = fc.allow_private_addresses.unwrap_or(false);
    for (name, addresses) in &fc.resolve {
        let list = match addresses {
            Addresses::One(a) => std::slice::from_ref(a),
            Addresses::Many(v) => v.as_slice(),
        };
        let mut ips = Vec::new();
        for a in list {
            ips.push(
                a.trim()
                    .parse::<std::net::IpAddr>()
                    .map_err(|_| config_error(path, format!("fetch.resolve {name:?}: {a:?} is not an IP address")))?,
            );
        }
        fetch.resolve.insert(name.to_ascii_lowercase(), ips);
    }
    let schedule = ArticleSchedule {
        deadline: optional_duration(path, "article_deadline", config.article_deadline.as_deref(), DEFAULT_DEADLINE)?,
        retry: optional_duration(path, "fetch.article_retry", fc.article_retry.as_deref(), Duration::from_secs(300))?,
        revalidate: optional_duration(
            path,
            "fetch.revalidate",
            fc.revalidate.as_deref(),
            Duration::from_secs(6 * 3600),
        )?,
        revalidate_for: optional_duration(
            path,
            "fetch.revalidate_for",
            fc.revalidate_for.as_deref(),
            Duration::from_secs(3 * 24 * 3600),
        )?,
    };
    for (what, v) in [("every", &config.every), ("keep", &config.keep)] {
        if let Some(v) = v {
            duration(path, what, v)?;
        }
    }
    if let Some(c) = &config.cron {
        c.parse::<croner::Cron>().map_err(|e| config_error(path, format!("cron {c:?}: {e}")))?;
    }
    Ok(Settings { config, output, state, formats, draw, fetch, schedule })
}

fn optional_duration(path: &Path, what: &str, s: Option<&str>, default: Duration) -> Result<Duration, CliError> {
    s.map_or(Ok(default), |s| duration(path, what, s))
}

/// The lock file of a state file.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    state.with_file_name(name)
}

enum Schedule {
    Once,
    Every(Duration),
    Cron(Box<croner::Cron>),
}

fn init_logs(format: LogFormat, quiet: bool) {
    let level = if quiet { tracing::Level::WARN } else { tracing::Level::INFO };
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

pub fn run(global: &GlobalArgs, args: &RunArgs) -> CliResult {
    let settings = load_config(&args.config)?;
    let cfg = &settings.config;
    let every = args.every.as_ref().or(cfg.every.as_ref().filter(|_| args.cron.is_none() && !args.once));
    let cron = args.cron.as_ref().or(cfg.cron.as_ref().filter(|_| args.every.is_none() && !args.once));
    let schedule = if args.once {
        Schedule::Once
    } else if let Some(c) = cron {
        Schedule::Cron(Box::new(c.parse().map_err(|e| CliError::usage(format!("--cron {c:?}: {e}")))?))
    } else if let Some(e) = every {
        let d = humantime::parse_duration(e).map_err(|err| CliError::usage(format!("--every {e:?}: {err}")))?;
        if d.is_zero() {
            return Err(CliError::usage("--every must be longer than 0"));
        }
        Schedule::Every(d)
    } else {
        Schedule::Once
    };
    let keep = match args.keep.as_ref().or(cfg.keep.as_ref()) {
        Some(k) => Some(humantime::parse_duration(k).map_err(|e| CliError::usage(format!("--keep {k:?}: {e}")))?),
        None => None,
    };
    let progress = args.log_format == LogFormat::Text && std::io::IsTerminal::is_terminal(&std::io::stderr());
    init_logs(args.log_format, progress);

    std::fs::create_dir_all(&settings.output).map_err(|e| CliError::output(&settings.output, e))?;
    if let Some(dir) = settings.state.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| CliError::output(dir, e))?;
    }
    let lock = Lock::acquire(&lock_path(&settings.state))?;
    let gaz = Gazetteer::choose(global.gazetteer.as_deref())?;
    let state = State::open(&settings.state).map_err(|e| CliError::output(&settings.state, e))?;
    let fetcher = Fetcher::new(settings.fetch.clone()).map_err(|e| CliError::new(Exit::Internal, e.to_string()))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(Exit::Internal, e.to_string()))?;
    let ctx = Arc::new(Ctx {
        schedule: settings.schedule,
        gaz,
        fetcher,
        state: Mutex::new(state),
        stop: AtomicBool::new(false),
        stopped: Notify::new(),
        cpu: Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get)),
        progress: progress.then(indicatif::ProgressBar::no_length),
    });
    let outcome = rt.block_on(async {
        spawn_signal_handler(ctx.clone());
        loop {
            let last = pass(&ctx, &settings, keep).await?;
            if ctx.stop.load(Ordering::SeqCst) {
                tracing::info!("stopped by a signal");
                return Ok(Exit::Ok);
            }
            let wait = match &schedule {
                Schedule::Once => return Ok(last),
                Schedule::Every(d) => *d,
                Schedule::Cron(c) => {
                    let now = chrono::Utc::now();
                    match c.find_next_occurrence(&now, false) {
                        Ok(next) => (next - now).to_std().unwrap_or_default(),
                        Err(e) => return Err(CliError::usage(format!("--cron: no next time: {e}"))),
                    }
                }
            };
            tracing::info!(next_in_secs = wait.as_secs(), "waiting for the next pass");
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = ctx.stopped.notified() => {}
            }
            if ctx.stop.load(Ordering::SeqCst) {
                tracing::info!("stopped by a signal");
                return Ok(last);
            }
        }
    });
    drop(lock);
    // An article past its deadline may still be running on a blocking
    // thread: the process does not wait for it.
    rt.shutdown_timeout(Duration::from_millis(100));
    outcome
}

fn spawn_signal_handler(ctx: Arc<Ctx>) {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::warn!("signal received: finishing the articles in progress, then stopping");
        ctx.stop.store(true, Ordering::SeqCst);
        ctx.stopped.notify_waiters();
        ctx.stopped.notify_one();
    });
}

struct Ctx {
    schedule: ArticleSchedule,
    gaz: Gazetteer,
    fetcher: Fetcher,
    state: Mutex<State>,
    stop: AtomicBool,
    stopped: Notify,
    /// Geoparsing runs on blocking threads, this many at a time.
    cpu: Semaphore,
    progress: Option<indicatif::ProgressBar>,
}

impl Ctx {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[derive(Default)]
struct Counts {
    new: AtomicU64,
    changed: AtomicU64,
    unchanged: AtomicU64,
    failed: AtomicU64,
    /// Failed before and not yet due for another attempt.
    waiting: AtomicU64,
}

/// One pass over every feed, then the layers rebuilt from the state.
async fn pass(ctx: &Arc<Ctx>, settings: &Settings, keep: Option<Duration>) -> Result<Exit, CliError> {
    let started = std::time::Instant::now();
    sweep_temporaries(&settings.output);
    let counts = Arc::new(Counts::default());
    let mut tasks = tokio::task::JoinSet::new();
    for feed in settings.config.feeds.clone() {
        let (ctx, counts) = (ctx.clone(), counts.clone());
        tasks.spawn(async move {
            let name = feed.name.clone();
            (name, run_feed(&ctx, &feed, &counts).await)
        });
    }
    let (mut ok, mut failed) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((name, Ok(n))) => {
                ok += 1;
                tracing::info!(feed = %name, entries = n, "feed done");
            }
            Ok((name, Err(e))) => {
                failed += 1;
                tracing::error!(feed = %name, error = %e, "feed failed");
                if let Some(pb) = &ctx.progress {
                    pb.println(format!("geoevents: feed {name} failed: {e}"));
                }
            }
            Err(e) => {
                failed += 1;
                tracing::error!(error = %e, "feed task failed");
            }
        }
    }
    if let Some(pb) = &ctx.progress {
        pb.finish_and_clear();
    }
    let since = keep.map(|k| {
        (chrono::Utc::now() - chrono::Duration::from_std(k).unwrap_or_default()).format("%Y-%m-%d").to_string()
    });
    let results = ctx.state().results(since.as_deref()).map_err(|e| CliError::output(&settings.state, e))?;
    let kept: Vec<Extraction> =
        results.into_iter().map(|r| Extraction { toponyms: r.toponyms, events: r.events }).collect();
    let gaz = &ctx.gaz;
    let written = tokio::task::block_in_place(|| {
        write_map_layers(gaz, &settings.output, &settings.formats, &kept, &settings.draw)
    })?;
    if ctx.progress.is_some() {
        eprintln!(
            "geoevents: {ok} feeds fetched, {failed} failed; {} new and {} changed articles; {written}",
            counts.new.load(Ordering::Relaxed),
            counts.changed.load(Ordering::Relaxed)
        );
    }
    let (articles, events) = ctx.state().counts().map_err(|e| CliError::output(&settings.state, e))?;
    tracing::info!(
        feeds_ok = ok,
        feeds_failed = failed,
        new_articles = counts.new.load(Ordering::Relaxed),
        changed_articles = counts.changed.load(Ordering::Relaxed),
        unchanged_articles = counts.unchanged.load(Ordering::Relaxed),
        failed_articles = counts.failed.load(Ordering::Relaxed),
        waiting_articles = counts.waiting.load(Ordering::Relaxed),
        articles_stored = articles,
        events_stored = events,
        layer_events = written.events,
        layer_places = written.places,
        layer_areas = written.areas,
        output = %settings.output.display(),
        secs = started.elapsed().as_secs_f64(),
        "pass done"
    );
    Ok(if ok == 0 && failed > 0 { Exit::AllFeedsFailed } else { Exit::Ok })
}

/// Removes the temporaries that killed passes left in the output folder
/// (see `geoevents_core::atomic`): those no live process holds. A failure
/// to sweep is logged, not fatal: the pass writes its layers all the same.
fn sweep_temporaries(folder: &Path) {
    for path in super::output::sweep_stale_temporaries(folder) {
        tracing::info!(path = %path.display(), "removed a stale temporary file");
    }
}

/// The key of an entry in the state: its link, else `id:FEED:ID`.
fn entry_key(feed: &FeedConfig, entry: &FeedEntry) -> String {
    entry.url.clone().unwrap_or_else(|| format!("id:{}:{}", feed.name, entry.id))
}

/// Why an entry is handled in this pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    /// It is in the feed.
    InFeed,
    /// It failed before and its retry is due.
    Retry,
    /// It is stored and due for revalidation.
    Revalidate,
}

/// Fetches and parses one feed, then handles its entries, the failed
/// articles due for a retry and the stored ones due for revalidation; the
/// number of entries in the feed.
async fn run_feed(ctx: &Arc<Ctx>, feed: &FeedConfig, counts: &Arc<Counts>) -> Result<usize, FeedError> {
    // The URL as written down: without credentials.
    let shown = redact(&feed.url);
    let record = |status: &str, error: Option<&str>, v: Option<&Validators>, n: Option<usize>| {
        if let Err(e) = ctx.state().record_feed(&feed.name, &shown, status, error, v, n) {
            tracing::error!(feed = %feed.name, error = %e, "cannot record the feed");
        }
    };
    let feed_url = reqwest::Url::parse(&feed.url)
        .map_err(|e| FeedError::NotAFeed { url: shown.clone(), message: e.to_string() })?;
    let client = Arc::new(ctx.fetcher.for_feed(&feed_url, feed.allow_private_addresses.unwrap_or(false))?);
    let validators = ctx.state().feed_validators(&feed.name, &shown)?;
    let fetched = match client.get(&feed.url, Some(&validators), Target::Feed).await {
        Ok(f) => f,
        Err(e) => {
            record("error", Some(&e.to_string()), None, None);
            return Err(e.into());
        }
    };
    let (entries, new_validators) = match fetched {
        Fetched::NotModified => (Vec::new(), None),
        Fetched::Body { bytes, validators, content_type, .. } => {
            match parse_feed(&bytes, &shown, content_type.as_deref()) {
                Ok(mut e) => {
                    e.truncate(feed.max_articles.unwrap_or(DEFAULT_MAX_ARTICLES));
                    (e, Some(validators))
                }
                Err(e) => {
                    record("error", Some(&e.to_string()), None, None);
                    return Err(e);
                }
            }
        }
    };
    let n = entries.len();
    let work = work_list(ctx, feed, entries, counts)?;
    if let Some(pb) = &ctx.progress {
        pb.inc_length(work.len() as u64);
    }
    let feed = Arc::new(feed.clone());
    let mut tasks = tokio::task::JoinSet::new();
    for (entry, why) in work {
        let (ctx, feed, counts, client) = (ctx.clone(), feed.clone(), counts.clone(), client.clone());
        tasks.spawn(async move {
            if ctx.stop.load(Ordering::SeqCst) {
                return;
            }
            let key = entry_key(&feed, &entry);
            match run_entry(&ctx, &client, &feed, &entry).await {
                Ok(Outcome::New) => counts.new.fetch_add(1, Ordering::Relaxed),
                Ok(Outcome::Changed) => counts.changed.fetch_add(1, Ordering::Relaxed),
                Ok(Outcome::Unchanged) => counts.unchanged.fetch_add(1, Ordering::Relaxed),
                Err(e) => {
                    let error = e.to_string();
                    // A refused link is not tried again until it shows up in the feed again.
                    let refused = matches!(e, FeedError::Fetch(FetchError::Refused { .. }));
                    let schedule = ctx.schedule;
                    let failure = ctx.state().record_failure(&key, &feed.name, &entry, &error, |attempts| {
                        (!refused).then(|| schedule.retry_wait(attempts))
                    });
                    match failure {
                        Ok(f) => tracing::warn!(
                            feed = %feed.name, article = %key, error = %error, attempts = f.attempts,
                            next_retry = f.next_retry.as_deref().unwrap_or("never"), ?why, "article skipped"
                        ),
                        Err(se) => tracing::error!(feed = %feed.name, article = %key, error = %error, state_error = %se, "article skipped and not recorded"),
                    }
                    counts.failed.fetch_add(1, Ordering::Relaxed)
                }
            };
            if let Some(pb) = &ctx.progress {
                pb.inc(1);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    // Validators are saved only once every entry was handled, so that a run
    // stopped half-way fetches the feed in full next time.
    let complete = !ctx.stop.load(Ordering::SeqCst);
    match new_validators {
        None => record("not modified", None, None, None),
        Some(v) => record("ok", None, complete.then_some(&v), Some(n)),
    }
    Ok(n)
}

/// What to handle for a feed in this pass: its entries (less those that
/// failed and wait for their retry), then the failed ones due for a retry,
/// then (for feeds whose pages are fetched) stored articles due for
/// revalidation, at most `max_articles` of those.
fn work_list(
    ctx: &Ctx,
    feed: &FeedConfig,
    entries: Vec<FeedEntry>,
    counts: &Counts,
) -> Result<Vec<(FeedEntry, Why)>, FeedError> {
    let now = chrono::Utc::now();
    let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let now_s = stamp(now);
    let state = ctx.state();
    let mut keys = std::collections::HashSet::new();
    let mut work = Vec::new();
    for mut entry in entries {
        // A link with credentials is refused, fetched or not: it would be
        // published in the layers. Recorded without them, never retried.
        if let Some(link) = entry.url.as_deref().and_then(|l| reqwest::Url::parse(l).ok()).filter(has_credentials) {
            entry.url = Some(redact(link.as_str()));
            let key = entry_key(feed, &entry);
            keys.insert(key.clone());
            let error = FetchError::Refused { url: key.clone(), reason: Refusal::Credentials.to_string() }.to_string();
            state.record_failure(&key, &feed.name, &entry, &error, |_| None)?;
            tracing::warn!(feed = %feed.name, article = %key, error = %error, "article skipped");
            counts.failed.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        let key = entry_key(feed, &entry);
        keys.insert(key.clone());
        let waiting = state.failure(&key)?.and_then(|f| f.next_retry).is_some_and(|t| t > now_s);
        if waiting {
            counts.waiting.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        work.push((entry, Why::InFeed));
    }
    for entry in state.due_retries(&feed.name, &now_s)? {
        if keys.insert(entry_key(feed, &entry)) {
            work.push((entry, Why::Retry));
        }
    }
    if feed.fetch_article {
        let ago = |d: Duration| stamp(now - chrono::Duration::from_std(d).unwrap_or(chrono::Duration::zero()));
        let due = state.due_revalidations(
            &feed.name,
            &ago(ctx.schedule.revalidate_for),
            &ago(ctx.schedule.revalidate),
            feed.max_articles.unwrap_or(DEFAULT_MAX_ARTICLES),
        )?;
        for entry in due {
            if keys.insert(entry_key(feed, &entry)) {
                work.push((entry, Why::Revalidate));
            }
        }
    }
    Ok(work)
}

enum Outcome {
    New,
    Changed,
    Unchanged,
}

/// The content hash of what is geoparsed: title, publication date and text.
fn content_hash(doc: &Document) -> String {
    let mut h = Sha256::new();
    for part in [doc.title.as_deref(), doc.published_at.as_deref(), Some(doc.text.as_str())] {
        h.update(part.unwrap_or("").as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().fold(String::with_capacity(64), |mut hex, b| {
        use std::fmt::Write as _;
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

/// What an entry's text comes from, before it is extracted.
enum Source {
    /// A fetched page: its bytes and `Content-Type`.
    Page { link: String, bytes: Vec<u8>, content_type: Option<String> },
    /// The feed's own text of the entry (HTML or plain).
    FeedText,
}

/// Handles one entry: its page fetched (conditional GET when stored) or the
/// feed's own text, then, within the article deadline, its text extracted
/// and (when new or changed) geoparsed, and the results stored.
async fn run_entry(
    ctx: &Arc<Ctx>,
    client: &FeedClient,
    feed: &FeedConfig,
    entry: &FeedEntry,
) -> Result<Outcome, FeedError> {
    let key = entry_key(feed, entry);
    let known = ctx.state().known(&key)?;
    let mut validators = None;
    let source = match entry.url.as_deref() {
        Some(link) if feed.fetch_article => {
            let sent = known.as_ref().map(|k| &k.validators);
            match client.get(link, sent, Target::Article).await? {
                Fetched::NotModified => {
                    ctx.state().touch_article(&key, None)?;
                    return Ok(Outcome::Unchanged);
                }
                Fetched::Body { bytes, validators: v, content_type, .. } => {
                    validators = Some(v);
                    Source::Page { link: link.to_string(), bytes, content_type }
                }
            }
        }
        // The feed's own text: an entry without a usable link, or a feed
        // whose pages are not fetched.
        _ => Source::FeedText,
    };
    if ctx.stop.load(Ordering::SeqCst) {
        return Ok(Outcome::Unchanged);
    }
    // The deadline covers the work on processors: text extraction and
    // geoparsing, each on a blocking thread, one processor slot an article.
    // The semaphore is never closed; were it, geoparsing would go on unthrottled.
    let permit = ctx.cpu.acquire().await.ok();
    let deadline = ctx.schedule.deadline;
    let until = std::time::Instant::now() + deadline;
    let over = || FeedError::Deadline { url: key.clone(), secs: deadline.as_secs_f64() };
    let (feed_arc, entry_arc) = (feed.clone(), entry.clone());
    let doc = within(until, &key, over, move || to_document(&feed_arc, &entry_arc, source)).await??;
    let hash = content_hash(&doc);
    if let Some(k) = &known {
        if k.content_hash == hash {
            let new = validators.as_ref().filter(|v| **v != k.validators);
            ctx.state().touch_article(&key, new)?;
            return Ok(Outcome::Unchanged);
        }
    }
    let ctx2 = ctx.clone();
    let done = within(until, &key, over, move || extract_until(&ctx2.gaz, &doc, until).map(|x| (doc, x))).await?;
    drop(permit);
    let Some((doc, mut p)) = done else { return Err(over()) };
    p.toponyms.iter_mut().for_each(|t| t.reasons = Vec::new());
    let stored_validators = validators.unwrap_or_default();
    tokio::task::block_in_place(|| {
        ctx.state().store_article(&NewArticle {
            url: &key,
            feed: &feed.name,
            content_hash: &hash,
            published: doc.published_at.as_deref(),
            title: doc.title.as_deref(),
            validators: &stored_validators,
            toponyms: &p.toponyms,
            events: &p.events,
        })
    })?;
    tracing::debug!(article = %key, events = p.events.len(), "article stored");
    Ok(if known.is_none() { Outcome::New } else { Outcome::Changed })
}

/// Runs `work` on a blocking thread, giving up at `until`. Past it the
/// thread is left to finish on its own (threads cannot be stopped; the
/// geoparser skips its last stage then) and its result is dropped.
async fn within<T: Send + 'static>(
    until: std::time::Instant,
    key: &str,
    over: impl Fn() -> FeedError,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, FeedError> {
    let left = until.saturating_duration_since(std::time::Instant::now());
    match tokio::time::timeout(left, tokio::task::spawn_blocking(work)).await {
        Err(_) => Err(over()),
        Ok(Err(source)) => Err(FeedError::Geoparse { url: key.to_string(), source }),
        Ok(Ok(value)) => Ok(value),
    }
}

/// The document of an entry: the article in its page, or the feed's text.
fn to_document(feed: &FeedConfig, entry: &FeedEntry, source: Source) -> Result<Document, FeedError> {
    match source {
        Source::Page { link, bytes, content_type } => {
            let html = decode_html(&bytes, content_type.as_deref())
                .map_err(|source| FeedError::Charset { url: link.clone(), source })?;
            let article = article_from_html(&html, Some(&link))
                .map_err(|source| FeedError::Article { url: link.clone(), source })?;
            Ok(document(feed, entry, article.text, article.title, article.published_at))
        }
        Source::FeedText => {
            let text = entry.content.as_deref().map(content_text).unwrap_or_default();
            if text.trim().is_empty() && entry.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
                return Err(FeedError::NoText { url: entry_key(feed, entry) });
            }
            Ok(document(feed, entry, text, None, None))
        }
    }
}

fn document(
    feed: &FeedConfig,
    entry: &FeedEntry,
    text: String,
    title: Option<String>,
    published: Option<String>,
) -> Document {
    Document {
        // An entry without a link is known by its id (RSS guid, Atom id).
        id: entry.url.clone().unwrap_or_else(|| entry.id.clone()),
        text,
        title: title.or_else(|| entry.title.clone()).filter(|t| !t.is_empty()),
        url: entry.url.clone(),
        source: Some(feed.name.clone()),
        published_at: entry.published.clone().or(published),
        origin: Origin { path: redact(&feed.url), line: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(body: &str) -> Result<Settings, CliError> {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("geoevents.toml");
        std::fs::write(
            &path,
            format!("output = \"out\"\n{body}\n[[feed]]\nname = \"local\"\nurl = \"http://127.0.0.1:9/feed.xml\"\n"),
        )
        .expect("write the configuration");
        load_config(&path)
    }

    #[test]
    fn draw_defaults_to_reported_and_reads_modalities() {
        assert_eq!(settings("").expect("valid").draw, [Modality::Reported]);
        let s = settings("draw = [\"planned\", \"reported\", \"planned\"]").expect("valid");
        assert_eq!(s.draw, [Modality::Planned, Modality::Reported]);
        let Err(e) = settings("draw = [\"rumoured\"]") else { panic!("an unknown modality was accepted") };
        assert!(e.to_string().contains("rumoured"), "{e}");
    }
}
