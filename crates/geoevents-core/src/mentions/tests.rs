//! Recognition on sentences written for these tests, against the built-in
//! gazetteer: spans, cues and the links between mentions.

use super::*;
use crate::gazetteer::Gazetteer;

fn gaz() -> &'static Gazetteer {
    static GAZ: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
    GAZ.get_or_init(Gazetteer::builtin)
}

fn mentions(text: &str) -> Vec<Mention> {
    recognize(gaz().store(), text)
}

/// The mention whose text is `name`.
fn mention<'m>(text: &str, found: &'m [Mention], name: &str) -> &'m Mention {
    found.iter().find(|m| &text[m.start..m.end] == name).unwrap_or_else(|| {
        panic!("no mention {name:?}; found {:?}", found.iter().map(|m| &text[m.start..m.end]).collect::<Vec<_>>())
    })
}

fn spans(text: &str) -> Vec<&str> {
    mentions(text).iter().map(|m| &text[m.start..m.end]).collect()
}

#[test]
fn capitalised_area_words_join_the_name() {
    // The gazetteer has Hope, Arkansas, and no Hope County.
    let text = "Floods reached Hope County on Monday.";
    let found = mentions(text);
    let hope = mention(text, &found, "Hope County");
    assert!(hope.cues.area_word_after && hope.cues.second_level_area);
    // Not when the name goes on: an office is no county.
    assert!(!spans("The Walker County Sheriff's Office said.").contains(&"Walker County Sheriff"));
    // Not for a demonym: "the Indian State of Sikkim" is no state called Indian.
    assert!(!spans("He lives in the Indian State of Sikkim.").contains(&"Indian State"));
}

#[test]
fn possessive_names_are_found_whole() {
    assert!(spans("Camps near Cox's Bazar grew.").contains(&"Cox's Bazar"));
}

#[test]
fn statements_and_the_chain_of_containers() {
    let text = "Oxford is a city in Butler County, Ohio, United States, bordering Indiana.";
    let found = mentions(text);
    let oxford = mention(text, &found, "Oxford");
    assert_eq!(oxford.statement.as_ref().map(|s| s.noun), Some(PlaceNoun::Settlement));
    let related: Vec<&str> = oxford.related.iter().map(|&j| &text[found[j].start..found[j].end]).collect();
    assert_eq!(related, ["Butler County", "Ohio", "United States"], "Indiana is a neighbour, not a container");
}

#[test]
fn it_statements_refer_to_the_place_last_described() {
    let text = "Ada is a town in Serbia. It is situated near the river in Vojvodina province.";
    let found = mentions(text);
    let ada = mention(text, &found, "Ada");
    let related: Vec<&str> = ada.related.iter().map(|&j| &text[found[j].start..found[j].end]).collect();
    assert!(related.contains(&"Serbia"), "{related:?}");
}

#[test]
fn distances_point_at_the_named_town() {
    let text = "Chail is a hill station in India. Chail is 44 km from Shimla.";
    let found = mentions(text);
    let second = found.iter().filter(|m| &text[m.start..m.end] == "Chail").nth(1).expect("two mentions");
    let near: Vec<(&str, f64)> = second.near.iter().map(|&(j, km)| (&text[found[j].start..found[j].end], km)).collect();
    assert_eq!(near, [("Shimla", 44.0)]);
}

#[test]
fn comma_pairs_lists_and_sentences() {
    let text = "Bangor, Maine, is cold. Miami, Orlando and Tampa are not.";
    let found = mentions(text);
    let bangor = mention(text, &found, "Bangor");
    let maine = bangor.followed_by_comma_name.map(|j| &text[found[j].start..found[j].end]);
    assert_eq!(maine, Some("Maine"));
    assert!(mention(text, &found, "Miami").list_continues && mention(text, &found, "Orlando").list_continues);
    assert!(!mention(text, &found, "Tampa").list_continues);
    assert_eq!(mention(text, &found, "Bangor").sentence, 0);
    assert_eq!(mention(text, &found, "Tampa").sentence, 1);
}

#[test]
fn person_cues() {
    let text = "Paris Hilton and Jordan Peterson met. President Warren spoke; later Warren left.";
    let found = mentions(text);
    assert!(mention(text, &found, "Paris").cues.surname_after, "a surname after the name");
    assert!(mention(text, &found, "Jordan").cues.person, "a given name before a surname");
    let warrens: Vec<&Mention> = found.iter().filter(|m| &text[m.start..m.end] == "Warren").collect();
    assert!(warrens.iter().any(|m| m.cues.person_elsewhere), "used for a person elsewhere");
}

#[test]
fn type_words_and_intensifiers() {
    let text = "The City of Hope was a very Nice place.";
    let found = mentions(text);
    assert_eq!(mention(text, &found, "Hope").cues.noun_before, Some(PlaceNoun::Settlement));
    assert!(!mention(text, &found, "Hope").cues.organisation, "\"City of\" is no organisation");
    assert!(mention(text, &found, "Nice").cues.after_intensifier);
}

#[test]
fn a_word_after_a_hyphen_opens_no_name() {
    let text = "Fighters of Tehrik-i-Taliban Pakistan attacked.";
    let found = mentions(text);
    assert!(mention(text, &found, "Pakistan").cues.inside_longer_name);
}

#[test]
fn words_of_flying_are_read_in_the_sentence_only() {
    let text = "The jet landed in Madrid after a delay. Later Madrid voted.";
    let found = mentions(text);
    let madrids: Vec<&Mention> = found.iter().filter(|m| &text[m.start..m.end] == "Madrid").collect();
    assert_eq!(madrids.len(), 2);
    assert!(madrids[0].cues.aviation, "\"jet\" and \"landed\" in its sentence");
    assert!(!madrids[1].cues.aviation, "the next sentence says nothing of flying");
}
