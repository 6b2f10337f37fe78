"""extract, extract_many, extract_lines: the command line's JSONL, from Python."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import time
from pathlib import Path

import geoevents
import pytest

EXAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "examples"


def test_extract_is_the_command_lines_line_for_each_document(cli, docs):
    expected = cli.extract_alone(docs)
    assert len(expected) == len(docs)
    for doc, want in zip(docs, expected):
        got = geoevents.extract(
            doc["text"],
            id=doc["id"],
            published_at=doc.get("published_at"),
            title=doc.get("title"),
            url=doc.get("url"),
            source=doc.get("source"),
        )
        assert got == want, doc["id"]
    # The comparison means something: the documents have places and events.
    assert sum(len(r["events"]) for r in expected) > len(docs)
    assert {"toponyms", "events", "focus"} <= set(expected[0])


def test_the_readme_example_article(cli):
    path = EXAMPLES / "erbil-2024-11-30.txt"
    text = path.read_text(encoding="utf-8")
    got = geoevents.extract(text, id=path.name)
    (want,) = [json.loads(line) for line in cli.run("extract", path).stdout.splitlines()]
    assert got == want
    assert got["toponyms"][0]["place"]["id"].startswith("geonames:")


def test_extract_many_keeps_input_order_on_any_number_of_threads(cli, docs):
    expected = cli.extract_alone(docs)
    for threads in (1, 2, 3):
        assert list(geoevents.extract_many(docs, threads=threads)) == expected


def test_extract_lines_are_the_command_lines_bytes(cli, docs):
    got = list(geoevents.extract_lines(iter(docs), threads=2))
    want = cli.extract_alone_lines(docs)
    assert len(got) == len(want) == len(docs)
    # Lines with an event merged with another article's carry its id in
    # `merged_into` on the command line only; every other line is the same bytes.
    unmerged = [i for i, line in enumerate(want) if '"merged_into":"' not in line]
    assert len(unmerged) >= len(docs) // 2, len(unmerged)
    assert [got[i] for i in unmerged] == [want[i] for i in unmerged]


def test_documents_may_be_texts_or_mappings_and_unnamed_ones_are_numbered(cli):
    texts = ["Storms lashed Valencia on Monday.", "Quiet day.", "Protests spread from Lima to Quito."]
    got = list(geoevents.extract_many([texts[0], {"text": texts[1]}, {"text": texts[2], "title": "Andes"}]))
    assert [r["id"] for r in got] == ["1", "2", "3"]
    want = cli.extract([{"id": str(i + 1), "text": t} for i, t in enumerate(texts)])
    assert got[0] == want[0]
    assert got[2]["title"] == "Andes"
    assert got[2]["toponyms"] == want[2]["toponyms"]


def test_an_integer_id_and_a_datetime_publication_time(cli):
    text = "Gunmen attacked a checkpoint near Mosul yesterday."
    published = dt.datetime(2024, 11, 30, 7, 0, tzinfo=dt.timezone.utc)
    got = geoevents.extract(text, id=17, published_at=published)
    want = cli.extract([{"id": 17, "text": text, "published_at": published.isoformat()}])[0]
    assert got == want
    assert got["id"] == "17"
    assert got["events"][0]["event_date"] == "2024-11-29"


def test_extract_many_streams_a_long_input_a_batch_at_a_time():
    taken = itertools.count()

    def endless():
        for n in taken:
            yield f"Flooding was reported in Dhaka on day {n}."

    stream = geoevents.extract_many(endless(), threads=2)
    first = next(stream)
    assert first["toponyms"][0]["place"]["name"] == "Dhaka"
    # One batch was read, not the (endless) input.
    assert next(taken) < 1000
    assert [next(stream)["id"] for _ in range(3)] == ["2", "3", "4"]


def test_geoparsing_releases_the_gil():
    text = "Heavy shelling struck Homs and Aleppo on Friday, officials said. " * 20000  # about 1.3 MB
    done = threading.Event()
    ticks_during = []

    def ticker():
        while not done.is_set():
            ticks_during.append(time.monotonic())
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    time.sleep(0.02)
    start = time.monotonic()
    result = geoevents.extract(text)
    end = time.monotonic()
    done.set()
    t.join()
    assert len(result["toponyms"]) >= 40000
    during = [x for x in ticks_during if start < x < end]
    # While Rust geoparses, the other Python thread keeps running.
    assert len(during) > 5, f"{len(during)} ticks in {end - start:.3f} s"


def test_module_functions_use_the_built_in_gazetteer():
    gaz = geoevents.Gazetteer()
    assert gaz.origin == "built-in"
    assert len(gaz) > 100_000
    text = "Fighting near Kharkiv and Dnipro."
    assert gaz.extract(text) == geoevents.extract(text)
    assert geoevents.gazetteer_loads() >= 1
    before = geoevents.gazetteer_loads()
    geoevents.Gazetteer()
    geoevents.extract("Rain in Lagos.")
    assert geoevents.gazetteer_loads() == before


def test_an_imported_gazetteer_is_mapped_once_and_used_as_the_command_line_uses_it(cli, imported_gazetteer):
    before = geoevents.gazetteer_loads()
    gaz = geoevents.Gazetteer(imported_gazetteer)
    again = geoevents.Gazetteer(str(imported_gazetteer))
    assert geoevents.gazetteer_loads() == before + 1
    assert gaz.origin == again.origin
    text = "Shelling hit Aleppo while talks went on in Baghdad and Damascus."
    want = cli.extract([{"id": "g", "text": text}], "--gazetteer", imported_gazetteer)[0]
    assert gaz.extract(text, id="g") == want
    assert list(gaz.extract_many([{"id": "g", "text": text}])) == [want]
    assert gaz.geocode("Aleppo") == cli.geocode("--gazetteer", imported_gazetteer, "Aleppo")[0]
    assert len(gaz) < len(geoevents.Gazetteer())
