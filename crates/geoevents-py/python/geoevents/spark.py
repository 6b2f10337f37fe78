"""geoevents on Apache Spark (PySpark 4): geoparse a DataFrame of documents
on the executors and write the results as Parquet and GeoParquet.

>>> import geoevents.spark as ges
>>> docs = spark.read.json("news/*.jsonl")     # id, text; optional published_at, url, source, title
>>> ges.run(docs, "hdfs:///geo/2024-11")         # doctest: +SKIP
{'documents': 120000, 'skipped': 3, 'toponyms': 1630211, 'events': 901244, ...}

The job, in three steps (:func:`run` does them all):

1. :func:`extract` maps each Arrow batch of documents (``mapInArrow``) to
   the command line's JSONL lines, one per document; :func:`run` writes them
   to ``OUT/jsonl/``: the very output of ``geoevents extract``.
2. Spark reads those lines back with the schema it infers from them
   (:func:`read_results`), so whatever fields the records gain reach the
   tables unchanged, and :func:`toponyms` and :func:`events` explode them
   into one row per toponym or event, nested objects flattened (``place`` ->
   ``place_id``, ``place_lat``, ...), ``event_date`` typed as a date and
   ``published_at`` as a timestamp.
3. ``OUT/toponyms/`` and ``OUT/documents/`` are Parquet tables written by
   Spark; ``OUT/events/`` is GeoParquet 1.1 (:func:`write_geoparquet`): a
   WKB point per event, a ``bbox`` covering column and the ``geo`` metadata,
   written by pyarrow on the executors, one file per partition.

The gazetteer is loaded once per Python worker process (the built-in one
is compiled into the package; ``gazetteer=PATH`` maps an imported file,
which must be readable at that path on every executor), not once per task
or batch: :func:`geoevents.gazetteer_loads` counts the loads.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator

import geoevents

#: The document columns that are read; ``id`` and ``text`` are required.
DOCUMENT_COLUMNS = ("id", "text", "title", "url", "source", "published_at")

#: Documents geoparsed (and their results held) at a time in a worker.
SLICE_ROWS = 500

#: The GeoParquet specification version written.
GEOPARQUET_VERSION = "1.1.0"


def _usable(doc: dict, max_document_bytes: int) -> bool:
    """Whether the core will take this row: text present and not blank, not
    over the size limit, an id present and not blank. Other rows are
    skipped (and counted) rather than failing the job, as ``geoevents
    extract --skip-bad`` does."""
    text, doc_id = doc.get("text"), doc.get("id")
    if not isinstance(text, str) or not text.strip():
        return False
    if len(text) > max_document_bytes or (4 * len(text) > max_document_bytes and len(text.encode("utf-8", "surrogatepass")) > max_document_bytes):
        return False
    if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
        return False
    return True


def extract_arrow(
    batches: Iterator,
    *,
    gazetteer: str | None = None,
    threads: int = 1,
    max_document_bytes: int = geoevents.DEFAULT_MAX_DOCUMENT_BYTES,
    skipped=None,
) -> Iterator:
    """The function that ``mapInArrow`` runs on the executors: Arrow record
    batches of documents in, batches of one string column ``line`` (each
    document's JSONL line) out. ``skipped``, a Spark accumulator, counts the
    rows left out (see :func:`_usable`)."""
    import pyarrow as pa

    gaz = geoevents.Gazetteer(gazetteer)  # once per process: see Gazetteer
    for batch in batches:
        columns = [c for c in DOCUMENT_COLUMNS if c in batch.schema.names]
        batch = batch.select(columns)
        # Spark's batches hold up to 10,000 rows (maxRecordsPerBatch); their
        # results are about ten times the text, so they go out a slice at a time.
        for offset in range(0, batch.num_rows, SLICE_ROWS):
            rows = batch.slice(offset, SLICE_ROWS).to_pylist()
            usable = [r for r in rows if _usable(r, max_document_bytes)]
            if skipped is not None and len(usable) < len(rows):
                skipped.add(len(rows) - len(usable))
            lines = list(gaz.extract_lines(usable, threads, max_document_bytes=max_document_bytes))
            yield pa.RecordBatch.from_arrays([pa.array(lines, type=pa.string())], names=["line"])


def extract(docs, *, gazetteer: str | None = None, threads: int = 1, max_document_bytes=None, skipped=None):
    """A DataFrame of one string column ``line``: the ``geoevents extract``
    JSONL line of each document of ``docs`` (columns ``id``, ``text`` and
    optionally ``title``, ``url``, ``source``, ``published_at``; a timestamp
    ``published_at`` is passed on in ISO 8601). ``threads`` per task: keep 1
    and let Spark run a task per executor core."""
    missing = [c for c in ("id", "text") if c not in docs.columns]
    if missing:
        raise ValueError(f"the documents have no column {', '.join(missing)}; the columns are: {', '.join(docs.columns)}")
    present = [c for c in DOCUMENT_COLUMNS if c in docs.columns]
    fn = functools.partial(
        extract_arrow,
        gazetteer=gazetteer,
        threads=threads,
        max_document_bytes=max_document_bytes or geoevents.DEFAULT_MAX_DOCUMENT_BYTES,
        skipped=skipped,
    )
    return docs.select(*present).mapInArrow(fn, "line string")


def read_results(spark, path: str):
    """The JSONL results under ``path`` as a DataFrame, one row per document,
    with the schema Spark infers from all of them."""
    return spark.read.option("samplingRatio", 1.0).json(path)


def _flat_columns(schema, prefix: str = "", parents: tuple = ()) -> list:
    """Columns that flatten struct fields into ``<field>_<key>``."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType

    out = []
    for field in schema.fields:
        path = (*parents, field.name)
        if isinstance(field.dataType, StructType):
            out.extend(_flat_columns(field.dataType, f"{prefix}{field.name}_", path))
        else:
            column = F.col(".".join(f"`{p}`" for p in path))
            out.append(column.alias(f"{prefix}{field.name}"))
    return out


def _typed_dates(df):
    """``event_date`` as a date and ``published_at`` as a timestamp (a value
    that does not parse becomes null, never a failed job)."""
    from pyspark.sql import functions as F

    if "event_date" in df.columns:
        df = df.withColumn("event_date", F.col("event_date").try_cast("date"))
    if "published_at" in df.columns:
        df = df.withColumn("published_at", F.col("published_at").try_cast("timestamp"))
    return df


def _records(results, field: str):
    """One row per element of the array of structs ``field``, flattened,
    with the document's id as ``doc_id`` (unless the records carry one) and
    the element's 0-based place in the document's list as ``position``."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, StructType

    spark = results.sparkSession
    dtype = results.schema[field].dataType if field in results.columns else None
    if not (isinstance(dtype, ArrayType) and isinstance(dtype.elementType, StructType)):
        # No document had one: Spark inferred no struct to explode.
        return spark.createDataFrame([], "doc_id string")
    exploded = results.select(F.col("id").alias("_doc_id"), F.posexplode(field).alias("_pos", "_r"))
    element = dtype.elementType
    flat = exploded.select("_doc_id", "_pos", *_flat_columns(element, "", ("_r",)))
    if "doc_id" in element.fieldNames():
        flat = flat.drop("_doc_id")
    else:
        flat = flat.withColumnRenamed("_doc_id", "doc_id")
    return _typed_dates(flat.withColumnRenamed("_pos", "position"))


def toponyms(results):
    """One row per toponym: ``doc_id``, ``position`` (0-based, in text order)
    and the toponym's fields, ``place`` flattened."""
    return _records(results, "toponyms")


def events(results):
    """One row per event, its fields flattened; ``position`` is its place
    among the document's events."""
    return _records(results, "events")


def documents(results):
    """One row per document: its fields besides the toponyms and events
    (``focus`` flattened), and how many of each it has."""
    from pyspark.sql import functions as F

    counts = [F.size(F.col(c)).alias(f"{c}_count") for c in ("toponyms", "events") if c in results.columns]
    kept = results.drop("toponyms", "events")
    return _typed_dates(results.select(*_flat_columns(kept.schema), *counts))


def _pyarrow_fs(uri: str):
    """A pyarrow filesystem and path for a URI that Spark qualified
    (``file:/x``, ``hdfs://nn/x``, ``s3a://b/x`` -> ``s3://b/x``)."""
    from pyarrow import fs

    if uri.startswith("s3a://") or uri.startswith("s3n://"):
        uri = "s3://" + uri[6:]
    if uri.startswith("file:") and not uri.startswith("file://"):
        uri = "file://" + uri[5:]
    return fs.FileSystem.from_uri(uri)


def _points_wkb(lon, lat):
    """Little-endian WKB points (21 bytes each) for Arrow arrays of
    longitudes and latitudes; null where either is null."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(lon)
    points = np.zeros(n, dtype=np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")]))
    points["order"] = 1  # little endian
    points["type"] = 1  # Point
    points["x"] = pc.fill_null(lon, 0.0).to_numpy(zero_copy_only=False)
    points["y"] = pc.fill_null(lat, 0.0).to_numpy(zero_copy_only=False)
    offsets = np.arange(0, 21 * (n + 1), 21, dtype=np.int32)
    wkb = pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(points.tobytes())])
    valid = pc.and_(pc.is_valid(lon), pc.is_valid(lat))
    return pc.if_else(valid, wkb, pa.scalar(None, pa.binary())), valid


def geo_metadata(geometry: str = "geometry", covering: str | None = "bbox") -> dict:
    """The GeoParquet 1.1 ``geo`` metadata of a table of WKB points in
    longitude/latitude (no ``crs``: the specification's default, OGC:CRS84,
    which is EPSG:4326 with longitude first)."""
    column = {"encoding": "WKB", "geometry_types": ["Point"]}
    if covering:
        column["covering"] = {"bbox": {k: [covering, k] for k in ("xmin", "ymin", "xmax", "ymax")}}
    return {"version": GEOPARQUET_VERSION, "primary_column": geometry, "columns": {geometry: column}}


def geoparquet_table(batch, lon: str = "place_lon", lat: str = "place_lat"):
    """An Arrow batch of events as a GeoParquet table: its columns, then
    ``bbox`` (a point's box: xmin = xmax = longitude) and ``geometry`` (WKB),
    with the ``geo`` metadata."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.Table.from_batches([batch])
    x, y = table.column(lon).combine_chunks(), table.column(lat).combine_chunks()
    wkb, valid = _points_wkb(x, y)
    nulls = pc.invert(valid)
    bbox = pa.StructArray.from_arrays([x, y, x, y], names=["xmin", "ymin", "xmax", "ymax"], mask=nulls)
    table = table.append_column("bbox", bbox).append_column("geometry", wkb)
    meta = dict(table.schema.metadata or {})
    meta[b"geo"] = json.dumps(geo_metadata()).encode()
    return table.replace_schema_metadata(meta)


def _write_partition(batches, *, uri: str, lon: str, lat: str):
    """Writes one partition's events to ``part-NNNNN.parquet`` under ``uri``
    (written under a temporary name, then renamed, so a retried task
    replaces a file whole); yields its path and row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyspark import TaskContext

    ctx = TaskContext.get()
    part, attempt = ctx.partitionId(), ctx.attemptNumber()
    filesystem, base = _pyarrow_fs(uri)
    final = f"{base}/part-{part:05d}.parquet"
    temporary = f"{base}/_temporary-part-{part:05d}-attempt-{attempt}.parquet"
    writer, rows = None, 0
    try:
        for batch in batches:
            if batch.num_rows == 0:
                continue
            table = geoparquet_table(batch, lon, lat)
            if writer is None:
                writer = pq.ParquetWriter(temporary, table.schema, filesystem=filesystem, compression="zstd")
            writer.write_table(table)
            rows += batch.num_rows
    finally:
        if writer is not None:
            writer.close()
    if writer is not None:
        filesystem.move(temporary, final)
    yield pa.RecordBatch.from_arrays([pa.array([final if rows else None]), pa.array([rows], pa.int64())], names=["path", "rows"])


def _qualified(spark, path: str) -> str:
    """``path`` as Spark resolves it (against the default file system)."""
    jvm = spark._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    return hpath.getFileSystem(spark._jsc.hadoopConfiguration()).makeQualified(hpath).toString()


def write_geoparquet(df, path: str, *, lon: str = "place_lon", lat: str = "place_lat") -> int:
    """Writes ``df`` (rows with ``lon``/``lat`` columns) as a GeoParquet 1.1
    dataset: one file per partition, replacing what was under ``path``.
    Returns the rows written."""
    spark = df.sparkSession
    uri = _qualified(spark, path)
    filesystem, base = _pyarrow_fs(uri)
    filesystem.create_dir(base, recursive=True)
    filesystem.delete_dir_contents(base, missing_dir_ok=True)
    fn = functools.partial(_write_partition, uri=uri, lon=lon, lat=lat)
    written = df.mapInArrow(fn, "path string, rows long").collect()
    return sum(r["rows"] for r in written)


def merge_events(events_df):
    """Cross-article merging of events, as the command line merges them.

    The hook for the rule of ``crates/geoevents-core/src/events/merge.rs``
    (not on main yet). That rule links events of the same class on the same
    or adjacent days at the same place (or cities within 10 km) and merges
    connected components, which can chain across days and places; so the
    only grouping that gives exactly the command line's result is the
    event class: ``groupBy(event_class).applyInArrow`` with the Rust rule
    (``geoevents._geoevents.merge_events_json``, to be exposed) run over each
    group. Until then this raises ``NotImplementedError`` and :func:`run`
    writes no merged table.
    """
    native = getattr(geoevents._geoevents, "merge_events_json", None)
    if native is None:
        raise NotImplementedError("this geoevents has no cross-article event merge yet")
    raise NotImplementedError("the merge rule is exposed but not wired into Spark")


def run(
    docs,
    out: str,
    *,
    gazetteer: str | None = None,
    threads: int = 1,
    max_document_bytes: int | None = None,
    partitions: int | None = None,
) -> dict:
    """The whole job: ``docs`` geoparsed into ``out``/``jsonl`` (the command
    line's JSONL), ``documents`` and ``toponyms`` (Parquet) and ``events``
    (GeoParquet 1.1), each replaced. ``partitions``: repartition the
    documents first (2 to 4 per executor core; see the README). Returns
    the counts."""
    spark = docs.sparkSession
    if partitions:
        docs = docs.repartition(partitions)
    skipped = spark.sparkContext.accumulator(0)
    out = out.rstrip("/")
    jsonl_path = f"{out}/jsonl"
    extract(docs, gazetteer=gazetteer, threads=threads, max_document_bytes=max_document_bytes, skipped=skipped).write.mode(
        "overwrite"
    ).option("compression", "none").text(jsonl_path)
    # Parsed once (schema inference is a pass of its own), then exploded three ways.
    from pyspark import StorageLevel

    results = read_results(spark, jsonl_path).persist(StorageLevel.MEMORY_AND_DISK)
    documents(results).write.mode("overwrite").parquet(f"{out}/documents")
    toponyms(results).write.mode("overwrite").parquet(f"{out}/toponyms")
    event_rows = write_geoparquet(events(results), f"{out}/events")
    counts = {
        "documents": results.count(),
        "skipped": skipped.value,
        "toponyms": spark.read.parquet(f"{out}/toponyms").count(),
        "events": event_rows,
    }
    try:
        merge_events(events(results))
    except NotImplementedError as why:
        counts["merged_events"] = f"not written: {why}"
    results.unpersist()
    return counts
