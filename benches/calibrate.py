#!/usr/bin/env python3
"""Refits the confidence model of src/resolve/context.rs (`confidence`).

Runs extraction on the development corpora (../shared/eval) with
GEOEVENTS_DUMP_FEATURES=1, matches predictions to gold toponyms by the
standard protocol, fits a logistic regression of "placed within 161 km" on
the features, and prints the weights and a reliability table (stated
confidence per tenth vs the share actually right).

    cargo build --release && python3 benches/calibrate.py
"""
import collections
import json
import math
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.join(HERE, "..", "target", "release", "geoevents")
EVAL = os.path.join(HERE, "..", "..", "shared", "eval")


def km(a, b, c, d):
    p1, p2 = math.radians(a), math.radians(c)
    x = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 2 * 6371 * math.asin(min(1, math.sqrt(x)))


def features(reason):
    f = reason.split()[1:]
    top, sec, n, kind, name_kind, sup, loc, pop = float(f[0]), float(f[1]), int(f[2]), int(f[3]), int(f[4]), int(f[5]), int(f[6]), int(f[7])
    return [1.0, min(top - sec, 1.0) if n > 1 else 1.0, min(top, 1.5), float(n == 1), math.log10(n), float(kind == 1),
            float(kind in (3, 4)), float(kind == 5), float(name_kind == 0), sup, loc, min(1.0, math.log10(pop + 1) / 7)]


def main():
    X, Y, stated = [], [], []
    for corpus in ("gwn.jsonl", "geovirus.jsonl"):
        path = os.path.join(EVAL, corpus)
        gold = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                gold[d["id"]] = d
        out = subprocess.run([BIN, "extract", path], capture_output=True, text=True, check=True,
                             env=dict(os.environ, GEOEVENTS_DUMP_FEATURES="1")).stdout
        for line in out.splitlines():
            p = json.loads(line)
            for t in p["toponyms"]:
                mid = (t["start"] + t["end"]) / 2
                m = [g for g in gold[p["id"]]["toponyms"]
                     if abs((g["start"] + g["end"]) / 2 - mid) < 10 and g["name"].lower() == t["name"].lower()]
                if not m or t["lat"] is None:
                    continue
                X.append(features(next(r for r in t["reasons"] if r.startswith("FEATURES"))))
                Y.append(1.0 if km(m[0]["lat"], m[0]["lon"], t["lat"], t["lon"]) < 161 else 0.0)
                stated.append(t["confidence"])
    w = [0.0] * len(X[0])
    for _ in range(4000):
        g = [0.0] * len(w)
        for x, y in zip(X, Y):
            p = 1 / (1 + math.exp(-sum(a * b for a, b in zip(w, x))))
            for i in range(len(w)):
                g[i] += (p - y) * x[i]
        for i in range(len(w)):
            w[i] -= 0.5 * g[i] / len(X) + 0.5e-3 * w[i] * (i > 0)
    print("weights:", [round(v, 3) for v in w], "toponyms:", len(X))
    bins = collections.defaultdict(lambda: [0, 0])
    for c, y in zip(stated, Y):
        b = min(9, int(c * 10))
        bins[b][0] += 1
        bins[b][1] += y
    print("current confidence, by tenth: count, share right")
    for b in sorted(bins):
        print(f"  {b / 10:.1f}-{(b + 1) / 10:.1f}: {bins[b][0]:5d}  {bins[b][1] / bins[b][0]:.3f}")


if __name__ == "__main__":
    main()
