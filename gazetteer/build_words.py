#!/usr/bin/env python3
"""Derives the word lists that recognition uses to tell places from other words.

  words/common_words.txt  lower-case English words (SCOWL size 50, Debian `wamerican`),
                          used to doubt a capitalised match that is also a common word
                          ("Reading", "Mobile", "Police") at the start of a sentence.
  words/given_names.txt   US Census 1990 first names (PyPI `names==0.3.0`), those with a
                          frequency of at least 0.01 %, used to spot people whose given
                          name is a place ("Jordan Peterson", "Georgia Smith").

Inputs are the downloaded packages (see README.md); output is sorted, one word a line,
so a rerun is byte-identical.
"""
import argparse
import os
import re
import subprocess
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def common_words(deb_path):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", deb_path, tmp], check=True)
        with open(os.path.join(tmp, "usr/share/dict/american-english"), encoding="utf-8") as f:
            words = {w.strip() for w in f}
    return sorted(w for w in words if re.fullmatch(r"[a-z]{2,}", w))


def given_names(tar_path, min_percent=0.01):
    names = set()
    with tarfile.open(tar_path) as tar:
        for member in tar.getmembers():
            if member.name.endswith((".male.first", ".female.first")):
                for line in tar.extractfile(member).read().decode("ascii").splitlines():
                    parts = line.split()
                    if len(parts) >= 2 and float(parts[1]) >= min_percent:
                        names.add(parts[0].lower())
    return sorted(names)


def write(path, words):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(words) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--packages", default="/work/scratch", help="folder holding wamerican_*.deb and pypi/names-0.3.0.tar.gz")
    args = ap.parse_args()
    deb = sorted(p for p in os.listdir(args.packages) if p.startswith("wamerican_") and p.endswith(".deb"))[-1]
    common = common_words(os.path.join(args.packages, deb))
    given = given_names(os.path.join(args.packages, "pypi", "names-0.3.0.tar.gz"))
    write(os.path.join(HERE, "words", "common_words.txt"), common)
    write(os.path.join(HERE, "words", "given_names.txt"), given)
    print(f"common words: {len(common)}, given names: {len(given)}")


if __name__ == "__main__":
    main()
