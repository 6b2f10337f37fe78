//! What scheduled runs remember, in one SQLite file: the feeds with their
//! last result and HTTP validators, every article seen (URL, content hash,
//! first seen, published, last checked) and the events found in it, and the
//! articles that failed (what went wrong, when to try again).
//!
//! An article's key is its URL, or `id:FEED:ID` for a feed entry without a
//! link (geoparsed from the feed's own text).
//!
//! The state is the source of truth: the layers are rebuilt from it after
//! every run. Each article is stored in one transaction (its old events
//! deleted, the new ones inserted, its row updated), so a process killed at
//! any point leaves either the old results of an article or the new ones,
//! never a mix; and an article stored twice never has its events twice.

pub mod lock;

use crate::feeds::feed::FeedEntry;
use crate::feeds::fetch::Validators;
use geoevents_core::events::Event;
use geoevents_core::resolve::Toponym;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS feeds (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_fetch TEXT,
    last_status TEXT,
    last_error TEXT,
    last_entries INTEGER
);
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    published TEXT,
    title TEXT,
    processed_at TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    toponyms TEXT NOT NULL,
    last_checked TEXT
);
CREATE INDEX IF NOT EXISTS articles_feed ON articles(feed);
CREATE TABLE IF NOT EXISTS events (
    article_url TEXT NOT NULL REFERENCES articles(url) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    event_date TEXT,
    json TEXT NOT NULL,
    PRIMARY KEY (article_url, seq)
);
CREATE TABLE IF NOT EXISTS failures (
    key TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    url TEXT,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    first_failed TEXT NOT NULL,
    last_failed TEXT NOT NULL,
    next_retry TEXT,
    entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_feed ON failures(feed);
";

/// The schema version in `PRAGMA user_version`. 2: results are stored in
/// the typed form of geoevents 0.2 (a toponym's or event's place nested as
/// `place`). A version-1 state keeps its feeds and articles, but its stored
/// results are dropped and every article is processed again when next seen
/// (feed validators are cleared so that the feeds are fetched in full).
/// 3: `articles.last_checked` (for revalidation) and the `failures` table
/// (retries); a version-2 state gains both, its articles counted as checked
/// when they were processed.
const VERSION: i64 = 3;

/// Version 1 and 2 articles lack `last_checked`.
const MIGRATE_TO_3: &str = "
ALTER TABLE articles ADD COLUMN last_checked TEXT;
UPDATE articles SET last_checked = processed_at;
";

/// Version 1 results cannot be read as version 2 ones: forget them.
const MIGRATE_FROM_1: &str = "
DELETE FROM events;
UPDATE articles SET content_hash = '', toponyms = '[]', etag = NULL, last_modified = NULL;
UPDATE feeds SET etag = NULL, last_modified = NULL;
";

/// The errors of the run state: its database, and the lock on it.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("state database {path}: {source}")]
    Database { path: String, source: rusqlite::Error },
    #[error(transparent)]
    Lock(#[from] lock::LockError),
}

pub struct State {
    conn: Connection,
    path: String,
}

/// An article's results, as stored.
pub struct ArticleResult {
    pub toponyms: Vec<Toponym>,
    pub events: Vec<Event>,
}

/// One feed as `status` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedStatus {
    pub name: String,
    pub url: String,
    pub last_fetch: Option<String>,
    pub last_status: Option<String>,
    pub last_error: Option<String>,
    pub articles: i64,
    pub events: i64,
    /// Articles that failed and have not succeeded since (filled by `status`).
    pub failed_articles: Vec<Failure>,
}

/// An article that failed, as `status` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    /// The article's key (see the module documentation).
    pub key: String,
    pub feed: String,
    pub url: Option<String>,
    pub error: String,
    pub attempts: u32,
    pub last_failed: String,
    /// RFC 3339 UTC; `None`: not retried (the link was refused).
    pub next_retry: Option<String>,
}

impl Failure {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Failure> {
        Ok(Failure {
            key: r.get(0)?,
            feed: r.get(1)?,
            url: r.get(2)?,
            error: r.get(3)?,
            attempts: r.get(4)?,
            last_failed: r.get(5)?,
            next_retry: r.get(6)?,
        })
    }
}

/// What is known of an article already stored.
pub struct Known {
    pub content_hash: String,
    pub validators: Validators,
}

/// An article to store.
pub struct NewArticle<'a> {
    pub url: &'a str,
    pub feed: &'a str,
    pub content_hash: &'a str,
    pub published: Option<&'a str>,
    pub title: Option<&'a str>,
    pub validators: &'a Validators,
    pub toponyms: &'a [Toponym],
    pub events: &'a [Event],
}

/// The current time, RFC 3339 UTC to the second.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl State {
    /// Opens (creating it and its directory if needed) and migrates.
    pub fn open(path: &Path) -> Result<State, StateError> {
        let p = path.display().to_string();
        let wrap = |source| StateError::Database { path: p.clone(), source };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path).map_err(wrap)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(wrap)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
            .map_err(wrap)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(wrap)?;
        if version < VERSION {
            let tx = conn.unchecked_transaction().map_err(wrap)?;
            tx.execute_batch(SCHEMA).map_err(wrap)?;
            if version == 1 {
                tx.execute_batch(MIGRATE_FROM_1).map_err(wrap)?;
            }
            if (1..3).contains(&version) {
                tx.execute_batch(MIGRATE_TO_3).map_err(wrap)?;
            }
            tx.commit().map_err(wrap)?;
            conn.execute_batch(&format!("PRAGMA user_version = {VERSION}")).map_err(wrap)?;
        }
        Ok(State { conn, path: p })
    }

    /// Opens an existing state read-only (for `status`); `None` if there is
    /// none. Nothing is written: no migration, no journal mode change, so a
    /// state in a read-only folder (or on a read-only mount) can be read.
    /// When SQLite cannot even set up its shared-memory index there (a WAL
    /// state needs `-shm` beside it), the file is read as immutable: a
    /// snapshot, which is what `status` shows.
    pub fn open_existing(path: &Path) -> Result<Option<State>, StateError> {
        use rusqlite::OpenFlags;
        if !path.exists() {
            return Ok(None);
        }
        let p = path.display().to_string();
        let wrap = |source| StateError::Database { path: p.clone(), source };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let readable = |conn: Connection| -> Result<Connection, rusqlite::Error> {
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?;
            Ok(conn)
        };
        if let Ok(conn) = Connection::open_with_flags(path, flags).and_then(readable) {
            return Ok(Some(State { conn, path: p }));
        }
        let absolute = std::path::absolute(path)
            .map_err(|e| wrap(rusqlite::Error::InvalidPath(std::path::PathBuf::from(e.to_string()))))?;
        let mut uri =
            url::Url::from_file_path(&absolute).map_err(|()| wrap(rusqlite::Error::InvalidPath(absolute.clone())))?;
        uri.set_query(Some("immutable=1"));
        let conn = Connection::open_with_flags(uri.as_str(), flags | OpenFlags::SQLITE_OPEN_URI)
            .and_then(readable)
            .map_err(wrap)?;
        Ok(Some(State { conn, path: p }))
    }

    /// The schema version of the file (older ones lack the newer tables).
    fn version(&self) -> Result<i64, StateError> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    fn err(&self, source: rusqlite::Error) -> StateError {
        StateError::Database { path: self.path.clone(), source }
    }

    pub fn feed_validators(&self, name: &str, url: &str) -> Result<Validators, StateError> {
        let v = self
            .conn
            .query_row("SELECT etag, last_modified FROM feeds WHERE name = ?1 AND url = ?2", params![name, url], |r| {
                Ok(Validators { etag: r.get(0)?, last_modified: r.get(1)? })
            })
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(v.unwrap_or_default())
    }

    /// Records a feed's fetch. `validators` `None` keeps the stored ones (a 304 or a failure).
    pub fn record_feed(
        &self,
        name: &str,
        url: &str,
        status: &str,
        error: Option<&str>,
        validators: Option<&Validators>,
        entries: Option<usize>,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT INTO feeds (name, url, last_fetch, last_status, last_error, last_entries) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(name) DO UPDATE SET url = ?2, last_fetch = ?3, last_status = ?4, last_error = ?5,
                 last_entries = COALESCE(?6, last_entries)",
                params![name, url, now(), status, error, entries.map(|n| n as i64)],
            )
            .map_err(|e| self.err(e))?;
        if let Some(v) = validators {
            self.conn
                .execute(
                    "UPDATE feeds SET etag = ?2, last_modified = ?3 WHERE name = ?1",
                    params![name, v.etag, v.last_modified],
                )
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    pub fn known(&self, url: &str) -> Result<Option<Known>, StateError> {
        self.conn
            .query_row("SELECT content_hash, etag, last_modified FROM articles WHERE url = ?1", params![url], |r| {
                Ok(Known {
                    content_hash: r.get(0)?,
                    validators: Validators { etag: r.get(1)?, last_modified: r.get(2)? },
                })
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Stores an article and its results in one transaction, replacing its old events.
    pub fn store_article(&mut self, a: &NewArticle<'_>) -> Result<(), StateError> {
        let path = self.path.clone();
        let wrap = |source| StateError::Database { path: path.clone(), source };
        let toponyms = serde_json::to_string(a.toponyms).unwrap_or_else(|_| "[]".into());
        let tx = self.conn.transaction().map_err(wrap)?;
        let now = now();
        tx.execute("DELETE FROM events WHERE article_url = ?1", params![a.url]).map_err(wrap)?;
        tx.execute(
            "INSERT INTO articles (url, feed, content_hash, first_seen, published, title, processed_at, etag, last_modified, toponyms, last_checked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?4, ?7, ?8, ?9, ?4)
             ON CONFLICT(url) DO UPDATE SET feed = ?2, content_hash = ?3, published = ?5, title = ?6, processed_at = ?4,
             etag = ?7, last_modified = ?8, toponyms = ?9, last_checked = ?4",
            params![a.url, a.feed, a.content_hash, now, a.published, a.title, a.validators.etag, a.validators.last_modified, toponyms],
        )
        .map_err(wrap)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO events (article_url, seq, id, event_date, json) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(wrap)?;
            for (seq, e) in a.events.iter().enumerate() {
                let json = serde_json::to_string(e).unwrap_or_else(|_| "{}".into());
                insert.execute(params![a.url, seq as i64, e.id, e.event_date, json]).map_err(wrap)?;
            }
        }
        tx.execute("DELETE FROM failures WHERE key = ?1", params![a.url]).map_err(wrap)?;
        tx.commit().map_err(wrap)
    }

    /// Records that an article was checked and found unchanged: its HTTP
    /// validators when new ones came (`None` keeps them), the time, and the
    /// end of any failure it had.
    pub fn touch_article(&self, key: &str, v: Option<&Validators>) -> Result<(), StateError> {
        let now = now();
        match v {
            Some(v) => self.conn.execute(
                "UPDATE articles SET etag = ?2, last_modified = ?3, last_checked = ?4 WHERE url = ?1",
                params![key, v.etag, v.last_modified, now],
            ),
            None => self.conn.execute("UPDATE articles SET last_checked = ?2 WHERE url = ?1", params![key, now]),
        }
        .map_err(|e| self.err(e))?;
        self.conn.execute("DELETE FROM failures WHERE key = ?1", params![key]).map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Records a failed article: one more attempt, and when to try again
    /// (`retry_in` `None`: never, the link was refused).
    pub fn record_failure(
        &self,
        key: &str,
        feed: &str,
        entry: &FeedEntry,
        error: &str,
        retry_in: impl Fn(u32) -> Option<std::time::Duration>,
    ) -> Result<Failure, StateError> {
        let attempts: u32 = self
            .conn
            .query_row("SELECT attempts FROM failures WHERE key = ?1", params![key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?
            .unwrap_or(0)
            + 1;
        let now_t = chrono::Utc::now();
        let next_retry = retry_in(attempts).map(|d| {
            (now_t + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(1)))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        });
        let entry_json = serde_json::to_string(entry).unwrap_or_else(|_| "{}".into());
        let now = now_t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.conn
            .execute(
                "INSERT INTO failures (key, feed, url, error, attempts, first_failed, last_failed, next_retry, entry)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)
                 ON CONFLICT(key) DO UPDATE SET feed = ?2, url = ?3, error = ?4, attempts = ?5, last_failed = ?6,
                 next_retry = ?7, entry = ?8",
                params![key, feed, entry.url, error, attempts, now, next_retry, entry_json],
            )
            .map_err(|e| self.err(e))?;
        Ok(Failure {
            key: key.to_string(),
            feed: feed.to_string(),
            url: entry.url.clone(),
            error: error.to_string(),
            attempts,
            last_failed: now,
            next_retry,
        })
    }

    /// The failure recorded for an article, if any.
    pub fn failure(&self, key: &str) -> Result<Option<Failure>, StateError> {
        self.conn
            .query_row(
                "SELECT key, feed, url, error, attempts, last_failed, next_retry FROM failures WHERE key = ?1",
                params![key],
                Failure::from_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The entries of `feed` whose retry is due at `now` (RFC 3339).
    pub fn due_retries(&self, feed: &str, now: &str) -> Result<Vec<FeedEntry>, StateError> {
        let mut q = self
            .conn
            .prepare("SELECT entry FROM failures WHERE feed = ?1 AND next_retry IS NOT NULL AND next_retry <= ?2 ORDER BY key")
            .map_err(|e| self.err(e))?;
        let rows = q.query_map(params![feed, now], |r| r.get::<_, String>(0)).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for json in rows {
            let json = json.map_err(|e| self.err(e))?;
            match serde_json::from_str(&json) {
                Ok(entry) => out.push(entry),
                Err(e) => tracing::warn!(feed, error = %e, "unreadable stored entry skipped"),
            }
        }
        Ok(out)
    }

    /// Articles of `feed` with a link, first seen after `seen_after` and not
    /// checked since `checked_before` (both RFC 3339), oldest check first, at
    /// most `limit`: the ones to revalidate.
    pub fn due_revalidations(
        &self,
        feed: &str,
        seen_after: &str,
        checked_before: &str,
        limit: usize,
    ) -> Result<Vec<FeedEntry>, StateError> {
        let mut q = self
            .conn
            .prepare(
                "SELECT url, title, published FROM articles
                 WHERE feed = ?1 AND url NOT LIKE 'id:%' AND first_seen > ?2
                   AND COALESCE(last_checked, processed_at) <= ?3
                   AND url NOT IN (SELECT key FROM failures)
                 ORDER BY COALESCE(last_checked, processed_at), url LIMIT ?4",
            )
            .map_err(|e| self.err(e))?;
        let rows = q
            .query_map(params![feed, seen_after, checked_before, limit as i64], |r| {
                let url: String = r.get(0)?;
                Ok(FeedEntry { id: url.clone(), url: Some(url), title: r.get(1)?, published: r.get(2)?, content: None })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Every recorded failure, by feed then key (for `status`).
    pub fn failures(&self) -> Result<Vec<Failure>, StateError> {
        if self.version()? < 3 {
            return Ok(Vec::new());
        }
        let mut q = self
            .conn
            .prepare("SELECT key, feed, url, error, attempts, last_failed, next_retry FROM failures ORDER BY feed, key")
            .map_err(|e| self.err(e))?;
        let rows = q.query_map([], Failure::from_row).map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Every article's results, ordered by URL then event order; events dated
    /// before `since` (`YYYY-MM-DD`) are left out (undated ones go by the
    /// article's publication, then first-seen date).
    pub fn results(&self, since: Option<&str>) -> Result<Vec<ArticleResult>, StateError> {
        let mut out = Vec::new();
        let mut articles = self
            .conn
            .prepare("SELECT url, toponyms, COALESCE(published, first_seen) FROM articles ORDER BY url")
            .map_err(|e| self.err(e))?;
        let mut events = self
            .conn
            .prepare("SELECT json, event_date FROM events WHERE article_url = ?1 ORDER BY seq")
            .map_err(|e| self.err(e))?;
        let rows = articles
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (url, toponyms, seen) = row.map_err(|e| self.err(e))?;
            let article_old = since.is_some_and(|s| seen.as_deref().is_some_and(|d| d.get(..10).unwrap_or(d) < s));
            let mut evs = Vec::new();
            let rows = events
                .query_map(params![url], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))
                .map_err(|e| self.err(e))?;
            for ev in rows {
                let (json, date) = ev.map_err(|e| self.err(e))?;
                let old = match (since, date.as_deref()) {
                    (Some(s), Some(d)) => d < s,
                    (Some(_), None) => article_old,
                    (None, _) => false,
                };
                if old {
                    continue;
                }
                match serde_json::from_str::<Event>(&json) {
                    Ok(e) => evs.push(e),
                    Err(e) => tracing::warn!(article = %url, error = %e, "unreadable stored event skipped"),
                }
            }
            if since.is_some() && evs.is_empty() && article_old {
                continue;
            }
            let toponyms: Vec<Toponym> = serde_json::from_str(&toponyms).unwrap_or_else(|e| {
                tracing::warn!(article = %url, error = %e, "unreadable stored toponyms skipped");
                Vec::new()
            });
            out.push(ArticleResult { toponyms, events: evs });
        }
        Ok(out)
    }

    pub fn feed_statuses(&self) -> Result<Vec<FeedStatus>, StateError> {
        let mut q = self
            .conn
            .prepare(
                "SELECT f.name, f.url, f.last_fetch, f.last_status, f.last_error,
                   (SELECT COUNT(*) FROM articles a WHERE a.feed = f.name),
                   (SELECT COUNT(*) FROM events e JOIN articles a ON a.url = e.article_url WHERE a.feed = f.name)
                 FROM feeds f ORDER BY f.name",
            )
            .map_err(|e| self.err(e))?;
        let rows = q
            .query_map([], |r| {
                Ok(FeedStatus {
                    name: r.get(0)?,
                    url: r.get(1)?,
                    last_fetch: r.get(2)?,
                    last_status: r.get(3)?,
                    last_error: r.get(4)?,
                    articles: r.get(5)?,
                    events: r.get(6)?,
                    failed_articles: Vec::new(),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// (articles, events) stored.
    pub fn counts(&self) -> Result<(i64, i64), StateError> {
        self.conn
            .query_row("SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM events)", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|e| self.err(e))
    }
}
