//! Trigger words: what a clause reports, read from a cue lexicon, and the
//! event kind the cues of one clause add up to ([`decide`]).
//!
//! Cues are matched with Aho-Corasick over the lower-cased clause, all at once and overlapping, and kept only at
//! word boundaries: a cue ending in `*` is a word prefix ("attack*" matches
//! "attacks", "attacked"), others must end at a word boundary too. A cue inside
//! a longer matched cue is dropped ("fire" inside "opened fire").
//!
//! A cue is a [`Cue`]: some name an ACLED sub-event type outright (an air
//! strike, an IED), some are evidence that combines (a protest word with a
//! dispersal word is a protest with intervention; an attack word with an
//! armed target is an armed clash), some only report an outcome (killed,
//! wounded) and type nothing on their own beyond an attack. [`decide`] applies
//! the combinations in a fixed order, documented there. A clause with no cue
//! reports no event.

use super::ontology::{AcledSubEventType as S, EventClass, EventKind};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

/// What a cue says about the clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cue {
    /// From the air: "airstrike", "drone strike", "warplane", "helicopter gunship".
    Air,
    /// Indirect fire: "shelling", "artillery", "mortar", "rocket", "missile".
    Shelling,
    /// A planted or thrown explosive: "IED", "roadside bomb", "landmine", "car bomb", "explosion".
    Explosive,
    /// A suicide attack: "suicide bomber", "blew himself up", "suicide vest".
    Suicide,
    /// "grenade" and its forms.
    Grenade,
    /// Chemical weapons: "sarin", "chlorine gas", "nerve agent".
    Chemical,
    /// Fighting between armed parties: "clashes", "gun battle", "ambush", "exchange of fire".
    Clash,
    /// Taking a place: "took control of", "captured", "overran", "entered".
    Capture,
    /// Taking a place back: "regained control", "recaptured", "retook".
    Regain,
    /// Taking people: "abducted", "kidnapped", "hostages", "forcibly disappeared".
    Abduction,
    /// Sexual violence: "rape", "sexual assault", "molested".
    Sexual,
    /// An act of violence: "attacked", "opened fire", "stabbed", "raided".
    AttackAct,
    /// An outcome: "killed", "died", "wounded". Alone, an attack.
    Harm,
    /// A demonstration: "protest", "rally", "sit-in", "on strike", "boycott", "blockade".
    Protest,
    /// Police acting on a protest: "dispersed", "tear gas", "baton".
    Intervention,
    /// Violence by a crowd: "riot", "threw stones", "torched", "vandalised".
    RiotAct,
    /// A crowd taking violence into its hands: "mob", "lynched", "vigilantes", "angry villagers".
    Mob,
    /// "arrested", "detained", "in custody", "rounded up".
    Arrest,
    /// Destruction of property: "looted", "destroyed", "demolished", "burned down".
    Looting,
    /// Weapons taken or made harmless: "defused", "weapons cache", "confiscated", "shot down", "intercepted".
    WeaponsSeized,
    /// Setting up a base, headquarters, camp or checkpoint.
    Base,
    /// An agreement: "signed", "ceasefire", "truce", "peace deal", "prisoner exchange".
    Agreement,
    /// Handing over or leaving territory: "handed over", "withdrew from", "pulled out of".
    Transfer,
    /// Deployments, curfews, border closures, alerts, advances.
    GroupChange,
    /// Earthquakes, floods, storms, wildfires, landslides, droughts, epidemics ([`EventClass::NaturalDisaster`]).
    NaturalDisaster,
    /// Accidents: "crash", "derailed", "collapsed", "capsized", "gas leak", "stampede"
    /// ([`EventClass::ManMadeDisaster`]).
    ManMadeDisaster,
    /// Organised crime: "cartel", "drug trafficking", "smuggling", "extortion" ([`EventClass::OrganizedCrime`]).
    Crime,
    /// Diplomacy: "visit", "talks", "phone call", "summit", "envoy" ([`EventClass::Diplomacy`]).
    Diplomacy,
    /// Something said: "said", "condemned", "warned", "accused", "denied" ([`EventClass::Statement`]).
    Statement,
    /// Context only: an armed party as the target ("positions", "soldiers").
    ArmedTarget,
    /// Context only: fire by the state at a crowd ("live ammunition").
    LethalForce,
}

#[rustfmt::skip]
const LEXICON: &[(Cue, &[&str])] = &[
    (Cue::Air, &[
        "airstrike*", "air strike*", "air-strike*", "air raid*", "airraid*", "drone strike*", "drone attack*",
        "warplane*", "war plane*", "fighter jet*", "jets", "helicopter gunship*", "gunship*", "aerial bombardment*",
        "aerial attack*", "air force", "aircraft", "drones", "drone", "bombed from the air", "uav", "uavs",
    ]),
    (Cue::Shelling, &[
        "shell", "shells", "shelled", "shelling*", "artillery", "mortar*", "rocket*", "missile*", "projectile*",
        "katyusha*", "howitzer*", "atgm*", "anti-tank", "rpg", "rpgs", "grad", "mlrs", "tank fire", "bombard*",
        "heavy weapons", "heavy weaponry", "ordnance", "grenade launcher*", "grenade-launcher*",
    ]),
    (Cue::Explosive, &[
        "ied", "ieds", "improvised explosive*", "roadside bomb*", "landmine*", "land mine*", "mine explosion*",
        "mine blast*", "explosive device*", "car bomb*", "vbied*", "bomb exploded", "bomb went off", "bomb blast*",
        "booby trap*", "booby-trap*", "sticky bomb*", "magnetic bomb*", "bomb attack*", "bombing*", "explosion*",
        "exploded", "blast", "blasts", "detonat*", "uxo", "unexploded", "bomb", "bombs", "mine", "mines",
    ]),
    (Cue::Suicide, &["suicide bomb*", "suicide attack*", "suicide car bomb*", "blew himself up", "blew herself up", "suicide vest*"]),
    (Cue::Grenade, &["grenade*"]),
    (Cue::Chemical, &["chemical weapon*", "chemical attack*", "sarin", "chlorine gas", "mustard gas", "nerve agent*", "toxic gas"]),
    (Cue::Clash, &[
        "clash*", "fought", "fighting", "fight", "fights", "battle*", "gunfight*", "gun battle*", "firefight*",
        "exchange of fire", "exchanged fire", "exchanging fire", "exchange fire", "skirmish*", "shootout*",
        "shoot-out*", "ambush*", "repelled", "repulsed", "hostilities", "counter-attack*", "counterattack*",
        "combat", "infiltration attempt*", "engaged", "offensive",
    ]),
    (Cue::Capture, &[
        "took control", "taken control", "take control", "takes control", "taking control", "seized control",
        "gained control", "gaining control", "lost control", "losing control", "captured", "captures", "capture",
        "capturing", "overran", "overrun", "took over", "taken over", "fell to", "entered", "grab of territory",
        "gained ground", "lost territory", "losing territory", "seized", "seizing",
    ]),
    (Cue::Regain, &[
        "regained control", "regain control", "regained", "regains", "retook", "retaken", "retake", "recaptur*",
        "re-captur*", "liberated", "liberating", "reclaimed", "took back", "taken back", "take back",
    ]),
    (Cue::Abduction, &["abduct*", "kidnap*", "hostage*", "held captive", "forcibly disappeared", "enforced disappearance*"]),
    (Cue::Sexual, &["rape", "raped", "rapes", "raping", "gang-rape*", "sexual*", "sexually", "molest*"]),
    (Cue::AttackAct, &[
        "attack*", "assault*", "stormed", "storming", "opened fire", "fired", "firing", "shot", "shooting*",
        "gunmen", "gunman", "stabbed", "stabbing*", "beat", "beaten", "beating*", "hacked", "tortur*", "executed",
        "execution*", "beheaded", "massacre*", "assassinat*", "raid", "raids", "raided", "targeted", "struck",
        "hit", "burned alive", "set ablaze",
    ]),
    (Cue::Harm, &[
        "killed", "killing*", "kill", "kills", "murder*", "shot dead", "gunned down", "dead", "died", "death*",
        "body", "bodies", "wounded", "wounding", "injured", "injuring", "injuries", "casualt*", "fatalit*",
        "slain", "lost their lives", "lost his life", "lost her life",
    ]),
    (Cue::Protest, &[
        "protest*", "demonstrat*", "rally", "rallies", "rallied", "marched", "marchers", "sit-in*", "picket*",
        "went on strike", "on strike", "hunger strike*", "general strike*", "strikers", "boycott*", "vigil*",
        "chanted", "chanting", "slogans", "placards", "blocked", "blockade*", "staged", "agitat*", "dharna",
        "bandh", "hartal",
    ]),
    (Cue::Intervention, &[
        "dispersed", "disperse", "dispersing", "tear gas", "teargas", "tear-gas", "water cannon*", "baton*",
        "lathi*", "intervened", "intervene", "rubber bullets", "pepper spray", "broke up", "cracked down",
    ]),
    (Cue::LethalForce, &["live ammunition", "live fire", "live rounds"]),
    (Cue::RiotAct, &[
        "riot*", "violent*", "stone pelting", "stone-pelting", "pelted", "pelting", "threw stones",
        "hurled stones", "throwing stones", "threw rocks", "torched", "set fire", "set on fire", "vandali*",
        "ransacked", "clashed", "petrol bomb*", "molotov*",
    ]),
    (Cue::Mob, &["mob", "mobs", "lynch*", "vigilante*", "angry crowd*", "angry villagers", "angry residents"]),
    (Cue::Arrest, &["arrest*", "detain*", "apprehend*", "custody", "nabbed", "rounded up", "detention*"]),
    (Cue::Looting, &[
        "loot*", "destroyed", "destroying", "demolish*", "razed", "burned down", "burnt down", "set fire to",
        "plunder*", "property destruction", "bulldoz*", "damaged", "burned", "burnt", "torched houses",
    ]),
    (Cue::WeaponsSeized, &[
        "defused", "defuse*", "dismantled", "weapons cache*", "arms cache*", "seized weapons", "seized arms",
        "confiscated", "shot down", "intercepted", "downed", "demined", "demining", "cleared mines",
        "neutralized", "neutralised", "bomb disposal", "mine clearance",
    ]),
    (Cue::Base, &[
        "established a base", "set up a base", "new base", "established a military base", "set up a military base",
        "established headquarters", "set up headquarters", "new headquarters", "set up a camp", "established a camp",
        "established a position", "set up a checkpoint", "established a checkpoint",
    ]),
    (Cue::Agreement, &[
        "agreement*", "signed", "peace deal*", "accord", "accords", "truce", "ceasefire", "cease-fire",
        "prisoner exchange*", "prisoner swap*", "exchange of prisoners", "reconciliation",
    ]),
    (Cue::Transfer, &["handed over", "handover", "withdrew from", "withdrawn from", "pulled out of", "withdrawal from"]),
    (Cue::GroupChange, &[
        "deploy*", "redeploy*", "reinforcement*", "mobiliz*", "mobilis*", "curfew*", "recruit*", "patrol*",
        "sealed", "border closure*", "closed the border*", "closed its border*", "on standby", "high alert",
        "on alert", "convoy*", "troop movement*", "military buildup", "military build-up", "advancing", "advanced",
        "advance", "advances", "defected", "defection*", "launched an operation", "military operation*",
        "security operation*", "search operation*", "cordon*",
    ]),
    (Cue::NaturalDisaster, &[
        "earthquake*", "quake*", "tremor*", "flood*", "storm", "storms", "tropical storm*", "cyclone*",
        "hurricane*", "typhoon*", "tornado*", "wildfire*", "bushfire*", "forest fire*", "landslide*",
        "mudslide*", "drought*", "tsunami*", "volcan*", "eruption*", "avalanche*", "heatwave*", "heat wave*",
        "blizzard*", "torrential", "monsoon rain*", "heavy rain*", "outbreak*", "epidemic*", "locust*",
        "lightning",
    ]),
    (Cue::ManMadeDisaster, &[
        "crash*", "collision*", "collided", "derail*", "collapsed", "collapse", "capsized", "capsize*",
        "sank", "fire broke out", "blaze", "gas leak*", "oil spill*", "chemical leak*", "stampede*",
        "accident*", "factory fire*", "industrial fire*", "plane crash*", "train crash*",
    ]),
    (Cue::Crime, &[
        "cartel*", "drug traffick*", "traffickers", "trafficking", "smuggl*", "narcotic*", "cocaine", "heroin",
        "methamphetamine", "marijuana", "cannabis", "money laundering", "extortion", "organized crime",
        "organised crime", "drug lord*", "drug dealer*", "criminal gang*", "criminal group*",
    ]),
    (Cue::Diplomacy, &[
        "visit*", "talks", "phone call*", "telephone call*", "phoned", "spoke by phone", "spoke by telephone",
        "talked with", "talked to", "spoke with", "met", "meets", "meeting*", "summit*", "negotiat*", "envoy*",
        "hosted", "delegation*", "travelled to", "traveled to", "flew to", "arrived in", "held talks",
        "diplomat*", "ambassador*", "bilateral", "counterpart*", "go to", "travel to", "fly to", "head to",
    ]),
    (Cue::Statement, &[
        "said", "says", "statement*", "announc*", "expressed", "concern*", "condemn*", "warned", "warns",
        "warning", "urged", "urges", "called for", "calls for", "declared", "stated", "told", "denied", "denies",
        "claimed", "claims", "vowed", "accused", "blamed", "criticized", "criticised", "welcomed", "confirmed",
        "insisted", "emphasized", "emphasised", "stressed", "threatened", "reported", "backs", "backed",
    ]),
    (Cue::ArmedTarget, &[
        "positions", "position", "soldier*", "troops", "forces", "army", "military", "militants", "militant",
        "fighters", "rebels", "insurgents", "checkpoint*", "police", "policemen", "policeman", "officers",
        "personnel", "base", "outpost*", "patrol", "convoy", "militia*", "jihadists", "terrorists", "gunmen",
        "frontline*", "front line*", "front",
    ]),
];

struct Matcher {
    ac: AhoCorasick,
    /// Per pattern: (cue, prefix cue).
    meta: Vec<(Cue, bool)>,
}

fn matcher() -> &'static Matcher {
    static M: OnceLock<Matcher> = OnceLock::new();
    M.get_or_init(|| {
        let mut patterns = Vec::new();
        let mut meta = Vec::new();
        for (cue, words) in LEXICON {
            for w in *words {
                patterns.push(w.trim_end_matches('*'));
                meta.push((*cue, w.ends_with('*')));
            }
        }
        #[expect(clippy::expect_used, reason = "the lexicon is a constant: every test builds it")]
        let ac = AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(&patterns).expect("cue lexicon");
        Matcher { ac, meta }
    })
}

/// One cue found in a text: byte offsets into the text given, the cue as
/// written (lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Byte offset of the cue's start in the text given.
    pub start: usize,
    /// Byte offset after the cue (exclusive); for a prefix cue ("attack*") the end of the word.
    pub end: usize,
    /// What the cue says.
    pub cue: Cue,
    /// The matched text, lower-cased (a letter whose lower case has another UTF-8 length is kept as written).
    pub text: String,
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// The cues of `text`, in text order; offsets are bytes of `text`.
pub fn find(text: &str) -> Vec<Hit> {
    find_in(&lower_same_len(text))
}

/// Lower case that keeps every byte offset: a letter whose lower case has
/// another UTF-8 length stays as it is (the lexicon is ASCII).
pub(crate) fn lower_same_len(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars()
        .map(|c| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) if x.len_utf8() == c.len_utf8() => x,
                _ => c,
            }
        })
        .collect()
}

/// [`find`] over text already lower-cased by [`lower_same_len`].
pub(crate) fn find_in(lower: &str) -> Vec<Hit> {
    let m = matcher();
    let mut hits: Vec<Hit> = Vec::new();
    for mat in m.ac.find_overlapping_iter(lower) {
        let (cue, prefix) = m.meta[mat.pattern().as_usize()];
        let (s, mut e) = (mat.start(), mat.end());
        if is_word_char(lower[..s].chars().next_back()) {
            continue;
        }
        if prefix {
            e += lower[e..].find(|c: char| !c.is_alphanumeric()).unwrap_or(lower.len() - e);
        } else if is_word_char(lower[e..].chars().next()) {
            continue;
        }
        hits.push(Hit { start: s, end: e, cue, text: lower[s..e].to_string() });
    }
    // Drop cues inside a longer one.
    let spans: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
    hits.retain(|h| !spans.iter().any(|&(s, e)| s <= h.start && h.end <= e && (e - s) > (h.end - h.start)));
    hits.sort_by_key(|h| (h.start, h.end));
    hits.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.cue == b.cue);
    hits
}

/// The kind a clause's cues add up to, and the cues that decided it; `None`
/// when no cue reports an event (context cues alone report nothing).
///
/// The order, first match wins:
/// 1. protest words: with lethal force or harm, *Excessive force against
///    protesters*; with riot acts, *Violent demonstration*; with an
///    intervention or an arrest, *Protest with intervention*; else *Peaceful
///    protest*;
/// 2. mob words: *Mob violence*; riot acts: *Violent demonstration*;
/// 3. natural disasters (an earthquake that kills is still an earthquake);
/// 4. weapons seized or defused (a shot-down drone is not an air strike);
/// 5. explosive weapons: suicide, chemical, grenade, IED or bomb, air or
///    drone, shelling (a missile);
/// 6. taking places: regained, *Government regains territory*; captured,
///    *Non-state actor overtakes territory* — both only when `place_follows`
///    says a place or area is what was taken;
/// 7. clashes, and attacks on armed targets: *Armed clash*;
/// 8. abduction, sexual violence, attacks and harm: *Attack*;
/// 9. man-made disasters; looting and destruction; arrests (organised crime
///    when crime words come with them); agreements; bases; transfers;
///    deployments and alerts (*Change to group/activity*);
/// 10. organised crime; diplomacy; statements.
pub fn decide(hits: &[Hit], place_follows: impl Fn(&Hit) -> bool) -> Option<(EventKind, Vec<String>)> {
    let has = |c: Cue| hits.iter().any(|h| h.cue == c);
    let capture_ok = |c: Cue| hits.iter().any(|h| h.cue == c && place_follows(h));
    let acled = |s: S, cues: &[Cue]| Some((EventKind::acled(s), cue_texts(hits, cues)));
    let other = |c: EventClass, cues: &[Cue]| Some((EventKind::other(c), cue_texts(hits, cues)));
    if has(Cue::Protest) {
        let killed = hits.iter().any(|h| {
            h.cue == Cue::Harm && matches!(h.text.as_str(), "shot dead" | "killed" | "killing" | "gunned down")
        });
        if has(Cue::LethalForce) || killed || (has(Cue::Harm) && (has(Cue::AttackAct) || has(Cue::Intervention))) {
            return acled(S::ExcessiveForceAgainstProtesters, &[Cue::Protest, Cue::LethalForce, Cue::Harm]);
        }
        if has(Cue::RiotAct) || has(Cue::Looting) {
            return acled(S::ViolentDemonstration, &[Cue::Protest, Cue::RiotAct, Cue::Looting]);
        }
        // An arrest as the protest's cause ("against the arrest of") is no intervention.
        let arrested = hits
            .iter()
            .any(|h| h.cue == Cue::Arrest && (h.text.starts_with("arrested") || h.text.starts_with("detained")));
        if has(Cue::Intervention) || arrested {
            return acled(S::ProtestWithIntervention, &[Cue::Protest, Cue::Intervention, Cue::Arrest]);
        }
        // A protest word next to explosive weapons or a clash is a background
        // mention ("shelling ... despite protests").
        if !(has(Cue::Air) || has(Cue::Shelling) || has(Cue::Clash)) {
            return acled(S::PeacefulProtest, &[Cue::Protest]);
        }
    }
    if has(Cue::Mob) {
        return acled(S::MobViolence, &[Cue::Mob]);
    }
    if hits.iter().any(|h| h.cue == Cue::RiotAct && h.text.starts_with("riot")) {
        return acled(S::ViolentDemonstration, &[Cue::RiotAct]);
    }
    if has(Cue::NaturalDisaster) {
        return other(EventClass::NaturalDisaster, &[Cue::NaturalDisaster]);
    }
    if has(Cue::WeaponsSeized) {
        return acled(S::DisruptedWeaponsUse, &[Cue::WeaponsSeized]);
    }
    for (cue, sub) in [(Cue::Suicide, S::SuicideBomb), (Cue::Chemical, S::ChemicalWeapon), (Cue::Grenade, S::Grenade)] {
        if has(cue) {
            return acled(sub, &[cue]);
        }
    }
    // A bomb from the air is an air strike; "explosions" after shelling are its effect.
    if has(Cue::Air) {
        return acled(S::AirDroneStrike, &[Cue::Air]);
    }
    if has(Cue::Shelling) {
        return acled(S::ShellingArtilleryMissileAttack, &[Cue::Shelling]);
    }
    if has(Cue::Explosive) && !has(Cue::ManMadeDisaster) {
        return acled(S::RemoteExplosiveLandmineIed, &[Cue::Explosive]);
    }
    if has(Cue::Crime) && !has(Cue::AttackAct) && !has(Cue::Harm) && !has(Cue::Clash) {
        return other(EventClass::OrganizedCrime, &[Cue::Crime, Cue::Arrest]);
    }
    if capture_ok(Cue::Regain) {
        return acled(S::GovernmentRegainsTerritory, &[Cue::Regain]);
    }
    if capture_ok(Cue::Capture) && !has(Cue::Arrest) {
        return acled(S::NonStateActorOvertakesTerritory, &[Cue::Capture]);
    }
    // An attack on an armed target (after the attack word): "attacked army positions".
    let on_armed = hits
        .iter()
        .any(|a| a.cue == Cue::AttackAct && hits.iter().any(|t| t.cue == Cue::ArmedTarget && t.start >= a.end));
    if has(Cue::Clash) || on_armed {
        return acled(S::ArmedClash, &[Cue::Clash, Cue::AttackAct]);
    }
    if has(Cue::Abduction) {
        return acled(S::AbductionForcedDisappearance, &[Cue::Abduction]);
    }
    if has(Cue::Sexual) {
        return acled(S::SexualViolence, &[Cue::Sexual]);
    }
    if has(Cue::ManMadeDisaster) {
        return other(EventClass::ManMadeDisaster, &[Cue::ManMadeDisaster, Cue::Explosive]);
    }
    if has(Cue::Crime) && !has(Cue::AttackAct) && !has(Cue::Harm) {
        return other(EventClass::OrganizedCrime, &[Cue::Crime, Cue::Arrest]);
    }
    if has(Cue::AttackAct) || has(Cue::Harm) {
        return acled(S::Attack, &[Cue::AttackAct, Cue::Harm]);
    }
    if has(Cue::Looting) {
        return acled(S::LootingPropertyDestruction, &[Cue::Looting]);
    }
    if has(Cue::Arrest) {
        return acled(S::Arrests, &[Cue::Arrest]);
    }
    if has(Cue::Agreement) && !has(Cue::Diplomacy) {
        return acled(S::Agreement, &[Cue::Agreement]);
    }
    if has(Cue::Base) {
        return acled(S::HeadquartersOrBaseEstablished, &[Cue::Base]);
    }
    if has(Cue::Transfer) {
        return acled(S::NonViolentTransferOfTerritory, &[Cue::Transfer]);
    }
    if has(Cue::Regain) || has(Cue::Capture) {
        // Taking something that is not a place: "captured a commander".
        return acled(S::ChangeToGroupActivity, &[Cue::Regain, Cue::Capture]);
    }
    if has(Cue::GroupChange) {
        return acled(S::ChangeToGroupActivity, &[Cue::GroupChange]);
    }
    if has(Cue::Diplomacy) || has(Cue::Agreement) {
        return other(EventClass::Diplomacy, &[Cue::Diplomacy, Cue::Agreement]);
    }
    if has(Cue::Statement) {
        return other(EventClass::Statement, &[Cue::Statement]);
    }
    None
}

/// The texts of the hits of the given cues, in order, without repeats.
fn cue_texts(hits: &[Hit], cues: &[Cue]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for h in hits.iter().filter(|h| cues.contains(&h.cue)) {
        if !out.contains(&h.text) {
            out.push(h.text.clone());
        }
    }
    out
}

/// What opens the topic of a concern or a discussion.
const OPENERS: &[&str] = &[
    "concern over ",
    "concern about ",
    "concern at ",
    "concerns over ",
    "concerns about ",
    "concern\u{201d} about ",
    "concern\" about ",
    "fears over ",
    "fears about ",
    "discussed ",
    "talked about ",
    "spoke about ",
    "the situation in ",
    "alarm over ",
    "worried about ",
    "worries over ",
];

/// Where the topic of a concern or a discussion starts in `clause` (bytes):
/// after "concern(s) over/about/at", "fears over", "discussed", "talked
/// about", "spoke about", "the situation in".
pub fn topic_start(clause: &str) -> Option<usize> {
    topic_start_in(&lower_same_len(clause))
}

/// [`topic_start`] of a clause already lower-cased by [`lower_same_len`].
pub(crate) fn topic_start_in(lower: &str) -> Option<usize> {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    let ac = AC.get_or_init(|| {
        #[expect(clippy::expect_used, reason = "the openers are constants: every test builds them")]
        AhoCorasick::new(OPENERS).expect("topic openers")
    });
    // The earliest end over all matches is each opener's first occurrence's, at best.
    ac.find_overlapping_iter(lower).map(|m| m.end()).min()
}

/// True when the only cues are outcomes or context ("Three civilians were
/// wounded"): such a clause continues the event before it.
pub fn only_outcome(hits: &[Hit]) -> bool {
    !hits.is_empty()
        && hits.iter().all(|h| matches!(h.cue, Cue::Harm | Cue::ArmedTarget | Cue::Statement | Cue::LethalForce))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Option<&'static str> {
        decide(&find(s), |_| true).map(|(k, _)| k.sub_event_type.map_or(k.class.as_str(), |t| t.as_str()))
    }

    #[test]
    fn acled_sub_event_types() {
        assert_eq!(kind("Hundreds of workers protested outside the ministry."), Some("Peaceful protest"));
        assert_eq!(kind("Police dispersed the protesters with tear gas."), Some("Protest with intervention"));
        assert_eq!(kind("Protesters threw stones and torched a car."), Some("Violent demonstration"));
        assert_eq!(kind("Security forces shot dead two protesters."), Some("Excessive force against protesters"));
        assert_eq!(kind("A mob lynched a suspected thief."), Some("Mob violence"));
        assert_eq!(kind("Warplanes struck a market, killing nine."), Some("Air/drone strike"));
        assert_eq!(kind("Missiles struck the city, killing four."), Some("Shelling/artillery/missile attack"));
        assert_eq!(kind("A roadside bomb killed two soldiers."), Some("Remote explosive/landmine/IED"));
        assert_eq!(kind("A suicide bomber blew himself up at a checkpoint."), Some("Suicide bomb"));
        assert_eq!(kind("Rebels took control of the town."), Some("Non-state actor overtakes territory"));
        assert_eq!(kind("The army recaptured the village."), Some("Government regains territory"));
        assert_eq!(kind("Militants attacked army positions."), Some("Armed clash"));
        assert_eq!(kind("Gunmen killed a farmer."), Some("Attack"));
        assert_eq!(kind("Gunmen kidnapped a priest."), Some("Abduction/forced disappearance"));
        assert_eq!(kind("Police arrested a journalist."), Some("Arrests"));
        assert_eq!(kind("Soldiers defused an explosive device."), Some("Disrupted weapons use"));
        assert_eq!(kind("Settlers destroyed olive trees."), Some("Looting/property destruction"));
        assert_eq!(kind("Rebels are advancing towards the province."), Some("Change to group/activity"));
    }

    #[test]
    fn news_classes() {
        assert_eq!(kind("An earthquake killed 12 people."), Some("natural_disaster"));
        assert_eq!(kind("Floods swept through the valley."), Some("natural_disaster"));
        assert_eq!(kind("A bus crash killed five."), Some("man_made_disaster"));
        assert_eq!(kind("Police seized two tonnes of cocaine from traffickers."), Some("organized_crime"));
        assert_eq!(kind("The minister is set to visit the capital."), Some("diplomacy"));
        assert_eq!(kind("They voiced concern during a phone call."), Some("diplomacy"));
        assert_eq!(kind("The ministry said the talks failed."), Some("diplomacy"));
        assert_eq!(kind("The ministry said so."), Some("statement"));
        assert_eq!(kind("The weather was mild."), None);
    }

    #[test]
    fn boundaries_and_case() {
        assert_eq!(kind("Metallic debris lay near the Saidi mosque."), None);
        // "March" the month is not a march, and "Shellfish" is not shelling.
        assert_eq!(kind("In March shellfish prices rose."), None);
        assert_eq!(kind("IRAQ’S ARMY WAS PUT ON HIGH ALERT."), Some("Change to group/activity"));
        // Taking a person is not taking territory.
        assert_eq!(
            decide(&find("Police captured a suspect."), |_| false).map(|(k, _)| k.class),
            Some(EventClass::StrategicDevelopments)
        );
    }
}
