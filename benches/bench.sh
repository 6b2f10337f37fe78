#!/usr/bin/env bash
# Benchmarks of geoevents (not tests: no pass/fail, figures to compare).
# Run from the repository root after `cargo build --release`:
#     bash benches/bench.sh [quick]
# Needs python3; uses hyperfine when installed (apt-get install hyperfine),
# /usr/bin/time -v for peak memory, taskset to pin one core.
# Inputs are generated into $BENCH_DIR (default /tmp/geoevents-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/geoevents
DIR=${BENCH_DIR:-/tmp/geoevents-bench}
mkdir -p "$DIR"
QUICK=${1:-}
peak() { grep -E "Maximum resident" "$1" | awk '{printf "%.0f MB", $6/1024}'; }
wall() { grep -E "Elapsed \(wall" "$1" | awk '{print $8}'; }
# rate LOG AMOUNT UNIT LABEL: AMOUNT per second of the wall time in LOG (from /usr/bin/time -v).
rate() {
    python3 -c "import sys; m,s=('0:'+sys.argv[1]).split(':')[-2:]; t=float(m)*60+float(s); print(f'  {sys.argv[4]}: {float(sys.argv[2])/t:,.1f} {sys.argv[3]}/s ({t:.2f} s)')" "$(wall "$1")" "$2" "$3" "$4"
    echo "  peak memory $(peak "$1")"
}

echo "== geocode: one process, built-in gazetteer, end to end"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs 50 "$BIN geocode Aleppo --format json" 2>/dev/null | grep -E "Time|Range"
else
    start=$(date +%s%N); for _ in $(seq 50); do $BIN geocode Aleppo --format json >/dev/null; done
    echo "mean $(( ($(date +%s%N) - start) / 50000 )) us"
fi

echo "== geocode --csv: batch, one core"
N=$([ "$QUICK" = quick ] && echo 200000 || echo 1000000)
[ -f "$DIR/names-$N.csv" ] || python3 benches/gen_names_csv.py "$N" > "$DIR/names-$N.csv"
for mode in "--no-fuzzy" ""; do
    /usr/bin/time -v taskset -c 0 $BIN geocode --csv "$DIR/names-$N.csv" --column place --country-column country $mode -o "$DIR/out.csv" 2> "$DIR/time.log" >/dev/null
    rate "$DIR/time.log" "$N" names "${mode:-with fuzzy} ($N rows)"
done

echo "== extract: JSONL in, JSONL out, built-in gazetteer"
MB=$([ "$QUICK" = quick ] && echo 20 || echo 100)
[ -f "$DIR/corpus-$MB.jsonl" ] || python3 benches/make_corpus.py "$MB" > "$DIR/corpus-$MB.jsonl"
for cores in "0" "0,1"; do
    /usr/bin/time -v taskset -c "$cores" $BIN extract "$DIR/corpus-$MB.jsonl" -o "$DIR/out.jsonl" 2> "$DIR/time.log"
    rate "$DIR/time.log" "$MB" "MB of text" "cores $cores ($MB MB)"
done

echo "== layers: 10,000 articles, all formats, over extraction alone"
head -10000 "$DIR/corpus-$MB.jsonl" > "$DIR/corpus-10k.jsonl"
/usr/bin/time -v $BIN extract "$DIR/corpus-10k.jsonl" -o "$DIR/out.jsonl" 2> "$DIR/time.log"
rate "$DIR/time.log" 10000 articles "JSONL only"
/usr/bin/time -v $BIN extract "$DIR/corpus-10k.jsonl" --layers "$DIR/layers" --format geojson,geojsonseq,csv,gpkg 2> "$DIR/time.log"
rate "$DIR/time.log" 10000 articles "with layers"

echo "== gazetteer import: synthetic GeoNames dump"
ROWS=$([ "$QUICK" = quick ] && echo 1000000 || echo 12000000)
[ -f "$DIR/dump-$ROWS.txt" ] || python3 benches/gen_dump.py "$ROWS" > "$DIR/dump-$ROWS.txt"
/usr/bin/time -v $BIN gazetteer import "$DIR/dump-$ROWS.txt" -o "$DIR/dump.gaz" 2> "$DIR/time.log"
grep "wrote" "$DIR/time.log" | sed 's/^/  /'
echo "  wall $(wall "$DIR/time.log"), peak memory $(peak "$DIR/time.log")"
echo "  geocode on it: $( { /usr/bin/time -f '%e s' $BIN geocode --gazetteer "$DIR/dump.gaz" Kalodor --format json >/dev/null; } 2>&1 )"
