#!/usr/bin/env python3
"""Write gazetteer/physical.tsv: the simplified polygons (seas, lakes, mountain
ranges, deserts, islands, ...) and lines (rivers) of the `physical` records of
gazetteer/places.tsv, from Natural Earth 10m physical (public domain), for the
areas layer. Point features (capes, peaks) have no entry: their point is the
record's. Run with the venv that rebuild.py makes:

    python3 gazetteer/build_physical.py --ne-physical DIR          # writes gazetteer/physical.tsv
    python3 gazetteer/build_physical.py --ne-physical DIR --measure 0.01,0.02,0.05
    python3 gazetteer/build_physical.py --check FILE

Output grammar (one feature a line, sorted by id, byte order; "#" lines are comments):

    line       = id TAB kind TAB name TAB type TAB geometry LF   ; id, kind, name as in places.tsv
    type       = "polygon" / "line"
    geometry   = multipolygon (type polygon: exactly the areas.tsv grammar)
               / linestring *( ";" linestring )                  ; type line
    linestring = position 1*( " " position )                     ; 2+ positions, not closed
    position   = number "," number                               ; lon,lat, WGS 84 degrees, at most 4 decimals
"""

import argparse
import hashlib
import math
import os
import sys

import shapely

import build_areas
import physical

HERE = os.path.dirname(os.path.abspath(__file__))

# Chosen by measurement (README.md, "Physical geography"): degrees.
POLYGON_TOLERANCE = 0.03
LINE_TOLERANCE = 0.02


def physical_rows(places):
    """id -> name of the physical records of places.tsv."""
    out = {}
    with open(places, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(header, line.rstrip("\n").split("\t")))
            if r["kind"] == "physical":
                out[r["id"]] = r["name"]
    return out


def simplify_lines(g, tol):
    """Topology-preserving simplification of a (Multi)LineString, merged where
    parts meet end to end and snapped to the 4-decimal grid; parts that
    vanish are dropped. Returns a list of position lists."""
    g = shapely.line_merge(shapely.MultiLineString(list(shapely.get_parts(g))))
    s = shapely.set_precision(shapely.simplify(g, tol, preserve_topology=True), build_areas.GRID)
    out = []
    for part in shapely.get_parts(s):
        if not isinstance(part, shapely.LineString) or part.is_empty:
            continue
        pts = []
        for x, y in part.coords:
            q = (float(build_areas.fmt(x)), float(build_areas.fmt(y)))
            if not pts or pts[-1] != q:
                pts.append(q)
        if len(pts) >= 2:
            out.append(pts)
    out.sort(key=lambda p: (-len(p), p[0]))
    return out


def line_text(lines):
    return ";".join(" ".join(build_areas.fmt(x) + "," + build_areas.fmt(y) for x, y in ls) for ls in lines)


def build(feats, rows, ptol, ltol):
    st = build_areas.Stats()
    st.empty = []
    entries = []
    for f in feats:
        if f.id not in rows or isinstance(f.geom, shapely.Point):
            continue
        if f.theme == "river":
            lines = simplify_lines(f.geom, ltol)
            if not lines:
                raise ValueError("%s: no line left after simplification" % f.id)
            entries.append((f.id, rows[f.id], "line", line_text(lines)))
        else:
            polys = build_areas.simplify(build_areas.valid_source(
                [[list(r.coords) for r in [p.exterior] + list(p.interiors)]
                 for p in shapely.get_parts(f.geom) if isinstance(p, shapely.Polygon)], st), ptol, st)
            if not polys:
                st.empty.append(f.id)  # a degenerate source polygon: the record keeps its point only
                continue
            entries.append((f.id, rows[f.id], "polygon", build_areas.geometry_text(polys)))
    entries.sort(key=lambda e: e[0].encode("utf-8"))
    return entries, st


def render(entries, ptol, ltol):
    lines = [
        "# physical.tsv: made by gazetteer/build_physical.py, do not edit (grammar: gazetteer/README.md, "
        "\"Physical geography\")",
        "# id\tkind\tname\ttype\tgeometry: type polygon as areas.tsv; type line: lines by ';', positions by ' ', "
        "'lon,lat'",
        "# Made with Natural Earth (10m physical); simplification tolerance %s deg polygons, %s deg lines"
        % (build_areas.fmt(ptol), build_areas.fmt(ltol)),
    ]
    for gid, name, typ, text in entries:
        lines.append("%s\tphysical\t%s\t%s\t%s" % (gid, name, typ, text))
    return ("\n".join(lines) + "\n").encode("utf-8")


def check(data):
    """Parses the file back and checks it: 5 fields, sorted unique ids,
    positions in range and finite, no edge across the antimeridian (edges along a parallel
    excepted), lines of
    2+ positions, polygons valid under GEOS (as build_areas.check)."""
    problems, ids, counts = [], [], {}
    for line in data.decode("utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) != 5 or f[1] != "physical" or f[3] not in ("polygon", "line"):
            problems.append("bad line: %s" % line[:80])
            continue
        gid, _, name, typ, text = f
        ids.append(gid)
        counts[typ] = counts.get(typ, 0) + 1
        if typ == "polygon":
            mp = build_areas.parse_geometry(text)
            g = build_areas.to_shapely(mp)
            if not shapely.is_valid(g):
                problems.append("%s: invalid polygon: %s" % (gid, shapely.is_valid_reason(g)))
            parts = [r for poly in mp for r in poly]
        else:
            parts = [[tuple(float(v) for v in p.split(",")) for p in ls.split(" ")] for ls in text.split(";")]
            if any(len(ls) < 2 for ls in parts):
                problems.append("%s: a line of fewer than 2 positions" % gid)
        for ring in parts:
            for k, (x, y) in enumerate(ring):
                if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
                    problems.append("%s: position out of range %r" % (gid, (x, y)))
                    break
                if k and abs(x - ring[k - 1][0]) > 180 and ring[k - 1][1] != y:
                    problems.append("%s: edge across the antimeridian at %r" % (gid, (x, y)))
                    break
    if ids != sorted(ids, key=lambda s: s.encode("utf-8")) or len(set(ids)) != len(ids):
        problems.append("ids not sorted/unique")
    print("check: %d features (%s), %d bytes, %d problems" % (
        len(ids), ", ".join("%s %d" % kv for kv in sorted(counts.items())), len(data), len(problems)))
    for p in problems[:20]:
        print("  PROBLEM", p)
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ne-physical", metavar="DIR", help="folder of the Natural Earth 10m physical GeoJSON files")
    ap.add_argument("--places", default=os.path.join(HERE, "places.tsv"))
    ap.add_argument("--out", default=os.path.join(HERE, "physical.tsv"))
    ap.add_argument("--polygon-tolerance", type=float, default=POLYGON_TOLERANCE)
    ap.add_argument("--line-tolerance", type=float, default=LINE_TOLERANCE)
    ap.add_argument("--measure", help="comma-separated tolerances (both kinds): print sizes, write nothing")
    ap.add_argument("--check", metavar="FILE", help="only check an existing physical.tsv")
    a = ap.parse_args()
    if a.check:
        with open(a.check, "rb") as f:
            sys.exit(0 if check(f.read()) else 1)
    if not a.ne_physical:
        ap.error("--ne-physical DIR is required")
    try:
        feats = physical.load(a.ne_physical)
    except physical.PhysicalError as e:
        sys.exit("build_physical.py: %s" % e)
    rows = physical_rows(a.places)
    if a.measure:
        print("tolerance  polygon_bytes  line_bytes  total_bytes")
        for t in [float(x) for x in a.measure.split(",")]:
            entries, _ = build(feats, rows, t, t)
            pb = sum(len(e[3]) for e in entries if e[2] == "polygon")
            lb = sum(len(e[3]) for e in entries if e[2] == "line")
            print("%9s  %13d  %10d  %11d" % (build_areas.fmt(t), pb, lb, len(render(entries, t, t))))
        return
    entries, st = build(feats, rows, a.polygon_tolerance, a.line_tolerance)
    print("polygons degenerate in the source, left without geometry: %d %s" % (len(st.empty), st.empty))
    data = render(entries, a.polygon_tolerance, a.line_tolerance)
    if not check(data):
        sys.exit("build_physical.py: not written, the check failed")
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, a.out)
    print("wrote %s: %d features, %d bytes, sha256 %s" % (a.out, len(entries), len(data),
                                                         hashlib.sha256(data).hexdigest()))


if __name__ == "__main__":
    main()
