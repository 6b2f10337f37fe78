//! Events: what a document reports happening, where, when, who did it to
//! whom, how many died, and how certain it is.
//!
//! One event per reported action, at the place where it happened:
//! 1. Sentences ([`crate::text::sentences`]) are cut into clauses at `;`, ",
//!    and", ", but", ", while", ", whose", " and they", " and then" (two
//!    actions: "have taken Aleppo and they are advancing towards Hama").
//! 2. A clause's trigger cues ([`cues`]) give its kind in ACLED's ontology
//!    and our five news classes ([`ontology`]); a clause with no cue reports
//!    no event.
//! 3. Every place mention gets a relation to its clause ([`roles`]):
//!    location, agent, origin, topic, source, organisation, container (a
//!    wider area named with a location: "Aleppo, Syria"), goal, other. The
//!    learned location model ([`model`]) scores every resolved mention of the
//!    clause from those relations, the rules' own choice, the words around
//!    it, its kind, the trigger, class and modality; the likeliest mention at
//!    or above its threshold is the place, and places listed with it ("in X
//!    and Y") give one event each (ACLED codes one event per place). The
//!    other places are kept in `mentioned_places` with their relation.
//! 4. A clause with no location: a country acting on its own territory
//!    ("Iraq sealed its border": strategic developments) is the location at
//!    country precision; a clause that names no place at all continues the
//!    event before it when it has the same class or only reports an outcome
//!    ("Three civilians were wounded"), else takes the dateline ("PORT SUDAN
//!    —") when the document has one and no earlier event, else has no
//!    coordinates (`geo_precision: "none"`, kept in the JSONL, not drawn).
//! 5. Within a document, a second event of the same class at the same place
//!    on the same date is the same action: folded into the first. ACLED's
//!    coding of deaths ("4 fatalities.") sets the event before it.
//! 6. Date ([`dates`], per clause, else per sentence), modality
//!    ([`modality`]), fatalities ([`fatalities`]), actors ([`actors`]).
//!
//! Drawn on the map by default: events with coordinates and modality
//! `reported` ([`Event::is_drawn`]); `extract --draw` and the `run`
//! configuration (`draw = [...]`) can draw the others.
//!
//! Offsets: `char_start`/`char_end` and `sentence_char_*` are Unicode code
//! point offsets into `Document::text`, end exclusive, as in [`Toponym`].

pub mod actors;
pub mod cues;
pub mod dates;
pub mod fatalities;
pub mod id;
pub mod merge;
pub mod modality;
pub mod model;
pub mod ontology;
pub mod roles;

use crate::gazetteer::{Kind, PlaceRef};
use crate::ingest::Document;
use crate::resolve::{MentionType, Toponym};
use crate::text::offsets::CharCounter;
use crate::text::sentences::{self, tokens};
pub use modality::Modality;
pub use ontology::{AcledEventType, AcledSubEventType, EventClass, EventKind};
pub use roles::Relation;
use serde::{Deserialize, Serialize};

/// What an event's point stands for, from the kind of its place: written in
/// lower case (`city`); `none` when the event has no coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeoPrecision {
    /// A continent (gazetteer kind `continent`).
    Continent,
    /// A country or dependent territory: the point stands for the whole country.
    Country,
    /// A named region that is not an administrative unit (gazetteer kind `region`).
    Region,
    /// A first-level subdivision (governorate, province, state).
    Admin1,
    /// A second-level subdivision (district, county).
    Admin2,
    /// A populated place, from city to village or neighbourhood.
    City,
    /// A natural feature: a sea, river, mountain range.
    Physical,
    /// Any other feature.
    Site,
    /// No coordinates: the action's place is not named or not resolved.
    None,
}

impl GeoPrecision {
    /// The precision of a point at a place of this gazetteer kind (`Kind::Other` gives [`GeoPrecision::Site`]); never
    /// [`GeoPrecision::None`].
    pub fn of(kind: Kind) -> GeoPrecision {
        match kind {
            Kind::Continent => GeoPrecision::Continent,
            Kind::Country => GeoPrecision::Country,
            Kind::Region => GeoPrecision::Region,
            Kind::Admin1 => GeoPrecision::Admin1,
            Kind::Admin2 => GeoPrecision::Admin2,
            Kind::City => GeoPrecision::City,
            Kind::Physical => GeoPrecision::Physical,
            Kind::Other => GeoPrecision::Site,
        }
    }

    /// The name as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            GeoPrecision::Continent => "continent",
            GeoPrecision::Country => "country",
            GeoPrecision::Region => "region",
            GeoPrecision::Admin1 => "admin1",
            GeoPrecision::Admin2 => "admin2",
            GeoPrecision::City => "city",
            GeoPrecision::Physical => "physical",
            GeoPrecision::Site => "site",
            GeoPrecision::None => "none",
        }
    }
}

/// A place the event's clause names that is not where it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentionedPlace {
    /// As written.
    pub name: String,
    /// The gazetteer id; null when unresolved.
    pub place_id: Option<String>,
    /// The place's part in the clause: agent, origin, topic, source, organisation, container, goal or other.
    pub relation: Relation,
    /// Code point offsets in the document text, end exclusive.
    pub char_start: usize,
    /// End of the mention, exclusive (code points).
    pub char_end: usize,
}

/// One event, as written to the JSONL and the event layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Deterministic: see [`id`].
    pub id: String,
    /// The id of the document the event comes from (`Document::id`).
    pub doc_id: String,
    /// `YYYY-MM-DD`; for week/month/year precision the first day of the
    /// period (weeks start on Monday). Null when there is no date at all.
    pub event_date: Option<String>,
    /// Null with `event_date`.
    pub date_precision: Option<dates::Precision>,
    /// How `event_date` was found: "explicit date", "yesterday",
    /// "weekday Friday before publication", "publication date", "no date", ...
    pub date_rule: String,
    /// The document's `published_at` in UTC (`2024-11-30T07:00:00Z`), or the
    /// bare date when it had no time; null when absent or unparsable.
    pub published_at: Option<String>,
    /// ACLED's six types or one of five news classes ([`EventClass`]).
    pub event_class: EventClass,
    /// ACLED's event type, spelled as ACLED; null for the news classes.
    pub acled_event_type: Option<AcledEventType>,
    /// ACLED's sub-event type, spelled as ACLED; null for the news classes.
    pub acled_sub_event_type: Option<AcledSubEventType>,
    /// The cue words that gave the type, lower case, in clause order.
    pub event_type_cues: Vec<String>,
    /// Whether the text says it happened (`reported`) or is planned, threatened, hypothetical or denied; only
    /// `reported` is drawn by default.
    pub modality: Modality,
    /// Deaths the text reports; 0 when it says none died, null when it says nothing.
    pub fatalities: Option<u32>,
    /// Who acted, as written; null when the clause names nobody before its trigger.
    pub actor1: Option<String>,
    /// On whom, as written.
    pub actor2: Option<String>,
    /// Allies named with actor1 ("led by", "backed by", "along with").
    pub assoc_actor: Vec<String>,
    /// Every actor the sentence names, in order.
    pub actors: Vec<String>,
    /// Where: the gazetteer place; null when the action's place is unknown.
    pub place: Option<PlaceRef>,
    /// The location mention as written; null without a location.
    pub mention_text: Option<String>,
    /// How the location was chosen: "locative" (the location model's choice
    /// among the clause's places), "agent country", "dateline", "none".
    pub location_rule: String,
    /// What the point stands for; `none` without coordinates.
    pub geo_precision: GeoPrecision,
    /// True when the point stands for an area (continent, country, region,
    /// admin1, admin2): the event happened somewhere in it, not at the point.
    pub is_centroid: bool,
    /// The probability that the place is right: the toponym's confidence
    /// times the location model's probability (times 0.8 for an
    /// agent-country or dateline location); 0 without a place.
    pub confidence: f64,
    /// Code point offsets of the location mention in the document text, end
    /// exclusive; null without one.
    pub char_start: Option<usize>,
    /// End of the location mention, exclusive (code points); null without one.
    pub char_end: Option<usize>,
    /// Code point offsets of the sentence in the document text, end exclusive.
    pub sentence_char_start: usize,
    /// End of the sentence, exclusive (code points).
    pub sentence_char_end: usize,
    /// The other places the clause names, with their relation to it.
    pub mentioned_places: Vec<MentionedPlace>,
    /// Set by cross-article merging ([`merge`]) when the event was merged
    /// with another article's: the id of the merged event (its own id when it
    /// is the representative); null otherwise.
    #[serde(default)]
    pub merged_into: Option<String>,
    /// The article's URL, from the document; null when unknown.
    pub source_url: Option<String>,
    /// Who published the article (feed or site name); null when unknown.
    pub source_name: Option<String>,
    /// The article's title; null when it has none.
    pub title: Option<String>,
    /// The sentence, whitespace collapsed, at most 280 characters (cut at a
    /// word boundary and ended with "…").
    pub snippet: String,
}

impl Event {
    /// Drawn on the map by default: it has coordinates and was reported as
    /// having happened.
    pub fn is_drawn(&self) -> bool {
        self.is_drawn_with(&[Modality::Reported])
    }

    /// Drawn when the map shows the given modalities.
    pub fn is_drawn_with(&self, modalities: &[Modality]) -> bool {
        self.place.is_some() && modalities.contains(&self.modality)
    }

    /// The event class with its ACLED sub-event type (`None` for the news classes), as one value.
    pub fn kind(&self) -> EventKind {
        EventKind { class: self.event_class, sub_event_type: self.acled_sub_event_type }
    }
}

/// The longest snippet, in characters.
pub const SNIPPET_MAX: usize = 280;

/// The sentence with whitespace collapsed, cut to [`SNIPPET_MAX`] characters.
pub fn snippet(sentence: &str) -> String {
    let collapsed = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= SNIPPET_MAX {
        return collapsed;
    }
    // Room for the ellipsis.
    let limit = collapsed.char_indices().nth(SNIPPET_MAX - 1).map_or(collapsed.len(), |(b, _)| b);
    let head = &collapsed[..limit];
    // Cut at the last space, unless the text is one giant word.
    let cut = if collapsed[limit..].starts_with(' ') { head } else { head.rfind(' ').map_or(head, |p| &head[..p]) };
    format!("{}…", cut.trim_end())
}

/// Clause boundaries inside a sentence (given lower-cased by
/// [`cues::lower_same_len`]): byte ranges.
fn clauses(lower: &str) -> Vec<(usize, usize)> {
    const SPLITS: &[&str] = &[
        "; ",
        ", and ",
        ", but ",
        ", while ",
        ", whose ",
        " and they ",
        " and then ",
        ", after which ",
        " but ",
        " and are ",
        " and is ",
        " and have ",
        " and has ",
        " and will ",
    ];
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for s in SPLITS {
        let mut from = 0;
        while let Some(p) = lower[from..].find(s) {
            let at = from + p;
            // Keep the conjunction's words with the second clause (", and" -> "and ...").
            let keep = usize::from(s.starts_with(',') || s.starts_with(';'));
            cuts.push((at, at + keep));
            from = at + s.len();
        }
    }
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for (at, next) in cuts {
        if at > start + 8 {
            out.push((start, at));
            start = next;
        }
    }
    out.push((start, lower.len()));
    out
}

/// The dateline place: a place mention at the very start of a line in the
/// first 300 characters, followed on that line by a dash or an agency in
/// parentheses ("ERBIL, Kurdistan Region -", "PORT SUDAN —", "BEIRUT (AFP)").
fn dateline<'t>(text: &str, toponyms: &[&'t Toponym]) -> Option<&'t Toponym> {
    let head_end = text.char_indices().nth(300).map_or(text.len(), |(b, _)| b);
    toponyms.iter().copied().find(|t| {
        if t.byte_start >= head_end || t.mention_type == MentionType::Embedded || t.mention_type == MentionType::Demonym
        {
            return false;
        }
        let line_start = text[..t.byte_start].rfind('\n').map_or(0, |p| p + 1);
        if !text[line_start..t.byte_start].trim().is_empty() {
            return false;
        }
        let rest = &text[t.byte_end..];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let window: String = line.chars().take(40).collect();
        window.contains(" -") || window.contains('—') || window.contains('–') || window.trim_start().starts_with('(')
    })
}

/// A location chosen for a clause.
struct Located<'t> {
    toponym: &'t Toponym,
    rule: &'static str,
    factor: f64,
}

/// True when `outer` is a wider area that contains `inner` (the gazetteer's
/// country and admin1 codes).
fn contains(outer: &PlaceRef, inner: &PlaceRef) -> bool {
    if outer.id == inner.id || !outer.is_area() {
        return false;
    }
    let same_country = outer.country_code.is_some() && outer.country_code == inner.country_code;
    match outer.kind {
        Kind::Country => same_country && inner.kind != Kind::Country,
        Kind::Admin1 | Kind::Region => {
            same_country
                && outer.admin1_code.is_some()
                && outer.admin1_code == inner.admin1_code
                && matches!(inner.kind, Kind::Admin2 | Kind::City | Kind::Other | Kind::Physical)
        }
        Kind::Admin2 => {
            same_country && outer.admin1_code == inner.admin1_code && matches!(inner.kind, Kind::City | Kind::Other)
        }
        _ => false,
    }
}

/// The event of a clause being built.
struct Draft<'t> {
    kind: EventKind,
    cues: Vec<String>,
    modality: Modality,
    fatalities: Option<u32>,
    date: dates::EventDate,
    location: Option<Located<'t>>,
    mentioned: Vec<(&'t Toponym, Relation)>,
    actor1: Option<String>,
    actor2: Option<String>,
    assoc: Vec<String>,
    actors: Vec<String>,
    sentence: (usize, usize),
    snippet: String,
}

/// Sub-event types that refine a protest when a later clause says more.
fn protest_rank(s: Option<AcledSubEventType>) -> u8 {
    match s {
        Some(AcledSubEventType::ExcessiveForceAgainstProtesters) => 3,
        Some(AcledSubEventType::ProtestWithIntervention) => 2,
        Some(AcledSubEventType::PeacefulProtest) => 1,
        _ => 0,
    }
}

/// Folds a continuing clause into the draft before it.
fn continue_draft(prev: &mut Draft<'_>, kind: EventKind, fatalities: Option<u32>) {
    if prev.fatalities.is_none() || prev.fatalities == Some(0) {
        prev.fatalities = match (prev.fatalities, fatalities) {
            (_, Some(n)) if n > 0 => Some(n),
            (p, f) => p.or(f),
        };
    }
    if kind.class == prev.kind.class && protest_rank(kind.sub_event_type) > protest_rank(prev.kind.sub_event_type) {
        prev.kind = kind;
    }
}

/// Who acted, on whom, and with whom, from the actors around the trigger.
/// `lower` is the clause lower-cased by [`cues::lower_same_len`].
fn roles_of_actors(
    lower: &str,
    spans: &[(usize, String)],
    trigger: usize,
) -> (Option<String>, Option<String>, Vec<String>) {
    let preceded_by = |at: usize, words: &[&str]| {
        let head = lower[..at].trim_end();
        words.iter().any(|w| head.ends_with(w))
    };
    let assoc: Vec<String> = spans
        .iter()
        .filter(|(at, _)| {
            preceded_by(
                *at,
                &[
                    "led by",
                    "backed by",
                    "supported by",
                    "along with",
                    "alongside",
                    "together with",
                    "allied with",
                    "including",
                ],
            )
        })
        .map(|(_, a)| a.clone())
        .collect();
    let by_agent = spans.iter().find(|(at, _)| {
        *at > trigger
            && preceded_by(*at, &["by"])
            && !assoc.iter().any(|x| x == &spans.iter().find(|(a2, _)| a2 == at).map_or(String::new(), |s| s.1.clone()))
    });
    let before = spans.iter().filter(|(at, a)| *at < trigger && !assoc.contains(a)).map(|(_, a)| a.clone()).next();
    let after = spans
        .iter()
        .filter(|(at, a)| *at > trigger && !assoc.contains(a) && Some(a) != by_agent.map(|b| &b.1))
        .map(|(_, a)| a.clone())
        .next();
    match by_agent {
        // Passive: "were killed by gunmen": the agent acted on the subject.
        Some((_, agent)) => (Some(agent.clone()), before.or(after), assoc),
        None => (before, after.filter(|_| true), assoc),
    }
}

/// True when `a` and `b` are listed together: "X and Y", "X or Y", "X, Y".
fn listed(lower_text: &str, a: &Toponym, b: &Toponym) -> bool {
    let (first, second) = if a.byte_start <= b.byte_start { (a, b) } else { (b, a) };
    let gap = lower_text.get(first.byte_end.min(second.byte_start)..second.byte_start).unwrap_or("");
    let mut words = 0;
    let mut joined = false;
    for w in gap.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        words += 1;
        joined |= w == "and" || w == "or";
    }
    (joined && words <= 3) || gap.trim() == ","
}

/// The locations the rules choose among the clause's locative mentions
/// `locs` (indices into `inside`), a feature of the location model: wider
/// areas (`contained`) give way to what they contain, an unresolved place to
/// its resolved wider area; resolved places first, the most specific one
/// leading; after it, only places listed with it ("in X and Y").
fn rule_locations(
    locs: &[usize],
    contained: &[usize],
    inside: &[&Toponym],
    mentions: &[roles::RoleMention],
    lower_sentence: &str,
) -> Vec<usize> {
    let mut located: Vec<usize> = Vec::new();
    for &i in locs {
        if contained.contains(&i) {
            continue;
        }
        if inside[i].place.is_none() {
            if let Some(&c) = contained
                .iter()
                .find(|&&c| locs.contains(&c) && inside[c].place.is_some() && mentions[c].start > mentions[i].start)
            {
                located.push(c);
                continue;
            }
        }
        located.push(i);
    }
    if located.iter().any(|&i| inside[i].place.is_some()) {
        located.retain(|&i| inside[i].place.is_some());
    }
    if let Some(k) = located.iter().position(|&i| inside[i].place.as_ref().is_some_and(|p| !p.is_area())) {
        if k > 0 && inside[located[0]].place.as_ref().is_some_and(PlaceRef::is_area) {
            let lead = located.remove(k);
            located.insert(0, lead);
        }
    }
    let mut kept: Vec<usize> = Vec::new();
    for i in located {
        let listed_with_last = kept.last().is_some_and(|&p| {
            let (a, b) = (&mentions[p], &mentions[i]);
            let gap = lower_sentence.get(a.end.min(b.start)..b.start).unwrap_or("");
            let words: Vec<&str> = gap.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
            words.iter().any(|w| *w == "and" || *w == "or") && words.len() <= 3
        });
        let same = kept.iter().any(|&p| {
            inside[p].place.is_some()
                && inside[p].place.as_ref().map(|x| &x.id) == inside[i].place.as_ref().map(|x| &x.id)
        });
        if (kept.is_empty() || listed_with_last) && !same {
            kept.push(i);
        }
    }
    kept
}

/// The events of one document (see the module documentation). Pure: reads
/// nothing but its arguments. Events come in text order.
pub fn document_events(doc: &Document, toponyms: &[Toponym]) -> Vec<Event> {
    document_events_with(doc, toponyms, model::models(), None)
}

/// The learned models' inputs and outputs for one document, for training
/// (`geoevents eval --dump-features`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    /// One row a resolved place mention of a clause that reports an event.
    pub mentions: Vec<MentionTrace>,
    /// One row a clause the rules typed as one of ACLED's event types.
    pub clauses: Vec<ClauseTrace>,
}

/// A scored mention: code point offsets in the document text, end exclusive.
#[derive(Debug, Clone, Serialize)]
pub struct MentionTrace {
    /// The clause's number in the document (0-based, text order).
    pub clause: usize,
    /// Start of the mention (code points).
    pub char_start: usize,
    /// End of the mention, exclusive (code points).
    pub char_end: usize,
    /// Latitude of the mention's resolved place, WGS 84 degrees.
    pub lat: f64,
    /// Longitude of the mention's resolved place, WGS 84 degrees.
    pub lon: f64,
    /// In the order of [`model::features::LOCATION_FEATURES`].
    pub features: Vec<f32>,
    /// The location model's probability (0 to 1) that the event happened at this mention; chosen when at or above the
    /// model's threshold.
    pub probability: f64,
}

/// A clause's sub-event features.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseTrace {
    /// The clause's number in the document (0-based, text order), as in [`MentionTrace::clause`].
    pub clause: usize,
    /// The rules' sub-event type, as ACLED spells it.
    pub rule: String,
    /// [`model::features::bucket`] values.
    pub buckets: Vec<u32>,
}

/// Words after a capture cue that make what was taken a place.
const TAKEN_PLACE_WORDS: &[&str] = &[
    "territory",
    "town",
    "towns",
    "village",
    "villages",
    "city",
    "area",
    "areas",
    "control",
    "district",
    "positions",
    "base",
    "ground",
    "region",
    "province",
    "neighbourhood",
    "neighborhood",
    "hill",
    "airport",
];

/// [`document_events`] with the given models, filling `trace` when given.
pub fn document_events_with(
    doc: &Document,
    toponyms: &[Toponym],
    models: &model::Models,
    mut trace: Option<&mut Trace>,
) -> Vec<Event> {
    let text = doc.text.as_str();
    let publication = dates::publication(doc.published_at.as_deref(), text);
    let reference = publication.reference;
    let mut sorted: Vec<&Toponym> =
        toponyms.iter().filter(|t| t.byte_start < t.byte_end && t.byte_end <= text.len()).collect();
    sorted.sort_by_key(|t| (t.byte_start, t.byte_end));
    let dateline_place = dateline(text, &sorted).filter(|t| t.place.is_some());
    // Lower case once for the whole document: same byte offsets as the text.
    let lower_text = cues::lower_same_len(text);
    let mut acronyms: Option<Vec<String>> = None;
    let mut clause_no = 0usize;

    let mut drafts: Vec<Draft<'_>> = Vec::new();
    let mut next_topo = 0;
    for sent in sentences::split_sentences(text) {
        while next_topo < sorted.len() && sorted[next_topo].byte_start < sent.start {
            next_topo += 1;
        }
        let first = next_topo;
        while next_topo < sorted.len() && sorted[next_topo].byte_start < sent.end {
            next_topo += 1;
        }
        let sentence = sent.text(text);
        let lower = &lower_text[sent.start..sent.end];
        // A sentence with no cue reports nothing: skip it before any other work.
        let sentence_hits = cues::find_in(lower);
        if sentence_hits.is_empty() {
            continue;
        }
        // The dateline mention itself is no place of its sentence's action.
        let inside: Vec<&Toponym> = sorted[first..next_topo]
            .iter()
            .copied()
            .filter(|t| dateline_place.is_none_or(|d| !std::ptr::eq(*t, d)))
            .collect();
        let toks = tokens(sentence);
        let role_mentions: Vec<roles::RoleMention> = inside
            .iter()
            .map(|t| roles::RoleMention {
                start: t.byte_start - sent.start,
                end: t.byte_end.min(sent.end) - sent.start,
                mention_type: t.mention_type,
                kind: t.place.as_ref().map(|p| p.kind),
            })
            .collect();
        let relations = roles::relations(sentence, lower, &toks, &role_mentions);
        let spans: Vec<actors::MentionSpan> = role_mentions
            .iter()
            .map(|m| actors::MentionSpan { start: m.start, end: m.end, mention_type: m.mention_type })
            .collect();
        let confidences: Vec<f64> = inside.iter().map(|t| t.confidence).collect();
        let place_ids: Vec<Option<&str>> = inside.iter().map(|t| t.place.as_ref().map(|p| p.id.as_str())).collect();
        let clause_ranges = clauses(lower);
        let single_clause = clause_ranges.len() == 1;
        let mut sentence_date: Option<dates::EventDate> = None;
        let snip = snippet(sentence);
        let sentence_names_places = !inside.is_empty();
        let mut place_seen_before = false;
        for (clause_index, &(c_start, c_end)) in clause_ranges.iter().enumerate() {
            let this_clause = clause_no;
            clause_no += 1;
            let clause = &sentence[c_start..c_end];
            let clause_lower = &lower[c_start..c_end];
            // The sentence's cues inside the clause, re-based to it (no cue
            // spans a clause boundary: none holds ", and", ";" or " but ").
            let mut hits: Vec<cues::Hit> = sentence_hits
                .iter()
                .filter(|h| h.start >= c_start && h.end <= c_end)
                .map(|h| cues::Hit { start: h.start - c_start, end: h.end - c_start, cue: h.cue, text: h.text.clone() })
                .collect();
            // What a concern or a discussion is about is its topic, not an
            // action: "voiced concern over the fighting in Aleppo".
            let topic_from = cues::topic_start_in(clause_lower);
            if let Some(t) = topic_from {
                hits.retain(|h| h.start < t || matches!(h.cue, cues::Cue::Diplomacy | cues::Cue::Statement));
            }
            let in_clause: Vec<usize> = (0..inside.len())
                .filter(|&i| role_mentions[i].start >= c_start && role_mentions[i].start < c_end)
                .collect();
            let first_clause_with_place = !place_seen_before;
            place_seen_before |= !in_clause.is_empty();
            if hits.is_empty() {
                continue;
            }
            let place_follows = |h: &cues::Hit| {
                in_clause
                    .iter()
                    .any(|&i| relations[i] == Relation::Location && role_mentions[i].start >= c_start + h.end)
                    || clause_lower[h.end..]
                        .split_whitespace()
                        .take(6)
                        .any(|w| TAKEN_PLACE_WORDS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())))
            };
            let Some((rule_kind, cue_words)) = cues::decide(&hits, place_follows) else { continue };
            // ACLED's coding of the deaths ("Fatalities coded as 0", "4
            // fatalities.") belongs to the event before it, and overrides it.
            if let Some(n) = fatalities::coded_total(clause) {
                if let Some(prev) = drafts.last_mut() {
                    prev.fatalities = Some(n);
                    continue;
                }
            }
            let trigger_hit = hits.iter().find(|h| cue_words.contains(&h.text));
            let trigger = trigger_hit.map_or(0, |h| h.start);
            // The learned sub-event type, for clauses the rules gave an ACLED type.
            let mut kind = rule_kind;
            if rule_kind.sub_event_type.is_some() {
                let mut buckets = Vec::new();
                model::features::sub_event_features(lower, &toks, (c_start, c_end), rule_kind, &hits, &mut buckets);
                if let Some((best, _)) = models.sub_event.predict(&buckets) {
                    if let Some(sub) =
                        AcledSubEventType::ALL.iter().find(|s| s.as_str() == models.sub_event.classes()[best])
                    {
                        kind = EventKind::acled(*sub);
                    }
                }
                if let Some(t) = trace.as_deref_mut() {
                    t.clauses.push(ClauseTrace {
                        clause: this_clause,
                        rule: rule_kind.sub_event_type.map_or("", |s| s.as_str()).to_string(),
                        buckets,
                    });
                }
            }
            let modality = modality::modality(clause, trigger);
            let fatalities = fatalities::fatalities(clause);
            let mut date = if single_clause {
                sentence_date.get_or_insert_with(|| dates::event_date(sentence, reference)).clone()
            } else {
                dates::event_date(clause, reference)
            };
            if matches!(date.rule.as_str(), "publication date" | "dateline date") && !single_clause {
                date = sentence_date.get_or_insert_with(|| dates::event_date(sentence, reference)).clone();
            }
            if date.date.is_none() && date.rule == "no date" {
                if let Some(p) = &publication.problem {
                    date.rule = match p {
                        dates::PublishedProblem::OutOfRange => {
                            format!("no date (published_at {})", "out of range 0001-9999")
                        }
                        dates::PublishedProblem::Unparsable => "no date (published_at unparsable)".into(),
                    };
                }
            }
            // The rules' locations of the clause, containers and unresolved fallbacks.
            let is_statement = kind.class == EventClass::Statement;
            let mut relations_here = relations.clone();
            if let Some(t) = topic_from {
                for &i in &in_clause {
                    if role_mentions[i].start >= c_start + t && relations_here[i] == Relation::Location {
                        relations_here[i] = Relation::Topic;
                    }
                }
            }
            let relations = &relations_here;
            let locs: Vec<usize> = in_clause
                .iter()
                .copied()
                .filter(|&i| relations[i] == Relation::Location)
                .filter(|&i| !is_statement || role_mentions[i].start < c_start + trigger)
                .collect();
            let mut contained: Vec<usize> = Vec::new();
            for &i in &locs {
                for &j in &locs {
                    if let (Some(a), Some(b)) = (&inside[i].place, &inside[j].place) {
                        if contains(a, b) {
                            contained.push(i);
                        }
                    }
                }
            }
            // Parenthesised or comma-joined areas right after a location: "Muaja (Ancuabe, Cabo Delgado)".
            for k in 1..locs.len() {
                let (p, q) = (locs[k - 1], locs[k]);
                let gap = &sentence[role_mentions[p].end..role_mentions[q].start];
                let appositive =
                    gap.trim().chars().all(|c| matches!(c, ',' | '(' | ')' | ' ')) && !gap.trim().is_empty();
                let area = inside[q].place.as_ref().is_some_and(PlaceRef::is_area)
                    && inside[p].place.as_ref().is_none_or(|x| !x.is_area() || x.kind != Kind::Country);
                if appositive && area && !contained.contains(&q) {
                    contained.push(q);
                }
            }
            let rule_located = rule_locations(&locs, &contained, &inside, &role_mentions, lower);
            // The learned choice among the clause's resolved mentions.
            let ctx = model::features::MentionContext {
                sentence,
                lower,
                toks: &toks,
                clause_index,
                clauses: clause_ranges.len(),
                first_clause_with_place,
                trigger: c_start + trigger,
                // The rules' class: the features do not depend on the sub-event model.
                class: rule_kind.class,
                modality,
                trigger_cue_is_statement: trigger_hit.is_some_and(|h| h.cue == cues::Cue::Statement),
                trigger_cue_is_diplomacy: trigger_hit.is_some_and(|h| h.cue == cues::Cue::Diplomacy),
                cues: hits.len(),
                violent_cue: hits.iter().any(|h| {
                    use cues::Cue as C;
                    matches!(
                        h.cue,
                        C::Air
                            | C::Shelling
                            | C::Explosive
                            | C::Suicide
                            | C::Grenade
                            | C::Chemical
                            | C::Clash
                            | C::AttackAct
                            | C::Harm
                            | C::Abduction
                            | C::Sexual
                    )
                }),
                mentions: &role_mentions,
                relations,
                confidences: &confidences,
                place_ids: &place_ids,
                in_clause: &in_clause,
                rule_located: &rule_located,
                contained: &contained,
            };
            let mut scored: Vec<(usize, f64)> = Vec::new();
            for &i in &in_clause {
                let Some(place) = &inside[i].place else { continue };
                let x = model::features::location_features(&ctx, i);
                let p = models.location.probability(&x);
                if let Some(t) = trace.as_deref_mut() {
                    t.mentions.push(MentionTrace {
                        clause: this_clause,
                        char_start: inside[i].start,
                        char_end: inside[i].end,
                        lat: place.lat,
                        lon: place.lon,
                        features: x.to_vec(),
                        probability: p,
                    });
                }
                scored.push((i, p));
            }
            let threshold = models.location.threshold();
            let mut chosen: Vec<(usize, f64)> = scored.iter().copied().filter(|&(_, p)| p >= threshold).collect();
            // One action, one place: the likeliest leads; other places are
            // further locations only when listed with it ("in X and Y").
            chosen.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut located: Vec<Located<'_>> = Vec::new();
            for &(i, p) in &chosen {
                let listed_with_kept =
                    located.iter().any(|l: &Located<'_>| listed(lower_text.as_str(), l.toponym, inside[i]));
                let same_place = located
                    .iter()
                    .any(|l| l.toponym.place.as_ref().map(|x| &x.id) == inside[i].place.as_ref().map(|x| &x.id));
                if (located.is_empty() || listed_with_kept) && !same_place {
                    located.push(Located { toponym: inside[i], rule: "locative", factor: p });
                }
            }
            located.sort_by_key(|l| l.toponym.byte_start);
            // Unresolved locations (no coordinates: kept in the JSONL only)
            // when nothing resolved is chosen.
            if located.is_empty() {
                for &i in &rule_located {
                    if inside[i].place.is_none() {
                        located.push(Located { toponym: inside[i], rule: "locative", factor: 1.0 });
                    }
                }
            }
            let mut mentioned: Vec<(&Toponym, Relation)> = Vec::new();
            for &i in &in_clause {
                if !located.iter().any(|l| std::ptr::eq(l.toponym, inside[i])) {
                    let rel = match relations[i] {
                        Relation::Location if contained.contains(&i) => Relation::Container,
                        Relation::Location => Relation::Other,
                        r => r,
                    };
                    mentioned.push((inside[i], rel));
                }
            }
            if located.is_empty() && kind.class == EventClass::StrategicDevelopments {
                if let Some(&i) = in_clause.iter().find(|&&i| {
                    relations[i] == Relation::Agent && inside[i].place.as_ref().is_some_and(|p| p.kind == Kind::Country)
                }) {
                    located.push(Located { toponym: inside[i], rule: "agent country", factor: 0.8 });
                    mentioned.retain(|(t, _)| !std::ptr::eq(*t, inside[i]));
                }
            }
            let acronyms = acronyms.get_or_insert_with(|| actors::document_acronyms(text));
            let actor_list = actors::actor_spans(clause, &spans_in(&spans, c_start, c_end), acronyms);
            let (actor1, actor2, assoc) = roles_of_actors(clause_lower, &actor_list, trigger);
            let mut names: Vec<String> = Vec::new();
            for (_, a) in &actor_list {
                if !names.contains(a) {
                    names.push(a.clone());
                }
            }
            if located.is_empty() {
                let names_no_place = !sentence_names_places;
                if names_no_place || in_clause.is_empty() {
                    if let Some(prev) = drafts.last_mut() {
                        let same = prev.kind.class == kind.class || cues::only_outcome(&hits);
                        if same && prev.sentence.0 >= sent.start.saturating_sub(2000) {
                            continue_draft(prev, kind, fatalities);
                            continue;
                        }
                    }
                }
                if names_no_place && drafts.is_empty() {
                    if let Some(d) = dateline_place {
                        located.push(Located { toponym: d, rule: "dateline", factor: 0.8 });
                    }
                }
            }
            let base = Draft {
                kind,
                cues: cue_words,
                modality,
                fatalities,
                date,
                location: None,
                mentioned,
                actor1,
                actor2,
                assoc,
                actors: names,
                sentence: (sent.start, sent.end),
                snippet: snip.clone(),
            };
            if located.is_empty() {
                drafts.push(base);
            } else {
                let n = located.len();
                for (k, l) in located.into_iter().enumerate() {
                    let mut d =
                        if k + 1 == n { Draft { location: None, ..base_clone(&base) } } else { base_clone(&base) };
                    d.location = Some(l);
                    // One action, one place: the same class at the same place and date is folded.
                    let key = |d: &Draft<'_>| {
                        d.location.as_ref().and_then(|l| l.toponym.place.as_ref().map(|p| p.id.clone()))
                    };
                    let k2 = key(&d);
                    if let Some(prev) = drafts.iter_mut().find(|p| {
                        k2.is_some()
                            && key(p) == k2
                            && p.kind.class == d.kind.class
                            && p.date.date == d.date.date
                            && p.modality == d.modality
                    }) {
                        continue_draft(prev, d.kind, d.fatalities);
                        continue;
                    }
                    drafts.push(d);
                }
            }
        }
    }
    let mut counter = CharCounter::new(text);
    let mut ids: Vec<String> = Vec::new();
    let mut events = Vec::with_capacity(drafts.len());
    for d in drafts {
        let t = d.location.as_ref().map(|l| l.toponym);
        let place = t.and_then(|t| t.place.clone());
        let place_key = match t {
            Some(t) => t.place.as_ref().map_or_else(|| format!("name:{}", t.name), |p| p.id.clone()),
            None => format!("class:{}", d.kind.class.as_str()),
        };
        let mut event_id = id::event_id(&doc.id, d.sentence.0, d.sentence.1, &place_key);
        // Two actions of one sentence with no place: tell them apart.
        let mut n = 1;
        while ids.contains(&event_id) {
            n += 1;
            event_id = id::event_id(&doc.id, d.sentence.0, d.sentence.1, &format!("{place_key}#{n}"));
        }
        ids.push(event_id.clone());
        let confidence = match (t, &d.location) {
            (Some(t), Some(l)) if t.place.is_some() => (t.confidence * l.factor * 1000.0).round() / 1000.0,
            _ => 0.0,
        };
        let mentioned_places = d
            .mentioned
            .iter()
            .map(|(m, rel)| MentionedPlace {
                name: m.name.clone(),
                place_id: m.place.as_ref().map(|p| p.id.clone()),
                relation: *rel,
                char_start: m.start,
                char_end: m.end,
            })
            .collect();
        events.push(Event {
            id: event_id,
            doc_id: doc.id.clone(),
            event_date: d.date.date.map(|x| x.to_string()),
            date_precision: d.date.precision,
            date_rule: d.date.rule,
            published_at: publication.utc.clone(),
            event_class: d.kind.class,
            acled_event_type: d.kind.acled_event_type(),
            acled_sub_event_type: d.kind.sub_event_type,
            event_type_cues: d.cues,
            modality: d.modality,
            fatalities: d.fatalities,
            actor1: d.actor1,
            actor2: d.actor2,
            assoc_actor: d.assoc,
            actors: d.actors,
            geo_precision: place.as_ref().map_or(GeoPrecision::None, |p| GeoPrecision::of(p.kind)),
            is_centroid: place.as_ref().is_some_and(PlaceRef::is_area),
            place,
            mention_text: t.map(|t| t.name.clone()),
            location_rule: d.location.as_ref().map_or("none", |l| l.rule).to_string(),
            confidence,
            char_start: t.map(|t| t.start),
            char_end: t.map(|t| t.end),
            sentence_char_start: counter.at(d.sentence.0),
            sentence_char_end: counter.at(d.sentence.1),
            mentioned_places,
            merged_into: None,
            source_url: doc.url.clone(),
            source_name: doc.source.clone(),
            title: doc.title.clone(),
            snippet: d.snippet,
        });
    }
    events
}

fn base_clone<'t>(d: &Draft<'t>) -> Draft<'t> {
    Draft {
        kind: d.kind,
        cues: d.cues.clone(),
        modality: d.modality,
        fatalities: d.fatalities,
        date: d.date.clone(),
        location: None,
        mentioned: d.mentioned.clone(),
        actor1: d.actor1.clone(),
        actor2: d.actor2.clone(),
        assoc: d.assoc.clone(),
        actors: d.actors.clone(),
        sentence: d.sentence,
        snippet: d.snippet.clone(),
    }
}

/// The mention spans inside a clause, re-based to the clause.
fn spans_in(spans: &[actors::MentionSpan], start: usize, end: usize) -> Vec<actors::MentionSpan> {
    spans
        .iter()
        .filter(|m| m.start >= start && m.end <= end)
        .map(|m| actors::MentionSpan { start: m.start - start, end: m.end - start, mention_type: m.mention_type })
        .collect()
}
