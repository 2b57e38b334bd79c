#!/usr/bin/env bash
# Runs the pipeline benchmark (bench/pipeline_bench.py) on SQLite and on a throwaway PostgreSQL
# cluster in one run and prints a markdown table; raw lines go to bench/results/.
# Usage: bench/run_pipeline.sh [N] [RATE]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-20000}
RATE=${2:-2000}
"$here/scripts/install-deps.sh" --test >/dev/null
cmake -S "$here" -B "$here/build-bench" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
cmake --build "$here/build-bench" --target renkei -j"$(nproc)" >/dev/null
pg_dir=$(mktemp -d /tmp/renkei-bench-pg.XXXXXX)
trap '"$here/tests/support/pg_cluster.sh" stop "$pg_dir"' EXIT
pg_url=$("$here/tests/support/pg_cluster.sh" start "$pg_dir")

out=$here/bench/results
mkdir -p "$out"
raw=$out/pipeline-$(date -u +%Y%m%dT%H%M%SZ).jsonl
for store in sqlite postgres; do
  python3 "$here/bench/pipeline_bench.py" "$here/build-bench/gateway/renkei" --store "$store" \
    --n "$N" --rate "$RATE" --pg-url "$pg_url" >> "$raw"
done
python3 - "$raw" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
fsync = next(r["fsync_per_s"] for r in rows if r["phase"] == "fsync")
print("| store | burst msgs/s | commits/s (msgs per commit) | paced: offered → delivered msgs/s | p50 ms | p99 ms | RSS start → end MB |")
print("|---|---:|---:|---:|---:|---:|---|")
for store in ("sqlite", "postgres"):
    get = lambda p: next((r for r in rows if r["store"] == store and r["phase"] == p), {})
    b, p, m = get("burst"), get("paced"), get("memory")
    print("| %s | %s | %s (%s) | %s → %s | %s | %s | %s → %s |" % (store, b.get("throughput_per_s"),
          b.get("commits_per_s"), b.get("messages_per_commit"),
          p.get("offered_per_s"), p.get("throughput_per_s"), p.get("p50_ms"), p.get("p99_ms"),
          m.get("rss_mb_started"), m.get("rss_mb_last")))
print("\ndisk: %d fsync/s (4 KB write + fdatasync) in the same run" % fsync)
PY
echo "bench: raw results in $raw" >&2
