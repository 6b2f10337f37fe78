"""Physical geography from Natural Earth 10m (public domain): seas, rivers,
lakes, mountain ranges, deserts, peninsulas, islands, capes and peaks.

Shared by build.py (the place records of kind `physical` in places.tsv) and
build_physical.py (their polygons and lines in physical.tsv), so both see the
same ids, names and representative points. Input: the folder of gzipped
GeoJSON files described in shared/data/natural-earth-physical/README.md
(`--ne-physical DIR`). Rules: gazetteer/README.md, "Physical geography".
"""

import gzip
import hashlib
import json
import os
import re
import unicodedata

import shapely

# file name -> NE theme (the first part of the ids)
FILES = {
    "ne_10m_geography_marine_polys.json.gz": "marine",
    "ne_10m_geography_regions_polys.json.gz": "land",
    "ne_10m_geography_regions_points.json.gz": "point",
    "ne_10m_geography_regions_elevation_points.json.gz": "elevation",
    "ne_10m_lakes.json.gz": "lake",
    "ne_10m_rivers_lake_centerlines.json.gz": "river",
}
# file name -> sha256 of the gzipped file (the 2017 conversion; checked on every read)
SHA256 = {
    "ne_10m_geography_marine_polys.json.gz":
        "0eb960d7fe5db7c45e1e598a666b778af81829150345205d852ff02ab4ded475",
    "ne_10m_geography_regions_polys.json.gz":
        "6ebbc85ce3108b8ee9073ec04bd6773f475dc2545817ed85831dba5556f352e5",
    "ne_10m_geography_regions_points.json.gz":
        "a9023c2713f6ad66be94e4458d6d57d4044e7815a264700b1bfd972e6f0da701",
    "ne_10m_geography_regions_elevation_points.json.gz":
        "0781caf5f1855ec693bcf7fc746cb6cf8a43a82371544bc20a3d7c39c8b223c7",
    "ne_10m_lakes.json.gz":
        "8ec1505c9a24dbd88b7db9896281d88734533b4193f58ed8ca0b20fc0c036d90",
    "ne_10m_rivers_lake_centerlines.json.gz":
        "515ed76e96a5a9f5c10199435c7941e55bbc661b9df831173e8b1b4ff4f44193",
}

# Natural Earth `featurecla` (per theme) -> GeoNames feature code. None: not
# taken (continents are records already; NE's joke features).
FEATURE_CODES = {
    "marine": {"ocean": "OCN", "sea": "SEA", "gulf": "GULF", "bay": "BAY", "strait": "STRT",
               "sound": "SD", "channel": "CHN", "lagoon": "LGN", "fjord": "FJD", "inlet": "INLT",
               "reef": "RF", "river": "ESTY", "generic": "SEA"},
    "land": {"Island": "ISL", "Island group": "ISLS", "Range/mtn": "MTS", "Plateau": "PLAT",
             "Desert": "DSRT", "Pen/cape": "PEN", "Peninsula": "PEN", "Geoarea": "RGN", "Coast": "CST",
             "Plain": "PLN", "Delta": "DLTA", "Basin": "BSN", "Valley": "VAL", "Lowland": "PLN",
             "Tundra": "TUND", "Isthmus": "ISTH", "Wetlands": "WTLD", "Gorge": "GRGE",
             "Foothills": "HLLS", "Lake": "LKS", "Depression": "DPR", "Continent": None,
             "Dragons-be-here": None},
    "point": {"island": "ISL", "island group": "ISLS", "cape": "CAPE", "waterfall": "FLLS",
              "pole": "PT", "plain": "PLN"},
    "elevation": {"mountain": "PK", "spot elevation": "HLL", "depression": "DPR", "plateau": "PLAT",
                  "pass": "PASS", "cape": "CAPE"},
    "lake": {"Lake": "LK", "Reservoir": "RSV", "Alkaline Lake": "LKSL"},
    "river": {"River": "STM", "Lake Centerline": None},
}

# Names NE gets wrong or leaves too bare for the news; by (theme, NE name).
NAME_FIX = {
    ("land", "KOREA"): "Korean Peninsula",
}
# Curated alternate names no source has, by (theme, NE name).
ALT_SUPPLEMENT = {
    ("river", "Cauvery"): ["Kaveri", "Kaveri River", "Cauvery River"],
    ("land", "KOREA"): ["Korea Peninsula"],
}
# Oceans NE splits into north and south parts: one more record for the whole.
DERIVED = {
    "Pacific Ocean": ("NORTH PACIFIC OCEAN", "SOUTH PACIFIC OCEAN"),
    "Atlantic Ocean": ("NORTH ATLANTIC OCEAN", "SOUTH ATLANTIC OCEAN"),
}
DERIVED_ALT = {"Pacific Ocean": ["Pacific"], "Atlantic Ocean": ["Atlantic"]}
SKIP_NAMES = {"Null Island"}  # NE's marker at 0,0 for failed geocodes

SMALL_WORDS = {"of", "the", "and", "de", "del", "la", "le", "les", "du", "des", "da", "do", "dos",
               "das", "y", "e", "el", "al", "von", "van", "der", "di", "en", "i"}
ABBREVIATIONS = [(r"\bMt\.?(?= )", "Mount"), (r"\bMt\.?$", "Mountain"), (r"\bMts\.?(?=$| )", "Mountains"), (r"\bI\.(?=$| )", "Island"),
                 (r"\bIs\.(?=$| )", "Islands"), (r"\bL\.(?= )", "Lake"), (r"\bPt\.(?= )", "Point"),
                 (r"\bC\.(?= )", "Cape"), (r"\bR\.(?=$| )", "River")]
# A name that already says what it is gets no generated "X River" / "Lake X" form.
TYPE_WORDS = {
    "STM": r"\b(river|rio|río|rivière|riviere|rive|fleuve|nahr|darya|gang|kill|creek|fork|branch|canal)\b",
    "LK": r"\b(lake|lakes|lac|lago|laguna|ozero|see|loch|lough|reservoir|vodokhranilishche|sor)\b",
    "RSV": r"\b(lake|lac|lago|reservoir|vodokhranilishche|dam|represa|embalse|barrage)\b",
    "LKSL": r"\b(lake|lac|lago|salar|chott|sebkha|sabkhat|playa|ozero|pan|salt)\b",
    "DSRT": r"\b(desert|desierto|erg|sands|sand)\b",
    "MTS": r"\b(mountains|mountain|mts|range|ranges|hills|alps|highlands|massif|sierra|cordillera|"
           r"plateau|mountain|shan|dağları|daglari|montes|monts|gebirge|uplands|ridge|andes|himalayas)\b",
    "PEN": r"\b(peninsula|península|cape|pen|halbinsel|poluostrov|hanto|neck|point|head)\b",
}
TYPE_WORDS["PK"] = r"\b(mount|mountain|mt|monte|mont|pic|pico|piz|jabal|jebel|gunung|volcano|volcán|volcan|peak|" \
                   r"nevado|cerro|pik|gora|dome|hill|kuh|kūh|shan|san|dake|yama|ben|sierra)\b"
TYPE_WORDS["VLC"] = TYPE_WORDS["PK"]
# Words that make any name typed (a multiword proper name, not a bare word).
ANY_TYPE_WORD = (r"\b(ocean|sea|gulf|bay|strait|straits|sound|channel|lagoon|fjord|inlet|reef|river|rio|río|lake|"
                 r"lac|lago|island|islands|isla|islas|ile|île|iles|îles|peninsula|cape|cabo|cap|desert|mountains|"
                 r"range|plateau|plain|plains|delta|basin|valley|coast|mount|falls|pass|depression)\b")
GENERATED = {  # feature code -> patterns of generated names
    "STM": ("{} River", "River {}"),
    "LK": ("Lake {}",),
    "RSV": ("Lake {}",),
    "LKSL": ("Lake {}",),
    "DSRT": ("{} Desert",),
    "MTS": ("{} Mountains",),
    "PEN": ("{} Peninsula",),
    "PK": ("Mount {}",),
    "VLC": ("Mount {}",),
}


class PhysicalError(Exception):
    pass


def fix_case(name):
    """ALL-CAPS names ("INDIAN OCEAN", "GULF OF MEXICO") to normal case;
    others unchanged."""
    letters = [c for c in name if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return name
    words = []
    for k, w in enumerate(name.lower().split(" ")):
        if k and w in SMALL_WORDS:
            words.append(w)
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(words)


def expand(name):
    for pat, rep in ABBREVIATIONS:
        name = re.sub(pat, rep, name)
    return name


def clean(s):
    if not s:
        return ""
    s = unicodedata.normalize("NFC", str(s)).replace("\t", " ").replace("|", " ").replace("\r", " ")
    return re.sub(r"\s+", " ", s).strip()


def slug(s):
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "x"


def read_theme(folder, fname):
    path = os.path.join(folder, fname)
    with open(path, "rb") as f:
        raw = f.read()
    want = SHA256[fname]
    got = hashlib.sha256(raw).hexdigest()
    if want and got != want:
        raise PhysicalError("%s: sha256 %s, expected %s" % (path, got, want))
    try:
        return json.loads(gzip.decompress(raw))["features"]
    except (OSError, ValueError, KeyError) as e:
        raise PhysicalError("%s: not a gzipped GeoJSON FeatureCollection (%s)" % (path, e)) from e


def alt_values(props, fields):
    out = []
    for f in fields:
        v = clean(props.get(f))
        if v:
            out += [clean(x) for x in re.split(r"[,;]", v) if clean(x)]
    return out


class Feature:
    """One physical record: id, NE theme, feature code, names as NE gives
    them (main first), its geometry (shapely, WGS 84) and point (lat, lon)."""

    def __init__(self, theme, code, names, geom):
        self.theme = theme
        self.code = code
        self.names = names
        self.geom = geom
        self.id = ""
        self.point = None
        self.curated = []  # curated alternate names: indexed whatever the rules say


def load(folder):
    """Every named, taken NE physical feature, grouped: rivers by (rivernum,
    name) with their lake centre lines, others one feature each. Sorted by id."""
    feats = []
    rivers = {}
    centerlines = {}
    for fname, theme in FILES.items():
        for ft in read_theme(folder, fname):
            p = ft["properties"]
            cla = p.get("featurecla")
            if cla not in FEATURE_CODES[theme]:
                raise PhysicalError("%s: unknown featurecla %r" % (fname, cla))
            name = clean(p.get("name"))
            geom = ft.get("geometry")
            if not name or geom is None or name in SKIP_NAMES:
                continue
            g = shapely.geometry.shape(geom)
            if theme == "river":
                key = (p.get("rivernum"), clean(p.get("name_en")) or name)
                if cla == "Lake Centerline":
                    centerlines.setdefault(key, []).append(g)
                    continue
                r = rivers.get(key)
                if r is None:
                    names = [key[1], name] + alt_values(p, ["name_alt"])
                    r = rivers[key] = Feature(theme, "STM", names, [])
                    r.rivernum = key[0]
                    r.ne_name = name
                r.geom.append(g)
                continue
            code = FEATURE_CODES[theme][cla]
            if code is None:
                continue
            if theme == "elevation" and "volcan" in name.lower():
                code = "VLC"
            if theme in ("point", "elevation"):
                g = shapely.Point(float(p["long_x"]), float(p["lat_y"]))
            names = [NAME_FIX.get((theme, name), name)] + alt_values(p, ["namealt", "name_alt"])
            f = Feature(theme, code, names, g)
            f.ne_name = name
            feats.append(f)
    for key, r in rivers.items():
        r.geom = shapely.MultiLineString([ls for g in r.geom + centerlines.get(key, [])
                                          for ls in shapely.get_parts(g)])
        feats.append(r)
    feats = merge_parts(feats)
    by_ne = {f.ne_name: f for f in feats if f.theme == "marine"}
    for name, parts in DERIVED.items():
        geoms = [by_ne[n].geom for n in parts]
        f = Feature("marine", "OCN", [name], shapely.union_all(geoms))
        f.ne_name = name
        feats.append(f)
    for f in feats:
        f.names = [expand(fix_case(n)) for n in f.names]
        f.curated = ALT_SUPPLEMENT.get((f.theme, f.ne_name), []) + DERIVED_ALT.get(f.ne_name, [])
        if isinstance(f.geom, shapely.Point):
            pt = f.geom
        else:
            g = f.geom if f.geom.is_valid else shapely.make_valid(f.geom)
            pt = g.point_on_surface() if f.theme != "river" else g.representative_point()
        f.point = (round(pt.y, 5), round(pt.x, 5))
    # ids: ne:<theme>:<slug of the main name>[-<rivernum>]; a repeated slug gets
    # the point too (@lat_lon, 3 decimals) (both come from the data, so ids stay put across rebuilds)
    base = {}
    for f in feats:
        s = "ne:%s:%s" % (f.theme, slug(f.names[0]))
        if f.theme == "river":
            s += "-%d" % f.rivernum
        base.setdefault(s, []).append(f)
    for s, fs in base.items():
        if len(fs) == 1:
            fs[0].id = s
        else:
            for f in fs:
                f.id = "%s@%.3f_%.3f" % (s, f.point[0], f.point[1])
    ids = [f.id for f in feats]
    if len(set(ids)) != len(ids):
        raise PhysicalError("physical ids not unique")
    feats.sort(key=lambda f: f.id)
    return feats


MERGE_DISTANCE = 0.5  # degrees: same-named features of one sort this close are one place


def merge_parts(feats):
    """NE splits some places into several features of the same name and sort
    (the Mediterranean's two basins, a lake's parts): features of one theme,
    feature code and name lying within MERGE_DISTANCE of each other become one
    (geometries unioned, alternate names joined); same-named features farther
    apart stay separate places ("Long Island")."""
    groups = {}
    for f in feats:
        groups.setdefault((f.theme, f.code, f.names[0]), []).append(f)
    out = []
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2])):
        clusters = []
        for f in groups[key]:
            near = [c for c in clusters if any(shapely.distance(f.geom, g.geom) <= MERGE_DISTANCE for g in c)]
            merged = [f] + [g for c in near for g in c]
            clusters = [c for c in clusters if c not in near] + [merged]
        for c in clusters:
            if len(c) == 1:
                out.append(c[0])
                continue
            first = c[0]
            first.geom = shapely.union_all([shapely.make_valid(g.geom) for g in c])
            for g in c[1:]:
                first.names += [n for n in g.names if n not in first.names]
            out.append(first)
    return out


def names_for(f, banned, common):
    """(main name, alternate names) of a physical feature for places.tsv, or
    None when no name is left. `banned`: folded names that belong to an
    administrative record (names of continents and countries, main names of
    admin1 and of large cities); `common`: folded common English words and
    given names. A bare name (one without a word saying what the feature is:
    "Nile", "Hope", but not "Red Sea" or "Rio Grande") that is in either set,
    or has fewer than 3 letters, is not indexed; the generated typed forms
    ("Jordan River", "River Jordan", "Lake X", "Mount X") always are."""
    fold = lambda s: " ".join(re.split(r"[^\w]+", unicodedata.normalize("NFKC", s).casefold())).strip()
    pattern = TYPE_WORDS.get(f.code)
    gens = GENERATED.get(f.code, ())
    ok, typed = [], []
    for n in f.names:
        k = fold(n)
        has_type = bool(pattern and re.search(pattern, n.lower())) or bool(re.search(ANY_TYPE_WORD, n.lower()))
        if not has_type:
            typed += [g.format(n) for g in gens]
        bare_bad = not has_type and (k in banned or k in common or len(k.replace(" ", "")) < 3)
        if not bare_bad:
            ok.append(n)
    names = []
    for n in ok + typed + f.curated:
        if n not in names:
            names.append(n)
    if not names:
        return None
    return names[0], sorted(set(names[1:]) - {names[0]})
