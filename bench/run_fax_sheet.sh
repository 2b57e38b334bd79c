#!/usr/bin/env bash
# Benchmarks the fax_sheet sink's rendering (issue 14: ≥ 20 pages/s), Release build in build-bench:
# bench_fax_sheet renders the shipped discharge notice (cover page + linkage sheet) N times as PDF,
# as TIFF G4 at fax resolution, and as both, single thread. Raw lines go to
# bench/results/fax-sheet-<UTC time>.jsonl. Usage: bench/run_fax_sheet.sh [N]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-200}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-/work} CCACHE_DIR=${CCACHE_DIR:-/work/.ccache}
"$here/scripts/install-deps.sh" >/dev/null
build=$here/build-bench
flock /tmp/renkei-build.lock cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
flock /tmp/renkei-build.lock cmake --build "$build" --target bench_fax_sheet -j2 >/dev/null
out=$here/bench/results
mkdir -p "$out"
raw=$out/fax-sheet-$(date -u +%Y%m%dT%H%M%SZ).jsonl
flock /tmp/renkei-build.lock "$build/bench/bench_fax_sheet" "$n" > "$raw"
python3 - "$raw" <<'PY'
import json, sys
print("| output | pages/s (one thread) | bytes a page |")
print("|---|---:|---:|")
for r in map(json.loads, open(sys.argv[1])):
    print(f"| {r['mode']} | {r['pages_per_s']:,} | {r['bytes_per_page']:,} |")
PY
"$here/bench/fsync_rate.sh"
echo "bench: raw results in $raw" >&2
