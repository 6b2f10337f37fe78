#!/usr/bin/env python3
"""Writes a synthetic GeoNames dump (the 19-column allCountries.txt format) of
N rows, for measuring `geoevents gazetteer import` at full-dump scale.

Names are made of random syllables (so they neither collide wholesale nor
look like a toy), a quarter of the rows carry 1-4 alternate names, feature
classes and codes follow GeoNames' mix (mostly P/PPL, H, T, S, A). Seeded:
the same N gives the same file.

    python3 benches/gen_dump.py 12000000 > /tmp/allCountries-12M.txt
"""
import random
import sys

ONSETS = ["", "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "kh", "br", "st", "gr", "tr"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ei"]
CODAS = ["", "", "n", "r", "l", "s", "m", "d", "k"]
# 22 x 8 x 9 = 1,584 syllables: 2 to 4 of them give names that are mostly
# distinct at 12 million rows, like GeoNames' own (about 80% distinct).
SYLLABLES = [o + v + c for o in ONSETS for v in VOWELS for c in CODAS]
FEATURES = [("P", "PPL")] * 40 + [("H", "STM"), ("H", "LK"), ("T", "MT"), ("T", "HLL"), ("S", "FRM"), ("S", "SCH"),
            ("A", "ADM3"), ("L", "LCTY"), ("V", "FRST"), ("P", "PPLA3")] * 3
COUNTRIES = ["US", "IN", "CN", "RU", "BR", "MX", "DE", "FR", "IR", "IQ", "SY", "TR", "NG", "ID", "PK", "GB"]


def name(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = random.Random(20241130)
    out = sys.stdout
    write = out.write
    for gid in range(1, n + 1):
        nm = name(rng)
        alts = ",".join(name(rng) for _ in range(rng.randint(1, 4))) if rng.random() < 0.25 else ""
        cls, code = rng.choice(FEATURES)
        cc = rng.choice(COUNTRIES)
        lat = rng.uniform(-60, 70)
        lon = rng.uniform(-180, 180)
        pop = rng.choice([0, 0, 0, 0, rng.randint(10, 2_000_000)])
        write(f"{gid}\t{nm}\t{nm}\t{alts}\t{lat:.5f}\t{lon:.5f}\t{cls}\t{code}\t{cc}\t\t{rng.randint(1, 40):02d}\t\t\t\t{pop}\t\t10\tEtc/UTC\t2024-01-01\n")


if __name__ == "__main__":
    main()
