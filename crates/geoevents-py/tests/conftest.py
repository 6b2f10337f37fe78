"""Shared fixtures: the command line to compare with, generated documents.

The tests compare the package with the `geoevents` binary of the same
checkout (target/release/geoevents, or $GEOEVENTS_BIN): build it first with
`cargo build --release`. Spark tests run with `--spark` (they need Java and
PySpark: see the README's "Spark" section); without it they are reported
as skipped, with the reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--spark", action="store_true", help="run the Spark tests (need Java 17 and PySpark 4)")


def pytest_configure(config):
    config.addinivalue_line("markers", "spark: runs a Spark job in local mode (needs --spark)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--spark"):
        return
    skip = pytest.mark.skip(reason="needs Java 17 and PySpark 4: see README 'Spark'; run with --spark")
    for item in items:
        if "spark" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def geoevents_bin() -> Path:
    path = Path(os.environ.get("GEOEVENTS_BIN", REPO / "target" / "release" / "geoevents"))
    if not path.exists():
        pytest.fail(f"{path} does not exist: build the command line first (cargo build --release)")
    return path


class Cli:
    """Runs the command line."""

    def __init__(self, binary: Path, tmp: Path):
        self.binary, self.tmp = binary, tmp

    def run(self, *args, check=True) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "GEOEVENTS_GAZETTEER"}
        r = subprocess.run([str(self.binary), *map(str, args)], capture_output=True, text=True, env=env)
        if check and r.returncode != 0:
            raise AssertionError(f"geoevents {' '.join(map(str, args))} exited {r.returncode}: {r.stderr}")
        return r

    def extract_lines(self, docs: list[dict], *extra) -> list[str]:
        """`geoevents extract` over a JSONL file of `docs`: its lines."""
        path = self.tmp / f"docs-{len(docs)}.jsonl"
        corpus.write_jsonl(docs, path)
        return self.run("extract", path, *extra).stdout.splitlines()

    def extract(self, docs: list[dict], *extra) -> list[dict]:
        return [json.loads(line) for line in self.extract_lines(docs, *extra)]

    def extract_alone_lines(self, docs: list[dict]) -> list[str]:
        """The command line's lines with each document geoparsed on its own,
        as the Python API and the Spark job geoparse them: no source prior
        across documents (`--no-source-prior`)."""
        return self.extract_lines(docs, "--no-source-prior")

    def extract_alone(self, docs: list[dict]) -> list[dict]:
        """As `extract_alone_lines`, parsed, and with `merged_into` null: the
        command line fills it in once it has read every document (cross-article
        merging); a per-document result cannot know it."""
        results = [json.loads(line) for line in self.extract_alone_lines(docs)]
        for r in results:
            for e in r["events"]:
                e["merged_into"] = None
        return results

    def geocode(self, *args) -> list:
        return [json.loads(line) for line in self.run("geocode", "--format", "json", *args).stdout.splitlines()]


@pytest.fixture(scope="session")
def cli(geoevents_bin, tmp_path_factory) -> Cli:
    return Cli(geoevents_bin, tmp_path_factory.mktemp("cli"))


@pytest.fixture(scope="session")
def docs() -> list[dict]:
    return corpus.documents(120)


@pytest.fixture(scope="session")
def imported_gazetteer(cli, tmp_path_factory) -> Path:
    """A gazetteer imported from the GeoNames fixtures of the Rust tests."""
    out = tmp_path_factory.mktemp("gaz") / "gaz.bin"
    fixtures = REPO / "tests" / "fixtures" / "geonames"
    names = ["dump.txt", "admin1CodesASCII.txt", "countryInfo.txt", "alternateNamesV2.txt"]
    cli.run("gazetteer", "import", *[fixtures / n for n in names], "-o", out)
    return out
