//! Dates: the document's publication date, and the date of what a sentence
//! reports, with the rule that produced it.
//!
//! ## Publication date (the reference for relative dates)
//! 1. `published_at`, ISO 8601: `2024-11-30`, `2024-11-30T10:00`,
//!    `2024-11-30T10:00:00Z`, `2024-11-30 10:00:00.123+03:00`, `+0300`, `+03`;
//!    also RFC 2822 (`Sat, 30 Nov 2024 10:00:00 +0000`, as in RSS) and the
//!    month-name forms below. A time with an offset is converted to UTC and
//!    printed `YYYY-MM-DDTHH:MM:SSZ` (fractions of a second dropped); a time
//!    without an offset is taken as UTC; a bare date is printed as the date
//!    (no invented midnight). Relative dates are resolved against the date *as
//!    written* (the local date), not the UTC one: "yesterday" in an article
//!    stamped `2024-11-30T01:00+03:00` is 29 November although the UTC stamp
//!    is 2024-11-29T22:00:00Z.
//! 2. Else the first full date in the first 300 characters of the text (the
//!    dateline): ISO `2024-11-30`, `30-11-2024` / `30.11.2024` / `30/11/2024`
//!    (day first; month first only when day first is impossible),
//!    `30 November 2024`, `November 30, 2024`, `Nov. 30, 2024`.
//! 3. Else none.
//!
//! ## Event date, in this order
//! 1. An explicit day in the sentence: ISO `2024-11-29`, `29 November 2024`,
//!    `29th of November, 2024`, `November 29, 2024`; or without a year
//!    (`November 29`, `29 Nov`), the year that puts the date nearest the
//!    reference date. Other numeric forms (`29/11/2024`) are ambiguous in
//!    prose and ignored.
//! 2. A relative expression, resolved against the reference date:
//!    `today`/`tonight`/`this morning` (day), `yesterday`, `last night`,
//!    `the day before yesterday`, `tomorrow`; `last|this|next week` (week
//!    precision, dated the Monday of that week), `last|this|next month` (the
//!    1st), `last|this|next year` (1 January); weekdays (below).
//! 3. An explicit month (`in March 2023`, month precision, dated the 1st) or
//!    year (`in 2023`, year precision, 1 January). These rank *below* relative
//!    expressions: in news prose a bare month or year is usually background
//!    ("who lost the city in December 2016, re-entered it on Friday").
//! 4. The reference date itself ("publication date", or "dateline date" when
//!    it came from the text), day precision.
//! 5. Nothing: date null, precision null, rule "no date".
//!
//! Within one rank the first expression in the sentence wins.
//!
//! ## Weekdays and tense
//! "last Friday" is the Friday strictly before the reference date, "next
//! Friday" the one strictly after. A bare weekday is read by tense: past (the
//! default in news) gives the most recent such day on or before the reference
//! date; future gives the next one on or after it — so "will visit on
//! Saturday" in a paper of Saturday means that same day, as it usually does
//! (writers say "next Saturday" for a week later).
//!
//! Tense is judged from the sentence, near the weekday: future markers are
//! `will`, `shall`, `'ll`, `won't`, `set to`, `is/are/was/were due to`,
//! `plan(s/ned/ning) to`, `intend(s) to`, `expected to`, `scheduled to/for`,
//! `going to`, `be held`; past markers are `said`, `was`, `had`, ... and
//! lower-case words in `-ed` (with exceptions such as "armed", "based"). The
//! marker nearest the weekday decides, counting words, with a penalty of five
//! words for each clause break (`,` `;` `:` `(` `)` dash) in between and the
//! preceding marker winning a tie; no marker means past. So in "X, in a video
//! message on Saturday, said they will not stop" Saturday is past, and in
//! "Araghchi is set to visit Damascus on Sunday" it is future.

use crate::text::sentences::{tokens, Tok, TokKind};
use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// A calendar date (proleptic Gregorian), always within [`MIN_YEAR`]..=[`MAX_YEAR`].
pub type Date = NaiveDate;

/// The first year a date may have: year 0 and BCE dates are not news.
pub const MIN_YEAR: i32 = 1;
/// The last year a date may have: four digits, as `YYYY-MM-DD` prints.
pub const MAX_YEAR: i32 = 9999;

/// Why a date is null although the text or metadata had one.
const OUT_OF_RANGE: &str = "out of range (dates are kept within 0001-01-01..9999-12-31)";

/// `d` when its year is within [`MIN_YEAR`]..=[`MAX_YEAR`]: every date is
/// checked with this where it enters (published_at, datelines, explicit
/// dates, relative arithmetic), so nothing later meets a year 0 or 10000.
pub fn in_range(d: NaiveDate) -> Option<NaiveDate> {
    (MIN_YEAR..=MAX_YEAR).contains(&d.year()).then_some(d)
}

/// A valid calendar date in range.
pub fn ymd(year: i32, month: u32, day: u32) -> Option<Date> {
    NaiveDate::from_ymd_opt(year, month, day).and_then(in_range)
}

/// `d` plus `n` days (negative: earlier), `None` out of range.
fn add_days(d: Date, n: i64) -> Option<Date> {
    let shifted =
        if n >= 0 { d.checked_add_days(Days::new(n as u64)) } else { d.checked_sub_days(Days::new(n.unsigned_abs())) };
    shifted.and_then(in_range)
}

/// The Monday of `d`'s ISO week.
fn monday(d: Date) -> Option<Date> {
    add_days(d, -(d.weekday().num_days_from_monday() as i64))
}

/// The 1st of the month `months` away from `d`'s month.
fn first_of_month_offset(d: Date, months: i32) -> Option<Date> {
    let first = d.with_day(1)?;
    let shifted = if months >= 0 {
        first.checked_add_months(Months::new(months as u32))
    } else {
        first.checked_sub_months(Months::new(months.unsigned_abs()))
    };
    shifted.and_then(in_range)
}

/// English weekday names, capitalised as written in text, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

#[rustfmt::skip]
const MONTHS: [&str; 12] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
];
#[rustfmt::skip]
const MONTH_ABBR: [(&str, u32); 12] = [
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("jun", 6), ("jul", 7), ("aug", 8), ("sep", 9), ("sept", 9),
    ("oct", 10), ("nov", 11), ("dec", 12),
];

/// How precise an event date is; coarser dates are the first day of the
/// period. Written in lower case (`day`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// A single calendar day.
    Day,
    /// The ISO week, dated its Monday.
    Week,
    /// A calendar month, dated its first day.
    Month,
    /// A calendar year, dated 1 January.
    Year,
}

impl Precision {
    /// The name as serialised: `day`, `week`, `month` or `year`.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Week => "week",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

/// A parsed `published_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The calendar date as written (before conversion to UTC): the day
    /// relative expressions count from.
    pub local_date: Date,
    /// `YYYY-MM-DDTHH:MM:SSZ`, or `YYYY-MM-DD` when no time was given.
    pub utc: String,
}

/// Why a `published_at` gave no date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishedProblem {
    /// Not a date in any accepted form.
    Unparsable,
    /// A date, but outside 0001..9999 (before or after conversion to UTC).
    OutOfRange,
}

/// The date relative expressions are resolved against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    /// The reference day (a date in the text, or `published_at`'s local date).
    pub date: Date,
    /// True when found in the text (dateline) rather than in `published_at`.
    pub from_text: bool,
}

/// The date of one sentence's event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDate {
    /// The event's date; for week, month or year precision the first day of the period. `None` when no date was found.
    pub date: Option<Date>,
    /// How precise `date` is; `None` exactly when `date` is.
    pub precision: Option<Precision>,
    /// How the date was found ("explicit date", "yesterday", "publication date", "no date", ...): the event's
    /// `date_rule`.
    pub rule: String,
}

/// A document's publication date and the reference for relative dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// `published_at` in UTC (see [`Published::utc`]); null when absent,
    /// unparsable or out of range.
    pub utc: Option<String>,
    /// The day relative expressions count from; `None` when there is neither a usable `published_at` nor a date near
    /// the start of the text.
    pub reference: Option<Reference>,
    /// Set when `published_at` was given but gave no date: said in the
    /// event's `date_rule` when the fallback is used.
    pub problem: Option<PublishedProblem>,
}

/// The publication date of a document: `published_at` parsed (and the UTC
/// form to report), else a date in the first 300 characters of `text`.
pub fn publication(published_at: Option<&str>, text: &str) -> Publication {
    let mut problem = None;
    if let Some(raw) = published_at.filter(|s| !s.trim().is_empty()) {
        match parse_published_at(raw) {
            Ok(p) => {
                return Publication {
                    utc: Some(p.utc),
                    reference: Some(Reference { date: p.local_date, from_text: false }),
                    problem: None,
                }
            }
            Err(e) => problem = Some(e),
        }
    }
    let head_end = text.char_indices().nth(300).map_or(text.len(), |(b, _)| b);
    let reference = find_full_date(&text[..head_end], true).map(|date| Reference { date, from_text: true });
    Publication { utc: None, reference, problem }
}

fn published(local: NaiveDateTime, utc: DateTime<Utc>) -> Result<Published, PublishedProblem> {
    let local_date = in_range(local.date()).ok_or(PublishedProblem::OutOfRange)?;
    in_range(utc.date_naive()).ok_or(PublishedProblem::OutOfRange)?;
    Ok(Published { local_date, utc: utc.to_rfc3339_opts(SecondsFormat::Secs, true) })
}

fn with_offset(dt: DateTime<FixedOffset>) -> Result<Published, PublishedProblem> {
    published(dt.naive_local(), dt.with_timezone(&Utc))
}

/// ISO 8601 forms RFC 3339 does not accept: offsets `+0300` and `+03`, a
/// space or `T`, optional seconds and fractions.
const ISO_WITH_OFFSET: &[&str] =
    &["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z", "%Y-%m-%d %H:%M%#z"];
/// ISO 8601 local times without an offset: taken as UTC.
const ISO_NAIVE: &[&str] = &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"];

/// Parses a `published_at` value (see the module documentation): RFC 3339,
/// RFC 2822 (with the named zones it allows: UT, GMT, EST, EDT, CST, CDT,
/// MST, MDT, PST, PDT), other ISO 8601 forms, a bare date, or a month-name
/// date. Fractions of a second are dropped.
pub fn parse_published_at(s: &str) -> Result<Published, PublishedProblem> {
    let s = s.trim();
    // "...Z" and "+00:00" spelled as UTC/GMT words after an ISO stamp.
    let iso =
        s.strip_suffix(" UTC").or_else(|| s.strip_suffix(" GMT")).map_or_else(|| s.to_string(), |h| format!("{h}Z"));
    if let Ok(dt) = DateTime::parse_from_rfc3339(&iso) {
        return with_offset(dt);
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return with_offset(dt);
    }
    for f in ISO_WITH_OFFSET {
        if let Ok(dt) = DateTime::parse_from_str(&iso, f) {
            return with_offset(dt);
        }
    }
    for f in ISO_NAIVE {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
            return published(n, n.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let d = in_range(d).ok_or(PublishedProblem::OutOfRange)?;
        return Ok(Published { local_date: d, utc: d.to_string() });
    }
    // A month-name date such as "30 November 2024"; not a broken ISO stamp.
    if s.as_bytes().get(4) == Some(&b'-') {
        return Err(PublishedProblem::Unparsable);
    }
    let d = find_full_date(s, false).ok_or(PublishedProblem::Unparsable)?;
    Ok(Published { local_date: d, utc: d.to_string() })
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    if !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(part).ok()?.parse().ok()
}

/// A month name or abbreviation with a capital letter ("November", "Nov").
fn month_of(w: &str) -> Option<u32> {
    if !w.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    let l = w.to_lowercase();
    if let Some(i) = MONTHS.iter().position(|m| *m == l) {
        return Some(i as u32 + 1);
    }
    MONTH_ABBR.iter().find(|(a, _)| *a == l).map(|(_, m)| *m)
}

/// "29", "29th", "1st" as a day of the month.
fn day_num(t: &str) -> Option<u32> {
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, suffix) = t.split_at(split);
    if num.is_empty() || num.len() > 2 || !["", "st", "nd", "rd", "th"].contains(&suffix.to_lowercase().as_str()) {
        return None;
    }
    let d: u32 = num.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn year_num(t: &str) -> Option<i32> {
    if t.len() != 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = t.parse().ok()?;
    (1800..=2200).contains(&y).then_some(y)
}

/// The year that puts month/day nearest `r`.
fn infer_year(month: u32, day: u32, r: Date) -> Option<Date> {
    (r.year() - 1..=r.year() + 1).filter_map(|y| ymd(y, month, day)).min_by_key(|d| (*d - r).num_days().abs())
}

/// One date expression found in a sentence.
#[derive(Debug, Clone)]
struct Found {
    pos: usize,
    /// `None` when the arithmetic left 0001..9999.
    date: Option<Date>,
    precision: Precision,
    rule: String,
}

/// ISO dates `YYYY-MM-DD` not inside a longer number.
fn iso_dates(s: &str) -> Vec<(usize, Date)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 10 <= b.len() {
        let boundary_before = i == 0 || !b[i - 1].is_ascii_digit();
        let boundary_after = b.get(i + 10).is_none_or(|c| !c.is_ascii_digit());
        if boundary_before && boundary_after && b[i + 4] == b'-' && b[i + 7] == b'-' {
            if let (Some(y), Some(m), Some(d)) = (digits(b, i, 4), digits(b, i + 5, 2), digits(b, i + 8, 2)) {
                if let Some(date) = ymd(y as i32, m, d) {
                    out.push((i, date));
                    i += 10;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// Explicit dates with a day, month or year in `s`. Year-less days need `reference`.
fn explicit_dates(s: &str, toks: &[Tok], reference: Option<Reference>) -> Vec<Found> {
    let text = |t: &Tok| &s[t.start..t.end];
    let is = |j: usize, kind: TokKind, word: &str| {
        toks.get(j).is_some_and(|t| t.kind == kind && text(t).eq_ignore_ascii_case(word))
    };
    let mut out: Vec<Found> = iso_dates(s)
        .into_iter()
        .map(|(pos, date)| Found { pos, date: Some(date), precision: Precision::Day, rule: "explicit date".into() })
        .collect();
    let yearless = |pos: usize, m: u32, d: u32, out: &mut Vec<Found>| {
        if let Some(r) = reference {
            if let Some(date) = infer_year(m, d, r.date) {
                let from = if r.from_text { "dateline date" } else { "publication date" };
                out.push(Found {
                    pos,
                    date: Some(date),
                    precision: Precision::Day,
                    rule: format!("explicit date, year from {from}"),
                });
            }
        }
    };
    // A day and month, then a year at token k if there is one, else the reference's year.
    let day_with_year_at = |k: usize, pos: usize, m: u32, d: u32, out: &mut Vec<Found>| match toks
        .get(k)
        .filter(|t| t.kind == TokKind::Num)
        .and_then(|t| year_num(text(t)))
    {
        Some(y) => {
            if let Some(date) = ymd(y, m, d) {
                out.push(Found { pos, date: Some(date), precision: Precision::Day, rule: "explicit date".into() });
            }
        }
        None => yearless(pos, m, d, out),
    };
    for i in 0..toks.len() {
        let t = &toks[i];
        // D [of] Month[.] [,] [YYYY]
        if t.kind == TokKind::Num {
            if let Some(d) = day_num(text(t)) {
                let mut j = i + 1;
                if is(j, TokKind::Word, "of") {
                    j += 1;
                }
                if let Some(m) = toks.get(j).filter(|t| t.kind == TokKind::Word).and_then(|t| month_of(text(t))) {
                    let mut k = j + 1;
                    if is(k, TokKind::Punct, ".") {
                        k += 1;
                    }
                    if is(k, TokKind::Punct, ",") {
                        k += 1;
                    }
                    day_with_year_at(k, t.start, m, d, &mut out);
                }
            }
        }
        // Month[.] D[,] [YYYY] | Month [,] YYYY
        if t.kind == TokKind::Word {
            if let Some(m) = month_of(text(t)) {
                let mut j = i + 1;
                if is(j, TokKind::Punct, ".") {
                    j += 1;
                }
                let next = toks.get(j).filter(|t| t.kind == TokKind::Num).map(&text);
                if let Some(d) = next.and_then(day_num) {
                    let mut k = j + 1;
                    if is(k, TokKind::Punct, ",") {
                        k += 1;
                    }
                    day_with_year_at(k, t.start, m, d, &mut out);
                } else if let Some(y) = next.and_then(year_num) {
                    // Full month names only: "Mar 2023" is rare, "May 2023" is fine.
                    if MONTHS.contains(&text(t).to_lowercase().as_str()) {
                        let date = ymd(y, m, 1);
                        out.push(Found {
                            pos: t.start,
                            date,
                            precision: Precision::Month,
                            rule: "explicit month".into(),
                        });
                    }
                }
            }
            // in YYYY
            if (text(t).eq_ignore_ascii_case("in") || text(t).eq_ignore_ascii_case("during"))
                && !is(i + 2, TokKind::Punct, "-")
            {
                if let Some(y) = toks.get(i + 1).filter(|t| t.kind == TokKind::Num).and_then(|t| year_num(text(t))) {
                    let date = ymd(y, 1, 1);
                    out.push(Found { pos: t.start, date, precision: Precision::Year, rule: "explicit year".into() });
                }
            }
        }
    }
    out
}

/// Numeric day-first dates `30-11-2024`, `30.11.2024`, `30/11/2024` (dateline only).
fn numeric_dates(s: &str, toks: &[Tok]) -> Vec<(usize, Date)> {
    let text = |t: &Tok| &s[t.start..t.end];
    let mut out = Vec::new();
    for w in toks.windows(5) {
        let adjacent = w.windows(2).all(|p| p[0].end == p[1].start);
        let sep = text(&w[1]);
        if !adjacent || !["-", ".", "/"].contains(&sep) || text(&w[3]) != sep {
            continue;
        }
        let small = |t: &Tok| {
            let x = text(t);
            (t.kind == TokKind::Num && x.len() <= 2 && x.bytes().all(|b| b.is_ascii_digit()))
                .then(|| x.parse::<u32>().ok())
                .flatten()
        };
        if let (Some(a), Some(b), Some(y)) = (small(&w[0]), small(&w[2]), year_num(text(&w[4]))) {
            if let Some(d) = ymd(y, b, a).or_else(|| ymd(y, a, b)) {
                out.push((w[0].start, d));
            }
        }
    }
    out
}

/// The first full date (with day, month and year) in `s`.
fn find_full_date(s: &str, numeric: bool) -> Option<Date> {
    let toks = tokens(s);
    let mut found: Vec<(usize, Date)> = explicit_dates(s, &toks, None)
        .into_iter()
        .filter(|f| f.precision == Precision::Day)
        .filter_map(|f| Some((f.pos, f.date?)))
        .collect();
    if numeric {
        found.extend(numeric_dates(s, &toks));
    }
    found.into_iter().min_by_key(|(pos, _)| *pos).map(|(_, d)| d)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Marker {
    Future,
    Past,
}

#[rustfmt::skip]
const FUTURE_PHRASES: &[&[&str]] = &[
    &["is", "due", "to"], &["are", "due", "to"], &["was", "due", "to"], &["were", "due", "to"],
    &["set", "to"], &["plans", "to"], &["plan", "to"], &["planned", "to"], &["planning", "to"],
    &["intends", "to"], &["intend", "to"], &["expected", "to"], &["scheduled", "to"], &["scheduled", "for"],
    &["going", "to"], &["be", "held"], &["threatened", "to"], &["threatens", "to"], &["threatening", "to"],
    &["vowed", "to"], &["vows", "to"], &["is", "to"], &["are", "to"], &["aims", "to"], &["hopes", "to"],
];
/// Future and conditional forms: what "could hit on Thursday" or "would
/// leave on Monday" dates is the coming Thursday or Monday.
#[rustfmt::skip]
const FUTURE_WORDS: &[&str] = &["will", "shall", "won't", "could", "would", "might", "may", "wouldn't", "couldn't"];
#[rustfmt::skip]
const PAST_WORDS: &[&str] = &[
    "said", "told", "was", "were", "had", "has", "have", "did", "went", "came", "took", "fled", "fell", "fought",
    "met", "held", "began", "left", "struck", "shot", "gave", "made", "saw", "spoke", "broke", "overran", "retook",
    "won", "lost", "sent", "led", "stood", "ran", "brought", "caught", "flew", "got", "kept", "sought", "thought",
    "wrote", "rose", "chose", "ago", "earlier",
];
/// Words in -ed that are not (usually) past-tense verbs here.
#[rustfmt::skip]
const NOT_PAST: &[&str] = &[
    "indeed", "need", "speed", "proceed", "exceed", "succeed", "hundred", "kindred", "sacred", "naked", "wicked",
    "armed", "based", "related", "limited", "unnamed", "so-called", "alleged", "united", "expected", "scheduled",
    "planned", "proposed", "intended", "supposed", "embed", "breed", "greed", "shed", "feed", "seed", "bleed",
];

fn tense_markers(s: &str, toks: &[Tok]) -> Vec<(usize, usize, Marker)> {
    let word = |j: usize| -> Option<String> {
        toks.get(j).filter(|t| t.kind == TokKind::Word).map(|t| s[t.start..t.end].to_lowercase().replace('’', "'"))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Some(w) = word(i) else {
            i += 1;
            continue;
        };
        if let Some(p) =
            FUTURE_PHRASES.iter().find(|p| p.iter().enumerate().all(|(k, x)| word(i + k).as_deref() == Some(*x)))
        {
            out.push((i, i + p.len() - 1, Marker::Future));
            i += p.len();
            continue;
        }
        let raw_lower = s[toks[i].start..toks[i].end].starts_with(char::is_lowercase);
        if (FUTURE_WORDS.contains(&w.as_str()) && (w != "may" || raw_lower)) || w.ends_with("'ll") {
            out.push((i, i, Marker::Future));
        } else if PAST_WORDS.contains(&w.as_str())
            || (w.len() >= 5 && w.ends_with("ed") && !NOT_PAST.contains(&w.as_str()))
        {
            let raw = &s[toks[i].start..toks[i].end];
            if raw.starts_with(|c: char| c.is_lowercase()) || PAST_WORDS.contains(&w.as_str()) {
                out.push((i, i, Marker::Past));
            }
        }
        i += 1;
    }
    out
}

fn clause_breaks(s: &str, toks: &[Tok]) -> usize {
    toks.iter()
        .filter(|t| {
            t.kind == TokKind::Punct && matches!(&s[t.start..t.end], "," | ";" | ":" | "(" | ")" | "—" | "–" | "-")
        })
        .count()
}

/// True when the expression at token `at` reads as future (see the module documentation).
pub(crate) fn is_future_at(s: &str, toks: &[Tok], at: usize) -> bool {
    const BREAK: usize = 5;
    tense_markers(s, toks)
        .into_iter()
        .map(|(a, b, m)| {
            if b < at {
                ((at - b) + BREAK * clause_breaks(s, &toks[b + 1..at]), 0, m)
            } else {
                ((a - at) + BREAK * clause_breaks(s, &toks[at + 1..a]), 1, m)
            }
        })
        .min_by_key(|(d, after, _)| (*d, *after))
        .is_some_and(|(_, _, m)| m == Marker::Future)
}

/// Relative date expressions in `s`, resolved against `r`.
fn relative_dates(s: &str, toks: &[Tok], r: Reference) -> Vec<Found> {
    let suffix = if r.from_text { ", from dateline date" } else { "" };
    let word = |j: usize| -> Option<String> {
        toks.get(j).filter(|t| t.kind == TokKind::Word).map(|t| s[t.start..t.end].to_lowercase())
    };
    let p = r.date;
    let mut out = Vec::new();
    let mut push = |pos: usize, date: Option<Date>, precision: Precision, rule: String| {
        out.push(Found { pos, date, precision, rule: format!("{rule}{suffix}") });
    };
    let mut i = 0;
    while i < toks.len() {
        let pos = toks[i].start;
        let Some(w) = word(i) else {
            i += 1;
            continue;
        };
        let next = word(i + 1);
        let next = next.as_deref();
        match (w.as_str(), next) {
            ("day", Some("before")) if word(i + 2).as_deref() == Some("yesterday") => {
                push(pos, add_days(p, -2), Precision::Day, "day before yesterday".into());
                i += 3;
                continue;
            }
            ("yesterday", _) => push(pos, add_days(p, -1), Precision::Day, "yesterday".into()),
            ("last", Some("night")) => push(pos, add_days(p, -1), Precision::Day, "last night".into()),
            ("today" | "tonight", _) => push(pos, Some(p), Precision::Day, "today".into()),
            ("this", Some("morning" | "afternoon" | "evening")) => push(pos, Some(p), Precision::Day, "today".into()),
            ("tomorrow", _) => push(pos, add_days(p, 1), Precision::Day, "tomorrow".into()),
            ("last" | "this" | "next", Some(unit @ ("week" | "month" | "year"))) => {
                let k: i32 = match w.as_str() {
                    "last" => -1,
                    "this" => 0,
                    _ => 1,
                };
                let (date, precision) = match unit {
                    "week" => (monday(p).and_then(|m| add_days(m, 7 * k as i64)), Precision::Week),
                    "month" => (first_of_month_offset(p, k), Precision::Month),
                    _ => (ymd(p.year() + k, 1, 1), Precision::Year),
                };
                push(pos, date, precision, format!("{w} {unit}"));
                i += 2;
                continue;
            }
            _ => {}
        }
        // Weekdays, capitalised as in prose.
        let raw = &s[toks[i].start..toks[i].end];
        let raw = raw.strip_suffix("’s").or_else(|| raw.strip_suffix("'s")).unwrap_or(raw);
        if let Some(wd) = WEEKDAYS.iter().position(|d| *d == raw) {
            let name = WEEKDAYS[wd];
            let pw = p.weekday().num_days_from_monday() as i64;
            let wd = wd as i64;
            let prev = i.checked_sub(1).and_then(word);
            let (date, rule) = match prev.as_deref() {
                Some("last") => {
                    let back = (pw - wd + 6).rem_euclid(7) + 1;
                    (add_days(p, -back), format!("weekday {name} before publication (last)"))
                }
                Some("next") => {
                    let ahead = (wd - pw + 6).rem_euclid(7) + 1;
                    (add_days(p, ahead), format!("weekday {name} after publication (next)"))
                }
                _ if is_future_at(s, toks, i) => {
                    let ahead = (wd - pw).rem_euclid(7);
                    if ahead == 0 {
                        (Some(p), format!("weekday {name}, publication day (future tense)"))
                    } else {
                        (add_days(p, ahead), format!("weekday {name} after publication (future tense)"))
                    }
                }
                _ => {
                    let back = (pw - wd).rem_euclid(7);
                    if back == 0 {
                        (Some(p), format!("weekday {name}, publication day"))
                    } else {
                        (add_days(p, -back), format!("weekday {name} before publication"))
                    }
                }
            };
            let pos = prev.filter(|w| w == "last" || w == "next").map_or(pos, |_| toks[i - 1].start);
            push(pos, date, Precision::Day, rule);
        }
        i += 1;
    }
    out
}

/// The date of what `sentence` reports (see the module documentation).
pub fn event_date(sentence: &str, reference: Option<Reference>) -> EventDate {
    let toks = tokens(sentence);
    let explicit = explicit_dates(sentence, &toks, reference);
    let first =
        |precision: Precision| explicit.iter().filter(|f| f.precision == precision).min_by_key(|f| f.pos).cloned();
    let relative = || reference.and_then(|r| relative_dates(sentence, &toks, r).into_iter().min_by_key(|f| f.pos));
    let found =
        first(Precision::Day).or_else(relative).or_else(|| first(Precision::Month)).or_else(|| first(Precision::Year));
    if let Some(f) = found {
        return match f.date {
            Some(date) => EventDate { date: Some(date), precision: Some(f.precision), rule: f.rule },
            None => EventDate { date: None, precision: None, rule: format!("{}: {OUT_OF_RANGE}", f.rule) },
        };
    }
    match reference {
        Some(r) => EventDate {
            date: Some(r.date),
            precision: Some(Precision::Day),
            rule: if r.from_text { "dateline date" } else { "publication date" }.into(),
        },
        None => EventDate { date: None, precision: None, rule: "no date".into() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        ymd(y, m, day).unwrap()
    }

    fn pub_ref(y: i32, m: u32, day: u32) -> Option<Reference> {
        Some(Reference { date: d(y, m, day), from_text: false })
    }

    fn on(sentence: &str) -> (String, &'static str, String) {
        let e = event_date(sentence, pub_ref(2024, 11, 30));
        (e.date.map(|d| d.to_string()).unwrap_or_default(), e.precision.map_or("", Precision::as_str), e.rule)
    }

    #[test]
    fn calendar_arithmetic() {
        assert_eq!(add_days(d(2024, 3, 1), -1), Some(d(2024, 2, 29)));
        assert_eq!(add_days(d(2024, 12, 31), 1), Some(d(2025, 1, 1)));
        assert!(ymd(2023, 2, 29).is_none());
        assert_eq!(first_of_month_offset(d(2024, 1, 15), -1), Some(d(2023, 12, 1)));
        assert_eq!(monday(d(2024, 11, 30)), Some(d(2024, 11, 25)));
        // The range is 0001..9999 at every step.
        assert!(ymd(0, 1, 1).is_none() && ymd(10000, 1, 1).is_none());
        assert_eq!(add_days(d(1, 1, 1), -1), None);
        assert_eq!(add_days(d(9999, 12, 31), 1), None);
        assert_eq!(first_of_month_offset(d(9999, 12, 5), 1), None);
    }

    #[test]
    fn published_at_forms() {
        let p = parse_published_at("2024-11-30T10:00:00+03:00").unwrap();
        assert_eq!(p.utc, "2024-11-30T07:00:00Z");
        assert_eq!(p.local_date, d(2024, 11, 30));
        let p = parse_published_at("2024-11-30T01:30:00.250+0300").unwrap();
        assert_eq!(p.utc, "2024-11-29T22:30:00Z");
        assert_eq!(p.local_date, d(2024, 11, 30), "relative dates use the date as written");
        assert_eq!(parse_published_at("2024-11-30T10:00:00Z").unwrap().utc, "2024-11-30T10:00:00Z");
        assert_eq!(parse_published_at("2024-11-30 23:00-05:00").unwrap().utc, "2024-12-01T04:00:00Z");
        assert_eq!(parse_published_at("2024-11-30").unwrap().utc, "2024-11-30");
        assert_eq!(parse_published_at("Sat, 30 Nov 2024 10:00:00 +0200").unwrap().utc, "2024-11-30T08:00:00Z");
        assert_eq!(parse_published_at("November 30, 2024").unwrap().utc, "2024-11-30");
        assert_eq!(parse_published_at("2024-13-30"), Err(PublishedProblem::Unparsable));
        assert_eq!(parse_published_at("yesterday"), Err(PublishedProblem::Unparsable));
        assert!(parse_published_at("2024-11-30T25:00:00Z").is_err());
        // RFC 2822 with the named zones it allows, normalised to UTC.
        let p = parse_published_at("Sat, 30 Nov 2024 22:30:00 EST").unwrap();
        assert_eq!(p.utc, "2024-12-01T03:30:00Z");
        assert_eq!(p.local_date, d(2024, 11, 30), "relative dates count from the writer's day");
        assert_eq!(parse_published_at("Sun, 01 Dec 2024 08:00:00 EDT").unwrap().utc, "2024-12-01T12:00:00Z");
        assert_eq!(parse_published_at("Sat, 30 Nov 2024 10:00:00 GMT").unwrap().utc, "2024-11-30T10:00:00Z");
        assert_eq!(parse_published_at("30 Nov 2024 10:00 UT").unwrap().utc, "2024-11-30T10:00:00Z");
        assert_eq!(parse_published_at("2024-11-30T10:00:00+03").unwrap().utc, "2024-11-30T07:00:00Z");
        assert_eq!(parse_published_at("2024-11-30T10:00").unwrap().utc, "2024-11-30T10:00:00Z");
        assert_eq!(parse_published_at("2024-11-30 10:00:00 UTC").unwrap().utc, "2024-11-30T10:00:00Z");
        // Out of range: year 0, and a UTC conversion past 9999.
        assert_eq!(parse_published_at("0000-01-01"), Err(PublishedProblem::OutOfRange));
        assert_eq!(parse_published_at("0000-06-01T10:00:00Z"), Err(PublishedProblem::OutOfRange));
        assert_eq!(parse_published_at("9999-12-31T23:00:00-05:00"), Err(PublishedProblem::OutOfRange));
    }

    #[test]
    fn publication_falls_back_to_the_dateline() {
        let text = "Syria’s security, Sudani tells Assad\n\n30-11-2024\nRudaw\n\nERBIL - ...";
        let p = publication(None, text);
        assert_eq!(p.utc, None);
        assert_eq!(p.reference, Some(Reference { date: d(2024, 11, 30), from_text: true }));
        // Month first only when day first is impossible.
        assert_eq!(publication(None, "Posted 11/30/2024").reference.unwrap().date, d(2024, 11, 30));
        assert_eq!(publication(None, "Posted 03.04.2024").reference.unwrap().date, d(2024, 4, 3));
        assert_eq!(publication(None, "BEIRUT, November 30, 2024 (AP)").reference.unwrap().date, d(2024, 11, 30));
        // published_at wins over the text; an unparsable one does not.
        assert_eq!(publication(Some("2024-12-02"), text).reference.unwrap().date, d(2024, 12, 2));
        assert_eq!(publication(Some("soon"), text).reference.unwrap().date, d(2024, 11, 30));
        // Beyond 300 characters: nothing.
        let late = format!("{}30 November 2024", "x ".repeat(200));
        assert_eq!(publication(None, &late), Publication { utc: None, reference: None, problem: None });
    }

    #[test]
    fn explicit_dates_first() {
        assert_eq!(
            on("Rebels entered Aleppo on 29 November 2024."),
            ("2024-11-29".into(), "day", "explicit date".into())
        );
        assert_eq!(on("On November 29, 2024, rebels entered Aleppo.").0, "2024-11-29");
        assert_eq!(on("It opened on the 3rd of March, 2023 in Hama.").0, "2023-03-03");
        assert_eq!(on("Filed 2024-11-28 in Hama.").0, "2024-11-28");
        // Ambiguous numeric forms are ignored in sentences.
        assert_eq!(on("Filed 28/11/2024 in Hama.").2, "publication date");
        // Year from the reference: the nearest.
        assert_eq!(on("Clashes began November 27 near Aleppo.").0, "2024-11-27");
        assert_eq!(on("Clashes began November 27 near Aleppo.").2, "explicit date, year from publication date");
        let jan = event_date("Talks ended on December 30 in Ankara.", pub_ref(2025, 1, 2));
        assert_eq!(jan.date, Some(d(2024, 12, 30)));
        // An explicit day wins over a weekday.
        assert_eq!(on("The airport last saw flights on 12 March 2023, officials said on Friday.").0, "2023-03-12");
        // Month and year precision.
        assert_eq!(on("Hama was shelled in March 2023."), ("2023-03-01".into(), "month", "explicit month".into()));
        assert_eq!(on("Hama was shelled in 2016."), ("2016-01-01".into(), "year", "explicit year".into()));
        // A relative date outranks a background month.
        assert_eq!(on("Rebels, who lost Aleppo in December 2016, entered it on Friday.").0, "2024-11-29");
        // "May" the modal is not a month without a number.
        assert_eq!(on("Troops may leave Hama.").2, "publication date");
    }

    #[test]
    fn relative_dates() {
        assert_eq!(on("Yesterday rebels entered Hama."), ("2024-11-29".into(), "day", "yesterday".into()));
        assert_eq!(on("Rebels entered Hama today.").0, "2024-11-30");
        assert_eq!(on("Rebels entered Hama the day before yesterday.").0, "2024-11-28");
        assert_eq!(on("He will fly to Ankara tomorrow.").0, "2024-12-01");
        // Week precision: the Monday of the week before.
        assert_eq!(on("Thousands fled Idlib last week."), ("2024-11-18".into(), "week", "last week".into()));
        assert_eq!(on("Thousands fled Idlib earlier this week.").0, "2024-11-25");
        assert_eq!(on("Talks resume next month."), ("2024-12-01".into(), "month", "next month".into()));
        assert_eq!(on("Turnout fell last year."), ("2023-01-01".into(), "year", "last year".into()));
    }

    #[test]
    fn weekdays_by_tense() {
        // Publication: Saturday 30 November 2024.
        assert_eq!(
            on("Rebels entered Aleppo on Friday afternoon."),
            ("2024-11-29".into(), "day", "weekday Friday before publication".into())
        );
        assert_eq!(on("Iraq on Saturday sealed its border.").2, "weekday Saturday, publication day");
        assert_eq!(on("Iraq on Saturday sealed its border.").0, "2024-11-30");
        assert_eq!(
            on("Araghchi is set to visit Damascus on Sunday and then will go to Ankara."),
            ("2024-12-01".into(), "day", "weekday Sunday after publication (future tense)".into())
        );
        // Future on the publication weekday: that same day.
        assert_eq!(on("The minister will arrive on Saturday.").0, "2024-11-30");
        // Past on Sunday (announced): the Sunday before.
        assert_eq!(on("The ministry announced on Sunday that talks ended.").0, "2024-11-24");
        // The nearest marker decides.
        assert_eq!(on("The leader, in a video message on Friday, said they will not stop.").0, "2024-11-29");
        assert_eq!(on("The minister will travel to Ankara on Monday, officials said.").0, "2024-12-02");
        assert_eq!(on("On Monday, the minister will travel to Ankara.").0, "2024-12-02");
        assert_eq!(on("They said on Tuesday they will advance.").0, "2024-11-26");
        assert_eq!(on("Talks are due to be held on Wednesday.").0, "2024-12-04");
        // last / next.
        assert_eq!(on("He visited last Saturday.").0, "2024-11-23");
        assert_eq!(on("He visits next Saturday.").0, "2024-12-07");
    }

    #[test]
    fn out_of_range_is_null_with_a_reason() {
        // Year 0 never enters: published_at 0000-01-01 gives no reference.
        let p = publication(Some("0000-01-01"), "Rebels entered Hama on Friday.");
        assert_eq!((p.utc, p.reference, p.problem), (None, None, Some(PublishedProblem::OutOfRange)));
        // Arithmetic that leaves the range: null with the rule and the reason.
        let e = event_date("Rebels entered Hama on Friday.", Some(Reference { date: d(1, 1, 1), from_text: false }));
        assert_eq!(e.date, None);
        assert!(e.rule.starts_with("weekday Friday before publication: out of range"), "{}", e.rule);
        let e = event_date("Talks resume next year.", Some(Reference { date: d(9999, 3, 1), from_text: false }));
        assert_eq!((e.date, e.precision), (None, None));
        assert!(e.rule.contains("out of range"));
    }

    #[test]
    fn future_and_conditional_forms_date_forward() {
        // Publication: Saturday 30 November 2024.
        assert_eq!(on("Storms could hit the coast on Thursday.").0, "2024-12-05");
        assert_eq!(on("The strike would close the port on Monday.").0, "2024-12-02");
        assert_eq!(on("Rebels threatened to attack Hama on Tuesday.").0, "2024-12-03");
        assert_eq!(on("Rebels attacked Hama on Tuesday.").0, "2024-11-26");
        // "May" the month is not the modal.
        assert_eq!(on("Protests may spread on Tuesday.").0, "2024-12-03");
        assert_eq!(on("Protests began in May and spread on Tuesday.").0, "2024-11-26");
    }

    #[test]
    fn dateline_reference_and_no_date() {
        let r = Some(Reference { date: d(2024, 11, 30), from_text: true });
        let e = event_date("Rebels entered Hama yesterday.", r);
        assert_eq!((e.date, e.rule.as_str()), (Some(d(2024, 11, 29)), "yesterday, from dateline date"));
        assert_eq!(event_date("Rebels entered Hama.", r).rule, "dateline date");
        let none = event_date("Rebels entered Hama on Friday.", None);
        assert_eq!(none, EventDate { date: None, precision: None, rule: "no date".into() });
        // An explicit date needs no reference; a year-less one does.
        assert_eq!(event_date("On 29 November 2024 rebels entered Hama.", None).date, Some(d(2024, 11, 29)));
        assert_eq!(event_date("On 29 November rebels entered Hama.", None).rule, "no date");
    }
}
