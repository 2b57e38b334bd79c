#!/usr/bin/env bash
# Benchmarks care-team notifications (issue 14: events → notifications ≥ 2,000/s, durable), Release
# build in build-bench: bench_notifications on a SQLite store (the embedded default, fsync on each
# commit) with PATIENTS patients in the care directory (a family doctor and a care manager each) and
# EVENTS admissions and discharges through the daemon's intake path, RUNS times; forward (the
# care-team route copying each message) and notify (the same route with notify) in the same run,
# so the ratio is measured on the same machine at the same moment; stated (members named by the
# events) and registry (forward with the patient registry matching each event's patient) too. Raw lines go to
# bench/results/notifications-<UTC time>.jsonl. Usage: bench/run_notifications.sh [PATIENTS] [EVENTS] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
patients=${1:-5000}
events=${2:-20000}
runs=${3:-3}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-/work} CCACHE_DIR=${CCACHE_DIR:-/work/.ccache}
"$here/scripts/install-deps.sh" >/dev/null
build=$here/build-bench
flock /tmp/renkei-build.lock cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
flock /tmp/renkei-build.lock cmake --build "$build" --target bench_notifications -j2 >/dev/null
out=$here/bench/results
mkdir -p "$out"
raw=$out/notifications-$(date -u +%Y%m%dT%H%M%SZ).jsonl
for _ in $(seq "$runs"); do
  flock /tmp/renkei-build.lock "$build/bench/bench_notifications" "$patients" "$events" >> "$raw"
done
python3 - "$raw" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def median(mode, key):
    return statistics.median(r[key] for r in rows if r["mode"] == mode)
forward, notify = median("forward", "events_per_s"), median("notify", "events_per_s")
n = next(r for r in rows if r["mode"] == "notify")
print("| mode | events/s (median of %d) | what was committed |" % len([r for r in rows if r["mode"] == "notify"]))
print("|---|---:|---|")
print(f"| forward (care-team route, no notify) | {forward:,.0f} | {n['events']:,} events, {2 * n['events']:,} deliveries |")
print(f"| notify | {notify:,.0f} ({notify / forward:.2f}× forward) | {n['urgent']:,} urgent notifications queued with their Bundle, {n['routine']:,} routine kept for the digest |")
print(f"| repeat (the same events from a second source) | {median('repeat', 'events_per_s'):,.0f} | nothing new: every fact told already |")
stated = median("stated", "events_per_s")
print(f"| stated (the events name the family doctor; no CareTeam does) | {stated:,.0f} ({stated / forward:.2f}× forward) | {n['events']:,} events, {2 * n['events']:,} deliveries, one stated CareTeam per patient |")
registry = median("registry", "events_per_s")
people = next(r for r in rows if r["mode"] == "registry")["patients"]
print(f"| registry (forward, each event's patient matched in the patient registry) | {registry:,.0f} ({registry / forward:.2f}× forward) | {n['events']:,} events, {people:,} registry records (one per patient) |")
print(f"| digest round | {median('digest', 'notifications_per_s'):,.0f} notifications/s | {n['routine']:,} routine notifications → one digest per recipient |")
PY
"$here/bench/fsync_rate.sh"
echo "bench: raw results in $raw" >&2
