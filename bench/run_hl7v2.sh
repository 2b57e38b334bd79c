#!/usr/bin/env bash
# Benchmarks HL7 v2 intake (issue 12), Release build in build-bench:
#   (a) parse + map to validated FHIR on one core: bench_hl7v2 over N distinct ISO-2022-JP ADT
#       messages (A01/A03/A08 in turn) — the v2 parse, the mapping pick, the Normalizer (mapping,
#       Bundle read, validation with every invariant, canonical JSON) — with each stage timed
#       alone; bench_fhir parse-validate (FHIR JSON) in the same run as the machine's yardstick.
#   (b) MLLP end to end: `renkei serve` with an mllp source on SQLite (ACK AA only after the
#       durable commit), every message routed to a file_folder sink; mllp_load holds CONNECTIONS
#       connections, one message in flight on each: as fast as ACKs come back for SECONDS, then
#       paced at 1,000/s for SECONDS (ACK latency from each message's due time); then as fast as
#       possible and paced again with no message routed (intake only: what the sink costs). Each mode
#       on a fresh daemon after a 2 s warm-up; every message must be acknowledged AA.
# Measurements hold /tmp/renkei-build.lock so nobody builds meanwhile. Prints the figures with the
# disk's fsync rate; raw lines go to bench/results/hl7v2-<UTC time>.jsonl.
# Usage: [RENKEI_BENCH_NO_BUILD=1] bench/run_hl7v2.sh [SECONDS] [CONNECTIONS] [N]
#   (RENKEI_BENCH_NO_BUILD=1 runs the binaries already in build-bench, e.g. while the shared tree
#   does not build)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-20}
connections=${2:-16}
n=${3:-20000}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-/work} CCACHE_DIR=${CCACHE_DIR:-/work/.ccache}
build=$here/build-bench
if [ -z "${RENKEI_BENCH_NO_BUILD:-}" ]; then
  flock /tmp/renkei-build.lock cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
  flock /tmp/renkei-build.lock cmake --build "$build" --target renkei bench_hl7v2 bench_fhir mllp_load -j2 >/dev/null
fi
renkei=$build/gateway/renkei

work=$(mktemp -d /var/tmp/renkei-hl7v2-bench.XXXXXX)
daemon=""
stop_daemon() {
  if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; daemon=""; fi
}
trap 'stop_daemon; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$here/bench/results"
raw=$here/bench/results/hl7v2-$(date -u +%Y%m%dT%H%M%SZ).jsonl
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
admin=$(free_port)
metric() {  # NAME: its value on the daemon's /metrics (first series)
  curl -s "http://127.0.0.1:$admin/metrics" | awk -v m="$1" 'index($0, m) == 1 && $0 !~ /^#/ {print $NF; exit}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# start_daemon ROUTED TAG: ROUTED "yes" sends every message to the file_folder sink; "no" routes
# none (a route for a municipality none of the messages has): intake only, nothing delivered.
# Each mode gets its own folders under $work/TAG, all removed only when the script ends: on an
# ext4 without a journal (this VM's disk) the inode allocator skips every inode freed in the last
# minute or more, one by one, so deleting the previous mode's ~30,000 delivered files just before
# the next mode made each new file cost far more (a quarter of the daemon's CPU in a profile).
start_daemon() {
  local route='{"name": "all", "to": ["archive"]}'
  [ "$1" = no ] && route='{"name": "none", "municipalities": ["八王子市"], "to": ["archive"]}'
  stop_daemon
  run_dir=$work/$2
  mkdir -p "$run_dir/out"
  cat > "$work/renkei.json" <<JSON
{
  "instance_name": "bench", "data_dir": "$run_dir/data", "mappings_dir": "$here/mappings",
  "log": {"level": "error"}, "admin": {"listen": "127.0.0.1:$admin"},
  "sources": {
    "his": {"type": "mllp", "listen": "127.0.0.1:$port", "max_connections": 64,
            "senders": [{"organization": "bench-hospital", "addresses": ["127.0.0.1"],
                         "facilities": ["1312345678"]}]}
  },
  "sinks": {"archive": {"type": "file_folder", "path": "$run_dir/out"}},
  "routes": [$route]
}
JSON
  # Output to files (no pipe held open); fd 9 (the lock) is not inherited.
  "$renkei" serve --config "$work/renkei.json" >"$work/daemon.out" 2>"$work/daemon.err" 9>&- &
  daemon=$!
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$admin/metrics" -o /dev/null && return 0
    sleep 0.1
  done
  echo "the daemon did not start:" >&2; cat "$work/daemon.err" >&2; exit 1
}

# mode MODE RATE TAG ROUTED: warm-up, then one measured run; appends its line (with the daemon's CPU, the
# generator's CPU and the commits) to $raw.
mode() {
  start_daemon "$4" "$3"
  local warm
  warm=$("$build/bench/mllp_load" 127.0.0.1 "$port" "$connections" max 8000 2 "W$3" 9>&-)
  local commits0 ticks0 rate=$2 gen_rate=$2
  [ "$1" = max ] && gen_rate=8000
  commits0=$(metric renkei_store_commits_total)
  ticks0=$(cpu_ticks "$daemon")
  local line status=0
  line=$(/usr/bin/time -f '%U %S' -o "$work/gen.time" \
    "$build/bench/mllp_load" 127.0.0.1 "$port" "$connections" "$1" "$gen_rate" "$secs" "$3" 2>"$work/gen.err" 9>&-) || status=$?
  local ticks1 commits1 delivered
  ticks1=$(cpu_ticks "$daemon")
  commits1=$(metric renkei_store_commits_total)
  sleep 2
  delivered=$(find "$run_dir/out" -name '*.json' | wc -l)
  python3 - "$line" "$status" "$commits0" "$commits1" "$ticks0" "$ticks1" "$(getconf CLK_TCK)" \
      "$(cat "$work/gen.time")" "$delivered" "$(cat "$work/gen.err")" "$(grep VmHWM "/proc/$daemon/status" | awk '{print $2}')" \
      "$warm" "$4" >>"$raw" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
status, c0, c1, t0, t1, hz = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
user, system = (float(x) for x in sys.argv[8].split()[-2:])
r.update({"phase": "mllp", "routed": sys.argv[13], "exit": status, "commits": c1 - c0,
          "daemon_cpu_percent": round(100.0 * (t1 - t0) / hz / r["seconds"]),
          "generator_cpu_percent": round(100.0 * (user + system) / r["seconds"]),
          "warmup_aa": json.loads(sys.argv[12])["aa"], "delivered_2s_after": int(sys.argv[9]), "generator_stderr": sys.argv[10].strip(),
          "daemon_peak_rss_mb": round(int(sys.argv[11] or 0) / 1024)})
print(json.dumps(r))
PY
  stop_daemon
}

# Everything measured from here on holds the build lock (fd 9, kept until the script exits).
exec 9>/tmp/renkei-build.lock
flock 9
{
  echo "{\"phase\": \"run\", \"date\": \"$(date -u +%FT%TZ)\", \"commit\": \"$(git -C "$here" rev-parse --short HEAD)\", \"dirty_files\": $(git -C "$here" status --porcelain --untracked-files=no | wc -l), \"cores\": $(nproc)}"
  python3 -c "import sys; sys.path.insert(0, sys.argv[1]); from pipeline_bench import fsync_rate; import json; print(json.dumps({'phase': 'fsync', 'fsync_per_s': round(fsync_rate(sys.argv[2]))}))" "$here/bench" "$work"
  "$build/bench/bench_hl7v2" "$n" 3 9>&- | sed 's/^{/{"phase": "map", /'
  "$build/bench/bench_fhir" parse-validate 10000 3 9>&- | sed 's/^{/{"phase": "yardstick", /'
} >>"$raw"
mode max 0 M yes
mode paced 1000 P yes
mode max 0 N no
mode paced 1000 Q no

python3 - "$raw" "$connections" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
get = lambda phase, **kw: [r for r in lines if r["phase"] == phase and all(r.get(k) == v for k, v in kw.items())]
run, fsync = get("run")[0], get("fsync")[0]["fsync_per_s"]
print("# %s, commit %s (%d modified tracked files), %d cores" % (run["date"], run["commit"], run["dirty_files"], run["cores"]))
print("disk: %d fsync/s (4 KB write + fdatasync) in the same run\n" % fsync)
stages = {r["stage"]: r for r in get("map") if "per_s" in r}
inputs = [r for r in get("map") if r.get("stage") == "inputs"][0]
yard = get("yardstick")[0]
yard_rate = yard["median_per_s"]
full = stages["parse_map_validate"]
print("(a) one core, %d distinct ADT messages (%d bytes ISO-2022-JP; Bundles %d bytes):" %
      (inputs["n"], inputs["avg_message_bytes"], inputs["avg_bundle_bytes"]))
print("| stage | messages/s | µs each |")
print("|---|---:|---:|")
for s in ("parse", "pick", "map", "read_validate", "parse_map_validate"):
    r = stages[s]
    print("| %s | %s | %.1f |" % (s, f'{r["per_s"]:,}', r["us_each"]))
print("\nparse + map + validate: %s messages/s (target ≥ 50,000: %s); %.2f× the v2 parse alone; "
      "%.2f× FHIR JSON parse + validate in the same run (bench_fhir: %s/s)\n" %
      (f'{full["per_s"]:,}', "met" if full["per_s"] >= 50000 else "NOT met", full["per_s"] / stages["parse"]["per_s"],
       full["per_s"] / yard_rate, f'{round(yard_rate):,}'))
print("(b) MLLP end to end, %s connections, ACK after durable commit (SQLite); routed: every message to a file_folder sink, or none (intake only):" % sys.argv[2])
print("| mode | sent | AA | ACKed/s | p50 ms | p95 ms | p99 ms | max ms | commits (msgs/commit) | daemon CPU | generator CPU | delivered 2 s after / ACKed incl. warm-up |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|")
ok = True
for r in get("mllp"):
    label = ("max" if r["mode"] == "max" else "paced %d/s" % r["rate"]) + (", routed" if r["routed"] == "yes" else ", not routed")
    per = r["aa"] / r["commits"] if r["commits"] else 0
    print("| %s | %d | %d | %s | %.1f | %.1f | %.1f | %.1f | %d (%.1f) | %d%% | %d%% | %d / %d |" % (
        label, r["sent"], r["aa"], f'{round(r["acked_per_s"]):,}', r["p50_ms"], r["p95_ms"], r["p99_ms"], r["max_ms"],
        r["commits"], per, r["daemon_cpu_percent"], r["generator_cpu_percent"], r["delivered_2s_after"],
        r["aa"] + r["warmup_aa"]))
    if r["exit"] != 0 or r["aa"] != r["sent"]:
        ok = False
        print("  NOT every message got AA: %s" % r["generator_stderr"])
m = [r for r in get("mllp") if r["mode"] == "max" and r["routed"] == "yes"][0]
p = [r for r in get("mllp") if r["mode"] == "paced" and r["routed"] == "yes"][0]
print("\nmax rate %s/s (target ≥ 2,000: %s); at 1,000/s p99 %.1f ms (target < 50 ms: %s); every message AA: %s" % (
    f'{round(m["acked_per_s"]):,}', "met" if m["acked_per_s"] >= 2000 else "NOT met", p["p99_ms"],
    "met" if p["p99_ms"] < 50 else "NOT met", "yes" if ok else "NO"))
for r in get("mllp"):
    if r["routed"] == "no":
        print("not routed (intake only), %s: %s/s, p99 %.1f ms" % (r["mode"], f'{round(r["acked_per_s"]):,}', r["p99_ms"]))
sys.exit(0 if ok else 1)
PY
echo "bench: raw results in $raw" >&2
