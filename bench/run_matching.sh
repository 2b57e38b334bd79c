#!/usr/bin/env bash
# Benchmarks patient matching (issue 14): a generated population of KNOWN patients indexed, then
# new records matched one by one; prints a markdown table (latency, memory, precision, recall) at
# 100,000 and at KNOWN patients. Raw lines go to bench/results/. Usage: bench/run_matching.sh [KNOWN]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
known=${1:-1000000}
"$here/scripts/install-deps.sh" >/dev/null
cmake -S "$here" -B "$here/build-bench" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
cmake --build "$here/build-bench" --target bench_matching -j"$(nproc)" >/dev/null
out=$here/bench/results
mkdir -p "$out"
raw=$out/matching-$(date -u +%Y%m%dT%H%M%SZ).jsonl
for n in 100000 "$known"; do "$here/build-bench/bench/bench_matching" "$n" 20000 >> "$raw"; done
python3 - "$raw" <<'PY'
import json, sys
print("| known patients | index build /s | match p50 µs | p99 µs | max µs | precision | auto-link recall | truth among candidates | index MB |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in map(json.loads, open(sys.argv[1])):
    print(f"| {r['known']:,} | {r['build_per_s']:,.0f} | {r['p50_us']} | {r['p99_us']} | {r['max_us']} | "
          f"{r['precision']} | {r['auto_link_recall']} | {r['candidate_recall']} | {r['index_mb']} |")
PY
"$here/bench/fsync_rate.sh"
echo "bench: raw results in $raw" >&2
