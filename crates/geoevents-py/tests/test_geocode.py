"""geocode and reverse: the candidates of `geoevents geocode --format json`."""

from __future__ import annotations

import geoevents
import pytest


@pytest.mark.parametrize(
    ("name", "options", "cli_args"),
    [
        ("Halab", {}, []),
        ("Springfield", {"limit": 3}, ["--limit", "3"]),
        ("Tripoli", {"country": "LB"}, ["--country", "LB"]),
        ("Georgia", {"kind": "country"}, ["--kind", "country"]),
        ("Kharkiv Oblast", {}, []),
        ("Aleppp", {}, []),
        ("Aleppp", {"fuzzy": False}, ["--no-fuzzy"]),
        ("Syria's", {}, []),
    ],
)
def test_geocode_gives_the_command_lines_candidates(cli, name, options, cli_args):
    want = cli.run("geocode", "--format", "json", *cli_args, name, check=False).stdout
    (want,) = [__import__("json").loads(line) for line in want.splitlines()]
    assert geoevents.geocode(name, **options) == want


def test_geocode_finds_aleppo_by_its_arabic_name():
    best = geoevents.geocode("Halab", limit=1)
    assert len(best) == 1
    assert best[0]["id"] == "geonames:170063"


def test_an_unknown_name_gives_no_candidates():
    assert geoevents.geocode("Qwxzyv", fuzzy=False) == []


@pytest.mark.parametrize(
    ("point", "options", "cli_args"),
    [
        ((36.19, 44.01), {}, []),
        ((-33.45, -70.66), {"limit": 2}, ["--limit", "2"]),
        ((48.85, 2.35), {"kind": "admin1"}, ["--kind", "admin1"]),
        ((47.0, 8.0), {"country": "CH", "limit": 3}, ["--country", "CH", "--limit", "3"]),
    ],
)
def test_reverse_gives_the_command_lines_nearest_places(cli, point, options, cli_args):
    (want,) = cli.geocode("--reverse", f"{point[0]},{point[1]}", *cli_args)
    got = geoevents.reverse(*point, **options)
    assert got == want
    assert [p["distance_km"] for p in got] == sorted(p["distance_km"] for p in got)
