#!/usr/bin/env python3
"""Throughput and memory of geoevents on Spark in local mode, against the
command line on the same documents; the package's import time.

    python3 benches/make_corpus.py --unique > /tmp/unique.jsonl
    python examples/spark/benchmark.py /tmp/unique.jsonl [--bin target/release/geoevents]

Runs, each in a fresh process: `geoevents extract` on 1 and 2 threads
(RAYON_NUM_THREADS), `geoevents.extract_many` on 1 and 2 threads, and the
Spark job in local[1] and local[2] (a fresh JVM each): the extraction stage
alone (written to Spark's `noop` sink) and the whole job (JSONL, Parquet and
GeoParquet written). Peak memory: the largest resident set of a Python
worker process (getrusage in the worker) and of the JVM (VmHWM). Prints
one JSON object per measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOCUMENT_SCHEMA = "id string, text string, title string, url string, source string, published_at string"


def count_lines(path: str) -> int:
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


def report(**fields):
    print(json.dumps(fields), flush=True)


def cli(binary: str, corpus: str, docs: int):
    for threads in (1, 2):
        env = {**os.environ, "RAYON_NUM_THREADS": str(threads)}
        start = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([binary, "extract", corpus, "-o", os.devnull], check=True, env=env, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        report(run="cli", threads=threads, seconds=round(wall, 2), docs_per_s=round(docs / wall),
               docs_per_s_per_core=round(docs / wall / threads), peak_rss_mb=round(after.ru_maxrss / 1024),
               cpu_s=round(cpu, 2), docs_per_cpu_s=round(docs / cpu))


PYTHON_API = """
import json, resource, sys, time, geoevents
docs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c0, t0 = cpu(), time.perf_counter()
n = sum(1 for _ in geoevents.extract_many(docs, threads=int(sys.argv[2])))
print(n, time.perf_counter() - t0, cpu() - c0)
"""


def python_api(corpus: str, docs: int):
    for threads in (1, 2):
        out = subprocess.run([sys.executable, "-c", PYTHON_API, corpus, str(threads)], check=True,
                             capture_output=True, text=True).stdout
        n, wall, cpu = out.split()
        n, wall, cpu = int(n), float(wall), float(cpu)
        report(run="python extract_many", threads=threads, seconds=round(wall, 2), docs_per_s=round(n / wall),
               docs_per_s_per_core=round(n / wall / threads), cpu_s=round(cpu, 2), docs_per_cpu_s=round(n / cpu))


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a process, its live descendants and the
    children they reaped: the JVM with Spark's Python daemon and workers."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # After the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15), 0-based here.
            stats[int(entry.name)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))
    children = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0))[1]
        todo.extend(children.get(pid, []))
    return total / os.sysconf("SC_CLK_TCK")


def spark_run(cores: int, corpus: str, partitions: int):
    """One local[cores] session (run in its own process)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    import geoevents.spark as ges

    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    docs = spark.read.schema(DOCUMENT_SCHEMA).json(corpus).repartition(partitions).cache()
    n = docs.count()  # read and shuffled once, outside the timings
    # Warm the Python workers (process start, import), as a long job would.
    docs.limit(partitions).mapInArrow(lambda b: b, docs.schema).write.format("noop").mode("overwrite").save()

    jvm_pid = spark._jvm.java.lang.ProcessHandle.current().pid()

    cpu, start = tree_cpu_seconds(jvm_pid), time.perf_counter()
    ges.extract(docs).write.format("noop").mode("overwrite").save()
    extraction, cpu = time.perf_counter() - start, tree_cpu_seconds(jvm_pid) - cpu
    report(run="spark extraction", cores=cores, partitions=partitions, seconds=round(extraction, 2),
           docs_per_s=round(n / extraction), docs_per_s_per_core=round(n / extraction / cores),
           cpu_s=round(cpu, 2), docs_per_cpu_s=round(n / cpu))

    with tempfile.TemporaryDirectory() as out:
        cpu, start = tree_cpu_seconds(jvm_pid), time.perf_counter()
        counts = ges.run(docs, out)
        whole, cpu = time.perf_counter() - start, tree_cpu_seconds(jvm_pid) - cpu
    report(run="spark whole job", cores=cores, seconds=round(whole, 2), docs_per_s=round(n / whole),
           docs_per_s_per_core=round(n / whole / cores), cpu_s=round(cpu, 2), docs_per_cpu_s=round(n / cpu),
           counts=counts)

    def worker_memory(batches):
        # Geoparses its partition, then reports: a worker that did the work.
        import os as _os
        import resource as _resource

        import geoevents
        import pyarrow as pa
        from geoevents.spark import extract_arrow

        for _ in extract_arrow(batches):
            pass
        rss = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss
        yield pa.RecordBatch.from_pydict({"pid": [_os.getpid()], "peak_kb": [rss], "loads": [geoevents.gazetteer_loads()]})

    workers = docs.mapInArrow(worker_memory, "pid long, peak_kb long, loads long").collect()
    peaks = {r["pid"]: r["peak_kb"] for r in workers}
    hwm = next(l for l in Path(f"/proc/{jvm_pid}/status").read_text().splitlines() if l.startswith("VmHWM"))
    report(run="spark memory", cores=cores, python_workers=len(peaks),
           python_worker_peak_mb=round(max(peaks.values()) / 1024), jvm_peak_mb=round(int(hwm.split()[1]) / 1024),
           gazetteer_loads_per_worker=sorted({r["loads"] for r in workers}))
    spark.stop()


def import_time():
    runs = []
    for _ in range(15):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import geoevents"], check=True)
        runs.append(time.perf_counter() - start)
    bare = []
    for _ in range(15):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", "import geoevents"], capture_output=True, text=True).stderr
    cumulative = [int(l.split("|")[1]) for l in err.splitlines() if l.rstrip().endswith("| geoevents")]
    report(run="import", importtime_cumulative_ms=round(cumulative[-1] / 1000, 1),
           cold_process_ms=round(statistics.median(runs) * 1000, 1),
           bare_python_ms=round(statistics.median(bare) * 1000, 1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("--bin", default=str(Path(__file__).resolve().parents[2] / "target" / "release" / "geoevents"))
    p.add_argument("--partitions", type=int, default=8)
    p.add_argument("--spark-run", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.spark_run:
        spark_run(args.spark_run, args.corpus, args.partitions)
        return
    # Every run gets the same documents: those the command line accepts.
    clean = Path(tempfile.mkdtemp()) / "documents.jsonl"
    with open(args.corpus, encoding="utf-8") as f, open(clean, "w", encoding="utf-8") as out:
        for line in f:
            if line.strip() and json.loads(line).get("text", "").strip():
                out.write(line)
    args.corpus = str(clean)
    docs = count_lines(args.corpus)
    report(run="corpus", documents=docs, mb=round(os.path.getsize(args.corpus) / 1e6, 1))
    import_time()
    cli(args.bin, args.corpus, docs)
    python_api(args.corpus, docs)
    for cores in (1, 2):
        subprocess.run([sys.executable, __file__, args.corpus, "--spark-run", str(cores), "--partitions", str(args.partitions)],
                       check=True, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
