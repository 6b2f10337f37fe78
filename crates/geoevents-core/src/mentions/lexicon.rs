//! Word lists that tell places from people, organisations and common words.
//! The big lists are derived data (see `gazetteer/README.md`); the small ones
//! are written here, each with the reason it exists.

use rustc_hash::FxHashSet as HashSet;
use std::sync::OnceLock;

static COMMON_WORDS: &str = include_str!("../../../../gazetteer/words/common_words.txt");
static GIVEN_NAMES: &str = include_str!("../../../../gazetteer/words/given_names.txt");
static SURNAMES: &str = include_str!("../../../../gazetteer/words/surnames.txt");

fn set(source: &'static str) -> HashSet<&'static str> {
    source.lines().filter(|l| !l.is_empty()).collect()
}

/// Lower-case English words (SCOWL). A capitalised place name that is also
/// one of these ("Reading", "Mobile") needs more evidence.
pub fn is_common_word(folded: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| set(COMMON_WORDS)).contains(folded)
}

/// Frequent given names (US Census 1990). "Jordan" before a surname is a person.
pub fn is_given_name(folded: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| set(GIVEN_NAMES)).contains(folded)
}

/// Frequent surnames (US Census 1990). A small town called Kelly needs more
/// than a country's support to beat the person.
pub fn is_surname(folded: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| set(SURNAMES)).contains(folded)
}

/// Words after a place name that make it the name of a disease
/// ("West Nile virus", "Marburg haemorrhagic fever").
pub fn is_disease_word(folded: &str) -> bool {
    matches!(
        folded,
        "virus"
            | "viruses"
            | "fever"
            | "flu"
            | "influenza"
            | "disease"
            | "syndrome"
            | "encephalitis"
            | "ebolavirus"
            | "hemorrhagic"
            | "haemorrhagic"
            | "virus'"
            | "strain"
            | "variant"
    )
}

/// Words that come before a person's name. Folded forms.
pub fn is_person_title(folded: &str) -> bool {
    matches!(
        folded,
        "mr" | "mrs"
            | "ms"
            | "miss"
            | "dr"
            | "prof"
            | "professor"
            | "president"
            | "minister"
            | "premier"
            | "chancellor"
            | "gen"
            | "general"
            | "col"
            | "colonel"
            | "lt"
            | "capt"
            | "captain"
            | "sgt"
            | "sergeant"
            | "maj"
            | "major"
            | "sen"
            | "senator"
            | "rep"
            | "representative"
            | "gov"
            | "governor"
            | "mayor"
            | "king"
            | "queen"
            | "prince"
            | "princess"
            | "sheikh"
            | "shaikh"
            | "emir"
            | "pope"
            | "judge"
            | "justice"
            | "secretary"
            | "ambassador"
            | "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "sir"
            | "lord"
            | "lady"
            | "rev"
            | "reverend"
            | "father"
            | "saint"
            | "officer"
            | "coach"
            | "director"
            | "chief"
            | "commander"
            | "leader"
            | "abu"
            | "umm"
            | "bin"
            | "ibn"
            | "bint"
            | "mullah"
            | "ayatollah"
            | "imam"
            | "cardinal"
            | "bishop"
            | "archbishop"
            | "detective"
            | "constable"
            | "inspector"
            | "deputy"
            | "councillor"
            | "councilman"
            | "councilwoman"
            | "speaker"
            | "mister"
            | "madam"
            | "dame"
            | "actor"
            | "actress"
            | "singer"
            | "rapper"
            | "striker"
            | "midfielder"
            | "defender"
            | "goalkeeper"
            | "quarterback"
            | "pitcher"
            | "manager"
            | "ceo"
            | "founder"
            | "author"
            | "journalist"
            | "correspondent"
            | "reporter"
            | "editor"
            | "columnist"
    )
}

/// Capitalised words that follow a place name inside the name of a
/// newspaper, school, team, building or event ("Washington Post", "Aleppo
/// University", "Dubai World Cup"). The place inside such a name is a
/// modifier, not a location of the story. Government bodies are not here:
/// in "California Department of Public Health" California is where it acts.
pub fn is_organisation_word(folded: &str) -> bool {
    matches!(
        folded,
        "post"
            | "times"
            | "herald"
            | "tribune"
            | "journal"
            | "gazette"
            | "news"
            | "daily"
            | "chronicle"
            | "observer"
            | "telegraph"
            | "guardian"
            | "standard"
            | "mail"
            | "press"
            | "courier"
            | "examiner"
            | "inquirer"
            | "university"
            | "college"
            | "institute"
            | "school"
            | "academy"
            | "hospital"
            | "clinic"
            | "airport"
            | "airlines"
            | "airways"
            | "bank"
            | "company"
            | "corporation"
            | "corp"
            | "inc"
            | "ltd"
            | "group"
            | "club"
            | "fc"
            | "united"
            | "rovers"
            | "wanderers"
            | "athletic"
            | "stadium"
            | "arena"
            | "museum"
            | "library"
            | "church"
            | "cathedral"
            | "mosque"
            | "temple"
            | "street"
            | "avenue"
            | "road"
            | "boulevard"
            | "square"
            | "station"
            | "hotel"
            | "center"
            | "centre"
            | "conference"
            | "festival"
            | "summit"
            | "agreement"
            | "accord"
            | "treaty"
            | "declaration"
            | "protocol"
            | "convention"
            | "party"
            | "front"
            | "movement"
            | "brigade"
            | "brigades"
            | "observatory"
            | "foundation"
            | "association"
            | "society"
            | "federation"
            | "union"
            | "league"
            | "network"
            | "radio"
            | "tv"
            | "television"
            | "broadcasting"
            | "media"
            | "magazine"
            | "review"
            | "record"
            | "star"
            | "sun"
            | "globe"
            | "sentinel"
            | "bee"
            | "register"
            | "dispatch"
            | "bulletin"
            | "monitor"
            | "weekly"
            | "today"
            | "live"
            | "online"
            | "capitals"
            | "nationals"
            | "senators"
            | "giants"
            | "kings"
            | "bulls"
            | "lakers"
            | "warriors"
            | "rangers"
            | "city"
            | "cup"
            | "open"
            | "grand"
            | "prix"
            | "marathon"
            | "games"
            | "trophy"
            | "championship"
            | "series"
            | "tech"
            | "state"
            | "voice"
    )
}

/// Lower-case words allowed inside a multiword place name ("Isle of Man",
/// "Rio de Janeiro", "Bosnia and Herzegovina", "Deir ez-Zor").
pub fn is_name_connector(folded: &str) -> bool {
    matches!(
        folded,
        "of" | "de"
            | "del"
            | "della"
            | "la"
            | "le"
            | "les"
            | "el"
            | "al"
            | "ar"
            | "ad"
            | "as"
            | "az"
            | "ez"
            | "es"
            | "ash"
            | "an"
            | "at"
            | "upon"
            | "on"
            | "du"
            | "des"
            | "da"
            | "do"
            | "dos"
            | "das"
            | "di"
            | "and"
            | "y"
            | "sur"
            | "am"
            | "im"
            | "der"
            | "den"
            | "the"
            | "ul"
            | "ur"
            | "bin"
            | "en"
            | "et"
            | "e"
            | "i"
            | "von"
            | "van"
    )
}

/// Type words after a place name that ask for an area: "Idlib province".
pub fn is_area_word(folded: &str) -> bool {
    matches!(
        folded,
        "province"
            | "governorate"
            | "region"
            | "district"
            | "county"
            | "state"
            | "oblast"
            | "prefecture"
            | "department"
            | "municipality"
            | "parish"
            | "territory"
            | "emirate"
            | "canton"
            | "krai"
            | "raion"
    )
}

/// Days and months: capitalised, and names of places somewhere, but in news
/// they are dates ("on Thursday", "in June").
pub fn is_calendar_word(folded: &str) -> bool {
    matches!(
        folded,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    )
}

/// Verbs of speech: a one-word name right before one is a person ("Ali said").
pub fn is_speech_verb(folded: &str) -> bool {
    matches!(
        folded,
        "said"
            | "says"
            | "told"
            | "added"
            | "explained"
            | "wrote"
            | "tweeted"
            | "insisted"
            | "recalled"
            | "asked"
            | "replied"
            | "noted"
            | "argued"
            | "admitted"
            | "stated"
    )
}

/// Area words that name a second-level division ("Orange county"); the
/// others name a first-level one ("Hama province", "New York state").
pub fn is_second_level_area_word(folded: &str) -> bool {
    matches!(folded, "county" | "district" | "parish" | "municipality" | "raion")
}
