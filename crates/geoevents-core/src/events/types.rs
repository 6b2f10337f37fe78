//! Event types from a small cue lexicon: a sentence gets the type of the
//! highest-priority type whose cues it contains, or `unclassified` when none
//! match (never a guess).
//!
//! Cues are matched with Aho-Corasick over the lower-cased sentence (curly
//! apostrophes made straight), all at once and overlapping, and kept only at
//! word boundaries: a cue ending in `*` is a word prefix ("attack*" matches
//! "attacks", "attacked"), others must end at a word boundary too. A cue inside
//! a longer matched cue is dropped ("the border" inside "closed the border").
//! Besides the lexicon, a border closure is also recognised as a closing verb
//! followed within three words by a border noun ("closed the Syrian border",
//! "sealed its 600-km border"), reported as the cue "sealed … border".
//!
//! Priority, highest first (the order of [`LEXICON`]): attack > armed_clash >
//! territorial_change > border_closure > displacement > arrest > protest >
//! troop_movement > aid > diplomacy > statement. A sentence reporting an air
//! strike and a statement about it is an attack.
//!
//! Limits: no negation ("did not attack" is an attack), no sense
//! disambiguation ("entered talks" is a territorial change; "support" for a
//! faction is aid), one type a sentence.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

/// What kind of event a sentence reports. Written in snake case (`armed_clash`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Attack,
    ArmedClash,
    TerritorialChange,
    BorderClosure,
    Displacement,
    Arrest,
    Protest,
    TroopMovement,
    Aid,
    Diplomacy,
    Statement,
    /// No cue of the lexicon matched.
    Unclassified,
}

impl EventType {
    /// The name as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Attack => "attack",
            EventType::ArmedClash => "armed_clash",
            EventType::TerritorialChange => "territorial_change",
            EventType::BorderClosure => "border_closure",
            EventType::Displacement => "displacement",
            EventType::Arrest => "arrest",
            EventType::Protest => "protest",
            EventType::TroopMovement => "troop_movement",
            EventType::Aid => "aid",
            EventType::Diplomacy => "diplomacy",
            EventType::Statement => "statement",
            EventType::Unclassified => "unclassified",
        }
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The types, highest priority first, with their cues.
#[rustfmt::skip]
pub const LEXICON: &[(EventType, &[&str])] = &[
    (
        EventType::Attack,
        &[
            "attack*", "air strike*", "airstrike*", "air raid*", "drone strike*", "missile strike*", "rocket fire",
            "rockets", "shelling", "shelled", "bombing*", "bombed", "bombard*", "car bomb*", "suicide bomb*",
            "explosion*", "blast", "blasts", "ambush*", "assassinat*", "massacre*", "opened fire", "gunmen", "raid",
            "raids", "raided",
        ],
    ),
    (
        EventType::ArmedClash,
        &[
            "clash*", "fighting", "fought", "battle*", "gunfight*", "firefight*", "skirmish*", "combat", "offensive",
            "counteroffensive", "hostilities", "exchange of fire", "exchanged fire",
        ],
    ),
    (
        EventType::TerritorialChange,
        &[
            "entered", "captur*", "seized", "seizing", "seize", "seizes", "took control", "taken control",
            "take control", "takes control", "taking control", "gained control", "lost control", "fell to",
            "overran", "overrun", "recaptur*", "retook", "retaken", "gained ground", "lost ground", "withdrew from",
            "withdrawn from", "pulled out of", "grab of territory", "lost territory", "losing territory", "took over",
            "taken over",
        ],
    ),
    (
        EventType::BorderClosure,
        &[
            "border closure*", "closure of the border*", "border crossing closed", "border crossings closed",
            "closed the crossing*", "closed border crossing*",
        ],
    ),
    (
        EventType::Displacement,
        &["fled", "flee", "flees", "fleeing", "displace*", "refugee*", "evacuat*", "exodus", "uprooted"],
    ),
    (
        EventType::Arrest,
        &["arrest*", "detain*", "detention*", "taken into custody", "kidnap*", "abduct*", "apprehended"],
    ),
    (
        EventType::Protest,
        &["protest*", "demonstrators", "demonstration*", "rally", "rallies", "sit-in*", "riot*", "marched", "marchers"],
    ),
    (
        EventType::TroopMovement,
        &[
            "deploy*", "redeploy*", "reinforcement*", "troop movement*", "military buildup", "military build-up",
            "convoy*", "advancing", "advanced towards", "advanced toward", "advance towards", "advance toward",
            "on standby", "on alert", "high alert", "mobiliz*", "mobilis*",
        ],
    ),
    (EventType::Aid, &["aid", "humanitarian", "assistance", "relief", "support", "supplies", "donat*"]),
    (
        EventType::Diplomacy,
        &[
            "visit*", "talks", "phone call*", "telephone call*", "spoke by phone", "talked with", "talked to",
            "spoke with", "met", "meets", "meeting*", "summit*", "negotiat*", "envoy*", "ceasefire", "cease-fire",
            "truce", "discussed", "diplomat*", "ambassador*",
        ],
    ),
    (
        EventType::Statement,
        &[
            "said", "says", "statement*", "announc*", "expressed", "concern*", "condemn*", "warned", "warns", "urged",
            "urges", "called for", "calls for", "declared", "stated", "told", "denied", "claimed", "vowed",
        ],
    ),
];

#[rustfmt::skip]
const CLOSING_VERBS: &[&str] = &[
    "seal", "seals", "sealed", "sealing", "close", "closes", "closed", "closing", "shut", "shuts", "shutting",
];
#[rustfmt::skip]
const BORDER_NOUNS: &[&str] = &["border", "borders", "crossing", "crossings", "frontier", "frontiers"];

struct Matcher {
    ac: AhoCorasick,
    /// Per pattern: (type index, prefix cue).
    meta: Vec<(usize, bool)>,
}

fn matcher() -> &'static Matcher {
    static M: OnceLock<Matcher> = OnceLock::new();
    M.get_or_init(|| {
        let mut patterns = Vec::new();
        let mut meta = Vec::new();
        for (t, (_, cues)) in LEXICON.iter().enumerate() {
            for cue in *cues {
                let prefix = cue.ends_with('*');
                patterns.push(cue.trim_end_matches('*'));
                meta.push((t, prefix));
            }
        }
        #[expect(clippy::expect_used, reason = "the lexicon is a constant: every test builds it")]
        let ac = AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(&patterns).expect("cue lexicon");
        Matcher { ac, meta }
    })
}

/// The type of one sentence and the cues (as written, lower case) that gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub event_type: EventType,
    pub cues: Vec<String>,
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Classifies a sentence.
pub fn classify(sentence: &str) -> Classification {
    let lower = sentence.to_lowercase().replace('’', "'");
    let m = matcher();
    // (start, end, type) of cue matches at word boundaries.
    let mut hits: Vec<(usize, usize, usize)> = Vec::new();
    for mat in m.ac.find_overlapping_iter(&lower) {
        let (t, prefix) = m.meta[mat.pattern().as_usize()];
        let (s, mut e) = (mat.start(), mat.end());
        if is_word_char(lower[..s].chars().next_back()) {
            continue;
        }
        if prefix {
            e += lower[e..].find(|c: char| !c.is_alphanumeric()).unwrap_or(lower.len() - e);
        } else if is_word_char(lower[e..].chars().next()) {
            continue;
        }
        hits.push((s, e, t));
    }
    // Closing verb + border noun within three words.
    let words: Vec<(usize, usize)> = word_spans(&lower);
    for (i, &(s, e)) in words.iter().enumerate() {
        if CLOSING_VERBS.contains(&&lower[s..e]) {
            if let Some(&(_, be)) =
                words[i + 1..].iter().take(4).find(|(bs, be)| BORDER_NOUNS.contains(&&lower[*bs..*be]))
            {
                hits.push((s, be, border_type()));
            }
        }
    }
    // Drop cues inside a longer one.
    let all = hits.clone();
    hits.retain(|&(s, e, _)| !all.iter().any(|&(s2, e2, _)| s2 <= s && e <= e2 && (e2 - s2) > (e - s)));
    let Some(best) = hits.iter().map(|h| h.2).min() else {
        return Classification { event_type: EventType::Unclassified, cues: Vec::new() };
    };
    hits.sort_by_key(|h| h.0);
    let mut cues: Vec<String> = Vec::new();
    for &(s, e, t) in &hits {
        if t != best {
            continue;
        }
        let text = &lower[s..e];
        let cue = if t == border_type() && CLOSING_VERBS.iter().any(|v| text.starts_with(&format!("{v} "))) {
            let verb = text.split_whitespace().next().unwrap_or_default();
            let noun = text.split_whitespace().last().unwrap_or_default();
            format!("{verb} … {noun}")
        } else {
            text.to_string()
        };
        if !cues.contains(&cue) {
            cues.push(cue);
        }
    }
    Classification { event_type: LEXICON[best].0, cues }
}

fn border_type() -> usize {
    LEXICON.iter().position(|(n, _)| *n == EventType::BorderClosure).unwrap_or(usize::MAX)
}

/// Byte spans of the alphanumeric words of `s` (digits and hyphens inside count).
fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let inside = c.is_alphanumeric() || (c == '-' && start.is_some());
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> &'static str {
        classify(s).event_type.as_str()
    }

    #[test]
    fn example_sentences() {
        let c = classify("Opposition fighters entered Aleppo on Friday afternoon after seizing nearby villages.");
        assert_eq!(c.event_type.as_str(), "territorial_change");
        assert_eq!(c.cues, ["entered", "seizing"]);
        let c = classify("On Saturday Iraq sealed its border with Syria and put its army on standby.");
        assert_eq!(c.event_type.as_str(), "border_closure");
        assert_eq!(c.cues, ["sealed … border"]);
        assert_eq!(ty("Araghchi is set to visit Damascus on Sunday."), "diplomacy");
        assert_eq!(classify("Araghchi is set to visit Damascus on Sunday.").cues, ["visit"]);
        assert_eq!(ty("Backers of Damascus voiced grave concern."), "statement");
    }

    #[test]
    fn priority_and_boundaries() {
        // Attack outranks the statement about it.
        let c = classify("The ministry said an air strike hit Idlib and condemned the attacks.");
        assert_eq!(c.event_type.as_str(), "attack");
        assert_eq!(c.cues, ["air strike", "attacks"]);
        // Word boundaries: "metallic" has no "met", "said" is not in "saidi".
        assert_eq!(ty("Metallic debris lay near the Saidi mosque."), "unclassified");
        // Prefix cues need a word start: "counterattack" is not "attack*".
        assert_eq!(ty("A counterattack"), "unclassified");
        // Closing verb near a border noun; "closed" alone is nothing.
        assert_eq!(ty("Jordan closed the Syrian border crossing at Nasib."), "border_closure");
        assert_eq!(ty("Shops closed early in Amman."), "unclassified");
        assert_eq!(ty("Thousands fled to Turkey."), "displacement");
        assert_eq!(ty("Police arrested ten protesters."), "arrest");
        assert_eq!(ty("Hundreds of demonstrators gathered."), "protest");
        assert_eq!(ty("The army deployed tanks."), "troop_movement");
        assert_eq!(ty("The UN sent humanitarian aid."), "aid");
        assert_eq!(ty("Heavy fighting continued."), "armed_clash");
        // Curly apostrophes and capitals.
        assert_eq!(ty("IRAQ’S ARMY WAS PUT ON HIGH ALERT."), "troop_movement");
    }

    #[test]
    fn nothing_matches_means_unclassified() {
        let c = classify("The weather in Erbil was mild.");
        assert_eq!(c, Classification { event_type: EventType::Unclassified, cues: vec![] });
    }

    #[test]
    fn lexicon_is_well_formed() {
        // Priority order as documented, cues lower case and unique.
        let names: Vec<&str> = LEXICON.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "attack",
                "armed_clash",
                "territorial_change",
                "border_closure",
                "displacement",
                "arrest",
                "protest",
                "troop_movement",
                "aid",
                "diplomacy",
                "statement"
            ]
        );
        let mut seen = std::collections::HashSet::new();
        for (_, cues) in LEXICON {
            for cue in *cues {
                assert_eq!(*cue, cue.to_lowercase());
                assert!(seen.insert(*cue), "duplicate cue {cue}");
            }
        }
    }
}
