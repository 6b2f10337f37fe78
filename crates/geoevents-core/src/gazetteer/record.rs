//! Gazetteer records: what one place is, and how its names are typed.
//! Compiled into `build.rs` too: std only.

use std::fmt;

/// What sort of place a record is. The order is the rank order used when
/// two places share a name: a country outranks a region outranks a city.
/// Written in lower case (`admin1`) wherever results are serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A continent (GeoNames feature code CONT).
    Continent = 0,
    /// An independent country or dependent territory (GeoNames `A.PCL*`, `A.TERR`).
    Country = 1,
    /// A named region that is not an administrative unit, e.g. the Kurdistan
    /// Region (GeoNames `L.RGN`, `L.RGNE`, `L.AREA`).
    Region = 2,
    /// A first-level subdivision: governorate, province, state (GeoNames `A.ADM1`, `A.ADM1H`).
    Admin1 = 3,
    /// A second-level subdivision: district, county (GeoNames `A.ADM2`, `A.ADM2H`).
    Admin2 = 4,
    /// Any populated place, from city to village or neighbourhood (GeoNames class `P`).
    City = 5,
    /// Water, terrain, undersea or vegetation features (GeoNames classes `H`, `T`, `U`, `V`).
    Physical = 6,
    /// Everything else: buildings, roads, other `A` and `L` codes (classes `S`, `R`, ...).
    Other = 7,
}

impl Kind {
    /// Every kind in rank order; a kind's index here is the byte stored for it in gazetteer files.
    pub const ALL: [Kind; 8] = [
        Kind::Continent,
        Kind::Country,
        Kind::Region,
        Kind::Admin1,
        Kind::Admin2,
        Kind::City,
        Kind::Physical,
        Kind::Other,
    ];

    /// The lower-case name used in results and in `places.tsv` (`admin1`); [`Kind::parse`] reverses it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Continent => "continent",
            Kind::Country => "country",
            Kind::Region => "region",
            Kind::Admin1 => "admin1",
            Kind::Admin2 => "admin2",
            Kind::City => "city",
            Kind::Physical => "physical",
            Kind::Other => "other",
        }
    }

    /// The kind whose [`as_str`](Kind::as_str) is exactly `s` (case-sensitive); `None` otherwise.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind stored as byte `v` in a gazetteer file; an unknown byte gives [`Kind::Other`].
    pub fn from_u8(v: u8) -> Kind {
        Kind::ALL.get(v as usize).copied().unwrap_or(Kind::Other)
    }

    /// Kind of a GeoNames feature (class, code) from the dump format.
    pub fn from_geonames(class: &str, code: &str) -> Kind {
        match (class, code) {
            (_, "CONT") => Kind::Continent,
            ("A", c) if c.starts_with("PCL") || c == "TERR" => Kind::Country,
            ("A", "ADM1" | "ADM1H") => Kind::Admin1,
            ("A", "ADM2" | "ADM2H") => Kind::Admin2,
            ("P", _) => Kind::City,
            ("L", "RGN" | "RGNE" | "AREA") => Kind::Region,
            ("H" | "T" | "U" | "V", _) => Kind::Physical,
            _ => Kind::Other,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a name belongs to a place. Lower is better when ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameKind {
    /// The record's own (preferred) name.
    Main = 0,
    /// An alternate name, translation or transliteration.
    Alternate = 1,
    /// The main name without its type word ("Hama Governorate" -> "Hama").
    Shortened = 2,
    /// A demonym or adjective ("Syrian" -> Syria).
    Demonym = 3,
}

impl NameKind {
    /// The name kind stored as byte `v` in a posting: 0-2 as declared, any
    /// other byte [`NameKind::Demonym`] (files are checked for bytes above 3 at open).
    pub fn from_u8(v: u8) -> NameKind {
        match v {
            0 => NameKind::Main,
            1 => NameKind::Alternate,
            2 => NameKind::Shortened,
            _ => NameKind::Demonym,
        }
    }
    /// The lower-case name for output and messages: `main`, `alternate`, `shortened`, `demonym`.
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Main => "main",
            NameKind::Alternate => "alternate",
            NameKind::Shortened => "shortened",
            NameKind::Demonym => "demonym",
        }
    }
}

/// One place, owned: what the TSV and dump readers produce and the index
/// builder consumes.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRecord {
    /// Stable id: `geonames:170063`, `region:kurdistan-region`, `ne:IQ-AR`.
    pub id: String,
    /// The preferred name (UTF-8), indexed as [`NameKind::Main`].
    pub name: String,
    /// What sort of place it is; also decides which names get a shortened form.
    pub kind: Kind,
    /// GeoNames feature code (PPLC, ADM1, PCLI, ...).
    pub feature_code: String,
    /// ISO 3166-1 alpha-2; empty for continents and multi-country regions.
    pub country_code: String,
    /// GeoNames admin1 key, `CC.CODE` (e.g. `SY.09`).
    pub admin1_code: String,
    /// The name of the first-level region `admin1_code` names; empty when unknown.
    pub admin1_name: String,
    /// Latitude, WGS 84 degrees (the gazetteer check requires [-90, 90]).
    pub lat: f64,
    /// Longitude, WGS 84 degrees (the gazetteer check requires [-180, 180]).
    pub lon: f64,
    /// Inhabitants as GeoNames gives them; 0 when unknown.
    pub population: u64,
    /// Other names, translations and transliterations (`|`-separated in
    /// `places.tsv`); an admin1/admin2 name without a type word is indexed as
    /// [`NameKind::Shortened`], the rest as [`NameKind::Alternate`].
    pub alt_names: Vec<String>,
    /// Demonyms and adjectives (`Syrian`), indexed as [`NameKind::Demonym`].
    pub demonyms: Vec<String>,
    /// ISO 3166-1 alpha-3 (countries) or ISO 3166-2 (first-level regions).
    pub iso_code: String,
}

/// Type words that follow the name of an administrative area. A name that
/// ends in one of them is indexed also without it, and a query that ends in
/// one of them asks for an area rather than a town.
pub const AREA_SUFFIXES: &[&str] = &[
    "governorate",
    "province",
    "region",
    "district",
    "state",
    "county",
    "oblast",
    "prefecture",
    "department",
    "municipality",
    "parish",
    "muhafazat",
    "wilayah",
    "territory",
];

/// Type words that come before the name ("Province of Hama", "Muhafazat Hamah").
pub const AREA_PREFIXES: &[&str] = &["muhafazat", "province of", "state of", "wilayat", "ostan e", "ilce"];

/// The columns of `gazetteer/places.tsv`, in order.
pub const TSV_COLUMNS: [&str; 13] = [
    "id",
    "name",
    "kind",
    "feature_code",
    "country_code",
    "admin1_code",
    "admin1_name",
    "lat",
    "lon",
    "population",
    "alt_names",
    "demonyms",
    "iso_code",
];

/// Parses one data line of `places.tsv` (see `gazetteer/README.md`).
pub fn parse_tsv_line(line: &str) -> Result<PlaceRecord, String> {
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() != TSV_COLUMNS.len() {
        return Err(format!("expected {} tab-separated fields, found {}", TSV_COLUMNS.len(), f.len()));
    }
    let list = |s: &str| -> Vec<String> { s.split('|').filter(|x| !x.is_empty()).map(str::to_string).collect() };
    let num =
        |s: &str, what: &str| -> Result<f64, String> { s.parse::<f64>().map_err(|_| format!("bad {what} {s:?}")) };
    Ok(PlaceRecord {
        id: f[0].to_string(),
        name: f[1].to_string(),
        kind: Kind::parse(f[2]).ok_or_else(|| format!("unknown kind {:?}", f[2]))?,
        feature_code: f[3].to_string(),
        country_code: f[4].to_string(),
        admin1_code: f[5].to_string(),
        admin1_name: f[6].to_string(),
        lat: num(f[7], "lat")?,
        lon: num(f[8], "lon")?,
        population: if f[9].is_empty() { 0 } else { f[9].parse().map_err(|_| format!("bad population {:?}", f[9]))? },
        alt_names: list(f[10]),
        demonyms: list(f[11]),
        iso_code: f[12].to_string(),
    })
}
