//! Whole-document answers: which countries and places an article is about.

use super::context::MentionType;
use super::toponym::Toponym;
use crate::gazetteer::Kind;
use serde::Serialize;
use std::collections::HashMap;

/// A country or place a document is about, with how often it is mentioned.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FocusItem {
    /// ISO 3166-1 alpha-2 for countries, the gazetteer id for places.
    pub id: String,
    /// The gazetteer's name; for a country only mentioned through places inside it, its ISO code.
    pub name: String,
    /// Mentions that point at it (for a country: every mention inside it).
    pub mentions: u32,
    /// Its share of all resolved mentions, 0..1.
    pub share: f64,
}

/// What a document is about: its most mentioned countries and places.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Focus {
    /// At most three countries, most mentioned first.
    pub countries: Vec<FocusItem>,
    /// At most three places below country level, most mentioned first.
    pub places: Vec<FocusItem>,
}

fn top(counts: HashMap<String, (String, u32)>, total: u32) -> Vec<FocusItem> {
    let mut items: Vec<FocusItem> = counts
        .into_iter()
        .map(|(id, (name, n))| FocusItem {
            id,
            name,
            mentions: n,
            share: (f64::from(n) / f64::from(total.max(1)) * 1000.0).round() / 1000.0,
        })
        .collect();
    items.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.id.cmp(&b.id)));
    items.truncate(3);
    items
}

/// The focus of a document from its resolved toponyms.
pub fn document_focus(toponyms: &[Toponym]) -> Focus {
    let mut countries: HashMap<String, (String, u32)> = HashMap::new();
    let mut places: HashMap<String, (String, u32)> = HashMap::new();
    let mut total = 0;
    for t in toponyms {
        let Some(p) = &t.place else { continue };
        total += 1;
        if let Some(cc) = &p.country_code {
            let e = countries.entry(cc.clone()).or_insert_with(|| (String::new(), 0));
            e.1 += 1;
            if p.kind == Kind::Country || e.0.is_empty() {
                e.0 = if p.kind == Kind::Country { p.name.clone() } else { cc.clone() };
            }
        }
        if !matches!(p.kind, Kind::Country | Kind::Continent | Kind::Region) && t.mention_type != MentionType::Demonym {
            places.entry(p.id.clone()).or_insert_with(|| (p.name.clone(), 0)).1 += 1;
        }
    }
    Focus { countries: top(countries, total), places: top(places, total) }
}
