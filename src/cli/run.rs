//! `geoevents run --config feeds.toml`: fetch news feeds, geoparse new and
//! changed articles, keep what was found in a SQLite state file and rebuild
//! the map layers from it; once (`--once`, for cron and systemd timers) or
//! on a schedule (`--every 15m`, `--cron "*/15 * * * *"`) until SIGINT or
//! SIGTERM, which stop the run after the articles being processed.
//!
//! A failing feed (DNS, HTTP error, timeout, malformed XML, an oversized
//! body, a redirect loop) is reported and skipped; the others go on.

use super::extract::write_map_layers;
use super::{CliError, CliResult, Exit, GlobalArgs};
use crate::feeds::feed::{content_text, parse_feed, FeedEntry};
use crate::feeds::fetch::{FetchOptions, Fetched, Fetcher, Validators};
use crate::feeds::FeedError;
use crate::state::lock::Lock;
use crate::state::{NewArticle, State};
use geoevents_core::gazetteer::Gazetteer;
use geoevents_core::ingest::{article_from_html, decode_html, Document, Origin};
use geoevents_core::layers::LayerFormat;
use geoevents_core::pipeline::{extract, Extraction};
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
    /// Only the first N entries of the feed.
    pub max_articles: Option<usize>,
}

fn yes() -> bool {
    true
}

/// A configuration checked and with paths resolved.
pub struct Settings {
    pub config: Config,
    pub output: PathBuf,
    pub state: PathBuf,
    pub formats: Vec<LayerFormat>,
    pub fetch: FetchOptions,
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
    for (what, v) in [("every", &config.every), ("keep", &config.keep)] {
        if let Some(v) = v {
            duration(path, what, v)?;
        }
    }
    if let Some(c) = &config.cron {
        c.parse::<croner::Cron>().map_err(|e| config_error(path, format!("cron {c:?}: {e}")))?;
    }
    Ok(Settings { config, output, state, formats, fetch })
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
    let written = tokio::task::block_in_place(|| write_map_layers(gaz, &settings.output, &settings.formats, &kept))?;
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

/// Fetches and parses one feed, then handles its entries; the number of entries.
async fn run_feed(ctx: &Arc<Ctx>, feed: &FeedConfig, counts: &Arc<Counts>) -> Result<usize, FeedError> {
    let record = |status: &str, error: Option<&str>, v: Option<&Validators>, n: Option<usize>| {
        if let Err(e) = ctx.state().record_feed(&feed.name, &feed.url, status, error, v, n) {
            tracing::error!(feed = %feed.name, error = %e, "cannot record the feed");
        }
    };
    let validators = ctx.state().feed_validators(&feed.name, &feed.url)?;
    let fetched = match ctx.fetcher.get(&feed.url, Some(&validators)).await {
        Ok(f) => f,
        Err(e) => {
            record("error", Some(&e.to_string()), None, None);
            return Err(e.into());
        }
    };
    let (bytes, validators, content_type) = match fetched {
        Fetched::NotModified => {
            record("not modified", None, None, None);
            return Ok(0);
        }
        Fetched::Body { bytes, validators, content_type, .. } => (bytes, validators, content_type),
    };
    let mut entries = match parse_feed(&bytes, &feed.url, content_type.as_deref()) {
        Ok(e) => e,
        Err(e) => {
            record("error", Some(&e.to_string()), None, None);
            return Err(e);
        }
    };
    if let Some(max) = feed.max_articles {
        entries.truncate(max);
    }
    let n = entries.len();
    if let Some(pb) = &ctx.progress {
        pb.inc_length(n as u64);
    }
    let feed = Arc::new(feed.clone());
    let mut tasks = tokio::task::JoinSet::new();
    for entry in entries {
        let (ctx, feed, counts) = (ctx.clone(), feed.clone(), counts.clone());
        tasks.spawn(async move {
            if ctx.stop.load(Ordering::SeqCst) {
                return;
            }
            let url = entry.url.clone();
            match run_entry(&ctx, &feed, entry).await {
                Ok(Outcome::New) => counts.new.fetch_add(1, Ordering::Relaxed),
                Ok(Outcome::Changed) => counts.changed.fetch_add(1, Ordering::Relaxed),
                Ok(Outcome::Unchanged) => counts.unchanged.fetch_add(1, Ordering::Relaxed),
                Err(e) => {
                    tracing::warn!(feed = %feed.name, article = %url, error = %e, "article skipped");
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
    record("ok", None, complete.then_some(&validators), Some(n));
    Ok(n)
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

async fn run_entry(ctx: &Arc<Ctx>, feed: &FeedConfig, entry: FeedEntry) -> Result<Outcome, FeedError> {
    let known = ctx.state().known(&entry.url)?;
    let mut validators = Validators::default();
    let doc = if feed.fetch_article {
        let sent = known.as_ref().map(|k| &k.validators);
        match ctx.fetcher.get(&entry.url, sent).await? {
            Fetched::NotModified => return Ok(Outcome::Unchanged),
            Fetched::Body { bytes, validators: v, content_type, .. } => {
                validators = v;
                let url = || entry.url.clone();
                let html = decode_html(&bytes, content_type.as_deref())
                    .map_err(|source| FeedError::Charset { url: url(), source })?;
                let article = article_from_html(&html, Some(&entry.url))
                    .map_err(|source| FeedError::Article { url: url(), source })?;
                document(feed, &entry, article.text, article.title, article.published_at)
            }
        }
    } else {
        let text = entry.content.as_deref().map(content_text).unwrap_or_default();
        if text.trim().is_empty() && entry.title.is_none() {
            return Err(FeedError::NoText { url: entry.url.clone() });
        }
        document(feed, &entry, text, None, None)
    };
    let hash = content_hash(&doc);
    if let Some(k) = &known {
        if k.content_hash == hash {
            if k.validators != validators && feed.fetch_article {
                ctx.state().touch_article(&entry.url, &validators)?;
            }
            return Ok(Outcome::Unchanged);
        }
    }
    if ctx.stop.load(Ordering::SeqCst) {
        return Ok(Outcome::Unchanged);
    }
    // The semaphore is never closed; were it, geoparsing would go on unthrottled.
    let _cpu = ctx.cpu.acquire().await.ok();
    let ctx2 = ctx.clone();
    let feed_name = feed.name.clone();
    let is_new = known.is_none();
    let entry_url = entry.url.clone();
    tokio::task::spawn_blocking(move || -> Result<Outcome, FeedError> {
        let mut p = extract(&ctx2.gaz, &doc);
        p.toponyms.iter_mut().for_each(|t| t.reasons = Vec::new());
        let url = doc.url.as_deref().unwrap_or(&doc.id);
        ctx2.state().store_article(&NewArticle {
            url,
            feed: &feed_name,
            content_hash: &hash,
            published: doc.published_at.as_deref(),
            title: doc.title.as_deref(),
            validators: &validators,
            toponyms: &p.toponyms,
            events: &p.events,
        })?;
        tracing::debug!(article = %url, events = p.events.len(), "article stored");
        Ok(if is_new { Outcome::New } else { Outcome::Changed })
    })
    .await
    .map_err(|source| FeedError::Geoparse { url: entry_url, source })?
}

fn document(
    feed: &FeedConfig,
    entry: &FeedEntry,
    text: String,
    title: Option<String>,
    published: Option<String>,
) -> Document {
    Document {
        id: entry.url.clone(),
        text,
        title: title.or_else(|| entry.title.clone()).filter(|t| !t.is_empty()),
        url: Some(entry.url.clone()),
        source: Some(feed.name.clone()),
        published_at: entry.published.clone().or(published),
        origin: Origin { path: feed.url.clone(), line: None },
    }
}
