#!/usr/bin/env python3
"""Builds a benchmark corpus of news-like JSONL documents of about SIZE MB by
repeating the development corpora's texts (read from ../shared/eval, never
copied into the project), with fresh ids.

    python3 benches/make_corpus.py 100 > /tmp/corpus-100mb.jsonl
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.path.join(HERE, "..", "..", "shared", "eval")


def main():
    target = float(sys.argv[1] if len(sys.argv) > 1 else 100) * 1e6
    texts = []
    for name in ("gwn.jsonl", "geovirus.jsonl"):
        with open(os.path.join(EVAL, name), encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f]
    written, i = 0, 0
    out = sys.stdout
    while written < target:
        text = texts[i % len(texts)]
        line = json.dumps({"id": f"doc-{i}", "text": text, "published_at": "2024-11-30T09:00:00Z"}, ensure_ascii=False)
        out.write(line + "\n")
        written += len(text.encode("utf-8"))
        i += 1


if __name__ == "__main__":
    main()
