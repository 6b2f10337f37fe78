//! Deaths a clause reports: a number, 0 when it says nobody died, `None` when
//! it says nothing.
//!
//! * A count next to a death word: "killing at least 12", "12 people were
//!   killed", "three soldiers died", "left five dead", "the death toll rose to
//!   20", "20 fatalities"; number words up to twenty, "a dozen", and digits.
//!   Several counts in one clause add up ("killed two soldiers and three
//!   civilians"); a count of wounded is not a death ("killed two and wounded
//!   nine" is 2).
//! * A singular victim: "killed a man", "shot dead a teenager", "the killing
//!   of a person": 1.
//! * Explicitly none: "no fatalities", "no casualties", "no one was killed",
//!   "without casualties", "no deaths": 0.
//! * ACLED's own convention for reports it splits: "20 fatalities split
//!   between 3 events" gives each event the rounded share (7).

use crate::text::sentences::{tokens, TokKind};

#[rustfmt::skip]
const DEATH_WORDS: &[&str] = &[
    "killed", "killing", "kill", "kills", "dead", "died", "die", "dies", "deaths", "death", "fatalities",
    "fatality", "bodies", "murdered", "slain", "lives", "perished", "drowned", "executed", "beheaded",
    "lynched", "massacred", "shot", "martyred", "toll",
];
#[rustfmt::skip]
const HURT_WORDS: &[&str] = &["wounded", "wounding", "injured", "injuring", "injuries", "hurt", "wounds", "arrested", "detained", "abducted", "kidnapped", "missing", "displaced", "rescued", "evacuated", "homeless", "affected"];
#[rustfmt::skip]
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7), ("eight", 8),
    ("nine", 9), ("ten", 10), ("eleven", 11), ("twelve", 12), ("thirteen", 13), ("fourteen", 14),
    ("fifteen", 15), ("sixteen", 16), ("seventeen", 17), ("eighteen", 18), ("nineteen", 19), ("twenty", 20),
    ("thirty", 30), ("forty", 40), ("fifty", 50), ("dozen", 12), ("a", 1), ("an", 1),
];
/// Victim nouns after a singular article: "killed a man".
#[rustfmt::skip]
const PERSON_NOUNS: &[&str] = &[
    "man", "woman", "boy", "girl", "child", "person", "civilian", "soldier", "policeman", "officer",
    "teenager", "farmer", "journalist", "student", "resident", "member", "militant", "fighter", "worker",
    "driver", "trader", "leader", "commander", "villager", "youth", "guard", "shepherd", "doctor", "teacher",
    "passenger", "pedestrian", "protester", "demonstrator", "civilians", "elderly", "suspect", "mother",
    "father", "son", "daughter", "brother", "sister", "policewoman", "activist", "priest", "imam", "judge",
    "colonel", "official", "chief", "politician", "businessman", "lawyer", "nurse", "councillor", "councilor",
    "mayor", "candidate", "herder", "fisherman", "miner", "merchant", "local", "individual", "inmate", "prisoner",
];
#[rustfmt::skip]
const NONE_PHRASES: &[&str] = &[
    "no fatalities", "no casualties", "no deaths", "no one was killed", "no one died", "nobody was killed",
    "no one was hurt", "no one was injured", "no injuries", "without casualties", "no victims", "no loss of life",
    "no one killed", "none were killed", "no fatality", "no casualty", "no reported fatalities",
];

#[rustfmt::skip]
const MONTHS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

fn number(word: &str) -> Option<u32> {
    let clean: String = word.chars().filter(|c| *c != ',').collect();
    if !clean.is_empty() && clean.bytes().all(|b| b.is_ascii_digit()) && clean.len() <= 6 {
        return clean.parse().ok();
    }
    NUMBER_WORDS.iter().find(|(w, _)| *w == word).map(|(_, n)| *n)
}

/// ACLED's own coding of a report's deaths, which overrides the counts its
/// note gives: "Fatalities coded as 0 (VoJ reported 1)", "3 fatalities."
/// as a clause of its own. `None` when the clause codes nothing.
pub fn coded_total(clause: &str) -> Option<u32> {
    let lower = clause.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == ','))
        .map(|w| w.trim_matches(','))
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(k) = words.windows(2).position(|w| w == ["coded", "as"]) {
        if let Some(n) = words.get(k + 2).and_then(|w| number(w)) {
            if words.get(k + 2).is_some_and(|w| !matches!(*w, "a" | "an")) {
                return Some(n);
            }
        }
    }
    match words.as_slice() {
        [n, "fatalities" | "fatality"] | [n, "fatalities" | "fatality", "reported"] => number(n),
        _ => None,
    }
}

/// The deaths `clause` reports (see the module documentation).
pub fn fatalities(clause: &str) -> Option<u32> {
    let lower = clause.to_lowercase();
    if NONE_PHRASES.iter().any(|p| lower.contains(p)) {
        return Some(0);
    }
    let toks = tokens(&lower);
    let words: Vec<&str> = toks
        .iter()
        .filter(|t| t.kind != TokKind::Punct || matches!(&lower[t.start..t.end], "," | ";" | "."))
        .map(|t| &lower[t.start..t.end])
        .collect();
    // ACLED's split reports: "N fatalities split (up) between M events".
    for (i, w) in words.iter().enumerate() {
        if matches!(*w, "fatalities" | "fatality") && words.get(i + 1) == Some(&"split") {
            let n = i.checked_sub(1).and_then(|k| number(words[k]));
            let m = words[i + 2..].iter().take(4).find_map(|x| number(x));
            if let (Some(n), Some(m)) = (n, m.filter(|m| *m > 0)) {
                return Some((f64::from(n) / f64::from(m)).round() as u32);
            }
        }
    }
    let is_death = |w: &str| DEATH_WORDS.contains(&w);
    let is_hurt = |w: &str| HURT_WORDS.contains(&w);
    let mut total: Option<u32> = None;
    let mut counted: Vec<usize> = Vec::new();
    let mut add = |n: u32, at: usize, total: &mut Option<u32>| {
        if !counted.contains(&at) {
            counted.push(at);
            *total = Some(total.unwrap_or(0) + n);
        }
    };
    for (i, w) in words.iter().enumerate() {
        let Some(n) = number(w) else { continue };
        // A year or day of a date is no count: "On 9 May 2020, militants killed six".
        let prev = if i > 0 { words[i - 1] } else { "" };
        let next = words.get(i + 1).copied().unwrap_or("");
        if MONTHS.contains(&prev) || MONTHS.contains(&next) || (w.len() == 4 && (1900..=2100).contains(&n)) {
            continue;
        }
        if matches!(*w, "a" | "an") {
            // "killed a man", "the killing of a person", "a police officer was
            // shot dead", "the body of a man": the victim noun within three
            // words of the article.
            let Some(noun_at) = (i + 1..(i + 4).min(words.len())).find(|&k| PERSON_NOUNS.contains(&words[k])) else {
                continue;
            };
            let prev = if i > 0 { words[i - 1] } else { "" };
            let prev2 = if i > 1 { words[i - 2] } else { "" };
            let killed_before =
                is_death(prev) || (prev == "of" && matches!(prev2, "killing" | "death" | "murder" | "body" | "corpse"));
            let dead_after = matches!(words.get(noun_at + 1).copied(), Some("was" | "is"))
                && words.iter().skip(noun_at + 2).take(3).any(|x| is_death(x) && *x != "shot")
                && !words.iter().skip(noun_at + 2).take(3).any(|x| is_hurt(x));
            if killed_before || dead_after {
                add(n, i, &mut total);
            }
            continue;
        }
        // A count of the wounded: "and 30 wounded", "30 others injured".
        if words.iter().skip(i + 1).take(2).any(|x| is_hurt(x)) {
            continue;
        }
        // Look ahead a few words for a death word before a hurt word or clause break.
        let mut found = false;
        for k in i + 1..(i + 7).min(words.len()) {
            let x = words[k];
            if matches!(x, "," | ";" | ".") || (x == "and" && k > i + 1) {
                break;
            }
            if is_hurt(x) {
                break;
            }
            if is_death(x) && !(x == "shot" && words.get(k + 1) != Some(&"dead")) {
                found = true;
                break;
            }
            if number(x).is_some() && !matches!(x, "a" | "an") {
                break;
            }
        }
        // Or a death word shortly before, with no wound word or clause break
        // between: "killing at least 12", "death toll rose to 20", "killed two
        // soldiers and three civilians".
        if !found {
            let mut k = i;
            while k > 0 && i - k < 6 {
                k -= 1;
                let x = words[k];
                if matches!(x, "," | ";" | ".") || is_hurt(x) {
                    break;
                }
                if is_death(x) && x != "shot" {
                    found = true;
                    break;
                }
            }
        }
        if found {
            add(n, i, &mut total);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::fatalities;

    #[test]
    fn counts() {
        assert_eq!(fatalities("Missiles struck Kharkiv, killing at least 12 people."), Some(12));
        assert_eq!(fatalities("Three soldiers died in the attack."), Some(3));
        assert_eq!(fatalities("12 people were killed and 30 wounded."), Some(12));
        assert_eq!(fatalities("The raid killed two soldiers and three civilians."), Some(5));
        assert_eq!(fatalities("The blast left five dead."), Some(5));
        assert_eq!(fatalities("The death toll rose to 20."), Some(20));
        assert_eq!(fatalities("Gunmen killed a farmer."), Some(1));
        assert_eq!(fatalities("It led to the killing of a person."), Some(1));
        assert_eq!(fatalities("The attack wounded 14 people."), None);
        assert_eq!(fatalities("Police arrested 3 people."), None);
        assert_eq!(fatalities("Two men were shot and wounded."), None);
        assert_eq!(fatalities("Two men were shot dead."), Some(2));
        assert_eq!(fatalities("On 9 May 2020, militants killed six civilians."), Some(6));
    }

    #[test]
    fn none_and_nothing() {
        assert_eq!(fatalities("No fatalities nor injuries reported."), Some(0));
        assert_eq!(fatalities("No one was killed in the blast."), Some(0));
        assert_eq!(fatalities("Protesters marched in the capital."), None);
        assert_eq!(fatalities("20 fatalities split up between 3 events."), Some(7));
    }

    #[test]
    fn singular_victims() {
        assert_eq!(fatalities("A police officer was shot dead by snipers."), Some(1));
        assert_eq!(fatalities("Gunmen assassinated and killed a senior army colonel."), Some(1));
        assert_eq!(fatalities("The body of a man was found under a bridge."), Some(1));
        assert_eq!(fatalities("A police officer was shot and wounded."), None);
    }

    #[test]
    fn acled_coding() {
        use super::coded_total;
        assert_eq!(coded_total("Fatalities coded as 0 (the group claimed 4)."), Some(0));
        assert_eq!(coded_total("4 fatalities."), Some(4));
        assert_eq!(coded_total("Three fatalities reported"), Some(3));
        assert_eq!(coded_total("Militants killed 4 people."), None);
        assert_eq!(coded_total("The attack was coded as a clash."), None);
    }
}
