"""Bad input is a Python exception with the command line's message, never a
crash: invalid Unicode, None, huge strings, the wrong types."""

from __future__ import annotations

import json
import re

import geoevents
import pytest
from geoevents import DocumentError, GazetteerError, GeoeventsError


def cli_message(cli, tmp_path, line: str, *extra) -> str:
    """What `geoevents extract` says about a JSONL file of one line, without
    the file and line it names."""
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    r = cli.run("extract", path, *extra, check=False)
    assert r.returncode != 0
    # The command line's hint about --skip-bad is not part of the message.
    match = re.search(r"bad\.jsonl:1: (.*?)(?: \(use --skip-bad[^)]*\))?$", r.stderr, re.M)
    assert match, r.stderr
    return match.group(1).strip()


@pytest.mark.parametrize(
    ("doc", "extra"),
    [
        ({"text": "   "}, []),
        ({"text": "Rain in Lagos.", "id": "  "}, []),
        ({"text": "Rain in Lagos. " * 100}, ["--max-document-bytes", "1000"]),
    ],
)
def test_bad_documents_have_the_command_lines_message(cli, tmp_path, doc, extra):
    want = cli_message(cli, tmp_path, json.dumps(doc), *extra)
    limit = {"max_document_bytes": int(extra[1])} if extra else {}
    with pytest.raises(DocumentError) as raised:
        list(geoevents.extract_many([{"text": "Snow in Kraków."}, doc], **limit))
    if extra:
        # The command line measures the JSONL line, Python the text itself.
        size = len(doc["text"].encode())
        want = re.sub(r"^document of \d+ bytes", f"document of {size} bytes", want)
    assert str(raised.value) == f"document 2: {want}"
    with pytest.raises(ValueError):  # a DocumentError is a ValueError
        geoevents.extract(doc["text"], id=doc.get("id"), **limit)


def test_the_results_before_a_bad_document_still_come_out():
    stream = geoevents.extract_many(["Storm over Manila.", "Quake near Cebu.", "", "Never read."])
    assert next(stream)["toponyms"][0]["name"] == "Manila"
    assert next(stream)["toponyms"][0]["name"] == "Cebu"
    with pytest.raises(DocumentError, match=r'^document 3: "text" is empty$'):
        next(stream)
    with pytest.raises(StopIteration):
        next(stream)


def test_a_lone_surrogate_is_an_error_naming_where_it_is():
    bad = "Floods in Dhaka \udcff today."  # what surrogateescape makes of a stray byte
    with pytest.raises(DocumentError, match=r'"text" is not valid Unicode: a lone surrogate at code point 16'):
        geoevents.extract(bad)
    with pytest.raises(DocumentError, match=r"^document 1: "):
        list(geoevents.extract_many([bad]))
    with pytest.raises(ValueError, match="lone surrogate"):
        geoevents.geocode("Al\ud800eppo")
    with pytest.raises(DocumentError, match='"title" is not valid Unicode'):
        geoevents.extract("Rain in Lagos.", title="\udc80")


def test_none_and_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match=r'"text" is not a string \(found NoneType\)'):
        geoevents.extract(None)
    with pytest.raises(TypeError, match=r'"text" is not a string \(found int\)'):
        geoevents.extract(42)
    with pytest.raises(TypeError, match=r'"text" is not a string \(found bytes\)'):
        geoevents.extract(b"Rain in Lagos.")
    with pytest.raises(TypeError, match=r'"id" must be a string or a number \(found list\)'):
        geoevents.extract("Rain in Lagos.", id=[1])
    with pytest.raises(TypeError, match=r'"id" must be a string or a number \(found bool\)'):
        geoevents.extract("Rain in Lagos.", id=True)
    with pytest.raises(TypeError, match=r'"published_at" must be a string \(found float\)'):
        geoevents.extract("Rain in Lagos.", published_at=1.5)
    with pytest.raises(TypeError, match=r'^document 2: expected a str or a mapping with a "text" key \(found int\)$'):
        list(geoevents.extract_many(["Rain in Lagos.", 7]))
    with pytest.raises(TypeError):
        list(geoevents.extract_many(None))
    with pytest.raises(TypeError):
        geoevents.geocode(None)
    with pytest.raises(TypeError):
        geoevents.reverse("north", 2.0)


def test_a_huge_string_is_refused_unless_the_limit_is_raised():
    huge = "Rain fell on Lima. " * 600_000  # 11.4 MB
    with pytest.raises(DocumentError, match=rf"^document of {len(huge)} bytes exceeds the limit of 8388608 bytes$"):
        geoevents.extract(huge)
    result = geoevents.extract(huge, max_document_bytes=len(huge))
    assert len(result["toponyms"]) == 600_000


def test_bad_arguments_of_the_geocoder():
    with pytest.raises(ValueError, match=r'unknown kind "town": expected one of continent, country'):
        geoevents.geocode("Lima", kind="town")
    with pytest.raises(ValueError, match="latitude must be within ±90 and longitude within ±180"):
        geoevents.reverse(91.0, 0.0)
    with pytest.raises(ValueError, match="latitude must be within"):
        geoevents.reverse(float("nan"), 0.0)
    with pytest.raises(OverflowError):
        geoevents.geocode("Lima", limit=-1)
    with pytest.raises(ValueError, match="threads must be at least 1"):
        geoevents.extract_many(["Rain in Lagos."], threads=0)


def test_a_missing_or_broken_gazetteer_file_is_a_gazetteer_error(cli, tmp_path):
    missing = tmp_path / "nope.gaz"
    with pytest.raises(GazetteerError) as raised:
        geoevents.Gazetteer(missing)
    assert isinstance(raised.value, OSError) and isinstance(raised.value, GeoeventsError)
    r = cli.run("geocode", "--gazetteer", missing, "Lima", check=False)
    assert str(raised.value) in r.stderr
    junk = tmp_path / "junk.gaz"
    junk.write_bytes(b"not a gazetteer at all" * 10)
    with pytest.raises(GazetteerError, match=re.escape(str(junk))):
        geoevents.Gazetteer(junk)
