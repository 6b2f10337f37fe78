#!/usr/bin/env python3
"""Geoparse a news archive on Spark with geoevents.

    spark-submit [--master ...] [shipping options: see README.md] \\
        geoevents_job.py INPUT OUTPUT [--partitions N] [--gazetteer PATH] [--threads 1]

INPUT: documents as JSON Lines (a file, a folder or a glob; the fields of a
`geoevents extract` line: id, text, optionally title, url, source,
published_at) or Parquet (`--input-format parquet`, or a path ending in
.parquet) with those columns. OUTPUT (any Hadoop file system URI) receives:

    OUTPUT/jsonl/      the command line's JSONL, one line per document
    OUTPUT/documents/  Parquet: one row per document (focus, counts)
    OUTPUT/toponyms/   Parquet: one row per place mention
    OUTPUT/events/     GeoParquet 1.1: one row per event, WKB points

The counts are printed as JSON at the end. The script runs unchanged in
local mode (`--master local[2]`) and on a cluster.
"""

from __future__ import annotations

import argparse
import json
import sys

DOCUMENT_SCHEMA = "id string, text string, title string, url string, source string, published_at string"


def parse_args(argv):
    p = argparse.ArgumentParser(description="Geoparse documents on Spark with geoevents.")
    p.add_argument("input", help="JSON Lines or Parquet documents (id, text, ...)")
    p.add_argument("output", help="the folder (URI) to write the tables into; replaced")
    p.add_argument("--input-format", choices=["jsonl", "parquet"], help="default: by the input's extension")
    p.add_argument("--partitions", type=int, help="repartition the documents first (2-4 per executor core)")
    p.add_argument("--gazetteer", help="an imported gazetteer file, at this path on every executor")
    p.add_argument("--threads", type=int, default=1, help="geoparsing threads per task (default 1)")
    p.add_argument("--max-document-bytes", type=int, help="skip larger documents (default 8 MiB)")
    return p.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    from pyspark.sql import SparkSession

    import geoevents.spark as ges

    # Dates and times of the tables are UTC, as in the JSONL.
    spark = SparkSession.builder.appName("geoevents").config("spark.sql.session.timeZone", "UTC").getOrCreate()
    fmt = args.input_format or ("parquet" if args.input.rstrip("/").endswith(".parquet") else "jsonl")
    if fmt == "parquet":
        docs = spark.read.parquet(args.input)
    else:
        # A fixed schema: no pass over the texts to infer one (numeric ids are read as their digits).
        docs = spark.read.schema(DOCUMENT_SCHEMA).json(args.input)
    counts = ges.run(
        docs,
        args.output,
        gazetteer=args.gazetteer,
        threads=args.threads,
        max_document_bytes=args.max_document_bytes,
        partitions=args.partitions,
    )
    print(json.dumps(counts))
    return counts


if __name__ == "__main__":
    main(sys.argv[1:])
