#!/usr/bin/env bash
# Benchmarks the hospitals' endpoint on loopback with keep-alive: 10-entry transaction Bundles,
# each a new input, answered only after the durable commit (SQLite), over HTTPS and plain HTTP,
# with resource copies kept for read and search (the default) and without (keep_resources false).
#   1. maximum rate: wrk, 2 threads, 32 connections (endpoint threads 16), and 128 connections
#      (endpoint threads 128: more requests waiting means larger group commits);
#   2. steady rate: bench/fhir_http/paced_load (open loop, latency from each request's scheduled
#      time), 1,000 requests/s for SECONDS on 16 connections, and 2,000/s on 64.
# Every scenario starts a fresh daemon on an empty store. With RENKEI_BASELINE=/path/to/renkei
# (e.g. a build of an earlier commit) every scenario runs with that binary too, right after this
# one, so that the two compare within one run. Output is also kept in
# bench/results/fhir-http-<UTC time>.txt.
# Usage: [RENKEI_BASELINE=BINARY] bench/run_fhir_http.sh [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-15}
"$here/scripts/install-deps.sh" --test >/dev/null
if ! command -v wrk >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
  $sudo_cmd apt-get update -qq >/dev/null && $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
cmake -S "$here" -B "$here/build-bench" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
cmake --build "$here/build-bench" --target renkei paced_load -j"$(nproc)" >/dev/null
renkei=$here/build-bench/gateway/renkei
baseline=${RENKEI_BASELINE:-}
paced=$here/build-bench/bench/paced_load
work=$(mktemp -d /var/tmp/renkei-http-bench.XXXXXX)
daemon=""
stop_daemon() { if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; daemon=""; fi; }
trap 'stop_daemon; [ -n "${RENKEI_KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
(cd "$work" && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1)
token=bench-token
hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
results=$here/bench/results/fhir-http-$(date -u +%Y%m%dT%H%M%SZ).txt
mkdir -p "$here/bench/results"

# start_daemon TRANSPORT KEEP [THREADS]: one endpoint ("https" or "http"), resource copies on or
# off, its worker pool size; $binary is the renkei that runs.
binary=$renkei
start_daemon() {
  stop_daemon
  rm -rf "$work/data" "$work/out"
  local transport='"tls": {"cert_file": "cert.pem", "key_file": "key.pem"}'
  [ "$1" = http ] && transport='"plain_http": true'
  cat > "$work/renkei.json" <<JSON
{
  "instance_name": "bench", "data_dir": "data", "log": {"level": "error"},
  "sources": {
    "hospital": {"type": "fhir_http", "listen": "127.0.0.1:$port", "threads": ${3:-16}, "queue": 256,
                 "keep_resources": $2, $transport,
                 "clients": [{"id": "bench", "organization": "bench-hospital", "token_sha256": "$hash",
                              "scopes": ["system/*.write"]}]}
  },
  "sinks": {"archive": {"type": "file_folder", "path": "out"}},
  "routes": [{"name": "none", "events": ["admission"], "to": ["archive"]}]
}
JSON
  # The daemon's output goes to files, never to the pipe into tee (tee would wait for it).
  "$binary" serve --config "$work/renkei.json" >"$work/daemon.out" 2>"$work/daemon.err" &
  daemon=$!
  for _ in $(seq 1 100); do
    curl -sk "$1://127.0.0.1:$port/fhir/metadata" -o /dev/null && return 0
    sleep 0.1
  done
  echo "the daemon did not start:"; cat "$work/daemon.err"; exit 1
}

lua=$here/bench/fhir_http/post_transaction.lua
# both SCENARIO ARGS...: the scenario with this build, then (with RENKEI_BASELINE) the baseline.
both() {
  local scenario=$1; shift
  binary=$renkei; echo "-- this build"; "$scenario" "$@"
  if [ -n "$baseline" ]; then binary=$baseline; echo "-- baseline $baseline"; "$scenario" "$@"; fi
  binary=$renkei
}
maximum() {  # TRANSPORT KEEP [CONNECTIONS]
  local connections=${3:-32}
  local threads=16
  [ "$connections" -gt 32 ] && threads=$connections
  start_daemon "$1" "$2" "$threads"
  echo "== maximum, $1, keep_resources $2, endpoint threads $threads: wrk -t2 -c$connections -d${secs}s"
  RENKEI_TOKEN=$token wrk -t2 -c"$connections" -d"${secs}s" --latency -s "$lua" "$1://127.0.0.1:$port/fhir" | \
    grep -E "Requests/sec|Non-2xx|  50%|  99%|Socket errors"
}
steady() {  # TRANSPORT KEEP RATE [CONNECTIONS]
  local connections=${4:-16}
  start_daemon "$1" "$2" "$((connections > 16 ? connections : 16))"
  echo "== steady $3/s, $1, keep_resources $2: paced_load, $connections connections, ${secs}s"
  "$paced" "$1://127.0.0.1:$port/fhir" "$token" "$3" "$secs" "$connections" "$work/cert.pem" || true
}

# The disk's commit rate, printed beside the figures so runs on different days compare.
fsync_rate=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); from pipeline_bench import fsync_rate; print(round(fsync_rate(sys.argv[2])))' "$here/bench" "$work")
{
  echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "# disk: $fsync_rate fsync/s (4 KB write + fdatasync)"
  both maximum http false
  both maximum https false
  both maximum http true
  both maximum https true
  both maximum http false 128
  both maximum https false 128
  both maximum http true 128
  both maximum https true 128
  both steady https false 1000
  both steady http true 1000
  both steady https true 1000
  both steady https true 2000 64
  stop_daemon
} 2>&1 | tee "$results"
echo "results: $results"
