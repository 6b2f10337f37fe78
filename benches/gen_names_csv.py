#!/usr/bin/env python3
"""Writes a CSV of N place names for the batch geocoding benchmark: names
drawn from the built-in gazetteer (main and alternate names, so lookups
take realistic paths), a tenth of them misspelled or unknown, with a
country column on half the rows. Seeded: the same N gives the same file.

    python3 benches/gen_names_csv.py 1000000 > /tmp/names.csv
"""
import csv
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = random.Random(7)
    pool = []
    with open(os.path.join(HERE, "..", "gazetteer", "places.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            alts = [a for a in cols[10].split("|") if a]
            pool.append((cols[1], cols[4]))
            if alts:
                pool.append((rng.choice(alts), cols[4]))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["row", "place", "country", "note"])
    for i in range(n):
        name, cc = rng.choice(pool)
        r = rng.random()
        if r < 0.05:
            name = name[:-1] + "x"  # a misspelling
        elif r < 0.10:
            name = "Zzq" + name  # unknown
        w.writerow([i, name, cc if rng.random() < 0.5 else "", "sample, with comma"])


if __name__ == "__main__":
    main()
