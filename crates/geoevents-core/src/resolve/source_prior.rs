//! Context across documents: a publisher writes about the same places again
//! and again. The documents of one source (a JSONL `source`, the host of a
//! document's `url`) build a local prior of the first-level regions and
//! countries it writes about, so "Paris" in a Lamar County paper, whose
//! other articles are all about north-east Texas, is Paris, Texas.
//!
//! No outside data: the prior is learned in the same pass from the source's
//! earlier documents (in input order, so the result does not depend on how
//! documents are batched or which thread runs them), and it only adds to
//! candidates where the document's own evidence leaves room: a document
//! that names France still means Paris, France.

use super::toponym::Toponym;
use super::MentionType;
use crate::gazetteer::{Kind, Place};
use rustc_hash::FxHashMap as HashMap;

/// Documents of a source needed before its prior counts.
pub const MIN_DOCUMENTS: u32 = 2;
/// A region must appear in at least this share of the source's documents.
pub const MIN_SHARE: f64 = 0.3;
/// Added to a candidate in a region the source writes about, times the share
/// of its documents that name the region (a country counts a third as much).
pub const SOURCE_BONUS: f64 = 0.35;

/// What one source's documents have written about so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourcePrior {
    /// Documents learned from.
    pub documents: u32,
    /// First-level region key (`US.TX`) -> documents that name a place in it.
    pub admin1: HashMap<String, u32>,
    /// ISO 3166-1 alpha-2 -> documents that name a place in it.
    pub countries: HashMap<String, u32>,
}

impl SourcePrior {
    /// Learns from one document's resolved toponyms: each region and country
    /// counts once per document, whatever the number of its mentions.
    pub fn learn(&mut self, toponyms: &[Toponym]) {
        self.documents += 1;
        let mut regions: Vec<&str> = Vec::new();
        let mut countries: Vec<&str> = Vec::new();
        for t in toponyms {
            if !matches!(t.mention_type, MentionType::Place | MentionType::Metonym) {
                continue;
            }
            let Some(p) = &t.place else { continue };
            if let Some(a) = p.admin1_code.as_deref().filter(|_| p.kind != Kind::Country) {
                regions.push(a);
            }
            if let Some(c) = p.country_code.as_deref() {
                countries.push(c);
            }
        }
        regions.sort_unstable();
        regions.dedup();
        countries.sort_unstable();
        countries.dedup();
        for r in regions {
            *self.admin1.entry(r.to_string()).or_default() += 1;
        }
        for c in countries {
            *self.countries.entry(c.to_string()).or_default() += 1;
        }
    }

    fn share(&self, count: Option<&u32>) -> f64 {
        if self.documents < MIN_DOCUMENTS {
            return 0.0;
        }
        let share = f64::from(count.copied().unwrap_or(0)) / f64::from(self.documents);
        if share >= MIN_SHARE {
            share
        } else {
            0.0
        }
    }

    /// The bonus for a candidate place, and why; None when the source says nothing about it.
    pub fn bonus(&self, p: &Place<'_>) -> Option<(f64, String)> {
        if matches!(p.kind, Kind::Country | Kind::Continent | Kind::Region) {
            return None;
        }
        let region = self.share(self.admin1.get(p.admin1_code));
        if region > 0.0 && !p.admin1_code.is_empty() {
            return Some((
                SOURCE_BONUS * region,
                format!(
                    "the source writes about {} ({} of its {} earlier documents)",
                    if p.admin1_name.is_empty() { p.admin1_code } else { p.admin1_name },
                    self.admin1.get(p.admin1_code).copied().unwrap_or(0),
                    self.documents
                ),
            ));
        }
        let country = self.share(self.countries.get(p.country_code));
        (country > 0.0 && !p.country_code.is_empty()).then(|| {
            (
                SOURCE_BONUS / 3.0 * country,
                format!(
                    "the source writes about {} ({} of its {} earlier documents)",
                    p.country_code,
                    self.countries.get(p.country_code).copied().unwrap_or(0),
                    self.documents
                ),
            )
        })
    }
}

/// The priors of every source seen so far.
#[derive(Debug, Default)]
pub struct SourcePriors {
    by_source: HashMap<String, SourcePrior>,
}

impl SourcePriors {
    /// The prior of `source` as it stands (from its documents learned so far).
    pub fn get(&self, source: &str) -> Option<&SourcePrior> {
        self.by_source.get(source).filter(|p| p.documents >= MIN_DOCUMENTS)
    }

    /// Adds a document of `source` to its prior.
    pub fn learn(&mut self, source: &str, toponyms: &[Toponym]) {
        self.by_source.entry(source.to_string()).or_default().learn(toponyms);
    }

    /// Sources seen.
    pub fn len(&self) -> usize {
        self.by_source.len()
    }

    /// True when no source has been seen.
    pub fn is_empty(&self) -> bool {
        self.by_source.is_empty()
    }
}

/// The source of a document for the prior: its `source` field, else the
/// host of its `url` (without a leading `www.`), else none.
pub fn source_key(source: Option<&str>, url: Option<&str>) -> Option<String> {
    if let Some(s) = source.map(str::trim).filter(|s| !s.is_empty()) {
        return Some(s.to_string());
    }
    let url = url?;
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.trim_start_matches("www.").to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::PlaceRef;

    fn toponym(kind: Kind, cc: &str, admin1: &str) -> Toponym {
        Toponym {
            start: 0,
            end: 1,
            byte_start: 0,
            byte_end: 1,
            name: "x".into(),
            place: Some(PlaceRef {
                id: "t:1".into(),
                name: "x".into(),
                kind,
                feature_code: String::new(),
                country_code: Some(cc.into()),
                admin1_code: Some(admin1.into()),
                admin1: Some("Texas".into()),
                lat: 0.0,
                lon: 0.0,
            }),
            mention_type: MentionType::Place,
            confidence: 0.5,
            reasons: Vec::new(),
        }
    }

    #[test]
    fn regions_count_once_per_document_and_need_two_documents() {
        let mut prior = SourcePrior::default();
        prior.learn(&[toponym(Kind::City, "US", "US.TX"), toponym(Kind::City, "US", "US.TX")]);
        assert_eq!(prior.admin1.get("US.TX"), Some(&1));
        assert_eq!(prior.share(prior.admin1.get("US.TX")), 0.0, "one document is no prior");
        prior.learn(&[toponym(Kind::City, "US", "US.OK")]);
        assert_eq!(prior.share(prior.admin1.get("US.TX")), 0.5);
        prior.learn(&[toponym(Kind::Admin2, "US", "US.OK")]);
        prior.learn(&[toponym(Kind::City, "FR", "FR.11")]);
        assert_eq!(prior.share(prior.admin1.get("FR.11")), 0.0, "one in four is under the minimum share");
    }

    #[test]
    fn source_is_the_field_or_the_host() {
        assert_eq!(source_key(Some("The Paris News"), Some("https://x.org/a")).as_deref(), Some("The Paris News"));
        assert_eq!(
            source_key(None, Some("https://www.ParisNews.com:443/story?id=1")).as_deref(),
            Some("parisnews.com")
        );
        assert_eq!(source_key(Some("  "), None), None);
    }
}
