#!/usr/bin/env bash
# Builds Renkei (Release) and runs the gateway daemon on the embedded store (SQLite) with the
# sample config: it watches var/inbox (seeded with the sample FHIR files), validates and routes
# them, and delivers to folders under var/outbox/; var/fax-in (seeded with sample faxes) is read
# by OCR, and what the OCR cannot prove waits for review. Installs its own Debian packages first.
# Stop it with Ctrl-C (a clean drain). RENKEI_RUN_SECONDS=N stops it after N seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
cmake -S "$here" -B "$here/build-release" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF \
  -DRENKEI_BUILD_BENCH=OFF >/dev/null
cmake --build "$here/build-release" --target renkei -j"$(nproc)"
renkei=$here/build-release/gateway/renkei
config=$here/samples/config/renkei.json

"$renkei" check-config "$config"
mkdir -p "$here/var/inbox" "$here/var/fax-in"
cp "$here"/samples/fhir/*.json "$here"/samples/fhir/*.xml "$here"/samples/fhir/invalid/*.json \
  "$here/var/inbox/"
cp "$here"/samples/fax-forms/*.tif "$here/var/fax-in/"
cat <<MSG

Renkei is starting with $config
  inbox      $here/var/inbox        (drop FHIR JSON/XML files here; done/ and failed/ inside)
  faxes      $here/var/fax-in       (drop faxed forms here: TIFF, PNG, PDF; read by OCR)
  review     $renkei faxes --config $config list
  outboxes   $here/var/outbox/*     (deliveries per destination)
  metrics    http://127.0.0.1:9464/metrics   health http://127.0.0.1:9464/healthz
  queue      $renkei outbox --config $config list
Ctrl-C stops it after in-flight deliveries finish.

MSG
if [ -n "${RENKEI_RUN_SECONDS:-}" ]; then
  timeout --signal=TERM "$RENKEI_RUN_SECONDS" "$renkei" serve --config "$config" || [ $? -eq 124 ]
  exit 0
fi
exec "$renkei" serve --config "$config"
