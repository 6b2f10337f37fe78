#!/usr/bin/env bash
# geoevents against its fastest peer, geotext, on the same input in the same
# run (not a test: figures to compare). From the repository root, after
# `cargo build --release`:
#     bash benches/peer.sh
# The input is every distinct text of the development corpora in ../shared/eval
# once (benches/make_corpus.py --unique: news that does not repeat), built
# into $BENCH_DIR at run time and never committed. geotext is installed into a
# scratch virtual environment there. Each program runs pinned to one core
# (taskset -c 0) and to both (taskset -c 0,1); peak memory from /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${GEOEVENTS_BIN:-target/release/geoevents}
DIR=${BENCH_DIR:-/tmp/geoevents-bench}
mkdir -p "$DIR"
IN="$DIR/unique.jsonl"
[ -s "$IN" ] || python3 benches/make_corpus.py --unique > "$IN"
[ -x "$DIR/venv/bin/python" ] || { python3 -m venv "$DIR/venv" && "$DIR/venv/bin/pip" install -q geotext==0.4.0; }
MB=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1], encoding='utf-8'))/1e6)" "$IN")
DOCS=$(wc -l < "$IN")
echo "input: $IN, $DOCS documents, $MB MB of text (UTF-8)"

# measure LABEL CORES COMMAND...: one run under /usr/bin/time -v, prints MB/s
# (of text, wall clock), MB/s per core, CPU seconds and peak memory.
measure() {
    local label=$1 cores=$2; shift 2
    local n; n=$(tr ',' '\n' <<<"$cores" | wc -l)
    /usr/bin/time -v taskset -c "$cores" "$@" 2> "$DIR/time.log" >/dev/null
    python3 - "$DIR/time.log" "$MB" "$n" "$label" <<'PY'
import re, sys
log, mb, n, label = open(sys.argv[1]).read(), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
m, s = ("0:" + re.search(r"Elapsed \(wall clock\) time.*: (\S+)", log).group(1)).split(":")[-2:]
wall = float(m) * 60 + float(s)
cpu = float(re.search(r"User time \(seconds\): (\S+)", log).group(1)) + float(re.search(r"System time \(seconds\): (\S+)", log).group(1))
peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", log).group(1)) / 1024
# MB per CPU second is the per-core rate that survives a loaded machine.
print(f"{label:<28} {n} core(s)  {mb / wall:6.1f} MB/s  {mb / wall / n:6.1f} MB/s per core  {mb / cpu:6.1f} MB per CPU-s  {wall:6.2f} s wall  {peak:5.0f} MB peak")
PY
}

for cores in 0 0,1; do
    n=$(tr ',' '\n' <<<"$cores" | wc -l)
    measure "geoevents extract (events)" "$cores" "$BIN" extract "$IN" -o "$DIR/geoevents.jsonl"
    measure "geotext 0.4.0" "$cores" "$DIR/venv/bin/python" benches/geotext_peer.py "$IN" "$DIR/geotext.jsonl" "$n"
done
