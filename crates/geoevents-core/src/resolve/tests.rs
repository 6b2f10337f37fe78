//! Resolution, stage by stage: the pure parts from plain structs, the whole
//! from sentences written for these tests (never copied from the gold
//! corpora) against the built-in gazetteer. Every example of the issue on
//! ambiguous names is here: the first candidate is right, or no place is
//! reported where none is meant.

use super::acceptance::{described, reject_reason};
use super::candidates::Cand;
use super::containment::{drop_inconsistent, inside, Container, Containment};
use super::context::{container_placement, fit_statement};
use super::*;
use crate::gazetteer::{Gazetteer, Kind, NameKind, Place};
use crate::mentions::{recognize, PlaceNoun};

fn gaz() -> &'static Gazetteer {
    static GAZ: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
    GAZ.get_or_init(Gazetteer::builtin)
}

/// A place from plain values (index and id made up; no gazetteer involved).
fn place(index: u32, kind: Kind, cc: &'static str, admin1: &'static str, lat: f64, lon: f64) -> Place<'static> {
    Place {
        index,
        id: "test:1",
        name: "Test",
        kind,
        feature_code: "",
        country_code: cc,
        admin1_code: admin1,
        admin1_name: "",
        iso_code: "",
        lat,
        lon,
        population: 1000,
    }
}

/// The toponym whose text is `name` (the first one), if it was found.
fn toponym<'t>(toponyms: &'t [Toponym], name: &str) -> Option<&'t Toponym> {
    toponyms.iter().find(|t| t.name == name)
}

/// The resolved place of `name` in `text`: (place name, kind, country, admin1 name).
fn resolved(text: &str, name: &str) -> Option<(String, Kind, String, String)> {
    let toponyms = extract_toponyms(gaz(), text);
    let t = toponym(&toponyms, name)?;
    let p = t.place.as_ref()?;
    Some((p.name.clone(), p.kind, p.country_code.clone().unwrap_or_default(), p.admin1.clone().unwrap_or_default()))
}

fn admin1_of(text: &str, name: &str) -> String {
    resolved(text, name).map_or_else(|| panic!("{name:?} not resolved in {text:?}"), |r| r.3)
}

fn not_a_place(text: &str, name: &str) {
    let toponyms = extract_toponyms(gaz(), text);
    let t = toponyms.iter().find(|t| t.name.contains(name) || name.contains(&t.name));
    assert!(
        t.is_none_or(|t| t.mention_type != MentionType::Place || t.place.is_none()),
        "{name:?} should be no place in {text:?}: {t:?}"
    );
}

// ---- containment, from plain places ----

#[test]
fn inside_follows_codes_and_distance() {
    let ohio = place(1, Kind::Admin1, "US", "US.OH", 40.0, -82.5);
    let butler = place(2, Kind::Admin2, "US", "US.OH", 39.44, -84.58);
    let usa = place(3, Kind::Country, "US", "", 39.0, -98.0);
    let oxford_oh = place(4, Kind::City, "US", "US.OH", 39.51, -84.75);
    let oxford_ms = place(5, Kind::City, "US", "US.MS", 34.37, -89.52);
    assert!(inside(&oxford_oh, &ohio) && inside(&oxford_oh, &butler) && inside(&oxford_oh, &usa));
    assert!(!inside(&oxford_ms, &ohio) && !inside(&oxford_ms, &butler) && inside(&oxford_ms, &usa));
    assert!(inside(&butler, &ohio) && !inside(&ohio, &ohio), "a place is not inside itself");
    assert!(!inside(&usa, &usa));
}

#[test]
fn a_county_of_another_state_is_dropped_from_the_containers() {
    let nebraska = place(1, Kind::Admin1, "US", "US.NE", 41.5, -99.8);
    let sioux_ia = place(2, Kind::Admin2, "US", "US.IA", 43.08, -96.18);
    let direct = |p, how| Container { place: p, how, km: None };
    let mut found = vec![direct(sioux_ia, Containment::Statement), direct(nebraska, Containment::Statement)];
    drop_inconsistent(&mut found);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].place.admin1_code, "US.NE");
}

#[test]
fn an_unlisted_town_is_placed_at_the_finest_stated_area() {
    let utah = place(1, Kind::Admin1, "US", "US.UT", 39.3, -111.7);
    let piute = place(2, Kind::Admin2, "US", "US.UT", 38.33, -112.13);
    let kingston_jm = Cand::new(place(3, Kind::City, "JM", "JM.08", 18.0, -76.8), NameKind::Main, 0.8);
    let found = vec![
        Container { place: utah, how: Containment::Statement, km: None },
        Container { place: piute, how: Containment::Statement, km: None },
    ];
    assert_eq!(container_placement(Some(&kingston_jm), &found).map(|p| p.index), Some(2));
    assert_eq!(container_placement(None, &found).map(|p| p.index), Some(2), "an unlisted name too");
    let kingston_ut = Cand::new(place(4, Kind::City, "US", "US.UT", 38.2, -112.18), NameKind::Main, 0.5);
    assert!(container_placement(Some(&kingston_ut), &found).is_none(), "a candidate inside stays itself");
    // A region is never placed inside a region of its own level (a list of states).
    let texas = Cand::new(place(5, Kind::Admin1, "US", "US.TX", 31.0, -99.0), NameKind::Main, 0.8);
    assert!(container_placement(Some(&texas), &found[..1]).is_none());
}

#[test]
fn a_stated_distance_fits_places_at_about_that_distance() {
    let stratford = place(1, Kind::City, "NZ", "NZ.F2", -39.34, 174.28);
    let near = Container { place: stratford, how: Containment::Distance, km: Some(10.0) };
    let ten_km_east = place(2, Kind::City, "NZ", "NZ.F2", -39.34, 174.40);
    let far = place(3, Kind::City, "TG", "", 6.1, 1.2);
    assert!(near.fits(&ten_km_east));
    assert!(!near.fits(&far));
}

#[test]
fn statements_fit_the_candidates_to_the_sort_of_place() {
    let town = Cand::new(place(1, Kind::City, "US", "US.NC", 36.4, -78.0), NameKind::Main, 0.6);
    let county = Cand::new(place(2, Kind::Admin2, "US", "US.NC", 35.1, -83.4), NameKind::Shortened, 0.6);
    let mut cands = vec![town.clone(), county.clone()];
    fit_statement(PlaceNoun::Settlement, &mut cands);
    assert!(cands[0].prior > cands[1].prior, "\"a town\" is no county reached by its short name");
    let mut cands = vec![town, county];
    fit_statement(PlaceNoun::SecondLevel, &mut cands);
    assert!(cands[1].prior > cands[0].prior, "\"a county\" asks for a county");
}

// ---- acceptance ----

#[test]
fn a_statement_overrules_the_common_word_and_person_cues() {
    let text = "Hope is a city in Hempstead County, Arkansas. Hope grew around the railroad.";
    let mentions = recognize(gaz().store(), text);
    let hope = &mentions[0];
    assert!(described(hope));
    assert!(hope.cues.common_word);
    let toponyms = extract_toponyms(gaz(), text);
    let hopes: Vec<&Toponym> = toponyms.iter().filter(|t| t.name == "Hope").collect();
    assert_eq!(hopes.len(), 2, "both mentions are places: {toponyms:?}");
    assert!(hopes.iter().all(|t| t.place.as_ref().is_some_and(|p| p.admin1.as_deref() == Some("Arkansas"))));
}

#[test]
fn a_title_before_a_name_is_decided_on_the_spot() {
    let text = "Mr Reading met the mayor.";
    let mentions = recognize(gaz().store(), text);
    let cands = super::candidates::candidates(gaz(), &mentions[0]);
    let verdict = reject_reason(&mentions[0], &cands).expect("a person");
    assert!(!verdict.soft);
}

// ---- the examples, end to end ----

#[test]
fn copular_statements_name_the_county_and_state() {
    for (text, name, state) in [
        ("Troy is a city in Rensselaer County, New York, on the Hudson.", "Troy", "New York"),
        ("Oxford is a city in Butler County, Ohio, home to a university.", "Oxford", "Ohio"),
        ("Newton is a city in Harvey County, Kansas, north of Wichita.", "Newton", "Kansas"),
        ("Eureka is a city in Humboldt County, California, on the coast.", "Eureka", "California"),
        ("Reading is a town in Middlesex County, Massachusetts.", "Reading", "Massachusetts"),
        ("Hope is a city in Hempstead County, Arkansas.", "Hope", "Arkansas"),
    ] {
        assert_eq!(admin1_of(text, name), state, "{text}");
    }
}

#[test]
fn containment_a_clause_away_beats_population() {
    for (text, name, state) in [
        ("The clinic in Rochester, which lies in Olmsted County, Minnesota, opened a wing.", "Rochester", "Minnesota"),
        ("Voters in Springfield, the seat of Greene County in Missouri, met on Tuesday.", "Springfield", "Missouri"),
        ("Lexington, a city in Dawson County, Nebraska, lost power.", "Lexington", "Nebraska"),
        ("Aurora is a city in Kane County in the state of Illinois.", "Aurora", "Illinois"),
        ("Salem, the capital of Oregon, lies in Marion County.", "Salem", "Oregon"),
        ("Kingston is a city in Ulster County, New York, on the Hudson River.", "Kingston", "New York"),
    ] {
        assert_eq!(admin1_of(text, name), state, "{text}");
    }
}

#[test]
fn appositions_and_type_words_before_the_name() {
    assert_eq!(admin1_of("They met in Salem, a city in Massachusetts, last week.", "Salem"), "Massachusetts");
    let toponyms = extract_toponyms(gaz(), "The city of Hope sits in Arkansas.");
    let hope = toponym(&toponyms, "Hope").expect("the city of Hope is a place");
    assert_eq!(hope.mention_type, MentionType::Place);
}

#[test]
fn x_county_keeps_its_type_word_when_x_is_a_common_word() {
    let toponyms = extract_toponyms(gaz(), "Fires burned across Orange County on Sunday.");
    let t = toponym(&toponyms, "Orange County").expect("the county, whole");
    assert_eq!(t.place.as_ref().map(|p| p.kind), Some(Kind::Admin2));
}

#[test]
fn state_abbreviations_keep_their_period() {
    let text = "She lives in Lexington, Ky. and works in Charleston, W.Va. for a bank. He moved to Topeka, Kan. The move was hard.";
    let toponyms = extract_toponyms(gaz(), text);
    for (name, state) in [("Ky.", "Kentucky"), ("W.Va.", "West Virginia"), ("Kan.", "Kansas")] {
        let t = toponym(&toponyms, name).unwrap_or_else(|| panic!("{name} spans its period: {toponyms:?}"));
        assert_eq!(t.place.as_ref().map(|p| p.name.as_str()), Some(state));
    }
    // A full name never takes the period that ends its sentence.
    let toponyms = extract_toponyms(gaz(), "The delegation flew to Moscow. Talks begin today.");
    assert!(toponym(&toponyms, "Moscow").is_some(), "{toponyms:?}");
}

#[test]
fn english_phrases_and_adjectives_are_not_places() {
    not_a_place("The White House said it would respond.", "White House");
    not_a_place("We had A Very Nice Day at the beach.", "Nice");
    not_a_place("Mobile phones are cheaper this year.", "Mobile");
    assert_eq!(admin1_of("Flooding in Mobile closed roads across Alabama.", "Mobile"), "Alabama");
}

#[test]
fn people_named_after_places_are_people() {
    not_a_place("Paris Hilton arrived in Cannes on Friday.", "Paris");
    not_a_place("Lincoln Chafee said he would run for president.", "Lincoln");
}

#[test]
fn a_place_inside_an_organisation_name_is_embedded() {
    let toponyms = extract_toponyms(gaz(), "Fighters of Tehrik-i-Taliban Pakistan attacked a checkpoint in Peshawar.");
    assert_eq!(toponym(&toponyms, "Pakistan").map(|t| t.mention_type), Some(MentionType::Embedded));
    assert_eq!(toponym(&toponyms, "Peshawar").map(|t| t.mention_type), Some(MentionType::Place));
}

#[test]
fn a_government_acting_is_a_metonym_of_its_capital() {
    let toponyms = extract_toponyms(gaz(), "Washington said the sanctions would stay.");
    let t = toponym(&toponyms, "Washington").expect("Washington");
    assert_eq!(t.mention_type, MentionType::Metonym);
    assert_eq!(t.place.as_ref().map(|p| p.feature_code.as_str()), Some("PPLC"));
    let toponyms = extract_toponyms(gaz(), "Islamabad closed the border with Afghanistan.");
    assert_eq!(toponym(&toponyms, "Islamabad").map(|t| t.mention_type), Some(MentionType::Metonym));
}

#[test]
fn names_in_running_text() {
    let r = resolved("Thousands of refugees fled to Cox's Bazar in Bangladesh.", "Cox's Bazar").expect("found");
    assert_eq!(r.2, "BD");
    let r = resolved("Rebels attacked Goma in North Kivu, and officials in Sake said the road was closed.", "Sake");
    assert_eq!(r.map(|r| r.2).as_deref(), Some("CD"));
}

#[test]
fn an_unlisted_town_is_placed_in_its_stated_county_or_state() {
    // A made-up village: no such place, but the text says where it is.
    let text = "Brixwold is a village in Piute County, Utah. Brixwold has a post office.";
    let toponyms = extract_toponyms(gaz(), text);
    let first = toponym(&toponyms, "Brixwold").expect("an unlisted place by its statement");
    let p = first.place.as_ref().expect("placed at its area");
    assert_eq!(p.admin1.as_deref(), Some("Utah"), "{p:?}");
    assert!(first.reasons.iter().any(|r| r.starts_with("placed at")), "{:?}", first.reasons);
}

#[test]
fn a_distance_from_a_named_town_places_an_unlisted_one() {
    let text = "Wharekino is a small settlement 10 kilometres east of Stratford, New Zealand.";
    let r = resolved(text, "Wharekino").expect("placed near Stratford");
    assert_eq!((r.0.as_str(), r.2.as_str()), ("Stratford", "NZ"));
}

// ---- the geocoder ----

fn first(q: &Query<'_>) -> Option<(String, Kind, String, String)> {
    geocode(gaz(), q).into_iter().next().map(|c| {
        (c.place.name.to_string(), c.place.kind, c.place.country_code.to_string(), c.place.admin1_name.to_string())
    })
}

fn name(n: &str) -> Query<'_> {
    Query { name: n, limit: 5, fuzzy: true, ..Query::default() }
}

#[test]
fn comma_qualified_queries() {
    assert_eq!(first(&name("Paris, Texas")).map(|r| r.3).as_deref(), Some("Texas"));
    assert_eq!(first(&name("Springfield, MO")).map(|r| r.3).as_deref(), Some("Missouri"));
    assert_eq!(first(&name("Halab, Syria")).map(|r| (r.0, r.2)), Some(("Aleppo".to_string(), "SY".to_string())));
    let k = first(&name("Kharkiv Oblast, Ukraine")).expect("found");
    assert_eq!((k.1, k.2.as_str()), (Kind::Admin1, "UA"));
    assert_eq!(first(&name("Paris, Wyoming")), None, "no Paris inside Wyoming");
    let q = Query { within: Some("Texas"), ..name("Paris") };
    assert_eq!(first(&q).map(|r| r.3).as_deref(), Some("Texas"));
}

#[test]
fn country_filters_read_codes_and_names() {
    for value in ["US", "usa", "United States"] {
        assert_eq!(lookup::country_code(gaz(), value), Some("US"), "{value}");
    }
    assert_eq!(lookup::country_code(gaz(), "Syria"), Some("SY"));
    assert_eq!(lookup::country_code(gaz(), "XX"), None);
}

#[test]
fn bare_names_rank_areas_and_cities_by_what_they_are() {
    assert_eq!(first(&name("Oklahoma")).map(|r| r.1), Some(Kind::Admin1), "the state, not its capital");
    assert_eq!(first(&name("Portland")).map(|r| r.2).as_deref(), Some("US"), "not the Jamaican parish");
    assert_eq!(first(&name("Philadelpia")).map(|r| r.0).as_deref(), Some("Philadelphia"), "not Amman");
}

#[test]
fn names_in_other_scripts() {
    for (q, cc) in [("Москва", "RU"), ("Харків", "UA"), ("Київ", "UA"), ("北京", "CN"), ("東京", "JP"), ("서울", "KR")]
    {
        assert_eq!(first(&name(q)).map(|r| r.2).as_deref(), Some(cc), "{q}");
    }
    assert_eq!(first(&name("Ελλάδα")).map(|r| (r.1, r.2)), Some((Kind::Country, "GR".to_string())));
}

#[test]
fn physical_features_resolve() {
    for q in ["Indian Ocean", "Cauvery", "Pacific Ocean", "Korean Peninsula"] {
        assert_eq!(first(&name(q)).map(|r| r.1), Some(Kind::Physical), "{q}");
    }
}

// ---- airport codes ----

#[test]
fn airport_codes_are_airports_only_in_capitals_among_words_of_flying() {
    // Mixed case or no flying in the sentence: an abbreviation or a plural, not an airport.
    for (text, name) in [
        ("Several MPs voted against the bill on Tuesday.", "MPs"),
        ("Sales of CDs fell again last year.", "CDs"),
        ("The Csa climate has hot, dry summers.", "Csa"),
        ("The report blamed JFK for the delay in the policy.", "JFK"),
    ] {
        let toponyms = extract_toponyms(gaz(), text);
        let t = toponym(&toponyms, name);
        assert!(
            t.and_then(|t| t.place.as_ref()).is_none_or(|p| p.feature_code != "AIRP"),
            "{name:?} is no airport in {text:?}: {t:?}"
        );
    }
    // In capitals, in a sentence about a flight: the airport.
    for text in
        ["Her flight landed at JFK two hours late.", "Passengers at JFK waited for hours after flights were cancelled."]
    {
        let toponyms = extract_toponyms(gaz(), text);
        let p = toponym(&toponyms, "JFK").and_then(|t| t.place.as_ref()).unwrap_or_else(|| panic!("{toponyms:?}"));
        assert_eq!((p.feature_code.as_str(), p.admin1.as_deref()), ("AIRP", Some("New York")), "{text}");
    }
}
