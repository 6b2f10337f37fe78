//! The part a place plays in a clause: where the action happened, or who
//! acted, where someone came from, what was talked about, who said it, a
//! name it is part of, a wider area, a destination not reached.
//!
//! Read from the words around the mention, in this order (first match wins):
//! 1. the mention type: part of another name ("Tehrik-i-Taliban Pakistan")
//!    is [`Relation::Organisation`], a demonym ("a Georgian translator") is
//!    [`Relation::Origin`], a metonym ("Ankara said") is [`Relation::Agent`];
//! 2. a reporting frame: "police in Peshawar said", "Kabul police told",
//!    "told reporters in Kabul", "said in Geneva" are [`Relation::Source`];
//! 3. a possessive: "Syria's largest city" is a [`Relation::Container`] of
//!    what follows, "Turkey's foreign minister" an agent, "Syria's security"
//!    a topic;
//! 4. the words before it, skipping determiners, compass and other
//!    adjectives and place nouns ("in the southern city of"): a locative
//!    preposition ("in", "at", "near", "outside", "north of", "the town of")
//!    or a verb that takes a place ("entered", "attacked", "reached",
//!    "shelled", "visited") makes it the [`Relation::Location`]; "towards"
//!    makes it a [`Relation::Goal`]; "to" after a motion verb ("will go to")
//!    a location; "from" an origin (but "withdrew from" a location); "about",
//!    "over", "regarding", and "the situation/developments/crisis in" a
//!    [`Relation::Topic`]; "of" after a people or government noun ("the
//!    president of") an agent;
//! 5. a country as the subject of a clause ("Iraq sealed its border", "Turkey
//!    backs") is an agent;
//! 6. a place right after a location, joined by "and", "or" or a comma, is a
//!    location too ("in Sheikh Miskeen and Nawa");
//! 7. anything else is [`Relation::Other`]: named, with no cue to its part.

use crate::gazetteer::Kind;
use crate::resolve::MentionType;
use crate::text::sentences::{Tok, TokKind};
use serde::{Deserialize, Serialize};

/// What a place is to the action of its clause. Written in snake case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Where the action happened.
    Location,
    /// A country, city or government acting: "Iraq sealed", "Moscow said".
    Agent,
    /// Where a person or group comes from: "a man from Paris", "Syrian".
    Origin,
    /// What is talked about: "talks on Syria", "concern about Aleppo".
    Topic,
    /// Where a speaker or reporter is: "police in Peshawar said".
    Source,
    /// Part of an organisation's or other name.
    Organisation,
    /// A wider area around the location: "Syria" in "Aleppo, Syria".
    Container,
    /// Where a movement is heading, not reached: "advancing towards Hama".
    Goal,
    /// Named, with no cue to its part.
    Other,
}

impl Relation {
    /// The name as serialised, lower case (`location`, `agent`, ...), as in `mentioned_places[].relation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Location => "location",
            Relation::Agent => "agent",
            Relation::Origin => "origin",
            Relation::Topic => "topic",
            Relation::Source => "source",
            Relation::Organisation => "organisation",
            Relation::Container => "container",
            Relation::Goal => "goal",
            Relation::Other => "other",
        }
    }
}

/// A mention as the role reader sees it: byte offsets into the sentence.
#[derive(Debug, Clone, Copy)]
pub struct RoleMention {
    /// Byte offset of the mention's start in the sentence.
    pub start: usize,
    /// Byte offset after the mention (exclusive) in the sentence.
    pub end: usize,
    /// How the place is named (place, demonym, metonym, embedded).
    pub mention_type: MentionType,
    /// The resolved place's kind; `None` when unresolved.
    pub kind: Option<Kind>,
}

#[rustfmt::skip]
const LOCATIVE: &[&str] = &[
    "in", "at", "near", "outside", "inside", "around", "across", "throughout", "into", "onto", "along", "within",
    "off", "through", "between", "nearby", "beside", "outskirts", "across", "all", "over", "on",
];
/// Words between a preposition and the place: "in the southern city of X".
#[rustfmt::skip]
const SKIPPABLE: &[&str] = &[
    "the", "a", "an", "northern", "southern", "eastern", "western", "central", "northeastern", "northwestern",
    "southeastern", "southwestern", "north-eastern", "north-western", "south-eastern", "south-western", "north",
    "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "rural", "downtown", "nearby",
    "neighbouring", "neighboring", "restive", "war-torn", "rebel-held", "besieged", "occupied", "upper", "lower",
    "greater", "old", "new", "city", "town", "village", "district", "province", "region", "area", "outskirts",
    "suburb", "suburbs", "neighbourhood", "neighborhood", "countryside", "centre", "center", "parts", "part",
    "governorate", "state", "county", "municipality", "capital", "streets", "coast", "vicinity", "heart",
    "port", "camp", "of", "largest", "second", "biggest", "main", "key", "strategic", "border", "frontier",
    "coastal", "northernmost", "southernmost", "commercial", "holy", "ancient", "remote", "mountainous",
    "disputed", "kurdish", "km", "kilometres", "kilometers", "miles", "mile", "kms", "some", "about",
    "environs", "areas", "towns", "villages", "cities", "districts", "provinces", "localities", "locality",
    "settlement", "settlements", "market", "areas", "zone", "valley", "mountains", "hills", "outpost", "base",
    "airport", "road", "highway", "refugee", "eastern-most", "neighbourhoods", "neighborhoods", "rebel",
    "government-held", "regime-held", "opposition-held", "insurgent-held", "islamist-held", "militant-held",
];
/// Verbs whose object is where the action happened.
#[rustfmt::skip]
const PLACE_VERBS: &[&str] = &[
    "entered", "enter", "enters", "entering", "reached", "reach", "reaching", "attacked", "attack", "attacking",
    "struck", "strike", "striking", "hit", "hits", "hitting", "shelled", "shelling", "bombed", "bombing",
    "bombarded", "captured", "capture", "capturing", "seized", "seize", "seizing", "stormed", "storm",
    "storming", "raided", "raid", "raiding", "targeted", "targeting", "invaded", "invade", "overran", "overrun",
    "liberated", "liberate", "besieged", "rocked", "pounded", "pounding", "visited", "visit", "visiting",
    "visits", "toured", "patrolled", "patrol", "patrolling", "retook", "recaptured", "regained", "took",
    "control", "surrounded", "encircled", "besieging", "shook", "flooded", "swept", "hitting", "rocking",
    "ravaged", "devastated", "paralysed", "paralyzed", "occupied", "occupy", "retake", "recapture", "evacuated",
    "blockaded", "cut", "lost", "losing", "defended", "crossed", "infiltrated", "ambushed", "gripped",
];
/// Motion verbs whose "to" phrase is where the (planned) action happens.
#[rustfmt::skip]
const MOTION_VERBS: &[&str] = &[
    "go", "goes", "went", "going", "travel", "travels", "travelled", "traveled", "travelling", "traveling",
    "fly", "flies", "flew", "flying", "head", "heads", "headed", "heading", "return", "returned", "returns",
    "returning", "sent", "send", "sends", "deployed", "deploy", "moved", "move", "came", "come", "arrive",
    "arrived", "trip", "visit", "journey", "dispatched", "rushed", "marched", "brought", "taken", "transferred",
    "way", "back", "then", "on",
];
/// Nouns that make "in X" a topic: "the situation in Aleppo".
#[rustfmt::skip]
const TOPIC_NOUNS: &[&str] = &[
    "situation", "developments", "development", "crisis", "war", "conflict", "peace", "stability", "security",
    "future", "policy", "events", "tension", "tensions", "affairs", "issue", "question", "involvement",
    "intervention", "presence", "role", "interests", "elections", "election", "politics", "economy",
];
/// Nouns whose "in X" or "X ..." is a speaker: "police in Peshawar said".
#[rustfmt::skip]
const SPEAKERS: &[&str] = &[
    "police", "officials", "official", "authorities", "sources", "source", "spokesman", "spokeswoman",
    "spokesperson", "ministry", "media", "television", "tv", "agency", "correspondent", "correspondents",
    "reporters", "reporter", "journalists", "journalist", "officer", "officers", "observers", "activists",
    "witnesses", "diplomats", "embassy", "government", "governor", "office", "commander", "army", "military",
    "spokesmen", "newspaper", "radio", "residents", "statement", "press",
];
#[rustfmt::skip]
const REPORTING: &[&str] = &[
    "said", "says", "say", "told", "tells", "reported", "reports", "confirmed", "announced", "stated", "added",
    "claimed", "according", "quoted", "noted", "speaking", "spoke", "briefing", "conference", "interview",
];
/// Nouns after a possessive that make the place an agent: "Turkey's army".
#[rustfmt::skip]
const ACTOR_NOUNS: &[&str] = &[
    "army", "forces", "force", "military", "government", "president", "prime", "foreign", "defence", "defense",
    "minister", "ministry", "police", "troops", "leader", "leaders", "officials", "authorities", "interior",
    "navy", "air", "security", "intelligence", "parliament", "king", "opposition", "rebels", "people", "state",
    "envoy", "ambassador", "embassy", "allies", "ally", "backers", "president-elect", "regime", "coast",
];
/// Nouns after a possessive that make the place a wider area: "Syria's largest city".
#[rustfmt::skip]
const AREA_NOUNS: &[&str] = &[
    "largest", "biggest", "second", "city", "capital", "town", "province", "north", "south", "east", "west",
    "northern", "southern", "eastern", "western", "border", "region", "district", "village", "port", "main",
    "northeast", "northwest", "southeast", "southwest", "central", "commercial", "oldest",
];
/// "of" after these makes the place an agent: "the government of Iraq".
#[rustfmt::skip]
const OF_AGENT: &[&str] = &[
    "government", "president", "people", "army", "forces", "king", "prime", "minister", "ministry", "allies",
    "ally", "backers", "supporters", "leader", "leaders", "citizens", "citizen", "residents", "native",
    "embassy", "ambassador", "republic", "kingdom", "emir", "governor", "mayor", "police", "parliament",
];

fn is_word(t: &Tok) -> bool {
    t.kind == TokKind::Word
}

/// The relation of every mention (in the order given), see the module doc.
/// `lower` is the sentence lower-cased by [`lower_same_len`].
pub(crate) fn relations(sentence: &str, lower: &str, toks: &[Tok], mentions: &[RoleMention]) -> Vec<Relation> {
    let w = |t: &Tok| {
        let s = &lower[t.start..t.end];
        s.strip_suffix("'s").or_else(|| s.strip_suffix("’s")).unwrap_or(s)
    };
    let first_tok = |m: &RoleMention| toks.iter().position(|t| t.end > m.start).unwrap_or(toks.len());
    let after_tok = |m: &RoleMention| toks.iter().position(|t| t.start >= m.end).unwrap_or(toks.len());
    let mut out: Vec<Relation> =
        mentions.iter().map(|m| relation(sentence, lower, toks, m, first_tok(m), after_tok(m), &w)).collect();
    // Coordination: "in X and Y", "in X, Y and Z".
    for i in 1..mentions.len() {
        if out[i] != Relation::Other || mentions[i].mention_type != MentionType::Place {
            continue;
        }
        let prev = &mentions[i - 1];
        if out[i - 1] != Relation::Location {
            continue;
        }
        let between = &toks[after_tok(prev).min(first_tok(&mentions[i]))..first_tok(&mentions[i])];
        let joined = !between.is_empty()
            && between.len() <= 3
            && between.iter().all(|t| {
                matches!(
                    w(t),
                    "and"
                        | "or"
                        | ","
                        | "the"
                        | "("
                        | "village"
                        | "town"
                        | "city"
                        | "district"
                        | "province"
                        | "state"
                        | "county"
                        | "municipality"
                        | "region"
                        | "area"
                        | "commune"
                        | "governorate"
                        | "department"
                )
            });
        if joined {
            out[i] = Relation::Location;
        }
    }
    out
}

fn relation<'a>(
    sentence: &str,
    lower: &'a str,
    toks: &[Tok],
    m: &RoleMention,
    first: usize,
    after: usize,
    w: &impl Fn(&Tok) -> &'a str,
) -> Relation {
    match m.mention_type {
        MentionType::Embedded => return Relation::Organisation,
        MentionType::Demonym => return Relation::Origin,
        MentionType::Metonym => return Relation::Agent,
        MentionType::Place => {}
    }
    let word_at = |i: usize| toks.get(i).map_or("", |t| w(t));
    let raw_mention = &sentence[m.start..m.end.min(sentence.len())];
    let glued_after = sentence[m.end.min(sentence.len())..].chars().next();
    // "Peshawar-based", "Paris-born".
    if glued_after == Some('-') {
        let rest = &lower[m.end..];
        if rest.starts_with("-based") || rest.starts_with("-born") || rest.starts_with("-headquartered") {
            return Relation::Origin;
        }
    }
    let possessive =
        lower[m.start..].get(raw_mention.len()..).is_some_and(|r| r.starts_with("'s") || r.starts_with("’s"))
            || toks.get(after.saturating_sub(1)).is_some_and(|t| {
                let s = &lower[t.start..t.end];
                t.end >= m.end && (s.ends_with("'s") || s.ends_with("’s"))
            });
    // 2. Reporting frames.
    let next_words: Vec<&str> = (after..(after + 4).min(toks.len())).map(word_at).collect();
    let prev_words: Vec<&str> = (first.saturating_sub(4)..first).rev().map(word_at).collect();
    let reporting_soon = |from: usize| (from..(from + 4).min(toks.len())).any(|i| REPORTING.contains(&word_at(i)));
    // "X police said", "Kabul police told".
    if next_words.first().is_some_and(|n| SPEAKERS.contains(n)) && reporting_soon(after + 1) && !possessive {
        return Relation::Source;
    }
    // "police in X said", "officials in X told".
    if prev_words.first() == Some(&"in")
        && prev_words.get(1).is_some_and(|p| SPEAKERS.contains(p))
        && reporting_soon(after)
    {
        return Relation::Source;
    }
    // "told reporters in X", "said in X", "a news conference in X".
    if matches!(prev_words.first(), Some(&"in"))
        && prev_words
            .get(1)
            .is_some_and(|p| REPORTING.contains(p) && !matches!(*p, "reported" | "confirmed" | "announced" | "claimed"))
    {
        return Relation::Source;
    }
    // 3. Possessives.
    if possessive {
        let next = next_words.first().copied().unwrap_or("");
        if AREA_NOUNS.contains(&next) {
            return Relation::Container;
        }
        if ACTOR_NOUNS.contains(&next) {
            return Relation::Agent;
        }
        return Relation::Topic;
    }
    // 4. The words before, skipping adjectives and place nouns.
    let mut j = first;
    let mut skipped_of_after: Option<&str> = None;
    let mut steps = 0;
    while j > 0 && steps < 6 {
        let t = &toks[j - 1];
        let word = w(t);
        if t.kind == TokKind::Num || (is_word(t) && SKIPPABLE.contains(&word)) {
            if word == "of" {
                skipped_of_after = Some(word_at(j.saturating_sub(2)));
            }
            j -= 1;
            steps += 1;
            continue;
        }
        break;
    }
    let before = if j > 0 { word_at(j - 1) } else { "" };
    let before2 = if j > 1 { word_at(j - 2) } else { "" };
    let before3 = if j > 2 { word_at(j - 3) } else { "" };
    // "of" reached directly: "the government of X", "the future of X".
    if first > 0 && word_at(first - 1) == "of" {
        let head = word_at(first.saturating_sub(2));
        if OF_AGENT.contains(&head) {
            return Relation::Agent;
        }
        if TOPIC_NOUNS.contains(&head) {
            return Relation::Topic;
        }
    }
    let _ = skipped_of_after;
    match before {
        "towards" | "toward" => return Relation::Goal,
        "about" | "regarding" | "concerning" | "on" if TOPIC_NOUNS.contains(&before2) || before == "about" => {
            return Relation::Topic
        }
        "regarding" | "concerning" => return Relation::Topic,
        "over" if matches!(before2, "concern" | "concerns" | "talks" | "dispute" | "row" | "tensions" | "fears") => {
            return Relation::Topic
        }
        "from" => {
            if matches!(
                before2,
                "withdrew"
                    | "withdrawn"
                    | "withdrawing"
                    | "km"
                    | "kilometres"
                    | "kilometers"
                    | "miles"
                    | "away"
                    | "far"
            ) {
                return Relation::Location;
            }
            return Relation::Origin;
        }
        "to" => {
            if MOTION_VERBS.contains(&before2) || MOTION_VERBS.contains(&before3) {
                return Relation::Location;
            }
            return Relation::Other;
        }
        "with" if matches!(before2, "border" | "borders" | "frontier" | "ties" | "relations" | "talks" | "war") => {
            return Relation::Other
        }
        _ => {}
    }
    if LOCATIVE.contains(&before) {
        // "the situation in X", "developments in X", "war in X".
        if before == "in" && TOPIC_NOUNS.contains(&before2) {
            return Relation::Topic;
        }
        if before == "on"
            && !matches!(
                before2,
                "attack" | "attacks" | "assault" | "raid" | "strike" | "strikes" | "offensive" | "march" | "advance"
            )
            && !SKIPPABLE.contains(&word_at(j))
        {
            return Relation::Other;
        }
        return Relation::Location;
    }
    if PLACE_VERBS.contains(&before)
        || (before == "of"
            && matches!(
                before2,
                "control" | "outskirts" | "parts" | "most" | "much" | "north" | "south" | "east" | "west"
            ))
    {
        return Relation::Location;
    }
    // A compass phrase reached through "of": "30 km north of X".
    if skipped_of_after.is_some()
        && j < first
        && toks[j..first].iter().any(|t| {
            matches!(
                w(t),
                "north"
                    | "south"
                    | "east"
                    | "west"
                    | "northeast"
                    | "northwest"
                    | "southeast"
                    | "southwest"
                    | "outskirts"
                    | "km"
                    | "kilometres"
                    | "kilometers"
                    | "miles"
                    | "town"
                    | "city"
                    | "village"
                    | "district"
                    | "province"
                    | "region"
                    | "area"
                    | "suburb"
                    | "neighbourhood"
                    | "neighborhood"
                    | "governorate"
                    | "county"
                    | "municipality"
                    | "countryside"
            )
        })
    {
        // "the town of X" after anything but a topic or agent noun.
        if !TOPIC_NOUNS.contains(&before) && !OF_AGENT.contains(&before) {
            return Relation::Location;
        }
    }
    // 5. A country as the subject: "Iraq sealed", "Turkey backs", "Iraq on Saturday sealed".
    if m.kind == Some(Kind::Country) {
        let clause_start = first == 0
            || matches!(word_at(first - 1), "," | "and" | "but" | "while" | "as" | "that" | ";" | "\"" | "“");
        let mut k = after;
        while k < toks.len()
            && matches!(
                word_at(k),
                "on" | "monday"
                    | "tuesday"
                    | "wednesday"
                    | "thursday"
                    | "friday"
                    | "saturday"
                    | "sunday"
                    | "also"
                    | "has"
                    | "have"
                    | "had"
                    | "will"
                    | "would"
                    | "is"
                    | "was"
                    | "yesterday"
                    | "today"
                    | "now"
                    | "then"
                    | "could"
                    | "may"
                    | "might"
                    | "must"
                    | "did"
                    | "does"
                    | "not"
                    | "reportedly"
                    | "recently"
                    | "already"
                    | "again"
            )
        {
            k += 1;
        }
        let verbish =
            toks.get(k).is_some_and(|t| is_word(t) && sentence[t.start..t.end].starts_with(char::is_lowercase));
        if clause_start && verbish {
            return Relation::Agent;
        }
    }
    // "in Zholobok, Luhansk", "in the village of Gadabo (Anzourou, Tillaberi)",
    // "in Bat Galim Square of Haifa": unlisted names (capitalised words) in a
    // locative phrase, then this place as their wider area.
    let mut k = first;
    let mut steps = 0;
    while k > 0 && steps < 10 {
        let t = &toks[k - 1];
        let raw = &sentence[t.start..t.end];
        let name_part = (is_word(t) && (raw.starts_with(char::is_uppercase) || SKIPPABLE.contains(&w(t))))
            || matches!(raw, "," | "(" | ")")
            || t.kind == TokKind::Num;
        if !name_part {
            break;
        }
        k -= 1;
        steps += 1;
    }
    if steps > 0 && k > 0 && k < first && (LOCATIVE.contains(&word_at(k - 1)) || PLACE_VERBS.contains(&word_at(k - 1)))
    {
        let skipped_name =
            toks[k..first].iter().any(|t| is_word(t) && sentence[t.start..t.end].starts_with(char::is_uppercase));
        if skipped_name {
            return Relation::Location;
        }
    }
    Relation::Other
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::cues::lower_same_len;
    use crate::text::sentences::tokens;

    /// (mention, type, kind) located by search; relations as strings.
    fn rel(s: &str, mentions: &[(&str, MentionType, Option<Kind>)]) -> Vec<&'static str> {
        let ms: Vec<RoleMention> = mentions
            .iter()
            .map(|(m, t, k)| {
                let start = s.find(m).unwrap();
                RoleMention { start, end: start + m.len(), mention_type: *t, kind: *k }
            })
            .collect();
        relations(s, &lower_same_len(s), &tokens(s), &ms).into_iter().map(Relation::as_str).collect()
    }

    const P: MentionType = MentionType::Place;
    const CITY: Option<Kind> = Some(Kind::City);
    const COUNTRY: Option<Kind> = Some(Kind::Country);

    #[test]
    fn locations() {
        assert_eq!(rel("Shelling hit a bus in Donetsk on Thursday.", &[("Donetsk", P, CITY)]), ["location"]);
        assert_eq!(rel("Rebels entered Aleppo on Friday.", &[("Aleppo", P, CITY)]), ["location"]);
        assert_eq!(
            rel("Fighters entered Syria's largest city Aleppo.", &[("Syria", P, COUNTRY), ("Aleppo", P, CITY)]),
            ["container", "location"]
        );
        assert_eq!(rel("A bomb went off in the southern city of Kandahar.", &[("Kandahar", P, CITY)]), ["location"]);
        assert_eq!(rel("Clashes erupted 30 km north of Mosul.", &[("Mosul", P, CITY)]), ["location"]);
        assert_eq!(
            rel("Troops shelled Sheikh Miskeen and Nawa.", &[("Sheikh Miskeen", P, CITY), ("Nawa", P, CITY)]),
            ["location", "location"]
        );
        assert_eq!(rel("The minister will go to Ankara.", &[("Ankara", P, CITY)]), ["location"]);
        // An unlisted name, then its wider area.
        assert_eq!(
            rel(
                "Militants killed six civilians in the village of Gadabo (Anzourou, Tillaberi).",
                &[("Tillaberi", P, CITY)]
            ),
            ["location"]
        );
        assert_eq!(rel("Interns protested in Bat Galim Square of Haifa city.", &[("Haifa", P, CITY)]), ["location"]);
    }

    #[test]
    fn not_locations() {
        assert_eq!(rel("They are advancing towards Hama province.", &[("Hama", P, CITY)]), ["goal"]);
        assert_eq!(rel("They voiced concern about the situation in Aleppo.", &[("Aleppo", P, CITY)]), ["topic"]);
        assert_eq!(rel("He discussed the developments in Syria.", &[("Syria", P, COUNTRY)]), ["topic"]);
        assert_eq!(rel("Police in Peshawar said two men died.", &[("Peshawar", P, CITY)]), ["source"]);
        assert_eq!(rel("Kabul police said a bomb exploded.", &[("Kabul", P, CITY)]), ["source"]);
        assert_eq!(rel("A man from Paris was arrested.", &[("Paris", P, CITY)]), ["origin"]);
        assert_eq!(
            rel("Iraq on Saturday sealed its border with Syria.", &[("Iraq", P, COUNTRY), ("Syria", P, COUNTRY)]),
            ["agent", "other"]
        );
        assert_eq!(rel("Turkey backs the rebels.", &[("Turkey", P, COUNTRY)]), ["agent"]);
        assert_eq!(rel("He met Turkey's foreign minister.", &[("Turkey", P, COUNTRY)]), ["agent"]);
        assert_eq!(rel("Allies of Damascus spoke.", &[("Damascus", MentionType::Metonym, CITY)]), ["agent"]);
    }
}
