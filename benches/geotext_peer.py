#!/usr/bin/env python3
"""The peer of the speed benchmark: geotext (a regex over GeoNames city and
country names, offline) on the same JSONL documents geoevents reads, writing
one JSON line per document with the cities and countries it found.

    geotext_peer.py IN.jsonl OUT.jsonl [PROCESSES]

PROCESSES (default 1) worker processes share the documents, in input order,
so that the two-core figure is comparable with geoevents on two cores.
"""
import json
import sys
from multiprocessing import Pool

from geotext import GeoText


def places(line):
    doc = json.loads(line)
    found = GeoText(doc["text"])
    return json.dumps({"id": doc["id"], "cities": found.cities, "countries": found.countries}, ensure_ascii=False)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    processes = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    with open(src, encoding="utf-8") as f:
        lines = f.readlines()
    with open(dst, "w", encoding="utf-8") as out:
        if processes == 1:
            results = map(places, lines)
        else:
            pool = Pool(processes)
            results = pool.imap(places, lines, chunksize=64)
        for result in results:
            out.write(result + "\n")


if __name__ == "__main__":
    main()
