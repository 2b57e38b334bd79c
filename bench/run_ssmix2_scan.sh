#!/usr/bin/env bash
# Benchmarks the SS-MIX2 storage source (issue 12): the first scan of PATIENTS files (read, mapped,
# validated, committed) and scans of the unchanged storage (target: 100,000 files in < 5 s).
# Prints a markdown table with the disk's fsync rate; raw lines go to bench/results/. Exits by itself.
# Usage: bench/run_ssmix2_scan.sh [PATIENTS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
patients=${1:-100000}
"$here/scripts/install-deps.sh" >/dev/null
cmake -S "$here" -B "$here/build-bench" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
cmake --build "$here/build-bench" --target renkei -j"$(nproc)" >/dev/null
work=$(mktemp -d /var/tmp/renkei-ssmix2-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=$here/bench/results
mkdir -p "$out"
raw=$out/ssmix2-scan-$(date -u +%Y%m%dT%H%M%SZ).jsonl
python3 "$here/bench/ssmix2_scan_bench.py" "$here/build-bench/gateway/renkei" "$work" "$patients" > "$raw"
python3 - "$raw" <<'PY'
import json, sys
r = {l["phase"]: l for l in map(json.loads, open(sys.argv[1]))}
print("disk: %d fsync/s (4 KB write + fdatasync) in the same run\n" % r["fsync"]["fsync_per_s"])
print("| scan | files | read | seconds | files/s |")
print("|---|---:|---:|---:|---:|")
f, u = r["first_scan"], r["unchanged_scan"]
print("| first (read, map, validate, commit) | %s | %s | %.1f | %s |" % (f"{f['files']:,}", f"{f['read']:,}", f["seconds"], f"{f['files_per_s']:,}"))
print("| unchanged (median of %d) | %s | 0 | %.2f | %s |" % (u["scans"], f"{u['files']:,}", u["median_ms"] / 1000,
      f"{round(u['files'] / max(0.001, u['median_ms'] / 1000)):,}"))
PY
echo "bench: raw results in $raw" >&2
