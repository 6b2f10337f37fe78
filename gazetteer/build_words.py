#!/usr/bin/env python3
"""Derives the word lists that recognition uses to tell places from other words.

  words/common_words.txt  lower-case English words (SCOWL size 50, Debian `wamerican`),
                          used to doubt a capitalised match that is also a common word
                          ("Reading", "Mobile", "Police") at the start of a sentence.
  words/given_names.txt   US Census 1990 first names (PyPI `names==0.3.0`), those with a
                          frequency of at least 0.01 %, used to spot people whose given
                          name is a place ("Jordan Peterson", "Georgia Smith"), plus the
                          hand-made GIVEN_NAME_SUPPLEMENT below.
  words/surnames.txt      US Census 1990 last names (same package, `dist.all.last`) with a
                          frequency of at least 0.01 %; many are also English words
                          ("brown", "young") or places ("jackson", "lincoln").

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

# Hand-made, not from a data file: very frequent given names of people in the news
# from the Middle East, South Asia, Africa and Russia that the 1990 US census list
# (an American sample) lacks or has below the cut-off, so "Hassan Rouhani" or
# "Masoud Barzani" is seen as a person.  Spelling variants are separate entries.
# Names that are common English words are left out ("said", "xi"), and so are
# surnames ("wang"); main() also drops any entry found in common_words.txt.
GIVEN_NAME_SUPPLEMENT = [
    "abbas", "abdul", "abdullah", "ahmad", "ahmed", "ali", "ayman", "bashar", "dmitry",
    "fahad", "faisal", "hafez", "hakan", "hamid", "hassan", "hussain", "hussein",
    "ibrahim", "imran", "ismail", "jalal", "kamal", "karim", "khalid", "mahmoud",
    "masoud", "massoud", "mehmet", "mohamed", "mohammad", "mohammed", "muhammad",
    "mustafa", "narendra", "nasser", "nawaz", "nechirvan", "omar", "rahul", "rashid",
    "recep", "salman", "sergei", "sergey", "tariq", "vladimir", "walid", "yasser",
    "youssef", "yusuf",
]


def common_words(deb_path):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", deb_path, tmp], check=True)
        with open(os.path.join(tmp, "usr/share/dict/american-english"), encoding="utf-8") as f:
            words = {w.strip() for w in f}
    return sorted(w for w in words if re.fullmatch(r"[a-z]{2,}", w))


def census_names(tar_path, suffixes, min_percent=0.01):
    """Names from the census files ending in `suffixes`; column 2 is the percent."""
    names = set()
    with tarfile.open(tar_path) as tar:
        for member in tar.getmembers():
            if member.name.endswith(suffixes):
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
    ap.add_argument("--packages", required=True,
                    help="folder holding deb/wamerican_2020.12.07-2_all.deb and pypi/names-0.3.0.tar.gz (see rebuild.py)")
    args = ap.parse_args()
    common = common_words(os.path.join(args.packages, "deb", "wamerican_2020.12.07-2_all.deb"))
    names_tar = os.path.join(args.packages, "pypi", "names-0.3.0.tar.gz")
    given = census_names(names_tar, (".male.first", ".female.first"))
    common_set = set(common)
    given = sorted(set(given) | {n for n in GIVEN_NAME_SUPPLEMENT if n not in common_set})
    surnames = census_names(names_tar, (".all.last",))
    write(os.path.join(HERE, "words", "common_words.txt"), common)
    write(os.path.join(HERE, "words", "given_names.txt"), given)
    write(os.path.join(HERE, "words", "surnames.txt"), surnames)
    print(f"common words: {len(common)}, given names: {len(given)}, surnames: {len(surnames)}")


if __name__ == "__main__":
    main()
