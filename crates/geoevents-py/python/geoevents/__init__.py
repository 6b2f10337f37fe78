"""geoevents: places and events in news text, resolved offline.

The Python face of the ``geoevents`` command line. Results are the command
line's own records: :func:`extract` returns, as a ``dict``, exactly the JSON
line that ``geoevents extract`` writes for the same document (its
``toponyms``, ``focus`` and ``events``, and the document's ``id``,
``title``, ``url``, ``source`` and ``published_at``). Offsets (``start``,
``end``, ``char_start``, ...) count Unicode code points, as Python's ``str``
indexes do; ``byte_start``/``byte_end`` count UTF-8 bytes. Coordinates are
WGS 84 degrees; country codes are ISO 3166-1 alpha-2.

>>> import geoevents
>>> r = geoevents.extract("Floods cut the road between Mosul and Erbil on Monday.",
...                       published_at="2024-11-30")
>>> [t["place"]["name"] for t in r["toponyms"]]
['Mosul', 'Erbil']

Geoparsing runs in Rust with the GIL released; :func:`extract_many` uses
several threads and streams its input. The built-in gazetteer is loaded once
per process, on first use; :class:`Gazetteer` opens an imported one.
"""

from __future__ import annotations

import os as _os

from . import _geoevents
from ._errors import DocumentError, GazetteerError, GeoeventsError
from ._frames import to_geodataframe

__all__ = [
    "DEFAULT_MAX_DOCUMENT_BYTES",
    "DocumentError",
    "Gazetteer",
    "GazetteerError",
    "GeoeventsError",
    "extract",
    "extract_lines",
    "extract_many",
    "gazetteer_loads",
    "geocode",
    "reverse",
    "to_geodataframe",
]

__version__: str = _geoevents.__version__


def _loads(line: str):
    # json (with re and enum) is imported on first use, not by `import
    # geoevents`: most of the import time of the package would be theirs.
    import json

    return json.loads(line)

#: Documents larger than this (UTF-8 bytes of text) are refused unless
#: ``max_document_bytes`` is raised, as ``geoevents extract`` refuses them.
DEFAULT_MAX_DOCUMENT_BYTES: int = _geoevents.DEFAULT_MAX_DOCUMENT_BYTES


class Gazetteer:
    """A gazetteer: the built-in one (``Gazetteer()``) or a file written by
    ``geoevents gazetteer import`` (``Gazetteer(path)``), memory-mapped.

    Each file is mapped once per process however many ``Gazetteer`` objects
    name it, and stays mapped until the process ends.

    Raises :class:`GazetteerError` when the file cannot be opened or is not a
    gazetteer.
    """

    __slots__ = ("_native",)

    def __init__(self, path: str | _os.PathLike[str] | None = None) -> None:
        if path is None:
            self._native = _geoevents.builtin()
        else:
            self._native = _geoevents.open(_os.fspath(path))

    @property
    def origin(self) -> str:
        """``"built-in"``, or the path of the imported file."""
        return self._native.origin

    def __len__(self) -> int:
        """The number of places."""
        return self._native.places

    def __repr__(self) -> str:
        return f"geoevents.Gazetteer({self.origin!r}, {len(self)} places)"

    def extract(
        self,
        text: str,
        *,
        id: str | int | None = None,
        published_at: str | object | None = None,
        title: str | None = None,
        url: str | None = None,
        source: str | None = None,
        max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    ) -> dict:
        """Geoparses one document: see :func:`geoevents.extract`."""
        doc = {"id": id, "text": text, "title": title, "url": url, "source": source, "published_at": published_at}
        return _loads(self._native.extract_line(doc, max_document_bytes))

    def extract_lines(self, docs, threads: int | None = None, *, max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES):
        """Like :meth:`extract_many`, but yields each result as its JSON line
        (a ``str`` without the newline), byte for byte what ``geoevents
        extract`` writes."""
        return self._native.extract_lines(docs, threads, max_document_bytes)

    def extract_many(self, docs, threads: int | None = None, *, max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES):
        """Geoparses an iterable of documents: see :func:`geoevents.extract_many`."""
        return map(_loads, self._native.extract_lines(docs, threads, max_document_bytes))

    def geocode(
        self, name: str, *, country: str | None = None, kind: str | None = None, limit: int = 5, fuzzy: bool = True
    ) -> list[dict]:
        """Ranked candidates for a place name: see :func:`geoevents.geocode`."""
        return _loads(self._native.geocode_json(name, country, kind, limit, fuzzy))

    def reverse(
        self,
        lat: float,
        lon: float,
        limit: int = 5,
        *,
        kind: str | None = None,
        country: str | None = None,
        max_km: float = 100.0,
    ) -> list[dict]:
        """The places nearest to a point: see :func:`geoevents.reverse`."""
        return _loads(self._native.reverse_json(lat, lon, limit, kind, country, max_km))


_builtin: Gazetteer | None = None


def _default() -> Gazetteer:
    global _builtin
    if _builtin is None:
        _builtin = Gazetteer()
    return _builtin


def extract(
    text: str,
    *,
    id: str | int | None = None,
    published_at: str | object | None = None,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
) -> dict:
    """Geoparses one document with the built-in gazetteer.

    Returns the ``geoevents extract`` JSON line of the document as a dict:
    ``id``, the given ``title``/``url``/``source``/``published_at``,
    ``toponyms`` (each place mention, resolved), ``focus`` (the countries and
    places the document is about) and ``events``.

    ``published_at`` is ISO 8601 text (``"2024-11-30T07:00:00Z"``) or a
    ``datetime.date``/``datetime.datetime``; it dates "yesterday" and
    "on Friday". ``id`` (default ``"1"``) names the document in its events
    and their ids.

    Raises :class:`DocumentError` (a ``ValueError``) for empty text, text
    over ``max_document_bytes`` or text that is not valid Unicode (a lone
    surrogate), and ``TypeError`` for arguments of the wrong type.
    """
    return _default().extract(
        text,
        id=id,
        published_at=published_at,
        title=title,
        url=url,
        source=source,
        max_document_bytes=max_document_bytes,
    )


def extract_many(docs, threads: int | None = None, *, max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES):
    """Geoparses an iterable of documents in parallel; yields one result
    (as :func:`extract` returns it) per document, in input order.

    Each document is a ``str`` (its text) or a mapping with the fields of a
    ``geoevents extract`` JSONL line: ``text`` and optionally ``id``
    (``str`` or ``int``; default: the document's 1-based position),
    ``title``, ``url``, ``source``, ``published_at``; other keys are ignored.

    The input is read a batch at a time (about 2 MiB of text), so memory stays
    bounded however long it is; each batch is geoparsed on ``threads``
    threads (default: one per core) with the GIL released. A bad document
    raises :class:`DocumentError` (or ``TypeError``) when its turn comes,
    after the results of the documents before it.
    """
    return _default().extract_many(docs, threads, max_document_bytes=max_document_bytes)


def extract_lines(docs, threads: int | None = None, *, max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES):
    """Like :func:`extract_many`, but yields the JSON lines themselves."""
    return _default().extract_lines(docs, threads, max_document_bytes=max_document_bytes)


def geocode(
    name: str, *, country: str | None = None, kind: str | None = None, limit: int = 5, fuzzy: bool = True
) -> list[dict]:
    """Ranked candidates for a place name, best first, as ``geoevents geocode
    --format json`` gives them: ``id``, ``name``, ``kind``, ``feature_code``,
    ``country_code``, ``admin1``, ``admin1_code``, ``lat``, ``lon``,
    ``population``, ``score`` (0 to 1), ``match`` (exact, alternate, fuzzy),
    ``demonym`` and ``why``.

    ``country`` narrows to an ISO 3166-1 alpha-2 code; ``kind`` to one of
    continent, country, region, admin1, admin2, city, physical (else
    ``ValueError``). ``fuzzy=False`` never falls back to edit-distance
    matches. An unknown name gives an empty list.
    """
    return _default().geocode(name, country=country, kind=kind, limit=limit, fuzzy=fuzzy)


def reverse(
    lat: float,
    lon: float,
    limit: int = 5,
    *,
    kind: str | None = None,
    country: str | None = None,
    max_km: float = 100.0,
) -> list[dict]:
    """The places nearest to a point (WGS 84 degrees), nearest first, as
    ``geoevents geocode --reverse LAT,LON --format json`` gives them (with
    ``distance_km``), none farther than ``max_km`` kilometres (the command
    line's ``--max-km`` default, 100). Without ``kind``: towns, districts and
    first-level regions. Raises ``ValueError`` outside ±90 latitude and ±180
    longitude, or for a ``max_km`` not above 0.
    """
    return _default().reverse(lat, lon, limit, kind=kind, country=country, max_km=max_km)


def gazetteer_loads() -> int:
    """How many gazetteers this process has loaded (each at most once)."""
    return _geoevents.gazetteer_loads()
