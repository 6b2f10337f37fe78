"""Results as GeoPandas tables (GeoPandas is optional: ``pip install
'geoevents[geo]'``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: The layers that :func:`to_geodataframe` makes, and the record lists of a
#: result they come from.
LAYERS = ("events", "toponyms")

_MISSING_GEOPANDAS = (
    "geoevents.to_geodataframe needs GeoPandas, which is not installed: "
    "pip install 'geoevents[geo]' (or pip install geopandas)"
)


def flatten(record: Mapping, prefix: str = "") -> dict:
    """One record as flat columns: a nested object's fields become
    ``<field>_<key>`` (``place`` -> ``place_id``, ``place_lat``, ...);
    lists stay lists. A null object leaves no columns (they come out as
    missing values next to records that have it)."""
    out: dict = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}_"))
        else:
            out[name] = value
    return out


def records(results: Iterable[Mapping] | Mapping, layer: str) -> list[dict]:
    """The flat rows of one layer of ``extract`` results; every row names its
    document in ``doc_id`` (events carry it already)."""
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}: expected one of {', '.join(LAYERS)}")
    if isinstance(results, Mapping):
        results = [results]
    rows = []
    for result in results:
        for record in result.get(layer) or ():
            row = flatten(record)
            if "doc_id" not in row:
                row = {"doc_id": result.get("id"), **row}
            rows.append(row)
    return rows


def to_geodataframe(results, layer: str = "events"):
    """The ``events`` or ``toponyms`` of ``extract``/``extract_many`` results
    (one result or an iterable of them) as a GeoPandas GeoDataFrame.

    One row per record, with the record's fields as columns (nested objects
    flattened: ``place_id``, ``place_name``, ``place_lat``, ...); the geometry
    is the place's point in EPSG:4326 (longitude, latitude), or missing where
    the name resolved to no place. ``event_date`` is a ``datetime64`` date
    column and ``published_at`` a UTC ``datetime64`` column. Events include
    metonyms (``is_metonym``), which the command line's map layers leave out.

    Raises ``ImportError`` with the install command when GeoPandas is missing,
    and ``ValueError`` for an unknown layer.
    """
    try:
        import geopandas
        import pandas
        from shapely.geometry import Point
    except ImportError as e:
        raise ImportError(_MISSING_GEOPANDAS) from e
    rows = records(results, layer)
    frame = pandas.DataFrame(rows)
    lon, lat = "place_lon", "place_lat"
    geometry = []
    for row in rows:
        x, y = row.get(lon), row.get(lat)
        geometry.append(Point(x, y) if x is not None and y is not None else None)
    if "event_date" in frame:
        frame["event_date"] = pandas.to_datetime(frame["event_date"], format="%Y-%m-%d", errors="coerce")
    if "published_at" in frame:
        frame["published_at"] = pandas.to_datetime(frame["published_at"], format="ISO8601", utc=True, errors="coerce")
    return geopandas.GeoDataFrame(frame, geometry=geopandas.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")
