#!/usr/bin/env bash
# Benchmarks the hospitals' endpoint with wrk on loopback (keep-alive): 10-entry transaction
# Bundles, each a new input, accepted only after the durable commit (SQLite), over HTTPS and plain
# HTTP, with and without keeping resource copies for read and search: maximum rate, then a
# closed-loop run with 4 connections for latency (Debian's wrk cannot pace a constant rate).
# Usage: bench/run_fhir_http.sh [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-15}
"$here/scripts/install-deps.sh" --test >/dev/null
command -v wrk >/dev/null || { sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo; $sudo_cmd apt-get install -y -qq wrk >/dev/null; }
cmake -S "$here" -B "$here/build-bench" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
cmake --build "$here/build-bench" --target renkei -j"$(nproc)" >/dev/null
renkei=$here/build-bench/gateway/renkei
work=$(mktemp -d /var/tmp/renkei-http-bench.XXXXXX)
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; [ -n "${RENKEI_KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
(cd "$work" && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1)
token=bench-token
hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
read -r port plain pushonly < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
client='"clients": [{"id": "bench", "organization": "bench-hospital", "token_sha256": "'$hash'", "scopes": ["system/*.write"]}]'
cat > "$work/renkei.json" <<JSON
{
  "instance_name": "bench", "data_dir": "data", "log": {"level": "error"},
  "sources": {
    "https": {"type": "fhir_http", "listen": "127.0.0.1:$port", "threads": 16, "queue": 256,
              "tls": {"cert_file": "cert.pem", "key_file": "key.pem"}, $client},
    "http": {"type": "fhir_http", "listen": "127.0.0.1:$plain", "threads": 16, "queue": 256,
             "plain_http": true, $client},
    "push-only": {"type": "fhir_http", "listen": "127.0.0.1:$pushonly", "threads": 16, "queue": 256,
                  "plain_http": true, "keep_resources": false, $client}
  },
  "sinks": {"archive": {"type": "file_folder", "path": "out"}},
  "routes": [{"name": "none", "from": ["https"], "events": ["admission"], "to": ["archive"]}]
}
JSON
"$renkei" serve --config "$work/renkei.json" 2>"$work/daemon.err" &
daemon=$!
sleep 2
lua=$here/bench/fhir_http/post_transaction.lua
run() {  # label url threads connections
  echo "== $1: wrk -t$3 -c$4 -d${secs}s $2"
  RENKEI_TOKEN=$token wrk -t"$3" -c"$4" -d"${secs}s" --latency -s "$lua" "$2" | \
    grep -E "Requests/sec|Non-2xx|Latency|  50%|  99%|requests in|Socket errors"
}
run "HTTPS, maximum" "https://127.0.0.1:$port/fhir" 2 32
run "plain HTTP, maximum" "http://127.0.0.1:$plain/fhir" 2 32
run "plain HTTP, maximum, keep_resources false" "http://127.0.0.1:$pushonly/fhir" 2 32
run "HTTPS, 4 connections" "https://127.0.0.1:$port/fhir" 1 4
messages=$(sqlite3 "$work/data/renkei.db" "select count(*) from pipeline_message" 2>/dev/null || echo "?")
echo "messages committed: $messages"
