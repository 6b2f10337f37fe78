//! The features the learned models read, computed once here for both
//! training (`geoevents eval --dump-features`, read by
//! `benches/train_events.py`) and inference, so the two cannot drift apart.
//!
//! * [`location_features`]: a dense vector for one place mention in a clause
//!   that reports an event: what the rules of [`super::super::roles`] made of
//!   it, its mention type and place kind, the words around it, where it
//!   stands to the trigger, the clause's class and modality. Names in
//!   [`LOCATION_FEATURES`], in vector order.
//! * [`sub_event_features`]: hashed sparse features of a clause for the
//!   sub-event type: the rules' kind and cues, the clause's words and word
//!   pairs, the rest of the sentence's words. Each is a [`bucket`].

use super::super::cues::Hit;
use super::super::ontology::{EventClass, EventKind};
use super::super::roles::{Relation, RoleMention};
use super::super::Modality;
use crate::gazetteer::Kind;
use crate::resolve::MentionType;
use crate::text::sentences::{Tok, TokKind};
use std::hash::Hasher;

macro_rules! dense_features {
    ($($name:ident),* $(,)?) => {
        /// Indices into the location feature vector.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, Copy)]
        #[repr(usize)]
        enum F { $($name,)* }
        /// The location features' names, in vector order (the training dump's header).
        pub const LOCATION_FEATURES: &[&str] = &[$(stringify!($name),)*];
    };
}

dense_features! {
    rel_location, rel_agent, rel_origin, rel_topic, rel_source, rel_organisation, rel_container, rel_goal, rel_other,
    mt_place, mt_demonym, mt_embedded, mt_metonym,
    kind_continent, kind_country, kind_region, kind_admin1, kind_admin2, kind_city, kind_physical, kind_other,
    rule_located, rule_contained, rule_locations_in_clause,
    class_battles, class_explosions, class_violence_civilians, class_protests, class_riots, class_strategic,
    class_natural_disaster, class_man_made_disaster, class_diplomacy, class_organized_crime, class_statement,
    mod_reported, mod_planned, mod_threatened, mod_hypothetical, mod_denied,
    before_trigger, tokens_to_trigger, clause_index, clauses, first_clause_with_place,
    mentions_in_clause, index_in_clause, resolved_in_sentence, index_in_sentence,
    prev_in, prev_at, prev_near, prev_of, prev_from, prev_to, prev_into, prev_outside, prev_on, prev_across,
    prev_and, prev_comma, prev_the, prev_towards, prev_over, prev_about, prev_by, prev_with, prev_for,
    prev_against, prev_between, prev_around, prev_through, prev_inside, prev_paren, prev_other_word, prev_none,
    place_noun_of, place_noun_before, compass_before,
    next_comma, next_period, next_possessive, next_and, next_place_noun, next_said, next_paren, next_in,
    next_on, next_near, next_close_paren, next_hyphen, next_other_word, next_none,
    in_parentheses, sentence_start, sentence_tokens, confidence, is_area,
    listed_with_previous, appositive_to_previous, previous_is_location, same_place_earlier,
    cues_in_clause, trigger_is_statement, trigger_is_diplomacy,
    unlisted_name_before, unlisted_name_then_preposition, violent_cue_in_clause, year_in_sentence,
    reporting_in_sentence,
}

/// The length of the location feature vector.
pub const LOCATION_FEATURE_COUNT: usize = LOCATION_FEATURES.len();

/// What the location features of one mention are computed from: the
/// sentence as the event stage sees it. Byte offsets are into the sentence.
pub(crate) struct MentionContext<'a> {
    pub sentence: &'a str,
    /// The sentence in lower case, same byte length as the sentence.
    pub lower: &'a str,
    pub toks: &'a [Tok],
    pub clause_index: usize,
    pub clauses: usize,
    /// True when no earlier clause of the sentence had a place.
    pub first_clause_with_place: bool,
    /// The trigger's byte offset.
    pub trigger: usize,
    pub class: EventClass,
    pub modality: Modality,
    pub trigger_cue_is_statement: bool,
    pub trigger_cue_is_diplomacy: bool,
    pub cues: usize,
    /// The clause has a cue of violence (attack, harm, clash, weapons).
    pub violent_cue: bool,
    /// Every mention of the sentence, in order, and its relation and place.
    pub mentions: &'a [RoleMention],
    pub relations: &'a [Relation],
    pub confidences: &'a [f64],
    pub place_ids: &'a [Option<&'a str>],
    /// Indices (into `mentions`) of the clause's mentions.
    pub in_clause: &'a [usize],
    /// The mentions the rules chose as the clause's locations, and the ones
    /// they took for wider areas of another location.
    pub rule_located: &'a [usize],
    pub contained: &'a [usize],
}

const PLACE_NOUNS: &[&str] = &[
    "city",
    "town",
    "village",
    "district",
    "province",
    "region",
    "area",
    "suburb",
    "neighbourhood",
    "neighborhood",
    "governorate",
    "state",
    "county",
    "municipality",
    "capital",
    "camp",
    "settlement",
    "locality",
    "countryside",
    "outskirts",
    "border",
    "port",
    "island",
    "valley",
    "coast",
    "community",
    "commune",
    "township",
    "department",
    "division",
    "zone",
    "sector",
    "villages",
    "towns",
    "areas",
    "districts",
    "provinces",
    "cities",
];
const COMPASS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
];

fn word<'a>(lower: &'a str, t: &Tok) -> &'a str {
    &lower[t.start..t.end]
}

/// The location features of mention `i` (an index into `ctx.mentions`).
pub(crate) fn location_features(ctx: &MentionContext<'_>, i: usize) -> [f32; LOCATION_FEATURE_COUNT] {
    let mut x = [0f32; LOCATION_FEATURE_COUNT];
    let mut set = |f: F, v: f32| x[f as usize] = v;
    let m = &ctx.mentions[i];
    set(
        match ctx.relations[i] {
            Relation::Location => F::rel_location,
            Relation::Agent => F::rel_agent,
            Relation::Origin => F::rel_origin,
            Relation::Topic => F::rel_topic,
            Relation::Source => F::rel_source,
            Relation::Organisation => F::rel_organisation,
            Relation::Container => F::rel_container,
            Relation::Goal => F::rel_goal,
            Relation::Other => F::rel_other,
        },
        1.0,
    );
    set(
        match m.mention_type {
            MentionType::Place => F::mt_place,
            MentionType::Demonym => F::mt_demonym,
            MentionType::Embedded => F::mt_embedded,
            MentionType::Metonym => F::mt_metonym,
        },
        1.0,
    );
    if let Some(k) = m.kind {
        set(
            match k {
                Kind::Continent => F::kind_continent,
                Kind::Country => F::kind_country,
                Kind::Region => F::kind_region,
                Kind::Admin1 => F::kind_admin1,
                Kind::Admin2 => F::kind_admin2,
                Kind::City => F::kind_city,
                Kind::Physical => F::kind_physical,
                Kind::Other => F::kind_other,
            },
            1.0,
        );
        set(
            F::is_area,
            f32::from(matches!(k, Kind::Continent | Kind::Country | Kind::Region | Kind::Admin1 | Kind::Admin2)),
        );
    }
    set(F::rule_located, f32::from(ctx.rule_located.contains(&i)));
    set(F::rule_contained, f32::from(ctx.contained.contains(&i)));
    set(F::rule_locations_in_clause, ctx.rule_located.len() as f32);
    set(
        match ctx.class {
            EventClass::Battles => F::class_battles,
            EventClass::ExplosionsRemoteViolence => F::class_explosions,
            EventClass::ViolenceAgainstCivilians => F::class_violence_civilians,
            EventClass::Protests => F::class_protests,
            EventClass::Riots => F::class_riots,
            EventClass::StrategicDevelopments => F::class_strategic,
            EventClass::NaturalDisaster => F::class_natural_disaster,
            EventClass::ManMadeDisaster => F::class_man_made_disaster,
            EventClass::Diplomacy => F::class_diplomacy,
            EventClass::OrganizedCrime => F::class_organized_crime,
            EventClass::Statement => F::class_statement,
        },
        1.0,
    );
    set(
        match ctx.modality {
            Modality::Reported => F::mod_reported,
            Modality::Planned => F::mod_planned,
            Modality::Threatened => F::mod_threatened,
            Modality::Hypothetical => F::mod_hypothetical,
            Modality::Denied => F::mod_denied,
        },
        1.0,
    );
    // Token positions: the first token of the mention, the one after it, the trigger's.
    let toks = ctx.toks;
    let first = toks.partition_point(|t| t.end <= m.start);
    let after = toks.partition_point(|t| t.start < m.end);
    let trig = toks.partition_point(|t| t.end <= ctx.trigger);
    set(F::before_trigger, f32::from(m.start < ctx.trigger));
    set(F::tokens_to_trigger, (first.abs_diff(trig).min(40)) as f32);
    set(F::clause_index, ctx.clause_index as f32);
    set(F::clauses, ctx.clauses as f32);
    set(F::first_clause_with_place, f32::from(ctx.first_clause_with_place));
    set(F::mentions_in_clause, ctx.in_clause.len() as f32);
    set(F::index_in_clause, ctx.in_clause.iter().position(|&j| j == i).unwrap_or(0) as f32);
    set(F::resolved_in_sentence, ctx.place_ids.iter().filter(|p| p.is_some()).count() as f32);
    set(F::index_in_sentence, i as f32);
    let lower = ctx.lower;
    let prev = first.checked_sub(1).map(|k| &toks[k]);
    let prev_word = prev.map(|t| word(lower, t));
    set(
        match prev_word {
            None => F::prev_none,
            Some("in") => F::prev_in,
            Some("at") => F::prev_at,
            Some("near" | "nearby") => F::prev_near,
            Some("of") => F::prev_of,
            Some("from") => F::prev_from,
            Some("to") => F::prev_to,
            Some("into" | "onto") => F::prev_into,
            Some("outside") => F::prev_outside,
            Some("on") => F::prev_on,
            Some("across" | "throughout") => F::prev_across,
            Some("and" | "or") => F::prev_and,
            Some(",") => F::prev_comma,
            Some("the") => F::prev_the,
            Some("towards" | "toward") => F::prev_towards,
            Some("over") => F::prev_over,
            Some("about") => F::prev_about,
            Some("by") => F::prev_by,
            Some("with") => F::prev_with,
            Some("for") => F::prev_for,
            Some("against") => F::prev_against,
            Some("between") => F::prev_between,
            Some("around") => F::prev_around,
            Some("through") => F::prev_through,
            Some("inside" | "within") => F::prev_inside,
            Some("(") => F::prev_paren,
            Some(_) => F::prev_other_word,
        },
        1.0,
    );
    let before = |k: usize| first.checked_sub(k).map(|j| word(lower, &toks[j]));
    // "the town of X", "the village of X".
    set(F::place_noun_of, f32::from(prev_word == Some("of") && before(2).is_some_and(|w| PLACE_NOUNS.contains(&w))));
    set(F::place_noun_before, f32::from(prev_word.is_some_and(|w| PLACE_NOUNS.contains(&w))));
    set(F::compass_before, f32::from((1..=3).any(|k| before(k).is_some_and(|w| COMPASS.contains(&w)))));
    let next = toks.get(after).map(|t| word(lower, t));
    let possessive =
        lower[m.end.min(lower.len())..].starts_with("'s") || lower[m.end.min(lower.len())..].starts_with("’s");
    set(
        match next {
            _ if possessive => F::next_possessive,
            None => F::next_none,
            Some(",") => F::next_comma,
            Some(".") => F::next_period,
            Some("and" | "or") => F::next_and,
            Some("said" | "says" | "told") => F::next_said,
            Some("(") => F::next_paren,
            Some(")") => F::next_close_paren,
            Some("in") => F::next_in,
            Some("on") => F::next_on,
            Some("near") => F::next_near,
            Some("-" | "—" | "–") => F::next_hyphen,
            Some(w) if PLACE_NOUNS.contains(&w) => F::next_place_noun,
            Some(_) => F::next_other_word,
        },
        1.0,
    );
    let head = &lower[..m.start.min(lower.len())];
    set(F::in_parentheses, f32::from(head.rfind('(').is_some_and(|p| !head[p..].contains(')'))));
    set(F::sentence_start, f32::from(first == 0 || (first == 1 && toks[0].kind == TokKind::Punct)));
    set(F::sentence_tokens, (toks.len().min(120)) as f32);
    set(F::confidence, ctx.confidences[i] as f32);
    if i > 0 {
        let p = &ctx.mentions[i - 1];
        let gap = lower.get(p.end.min(m.start)..m.start).unwrap_or("");
        let words: Vec<&str> = gap.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        set(
            F::listed_with_previous,
            f32::from(words.len() <= 3 && words.iter().any(|w| *w == "and" || *w == "or") || gap.trim() == ","),
        );
        let t = gap.trim();
        set(F::appositive_to_previous, f32::from(!t.is_empty() && t.chars().all(|c| matches!(c, ',' | '(' | ' '))));
        set(F::previous_is_location, f32::from(ctx.relations[i - 1] == Relation::Location));
    }
    set(F::same_place_earlier, f32::from(ctx.place_ids[i].is_some() && ctx.place_ids[..i].contains(&ctx.place_ids[i])));
    set(F::cues_in_clause, ctx.cues as f32);
    set(F::trigger_is_statement, f32::from(ctx.trigger_cue_is_statement));
    set(F::trigger_is_diplomacy, f32::from(ctx.trigger_cue_is_diplomacy));
    set(F::violent_cue_in_clause, f32::from(ctx.violent_cue));
    // A capitalised word no mention covers, after the previous mention and
    // within eight tokens: a place the gazetteer lacks, the likelier
    // location ("the village of Ashmi in Kobane", "Tin Ma Village").
    let from = if i > 0 { toks.partition_point(|t| t.start < ctx.mentions[i - 1].end) } else { 0 };
    let window = first.saturating_sub(8).max(from)..first;
    let capitalised = |k: usize| {
        let t = &toks[k];
        k > 0
            && t.kind == TokKind::Word
            && ctx.sentence[t.start..].chars().next().is_some_and(char::is_uppercase)
            && !ctx.mentions.iter().any(|m| m.start <= t.start && t.end <= m.end)
    };
    let unlisted = window.clone().any(|k| {
        capitalised(k)
            && ((k >= 2 && word(lower, &toks[k - 1]) == "of" && PLACE_NOUNS.contains(&word(lower, &toks[k - 2])))
                || toks.get(k + 1).is_some_and(|n| PLACE_NOUNS.contains(&word(lower, n))))
    });
    set(F::unlisted_name_before, f32::from(unlisted));
    let then_prep = first >= 2
        && matches!(prev_word, Some("in" | "near" | "of" | "outside"))
        && (capitalised(first - 2) || (first >= 3 && word(lower, &toks[first - 2]) == "," && capitalised(first - 3)));
    set(F::unlisted_name_then_preposition, f32::from(then_prep));
    set(
        F::year_in_sentence,
        f32::from(toks.iter().any(|t| {
            t.kind == TokKind::Num
                && t.end - t.start == 4
                && lower[t.start..t.end].parse::<u32>().is_ok_and(|y| (1800..=2100).contains(&y))
        })),
    );
    set(
        F::reporting_in_sentence,
        f32::from(toks.iter().any(|t| {
            matches!(word(lower, t), "said" | "says" | "told" | "according" | "reported" | "stated" | "announced")
        })),
    );
    x
}

/// The number of hash buckets of the sparse features.
pub const BUCKETS: u32 = 1 << 20;

/// The bucket of feature `value` in namespace `ns`: FNV-1a (64 bit) of the
/// namespace, a 0xff byte and the value with every ASCII digit written as
/// `0` (counts and dates carry no type), modulo [`BUCKETS`]. FNV-1a is fixed
/// by its specification, so shipped weights keep their meaning across builds.
pub fn bucket(ns: &str, value: &str) -> u32 {
    bucket_words(ns, &[value])
}

/// [`bucket`] of the words joined by single spaces, without building the string.
pub fn bucket_words(ns: &str, words: &[&str]) -> u32 {
    let mut h = fnv::FnvHasher::default();
    h.write(ns.as_bytes());
    h.write_u8(0xff);
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            h.write_u8(b' ');
        }
        for b in w.bytes() {
            h.write_u8(if b.is_ascii_digit() { b'0' } else { b });
        }
    }
    (h.finish() % u64::from(BUCKETS)) as u32
}

/// The sparse sub-event features of a clause: `rule` (the rules' kind),
/// `class`, `cue` (each cue as written), `w` and `b` (the clause's words and
/// word pairs, punctuation left out), `s` (the sentence's other words).
/// Buckets are appended to `out`.
pub(crate) fn sub_event_features(
    lower: &str,
    toks: &[Tok],
    clause: (usize, usize),
    kind: EventKind,
    hits: &[Hit],
    out: &mut Vec<u32>,
) {
    let rule = kind.sub_event_type.map_or(kind.class.as_str(), |s| s.as_str());
    out.push(bucket("rule", rule));
    out.push(bucket("class", kind.class.as_str()));
    for h in hits {
        out.push(bucket("cue", &h.text));
    }
    let mut prev: Option<&str> = None;
    for t in toks.iter().filter(|t| t.kind != TokKind::Punct) {
        let w = &lower[t.start..t.end];
        if t.start >= clause.0 && t.end <= clause.1 {
            out.push(bucket("w", w));
            if let Some(p) = prev {
                out.push(bucket_words("b", &[p, w]));
            }
            prev = Some(w);
        } else {
            out.push(bucket("s", w));
        }
    }
}
