#!/usr/bin/env bash
# Runs Renkei's FHIR-core and FHIRPath benchmarks and the peers (../shared/bench/peers) on the same inputs in
# the same run, and prints one markdown table with the ratios. Results are also saved under
# bench/results/. Usage: bench/run.sh [N] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-10000}
RUNS=${2:-3}
shared=${RENKEI_SHARED_DIR:-$here/../shared}
peers_src=$shared/bench/peers
data=${BENCH_DATA:-$shared/testdata/peer-bench-inputs}
[ -d "$peers_src" ] || { echo "bench: $peers_src not found (set RENKEI_SHARED_DIR)" >&2; exit 2; }

"$here/scripts/install-deps.sh" >/dev/null
cmake -S "$here" -B "$here/build-bench" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
cmake --build "$here/build-bench" --target bench_fhir -j"$(nproc)" >/dev/null

# The peers' folder is read-only: install their npm packages in a copy.
peers=$here/build-bench/peers
mkdir -p "$peers"
cp "$peers_src"/*.js "$peers_src"/package.json "$peers"/
[ -d "$peers/node_modules/fhir" ] || (cd "$peers" && npm install --no-audit --no-fund --loglevel=error >/dev/null)

out=$here/bench/results
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw=$out/$stamp.jsonl
: > "$raw"

peer() {  # mode
  BENCH_DATA=$data node --experimental-websocket --no-warnings "$peers/bench.js" "$1" "$N" "$RUNS" |
    sed 's/^{/{"who":"peer",/' >> "$raw"
}
ours() {  # mode [args...]
  BENCH_DATA=$data "$here/build-bench/bench/bench_fhir" "$@" | sed 's/^{/{"who":"renkei",/' >> "$raw"
}
echo "bench: N=$N RUNS=$RUNS, peers and Renkei interleaved in this run" >&2
peer fhirjs-parse-validate; ours parse-validate "$N" "$RUNS"
peer fhirjs-validate;       ours validate "$N" "$RUNS"
peer medplum-validate
peer fhirjs-xml2json;       ours xml2json "$N" "$RUNS"
peer fhirjs-json2xml;       ours json2xml "$N" "$RUNS"
peer json-parse;            ours json-parse "$N" "$RUNS"
ours validate-core "$N" "$RUNS"
peer fhirpath-compiled;     ours fhirpath-compiled "$N" "$RUNS"
peer fhirpath-evaluate;     ours fhirpath-evaluate "$N" "$RUNS"
peer medplum-fhirpath
ours definitions
jp=$shared/testdata/jp-fhir-packages
ours definitions "$jp/jp-core.r4-1.1.2-url.tgz" "$jp/jp-clins.r4-1.5.2-snap.tgz"

python3 - "$raw" <<'PY' | tee "$out/$stamp.md"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
get = lambda who, mode: next((r for r in rows if r["who"] == who and r["mode"] == mode), None)
pairs = [("parse + validate (JSON)", "parse-validate", "fhirjs-parse-validate", 10),
         ("validate (pre-parsed)", "validate", "fhirjs-validate", None),
         ("XML → JSON", "xml2json", "fhirjs-xml2json", 20),
         ("JSON → XML", "json2xml", "fhirjs-json2xml", 20),
         ("JSON parse only", "json-parse", "json-parse", None),
         ("FHIRPath, compiled once", "fhirpath-compiled", "fhirpath-compiled", 10),
         ("FHIRPath, parsed every call", "fhirpath-evaluate", "fhirpath-evaluate", None),
         ("FHIRPath, compiled once", "fhirpath-compiled", "medplum-fhirpath", None)]
peers = {"json-parse": "JSON.parse (node)", "fhirpath-compiled": "fhirpath.js 5.2.0",
         "fhirpath-evaluate": "fhirpath.js 5.2.0", "medplum-fhirpath": "Medplum 5.2.13"}
print("| operation | Renkei items/s | µs/item | peer | peer items/s | ratio | target |")
print("|---|---:|---:|---|---:|---:|---|")
for label, ours, theirs, target in pairs:
    a, b = get("renkei", ours), get("peer", theirs)
    if not a or not b: continue
    ratio = a["median_per_s"] / b["median_per_s"]
    peer = peers.get(theirs, "FHIR.js 4.12.0")
    t = f"≥ {target}× {'met' if ratio >= target else 'NOT met'}" if target else ""
    print(f"| {label} | {a['median_per_s']:,} | {a['median_us_per_item']:.1f} | {peer} | {b['median_per_s']:,} | {ratio:.1f}× | {t} |")
m = get("peer", "medplum-validate"); v = get("renkei", "validate")
if m and v:
    print(f"| validate vs Medplum | {v['median_per_s']:,} | {v['median_us_per_item']:.1f} | Medplum 5.2.13 | {m['median_per_s']:,} | {v['median_per_s']/m['median_per_s']:.1f}× | |")
c = get("renkei", "validate-core")
if c and v:
    print(f"| validate without invariants | {c['median_per_s']:,} | {c['median_us_per_item']:.1f} | Renkei with invariants | {v['median_per_s']:,} | invariants cost {100 * (1 - v['median_per_s'] / c['median_per_s']):.0f}% | |")
defs = [r for r in rows if r["mode"] == "definitions"]
for d in defs:
    what = "R4 core + Renkei profiles" if d["packages"] == 1 else "R4 core + Renkei + JP Core + JP-CLINS"
    print(f"| load definitions: {what} | {d['structures']} StructureDefinitions | {d['load_ms']} ms | | | | < 1 s {'met' if d['load_ms'] < 1000 else 'NOT met'}; peak RSS {d['peak_rss_mb']} MB (< 150 MB {'met' if d['peak_rss_mb'] < 150 else 'NOT met'}) |")
PY
"$here/bench/fsync_rate.sh"
echo "bench: raw results in $raw" >&2
