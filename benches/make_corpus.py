#!/usr/bin/env python3
"""Benchmark corpora of news-like JSONL documents, built from the development
corpora in ../shared/eval (read from there, never copied into the project).

    python3 benches/make_corpus.py --unique > /tmp/unique.jsonl
        every distinct text of GeoWebNews, GeoVirus, WikToR, the event-location
        sentences and the ACLED notes once (about 9.2 MB, 14,700 documents):
        the standard input for speed figures, since nothing repeats and no
        per-thread cache is flattered.
    python3 benches/make_corpus.py 100 > /tmp/corpus-100mb.jsonl
        about SIZE MB by cycling GeoWebNews and GeoVirus texts with fresh ids
        (repeats: for memory and scaling runs, not for throughput claims).
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.path.join(HERE, "..", "..", "shared", "eval")
PUBLISHED = "2024-11-30T09:00:00Z"


def jsonl_texts(name):
    with open(os.path.join(EVAL, name), encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def unique_texts():
    texts = []
    for name in ("gwn.jsonl", "geovirus.jsonl", "wiktor.jsonl", "event_location_dev.jsonl"):
        texts += jsonl_texts(name)
    with open(os.path.join(EVAL, "acled_2020_dev.csv"), encoding="utf-8", newline="") as f:
        texts += [row["notes"] for row in csv.DictReader(f)]
    seen, out = set(), []
    for t in texts:
        if t.strip() and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def write(out, i, text):
    out.write(json.dumps({"id": f"doc-{i}", "text": text, "published_at": PUBLISHED}, ensure_ascii=False) + "\n")


def main():
    out = sys.stdout
    if sys.argv[1:] == ["--unique"]:
        for i, text in enumerate(unique_texts()):
            write(out, i, text)
        return
    target = float(sys.argv[1] if len(sys.argv) > 1 else 100) * 1e6
    texts = jsonl_texts("gwn.jsonl") + jsonl_texts("geovirus.jsonl")
    written, i = 0, 0
    while written < target:
        text = texts[i % len(texts)]
        write(out, i, text)
        written += len(text.encode("utf-8"))
        i += 1


if __name__ == "__main__":
    main()
