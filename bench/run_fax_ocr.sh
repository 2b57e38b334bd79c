#!/usr/bin/env bash
# Benchmarks reading faxed forms (issue 13: fine ≥ 4 pages/s on 2 cores; accuracy fine ≥ 90% of
# fields exact, standard ≥ 80%, check boxes 100%, no field auto-accepted wrong). Release build in
# build-bench. For each shipped form and mode, bench_fax_ocr reads N generated faxes with 2
# workers (OMP_THREAD_LIMIT=1), then the baseline — the plain whole-page `tesseract` CLI (jpn,
# page segmentation 3) on the same pages, one process a page, 2 at a time — is timed and scored
# by the typed fields whose value appears in its text (spaces ignored; check boxes left out: it
# reads no marks). Raw lines go to bench/results/fax-ocr-<UTC time>.jsonl; the disk is not
# involved (pages are generated in memory). Usage: bench/run_fax_ocr.sh [N]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-40}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-/work} CCACHE_DIR=${CCACHE_DIR:-/work/.ccache}
export OMP_THREAD_LIMIT=1
"$here/scripts/install-deps.sh" >/dev/null
command -v tesseract >/dev/null || { sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo;
  $sudo_cmd apt-get update -qq; DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq tesseract-ocr >/dev/null; }
build=$here/build-bench
flock /tmp/renkei-build.lock cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
flock /tmp/renkei-build.lock cmake --build "$build" --target bench_fax_ocr -j2 >/dev/null
out=$here/bench/results
mkdir -p "$out"
raw=$out/fax-ocr-$(date -u +%Y%m%dT%H%M%SZ).jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for form in nyutaiin-renkei-sheet houmon-kango-shijisho; do
  for mode in fine standard; do
    pages=$work/$form-$mode
    mkdir -p "$pages"
    "$build/bench/bench_fax_ocr" "$form" "$n" "$mode" 2 --write "$pages" >> "$raw"
    start=$(date +%s.%N)
    ls "$pages"/*.tif | xargs -P 2 -I{} sh -c 'tesseract "$1" "${1%.tif}" -l jpn --psm 3 >/dev/null 2>&1' _ {}
    end=$(date +%s.%N)
    python3 - "$pages" "$form" "$mode" "$n" "$start" "$end" >> "$raw" <<'PY'
import glob, json, sys
pages, form, mode, n, start, end = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
found = total = 0
for tsv in glob.glob(pages + "/*.tsv"):
    text = open(tsv[:-4] + ".txt", encoding="utf-8").read().replace(" ", "").replace("\n", "")
    for line in open(tsv, encoding="utf-8"):
        name, value = line.rstrip("\n").split("\t", 1)
        total += 1
        found += value.replace(" ", "") in text
print(json.dumps({"form": form, "mode": mode, "baseline": "tesseract-cli-whole-page", "pages": n,
                  "pages_per_s": n / (end - start), "typed_fields": total, "typed_fields_found": found}))
PY
  done
done
python3 - "$raw" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| form | mode | pages/s (2 workers) | fields exact | characters | check boxes | auto-accepted | auto-accepted but wrong | baseline: typed fields found | baseline pages/s |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
base = {(r["form"], r["mode"]): r for r in rows if "baseline" in r}
for r in rows:
    if "baseline" in r: continue
    a, c, b = r["all"], r.get("checkbox", {"exact": 0, "fields": 0}), base[(r["form"], r["mode"])]
    pct = lambda x, y: f"{100 * x / y:.1f}%" if y else "-"
    print(f"| {r['form']} | {r['mode']} | {r['pages_per_s']:.2f} | {pct(a['exact'], a['fields'])} | "
          f"{pct(a['characters'] - a['character_errors'], a['characters'])} | {pct(c['exact'], c['fields'])} | "
          f"{pct(a['accepted'], a['fields'])} | {a['accepted_wrong']} | {pct(b['typed_fields_found'], b['typed_fields'])} | "
          f"{b['pages_per_s']:.2f} |")
PY
"$here/bench/fsync_rate.sh"
echo "bench: raw results in $raw" >&2
