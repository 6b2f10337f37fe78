"""Type stubs of geoevents: see the docstrings in __init__.py."""

import datetime
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, TypedDict

from ._errors import DocumentError as DocumentError
from ._errors import GazetteerError as GazetteerError
from ._errors import GeoeventsError as GeoeventsError

__version__: str
DEFAULT_MAX_DOCUMENT_BYTES: int

Kind = Literal["continent", "country", "region", "admin1", "admin2", "city", "physical"]

class DocumentFields(TypedDict, total=False):
    """A document as a mapping: the fields of a `geoevents extract` JSONL line."""

    text: str
    id: str | int | None
    title: str | None
    url: str | None
    source: str | None
    published_at: str | datetime.date | None

Document = str | DocumentFields | Mapping[str, Any]

class Result(TypedDict, total=False):
    """One document's JSONL line (fields may grow; see output/README.md)."""

    id: str
    title: str
    url: str
    source: str
    published_at: str
    toponyms: list[dict[str, Any]]
    focus: dict[str, Any]
    events: list[dict[str, Any]]

class Gazetteer:
    def __init__(self, path: str | os.PathLike[str] | None = None) -> None: ...
    @property
    def origin(self) -> str: ...
    def __len__(self) -> int: ...
    def extract(
        self,
        text: str,
        *,
        id: str | int | None = None,
        published_at: str | datetime.date | None = None,
        title: str | None = None,
        url: str | None = None,
        source: str | None = None,
        max_document_bytes: int = ...,
    ) -> Result: ...
    def extract_many(
        self, docs: Iterable[Document], threads: int | None = None, *, max_document_bytes: int = ...
    ) -> Iterator[Result]: ...
    def extract_lines(
        self, docs: Iterable[Document], threads: int | None = None, *, max_document_bytes: int = ...
    ) -> Iterator[str]: ...
    def geocode(
        self, name: str, *, country: str | None = None, kind: Kind | None = None, limit: int = 5, fuzzy: bool = True
    ) -> list[dict[str, Any]]: ...
    def reverse(
        self,
        lat: float,
        lon: float,
        limit: int = 5,
        *,
        kind: Kind | None = None,
        country: str | None = None,
        max_km: float = 100.0,
    ) -> list[dict[str, Any]]: ...

def extract(
    text: str,
    *,
    id: str | int | None = None,
    published_at: str | datetime.date | None = None,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
    max_document_bytes: int = ...,
) -> Result: ...
def extract_many(
    docs: Iterable[Document], threads: int | None = None, *, max_document_bytes: int = ...
) -> Iterator[Result]: ...
def extract_lines(
    docs: Iterable[Document], threads: int | None = None, *, max_document_bytes: int = ...
) -> Iterator[str]: ...
def geocode(
    name: str, *, country: str | None = None, kind: Kind | None = None, limit: int = 5, fuzzy: bool = True
) -> list[dict[str, Any]]: ...
def reverse(
    lat: float,
    lon: float,
    limit: int = 5,
    *,
    kind: Kind | None = None,
    country: str | None = None,
    max_km: float = 100.0,
) -> list[dict[str, Any]]: ...
def gazetteer_loads() -> int: ...
def to_geodataframe(
    results: Result | Iterable[Result], layer: Literal["events", "toponyms"] = "events"
) -> Any: ...  # geopandas.GeoDataFrame (GeoPandas is optional)
