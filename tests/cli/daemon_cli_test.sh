#!/usr/bin/env bash
# The daemon and its operator commands as municipal IT uses them: version, check-config (ok and
# every error with its pointer), serve on a temporary folder with a receiver that always refuses,
# /healthz and /metrics (every metric documented), outbox list, dead, show, retry and replay,
# intake show and failed for an input whose file name is a patient's name (never logged), a
# second instance refused on the data directory, the watched folder and the admin port, and a
# clean SIGTERM.
# Usage: daemon_cli_test.sh RENKEI_BINARY SOURCE_DIR
set -u
renkei=$1
src=$2
work=$(mktemp -d /tmp/renkei-daemon-cli.XXXXXX)
failures=0
daemon=""
cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

check() {  # name expected_exit expected_output_substring command...
  local name=$1 want_exit=$2 want_out=$3
  shift 3
  local out code
  out=$("$@" 2>&1)
  code=$?
  if [ "$code" != "$want_exit" ] || [[ "$out" != *"$want_out"* ]]; then
    echo "FAIL $name: exit $code (want $want_exit), output: $out"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

check "--version" 0 "renkei 0.1.0" "$renkei" --version
check "version names the commit" 0 "commit " "$renkei" version
# The newest schema is the number of the last migration script.
schema=$(ls "$src/gateway/store/sql/sqlite" | sort | tail -1 | sed 's/^0*\([0-9]*\)_.*/\1/')
check "version names the store schema" 0 "store_schema $schema" "$renkei" version
check "sample config is valid" 0 "ok (2 sources, 3 sinks, 2 routes, store sqlite)" \
  "$renkei" check-config "$src/samples/config/renkei.json"
printf '{"sources": {}, "sinks": {"x": {"type": "fax"}}, "routes": [{"name": "r", "to": ["y"]}], "colour": 1}' > "$work/bad.json"
check "config errors with pointers" 1 "/colour: unknown key" "$renkei" check-config "$work/bad.json"
check "config errors name the sink type" 1 "/sinks/x/type: unknown sink type 'fax'" "$renkei" check-config "$work/bad.json"
check "config errors name the route target" 1 "/routes/0/to/0: no sink named 'y'" "$renkei" check-config "$work/bad.json"

# A receiver that answers 403 with a body: every delivery becomes a dead letter.
receiver_port=$(free_port)
python3 - "$receiver_port" <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = b'{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"forbidden"}]}'
        self.send_response(403)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
class Quiet(HTTPServer):
    def handle_error(self, *a):
        pass  # the daemon closing its connection at shutdown is expected
Quiet(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
receiver=$!
admin_port=$(free_port)
api_port=$(free_port)
cat > "$work/renkei.json" <<JSON
{
  "data_dir": "data", "admin": {"listen": "127.0.0.1:$admin_port"},
  "log": {"level": "warn", "file": "renkei.log"},
  "sources": {"inbox": {"type": "folder", "path": "inbox", "poll_ms": 50, "min_age_ms": 0},
              "api": {"type": "fhir_http", "listen": "127.0.0.1:$api_port", "plain_http": true,
                      "clients": [{"id": "h", "organization": "h", "scopes": ["system/*.write"],
                                   "token_sha256": "$(printf token | sha256sum | cut -c1-64)"}]}},
  "sinks": {"hospital": {"type": "fhir_rest", "base_url": "http://127.0.0.1:$receiver_port/fhir"},
            "archive": {"type": "file_folder", "path": "archive"}},
  "routes": [{"name": "all", "to": ["hospital"]}]
}
JSON
"$renkei" serve --config "$work/renkei.json" &
daemon=$!
mkdir -p "$work/inbox"
cp "$src/samples/fhir/Patient-renkei-example.json" "$work/inbox/"
for _ in $(seq 1 100); do
  "$renkei" outbox --config "$work/renkei.json" dead 2>/dev/null | grep -q "HTTP 403" && break
  sleep 0.1
done
check "healthz" 0 "ok" curl -sf "http://127.0.0.1:$admin_port/healthz"
check "metrics count the rejection" 0 'renkei_deliveries_total{destination="hospital",outcome="rejected"} 1' \
  curl -sf "http://127.0.0.1:$admin_port/metrics"
check "metrics show the dead letter" 0 'renkei_outbox_messages{destination="hospital",state="DEAD"} 1' \
  curl -sf "http://127.0.0.1:$admin_port/metrics"
check "outbox dead lists it" 0 "hospital	DEAD	1" "$renkei" outbox --config "$work/renkei.json" dead
check "outbox show keeps the receiver's body" 0 '"code":"forbidden"' \
  "$renkei" outbox --config "$work/renkei.json" show 1
check "outbox show has the routing record" 0 '"route":"all","matched":true' \
  "$renkei" outbox --config "$work/renkei.json" show 1
check "outbox retry makes it due" 0 "outbox row 1 is due now" \
  "$renkei" outbox --config "$work/renkei.json" retry 1
check "outbox replay to another destination" 0 "queued again to archive" \
  "$renkei" outbox --config "$work/renkei.json" replay 1 --to archive
for _ in $(seq 1 100); do
  ls "$work/archive"/*.json >/dev/null 2>&1 && break
  sleep 0.1
done
check "the replay was delivered" 0 ".json" ls "$work/archive"
check "unknown row" 1 "no outbox row 99" "$renkei" outbox --config "$work/renkei.json" show 99
check "audit prints AuditEvents as a Bundle" 0 "\"type\":\"collection\"" "$renkei" audit --config "$work/renkei.json" --limit 5
check "reindex recomputes the search index of every indexed type" 0 "Organization	" "$renkei" reindex --config "$work/renkei.json"
check "reindex needs a config" 2 "--config FILE is required" "$renkei" reindex
# Patient matching against what the hospitals' endpoint stored: the same woman as another
# system writes her (half-width kana, a variant-free kanji, no ids, no phone) is linked; a
# stranger is new.
check "a hospital posts a Patient" 0 "201" curl -s -o /dev/null -w "%{http_code}" -X POST \
  -H "Authorization: Bearer token" -H "Content-Type: application/fhir+json" \
  --data-binary @"$src/samples/fhir/Patient-renkei-example.json" "http://127.0.0.1:$api_port/fhir/Patient"
python3 - "$src/samples/fhir/Patient-renkei-example.json" "$work" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
del p["identifier"], p["telecom"], p["text"], p["meta"]
p["name"] = [{"family": "ﾚﾝｹｲ", "given": ["ﾊﾅｺ"]}, {"family": "連携", "given": ["花子"]}]
json.dump({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": p}]},
          open(sys.argv[2] + "/same-woman.json", "w"), ensure_ascii=False)
p["name"] = [{"family": "ﾚﾝｹｲ", "given": ["ﾀﾛｳ"]}]
p["gender"] = "male"
p["birthDate"] = "1950-01-01"
json.dump(p, open(sys.argv[2] + "/stranger.json", "w"), ensure_ascii=False)
PY
check "match links the same woman written another way" 0 '"decision":"link","candidates":[{"patient":"Patient/' \
  "$renkei" match --config "$work/renkei.json" "$work/same-woman.json"
check "match gives its reasons" 0 '"birth date equal"' \
  "$renkei" match --config "$work/renkei.json" "$work/same-woman.json"
check "match finds a stranger new" 0 '"decision":"new"' \
  "$renkei" match --config "$work/renkei.json" "$work/stranger.json"
check "match refuses a file without a Patient" 2 "holding a Patient" \
  "$renkei" match --config "$work/renkei.json" "$work/renkei.json"
check "patient data stays out of the log" 1 "" grep -q "連携" "$work/renkei.log"

# Versions and true reason phrases on the admin endpoint.
check "healthz names the version" 0 '"version":"0.1.0"' curl -sf "http://127.0.0.1:$admin_port/healthz"
check "healthz names the store schema" 0 "\"store_schema\":$schema" curl -sf "http://127.0.0.1:$admin_port/healthz"
check "metrics carry the build info" 0 'renkei_build_info{version="0.1.0",commit="' \
  curl -sf "http://127.0.0.1:$admin_port/metrics"
check "404 says Not Found" 0 "HTTP/1.1 404 Not Found" curl -si "http://127.0.0.1:$admin_port/nothing"
check "outbox list refuses an unknown state" 2 "unknown state 'BOGUS' (one of QUEUED, RETRYING, HELD, SENT, DEAD)" \
  "$renkei" outbox --config "$work/renkei.json" list --state BOGUS
# The replay's file is written before its row is recorded SENT: wait for the record, not the file.
for _ in $(seq 1 100); do
  "$renkei" outbox --config "$work/renkei.json" list --state SENT 2>/dev/null | grep -q "archive	SENT" && break
  sleep 0.1
done
check "outbox list takes a state in any case" 0 "archive	SENT" \
  "$renkei" outbox --config "$work/renkei.json" list --state sent

# Every metric the daemon exports is in the operations page's table.
curl -sf "http://127.0.0.1:$admin_port/metrics" > "$work/metrics.txt"
for metric in $(sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' "$work/metrics.txt"); do
  check "docs/operations.md documents $metric" 0 "" grep -q "\`$metric[{\`]" "$src/docs/operations.md"
done

# A failed input whose file name is a patient's: the log names the message only; intake finds it.
cp "$src/samples/fhir/invalid/Patient-with-errors.json" "$work/inbox/山田太郎.json"
for _ in $(seq 1 100); do
  grep -q '"event":"input_failed"' "$work/renkei.log" && break
  sleep 0.1
done
failed_id=$(sed -n 's/.*"event":"input_failed".*"message":"\([0-9]*\)".*/\1/p' "$work/renkei.log" | head -1)
check "the log says which message failed" 0 "" test -n "$failed_id"
check "the file name stays out of the log" 1 "" grep -q "山田" "$work/renkei.log"
check "intake show names the file" 0 "name	山田太郎.json" \
  "$renkei" intake --config "$work/renkei.json" show "$failed_id"
check "intake show says where it is" 0 "location	$work/inbox/failed/山田太郎.json" \
  "$renkei" intake --config "$work/renkei.json" show "$failed_id"
check "intake failed lists it" 0 "$failed_id	inbox	" "$renkei" intake --config "$work/renkei.json" failed
check "intake show of an unknown message" 1 "no message 99" "$renkei" intake --config "$work/renkei.json" show 99
check "failed inputs are counted apart" 0 'renkei_intake_total{source="inbox",result="failed"} 1' \
  curl -sf "http://127.0.0.1:$admin_port/metrics"
check "and not as accepted" 0 'renkei_intake_total{source="inbox",result="accepted"} 1' \
  curl -sf "http://127.0.0.1:$admin_port/metrics"

# A second instance: refused on the same data directory, on the same watched folder, and on the
# same admin port; the first goes on serving.
check "a second instance on the same config is refused" 69 "is in use by another renkei (PID $daemon)" \
  timeout 60 "$renkei" serve --config "$work/renkei.json"
other_admin=$(free_port)
sed -e 's|"data_dir": "data"|"data_dir": "data2"|' -e "s|127.0.0.1:$admin_port|127.0.0.1:$other_admin|" \
  -e "s|127.0.0.1:$api_port|127.0.0.1:$(free_port)|" "$work/renkei.json" > "$work/same-inbox.json"
check "a second instance on the same watched folder is refused" 69 \
  "watched folder $work/inbox is in use by another renkei (PID $daemon)" \
  timeout 60 "$renkei" serve --config "$work/same-inbox.json"
sed -e 's|"data_dir": "data"|"data_dir": "data3"|' -e 's|"path": "inbox"|"path": "inbox3"|' \
  -e "s|127.0.0.1:$api_port|127.0.0.1:$(free_port)|" "$work/renkei.json" > "$work/same-port.json"
check "a second instance cannot bind the admin port" 69 "admin endpoint 127.0.0.1:$admin_port" \
  timeout 60 "$renkei" serve --config "$work/same-port.json"
check "the first still answers" 0 "renkei_build_info" curl -sf "http://127.0.0.1:$admin_port/metrics"

kill -TERM "$daemon"
wait "$daemon"
code=$?
daemon=""
kill "$receiver" 2>/dev/null
if [ "$code" != 0 ]; then
  echo "FAIL SIGTERM: exit $code"
  failures=$((failures + 1))
else
  echo "ok   SIGTERM exits 0"
fi
exit $((failures > 0))
