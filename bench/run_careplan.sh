#!/usr/bin/env bash
# Benchmarks care-plan CSV intake (issue 11): 第6表 rows → validated Bundles through `renkei map`
# (one core) and through the daemon with durable commit, and peak memory for a SMALL and a LARGE
# file (default 100 MB and 1 GB: streaming keeps memory flat). Prints a markdown table; raw lines
# go to bench/results/. Needs ~3 GB of free disk under /var/tmp for LARGE = 1000.
# Usage: bench/run_careplan.sh [SMALL_MB] [LARGE_MB]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
small=${1:-100}
large=${2:-1000}
"$here/scripts/install-deps.sh" >/dev/null
cmake -S "$here" -B "$here/build-bench" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
cmake --build "$here/build-bench" --target renkei -j"$(nproc)" >/dev/null
work=$(mktemp -d /var/tmp/renkei-careplan-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=$here/bench/results
mkdir -p "$out"
raw=$out/careplan-$(date -u +%Y%m%dT%H%M%SZ).jsonl
python3 "$here/bench/careplan_bench.py" "$here/build-bench/gateway/renkei" "$work" \
  --small-mb "$small" --large-mb "$large" | tee "$raw" >&2
python3 - "$raw" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
fsync = next(r["fsync_per_s"] for r in lines if r["phase"] == "fsync")
rows = [r for r in lines if r["phase"] != "fsync"]
print("disk: %d fsync/s (4 KB write + fdatasync) in the same run\n" % fsync)
print("| path | input | rows | seconds | rows/s | peak RSS MB |")
print("|---|---|---:|---:|---:|---:|")
for r in rows:
    print("| %s | %s | %s | %s | %s | %s |" % (r["phase"], r["input"], f'{r["rows"]:,}', r["seconds"],
                                             f'{r["rows_per_s"]:,}', r["peak_rss_mb"]))
get = lambda p, i: next(r for r in rows if r["phase"] == p and r["input"] == i)
for p in ("map", "daemon"):
    s, l = get(p, "small"), get(p, "large")
    print("\n%s: peak RSS large/small = %.2f" % (p, l["peak_rss_mb"] / s["peak_rss_mb"]))
PY
echo "bench: raw results in $raw" >&2
