"""The Spark job in local mode (local[2]) against the command line: the
same documents give the same rows. Needs Java 17 and PySpark 4 (--spark)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import corpus
import pytest
from geoevents._frames import flatten

pytestmark = pytest.mark.spark

DOCUMENT_SCHEMA = "id string, text string, title string, url string, source string, published_at string"


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors' Python: this one, with geoevents
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # local mode stays on the loopback interface
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("geoevents-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        # Small batches, so that a task sees several of them.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    docs = corpus.documents(300, seed=7)
    path = tmp_path_factory.mktemp("spark") / "docs.jsonl"
    corpus.write_jsonl(docs, path)
    return docs, path


def normalised(value):
    """A value read back from Parquet, as the JSONL writes it."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def same_record(spark_row: dict, cli_record: dict, where: str):
    """Every field of the command line's record (flattened) is in the Spark
    row with the same value; a null object is null in all its columns."""
    for key, want in flatten(cli_record).items():
        if key in spark_row:
            got = normalised(spark_row[key])
            if isinstance(got, dt.datetime):
                parsed = dt.datetime.fromisoformat(want.replace("Z", "+00:00")) if want else None
                if parsed is not None and parsed.tzinfo is None:
                    parsed = parsed.replace(tzinfo=dt.timezone.utc)
                assert got == parsed, f"{where}: {key}"
            else:
                assert got == want, f"{where}: {key}: {got!r} != {want!r}"
        else:
            assert want is None, f"{where}: no column {key}"
            nested = [k for k in spark_row if k.startswith(f"{key}_")]
            assert nested and all(spark_row[k] is None for k in nested), f"{where}: {key}"


def test_the_job_gives_the_command_lines_rows(spark, corpus_file, cli, tmp_path):
    import geoevents.spark as ges
    import geopandas
    import pyarrow.parquet as pq

    docs, path = corpus_file
    expected = {r["id"]: r for r in cli.extract_alone(docs)}
    frame = spark.read.schema(DOCUMENT_SCHEMA).json(str(path))
    out = tmp_path / "out"
    counts = ges.run(frame, str(out), partitions=6)
    assert counts["documents"] == len(docs) and counts["skipped"] == 0

    # The JSONL is the command line's, document for document.
    lines = [json.loads(l) for f in sorted((out / "jsonl").glob("part-*")) for l in f.read_text().splitlines()]
    assert {r["id"]: r for r in lines} == expected

    # Toponyms: one row per toponym with the command line's fields.
    rows = pq.read_table(out / "toponyms").to_pylist()
    want = [(r["id"], i, t) for r in expected.values() for i, t in enumerate(r["toponyms"])]
    assert len(rows) == len(want) == counts["toponyms"] > len(docs)
    by_key = {(row["doc_id"], row["position"]): row for row in rows}
    for doc_id, i, t in want:
        same_record(by_key[(doc_id, i)], t, f"toponym {doc_id}#{i}")

    # Events: GeoParquet, a point per resolved event.
    events = geopandas.read_parquet(out / "events")
    want = {e["id"]: e for r in expected.values() for e in r["events"]}
    assert len(events) == len(want) == counts["events"] > len(docs)
    assert events.crs.equals("OGC:CRS84") and events.geometry.name == "geometry"
    table = pq.read_table(out / "events")
    assert str(table.schema.field("event_date").type) == "date32[day]"
    assert str(table.schema.field("published_at").type).startswith("timestamp")
    for record in table.to_pylist():
        same_record({k: v for k, v in record.items() if k not in ("geometry", "bbox")}, want[record["id"]], f"event {record['id']}")
    for event_id, point in zip(events["id"], events.geometry):
        place = want[event_id]["place"]
        if place is None:
            assert point is None
        else:
            assert (point.x, point.y) == (place["lon"], place["lat"])

    # Every file is GeoParquet 1.1 on its own.
    files = sorted((out / "events").glob("part-*.parquet"))
    assert files
    for f in files:
        geo = json.loads(pq.read_schema(f).metadata[b"geo"])
        assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
        assert geo["columns"]["geometry"]["encoding"] == "WKB"
        assert geo["columns"]["geometry"]["covering"]["bbox"]["xmin"] == ["bbox", "xmin"]

    documents = pq.read_table(out / "documents").to_pylist()
    assert sorted(d["id"] for d in documents) == sorted(expected)
    assert {d["id"]: d["events_count"] for d in documents} == {k: len(r["events"]) for k, r in expected.items()}


def test_blank_and_oversized_documents_are_skipped_and_counted(spark, tmp_path):
    import geoevents.spark as ges

    rows = [("a", "Storms hit Valencia on Monday."), ("b", "   "), ("c", None), ("d", "Rain in Lima. " * 200)]
    frame = spark.createDataFrame(rows, "id string, text string")
    counts = ges.run(frame, str(tmp_path / "out"), max_document_bytes=1000)
    assert counts["documents"] == 1 and counts["skipped"] == 3


def test_the_gazetteer_is_loaded_once_per_worker_process(spark, corpus_file):
    docs, path = corpus_file

    def probe(batches):
        import os

        import geoevents
        import pyarrow as pa
        from geoevents.spark import extract_arrow

        seen = sum(1 for _ in extract_arrow(batches))
        yield pa.RecordBatch.from_pydict(
            {"pid": [os.getpid()], "loads": [geoevents.gazetteer_loads()], "batches": [seen]}
        )

    frame = spark.read.schema(DOCUMENT_SCHEMA).json(str(path)).repartition(8)
    rows = frame.mapInArrow(probe, "pid long, loads long, batches long").collect()
    assert len(rows) == 8 and sum(r["batches"] for r in rows) >= 16  # 8 tasks, several batches each
    assert all(r["loads"] == 1 for r in rows), rows
    # Worker processes are reused across tasks: fewer processes than tasks,
    # each of which loaded the gazetteer once.
    assert len({r["pid"] for r in rows}) < len(rows)


def test_the_example_script_runs_unchanged(spark, corpus_file, tmp_path):
    script = Path(__file__).resolve().parents[3] / "examples" / "spark" / "geoevents_job.py"
    docs, path = corpus_file
    import runpy

    module = runpy.run_path(str(script))
    counts = module["main"]([str(path), str(tmp_path / "out"), "--partitions", "4"])
    assert counts["documents"] == len(docs)
    assert (tmp_path / "out" / "events").is_dir()
